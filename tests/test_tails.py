"""Heavy tails: the tail index on samples of known index, and whether a run's mean summarises it."""

import math

import numpy as np
import pytest

from mcsim.analysis.tails import MIN_TAIL, Z_LIMIT, judge_tail, tail_index

N = 4096  # a run's kept samples by default


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("alpha", [1.5, 3.0])
def test_the_tail_index_of_a_pareto_sample(alpha, seed):
    sample = np.random.default_rng(seed).pareto(alpha, N) + 1.0  # P(X > x) = x**-alpha for x >= 1
    found = tail_index(sample)
    assert abs(found.alpha - alpha) < 3 * found.se and found.se < 0.1 * alpha
    assert found.mean_is_summary is (alpha >= 2)
    assert found.samples == N and MIN_TAIL <= found.tail <= N and found.threshold >= 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_normal_sample_has_a_light_tail(seed):
    sample = np.random.default_rng(seed).normal(0.0, 1.0, N)
    found = tail_index(sample)
    assert found.alpha > 3 and found.mean_is_summary


def test_the_index_is_of_the_magnitude_either_side_and_ignores_what_is_not_finite():
    rng = np.random.default_rng(7)
    sample = -(rng.pareto(1.5, N) + 1.0)  # a heavy lower tail
    found = tail_index(np.concatenate([sample, [np.inf, -np.inf, np.nan, 0.0]]))
    assert found.samples == N and not found.mean_is_summary and found.alpha == pytest.approx(1.5, abs=0.15)
    assert tail_index(np.full(100, 3.0)) is None  # every value equal: no tail
    assert tail_index(np.arange(1.0, 2 * MIN_TAIL)) is None  # too few values


def test_a_heavy_tail_makes_the_mean_no_summary():
    rng = np.random.default_rng(3)
    run = rng.pareto(1.5, 1 << 16) + 1.0
    judged = judge_tail(run[:N], float(run.mean()), run.size)
    assert judged.heavy_index and judged.mean_is_summary is False


def test_a_normal_run_keeps_its_mean():
    rng = np.random.default_rng(4)
    run = rng.normal(10.0, 2.0, 1 << 16)
    judged = judge_tail(run[:N], float(run.mean()), run.size)
    assert abs(judged.z) < Z_LIMIT and not judged.heavy_index and judged.mean_is_summary is True
    m, sd = run[:N].mean(), run[:N].std(ddof=1)
    assert judged.z == pytest.approx((run.mean() - m) / (sd * math.sqrt(1 / N - 1 / run.size)))


def test_a_tail_beyond_the_kept_samples_shows_in_the_runs_mean():
    """A cost over a margin that comes close to 0: tail index 1, seen only in the run's largest values."""
    rng = np.random.default_rng(5)
    margin = rng.normal(0.9, 0.44, 1 << 20)
    run = 1.0 / margin[margin > 0]
    judged = judge_tail(run[:N], float(run.mean()), run.size)
    assert judged.mean_moved and judged.mean_is_summary is False
    assert judged.kept == N and judged.samples == run.size


def test_a_runs_mean_far_from_its_kept_samples_mean_is_no_summary():
    kept = np.random.default_rng(8).normal(10.0, 1.0, N)
    judged = judge_tail(kept, 20.0, 1 << 20)
    assert not judged.heavy_index and judged.mean_moved and judged.mean_is_summary is False
    assert judged.z == pytest.approx((20.0 - kept.mean()) / (kept.std(ddof=1) * math.sqrt(1 / N - 2.0**-20)))


def test_nothing_to_judge_without_kept_samples_or_when_every_sample_is_kept():
    nothing = judge_tail(np.empty(0), 5.0, 1000)
    assert nothing.index is None and nothing.z is None and nothing.mean_is_summary is None
    every = np.random.default_rng(6).normal(size=N)
    kept_all = judge_tail(every, float(every.mean()), N)
    assert kept_all.z is None and kept_all.mean_is_summary is True
