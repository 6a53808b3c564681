"""Cross-checks of the Sobol ranking from a plain Monte Carlo sample.

Three estimators that share nothing with Saltelli's: Spearman rank correlations (monotone
effects, any input distribution); PAWN (Pianosi and Wagener 2015), a moment-independent
measure: the median, over slices of one input, of the Kolmogorov-Smirnov distance between the
output's conditional and unconditional distributions; and Borgonovo's delta (Borgonovo 2007),
half the expected L1 distance between the output's density and its density given the input,
estimated by SALib's ``SALib.analyze.delta`` (Plischke, Borgonovo and Smith 2013: equal-frequency
classes of the input, kernel densities, a bias-reduced bootstrap of :data:`DELTA_RESAMPLES`
resamples). If they rank the inputs alike, the ranking does not hang on one estimator.

References
----------
Pianosi, F., Wagener, T. (2015). A simple and efficient method for global sensitivity analysis
based on cumulative distribution functions. Environmental Modelling & Software 67, 1-11.
Pianosi, F., Wagener, T. (2018). Distribution-based sensitivity analysis from a generic
input-output sample. Environmental Modelling & Software 108, 197-207.
Borgonovo, E. (2007). A new uncertainty importance measure. Reliability Engineering & System
Safety 92(6), 771-784.
Plischke, E., Borgonovo, E., Smith, C. L. (2013). Global sensitivity measures from given data.
European Journal of Operational Research 226(3), 536-550.
Fieller, E. C., Hartley, H. O., Pearson, E. S. (1957). Tests for rank correlation coefficients. I.
Biometrika 44, 470-481 (standard error 1.03 / sqrt(n - 3) of Fisher's z of Spearman's rho).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from SALib.analyze import delta, pawn
from scipy import special, stats
from threadpoolctl import threadpool_limits

from mcsim.analysis.ordering import decreasing

__all__ = ["DELTA_RESAMPLES", "PAWN_SLICES", "CrossCheck", "borgonovo", "cross_check"]

PAWN_SLICES = 10
DELTA_RESAMPLES = 10  # bootstrap resamples of SALib's delta; its cost grows with them (about 0.15 s each for 6 inputs)


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
    delta: np.ndarray = field(default_factory=lambda: np.zeros(0))  # Borgonovo's delta; empty when not computed
    delta_conf: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def order(self, method: str) -> tuple[str, ...]:
        """Inputs from most to least influential by ``"spearman"`` (|rho|), ``"pawn"`` or ``"delta"``."""
        score = {"spearman": np.abs(self.spearman), "pawn": self.pawn, "delta": self.delta}[method]
        return tuple(self.names[j] for j in decreasing(score))


def cross_check(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], *, conf_level: float,
                seed: int | None = None) -> CrossCheck:
    """Spearman, PAWN and (given a ``seed``) Borgonovo indices of target values ``y`` (n,) on inputs ``x`` (n, d)."""
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
    moment_free = borgonovo(x, y, conf_level=conf_level, seed=seed) if seed is not None else None
    return CrossCheck(names, n, rho, np.tanh(z - half), np.tanh(z + half),
                      np.nan_to_num(np.asarray(indices["median"], dtype=float)), threshold,
                      *(moment_free if moment_free is not None else ()))


def borgonovo(x: np.ndarray, y: np.ndarray, *, conf_level: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Borgonovo's delta of ``y`` on each column of ``x``, with the half-widths of its bootstrap intervals.

    SALib's ``delta_raw`` (its classic estimator). SALib seeds NumPy's global generator and sets a
    global warnings filter; both are restored here, so the caller's random state and warnings are
    untouched, and the numbers depend only on ``seed``.

    ``SALib.analyze.delta.analyze`` estimates three deltas of each input from one random stream (its
    ``balanced``, ``raw`` and ``step`` bootstraps, in that order), and ``delta_raw`` is the only one
    used. With the SALib release whose code this was checked against (:data:`SALIB_REPLAYED`) the
    others' resamples are drawn, to keep the stream, but their kernel densities are not estimated:
    the numbers are SALib's to the last bit (tests/test_crosschecks_speed.py), in about half the time.
    With any other release SALib's own ``analyze`` runs.
    """
    # SALib refuses names ending in _raw, _balanced, _step or _conf: it gets neutral ones
    problem = {"num_vars": x.shape[1], "names": [f"x{j}" for j in range(x.shape[1])],
               "bounds": [[0.0, 1.0]] * x.shape[1]}
    state, formatter = np.random.get_state(), warnings.formatwarning
    y = np.asarray(y, dtype=float)
    try:
        # its notices are recorded here, and dropped; BLAS on one thread: SALib's kernel densities make thousands of
        # tiny LAPACK calls, each of which waits on BLAS's threads when the machine is busy (5 to 10 times slower)
        with warnings.catch_warnings(record=True), threadpool_limits(limits=1, user_api="blas"):
            warnings.simplefilter("always")  # recorded and dropped, whatever filter the caller set ("error" included)
            if _replayable():
                found = _delta_raw(x, y, conf_level=conf_level, seed=seed)
            else:
                found = delta.analyze(problem, x, y, num_resamples=DELTA_RESAMPLES, conf_level=conf_level, seed=seed,
                                      method="delta")
    finally:
        np.random.set_state(state)
        warnings.formatwarning = formatter
    return (np.nan_to_num(np.asarray(found["delta_raw"], dtype=float)),
            np.nan_to_num(np.asarray(found["delta_raw_conf"], dtype=float)))


SALIB_REPLAYED = "1.6.0"  # the SALib release whose delta.analyze :func:`_delta_raw` follows step by step


def _replayable() -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("SALib") == SALIB_REPLAYED
    except PackageNotFoundError:
        return False


def _delta_raw(x: np.ndarray, y: np.ndarray, *, conf_level: float, seed: int,
               num_resamples: int = DELTA_RESAMPLES) -> dict[str, np.ndarray]:
    """``delta_raw`` and ``delta_raw_conf`` of ``SALib.analyze.delta.analyze(..., method="delta")``, bit for bit.

    The same steps with SALib's own functions, in the same order, drawing the same random numbers,
    but for the kernel densities of the ``balanced`` and ``step`` bootstraps, whose deltas are not
    used. Those estimates raise only on a constant resample of ``y`` (a singular kernel density);
    such a resample is estimated, so the error is SALib's too.
    """
    if seed:
        np.random.seed(seed)
    d = x.shape[1]
    y_resamples = y.size
    exp = 2.0 / (7.0 + np.tanh((1500.0 - y_resamples) / 500.0))
    m = np.linspace(0, y_resamples, int(np.round(min(int(np.ceil(y_resamples ** exp)), 48))) + 1)
    grid = np.linspace(np.min(y), np.max(y), 100)
    raw, raw_conf = np.full(d, np.nan), np.full(d, np.nan)
    for i in range(d):
        x_i = x[:, i]
        min_class_size = max(int(len(x_i) * 0.005), 10)
        bin_edges, _ = delta.check_specified_bininfo(bininfo=None, Xmin=x_i.min(), Xmax=x_i.max(), paramname=f"x{i}")
        try:
            for mode in ("balanced", "raw", "step"):
                if mode == "step" and min(np.sum(x_i <= 0), np.sum(x_i > 0)) < min_class_size:
                    continue
                subsets = [delta.obtain_resampled_subset(x_i, y_resamples, mode, bin_edges, f"x{i}", min_class_size,
                                                         warn_print=True)]
                try:
                    subsets += [delta.obtain_resampled_subset(x_i, y_resamples, mode, bin_edges, f"x{i}",
                                                              min_class_size, warn_print=False)
                                for _ in range(num_resamples)]
                except ValueError as error:
                    raise RuntimeError(f"Bootstrap error: [x{i}][{mode}]: {error}") from error
                if mode != "raw":
                    for subset in subsets:
                        if np.ptp(y[subset]) == 0:  # SALib's estimate fails here: so does this one
                            delta.calc_delta(y[subset], grid, x_i[subset], m)
                    continue
                estimates = [delta.calc_delta(y[subset], grid, x_i[subset], m) for subset in subsets]
                resampled = 2.0 * estimates[0] - np.array(estimates[1:])
                raw[i] = resampled.mean()
                raw_conf[i] = stats.norm.ppf(0.5 + conf_level / 2) * resampled.std(ddof=1)
        except Exception as error:  # as SALib: the input's remaining deltas are left undefined
            delta.exception_handler(error, f"x{i}", y.size)
    return {"delta_raw": raw, "delta_raw_conf": raw_conf}


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(stats.spearmanr(a, b).statistic)
