"""Why an output's median is not its value at the priors' points: each input's median, one at a time.

A prior's point (the value a publication used) need not be its median: a triangular prior from
0 to 10 with its mode, the point, at 2 has its median at 10 - sqrt(40) = 3.68. The output's median then differs
from the output at the points, and :func:`attribute_medians` says by how much each input moves
it. For each uncertain input: the output with that input at its prior's median, the others at
their points, and its *shift*, that output minus the output at the points.

The shifts need not add up to the gap (the output's median minus its value at the points):
effects are not additive, and the median of an output of several uncertain inputs is not the
output at their medians. So three numbers are kept apart:

- each input's *share*: its shift divided by the sum of every input's shift (one at a time, the
  others at their points). Shares sum to 1; an input that pulls the other way from the sum has
  a negative share, and the others' then exceed 1 together. None when the shifts sum to zero or
  one is not finite;
- the output with *all* inputs at their medians, whose difference from the output at the points
  less the sum of the shifts is the inputs' interaction at their medians;
- the output's median over the samples, whose difference from the output at all medians is what
  the joint spread of the inputs adds (for a monotone output of one input it is zero).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from mcsim.analysis.sensitivity import SensitivityResult
from mcsim.analysis.verdict import PRIORS_ORDER, RankedBy, rank_inputs
from mcsim.compute.stats import KeptSamples, OutputStats
from mcsim.i18n import N_
from mcsim.inputs.priors import Priors
from mcsim.inputs.runs import RunSpec
from mcsim.models import Model

__all__ = ["InputShift", "MedianAttribution", "attribute_medians", "explain_medians"]


@dataclass(frozen=True)
class InputShift:
    """One input moved from its point to its prior's median, the others at their points."""

    input: str
    point: float
    median: float  # the prior's median
    output: float  # the output there
    shift: float  # output minus the output at the points
    share: float | None  # shift / sum of every input's shift (see the module notes)


@dataclass(frozen=True)
class MedianAttribution:
    """Why one scalar output's median differs from its value at the priors' points.

    Attributes
    ----------
    output : str
    median : float
        The output's median over the run's samples.
    at_points : float
        The output with every input at its point.
    at_medians : float
        The output with every uncertain input at its prior's median.
    shifts : tuple of InputShift
        One per uncertain input, in the priors' order.
    driver : str or None
        The input that drives the output's spread most; None when nothing ranks them.
    driver_by : str
        How :attr:`driver` was ranked, in words ("" without one).
    tied : tuple of str
        Inputs the ranking cannot tell from :attr:`driver` (see
        :class:`~mcsim.analysis.sensitivity.Ranking`); empty when none is.
    """

    output: str
    median: float
    at_points: float
    at_medians: float
    shifts: tuple[InputShift, ...]
    driver: str | None = None
    driver_by: RankedBy | None = None
    tied: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        """The output's median minus its value at the points (NaN when either is infinite)."""
        gap = self.median - self.at_points
        return gap if math.isfinite(gap) else math.nan

    @property
    def sum_of_shifts(self) -> float:
        return math.fsum(s.shift for s in self.shifts)

    @property
    def moved_by(self) -> InputShift | None:
        """The input whose median alone moves the output most in the direction of the gap.

        None when the gap is zero or not finite, or when no input alone moves the output that way.
        """
        gap = self.gap
        if not gap:  # zero or NaN
            return None
        same_way = [s for s in self.shifts if math.isfinite(s.shift) and s.shift * gap > 0]
        return max(same_way, key=lambda s: abs(s.shift), default=None)


def attribute_medians(model: Model, priors: Priors, medians: Mapping[str, float], *,
                      users: Sequence[float] = (1.0,),
                      drivers: Mapping[str, tuple[str, str, tuple[str, ...]]] | None = None,
                      ) -> dict[str, MedianAttribution]:
    """Each scalar output's median against its value at the points, input by input.

    Parameters
    ----------
    model : Model
    priors : Priors
        Their points, and the medians of their distributions (``ppf(0.5)``).
    medians : mapping of str to float
        The median over the run's samples of each scalar output to explain.
    users : sequence of float
        A users grid to evaluate the model on (outputs over users are not explained).
    drivers : mapping of str to (str, str, tuple of str), optional
        Per output, the input that drives its spread, how it was ranked, and the inputs tied with it.

    Returns
    -------
    dict of str to MedianAttribution
        In the order of ``medians``.
    """
    points = priors.points()
    uncertain = priors.uncertain
    prior_medians = {name: float(priors[name].distribution.ppf(np.array([0.5]))[0]) for name in uncertain}
    # one evaluation: the points, all inputs at their medians, then each input alone at its median
    rows = [dict(points), {**points, **prior_medians}]
    rows += [{**points, name: prior_medians[name]} for name in uncertain]
    batch = {name: np.array([row[name] for row in rows]) for name in model.input_names}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        values = model.evaluate(batch, np.asarray(users, dtype=float))
    found = {}
    for output, median in medians.items():
        y = [float(v) for v in values[output]]
        at_points, at_medians, alone = y[0], y[1], y[2:]
        deltas = [v - at_points for v in alone]
        total = math.fsum(deltas)
        spread = math.fsum(abs(d) for d in deltas)
        shareable = all(math.isfinite(d) for d in deltas) and spread > 0 and abs(total) > 1e-12 * spread
        shifts = tuple(InputShift(name, float(points[name]), prior_medians[name], v, d,
                                  d / total + 0.0 if shareable else None)  # + 0.0: no -0.0
                       for name, v, d in zip(uncertain, alone, deltas, strict=True))
        driver, by, tied = (drivers or {}).get(output, (None, "", ()))
        found[output] = MedianAttribution(output, float(median), at_points, at_medians, shifts, driver, by, tied)
    return found


def _tied(sensitivity: SensitivityResult | None, output: str) -> tuple[str, ...]:
    """The inputs whose index (total Sobol index, or Shapley effect where those rank) the run cannot tell from the
    first one's: their intervals overlap (:func:`~mcsim.analysis.sensitivity.indices_distinguishable`), so no
    order between them is stated (none without indices)."""
    from mcsim.analysis.sensitivity import indices_distinguishable

    try:
        target = sensitivity[output] if sensitivity is not None else None
    except KeyError:
        return ()
    ranking = target.ranking if target is not None else None
    if ranking is None:
        return ()
    if ranking.by == "shapley":
        names, values, conf = target.shapley.names, target.shapley.effects, target.shapley.conf
    else:
        names, values, conf = target.indices.names, target.indices.ST, target.indices.ST_conf
    top = names.index(ranking.top)
    return tuple(name for name in ranking.order[1:]
                 if not indices_distinguishable(values[top], conf[top], values[names.index(name)],
                                                conf[names.index(name)]))


def explain_medians(spec: RunSpec, outputs: Mapping[str, OutputStats], kept: KeptSamples,
                    sensitivity: SensitivityResult | None = None) -> dict[str, MedianAttribution]:
    """:func:`attribute_medians` for every scalar output of a run, with what drives each one's spread.

    The driver is the input ranked first by the output's total Sobol index when the run's
    sensitivity analysis covers it, else by |Spearman correlation| over the kept samples.
    """
    scalar = [out.name for out in spec.model.outputs if not out.per_user]
    drivers = {}
    if spec.priors.uncertain:
        for name in scalar:
            order, by = rank_inputs(spec, sensitivity, ((name, N_("the output")),), name, kept)
            if by != PRIORS_ORDER:
                drivers[name] = (order[0], by, _tied(sensitivity, name))
    medians = {name: float(outputs[name].p50) for name in scalar}
    return attribute_medians(spec.model, spec.priors, medians, users=spec.grid_values, drivers=drivers)
