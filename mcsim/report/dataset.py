"""``results.nc``: a run's statistics and (a stated subset of) its samples as an xarray Dataset."""

from __future__ import annotations

import numpy as np
import xarray as xr

from mcsim import __version__
from mcsim.compute.stats import QUANTILES, quantile_errors
from mcsim.pipeline import Result

__all__ = ["QUANTILE", "SAMPLE", "USERS", "build_dataset"]

SAMPLE, USERS, QUANTILE = "sample", "users", "quantile"


def build_dataset(result: Result) -> xr.Dataset:
    """Inputs and outputs with units and provenance, statistics over every sample.

    The per-sample variables hold the run's first ``keep_samples`` samples (all of them for a
    smaller run); the ``kept_samples`` attribute says how many and of how many. The statistics
    variables (``<output>_quantiles``, ``<output>_mean``...) are over every sample, merged from the
    run's chunks; the ``quantiles`` attribute says whether the quantiles are exact or from a fine
    histogram, with ``<output>_quantile_error`` then holding each one's error bound.
    """
    spec, sim = result.spec, result.simulation
    head = sim.head
    kept = head.kept
    errors = quantile_errors(sim)
    coords = {
        SAMPLE: np.arange(kept),
        USERS: (USERS, np.asarray(spec.users), {"units": "monthly active users"}),
        QUANTILE: (QUANTILE, np.asarray(QUANTILES), {"long_name": "probability level"}),
    }
    method = ("exact order statistics" if sim.plan.mode == "exact" else
               "fixed fine histogram inside a bracket from the pilot; error bound in <output>_quantile_error")
    data = {}
    for prior in spec.priors.inputs:
        data[prior.name] = (SAMPLE, head.inputs[prior.name][:kept], {
            "units": prior.unit, "long_name": prior.label or prior.name, "point": prior.point,
            "distribution": prior.distribution.describe(), "source": prior.source,
            "overridden_by_run": int(prior.name in spec.overridden),
        })
    for out in spec.model.outputs:
        dims = (SAMPLE, USERS) if out.per_user else (SAMPLE,)
        attrs = {"units": out.unit, "long_name": out.label}
        if out.infinite_means is not None:
            attrs["infinity_means"] = out.infinite_means
        data[out.name] = (dims, head.outputs[out.name][:kept], attrs)
        stats = result.summary[out.name]
        grid = (USERS,) if out.per_user else ()
        data[f"{out.name}_quantiles"] = ((QUANTILE, *grid), np.stack([stats["p05"], stats["p50"], stats["p95"]]),
                                         {**attrs, "over": "all samples", "method": method})
        if sim.plan.mode != "exact":
            data[f"{out.name}_quantile_error"] = ((QUANTILE, *grid), errors[out.name],
                                                  {"units": out.unit, "long_name": "error bound of the quantile"})
        for key in ("mean", "sd", "p_never", "p_positive"):
            if key in stats:
                data[f"{out.name}_{key}"] = (grid, np.asarray(stats[key]), {"over": "all samples"})
    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs = {
        "title": spec.title,
        "model": spec.model.name,
        "model_citation": spec.model.citation,
        "run_file": spec.file,
        "run_sha256": spec.sha256,
        "priors_file": spec.priors.file,
        "priors_sha256": spec.priors.sha256,
        "samples": sim.n,
        "samples_requested": spec.samples,
        "quantiles": sim.plan.mode,
        "sampler": spec.sampler,
        "seed": spec.seed,
        "kept_samples": kept,
        "kept_samples_note": (f"per-sample variables hold samples 0 to {kept - 1} of the run's {sim.n} "
                              "(the first of the design); statistics variables are over all samples"),
        "mcsim_version": __version__,
    }
    return dataset
