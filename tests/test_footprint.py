"""The footprint model against Patterson et al.'s published figures, closed forms and scipy."""

import dataclasses
import math

import numpy as np
import pytest
from conftest import ROOT
from scipy import integrate

import mcsim
from mcsim.analysis.tipping import tipping_point
from mcsim.inputs.claims import Claim
from mcsim.inputs.priors import load_priors
from mcsim.models import resolve
from mcsim.models.footprint import FOOTPRINT, GPT3_TRAINING, paper
from mcsim.report.models.footprint import consistency_checks, markdown_section

GPT3 = ROOT / "priors" / "footprint-gpt3.toml"
CHATGPT = ROOT / "priors" / "footprint-chatgpt.toml"


def _evaluate(values, users=(1.0,)):
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(values[name], dtype=float))
                                   for name in FOOTPRINT.input_names))
    return FOOTPRINT.evaluate(dict(zip(FOOTPRINT.input_names, arrays, strict=True)), np.asarray(users, dtype=float))


def test_footprint_is_built_in():
    assert resolve("footprint") is FOOTPRINT


def test_training_co2_of_gpt3_is_pattersons_552_t():
    points = load_priors(GPT3).points()
    assert (points["training_energy"], points["grid_intensity"]) == (1287.0, 429.0)
    out = _evaluate(points)
    # 1,287 MWh x 429 g/kWh = 1,287,000 kWh x 429 g = 552,123,000 g = 552.123 t (Patterson et al., Table 4: 552)
    assert out["training_co2"][0] == pytest.approx(552.123, rel=1e-12)
    assert round(out["training_co2"][0]) == paper.PATTERSON["training_co2"]


def test_energy_crossover_at_the_points_by_hand():
    points = load_priors(GPT3).points()
    # 1,287 MWh over 20 months = 64.35 MWh a month; a user asks 58 x 2.9 Wh x PUE 1.1 = 185.02 Wh a month
    expected = 1287e6 / 20 / (58 * 2.9 * 1.1)
    assert expected == pytest.approx(347_800.2, abs=0.1)
    out = _evaluate(points, [expected])
    assert out["energy_crossover_users"][0] == pytest.approx(expected, rel=1e-12)
    # at the crossover, inference and training each take half of the month's energy
    assert out["inference_share"][0, 0] == pytest.approx(0.5, rel=1e-12)
    chatgpt = load_priors(CHATGPT).points()
    assert _evaluate(chatgpt)["energy_crossover_users"][0] == pytest.approx(50_000e6 / 13 / (105 * 0.34 * 1.2))


def test_per_request_outputs_by_hand():
    points = load_priors(CHATGPT).points()
    out = _evaluate(points, [1e6, 1e8])
    amortised = 50_000e6 / 13 / (np.array([1e6, 1e8]) * 105)  # Wh of training per request
    per_request = 0.34 * 1.2 + amortised
    np.testing.assert_allclose(out["energy_per_request"][0], per_request, rtol=1e-12)
    np.testing.assert_allclose(out["co2_per_request"][0], per_request * 450 / 1000, rtol=1e-12)
    np.testing.assert_allclose(out["search_ratio"][0], per_request / 0.3, rtol=1e-12)
    np.testing.assert_allclose(out["inference_share"][0], 0.34 * 1.2 / per_request, rtol=1e-12)
    assert out["energy_per_request"][0, 0] > out["energy_per_request"][0, 1]  # economies of scale


def test_tenfold_fall_from_1M_to_100M_users_is_the_crossover_beyond_10M():
    rng = np.random.default_rng(3)
    n = 20_000
    values = {"training_energy": rng.lognormal(np.log(5e3), 2.0, n), "lifetime_months": rng.uniform(6, 30, n),
              "energy_per_prompt": rng.lognormal(0.0, 1.0, n), "pue": rng.uniform(1, 1.6, n),
              "grid_intensity": np.full(n, 400.0), "prompts_per_user": rng.uniform(20, 200, n),
              "search_energy": np.full(n, 0.3)}
    out = _evaluate(values, [1e6, 1e8])
    falls_tenfold = out["energy_per_request"][:, 0] >= 10 * out["energy_per_request"][:, 1]
    beyond = out["energy_crossover_users"] >= 1e7
    assert 0.05 < beyond.mean() < 0.95  # both sides are tried
    margin = np.abs(out["energy_crossover_users"] / 1e7 - 1) > 1e-9  # away from rounding at the boundary
    np.testing.assert_array_equal(falls_tenfold[margin], beyond[margin])


@pytest.mark.parametrize(("output", "value", "name"), [
    ("training_co2", 522.0, "training_energy"), ("training_co2", 522.0, "grid_intensity"),
    ("energy_crossover_users", 1e7, "training_energy"), ("energy_crossover_users", 1e7, "lifetime_months"),
    ("energy_crossover_users", 1e7, "prompts_per_user"), ("energy_crossover_users", 1e7, "energy_per_prompt"),
    ("energy_crossover_users", 1e7, "pue")])
def test_closed_form_tipping_points_agree_with_root_finding(output, value, name):
    priors = load_priors(GPT3)
    claim = Claim("c", "", output, ">=", value=value)
    exact = tipping_point(FOOTPRINT, priors, claim, name, method="closed form")
    found = tipping_point(FOOTPRINT, priors, claim, name, method="root finding")
    assert exact.method == "closed form" and found.method == "root finding"
    if exact.value is None:
        assert found.value is None
    else:
        assert exact.value == pytest.approx(found.value, rel=1e-9)
        assert exact.fails == found.fails
    if output == "training_co2" and name == "training_energy":
        assert exact.value == pytest.approx(1000 * 522 / 429, rel=1e-12)  # 1,216.8 MWh


def test_closed_form_leaves_unrelated_inputs_and_two_sided_claims():
    points = load_priors(GPT3).points()
    assert FOOTPRINT.tipping(Claim("c", "", "training_co2", ">=", value=500), "pue", points) is None
    assert FOOTPRINT.tipping(Claim("c", "", "training_co2", "about", value=522, rel=0.05), "training_energy",
                             points) is False


def test_gpt3_priors_flag_the_papers_522_t():
    priors = load_priors(GPT3)
    assert priors.reference == GPT3_TRAINING
    checks = {check.title: check for check in consistency_checks(priors)}
    assert not checks["Training CO2 of GPT-3"].consistent
    detail = checks["Training CO2 of GPT-3"].detail
    # the paper says "522 tonnes de CO2", quoting Sundberg (2023): the misprint may be either's
    assert "522 tonnes of CO2" in detail and "552" in detail
    assert "by the paper or by the source it quotes" in detail
    assert "401.5 g CO2e/kWh" in detail  # 522 t / 1.3 GWh
    assert checks["Training energy of GPT-3"].consistent  # 1,287 MWh rounds to 1.3 GWh
    section = "\n".join(markdown_section(priors))
    assert section.index("(inconsistent)") < section.index("(consistent)")
    assert FOOTPRINT.reference(priors.reference).value("training_co2") == (522.0, "paper: 522 t")


def test_chatgpt_priors_claim_no_publication():
    priors = load_priors(CHATGPT)
    assert FOOTPRINT.reference(priors.reference) is None


def test_probability_of_522_t_against_scipy_integration():
    """P(496 <= T g / 1000 <= 548) by one-dimensional integration over g of the lognormal CDF of T."""
    spec = mcsim.load_run(ROOT / "runs" / "footprint-gpt3.toml", samples=1 << 16)
    result = mcsim.run(dataclasses.replace(spec, sensitivity=None))
    priors = spec.priors
    energy, grid = priors["training_energy"].distribution.to_scipy(), priors["grid_intensity"].distribution.to_scipy()
    low, high = 522 * 0.95, 522 * 1.05

    def inside(g: float) -> float:
        return grid.pdf(g) * (energy.cdf(1000 * high / g) - energy.cdf(1000 * low / g))

    expected, _ = integrate.quad(inside, 386, 481, points=[429], epsabs=1e-12)
    claim = result.claims["training_co2_about_522t"]
    assert claim.ci95[0] - 1e-3 <= expected <= claim.ci95[1] + 1e-3
    assert math.isclose(claim.probability, expected, abs_tol=0.01)
