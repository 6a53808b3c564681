"""``results.nc``: a run's statistics and (a stated subset of) its samples as an xarray Dataset.

Built from the typed :class:`~mcsim.result.Result`; the report layer writes it.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from mcsim._version import __version__
from mcsim.result import QUANTILES, Result

__all__ = ["QUANTILE", "SAMPLE", "USERS", "build_dataset"]

SAMPLE, USERS, QUANTILE = "sample", "users", "quantile"  # USERS: the grid's dimension of a model over users


def build_dataset(result: Result) -> xr.Dataset:
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
        words = {"long_name": spec.grid.label, **({"units": spec.grid.unit} if spec.grid.unit else {})}
        coords[grid] = (grid, np.asarray(spec.grid_values), words)
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
