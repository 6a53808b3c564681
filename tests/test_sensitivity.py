"""Sobol sensitivity analysis: pinned against analytic indices, guarded against infinite outputs."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models_for_tests import ISHIGAMI, ISHIGAMI_S1, ISHIGAMI_ST, LINEAR, PAYBACK, PAYBACK_NEVER
from scipy import integrate, stats

from mcsim.analysis.sensitivity import (
    SensitivitySpec,
    UndefinedOutputError,
    analyse,
    indices_distinguishable,
    parse_sensitivity,
)
from mcsim.analysis.sensitivity import sobol as sobol_module
from mcsim.analysis.sensitivity.result import TargetResult
from mcsim.analysis.sensitivity.sobol import Indices
from mcsim.analysis.sensitivity.targets import Target, mid_rank_cdf
from mcsim.inputs.errors import InputError, Problems
from mcsim.inputs.priors import Correlation, load_priors, parse_prior
from mcsim.inputs.runs import Claim
from mcsim.models import TABLEAU1
from mcsim.report.sensitivity import _claims_section, _interval, sensitivity_markdown
from mcsim.report.text import md_text
from mcsim.serialise.sections import sensitivity_summary, target_summary

DATA = Path(__file__).parent / "data"
PRIORS = Path(__file__).parent.parent / "priors"


def spec(outputs, n=4096, **options) -> SensitivitySpec:
    return SensitivitySpec(tuple(outputs), base_samples=n, max_base_samples=options.pop("max_base_samples", n),
                           **options)


@pytest.fixture(scope="module")
def ishigami():
    priors = load_priors(DATA / "ishigami.toml")
    return analyse(priors, ISHIGAMI, spec(["y"]), seed=2025)


@pytest.fixture(scope="module")
def paper():
    priors = load_priors(PRIORS / "paper-table1.toml")
    claims = (Claim("break_even_within_6M", "a surplus beyond about 6 million users", "break_even_users", "<=",
                    6e6),)
    return priors, analyse(priors, TABLEAU1, spec(["break_even_users", "crossover_users"], n=8192), seed=7,
                           claims=claims)


# --- analytic references ---------------------------------------------------------------------

def test_ishigami_indices_lie_within_their_intervals(ishigami):
    ix = ishigami["y"].indices
    assert ix.names == ("x1", "x2", "x3")
    for estimate, half, truth in ((ix.S1, ix.S1_conf, ISHIGAMI_S1), (ix.ST, ix.ST_conf, ISHIGAMI_ST)):
        # each 95 % interval misses 1 time in 20 (tests/test_sobol_coverage.py checks that rate);
        # twice its half-width misses about 1 in 3000, a check that still catches a wrong estimate
        assert np.all(np.abs(estimate - truth) <= 2 * half), (estimate, half, truth)
        assert np.all(np.abs(estimate - truth) <= 0.02)
        assert np.all(half < 0.05)
    assert ishigami["y"].target.transform == "identity"  # y takes negative values: no log


def test_ishigami_ranking(ishigami):
    ranking = ishigami["y"].ranking
    assert ranking.order == ("x1", "x2", "x3")  # ST 0.558 > 0.442 > 0.244
    assert ranking.settled
    assert ranking.top_first_share >= 0.75  # of 16 replicates of 256 base points each, where 0.558 vs 0.442 is close


def _log_variance_triangular(low: float, mode: float, high: float) -> float:
    def density(x: float) -> float:
        if x < mode:
            return 2 * (x - low) / ((high - low) * (mode - low))
        return 2 * (high - x) / ((high - low) * (high - mode))

    mean = integrate.quad(lambda x: math.log(x) * density(x), low, high, points=[mode])[0]
    return integrate.quad(lambda x: (math.log(x) - mean) ** 2 * density(x), low, high, points=[mode])[0]


def test_crossover_on_the_paper_priors_matches_its_analytic_indices(paper):
    """log crossover = log training - log lifetime - log prompts - log cost_per_1k - log tokens + c.

    The terms are independent, so S1 = ST = Var(log X_i) / sum Var(log X_j), and the conversion
    rate, absent from the formula, has S1 = ST = 0.
    """
    priors, result = paper
    variance = {name: priors[name].distribution.sigma ** 2
                for name in ("training_cost", "cost_per_1k_tokens", "tokens_per_prompt")}
    variance["lifetime_months"] = _log_variance_triangular(8, 12, 25)
    variance["prompts_per_user"] = _log_variance_triangular(60, 100, 150)
    variance["conversion_rate"] = 0.0
    total = sum(variance.values())
    ix = result["crossover_users"].indices
    for j, name in enumerate(ix.names):
        truth = variance[name] / total
        # twice the 95 % half-width: see test_ishigami_indices_lie_within_their_intervals
        assert abs(ix.S1[j] - truth) <= max(2 * ix.S1_conf[j], 1e-12) and abs(ix.S1[j] - truth) < 0.01, name
        assert abs(ix.ST[j] - truth) <= max(2 * ix.ST_conf[j], 1e-12) and abs(ix.ST[j] - truth) < 0.01, name
    assert ix.ST[ix.names.index("conversion_rate")] == 0.0  # A and AB_j give the same output: exactly 0
    assert result["crossover_users"].target.transform == "log10"  # finite and positive: log10, not the rank


def test_inputs_that_enter_as_a_product_with_the_same_spread_are_tied(paper):
    """Cost per 1k tokens and tokens per prompt enter the crossover only as a product and have the
    same log-sd: the same true ST. The report calls them tied, and the cross-checks, which put
    either first, agree with it."""
    _, result = paper
    crossover = result["crossover_users"]
    ranking = crossover.ranking
    assert set(ranking.order[:2]) == {"cost_per_1k_tokens", "tokens_per_prompt"}
    assert not ranking.settled and ranking.top_tied
    assert ranking.ties[0] == ranking.order[:2] == ranking.top_group
    assert crossover.top_agrees
    entry = sensitivity_summary(result)["crossover_users"]["ranking"]
    assert entry["ties"][0] == list(ranking.order[:2]) and entry["top_tied"] is True
    text = sensitivity_markdown(result)
    assert "It shares the first rank with the " in text and "tied first: the methods agree" in text
    assert "**disagree**" not in text and "**not settled**" not in text


def _indices(st, st_conf, s1_conf=None):
    st, st_conf = np.array(st), np.array(st_conf)
    s1_conf = st_conf if s1_conf is None else np.array(s1_conf)
    return Indices(("a", "b", "c", "d"), 64, 384, st, s1_conf, st, st_conf, np.tile(st, (4, 1)))


def test_ties_are_inputs_whose_estimates_lie_in_each_others_interval():
    target = Target("y", "output", "y", "Y", "", "identity")
    ranking = TargetResult(target, _indices([0.50, 0.495, 0.30, 0.285], [0.02, 0.01, 0.01, 0.01]), (), True, 0.05,
                           0.0).ranking
    # b lies in a's interval and a in b's: tied; d (0.285) lies outside c's interval (0.29 to 0.31): not tied,
    # though the two intervals overlap
    assert ranking.order == ("a", "b", "c", "d") and ranking.ties == (("a", "b"),) and ranking.top_tied
    chained = TargetResult(target, _indices([0.5, 0.5, 0.5, 0.0], [0.01, 0.01, 0.01, 0.0]), (), True, 0.05,
                           0.0).ranking
    assert chained.ties == (("a", "b", "c"),)
    alone = TargetResult(target, _indices([0.5, 0.45, 0.2, 0.0], [0.01, 0.01, 0.01, 0.0]), (), True, 0.05,
                         0.0).ranking
    assert alone.ties == () and alone.top_group == ("a",) and not alone.top_tied and alone.settled


def test_indices_wider_than_the_tolerance_are_flagged_not_converged():
    target = Target("y", "output", "y", "Y", "", "identity")
    result = TargetResult(target, _indices([0.5, 0.3, 0.2, 0.0], [0.03, 0.02, 0.01, 0.0], [0.01, 0.04, 0.0, 0.0]),
                          (), False, 0.05, 0.0)
    # an interval is 2 x the half-width: 0.06 and 0.08 are at least 0.05 wide, 0.04 is not
    assert result.not_converged == {"S1": ("b",), "ST": ("a",)}
    assert target_summary(result, 0.95)["not_converged"] == {"S1": ["b"], "ST": ["a"]}


def test_two_lognormals_give_shares_of_log_variance():
    """log break-even = log(training_cost) - log(price) + c: S1 = ST = 0.36/0.45 and 0.09/0.45."""
    priors = load_priors(DATA / "two-lognormals.toml")
    result = analyse(priors, TABLEAU1, spec(["break_even_users", "crossover_users"]), seed=3)
    ix = result["break_even_users"].indices
    assert ix.names == ("training_cost", "tokens_per_prompt", "price")
    truth = np.array([0.8, 0.0, 0.2])
    assert np.all(np.abs(ix.S1 - truth) <= np.maximum(ix.S1_conf, 1e-12))
    assert np.all(np.abs(ix.ST - truth) <= np.maximum(ix.ST_conf, 1e-12))
    assert np.allclose(ix.S1, truth, atol=0.01) and np.allclose(ix.ST, truth, atol=0.01)
    assert ix.ST[1] == 0.0  # tokens have no effect when inference is free
    # free inference: the crossover is infinite in every sample, all tied at the top: no indices
    crossover = result["crossover_users"]
    assert crossover.indices is None and crossover.infinite_share == 1.0
    summary = sensitivity_summary(result)["crossover_users"]
    assert summary["ST"] is None and "no variance" in summary["undefined"]
    assert "(inf: inference is free)" in summary["undefined"]


# --- infinite and undefined outputs ----------------------------------------------------------

def test_infinite_outputs_are_ranked_and_never_passed_to_salib(monkeypatch):
    priors = load_priors(PRIORS / "paper-table1.toml")
    problems = Problems("test")
    scarce = parse_prior("conversion_rate", {"point": 0.01, "dist": "beta", "alpha": 1, "beta": 99,
                                             "source": "test"}, "[overrides.conversion_rate]", problems)
    priors = priors.with_overrides([scarce])
    seen = []
    original = sobol_module.salib_analyze.separate_output_values

    def spy(y, *args):
        seen.append(bool(np.isfinite(y).all()))
        return original(y, *args)

    monkeypatch.setattr(sobol_module.salib_analyze, "separate_output_values", spy)
    result = analyse(priors, TABLEAU1, spec(["break_even_users"], n=1024), seed=1)
    assert seen and all(seen)
    target = result["break_even_users"]
    assert 0.3 < target.infinite_share < 1  # many never break even
    assert target.target.transform == "rank" and target.indices is not None
    summary = sensitivity_summary(result)["break_even_users"]["target"]
    assert summary["infinite_share"] == target.infinite_share and summary["transform"] == "rank"
    assert "cap" not in summary
    assert summary["description"].startswith("rank of break-even monthly users among all samples (its cumulative "
                                             "distribution from 0 to 1), so that the ranking of the inputs depends "
                                             "neither on the scale of break-even monthly users nor on where its "
                                             "infinite values (never breaks even")
    # the share is of the Saltelli design's samples, not of the run's: the report says which, how many and its seed
    ix = target.indices
    assert (f"{100 * target.infinite_share:.2f} % of the samples of the Saltelli design (N = {ix.base_samples:,}, "
            f"{ix.evaluations:,} model runs, seed 1) are infinite") in sensitivity_markdown(result)


def test_estimate_refuses_infinite_values_before_salib(monkeypatch):
    monkeypatch.setattr(sobol_module.salib_analyze, "separate_output_values",
                        lambda *a, **k: pytest.fail("SALib was called"))
    y = np.ones(10 * 8)
    y[3] = np.inf
    with pytest.raises(UndefinedOutputError, match="1 of 80 target values are NaN or infinite"):
        sobol_module.estimate(y, ("a", "b", "c", "d"), second_order=True, bootstrap=10, conf_level=0.95, seed=1)


def test_targets_refuse_nan_and_infinities_off_the_rank():
    target = Target("margin", "output", "margin_per_user", "Margin", "USD", "identity")
    with pytest.raises(UndefinedOutputError, match=r"1 of 3 values of margin_per_user are undefined \(NaN\)"):
        target.values(np.array([1.0, np.nan, 2.0]))
    with pytest.raises(UndefinedOutputError, match=r'1 of 2 values are infinite, so \[sensitivity\] transform = '
                                                   r'"identity" is undefined for them; set transform = "rank"'):
        target.values(np.array([1.0, np.inf]))
    with pytest.raises(UndefinedOutputError, match="undefined"):
        replace(target, transform="rank").values(np.array([1.0, np.nan]))
    logged = Target("cost", "output", "cost", "Cost", "USD", "log10")
    with pytest.raises(UndefinedOutputError, match='transform = "identity"'):
        logged.values(np.array([1.0, 0.0]))


# --- the rank of outputs that can be infinite ----------------------------------------------------------

def test_mid_rank_cdf_gives_ties_their_mid_rank_and_puts_infinite_values_at_the_top():
    y = np.array([3.0, np.inf, 1.0, 3.0, np.inf, 2.0])
    # mid-ranks 3.5, 5.5, 1, 3.5, 5.5, 2 of 6; F = (mid-rank - 1/2) / 6
    np.testing.assert_array_equal(mid_rank_cdf(y), (np.array([3.5, 5.5, 1, 3.5, 5.5, 2]) - 0.5) / 6)
    # at points outside the reference: (#below + #equal / 2) / n
    np.testing.assert_array_equal(mid_rank_cdf(np.array([0.0, 3.0, 10.0, np.inf]), y), np.array([0, 6, 8, 10]) / 12)



@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([-np.inf, -2.5, 0.0, 1.0, 1.0 + 2**-52, 3.0, np.inf]) | st.floats(-1e3, 1e3),
                min_size=1, max_size=40),
       st.lists(st.sampled_from([-np.inf, 0.0, 1.0, 3.0, np.inf]) | st.floats(-1e3, 1e3), min_size=1, max_size=40))
def test_mid_rank_cdf_is_its_definition(values, reference):
    """F(x) = (#{r < x} + #{r == x} / 2) / n, counted one value at a time."""
    def counted(xs, refs):
        refs = np.asarray(refs)
        return np.array([((refs < x).sum() + (refs == x).sum() / 2) / refs.size for x in xs])

    np.testing.assert_array_equal(mid_rank_cdf(np.array(values)), counted(values, values))
    np.testing.assert_array_equal(mid_rank_cdf(np.array(values), np.array(reference)), counted(values, reference))

def _rank_indices_of_a_weighted_sum(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S1 and ST of Phi(L / s), the CDF of L = sum a_i x_i over iid standard normals (s^2 = sum a_i^2).

    E[Phi(L / s) | x_i] = Phi(c x_i) with c = a_i / sqrt(2 s^2 - a_i^2), and E[Phi(c X)^2] = 1/4 +
    arcsin(c^2 / (1 + c^2)) / (2 pi) (an orthant probability), so with Var(Phi(L / s)) = 1/12,
    S1_i = (6 / pi) arcsin(a_i^2 / (2 s^2)); ST_i is 1 minus S1 of all the others together,
    1 - (6 / pi) arcsin((s^2 - a_i^2) / (2 s^2)). The S1 are checked here by quadrature too.
    """
    s2 = float(np.sum(weights**2))
    s1 = 6 / math.pi * np.arcsin(weights**2 / (2 * s2))
    st = 1 - 6 / math.pi * np.arcsin((s2 - weights**2) / (2 * s2))
    for a, closed in zip(weights, s1, strict=True):
        c = a / math.sqrt(2 * s2 - a**2)
        second = integrate.quad(lambda x, c=c: stats.norm.cdf(c * x) ** 2 * stats.norm.pdf(x), -np.inf, np.inf,
                                epsabs=1e-13)[0]
        assert 12 * (second - 0.25) == pytest.approx(closed, abs=1e-10)
    return s1, st


PAYBACK_OUTPUTS = ["score", "months", "payback_months", "payback_capped_1e6", "payback_capped_1e300"]


@pytest.fixture(scope="module")
def payback():
    priors = load_priors(DATA / "three-normals.toml")
    return analyse(priors, PAYBACK, spec(PAYBACK_OUTPUTS, transform="rank"), seed=11)


def test_rank_indices_match_their_closed_form(payback):
    """The rank of L = x1 + 2 x2 + 3 x3 (iid standard normals) is Phi(L / sqrt(14)); its indices have
    a closed form, with interactions (S1 < ST) though L itself is additive."""
    s1, st = _rank_indices_of_a_weighted_sum(np.array([1.0, 2.0, 3.0]))
    ix = payback["score"].indices
    for estimate, half, truth in ((ix.S1, ix.S1_conf, s1), (ix.ST, ix.ST_conf, st)):
        # twice the 95 % half-width: see test_ishigami_indices_lie_within_their_intervals
        assert np.all(np.abs(estimate - truth) <= 2 * half), (estimate, half, truth)
        assert np.all(np.abs(estimate - truth) <= 0.02)
    assert payback["score"].ranking.order == ("x3", "x2", "x1") and payback["score"].ranking.settled


def test_rank_indices_are_the_same_for_every_increasing_transform(payback):
    """exp(L / 4) has the indices of L, bit for bit. Sending the values where L >= 4 to +inf ties them
    at the top; that target is the same, bit for bit, wherever they are put (1e6 or 1e300 instead of
    inf): no horizon moves the indices."""
    def same(first, second):
        a, b = payback[first].indices, payback[second].indices
        return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("S1", "S1_conf", "ST", "ST_conf"))

    assert same("score", "months")
    assert payback["payback_months"].infinite_share > 0.1  # P(L >= 4) = 0.142
    assert same("payback_months", "payback_capped_1e6") and same("payback_months", "payback_capped_1e300")
    assert not same("score", "payback_months")  # the tie at the top is a different target
    summary = sensitivity_summary(payback)
    for key in ("months", "payback_months", "payback_capped_1e6"):
        assert summary[key]["crosschecks"]["spearman"] == summary["score" if key == "months" else "payback_months"][
            "crosschecks"]["spearman"]


def test_an_output_in_months_that_can_be_infinite_gets_indices(tmp_path):
    from mcsim.report.sensitivity_figures import plot_sensitivity

    priors = load_priors(DATA / "three-normals.toml")
    result = analyse(priors, PAYBACK, spec(["payback_months", "months"], n=1024), seed=3)
    payback = result["payback_months"]
    assert payback.target.transform == "rank" and payback.indices is not None
    assert payback.ranking.order == ("x3", "x2", "x1")
    assert 0.1 < payback.infinite_share < 0.2
    assert result["months"].target.transform == "log10"  # could be infinite, is not: log10, as before
    assert "never pays back" in payback.target.describe()
    # the tornado: x3 at its p95 gives L = 4.93 >= 4, never paid back; drawn at the largest finite value
    bar = payback.tornado.bars[0]
    assert bar.name == "x3" and bar.capped_high and not bar.capped_low
    assert bar.output_high == payback.tornado.edge == pytest.approx(math.exp(PAYBACK_NEVER / 4), rel=0.01)
    assert 0.7 < bar.swing < 0.95  # on the rank: from about Phi(-4.93 / 3.74) = 0.09 to the top tie, 0.93
    entry = sensitivity_summary(result)["payback_months"]["tornado"]
    assert entry["swing_scale"] == "rank"
    assert entry["bars"][0]["output_at_p95"] is None and entry["bars"][0]["infinite_at_p95"] is True
    assert "months to never" in sensitivity_markdown(result)
    assert len(plot_sensitivity(result, tmp_path)) == 4  # indices and tornado of each; one N: no convergence


def test_infinite_values_seen_only_at_a_later_step_put_every_step_on_the_rank():
    priors = load_priors(DATA / "three-normals.toml")
    first = analyse(priors, PAYBACK, spec(["rare_payback_months"], n=64, tolerance=1e-6, shapley_samples=1024), seed=1)
    assert first["rare_payback_months"].target.transform == "log10"  # no infinite value in the first step
    auto = analyse(priors, PAYBACK, spec(["rare_payback_months"], n=64, max_base_samples=1024, tolerance=1e-6,
                                         shapley_samples=1024), seed=1)["rare_payback_months"]
    ranked = analyse(priors, PAYBACK, spec(["rare_payback_months"], n=64, max_base_samples=1024, tolerance=1e-6,
                                           transform="rank", shapley_samples=1024), seed=1)["rare_payback_months"]
    assert auto.target.transform == "rank" and auto.infinite_share > 0
    assert [s.base_samples for s in auto.convergence] == [64, 128, 256, 512, 1024]
    for mine, theirs in zip(auto.convergence, ranked.convergence, strict=True):
        np.testing.assert_array_equal(mine.ST, theirs.ST)
        np.testing.assert_array_equal(mine.S1_conf, theirs.S1_conf)


# --- reproducibility ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 12345])
def test_a_seed_reproduces_bit_identical_indices(seed):
    priors = load_priors(DATA / "ishigami.toml")
    first = sensitivity_summary(analyse(priors, ISHIGAMI, spec(["y"], n=512), seed=seed))
    again = sensitivity_summary(analyse(priors, ISHIGAMI, spec(["y"], n=512), seed=seed))
    other = sensitivity_summary(analyse(priors, ISHIGAMI, spec(["y"], n=512), seed=seed + 1))
    assert json.dumps(first) == json.dumps(again)
    assert first["y"]["ST"] != other["y"]["ST"]


def test_salib_seeds_are_never_zero():
    seeds = [sobol_module.salib_seed(seed, purpose) for seed in range(200) for purpose in (1, 2, 3)]
    assert min(seeds) >= 1 and len(set(seeds)) == len(seeds)


# --- convergence, rankings, cross-checks, tornado ----------------------------------------------------

def test_convergence_doubles_until_the_tolerance(paper):
    priors, _ = paper
    result = analyse(priors, TABLEAU1, spec(["crossover_users"], n=256, max_base_samples=4096,
                                            tolerance=0.08), seed=1)
    target = result["crossover_users"]
    sizes = [step.base_samples for step in target.convergence]
    assert sizes == [256 * 2**k for k in range(len(sizes))]
    widths = [step.widest_ST[0] for step in target.convergence]
    assert target.converged == (widths[-1] < 0.08)
    assert all(w >= 0.08 for w in widths[:-1])
    table = sensitivity_summary(result)["crossover_users"]["convergence"]
    assert [row["base_samples"] for row in table] == sizes
    assert sensitivity_summary(result)["crossover_users"]["samples"] == sizes[-1]


def test_unconverged_runs_say_so(paper):
    priors, _ = paper
    result = analyse(priors, TABLEAU1, spec(["break_even_users"], n=64, tolerance=0.001, shapley_samples=1024),
                     seed=1)
    assert not result["break_even_users"].converged
    assert "**Not converged**" in sensitivity_markdown(result)
    assert sensitivity_summary(result)["break_even_users"]["not_converged"]["ST"]
    assert "), not converged |" in sensitivity_markdown(result)  # the table marks each index whose interval is too wide


def test_paper_ranking_and_crosschecks(paper):
    _, result = paper
    target = result["break_even_users"]
    assert target.ranking.top == "conversion_rate" and target.ranking.settled
    assert target.top_agrees
    summary = sensitivity_summary(result)
    json.dumps(summary, allow_nan=False)
    entry = summary["break_even_users"]
    assert set(entry) >= {"samples", "S1", "S1_conf", "ST", "ST_conf", "convergence", "ranking", "crosschecks",
                          "tornado", "target"}
    assert entry["ranking"]["order"][0] == "conversion_rate"
    assert entry["crosschecks"]["order"]["spearman"][0] == "conversion_rate"
    assert "price" not in entry["ST"] and summary["method"]["left_out_points"] == ["price"]
    assert summary["claims"]["break_even_within_6M"]["ranking"]["top"] == "conversion_rate"
    text = sensitivity_markdown(result)
    assert "explains" in text and "conversion\\_rate" not in text  # names are code spans, not escaped text
    # each input named as a sentence names it; Spearman's ρ signed with the report's minus sign
    assert "**The share of users paying for Plus explains " in text and "puts the share of users paying for" in text
    top = next(line for line in text.splitlines() if line.startswith("| 1 | Share of users"))
    assert re.search(r" \| \u22120\.\d\d \| ", top) and "| -0." not in text  # it lowers break-even


def test_tornado_bars_are_sorted_by_swing():
    """y = x1 + 2 x2 + 3 x3, uniforms on [-pi, pi]: p05/p95 = -/+ 0.9 pi, swings 1.8 pi k."""
    priors = load_priors(DATA / "ishigami.toml")
    tornado = analyse(priors, LINEAR, spec(["y"], n=256), seed=1)["y"].tornado
    assert [bar.name for bar in tornado.bars] == ["x3", "x2", "x1"]
    assert tornado.baseline == 0.0
    for bar, k in zip(tornado.bars, (3, 2, 1), strict=True):
        assert bar.output_low == pytest.approx(-0.9 * math.pi * k)
        assert bar.output_high == pytest.approx(0.9 * math.pi * k)
        assert bar.swing == pytest.approx(1.8 * math.pi * k)


def test_paper_tornado_axis_is_the_papers_break_even(paper):
    _, result = paper
    tornado = result["break_even_users"].tornado
    assert tornado.baseline == pytest.approx(63e6 / 12 / (0.05 * 20 - 100 * 0.001))
    assert tornado.bars[0].name == "conversion_rate"
    swings = [bar.swing for bar in tornado.bars]
    assert swings == sorted(swings, reverse=True)


def test_negative_first_order_estimates_are_shown():
    priors = load_priors(DATA / "ishigami.toml")
    result = analyse(priors, ISHIGAMI, spec(["y"], n=64), seed=4)
    ix = result["y"].indices
    summary = sensitivity_summary(result)["y"]
    assert summary["S1"]["x3"] == pytest.approx(float(ix.S1[2]))  # kept as estimated, sign included
    if ix.S1[2] < 0 <= ix.S1[2] + ix.S1_conf[2]:
        assert "covers 0" in sensitivity_markdown(result)


def test_second_order_on_request():
    priors = load_priors(DATA / "ishigami.toml")
    result = analyse(priors, ISHIGAMI, spec(["y"], n=4096, second_order=True), seed=5)
    s2 = sensitivity_summary(result)["y"]["S2"]
    assert s2["x1"]["x3"] == pytest.approx(0.2437, abs=0.05)  # analytic S13 = ST1 - S1 = 0.2437
    assert abs(s2["x1"]["x2"]) < 0.05 and abs(s2["x2"]["x3"]) < 0.05


# --- inputs that are not independent, or not uncertain ----------------------------------------------

def test_correlations_are_stated_and_ignored():
    priors = load_priors(DATA / "ishigami.toml")
    correlated = replace(priors, correlations=(Correlation("x1", "x2", 0.5),))
    result = analyse(correlated, ISHIGAMI, spec(["y"], n=256), seed=1)
    plain = analyse(priors, ISHIGAMI, spec(["y"], n=256), seed=1)
    # the Shapley effects, which rank, take the correlations in (and so does whether the top one is converged)
    shapley = ("shapley", "shapley_conf", "ranking", "no_driver")
    assert ({k: v for k, v in sensitivity_summary(result)["y"].items() if k not in shapley}
            == {k: v for k, v in sensitivity_summary(plain)["y"].items() if k not in shapley})
    assert sensitivity_summary(result)["y"]["shapley"] != sensitivity_summary(plain)["y"]["shapley"]
    assert sensitivity_summary(result)["y"]["ranking"]["by"] == "shapley"
    assert "x1 and x2: 0.5" in sensitivity_summary(result)["method"]["independence"]
    assert "**Independence.**" in sensitivity_markdown(result)


def test_all_point_priors_are_refused():
    priors = load_priors(DATA / "ishigami.toml")
    points = replace(priors, inputs=tuple(replace(p, distribution=_point(p.point)) for p in priors.inputs))
    with pytest.raises(InputError, match=r"\[inputs\] has no uncertain input"):
        analyse(points, ISHIGAMI, spec(["y"]), seed=1)


def _point(value):
    problems = Problems("test")
    return parse_prior("x", {"point": value, "dist": "point", "source": "s"}, "[inputs.x]", problems).distribution


def test_labels_are_escaped_in_markdown():
    priors = load_priors(DATA / "two-lognormals.toml")
    text = sensitivity_markdown(analyse(priors, TABLEAU1, spec(["break_even_users"], n=256), seed=1))
    assert "Tokens \\| &lt;b>per&lt;/b> & request" in text  # only what would act is escaped
    assert "<b>" not in text


def test_the_section_escapes_text_as_the_rest_of_the_report_does():
    """One escaper for the whole report (report.text): control characters dropped, ~ left as it is."""
    priors = load_priors(DATA / "two-lognormals.toml")
    result = analyse(priors, TABLEAU1, spec(["break_even_users"], n=256), seed=1)
    odd = "a ~~b~~ \x02c | <i>"
    text = sensitivity_markdown(replace(result, labels={name: odd for name in result.labels}))
    assert md_text(odd) in text
    assert "\x02" not in text and "\\~" not in text


# --- figures ----------------------------------------------------------------------------------------

def test_figures_are_written(ishigami, tmp_path):
    from mcsim.report.sensitivity_figures import plot_sensitivity

    stems = plot_sensitivity(ishigami, tmp_path)
    assert stems == ["sensitivity_y_indices", "sensitivity_y_tornado"]  # one N: no convergence to draw
    for stem in stems:
        for extension in ("png", "pdf"):
            assert (tmp_path / f"{stem}.{extension}").stat().st_size > 1000


# --- the [sensitivity] table ---------------------------------------------------------------------

def parse(table):
    problems = Problems("runs/x.toml")
    result = parse_sensitivity(table, TABLEAU1, problems)
    problems.raise_if_any()
    return result


def test_defaults():
    parsed = parse({"outputs": ["break_even_users"]})
    assert parsed == SensitivitySpec(("break_even_users",))
    assert (parsed.base_samples, parsed.max_base_samples, parsed.tolerance, parsed.bootstrap) == (8192, 65536, 0.05,
                                                                                                   100)
    assert parse({"outputs": ["break_even_users"], "base_samples": 1 << 17}).max_base_samples == 1 << 17


@pytest.mark.parametrize(("table", "message"), [
    ({"tolerance": -1}, r"runs/x.toml: \[sensitivity\] tolerance = -1 is invalid: must be a number in \(0, 1\)"),
    ({"tolerence": 0.1}, r'\[sensitivity\] tolerence is not a known key; did you mean "tolerance"\?'),
    ({"conf_level": 1.0}, r"\[sensitivity\] conf_level = 1 is invalid: must be a number in \(0, 1\)"),
    ({"base_samples": 1000}, r"\[sensitivity\] base_samples = 1000 is invalid: must be a power of 2"),
    ({"max_base_samples": 4096}, r"\[sensitivity\] max_base_samples = 4096 is invalid: must be >= base_samples "
                                 "= 8192"),
    ({"max_base_samples": 3e4}, r"max_base_samples = 30000 is invalid: must be a power of 2"),
    ({"bootstrap": 5}, r"\[sensitivity\] bootstrap = 5 is invalid: must be a whole number of resamples"),
    ({"second_order": "yes"}, r'\[sensitivity\] second_order = "yes" is invalid: must be true or false'),
    ({"claims": 1}, r"\[sensitivity\] claims = 1 is invalid: must be true or false"),
    ({"transform": "log"}, r'\[sensitivity\] transform = "log" is unknown; did you mean "log10"\? '
                           r"\(allowed: auto, rank, log10, identity\)"),
    ({"crosscheck_samples": 10}, r"\[sensitivity\] crosscheck_samples = 10 is invalid"),
    ({"max_base_samples": 1 << 24, "bootstrap": 1000, "replicates": 1}, r"is too large: the bootstrap adds up N x "
                                                                          r"resamples"),
    ({"bootstrap": 200}, r"bootstrap = 200 is invalid: has no effect with replicates = 16"),
    ({"replicates": 3}, r"replicates = 3 is invalid: must be a power of 2 from 1 to 256"),
    ({"replicates": 16, "base_samples": 16}, r"base_samples = 16 is invalid: must be at least 2 x replicates = 32"),
    ({"outputs": ["surplus"]}, r'names "surplus", which varies with users'),
    ({"outputs": ["break_even"]}, r'names "break_even", not an output of model tableau1; did you mean '
                                  r'"break_even_users"\?'),
    ({"outputs": ["crossover_users", "crossover_users"]}, r"names an output twice"),
])
def test_invalid_tables_are_refused(table, message):
    with pytest.raises(InputError, match=message):
        parse({"outputs": ["break_even_users"], **table})


def test_horizon_users_is_accepted_and_said_to_be_no_longer_used():
    assert parse({"outputs": ["break_even_users"]}).notes == ()
    parsed = parse({"outputs": ["break_even_users"], "horizon_users": 1e12})
    assert parsed.no_longer_used == ("horizon_users",)
    assert parsed.notes == ("[sensitivity] horizon_users is no longer used: an output that can be infinite is "
                            "analysed through its rank among the samples, which needs no horizon; remove the key from "
                            "the run file",)
    priors = load_priors(DATA / "two-lognormals.toml")
    result = analyse(priors, TABLEAU1, replace(parsed, base_samples=256, max_base_samples=256), seed=1)
    method = sensitivity_summary(result)["method"]
    assert method["notes"] == list(parsed.notes) and "horizon_users" not in method
    assert "Note: \\[sensitivity\\] horizon_users is no longer used" in sensitivity_markdown(result)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InputError) as error:
        parse({"outputs": ["break_even_users"], "tolerance": 2, "bootstrap": 0, "transform": 3})
    assert len(error.value.problems) == 3


@pytest.mark.parametrize(("options", "expected"), [
    ({"base_samples": 1000}, "base_samples = 1000 is invalid: must be a power of 2 from 2 to 2**24 (Sobol sequences "
     "keep their balance only in powers of 2)"),
    ({"bootstrap": 200}, "bootstrap = 200 is invalid: has no effect with replicates = 16: the intervals come from the "
     "replicates; set replicates = 1 for SALib's bootstrap intervals"),
    ({"transform": "log"}, 'transform = "log" is unknown; did you mean "log10"? '
     "(allowed: auto, rank, log10, identity)"),
    ({"outputs": "y"}, 'outputs = "y" is invalid: must be a list of output names'),
])
def test_a_spec_built_in_python_gets_the_tables_message(options, expected):
    with pytest.raises(InputError) as built:
        SensitivitySpec(**{"outputs": ("break_even_users",), **options})
    assert [str(p) for p in built.value.problems] == [f"<python>: [sensitivity] {expected}"]
    with pytest.raises(InputError) as parsed:
        parse({"outputs": ["break_even_users"], **options})
    assert [str(p) for p in parsed.value.problems] == [f"runs/x.toml: [sensitivity] {expected}"]


def test_a_spec_built_in_python_takes_the_files_defaults():
    assert SensitivitySpec(("y",), base_samples=1 << 17).max_base_samples == 1 << 17
    assert SensitivitySpec(("y",), base_samples=1024).max_base_samples == 65536
    assert replace(SensitivitySpec(("y",)), base_samples=1 << 10) == SensitivitySpec(("y",), base_samples=1024)


def test_doubling_draws_exactly_the_rows_salib_adds():
    names = ("a", "b", "c")
    for second_order in (False, True):
        full = sobol_module.unit_sample(names, 64, second_order=second_order, seed=9)
        head = sobol_module.unit_sample(names, 32, second_order=second_order, seed=9)
        tail = sobol_module.unit_sample(names, 32, second_order=second_order, seed=9, skip=32)
        assert np.array_equal(np.concatenate([head, tail]), full)


def test_a_narrow_interval_in_percent_shows_its_ends_apart():
    """0.339 +/- 0.0015 is 33.9 % (33.8 to 34.1 %), not 34 % (34 to 34 %); a wide one keeps whole percents."""
    assert _interval(0.3393, 0.0015, as_percent=True) == "33.9 % (33.8 to 34.1 %)"
    assert _interval(0.63, 0.02, as_percent=True) == "63 % (61 to 65 %)"
    assert _interval(0.34, 0.00001, as_percent=True) == "34.00 % (its interval narrower than 0.01 %)"


def test_indices_are_told_apart_only_where_their_intervals_do_not_overlap():
    assert indices_distinguishable(0.66, 0.005, 0.63, 0.005)
    assert not indices_distinguishable(0.341, 0.0035, 0.339, 0.0015)  # the crossover's S1 and ST of one input
    assert not indices_distinguishable(0.5, 0.1, 0.3, 0.1)  # touching intervals do not tell
    assert not indices_distinguishable(float("nan"), 0.1, 0.3, 0.1)


def test_an_s1_and_st_their_intervals_cannot_tell_apart_are_said_indistinguishable(paper):
    """The crossover is nearly additive in the log: its top input's S1 and ST differ by noise, so the report
    gives no order between them (an S1 above the ST would be noise stated as fact)."""
    _, result = paper
    text = sensitivity_markdown(result)
    for key in ("crossover_users", "break_even_users"):
        tr = result[key]
        ix = tr.indices
        j = ix.names.index(tr.ranking.top)
        apart = indices_distinguishable(ix.S1[j], ix.S1_conf[j], ix.ST[j], ix.ST_conf[j])
        assert apart == (key == "break_even_users"), key
    lead = [line for line in text.splitlines() if line.startswith("**") and " explains " in line]
    assert len(lead) == 2
    assert "on its own (S1), and" in lead[0] and "indistinguishable" not in lead[0]  # break-even: S1 < ST, apart
    assert "the two are indistinguishable at this sample size" in lead[1]


def test_index_intervals_are_clipped_to_zero_and_one():
    assert _interval(0.951, 0.124) == "0.951 (0.827 to 1.000)"
    assert _interval(0.002, 0.004) == "0.002 (0.000 to 0.006)"
    assert _interval(0.90, 0.18, as_percent=True) == "90 % (72 to 100 %)"
    assert _interval(0.5, float("nan")) == "undefined"


def test_a_claim_constant_in_a_replicates_a_and_b_rows_has_undefined_indices_not_a_warning():
    """A claim that holds in every A and B row of a replicate (but not in every AB row): Saltelli's estimators
    divide by a variance of 0. SALib warns and returns 0; mcsim says the indices are undefined, names no driver
    for the claim, and lets no warning through."""
    import warnings

    d, base = 3, 64
    rng = np.random.default_rng(3)
    ys = [(rng.random((base, d + 2)) < 0.7).astype(float) for _ in range(4)]
    ys[0][:, 0] = ys[0][:, -1] = 1.0  # SALib's layout per base point: A, AB_1 .. AB_d, B
    ys = [y.ravel() for y in ys]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ix = sobol_module.estimate_replicated(ys, ("a", "b", "c"), second_order=False, conf_level=0.95)
    assert ix.undefined_replicates == 1
    claim = Claim("c", "the claim", "y", ">", 0.0)
    target = Target("claim:c", "claim", "y", "Y", "", "identity", claim=claim)
    tr = TargetResult(target, ix, (ix,), True, 0.05, 0.0)
    assert tr.no_driver is not None and "constant in the A and B rows of 1" in tr.no_driver
    assert target_summary(tr, 0.95)["no_driver"] == tr.no_driver
    said = "\n".join(_claims_section(SimpleNamespace(labels={}), [tr]))
    assert "| none: its indices are undefined (below) |" in said  # no most influential input named
    assert ("The Sobol indices of the indicator of the claim “the claim” are undefined in 1 of the 5 estimates (the "
            "replicates and their pool)") in said
    fine = TargetResult(target, replace(ix, undefined_replicates=0, ST_conf=np.full(3, 0.01)), (ix,), True, 0.05, 0.0)
    assert fine.no_driver is None
    wide = TargetResult(target, replace(ix, undefined_replicates=0, ST_conf=np.full(3, 0.2)), (ix,), False, 0.05, 0.0)
    assert "not converged" in wide.no_driver


def test_an_input_whose_index_overlaps_the_firsts_is_not_said_second_to_it():
    """0.47 +/- 0.02 is not inside 0.50 +/- 0.02 (so not tied by the ranking's rule), but the two intervals overlap:
    the run cannot say which drives the spread more, so the medians' sentence names both."""
    from mcsim.analysis.attribution import _tied

    target = Target("y", "output", "y", "Y", "", "identity")
    tr = TargetResult(target, _indices([0.50, 0.47, 0.20, 0.0], [0.02, 0.02, 0.01, 0.0]), (), True, 0.05, 0.0)
    assert tr.ranking.top_group == ("a",) and not tr.ranking.settled
    assert _tied({"y": tr}, "y") == ("b",)
    apart = TargetResult(target, _indices([0.50, 0.44, 0.20, 0.0], [0.02, 0.02, 0.01, 0.0]), (), True, 0.05, 0.0)
    assert _tied({"y": apart}, "y") == ()


def test_the_figures_error_bars_stop_at_zero_and_one():
    from mcsim.report.sensitivity_figures import _clipped_errors

    errors = _clipped_errors(np.array([0.95, 0.01, 0.5]), np.array([0.12, 0.03, float("nan")]))
    assert np.allclose(errors, [[0.12, 0.01, 0.0], [0.05, 0.03, 0.0]])


def test_inputs_whose_scores_differ_only_in_their_last_bits_keep_the_priors_order():
    """Two inputs that do not move a claim get equal Shapley effects, which the processor's summation order leaves
    apart in the last bits (0.03729514391521473 and ...475 for the footprint run's pue and search energy): ranked by
    those bits, their order changed from one machine to another."""
    from mcsim.analysis.ordering import decreasing

    low, high = 0.03729514391521473, 0.03729514391521475
    assert list(decreasing([0.5, low, 0.2, high])) == list(decreasing([0.5, high, 0.2, low])) == [0, 2, 1, 3]
    assert list(decreasing([0.1, 0.1 + 1e-9, -0.2])) == [1, 0, 2]  # a difference the estimate makes still counts
