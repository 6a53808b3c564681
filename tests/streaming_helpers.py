"""Shared by the streaming, engine and Dask tests: small runs and a single-pass reference."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
from conftest import ROOT

from mcsim.compute.sampling import Design
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report.summary_words import summary as build_summary

EVIDENCE = (ROOT / "priors" / "evidence-2025.toml").as_posix()
PAPER = (ROOT / "priors" / "paper-table1.toml").as_posix()

RUN = """
[run]
priors = "{priors}"
samples = {samples}
sampler = "{sampler}"
seed = 11
users = [1e4, 1e6, 5.833333e6, 5e7, 5e8]
chunk_size = {chunk}

[[claims]]
name = "within_6M"
output = "break_even_users"
op = "<="
value = 6e6

[[claims]]
name = "surplus_at_50M"
output = "surplus"
users = 5e7
op = ">"
value = 0
"""


def spec(write, *, samples=40_000, sampler="random", chunk=1 << 18, priors=EVIDENCE, extra=""):
    path = write("run.toml", RUN.format(priors=priors, samples=samples, sampler=sampler, chunk=chunk) + extra)
    return load_run(path)


def summary_of(run_spec, **changes) -> dict:
    """summary.json's content as the report would write it (the chunk size, which may differ, left out)."""
    result = execute(dataclasses.replace(run_spec, **changes))
    summary = json.loads(json.dumps(build_summary(result)))
    summary["run"].pop("chunk_size", None)
    summary.pop("manifest", None)  # versions and timings, not numbers of the run
    return summary


def single_pass(run_spec) -> dict[str, np.ndarray]:
    """Every sample's outputs at once, the way the engine did before streaming."""
    design = Design(run_spec.priors, run_spec.samples, run_spec.sampler, run_spec.seed)
    return run_spec.model.evaluate(design.draw(0, run_spec.samples), np.asarray(run_spec.grid_values))
