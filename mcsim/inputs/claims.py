"""Claims: statements about one output of a run (its ``[[claims]]`` tables), and whether they hold.

A claim reads ``output op value``, e.g. ``payback_months <= 12``, or names a range of the output:
``op = "between"`` with ``low`` and ``high``, ``op = "about"`` with ``value`` and either ``rel``
(within 25 % of it: ``rel = 0.25``) or ``factor`` (within a factor of 2: ``factor = 2``). An
output over the model's grid is read at one point of the run's grid, named by the grid's name
(``users = 5e7``: ``surplus at 50,000,000 users > 0``; ``months = 24`` for a model over months).
A claim may be one reading of another (``reading_of``): the same
statement about the same output, tested another way. A claim may quote the words it tests as
written (``quote``, in the language ``quote_lang``, from ``quote_source``), with their translations
(``quote_en``, ``quote_fr``): its ``text`` is the proposition mcsim tests, the quote what the source
says; ``literal = true`` says that the claim tests the quote as it reads literally. Its readings
(``reading_of``) say how else it may be read. :data:`OPERATORS` is the one table of the
comparisons a claim may make, with what each needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mcsim.inputs.errors import Problems, did_you_mean, is_number, show
from mcsim.inputs.tables import Table, check_fields, fields_of
from mcsim.models.base import Model
from mcsim.models.grid import GRIDS, declared

__all__ = ["CLAIM_KEYS", "GRID_KEYS", "OPERANDS", "OPERATORS", "QUOTE_KEYS", "QUOTE_LANGUAGES", "Claim", "Operator",
           "check_claim", "check_claim_in_run", "check_claims", "claim_where", "parse_claims"]


@dataclass(frozen=True)
class Operator:
    """One comparison a claim may make: the keys it needs and the range of the output where it holds.

    Attributes
    ----------
    needs : tuple of str
        The keys a claim with this operator must give.
    one_of : tuple of str
        Keys of which it must give exactly one (``rel`` or ``factor`` for ``about``).
    holds_where : str
        Where it holds, in words (the table of docs/reference/files.md).
    bounds : callable
        The claim's range ``(low, high)`` of the output; an end is infinite for a one-sided comparison.
    test : callable
        ``test(values, low, high)``: a boolean per value.
    """

    needs: tuple[str, ...]
    one_of: tuple[str, ...]
    holds_where: str
    bounds: Callable[[Claim], tuple[float, float]]
    test: Callable[[np.ndarray, float, float], np.ndarray]

    @property
    def two_sided(self) -> bool:
        """Whether the claim holds on a bounded range, so that it fails on both sides of it."""
        return self.test is _inside

    def needs_words(self) -> str:
        """What a claim with this operator needs, in words: 'low and high', 'value, and rel or factor'."""
        said = " and ".join(self.needs)
        return f"{said}, and {' or '.join(self.one_of)}" if self.one_of else said


def _inside(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return (values >= low) & (values <= high)  # an infinite value is never inside a finite range


def _about(claim: Claim) -> tuple[float, float]:
    if claim.rel is not None:  # |output / value - 1| <= rel
        ends = (claim.value * (1.0 - claim.rel), claim.value * (1.0 + claim.rel))
        return min(ends), max(ends)
    return claim.value / claim.factor, claim.value * claim.factor


def _below(claim: Claim) -> tuple[float, float]:
    return -math.inf, claim.value


def _above(claim: Claim) -> tuple[float, float]:
    return claim.value, math.inf


OPERATORS: dict[str, Operator] = {
    "<=": Operator(("value",), (), "output <= value", _below, lambda v, low, high: v <= high),
    "<": Operator(("value",), (), "output < value", _below, lambda v, low, high: v < high),
    ">=": Operator(("value",), (), "output >= value", _above, lambda v, low, high: v >= low),
    ">": Operator(("value",), (), "output > value", _above, lambda v, low, high: v > low),
    "between": Operator(("low", "high"), (), "low <= output <= high", lambda c: (c.low, c.high), _inside),
    "about": Operator(("value",), ("rel", "factor"),
                      "value (1 - rel) <= output <= value (1 + rel), i.e. |output / value - 1| <= rel; or "
                      "value / factor <= output <= value x factor", _about, _inside),
}
#: The keys that give a claim's numbers; each operator needs some of them (:attr:`Operator.needs`).
OPERANDS = ("value", "low", "high", "rel", "factor")
#: The keys that name a claim's point on mcsim's grids (a model's own grid adds its name).
GRID_KEYS = tuple(GRIDS)
#: The keys that quote a claim's source: its words as written, where, in which language, and translated.
QUOTE_KEYS = ("quote", "quote_source", "quote_lang", "quote_en", "quote_fr", "literal")
#: The languages a quote may be in, or be translated into (``quote_en``, ``quote_fr``).
QUOTE_LANGUAGES = ("en", "fr")
CLAIM_KEYS = ("name", "text", "text_fr", "output", "op", *OPERANDS, *GRID_KEYS, "reading_of", *QUOTE_KEYS)
#: The fields of a :class:`Claim` that a run file gives as one key, the grid's name (``users = 5e7``).
_POINT = ("at", "grid")
#: The keys of a claim that are not a grid point.
_NOT_POINTS = frozenset(CLAIM_KEYS) - frozenset(GRID_KEYS)


@dataclass(frozen=True)
class Claim:
    """A statement about one output, e.g. ``payback_months <= 12`` or ``payback_months between 6 and 18``.

    Parameters
    ----------
    name, text, output, op
        The claim's name, its words (for reports; "" by default: the reports say its test in
        words), the output it is about and its operator, a key of :data:`OPERATORS`.
    value, low, high, rel, factor : float or None
        The numbers its operator needs: ``value`` for ``<=``, ``<``, ``>=`` and ``>``; ``low`` and
        ``high`` for ``between``; ``value`` and ``rel`` or ``factor`` for ``about``.
    at : float or None
        For an output over the model's grid: at which point of it (a run file gives it under the
        grid's name: ``users = 5e7``, ``months = 24``).
    grid : str or None
        The name of that grid (``"users"``, ``"months"``, or a model's own), given with ``at``.
    reading_of : str or None
        The name of an earlier claim of the run this one is another reading of.
    text_fr : str
        Its words in French, for reports written in French ("" : its ``text`` is used).
    quote, quote_source : str
        The words the claim tests, exactly as its source wrote them, and where they are ("" : none).
    quote_lang : str
        The language of ``quote`` (``"en"`` or ``"fr"``; ``"en"`` by default).
    quote_en, quote_fr : str
        The quote translated into English and French, shown as translations in reports written in
        a language other than the quote's ("" : none; the quote is shown alone).
    literal : bool
        Whether the claim tests the quote as it reads literally (reports then say "read literally").

    Raises
    ------
    InputError
        If a field is invalid, with the message a run file's ``[[claims]]`` table would get.

    Examples
    --------
    >>> claim = Claim("cheap", "a prompt costs at most a cent", "cost_per_prompt", "<=", 0.01)
    >>> claim.holds(np.array([0.005, 0.02]))
    array([ True, False])
    >>> Claim("near", "", "cost_per_prompt", "about", 0.01, rel=0.25).bounds
    (0.0075, 0.0125)
    """

    name: str
    text: str = ""
    output: str | None = None
    op: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    rel: float | None = None
    factor: float | None = None
    reading_of: str | None = None
    text_fr: str = ""
    quote: str = ""
    quote_source: str = ""
    quote_lang: str = "en"
    quote_en: str = ""
    quote_fr: str = ""
    literal: bool = False
    at: float | None = None
    grid: str | None = None

    def __post_init__(self) -> None:
        check_fields(_check_claim_object, fields_of(self), claim_where(self.name))
        for key in (*OPERANDS, "at"):
            if getattr(self, key) is not None:
                object.__setattr__(self, key, float(getattr(self, key)))

    @property
    def two_sided(self) -> bool:
        """Whether the claim holds on a bounded range of its output (``between``, ``about``)."""
        return OPERATORS[self.op].two_sided

    def translated_quote(self, lang: str) -> str:
        """The quote in ``lang``: the quote itself in its own language, else its translation ("" : none)."""
        if lang == self.quote_lang:
            return self.quote
        return {"en": self.quote_en, "fr": self.quote_fr}.get(lang, "")

    @property
    def bounds(self) -> tuple[float, float]:
        """The range of the output where the claim holds, ``(low, high)``; one end is infinite for ``<=``, ``>``...

        Both ends belong to the range, except ``value`` for ``<`` and ``>``.
        """
        return OPERATORS[self.op].bounds(self)

    @property
    def thresholds(self) -> tuple[float, ...]:
        """The finite ends of :attr:`bounds`: the values of the output at which the claim flips."""
        return tuple(end for end in self.bounds if math.isfinite(end))

    def holds(self, values: Any) -> np.ndarray:
        """Whether the claim holds for each of ``values``, the output's values (at the claim's grid point)."""
        return OPERATORS[self.op].test(np.asarray(values), *self.bounds)

    def describe(self) -> str:
        """The claim's test, e.g. ``break_even_users <= 6e+06``, ``break_even_users between 4.5e+06 and 7.5e+06``."""
        at = f" at {self.at:,.6g} {self.grid}" if self.at is not None else ""
        low, high = self.bounds
        if self.op == "between":
            test = f"between {low:,.6g} and {high:,.6g}"
        elif self.op == "about":
            within = f"{100 * self.rel:g} %" if self.rel is not None else f"a factor of {self.factor:g}"
            test = f"about {self.value:,.6g} (within {within}: {low:,.6g} to {high:,.6g})"
        else:
            test = f"{self.op} {self.value:,.6g}"
        return f"{self.output}{at} {test}"


def claim_where(name: Any, index: int | None = None, seen: Collection[str] = ()) -> str:
    """A claim's place in messages: ``[[claims]] "name"``, or ``[[claims]] #index`` while its name is not usable."""
    if isinstance(name, str) and name.isidentifier() and name not in seen:
        return f'[[claims]] "{name}"'
    return "[[claims]]" if index is None else f"[[claims]] #{index}"


def keyed(claim: Mapping[str, Any]) -> dict[str, Any]:
    """A claim's fields as a run file gives them: its point under its grid's name (``users = 5e7``)."""
    fields = {key: value for key, value in claim.items() if key not in _POINT}
    if claim.get("at") is not None and isinstance(claim.get("grid"), str):
        fields[claim["grid"]] = claim["at"]
    return fields


def _check_claim_object(claim: Table) -> None:
    """Check a :class:`Claim` built in Python: its point and grid, then as a run file's claim."""
    at, grid = claim.get("at"), claim.get("grid")
    if grid is not None and not (isinstance(grid, str) and grid.isidentifier()):
        claim.invalid("grid", 'must be the name of the model\'s grid ("users", "months" or its own)')
    elif at is not None and grid is None:
        claim.add("at", f'= {show(at)} is given without grid (the name of the model\'s grid: "users", "months" or '
                  "its own)")
    elif grid is not None and at is None:
        claim.add("grid", f"= {show(grid)} is given without at (the point of the grid)")
    check_claim(Table(keyed(claim.values), claim.where, claim.problems), grids=(grid,) if isinstance(grid, str) else ())


def check_claim(claim: Table, grids: Sequence[str] = ()) -> None:
    """Check a claim on its own: its name, text, output, operator, the numbers it needs, its grid point and reading.

    Its grid point is under one of mcsim's grids' names or one of ``grids`` (a model's own grid).
    """
    name = claim.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        claim.invalid("name", "must be a name of letters, digits and underscores")
    for key in ("text", "text_fr", "quote", "quote_source", "quote_en", "quote_fr"):
        if not isinstance(claim.get(key, ""), str):
            claim.invalid(key, "must be a string")
    lang = claim.get("quote_lang", "en")
    if lang not in QUOTE_LANGUAGES:
        close = did_you_mean(lang, QUOTE_LANGUAGES) if isinstance(lang, str) else ""
        claim.add("quote_lang", f"= {show(lang)} is invalid{close} (allowed: {', '.join(QUOTE_LANGUAGES)})")
    literal = claim.get("literal", False)
    if not isinstance(literal, bool):
        claim.invalid("literal", "must be true or false (true: the claim tests its quote as it reads literally)")
    if not claim.get("quote"):
        for key in ("quote_source", "quote_en", "quote_fr", "literal"):
            if claim.get(key):
                claim.add(key, f"= {show(claim.get(key))} is given without 'quote' (the words as written)")
    output = claim.get("output")
    if output is None:
        claim.add(None, "is missing 'output' (the output the claim is about)")
    elif not isinstance(output, str):
        claim.invalid("output", "must be the name of an output of the run's model")
    numbers = {}
    for key in OPERANDS:
        value = claim.get(key)
        if value is not None and not (is_number(value) and math.isfinite(value)):
            claim.invalid(key, "must be a finite number")
        elif value is not None:
            numbers[key] = float(value)
    op = claim.get("op")
    if op is None:
        claim.add(None, f"is missing 'op' (allowed: {', '.join(OPERATORS)})")
    elif not (isinstance(op, str) and op in OPERATORS):
        close = _did_you_mean_op(op) if isinstance(op, str) else ""
        claim.add("op", f"= {show(op)} is invalid{close} (allowed: {', '.join(OPERATORS)})")
    else:
        _check_operands(claim, op, numbers)
    given = [key for key in dict.fromkeys((*GRID_KEYS, *grids)) if claim.get(key) is not None]
    for key in given:
        grid, value = declared(key), claim.get(key)
        if not (is_number(value) and (grid.admits(float(value)) if grid else math.isfinite(value))):
            within = "" if grid is None or math.isinf(grid.high) else f" from {grid.low:g} to {grid.high:g}"
            claim.invalid(key, f"must be a number of {key}{within}")
    for key in given[1:]:
        claim.add(key, f"= {show(claim.get(key))} is invalid: give {given[0]} or {key}, not both")
    reading_of = claim.get("reading_of")
    if reading_of is not None and not (isinstance(reading_of, str) and reading_of.isidentifier()):
        claim.invalid("reading_of", "must be the name of an earlier claim of the run")
    elif reading_of is not None and reading_of == name:
        claim.invalid("reading_of", "a claim cannot be a reading of itself")


def _did_you_mean_op(op: str) -> str:
    """'; did you mean "<="?' for "=<"; a word operator for a word close to it ("betwen")."""
    if op[::-1] in OPERATORS:
        return f'; did you mean "{op[::-1]}"?'
    return did_you_mean(op, [key for key in OPERATORS if key.isalpha()])


def _check_operands(claim: Table, op: str, numbers: Mapping[str, float]) -> None:
    """The numbers ``op`` needs are given, those it does not use are not, and they make a range."""
    operator = OPERATORS[op]
    needs = f'(op = "{op}" needs {operator.needs_words()})'
    for key in operator.needs:
        if claim.get(key) is None:
            claim.add(None, f"is missing '{key}' {needs}")
    given = [key for key in operator.one_of if claim.get(key) is not None]
    if operator.one_of and not given:
        claim.add(None, f"is missing {' or '.join(repr(key) for key in operator.one_of)} {needs}")
    for key in given[1:]:
        claim.add(key, f"= {show(claim.get(key))} is invalid: give {given[0]} or {key}, not both")
    for key in OPERANDS:
        if key not in operator.needs + operator.one_of and claim.get(key) is not None:
            claim.add(key, f"= {show(claim.get(key))} is not used by op = \"{op}\" (it needs {operator.needs_words()})")
    low, high, value = numbers.get("low"), numbers.get("high"), numbers.get("value")
    if op == "between" and low is not None and high is not None and not high > low:
        claim.invalid("high", f"must be greater than low = {show(low)}")
    if op == "about" and given == ["rel"] and "rel" in numbers:
        claim.check(numbers["rel"] > 0, "rel", "must be a number > 0 (0.25: within 25 % of value)")
        if value == 0:
            claim.invalid("value", "must not be 0 with rel (the range is a share of value)")
    if op == "about" and given == ["factor"] and "factor" in numbers:
        claim.check(numbers["factor"] > 1, "factor", "must be a number > 1 (2: from value / 2 to value x 2)")
        if value is not None and value <= 0:
            claim.invalid("value", "must be > 0 with factor (the range runs from value / factor to value x factor)")


def check_claim_in_run(claim: Table, model: Model | None, grid: Sequence[float] | None,
                       seen: dict[str, Mapping[str, Any]]) -> None:
    """Check a claim against the run: a name of its own, an output of ``model``, a point of the run's grid,
    and the claim it is a reading of.

    ``grid`` is the run's grid (of users, or of months for a model over months), None when it is
    invalid (and reported); ``seen`` the claims of the run before this one, by name (this one is
    added).
    """
    name, output = claim.get("name"), claim.get("output")
    _check_reading(claim, seen)
    if isinstance(name, str) and name in seen:
        claim.add("name", f"= {show(name)} repeats an earlier claim's name")
    elif isinstance(name, str) and name.isidentifier():
        seen[name] = claim.values
    if model is None or not isinstance(output, str):
        return
    if output not in model.output_names:
        claim.add("output", f"= {show(output)} is not an output of model {model.name}"
                  f"{did_you_mean(output, model.output_names)} (outputs: {', '.join(model.output_names)})")
        return
    key = model.grid.name
    at = claim.get(key)
    for other in [k for k in claim.values if k not in _NOT_POINTS]:  # the grid points given, under any grid's name
        if other != key and claim.get(other) is not None:
            named = f"; name {key} = ... instead" if model.output(output).per_user else ""
            claim.add(other, f"= {show(claim.get(other))} is invalid: model {model.name} runs over {key}, "
                      f"not {other}{named}")
    if model.output(output).per_user:
        points = f" ({', '.join(f'{u:g}' for u in grid)})" if grid is not None else ""
        if at is None:
            claim.add(None, f"is missing '{key}': {output} varies with {key}; name one of the run's {key} grid{points}")
        elif grid is not None and is_number(at) and at not in grid:
            claim.add(key, f"= {show(at)} is not in the run's {key} grid{points}")
    elif at is not None and not model.gridded:
        claim.invalid(key, f"model {model.name} has no output over a grid: {output} is one number a sample")
    elif at is not None:
        claim.invalid(key, f"{output} does not vary with {key}")


def _check_reading(claim: Table, earlier: Mapping[str, Mapping[str, Any]]) -> None:
    """A reading names an earlier claim that is no reading itself, on the same output (at the same grid point)."""
    of = claim.get("reading_of")
    if not (isinstance(of, str) and of.isidentifier()) or of == claim.get("name"):
        return  # reported by check_claim
    root = earlier.get(of)
    if root is None:
        listed = ", ".join(earlier) if earlier else "none"
        claim.add("reading_of", f"= {show(of)} is not the name of an earlier claim{did_you_mean(of, earlier)} "
                  f"(earlier claims: {listed})")
    elif root.get("reading_of") is not None:
        claim.add("reading_of", f"= {show(of)} is itself a reading of {show(root['reading_of'])}: name that claim")
    elif (root.get("output"), _point(root)) != (claim.get("output"), _point(claim.values)):
        claim.add("reading_of", f"= {show(of)} is a claim on {_about_what(root)}; a reading is about the same "
                  f"output ({_about_what(claim.values)})")


def _point(claim: Mapping[str, Any]) -> dict[str, Any]:
    """A claim's grid point as a run file gives it, ``{"users": 5e7}`` (empty for a scalar output)."""
    return {key: value for key, value in claim.items() if key not in _NOT_POINTS and value is not None}


def _about_what(claim: Mapping[str, Any]) -> str:
    point = _point(claim)
    return f"{claim.get('output')}" + "".join(f" at {show(value)} {key}" for key, value in point.items())


def check_claims(claims: Sequence[Any], model: Model, grid: Sequence[float], problems: Problems) -> None:
    """Check a run's claims against its model and grid (each claim is already valid on its own)."""
    seen: dict[str, Mapping[str, Any]] = {}
    for index, claim in enumerate(claims, start=1):
        if not isinstance(claim, Claim):
            problems.add(f"[[claims]] #{index}", f"= {show(claim)} is invalid: must be a Claim")
            continue
        check_claim_in_run(Table(keyed(fields_of(claim)), claim_where(claim.name, index, seen), problems), model,
                           grid, seen)


def parse_claims(entries: Any, model: Model | None, grid: Sequence[float] | None,
                 problems: Problems) -> tuple[Claim, ...]:
    """The claims of a run file's ``[[claims]]`` tables, each checked alone and against the run.

    ``model`` is the run's model and ``grid`` its grid, None when they are invalid (and
    reported); no claim is returned without a model to check it against.
    """
    if not isinstance(entries, list):
        problems.add("[[claims]]", "must be an array of tables ([[claims]])")
        return ()
    claims = []
    seen: dict[str, Mapping[str, Any]] = {}
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.add(f"[[claims]] #{index}", "must be a table")
            continue
        claim = Table(entry, claim_where(entry.get("name"), index, seen), problems)
        own = (model.grid.name,) if model is not None else ()
        claim.unknown_keys(tuple(dict.fromkeys((*CLAIM_KEYS, *own))))
        check_claim(claim, grids=own)
        check_claim_in_run(claim, model, grid, seen)
        if claim.ok and model is not None:  # then its keys are all CLAIM_KEYS, or its model's grid
            fields = {key: value for key, value in entry.items() if key not in (*GRID_KEYS, *own)}
            point = next(({"at": entry[key], "grid": key} for key in (*GRID_KEYS, *own) if key in entry), {})
            claims.append(Claim(**{"text": "", **fields, **point}))
    return tuple(claims)
