"""SALib's Sobol sampling and estimators, behind a small interface mcsim controls.

The sample is SALib's (``SALib.sample.sobol``: Saltelli's scheme on a scrambled Sobol
sequence, a power-of-two base sample, a seed) on the unit cube; mcsim maps it onto the priors
with their own inverse CDFs. Indices and bootstrap intervals are SALib's
(``SALib.analyze.sobol``), always with a non-zero seed (SALib ignores a seed of 0) and
``keep_resamples`` so that the ranking can be checked resample by resample.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010). Variance
based sensitivity analysis of model output. Computer Physics Communications 181(2), 259-270.
Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
Computer Physics Communications 145(2), 280-297.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from SALib.analyze import sobol as salib_analyze
from SALib.sample import sobol as salib_sample

from .targets import UndefinedOutputError

__all__ = ["Indices", "estimate", "evaluations", "salib_seed", "unit_sample"]

# spawn_key tags of the analysis' random streams, apart from the run sampler's (0-3)
SAMPLE, BOOTSTRAP, CROSSCHECK = 0x5E01, 0x5E02, 0x5E03


def salib_seed(seed: int, purpose: int) -> int:
    """A seed in [1, 2**31 - 1] derived from the run's seed for one purpose.

    Never 0: SALib tests ``if seed:`` and would silently draw from global state.
    """
    state = np.random.SeedSequence(seed, spawn_key=(purpose,)).generate_state(1, dtype=np.uint32)[0]
    return int(state) % (2**31 - 1) + 1


def problem(names: tuple[str, ...]) -> dict:
    """SALib's problem on the unit cube: mcsim maps the cube onto the priors itself."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def evaluations(base: int, d: int, second_order: bool) -> int:
    """Model evaluations of a Saltelli sample: ``N (2D + 2)`` with S2, ``N (D + 2)`` without."""
    return base * (2 * d + 2 if second_order else d + 2)


def unit_sample(names: tuple[str, ...], base: int, *, second_order: bool, seed: int, skip: int = 0) -> np.ndarray:
    """SALib's Saltelli sample of ``base`` base points on the unit cube, shape (evaluations, d).

    With ``skip = N`` and ``base = N`` it gives base points N to 2N - 1 of the same scrambled
    sequence: the rows that the sample of 2N adds to the sample of N (the sample of N is the
    head of the sample of 2N), so the convergence loop draws and evaluates only new rows.
    """
    u = salib_sample.sample(problem(names), base, calc_second_order=second_order, scramble=True,
                            skip_values=skip, seed=seed)
    # keep away from 0 and 1, where unbounded inverse CDFs are infinite
    return np.clip(u, 2.0**-54, 1.0 - 2.0**-53)


@dataclass(frozen=True)
class Indices:
    """Sobol indices of one target at one base sample size, with bootstrap half-widths.

    ``*_conf`` are half-widths of the ``conf_level`` interval (SALib's normal approximation to the
    bootstrap: z times the bootstrap standard deviation). ``ST_resamples`` holds the bootstrap
    replicates of ST, shape (resamples, d), paired across inputs (one resampling for all).
    """

    names: tuple[str, ...]
    base_samples: int
    evaluations: int
    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    ST_resamples: np.ndarray
    S2: np.ndarray | None = None  # (d, d), upper triangle filled
    S2_conf: np.ndarray | None = None

    @property
    def widest_ST(self) -> tuple[float, str]:
        """Width (high - low) of the widest ST interval, and its input."""
        j = int(np.argmax(self.ST_conf))
        return float(2.0 * self.ST_conf[j]), self.names[j]


def estimate(y: np.ndarray, names: tuple[str, ...], *, second_order: bool, bootstrap: int, conf_level: float,
             seed: int) -> Indices:
    """Sobol S1, ST (and S2) of ``y``, the target on SALib's Saltelli sample, through SALib.

    Raises
    ------
    UndefinedOutputError
        If ``y`` holds a NaN or an infinite value: it is never passed to SALib.
    """
    y = np.asarray(y, dtype=float)
    if not np.isfinite(y).all():
        raise UndefinedOutputError(f"{int((~np.isfinite(y)).sum())} of {y.size} target values are NaN or "
                                   "infinite; they are not passed to SALib")
    d = len(names)
    base = y.size // (2 * d + 2 if second_order else d + 2)
    result = salib_analyze.analyze(problem(names), y, calc_second_order=second_order, num_resamples=bootstrap,
                                   conf_level=conf_level, keep_resamples=True, seed=seed)
    return Indices(names=names, base_samples=base, evaluations=y.size,
                   S1=np.asarray(result["S1"], dtype=float), S1_conf=np.asarray(result["S1_conf"], dtype=float),
                   ST=np.asarray(result["ST"], dtype=float), ST_conf=np.asarray(result["ST_conf"], dtype=float),
                   ST_resamples=np.asarray(result["ST_conf_all"], dtype=float),
                   S2=np.asarray(result["S2"], dtype=float) if second_order else None,
                   S2_conf=np.asarray(result["S2_conf"], dtype=float) if second_order else None)
