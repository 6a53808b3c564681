"""LaTeX for a report's tables and methods: text from input files made inert, numbers as papers write them.

Every text that comes from an input file (a label, a source, a claim's text, a title) goes
through :func:`tex_text`, which escapes LaTeX's special characters (``& % $ # _ { } ~ ^ \\``)
and maps the few Unicode characters a plain ``pdflatex`` does not know (narrow and no-break
spaces, <=, >=, the minus sign, ...) to their LaTeX spelling. Numbers are the report's own
(:mod:`mcsim.report.text`), turned into LaTeX by :func:`tex_number`: ``6 million``,
``\\$40.0 million``, ``56.3\\,\\%``, ``$3.20\\times10^{-5}$``, never ``6e6``.

A table is a bare ``tabular`` (booktabs rules), to be ``\\input{}`` into a ``table``
environment the author writes, with its own caption and label.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from mcsim.i18n import language

__all__ = ["tabular", "tex_number", "tex_scientific", "tex_text"]

_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
            "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
# characters pdflatex's UTF-8 input does not know without further packages, in LaTeX's spelling
_UNICODE = {"\u202f": r"\,", "\u2009": r"\,", "\u00a0": "~", "\u2264": r"$\leq$", "\u2265": r"$\geq$",
            "\u2212": r"$-$", "\u00d7": r"$\times$", "\u2248": r"$\approx$", "\u00b1": r"$\pm$",
            "\u2192": r"$\rightarrow$", "\u2026": r"\ldots{}", "\u00b5": r"$\mu$", "\u03bc": r"$\mu$",
            "\u2032": "'", "\u2033": "''", "\u200b": "", "\ufeff": ""}
_ESCAPE = re.compile("|".join(re.escape(c) for c in (*_SPECIAL, *_UNICODE)))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII white space only: a narrow no-break space is kept
_MINUS = re.compile(r"(?:(?<=^)|(?<=[\s(]))-(?=\\\$|\d)")  # a minus sign before a number, not a hyphen
_E_NOTATION = re.compile(r"(-?\d+(?:\.\d+)?)e([+-]?)0*(\d+)")


def tex_text(text: object) -> str:
    """Text made inert in LaTeX and kept on one line: every special character escaped.

    ``50 % & $20`` becomes ``50 \\% \\& \\$20``; a backslash becomes ``\\textbackslash{}``, so
    no command, group or math mode can be opened from an input file.
    """
    return _escape(_SPACES.sub(" ", _CONTROL.sub(" ", str(text))).strip()).replace(r" \%", r"\,\%")


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _SPECIAL.get(m.group()) or _UNICODE[m.group()], text)


def tex_scientific(value: float, digits: int = 3) -> str:
    """``value`` as ``$3.20\\times10^{-5}$``: ``digits`` significant digits, in math mode."""
    if value == 0 or not math.isfinite(value):
        return tex_number(f"{value:g}")
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(abs(mantissa), digits - 1) >= 10:  # 9.996e-5 to 3 digits is 1.00e-4
        exponent, mantissa = exponent + 1, mantissa / 10
    return f"${_decimal(f'{mantissa:.{digits - 1}f}')}\\times10^{{{exponent}}}$"


def _decimal(number: str) -> str:
    """A number written with a point, with the report language's decimal mark in math mode ({,} in French)."""
    return number.replace(".", "{,}") if language() == "fr" else number


def tex_number(said: str) -> str:
    """A number as the report writes it for readers (:mod:`mcsim.report.text`), in LaTeX.

    ``56.3 %`` becomes ``56.3\\,\\%``, ``$40.0 million`` ``\\$40.0 million``, a narrow no-break
    space (French thousands) ``\\,``, and a number in e-notation (``1e-05``) ``$1\\times10^{-5}$``.
    """
    said = _SPACES.sub(" ", _CONTROL.sub(" ", str(said))).strip()
    parts, at = [], 0
    for found in _E_NOTATION.finditer(said):
        parts.append(_escape(said[at:found.start()]))
        sign = "-" if found.group(2) == "-" else ""
        parts.append(f"${_decimal(found.group(1))}\\times10^{{{sign}{found.group(3)}}}$")
        at = found.end()
    parts.append(_escape(said[at:]))
    return _MINUS.sub("$-$", "".join(parts)).replace(r" \%", r"\,\%").replace(r"\,\,\%", r"\,\%")


def tabular(columns: str, header: Sequence[str], rows: Sequence[Sequence[str] | str], *,
            caption: str = "") -> str:
    """A booktabs ``tabular``: ``\\toprule``, the header, ``\\midrule``, the rows, ``\\bottomrule``.

    Parameters
    ----------
    columns : str
        The column specification, e.g. ``"lrrr"``.
    header : sequence of str
        The header cells, already LaTeX.
    rows : sequence
        Each a sequence of cells (already LaTeX), or a string: a line of its own (e.g.
        ``\\midrule`` or a ``\\multicolumn`` heading), written as it is.
    caption : str
        A suggested caption, plain text: written as a comment above the table.
    """
    lines = []
    if caption:
        lines += [f"% {line}" for line in _wrap(tex_text(caption))]
        lines.append("% Input this file inside a table environment: \\begin{table} \\caption{...} "
                     "\\input{this file} \\end{table}; it needs \\usepackage{booktabs}.")
    lines += [f"\\begin{{tabular}}{{{columns}}}", r"\toprule", " & ".join(header) + r" \\", r"\midrule"]
    for row in rows:
        lines.append(row if isinstance(row, str) else " & ".join(row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 96) -> list[str]:
    words, lines, line = " ".join(str(text).split()).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines
