"""Mergeable statistics of a run evaluated in chunks: moments, shares, claims and quantiles.

A run is cut into blocks of :data:`STAT_BLOCK` samples (aligned to the sample index, so a block
is the same whatever the chunk size or the number of workers). Each block yields its own
partial statistics; partials are merged in block order:

- counts (finite values, infinite values, values above zero, claims that hold, histogram bins)
  are integers, summed exactly;
- moments come from per-block sums of ``x - ref`` and ``(x - ref)**2`` over finite values
  (``ref`` a fixed shift from the pilot, against cancellation), added in block order by a
  sequential left fold, so every floating-point operation is the same however the run is cut;
- quantiles are order statistics (``method="inverted_cdf"``), kept exact by bracketing: a pilot
  (the run's first :data:`PILOT` samples) gives, for each quantile, a range ``[lo, hi]`` that
  holds the order statistic with overwhelming probability (the pilot's order statistics
  ``z = 7`` binomial standard deviations either side of the target rank). Blocks count the
  values below ``lo`` and keep those inside; the quantile is then the right order statistic of
  the kept values, which is exact and does not depend on their order. When the kept values
  would exceed :data:`QUANTILE_BUDGET`, blocks instead count the values inside in a fixed fine
  histogram of :data:`HISTOGRAM_BINS` bins over ``[lo, hi]``; the quantile is the midpoint of
  the bin that holds it, and the half-width of that bin is reported as its error bound.

If the order statistic falls outside its bracket (a miss; the pilot makes this less likely than
1e-11 for a random sample), the run stops with an error rather than report a wrong number.

Each scalar output's :data:`TAIL_KEPT` largest finite magnitudes ``|x|`` are kept too (the
largest of a chunk's, then of the merged chunks'): a multiset that does not depend on how the
run is cut, from which the tail index of the whole run is estimated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from mcsim.compute.kernels import column_statistics, column_type, figure_counts, histogram_counts
from mcsim.compute.melding import Weighing, WeightedPartial, WeightedTotals, combine_weighted, weigh_block

__all__ = ["HISTOGRAM_BINS", "PILOT", "QUANTILES", "QUANTILE_BUDGET", "STAT_BLOCK", "TAIL_KEPT", "Plan", "Totals",
           "block_partial", "block_size", "combine", "largest", "make_plan", "quantile_rank"]

QUANTILES = (0.05, 0.50, 0.95)
STAT_BLOCK = 1 << 13  # largest block of partial statistics; chunks are whole numbers of it
MIN_BLOCK = 1 << 10
TILE_BYTES = 1 << 24  # a block's outputs stay about this size: memory bounded, per-block overhead small
PILOT = 1 << 16  # samples of the pilot that brackets the quantiles
QUANTILE_BUDGET = 1 << 22  # values kept for exact quantiles (48 MiB) beyond which a histogram is used
HISTOGRAM_BINS = 1 << 12  # bins inside each bracket in histogram mode
FIGURE_BINS = 80  # bins of a distribution figure
TAIL_KEPT = 1 << 10  # largest magnitudes kept of each scalar output, for its tail index
_Z = 7.0


def quantile_rank(n: int, q: float) -> int:
    """0-based index of the order statistic that ``np.quantile(..., method="inverted_cdf")`` returns."""
    return min(max(math.ceil(n * q) - 1, 0), n - 1) if n * q != int(n * q) else max(int(n * q) - 1, 0)


@dataclass(frozen=True)
class Plan:
    """What each block computes, fixed before streaming from the pilot (so every chunk agrees).

    Columns are the model's outputs flattened: a scalar output is one column, an output over the
    users grid one column per users value; ``slices[name]`` says where each output sits.
    """

    slices: dict[str, slice]
    ref: np.ndarray  # (K,) shift for the moments
    lo: np.ndarray  # (3, K) quantile brackets, lo <= order statistic <= hi
    hi: np.ndarray
    top: np.ndarray  # (3, K) upper end of the histogram's finite bins: hi, or the pilot's largest finite value
    mode: str  # "exact" or "histogram"
    claims: tuple  # Claim objects
    users: tuple[float, ...]  # the run's grid (users, or months for a model over months)
    figure_edges: dict[str, tuple[float, float, bool]]  # scalar output -> (low, high, log bins)
    weighing: Weighing | None = None  # the posterior's weighted sums, for a run with observations

    @property
    def width(self) -> int:
        return len(self.ref)

    @property
    def column_dtype(self) -> type:
        """Integer type of a kept value's column."""
        return column_type(self.width)

    @cached_property
    def block(self) -> int:
        """Samples per block: a power of two dividing STAT_BLOCK, fixed by the number of columns only."""
        return block_size(self.width)


def block_size(width: int) -> int:
    rows = TILE_BYTES // (8 * max(width, 1))
    return int(min(STAT_BLOCK, max(MIN_BLOCK, 1 << max(rows.bit_length() - 1, 0))))


def make_plan(pilot: dict[str, np.ndarray], model, claims, users, n: int,
              budget: int = QUANTILE_BUDGET) -> Plan:
    """Brackets, moment shifts and figure ranges from the pilot's outputs, for a run of ``n`` samples."""
    slices, start = {}, 0
    for out in model.outputs:
        width = len(users) if out.per_user else 1
        slices[out.name] = slice(start, start + width)
        start += width
    x = np.concatenate(_columns(pilot, slices))  # (K, m): a row per column
    m = x.shape[1]
    ranks = []  # per quantile, the pilot's order statistics that bound its bracket (None: unbounded)
    for q in QUANTILES:
        if m >= n:  # the pilot is the whole run: the bracket is the answer itself
            ranks.append((quantile_rank(n, q),) * 2)
            continue
        half = _Z * math.sqrt(m * q * (1 - q)) + 2
        low_index, high_index = math.floor(q * m - half), math.ceil(q * m + half)
        ranks.append((low_index if low_index >= 0 else None, high_index if high_index < m else None))
    # only these order statistics are needed: a partition, not a sort (NaN last, as in a sort)
    needed = sorted({r for pair in ranks for r in pair if r is not None})
    ordered = np.partition(x, needed, axis=1) if needed else x
    lo, hi = np.empty((3, start)), np.empty((3, start))
    for i, (low_index, high_index) in enumerate(ranks):
        lo[i] = ordered[:, low_index] if low_index is not None else -np.inf
        hi[i] = ordered[:, high_index] if high_index is not None else np.inf
    # one compiled pass: finite values and their sum (the shift for the moments is their mean),
    # and which brackets hold each value
    counts, sums, _, _, mask = column_statistics(x, np.zeros(start), lo, hi)
    with np.errstate(invalid="ignore"):
        ref = np.nan_to_num(sums[0] / np.maximum(counts[0], 1))
    inside = sum(np.count_nonzero(mask & (1 << i)) for i in range(3)) / m  # bracketed values a sample
    top = hi
    if not np.isfinite(hi).all():
        largest = np.where(np.isfinite(x), x, -np.inf).max(axis=1)
        top = np.where(np.isfinite(hi), hi, np.maximum(lo, np.minimum(largest, hi)))
    top = np.where(np.isfinite(top), top, lo)
    mode = "exact" if inside * n <= budget or m >= n else "histogram"
    figure_edges = {}
    for out in model.outputs:
        if out.per_user:
            continue
        values = x[slices[out.name].start]
        values = values[np.isfinite(values)]
        if not values.size:
            continue
        low, high = (float(v) for v in np.quantile(values, [0.001, 0.999]))
        log = bool(out.log_scale and low > 0)
        if high <= low:  # every value equal: a narrow range around it, so that the bins have a width
            if log:
                low, high = low / 1.01, high * 1.01
            else:
                d = max(abs(low), 1.0) * 0.01
                low, high = low - d, high + d
        figure_edges[out.name] = (low, high, log)
    return Plan(slices, ref, lo, hi, top, mode, tuple(claims), tuple(users), figure_edges)


@dataclass
class Totals:
    """Statistics merged over the blocks so far, in block order."""

    plan: Plan
    samples: int = 0
    blocks: int = 0
    finite: np.ndarray = None  # (K,) int
    positive: np.ndarray = None  # (K,) int
    nan: np.ndarray = None  # (K,) int
    below: np.ndarray = None  # (3, K) int
    sum1: np.ndarray = None  # (K,) float, sequential fold of the blocks' sums
    sum2: np.ndarray = None
    claims: np.ndarray = None  # (claims,) int
    kept: list = field(default_factory=list)  # exact mode, per chunk: 3 (columns, values) pairs
    histogram: np.ndarray = None  # histogram mode: (3, K, bins + 2) int; then finite values above, then +inf
    figure: dict = field(default_factory=dict)  # output -> (FIGURE_BINS,) int
    largest: dict = field(default_factory=dict)  # scalar output -> its TAIL_KEPT largest finite |x|, increasing
    weighted: WeightedTotals | None = None  # the posterior's sums, for a run with observations

    def __post_init__(self):
        k = self.plan.width
        self.finite = np.zeros(k, np.int64) if self.finite is None else self.finite
        self.positive = np.zeros(k, np.int64) if self.positive is None else self.positive
        self.nan = np.zeros(k, np.int64) if self.nan is None else self.nan
        self.below = np.zeros((3, k), np.int64) if self.below is None else self.below
        self.sum1 = np.zeros(k) if self.sum1 is None else self.sum1
        self.sum2 = np.zeros(k) if self.sum2 is None else self.sum2
        self.claims = np.zeros(len(self.plan.claims), np.int64) if self.claims is None else self.claims
        if self.histogram is None and self.plan.mode == "histogram":
            self.histogram = np.zeros((3, k, HISTOGRAM_BINS + 2), np.int64)
        if self.weighted is None and self.plan.weighing is not None:
            self.weighted = WeightedTotals(self.plan.weighing, len(self.plan.claims))

    def merge(self, partial: Partial) -> None:
        """Add the next chunk's blocks (the caller merges chunks in sample order)."""
        self.samples += partial.samples
        self.blocks += len(partial.sum1)
        self.finite += partial.finite
        self.positive += partial.positive
        self.nan += partial.nan
        self.below += partial.below
        self.claims += partial.claims
        # a sequential left fold over the blocks: the same additions whatever the chunking
        self.sum1 = np.add.accumulate(np.vstack([self.sum1, partial.sum1]), axis=0)[-1]
        self.sum2 = np.add.accumulate(np.vstack([self.sum2, partial.sum2]), axis=0)[-1]
        if partial.kept is not None:
            self.kept.append(partial.kept)
        if partial.histogram is not None:
            self.histogram += partial.histogram
        for name, counts in partial.figure.items():
            self.figure[name] = self.figure.get(name, 0) + counts
        for name, values in partial.largest.items():
            self.largest[name] = largest(np.concatenate([self.largest.get(name, np.empty(0)), values]))
        if partial.weighted is not None:
            self.weighted.merge(partial.weighted)

    # -- results ------------------------------------------------------------------------------
    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd (ddof 1) of the finite values of every column."""
        with np.errstate(invalid="ignore", divide="ignore"):
            shift = self.sum1 / self.finite
            mean = self.plan.ref + shift
            var = (self.sum2 - self.finite * shift**2) / (self.finite - 1)
        return mean, np.sqrt(np.maximum(var, 0.0))

    def quantiles(self) -> tuple[np.ndarray, np.ndarray]:
        """Order statistics (3, K) and their error bounds (0 where exact)."""
        plan, n = self.plan, self.samples
        values, error = np.empty((3, plan.width)), np.zeros((3, plan.width))
        for i, q in enumerate(QUANTILES):
            rank = quantile_rank(n, q)
            if plan.mode == "exact":
                columns = np.concatenate([np.empty(0, plan.column_dtype)] + [part[i][0] for part in self.kept])
                order = np.argsort(columns, kind="stable")  # a radix sort when columns are 16-bit
                vals = np.concatenate([np.empty(0)] + [part[i][1] for part in self.kept])[order]
                bounds = np.searchsorted(columns[order], np.arange(plan.width + 1))
            for j in range(plan.width):
                r = rank - self.below[i, j]
                if plan.mode == "exact":
                    own = vals[bounds[j]:bounds[j + 1]]
                    if not 0 <= r < own.size:
                        raise _miss(q, j, plan)
                    values[i, j] = np.partition(own, r)[r]
                else:
                    values[i, j], error[i, j] = self._from_histogram(i, j, r, q)
        return values, error

    def _from_histogram(self, i: int, j: int, r: int, q: float) -> tuple[float, float]:
        counts = self.histogram[i, j]
        cumulative = np.cumsum(counts)
        if not 0 <= r < cumulative[-1]:
            raise _miss(q, j, self.plan)
        b = int(np.searchsorted(cumulative, r, side="right"))
        lo, top = self.plan.lo[i, j], self.plan.top[i, j]
        if b == HISTOGRAM_BINS + 1:
            return np.inf, 0.0
        if b == HISTOGRAM_BINS:  # a finite value above the pilot's largest finite one in the bracket
            raise _miss(q, j, self.plan)
        width = (top - lo) / HISTOGRAM_BINS
        return lo + (b + 0.5) * width, 0.5 * width


def _miss(q: float, column: int, plan: Plan) -> RuntimeError:
    name = next(n for n, s in plan.slices.items() if s.start <= column < s.stop)
    return RuntimeError(f"the p{round(100 * q):02d} of {name} (column {column}) fell outside the bracket its pilot "
                        "gave; rerun with another seed or more samples in the pilot")


@dataclass
class Partial:
    """Statistics of a block, or of a chunk's consecutive blocks: counts summed, sums kept per block."""

    samples: int
    finite: np.ndarray
    positive: np.ndarray
    nan: np.ndarray
    below: np.ndarray
    sum1: np.ndarray  # (blocks, K)
    sum2: np.ndarray
    claims: np.ndarray
    kept: list | None  # a chunk's, exact mode: 3 (columns, values) pairs, the values inside each bracket
    histogram: np.ndarray | None  # a chunk's, histogram mode: (3, K, bins + 2) counts
    figure: dict  # output -> (FIGURE_BINS,) counts; a block's values before they are combined
    inside: tuple | None = None  # a block's: (columns, values, bracket bit mask) of the values inside a bracket
    largest: dict = field(default_factory=dict)  # a chunk's: scalar output -> its TAIL_KEPT largest finite |x|
    weighted: WeightedPartial | None = None  # the posterior's sums, per block, for a run with observations


def block_partial(plan: Plan, outputs: dict[str, np.ndarray], claim_holds,
                  inputs: dict[str, np.ndarray] | None = None) -> Partial:
    """Statistics of one block of outputs (``plan.block`` samples, or fewer for the run's last).

    The values inside the brackets, and the figures' values, are passed on: :func:`combine` keeps
    or bins them once for a whole chunk.
    """
    m = len(next(iter(outputs.values())))
    counts, sums, *inside = column_statistics(_columns(outputs, plan.slices), plan.ref, plan.lo, plan.hi)
    held = [claim_holds(c, outputs, plan.users) for c in plan.claims]
    claims = np.array([np.count_nonzero(h) for h in held], np.int64)
    figure = {name: np.asarray(outputs[name], dtype=float).reshape(m) for name in plan.figure_edges}
    weighted = weigh_block(plan.weighing, inputs, outputs, held) if plan.weighing is not None else None
    return Partial(m, counts[0], counts[2], counts[1], counts[3:], sums[0][np.newaxis], sums[1][np.newaxis],
                   claims, None, None, figure, tuple(inside), weighted=weighted)


def _columns(outputs: dict[str, np.ndarray], slices: dict[str, slice]) -> list[np.ndarray]:
    """The block's outputs in the plan's column order, each as (its columns, m): a row per column.

    An output over the users grid held column by column (as the built-in model returns them) is read in
    place; one held row by row is copied once.
    """
    m = len(next(iter(outputs.values())))
    return [np.ascontiguousarray(np.asarray(outputs[name], dtype=float).reshape(m, -1).T) for name in slices]


def combine(blocks: list[Partial], plan: Plan) -> Partial:
    """One partial for a chunk's consecutive blocks (their sums stay per block, in order)."""
    columns, values, mask = (np.concatenate([p.inside[part] for p in blocks]) for part in range(3))
    kept, histogram = None, None
    if plan.mode == "exact":
        kept = []
        for i in range(3):
            inside = (mask & (1 << i)) != 0
            kept.append((columns[inside], values[inside]))
    else:
        histogram = np.zeros((3, plan.width, HISTOGRAM_BINS + 2), np.int32)  # a chunk has < 2**31 samples
        histogram_counts(histogram, columns, values, mask, plan.lo, plan.top)
    values = {name: np.concatenate([p.figure[name] for p in blocks]) for name in plan.figure_edges}
    figure = {name: figure_counts(values[name], *edges, FIGURE_BINS) for name, edges in plan.figure_edges.items()}
    return Partial(sum(p.samples for p in blocks), sum(p.finite for p in blocks), sum(p.positive for p in blocks),
                   sum(p.nan for p in blocks), sum(p.below for p in blocks),
                   np.concatenate([p.sum1 for p in blocks]), np.concatenate([p.sum2 for p in blocks]),
                   sum(p.claims for p in blocks), kept, histogram, figure,
                   largest={name: largest(v) for name, v in values.items()},
                   weighted=combine_weighted([p.weighted for p in blocks], plan.weighing) if plan.weighing else None)


def largest(values: np.ndarray, kept: int = TAIL_KEPT) -> np.ndarray:
    """The ``kept`` largest finite magnitudes ``|x|`` of ``values``, in increasing order."""
    magnitudes = np.abs(values[np.isfinite(values)])
    if magnitudes.size > kept:
        magnitudes = np.partition(magnitudes, magnitudes.size - kept)[magnitudes.size - kept:]
    return np.sort(magnitudes)
