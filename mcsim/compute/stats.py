"""Statistics of a simulation: summaries of each output, claims' probabilities, curves over users.

Statistics are merged from the chunks of a run (:mod:`mcsim.compute.streaming`), never from every
sample at once. Quantiles are empirical order statistics (``method="inverted_cdf"``): a quantile is a value some
sample took, so it stays well defined when a share of samples is infinite (a break-even that is
never reached is +inf; the p95 is then +inf if more than 5 % never break even). Means and
standard deviations are over the finite samples; ``p_never`` is the share that is infinite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from mcsim.compute.engine import Simulation
from mcsim.compute.streaming import QUANTILES
from mcsim.inputs.runs import Claim

__all__ = ["QUANTILES", "ClaimResult", "Curves", "claim_holds", "curves", "evaluate_claims", "quantile_errors",
           "summarise"]

_NAMES = ("p05", "p50", "p95")


def _quantiles(values: np.ndarray) -> np.ndarray:
    return np.quantile(values, QUANTILES, axis=0, method="inverted_cdf")


def summarise(sim: Simulation) -> dict[str, dict[str, np.ndarray | float]]:
    """Mean, sd, p05, p50, p95 of every output (and ``p_never``, ``p_positive`` where they apply).

    The statistics are merged from the run's chunks (:mod:`mcsim.compute.streaming`): moments and shares
    exactly, quantiles exactly or, beyond a memory budget, within the error bound that
    :func:`quantile_errors` gives.

    Returns
    -------
    dict
        ``{output: {statistic: value}}``; for outputs over the users grid each value is an array
        over users and ``users`` holds the grid. Values may be infinite (see the module notes).
    """
    totals = sim.totals
    mean, sd = totals.moments()
    quantiles, _ = _quantiles_of(sim)
    n = totals.samples
    result = {}
    for spec in sim.spec.model.outputs:
        where = totals.plan.slices[spec.name]
        pick = (lambda a, w=where: a[..., w]) if spec.per_user else (lambda a, w=where: a[..., w.start])
        summary: dict[str, np.ndarray | float] = {"mean": pick(mean), "sd": pick(sd)}
        summary.update(zip(_NAMES, pick(quantiles), strict=True))
        if spec.infinite_means is not None:
            summary["p_never"] = pick((n - totals.finite) / n)
        if spec.per_user:
            summary = {"users": np.asarray(sim.spec.users), **summary}
            if spec.share_positive:
                summary["p_positive"] = pick(totals.positive / n)
        result[spec.name] = summary
    return result


def _quantiles_of(sim: Simulation) -> tuple[np.ndarray, np.ndarray]:
    cached = getattr(sim.totals, "_quantiles_cache", None)
    if cached is None:
        cached = sim.totals.quantiles()
        sim.totals._quantiles_cache = cached
    return cached


def quantile_errors(sim: Simulation) -> dict[str, np.ndarray]:
    """Error bound of each output's p05, p50, p95 (all zero when the quantiles are exact)."""
    _, error = _quantiles_of(sim)
    return {name: error[:, where] if sim.spec.model.output(name).per_user else error[:, where.start]
            for name, where in sim.totals.plan.slices.items()}


@dataclass(frozen=True)
class ClaimResult:
    """A claim's probability under the priors, with its uncertainty from sampling."""

    claim: Claim
    probability: float
    se: float  # binomial standard error sqrt(p (1 - p) / n)
    ci95: tuple[float, float]  # Wilson score interval
    samples: int
    holds_at_point: bool  # does the claim hold at the priors' point values?


def claim_holds(claim: Claim, outputs: dict[str, np.ndarray], users: tuple[float, ...]) -> np.ndarray:
    """A boolean per sample: does the claim hold?"""
    values = outputs[claim.output]
    if claim.users is not None:
        values = values[:, users.index(claim.users)]
    return claim.holds(values)


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
    at_point = spec.model.evaluate(points, np.asarray(spec.users))
    results = []
    for claim, held in zip(sim.totals.plan.claims, sim.totals.claims, strict=True):
        n, k = sim.n, int(held)
        p = k / n
        interval = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        results.append(ClaimResult(claim, p, float(np.sqrt(p * (1 - p) / n)),
                                   (float(interval.low), float(interval.high)), n,
                                   bool(claim_holds(claim, at_point, spec.users)[0])))
    return results


@dataclass(frozen=True)
class Curves:
    """Quantiles (and the share above zero) of the per-user outputs on a fine users grid."""

    users: np.ndarray
    samples: int  # how many of the run's samples the curves use
    quantiles: dict[str, np.ndarray]  # output -> (3, len(users)): p05, p50, p95
    share_positive: dict[str, np.ndarray]  # output -> (len(users),)


def curves(sim: Simulation, *, points: int = 61, max_samples: int = 1 << 16) -> Curves:
    """Evaluate the per-user outputs on a fine log-spaced users grid, for figures.

    The run's own grid is exact over every sample; this grid uses the run's first
    ``max_samples`` samples (a balanced subset for Sobol and random designs), enough for a
    smooth curve, and the figure's caption says so.
    """
    spec = sim.spec
    low, high = min(spec.users), max(spec.users)
    users = np.geomspace(low, high, points) if high > low else np.array([low])
    m = min(sim.n, max_samples, len(next(iter(sim.head.inputs.values()))))
    head = {name: values[:m] for name, values in sim.head.inputs.items()}
    outputs = spec.model.evaluate(head, users)
    per_user = [o for o in spec.model.outputs if o.per_user]
    return Curves(users, m, {o.name: _quantiles(outputs[o.name]) for o in per_user},
                  {o.name: (outputs[o.name] > 0).mean(axis=0) for o in per_user if o.share_positive})
