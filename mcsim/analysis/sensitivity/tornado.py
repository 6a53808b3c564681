"""The tornado chart's numbers: one input at a time at its p05 and p95, the others at their points.

This is the one-at-a-time view @RISK and Crystal Ball users expect. It ignores interactions and
the shape of each prior between its p05 and p95; the Sobol indices do not. The axis is the
output at every point value, i.e. the published value when the priors' points are a publication's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcsim.analysis.sensitivity.targets import Target
from mcsim.inputs.priors import Priors
from mcsim.models import Model

__all__ = ["QUANTILES", "Tornado", "TornadoBar", "tornado"]

QUANTILES = (0.05, 0.95)  # each input's low and high value: these quantiles of its prior


@dataclass(frozen=True)
class TornadoBar:
    """One input's swing: the output with the input at its p05 and at its p95.

    ``capped_low`` and ``capped_high`` say where the output is infinite (never reached); the chart
    draws it at its edge, ``output_low`` or ``output_high`` then holding :attr:`Tornado.edge`.
    ``swing`` is measured on the target's scale: log10 or not, or the rank (the share of the
    samples the output moves across, 0 to 1), which places an infinite value at the top.
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
    baseline: float  # the output at every point value (the edge if it is infinite)
    log_scale: bool  # the chart's axis
    bars: tuple[TornadoBar, ...]  # sorted by swing, largest first
    edge: float | None = None  # where infinite outputs are drawn: the largest finite output seen; None: none is
    baseline_infinite: bool = False  # the output at the point values is infinite (drawn at the edge)


def tornado(priors: Priors, model: Model, target: Target, users: np.ndarray, reference: np.ndarray) -> Tornado:
    """The tornado of ``target``'s output over the uncertain inputs of ``priors``.

    ``reference`` holds the output over the samples the indices were estimated on: the rank of a
    tornado point is its place among them, and an infinite output is drawn at the largest finite
    value among them and the tornado's points. Bars are sorted by swing, largest first; ties keep
    the priors' order.
    """
    names = priors.uncertain
    points = priors.points()
    rows = 1 + 2 * len(names)
    inputs = {name: np.full(rows, value) for name, value in points.items()}
    for j, name in enumerate(names):
        low, high = priors[name].distribution.ppf(np.array(QUANTILES))
        inputs[name][1 + 2 * j], inputs[name][2 + 2 * j] = float(low), float(high)
    raw = np.asarray(model.evaluate(inputs, users)[target.output], dtype=float)
    if raw.ndim == 2:
        raw = raw[:, 0]
    infinite = np.isinf(raw)
    edge = None
    if infinite.any():
        finite = np.concatenate([raw[~infinite], np.asarray(reference, dtype=float)])
        finite = finite[np.isfinite(finite)]
        edge = float(finite.max()) if finite.size else 1.0
    shown = np.where(infinite, edge, raw) if edge is not None else raw
    scale = target.scale(raw, reference)
    bars = []
    for j, name in enumerate(names):
        lo, hi = 1 + 2 * j, 2 + 2 * j
        swing = abs(scale[hi] - scale[lo]) if scale[hi] != scale[lo] else 0.0  # inf - inf: no swing
        bars.append(TornadoBar(name, float(inputs[name][lo]), float(inputs[name][hi]), float(shown[lo]),
                               float(shown[hi]), bool(infinite[lo]), bool(infinite[hi]), float(swing)))
    order = sorted(range(len(bars)), key=lambda j: -bars[j].swing)
    log = target.transform == "log10" or (target.log_scale and bool(np.all(shown > 0)))
    return Tornado(target.output, float(shown[0]), log, tuple(bars[j] for j in order), edge, bool(infinite[0]))
