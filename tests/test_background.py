"""Analyses run aside: a worker process gives the numbers the run's own process gives, and ends with the run."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import time

import pytest
from conftest import ROOT, small_analyses

import mcsim
from mcsim import pipeline
from mcsim.compute.background import background, can_fork
from mcsim.pipeline import execute

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes are forked")


def _pid() -> int:
    return os.getpid()


def _fails() -> None:
    raise ValueError("no such number")


def _sleeps() -> int:
    time.sleep(60)
    return os.getpid()


def test_a_call_aside_runs_in_another_process_and_inline_in_this_one():
    with background(_pid) as aside, background(_pid, inline=True) as here:
        assert aside.in_worker and not here.in_worker
        assert aside.result() != os.getpid()
        assert here.result() == os.getpid()


def test_a_call_that_fails_aside_raises_its_error_in_the_run():
    with background(_fails) as aside, pytest.raises(ValueError, match="no such number"):
        aside.result()


def test_a_run_that_fails_ends_its_worker_at_once():
    psutil = pytest.importorskip("psutil")
    me = psutil.Process()
    before = {child.pid for child in me.children()}  # not ours: say, a resource tracker an earlier test left
    start = time.monotonic()
    with pytest.raises(RuntimeError), background(_sleeps):
        while not (workers := [c for c in me.children() if c.pid not in before]):
            time.sleep(0.01)
        raise RuntimeError("the run failed")
    assert time.monotonic() - start < 30  # not the minute the call would take
    for worker in workers:
        with pytest.raises(psutil.NoSuchProcess):
            worker.wait(timeout=10)  # reaped already: gone
            worker.status()


def test_the_default_run_gives_the_same_numbers_in_one_process_and_with_its_analyses_aside(monkeypatch, tmp_path):
    spec = small_analyses(mcsim.load_run(ROOT / "runs" / "paper-table1.toml", samples=4096), shapley_samples=512)
    spec = dataclasses.replace(spec, sensitivity=dataclasses.replace(spec.sensitivity, crosscheck_samples=512))
    calls = []
    told = tmp_path / "meanwhile"

    def meanwhile():
        calls.append(os.getpid())
        told.touch()

    alone = execute(spec, aside=False, meanwhile=meanwhile)
    assert not calls  # nothing ran aside: nothing to do meanwhile
    told.unlink(missing_ok=True)
    analyse = pipeline.analyse

    def slow(*args, **kwargs):  # still running when the run needs it, whatever the machine's load
        deadline = time.monotonic() + 30
        while not told.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return analyse(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", slow)
    aside = execute(dataclasses.replace(spec, workers=2), meanwhile=meanwhile)
    assert calls == [os.getpid()]  # once, in the run's process, while it waited for the worker
    assert aside.sensitivity.targets[0].crosscheck.delta.size  # Borgonovo's delta was computed aside too
    for one, other in zip(alone.sensitivity.targets, aside.sensitivity.targets, strict=True):
        for ix in ("indices", "crosscheck", "shapley"):
            assert pickle.dumps(getattr(one, ix)) == pickle.dumps(getattr(other, ix)), (one.target.key, ix)
    # every number the summary writes, to the last bit
    assert _numbers(alone.summary) == _numbers(aside.summary)
    assert list(alone.seconds) == list(aside.seconds)


def _numbers(summary: dict) -> str:
    """The summary but the setting that differs (``workers``), as text: NaN equal to NaN."""
    def without(value):
        if isinstance(value, dict):
            return {k: without(v) for k, v in value.items() if k != "workers"}
        return [without(v) for v in value] if isinstance(value, list) else value

    return json.dumps(without(summary), sort_keys=True)
