"""Escaping text that comes from input files, and formatting numbers for readers."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from mcsim.i18n import MINUS, N_, _, decimal, general, interval_places, language, pgettext, significant
from mcsim.models.grid import Grid, declared

__all__ = [
    "OPERATOR_WORDS",
    "capital",
    "claim_names",
    "claim_text",
    "condition",
    "count",
    "decimal",
    "fixed",
    "format_value",
    "french_spaces",
    "grid_against",
    "grid_axis",
    "grid_column",
    "grid_point",
    "headline_outputs",
    "in_english",
    "input_label",
    "input_labels",
    "lower_first",
    "md_cell",
    "md_code",
    "md_text",
    "money",
    "names_its_unit",
    "nested",
    "number",
    "output_label",
    "p_value",
    "percent",
    "readable",
    "reading_words",
    "scenario_title",
]

# the characters Python-Markdown (with its tables extension) gives a meaning wherever they stand
_MARKUP = re.compile(r"([\\`*\[\]#|])")
# control characters: meaningless in a report, and Python-Markdown uses STX/ETX as placeholders
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# a '<' that would open a tag, a comment, a processing instruction, an autolink or an e-mail link
_OPENS = re.compile(r"<(?=[A-Za-z/!?]|[^<> !]+@)")
# an '&' that would start a character reference
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;)")
_UNDERSCORES = re.compile(r"_+")
_WORD = re.compile(r"[^\W_]")  # a letter or a digit
# the white space that breaks a line: not the no-break spaces French puts before : ; ! ? and inside « »
_BREAKING = re.compile(r"[ \t\n\r\f\v\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u205f\u3000]+")


def _underscores(match: re.Match) -> str:
    """A run of '_' inside a word is left as it is: only outside one can it open or close an emphasis."""
    text, start, end = match.string, match.start(), match.end()
    inside = start > 0 and end < len(text) and _WORD.match(text[start - 1]) and _WORD.match(text[end])
    return match.group() if inside else match.group().replace("_", "\\_")


def md_text(text: str) -> str:
    """Text from an input file made inert in Markdown and in the HTML rendered from it, and readable as it is.

    Only what would act is escaped: a ``<`` that would open a tag or a link becomes ``&lt;``
    (``<script>`` shows as text, ``<= 0`` stays as it is), an ``&`` that would start a character
    reference ``&amp;``, an ``_`` outside a word ``\\_`` (``break_even_users`` stays as it is),
    and Markdown's other markup characters are backslash-escaped, so a title or a source cannot
    open a link, a table cell or an emphasis. The text is made one line, so it cannot start a
    list, a heading or a table row.
    """
    one_line = _one_line(_CONTROL.sub("", str(text)))
    escaped = _MARKUP.sub(r"\\\1", _OPENS.sub("&lt;", _ENTITY.sub("&amp;", one_line)))
    return _UNDERSCORES.sub(_underscores, escaped)


def in_english(markdown: str) -> str:
    """Markdown text from an input file that has no version in the report's language (a prior's source, a
    priors file's title), marked as English in a report in another language: ``<span lang="en">…</span>``, so
    that readers, screen readers and spell checkers know it is left in English on purpose."""
    if language() == "en" or not markdown:
        return markdown
    return f'<span lang="en">{markdown}</span>'


def md_cell(text: str) -> str:
    """:func:`md_text` for a table cell (kept for the callers that name the cell)."""
    return md_text(text)


def md_code(text: str) -> str:
    """Text for an inline code span: Markdown escapes do not apply there, so backticks and line
    breaks are removed; HTML inside a code span is escaped by the renderer."""
    return _one_line(str(text).replace("`", "'"))


def _one_line(text: str) -> str:
    """``text`` on one line, each run of breaking white space one space; no-break spaces kept as they are."""
    return _BREAKING.sub(" ", text).strip(" ")


def fixed(value: float, places: int) -> str:
    """``value`` with ``places`` decimals and no grouping: probabilities and indices (0.563; 0,563 in French)."""
    return decimal(value, places, grouped=False)


def estimate(value: float, interval: tuple[float, float]) -> tuple[str, str, str]:
    """An estimate and its interval's ends, each to the decimals the interval allows
    (:func:`mcsim.i18n.interval_places`): ``("0.437", "0.436", "0.438")``."""
    places = interval_places(*interval)
    return fixed(value, places), fixed(interval[0], places), fixed(interval[1], places)


def input_label(prior) -> str:
    """An input's label in the report's language: its ``label_fr`` in French where the priors give one; an input
    without a label is said by its name in words (:func:`readable`: "the tokens per user" in a sentence, not "the
    tokens_per_user")."""
    french = getattr(prior, "label_fr", None)
    if language() == "fr" and french:
        return french
    return readable(prior.label, prior.name)


def readable(label: str | None, name: str) -> str:
    """An input's or output's label in the report's language, or, where its file gives none, its name in words
    ('Cost per 1k')."""
    return _(label) if label else name.replace("_", " ").strip().capitalize()


#: Units the shipped priors write in words, said in the report's language where they are shown (``_(unit)``).
UNIT_WORDS = (N_("prompts"), N_("tokens"), N_("months"), N_("users"))


def claim_text(claim) -> str:
    """A claim's words in the report's language: its ``text_fr`` in French where the run gives one."""
    french = getattr(claim, "text_fr", "")
    return french_spaces(french) if language() == "fr" and french else claim.text


def french_spaces(text: str) -> str:
    """French words from an input file with French typography: a no-break space before ':' and inside « »,
    a narrow one before ; ! ? (where the file has an ordinary space or none)."""
    text = re.sub(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)", "\u00a0:", text)
    text = re.sub(r"(?<=\S)[ \u00a0\u202f]*([;!?])(?=\s|$)", "\u202f\\1", text)
    return re.sub(r"[ \u00a0\u202f]*»", "\u00a0»", re.sub(r"«[ \u00a0\u202f]*", "«\u00a0", text))


def input_labels(priors) -> dict[str, str]:
    """Every input's label in the report's language, by name."""
    return {prior.name: input_label(prior) for prior in priors.inputs}


def output_label(spec) -> str:
    """A model output's label in the report's language (the catalogue's, else the model's own; its name in words
    where the model gives none)."""
    return readable(spec.label, spec.name)


def number(value: float | None, digits: int = 4) -> str:
    """A readable number: thousands separators for large values, 4 significant digits otherwise."""
    if value is None:
        return _("n/a")
    if math.isinf(value):
        return _("never") if value > 0 else "-inf"
    if math.isnan(value):
        return _("n/a")
    if abs(value) >= 1e4:
        return decimal(value)
    return general(value, digits)


def percent(value: float, digits: int = 1) -> str:
    return _("{number} %").format(number=decimal(100 * value, digits, grouped=False))


def _share(value: float, digits: int) -> str:
    """A share as a percentage to ``digits`` significant digits: 0.0488 '4.88 %'."""
    return _("{number} %").format(number=general(100 * value, digits))


def _sizes() -> tuple[tuple[float, str, str], ...]:
    """The magnitudes said in words, largest first: (size, singular, plural) in the report's language."""
    return ((1e12, _("trillion"), _("trillions")), (1e9, _("billion"), _("billions")),
            (1e6, _("million"), _("millions")))


def _sized(value: float, digits: int, *, zeros: bool) -> str:
    """A magnitude in words: '2 million', '12.5 million', '1.2 billion'; below a million '42,678', '312.5'."""
    rounded = float(f"{value:.{digits}g}")  # 999,950,000 to 3 digits is a billion, not 1,000 million
    for size, one, many in _sizes():
        if rounded >= size:
            word = one if language() == "en" or rounded / size < 2 else many
            return f"{significant(rounded / size, digits, zeros=zeros)} {word}"
    if rounded >= 1e4:
        return decimal(value)
    return significant(value, digits, zeros=False)


def count(value: float | None, digits: int = 3) -> str:
    """A count (users, tokens, months) as a reader says it: 2 million, 12.5 million, 42,678, 11.7.

    ``digits`` significant digits, trailing zeros dropped, millions and more in words; whole
    numbers with separators from 10,000 to a million. Never in e-notation. In French: 2 millions,
    12,5 millions, 42 678, 11,7.
    """
    if value is None or math.isnan(value):
        return _("n/a")
    if math.isinf(value):
        return _("never") if value > 0 else _("minus infinity")
    sign = MINUS if value < 0 else ""
    return sign + _sized(abs(value), digits, zeros=False)


def money(value: float | None, digits: int = 3) -> str:
    """An amount of dollars: $40.0 million, $64.8 million, $12,345, $19.5, $0.00382, -$4.35 million.

    As :func:`count`, but millions and more keep their trailing zeros (``$40.0 million``: the
    precision meant). In French: 40,0 millions de dollars, 12 345 $.
    """
    if value is None or math.isnan(value):
        return _("n/a")
    if math.isinf(value):
        return _("unbounded") if value > 0 else _("minus unbounded")
    sign = MINUS if value < 0 else ""
    amount = _sized(abs(value), digits, zeros=True)
    in_words = float(f"{abs(value):.{digits}g}") >= 1e6  # "40,0 millions de dollars", not "40,0 millions $"
    return sign + (pgettext("in words", "${amount}") if in_words else _("${amount}")).format(amount=amount)


def p_value(p: float) -> str:
    """A p-value to two significant digits; below 10⁻¹⁰ said as '< 1 × 10⁻¹⁰' (more digits are noise)."""
    if not math.isfinite(p):
        return ""
    return f"< {general(1e-10)}" if p < 1e-10 else general(p, 2)


def format_value(value: float, unit: str, digits: int = 3, *, unit_shown: bool = True) -> str:
    """A value in its unit, as a reader says it: 2.5 %, $40 million, 2 million, 11.7 months.

    A share is a percentage; dollars (a unit starting with USD) by :func:`money`; anything else
    by :func:`count`, followed by its unit when the unit is a short word and ``unit_shown``.
    """
    unit = unit or ""
    if "share" in unit:
        return _share(value, digits)
    if unit.startswith("USD"):
        return money(value, digits)
    if not (unit_shown and unit and len(unit) <= 8):
        return count(value, digits)
    in_words = math.isfinite(value) and float(f"{abs(value):.{digits}g}") >= 1e6  # "5,83 millions d'utilisateurs"
    return f"{count(value, digits)} {_unit_after_millions(unit) if in_words else _(unit)}"


def _unit_after_millions(unit: str) -> str:
    """A unit after a number said in words: 'users' ('2.5 million users'; « 2,5 millions d'utilisateurs »)."""
    said = {"users": pgettext("after millions", "users"), "prompts": pgettext("after millions", "prompts"),
            "tokens": pgettext("after millions", "tokens"), "months": pgettext("after millions", "months")}
    return said.get(unit) or _(unit)


def scenario_title(row: Mapping[str, Any]) -> str:
    """A scenario's title (a row of a comparison's summary) in the report's language: its run's ``title_fr`` in
    French where it has one."""
    return french_spaces(row["title_fr"]) if language() == "fr" and row.get("title_fr") else row["title"]


def claim_names(scenarios) -> list[str]:
    """Every claim of a comparison's scenarios (its summary's rows), in the order they first appear."""
    names: list[str] = []
    for s in scenarios:
        names += [n for n in s["claims"] if n not in names]
    return names


def names_its_unit(label: str, unit: str) -> bool:
    """Whether a label already says its unit ('Break-even monthly users', in users): then the unit goes unsaid."""
    return bool(unit) and re.search(rf"\b{re.escape(unit)}\b", label, re.IGNORECASE) is not None


def nested(text: str) -> str:
    """``text`` to be quoted inside a sentence's quotation marks: its own French « » become “ ”, as French
    typography nests quotations (English text, quoted with “ ”, has none)."""
    return text.replace("«\u00a0", "“").replace("\u00a0»", "”")


def capital(text: str) -> str:
    """``text`` with its first letter a capital, after any Markdown emphasis (``**``): a sentence that opens on a
    label or a name."""
    start = len(text) - len(text.lstrip("*_"))
    return text[:start] + text[start:start + 1].upper() + text[start + 1:]


def lower_first(label: str) -> str:
    """A label inside a sentence: 'Share of users' -> 'share of users'; an acronym keeps its capitals."""
    keep = len(label) > 1 and label[1].isupper()
    return label if keep else label[:1].lower() + label[1:]


#: A claim's operator in words (English; :func:`reading_words` says them in the report's language).
OPERATOR_WORDS = {"<=": "at most", "<": "below", ">=": "at least", ">": "above"}


def _operator_words() -> dict[str, str]:
    return {"<=": _("at most {value}"), "<": _("below {value}"), ">=": _("at least {value}"),
            ">": _("above {value}")}


def condition(label: str, unit: str, claim) -> str:
    """A claim's test in words: 'payback at most 18 months' (not Markdown-escaped).

    A two-sided claim reads 'between 1.5 million and 2.5 million', 'about 2 million, within 25 %'
    or 'within a factor of 2 of 2 million'. A threshold keeps up to 7 significant digits: the
    claim's value, not a rounding of it.
    """
    what = lower_first(label)
    if claim.at is not None:
        what = f"{what} {grid_point(claim.grid, claim.at)}"
    shown = not names_its_unit(label, _(unit))
    number = lambda v: format_value(v, unit, 7, unit_shown=shown)  # noqa: E731
    if claim.op in OPERATOR_WORDS:
        said = {"<=": _("{output} at most {value}"), "<": _("{output} below {value}"),
                ">=": _("{output} at least {value}"), ">": _("{output} above {value}")}[claim.op]
        return said.format(output=what, value=number(claim.value))
    if claim.op == "between":
        return _("{output} between {low} and {high}").format(output=what, low=number(claim.low),
                                                             high=number(claim.high))
    if claim.rel is not None:
        return _("{output} within {share} of {value}").format(output=what, value=number(claim.value),
                                                              share=_share(claim.rel, 6))
    return _("{output} within a factor of {factor} of {value}").format(output=what, factor=general(claim.factor, 6),
                                                                       value=number(claim.value))


def reading_words(claim, number: Callable[[float], str] = lambda v: f"{v:,.15g}") -> str:
    """A claim's test as a reading of a value, without its output: 'at most 6,000,000',
    'between 4,500,000 and 7,500,000', 'within 25 % of 6,000,000', 'within a factor of 2 of
    6,000,000'; ``number`` writes each number (in full by default).
    """
    if claim.op in OPERATOR_WORDS:
        return _operator_words()[claim.op].format(value=number(claim.value))
    if claim.op == "between":
        return _("between {low} and {high}").format(low=number(claim.low), high=number(claim.high))
    if claim.rel is not None:
        return _("within {share} of {value}").format(value=number(claim.value), share=_share(claim.rel, 6))
    return _("within a factor of {factor} of {value}").format(factor=general(claim.factor, 6),
                                                               value=number(claim.value))


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


# --- the model's grid in words (mcsim.models.grid) ---------------------------------------------------

def _grid_words(grid: Grid, key: str) -> str:
    """One of ``grid``'s words (see :data:`mcsim.models.grid.WORDS`) in the report's language: the grid's own
    French where it gives it, else the English translated by the catalogue (mcsim's grids) or as it is."""
    return (grid.french.get(key) if language() == "fr" else None) or _(getattr(grid, key))


def grid_axis(grid: Grid) -> str:
    """The grid as an axis is labelled: 'monthly active users', 'months'."""
    return _grid_words(grid, "label")


def grid_column(grid: Grid) -> str:
    """The grid as a table's column is headed: 'users', 'months'."""
    return _grid_words(grid, "column")


def grid_against(label: str, grid: Grid) -> str:
    """An output drawn over the grid: 'Surplus against users', 'Inference energy against months'."""
    return _grid_words(grid, "against").format(label=label)


def grid_point(grid: Grid | str, value: float, digits: int = 7) -> str:
    """A point of the grid inside a sentence: 'at 50 million users', 'at 24 months'; ``grid`` or its name, the value
    to at most ``digits`` significant digits."""
    if isinstance(grid, str) and declared(grid) is None:  # a grid no model declared: its name says it
        return f"at {grid} = {count(value, digits)}"
    grid = declared(grid) if isinstance(grid, str) else grid
    unit = grid.unit or ""
    said = (money(value, digits) if unit.startswith("USD") else percent(value) if "share" in unit
            else count(value, digits))
    if grid.name == "users" and value >= 1e6 and language() == "fr":  # « à 50 millions d'utilisateurs »
        return pgettext("in words", "at {value} users").format(value=said)
    return _grid_words(grid, "at").format(value=said)
