"""Heavy tails: whether an output's mean summarises it.

An output's tail index ``alpha`` says how fast its large values thin out: ``P(|X| > x)`` falls
like ``x**-alpha``. Below 2 the variance may be infinite, below 1 the mean: the sample sd then
estimates nothing, and the sample mean is dominated by the few largest values, so it moves from
one run to the next far more than its standard error says (a ratio whose denominator has a
density at 0, such as a cost over a margin that can come close to 0, has ``alpha = 1``).

:func:`judge_tail` says the mean is not a summary when either of two signs shows:

- the tail the kept samples show is heavy: :func:`tail_index` estimates ``alpha`` below 2;
- the run's mean disagrees with the mean of its kept samples (its first samples) by more than
  sampling can explain were the variance finite: ``z = (mean_run - mean_kept) /
  (sd_kept * sqrt(1/m - 1/n))`` over the m kept and the n finite samples is about standard normal
  then, and :data:`Z_LIMIT` = 4 (two-sided p of about 6e-5) is the limit. This sign sees the whole
  run, whose tail reaches far beyond the kept samples': a tail that steepens out of sight of a
  few thousand samples (an ``alpha`` of 1 that shows only in the largest 0.1 %) moves the
  run's mean far from the kept samples' (z in the tens), while a light tail keeps z within a
  few units, so the verdict does not hang on the limit.

:func:`tail_index` estimates ``alpha`` by the method of Clauset, Shalizi and Newman (2009), which
needs no choice of how many of the largest values make the tail: for each candidate tail (the
``k`` largest ``|x|``), Hill's maximum-likelihood estimate ``alpha = k / sum(log(x_i / x_min))``
over the tail, and the Kolmogorov-Smirnov distance between the tail and the Pareto law so fitted;
the tail kept is the one whose fit is closest. A short tail is not favoured: the distance of a
true fit shrinks only like ``1 / sqrt(k)``. Candidates are the tail sizes from
:data:`MIN_TAIL` to every value, :data:`CANDIDATES` of them evenly spaced on a log scale (a
finer grid moves the estimates of the tests' samples by less than their standard error).

The estimate is of ``|x|``, measured from zero: it is scale-free but not shift-free, so an
output whose values lie far from zero relative to their spread has a large ``alpha`` (its mean
is a fine summary). At a few thousand samples a lognormal law with a log-sd of 1 or more may
show an apparent ``alpha`` below 2: its mean is then indeed slow to settle. Outputs over the
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

__all__ = ["CANDIDATES", "MIN_TAIL", "SUMMARY_ALPHA", "Z_LIMIT", "HeavyTail", "TailIndex", "judge_tail", "tail_index"]

MIN_TAIL = 10  # the shortest tail fitted: Hill's estimate of fewer values is mostly noise
CANDIDATES = 400  # tail sizes tried, evenly spaced on a log scale
SUMMARY_ALPHA = 2.0  # below this the variance may be infinite: the mean is not a summary
Z_LIMIT = 4.0  # the run's mean further than this many standard errors from the kept samples': not a summary


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
    samples : int
        The finite, non-zero values the estimate saw.
    distance : float
        Kolmogorov-Smirnov distance between the tail and the fitted Pareto law.
    """

    alpha: float
    se: float
    tail: int
    threshold: float
    samples: int
    distance: float

    @property
    def mean_is_summary(self) -> bool:
        """Whether the variance is finite by the estimate (``alpha >= 2``): the mean then summarises."""
        return self.alpha >= SUMMARY_ALPHA


def tail_index(values: np.ndarray) -> TailIndex | None:
    """Estimate the tail index of ``|values|`` (infinite, NaN and zero values left out).

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
                     samples=int(m), distance=distance)


@dataclass(frozen=True)
class HeavyTail:
    """Whether an output's mean summarises it, and the two signs it is judged by (see the module notes).

    Attributes
    ----------
    index : TailIndex or None
        The tail index of the kept samples; None when too few are finite and non-zero.
    z : float or None
        The run's mean against the kept samples' mean, in standard errors of the latter were the
        variance finite; None when every finite sample is kept, or the kept ones do not vary.
    kept : int
        The finite kept samples.
    samples : int
        The finite samples of the run, which its mean is over.
    """

    index: TailIndex | None
    z: float | None
    kept: int
    samples: int

    @property
    def heavy_index(self) -> bool:
        return self.index is not None and not self.index.mean_is_summary

    @property
    def mean_moved(self) -> bool:
        return self.z is not None and abs(self.z) > Z_LIMIT

    @property
    def mean_is_summary(self) -> bool | None:
        """False when either sign shows; None when neither could be looked at."""
        if self.heavy_index or self.mean_moved:
            return False
        return None if self.index is None and self.z is None else True


def judge_tail(kept: np.ndarray, mean: float, samples: int) -> HeavyTail:
    """Judge whether a run's mean of an output summarises it.

    Parameters
    ----------
    kept : array
        The output's values at the run's kept samples (its first samples); infinite and NaN
        values are left out.
    mean : float
        The run's mean of the output, over its finite samples.
    samples : int
        The run's finite samples of the output.
    """
    values = np.asarray(kept, dtype=float).ravel()
    values = values[np.isfinite(values)]
    m = values.size
    z = None
    if 1 < m < samples and math.isfinite(mean):
        sd = float(np.std(values, ddof=1))
        if sd > 0:
            z = float((mean - float(np.mean(values))) / (sd * math.sqrt(1 / m - 1 / samples)))
    return HeavyTail(tail_index(values), z, m, int(samples))
