"""Why a median is not the value at the points: each prior's median, one at a time, against hand arithmetic."""

import math

import pytest
from conftest import ROOT
from scipy import stats

from mcsim.analysis.attribution import attribute_medians
from mcsim.inputs.priors import load_priors
from mcsim.models import InputSpec, Model, OutputSpec
from mcsim.models.tableau1 import TABLEAU1


def _break_even(training=63e6, lifetime=12.0, cost=0.004, tokens=250.0, prompts=100.0, conversion=0.05, price=20.0):
    """Tableau 1's break-even users, written out by hand."""
    return training / lifetime / (conversion * price - prompts * cost * tokens / 1000)


# the medians of priors/paper-table1.toml's priors, by hand
MEDIANS = {
    "training_cost": math.sqrt(40e6 * 100e6),  # lognormal: the geometric mean of p05 and p95
    "lifetime_months": 25 - math.sqrt(0.5 * (25 - 8) * (25 - 12)),  # triangular 8-12-25: F(12) = 4/17 < 1/2
    "cost_per_1k_tokens": math.sqrt(0.002 * 0.008),
    "tokens_per_prompt": math.sqrt(125 * 500),
    "prompts_per_user": 150 - math.sqrt(0.5 * (150 - 60) * (150 - 100)),  # triangular 60-100-150: F(100) = 4/9
    "conversion_rate": stats.beta(5, 95).median(),
}
KEYWORDS = {"training_cost": "training", "lifetime_months": "lifetime", "cost_per_1k_tokens": "cost",
            "tokens_per_prompt": "tokens", "prompts_per_user": "prompts", "conversion_rate": "conversion"}


@pytest.fixture(scope="module")
def paper():
    priors = load_priors(ROOT / "priors" / "paper-table1.toml")
    return attribute_medians(TABLEAU1, priors, {"break_even_users": 5.41e6})["break_even_users"]


def test_the_priors_points_and_medians_are_those_of_the_file(paper):
    assert {s.input: s.point for s in paper.shifts} == {
        "training_cost": 63e6, "lifetime_months": 12, "cost_per_1k_tokens": 0.004, "tokens_per_prompt": 250,
        "prompts_per_user": 100, "conversion_rate": 0.05}  # the price is a point: it has no median to move to
    assert MEDIANS["lifetime_months"] == pytest.approx(14.488, abs=1e-3)
    for shift in paper.shifts:
        assert shift.median == pytest.approx(MEDIANS[shift.input], rel=1e-9), shift.input


def test_break_even_at_the_points_and_at_the_lifetimes_median_by_hand(paper):
    assert paper.at_points == pytest.approx(63e6 / 12 / (0.05 * 20 - 100 * 0.004 * 250 / 1000), rel=1e-12)
    assert paper.at_points == pytest.approx(5_833_333.33, rel=1e-9)
    lifetime = next(s for s in paper.shifts if s.input == "lifetime_months")
    # at a lifetime of 14.5 months the output would be 63e6 / 14.5 / 0.9 = 4,827,586; the median is 14.488
    assert lifetime.output == pytest.approx(63e6 / MEDIANS["lifetime_months"] / 0.9, rel=1e-12)
    assert lifetime.output == pytest.approx(4_831_551, abs=1)
    assert lifetime.shift == pytest.approx(lifetime.output - paper.at_points, rel=1e-12)


def test_every_shift_and_share_by_hand(paper):
    by_hand = {name: _break_even(**{KEYWORDS[name]: value}) - _break_even() for name, value in MEDIANS.items()}
    total = sum(by_hand.values())
    for shift in paper.shifts:
        assert shift.shift == pytest.approx(by_hand[shift.input], rel=1e-9, abs=1e-6), shift.input
        assert shift.share == pytest.approx(by_hand[shift.input] / total, rel=1e-9, abs=1e-12), shift.input
    assert math.fsum(s.share for s in paper.shifts) == pytest.approx(1.0)
    shares = {s.input: s.share for s in paper.shifts}
    assert shares["lifetime_months"] == pytest.approx(1.825, abs=1e-3)  # it alone moves the output further than all
    assert shares["conversion_rate"] == pytest.approx(-0.753, abs=1e-3)  # the conversion rate's median pulls back
    assert shares["cost_per_1k_tokens"] == 0.0 and math.copysign(1, shares["cost_per_1k_tokens"]) == 1


def test_all_medians_and_what_moves_the_median(paper):
    medians = {KEYWORDS[name]: value for name, value in MEDIANS.items()}
    assert paper.at_medians == pytest.approx(_break_even(**medians), rel=1e-9)  # the beta median to 1e-10
    assert paper.at_medians == pytest.approx(5_210_101, abs=1)
    assert paper.gap == pytest.approx(5.41e6 - paper.at_points)
    assert paper.moved_by.input == "lifetime_months"


def _toy(function):
    inputs = (InputSpec("x", ""), InputSpec("y", ""))
    return Model(name="toy", description="toy", inputs=inputs, outputs=(OutputSpec("z", "", "z"),), function=function)


@pytest.fixture
def toy_priors(write):
    return load_priors(write("toy.toml", """
        [inputs.x]
        point = 2
        dist = "triangular"
        low = 0
        mode = 2
        high = 10
        source = "a skewed prior whose point is its mode"

        [inputs.y]
        point = 1
        dist = "uniform"
        low = 0
        high = 4
        source = "a symmetric prior whose point is not its median"
        """))


def test_a_product_of_two_inputs_by_hand(toy_priors):
    """z = x y: the shifts do not add up, and the output at both medians says by how much."""
    found = attribute_medians(_toy(lambda v, u: {"z": v["x"] * v["y"]}), toy_priors, {"z": 7.0})["z"]
    x_median, y_median = 10 - math.sqrt(40), 2.0  # triangular 0-2-10: F(2) = 1/5 < 1/2
    x, y = found.shifts
    assert (x.input, x.median, x.output, x.shift) == ("x", pytest.approx(x_median), pytest.approx(x_median * 1),
                                                      pytest.approx(x_median - 2))
    assert (y.input, y.median, y.output, y.shift) == ("y", y_median, pytest.approx(4.0), pytest.approx(2.0))
    total = (x_median - 2) + 2.0
    assert (x.share, y.share) == (pytest.approx((x_median - 2) / total), pytest.approx(2.0 / total))
    assert found.at_points == 2.0 and found.at_medians == pytest.approx(x_median * y_median)
    assert found.gap == 5.0 and found.moved_by.input == "y"


def test_shares_are_undefined_when_the_shifts_cancel_or_the_output_is_infinite(toy_priors):
    cancel = attribute_medians(_toy(lambda v, u: {"z": (v["x"] - 2) / (10 - math.sqrt(40) - 2) - (v["y"] - 1)}),
                               toy_priors, {"z": 0.5})["z"]
    assert [s.share for s in cancel.shifts] == [None, None]
    assert cancel.moved_by.input == "x"  # the gap is positive: x's median moves the output up
    never = attribute_medians(_toy(lambda v, u: {"z": 1 / (v["y"] - 1)}), toy_priors, {"z": 1.0})["z"]
    assert math.isinf(never.at_points) and math.isnan(never.gap) and never.moved_by is None
    assert [s.share for s in never.shifts] == [None, None]
