"""What a model is: a pure, vectorised function from named input arrays to named output arrays.

A model may add optional hooks: a closed-form tipping point (root finding is the fallback) and
the figures of publications it reproduces (:class:`Reference`), shown only for priors that say
they reproduce that publication.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from mcsim.models.failure import ModelError, first_failing_row, locate, row_values
from mcsim.models.grid import USERS, Grid

__all__ = ["ClaimView", "Grid", "InputSpec", "Model", "OutputSpec", "PriorsView", "Reference"]


class PriorsView(Protocol):
    """What a model's hooks read of the priors they are shown at (a :class:`mcsim.inputs.priors.Priors` is one).

    Models sit below the loading layer (:mod:`mcsim.inputs`), which checks priors against them: they
    name the priors by what they use of them, not by the class that loads them.
    """

    @property
    def file(self) -> str:
        """The priors file."""

    @property
    def reference(self) -> str:
        """The publication the priors reproduce (a :class:`Reference`'s name), or ""."""

    def points(self) -> dict[str, float]:
        """Each input's point value."""


class ClaimView(Protocol):
    """What a model's tipping hook reads of a claim (a :class:`mcsim.inputs.claims.Claim` is one)."""

    @property
    def output(self) -> str:
        """The output the claim tests."""

    @property
    def value(self) -> float | None:
        """The one-sided claim's threshold (None for a two-sided claim)."""

    @property
    def two_sided(self) -> bool:
        """Whether the claim bounds the output on both sides."""

    @property
    def at(self) -> float | None:
        """The grid point of a claim on an output over the grid, else None."""


@dataclass(frozen=True)
class InputSpec:
    """An input a model needs, with the values it accepts.

    ``low`` and ``high`` bound the support of the input's prior: a prior that can draw outside
    them is refused when the priors are checked against the model.
    """

    name: str
    unit: str
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False  # True: low itself is not allowed (e.g. a lifetime of 0 months)

    def admits(self, support: tuple[float, float], open_low: bool = False) -> bool:
        """Whether every value in ``support`` (without its lower end if ``open_low``) is allowed."""
        lo, hi = support
        above = lo > self.low or (lo == self.low and (open_low or not self.low_open))
        return above and hi <= self.high

    def allowed(self) -> str:
        left = "(" if self.low_open else "["
        return f"{left}{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class OutputSpec:
    """An output: its unit, whether it varies over the model's grid (``per_user``), how to show it.

    ``infinite_means`` says what an infinite value stands for (e.g. "never breaks even"), so
    that reports can name it; None where an infinite value would be a bug.
    """

    name: str
    unit: str
    label: str
    per_user: bool = False
    log_scale: bool = False
    infinite_means: str | None = None
    share_positive: bool = False  # report P(value > 0) at each point of the grid


@dataclass(frozen=True)
class Reference:
    """What a publication printed for a model, shown beside the results of priors that reproduce it.

    A priors file says it reproduces the publication with ``[meta] reference = NAME`` (a run file
    with ``[run] reference = NAME``), where ``NAME`` is :attr:`name`. Priors that do not say so get
    no word of it: no published value on the figures, no printed table.

    Parameters
    ----------
    name : str
        The publication and the place in it, e.g. ``"Author (2025), section 5, Table 1"``.
    values : tuple of (output, value, label)
        Published values of scalar outputs, marked on their figures.
    points : tuple of (output, ((users, value), ...))
        Published values of outputs over the users grid, marked on their figures.
    points_label : str
        The legend of :attr:`points`, e.g. ``"Table 1 as printed"``.
    users_marks : tuple of (output, users, label)
        Published users values to mark on the figures of an output over the users grid (e.g.
        the published break-even on the probability of a positive surplus).
    notes : tuple of (output, users, note)
        Points of :attr:`points` the publication misprinted, with a note saying so and what the
        model gives there; the figures mark them apart and their captions give the note.
    section : callable, optional
        ``section(priors) -> list of str``: Markdown lines comparing the published table with
        the model at the priors' point values, for the report. The shipped models give none:
        their words are the report's (:mod:`mcsim.report.models`).
    table : callable, optional
        ``table(priors) -> str``: the same as plain text, for ``mcsim table``.
    """

    name: str
    values: tuple[tuple[str, float, str], ...] = ()
    points: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = ()
    points_label: str = ""
    users_marks: tuple[tuple[str, float, str], ...] = ()
    notes: tuple[tuple[str, float, str], ...] = ()
    section: Callable[[PriorsView], list[str]] | None = None
    table: Callable[[PriorsView], str] | None = None

    def value(self, output: str) -> tuple[float, str] | None:
        """The published value of ``output`` and its label, or None."""
        return next(((v, label) for name, v, label in self.values if name == output), None)

    def points_of(self, output: str) -> tuple[tuple[float, float], ...]:
        return next((pairs for name, pairs in self.points if name == output), ())

    def marks_of(self, output: str) -> tuple[tuple[float, str], ...]:
        return tuple((users, label) for name, users, label in self.users_marks if name == output)

    def notes_of(self, output: str) -> tuple[tuple[float, str], ...]:
        """The misprinted points of ``output``: (users, note)."""
        return tuple((users, note) for name, users, note in self.notes if name == output)


@dataclass(frozen=True)
class Model:
    """A named model: ``function(inputs, grid)`` returns ``{output: array}``.

    Scalar outputs have shape ``(n,)``; outputs with ``per_user`` vary over the model's
    :attr:`grid` (monthly users unless the model says otherwise, e.g. months) and have shape
    ``(n, len(grid))``. The function must be pure and vectorised: it sees a chunk of samples at a
    time. A scalar output must not depend on the grid's values (the analyses evaluate the model on
    parts of the run's grid).
    """

    name: str
    description: str
    inputs: tuple[InputSpec, ...]
    outputs: tuple[OutputSpec, ...]
    function: Callable[[Mapping[str, np.ndarray], np.ndarray], dict[str, np.ndarray]]
    citation: str = ""  # where the model's formulas come from
    tipping: Callable[[ClaimView, str, Mapping[str, float]], float | bool | None] | None = None
    references: tuple[Reference, ...] = ()
    grid: Grid = USERS  # what the outputs with per_user vary over (mcsim.models.grid)

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.inputs)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.outputs)

    @property
    def gridded(self) -> bool:
        """Whether any output varies over :attr:`grid`; a model with scalar outputs only has no grid to set."""
        return any(spec.per_user for spec in self.outputs)

    def _failure(self, error: Exception, values: dict[str, np.ndarray], grid: np.ndarray) -> ModelError:
        """``error`` from the model's function, with the file, the line and the first input row that raises."""
        file, line, function = locate(self.function, error)
        n = len(next(iter(values.values()))) if values else 0

        def fails(start: int, stop: int) -> bool:
            try:
                self.function({name: v[start:stop] for name, v in values.items()}, grid)
            except Exception:
                return True
            return False

        row = first_failing_row(fails, n) if n > 1 else (0 if n == 1 else None)
        what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return ModelError(file, line, f"model {self.name} raised {what}", function=function, row=row,
                          values=row_values(values, row) if row is not None else None)

    def output(self, name: str) -> OutputSpec:
        return next(spec for spec in self.outputs if spec.name == name)

    def reference(self, name: str) -> Reference | None:
        """The publication called ``name`` that this model reproduces, or None."""
        return next((r for r in self.references if r.name == name), None)

    def evaluate(self, inputs: Mapping[str, np.ndarray], grid: np.ndarray) -> dict[str, np.ndarray]:
        """Evaluate the model on a chunk of samples at the points of its ``grid``; check the shapes it returns."""
        values = {name: np.asarray(inputs[name], dtype=float) for name in self.input_names}
        n = len(next(iter(values.values()))) if values else 0
        grid = np.asarray(grid, dtype=float)
        try:
            out = self.function(values, grid)
        except Exception as error:  # the model's own code: its file, line and first failing row
            raise self._failure(error, values, grid) from error
        returned = list(out) if isinstance(out, Mapping) else None
        if returned is None or any(name not in out for name in self.output_names):
            file, line, function = locate(self.function)
            got = (f"returned the outputs {', '.join(map(str, returned)) or 'none'}" if returned is not None else
                   f"returned a {type(out).__name__}, not a dict of outputs")
            raise ModelError(file, line, f"model {self.name} {got} but declares {', '.join(self.output_names)}: "
                             "its function must return a dict holding every declared output", function=function)
        for spec in self.outputs:
            expected = (n, len(grid)) if spec.per_user else (n,)
            got = np.shape(out[spec.name])
            if got != expected:
                raise RuntimeError(f"model {self.name} returned {spec.name} of shape {got}, expected {expected}")
        return out
