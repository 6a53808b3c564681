"""summary.json's ``posterior``: what a run's observations say, beside the priors' numbers."""

from __future__ import annotations

from typing import Any

from mcsim.analysis.melding import Posterior, PosteriorStats
from mcsim.analysis.psis import KHAT_RELIABLE
from mcsim.compute.melding import BINS, S1_BINS
from mcsim.inputs.observations import Observation

__all__ = ["POSTERIOR_MEANS", "posterior_summary"]

#: What the summary's ``posterior`` holds, for its notes.
POSTERIOR_MEANS = (
    "The priors conditioned on the run's observations (Bayesian melding, Poole and Raftery 2000), by importance "
    "weights on the run's own samples: each sample weighted by the observations' likelihood. ess is Kish's effective "
    "sample size (sum w)^2 / sum w^2; khat the Pareto-smoothed importance sampling shape of the largest weights' "
    f"tail (Vehtari et al. 2024); reliable is ess >= min_ess and khat <= {KHAT_RELIABLE}; a run whose posterior "
    "is not reliable draws more samples, up to [posterior] max_samples (extended_from: the samples its file asked "
    "for, null when it drew those). A claim's ci95 is "
    "Wilson's score interval with ess as n. "
    f"Posterior quantiles come from a weighted histogram of {BINS:,} bins over "
    "the pilot's range, interpolated within a bin; quantile_error is half the width of the bin (null beyond "
    "the range). A claim's without gives, by observation, its probability given every other observation (the "
    "priors' own for a run with one observation), and moved_most the observation whose leaving out moves it most; "
    "its first_order gives, by uncertain input, the first-order sensitivity index of the claim's indicator under "
    "the posterior, Var(E[Y | X_i]) / Var(Y), by the weighted binning estimator over "
    f"{S1_BINS} bins of the input of equal posterior weight in the pilot (null where the claim always or never "
    "holds).")


def posterior_summary(posterior: Posterior, priors, words) -> dict[str, Any]:
    """The summary's ``posterior``; ``words`` the summary's (:class:`mcsim.serialise.summary.Words`)."""
    claims = {name: {"probability": c.probability, "ci95": list(c.ci95), "likelihood": words.term(c.probability),
                     "likelihood_straddles": " and ".join(words.straddle(c.probability, c.ci95)) or None,
                     "without": dict(c.without), "moved_most": c.moved_most, "first_order": dict(c.first_order)}
              for name, c in posterior.claims.items()}
    inputs = {}
    for name, stats in posterior.inputs.items():
        prior = priors[name].distribution
        inputs[name] = {**_stats(stats), "prior": dict(zip(("p05", "p50", "p95"),
                                                             (float(v) for v in prior.ppf([0.05, 0.5, 0.95])),
                                                             strict=True))}
    return {"ess": posterior.ess, "khat": posterior.khat, "reliable": posterior.reliable,
            "min_ess": posterior.min_ess, "samples": posterior.samples, "extended_from": posterior.extended_from,
            "observations": [_observation(o) for o in posterior.observations],
            "claims": claims, "inputs": inputs,
            "outputs": {name: _stats(stats) for name, stats in posterior.outputs.items()}}


def _stats(stats: PosteriorStats) -> dict[str, Any]:
    return {"mean": stats.mean, "sd": stats.sd, "p05": stats.p05, "p50": stats.p50, "p95": stats.p95,
            "quantile_error": list(stats.quantile_error)}


def _observation(observation: Observation) -> dict[str, Any]:
    measured = {"input": observation.input} if observation.input is not None else {"output": observation.output}
    if observation.at is not None:
        measured[observation.grid] = observation.at
    return {"name": observation.name, **measured, "observed": observation.observed,
            "dist": observation.error.family, **observation.error.parameters(), "source": observation.source,
            **({"cite": list(observation.cite)} if observation.cite else {}),
            **({"date": observation.date} if observation.date else {})}
