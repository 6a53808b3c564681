"""Escaping text that comes from input files, and formatting numbers for readers."""

from __future__ import annotations

import html
import math
import re

__all__ = ["headline_outputs", "md_cell", "md_code", "md_text", "number", "percent"]

# the characters Python-Markdown (with its tables extension) gives a meaning and lets be escaped
_MARKUP = re.compile(r"([\\`*_\[\]#|])")
# control characters: meaningless in a report, and Python-Markdown uses STX/ETX as placeholders
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def md_text(text: str) -> str:
    """Text from an input file made inert in Markdown and in the HTML rendered from it.

    HTML is escaped (``<script>`` shows as text), Markdown's markup characters are
    backslash-escaped, so a title or a source cannot open a link, a table cell or an emphasis,
    and the text is made one line, so it cannot start a list, a heading or a table row.
    """
    one_line = " ".join(_CONTROL.sub("", str(text)).split())
    return _MARKUP.sub(r"\\\1", html.escape(one_line, quote=False))


def md_cell(text: str) -> str:
    """:func:`md_text` for a table cell (kept for the callers that name the cell)."""
    return md_text(text)


def md_code(text: str) -> str:
    """Text for an inline code span: Markdown escapes do not apply there, so backticks and line
    breaks are removed; HTML inside a code span is escaped by the renderer."""
    return " ".join(str(text).replace("`", "'").split())


def number(value: float | None, digits: int = 4) -> str:
    """A readable number: thousands separators for large values, 4 significant digits otherwise."""
    if value is None:
        return "n/a"
    if math.isinf(value):
        return "never" if value > 0 else "-inf"
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def percent(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f} %"


def headline_outputs(spec) -> list[str]:
    """The scalar outputs a report leads with: their distributions are drawn, their medians in the verdict.

    Those the run's claims or sensitivity analysis name, or whose value the publication it
    reproduces printed; every scalar output when none is named.
    """
    scalar = [out.name for out in spec.model.outputs if not out.per_user]
    published = spec.published
    named = {c.output for c in spec.claims}
    named |= set(spec.sensitivity.outputs) if spec.sensitivity is not None else set()
    named |= {name for name in scalar if published is not None and published.value(name) is not None}
    return [name for name in scalar if name in named] or scalar
