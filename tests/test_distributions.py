"""Each family's inverse CDF against scipy.stats, and its parameterisation."""

import math
import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from mcsim.inputs.distributions import (
    U_HIGHEST,
    U_LOWEST,
    U_RESOLUTION,
    Beta,
    Discrete,
    Empirical,
    Gamma,
    LogNormal,
    LogUniform,
    Normal,
    Pert,
    StudentT,
    Triangular,
    Uniform,
    Weibull,
    fit_beta,
    parse,
)
from mcsim.inputs.errors import InputError, Problems

CONTINUOUS = [
    Uniform(2.0, 5.0),
    LogUniform(1e-3, 10.0),
    Triangular(8.0, 12.0, 25.0),
    Triangular(0.0, 0.0, 1.0),
    Pert.from_mode(60.0, 100.0, 150.0),
    Pert.from_mode(0.0, 0.2, 1.0, shape=8.0),
    Normal(1.0, 2.0),
    Normal(0.05, 0.03, low=0.0, high=1.0),
    Normal(0.0, 1.0, low=3.0, high=5.0),  # far in the upper tail
    LogNormal(63e6, 0.3),
    Beta(5.0, 95.0),
    Beta(0.5, 0.5),
    Beta(2.0, 3.0, low=10.0, high=20.0),
    Gamma(2.0, 1.5),
    Gamma(0.3, 4e6),
    Gamma(250.0, 0.01),
    Weibull(1.5, 12.0),
    Weibull(0.4, 1e-3),
    StudentT(5.0, 2.0, 3.0),
    StudentT(-1.0, 0.5, 1.0),  # Cauchy
    StudentT(0.0, 1.0, 30.0),
]


@pytest.mark.parametrize("dist", CONTINUOUS, ids=lambda d: d.describe())
def test_draws_follow_scipy(dist):
    u = np.random.default_rng(7).random(20_000)
    x = dist.ppf(u)
    assert stats.kstest(x, dist.to_scipy().cdf).pvalue > 1e-3
    low, high = dist.support
    assert np.all((x >= low) & (x <= high))


@pytest.mark.parametrize("dist", CONTINUOUS, ids=lambda d: d.describe())
def test_ppf_inverts_scipy_cdf(dist):
    u = np.linspace(0.001, 0.999, 999)
    assert np.max(np.abs(dist.to_scipy().cdf(dist.ppf(u)) - u)) < 1e-8


def test_fast_beta_matches_scipy_within_its_resolution():
    u = np.random.default_rng(3).random(100_000)
    for a, b in [(4.5, 95.5), (5.0, 95.0), (1.2, 7.0), (50.0, 50.0), (4.207522292077879, 1.7924777079221204)]:
        x = Beta(a, b).ppf(u)
        assert np.max(np.abs(stats.beta(a, b).cdf(x) - u)) < 10 * U_RESOLUTION


def test_discrete_frequencies():
    dist = Discrete((1.0, 2.0, 5.0), (0.2, 0.5, 0.3))
    x = dist.ppf(np.random.default_rng(0).random(100_000))
    counts = np.array([(x == v).sum() for v in dist.values])
    assert stats.chisquare(counts, 100_000 * np.array(dist.weights)).pvalue > 1e-3


def test_a_discrete_value_listed_twice_adds_its_weights():
    dist = Discrete((1.0, 2.0, 1.0), (0.25, 0.5, 0.25))
    assert dist.to_scipy().cdf([1.0, 1.5, 2.0]) == pytest.approx([0.5, 0.5, 1.0])
    assert np.mean(dist.ppf(np.linspace(0, 1, 1001, endpoint=False)) == 1.0) == pytest.approx(0.5, abs=1e-3)
    assert Discrete((1e-12, 1e-12), (0.5, 0.5)).to_scipy().cdf(1e-12) == pytest.approx(1.0)


def _parse(table):
    problems = Problems("p.toml")
    dist = parse(table, "[inputs.x]", problems)
    return dist, [str(p) for p in problems.items]


def test_lognormal_percentiles_land_where_asked():
    dist, problems = _parse({"dist": "lognormal", "p05": 40e6, "p95": 100e6})
    assert not problems
    assert dist.to_scipy().ppf([0.05, 0.95]) == pytest.approx([40e6, 100e6], rel=1e-12)
    same, _ = _parse({"dist": "lognormal", "median": dist.median, "sigma": dist.sigma})
    assert same == dist


def test_beta_by_mean_and_sd():
    dist, problems = _parse({"dist": "beta", "mean": 0.3, "sd": 0.1, "low": 0.0, "high": 2.0})
    assert not problems
    frozen = dist.to_scipy()
    assert frozen.mean() == pytest.approx(0.3) and frozen.std() == pytest.approx(0.1)


def test_pert_mean_is_the_classic_formula():
    dist, _ = _parse({"dist": "pert", "low": 60, "mode": 100, "high": 150})
    assert dist.to_scipy().mean() == pytest.approx((60 + 4 * 100 + 150) / 6)


def test_truncated_normal_stays_inside():
    dist, _ = _parse({"dist": "normal", "mean": 0.05, "sd": 0.05, "low": 0, "high": 1})
    assert dist.to_scipy().mean() == pytest.approx(stats.truncnorm(-1, 19, 0.05, 0.05).mean())


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
    mode_share=st.floats(0, 1),
    u=st.lists(st.floats(0, 1, exclude_max=True, exclude_min=True), min_size=1, max_size=30),
)
def test_triangular_and_pert_stay_in_support_and_are_monotone(low, width, mode_share, u):
    high = low + width
    mode = low + mode_share * width
    u = np.sort(np.asarray(u))
    for dist in (Triangular(low, mode, high), Pert.from_mode(low, mode, high)):
        x = dist.ppf(u)
        assert np.all(x >= low - 1e-9 * width) and np.all(x <= high + 1e-9 * width)
        assert np.all(np.diff(x) >= -1e-9 * width)


@settings(max_examples=60, deadline=None)
@given(p05=st.floats(1e-12, 1e12), ratio=st.floats(1.0001, 1e4))
def test_lognormal_roundtrip(p05, ratio):
    dist, problems = _parse({"dist": "lognormal", "p05": p05, "p95": p05 * ratio})
    assert not problems
    x = dist.ppf(np.array([0.05, 0.5, 0.95]))
    assert x == pytest.approx([p05, math.sqrt(p05 * p05 * ratio), p05 * ratio], rel=1e-9)


BAD = [  # a distribution built in Python, and the same parameters in a priors file's table
    (lambda: Uniform(5.0, 1.0), {"dist": "uniform", "low": 5, "high": 1}, "high = 1 is invalid: must be greater than "
     "low = 5"),
    (lambda: LogUniform(0.0, 1.0), {"dist": "loguniform", "low": 0, "high": 1}, "low = 0 is invalid: loguniform "
     "needs low > 0"),
    (lambda: Triangular(0.0, 3.0, 2.0), {"dist": "triangular", "low": 0, "mode": 3, "high": 2}, "mode = 3 is invalid: "
     "must lie in [low, high] = [0, 2]"),
    (lambda: Pert.from_mode(0.0, 1.0, 2.0, shape=-1), {"dist": "pert", "low": 0, "mode": 1, "high": 2, "shape": -1},
     "shape = -1 is invalid: must be > 0 (4 is the usual PERT)"),
    (lambda: Normal(1.0, 0.0), {"dist": "normal", "mean": 1, "sd": 0}, "sd = 0 is invalid: must be > 0"),
    (lambda: Normal(0.0, 1.0, low=50.0, high=60.0), {"dist": "normal", "mean": 0, "sd": 1, "low": 50, "high": 60},
     "low = 50 and high = 60 leave no probability"),
    (lambda: LogNormal(-1.0, 0.5), {"dist": "lognormal", "median": -1, "sigma": 0.5}, "median = -1 is invalid: "
     "must be > 0"),
    (lambda: Beta(2.0, 0.0), {"dist": "beta", "alpha": 2, "beta": 0}, "beta = 0 is invalid: must be > 0"),
    (lambda: Discrete((0.5, 1.0), (0.5, 0.6)), {"dist": "discrete", "values": [0.5, 1], "weights": [0.5, 0.6]},
     "weights = [0.5, 0.6] is invalid: weights must sum to 1 (they sum to 1.1)"),
    (lambda: Uniform(float("nan"), 1.0), {"dist": "uniform", "low": float("nan"), "high": 1}, "low = nan is invalid: "
     "must be a finite number"),
]


@pytest.mark.parametrize(("build", "table", "message"), BAD, ids=[b[1]["dist"] + str(i) for i, b in enumerate(BAD)])
def test_a_distribution_built_in_python_is_checked_as_a_file_is(build, table, message):
    with pytest.raises(InputError) as info:
        build()
    _, from_file = _parse(table)
    assert any(message in line for line in from_file), from_file
    kind = type(parse({"dist": table["dist"], **GOOD[table["dist"]]}, "", Problems("x"))).__name__
    assert [str(p) for p in info.value.problems] == [f"<python>: {kind} " + line.partition("[inputs.x] ")[2]
                                                     for line in from_file]


GOOD = {"uniform": {"low": 0, "high": 1}, "loguniform": {"low": 1, "high": 2}, "pert": {"low": 0, "mode": 1, "high": 2},
        "triangular": {"low": 0, "mode": 1, "high": 2}, "normal": {"mean": 0, "sd": 1}, "beta": {"alpha": 1, "beta": 2},
        "lognormal": {"median": 1, "sigma": 1}, "discrete": {"values": [1], "weights": [1]}}


def test_distributions_built_in_python_are_frozen_floats_and_picklable():
    dist = Discrete([1, 2], [0.25, 0.75])
    assert dist.values == (1.0, 2.0) and isinstance(dist.values, tuple)
    assert pickle.loads(pickle.dumps(Pert.from_mode(0, 1, 3))) == Pert.from_mode(0.0, 1.0, 3.0)
    assert Normal(0.05, 0.01, low=0).parameters() == {"mean": 0.05, "sd": 0.01, "low": 0.0}
    same, problems = _parse({"dist": "pert", **Pert.from_mode(0, 1, 3).parameters()})
    assert not problems and same == Pert.from_mode(0, 1, 3)


# scipy's truncnorm.ppf at 1 - 2**-53 is off by 1.3e-3 relative for this one (its own sf there is 1.24e-16, not
# 2**-53); the sampler's value is checked by scipy's sf, which is exact there.
_PPF_OFF_AT_THE_TOP = {"normal(0.05, sd=0.03) on [0, 1]"}


@pytest.mark.parametrize("dist", [*CONTINUOUS, Beta(0.5 / 0.0225 * 0.5 - 0.5, 0.5 / 0.0225 * 0.5 - 0.5)],
                         ids=lambda d: d.describe())
def test_quantiles_at_the_extreme_drawable_uniforms_match_scipy(dist):
    """The sampler's values at U_LOWEST and U_HIGHEST, which a run can draw (clipped ends), are the true quantiles.

    The beta's interpolated inverse gave 2.4e-9 at 2**-54 for beta(5.06, 5.06), whose quantile there is 2.3e-4.
    """
    u = np.array([U_LOWEST, U_HIGHEST])
    x, reference = dist.ppf(u), dist.to_scipy()
    ends = [0] if dist.describe() in _PPF_OFF_AT_THE_TOP else [0, 1]
    assert_allclose(x[ends], reference.ppf(u)[ends], rtol=1e-9)
    assert reference.cdf(x[0]) == pytest.approx(U_LOWEST, rel=1e-6)
    assert reference.sf(x[1]) == pytest.approx(1.0 - U_HIGHEST, rel=1e-6)
    assert dist.drawable == tuple(dist.ppf(u))


# --- the families added to the first ones: against scipy.stats ---------------------------------------

NEW = [Gamma(2.0, 1.5), Gamma(0.3, 4e6), Weibull(1.5, 12.0), Weibull(0.4, 1e-3), StudentT(5.0, 2.0, 5.0),
       Empirical((3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0))]


@pytest.mark.parametrize("dist", NEW, ids=lambda d: d.describe())
def test_new_families_quantiles_match_scipy(dist):
    u = np.concatenate([np.linspace(0.001, 0.999, 999), [1e-12, 0.125, 0.25, 1 - 1e-12]])
    assert_allclose(dist.ppf(u), dist.to_scipy().ppf(u), rtol=1e-10)


@pytest.mark.parametrize("dist", NEW, ids=lambda d: d.describe())
def test_new_families_moments_of_a_large_sample_match_scipy(dist):
    """Mean and sd of 400,000 draws within 4 standard errors of scipy's (the sd's error from the fourth moment)."""
    n = 400_000
    x = dist.ppf(np.random.default_rng(11).random(n))
    reference = dist.to_scipy()
    mean, sd = reference.mean(), reference.std()
    assert abs(x.mean() - mean) < 4 * sd / math.sqrt(n)
    kurtosis = float(reference.stats(moments="k")) + 3.0
    assert abs(x.std() - sd) < 4 * sd * math.sqrt((kurtosis - 1) / (4 * n))


def test_an_empirical_draws_only_its_values_each_as_often():
    dist = Empirical((2.0, 7.0, 7.0, 5.0))
    x = dist.ppf(np.random.default_rng(5).random(80_000))
    values, counts = np.unique(x, return_counts=True)
    assert values.tolist() == [2.0, 5.0, 7.0]
    assert_allclose(counts / len(x), [0.25, 0.25, 0.5], atol=0.01)
    assert dist.drawable == (2.0, 7.0)


FITS = [  # (family, the distribution the percentiles are taken from, its fields)
    ("uniform", Uniform(2.0, 5.0)),
    ("loguniform", LogUniform(1e-3, 10.0)),
    ("normal", Normal(1.0, 2.0)),
    ("beta", Beta(5.0, 95.0)),
    ("beta", Beta(0.5, 0.8, low=10.0, high=20.0)),
    ("gamma", Gamma(2.0, 1.5)),
    ("gamma", Gamma(0.3, 4e6)),
    ("gamma", Gamma(4e4, 1e-3)),
    ("weibull", Weibull(1.5, 12.0)),
    ("weibull", Weibull(0.4, 1e-3)),
    ("student_t", StudentT(5.0, 2.0, 3.0)),
]


@pytest.mark.parametrize(("family", "dist"), FITS, ids=lambda x: x if isinstance(x, str) else x.describe())
def test_a_fit_to_p05_and_p95_recovers_the_parameters(family, dist):
    p05, p95 = dist.to_scipy().ppf([0.05, 0.95])
    table = {"dist": family, "p05": p05, "p95": p95}
    if family == "beta":
        table |= {"low": dist.low, "high": dist.high}
    if family == "student_t":
        table["df"] = dist.df
    problems = Problems("p.toml")
    fitted = parse(table, "[inputs.x]", problems)
    assert not problems, problems.items
    assert type(fitted) is type(dist)
    for key, value in dist.parameters().items():
        assert fitted.parameters()[key] == pytest.approx(value, rel=1e-7), key
    assert_allclose(fitted.ppf(np.array([0.05, 0.95])), [p05, p95], rtol=1e-9)


@pytest.mark.parametrize(("table", "message"), [
    ({"dist": "gamma", "p05": 1.0, "p95": 1e200},
     r"\[inputs.x\] p95 = 1e\+200 and p05 = 1 fit no gamma: their ratio 1e\+200 must lie in "
     r"\(1\.0000033, 7\.53e\+127\)"),
    ({"dist": "gamma", "p05": -1.0, "p95": 2.0}, r"p05 = -1 is invalid: a gamma's percentiles must be > 0"),
    ({"dist": "gamma", "shape": 2.0, "p05": 1.0, "p95": 2.0},
     r"\[inputs.x\] mixes shape and scale with p05 and p95: give one pair"),
    ({"dist": "weibull", "shape": 2.0}, r"\[inputs.x\] is missing 'scale'"),
    ({"dist": "weibull"}, r"weibull needs shape and scale, or p05 and p95"),
    ({"dist": "student_t", "loc": 0.0, "scale": 1.0}, r"\[inputs.x\] is missing 'df'"),
    ({"dist": "student_t", "loc": 0.0, "scale": 1.0, "df": 0},
     r"df = 0 is invalid: the degrees of freedom must be > 0"),
    ({"dist": "normal", "p05": 1.0, "p95": 2.0, "low": 0.0},
     r"low = 0 is not allowed with p05 and p95, which fit an untruncated normal"),
    ({"dist": "beta", "p05": 0.2, "p95": 1.5},
     r"p95 = 1\.5 is invalid: must lie strictly inside \(low, high\) = \(0, 1\)"),
    ({"dist": "uniform", "p05": 3.0, "p95": 2.0}, r"p95 = 2 is invalid: must be greater than p05 = 3"),
])
def test_a_bad_parameterisation_is_one_clear_message(table, message):
    problems = Problems("p.toml")
    assert parse(table, "[inputs.x]", problems) is None
    assert len(problems.items) == 1, problems.items
    assert re.search(message, str(problems.items[0])), str(problems.items[0])


def test_fit_beta_reaches_u_shapes_and_narrow_ones():
    for q05, q95 in [(0.001, 0.999), (0.5, 0.5001), (1e-6, 0.9)]:
        alpha, beta = fit_beta(q05, q95)
        assert_allclose(stats.beta(alpha, beta).ppf([0.05, 0.95]), [q05, q95], rtol=1e-7)


@pytest.mark.parametrize("dist", [StudentT(20.0, 2.0, 4.0, low=18.0), StudentT(0.0, 1.0, 3.0, low=-1.0, high=2.0),
                                  StudentT(0.0, 1.0, 5.0, low=3.0, high=6.0)], ids=lambda d: d.describe())
def test_a_truncated_student_t_matches_scipys_truncation(dist):
    """Against ``scipy.stats.truncate`` of its t: quantiles inside, at 2**-54, and at 1 - 2**-53 by its survival.

    scipy's icdf at 1 - 2**-53 is off for the first (its own ccdf there is 2.7e-16, not 2**-53).
    """
    reference = dist.to_scipy()
    u = np.concatenate([np.linspace(0.001, 0.999, 99), [U_LOWEST]])
    assert_allclose(dist.ppf(u), reference.icdf(u), rtol=1e-9)
    top = dist.ppf(np.array([U_HIGHEST]))[0]
    assert float(reference.ccdf(top)) == pytest.approx(1.0 - U_HIGHEST, rel=1e-6) or top == dist.high
    x = dist.ppf(np.random.default_rng(2).random(200_000))
    assert np.all((x >= dist.low) & (x <= dist.high))
    assert abs(x.mean() - float(reference.mean())) < 4 * float(reference.standard_deviation()) / math.sqrt(len(x))
