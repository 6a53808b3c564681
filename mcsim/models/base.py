"""What a model is: a pure, vectorised function from named input arrays to named output arrays."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["InputSpec", "Model", "OutputSpec"]


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
    """An output: its unit, whether it varies over the users grid, how to show it.

    ``infinite_means`` says what an infinite value stands for (e.g. "never breaks even"), so
    that reports can name it; None where an infinite value would be a bug.
    """

    name: str
    unit: str
    label: str
    per_user: bool = False
    log_scale: bool = False
    infinite_means: str | None = None
    reference: float | None = None  # a published value to mark on figures
    reference_label: str = ""
    reference_points: tuple[tuple[float, float], ...] = ()  # published (users, value) pairs
    share_positive: bool = False  # report P(value > 0) at each users value


@dataclass(frozen=True)
class Model:
    """A named model: ``function(inputs, users)`` returns ``{output: array}``.

    Scalar outputs have shape ``(n,)``; outputs with ``per_user`` have shape ``(n, len(users))``.
    The function must be pure and vectorised: it sees a chunk of samples at a time.
    """

    name: str
    description: str
    inputs: tuple[InputSpec, ...]
    outputs: tuple[OutputSpec, ...]
    function: Callable[[Mapping[str, np.ndarray], np.ndarray], dict[str, np.ndarray]]
    reference: str = ""

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.inputs)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.outputs)

    def output(self, name: str) -> OutputSpec:
        return next(spec for spec in self.outputs if spec.name == name)

    def evaluate(self, inputs: Mapping[str, np.ndarray], users: np.ndarray) -> dict[str, np.ndarray]:
        """Evaluate the model on a chunk of samples and check the shapes it returns."""
        values = {name: np.asarray(inputs[name], dtype=float) for name in self.input_names}
        n = len(next(iter(values.values()))) if values else 0
        out = self.function(values, np.asarray(users, dtype=float))
        for spec in self.outputs:
            expected = (n, len(users)) if spec.per_user else (n,)
            got = np.shape(out[spec.name])
            if got != expected:
                raise RuntimeError(f"model {self.name} returned {spec.name} of shape {got}, expected {expected}")
        return out
