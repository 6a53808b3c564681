"""Heavy tails: whether an output's mean summarises it, from the tail index of the whole run.

An output's tail index ``alpha`` says how fast its large values thin out: ``P(|X| > x)`` falls
like ``x**-alpha``. Below 2 the variance may be infinite, below 1 the mean: the sample sd then
estimates nothing, and the sample mean is ruled by the few largest values, so it moves from one
run to the next far more than its standard error says (a ratio whose denominator has a density
at 0, such as a cost over a margin that can come close to 0, has ``alpha = 1``). The mean is
taken for a summary when the estimate is at least :data:`SUMMARY_ALPHA` = 2.

The estimate is of the whole run's tail: the streaming engine keeps each scalar output's
largest magnitudes over every sample (:data:`~mcsim.compute.streaming.TAIL_KEPT` of them, the
top 0.1 % of a run of a million), and the tail is looked for among them. That matters: a tail can
steepen out of sight of a few thousand samples (a ratio over a margin that comes close to 0 looks
like ``alpha`` = 2 over its largest few percent and shows its ``alpha`` of 1 only in its largest
0.1 %), and it is the run's largest values that rule the run's mean.

:func:`tail_index` estimates ``alpha`` by the method of Clauset, Shalizi and Newman (2009), which
needs no choice of how many of the largest values make the tail: for each candidate tail (the
``k`` largest ``|x|``), Hill's maximum-likelihood estimate ``alpha = k / sum(log(x_i / x_min))``
over the tail, and the Kolmogorov-Smirnov distance between the tail and the Pareto law so fitted;
the tail kept is the one whose fit is closest. A short tail is not favoured: the distance of a
true fit shrinks only like ``1 / sqrt(k)``. Candidates are the tail sizes from
:data:`MIN_TAIL` to every value given, :data:`CANDIDATES` of them evenly spaced on a log scale (a
finer grid moves the estimates of the tests' samples by less than their standard error). Both
Hill's estimate and the distance use only the tail, so the largest values of a sample give the
same estimate as the whole sample would with tails of at most that many values.

The estimate is of ``|x|``, measured from zero: it is scale-free but not shift-free, so an
output whose values lie far from zero relative to their spread has a large ``alpha`` (its mean
is a fine summary). A lognormal law with a log-sd of 1 or more may show an apparent ``alpha``
below 2 over a few thousand samples: its mean is then indeed slow to settle. Outputs over the
users grid are not judged.

References
----------
Clauset, A., Shalizi, C. R., Newman, M. E. J. (2009). Power-law distributions in empirical data.
SIAM Review 51(4), 661-703.
Hill, B. M. (1975). A simple general approach to inference about the tail of a distribution.
Annals of Statistics 3(5), 1163-1174.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["CANDIDATES", "MIN_TAIL", "SUMMARY_ALPHA", "TailIndex", "tail_index"]

MIN_TAIL = 10  # the shortest tail fitted: Hill's estimate of fewer values is mostly noise
CANDIDATES = 400  # tail sizes tried, evenly spaced on a log scale
SUMMARY_ALPHA = 2.0  # below this the variance may be infinite: the mean is not a summary


@dataclass(frozen=True)
class TailIndex:
    """The tail index of an output's samples, and the tail it was fitted on.

    Attributes
    ----------
    alpha : float
        Hill's estimate over the tail: ``P(|X| > x)`` falls like ``x**-alpha``.
    se : float
        Its asymptotic standard error, ``alpha / sqrt(tail)``.
    tail : int
        How many of the largest ``|x|`` the fit kept.
    threshold : float
        The smallest ``|x|`` of the tail (``x_min``).
    largest : int
        The finite, non-zero magnitudes the estimate saw: the largest of the sample's.
    samples : int
        The finite values of the sample they are the largest of.
    distance : float
        Kolmogorov-Smirnov distance between the tail and the fitted Pareto law.
    """

    alpha: float
    se: float
    tail: int
    threshold: float
    largest: int
    samples: int
    distance: float

    @property
    def mean_is_summary(self) -> bool:
        """Whether the variance is finite by the estimate (``alpha >= 2``): the mean then summarises."""
        return self.alpha >= SUMMARY_ALPHA


def tail_index(values: np.ndarray, *, samples: int | None = None) -> TailIndex | None:
    """Estimate the tail index of ``|values|`` (infinite, NaN and zero values left out).

    Parameters
    ----------
    values : array
        A sample, or its largest magnitudes (as the streaming engine keeps them).
    samples : int, optional
        The finite values of the sample ``values`` are the largest of; by default as many as
        ``values`` holds finite.

    Returns
    -------
    TailIndex or None
        None when fewer than ``2 * MIN_TAIL`` values are finite and non-zero, or when no
        candidate tail has two distinct values.

    Notes
    -----
    See the module notes; the method is that of Clauset, Shalizi and Newman (2009).
    """
    x = np.abs(np.asarray(values, dtype=float).ravel())
    finite = int(np.isfinite(x).sum())
    x = np.sort(x[np.isfinite(x) & (x > 0)])[::-1]  # largest first
    m = x.size
    if m < 2 * MIN_TAIL:
        return None
    logs = np.log(x)
    cumulative = np.cumsum(logs)
    best = None
    for k in np.unique(np.round(np.geomspace(MIN_TAIL, m, CANDIDATES)).astype(int)):
        if x[0] == x[k - 1]:  # the tail's values are all equal: no spread to fit
            continue
        spread = cumulative[k - 1] - k * logs[k - 1]  # sum of log(x_i / x_min) over the k largest
        if spread <= 0:  # rounding, for values a few ulps apart
            continue
        alpha = k / spread
        tail = x[k - 1::-1]  # the tail in increasing order, x_min first
        fitted = -np.expm1(-alpha * (np.log(tail) - logs[k - 1]))  # Pareto CDF at each value
        steps = np.arange(1, k + 1) / k
        distance = float(max(np.max(steps - fitted), np.max(fitted - (steps - 1 / k))))
        if best is None or distance < best[0]:
            best = (distance, alpha, int(k))
    if best is None:
        return None
    distance, alpha, k = best
    return TailIndex(alpha=float(alpha), se=float(alpha / math.sqrt(k)), tail=k, threshold=float(x[k - 1]),
                     largest=int(m), samples=int(samples if samples is not None else finite), distance=distance)

