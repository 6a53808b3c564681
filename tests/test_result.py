"""The typed Result: computed whole by pipeline.execute, nothing written; every report file is a view of it."""

import ast
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
from conftest import ROOT

from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.result import OutputStats, Result
from mcsim.serialise import dumps, plain
from mcsim.serialise.sections import tipping_summary

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()
RUN = f"""
[run]
title = "result"
priors = "{PRIORS}"
samples = 4096
sampler = "sobol"
seed = 5
users = [1e4, 5.833333e6, 5e7]

[[claims]]
name = "break_even_within_6M"
output = "break_even_users"
op = "<="
value = 6e6

[[claims]]
name = "surplus_at_50M_users"
output = "surplus"
users = 5e7
op = ">"
value = 0
"""


def _files(folder):
    return sorted((p.relative_to(folder), p.stat().st_mtime_ns) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run executed in a folder of its own, and what that folder held before and after."""
    folder = tmp_path_factory.mktemp("result")
    (folder / "run.toml").write_text(RUN, encoding="utf-8")
    before = _files(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = execute(load_run(folder / "run.toml"))
    return result, before, _files(folder)


def test_execute_returns_the_verdicts_analysis_and_writes_nothing(run):
    result, before, after = run
    assert after == before  # no file written, none touched
    assert list(result.claims) == list(result.verdict.claims) == ["break_even_within_6M", "surplus_at_50M_users"]
    judged = result.verdict.claims["break_even_within_6M"]
    tipping = {t.input: t for t in judged.tipping}
    # break-even at 6e6 users <=> conversion >= (63e6 / 12 / 6e6 + 100 * 0.004 * 250 / 1000) / 20
    assert tipping["conversion_rate"].value == pytest.approx(0.04875, rel=1e-9)
    assert tipping["conversion_rate"].fails == "below"
    assert judged.fails.shape == (result.kept.size,) == (result.spec.keep_samples,)
    assert judged.discovery.samples == result.kept.size and judged.discovery.cases == int(judged.fails.sum())
    assert judged.discovery.boxes and judged.discovery.boxes[0].restrictions
    assert judged.drivers == ()  # no [sensitivity] table: no Sobol indices
    assert result.verdict.map is not None and result.verdict.map.output == "break_even_users"
    assert result.verdict.map.values.shape == (len(result.verdict.map.y), len(result.verdict.map.x))
    assert result.verdict.map_claim == "break_even_within_6M" and result.verdict.map_chosen_by
    assert {"simulation", "statistics", "verdict"} <= set(result.seconds)


def test_statistics_are_typed(run):
    result, _, _ = run
    assert isinstance(result, Result) and result.samples == result.samples_requested == 4096
    assert not result.stopped_early and result.quantiles == "exact"
    break_even, surplus = result.outputs["break_even_users"], result.outputs["surplus"]
    assert isinstance(break_even, OutputStats) and break_even.users is None and break_even.p_positive is None
    assert break_even.p05 <= break_even.p50 <= break_even.p95 and 0 <= break_even.p_never <= 1
    np.testing.assert_array_equal(surplus.users, result.spec.grid_values)
    assert surplus.p_positive.shape == surplus.p50.shape == (3,) and surplus.quantiles.shape == (3, 3)
    assert result.outputs["unit_cost"].p_never is None
    claim = result.claims["surplus_at_50M_users"]
    assert claim.samples == result.samples and claim.ci95[0] <= claim.probability <= claim.ci95[1]
    histogram = result.histograms["break_even_users"]
    assert histogram.edges.shape == (histogram.counts.size + 1,)
    assert histogram.counts.sum() <= result.samples


def test_report_files_are_views_of_the_result(run, tmp_path):
    result, _, _ = run
    out = result.write(tmp_path / "report")
    written = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    files = written["manifest"].pop("files")  # known only once the report is written: what it may replace
    written["manifest"]["inputs"]["run"].pop("from_report")  # and where the run file is, seen from the report
    assert "report.md" in files and "figures/break_even_users_distribution.png" in files
    assert dumps(written) == dumps(result.summary)
    summary = result.summary
    verdict = summary["verdict"]["claims"]["break_even_within_6M"]
    assert verdict["tipping_points"] == plain(
        [tipping_summary(t) for t in result.verdict.claims["break_even_within_6M"].tipping])
    assert summary["verdict"]["map"]["contour"] == 6e6
    assert summary["outputs"]["break_even_users"]["p05"] == result.outputs["break_even_users"].p05
    with xr.open_dataset(out / "results.nc") as written:
        xr.testing.assert_identical(written.load(), result.to_dataset())


def test_importing_the_result_loads_neither_matplotlib_nor_xarray_nor_the_report():
    code = ("import sys, mcsim.result, mcsim.pipeline; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'xarray'}), "
            "[m for m in sys.modules if m.startswith('mcsim.report')])")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=ROOT).stdout.strip()
    assert shown == "[] []"


_ENGINE = re.compile(r"\.(totals|plan|head|simulation)\b|result\.summary\[|_quantiles_cache")


@pytest.mark.parametrize("path", sorted((ROOT / "mcsim" / "report").glob("*.py")), ids=lambda p: p.name)
def test_the_report_reads_the_result_not_the_engine(path):
    """Report modules import nothing from the engine or the statistics, and reach into no engine object."""
    source = path.read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    # lifeline is about processes, not the engine's data: the figures' workers end with the run as the engine's do
    engine = {m for m in imported if m.startswith(("mcsim.compute", "mcsim.pipeline"))}
    assert not engine - {"mcsim.compute.lifeline"}
    assert not [match.group(0) for match in _ENGINE.finditer(source)]


def test_writing_a_report_leaves_the_callers_matplotlib_backend_alone(tmp_path):
    """Figures are matplotlib Figure objects drawn by Agg: a notebook's backend is not switched, pyplot holds none."""
    code = ("import dataclasses, sys, matplotlib; matplotlib.use('svg'); import mcsim; "
            "spec = mcsim.load_run('runs/paper-table1.toml', samples=1024); "
            "mcsim.run(dataclasses.replace(spec, sensitivity=None, value_of_information=None)).write(sys.argv[1]); "
            "import matplotlib.pyplot as plt; print(matplotlib.get_backend(), len(plt.get_fignums()))")
    shown = subprocess.run([sys.executable, "-c", code, str(tmp_path / "report")], capture_output=True, text=True,
                           check=True, cwd=ROOT).stdout.strip()
    assert shown == "svg 0"
