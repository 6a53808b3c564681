"""The table of a report: one set of rows, rendered as CSV, as a Markdown table and (by its maker) as LaTeX.

:class:`Table` is what every table of a report is made of: the CSV file in ``tables/``, the table in
``report.md`` and the DataFrame of ``Result.tables()`` come from the same rows, so they cannot disagree.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mcsim.report.text import md_cell

__all__ = ["Column", "Table", "csv_number"]


@dataclass(frozen=True)
class Column:
    """A column of a table: its identifier (the CSV header, the DataFrame's column), its head in ``report.md`` in
    the report's language ("": a column of the data only), and how ``report.md`` writes its cell from the row's
    values by identifier (by default the value as text)."""

    key: str
    heading: str = ""
    say: Callable[[Mapping[str, Any]], str] | None = None
    numbers: bool = True  # right-aligned in report.md
    optional: bool = False  # left out of report.md where no row has a value

    def cell(self, row: Mapping[str, Any]) -> str:
        if self.say is not None:
            return self.say(row)
        value = row[self.key]
        return "" if value is None else md_cell(str(value))


@dataclass(frozen=True)
class Table:
    """One table, written once: its columns, its rows of raw values (one per column), and its LaTeX ``tabular``.

    Rendered as CSV (:meth:`to_csv`: every column, full precision), as a Markdown table for ``report.md``
    (:meth:`to_markdown`: the columns with a head, in their order or ``shown``'s; :meth:`crossed`: a row per value
    of one column, a column per value of another) and as a DataFrame
    (:func:`mcsim.report.notebook.tables`); ``tex`` is its booktabs layout for a paper.
    """

    stem: str
    columns: tuple[Column, ...]  # or identifiers, for columns of the data only
    rows: tuple[tuple[Any, ...], ...]
    tex: str
    shown: tuple[str, ...] = ()  # the columns of report.md in their order, where it differs from the columns'

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(Column(c) if isinstance(c, str) else c for c in self.columns))

    @property
    def header(self) -> tuple[str, ...]:
        """The columns' identifiers: the CSV file's header row."""
        return tuple(column.key for column in self.columns)

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows([csv_number(value) for value in row] for row in self.rows)
        return buffer.getvalue()

    def records(self) -> list[dict[str, Any]]:
        """The rows, each as its values by identifier."""
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]

    def where(self, key: str, value: Any) -> Table:
        """The table of the rows whose ``key`` is ``value`` (say, one target's rows of a table of every target)."""
        k = self.header.index(key)
        return replace(self, rows=tuple(row for row in self.rows if row[k] == value))

    def crossed(self, down: tuple[str, Sequence[Any], Callable[[Any], str]],
                across: tuple[str, Sequence[Any], Callable[[Any], str]], corner: str,
                say: Callable[[Mapping[str, Any]], str]) -> list[str]:
        """The table in ``report.md`` crossed: a row per value of one column and a column per value of another, each
        given as (identifier, its values in order, how its head says a value), each cell the row with those two
        values as ``say`` writes it (empty where there is none). A comparison's claims by scenario, say."""
        (down_key, downs, down_head), (across_key, acrosses, across_head) = down, across
        at = {(record[down_key], record[across_key]): record for record in self.records()}
        lines = ["| " + " | ".join([corner, *(across_head(a) for a in acrosses)]) + " |",
                 "|---|" + "---|" * len(acrosses)]
        for d in downs:
            cells = [say(at[d, a]) if (d, a) in at else "" for a in acrosses]
            lines.append("| " + " | ".join([down_head(d), *cells]) + " |")
        return lines

    def to_markdown(self) -> list[str]:
        """The table in ``report.md``: the columns that have a head (an optional one where some row has a value),
        each row's cells as :class:`Column` says them."""
        order = [self.header.index(key) for key in self.shown] or range(len(self.columns))
        shown = [self.columns[k] for k in order if self.columns[k].heading
                 and not (self.columns[k].optional and all(row[k] is None for row in self.rows))]
        lines = ["| " + " | ".join(column.heading for column in shown) + " |",
                 "|" + "".join("---:|" if column.numbers else "---|" for column in shown)]
        for values in self.records():
            lines.append("| " + " | ".join(column.cell(values) for column in shown) + " |")
        return lines


def csv_number(value: Any) -> str:
    """A cell of a CSV file: a number in full precision (``repr``), ``inf``, or ``""`` for none."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return ""
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    # a line break ends a record unless quoted, and the writer quotes only its own line ending ("\n")
    return str(value).replace("\r\n", "\n").replace("\r", "\n")
