"""A claim's readings: grouped by reading_of, named in words, and a run whose claims are two-sided."""

import csv
import io
import json

import numpy as np
import pytest
from conftest import ROOT

from mcsim.batch import run_batch
from mcsim.compute.stats import ClaimResult
from mcsim.inputs.claims import Claim
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report import write_report
from mcsim.report.readings import reading_groups, reading_words

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()


def _result(claim: Claim, p: float) -> ClaimResult:
    return ClaimResult(claim, p, 0.001, (p - 0.002, p + 0.002), 1 << 20, True)


SIX = {"output": "break_even_users", "value": 6e6}
CLAIMS = {c.claim.name: c for c in (
    _result(Claim("at_most", "", op="<=", **SIX), 0.563),
    _result(Claim("crossover", "", "crossover_users", "<=", 5.5e7), 0.7),
    _result(Claim("at_least", "", op=">=", reading_of="at_most", **SIX), 0.437),
    _result(Claim("about", "", op="about", rel=0.25, reading_of="at_most", **SIX), 0.214),
    _result(Claim("factor", "", op="about", factor=2, reading_of="at_most", **SIX), 0.741),
)}


def test_readings_are_grouped_under_the_claim_they_read():
    groups = reading_groups(CLAIMS)
    assert list(groups) == ["at_most"]
    assert [c.claim.name for c in groups["at_most"]] == ["at_most", "at_least", "about", "factor"]


@pytest.mark.parametrize(("claim", "words"), [
    (Claim("c", "", "x", "<", 1e6), "below 1M"),
    (Claim("c", "", "x", ">", 0), "above 0"),
    (Claim("c", "", "x", "between", low=4.5e6, high=7.5e6), "between 4.5M and 7.5M"),
    (Claim("c", "", "x", "about", 6e6, rel=0.25), "within 25 % of 6M"),
    (Claim("c", "", "x", "about", 6e6, factor=2), "within a factor of 2 of 6M"),
])
def test_reading_words_take_the_report_s_numbers(claim, words):
    assert reading_words(claim, lambda v: f"{v / 1e6:g}M" if v else "0") == words


@pytest.fixture(scope="module")
def two_sided_run(tmp_path_factory):
    """A small run whose first claim is two-sided, with readings, a sensitivity analysis and a report."""
    tmp = tmp_path_factory.mktemp("readings")
    (tmp / "run.toml").write_text(
        f'[run]\npriors = "{PRIORS}"\nsamples = 2048\nusers = [1e4, 5e7]\n'
        '[[claims]]\nname = "about_6M"\noutput = "break_even_users"\nop = "about"\nvalue = 6e6\nrel = 0.25\n'
        '[[claims]]\nname = "between"\noutput = "break_even_users"\nop = "between"\nlow = 4.5e6\nhigh = 7.5e6\n'
        'reading_of = "about_6M"\n'
        '[[claims]]\nname = "at_most"\noutput = "break_even_users"\nop = "<="\nvalue = 6e6\nreading_of = "about_6M"\n'
        '[sensitivity]\noutputs = ["break_even_users"]\nbase_samples = 256\nmax_base_samples = 256\n')
    result = execute(load_run(tmp / "run.toml"))
    return result, write_report(result, tmp / "out")


def test_a_two_sided_claim_through_a_run(two_sided_run):
    result, _ = two_sided_run
    about, between = result.claims["about_6M"], result.claims["between"]
    assert about.probability == between.probability  # the same range, given two ways
    kept = result.kept.outputs["break_even_users"]
    assert about.probability == pytest.approx(np.mean((kept >= 4.5e6) & (kept <= 7.5e6)))  # every sample is kept
    assert about.holds_at_point  # 5.83 million
    tips = {t.input: t for t in result.verdict.claims["about_6M"].tipping}
    assert tips["conversion_rate"].method == "root finding" and tips["conversion_rate"].other_flip is not None
    indicator = result.sensitivity["about_6M"]
    assert indicator.target.describe().startswith("indicator of claim about_6M: 1 where break_even_users about 6e+06")
    fails = result.verdict.claims["about_6M"].fails
    assert fails.tolist() == (~((kept >= 4.5e6) & (kept <= 7.5e6))).tolist()


def test_summary_json_names_each_reading_s_claim(two_sided_run):
    _, out = two_sided_run
    claims = json.loads((out / "summary.json").read_text())["claims"]
    assert "reading_of" not in claims["about_6M"]
    assert claims["between"]["reading_of"] == claims["at_most"]["reading_of"] == "about_6M"
    assert claims["between"]["test"] == "break_even_users between 4.5e+06 and 7.5e+06"


def test_the_map_draws_both_ends_of_a_two_sided_claim(two_sided_run):
    _, out = two_sided_run
    report = (out / "report.md").read_text()
    assert "the black lines are at 4.5 million and 7.5 million, where the claim" in report


def test_the_comparison_marks_both_ends_of_a_two_sided_claim(tmp_path):
    (tmp_path / "run.toml").write_text(
        f'[run]\npriors = "{PRIORS}"\nsamples = 1024\nworkers = 1\nusers = [1e4, 5e7]\n'
        '[[claims]]\nname = "about_6M"\noutput = "break_even_users"\nop = "about"\nvalue = 6e6\nfactor = 2\n')
    run_batch([tmp_path / "run.toml"], reports=tmp_path / "reports", stream=io.StringIO())
    out = tmp_path / "reports" / "comparison"
    focus = json.loads((out / "summary.json").read_text())["focus"]
    assert focus["claim"]["thresholds"] == [3e6, 1.2e7]
    assert focus["claim"]["words"] == "within a factor of 2 of 6 M"
    assert "The dotted line marks the claim's 3 million and 12 million." in (out / "report.md").read_text()
    scenario = json.loads((out / "summary.json").read_text())["scenarios"][0]
    tip = scenario["claims"]["about_6M"]["most_likely_tipping_point"]
    assert tip["other_flip"] is not None  # an input tips "within a factor of 2" twice: both flips are shown
    assert tip["failing_share"] == pytest.approx(tip["p_failing"])
    row = next(line for line in (out / "report.md").read_text().splitlines() if "| it fails when " in line)
    assert " is below " in row and " or above " in row  # the low flip, then the high one


def test_an_input_that_tips_a_two_sided_claim_twice_shows_both_flips(two_sided_run):
    """Within 25 % of 6 million fails when the conversion rate is too low and when it is too high: both are said,
    and P(failing side) counts both sides of the prior."""
    result, out = two_sided_run
    tip = next(t for t in result.verdict.claims["about_6M"].tipping if t.input == "conversion_rate")
    (low, low_fails, _q_low), (high, high_fails, _q_high) = tip.sides
    assert (low_fails, high_fails) == ("below", "above")
    # break-even = F / (r P - q c t / 1000) at the points: it is 7.5 million and 4.5 million at these rates
    fixed, inference = 63e6 / 12, 100 * 0.004 * 250 / 1000
    assert low == pytest.approx((fixed / 7.5e6 + inference) / 20, rel=1e-9)
    assert high == pytest.approx((fixed / 4.5e6 + inference) / 20, rel=1e-9)
    cdf = result.spec.priors["conversion_rate"].distribution.to_scipy().cdf
    assert tip.failing_share == pytest.approx(cdf(low) + 1 - cdf(high), rel=1e-9)
    report = (out / "report.md").read_text()
    assert "share of users paying for Plus is below 4 % (the 36th percentile of its prior) or above 6.33 % (" in report
    assert "P(failing side)" in report
    assert "| below or above | 4 % or 6.333 % | 36.3 or 75.8 | 0.605 |" in report
    rows = list(csv.DictReader((out / "tables" / "tipping_points.csv").open()))
    row = next(r for r in rows if r["claim"] == "about_6M" and r["input"] == "conversion_rate")
    assert float(row["other_flip"]) == pytest.approx(high) and row["other_fails"] == "above"
    assert float(row["failing_share"]) == pytest.approx(tip.failing_share)
    summary = json.loads((out / "summary.json").read_text())
    tips = summary["verdict"]["claims"]["about_6M"]["tipping_points"]
    listed = next(t for t in tips if t["input"] == "conversion_rate")
    assert listed["p_failing"] == pytest.approx(tip.failing_share) and listed["other_fails"] == "above"


def test_a_failing_share_counts_the_middle_where_a_claim_fails_between_two_flips():
    from mcsim.analysis.tipping import TippingPoint

    inside = TippingPoint("c", "x", 2.0, "above", 0.2, "root finding", (0, 10), True, 5.0, "below", 0.7)
    assert inside.failing_share == pytest.approx(0.5)
    outside = TippingPoint("c", "x", 5.0, "above", 0.7, "root finding", (0, 10), True, 2.0, "below", 0.2)
    assert outside.sides == ((2.0, "below", 0.2), (5.0, "above", 0.7))
    assert outside.failing_share == pytest.approx(0.2 + 0.3)
    assert TippingPoint("c", "x", 5.0, "above", 0.7, "closed form", (0, 10), True).failing_share == pytest.approx(0.3)
