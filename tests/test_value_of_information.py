"""Value of information: EVPI and EVPPI against the closed forms of a linear payoff of normal inputs."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from models_for_tests import LINEAR_SURPLUS
from scipy import integrate, stats

from mcsim.analysis.value_of_information import ValueOfInformationSpec, assess
from mcsim.analysis.value_of_information.estimate import Bins, evpi, evppi
from mcsim.inputs.claims import Claim
from mcsim.inputs.distributions import Normal
from mcsim.inputs.errors import InputError
from mcsim.inputs.priors import Correlation, Prior, Priors
from mcsim.inputs.runs import RunSpec, load_run
from mcsim.serialise.sections import value_of_information_summary

MARGIN, FIXED = (1.0, 0.5), (5e6, 1.5e6)  # (mean, sd): break-even at 5 million users
USERS = (2e6, 5e6, 8e6)


def expected_positive_part(m: float, s: float) -> float:
    """E[max(Y, 0)] - max(E[Y], 0) for Y ~ N(m, s^2): s phi(m / s) + m Phi(m / s) - max(m, 0)."""
    if s == 0:
        return 0.0
    return s * stats.norm.pdf(m / s) + m * stats.norm.cdf(m / s) - max(m, 0.0)


def truth(users: float, r: float) -> tuple[float, float, float, float]:
    """The payoff's mean and sd, and the sds of its conditional means given the margin and given the fixed cost."""
    (mm, sm), (mf, sf) = MARGIN, FIXED
    mean = users * mm - mf
    sd = math.sqrt((users * sm) ** 2 + sf**2 - 2 * users * r * sm * sf)
    return mean, sd, abs(users * sm - r * sf), abs(users * r * sm - sf)


def spec_with(r: float, samples: int = 1 << 20, claims=(), sampler: str = "random") -> RunSpec:
    inputs = (Prior("margin", MARGIN[0], Normal(*MARGIN), source="test"),
              Prior("fixed", FIXED[0], Normal(*FIXED), source="test"))
    correlations = (Correlation("margin", "fixed", 6 / math.pi * math.asin(r / 2)),) if r else ()
    priors = Priors(inputs=inputs, correlations=correlations)
    return RunSpec(title="linear", file="linear.toml", sha256="", priors=priors, model=LINEAR_SURPLUS,
                   samples=samples, sampler=sampler, seed=12, grid_values=USERS, claims=tuple(claims),
                   value_of_information=ValueOfInformationSpec(USERS))


@pytest.mark.parametrize(("r", "sampler"), [(0.0, "random"), (0.5, "random"), (0.5, "sobol"), (0.0, "lhs")])
def test_evpi_and_evppi_match_the_closed_forms(r, sampler):
    # on the run's own design: the binned estimator and its standard error hold on a Sobol or Latin hypercube design
    found = assess(spec_with(r, sampler=sampler))
    assert [d.users for d in found.decisions] == list(USERS)
    for decision in found.decisions:
        mean, sd, given_margin, given_fixed = truth(decision.users, r)
        assert decision.mean == pytest.approx(mean, abs=4 * sd / 1000)
        # 99.7 % intervals (three standard errors): six values per correlation, each missed 3 times in 1000
        for estimate, s in ((decision.evpi, sd), (decision.evppi["margin"], given_margin),
                            (decision.evppi["fixed"], given_fixed)):
            exact = expected_positive_part(mean, s)
            # (1e-9 sd: where the input explains nothing of the decision, both are 0 to rounding)
            assert abs(estimate.value - exact) <= 3 * estimate.se + 1e-9 * sd, (decision.users, estimate, exact)
            assert estimate.se <= 0.01 * sd  # an interval narrow enough for the check to mean something


def test_the_estimators_on_a_plain_sample_cover_the_truth_about_as_often_as_they_say():
    hits, total = 0, 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        a, b = rng.normal(0.1, 1.0, 1 << 16), rng.normal(0.0, 2.0, 1 << 16)
        y = 5 * a - b
        for estimate, s in ((evpi(y), math.sqrt(29.0)), (evppi(y, Bins.of(a, 256)), 5.0),
                            (evppi(y, Bins.of(b, 256)), 2.0)):
            hits += abs(estimate.value - expected_positive_part(0.5, s)) <= 1.96 * estimate.se
            total += 1
    assert 0.88 <= hits / total <= 0.99, hits / total  # 95 % intervals: 108 to 119 of 120 expected


def test_the_noise_in_bin_means_is_not_counted_as_value():
    # an input that moves the payoff little: uncorrected, the convex max over noisy bin means adds about 0.01 here,
    # several times the spread of the mean error over 40 seeds
    errors = []
    for seed in range(40):
        rng = np.random.default_rng(100 + seed)
        a, b, c = rng.normal(0.1, 1.0, 1 << 16), rng.normal(0.3, 2.0, 1 << 16), rng.normal(0.0, 0.5, 1 << 16)
        errors.append(evppi(5 * a - b + 2 * c, Bins.of(c, 256)).value - expected_positive_part(0.2, 1.0))
    assert abs(np.mean(errors)) <= 3 * np.std(errors, ddof=1) / math.sqrt(len(errors)), np.mean(errors)


def test_an_input_with_few_values_is_grouped_by_value():
    x = np.repeat([1.0, 2.0, 3.0], 1000)
    bins = Bins.of(x, 64)
    assert bins.exact and list(bins.counts) == [1000, 1000, 1000]
    y = np.where(x == 3.0, 2.0, -1.0)  # acting pays only when x = 3
    assert evppi(y, bins).value == pytest.approx(2.0 / 3.0, abs=1e-12)  # E[max(E[y|x], 0)] - max(0, 0)


def _reduction(users: float, r: float, known: str) -> float:
    """Expected fall in P(wrong verdict) on 'surplus > 0 at users' if ``known`` were known: by quadrature."""
    mean, sd, given_margin, given_fixed = truth(users, r)
    s_known = given_margin if known == "margin" else given_fixed
    rest = math.sqrt(sd**2 - s_known**2)
    p = stats.norm.cdf(mean / sd)

    def wrong(z):  # the conditional mean is mean + s_known z
        q = stats.norm.cdf((mean + s_known * z) / rest)
        return min(q, 1 - q) * stats.norm.pdf(z)

    return min(p, 1 - p) - integrate.quad(wrong, -10, 10, points=[-mean / s_known], limit=200)[0]


def test_the_claims_reduction_in_wrong_verdicts_matches_quadrature():
    claim = Claim("pays_at_8M", "pays at 8 million users", "surplus", ">", 0.0, at=8e6, grid="users")
    found = assess(spec_with(-0.4, samples=1 << 19, claims=[claim]))
    value = found.claims[0]
    mean, sd, _, _ = truth(8e6, -0.4)
    assert value.probability == pytest.approx(stats.norm.cdf(mean / sd), abs=0.003)
    for name in ("margin", "fixed"):
        estimate = value.reduction[name]
        assert abs(estimate.value - _reduction(8e6, -0.4, name)) <= 3 * estimate.se, (name, estimate)
        assert 0 < estimate.value <= value.wrong


def test_the_default_run_has_a_value_of_information():
    spec = load_run(ROOT / "runs" / "paper-table1.toml", samples=1024)
    assert spec.value_of_information.users == (1e6, 6e6, 5e7)
    assert spec.value_of_information.output == "surplus"


def _run(write, table: str) -> Path:
    priors = (ROOT / "tests" / "plugin" / "subscription-priors.toml").as_posix()
    return write("voi.toml", f'[run]\npriors = "{priors}"\nsamples = 1024\nusers = [1e4, 1e5]\n\n'
                             f"[value_of_information]\n{table}\n")


PROFIT = '\noutput = "profit"'


@pytest.mark.parametrize(("table", "message"), [
    ("users = []" + PROFIT, r"\[value_of_information\] users = \[\] is invalid: must be a non-empty, strictly "),
    ("users = [1e6, 1e5]" + PROFIT, r"users = \[1e\+06, 100000\] is invalid"),
    ("users = [1e5]\nsamples = 4096" + PROFIT, r"\[value_of_information\] samples is not a key: the value of "
                                             r"information is computed on the run's own samples"),
    ("users = [1e5]\nbins = 3" + PROFIT, r"\[value_of_information\] bins is not a known key \(allowed: users, "
                                       r"output\)"),
    ('users = [1e5]\noutput = "proft"', r'output = "proft" is not an output of model subscription; did you mean '
                                        r'"profit"\? \(outputs: payback_months, margin_per_user, profit\)'),
    ('users = [1e5]\noutput = "margin_per_user"', r"\[value_of_information\] users = \[100000\.?0?\] is invalid: the "
                                                 r"payoff margin_per_user does not vary with users, so the decision is "
                                                 r"taken once \(act or not\); leave users out"),
    ('output = "profit"', r"\[value_of_information\] users is missing: the payoff profit varies with users"),
    ("users = [1e5]", r'\[value_of_information\] output is missing: model subscription has no output "surplus" to '
                      r"take as the payoff, so name one \(outputs: payback_months, margin_per_user, profit\)"),
])
def test_bad_tables_are_refused_in_one_line(write, table, message):
    with pytest.raises(InputError, match=message) as raised:
        load_run(_run(write, table))
    assert len(str(raised.value).splitlines()) == 1


def test_a_scalar_payoff_is_one_decision_and_matches_the_closed_form():
    """Acting with payoff the margin (one number a sample, N(1, 0.5)) or not: EVPI = E[max(Y, 0)] - max(E[Y], 0),
    all of it the margin's; the fixed cost, which the payoff does not depend on, is worth nothing."""
    voi = ValueOfInformationSpec(output="margin")
    spec = dataclasses.replace(spec_with(0.0, samples=1 << 18), value_of_information=voi)
    found = assess(spec)
    assert found.curve == () and len(found.decisions) == 1
    decision = found.decisions[0]
    assert decision.users is None and decision.mean == pytest.approx(MARGIN[0], abs=4 * MARGIN[1] / 500)
    exact = expected_positive_part(*MARGIN)
    for estimate in (decision.evpi, decision.evppi["margin"]):
        assert abs(estimate.value - exact) <= 3 * estimate.se + 1e-12, (estimate, exact)
    assert decision.evppi["fixed"].value <= 3 * decision.evppi["fixed"].se + 1e-12
    summary = value_of_information_summary(found)
    assert summary["users"] == [] and summary["decisions"][0]["users"] is None
    assert summary["decision"].startswith("once: act (payoff margin)")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_scalar_payoff_is_reported(write, tmp_path, lang):
    from mcsim.cli import main

    run = _run(write, 'output = "margin_per_user"')
    out = tmp_path / f"report-{lang}"
    assert main(["run", str(run), "--out", str(out), "--lang", lang]) == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    said = {"en": "The decision, taken once: act", "fr": "La décision, prise une seule fois\u00a0: agir"}[lang]
    assert said in text and (out / "figures" / "value_of_information.png").is_file()


def test_a_model_without_surplus_names_its_payoff(write):
    spec = load_run(_run(write, 'users = [1e5]\noutput = "profit"'))
    assert spec.value_of_information.output == "profit"
    assert assess(spec, ValueOfInformationSpec((1e5,), "profit")).label == "Profit"


RUNS = ROOT / "runs"


@pytest.mark.parametrize("run", ["paper-table1.toml", "correlated-costs.toml"])
def test_the_claims_base_probabilities_are_the_runs_own(run):
    # the value of information is on the run's own sample: each claim's probability there is the run's, exactly
    from mcsim.pipeline import execute

    spec = load_run(RUNS / run, samples=1 << 13)
    spec = dataclasses.replace(spec, sensitivity=None)
    result = execute(spec)
    voi = result.value_of_information
    assert (voi.samples, voi.sampler, voi.seed) == (result.samples, spec.sampler, spec.seed)
    assert value_of_information_summary(voi)["method"]["seed"] == spec.seed
    assert {c.claim: c.probability for c in voi.claims} == {name: c.probability for name, c in result.claims.items()}


def test_a_run_that_stops_early_has_its_value_of_information_on_the_samples_it_drew():
    from mcsim.pipeline import execute

    # more samples than the pilot's, so that the quantiles' brackets hold a run stopped early
    spec = dataclasses.replace(load_run(RUNS / "paper-table1.toml", samples=1 << 17), sensitivity=None,
                               chunk_size=1 << 13)
    result = execute(spec, stop_when=lambda progress: progress.samples >= 3 << 13)
    assert result.stopped_early and result.value_of_information.samples == result.samples == 3 << 13
    assert {c.claim: c.probability for c in result.value_of_information.claims} == {
        name: c.probability for name, c in result.claims.items()}


def test_the_value_of_information_does_not_depend_on_chunks_or_workers():
    from mcsim.pipeline import execute

    spec = dataclasses.replace(load_run(RUNS / "correlated-costs.toml", samples=1 << 14), sensitivity=None)
    one = execute(dataclasses.replace(spec, chunk_size=1 << 13, workers=1)).value_of_information
    two = execute(dataclasses.replace(spec, chunk_size=1 << 14, workers=2)).value_of_information
    assert value_of_information_summary(one) == value_of_information_summary(two)


def test_the_tables_give_the_summarys_decisions_and_claims(small_default_report):
    """tables/value_of_information (a row per decision: its users, the payoff's mean, EVPI and each EVPPI with standard
    errors) and value_of_information_claims hold summary.json's numbers, and their LaTeX is booktabs."""
    import csv
    import json

    summary = json.loads((small_default_report / "summary.json").read_text())["value_of_information"]
    tables = small_default_report / "tables"
    rows = list(csv.DictReader((tables / "value_of_information.csv").open(encoding="utf-8")))
    assert [float(r["users"]) for r in rows] == [d["users"] for d in summary["decisions"]]
    for row, decision in zip(rows, summary["decisions"], strict=True):
        assert float(row["mean_payoff"]) == decision["mean_payoff"] and float(row["evpi_se"]) == decision["evpi"]["se"]
        assert (row["acts"] == "true") == (decision["decision_now"] == "act")
        for name, value in decision["evppi"].items():
            assert (float(row[f"evppi_{name}"]), float(row[f"evppi_{name}_se"])) == (value["value"], value["se"])
    claims = list(csv.DictReader((tables / "value_of_information_claims.csv").open(encoding="utf-8")))
    assert [c["claim"] for c in claims] == list(summary["claims"])
    assert all(path.read_text().count("\\toprule") == 1 for path in tables.glob("value_of_information*.tex"))


@pytest.mark.parametrize(("value", "se", "shown"), [
    (713_210.0, 6_334.0, (713_200.0, 6_300.0)), (308.2, 49.9, (308.0, 50.0)), (9_989.0, 2_886.0, (10_000.0, 2_900.0)),
    (0.0123456, 0.000789, (0.01235, 0.00079)), (5.0, 0.0, (5.0, 0.0))])
def test_an_amount_is_shown_to_the_precision_its_standard_error_allows(value, se, shown):
    """$713,210 ± $6,334 printed every digit: the error has two significant digits, the value its last place."""
    from mcsim.analysis.value_of_information.estimate import Estimate
    from mcsim.report.value_of_information import _to_its_error

    rounded = _to_its_error(Estimate(value, se))
    assert rounded.value == pytest.approx(shown[0], rel=1e-12) and rounded.se == pytest.approx(shown[1], rel=1e-12)
