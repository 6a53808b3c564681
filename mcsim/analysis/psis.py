"""Pareto-smoothed importance sampling's diagnostic: the shape k-hat of the largest importance weights' tail.

The largest ``M`` weights (``M = floor(3 sqrt(n))``, or ``n / 5`` for 225 samples or fewer), less the
next largest, are fitted by a generalized Pareto distribution with Zhang and Stephens' (2009)
empirical Bayes estimator, its shape shrunk towards 0.5 by a weak prior as Vehtari et al. (2024)
do. A shape above 0.7 says that the importance-sampling estimates are not reliable, whatever
the effective sample size says. Only the largest ``M + 1`` log-weights are needed, so a run keeps
those and no other.

References
----------
Vehtari, A., Simpson, D., Gelman, A., Yao, Y. and Gabry, J. (2024). Pareto smoothed importance
sampling. Journal of Machine Learning Research 25(72), 1-58.
Zhang, J. and Stephens, M. A. (2009). A new and efficient estimation method for the generalized
Pareto distribution. Technometrics 51(3), 316-325.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import logsumexp

from mcsim.compute.melding import tail_length

__all__ = ["KHAT_RELIABLE", "gpd_fit", "pareto_khat", "tail_length"]

KHAT_RELIABLE = 0.7  # above this shape the importance-sampling estimates are not reliable (Vehtari et al. 2024)
_PRIOR_K, _PRIOR_B = 10, 3  # the weak prior on the shape (centred on 0.5) and the scale of the b grid


def gpd_fit(x: np.ndarray) -> tuple[float, float]:
    """The shape and scale of a generalized Pareto distribution (location 0) fitted to ``x``, sorted increasing.

    Zhang and Stephens' (2009) estimator: the profile likelihood of ``b = -k / sigma`` averaged over
    a grid of ``30 + sqrt(n)`` values; the shape is then shrunk towards 0.5 as if by 10 more values.
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    m = 30 + int(math.sqrt(n))
    b = 1 - np.sqrt(m / (np.arange(1, m + 1, dtype=float) - 0.5))
    b /= _PRIOR_B * x[int(n / 4 + 0.5) - 1]
    b += 1 / x[-1]
    k = np.mean(np.log1p(-b[:, np.newaxis] * x), axis=1)
    profile = n * (np.log(-b / k) - k - 1)
    weights = np.exp(profile - logsumexp(profile))
    keep = weights >= 10 * np.finfo(float).eps  # negligible points of the grid left out
    weights, b = weights[keep] / weights[keep].sum(), b[keep]
    b_mean = float(np.sum(b * weights))
    shape = float(np.mean(np.log1p(-b_mean * x)))
    sigma = -shape / b_mean
    return (n * shape + _PRIOR_K * 0.5) / (n + _PRIOR_K), sigma


def pareto_khat(largest: np.ndarray, n: int) -> float:
    """k-hat of ``n`` importance weights from their largest log-weights (at least :func:`tail_length` + 1).

    Returns NaN when the tail is too short to fit (fewer than 5 weights), or has one value only.
    """
    tail = tail_length(n)
    top = np.sort(np.asarray(largest, dtype=float))[-(tail + 1):]
    if tail < 5 or len(top) < tail + 1 or not np.isfinite(top[-1]):
        return math.nan
    top = top - top[-1]
    cutoff, values = math.exp(top[0]), np.exp(top[1:])
    if values[-1] - values[0] < np.finfo(float).tiny:
        return math.nan
    return gpd_fit(values - cutoff)[0]
