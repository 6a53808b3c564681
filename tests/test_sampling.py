"""The sampler: seeded, chunk-invariant, and faithful to its design."""

import numpy as np
import pytest
from conftest import ROOT, points_with
from scipy import stats

from mcsim.compute.sampling import BLOCK, Design, chunks
from mcsim.inputs.priors import load_priors

PAPER = ROOT / "priors" / "paper-table1.toml"


@pytest.fixture(scope="module")
def priors():
    return load_priors(PAPER)


def _draw_in_chunks(design, chunk):
    parts = [design.draw(start, stop) for start, stop in chunks(design.n, chunk)]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


@pytest.mark.parametrize("sampler", ["random", "lhs", "sobol"])
def test_same_seed_same_samples_whatever_the_chunks(priors, sampler):
    n = 3 * BLOCK // 2 if sampler != "sobol" else 1 << 17
    whole = Design(priors, n, sampler, 2025).draw(0, n)
    for chunk in (1000, 4096, BLOCK + 1, n):
        parts = _draw_in_chunks(Design(priors, n, sampler, 2025), chunk)
        for name in whole:
            assert np.array_equal(whole[name], parts[name]), (sampler, chunk, name)


@pytest.mark.parametrize("sampler", ["random", "lhs", "sobol"])
def test_seeds_differ_and_zero_is_a_seed(priors, sampler):
    a = Design(priors, 1024, sampler, 0).uniforms(0, 1024)
    b = Design(priors, 1024, sampler, 1).uniforms(0, 1024)
    assert not np.array_equal(a, b)
    assert np.array_equal(a, Design(priors, 1024, sampler, 0).uniforms(0, 1024))


def test_lhs_puts_one_point_in_each_stratum(priors):
    n = 5000
    u = Design(priors, n, "lhs", 3).uniforms(0, n)
    for column in u.T:
        assert np.array_equal(np.sort(np.floor(column * n)), np.arange(n))


def test_sobol_is_the_scrambled_sequence(priors):
    u = Design(priors, 1024, "sobol", 5).uniforms(0, 1024)
    # a scrambled Sobol net in base 2: every dyadic interval of length 1/1024 holds one point
    for column in u.T:
        assert np.array_equal(np.sort(np.floor(column * 1024)), np.arange(1024))
    assert np.all((u > 0) & (u < 1))


def test_uniforms_are_uniform(priors):
    u = Design(priors, 50_000, "random", 11).uniforms(0, 50_000)
    for column in u.T:
        assert stats.kstest(column, "uniform").pvalue > 1e-3
    assert np.abs(np.corrcoef(u.T) - np.eye(u.shape[1])).max() < 0.03


def test_points_are_constants_and_not_dimensions(priors):
    design = Design(priors, 100, "random", 1)
    assert "price" not in design.dimensions
    assert np.all(design.draw(0, 100)["price"] == 20.0)


def test_rank_correlation_is_imposed(write):
    text = points_with(
        tokens_per_prompt='point = 250\ndist = "lognormal"\np05 = 125\np95 = 500\nsource = "s"',
        cost_per_1k_tokens='point = 0.004\ndist = "triangular"\nlow = 0.001\nmode = 0.004\nhigh = 0.01\n'
                           'source = "s"')
    text += '[[correlations]]\ninputs = ["tokens_per_prompt", "cost_per_1k_tokens"]\nrank = -0.6\n'
    priors = load_priors(write("c.toml", text))
    x = Design(priors, 1 << 16, "sobol", 9).draw(0, 1 << 16)
    rho = stats.spearmanr(x["tokens_per_prompt"], x["cost_per_1k_tokens"]).statistic
    assert rho == pytest.approx(-0.6, abs=0.01)
    # the marginals are untouched by the copula
    assert stats.kstest(x["tokens_per_prompt"], priors["tokens_per_prompt"].distribution.to_scipy().cdf).pvalue > 1e-3
