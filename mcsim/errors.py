"""Errors raised for bad input.

Every problem found in a file is collected as a :class:`Problem` (file, field, value and what
is allowed) so that a whole file is reported at once; :class:`InputError` carries them all.
"""

from __future__ import annotations

import difflib
import json
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SHOWN = 80  # characters of a value shown in a message
PYTHON = "<python>"  # the file named by the problems of an object built in Python, not read from a file

__all__ = ["PYTHON", "InputError", "McsimError", "Problem", "Problems", "did_you_mean", "is_number", "show",
           "unknown_keys", "whole"]


class McsimError(Exception):
    """Base class of the errors mcsim raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in an input file.

    Parameters
    ----------
    file : str
        The file, as the user named it.
    field : str
        Where in the file, e.g. ``[inputs.price] p95``.
    message : str
        The value and what is allowed, e.g. ``= 1.4 is invalid: a rate must lie in [0, 1]``.
    """

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        # a key or name from the file may hold a line break: one problem, one line
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), f"{where} {self.message}")


class InputError(McsimError, ValueError):
    """Bad input: one or more :class:`Problem`, one line each in ``str(error)``."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects the problems of one file, then raises them together.

    Examples
    --------
    >>> problems = Problems("runs/x.toml")
    >>> problems.add("[run] samples", "= 0 is invalid: must be a whole number >= 1")
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    mcsim.inputs.errors.InputError: runs/x.toml: [run] samples = 0 is invalid: must be a whole number >= 1

    A value given elsewhere than in the file (``--samples`` on the command line) is that place's
    problem: ``Problems("runs/x.toml", moved={"[run] samples": ("command line", "--samples")})``.
    """

    def __init__(self, file: str, *, moved: Mapping[str, tuple[str, str]] | None = None):
        self.file = file
        self.moved = dict(moved or {})  # field -> (file, field): values that came from elsewhere
        self.items: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        file, field = self.moved.get(field, (self.file, field))
        self.extend([Problem(file, field, message)])

    def extend(self, other: Iterable[Problem]) -> None:
        """Record problems; one already recorded is not repeated (two checks may see the same bad value)."""
        self.items.extend(problem for problem in dict.fromkeys(other) if problem not in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


def did_you_mean(name: str, allowed: Iterable[str]) -> str:
    """Return ``'; did you mean "x"?'`` when ``name`` is close to one of ``allowed``, else ``''``."""
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def is_number(value: Any) -> bool:
    """A real number (a numpy scalar included), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def show(value: Any) -> str:
    """A value as it would be written in TOML, for error messages."""
    if isinstance(value, str):  # escaped and cut short: a message stays one readable line
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= SHOWN else text[:SHOWN - 4] + '…"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(show(v) for v in value[:8]) + (", …]" if len(value) > 8 else "]")
        return text if len(text) <= SHOWN else text[:SHOWN - 2] + "…]"
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    return f"{float(value):g}" if is_number(value) else repr(value)


def whole(value: Any, low: int, high: int | None = None) -> bool:
    """A whole number (``2.0`` and ``2e3`` included) from ``low`` to ``high``."""
    if not is_number(value) or not (isinstance(value, numbers.Integral) or float(value).is_integer()):
        return False
    return int(value) >= low and (high is None or int(value) <= high)


def unknown_keys(table: dict, allowed: tuple[str, ...], where: str, problems: Problems) -> None:
    """Record each key of ``table`` not in ``allowed``; ``where=""`` means the file's top level."""
    for key in table:
        if key not in allowed:
            field, what = (f"{where} {key}", "key") if where else (f"[{key}]", "section")
            problems.add(field, f"is not a known {what}{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)})")
