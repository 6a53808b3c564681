"""The chunks on a dask.distributed cluster give the numbers of a local run, bit for bit."""

import pytest
from streaming_helpers import spec, summary_of

from mcsim.compute.streaming import STAT_BLOCK

distributed = pytest.importorskip("distributed")


@pytest.mark.slow  # a local cluster of worker processes started
def test_a_local_cluster_gives_the_local_run_bit_for_bit(write):
    run = spec(write, samples=6 * STAT_BLOCK + 77, chunk=STAT_BLOCK)
    local = summary_of(run, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = summary_of(run, scheduler=cluster.scheduler_address, workers=2)
    assert remote == local


@pytest.mark.slow
def test_scheduler_dask_starts_and_stops_its_own_cluster(write):
    run = spec(write, samples=3 * STAT_BLOCK, sampler="lhs", chunk=STAT_BLOCK)
    assert summary_of(run, scheduler="dask", workers=1) == summary_of(run, workers=1)


@pytest.mark.slow  # a local cluster of worker processes started
def test_a_model_beside_its_run_file_runs_on_a_cluster(tmp_path, monkeypatch):
    """Loaded under a private name in this process, it is loaded under the same name in each worker."""
    import shutil
    from pathlib import Path

    from conftest import new_process

    from mcsim.inputs.runs import load_run

    folder = tmp_path / "own"
    shutil.copytree(Path(__file__).parent / "plugin", folder)
    new_process(monkeypatch, "subscription")
    run = load_run(folder / "subscription.toml", samples=2 * STAT_BLOCK)
    monkeypatch.chdir(tmp_path)  # not the model's folder: workers cannot import it by its own name
    local = summary_of(run, workers=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert summary_of(run, scheduler=cluster.scheduler_address, workers=1) == local
