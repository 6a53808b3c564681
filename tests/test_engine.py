"""The engine: bounded memory, a stated head, errors on undefined outputs, chunk ranges."""

import itertools
import os

import numpy as np
import pytest
import xarray as xr
from streaming_helpers import spec

from mcsim.compute.engine import simulate, whole_blocks
from mcsim.compute.sampling import chunks
from mcsim.compute.streaming import PILOT, STAT_BLOCK, block_size
from mcsim.pipeline import execute
from mcsim.report import write_report


def test_chunks_are_whole_blocks_and_cover_the_run():
    for n, chunk in [(1, 1), (STAT_BLOCK * 3 + 5, 1000), (10**6, 1 << 18), (STAT_BLOCK, STAT_BLOCK)]:
        ranges = list(chunks(n, whole_blocks(chunk)))
        assert ranges[0][0] == 0 and ranges[-1][1] == n
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
        assert all((stop - start) % STAT_BLOCK == 0 for start, stop in ranges[:-1])


def test_blocks_divide_the_largest_block():
    for width in (1, 7, 17, 134, 10_000):
        size = block_size(width)
        assert STAT_BLOCK % size == 0 and size & (size - 1) == 0


def test_the_head_is_bounded_and_results_nc_says_what_it_holds(write, tmp_path):
    run = spec(write, samples=3 * PILOT, extra="", chunk=STAT_BLOCK)
    head = simulate(run, workers=1).head
    assert head.kept == run.keep_samples < run.samples
    assert all(len(v) == PILOT for v in head.inputs.values())
    result = execute(run)
    assert result.kept.size == run.keep_samples
    assert all(len(v) == run.keep_samples for v in (*result.kept.inputs.values(), *result.kept.outputs.values()))
    out = write_report(result, tmp_path / "out")
    with xr.open_dataset(out / "results.nc") as data:
        assert data.sizes["sample"] == run.keep_samples
        assert data.attrs["kept_samples"] == run.keep_samples and data.attrs["samples"] == run.samples
        assert data.attrs["quantiles"] == "exact"
        assert "statistics variables are over all samples" in data.attrs["kept_samples_note"]


def test_an_undefined_output_stops_the_run(write):
    from dataclasses import replace

    from mcsim.models.base import Model
    from mcsim.models.failure import ModelError

    run = spec(write, samples=STAT_BLOCK * 2)
    model = run.model

    def broken(inputs, users):  # NaN inside the priors' range, where the check before sampling does not look
        out = model.function(inputs, users)
        cost = inputs["training_cost"]
        out["margin_per_user"] = np.where((cost > cost.min()) & (cost < cost.max()), np.nan, 1.0)
        return out

    bad = replace(run, model=Model(**{**model.__dict__, "function": broken}))
    told = r"returned an undefined value of margin_per_user .*; first at sample \d+ of the run, where training_cost = "
    with pytest.raises(ModelError, match=told):
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


def test_a_run_on_processes_leaves_none_behind_whether_it_ends_or_fails(write):
    from dataclasses import replace

    from mcsim.models.base import Model
    from mcsim.models.failure import ModelError

    psutil = pytest.importorskip("psutil")
    run = spec(write, samples=4 * STAT_BLOCK, chunk=STAT_BLOCK)
    model, here = run.model, os.getpid()

    def failing_in_workers(inputs, users):
        if os.getpid() != here:
            raise RuntimeError("a worker failed")
        return model.function(inputs, users)

    def stop(progress):
        raise ZeroDivisionError("the stopping rule failed")

    before = set(psutil.Process().children(recursive=True))
    assert simulate(run, workers=2).workers == 2
    assert set(psutil.Process().children(recursive=True)) == before, "a run that ended"
    with pytest.raises(ModelError, match="raised RuntimeError: a worker failed"):
        simulate(replace(run, model=Model(**{**model.__dict__, "function": failing_in_workers})), workers=2)
    assert set(psutil.Process().children(recursive=True)) == before, "a run whose worker failed"
    with pytest.raises(ZeroDivisionError):
        simulate(run, workers=2, stop_when=stop)
    assert set(psutil.Process().children(recursive=True)) == before, "a run that failed in its own process"
