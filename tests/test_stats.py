"""Statistics and claims against closed forms."""

from dataclasses import dataclass

import numpy as np
import pytest
from conftest import points_with
from scipy import stats

from mcsim.compute.engine import simulate
from mcsim.compute.stats import ClaimResult, KeptSamples, OutputStats, evaluate_claims, kept_samples, summarise
from mcsim.inputs.runs import RunSpec, load_run

FIXED = 63e6 / 12
INFERENCE = 100 * 0.004 * 250 / 1000  # USD per user per month at the table's points
PRICE = 20.0
ALPHA, BETA = 5.0, 95.0


@dataclass(frozen=True)
class _Statistics:
    spec: RunSpec
    outputs: dict[str, OutputStats]
    claims: list[ClaimResult]
    kept: KeptSamples


def _run(write, sampler="random", samples=1 << 16, seed=7, conversion=f"alpha = {ALPHA}\nbeta = {BETA}"):
    write("p.toml", points_with(conversion_rate=f'point = 0.05\ndist = "beta"\n{conversion}\nsource = "s"'))
    path = write("r.toml", f"""
        [run]
        priors = "p.toml"
        samples = {samples}
        keep_samples = {samples}
        sampler = "{sampler}"
        seed = {seed}
        users = [1e6, 6e6, 5e7]

        [[claims]]
        name = "within_6M"
        output = "break_even_users"
        op = "<="
        value = 6e6

        [[claims]]
        name = "surplus_at_6M"
        output = "surplus"
        users = 6e6
        op = ">"
        value = 0
        """)
    sim = simulate(load_run(path))
    return _Statistics(sim.spec, summarise(sim), evaluate_claims(sim), kept_samples(sim))


def test_claim_probability_matches_the_beta_closed_form(write):
    result = _run(write)
    # break_even <= 6e6  <=>  conversion >= (FIXED / 6e6 + INFERENCE) / PRICE
    threshold = (FIXED / 6e6 + INFERENCE) / PRICE
    exact = stats.beta(ALPHA, BETA).sf(threshold)
    claim = result.claims[0]
    assert abs(claim.probability - exact) < 4 * claim.se
    assert claim.se == pytest.approx(np.sqrt(exact * (1 - exact) / claim.samples), rel=0.02)
    assert claim.ci95[0] < exact < claim.ci95[1]
    assert claim.holds_at_point  # 5.83 million <= 6 million at the points
    # surplus > 0 at 6e6 users is the same event, up to the boundary
    assert result.claims[1].probability == pytest.approx(claim.probability, abs=1e-4)


def test_median_break_even_matches_the_closed_form(write):
    result = _run(write)
    median = result.outputs["break_even_users"].p50
    # break-even decreases with the conversion rate, so its median maps to the conversion's median
    level = stats.beta(ALPHA, BETA).cdf((FIXED / median + INFERENCE) / PRICE)
    n = result.spec.samples
    assert abs(level - 0.5) < 4 * np.sqrt(0.25 / n)
    exact_median = FIXED / (PRICE * stats.beta(ALPHA, BETA).median() - INFERENCE)
    assert median == pytest.approx(exact_median, rel=0.01)


def test_never_breaking_even_is_counted_not_dropped(write):
    # conversion rates below INFERENCE / PRICE = 0.005 never break even
    result = _run(write, conversion="alpha = 1\nbeta = 50")
    summary = result.outputs["break_even_users"]
    exact = stats.beta(1, 50).cdf(INFERENCE / PRICE)
    n = result.spec.samples
    assert abs(summary.p_never - exact) < 4 * np.sqrt(exact * (1 - exact) / n)
    values = result.kept.outputs["break_even_users"]
    finite = values[np.isfinite(values)]
    assert summary.mean == pytest.approx(finite.mean())
    assert not np.isnan(values).any()


def test_quantiles_are_order_statistics_with_infinities(write):
    result = _run(write, conversion="alpha = 1\nbeta = 5", samples=4096)
    values = np.sort(result.kept.outputs["break_even_users"])
    summary = result.outputs["break_even_users"]
    assert summary.p50 == values[int(np.ceil(0.5 * values.size)) - 1]
    assert summary.p95 == values[int(np.ceil(0.95 * values.size)) - 1]


def test_grid_statistics(write):
    result = _run(write, samples=4096)
    surplus = result.kept.outputs["surplus"]
    summary = result.outputs["surplus"]
    assert np.array_equal(summary.users, [1e6, 6e6, 5e7])
    assert summary.mean == pytest.approx(surplus.mean(axis=0))
    assert summary.p_positive == pytest.approx((surplus > 0).mean(axis=0))
    assert result.outputs["unit_cost"].p_positive is None
    assert result.outputs["unit_cost"].p_never is None and result.outputs["break_even_users"].users is None


@pytest.mark.parametrize("sampler", ["lhs", "sobol"])
def test_claim_standard_error_is_honest_for_other_samplers(write, sampler):
    """Across seeds, the spread of a claim's probability is no larger than its stated se (10 % slack)."""
    estimates = [_run(write, sampler=sampler, samples=4096, seed=seed).claims[0] for seed in range(40)]
    spread = np.std([c.probability for c in estimates], ddof=1)
    stated = np.mean([c.se for c in estimates])
    assert spread < 1.1 * stated * (1 + 2 / np.sqrt(2 * 39))


@pytest.mark.slow
def test_claim_interval_covers_the_truth_95_percent_of_the_time(write):
    """Over 200 seeds the Wilson 95 % interval holds the closed-form probability about 95 % of the time."""
    threshold = (FIXED / 6e6 + INFERENCE) / PRICE
    exact = stats.beta(ALPHA, BETA).sf(threshold)
    covered = [(lambda c: c.ci95[0] <= exact <= c.ci95[1])(_run(write, samples=1024, seed=seed).claims[0])
               for seed in range(200)]
    # binomial(200, 0.95): 95 % of the time between 184 and 196 covered
    assert 181 <= sum(covered) <= 199


@pytest.mark.parametrize(("claim", "exact"), [
    ('op = "between"\nlow = 0.6\nhigh = 0.9', 0.3),
    ('op = "about"\nvalue = 1.0\nrel = 0.2', 0.4),  # from 0.8 to 1.2
    ('op = "about"\nvalue = 0.7\nfactor = 1.5', 1.05 - 0.7 / 1.5),  # from 0.467 to 1.05
    ('op = "between"\nlow = 1.5\nhigh = 2', 0.0),
])
def test_two_sided_claim_probability_on_a_uniform_output(write, claim, exact):
    # the margin per user 0.05 P - 0.1 is uniform on [0.4, 1.4] when the price P is uniform on [10, 30]
    write("p.toml", points_with(price='point = 20\ndist = "uniform"\nlow = 10\nhigh = 30\nsource = "s"'))
    path = write("r.toml", f'[run]\npriors = "p.toml"\nsamples = 65536\nsampler = "random"\nseed = 3\n'
                 f'[[claims]]\nname = "c"\noutput = "margin_per_user"\n{claim}\n')
    sim = simulate(load_run(path))
    (result,) = evaluate_claims(sim)
    assert abs(result.probability - exact) <= 4 * max(result.se, 1e-12)
    assert result.se == pytest.approx(np.sqrt(exact * (1 - exact) / 65536), rel=0.02, abs=1e-12)
    assert result.ci95[0] <= exact <= result.ci95[1]
    assert result.holds_at_point == (exact > 0)  # the point gives 0.9, at the first range's high end
