"""Distributions of priors given in Python, by the keys of a priors file.

Each function takes the keys its family takes in a priors file (``[inputs.NAME]``) and is checked
the same way, with the same messages::

    import mcsim

    priors = {"price": mcsim.dist.lognormal(p05=15.0, p95=30.0),
              "share": mcsim.dist.beta(mean=0.05, sd=0.02),
              "fixed": 1000.0}                       # a number: a point value
    result = mcsim.run(my_model, priors, outputs={"profit": "USD per month"})

An empirical distribution (values read from a CSV file) is given in a priors file only.
"""

from __future__ import annotations

from typing import Any

from mcsim.errors import PYTHON
from mcsim.inputs.distributions import Distribution, parse
from mcsim.inputs.errors import Problems

__all__ = ["beta", "discrete", "gamma", "lognormal", "loguniform", "normal", "pert", "point", "student_t",
           "triangular", "uniform", "weibull"]


def _made(family: str, keys: dict[str, Any]) -> Distribution:
    """The distribution ``family`` with the keys given (None: not given), or InputError with every problem."""
    problems = Problems(PYTHON)
    found = parse({"dist": family, **{k: v for k, v in keys.items() if v is not None}}, f"mcsim.dist.{family}",
                  problems)
    problems.raise_if_any()
    return found


def point(value: float) -> Distribution:
    """A value known exactly."""
    return _made("point", {"point": value})


def uniform(*, low: float | None = None, high: float | None = None, p05: float | None = None,
            p95: float | None = None) -> Distribution:
    """Uniform between ``low`` and ``high``, or with these 5th and 95th percentiles."""
    return _made("uniform", {"low": low, "high": high, "p05": p05, "p95": p95})


def loguniform(*, low: float | None = None, high: float | None = None, p05: float | None = None,
               p95: float | None = None) -> Distribution:
    """Uniform in the logarithm between ``low`` and ``high`` (> 0), or with these percentiles."""
    return _made("loguniform", {"low": low, "high": high, "p05": p05, "p95": p95})


def triangular(*, low: float, mode: float, high: float) -> Distribution:
    """Triangular from ``low`` to ``high``, most likely at ``mode``."""
    return _made("triangular", {"low": low, "mode": mode, "high": high})


def pert(*, low: float, mode: float, high: float, shape: float | None = None) -> Distribution:
    """PERT from ``low`` to ``high`` with ``mode`` (``shape`` 4 by default)."""
    return _made("pert", {"low": low, "mode": mode, "high": high, "shape": shape})


def normal(*, mean: float | None = None, sd: float | None = None, p05: float | None = None, p95: float | None = None,
           low: float | None = None, high: float | None = None) -> Distribution:
    """Normal by ``mean`` and ``sd`` (or its 5th and 95th percentiles), truncated to ``low``-``high`` if given."""
    return _made("normal", {"mean": mean, "sd": sd, "p05": p05, "p95": p95, "low": low, "high": high})


def lognormal(*, p05: float | None = None, p95: float | None = None, median: float | None = None,
              sigma: float | None = None) -> Distribution:
    """Lognormal by its 5th and 95th percentiles, or by ``median`` and ``sigma`` (of the logarithm)."""
    return _made("lognormal", {"p05": p05, "p95": p95, "median": median, "sigma": sigma})


def beta(*, alpha: float | None = None, beta: float | None = None, mean: float | None = None,
         sd: float | None = None, p05: float | None = None, p95: float | None = None, low: float | None = None,
         high: float | None = None) -> Distribution:
    """Beta by ``alpha`` and ``beta``, ``mean`` and ``sd``, or percentiles, on 0-1 or ``low``-``high``."""
    return _made("beta", {"alpha": alpha, "beta": beta, "mean": mean, "sd": sd, "p05": p05, "p95": p95, "low": low,
                          "high": high})


def gamma(*, shape: float | None = None, scale: float | None = None, mean: float | None = None,
          sd: float | None = None, p05: float | None = None, p95: float | None = None) -> Distribution:
    """Gamma by ``shape`` and ``scale``, ``mean`` and ``sd``, or its 5th and 95th percentiles."""
    return _made("gamma", {"shape": shape, "scale": scale, "mean": mean, "sd": sd, "p05": p05, "p95": p95})


def weibull(*, shape: float | None = None, scale: float | None = None, p05: float | None = None,
            p95: float | None = None) -> Distribution:
    """Weibull by ``shape`` and ``scale``, or its 5th and 95th percentiles."""
    return _made("weibull", {"shape": shape, "scale": scale, "p05": p05, "p95": p95})


def student_t(*, loc: float | None = None, scale: float | None = None, df: float | None = None,
              p05: float | None = None, p95: float | None = None, low: float | None = None,
              high: float | None = None) -> Distribution:
    """Student's t by ``loc``, ``scale`` and ``df`` (or percentiles with ``df``), truncated if bounds are given."""
    return _made("student_t", {"loc": loc, "scale": scale, "df": df, "p05": p05, "p95": p95, "low": low,
                               "high": high})


def discrete(*, values: list[float], weights: list[float] | None = None) -> Distribution:
    """One of ``values``, with ``weights`` (equal by default)."""
    return _made("discrete", {"values": list(values), "weights": None if weights is None else list(weights)})
