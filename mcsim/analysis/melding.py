"""The posterior of a run with observations: its samples reweighted by the observations' likelihood.

Bayesian melding (Poole and Raftery 2000) by self-normalised importance sampling on the run's own
samples of the priors: a claim's posterior probability is the weighted share of the samples where
it holds, an input's or output's posterior quantiles those of the weighted samples. Two
diagnostics say whether the weights can be trusted: the effective sample size (Kish) and the
shape k-hat of the largest weights' tail (PSIS, Vehtari et al. 2024). The estimates use the raw
weights; k-hat only judges them.

References
----------
Kish, L. (1965). Survey sampling. Wiley (the effective sample size of weighted samples).
Poole, D. and Raftery, A. E. (2000). Inference for deterministic simulation models: the Bayesian
melding approach. Journal of the American Statistical Association 95(452), 1244-1255.
Vehtari, A., Simpson, D., Gelman, A., Yao, Y. and Gabry, J. (2024). Pareto smoothed importance
sampling. Journal of Machine Learning Research 25(72), 1-58.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mcsim.analysis.psis import KHAT_RELIABLE, pareto_khat
from mcsim.compute.engine import Simulation
from mcsim.compute.melding import BINS, S1_BINS, log_likelihood
from mcsim.compute.streaming import QUANTILES
from mcsim.inputs.errors import InputError, Problem
from mcsim.inputs.observations import Observation, observation_where

__all__ = ["Density", "Posterior", "PosteriorClaim", "PosteriorStats", "posterior", "wilson"]

_Z95 = 1.959963984540054  # the normal's 97.5th percentile
FIGURE_SPAN_BINS = 24  # bins an observed input's posterior 90 % interval spans at least in its figure, where it can


@dataclass(frozen=True)
class PosteriorClaim:
    """A claim's posterior probability, with a Wilson interval that takes the effective sample size as n.

    ``without`` gives, by observation, the claim's probability given every observation but that one (the priors'
    own probability when the run has one observation); ``first_order``, by uncertain input, the first-order
    sensitivity index of the claim's indicator under the posterior (NaN where the claim always or never holds).
    """

    probability: float
    ci95: tuple[float, float]
    without: dict[str, float] = field(default_factory=dict)
    first_order: dict[str, float] = field(default_factory=dict)

    @property
    def moved_most(self) -> str | None:
        """The observation whose leaving out moves the claim's probability most (the first of equals)."""
        if not self.without:
            return None
        return max(self.without, key=lambda name: abs(self.probability - self.without[name]))


@dataclass(frozen=True)
class PosteriorStats:
    """An input's or scalar output's posterior: mean and sd, p05, p50, p95 and their error bounds."""

    mean: float
    sd: float
    p05: float
    p50: float
    p95: float
    quantile_error: tuple[float, float, float]  # half the width of the histogram's bin that holds each quantile


@dataclass(frozen=True)
class Density:
    """A posterior density on a histogram's bins (for a figure): its edges and its density within each bin."""

    edges: np.ndarray  # (bins + 1,)
    density: np.ndarray  # (bins,) the weighted share in a bin over its width
    log: bool  # the bins are evenly spaced on a log scale


@dataclass(frozen=True)
class Posterior:
    """What the run's observations say: the posterior of every claim, uncertain input and scalar output.

    Attributes
    ----------
    observations : tuple of Observation
    ess : float
        Kish's effective sample size of the weights, ``(sum w)**2 / sum w**2``.
    khat : float
        PSIS's k-hat (NaN when the tail is too short to fit).
    min_ess : int
        The effective sample size a reliable posterior needs (``[posterior] min_ess``).
    samples : int
        The samples weighted.
    bins : int
        The bins of the weighted histograms the posterior quantiles are read from.
    first_order_bins : int
        The bins of equal posterior weight of each input, for the claims' first-order indices.
    kept_log_weights : array or None
        The observations' log-likelihood given each of the run's kept samples (its unnormalised log-weight),
        for ``results.nc``.
    densities : mapping of str to Density
        The posterior density of each uncertain input (for its figure).
    extended_from : int or None
        The samples the run file asked for, when the run drew more for its posterior to be reliable
        (:func:`mcsim.pipeline.samples_for_posterior`); None when it drew what it asked for.
    claims, inputs, outputs : mapping
        By name: :class:`PosteriorClaim`, :class:`PosteriorStats`.
    """

    observations: tuple[Observation, ...]
    ess: float
    khat: float
    min_ess: int
    samples: int
    claims: dict[str, PosteriorClaim]
    inputs: dict[str, PosteriorStats]
    outputs: dict[str, PosteriorStats]
    extended_from: int | None = None  # the samples the run file asked for, when more were drawn for the posterior
    bins: int = BINS  # of the weighted histograms the posterior quantiles are read from
    first_order_bins: int = S1_BINS  # of each input, for the claims' first-order indices
    densities: dict[str, Density] = field(default_factory=dict)  # each uncertain input's, for its figure
    kept_log_weights: np.ndarray | None = None  # the log-likelihood of each of the run's kept samples

    @property
    def reliable(self) -> bool:
        """Whether the weights can be trusted: k-hat at most 0.7 and the effective sample size at least ``min_ess``."""
        return bool(self.ess >= self.min_ess and (math.isnan(self.khat) or self.khat <= KHAT_RELIABLE))


def wilson(p: float, n: float, z: float = _Z95) -> tuple[float, float]:
    """Wilson's score interval of a proportion ``p`` over ``n`` (which may be an effective, non-whole, size)."""
    if n <= 0:
        return 0.0, 1.0
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def posterior(sim: Simulation) -> Posterior | None:
    """The run's posterior from the weighted sums its simulation merged; None for a run without observations.

    Raises
    ------
    InputError
        When the observations' likelihood is zero for every sample: it names each observation that
        no sample can explain (what the samples' values range over), or says that none explains
        them all together.
    """
    totals = sim.totals.weighted
    if totals is None:
        return None
    spec, weighing = sim.spec, totals.weighing
    if not totals.weight > 0:
        raise InputError(_unexplained(sim))
    ess = totals.ess
    claims = {}
    names = [o.name for o in weighing.observations]
    uncertain = weighing.columns[:weighing.inputs]
    first_order = totals.first_order()
    for c, (claim, held) in enumerate(zip(spec.claims, totals.claims, strict=False)):  # marks follow the claims
        p = _share(held, totals.weight)
        without = {name: _share(totals.without_claims[j, c], totals.without[j]) for j, name in enumerate(names)}
        claims[claim.name] = PosteriorClaim(p, wilson(p, ess), without,
                                            {name: float(first_order[c, j]) for j, name in enumerate(uncertain)})
    mean, sd = totals.moments()
    stats = {}
    for j, name in enumerate(weighing.columns):
        found = [totals.quantile(j, q) for q in QUANTILES]
        stats[name] = PosteriorStats(float(mean[j]), float(sd[j]), *(float(v) for v, _ in found),
                                     quantile_error=tuple(float(e) for _, e in found))
    inputs = {name: stats[name] for name in weighing.columns[:weighing.inputs]}
    outputs = {name: stats[name] for name in weighing.columns[weighing.inputs:]}
    head = {name: values[:sim.head.kept] for name, values in sim.head.inputs.items()}
    kept = log_likelihood(weighing.observations, head, sim.head.outputs, weighing.grid).sum(axis=0)
    densities = {name: _density(totals, j) for j, name in enumerate(uncertain)}
    return Posterior(weighing.observations, float(ess), pareto_khat(totals.top, sim.n), spec.min_ess, sim.n,
                     claims, inputs, outputs, densities=densities, kept_log_weights=kept[:sim.n])


def _share(held: float, weight: float) -> float:
    """A weighted share in [0, 1]; NaN when there is no weight (every sample impossible)."""
    return min(max(float(held / weight), 0.0), 1.0) if weight > 0 else math.nan


def _density(totals, column: int) -> Density:
    """A column's posterior density: its histogram's bins merged by a power of 2 (at most 16), as few as leave
    :data:`FIGURE_SPAN_BINS` bins across its 90 % interval (the weight beyond the histogram's range left out)."""
    weighing = totals.weighing
    fine = totals.histogram[column, 2:2 + BINS]
    cumulative = np.cumsum(fine) / max(fine.sum(), np.finfo(float).tiny)
    across = int(np.searchsorted(cumulative, 0.95) - np.searchsorted(cumulative, 0.05)) + 1
    merged = 1 << min(4, max(0, (across // FIGURE_SPAN_BINS).bit_length() - 1))
    counts = fine.reshape(BINS // merged, merged).sum(axis=1)
    low, high, log = float(weighing.low[column]), float(weighing.high[column]), bool(weighing.log[column])
    bins = BINS // merged
    edges = np.geomspace(low, high, bins + 1) if log else np.linspace(low, high, bins + 1)
    return Density(edges, counts / totals.weight / np.diff(edges), log)


def _unexplained(sim: Simulation) -> list[Problem]:
    """Why every weight is zero: the observations no sample can explain, or their combination."""
    totals, spec = sim.totals.weighted, sim.spec
    found = []
    for index, observation in enumerate(totals.weighing.observations, start=1):
        best = totals.best[index - 1]
        if best - observation.best < -700 or not np.isfinite(best):  # its weight underflows for every sample
            found.append(Problem(spec.file, f"{observation_where(observation.name, index)} dist",
                                 f"makes the observation impossible for every one of the {sim.n} samples: "
                                 f"{observation.describe()}, but {observation.measured} ranges from "
                                 f"{totals.low[index - 1]:g} to {totals.high[index - 1]:g} over the samples; "
                                 "widen the measurement's error or check the observation against the priors"))
    if not found:
        found.append(Problem(spec.file, "[[observations]]", f"are impossible together for every one of the {sim.n} "
                             "samples, though each alone is not: widen the measurements' errors, or check that "
                             "they measure what the model means"))
    return found
