"""The tornado chart's numbers: one input at a time at its p05 and p95, the others at their points.

This is the one-at-a-time view @RISK and Crystal Ball users expect. It ignores interactions and
the shape of each prior between its p05 and p95; the Sobol indices do not. The axis is the
output at every point value, i.e. the paper's value when the priors' points are the paper's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcsim.analysis.sensitivity.targets import Target
from mcsim.inputs.priors import Priors
from mcsim.models import Model

__all__ = ["Tornado", "TornadoBar", "tornado"]


@dataclass(frozen=True)
class TornadoBar:
    """One input's swing: the output with the input at its p05 and at its p95.

    ``output_low`` and ``output_high`` are capped like the target (``capped_low``/``capped_high``
    say where the cap was hit); ``swing`` is measured on the target's scale (log10 or not).
    """

    name: str
    input_low: float
    input_high: float
    output_low: float
    output_high: float
    capped_low: bool
    capped_high: bool
    swing: float


@dataclass(frozen=True)
class Tornado:
    output: str
    baseline: float  # the output at every point value
    log_scale: bool
    bars: tuple[TornadoBar, ...]  # sorted by swing, largest first


def tornado(priors: Priors, model: Model, target: Target, users: np.ndarray) -> Tornado:
    """The tornado of ``target``'s output over the uncertain inputs of ``priors``.

    Bars are sorted by swing, largest first; ties keep the priors' order.
    """
    names = priors.uncertain
    points = priors.points()
    rows = 1 + 2 * len(names)
    inputs = {name: np.full(rows, value) for name, value in points.items()}
    for j, name in enumerate(names):
        inputs[name][1 + 2 * j] = float(priors[name].distribution.ppf(np.array([0.05]))[0])
        inputs[name][2 + 2 * j] = float(priors[name].distribution.ppf(np.array([0.95]))[0])
    raw = np.asarray(model.evaluate(inputs, users)[target.output], dtype=float)
    if raw.ndim == 2:
        raw = raw[:, 0]
    capped = raw > target.cap if target.cap is not None else np.zeros(rows, dtype=bool)
    shown = np.where(capped, target.cap, raw) if target.cap is not None else raw
    log = target.transform == "log10"
    scale = np.log10(shown) if log else shown
    bars = []
    for j, name in enumerate(names):
        lo, hi = 1 + 2 * j, 2 + 2 * j
        bars.append(TornadoBar(name, float(inputs[name][lo]), float(inputs[name][hi]), float(shown[lo]),
                               float(shown[hi]), bool(capped[lo]), bool(capped[hi]), float(abs(scale[hi] - scale[lo]))))
    order = sorted(range(len(bars)), key=lambda j: -bars[j].swing)
    return Tornado(target.output, float(shown[0]), log, tuple(bars[j] for j in order))
