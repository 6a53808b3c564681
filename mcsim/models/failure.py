"""A model that fails: where in its own file, and at which input row.

A model is the user's code, so an exception it raises, an output it forgets or a NaN it returns
is bad input (exit status 2), told with the model's file and line and the first input row
(each input's name and value) that shows the failure. The row is found by evaluating the
failing rows again in halves (a vectorised model fails on a chunk when one of its rows fails).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from mcsim.errors import InputError, Problem

__all__ = ["ModelError", "first_failing_row", "locate", "undefined_rows"]


class ModelError(InputError):
    """The user's model raised, returned the wrong outputs or an undefined value: bad input.

    ``row`` is the first failing row of the inputs it was given (None if no single row fails
    alone), ``values`` that row's inputs; :meth:`at` adds where that row is in the run.
    """

    def __init__(self, file: str, line: int | None, what: str, *, function: str = "", row: int | None = None,
                 values: Mapping[str, float] | None = None, sample: int | None = None):
        self.file, self.line, self.what, self.function, self.row = file, line, what, function, row
        self.values, self.sample = dict(values or {}), sample
        field = f"line {line}" + (f" (in {function}):" if function else ":") if line is not None else ""
        super().__init__([Problem(file, field, what + self._row_words())])

    def _row_words(self) -> str:
        if self.row is None:
            return ""
        inputs = ", ".join(f"{name} = {value:.6g}" for name, value in self.values.items())
        where = f"sample {self.sample:,} of the run" if self.sample is not None else f"row {self.row:,} of its inputs"
        return f"; first at {where}, where {inputs}"

    def at(self, offset: int) -> ModelError:
        """The same error, its row counted from the run's first sample (the chunk starts at ``offset``)."""
        if self.row is None:
            return self
        error = ModelError(self.file, self.line, self.what, function=self.function, row=self.row,
                           values=self.values, sample=offset + self.row)
        error.__cause__ = self.__cause__
        return error

    def __reduce__(self):  # raised in worker processes: pickled back with its fields, not its text
        return (_rebuild, (self.file, self.line, self.what, self.function, self.row, self.values, self.sample))


def _rebuild(file, line, what, function, row, values, sample) -> ModelError:
    return ModelError(file, line, what, function=function, row=row, values=values, sample=sample)


def shown_path(path: str) -> str:
    """A file as the user would name it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return path


def locate(function: Callable, error: BaseException | None = None) -> tuple[str, int | None, str]:
    """The model's file, and the line and function where ``error`` arose in it: its innermost frame in that file.

    Without ``error``, or where no frame of its traceback is in the model's file, the model
    function's first line.
    """
    code = getattr(function, "__code__", None)
    file = code.co_filename if code is not None else getattr(function, "__module__", "") or "<model>"
    line, name = (code.co_firstlineno, code.co_name) if code is not None else (None, "")
    for frame, lineno in traceback.walk_tb(error.__traceback__ if error is not None else None):
        if frame.f_code.co_filename == file:
            line, name = lineno, frame.f_code.co_name
    return shown_path(file), line, name


def first_failing_row(fails: Callable[[int, int], bool], n: int) -> int | None:
    """The first row ``i`` for which ``fails(i, i + 1)``, searched in halves; None if none fails alone.

    ``fails(start, stop)`` evaluates rows ``start`` to ``stop``; halves that do not fail are not
    searched, so a single failing row among ``n`` costs about ``2 log2(n)`` evaluations.
    """
    def search(start: int, stop: int) -> int | None:
        if stop - start == 1:
            return start
        middle = (start + stop) // 2
        for low, high in ((start, middle), (middle, stop)):
            if fails(low, high):
                found = search(low, high)
                if found is not None:
                    return found
        return None

    return search(0, n) if n > 0 else None


def row_values(inputs: Mapping[str, np.ndarray], row: int) -> dict[str, float]:
    return {name: float(np.asarray(values)[row]) for name, values in inputs.items()}


def undefined_rows(model, outputs: Mapping[str, np.ndarray], only: str | None = None) -> np.ndarray:
    """Per row, whether an output (or the output ``only``) is NaN, or infinite where it gives infinity no meaning."""
    bad = None
    for spec in model.outputs:
        if only is not None and spec.name != only:
            continue
        values = np.asarray(outputs[spec.name], dtype=float)
        wrong = np.isnan(values) if spec.infinite_means is not None else ~np.isfinite(values)
        wrong = wrong.reshape(len(values), -1).any(axis=1)
        bad = wrong if bad is None else bad | wrong
    return bad if bad is not None else np.zeros(0, dtype=bool)
