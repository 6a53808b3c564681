"""The value of information of a run: EVPI and each input's EVPPI over users (or of one decision, for a scalar payoff),
and each input's worth to each claim.

:func:`assess` works on the run's own sample: it redraws the run's design (its sampler, seed and
sample count, the priors' rank correlations by the run's Gaussian copula; the design is
deterministic from the seed, so these are the very draws the run's statistics are over), evaluates
the model on it, and estimates (:mod:`.estimate`):

- for the decision at each users value U of ``[value_of_information] users`` (act, with payoff
  the model's ``output`` at U, e.g. the surplus in USD per month; or not, payoff 0): the EVPI and
  the EVPPI of each uncertain input, with standard errors; the same on a fine grid of users for
  the figure. A scalar payoff (an output that does not vary with users) makes one decision;
- for each claim: the expected reduction in the probability of a wrong verdict if an input were
  known exactly. The verdict is the likelier answer: the claim holds if its probability ``p`` is
  at least 1/2, fails otherwise, and is wrong with probability ``min(p, 1 - p)``. Knowing input
  X exactly, the verdict would be taken on ``p(X) = P(claim | X)`` and be wrong with probability
  ``E[min(p(X), 1 - p(X))]``. The reduction is the difference: ``min(p, 1 - p) - E[min(p(X),
  1 - p(X))]``, between 0 and ``min(p, 1 - p)`` (all inputs known: the verdict is never wrong,
  the model being deterministic). It is the EVPPI of the decision "say the claim holds" (payoff
  ``2 H - 1``, H = 1 where it holds) against "say it fails" (payoff 0), and is estimated so. The
  claim is evaluated as the run evaluates it (the model on the run's grid, block by block), so its
  probability here is the run's, to the sample.

The binned EVPPI needs no independence between samples: on a Latin hypercube or scrambled Sobol
design the bins are still of equal counts of each input, and each bin's mean still estimates
``E[payoff | X]`` there (its noise, if anything, is smaller than a random sample's).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from mcsim.analysis.value_of_information.estimate import Bins, Estimate, bins_for, evpi, evppi
from mcsim.compute.sampling import Design
from mcsim.inputs.runs import RunSpec
from mcsim.inputs.value_of_information import ValueOfInformationSpec

__all__ = ["ClaimValue", "DecisionValue", "ValueOfInformation", "assess", "curve_users"]

CURVE_POINTS = 33  # users values of the figure's curves (with the table's)
CURVE_SPAN = 10.0  # the curves run from the smallest users / this to the largest x this
CELLS = 1 << 23  # samples x users values of the payoff evaluated at a time, to bound memory (64 MiB)
CLAIM_BLOCK = 1 << 13  # samples evaluated at a time for the claims, on the run's whole grid, as the run does


@dataclass(frozen=True)
class DecisionValue:
    """The value of information of the decision at one users value (None: a scalar payoff's one decision).

    ``mean`` is the payoff's expected value (the decision now: act if > 0); ``positive`` the
    probability that acting pays (payoff > 0); ``evppi`` by input, in the priors' order.
    """

    users: float | None
    mean: float
    positive: float
    evpi: Estimate
    evppi: Mapping[str, Estimate]

    @property
    def acts(self) -> bool:
        return self.mean > 0


@dataclass(frozen=True)
class ClaimValue:
    """What knowing each input would do for a claim's verdict (see the module's notes)."""

    claim: str
    probability: float  # on the run's sample: the run's own probability of the claim
    wrong: float  # min(p, 1 - p): the probability that the verdict is wrong now
    reduction: Mapping[str, Estimate]  # by input: the expected reduction in that probability

    @property
    def verdict_holds(self) -> bool:
        return self.probability >= 0.5


@dataclass(frozen=True)
class ValueOfInformation:
    """The value of information of a run (``[value_of_information]``); computed by :func:`assess`.

    Attributes
    ----------
    spec : ValueOfInformationSpec
    label, unit : str
        The payoff output's label and unit (e.g. "Surplus", "USD per month").
    names : tuple of str
        The uncertain inputs, in the priors' order (a point has no value of information).
    samples, bins : int
        The run's samples the analysis is over (all it evaluated), and the bins of equal counts each
        input's EVPPI is estimated on (inputs with at most that many distinct values are grouped by value).
    decisions : tuple of DecisionValue
        At each of ``spec.users``; a scalar payoff's one decision (its ``users`` None).
    curve : tuple of DecisionValue
        On :func:`curve_users`, for the figure; empty for a scalar payoff.
    claims : tuple of ClaimValue
        For each of the run's claims.
    sampler : str
        The run's sampler ("random", "lhs" or "sobol").
    seed : int
        The run's seed: the analysis is on the run's own sample.
    """

    spec: ValueOfInformationSpec
    label: str
    unit: str
    names: tuple[str, ...]
    samples: int
    bins: int
    decisions: tuple[DecisionValue, ...]
    curve: tuple[DecisionValue, ...]
    claims: tuple[ClaimValue, ...]
    sampler: str
    seed: int
    elapsed_seconds: float = field(default=0.0, compare=False)

    def best(self) -> tuple[DecisionValue, str] | None:
        """The decision with the largest EVPI and the input worth most to it (None without uncertain inputs)."""
        if not self.names or not self.decisions:
            return None
        decision = max(self.decisions, key=lambda d: d.evpi.value)
        return decision, max(self.names, key=lambda n: decision.evppi[n].value)


def curve_users(users: tuple[float, ...]) -> np.ndarray:
    """The figure's users grid: :data:`CURVE_POINTS` values evenly spaced in log, with ``users`` among them."""
    low, high = min(users) / CURVE_SPAN, max(users) * CURVE_SPAN
    return np.unique(np.concatenate([np.geomspace(low, high, CURVE_POINTS), users]))


def assess(spec: RunSpec, voi: ValueOfInformationSpec | None = None, *,
           samples: int | None = None) -> ValueOfInformation:
    """The value of information of ``spec``'s decision (``voi``, by default its ``[value_of_information]``).

    Computed on the run's own sample: the first ``samples`` draws of the run's design
    (:class:`~mcsim.compute.sampling.Design` of ``spec.samples`` points, its sampler and seed),
    which are the draws the run's statistics are over.

    Parameters
    ----------
    spec : RunSpec
    voi : ValueOfInformationSpec, optional
    samples : int, optional
        The samples the run evaluated (fewer than ``spec.samples`` when a stopping rule ended it);
        ``spec.samples`` by default.

    Returns
    -------
    ValueOfInformation
    """
    started = time.perf_counter()
    voi = voi if voi is not None else spec.value_of_information
    model, priors = spec.model, spec.priors
    n = spec.samples if samples is None else samples
    if not 0 < n <= spec.samples:
        raise ValueError(f"samples = {n} must be from 1 to the run's {spec.samples}")
    inputs = Design(priors, spec.samples, spec.sampler, spec.seed).draw(0, n)
    names = priors.uncertain
    k = bins_for(n)
    grouped = {name: Bins.of(inputs[name], k) for name in names}
    out = model.output(voi.output)
    if out.per_user:
        table = _decisions(model, inputs, voi.output, np.asarray(voi.users), grouped)
        curve = _decisions(model, inputs, voi.output, curve_users(voi.users), grouped)
    else:  # a scalar payoff: one decision, evaluated as the run evaluates the model (on its grid)
        table, curve = (_decision(None, _scalar(model, inputs, voi.output, spec.grid_values), grouped),), ()
    claims = _claims(spec, inputs, grouped)
    return ValueOfInformation(voi, out.label, out.unit, names, n, k, table, curve, claims, spec.sampler, spec.seed,
                              time.perf_counter() - started)


def _decisions(model, inputs: Mapping[str, np.ndarray], output: str, users: np.ndarray,
               grouped: Mapping[str, Bins]) -> tuple[DecisionValue, ...]:
    found = []
    n = len(next(iter(inputs.values())))
    columns = max(1, CELLS // max(n, 1))
    for start in range(0, len(users), columns):
        at = users[start:start + columns]
        payoff = np.asarray(model.evaluate(inputs, at)[output], dtype=float)
        found += [_decision(float(u), np.ascontiguousarray(payoff[:, j]), grouped) for j, u in enumerate(at)]
    return tuple(found)


def _decision(users: float | None, y: np.ndarray, grouped: Mapping[str, Bins]) -> DecisionValue:
    """The value of information of acting with payoff ``y`` (one value per sample) or not."""
    return DecisionValue(users, float(y.mean()), float(np.mean(y > 0)), evpi(y),
                         {name: evppi(y, bins) for name, bins in grouped.items()})


def _scalar(model, inputs: Mapping[str, np.ndarray], output: str, grid) -> np.ndarray:
    """A scalar output over the samples, block by block (it does not depend on the grid's values)."""
    n = len(next(iter(inputs.values())))
    y = np.empty(n)
    for start in range(0, n, CLAIM_BLOCK):
        tile = {name: values[start:start + CLAIM_BLOCK] for name, values in inputs.items()}
        y[start:start + CLAIM_BLOCK] = np.asarray(model.evaluate(tile, np.asarray(grid, dtype=float))[output],
                                                  dtype=float)
    return y


def _claims(spec: RunSpec, inputs: Mapping[str, np.ndarray], grouped: Mapping[str, Bins]) -> tuple[ClaimValue, ...]:
    if not spec.claims:
        return ()
    holds = _claims_hold(spec, inputs)
    found = []
    for claim, held in zip(spec.claims, holds, strict=True):
        y = np.where(held, 1.0, -1.0)  # say it holds: +1 if right, -1 if wrong; say it fails: 0
        p = int(np.count_nonzero(held)) / len(held)  # as the run counts it
        # EVPPI of that decision, in units of the payoff 2 H - 1: the reduction in P(wrong verdict)
        found.append(ClaimValue(claim.name, p, min(p, 1.0 - p),
                                {name: evppi(y, bins) for name, bins in grouped.items()}))
    return tuple(found)


def _claims_hold(spec: RunSpec, inputs: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """Whether each claim holds in each sample, evaluated as the run evaluates it: the model on the run's grid."""
    from mcsim.compute.claims import claim_holds

    n = len(next(iter(inputs.values())))
    grid = tuple(spec.grid_values)
    holds = [np.empty(n, dtype=bool) for _ in spec.claims]
    for start in range(0, n, CLAIM_BLOCK):
        tile = {name: values[start:start + CLAIM_BLOCK] for name, values in inputs.items()}
        outputs = spec.model.evaluate(tile, np.asarray(grid))
        for held, claim in zip(holds, spec.claims, strict=True):
            held[start:start + CLAIM_BLOCK] = claim_holds(claim, outputs, grid)
    return holds
