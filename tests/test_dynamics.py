"""The dynamics model over months: closed forms of the rebound, its economics against Tableau 1's."""

import dataclasses
import math

import numpy as np
import pytest
from conftest import ROOT
from scipy import stats

import mcsim
from mcsim.analysis.tipping import tipping_point
from mcsim.inputs.claims import Claim
from mcsim.inputs.distributions import Point
from mcsim.inputs.priors import Prior, load_priors
from mcsim.models import resolve
from mcsim.models.dynamics import DYNAMICS
from mcsim.models.grid import MONTHS
from mcsim.models.tableau1 import TABLEAU1
from mcsim.report.models.dynamics import consistency_checks

PRIORS = ROOT / "priors" / "dynamics-2025.toml"
RUN = ROOT / "runs" / "dynamics-rebound.toml"


def _evaluate(values, months=(0.0, 24.0)):
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(values[name], dtype=float))
                                   for name in DYNAMICS.input_names))
    return DYNAMICS.evaluate(dict(zip(DYNAMICS.input_names, arrays, strict=True)), np.asarray(months, dtype=float))


def test_dynamics_is_built_in_over_months():
    assert resolve("dynamics") is DYNAMICS
    assert DYNAMICS.grid is MONTHS and resolve("footprint").grid.name == "users"


def test_energy_by_hand():
    p = load_priors(PRIORS).points()
    out = _evaluate(p, [0.0, 24.0])
    ratio = (1.05 * 1.02) ** 24 * 2 ** (-24 / 8)
    assert out["energy_ratio"][0, 1] == pytest.approx(ratio, rel=1e-12)
    start = 4e8 * 105 * 0.34 * 1.2 / 1e6  # MWh a month
    np.testing.assert_allclose(out["inference_energy"][0], [start, start * ratio], rtol=1e-12)
    assert out["annual_energy_growth"][0] == pytest.approx((1.05 * 1.02) ** 12 * 2 ** (-12 / 8) - 1, rel=1e-12)
    assert out["rebound_halving_months"][0] == pytest.approx(math.log(2) / math.log(1.05 * 1.02), rel=1e-12)


def test_surplus_at_month_0_is_tableau1s():
    p = load_priors(PRIORS).points()
    ours = _evaluate(p, [0.0])["surplus"][0, 0]
    theirs = TABLEAU1.evaluate({k: np.array([p[k]]) for k in TABLEAU1.input_names}, np.array([4e8]))["surplus"]
    assert ours == pytest.approx(theirs[0, 0], rel=1e-12)


def test_break_even_month_by_brute_force():
    rng = np.random.default_rng(5)
    n = 400
    p = load_priors(PRIORS).points()
    values = {**p, "conversion_rate": rng.uniform(0.0, 0.06, n), "cost_per_1k_tokens": rng.uniform(0.001, 0.03, n),
              "halving_months": rng.uniform(4, 30, n), "request_growth": rng.uniform(0, 0.1, n)}
    out = _evaluate(values, [0.0])
    months = np.arange(121.0)
    surplus = _evaluate(values, months)["surplus"]
    for i in range(n):
        positive = np.flatnonzero(surplus[i] > 0)
        expected = float(positive[0]) if positive.size else math.inf
        assert out["break_even_month"][i] == expected
    assert np.isinf(out["break_even_month"]).any() and (out["break_even_month"] == 0).any()
    assert ((out["break_even_month"] > 0) & np.isfinite(out["break_even_month"])).any()


def _only_halving_uncertain(request_growth=0.0):
    spec = mcsim.load_run(RUN, samples=1 << 14)
    pinned = [Prior(p.name, p.point, Point(p.point), p.source, p.label, p.unit)
              for p in spec.priors.inputs if p.name not in ("halving_months", "request_growth")]
    pinned.append(Prior("request_growth", request_growth, Point(request_growth), "no growth of the work"))
    return dataclasses.replace(spec, priors=spec.priors.with_overrides(pinned), sensitivity=None)


def test_rebound_probability_from_the_halving_prior_cdf():
    spec = _only_halving_uncertain()
    g = spec.priors["user_growth"].point
    threshold = math.log(2) / math.log1p(g)  # energy_ratio(24) > 1  <=>  halving_months > ln 2 / ln(1 + g)
    expected = stats.lognorm(s=0.263, scale=8).sf(threshold)
    assert 0.01 < expected < 0.02  # ln 2 / ln 1.05 = 14.2 months, far in the tail of halving times
    claim = mcsim.run(spec).claims["rebound_at_24_months"]
    assert claim.ci95[0] <= expected <= claim.ci95[1]
    assert claim.probability == pytest.approx(expected, abs=2e-3)


def test_the_tipping_hook_gives_the_closed_form():
    spec = _only_halving_uncertain()
    claim = next(c for c in spec.claims if c.name == "rebound_at_24_months")
    g = spec.priors["user_growth"].point
    t = tipping_point(DYNAMICS, spec.priors, claim, "halving_months")
    assert t.method == "closed form" and t.value == pytest.approx(math.log(2) / math.log1p(g), rel=1e-12)
    assert t.fails == "below"  # faster halving than that: the energy falls
    assert t.quantile == pytest.approx(stats.lognorm(s=0.263, scale=8).cdf(t.value), rel=1e-9)


@pytest.mark.parametrize(("claim", "name"), [
    (Claim("c", "", "energy_ratio", ">", 1.0, at=24, grid="months"), "user_growth"),
    (Claim("c", "", "energy_ratio", ">", 1.0, at=24, grid="months"), "request_growth"),
    (Claim("c", "", "energy_ratio", "<=", 3.0, at=36, grid="months"), "halving_months"),
    (Claim("c", "", "annual_energy_growth", "<=", 0.05), "halving_months"),
    (Claim("c", "", "annual_energy_growth", "<=", 0.05), "user_growth"),
    (Claim("c", "", "inference_energy", ">=", 2e4, at=12, grid="months"), "users_start"),
    (Claim("c", "", "inference_energy", ">=", 2e4, at=12, grid="months"), "pue"),
    (Claim("c", "", "inference_energy", ">=", 2e4, at=12, grid="months"), "halving_months"),
    (Claim("c", "", "rebound_halving_months", "<=", 9.0), "user_growth"),
])
def test_closed_forms_agree_with_root_finding(claim, name):
    priors = load_priors(PRIORS)
    exact = tipping_point(DYNAMICS, priors, claim, name, method="closed form")
    found = tipping_point(DYNAMICS, priors, claim, name, method="root finding")
    assert exact.value is not None
    assert exact.value == pytest.approx(found.value, rel=1e-8)
    assert exact.fails == found.fails


def test_the_papers_tripling_is_checked():
    checks = {title: (ok, detail) for title, ok, detail in consistency_checks(load_priors(PRIORS))}
    ok, detail = checks["Growth of 5 % a year over 10 years"]
    assert not ok and "1.63" in detail and "11.6 %" in detail  # 1.05^10; 3^(1/10) - 1
