"""Compiled inner loops: the streaming statistics, one pass over each column of a block, and the bootstrap.

A block's statistics (:func:`mcsim.compute.streaming.block_partial`) need, for every column, the
counts of finite, NaN and positive values, the counts below each quantile's bracket, the sums
of ``x - ref`` and ``(x - ref)**2``, and the values inside each bracket. With NumPy that is a
score of passes over the block and as many temporary arrays, each with its call overhead; here
it is one compiled loop per column (Numba), about 1.3 ns a value. In histogram mode the
bracketed values of a whole chunk are then counted in their fine histograms a column at a time
(:func:`histogram_counts`), so that a column's bins stay in the cache while they are counted.
Distribution figures are binned in one pass too (:func:`figure_counts`). The bootstrap of the
Sobol indices sums its estimators' terms over each resample's rows (:func:`resample_sums`). The
value of information's bins sum a payoff and its square by bin in one pass (:func:`bin_sums`).

The sums are bit-reproducible: 32 interleaved partial sums (value ``i`` goes to lane
``i % 32``; the compiler vectorises across lanes), added in a fixed order at the end, with no
fast-math reassociation, so the result depends on the block's values only, not on the
machine or on how wide its vectors are.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import numba
import numpy as np

__all__ = ["COUNTS", "bin_sums", "column_statistics", "column_type", "figure_counts", "histogram_counts", "load",
           "resample_sums"]

COUNTS = ("finite", "nan", "positive", "below_0", "below_1", "below_2")
_LANES = 32


@numba.njit(nogil=True, cache=True)
def _statistics(columns, first, ref, lo, hi, counts, sums, kept, kept_column, kept_value,
                kept_mask):  # pragma: no cover - compiled
    k, m = columns.shape
    flags = np.empty(m, np.uint8)
    lane1 = np.empty(_LANES)
    lane2 = np.empty(_LANES)
    for c in range(k):
        x = columns[c]
        j = first + c
        l0, l1, l2 = lo[0, j], lo[1, j], lo[2, j]
        h0, h1, h2 = hi[0, j], hi[1, j], hi[2, j]
        finite = 0
        nan = 0
        positive = 0
        b0 = 0
        b1 = 0
        b2 = 0
        for i in range(m):  # integer counts only: vectorised by the compiler
            v = x[i]
            finite += (v - v) == 0.0
            nan += v != v
            positive += v > 0.0
            u0 = v < l0
            u1 = v < l1
            u2 = v < l2
            b0 += u0
            b1 += u1
            b2 += u2
            flags[i] = ((not u0) & (v <= h0)) | (((not u1) & (v <= h1)) << 1) | (((not u2) & (v <= h2)) << 2)
        counts[0, j] = finite
        counts[1, j] = nan
        counts[2, j] = positive
        counts[3, j] = b0
        counts[4, j] = b1
        counts[5, j] = b2

        r = ref[j]
        lane1[:] = 0.0
        lane2[:] = 0.0
        full = m - m % _LANES
        for i0 in range(0, full, _LANES):
            for u in range(_LANES):
                v = x[i0 + u]
                d = v - r if (v - v) == 0.0 else 0.0
                lane1[u] += d
                lane2[u] += d * d
        for i in range(full, m):
            v = x[i]
            d = v - r if (v - v) == 0.0 else 0.0
            lane1[i - full] += d
            lane2[i - full] += d * d
        s1 = 0.0
        s2 = 0.0
        for u in range(_LANES):
            s1 += lane1[u]
            s2 += lane2[u]
        sums[0, j] = s1
        sums[1, j] = s2

        for i in range(m):  # the values inside a bracket: a few in a hundred, the branch is predicted
            if flags[i] != 0:
                kept_column[kept] = j
                kept_value[kept] = x[i]
                kept_mask[kept] = flags[i]
                kept += 1
    return kept


def column_statistics(columns: np.ndarray | Sequence[np.ndarray], ref: np.ndarray, lo: np.ndarray,
                      hi: np.ndarray):
    """Counts, shifted sums and bracketed values of every column of a block.

    Parameters
    ----------
    columns : array of shape (k, m), or a sequence of arrays of shape (k_i, m) with k_i summing to k
        The block's values, one row per column of the plan, C-contiguous float64. As a
        sequence (an output's columns each, say), its arrays are read in turn, none copied.
    ref : array of shape (k,)
        Shift subtracted before summing (non-finite values add nothing).
    lo, hi : arrays of shape (3, k)
        Quantile brackets: a value ``v`` is below bracket ``q`` if ``v < lo[q]`` and inside if
        ``lo[q] <= v <= hi[q]``.

    Returns
    -------
    counts : int64 array of shape (6, k)
        Rows as named by :data:`COUNTS`.
    sums : float64 array of shape (2, k)
        Sums of ``x - ref`` and ``(x - ref)**2`` over the finite values.
    column, value, mask : arrays
        The values inside at least one bracket, column by column and in row order within a
        column: their column (of :func:`column_type`), the value, and which brackets hold it
        (uint8, bit ``q`` set if inside bracket ``q``).
    """
    parts = [columns] if isinstance(columns, np.ndarray) else list(columns)
    k = sum(part.shape[0] for part in parts)
    size = sum(part.size for part in parts)
    counts = np.empty((len(COUNTS), k), np.int64)
    sums = np.empty((2, k))
    column, value, mask = _scratch(size)
    ref = np.ascontiguousarray(ref, dtype=float)
    lo, hi = np.ascontiguousarray(lo, dtype=float), np.ascontiguousarray(hi, dtype=float)
    kept = first = 0
    for part in parts:
        kept = _statistics(part, first, ref, lo, hi, counts, sums, kept, column, value, mask)
        first += part.shape[0]
    return counts, sums, column[:kept].astype(column_type(k)), value[:kept].copy(), mask[:kept].copy()


def column_type(k: int) -> type:
    """Integer type of a kept value's column among ``k``: 16 bits (a fast radix sort) while they fit."""
    return np.int16 if k < 2**15 else np.int32


_SCRATCH = threading.local()
_SCRATCH_MAX = 1 << 22  # values: a block's fit (TILE_BYTES); a pilot's room is made and dropped


def _scratch(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Room for ``size`` kept values, reused from call to call (a thread's own): a block keeps
    few of its values, and allocating room for all of them anew each time costs more than the
    pass over them."""
    room = getattr(_SCRATCH, "room", None)
    if room is None or room[0].size < size:
        room = (np.empty(size, np.int64), np.empty(size), np.empty(size, np.uint8))
        if size <= _SCRATCH_MAX:
            _SCRATCH.room = room
    return room


@numba.njit(nogil=True, cache=True, inline="always")
def _bin(v, lo, top, scale, bins):  # pragma: no cover - compiled
    """Bin of a value inside its bracket: ``bins`` equal bins over [lo, top], then above top, then +inf."""
    if v == np.inf:
        return bins + 1
    if v > top:
        return bins
    g = (v - lo) * scale if scale > 0.0 else 0.0
    return np.intp(g) if g < bins else bins - 1


@numba.njit(nogil=True, cache=True)
def _histogram(counts, columns, values, mask, lo, top, scale):  # pragma: no cover - compiled
    k = counts.shape[1]
    bins = counts.shape[2] - 2
    starts = np.zeros(k + 1, np.int64)  # a counting sort of the values by column, so that each
    for t in range(columns.size):       # column's bins stay in the cache while they are counted
        starts[columns[t] + 1] += 1
    for j in range(k):
        starts[j + 1] += starts[j]
    grouped = np.empty(columns.size)
    flags = np.empty(columns.size, np.uint8)
    fill = starts[:-1].copy()
    for t in range(columns.size):  # reads in order; writes k sequential streams
        j = columns[t]
        e = fill[j]
        grouped[e] = values[t]
        flags[e] = mask[t]
        fill[j] = e + 1
    for j in range(k):
        for e in range(starts[j], starts[j + 1]):
            v = grouped[e]
            f = flags[e]
            if f & (f - 1) == 0:  # inside one bracket, as nearly all are: no branch on which one
                q = (f >= 2) + (f >= 4)
                counts[q, j, _bin(v, lo[q, j], top[q, j], scale[q, j], bins)] += 1
            else:
                for q in range(3):
                    if f & (1 << q):
                        counts[q, j, _bin(v, lo[q, j], top[q, j], scale[q, j], bins)] += 1


def histogram_counts(counts: np.ndarray, columns: np.ndarray, values: np.ndarray, mask: np.ndarray,
                     lo: np.ndarray, top: np.ndarray) -> None:
    """Add values inside the quantiles' brackets to their fine histograms, in place.

    Parameters
    ----------
    counts : int array of shape (3, k, bins + 2)
        Per quantile and column: ``bins`` equal bins over ``[lo, top]``, then finite values
        above ``top`` (the pilot's largest finite value inside the bracket), then ``+inf``.
    columns, values, mask : arrays of the same length
        Each value's column, the value, and which brackets hold it (bit ``q`` for bracket ``q``,
        as :func:`column_statistics` returns them).
    lo, top : arrays of shape (3, k)
    """
    bins = counts.shape[2] - 2
    lo, top = np.ascontiguousarray(lo, dtype=float), np.ascontiguousarray(top, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        span = top - lo
        usable = (span > 0) & np.isfinite(span)  # else every finite value goes to the first bin
        scale = np.where(usable, bins / np.where(usable, span, 1.0), 0.0)
    _histogram(counts, np.ascontiguousarray(columns), np.ascontiguousarray(values, dtype=float),
               np.ascontiguousarray(mask), lo, top, scale)


@numba.njit(nogil=True, cache=True)
def _figure(values, scaled, low, high, counts):  # pragma: no cover - compiled
    bins = counts.size
    scale = bins / ((high - low) or 1.0)
    for i in range(values.size):
        if (values[i] - values[i]) != 0.0:  # NaN or infinite: not drawn
            continue
        g = (scaled[i] - low) * scale
        if not g > 0.0:  # below low, or NaN (the log of a value below zero)
            counts[0] += 1
        elif g >= bins:
            counts[bins - 1] += 1
        else:
            counts[int(g)] += 1


def figure_counts(values: np.ndarray, low: float, high: float, log: bool, bins: int) -> np.ndarray:
    """Counts of the finite values in ``bins`` equal bins over [low, high] (of log values if
    ``log``); values beyond either end are counted in the end bins."""
    values = np.ascontiguousarray(values, dtype=float)
    scaled = values
    if log:  # NumPy's vectorised log, then one compiled pass
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.log(values)
        low, high = math.log(low), math.log(high)
    counts = np.zeros(bins, np.int64)
    _figure(values, scaled, float(low), float(high), counts)
    return counts


def load(*, analyses: bool = False) -> None:
    """Compile the kernels, or load them from the cache, now: worker processes forked after this
    inherit them instead of each loading them again. With ``analyses``, the sensitivity analysis's
    and the value of information's too (:func:`resample_sums`, :func:`bin_sums`)."""
    x = np.zeros((1, 1))
    column_statistics(x, np.zeros(1), np.zeros((3, 1)), np.zeros((3, 1)))
    figure_counts(np.ones(1), 1.0, 2.0, True, 2)
    histogram_counts(np.zeros((3, 1, 3), np.int32), np.zeros(1, np.int16), np.zeros(1), np.ones(1, np.uint8),
                     np.zeros((3, 1)), np.ones((3, 1)))
    if analyses:
        resample_sums(np.zeros((1, 1)), np.zeros((1, 1), np.intp), np.zeros((1, 1)))
        bin_sums(np.zeros(1, np.intp), np.zeros(1), 0.0, 1)


@numba.njit(nogil=True, cache=True)
def _resample_sums(terms, rows, sums):  # pragma: no cover - compiled
    for t in range(rows.shape[0]):
        for b in range(rows.shape[1]):
            i = rows[t, b]
            for c in range(terms.shape[1]):
                sums[b, c] += terms[i, c]


def resample_sums(terms: np.ndarray, rows: np.ndarray, sums: np.ndarray) -> None:
    """Add, for every bootstrap resample ``b``, the rows ``terms[rows[:, b]]`` to ``sums[b]``, in place.

    Parameters
    ----------
    terms : float64 array of shape (n, k)
        Per-row terms of the estimators.
    rows : int array of shape (t, resamples)
        Consecutive rows of the resampling matrix (row indices drawn with replacement); the
        additions go in row order, so the sums do not depend on how the matrix is cut.
    sums : float64 array of shape (resamples, k)
    """
    _resample_sums(np.ascontiguousarray(terms, dtype=float), np.ascontiguousarray(rows), sums)


@numba.njit(nogil=True, cache=True)
def _bin_sums(index, y, shift, sums, squares):  # pragma: no cover - compiled
    for i in range(y.size):
        c = y[i] - shift
        b = index[i]
        sums[b] += c
        squares[b] += c * c


def bin_sums(index: np.ndarray, y: np.ndarray, shift: float, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """The sums of ``y - shift`` and of its square in each of ``bins`` bins, ``index`` giving each value's bin.

    The very numbers of ``numpy.bincount(index, weights=w, minlength=bins)`` with ``w`` the
    shifted values and then their squares (each bin's terms added one by one, in the values'
    order), in one pass over ``y`` and ``index`` rather than five, and without their temporaries.
    Every index must be in ``[0, bins)``.
    """
    sums, squares = np.zeros(bins), np.zeros(bins)
    _bin_sums(np.ascontiguousarray(index), np.ascontiguousarray(y, dtype=float), float(shift), sums, squares)
    return sums, squares
