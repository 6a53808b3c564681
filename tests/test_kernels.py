"""The compiled block statistics, fine histograms and bin sums against plain NumPy, value for value."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mcsim.compute.kernels import COUNTS, bin_sums, column_statistics, figure_counts, histogram_counts

BINS = 64


def reference(x, ref, lo, hi, top):
    """The same statistics, one NumPy pass at a time."""
    finite = np.isfinite(x)
    d = np.where(finite, x - ref[:, None], 0.0)
    counts = np.stack([finite.sum(1), np.isnan(x).sum(1), (x > 0).sum(1)]
                      + [(x < lo[q][:, None]).sum(1) for q in range(3)])
    inside = [(x >= lo[q][:, None]) & (x <= hi[q][:, None]) for q in range(3)]
    histogram = np.zeros((3, x.shape[0], BINS + 2), np.int64)
    for q in range(3):
        for j, i in zip(*np.nonzero(inside[q]), strict=True):
            v = x[j, i]
            if v == np.inf:
                b = BINS + 1
            elif v > top[q, j]:
                b = BINS
            else:
                span = top[q, j] - lo[q, j]
                g = (v - lo[q, j]) * (BINS / span) if 0 < span < np.inf else 0.0
                b = int(g) if g < BINS else BINS - 1  # also when g overflows to inf (or is inf * 0)
            histogram[q, j, b] += 1
    return counts, (d.sum(1), (d * d).sum(1)), (np.abs(d).sum(1), (d * d).sum(1)), inside, histogram


def brackets(x, rng):
    """Per column, three brackets around order statistics of the column (so that some values fall inside)."""
    k, m = x.shape
    ordered = np.sort(x, axis=1)
    lo, hi = np.empty((3, k)), np.empty((3, k))
    for q, share in enumerate((0.05, 0.5, 0.95)):
        a = rng.integers(0, m, k)
        b = np.minimum(m - 1, a + rng.integers(0, max(m // 10, 1) + 1, k))
        centre = int(share * (m - 1))
        a = np.where(rng.random(k) < 0.5, a, centre)
        lo[q], hi[q] = ordered[np.arange(k), np.minimum(a, b)], ordered[np.arange(k), np.maximum(a, b)]
    lo = np.where(np.isnan(lo), np.inf, lo)
    hi = np.where(np.isnan(hi), np.inf, hi)
    top = np.where(np.isfinite(hi), hi, lo)
    return lo, hi, top


def check(x, rng):
    lo, hi, top = brackets(x, rng)
    ref = rng.normal(size=x.shape[0])
    counts, sums, magnitudes, inside, histogram = reference(x, ref, lo, hi, top)
    got = column_statistics(x, ref, lo, hi)
    got_counts, got_sums, column, value, mask = got
    np.testing.assert_array_equal(got_counts, counts)
    for got_sum, want, size in zip(got_sums, sums, magnitudes, strict=True):
        # summed in another order: they differ by rounding, at most a few ulps of the summands' magnitude
        np.testing.assert_allclose(got_sum, want, rtol=1e-9, atol=1e-12 * size.max(initial=1.0))
    flat = np.stack([c.ravel() for c in inside])  # (3, k * m), in column-major order
    expected = np.flatnonzero(flat.any(0))
    m = x.shape[1]
    np.testing.assert_array_equal(column, expected // m)
    np.testing.assert_array_equal(value, x.ravel()[expected])
    np.testing.assert_array_equal(mask, (flat[:, expected] * np.array([[1], [2], [4]])).sum(0))
    got_histogram = np.zeros((3, x.shape[0], BINS + 2), np.int32)
    histogram_counts(got_histogram, column.astype(np.int16), value, mask, lo, top)
    np.testing.assert_array_equal(got_histogram, histogram)
    cuts = np.sort(rng.integers(0, x.shape[0] + 1, 2))
    for again in (column_statistics(x, ref, lo, hi), column_statistics(np.split(x, cuts), ref, lo, hi)):
        for first, second in zip(again, got, strict=True):  # the same operations, in one array or in parts
            np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("k, m", [(1, 1), (3, 31), (17, 1000), (5, 4096)])
def test_statistics_match_numpy_on_values_with_nan_and_infinities(k, m):
    rng = np.random.default_rng(k * m)
    x = rng.lognormal(0, 3, (k, m)) * rng.choice([-1.0, 1.0], (k, m))
    holes = rng.random((k, m))
    x[holes < 0.01] = np.nan
    x[(holes > 0.01) & (holes < 0.02)] = np.inf
    x[(holes > 0.02) & (holes < 0.03)] = -np.inf
    check(x, rng)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 80)),
              elements=st.floats(allow_nan=True, allow_infinity=True, width=64)),
       st.integers(0, 2**32 - 1))
def test_statistics_match_numpy_on_any_floats(x, seed):
    x = np.ascontiguousarray(x)
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(np.where(np.isfinite(x), x, 0.0) ** 2)):  # the sums overflow: compare counts
            x = np.clip(x, -1e150, 1e150)
        check(x, np.random.default_rng(seed))


def test_counts_are_named_in_order():
    x = np.array([[np.nan, -1.0, 2.0, np.inf]])
    lo = np.array([[0.0], [3.0], [np.inf]])
    counts, *_ = column_statistics(x, np.zeros(1), lo, lo)
    assert dict(zip(COUNTS, counts[:, 0].tolist(), strict=True)) == {
        "finite": 2, "nan": 1, "positive": 2, "below_0": 1, "below_1": 2, "below_2": 2}


def figure_reference(v, low, high, log, bins):
    """A figure's bin counts, one NumPy pass at a time."""
    v = v[np.isfinite(v)]
    if log:
        v, low, high = np.log(np.maximum(v, low)), np.log(low), np.log(high)
    with np.errstate(over="ignore"):
        g = np.clip((v - low) * (bins / ((high - low) or 1.0)), 0, bins - 1)
    return np.bincount(g.astype(np.intp), minlength=bins)


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("low, high", [(0.5, 20.0), (3.0, 3.0), (1e-300, 1e300)])
def test_figure_counts_match_numpy(low, high, log):
    rng = np.random.default_rng(7)
    v = rng.lognormal(0, 2, 10_000)
    v[:8] = [np.nan, np.inf, -np.inf, low, high, 0.0, -1.0, 1e308]
    np.testing.assert_array_equal(figure_counts(v, low, high, log, 80), figure_reference(v, low, high, log, 80))


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.integers(1, 5000), st.integers(1, 300), st.integers(-8, 12), st.integers(0, 2**32 - 1))
def test_bin_sums_are_numpy_bincounts_bit_for_bit(n, bins, magnitude, seed):
    # the value of information's numbers were numpy.bincount's: the kernel must give the very same bits
    rng = np.random.default_rng(seed)
    index = rng.integers(0, bins, n).astype(np.intp)
    y = rng.standard_normal(n) * 10.0 ** magnitude + rng.standard_normal() * 10.0 ** (magnitude + 3)
    if seed % 3 == 0:  # a claim's payoff: +1 or -1
        y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    shift = float(np.mean(y))
    centred = y - shift
    sums, squares = bin_sums(index, y, shift, bins)
    assert sums.tobytes() == np.bincount(index, weights=centred, minlength=bins).tobytes()
    assert squares.tobytes() == np.bincount(index, weights=centred * centred, minlength=bins).tobytes()
