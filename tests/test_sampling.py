"""The sampler: seeded, chunk-invariant, and faithful to its design."""

import numpy as np
import pytest
from conftest import ROOT, points_with, shipped_priors
from scipy import stats

from mcsim.cli import main
from mcsim.compute.sampling import BLOCK, Design, chunks
from mcsim.inputs.distributions import U_HIGHEST, U_LOWEST
from mcsim.inputs.model_check import _extremes
from mcsim.inputs.priors import load_priors

PAPER = ROOT / "priors" / "paper-table1.toml"
CORRELATION = '\n[[correlations]]\ninputs = ["tokens_per_prompt", "cost_per_1k_tokens"]\nrank = 0.6\n'


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


@pytest.fixture(scope="module")
def correlated(tmp_path_factory):
    """The paper's priors with tokens per prompt and cost per 1000 tokens rank-correlated at 0.6."""
    path = tmp_path_factory.mktemp("correlated") / "priors.toml"
    path.write_text(shipped_priors() + CORRELATION, encoding="utf-8")
    return load_priors(path)


# Sample 7,855,665 of a Sobol run of 2**23 with seed 7: its scrambled point is exactly 0 for
# cost_per_1k_tokens (the one point in 2**30 that is), which once made every input of the sample
# NaN or 0 through the copula (normal score -inf, times the Cholesky factor's zeros).
SOBOL_ZERO = (7_855_665, [0.4258511597290635, 0.3720994219183922, 0.0, 0.9862690735608339, 0.7449012035503983,
                          0.9561797389760613])


def test_a_sobol_point_at_zero_is_kept_inside_the_unit_interval(correlated):
    index, row = SOBOL_ZERO
    design = Design(correlated, 1 << 23, "sobol", 7)
    u = design.uniforms(index, index + 1)
    assert design.dimensions[2] == "cost_per_1k_tokens"
    np.testing.assert_array_equal(u[0], [*row[:2], U_LOWEST, *row[3:]])  # the generator's own values elsewhere
    drawn = design.draw(index, index + 1)
    for name, values in drawn.items():
        assert np.isfinite(values[0]) and values[0] > 0, (name, values[0])


def test_the_copula_keeps_every_input_finite_at_the_extreme_uniforms(correlated):
    row = SOBOL_ZERO[1]
    design = Design(correlated, 1 << 23, "sobol", 7)
    sobol_top = 1.0 - 2.0**-30  # the largest scrambled Sobol value: mixed scores of 8.44 gave Phi = 1.0 exactly
    rows = np.array([row, [0.5, 0.5, sobol_top, sobol_top, 0.5, 0.5], [0.5, 0.5, 0.0, 0.0, 0.5, 0.5],
                     [0.5, 0.5, 1.0 - 2.0**-53, 1.0 - 2.0**-53, 0.5, 0.5], [0.5, 0.5, 2.0**-53, 1.0, 0.5, 0.5]])
    u = design.correlate(rows)
    assert np.all((u >= U_LOWEST) & (u <= U_HIGHEST))
    for name, values in design.to_inputs(rows).items():
        assert np.all(np.isfinite(values)), (name, values)


def test_the_check_before_a_run_covers_every_correlated_draw(correlated):
    """Every value the copula can give lies within the range the model is checked on."""
    design = Design(correlated, 1, "sobol", 0)
    extremes = [0.0, U_LOWEST, 2.0**-30, 0.5, 1.0 - 2.0**-30, U_HIGHEST, 1.0]
    grid = np.array(np.meshgrid(extremes, extremes)).reshape(2, -1).T
    rows = np.full((len(grid), len(design.dimensions)), 0.5)
    rows[:, 2:4] = grid
    drawn = design.to_inputs(rows)
    for name in ("cost_per_1k_tokens", "tokens_per_prompt"):
        low, high = _extremes(correlated[name].distribution, correlated[name].point)
        assert low <= drawn[name].min() and drawn[name].max() <= high, (name, low, high)
        assert drawn[name].min() == low and drawn[name].max() == high  # and the check's ends are reached


@pytest.mark.slow
def test_a_correlated_sobol_run_of_2_to_the_23_samples_completes(write):
    """The run that once stopped on sample 7,855,665 (a Sobol point at exactly 0)."""
    write("priors.toml", shipped_priors() + CORRELATION)
    run = write("run.toml", '[run]\npriors = "priors.toml"\nsamples = 8388608\nsampler = "sobol"\nseed = 7\n'
                'users = [1e4, 1e6, 5.833333e6, 5e7, 5e8, 5e9]\n')
    assert main(["run", str(run), "--out", str(run.parent / "report")]) == 0
