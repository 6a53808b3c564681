"""LaTeX for a report's tables and methods: text from input files made inert, numbers as papers write them.

Every text that comes from an input file (a label, a source, a claim's text, a title) goes
through :func:`tex_text`, which escapes LaTeX's special characters (``& % $ # _ { } ~ ^ \\``)
and maps the few Unicode characters a plain ``pdflatex`` does not know (narrow and no-break
spaces, <=, >=, the minus sign, ...) to their LaTeX spelling. Numbers are the report's own
(:mod:`mcsim.report.text`), which need nothing more to be LaTeX: ``6 million``,
``\\$40.0 million``, ``56.3\\,\\%``, ``$-$4.35 million``, ``7.9$\\times$10\\textsuperscript{...}``, never ``6e6``.

A table is a booktabs ``tabular`` to be ``\\input{}`` into a ``table`` environment the author
writes, with its own caption and label, or, for a table that may run over a page, a ``longtable``
to be ``\\input{}`` where it goes. Numbers are in siunitx ``S`` columns (aligned on the decimal
mark, one precision per column) or ``\\num``; units are in the heads; a note marked in a table is
printed under it. The comment at the top of each file says its width: one column (it fits 8.5 cm)
or the full text width (17 cm), and the packages it needs (booktabs, siunitx, longtable).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Sequence

from mcsim.i18n import language

__all__ = ["distinct", "grouped", "head", "interval", "layout", "num", "plain_number", "ragged", "s_column",
           "scientific_number", "tabular", "tex_scientific", "tex_sentence", "tex_text"]

_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
            "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
# characters pdflatex's UTF-8 input does not know without further packages, in LaTeX's spelling
_UNICODE = {"\u202f": r"\,", "\u2009": r"\,", "\u00a0": "~", "\u2264": r"$\leq$", "\u2265": r"$\geq$",
            "\u2212": r"$-$", "\u00d7": r"$\times$", "\u2248": r"$\approx$", "\u00b1": r"$\pm$",
            "\u2192": r"$\rightarrow$", "\u2026": r"\ldots{}", "\u00b5": r"$\mu$", "\u03bc": r"$\mu$",
            "\u2032": "'", "\u2033": "''", "\u200b": "", "\ufeff": "",
            # a power of ten as the report writes it (7.9 × 10⁻⁵): its exponent's characters, raised
            "\u207b": r"\textsuperscript{$-$}", **{sup: rf"\textsuperscript{{{digit}}}" for digit, sup in
                                                  enumerate("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")}}
_ESCAPE = re.compile("|".join(re.escape(c) for c in (*_SPECIAL, *_UNICODE)))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # ASCII white space only: a narrow no-break space is kept


def tex_text(text: object) -> str:
    """Text made inert in LaTeX and kept on one line: every special character escaped.

    ``50 % & $20`` becomes ``50 \\% \\& \\$20``; a backslash becomes ``\\textbackslash{}``, so
    no command, group or math mode can be opened from an input file.
    """
    text = _quotes(_escape(_SPACES.sub(" ", _CONTROL.sub(" ", str(text))).strip()).replace(r" \%", r"\,\%"))
    return _URL.sub(_breakable, text)


_URL = re.compile(r"https?://[^\s(){}]*[^\s(){}.,;:!?']")


def _breakable(found: re.Match) -> str:
    """An address that may break after each / . or -, its colon kept as it is (French babel would space it)."""
    address = re.sub(r"(?<=[/.-])(?=.)", r"\\allowbreak{}", found.group())
    return f"{{\\ifdefined\\NoAutoSpacing\\NoAutoSpacing\\fi {address}}}"


_STRAIGHT = re.compile(r'"')


def _quotes(text: str) -> str:
    """Straight double quotes as typeset quotes: ``...'' in English, « ... » with no-break spaces in French.

    They open and close in turn; a last one without its pair opens (and a reader sees it).
    """
    french = language() == "fr"
    marks = iter(range(len(text)))

    def mark(_found: re.Match) -> str:
        opening = next(marks) % 2 == 0
        if french:
            return "«~" if opening else "~»"
        return "``" if opening else "''"

    return _STRAIGHT.sub(mark, text)


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _SPECIAL.get(m.group()) or _UNICODE[m.group()], text)


def tex_sentence(template: str) -> str:
    """``template``, a sentence of the catalogue, with its words in LaTeX (escaped as :func:`tex_text` escapes any
    text, the sentence whole) and its fields kept, to be filled by ``format`` with values already in LaTeX (numbers as
    :func:`tex_text` writes them): each field is held by a private-use character while the words are escaped."""
    fields = [name for _literal, name, _spec, _conversion in string.Formatter().parse(template) if name is not None]
    held = template.format(**{name: f"\ue000{k}\ue001" for k, name in enumerate(fields)})
    escaped = tex_text(held).replace("{", "{{").replace("}", "}}")  # LaTeX's own braces, kept by format
    return re.sub("\ue000(\\d+)\ue001", lambda found: "{" + fields[int(found.group(1))] + "}", escaped)


def tex_scientific(value: float, digits: int = 3) -> str:
    """``value`` as ``$3.20\\times10^{-5}$``: ``digits`` significant digits, in math mode."""
    if value == 0 or not math.isfinite(value):
        return tex_text(f"{value:g}")
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(abs(mantissa), digits - 1) >= 10:  # 9.996e-5 to 3 digits is 1.00e-4
        exponent, mantissa = exponent + 1, mantissa / 10
    return f"${_decimal(f'{mantissa:.{digits - 1}f}')}\\times10^{{{exponent}}}$"


def _decimal(number: str) -> str:
    """A number written with a point, with the report language's decimal mark in math mode ({,} in French)."""
    return number.replace(".", "{,}") if language() == "fr" else number


def num(text: str) -> str:
    """A number written with a point (``-4.33``, ``0.989``) as siunitx's ``\\num``: in the report's decimal mark."""
    return f"\\num{{{text}}}"


def plain_number(value: float, places: int) -> str:
    """``value`` to ``places`` decimals with a point and no grouping, for siunitx; never a negative zero."""
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def distinct(low: float, high: float, places: int) -> tuple[str, str]:
    """``low`` and ``high`` to ``places`` decimals (see :func:`plain_number`), or to more, up to 6, where the two
    would read the same at ``places`` (0.989 and 0.989 are 0.9890 and 0.9894)."""
    for more in range(places, max(places, 6) + 1):
        a, b = plain_number(low, more), plain_number(high, more)
        if a != b:
            return a, b
    return plain_number(low, places), plain_number(high, places)


def interval(low: float, high: float, places: int) -> str:
    """``low--high`` as ``\\num{low}--\\num{high}`` to ``places`` decimals, or more where the two would read the
    same (0.989--0.989 is 0.9890--0.9894); a single value where they are the same to 6 decimals."""
    a, b = distinct(low, high, places)
    return f"{num(a)}--{num(b)}" if a != b else num(a)


def s_column(cells: Sequence[str], extra: str = "") -> str:
    """An siunitx ``S`` column whose ``table-format`` holds every number of ``cells`` (braced cells are text),
    numbers written with a point and maybe an exponent (``4.09e9``)."""
    whole, places, sign, power, power_sign = 1, 0, False, 0, False
    for cell in cells:
        if not cell or cell.startswith("{"):
            continue
        mantissa, _e, exponent = cell.partition("e")
        sign = sign or mantissa.startswith("-")
        integer, _point, decimals = mantissa.lstrip("-").partition(".")
        whole, places = max(whole, len(integer)), max(places, len(decimals))
        if exponent:
            power, power_sign = max(power, len(exponent.lstrip("-"))), power_sign or exponent.startswith("-")
    form = f"{'-' if sign else ''}{whole}" + (f".{places}" if places else "")
    if power:
        form += f"e{'-' if power_sign else ''}{power}"
    return f"S[table-format={form}{extra}]"


def scientific_number(value: float, places: int = 2) -> str:
    """``value`` as a mantissa with ``places`` decimals and a power of ten, for siunitx: ``4.09e9``, ``-3.84e-4``."""
    if value == 0:
        return f"{0:.{places}f}e0"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(abs(mantissa), places) >= 10:
        exponent, mantissa = exponent + 1, mantissa / 10
    return f"{mantissa:.{places}f}e{exponent}"


def ragged(width: float) -> str:
    """A paragraph column ``width`` cm wide, set ragged right (long words and addresses break less badly)."""
    return f">{{\\raggedright\\arraybackslash\\hspace{{0pt}}}}p{{{width}cm}}"


def layout(rows: Sequence[Sequence[str] | str], *columns: float | str) -> str:
    """A table's column specification, no space at its sides: each column a width in cm (a ragged paragraph,
    :func:`ragged`), ``"S"`` (an siunitx ``S`` column that holds that column's numbers in ``rows``, see
    :func:`s_column`; rows that are strings are lines of their own) or a specification as it is (``"c"``,
    ``"S[table-format=1.3]"``)."""
    cells = [row for row in rows if not isinstance(row, str)]
    spec = [ragged(c) if isinstance(c, int | float) else s_column([r[k] for r in cells]) if c == "S" else c
            for k, c in enumerate(columns)]
    return "@{}" + "".join(spec) + "@{}"


def grouped(groups: Iterable[tuple[str, Sequence[Sequence[str] | str]]], columns: int,
            width: float) -> list[Sequence[str] | str]:
    """Rows in groups (heading, rows), each under its heading (LaTeX, in italics, in a row of its own across
    ``columns`` columns, a paragraph ``width`` cm wide), a little space between groups."""
    rows: list[Sequence[str] | str] = []
    for heading, members in groups:
        if rows:
            rows.append(r"\addlinespace")
        rows += [f"\\multicolumn{{{columns}}}{{@{{}}{ragged(width)}}}{{\\emph{{{heading}}}}} \\\\", *members]
    return rows


def head(text: str, width: float | None = None) -> str:
    """A column head (LaTeX): braced (an ``S`` column reads it as text), set in a box ``width`` cm wide where
    given, centred and broken over lines as needed."""
    if width is None:
        return f"{{{text}}}"
    return f"\\multicolumn{{1}}{{c}}{{\\parbox[b]{{{width}cm}}{{\\centering\\hspace{{0pt}}{text}}}}}"


def _setup() -> str:
    """siunitx set to the report's language: a decimal comma and thin-space groups in French."""
    if language() == "fr":
        return r"\sisetup{output-decimal-marker={,},group-separator={\,},group-minimum-digits=4}"
    return r"\sisetup{output-decimal-marker={.},group-separator={,},group-minimum-digits=4}"


def tabular(columns: str, header: Sequence[str] | str, rows: Sequence[Sequence[str] | str], *,
            caption: str = "", notes: Sequence[str] = (), one_column: bool = False, long: bool = False) -> str:
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
    notes : sequence of str
        Notes (already LaTeX) marked in the table, printed under it.
    one_column : bool
        Whether the table fits one column (8.5 cm); else the full text width (17 cm).
    long : bool
        A ``longtable``, whose head repeats on each page (a table that may run over a page).
    """
    lines = []
    if caption:
        lines += [f"% {line}" for line in _wrap(tex_text(caption))]
    lines.append("% Width: one column (8.5 cm)." if one_column else "% Width: full text width (17 cm).")
    # a report in another language marks English words (\foreignlanguage{english}): babel must know English
    babel = "" if language() == "en" else " and \\usepackage[english,french]{babel}"
    if long:
        lines.append("% A longtable (it may run over pages): \\input{this file} where it goes, outside any table "
                     f"environment; it needs \\usepackage{{booktabs,siunitx,longtable}}{babel}.")
    else:
        lines.append("% Input this file inside a table environment: \\begin{table} \\caption{...} "
                     f"\\input{{this file}} \\end{{table}}; it needs \\usepackage{{booktabs,siunitx}}{babel}.")
    environment = "longtable" if long else "tabular"
    heads = header if isinstance(header, str) else " & ".join(header) + r" \\"
    lines += [r"\begingroup", _setup()]
    if one_column:
        lines.append(r"\setlength{\tabcolsep}{4pt}")
    lines += [f"\\begin{{{environment}}}{{{columns}}}", r"\toprule", heads, r"\midrule"]
    if long:
        lines += [r"\endhead", r"\bottomrule", r"\endfoot"]
    for row in rows:
        lines.append(row if isinstance(row, str) else " & ".join(row) + r" \\")
    if not long:
        lines.append(r"\bottomrule")
    lines.append(f"\\end{{{environment}}}")
    if notes:
        lines.append(r"\par\smallskip{\footnotesize " + r"\par ".join(notes) + r"\par}")
    lines.append(r"\endgroup")
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
