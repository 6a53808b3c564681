"""The values of one table, from an input file or an object's fields, checked in one place.

Every spec (a distribution, a prior, a correlation, a claim, a run) is checked by a function that
reads a :class:`Table`: the file parsers give it the table as read from TOML and the file's
:class:`~mcsim.inputs.errors.Problems`; the spec's ``__post_init__`` gives it its own fields and
raises. Both paths reach the same checks, so an object built in Python is refused with the
messages a file would get, under the file :data:`~mcsim.inputs.errors.PYTHON`::

    >>> Claim(name="x", text="", output="payback_months", op="~", value=1)
    Traceback (most recent call last):
    ...
    mcsim.inputs.errors.InputError: <python>: [[claims]] "x" op = "~" is invalid (allowed: <=, <, >=, >, between, about)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from mcsim.inputs.errors import PYTHON, Problems, is_number, show, unknown_keys

__all__ = ["Table", "check_fields", "fields_of"]


class Table:
    """Reads the values of one table, recording a problem for each bad one instead of raising.

    Parameters
    ----------
    values : mapping
        The table's keys and values: as read from a file, or an object's fields.
    where : str
        The table's name in messages, e.g. ``[inputs.price]`` or ``[run]``.
    problems : Problems
        Where the problems go (they name its file).
    """

    def __init__(self, values: Mapping[str, Any], where: str, problems: Problems):
        self.values, self.where, self.problems = values, where, problems
        self.ok = True  # no problem recorded through this table yet

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def add(self, key: str | None, message: str) -> None:
        """Record ``message`` about ``key`` (about the table as a whole when ``key`` is None)."""
        self.ok = False
        self.problems.add(f"{self.where} {key}" if key else self.where, message)

    def invalid(self, key: str, allowed: str) -> None:
        """Record that the value of ``key`` is invalid, and what is allowed."""
        self.add(key, f"= {show(self.values.get(key))} is invalid: {allowed}")

    def check(self, condition: bool, key: str, allowed: str) -> None:
        """Record that the value of ``key`` is invalid unless ``condition`` holds."""
        if not condition:
            self.invalid(key, allowed)

    def number(self, key: str, *, default: float | None = None, required: bool = True) -> float | None:
        """The finite number at ``key``; ``default`` if it is not given; None (recorded) if invalid."""
        if key not in self.values:
            if required and default is None:
                self.add(None, f"is missing '{key}'")
            return default
        value = self.values[key]
        if not is_number(value) or not math.isfinite(value):
            self.invalid(key, "must be a finite number")
            return None
        return float(value)

    def text(self, key: str) -> None:
        """Check that ``key``, if given, is text that is not blank ("" stands for not given)."""
        value = self.values.get(key)
        if value is not None and not (isinstance(value, str) and (value == "" or value.strip())):
            self.invalid(key, "must be a non-empty string")

    def unknown_keys(self, allowed: tuple[str, ...]) -> None:
        """Record each key of the table that is not in ``allowed``."""
        before = len(self.problems.items)
        unknown_keys(self.values, allowed, self.where, self.problems)
        self.ok = self.ok and len(self.problems.items) == before


def fields_of(spec: Any) -> dict[str, Any]:
    """The fields of a dataclass instance, by name (not copied, unlike :func:`dataclasses.asdict`)."""
    return {field.name: getattr(spec, field.name) for field in dataclasses.fields(spec)}


def check_fields(check: Callable[[Table], object], values: Mapping[str, Any], where: str,
                 file: str = PYTHON) -> None:
    """Run ``check`` on a table of ``values``; raise every problem it records.

    What a spec's ``__post_init__`` calls, with its own fields, so that an object built in Python
    gets the checks, and the messages, of a file.

    Raises
    ------
    InputError
        If ``check`` recorded a problem; each names ``file`` and a field under ``where``.
    """
    problems = Problems(file)
    check(Table(values, where, problems))
    problems.raise_if_any()
