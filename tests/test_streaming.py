"""Merged statistics against a single pass; invariance to the chunk size and the number of workers."""


import numpy as np
import pytest
from conftest import shipped_priors
from streaming_helpers import single_pass, spec, summary_of

from mcsim.compute import streaming
from mcsim.compute.engine import simulate
from mcsim.compute.stats import evaluate_claims, summarise
from mcsim.compute.streaming import QUANTILES, STAT_BLOCK, quantile_rank


@pytest.mark.parametrize("n", [1, 2, 3, 19, 20, 21, 100, 1001, 40_000])
def test_quantile_rank_is_numpys_inverted_cdf(n):
    values = np.arange(n, dtype=float)
    for q in (0.05, 0.5, 0.95, 0.2, 0.999):
        assert values[quantile_rank(n, q)] == np.quantile(values, q, method="inverted_cdf")


@pytest.mark.parametrize("sampler, samples", [("random", 40_000), ("lhs", 30_001), ("sobol", 1 << 16)])
def test_merged_statistics_equal_a_single_pass(write, sampler, samples):
    run = spec(write, samples=samples, sampler=sampler, chunk=STAT_BLOCK)
    sim = simulate(run, workers=1)
    assert sim.plan.mode == "exact"
    summary = summarise(sim)
    outputs = single_pass(run)
    for name, values in outputs.items():
        stats = summary[name]
        exact = np.quantile(values, QUANTILES, axis=0, method="inverted_cdf")
        for i, key in enumerate(("p05", "p50", "p95")):
            np.testing.assert_array_equal(getattr(stats, key), exact[i], err_msg=f"{name} {key}")
        np.testing.assert_array_equal(stats.quantile_error, 0.0)
        finite = np.where(np.isfinite(values), values, np.nan)
        np.testing.assert_allclose(stats.mean, np.nanmean(finite, axis=0), rtol=1e-12)
        np.testing.assert_allclose(stats.sd, np.nanstd(finite, axis=0, ddof=1), rtol=1e-9)
        if stats.p_never is not None:
            np.testing.assert_array_equal(stats.p_never, np.isinf(values).mean(axis=0))
        if stats.p_positive is not None:
            np.testing.assert_array_equal(stats.p_positive, (values > 0).mean(axis=0))
    claims = evaluate_claims(sim)
    assert claims[0].probability == np.mean(outputs["break_even_users"] <= 6e6)
    assert claims[1].probability == np.mean(outputs["surplus"][:, 3] > 0)


def test_infinite_quantiles_stay_order_statistics(write):
    # the paper's priors with a conversion rate that often leaves no margin: break-even is often +inf
    text = shipped_priors().replace("alpha = 5\nbeta = 95", "alpha = 1\nbeta = 12")
    write("p.toml", text)
    run = spec(write, samples=20_000, priors="p.toml", chunk=STAT_BLOCK)
    summary = summarise(simulate(run, workers=1))["break_even_users"]
    values = single_pass(run)["break_even_users"]
    assert 0.05 < summary.p_never < 0.95
    assert summary.p95 == np.inf == np.quantile(values, 0.95, method="inverted_cdf")
    assert summary.p50 == np.quantile(values, 0.5, method="inverted_cdf")
    assert summary.mean == pytest.approx(values[np.isfinite(values)].mean(), rel=1e-12)


def test_histogram_quantiles_hold_the_order_statistic_within_their_stated_error(write, monkeypatch):
    monkeypatch.setattr(streaming, "QUANTILE_BUDGET", 0)  # force the sketch
    run = spec(write, samples=200_000, chunk=3 * STAT_BLOCK)
    sim = simulate(run, workers=1)
    assert sim.plan.mode == "histogram"
    summary = summarise(sim)
    outputs = single_pass(run)
    for name, values in outputs.items():
        exact = np.quantile(values, QUANTILES, axis=0, method="inverted_cdf")
        for i, key in enumerate(("p05", "p50", "p95")):
            got, bound = np.asarray(getattr(summary[name], key)), summary[name].quantile_error[i]
            finite = np.isfinite(exact[i])
            with np.errstate(invalid="ignore"):
                gap = np.abs(got - exact[i])
            assert np.all(gap[finite] <= bound[finite] * (1 + 1e-12) + 1e-300), (name, key)
            assert np.all(got[~finite] == exact[i][~finite])
            # the bound is small: a 4096th of a bracket a few per cent of the distribution wide
            spread = np.abs(exact[2] - exact[0])
            assert np.all(bound[finite] <= 1e-3 * spread[finite] + 1e-300), (name, key)


@pytest.mark.parametrize("sampler, samples", [("random", 5 * STAT_BLOCK + 1234), ("sobol", 1 << 16)])
def test_every_number_in_summary_json_is_the_same_whatever_the_chunks_and_workers(write, sampler, samples):
    run = spec(write, samples=samples, sampler=sampler)
    reference = summary_of(run, chunk_size=samples, workers=1)
    for chunk, workers in [(STAT_BLOCK, 1), (2 * STAT_BLOCK, 2), (3 * STAT_BLOCK, 2), (1000, 1)]:
        assert summary_of(run, chunk_size=chunk, workers=workers) == reference, (chunk, workers)


def test_a_stopping_rule_stops_at_the_same_sample_whatever_the_workers(write):
    run = spec(write, samples=20 * STAT_BLOCK, chunk=2 * STAT_BLOCK)
    seen = []

    def stop(progress):
        seen.append(progress.samples)
        return progress.samples >= 6 * STAT_BLOCK

    one = simulate(run, workers=1, stop_when=stop)
    two = simulate(run, workers=2, stop_when=stop)
    assert one.n == two.n == 6 * STAT_BLOCK and one.stopped_early
    assert seen[:3] == [2 * STAT_BLOCK, 4 * STAT_BLOCK, 6 * STAT_BLOCK]
    assert [c.probability for c in evaluate_claims(one)] == [c.probability for c in evaluate_claims(two)]


def test_target_se_stops_once_every_claim_is_known_well_enough(write):
    from mcsim.pipeline import execute

    run = spec(write, samples=64 * STAT_BLOCK, chunk=STAT_BLOCK, extra="")
    import dataclasses

    result = execute(dataclasses.replace(run, target_se=0.004))
    assert result.samples < result.samples_requested == run.samples and result.stopped_early
    assert all(c.se <= 0.004 and c.samples == result.samples for c in result.claims.values())
    # one block fewer would not have been enough for at least one claim
    fewer = result.samples - STAT_BLOCK
    assert any(np.sqrt(c.probability * (1 - c.probability) / fewer) > 0.004 * 0.97 for c in result.claims.values())


def test_a_stopped_run_reports_the_samples_it_evaluated(write):
    """summary.json, report.md and results.nc count the samples evaluated, and say where the run stopped."""
    import dataclasses

    from mcsim.pipeline import execute
    from mcsim.report.document import render_markdown

    run = spec(write, samples=64 * STAT_BLOCK, chunk=STAT_BLOCK, extra="")
    result = execute(dataclasses.replace(run, target_se=0.004))
    summary = result.summary
    assert summary["run"]["samples"] == result.samples < summary["run"]["samples_requested"] == run.samples
    assert summary["run"]["stopped_early"] is True
    assert {c["samples"] for c in summary["claims"].values()} == {result.samples}
    text = render_markdown(result)
    evaluated, requested = f"{result.samples:,}", f"{run.samples:,}"
    assert f"Wilson score intervals over {evaluated} samples (stopped at {evaluated} of {requested} requested" in text
    assert f"{evaluated} samples (random, seed 11): stopped at {evaluated} of {requested} requested" in text
    assert f"over {requested} samples" not in text and f"{requested} samples (random" not in text
    data = result.to_dataset()
    assert data.attrs["samples"] == result.samples and data.attrs["samples_requested"] == run.samples


def test_the_plans_brackets_are_the_pilots_order_statistics_nan_and_infinities_included():
    """make_plan partitions rather than sorts: its brackets are still the sorted pilot's values."""
    from mcsim.models.tableau1 import TABLEAU1

    rng = np.random.default_rng(3)
    m, users = 5000, np.array([1e5, 1e7, 1e9])
    inputs = {spec_.name: rng.lognormal(0, 1, m) for spec_ in TABLEAU1.inputs}
    pilot = {name: np.array(v, dtype=float) for name, v in TABLEAU1.evaluate(inputs, users).items()}
    pilot["surplus"][rng.random(m) < 0.1] = np.nan
    pilot["break_even_users"][rng.random(m) < 0.07] = np.inf
    for n in (m, 40 * m):
        plan = streaming.make_plan(pilot, TABLEAU1, (), users, n)
        for name, where in plan.slices.items():
            ordered = np.sort(np.asarray(pilot[name]).reshape(m, -1), axis=0)  # NaN last
            for i, q in enumerate(QUANTILES):
                if n == m:
                    low = high = quantile_rank(n, q)
                else:
                    half = 7.0 * np.sqrt(m * q * (1 - q)) + 2
                    low, high = int(np.floor(q * m - half)), int(np.ceil(q * m + half))
                np.testing.assert_array_equal(plan.lo[i, where], ordered[low], err_msg=f"{name} p{q}")
                np.testing.assert_array_equal(plan.hi[i, where], ordered[high], err_msg=f"{name} p{q}")
