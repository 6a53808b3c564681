"""Heavy tails: the tail index on samples of known index, on their largest values, and over a streamed run."""

import numpy as np
import pytest

from mcsim.analysis.tails import MIN_TAIL, tail_index
from mcsim.compute.streaming import TAIL_KEPT, largest

N = 4096


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("alpha", [1.5, 3.0])
def test_the_tail_index_of_a_pareto_sample(alpha, seed):
    sample = np.random.default_rng(seed).pareto(alpha, N) + 1.0  # P(X > x) = x**-alpha for x >= 1
    found = tail_index(sample)
    assert abs(found.alpha - alpha) < 3 * found.se and found.se < 0.1 * alpha
    assert found.mean_is_summary is (alpha >= 2)
    assert found.samples == found.largest == N and MIN_TAIL <= found.tail <= N and found.threshold >= 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("size", [N, 1 << 16])
def test_a_normal_sample_has_a_light_tail(seed, size):
    sample = np.random.default_rng(seed).normal(0.0, 1.0, size)
    for found in (tail_index(sample), tail_index(largest(sample), samples=size)):
        assert found.alpha > 3 and found.mean_is_summary


@pytest.mark.parametrize("alpha", [1.5, 3.0])
def test_the_largest_values_of_a_pareto_sample_give_its_index(alpha):
    sample = np.random.default_rng(9).pareto(alpha, 1 << 16) + 1.0
    top = largest(sample)
    assert top.size == TAIL_KEPT and np.array_equal(top, np.sort(sample)[-TAIL_KEPT:])
    found = tail_index(top, samples=sample.size)
    assert found.largest == TAIL_KEPT and found.samples == sample.size
    assert abs(found.alpha - alpha) < 3 * found.se and found.mean_is_summary is (alpha >= 2)


def test_a_tail_that_steepens_out_of_sight_of_the_first_samples():
    """A cost over a margin that can come close to 0: tail index 1, which only the largest 0.1 % show."""
    rng = np.random.default_rng(5)
    margin = rng.normal(0.9, 0.44, 1 << 20)
    run = 63.0 / margin[margin > 0]
    whole = tail_index(largest(run), samples=run.size)
    assert whole.alpha == pytest.approx(1.0, abs=0.25) and not whole.mean_is_summary


def test_the_index_is_of_the_magnitude_either_side_and_ignores_what_is_not_finite():
    sample = -(np.random.default_rng(7).pareto(1.5, N) + 1.0)  # a heavy lower tail
    found = tail_index(np.concatenate([sample, [np.inf, -np.inf, np.nan, 0.0]]))
    assert found.largest == N and found.samples == N + 1 and not found.mean_is_summary
    assert found.alpha == pytest.approx(1.5, abs=0.15)
    assert np.array_equal(largest(np.array([-3.0, np.inf, 2.0, np.nan, -np.inf]), kept=5), [2.0, 3.0])
    assert tail_index(np.full(100, 3.0)) is None  # every value equal: no tail
    assert tail_index(np.arange(1.0, 2 * MIN_TAIL)) is None  # too few values
