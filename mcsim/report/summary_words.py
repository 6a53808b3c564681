"""The report's words that ``summary.json`` holds (:data:`WORDS`, the :class:`mcsim.serialise.Words` it passes).

The summary is for scripts: :func:`mcsim.report.write_report` builds it in English, whatever the
report's language.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from mcsim.report.attribution import tail_why
from mcsim.report.likelihood import straddle, term
from mcsim.report.verdict import _claim_sentence as claim_sentence
from mcsim.result import Result
from mcsim.serialise import Words, build_summary

__all__ = ["WORDS", "summary"]

#: The report's words for the summary: likelihood terms, why a mean is or is not a summary, each claim's sentence
WORDS: Words = SimpleNamespace(term=term, straddle=straddle, tail_why=tail_why, claim_sentence=claim_sentence)


def summary(result: Result) -> dict[str, Any]:
    """The content of ``summary.json`` with these words, in the language spoken (``write_report`` speaks English)."""
    return build_summary(result, WORDS)
