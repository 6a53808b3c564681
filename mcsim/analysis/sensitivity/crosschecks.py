"""Cross-checks of the Sobol ranking from a plain Monte Carlo sample.

Two estimators that share nothing with Saltelli's: Spearman rank correlations (monotone
effects, any input distribution) and PAWN (Pianosi and Wagener 2015), a moment-independent
measure: the median, over slices of one input, of the Kolmogorov-Smirnov distance between the
output's conditional and unconditional distributions. If all three rank the inputs alike, the
ranking does not hang on one estimator.

References
----------
Pianosi, F., Wagener, T. (2015). A simple and efficient method for global sensitivity analysis
based on cumulative distribution functions. Environmental Modelling & Software 67, 1-11.
Pianosi, F., Wagener, T. (2018). Distribution-based sensitivity analysis from a generic
input-output sample. Environmental Modelling & Software 108, 197-207.
Fieller, E. C., Hartley, H. O., Pearson, E. S. (1957). Tests for rank correlation coefficients. I.
Biometrika 44, 470-481 (standard error 1.03 / sqrt(n - 3) of Fisher's z of Spearman's rho).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from SALib.analyze import pawn
from scipy import special, stats

__all__ = ["PAWN_SLICES", "CrossCheck", "cross_check"]

PAWN_SLICES = 10


@dataclass(frozen=True)
class CrossCheck:
    """Spearman's rho (with ``conf_level`` intervals) and PAWN's median KS per input.

    ``pawn_threshold`` is the two-sample KS critical value at ``conf_level`` between one slice
    and the whole sample: a PAWN index below it is indistinguishable from no effect.
    """

    names: tuple[str, ...]
    samples: int
    spearman: np.ndarray
    spearman_low: np.ndarray
    spearman_high: np.ndarray
    pawn: np.ndarray
    pawn_threshold: float

    def order(self, method: str) -> tuple[str, ...]:
        """Inputs from most to least influential by ``"spearman"`` (|rho|) or ``"pawn"``."""
        score = np.abs(self.spearman) if method == "spearman" else self.pawn
        return tuple(self.names[j] for j in np.argsort(-score, kind="stable"))


def cross_check(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], *, conf_level: float) -> CrossCheck:
    """Spearman and PAWN indices of target values ``y`` (n,) on input values ``x`` (n, d)."""
    n, d = x.shape
    rho = np.array([_spearman(x[:, j], y) for j in range(d)])
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    half = special.ndtri(0.5 + conf_level / 2) * 1.03 / np.sqrt(max(n - 3, 1))
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    # no seed: PAWN draws nothing, and a seed would reset numpy's global state
    indices = pawn.analyze(problem, x, y, S=PAWN_SLICES, seed=None)
    slice_n = n / PAWN_SLICES
    c_alpha = np.sqrt(-0.5 * np.log((1 - conf_level) / 2))
    threshold = float(c_alpha * np.sqrt((slice_n + n) / (slice_n * n)))
    return CrossCheck(names, n, rho, np.tanh(z - half), np.tanh(z + half),
                      np.nan_to_num(np.asarray(indices["median"], dtype=float)), threshold)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(stats.spearmanr(a, b).statistic)
