"""Checking before a run that a model can compute every output over the whole range of its priors.

A prior whose numbers are valid one by one can still take the model beyond double precision
(a training cost of 1e300 over a lifetime of 1e-300 months), and a users grid can do the same.
Rather than let such a run fail after sampling, or write NaN into a report, the model is
evaluated at the corners of the box that holds every value the priors can draw, and each
undefined result is refused as bad input. The box's ends are each prior's quantiles at
``U_LOWEST`` and ``U_HIGHEST``, the extreme uniforms the sampler ever gives an inverse CDF, with
rank correlations or without (the copula's output is clipped to the same two).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from mcsim.inputs.distributions import U_HIGHEST, U_LOWEST
from mcsim.models.base import Model

__all__ = ["undefined_outputs"]

_MAX_CORNERS = 1 << 12
_EXTREMES = f"its quantiles 2**{math.log2(U_LOWEST):g} and 1 - 2**{math.log2(1.0 - U_HIGHEST):g}"


def _extremes(distribution, point: float) -> tuple[float, float]:
    """The smallest and largest values a prior can draw, or its point (where the tipping points start).

    The ends of its support are not among them unless they are drawn: a beta on [0, 1] never gives
    0, and a model that divides by it must not be refused for it.
    """
    candidates = [v for v in distribution.drawable if not math.isnan(v)] + [point]
    return min(candidates), max(candidates)


def undefined_outputs(priors, model: Model, users: Sequence[float]) -> list[str]:
    """Describe each output the model cannot compute somewhere in the range of ``priors``.

    Parameters
    ----------
    priors : Priors
        Validated priors (after overrides) that fit ``model``.
    model : Model
    users : sequence of float
        The run's grid (of users, or of months for a model over months).

    Returns
    -------
    list of str
        The inputs whose priors reach an infinite value; else the first output that is NaN
        somewhere, or infinite where the model gives no meaning to an infinite value, with the
        input values where it happens; empty if none.

    Notes
    -----
    The corners of the box are exact extremes for models monotone in each input (the built-in model is);
    for others they are a check, and the engine still refuses NaN. With more than 12 uncertain
    inputs, the corners are all-low, all-high and each input alone at its other end.
    """
    names = [p.name for p in priors.inputs]
    ranges = {p.name: _extremes(p.distribution, p.point) if not p.is_point else (p.point, p.point)
              for p in priors.inputs}
    endless = [f"input {n} reaches {ranges[n][0]:g} to {ranges[n][1]:g} ({_EXTREMES}, the extreme uniforms drawn)"
               for n in names if not all(map(math.isfinite, ranges[n]))]
    if endless:
        return endless
    uncertain = [n for n in names if ranges[n][0] != ranges[n][1]]
    if 2 ** len(uncertain) <= _MAX_CORNERS:
        corners = list(itertools.product((0, 1), repeat=len(uncertain)))
    else:
        d = len(uncertain)
        corners = [(0,) * d, (1,) * d] + [tuple(int(i == j) ^ e for i in range(d)) for j in range(d) for e in (0, 1)]
    rows = np.array(corners, dtype=int).reshape(len(corners), len(uncertain))
    inputs = {}
    for name in names:
        low, high = ranges[name]
        inputs[name] = (np.where(rows[:, uncertain.index(name)] == 1, high, low) if name in uncertain
                        else np.full(len(rows), low))
    grid = np.asarray(users, dtype=float)
    with np.errstate(all="ignore"):
        outputs = model.evaluate(inputs, grid)
    found = []
    for spec in model.outputs:
        values = np.asarray(outputs[spec.name], dtype=float)
        bad = np.isnan(values) if spec.infinite_means is not None else ~np.isfinite(values)
        if not bad.any():
            continue
        index = np.argwhere(bad)[0]
        row = int(index[0])
        at = ", ".join(f"{name} = {inputs[name][row]:g}" for name in names)
        if spec.per_user:
            at += f"; {model.grid.name} = {grid[int(index[1])]:g}"
        what = "NaN" if np.isnan(values[tuple(index)]) else f"{values[tuple(index)]:g}"
        found.append(f"{spec.name} is {what} at {at}")
    return found[:1]  # the first is enough to act on; the others usually share its cause
