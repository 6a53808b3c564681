"""Tipping points against Tableau 1's closed forms and hand arithmetic; the 2-D map."""

import math

import numpy as np
import pytest
from conftest import ROOT

from mcsim.analysis.tipping import claim_margin, closed_form, output_map, root_find, tipping_point, tipping_points
from mcsim.inputs.claims import Claim
from mcsim.inputs.runs import load_run
from mcsim.models.tableau1 import TABLEAU1
from mcsim.serialise.sections import tipping_summary

RUN = ROOT / "runs" / "paper-table1.toml"


@pytest.fixture(scope="module")
def spec():
    return load_run(RUN, samples=1024)


def _claim(spec, name):
    return next(c for c in spec.claims if c.name == name)


def test_conversion_rate_tipping_point_by_hand(spec):
    # B = (T / L) / (r P - q c t / 1000) = 6e6  <=>  r = (63e6 / 12 / 6e6 + 100 * 0.004 * 250 / 1000) / 20
    expected = (63e6 / 12 / 6e6 + 100 * 0.004 * 250 / 1000) / 20
    assert expected == pytest.approx(0.04875)
    t = tipping_point(spec.model, spec.priors, _claim(spec, "break_even_within_6M"), "conversion_rate")
    assert t.method == "closed form"
    assert t.value == pytest.approx(expected, rel=1e-12)
    assert t.fails == "below" and t.holds_at_point
    # its place in the prior, Beta(5, 95), by scipy directly
    from scipy import stats
    assert t.quantile == pytest.approx(stats.beta(5, 95).cdf(expected), rel=1e-12)


def test_crossover_thresholds_by_hand(spec):
    claim = _claim(spec, "crossover_within_55M")
    points = spec.priors.points()
    # X = (T / L) / (q c t / 1000) = 5.5e7  <=>  c = T / L / (5.5e7 q t / 1000)
    assert closed_form(spec.model, claim, "cost_per_1k_tokens", points) == pytest.approx(
        63e6 / 12 / (5.5e7 * 100 * 250 / 1000), rel=1e-12)
    assert closed_form(spec.model, claim, "training_cost", points) == pytest.approx(5.5e7 * 12 * 100 * 0.001)
    assert closed_form(spec.model, claim, "conversion_rate", points) is None  # crossover ignores revenue


@pytest.mark.parametrize("claim_name", ["break_even_within_6M", "crossover_within_55M", "surplus_at_50M_users"])
def test_root_finding_agrees_with_the_closed_form(spec, claim_name):
    claim = _claim(spec, claim_name)
    points = spec.priors.points()
    for name in spec.model.input_names:
        exact = closed_form(spec.model, claim, name, points)
        found = tipping_point(spec.model, spec.priors, claim, name, method="root finding")
        if exact is None:
            assert found.value is None, name
            continue
        assert found.value == pytest.approx(exact, rel=1e-9), name
        assert found.fails == tipping_point(spec.model, spec.priors, claim, name).fails


def test_at_the_tipping_point_the_model_gives_the_claimed_value(spec):
    claim = _claim(spec, "break_even_within_6M")
    points = spec.priors.points()
    for t in tipping_points(spec.model, spec.priors, [claim]):
        if t.value is None:
            continue
        inputs = {k: np.array([v]) for k, v in points.items()}
        inputs[t.input] = np.array([t.value])
        value = TABLEAU1.evaluate(inputs, np.array([1.0]))["break_even_users"][0]
        assert value == pytest.approx(6e6, rel=1e-9), t.input


def test_a_point_prior_has_a_tipping_point_but_no_percentile(spec):
    # surplus at 50M users > 0  <=>  r P > T / L / U + q k: by hand, P = (63e6 / 12 / 5e7 + 0.1) / 0.05
    claim = _claim(spec, "surplus_at_50M_users")
    t = tipping_point(spec.model, spec.priors, claim, "price")
    assert t.quantile is None  # price is a point in the priors
    assert t.value == pytest.approx((63e6 / 12 / 5e7 + 0.1) / 0.05)


def test_root_find_returns_none_without_a_sign_change(spec):
    claim = _claim(spec, "crossover_within_55M")
    assert root_find(spec.model, claim, "conversion_rate", spec.priors.points(), (0.001, 0.5)) is None


def test_output_map_matches_the_model(spec):
    m = output_map(spec.model, spec.priors, "break_even_users", "conversion_rate", "training_cost", n=21)
    assert m.values.shape == (21, 21)
    j, i = 7, 13
    expected = m.y[j] / 12 / (m.x[i] * 20 - 100 * 0.001)
    assert m.values[j, i] == pytest.approx(expected, rel=1e-12)
    assert math.isclose(m.points["price"], 20)


# --- two-sided claims -----------------------------------------------------------------------------

def _conversion_rate_at(break_even: float) -> float:
    # B = (T / L) / (r P - q c t / 1000)  <=>  r = (T / L / B + q c t / 1000) / P, the others at Tableau 1's points
    return (63e6 / 12 / break_even + 100 * 0.004 * 250 / 1000) / 20


def test_a_two_sided_claim_tips_at_the_end_nearest_the_point_and_keeps_the_other(spec):
    claim = Claim("about_6M", "", "break_even_users", "about", 6e6, rel=0.25)  # from 4.5 to 7.5 million
    assert closed_form(spec.model, claim, "conversion_rate", spec.priors.points()) is False
    t = tipping_point(spec.model, spec.priors, claim, "conversion_rate")
    assert t.method == "root finding" and t.holds_at_point
    # B = 7.5M at r = 0.04 (log distance 0.223 from the point 0.05), B = 4.5M at r = 0.0633 (0.236)
    assert t.value == pytest.approx(_conversion_rate_at(7.5e6), rel=1e-9) == pytest.approx(0.04)
    assert t.fails == "below"
    assert t.other_flip == pytest.approx(_conversion_rate_at(4.5e6), rel=1e-9)
    assert tipping_summary(t)["other_flip"] == t.other_flip


def test_a_range_the_point_lies_outside_of_flips_twice_on_one_side(spec):
    claim = Claim("low_B", "", "break_even_users", "between", low=2e6, high=3e6)  # the point gives 5.83 million
    t = tipping_point(spec.model, spec.priors, claim, "conversion_rate")
    assert not t.holds_at_point
    assert t.value == pytest.approx(_conversion_rate_at(3e6), rel=1e-9)
    assert t.fails == "below"  # it holds just above, up to ...
    assert t.other_flip == pytest.approx(_conversion_rate_at(2e6), rel=1e-9)


def test_a_one_sided_claim_keeps_its_closed_form_and_has_no_other_flip(spec):
    t = tipping_point(spec.model, spec.priors, _claim(spec, "break_even_within_6M"), "conversion_rate")
    assert t.method == "closed form" and t.other_flip is None


def test_the_margin_of_a_two_sided_claim_is_the_log_distance_to_the_nearer_end(spec):
    claim = Claim("about_6M", "", "break_even_users", "about", 6e6, rel=0.25)
    rates = np.array([_conversion_rate_at(b) for b in (6e6, 4.5e6, 7.5e6, 4e6, 9e6)] + [0.001])  # last: never
    inputs = {k: np.full(rates.size, v) for k, v in spec.priors.points().items()} | {"conversion_rate": rates}
    margin = claim_margin(spec.model, claim, inputs)
    expected = [math.log(1.25), 0.0, 0.0, math.log(4 / 4.5), math.log(7.5 / 9), -1e3]
    assert margin == pytest.approx(expected, abs=1e-9)
