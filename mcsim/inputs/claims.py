"""Claims: statements about one output of a run (its ``[[claims]]`` tables), and whether they hold.

A claim reads ``output op value``, e.g. ``payback_months <= 12``; an output over the users
grid is read at one users value of the run's grid (``surplus at 50,000,000 users > 0``).
:data:`OPERATORS` is the one table of the comparisons a claim may make.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mcsim.inputs.errors import Problems, did_you_mean, is_number, show
from mcsim.inputs.tables import Table, check_fields, fields_of
from mcsim.models.base import Model

__all__ = ["CLAIM_KEYS", "OPERATORS", "Claim", "check_claim", "check_claim_in_run", "check_claims", "claim_where",
           "parse_claims"]

OPERATORS: dict[str, Callable[[Any, float], Any]] = {"<=": operator.le, "<": operator.lt, ">=": operator.ge,
                                                     ">": operator.gt}
CLAIM_KEYS = ("name", "text", "output", "op", "value", "users")


@dataclass(frozen=True)
class Claim:
    """A statement about one output, e.g. ``payback_months <= 12``.

    Raises
    ------
    InputError
        If a field is invalid, with the message a run file's ``[[claims]]`` table would get.

    Examples
    --------
    >>> claim = Claim("cheap", "a prompt costs at most a cent", "cost_per_prompt", "<=", 0.01)
    >>> claim.holds(np.array([0.005, 0.02]))
    array([ True, False])
    """

    name: str
    text: str
    output: str
    op: str
    value: float
    users: float | None = None  # for an output over the users grid: at which users

    def __post_init__(self) -> None:
        check_fields(check_claim, fields_of(self), claim_where(self.name))
        object.__setattr__(self, "value", float(self.value))
        if self.users is not None:
            object.__setattr__(self, "users", float(self.users))

    def holds(self, values: Any) -> np.ndarray:
        """Whether the claim holds for each of ``values``, the output's values (at the claim's users)."""
        return OPERATORS[self.op](np.asarray(values), self.value)

    def describe(self) -> str:
        at = f" at {self.users:,.0f} users" if self.users is not None else ""
        return f"{self.output}{at} {self.op} {self.value:,.6g}"


def claim_where(name: Any, index: int | None = None, seen: frozenset[str] | set[str] = frozenset()) -> str:
    """A claim's place in messages: ``[[claims]] "name"``, or ``[[claims]] #index`` while its name is not usable."""
    if isinstance(name, str) and name.isidentifier() and name not in seen:
        return f'[[claims]] "{name}"'
    return "[[claims]]" if index is None else f"[[claims]] #{index}"


def check_claim(claim: Table) -> None:
    """Check a claim on its own: its name, text, output, operator, value and users."""
    name = claim.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        claim.invalid("name", "must be a name of letters, digits and underscores")
    if not isinstance(claim.get("text", ""), str):
        claim.invalid("text", "must be a string")
    output = claim.get("output")
    if output is None:
        claim.add(None, "is missing 'output' (the output the claim is about)")
    elif not isinstance(output, str):
        claim.invalid("output", "must be the name of an output of the run's model")
    op = claim.get("op")
    if not (isinstance(op, str) and op in OPERATORS):
        claim.add("op", f"= {show(op)} is invalid (allowed: {', '.join(OPERATORS)})")
    value = claim.get("value")
    if not (is_number(value) and math.isfinite(value)):
        claim.invalid("value", "must be a finite number")
    users = claim.get("users")
    if users is not None and not (is_number(users) and math.isfinite(users) and users > 0):
        claim.invalid("users", "must be a number of users")


def check_claim_in_run(claim: Table, model: Model | None, users: Sequence[float] | None, seen: set[str]) -> None:
    """Check a claim against the run: a name of its own, an output of ``model``, users in the run's grid.

    ``users`` is the run's users grid, None when it is invalid (and reported); ``seen`` the names
    of the run's claims before this one (this one's name is added).
    """
    name, output, at = claim.get("name"), claim.get("output"), claim.get("users")
    if isinstance(name, str) and name in seen:
        claim.add("name", f"= {show(name)} repeats an earlier claim's name")
    elif isinstance(name, str) and name.isidentifier():
        seen.add(name)
    if model is None or not isinstance(output, str):
        return
    if output not in model.output_names:
        claim.add("output", f"= {show(output)} is not an output of model {model.name}"
                  f"{did_you_mean(output, model.output_names)} (outputs: {', '.join(model.output_names)})")
        return
    if model.output(output).per_user:
        grid = f" ({', '.join(f'{u:g}' for u in users)})" if users is not None else ""
        if at is None:
            claim.add(None, f"is missing 'users': {output} varies with users; name one of the run's users grid{grid}")
        elif users is not None and is_number(at) and at not in users:
            claim.add("users", f"= {show(at)} is not in the run's users grid{grid}")
    elif at is not None:
        claim.invalid("users", f"{output} does not vary with users")


def check_claims(claims: Sequence[Any], model: Model, users: Sequence[float], problems: Problems) -> None:
    """Check a run's claims against its model and users grid (each claim is already valid on its own)."""
    seen: set[str] = set()
    for index, claim in enumerate(claims, start=1):
        if not isinstance(claim, Claim):
            problems.add(f"[[claims]] #{index}", f"= {show(claim)} is invalid: must be a Claim")
            continue
        check_claim_in_run(Table(fields_of(claim), claim_where(claim.name, index, seen), problems), model, users,
                           seen)


def parse_claims(entries: Any, model: Model | None, users: Sequence[float] | None,
                 problems: Problems) -> tuple[Claim, ...]:
    """The claims of a run file's ``[[claims]]`` tables, each checked alone and against the run.

    ``model`` is the run's model and ``users`` its users grid, None when they are invalid (and
    reported); no claim is returned without a model to check it against.
    """
    if not isinstance(entries, list):
        problems.add("[[claims]]", "must be an array of tables ([[claims]])")
        return ()
    claims = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.add(f"[[claims]] #{index}", "must be a table")
            continue
        claim = Table(entry, claim_where(entry.get("name"), index, seen), problems)
        claim.unknown_keys(CLAIM_KEYS)
        check_claim(claim)
        check_claim_in_run(claim, model, users, seen)
        if claim.ok and model is not None:  # then its keys are all CLAIM_KEYS
            claims.append(Claim(**{"text": "", **entry}))
    return tuple(claims)
