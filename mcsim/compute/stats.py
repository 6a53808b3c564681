"""Statistics of a simulation: summaries of each output, claims' probabilities, curves over users.

Statistics are merged from the chunks of a run (:mod:`mcsim.compute.streaming`), never from every
sample at once. Quantiles are empirical order statistics (``method="inverted_cdf"``): a quantile is a value some
sample took, so it stays well defined when a share of samples is infinite (a break-even that is
never reached is +inf; the p95 is then +inf if more than 5 % never break even). Means and
standard deviations are over the finite samples; ``p_never`` is the share that is infinite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from mcsim.compute.claims import claim_holds, claim_values
from mcsim.compute.engine import Simulation
from mcsim.compute.streaming import QUANTILES
from mcsim.inputs.runs import Claim

__all__ = ["QUANTILES", "ClaimResult", "Curves", "Histogram", "KeptSamples", "OutputStats", "claim_holds", "curves",
           "evaluate_claims", "histograms", "kept_samples", "published_shares", "summarise"]


Value = float | np.ndarray  # a scalar output's statistic, or an array over the users grid


def _quantiles(values: np.ndarray) -> np.ndarray:
    return np.quantile(values, QUANTILES, axis=0, method="inverted_cdf")


@dataclass(frozen=True)
class OutputStats:
    """The statistics of one output over every sample of a run.

    For a scalar output each value is a float; for an output over the users grid, an array over
    ``users``. Values may be infinite (see the module notes).

    Attributes
    ----------
    mean, sd : float or array
        Over the finite samples (NaN where fewer than one, or two, samples are finite).
    p05, p50, p95 : float or array
        Empirical order statistics over all samples, infinite included.
    quantile_error : array of shape (3,) or (3, users)
        Error bound of p05, p50, p95: zero where they are exact.
    p_never : float or array or None
        The share of samples that are infinite; None for an output that cannot be infinite.
    p_positive : array or None
        The share of samples above zero, for an output over users that asks for it.
    users : array or None
        The users grid; None for a scalar output.
    largest : array or None
        A scalar output's largest finite magnitudes ``|x|`` over every sample (at most
        :data:`~mcsim.compute.streaming.TAIL_KEPT`, increasing), for its tail index; None for an
        output over the users grid.
    """

    mean: Value
    sd: Value
    p05: Value
    p50: Value
    p95: Value
    quantile_error: np.ndarray
    p_never: Value | None = None
    p_positive: np.ndarray | None = None
    users: np.ndarray | None = None
    largest: np.ndarray | None = None

    @property
    def quantiles(self) -> np.ndarray:
        """p05, p50, p95 stacked: shape (3,) or (3, users)."""
        return np.stack([self.p05, self.p50, self.p95])


def summarise(sim: Simulation) -> dict[str, OutputStats]:
    """Mean, sd, p05, p50, p95 of every output (and ``p_never``, ``p_positive`` where they apply).

    The statistics are merged from the run's chunks (:mod:`mcsim.compute.streaming`): moments and shares
    exactly, quantiles exactly or, beyond a memory budget, within the error bound each
    :class:`OutputStats` gives.

    Returns
    -------
    dict of str to OutputStats
        In the model's order of outputs.
    """
    totals = sim.totals
    mean, sd = totals.moments()
    quantiles, errors = totals.quantiles()
    n = totals.samples
    result = {}
    for spec in sim.spec.model.outputs:
        where = totals.plan.slices[spec.name]
        pick = (lambda a, w=where: a[..., w]) if spec.per_user else (lambda a, w=where: a[..., w.start])
        p05, p50, p95 = pick(quantiles)
        result[spec.name] = OutputStats(
            mean=pick(mean), sd=pick(sd), p05=p05, p50=p50, p95=p95, quantile_error=pick(errors),
            p_never=pick((n - totals.finite) / n) if spec.infinite_means is not None else None,
            p_positive=pick(totals.positive / n) if spec.per_user and spec.share_positive else None,
            users=np.asarray(sim.spec.grid_values) if spec.per_user else None,
            largest=None if spec.per_user else totals.largest.get(spec.name, np.empty(0)))
    return result


@dataclass(frozen=True)
class ClaimResult:
    """A claim's probability under the priors, with its uncertainty from sampling."""

    claim: Claim
    probability: float
    se: float  # binomial standard error sqrt(p (1 - p) / n)
    ci95: tuple[float, float]  # Wilson score interval
    samples: int
    holds_at_point: bool  # does the claim hold at the priors' point values?
    value_at_point: float = math.nan  # the claim's output at the priors' point values (at its grid point)


def evaluate_claims(sim: Simulation) -> list[ClaimResult]:
    """Each claim's probability, standard error and 95 % interval.

    Notes
    -----
    The standard error is the binomial one, exact for plain Monte Carlo; Latin hypercube
    sampling never has a larger variance than that, up to a factor n / (n - 1) (Owen 1997), and
    scrambled Sobol points gain little on an indicator function, whose discontinuity defeats
    their integration rate. The interval is Wilson's score interval (scipy.stats.binomtest),
    which stays inside [0, 1] and is not degenerate when the probability is 0 or 1.

    References
    ----------
    Owen, A. B. (1997). Monte Carlo variance of scrambled net quadrature. SIAM J. Numer. Anal. 34.
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    """
    spec = sim.spec
    points = {name: np.array([value]) for name, value in spec.priors.points().items()}
    at_point = spec.model.evaluate(points, np.asarray(spec.grid_values))
    results = []
    for claim, held in zip(spec.claims, sim.totals.claims, strict=False):  # the plan's marks follow the claims
        n, k = sim.n, int(held)
        p = k / n
        interval = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        results.append(ClaimResult(claim, p, float(np.sqrt(p * (1 - p) / n)),
                                   (float(interval.low), float(interval.high)), n,
                                   bool(claim_holds(claim, at_point, spec.grid_values)[0]),
                                   float(claim_values(claim, at_point, spec.grid_values)[0])))
    return results


def published_shares(sim: Simulation) -> dict[str, float]:
    """For each output whose published value the run counted, the share of samples at or below it.

    That share is where the published value sits in the output's distribution over the run's
    every sample (its percentile / 100); see :func:`mcsim.compute.engine.published_marks`.
    """
    plan, n = sim.totals.plan, sim.n
    marks = plan.claims[len(sim.spec.claims):]
    held = sim.totals.claims[len(sim.spec.claims):]
    return {mark.output: int(k) / n for mark, k in zip(marks, held, strict=True)}


@dataclass(frozen=True)
class Curves:
    """Quantiles (and the share above zero) of the gridded outputs on a fine grid (of users or months)."""

    users: np.ndarray  # the fine grid's values (users, or months for a model over months)
    samples: int  # how many of the run's samples the curves use
    quantiles: dict[str, np.ndarray]  # output -> (3, len(users)): p05, p50, p95
    share_positive: dict[str, np.ndarray]  # output -> (len(users),)


def curves(sim: Simulation, *, points: int = 61, max_samples: int = 1 << 16) -> Curves:
    """Evaluate the gridded outputs on a fine grid, for figures: log-spaced for users, even for months.

    The run's own grid is exact over every sample; this grid uses the run's first
    ``max_samples`` samples (a balanced subset for Sobol and random designs), enough for a
    smooth curve, and the figure's caption says so.
    """
    spec = sim.spec
    low, high = min(spec.grid_values), max(spec.grid_values)
    spaced = np.geomspace if spec.grid.log_scale and low > 0 else np.linspace
    users = spaced(low, high, points) if high > low else np.array([low])
    m = min(sim.n, max_samples, len(next(iter(sim.head.inputs.values()))))
    head = {name: values[:m] for name, values in sim.head.inputs.items()}
    outputs = spec.model.evaluate(head, users)
    per_user = [o for o in spec.model.outputs if o.per_user]
    return Curves(users, m, {o.name: _quantiles(outputs[o.name]) for o in per_user},
                  {o.name: (outputs[o.name] > 0).mean(axis=0) for o in per_user if o.share_positive})


@dataclass(frozen=True)
class Histogram:
    """A scalar output's distribution over every sample, in fixed bins (for its figure).

    The bins span the central 99.8 % of the pilot's finite values; values beyond fall in the end
    bins, infinite values in none.
    """

    counts: np.ndarray  # (bins,) samples per bin
    edges: np.ndarray  # (bins + 1,)
    log: bool  # whether the bins are evenly spaced on a log scale


def histograms(sim: Simulation) -> dict[str, Histogram]:
    """Each scalar output's histogram, merged from the run's chunks."""
    found = {}
    for name, counts in sim.totals.figure.items():
        low, high, log = sim.plan.figure_edges[name]
        bins = len(counts)
        edges = np.geomspace(low, high, bins + 1) if log else np.linspace(low, high, bins + 1)
        found[name] = Histogram(np.asarray(counts), edges, log)
    return found


@dataclass(frozen=True)
class KeptSamples:
    """The run's first samples, kept per sample: every input and output of samples 0 to ``size - 1``."""

    inputs: dict[str, np.ndarray]  # name -> (size,)
    outputs: dict[str, np.ndarray]  # name -> (size,) or (size, len(users))

    @property
    def size(self) -> int:
        return len(next(iter(self.outputs.values()))) if self.outputs else 0


def kept_samples(sim: Simulation) -> KeptSamples:
    """The first ``keep_samples`` samples the run evaluated (fewer if it evaluated fewer)."""
    m = min(sim.head.kept, sim.n)
    return KeptSamples({name: np.asarray(values[:m]) for name, values in sim.head.inputs.items()},
                       {name: np.asarray(values[:m]) for name, values in sim.head.outputs.items()})
