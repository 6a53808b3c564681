"""Sobol sensitivity analysis: pinned against analytic indices, guarded against infinite outputs."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from models_for_tests import ISHIGAMI, ISHIGAMI_S1, ISHIGAMI_ST, LINEAR
from scipy import integrate

from mcsim.analysis.sensitivity import SensitivitySpec, UndefinedOutputError, analyse, parse_sensitivity
from mcsim.analysis.sensitivity import sobol as sobol_module
from mcsim.analysis.sensitivity.targets import Target
from mcsim.inputs.errors import InputError, Problems
from mcsim.inputs.priors import Correlation, load_priors, parse_prior
from mcsim.inputs.runs import Claim
from mcsim.models import TABLEAU1

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
    # cost per 1k tokens and tokens per prompt have the same log-sd: a tie the ranking must not hide
    assert not result["crossover_users"].ranking.settled


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
    # free inference: the crossover is infinite in every sample, capped, hence constant: no indices
    crossover = result["crossover_users"]
    assert crossover.indices is None and crossover.capped_share == 1.0
    summary = result.to_summary()["crossover_users"]
    assert summary["ST"] is None and "no variance" in summary["undefined"]


# --- infinite and undefined outputs ----------------------------------------------------------

def test_infinite_outputs_are_capped_and_never_passed_to_salib(monkeypatch):
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
    assert 0.3 < target.infinite_share <= target.capped_share < 1  # many never break even
    summary = result.to_summary()["break_even_users"]["target"]
    assert summary["capped_share"] == target.capped_share and summary["cap"] == 1e10
    assert "capped at 1e+10 users" in summary["description"]
    assert "hit the cap" in result.markdown()


def test_estimate_refuses_infinite_values_before_salib(monkeypatch):
    monkeypatch.setattr(sobol_module.salib_analyze, "separate_output_values",
                        lambda *a, **k: pytest.fail("SALib was called"))
    y = np.ones(10 * 8)
    y[3] = np.inf
    with pytest.raises(UndefinedOutputError, match="1 of 80 target values are NaN or infinite"):
        sobol_module.estimate(y, ("a", "b", "c", "d"), second_order=True, bootstrap=10, conf_level=0.95, seed=1)


def test_targets_refuse_nan_and_uncapped_infinities():
    target = Target("margin", "output", "margin_per_user", "Margin", "USD", "identity")
    with pytest.raises(UndefinedOutputError, match=r"1 of 3 values of margin_per_user are undefined \(NaN\)"):
        target.values(np.array([1.0, np.nan, 2.0]))
    with pytest.raises(UndefinedOutputError, match="1 of 2 values are infinite and USD are not capped"):
        target.values(np.array([1.0, np.inf]))
    logged = Target("cost", "output", "cost", "Cost", "USD", "log10")
    with pytest.raises(UndefinedOutputError, match='transform = "identity"'):
        logged.values(np.array([1.0, 0.0]))


# --- reproducibility ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 12345])
def test_a_seed_reproduces_bit_identical_indices(seed):
    priors = load_priors(DATA / "ishigami.toml")
    first = analyse(priors, ISHIGAMI, spec(["y"], n=512), seed=seed).to_summary()
    again = analyse(priors, ISHIGAMI, spec(["y"], n=512), seed=seed).to_summary()
    other = analyse(priors, ISHIGAMI, spec(["y"], n=512), seed=seed + 1).to_summary()
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
    table = result.to_summary()["crossover_users"]["convergence"]
    assert [row["base_samples"] for row in table] == sizes
    assert result.to_summary()["crossover_users"]["samples"] == sizes[-1]


def test_unconverged_runs_say_so(paper):
    priors, _ = paper
    result = analyse(priors, TABLEAU1, spec(["break_even_users"], n=64, tolerance=0.001), seed=1)
    assert not result["break_even_users"].converged
    assert "**Not converged**" in result.markdown()


def test_paper_ranking_and_crosschecks(paper):
    _, result = paper
    target = result["break_even_users"]
    assert target.ranking.top == "conversion_rate" and target.ranking.settled
    assert target.top_agrees
    summary = result.to_summary()
    json.dumps(summary, allow_nan=False)
    entry = summary["break_even_users"]
    assert set(entry) >= {"samples", "S1", "S1_conf", "ST", "ST_conf", "convergence", "ranking", "crosschecks",
                          "tornado", "target"}
    assert entry["ranking"]["order"][0] == "conversion_rate"
    assert entry["crosschecks"]["order"]["spearman"][0] == "conversion_rate"
    assert "price" not in entry["ST"] and summary["method"]["left_out_points"] == ["price"]
    assert summary["claims"]["break_even_within_6M"]["ranking"]["top"] == "conversion_rate"
    text = result.markdown()
    assert "explains" in text and "conversion\\_rate" not in text  # names are code spans, not escaped text


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
    summary = result.to_summary()["y"]
    assert summary["S1"]["x3"] == pytest.approx(float(ix.S1[2]))  # kept as estimated, sign included
    if ix.S1[2] < 0 <= ix.S1[2] + ix.S1_conf[2]:
        assert "covers 0" in result.markdown()


def test_second_order_on_request():
    priors = load_priors(DATA / "ishigami.toml")
    result = analyse(priors, ISHIGAMI, spec(["y"], n=4096, second_order=True), seed=5)
    s2 = result.to_summary()["y"]["S2"]
    assert s2["x1"]["x3"] == pytest.approx(0.2437, abs=0.05)  # analytic S13 = ST1 - S1 = 0.2437
    assert abs(s2["x1"]["x2"]) < 0.05 and abs(s2["x2"]["x3"]) < 0.05


# --- inputs that are not independent, or not uncertain ----------------------------------------------

def test_correlations_are_stated_and_ignored():
    priors = load_priors(DATA / "ishigami.toml")
    correlated = replace(priors, correlations=(Correlation("x1", "x2", 0.5),))
    result = analyse(correlated, ISHIGAMI, spec(["y"], n=256), seed=1)
    plain = analyse(priors, ISHIGAMI, spec(["y"], n=256), seed=1)
    assert result.to_summary()["y"] == plain.to_summary()["y"]
    assert "x1 and x2: 0.5" in result.to_summary()["method"]["independence"]
    assert "**Independence.**" in result.markdown()


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
    text = analyse(priors, TABLEAU1, spec(["break_even_users"], n=256), seed=1).markdown()
    assert "Tokens \\| &lt;b&gt;per&lt;/b&gt; &amp; request" in text
    assert "<b>" not in text


# --- figures ----------------------------------------------------------------------------------------

def test_figures_are_written(ishigami, tmp_path):
    from mcsim.report.sensitivity_figures import plot_sensitivity

    stems = plot_sensitivity(ishigami, tmp_path)
    assert stems == ["sensitivity_y_indices", "sensitivity_y_tornado", "sensitivity_y_convergence"]
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
    ({"horizon_users": -1}, r"\[sensitivity\] horizon_users = -1 is invalid: must be a finite number of users > 0"),
    ({"transform": "log"}, r'\[sensitivity\] transform = "log" is unknown; did you mean "log10"\? '
                           r"\(allowed: auto, log10, identity\)"),
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


def test_every_problem_is_reported_at_once():
    with pytest.raises(InputError) as error:
        parse({"outputs": ["break_even_users"], "tolerance": 2, "bootstrap": 0, "transform": 3})
    assert len(error.value.problems) == 3


@pytest.mark.parametrize(("options", "expected"), [
    ({"base_samples": 1000}, "base_samples = 1000 is invalid: must be a power of 2 from 2 to 2**24 (Sobol sequences "
     "keep their balance only in powers of 2)"),
    ({"bootstrap": 200}, "bootstrap = 200 is invalid: has no effect with replicates = 16: the intervals come from the "
     "replicates; set replicates = 1 for SALib's bootstrap intervals"),
    ({"transform": "log"}, 'transform = "log" is unknown; did you mean "log10"? (allowed: auto, log10, identity)'),
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
