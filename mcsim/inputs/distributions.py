"""Probability distributions of the priors, each mapped from the unit interval by its inverse CDF.

Every family is a small frozen dataclass with ``ppf`` (vectorised, the only thing the sampler
calls), ``support``, ``drawable`` (the quantiles at the extreme uniforms a run can give: what the
check before sampling evaluates) and ``to_scipy`` (the equivalent ``scipy.stats`` distribution,
against which the tests check the draws). Two-parameter families may be given by their 5th and
95th percentiles, to which the reader fits them (:func:`fit_gamma_shape`, :func:`fit_beta` where
no closed form exists); an empirical prior reads a column of a CSV file beside the priors file.
:func:`parse` builds one from a priors-file table and reports every problem it finds; a
distribution built in Python goes through the same checks (its family's reader) and is refused
with the same messages.

Beta and PERT inverse CDFs use UNU.RAN's Hermite interpolation of the inverse CDF
(``scipy.stats.sampling.NumericalInverseHermite``), about 15 times faster than
``scipy.stats.beta.ppf`` with a u-error |F(x) - u| below ``U_RESOLUTION`` (measured at most
3.2e-10 over 356 shapes with both parameters in [1, 1000]). Its polynomial sibling
``NumericalInversePolynomial`` is faster still but never returns for some shapes (beta(4.2075,
1.7925), a PERT, in scipy 1.17), so it is not used. Shapes below 1 (unbounded densities) use the
exact ``scipy.special.betaincinv``, which is fast there. An absolute u-error of 1e-10 is a large
relative one in the far tails (at u = 2**-54 the interpolation gave 2.4e-9 for a beta whose
quantile there is 2.3e-4), so the uniforms beyond the Sobol grid's first and last points (below
``2**-30`` or above ``1 - 2**-30``: the clipped ends ``U_LOWEST`` and ``U_HIGHEST`` among them)
take the exact inverse too, the upper ones by the mirror ``1 - betaincinv(beta, alpha, 1 - u)``;
every uniform of the grid itself keeps the interpolation, so draws inside it are unchanged.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from scipy import optimize, special, stats
from scipy.stats.sampling import NumericalInverseHermite

from mcsim.inputs.errors import InputError, Problems, did_you_mean, is_number, show
from mcsim.inputs.files import read_text
from mcsim.inputs.tables import Table, check_fields, fields_of

__all__ = ["FAMILIES", "U_HIGHEST", "U_LOWEST", "U_RESOLUTION", "Distribution", "inside_unit", "parse"]

U_RESOLUTION = 1e-10
# The extreme uniforms an inverse CDF is ever given: 0 and 1 would make an unbounded prior
# infinite. 1 - 2**-53 is the largest double below 1 (and numpy's largest uniform); the sampler,
# the copula and the Sobol indices' sample all clip to these, and the check before a run
# (inputs.model_check) evaluates the model at the priors' quantiles at exactly these two.
U_LOWEST = 2.0**-54
U_HIGHEST = 1.0 - 2.0**-53
# Beyond these the beta's interpolated inverse is replaced by the exact one (see the module's docstring).
BETA_EXACT_BELOW = 2.0**-30
BETA_EXACT_ABOVE = 1.0 - 2.0**-30
Z95 = special.ndtri(0.95)  # 1.6448536269514722: the p95 of a standard normal

FloatArray = np.ndarray


class Distribution:
    """A one-dimensional distribution: ``ppf`` maps uniforms in (0, 1) onto it.

    A distribution checks its parameters when it is built, as a priors file's are checked::

        >>> Uniform(5, 1)
        Traceback (most recent call last):
        ...
        mcsim.inputs.errors.InputError: <python>: Uniform high = 1 is invalid: must be greater than low = 5
    """

    family: ClassVar[str]

    def __post_init__(self) -> None:
        check_fields(_READERS[self.family], self.parameters(), type(self).__name__)
        for name, value in fields_of(self).items():  # numbers as floats, sequences as tuples of floats
            if isinstance(value, list | tuple):
                object.__setattr__(self, name, tuple(float(v) for v in value))
            elif is_number(value):
                object.__setattr__(self, name, float(value))

    def parameters(self) -> dict[str, Any]:
        """The family's parameters, as a priors file's table gives them (``dist`` aside)."""
        return fields_of(self)

    def shown_parameters(self) -> dict[str, Any]:
        """The parameters a report's table lists: :meth:`parameters`, but an empirical's data by their file."""
        return self.parameters()

    def ppf(self, u: FloatArray) -> FloatArray:
        raise NotImplementedError

    @property
    def support(self) -> tuple[float, float]:
        """The ends of its support: ``(low, high)`` for the families that have them (an end may never be drawn)."""
        return (self.low, self.high)

    @property
    def drawable(self) -> tuple[float, float]:
        """The smallest and largest values it can draw: its quantiles at ``U_LOWEST`` and ``U_HIGHEST``.

        Every uniform that reaches ``ppf`` lies between these two (:func:`inside_unit`), and ``ppf`` is
        non-decreasing, so nothing drawn lies outside. A support's end is not drawn unless a quantile
        reaches it (a beta on [0, 1] with both shapes above 1 never gives 0).
        """
        with np.errstate(all="ignore"):
            low, high = (float(v) for v in self.ppf(np.array([U_LOWEST, U_HIGHEST])))
        return (low, high)

    def to_scipy(self) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        """Short human description, e.g. ``lognormal(p05=4e+07, p95=1e+08)``."""
        raise NotImplementedError

    @property
    def is_point(self) -> bool:
        return False


def inside_unit(u: FloatArray, *, out: FloatArray | None = None) -> FloatArray:
    """``u`` clipped to [:data:`U_LOWEST`, :data:`U_HIGHEST`], strictly inside (0, 1)."""
    return np.clip(u, U_LOWEST, U_HIGHEST, out=out)


def _g(x: float) -> str:
    return f"{x:.4g}"


@dataclass(frozen=True)
class Point(Distribution):
    value: float
    family: ClassVar[str] = "point"

    def ppf(self, u):
        return np.full(np.shape(u), self.value, dtype=float)

    @property
    def support(self):
        return (self.value, self.value)

    def to_scipy(self):
        return stats.uniform(loc=self.value, scale=0.0)

    def describe(self):
        return f"point({_g(self.value)})"

    def parameters(self):
        return {"point": self.value}

    @property
    def is_point(self):
        return True


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float
    family: ClassVar[str] = "uniform"

    def ppf(self, u):
        return self.low + np.asarray(u) * (self.high - self.low)

    def to_scipy(self):
        return stats.uniform(loc=self.low, scale=self.high - self.low)

    def describe(self):
        return f"uniform({_g(self.low)}, {_g(self.high)})"


@dataclass(frozen=True)
class LogUniform(Distribution):
    low: float
    high: float
    family: ClassVar[str] = "loguniform"

    def ppf(self, u):
        log_low, log_high = math.log(self.low), math.log(self.high)
        return np.exp(log_low + np.asarray(u) * (log_high - log_low))

    def to_scipy(self):
        return stats.loguniform(self.low, self.high)

    def describe(self):
        return f"loguniform({_g(self.low)}, {_g(self.high)})"


@dataclass(frozen=True)
class Triangular(Distribution):
    low: float
    mode: float
    high: float
    family: ClassVar[str] = "triangular"

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        width = self.high - self.low
        split = (self.mode - self.low) / width
        left = self.low + np.sqrt(u * width * (self.mode - self.low))
        right = self.high - np.sqrt((1.0 - u) * width * (self.high - self.mode))
        return np.where(u < split, left, right)

    def to_scipy(self):
        width = self.high - self.low
        return stats.triang((self.mode - self.low) / width, loc=self.low, scale=width)

    def describe(self):
        return f"triangular({_g(self.low)}, {_g(self.mode)}, {_g(self.high)})"


@functools.lru_cache(maxsize=64)
def _beta_inverse(alpha: float, beta: float):
    """A fast inverse CDF of the standard beta(alpha, beta) on [0, 1]."""
    if alpha < 1.0 or beta < 1.0 or (alpha == 1.0 and beta == 1.0):
        return functools.partial(special.betaincinv, alpha, beta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        generator = NumericalInverseHermite(stats.beta(alpha, beta), domain=(0.0, 1.0), u_resolution=U_RESOLUTION)
    return generator.ppf


def _standard_beta_ppf(alpha: float, beta: float, u: FloatArray) -> FloatArray:
    """The beta(alpha, beta) quantiles of ``u``: interpolated on the Sobol grid, exact beyond it."""
    u = np.asarray(u, dtype=float)
    x = np.asarray(_beta_inverse(alpha, beta)(u), dtype=float)
    below, above = u < BETA_EXACT_BELOW, u > BETA_EXACT_ABOVE
    if below.any() or above.any():
        x = np.array(x, dtype=float)  # a copy: the interpolation's output may be read-only
        x[below] = np.nan_to_num(special.betaincinv(alpha, beta, u[below]))  # NaN for a subnormal u: 0 then
        x[above] = 1.0 - special.betaincinv(beta, alpha, 1.0 - u[above])  # 1 - u is exact up there
    return x


def _scaled_beta_ppf(alpha: float, beta: float, low: float, high: float, u: FloatArray) -> FloatArray:
    x = _standard_beta_ppf(alpha, beta, u)
    return low + (high - low) * np.clip(x, 0.0, 1.0)


class _ScaledBeta:
    """A beta on [low, high]: the inverse CDF, support and scipy form of Beta and PERT alike."""

    def ppf(self, u):
        return _scaled_beta_ppf(self.alpha, self.beta, self.low, self.high, u)

    def to_scipy(self):
        return stats.beta(self.alpha, self.beta, loc=self.low, scale=self.high - self.low)


@dataclass(frozen=True)
class Beta(_ScaledBeta, Distribution):
    """Beta(alpha, beta) rescaled from [0, 1] to [low, high]."""

    alpha: float
    beta: float
    low: float = 0.0
    high: float = 1.0
    family: ClassVar[str] = "beta"

    def describe(self):
        scale = "" if (self.low, self.high) == (0.0, 1.0) else f" on [{_g(self.low)}, {_g(self.high)}]"
        return f"beta({_g(self.alpha)}, {_g(self.beta)}){scale}"


@dataclass(frozen=True)
class Pert(_ScaledBeta, Distribution):
    """The (modified) PERT distribution: a beta on [low, high] with its mode at ``mode``.

    References
    ----------
    Vose, D. (2008). Risk Analysis: A Quantitative Guide, 3rd ed., section 9.1.
    """

    low: float
    mode: float
    high: float
    shape: float = 4.0
    family: ClassVar[str] = "pert"

    @classmethod
    def from_mode(cls, low: float, mode: float, high: float, shape: float = 4.0) -> Pert:
        return cls(low, mode, high, shape)

    @property
    def alpha(self) -> float:
        return 1.0 + self.shape * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        return 1.0 + self.shape * (self.high - self.mode) / (self.high - self.low)

    def describe(self):
        shape = "" if self.shape == 4.0 else f", shape={_g(self.shape)}"
        return f"pert({_g(self.low)}, {_g(self.mode)}, {_g(self.high)}{shape})"


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal(mean, sd), truncated to [low, high] where either is finite."""

    mean: float
    sd: float
    low: float = -math.inf
    high: float = math.inf
    family: ClassVar[str] = "normal"

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        a = (self.low - self.mean) / self.sd
        b = (self.high - self.mean) / self.sd
        cdf_a, cdf_b = special.ndtr(a), special.ndtr(b)
        if a > 0:  # both bounds in the upper tail: mirror to keep the precision of ndtr
            z = -special.ndtri(special.ndtr(-a) - u * (special.ndtr(-a) - special.ndtr(-b)))
        elif cdf_b < 1.0:
            z = special.ndtri(cdf_a + u * (cdf_b - cdf_a))
        else:  # the upper bound beyond double precision's cdf (untruncated above): near 1, work with 1 - u
            with np.errstate(all="ignore"):
                lower = special.ndtri(cdf_a + u * (1.0 - cdf_a))
                upper = -special.ndtri((1.0 - u) * (1.0 - cdf_a))  # 1 - F(x) = (1 - u)(1 - F(a)), exact 1 - u
            z = np.where(u < 0.5, lower, upper)
        return np.clip(self.mean + self.sd * z, self.low, self.high)

    def to_scipy(self):
        a = (self.low - self.mean) / self.sd
        b = (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)

    def parameters(self):
        bounds = {"low": self.low} if self.low != -math.inf else {}
        return {"mean": self.mean, "sd": self.sd, **bounds, **({"high": self.high} if self.high != math.inf else {})}

    def describe(self):
        bounds = ""
        if math.isfinite(self.low) or math.isfinite(self.high):
            bounds = f" on [{_g(self.low)}, {_g(self.high)}]"
        return f"normal({_g(self.mean)}, sd={_g(self.sd)}){bounds}"


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Lognormal with the given median and sd of the log (``sigma``)."""

    median: float
    sigma: float
    family: ClassVar[str] = "lognormal"

    def ppf(self, u):
        return self.median * np.exp(self.sigma * special.ndtri(np.asarray(u, dtype=float)))

    @property
    def support(self):
        return (0.0, math.inf)

    def to_scipy(self):
        return stats.lognorm(self.sigma, scale=self.median)

    def describe(self):
        p05 = self.median * math.exp(-Z95 * self.sigma)
        p95 = self.median * math.exp(Z95 * self.sigma)
        return f"lognormal(p05={_g(p05)}, p95={_g(p95)})"


@dataclass(frozen=True)
class Discrete(Distribution):
    values: tuple[float, ...]
    weights: tuple[float, ...]
    family: ClassVar[str] = "discrete"

    def ppf(self, u):
        cumulative = np.cumsum(self.weights)
        cumulative /= cumulative[-1]
        index = np.searchsorted(cumulative, np.asarray(u, dtype=float), side="right")
        return np.asarray(self.values, dtype=float)[np.minimum(index, len(self.values) - 1)]

    @property
    def support(self):
        return (min(self.values), max(self.values))

    def to_scipy(self):
        total, merged = sum(self.weights), {}
        for value, weight in zip(self.values, self.weights, strict=True):  # a value listed twice: its weights add
            merged[value] = merged.get(value, 0.0) + weight / total
        return stats.rv_discrete(values=(tuple(merged), tuple(merged.values())))

    def describe(self):
        pairs = ", ".join(f"{_g(v)}: {_g(w)}" for v, w in zip(self.values, self.weights, strict=True))
        return f"discrete({pairs})"


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma with ``shape`` k and ``scale`` theta (mean k theta), as ``scipy.stats.gamma(k, scale=theta)``."""

    shape: float
    scale: float
    family: ClassVar[str] = "gamma"

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        x = np.empty_like(u)
        lower = u < 0.5
        x[lower] = special.gammaincinv(self.shape, u[lower])
        x[~lower] = special.gammainccinv(self.shape, 1.0 - u[~lower])  # the upper half by 1 - u, exact there
        return self.scale * x

    @property
    def support(self):
        return (0.0, math.inf)

    def to_scipy(self):
        return stats.gamma(self.shape, scale=self.scale)

    def describe(self):
        return f"gamma(shape={_g(self.shape)}, scale={_g(self.scale)})"


@dataclass(frozen=True)
class Weibull(Distribution):
    """Weibull with ``shape`` k and ``scale`` lambda, P(X > x) = exp(-(x / lambda)**k): ``scipy.stats.weibull_min``."""

    shape: float
    scale: float
    family: ClassVar[str] = "weibull"

    def ppf(self, u):
        return self.scale * (-np.log1p(-np.asarray(u, dtype=float))) ** (1.0 / self.shape)

    @property
    def support(self):
        return (0.0, math.inf)

    def to_scipy(self):
        return stats.weibull_min(self.shape, scale=self.scale)

    def describe(self):
        return f"weibull(shape={_g(self.shape)}, scale={_g(self.scale)})"


@dataclass(frozen=True)
class StudentT(Distribution):
    """Student's t with ``df`` degrees of freedom, moved to ``loc`` and stretched by ``scale``; truncated to [low, high]

    where either is finite.
    """

    loc: float
    scale: float
    df: float
    low: float = -math.inf
    high: float = math.inf
    family: ClassVar[str] = "student_t"

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        if self.low == -math.inf and self.high == math.inf:
            return self.loc + self.scale * special.stdtrit(self.df, u)
        a, b = (self.low - self.loc) / self.scale, (self.high - self.loc) / self.scale
        cdf_a, cdf_b = special.stdtr(self.df, a), special.stdtr(self.df, b)
        sf_a, sf_b = special.stdtr(self.df, -a), special.stdtr(self.df, -b)  # symmetric: sf(x) = cdf(-x)
        below = cdf_a + u * (cdf_b - cdf_a)
        with np.errstate(all="ignore"):  # each side where its probabilities are small, so exact
            z = np.where(below < 0.5, special.stdtrit(self.df, below),
                         -special.stdtrit(self.df, sf_b + (1.0 - u) * (sf_a - sf_b)))
        return np.clip(self.loc + self.scale * z, self.low, self.high)

    @property
    def support(self):
        return (self.low, self.high)

    def to_scipy(self):
        """``scipy.stats.t``; truncated, scipy's ``truncate`` of it (``icdf``, ``cdf``, ``ccdf``, ``mean``)."""
        if self.low == -math.inf and self.high == math.inf:
            return stats.t(self.df, loc=self.loc, scale=self.scale)
        standard = stats.make_distribution(stats.t)(df=self.df)
        a, b = (self.low - self.loc) / self.scale, (self.high - self.loc) / self.scale
        return stats.truncate(standard, lb=a, ub=b) * self.scale + self.loc

    def parameters(self):
        bounds = {"low": self.low} if self.low != -math.inf else {}
        bounds |= {"high": self.high} if self.high != math.inf else {}
        return {"loc": self.loc, "scale": self.scale, "df": self.df, **bounds}

    def describe(self):
        bounds = f" on [{_g(self.low)}, {_g(self.high)}]" if math.isfinite(self.low) or math.isfinite(self.high) else ""
        return f"student_t(loc={_g(self.loc)}, scale={_g(self.scale)}, df={_g(self.df)}){bounds}"


@dataclass(frozen=True)
class Empirical(Distribution):
    """The values of a data column, drawn by their empirical quantile function (the inverse of their ECDF).

    The quantile at u is the ``ceil(n u)``-th smallest of the n values (Hyndman and Fan's definition
    1), as ``scipy.stats.rv_discrete`` over the values, each with weight 1 / n, gives it: every draw
    is one of the values. ``file`` and ``column`` say where they were read (for reports).

    References
    ----------
    Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. The American
    Statistician 50(4), 361-365.
    """

    values: tuple[float, ...]
    file: str = ""
    column: str = ""
    family: ClassVar[str] = "empirical"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "values", tuple(sorted(self.values)))

    def ppf(self, u):
        index = np.ceil(len(self.values) * np.asarray(u, dtype=float)).astype(np.int64) - 1
        return np.asarray(self.values, dtype=float)[np.clip(index, 0, len(self.values) - 1)]

    @property
    def support(self):
        return (self.values[0], self.values[-1])

    def to_scipy(self):
        merged: dict[float, float] = {}
        for value in self.values:
            merged[value] = merged.get(value, 0.0) + 1.0 / len(self.values)
        return stats.rv_discrete(values=(tuple(merged), tuple(merged.values())))

    def parameters(self):
        return {"values": self.values}  # what is checked: the file was read, and checked, once

    def shown_parameters(self):
        return {"file": self.file, "column": self.column, "n": len(self.values)}

    def describe(self):
        where = f"{self.file}: {self.column}, " if self.file else ""
        return f"empirical({where}{len(self.values)} values from {_g(self.values[0])} to {_g(self.values[-1])})"


# ---------------------------------------------------------------------------------------------
# Fitting a family's two parameters to a 5th and a 95th percentile where no closed form exists.

#: The gamma shapes a fit to percentiles searches: below 0.01 the 5th percentile underflows.
GAMMA_SHAPES = (1e-2, 1e12)


def _gamma_log_ratio(shape: float) -> float:
    """log(p95 / p05) of a gamma of this shape (any scale): decreasing in the shape."""
    return math.log(special.gammainccinv(shape, 0.05)) - math.log(special.gammaincinv(shape, 0.05))


#: The ratios p95 / p05 the gammas of GAMMA_SHAPES have: (narrowest, widest).
GAMMA_RATIOS = (math.exp(_gamma_log_ratio(GAMMA_SHAPES[1])), math.exp(_gamma_log_ratio(GAMMA_SHAPES[0])))


def fit_gamma_shape(ratio: float) -> float | None:
    """The gamma shape whose p95 / p05 is ``ratio`` (Brent's method on log shape), or None if none in GAMMA_SHAPES.

    The ratio depends on the shape alone and falls from GAMMA_RATIOS[1] to GAMMA_RATIOS[0] as it grows.
    """
    if not GAMMA_RATIOS[0] < ratio < GAMMA_RATIOS[1]:
        return None
    target = math.log(ratio)
    log_shape = optimize.brentq(lambda t: _gamma_log_ratio(math.exp(t)) - target,
                                math.log(GAMMA_SHAPES[0]), math.log(GAMMA_SHAPES[1]), xtol=1e-14, rtol=1e-14)
    return math.exp(log_shape)


def fit_beta(q05: float, q95: float) -> tuple[float, float] | None:
    """The shapes (alpha, beta) of the beta on [0, 1] whose 5th and 95th percentiles are ``q05`` < ``q95``.

    Least squares on the log shapes (the residuals are the CDF's misses at the two percentiles),
    started from the beta with the normal approximation's mean and sd; None if the misses stay
    above 1e-9 (no beta fits).
    """
    mean, sd = (q05 + q95) / 2, (q95 - q05) / (2 * Z95)
    nu = mean * (1 - mean) / (sd * sd) - 1 if sd * sd < mean * (1 - mean) else 2.0
    start = np.log([max(mean * nu, 1e-3), max((1 - mean) * nu, 1e-3)])

    def misses(log_shapes):
        a, b = np.exp(log_shapes)
        return [special.betainc(a, b, q05) - 0.05, special.betainc(a, b, q95) - 0.95]

    with np.errstate(all="ignore"):
        fit = optimize.least_squares(misses, start, bounds=([-12.0, -12.0], [30.0, 30.0]), xtol=1e-15, ftol=1e-15,
                                     gtol=1e-15, max_nfev=2000)
    if not (fit.success and max(abs(m) for m in misses(fit.x)) < 1e-9):
        return None
    alpha, beta = np.exp(fit.x)
    return float(alpha), float(beta)


# ---------------------------------------------------------------------------------------------
# Reading a family's parameters from a priors-file table or a distribution's own fields: each
# reader checks them, records every problem, and returns the distribution's fields (None if bad).

FAMILIES: dict[str, tuple[str, ...]] = {
    "point": (),
    "uniform": ("low", "high", "p05", "p95"),
    "loguniform": ("low", "high", "p05", "p95"),
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high", "shape"),
    "normal": ("mean", "sd", "p05", "p95", "low", "high"),
    "lognormal": ("p05", "p95", "median", "sigma"),
    "beta": ("alpha", "beta", "mean", "sd", "p05", "p95", "low", "high"),
    "gamma": ("shape", "scale", "mean", "sd", "p05", "p95"),
    "weibull": ("shape", "scale", "p05", "p95"),
    "student_t": ("loc", "scale", "df", "p05", "p95", "low", "high"),
    "discrete": ("values", "weights"),
    "empirical": ("file", "column"),
}

Fields = dict[str, Any]


def parse(table: Mapping[str, Any], where: str, problems: Problems) -> Distribution | None:
    """Build the distribution that ``table`` describes (``dist`` and its parameters).

    Parameters
    ----------
    table : mapping
        The input's table from a priors file (``point``, ``dist`` and the family's keys).
    where : str
        The table's name in messages, e.g. ``[inputs.price]``.
    problems : Problems
        Where every problem found is recorded.

    Returns
    -------
    Distribution or None
        None when the table has problems (they are in ``problems``).
    """
    family = table.get("dist")
    if not isinstance(family, str) or family not in FAMILIES:
        allowed = ", ".join(FAMILIES)
        hint = did_you_mean(family, FAMILIES) if isinstance(family, str) else ""
        if family is None:
            problems.add(where, f"is missing 'dist' (allowed: {allowed})")
        else:
            problems.add(f"{where} dist", f"= {show(family)} is unknown{hint} (allowed: {allowed})")
        return None
    read = Table(table, where, problems)
    fields = _READERS[family](read)
    return _CLASSES[family](**fields) if fields is not None and read.ok else None


def _either(read: Table, first: tuple[str, str], second: tuple[str, str], family: str) -> str | None:
    """Which of two parameterisations the table uses; a problem if neither or both."""
    which = _one_of(read, (first, second), family)
    return None if which is None else ("first", "second")[which]


def _one_of(read: Table, options: tuple[tuple[str, ...], ...], family: str) -> int | None:
    """The index of the one parameterisation in ``options`` the table uses; a problem if none or several."""
    used = [i for i, keys in enumerate(options) if any(k in read for k in keys)]
    if len(used) > 1:
        given = " with ".join(" and ".join(options[i]) for i in used)
        read.add(None, f"mixes {given}: give one pair")
        return None
    if not used:
        ways = ", or ".join(" and ".join(keys) for keys in options)
        read.add(None, f"is missing parameters: {family} needs {ways}")
        return None
    return used[0]


def _percentiles(read: Table, *, positive: bool = False) -> tuple[float, float] | None:
    """``p05`` and ``p95``, checked: numbers, p05 < p95 (and p05 > 0 if ``positive``); None if bad."""
    p05, p95 = read.number("p05"), read.number("p95")
    if p05 is not None and positive:
        read.check(p05 > 0, "p05", f"a {read.get('dist')}'s percentiles must be > 0")
    if read.ok and p05 is not None and p95 is not None:
        read.check(p05 < p95, "p95", f"must be greater than p05 = {_g(p05)}")
    return (p05, p95) if read.ok and p05 is not None and p95 is not None else None


def _bounds(read: Table, low_default: float | None = None, high_default: float | None = None):
    low = read.number("low", default=low_default)
    high = read.number("high", default=high_default)
    if low is not None and high is not None and not low < high:
        read.invalid("high", f"must be greater than low = {_g(low)}")
    return low, high


def _point(read: Table) -> Fields | None:
    value = read.number("point")
    return {"value": value} if read.ok else None


def _uniform(read: Table) -> Fields | None:
    which = _one_of(read, (("low", "high"), ("p05", "p95")), "uniform")
    if which is None:
        return None
    if which == 1:
        percentiles = _percentiles(read)
        if percentiles is None:
            return None
        width = (percentiles[1] - percentiles[0]) / 0.9  # p05 and p95 lie 5 % of the width inside the ends
        return {"low": percentiles[0] - 0.05 * width, "high": percentiles[1] + 0.05 * width}
    low, high = _bounds(read)
    return {"low": low, "high": high} if read.ok else None


def _loguniform(read: Table) -> Fields | None:
    which = _one_of(read, (("low", "high"), ("p05", "p95")), "loguniform")
    if which is None:
        return None
    if which == 1:
        percentiles = _percentiles(read, positive=True)
        if percentiles is None:
            return None
        log05, log95 = math.log(percentiles[0]), math.log(percentiles[1])
        width = (log95 - log05) / 0.9
        return {"low": math.exp(log05 - 0.05 * width), "high": math.exp(log95 + 0.05 * width)}
    low, high = _bounds(read)
    if low is not None:
        read.check(low > 0, "low", "loguniform needs low > 0")
    return {"low": low, "high": high} if read.ok else None


def _triangular(read: Table) -> Fields | None:
    low, high = _bounds(read)
    mode = read.number("mode")
    if read.ok:
        read.check(low <= mode <= high, "mode", f"must lie in [low, high] = [{_g(low)}, {_g(high)}]")
    return {"low": low, "mode": mode, "high": high} if read.ok else None


def _pert(read: Table) -> Fields | None:
    low, high = _bounds(read)
    mode = read.number("mode")
    shape = read.number("shape", default=4.0)
    if shape is not None:
        read.check(shape > 0, "shape", "must be > 0 (4 is the usual PERT)")
    if read.ok:
        read.check(low <= mode <= high, "mode", f"must lie in [low, high] = [{_g(low)}, {_g(high)}]")
    return {"low": low, "mode": mode, "high": high, "shape": shape} if read.ok else None


def _normal(read: Table) -> Fields | None:
    which = _one_of(read, (("mean", "sd"), ("p05", "p95")), "normal")
    if which == 1:
        for key in ("low", "high"):
            if key in read:
                read.add(key, f"= {show(read.get(key))} is not allowed with p05 and p95, which fit an untruncated "
                         "normal: give mean and sd to truncate it")
        percentiles = _percentiles(read)
        if percentiles is None or not read.ok:
            return None
        return {"mean": (percentiles[0] + percentiles[1]) / 2, "sd": (percentiles[1] - percentiles[0]) / (2 * Z95),
                "low": -math.inf, "high": math.inf}
    mean, sd = (read.number("mean"), read.number("sd")) if which == 0 else (None, None)
    low, high = _bounds(read, -math.inf, math.inf)
    if sd is not None:
        read.check(sd > 0, "sd", "must be > 0")
    if read.ok and mean is not None and sd is not None:
        mass = special.ndtr((high - mean) / sd) - special.ndtr((low - mean) / sd)
        if not mass > 1e-12:
            read.add("low", f"= {_g(low)} and high = {_g(high)} leave no probability "
                     f"(mass {mass:.1e}) under normal({_g(mean)}, sd={_g(sd)})")
    return {"mean": mean, "sd": sd, "low": low, "high": high} if read.ok else None


def _lognormal(read: Table) -> Fields | None:
    which = _either(read, ("p05", "p95"), ("median", "sigma"), "lognormal")
    if which == "first":
        p05, p95 = read.number("p05"), read.number("p95")
        if p05 is not None:
            read.check(p05 > 0, "p05", "a lognormal's percentiles must be > 0")
        if read.ok:
            read.check(p05 < p95, "p95", f"must be greater than p05 = {_g(p05)}")
        if read.ok:
            return {"median": math.sqrt(p05 * p95), "sigma": math.log(p95 / p05) / (2 * Z95)}
    elif which == "second":
        median, sigma = read.number("median"), read.number("sigma")
        if median is not None:
            read.check(median > 0, "median", "must be > 0")
        if sigma is not None:
            read.check(sigma > 0, "sigma", "the sd of the log must be > 0")
        if read.ok:
            return {"median": median, "sigma": sigma}
    return None


def _beta(read: Table) -> Fields | None:
    which = _one_of(read, (("alpha", "beta"), ("mean", "sd"), ("p05", "p95")), "beta")
    low, high = _bounds(read, 0.0, 1.0)
    if which == 0:
        alpha, beta = read.number("alpha"), read.number("beta")
        for key, value in (("alpha", alpha), ("beta", beta)):
            if value is not None:
                read.check(value > 0, key, "must be > 0")
        return {"alpha": alpha, "beta": beta, "low": low, "high": high} if read.ok else None
    if which == 1:
        mean, sd = read.number("mean"), read.number("sd")
        if not read.ok:
            return None
        read.check(low < mean < high, "mean", f"must lie strictly inside (low, high) = ({_g(low)}, {_g(high)})")
        read.check(sd > 0, "sd", "must be > 0")
        if not read.ok:
            return None
        m, s = (mean - low) / (high - low), sd / (high - low)
        largest = math.sqrt(m * (1 - m)) * (high - low)
        read.check(s * s < m * (1 - m), "sd", f"is too large for a beta with mean {_g(mean)} "
                   f"on [{_g(low)}, {_g(high)}]: must be < {_g(largest)}")
        read.check(s * s > 0 and math.isfinite(m * (1 - m) / (s * s)), "sd",
                   f"is too small for a beta on [{_g(low)}, {_g(high)}]: its shape parameters would overflow")
        if not read.ok:
            return None
        nu = m * (1 - m) / (s * s) - 1
        return {"alpha": m * nu, "beta": (1 - m) * nu, "low": low, "high": high}
    if which == 2:
        percentiles = _percentiles(read)
        if percentiles is None or not read.ok:
            return None
        inside = all(low < p < high for p in percentiles)
        read.check(inside, "p05" if not low < percentiles[0] < high else "p95",
                   f"must lie strictly inside (low, high) = ({_g(low)}, {_g(high)})")
        if not read.ok:
            return None
        shapes = fit_beta((percentiles[0] - low) / (high - low), (percentiles[1] - low) / (high - low))
        if shapes is None:
            read.add("p95", f"= {_g(percentiles[1])} and p05 = {_g(percentiles[0])} fit no beta on "
                     f"[{_g(low)}, {_g(high)}]: no shapes give these percentiles")
            return None
        return {"alpha": shapes[0], "beta": shapes[1], "low": low, "high": high}
    return None


def _gamma(read: Table) -> Fields | None:
    which = _one_of(read, (("shape", "scale"), ("mean", "sd"), ("p05", "p95")), "gamma")
    if which == 0:
        shape, scale = read.number("shape"), read.number("scale")
        for key, value in (("shape", shape), ("scale", scale)):
            if value is not None:
                read.check(value > 0, key, "must be > 0")
        return {"shape": shape, "scale": scale} if read.ok else None
    if which == 1:
        mean, sd = read.number("mean"), read.number("sd")
        for key, value in (("mean", mean), ("sd", sd)):
            if value is not None:
                read.check(value > 0, key, "must be > 0 (a gamma is positive)")
        return {"shape": (mean / sd) ** 2, "scale": sd * sd / mean} if read.ok else None
    if which == 2:
        percentiles = _percentiles(read, positive=True)
        if percentiles is None:
            return None
        shape = fit_gamma_shape(percentiles[1] / percentiles[0])
        if shape is None:
            lowest, highest = GAMMA_RATIOS
            read.add("p95", f"= {_g(percentiles[1])} and p05 = {_g(percentiles[0])} fit no gamma: their ratio "
                     f"{_g(percentiles[1] / percentiles[0])} must lie in ({lowest:.8g}, {highest:.3g}) (a shape "
                     f"from {GAMMA_SHAPES[1]:g} down to {GAMMA_SHAPES[0]:g})")
            return None
        return {"shape": shape, "scale": percentiles[0] / float(special.gammaincinv(shape, 0.05))}
    return None


def _weibull(read: Table) -> Fields | None:
    which = _one_of(read, (("shape", "scale"), ("p05", "p95")), "weibull")
    if which == 0:
        shape, scale = read.number("shape"), read.number("scale")
        for key, value in (("shape", shape), ("scale", scale)):
            if value is not None:
                read.check(value > 0, key, "must be > 0")
        return {"shape": shape, "scale": scale} if read.ok else None
    if which == 1:
        percentiles = _percentiles(read, positive=True)
        if percentiles is None:
            return None
        # log(-log(1 - p)) = k log x - k log(scale): a line through the two percentiles
        h05, h95 = math.log(-math.log1p(-0.05)), math.log(-math.log1p(-0.95))
        shape = (h95 - h05) / math.log(percentiles[1] / percentiles[0])
        return {"shape": shape, "scale": percentiles[0] / math.exp(h05 / shape)}
    return None


def _student_t(read: Table) -> Fields | None:
    df = read.number("df")
    if df is not None:
        read.check(df > 0, "df", "the degrees of freedom must be > 0")
    which = _one_of(read, (("loc", "scale"), ("p05", "p95")), "student_t")
    if which == 1:
        for key in ("low", "high"):
            if key in read:
                read.add(key, f"= {show(read.get(key))} is not allowed with p05 and p95, which fit an untruncated "
                         "student_t: give loc and scale to truncate it")
        percentiles = _percentiles(read)
        if percentiles is None or not read.ok:
            return None
        half_width = (percentiles[1] - percentiles[0]) / 2
        return {"loc": (percentiles[0] + percentiles[1]) / 2,
                "scale": half_width / float(special.stdtrit(df, 0.95)), "df": df, "low": -math.inf, "high": math.inf}
    loc, scale = (read.number("loc"), read.number("scale")) if which == 0 else (None, None)
    low, high = _bounds(read, -math.inf, math.inf)
    if scale is not None:
        read.check(scale > 0, "scale", "must be > 0")
    if read.ok and loc is not None and scale is not None and df is not None:
        mass = special.stdtr(df, (high - loc) / scale) - special.stdtr(df, (low - loc) / scale)
        if not mass > 1e-12:
            read.add("low", f"= {_g(low)} and high = {_g(high)} leave no probability (mass {mass:.1e}) under "
                     f"student_t(loc={_g(loc)}, scale={_g(scale)}, df={_g(df)})")
    return {"loc": loc, "scale": scale, "df": df, "low": low, "high": high} if read.ok else None


def _discrete(read: Table) -> Fields | None:
    values, weights = read.get("values"), read.get("weights")
    for key, seq in (("values", values), ("weights", weights)):
        if seq is None:
            read.add(None, f"is missing '{key}'")
        elif not isinstance(seq, list | tuple) or not seq or not all(is_number(v) and math.isfinite(v) for v in seq):
            read.invalid(key, "must be a non-empty list of finite numbers")
    if not read.ok:
        return None
    if len(values) != len(weights):
        read.add("weights", f"has {len(weights)} entries but values has {len(values)}: one weight per value")
    elif any(w < 0 for w in weights) or sum(weights) <= 0:
        read.invalid("weights", "weights must be >= 0 with a positive sum")
    elif abs(sum(weights) - 1.0) > 1e-6:
        read.invalid("weights", f"weights must sum to 1 (they sum to {sum(weights):g})")
    if not read.ok:
        return None
    return {"values": tuple(float(v) for v in values), "weights": tuple(float(w) for w in weights)}


def _empirical(read: Table) -> Fields | None:
    """The values of ``column`` in the CSV ``file`` (relative to the file the table is in); or ``values``, in Python."""
    if "values" in read and "file" not in read and "column" not in read:  # an Empirical built in Python
        values = read.get("values")
        if not (isinstance(values, list | tuple) and all(is_number(v) and math.isfinite(v) for v in values)):
            read.invalid("values", "must be a list of finite numbers")
        elif len(values) < 2:
            read.invalid("values", f"holds {len(values)} value(s): an empirical distribution needs at least 2")
        return {"values": tuple(values)} if read.ok else None
    for key in ("file", "column"):
        value = read.get(key)
        if value is None:
            read.add(None, f"is missing '{key}': an empirical distribution takes the values of a column "
                     "(column = \"NAME\") of a CSV file beside the priors file (file = \"data.csv\")")
        elif not (isinstance(value, str) and value.strip()):
            read.invalid(key, "must be a non-empty string")
    if not read.ok:
        return None
    values = _csv_column(read, read.get("file"), read.get("column"))
    return {"values": values, "file": read.get("file"), "column": read.get("column")} if values else None


def _csv_column(read: Table, file: str, column: str) -> tuple[float, ...] | None:
    """The numbers of ``column`` in the CSV ``file`` (its first row names the columns); None (recorded) if bad."""
    path = Path(read.problems.file).parent / file
    try:
        text = read_text(path, "CSV")
    except InputError as error:
        read.invalid("file", f"{path} {error.problems[0].message} (a CSV file, relative to the priors file)")
        return None
    text = text.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets write one, is not in the first name
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    header = [name.strip() for name in rows[0]] if rows else []
    if column not in header:
        read.invalid("column", f"is not a column of {file}{did_you_mean(column, header)} "
                     f"(columns: {', '.join(header) or 'none'})")
        return None
    index, values = header.index(column), []
    for number, row in enumerate(rows[1:], start=2):
        cell = row[index].strip() if index < len(row) else ""
        try:
            value = float(cell)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            read.invalid("column", f"{file} row {number} holds {show(cell)}: allowed are finite numbers, one a row")
            return None
        values.append(value)
    if len(values) < 2:
        read.invalid("column", f"{file} holds {len(values)} value(s) under it: an empirical distribution needs "
                     "at least 2")
        return None
    return tuple(values)


_READERS: dict[str, Callable[[Table], Fields | None]] = {
    "point": _point,
    "uniform": _uniform,
    "loguniform": _loguniform,
    "triangular": _triangular,
    "pert": _pert,
    "normal": _normal,
    "lognormal": _lognormal,
    "beta": _beta,
    "gamma": _gamma,
    "weibull": _weibull,
    "student_t": _student_t,
    "discrete": _discrete,
    "empirical": _empirical,
}
_CLASSES: dict[str, type[Distribution]] = {cls.family: cls for cls in (
    Point, Uniform, LogUniform, Triangular, Pert, Normal, LogNormal, Beta, Gamma, Weibull, StudentT, Discrete,
    Empirical)}
