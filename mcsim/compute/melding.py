"""Importance weights of a run's samples given its observations, merged chunk by chunk like its other statistics.

Each sample of the priors is weighted by the likelihood of the run's observations given the
sample (:class:`~mcsim.inputs.observations.Observation`): the weighted samples are a sample of
the posterior (Bayesian melding by importance sampling, Poole and Raftery 2000). The weights are
computed in the pass that evaluates the model, block by block, and only sums are kept:

- the sum of the weights and of their squares (the effective sample size, Kish's
  ``(sum w)**2 / sum w**2``), the weighted count of each claim;
- per uncertain input and scalar output, the weighted sums of ``x - ref`` and ``(x - ref)**2`` (a
  posterior mean and sd) and a weighted histogram of :data:`BINS` bins over the pilot's range
  (evenly spaced, on a log scale for a positive column spanning more than a factor of 100), from
  which posterior quantiles are read by linear interpolation within a bin, with half the bin's
  width as their error bound;
- the :func:`tail_length` + 1 largest log-weights (for PSIS's k-hat), and per
  observation its largest log-likelihood and the range of what it measured (to say which
  observation no sample can explain);
- per observation, the sum of the weights the other observations give (the weights are a product
  over observations: leaving one out divides its likelihood out) and the weighted count of each
  claim under them, so that a claim's probability without each observation is read from the same
  pass and the same samples;
- per uncertain input, the weights and each claim's weighted count in each of :data:`S1_BINS` bins
  of the input, their edges the posterior quantiles of the pilot's weighted samples (equal posterior
  weight in each bin): a given-data estimate of each claim's first-order sensitivity index under
  the posterior, ``Var(E[Y | X_i]) / Var(Y)`` for the claim's indicator ``Y``.

A weight is ``exp(log-likelihood - shift)``, ``shift`` the largest log-likelihood any sample could
have (every observed value met exactly), so that no weight overflows. Sums are kept per block and
added in block order (as :mod:`mcsim.compute.streaming` does), so that the numbers do not depend on
the chunk size or the number of workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mcsim.inputs.observations import Observation

__all__ = ["BINS", "S1_BINS", "Weighing", "WeightedPartial", "WeightedTotals", "combine_weighted", "log_likelihood",
           "make_weighing", "tail_length", "weigh_block"]

BINS = 1 << 10
S1_BINS = 32  # bins of an input for the posterior's first-order indices
_SLOTS = BINS + 4  # -inf, below the range, the bins, above the range, +inf


@dataclass(frozen=True)
class Weighing:
    """What each block computes for the posterior, fixed from the pilot before streaming."""

    observations: tuple[Observation, ...]
    shift: float  # the largest log-likelihood a sample could have
    columns: tuple[str, ...]  # the uncertain inputs, then the scalar outputs
    inputs: int  # how many of the columns are inputs
    low: np.ndarray  # (columns,) the histogram's range, from the pilot's finite values
    high: np.ndarray
    log: np.ndarray  # (columns,) bool: bins evenly spaced on a log scale
    ref: np.ndarray  # (columns,) shift for the moments
    tail: int  # largest log-weights kept
    grid: tuple[float, ...]
    edges: np.ndarray = None  # (inputs, S1_BINS - 1) the inner edges of each input's bins for the indices


def tail_length(n: int) -> int:
    """The largest weights PSIS fits of ``n``: ``floor(3 sqrt(n))``, or ``floor(n / 5)`` for ``n <= 225``
    (Vehtari et al. 2024; :mod:`mcsim.analysis.psis`); a run keeps one more, the tail's threshold."""
    return math.floor(3 * math.sqrt(n)) if n > 225 else n // 5


def log_likelihood(observations: tuple[Observation, ...], inputs: dict[str, np.ndarray],
                   outputs: dict[str, np.ndarray], grid: tuple[float, ...]) -> np.ndarray:
    """Each observation's log-likelihood per sample: shape (observations, samples)."""
    return np.stack([o.log_likelihood(measured(o, inputs, outputs, grid)) for o in observations])


def measured(observation: Observation, inputs: dict[str, np.ndarray], outputs: dict[str, np.ndarray],
             grid: tuple[float, ...]) -> np.ndarray:
    """The value per sample of what ``observation`` measured (at its grid point for a gridded output)."""
    if observation.input is not None:
        return np.asarray(inputs[observation.input], dtype=float)
    values = np.asarray(outputs[observation.output], dtype=float)
    return values[:, tuple(grid).index(observation.at)] if observation.at is not None else values


def make_weighing(observations: tuple[Observation, ...], priors, model, inputs: dict[str, np.ndarray],
                  outputs: dict[str, np.ndarray], grid: tuple[float, ...], n: int) -> Weighing | None:
    """The posterior's plan from the pilot's inputs and outputs for ``n`` samples; None without observations."""
    if not observations:
        return None
    names = [p.name for p in priors.inputs if not p.is_point]
    scalar = [o.name for o in model.outputs if not o.per_user]
    x = _values(names, scalar, inputs, outputs)
    low, high, ref, log = (np.zeros(len(x)) for _ in range(4))
    for j, values in enumerate(x):
        finite = values[np.isfinite(values)]
        if not finite.size:
            continue
        low[j], high[j] = finite.min(), finite.max()
        ref[j] = finite.mean()
        log[j] = low[j] > 0 and high[j] > 100 * low[j]
        if high[j] <= low[j]:  # a column of one value: a narrow range around it
            d = max(abs(low[j]), 1.0) * 0.01
            low[j], high[j], log[j] = low[j] - d, high[j] + d, False
    pilot = log_likelihood(tuple(observations), inputs, outputs, tuple(grid)).sum(axis=0)
    edges = np.stack([_weighted_edges(x[j], pilot) for j in range(len(names))]) if names \
        else np.empty((0, S1_BINS - 1))
    return Weighing(tuple(observations), float(sum(o.best for o in observations)), (*names, *scalar), len(names),
                    low, high, log.astype(bool), ref, tail_length(n) + 1, tuple(grid), edges)


def _weighted_edges(values: np.ndarray, log_weight: np.ndarray) -> np.ndarray:
    """The inner edges of :data:`S1_BINS` bins of equal posterior weight, from the pilot's weighted values
    (of equal count where every pilot weight is zero)."""
    order = np.argsort(values, kind="stable")
    finite = np.isfinite(log_weight)
    w = np.exp(log_weight - log_weight[finite].max()) if finite.any() else np.ones_like(values)
    cumulative = np.cumsum(w[order])
    if not cumulative[-1] > 0:
        cumulative = np.arange(1.0, values.size + 1)
    targets = np.arange(1, S1_BINS) / S1_BINS * cumulative[-1]
    return values[order][np.minimum(np.searchsorted(cumulative, targets, side="left"), values.size - 1)]


def _values(names, scalar, inputs, outputs) -> np.ndarray:
    """The columns' values, a row per column."""
    rows = [np.asarray(inputs[name], dtype=float) for name in names]
    rows += [np.asarray(outputs[name], dtype=float).reshape(-1) for name in scalar]
    return np.stack(rows) if rows else np.empty((0, 0))


@dataclass
class WeightedPartial:
    """A block's (or a chunk's consecutive blocks') weighted sums, kept per block in order."""

    weight: np.ndarray  # (blocks,) sum of the weights
    weight2: np.ndarray  # (blocks,) sum of their squares
    claims: np.ndarray  # (blocks, claims) weighted count of each claim
    finite: np.ndarray  # (blocks, columns) sum of the weights of finite values
    sum1: np.ndarray  # (blocks, columns) sum of w (x - ref) over finite values
    sum2: np.ndarray  # (blocks, columns) sum of w (x - ref)**2
    histogram: np.ndarray  # (blocks, columns, slots)
    top: np.ndarray  # the largest log-weights (a multiset: the same however the run is cut)
    best: np.ndarray  # (observations,) the largest log-likelihood of each observation
    low: np.ndarray  # (observations,) the smallest and largest value of what each measured
    high: np.ndarray
    without: np.ndarray  # (blocks, observations) sum of the weights without each observation
    without_claims: np.ndarray  # (blocks, observations, claims) each claim's weighted count without it
    binned: np.ndarray  # (blocks, inputs, S1_BINS, 1 + claims) per input's bin: sum of w, each claim's w count


def weigh_block(weighing: Weighing, inputs: dict[str, np.ndarray], outputs: dict[str, np.ndarray],
                held: list[np.ndarray]) -> WeightedPartial:
    """The weighted sums of one block; ``held`` says, per claim of the plan, where it holds."""
    each = log_likelihood(weighing.observations, inputs, outputs, weighing.grid)
    log_weight = each.sum(axis=0)
    w = np.exp(log_weight - weighing.shift)
    x = _values(weighing.columns[:weighing.inputs], weighing.columns[weighing.inputs:], inputs, outputs)
    finite = np.isfinite(x)
    d = np.where(finite, x - weighing.ref[:, np.newaxis], 0.0)
    wf = np.where(finite, w, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):  # an output near the largest double: its sd is infinite
        sum2 = (wf * d * d).sum(axis=1)
    claims = np.array([np.dot(w, h) for h in held], dtype=float)
    values = [measured(o, inputs, outputs, weighing.grid) for o in weighing.observations]
    without, without_claims = _without(weighing, each, held)
    return WeightedPartial(np.array([w.sum()]), np.array([np.dot(w, w)]), claims[np.newaxis],
                           wf.sum(axis=1)[np.newaxis], (wf * d).sum(axis=1)[np.newaxis],
                           sum2[np.newaxis], _histogram(weighing, x, w)[np.newaxis],
                           _largest(log_weight, weighing.tail), each.max(axis=1),
                           np.array([np.min(v) for v in values]), np.array([np.max(v) for v in values]),
                           without[np.newaxis], without_claims[np.newaxis],
                           _binned(weighing, x[:weighing.inputs], w, held)[np.newaxis])


def _without(weighing: Weighing, each: np.ndarray, held: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per observation, the sum of the weights the others give and each claim's weighted count under them.

    The weight without observation ``j`` is ``exp(sum of the others' log-likelihoods - their largest)``: the sum
    of the others is taken afresh (not the total less ``j``'s, which is undefined where ``j``'s is ``-inf``).
    """
    count = len(weighing.observations)
    total = np.empty(count)
    claims = np.empty((count, len(held)))
    for j, observation in enumerate(weighing.observations):
        others = [i for i in range(count) if i != j]
        log_weight = each[others].sum(axis=0) if others else np.zeros(each.shape[1])
        w = np.exp(log_weight - (weighing.shift - observation.best))
        total[j] = w.sum()
        claims[j] = [np.dot(w, h) for h in held]
    return total, claims


def _binned(weighing: Weighing, x: np.ndarray, w: np.ndarray, held: list[np.ndarray]) -> np.ndarray:
    """Per input and bin of it (:data:`S1_BINS`): the sum of the weights and each claim's weighted count."""
    k = x.shape[0]
    found = np.zeros((k, S1_BINS, 1 + len(held)))
    for j in range(k):
        slot = np.searchsorted(weighing.edges[j], x[j], side="left")  # a value on an edge: the bin below
        found[j, :, 0] = np.bincount(slot, weights=w, minlength=S1_BINS)
        for c, h in enumerate(held):
            found[j, :, 1 + c] = np.bincount(slot, weights=w * h, minlength=S1_BINS)
    return found


def _histogram(weighing: Weighing, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted counts per slot of each column: -inf, below the range, the bins, above the range, +inf."""
    k, m = x.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        logged = np.log(np.where(x > 0, x, np.nan))
        low = np.where(weighing.log, np.log(np.where(weighing.low > 0, weighing.low, 1.0)), weighing.low)
        high = np.where(weighing.log, np.log(np.where(weighing.high > 0, weighing.high, 1.0)), weighing.high)
        scaled = np.where(weighing.log[:, np.newaxis], logged, x)
        position = (scaled - low[:, np.newaxis]) / (high - low)[:, np.newaxis] * BINS
    slot = np.clip(np.floor(np.nan_to_num(position, nan=-1.0, posinf=BINS, neginf=-1.0)), -1, BINS).astype(np.int64)
    slot = np.where(x < weighing.low[:, np.newaxis], -1, slot)
    slot = np.where(x > weighing.high[:, np.newaxis], BINS, slot)
    slot = np.where((slot == BINS) & (x == weighing.high[:, np.newaxis]), BINS - 1, slot)  # the top edge: last bin
    slot += 2
    slot = np.where(x == -np.inf, 0, np.where(x == np.inf, _SLOTS - 1, slot))
    flat = slot + np.arange(k)[:, np.newaxis] * _SLOTS
    counts = np.bincount(flat.reshape(-1), weights=np.broadcast_to(w, (k, m)).reshape(-1), minlength=k * _SLOTS)
    return counts.reshape(k, _SLOTS)


def _largest(values: np.ndarray, kept: int) -> np.ndarray:
    if values.size > kept:
        values = np.partition(values, values.size - kept)[values.size - kept:]
    return np.sort(values)


def combine_weighted(parts: list[WeightedPartial], weighing: Weighing) -> WeightedPartial:
    """One partial for a chunk's consecutive blocks (sums still per block, in order)."""
    def stacked(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for p in parts])

    return WeightedPartial(stacked("weight"), stacked("weight2"), stacked("claims"), stacked("finite"),
                           stacked("sum1"), stacked("sum2"), stacked("histogram"),
                           _largest(stacked("top"), weighing.tail), np.max([p.best for p in parts], axis=0),
                           np.min([p.low for p in parts], axis=0), np.max([p.high for p in parts], axis=0),
                           stacked("without"), stacked("without_claims"), stacked("binned"))


@dataclass
class WeightedTotals:
    """The weighted sums merged over the blocks so far, added in block order."""

    weighing: Weighing
    claims_count: int
    weight: float = 0.0
    weight2: float = 0.0
    claims: np.ndarray = None
    finite: np.ndarray = None
    sum1: np.ndarray = None
    sum2: np.ndarray = None
    histogram: np.ndarray = None
    top: np.ndarray = field(default_factory=lambda: np.empty(0))
    best: np.ndarray = None
    low: np.ndarray = None
    high: np.ndarray = None
    without: np.ndarray = None  # (observations,)
    without_claims: np.ndarray = None  # (observations, claims)
    binned: np.ndarray = None  # (inputs, S1_BINS, 1 + claims)

    def __post_init__(self):
        k, o = len(self.weighing.columns), len(self.weighing.observations)
        self.claims = np.zeros(self.claims_count)
        self.without, self.without_claims = np.zeros(o), np.zeros((o, self.claims_count))
        self.binned = np.zeros((self.weighing.inputs, S1_BINS, 1 + self.claims_count))
        self.finite, self.sum1, self.sum2 = np.zeros(k), np.zeros(k), np.zeros(k)
        self.histogram = np.zeros((k, _SLOTS))
        self.best, self.low, self.high = np.full(o, -np.inf), np.full(o, np.inf), np.full(o, -np.inf)

    def merge(self, partial: WeightedPartial) -> None:
        """Add a chunk's blocks one after the other: the same additions however the run is cut."""
        for b in range(len(partial.weight)):
            self.weight += float(partial.weight[b])
            self.weight2 += float(partial.weight2[b])
            self.claims = self.claims + partial.claims[b]
            self.finite = self.finite + partial.finite[b]
            self.sum1 = self.sum1 + partial.sum1[b]
            self.sum2 = self.sum2 + partial.sum2[b]
            self.histogram = self.histogram + partial.histogram[b]
            self.without = self.without + partial.without[b]
            self.without_claims = self.without_claims + partial.without_claims[b]
            self.binned = self.binned + partial.binned[b]
        self.top = _largest(np.concatenate([self.top, partial.top]), self.weighing.tail)
        self.best = np.maximum(self.best, partial.best)
        self.low, self.high = np.minimum(self.low, partial.low), np.maximum(self.high, partial.high)

    @property
    def ess(self) -> float:
        """Kish's effective sample size, ``(sum w)**2 / sum w**2`` (0 when every weight is 0)."""
        return self.weight**2 / self.weight2 if self.weight2 > 0 else 0.0

    def first_order(self) -> np.ndarray:
        """Each claim's first-order index on each input under the posterior, shape (claims, inputs).

        The weighted binning estimator: with ``W_b`` the weight in bin ``b`` of the input, ``m_b`` the weighted
        share of it where the claim holds and ``p`` the claim's posterior probability,
        ``S1 = sum_b (W_b / W) (m_b - p)**2 / (p (1 - p))``; NaN where the claim always or never holds.
        """
        weight = self.binned[:, :, 0]  # (inputs, bins)
        total = weight.sum(axis=1)[:, np.newaxis]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = self.binned[:, :, 1:] / weight[:, :, np.newaxis]  # (inputs, bins, claims)
            p = self.binned[:, :, 1:].sum(axis=1) / total  # (inputs, claims): the same p for every input
            between = np.nansum(weight[:, :, np.newaxis] / total[:, :, np.newaxis]
                                * (share - p[:, np.newaxis, :]) ** 2, axis=1)
            found = between / (p * (1 - p))
        found = np.where((p > 0) & (p < 1), found, np.nan)
        return found.T

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """The posterior mean and sd of each column (over its finite values)."""
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            shift = self.sum1 / self.finite
            var = self.sum2 / self.finite - shift**2
        return self.weighing.ref + shift, np.sqrt(np.maximum(var, 0.0))

    def quantile(self, column: int, q: float) -> tuple[float, float]:
        """The posterior ``q`` quantile of a column and its error bound (half its bin's width)."""
        counts = self.histogram[column]
        cumulative = np.cumsum(counts)
        target = q * cumulative[-1]
        slot = int(np.searchsorted(cumulative, target, side="left"))
        slot = min(slot, _SLOTS - 1)
        weighing = self.weighing
        low, high, log = weighing.low[column], weighing.high[column], bool(weighing.log[column])
        if slot == 0:
            return -math.inf, 0.0
        if slot == _SLOTS - 1:
            return math.inf, 0.0
        if slot == 1:
            return float(low), math.nan
        if slot == _SLOTS - 2:
            return float(high), math.nan
        b = slot - 2
        before = cumulative[slot - 1]
        inside = (target - before) / counts[slot] if counts[slot] > 0 else 0.5
        if log:
            a, z = math.log(low), math.log(high)
            width = (z - a) / BINS
            left, right = math.exp(a + b * width), math.exp(a + (b + 1) * width)
            return left * (right / left) ** inside, 0.5 * (right - left)
        width = (high - low) / BINS
        return low + (b + inside) * width, 0.5 * width
