"""The engine: bounded memory, a stated head, errors on undefined outputs, chunk ranges."""

import itertools

import numpy as np
import pytest
import xarray as xr
from streaming_helpers import spec

from mcsim.compute.engine import _chunk_ranges, simulate
from mcsim.compute.streaming import PILOT, STAT_BLOCK, block_size
from mcsim.pipeline import execute
from mcsim.report import write_report


def test_chunks_are_whole_blocks_and_cover_the_run():
    for n, chunk in [(1, 1), (STAT_BLOCK * 3 + 5, 1000), (10**6, 1 << 18), (STAT_BLOCK, STAT_BLOCK)]:
        ranges = _chunk_ranges(n, chunk)
        assert ranges[0][0] == 0 and ranges[-1][1] == n
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
        assert all((stop - start) % STAT_BLOCK == 0 for start, stop in ranges[:-1])


def test_blocks_divide_the_largest_block():
    for width in (1, 7, 17, 134, 10_000):
        size = block_size(width)
        assert STAT_BLOCK % size == 0 and size & (size - 1) == 0


def test_the_head_is_bounded_and_results_nc_says_what_it_holds(write, tmp_path):
    run = spec(write, samples=3 * PILOT, extra="", chunk=STAT_BLOCK)
    result = execute(run)
    head = result.simulation.head
    assert head.kept == run.keep_samples < run.samples
    assert all(len(v) == PILOT for v in head.inputs.values())
    out = write_report(result, tmp_path / "out")
    with xr.open_dataset(out / "results.nc") as data:
        assert data.sizes["sample"] == run.keep_samples
        assert data.attrs["kept_samples"] == run.keep_samples and data.attrs["samples"] == run.samples
        assert data.attrs["quantiles"] == "exact"
        assert "statistics variables are over all samples" in data.attrs["kept_samples_note"]


def test_an_undefined_output_stops_the_run(write):
    from dataclasses import replace

    from mcsim.models.base import Model

    run = spec(write, samples=STAT_BLOCK * 2)
    model = run.model

    def broken(inputs, users):  # NaN inside the priors' range, where the check before sampling does not look
        out = model.function(inputs, users)
        cost = inputs["training_cost"]
        out["margin_per_user"] = np.where((cost > cost.min()) & (cost < cost.max()), np.nan, 1.0)
        return out

    bad = replace(run, model=Model(**{**model.__dict__, "function": broken}))
    with pytest.raises(FloatingPointError, match="undefined values of margin_per_user"):
        simulate(bad, workers=1)


@pytest.mark.parametrize("d", [1, 6, 7])
def test_sobol_skip_lands_where_scipy_fast_forward_does(d):
    import warnings

    from scipy.stats import qmc

    from mcsim.compute.sampling import _skip_sobol

    for start in (1, 2, 3, 8, 1000, 65_537, 1 << 20):
        walked = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(3)).fast_forward(start)
        jumped = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(3))
        _skip_sobol(jumped, start)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            assert np.array_equal(walked.random(37), jumped.random(37)), (d, start)
