"""Tipping points: the value of one input at which a claim flips, the other inputs at their points.

For each claim and each input, :func:`tipping_points` finds where the claim changes from holding
to failing as that input moves and every other input stays at its prior's point value, and says
where that value sits in the input's prior ("the claim fails below a conversion rate of 4.9 %,
the 47th percentile of its prior").

A model may give a closed form of its thresholds (its ``tipping`` hook, :func:`closed_form`);
otherwise, and for claims its closed form does not cover, the threshold is found by bracketing
the sign change of a continuous margin on a grid and refining it with Brent's method
(:func:`root_find`). The direction of the flip (below or
above) is always read from the model itself, on either side of the value found. A two-sided
claim (``between``, ``about``) fails on both sides of its range, so an input may tip it at two
values: the one nearest the input's point value is the tipping point, the other is kept beside
it (:attr:`TippingPoint.other_flip`), and the prior's probability of failing
(:attr:`TippingPoint.failing_share`) counts both sides.

:func:`output_map` evaluates one output over a grid of two inputs, the others at their points,
for the 2-D map of a claimed output.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from mcsim.compute.claims import claim_holds
from mcsim.inputs.priors import Priors
from mcsim.inputs.runs import Claim
from mcsim.models import Model

__all__ = ["OutputMap", "TippingPoint", "claim_margin", "closed_form", "flips", "output_map", "root_find",
           "tipping_point", "tipping_points"]

_CAP = 1e3  # |margin| cap: keeps the margin finite where an output is infinite (never breaks even)
_GRID = 1025
_WIDEN = 100.0  # the root search reaches this factor beyond the prior's 1e-6 and 1 - 1e-6 quantiles


@dataclass(frozen=True)
class TippingPoint:
    """Where one claim flips as one input moves, the other inputs at their points.

    Attributes
    ----------
    claim, input : str
        Names of the claim and of the input.
    value : float or None
        The input's value at which the claim flips; None when it does not flip within ``searched``.
    fails : {"below", "above", "always", "never"}
        The claim fails below ``value`` or above it; or, without a flip, always or never.
    quantile : float or None
        The prior's CDF at ``value`` (None for a point prior or without a flip).
    method : {"closed form", "root finding", "none"}
    searched : (float, float)
        The range of the input the search covered (the model's allowed range for a closed form).
    holds_at_point : bool
        Whether the claim holds with every input at its point.
    other_flip : float or None
        Where the claim flips again, farther from the input's point value than ``value``, when root
        finding found a second flip within ``searched``: a two-sided claim (``between``, ``about``)
        fails on both sides of its range, so the input may tip it at two values. ``value`` is the
        one nearest the point value.
    other_fails : {"below", "above"} or None
        The side of ``other_flip`` on which the claim fails.
    other_quantile : float or None
        The prior's CDF at ``other_flip``.
    """

    claim: str
    input: str
    value: float | None
    fails: str
    quantile: float | None
    method: str
    searched: tuple[float, float]
    holds_at_point: bool
    other_flip: float | None = None
    other_fails: str | None = None
    other_quantile: float | None = None

    @property
    def sides(self) -> tuple[tuple[float, str, float | None], ...]:
        """Every flip as ``(value, fails, quantile)``, in increasing value: one, or two for a two-sided claim."""
        if self.value is None or self.fails not in ("below", "above"):
            return ()
        found = [(self.value, self.fails, self.quantile)]
        if self.other_flip is not None and self.other_fails in ("below", "above"):
            found.append((self.other_flip, self.other_fails, self.other_quantile))
        return tuple(sorted(found))

    @property
    def failing_share(self) -> float | None:
        """The prior's probability that this input alone lands where the claim fails, the others at their points.

        Both sides count for a claim that an input tips twice (below one value and above another):
        the prior's mass below the lower flip, above the upper one, or between them, wherever the
        claim fails. 1 or 0 for a claim that fails or holds whatever the input; None for a point prior.
        """
        if self.value is None or self.fails in ("always", "never"):
            return 1.0 if self.fails == "always" else 0.0
        sides = self.sides
        if any(q is None for _v, _f, q in sides):
            return None
        edges = [0.0, *(q for _v, _f, q in sides), 1.0]
        failing = [sides[0][1] == "below", *(fails == "above" for _v, fails, _q in sides)]
        return float(sum(high - low for low, high, fails in zip(edges, edges[1:], failing, strict=False) if fails))



def _evaluate_claim(model: Model, claim: Claim, inputs: dict[str, np.ndarray]) -> np.ndarray:
    grid = (claim.at,) if claim.at is not None else (1.0,)
    outputs = model.evaluate(inputs, np.asarray(grid))
    return claim_holds(claim, outputs, grid)


def claim_margin(model: Model, claim: Claim, inputs: dict[str, np.ndarray]) -> np.ndarray:
    """A continuous margin, > 0 where the claim holds strictly, < 0 where it fails.

    The distance from the output to the end of the claim's range it must not cross: to ``value``
    for a one-sided claim, to the nearer of ``low`` and ``high`` for a two-sided one
    (``min(output - low, high - output)``). On outputs the model draws on a log scale (break-even
    users...) the distances are differences of logarithms (when the range's ends are positive), so
    that the margin stays continuous as break-even grows without bound; it is capped at +/- 1000
    where an output is infinite.
    """
    grid = np.asarray((claim.at,) if claim.at is not None else (1.0,))
    values = model.evaluate(inputs, grid)[claim.output]
    if claim.at is not None:
        values = values[:, 0]
    ends = [(sign, end) for sign, end in zip((1.0, -1.0), claim.bounds, strict=True) if math.isfinite(end)]
    log = model.output(claim.output).log_scale and all(end > 0 for _, end in ends)
    margin = np.full(np.shape(values), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        if log:
            values = np.log(np.where(values > 0, values, 0.0))
        for sign, end in ends:  # +1: the output must stay above this end (low); -1: below it (high)
            margin = np.minimum(margin, sign * (values - (math.log(end) if log else end)))
    return np.clip(np.nan_to_num(margin, nan=0.0, posinf=_CAP, neginf=-_CAP), -_CAP, _CAP)


def _inputs(points: dict[str, float], name: str, values: np.ndarray) -> dict[str, np.ndarray]:
    n = values.size
    inputs = {key: np.full(n, value, dtype=float) for key, value in points.items()}
    inputs[name] = np.asarray(values, dtype=float)
    return inputs


def closed_form(model: Model, claim: Claim, name: str, points: dict[str, float]) -> float | bool | None:
    """The model's own closed form of the value of ``name`` at which ``claim`` flips, if it has one.

    Returns
    -------
    float, None or False
        The threshold; None when the claim does not depend on ``name`` or the threshold is not a
        finite number; False when the model has no closed form for this claim and input (root
        finding is then used).
    """
    if model.tipping is None:
        return False
    return model.tipping(claim, name, points)


# --- root finding (any model) --------------------------------------------------------------------

def _search_range(priors: Priors, model: Model, name: str) -> tuple[float, float]:
    prior = priors[name]
    spec = next(s for s in model.inputs if s.name == name)
    if prior.is_point:
        point = prior.point
        low, high = (point / _WIDEN, point * _WIDEN) if point > 0 else (point - 1, point + 1)
    else:
        low, high = (float(v) for v in prior.distribution.ppf(np.array([1e-6, 1 - 1e-6])))
        if low > 0:
            low, high = low / _WIDEN, high * _WIDEN
        else:
            span = high - low
            low, high = low - span, high + span
    low = max(low, spec.low)
    high = min(high, spec.high)
    if spec.low_open and low <= spec.low:
        low = spec.low + (1e-12 if spec.low == 0 else abs(spec.low) * 1e-12)
    return float(low), float(high)


def _grid(low: float, high: float) -> np.ndarray:
    if low > 0 and high / low > 10:
        return np.geomspace(low, high, _GRID)
    return np.linspace(low, high, _GRID)


def root_find(model: Model, claim: Claim, name: str, points: dict[str, float],
              searched: tuple[float, float]) -> float | None:
    """The value of ``name`` in ``searched`` at which the claim's margin changes sign, nearest the point value.

    None when the margin keeps one sign over the whole range; see :func:`flips`.
    """
    found = flips(model, claim, name, points, searched, most=1)
    return found[0] if found else None


def flips(model: Model, claim: Claim, name: str, points: dict[str, float], searched: tuple[float, float], *,
          most: int = 2) -> list[float]:
    """The values of ``name`` in ``searched`` at which the claim's margin changes sign, nearest the point first.

    The margin is evaluated on a grid of 1025 points (log-spaced for a positive range wider than
    a factor 10); the ``most`` sign changes nearest the point value are each refined by Brent's
    method (:func:`scipy.optimize.brentq`) to a relative tolerance of 1e-12. Empty when the margin
    keeps one sign over the whole range. A range of the input narrower than the grid's step
    where a two-sided claim holds may be missed.
    """
    grid = _grid(*searched)
    margin = claim_margin(model, claim, _inputs(points, name, grid))
    sign = margin > 0
    changes = np.flatnonzero(sign[1:] != sign[:-1])
    position = np.log(grid) if grid[0] > 0 else grid
    point = points[name]
    at = math.log(point) if grid[0] > 0 and point > 0 else point
    nearest = changes[np.argsort(np.abs(position[changes] - at), kind="stable")][:most]

    def f(x: float) -> float:
        return float(claim_margin(model, claim, _inputs(points, name, np.array([x])))[0])

    found = []
    for i in nearest:
        low, high = float(grid[i]), float(grid[i + 1])
        if f(low) == 0.0:
            found.append(low)
        elif f(high) == 0.0:
            found.append(high)
        else:
            found.append(float(optimize.brentq(f, low, high, xtol=1e-300, rtol=1e-12, maxiter=500)))
    return found


def tipping_point(model: Model, priors: Priors, claim: Claim, name: str, *, method: str = "auto") -> TippingPoint:
    """Where ``claim`` flips as input ``name`` moves, the other inputs at their points.

    Parameters
    ----------
    model, priors, claim
        The run's model, priors (after overrides) and one of its claims.
    name : str
        An input of the model.
    method : {"auto", "closed form", "root finding"}
        ``auto`` takes the closed form where the model has one, root finding otherwise.
    """
    points = priors.points()
    spec = next(s for s in model.inputs if s.name == name)
    holds = bool(_evaluate_claim(model, claim, {k: np.array([v]) for k, v in points.items()})[0])
    value: float | bool | None = False
    used = "none"
    if method in ("auto", "closed form"):
        value = closed_form(model, claim, name, points)
        used = "closed form"
        searched = (float(spec.low), float(spec.high))
        if value is not None and value is not False and not (spec.low <= value <= spec.high):
            value = None  # the flip lies where the input cannot go
        if value is False and method == "closed form":
            raise ValueError(f"no closed form for claim {claim.name} and input {name} in model {model.name}")
    other = None
    if value is False:
        searched = _search_range(priors, model, name)
        found = flips(model, claim, name, points, searched)
        value, other = [*found, None, None][:2]
        used = "root finding"
    if value is None:
        return TippingPoint(claim.name, name, None, "never" if holds else "always", None, used, searched, holds)
    fails = _direction(model, claim, name, points, float(value), spec)
    prior = priors[name]
    cdf = None if prior.is_point else prior.distribution.to_scipy().cdf
    quantile = None if cdf is None else float(cdf(value))
    other_fails = other_quantile = None
    if other is not None:
        other_fails = _direction(model, claim, name, points, float(other), spec)
        if other_fails not in ("below", "above"):  # a touch, not a flip
            other = other_fails = None
        elif cdf is not None:
            other_quantile = float(cdf(other))
    return TippingPoint(claim.name, name, float(value), fails, quantile, used, searched, holds, other,
                        other_fails, other_quantile)


def _direction(model: Model, claim: Claim, name: str, points: dict[str, float], value: float, spec) -> str:
    step = max(abs(value) * 1e-6, 1e-12)
    below, above = max(value - step, spec.low), min(value + step, spec.high)
    holds = _evaluate_claim(model, claim, _inputs(points, name, np.array([below, above])))
    if holds[0] and not holds[1]:
        return "above"
    if holds[1] and not holds[0]:
        return "below"
    return "never" if holds[0] else "always"  # a touch, not a flip


def tipping_points(model: Model, priors: Priors, claims: tuple[Claim, ...] | list[Claim], *,
                   inputs: tuple[str, ...] | None = None) -> list[TippingPoint]:
    """:func:`tipping_point` for every claim and every input (default: the model's inputs)."""
    names = inputs if inputs is not None else model.input_names
    return [tipping_point(model, priors, claim, name) for claim in claims for name in names]


# --- the 2-D map ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutputMap:
    """One output over a grid of two inputs, the other inputs at their points."""

    output: str
    x_name: str
    y_name: str
    x: np.ndarray  # (nx,)
    y: np.ndarray  # (ny,)
    values: np.ndarray  # (ny, nx)
    x_log: bool
    y_log: bool
    points: dict[str, float]


def _axis(priors: Priors, name: str, n: int) -> tuple[np.ndarray, bool]:
    prior = priors[name]
    low, high = (float(v) for v in prior.distribution.ppf(np.array([0.005, 0.995])))
    low, high = min(low, prior.point), max(high, prior.point)
    if low > 0 and high / low > 4:
        return np.geomspace(low, high, n), True
    return np.linspace(low, high, n), False


def output_map(model: Model, priors: Priors, output: str, x_name: str, y_name: str, *, n: int = 161,
               evaluate: Callable | None = None) -> OutputMap:
    """``output`` over the central 99 % of the priors of ``x_name`` and ``y_name`` (n x n points)."""
    x, x_log = _axis(priors, x_name, n)
    y, y_log = _axis(priors, y_name, n)
    xx, yy = np.meshgrid(x, y)
    points = priors.points()
    inputs = {key: np.full(xx.size, value) for key, value in points.items()}
    inputs[x_name], inputs[y_name] = xx.ravel(), yy.ravel()
    values = model.evaluate(inputs, np.array([1.0]))[output].reshape(xx.shape)
    return OutputMap(output, x_name, y_name, x, y, values, x_log, y_log, points)
