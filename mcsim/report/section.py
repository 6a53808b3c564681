"""A section of a report: one part of it written once, its text, tables, figures and methods paragraphs.

A run's report (:mod:`mcsim.report.sections`) and a batch's comparison (:mod:`mcsim.report.comparison`) are each a
sequence of :class:`Section`; the renderings read the sections and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mcsim.report.figures import Figure
from mcsim.report.methods import Methods
from mcsim.report.style import Look
from mcsim.report.table import Table

__all__ = ["Section", "Tables"]

#: A report's tables by stem, as a section's text reads them.
Tables = Mapping[str, Table]


def _nothing(*_args) -> list:
    return []


def _always(_source: Any) -> bool:
    return True


@dataclass(frozen=True)
class Section:
    """One part of a report, supplied once: its text, tables, figures and methods paragraphs.

    Each is made from the report's source (a run's :class:`~mcsim.result.Result`, a comparison's data): ``text``
    writes its Markdown (headings included) from the source and the report's tables by stem; ``tables`` makes its
    tables; ``figures`` its figures in a look, shown after its text under ``figures_heading`` (a catalogue message,
    or none); ``methods`` adds its paragraphs to the methods; ``applies`` says whether the source has it at all.
    """

    key: str
    text: Callable[[Any, Tables], list[str]] = _nothing
    tables: Callable[[Any], list[Table]] = _nothing
    figures: Callable[[Any, Look], list[Figure]] = _nothing
    figures_heading: str = ""
    methods: tuple[Callable[[Methods, Any], None], ...] = ()
    applies: Callable[[Any], bool] = _always
