"""EVPI and single-input EVPPI of a decision to act (payoff ``y``) or not (payoff 0), from one sample.

With ``y`` the payoff of acting and the decision taken on the mean, the value of knowing
everything is ``EVPI = E[max(y, 0)] - max(E[y], 0)``: the expected regret of deciding now. The
value of knowing one input X is ``EVPPI = E_X[max(E[y | X], 0)] - max(E[y], 0)``.

EVPPI is estimated by Strong and Oakley's (2013) nonparametric regression for one input: the
samples are sorted by X and cut into ``K`` bins of equal counts (quantile bins; an input with at
most ``K`` distinct values is grouped by value, exactly); ``E[y | X]`` is the payoff's mean
``m_k`` in each bin, so that ``EVPPI = sum_k (n_k / n) max(m_k, 0) - max(m, 0)``, with ``K``
about ``sqrt(n)`` bins (:func:`bins_for`: 1,024 bins of 1,024 samples for 2**20).

The binned estimator has two biases of opposite signs. Upward: a bin's mean is noisy (sd
``sigma_k = s_k / sqrt(n_k)``, ``s_k`` the payoff's sd within the bin) and ``max`` is convex,
so ``E[max(m_k_hat, 0)]`` exceeds ``max(m_k, 0)`` by ``sigma_k phi(m_k / sigma_k) - |m_k|
Phi(-|m_k| / sigma_k)``, up to ``0.4 sigma_k`` in the bins whose mean lies within its noise of 0.
Summed over the bins it is several standard errors for an input that moves the payoff little;
mcsim subtracts it, evaluated at each bin's estimated mean (a correction that is unbiased to
first order: where the bins' means are spread smoothly, the noise moves the correction's terms
about without changing their sum). Where they are not, the correction leaves some bias: at
worst, for an input that leaves the payoff's conditional mean at 0 over its whole range (the
decision on a knife-edge whatever the input), about ``0.23 sigma_k``, 0.7 % of the payoff's
within-bin sd with 1,024 samples a bin. Downward, left in: a bin averages ``E[y | X]`` over its
width, which matters only in the bin where ``E[y | X]`` crosses 0, by at most that bin's share
``1 / K`` times its range of ``E[y | X]``. The standard error is the delta method's (from the
estimator's influence function), in two parts: the spread of the regret ``r(X) = max(E[y | X], 0)
- 1[m > 0] E[y | X]`` over the sample of X, ``Var(r(X)) / n`` (estimated over the bins), and the
payoff's noise given X where knowing X would change the decision,
``sum_k (n_k / n)^2 (1[m_k > 0] - 1[m > 0])^2 sigma_k^2``. EVPI's is that of the mean regret,
``sd(max(y, 0) - 1[m > 0] y) / sqrt(n)``.

Sorting each input once costs ``O(n log n)``; every payoff column then costs one compiled pass
(:func:`mcsim.compute.kernels.bin_sums`), so a million samples, seven inputs and a dozen payoffs
take about a second.

References
----------
Strong, M., Oakley, J. E. (2013). An efficient method for computing single-parameter partial
expected value of perfect information. Medical Decision Making 33(6), 755-766.
Strong, M., Oakley, J. E., Brennan, A. (2014). Estimating multiparameter partial expected value of
perfect information from a probabilistic sensitivity analysis sample: a nonparametric regression
approach. Medical Decision Making 34(3), 311-326.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from mcsim.compute.kernels import bin_sums

__all__ = ["Bins", "Estimate", "bins_for", "evpi", "evppi"]


@dataclass(frozen=True)
class Estimate:
    """A value with its standard error."""

    value: float
    se: float


@dataclass(frozen=True)
class Bins:
    """The samples grouped by one input: a bin per sample, and each bin's count."""

    index: np.ndarray  # (n,) int: the bin of each sample
    counts: np.ndarray  # (K,)
    exact: bool  # grouped by the input's distinct values (no binning bias)

    @classmethod
    def of(cls, x: np.ndarray, bins: int) -> Bins:
        """Bins of equal counts of ``x`` (sorted once), or its distinct values where there are at most ``bins``."""
        x = np.asarray(x, dtype=float)
        n = len(x)
        order = np.argsort(x)  # ties in any order: only an input with few distinct values has many, grouped below
        ordered = x[order]
        new = np.empty(n, dtype=bool)
        new[0], new[1:] = True, ordered[1:] != ordered[:-1]
        index = np.empty(n, dtype=np.intp)
        if int(np.count_nonzero(new)) <= bins:
            index[order] = np.cumsum(new) - 1
            return cls(index, np.bincount(index), True)
        index[order] = np.arange(n) * bins // n
        return cls(index, np.bincount(index, minlength=bins), False)

    def means(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The mean and the variance (ddof 1; 0 for a bin of one) of ``y`` in each bin.

        From sums and sums of squares of ``y`` less its overall mean (one compiled pass, no gather): the
        shift keeps the subtraction well conditioned where a bin's mean is far from the others'.
        """
        shift = float(np.mean(y))
        sums, squares = bin_sums(self.index, y, shift, len(self.counts))  # of y - shift, as numpy.bincount sums
        means = sums / self.counts
        variances = np.maximum(squares - sums * means, 0.0) / np.maximum(self.counts - 1, 1)
        return means + shift, variances


def bins_for(samples: int) -> int:
    """The number of bins for ``samples``: about ``sqrt(samples)``, a power of 2, at least 16."""
    return max(16, 1 << round(math.log2(math.sqrt(samples))))


def evpi(y: np.ndarray) -> Estimate:
    """The expected value of perfect information of acting (payoff ``y``) or not (0), with its standard error."""
    y = np.asarray(y, dtype=float)
    regret = np.maximum(y, 0.0) - (y if y.mean() > 0 else 0.0)
    return Estimate(float(regret.mean()), float(regret.std(ddof=1) / math.sqrt(len(y))))


def evppi(y: np.ndarray, bins: Bins) -> Estimate:
    """The expected value of knowing the input ``bins`` groups the samples by, with its standard error."""
    y = np.asarray(y, dtype=float)
    means, variances = bins.means(y)
    share = bins.counts / len(y)
    noise = np.sqrt(variances / bins.counts)  # the sd of each bin's mean
    acts = float(share @ means) > 0  # the decision now, on the mean (which the bins' means average to)
    value = float(share @ (np.maximum(means, 0.0) - _noise_bias(means, noise))) - max(float(share @ means), 0.0)
    switches = (means > 0) != acts
    regret = np.maximum(means, 0.0) - (means if acts else 0.0)  # of the decision now, were X known: per bin
    spread = float(share @ (regret - share @ regret) ** 2) / len(y)  # from the sample of X
    se = math.sqrt(spread + float(np.sum((share[switches] * noise[switches]) ** 2)))  # + from the payoff given X
    return Estimate(max(value, 0.0), se)


def _noise_bias(means: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """``E[max(M, 0)] - max(m, 0)`` for ``M ~ N(m, noise^2)``, at ``m`` = each bin's mean: what a noisy mean adds.

    ``noise * phi(m / noise) - |m| Phi(-|m| / noise)``; 0 in a bin without noise. Taken at the
    estimated means, it removes the upward bias to first order: averaged over the bins it is the
    smoothed bias, whose sum over a smooth distribution of means is the bias itself.
    """
    bias = np.zeros_like(means)
    noisy = noise > 0
    t = np.abs(means[noisy]) / noise[noisy]
    density, tail = np.exp(-0.5 * t * t) / math.sqrt(2 * math.pi), 0.5 * special.erfc(t / math.sqrt(2))
    bias[noisy] = noise[noisy] * (density - t * tail)
    return bias
