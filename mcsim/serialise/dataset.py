"""``results.nc``: a run's statistics and (a stated subset of) its samples as an xarray Dataset.

Built from the typed :class:`~mcsim.result.Result`; the report layer writes it.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from mcsim._version import __version__
from mcsim.result import QUANTILES, Result
from mcsim.serialise.summary import Words

__all__ = ["CLAIM", "INPUT", "QUANTILE", "SAMPLE", "TARGET", "USERS", "build_dataset"]

SAMPLE, USERS, QUANTILE = "sample", "users", "quantile"  # USERS: the grid's dimension of a model over users
CLAIM, TARGET, INPUT = "claim", "target", "input"  # the claims, the sensitivity analysis's targets and inputs


def build_dataset(result: Result, words: Words | None = None) -> xr.Dataset:
    """Inputs and outputs with units and provenance, statistics over every sample.

    The per-sample variables hold the run's first ``keep_samples`` samples (all of them for a
    smaller run); the ``kept_samples`` attribute says how many and of how many. The statistics
    variables (``<output>_quantiles``, ``<output>_mean``...) are over every sample, merged from the
    run's chunks; the ``quantiles`` attribute says whether the quantiles are exact or from a fine
    histogram, with ``<output>_quantile_error`` then holding each one's error bound.
    """
    spec, samples = result.spec, result.samples
    kept = result.kept.size
    grid = spec.grid.name  # the dimension of the gridded outputs: "users", "months" or the model's own grid
    coords = {
        SAMPLE: np.arange(kept),
        QUANTILE: (QUANTILE, np.asarray(QUANTILES), {"long_name": "probability level"}),
    }
    if spec.model.gridded:  # a model whose outputs are all scalar has no grid dimension
        described = {"long_name": spec.grid.label, **({"units": spec.grid.unit} if spec.grid.unit else {})}
        coords[grid] = (grid, np.asarray(spec.grid_values), described)
    method = ("exact order statistics" if result.quantiles == "exact" else
               "fixed fine histogram inside a bracket from the pilot; error bound in <output>_quantile_error")
    data = {}
    for prior in spec.priors.inputs:
        data[prior.name] = (SAMPLE, result.kept.inputs[prior.name], {
            "units": prior.unit, "long_name": prior.label or prior.name, "point": prior.point,
            "distribution": prior.distribution.describe(), "source": prior.source,
            "overridden_by_run": int(prior.name in spec.overridden),
        })
    for out in spec.model.outputs:
        dims = (SAMPLE, grid) if out.per_user else (SAMPLE,)
        attrs = {"units": out.unit, "long_name": out.label}
        if out.infinite_means is not None:
            attrs["infinity_means"] = out.infinite_means
        data[out.name] = (dims, result.kept.outputs[out.name], attrs)
        stats = result.outputs[out.name]
        over = (grid,) if out.per_user else ()
        data[f"{out.name}_quantiles"] = ((QUANTILE, *over), stats.quantiles,
                                         {**attrs, "over": "all samples", "method": method})
        if result.quantiles != "exact":
            data[f"{out.name}_quantile_error"] = ((QUANTILE, *over), stats.quantile_error,
                                                  {"units": out.unit, "long_name": "error bound of the quantile"})
        for key, value in (("mean", stats.mean), ("sd", stats.sd), ("p_never", stats.p_never),
                           ("p_positive", stats.p_positive)):
            if value is not None:
                data[f"{out.name}_{key}"] = (over, np.asarray(value), {"over": "all samples"})
    if result.posterior is not None and result.posterior.kept_log_weights is not None:
        data["log_weight"] = (SAMPLE, result.posterior.kept_log_weights[:kept], {
            "long_name": "log-likelihood of the run's observations given the sample: its unnormalised importance "
                         "log-weight (exp, then divide by the sum, for the posterior's weights)"})
    if result.claims:
        coords[CLAIM] = (CLAIM, list(result.claims))
        data.update(_claims(result, words))
    if result.sensitivity is not None and result.sensitivity.targets:
        coords[TARGET] = (TARGET, [t.target.key for t in result.sensitivity.targets])
        coords[INPUT] = (INPUT, list(result.sensitivity.names))
        data.update(_indices(result))
    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs = {
        "title": spec.title,
        "model": spec.model.name,
        "model_citation": spec.model.citation,
        "run_file": spec.file,
        "run_sha256": spec.sha256,
        "priors_file": spec.priors.file,
        "priors_sha256": spec.priors.sha256,
        "samples": samples,
        "samples_requested": result.samples_requested,
        "quantiles": result.quantiles,
        "sampler": spec.sampler,
        "seed": spec.seed,
        "kept_samples": kept,
        "kept_samples_note": (f"per-sample variables hold samples 0 to {kept - 1} of the run's {samples} "
                              "(the first of the design); statistics variables are over all samples"),
        "mcsim_version": __version__,
    }
    return dataset


def _claims(result: Result, words: Words | None) -> dict:
    """Each claim's probability over every sample, its standard error, Wilson interval and verdict at the points."""
    claims = list(result.claims.values())
    over = {"over": "all samples"}
    found = {
        "claim_test": (CLAIM, [c.claim.describe() for c in claims], {"long_name": "the claim's test"}),
        "claim_text": (CLAIM, [c.claim.text for c in claims], {"long_name": "the claim's words"}),
        "claim_probability": (CLAIM, np.array([c.probability for c in claims]), over),
        "claim_se": (CLAIM, np.array([c.se for c in claims]), {**over, "long_name": "binomial standard error"}),
        "claim_ci95_low": (CLAIM, np.array([c.ci95[0] for c in claims]), {**over, "long_name": "Wilson 95 % low"}),
        "claim_ci95_high": (CLAIM, np.array([c.ci95[1] for c in claims]), {**over, "long_name": "Wilson 95 % high"}),
        "claim_holds_at_point": (CLAIM, np.array([int(c.holds_at_point) for c in claims], dtype=np.int8),
                                 {"long_name": "1 where the claim holds at the priors' point values"}),
    }
    if words is not None:
        found["claim_likelihood"] = (CLAIM, [words.term(c.probability) for c in claims],
                                     {"long_name": "the probability's term on the IPCC's calibrated likelihood scale"})
    if result.posterior is not None:
        given = [result.posterior.claims[c.claim.name] for c in claims]
        weighted = {"over": "all samples, weighted by the observations' likelihood"}
        found["claim_posterior_probability"] = (CLAIM, np.array([g.probability for g in given]), weighted)
        for end, side in ((0, "low"), (1, "high")):
            found[f"claim_posterior_ci95_{side}"] = (CLAIM, np.array([g.ci95[end] for g in given]), {
                **weighted, "long_name": f"Wilson 95 % {side}, n the effective sample size"})
    return found


def _indices(result: Result) -> dict:
    """The sensitivity analysis's indices of each target (rows) for each input (columns): NaN where not estimated."""
    sensitivity = result.sensitivity
    shape = (len(sensitivity.targets), len(sensitivity.names))
    found = {key: np.full(shape, np.nan) for key in ("S1", "S1_conf", "ST", "ST_conf", "shapley", "shapley_conf")}
    column = {name: j for j, name in enumerate(sensitivity.names)}
    for row, t in enumerate(sensitivity.targets):
        if t.indices is not None:
            at = [column[name] for name in t.indices.names]
            for key in ("S1", "S1_conf", "ST", "ST_conf"):
                found[key][row, at] = getattr(t.indices, key)
        if t.shapley is not None:
            at = [column[name] for name in t.shapley.names]
            found["shapley"][row, at], found["shapley_conf"][row, at] = t.shapley.effects, t.shapley.conf
    said = {"S1": "first-order Sobol index", "ST": "total Sobol index", "shapley": "Shapley effect"}
    data = {}
    for key, values in found.items():
        base = key.removesuffix("_conf")
        name = said[base] + (" (half-width of its interval)" if key.endswith("_conf") else "")
        data[f"sensitivity_{key}"] = ((TARGET, INPUT), values, {"long_name": name})
    data["sensitivity_target_description"] = (TARGET, [t.target.describe() for t in sensitivity.targets],
                                              {"long_name": "what each target's indices apportion"})
    return data
