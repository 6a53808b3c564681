"""A comparison's words for what its summary holds: a scenario's input by its label, a value in its unit, the claim's
text, its most likely tipping point and its first failure box, each in the report's language.

For the comparison's ``report.md`` (:mod:`mcsim.report.comparison`) and its tables (:mod:`mcsim.report.tables`);
``escape`` makes the words from input files safe for where they go (Markdown by default).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from mcsim.i18n import _, language
from mcsim.report.text import format_value, french_spaces, lower_first, md_text, percent
from mcsim.report.verdict import discovery_note, ordinal

__all__ = ["box_words", "claim_of", "input_words", "tip_words", "value_words"]


def input_words(scenario: dict, name: str) -> str:
    """An input of a scenario by its label in the report's language (its name where the priors give none, or the
    data predate labels)."""
    french = scenario.get("labels_fr", {}).get(name) if language() == "fr" else None
    return french or _(scenario.get("labels", {}).get(name) or name)


def value_words(scenario: dict, name: str, value: float, escape: Callable[[str], str] = md_text) -> str:
    """A value of an input in its unit, as the runs' reports write it (4.88 %, $64.8 million, 11.7 months)."""
    return escape(format_value(float(value), scenario.get("units", {}).get(name, "")))


def tip_words(t: dict, scenario: dict, escape: Callable[[str], str] = md_text) -> str:
    """A tipping point from summary.json in words, with its second flip where an input tips a claim twice; the
    words from files made safe by ``escape`` (Markdown's by default; :func:`str` for plain text)."""
    from mcsim.report.verdict import _fails_when

    name = escape(lower_first(input_words(scenario, t["input"])))
    where = ordinal(t["quantile"])
    if t.get("other_flip") is None or t.get("other_fails") not in ("below", "above"):
        return _("{fails} ({where})").format(
            fails=_fails_when(t["fails"]).format(input=name,
                                                 value=value_words(scenario, t["input"], t["value"], escape)),
            where=where)
    other_where = ordinal(t["other_quantile"]) if t.get("other_quantile") is not None else _("a point in the priors")
    (low, low_fails, low_where), (high, _f, high_where) = sorted(
        [(t["value"], t["fails"], where), (t["other_flip"], t["other_fails"], other_where)], key=lambda side: side[0])
    said = (_("it fails when the {input} is below {low} ({low_where}) or above {high} ({high_where})")
            if low_fails == "below" else
            _("it fails when the {input} is between {low} ({low_where}) and {high} ({high_where})"))
    return said.format(input=name, low=value_words(scenario, t["input"], low, escape), low_where=low_where,
                       high=value_words(scenario, t["input"], high, escape), high_where=high_where)


def box_words(c: dict, scenario: dict, escape: Callable[[str], str] = md_text) -> str:
    """The inputs a claim's first failure box restricts, with its coverage and density; or why there is none."""
    box = c.get("first_box")
    if box:
        return _("{inputs} ({coverage}, {density})").format(
            inputs=", ".join(escape(input_words(scenario, r["input"])) for r in box["restrictions"]),
            coverage=percent(box["coverage"], 0), density=percent(box["density"], 0))
    found = c.get("no_box")
    return escape(discovery_note(SimpleNamespace(**found)) if found else _("no box"))


def claim_of(c: dict, name: str) -> str:
    """A claim's words in the report's language."""
    return (french_spaces(c["text_fr"]) if language() == "fr" and c.get("text_fr") else c.get("text")) or name
