"""The Python API: the documentation's example (docs/howto/python.md) runs as written, and the API is the command
line's path."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, small_analyses, small_default_run_file

import mcsim
from mcsim.cli import main
from mcsim.inputs.errors import InputError
from mcsim.pipeline import Run

EXAMPLE = re.compile(r"<!-- python example: tests/test_api.py runs this block -->\n```python\n(.*?)```", re.S)


def _example() -> str:
    found = EXAMPLE.search((ROOT / "docs" / "howto" / "python.md").read_text(encoding="utf-8"))
    assert found, "docs/howto/python.md's Python example is missing"
    return found.group(1)


def test_the_documented_example_runs(tmp_path, capsys, monkeypatch):
    code = _example().replace('"reports/from-python"', repr(str(tmp_path / "from-python")))
    monkeypatch.chdir(ROOT)
    # the example as written, its run's sensitivity analysis and value of information small: nothing it prints
    # or writes depends on their sizes, and two runs at the run file's sizes took most of the suite's time
    load_run = mcsim.load_run
    monkeypatch.setattr(mcsim, "load_run", lambda *args, **kwargs: dataclasses.replace(
        small_analyses(load_run(*args, **kwargs)), figures="none"))  # nor on its figures, drawn in other tests
    namespace: dict = {}
    exec(compile(code, "docs/howto/python.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert re.search(r"P = 0\.\d{3}, 95 % interval 0\.\d{3} to 0\.\d{3}", printed)
    assert "16384 samples evaluated of 16384" in printed
    written = json.loads((tmp_path / "from-python" / "summary.json").read_text())
    result = namespace["result"]
    assert written["claims"] == result.summary["claims"] == namespace["summary"]["claims"]
    assert set(namespace["data"].data_vars) >= {"break_even_users", "surplus"}
    assert namespace["other"].claims["break_even_within_6M"].probability != \
        result.claims["break_even_within_6M"].probability  # the seed changed the samples


def test_run_writes_nothing_and_matches_the_command_line(tmp_path, monkeypatch, capsys):
    run = small_default_run_file(tmp_path / "in")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = mcsim.run(run, samples=4096, seed=5)
    assert list(work.iterdir()) == []
    assert main(["run", str(run), "--samples", "4096", "--seed", "5", "--out", str(tmp_path / "cli"),
                 "--figures", "none"]) == 0, \
        capsys.readouterr().err
    written = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert written["outputs"] == result.summary["outputs"]
    assert written["claims"] == result.summary["claims"]


def test_a_bad_argument_is_bad_input_named_as_such():
    run = ROOT / "runs" / "paper-table1.toml"
    with pytest.raises(InputError, match=r"^mcsim\.run: samples = -5 is invalid"):
        mcsim.load_run(run, samples=-5)
    with pytest.raises(InputError, match=r"^mcsim\.run: samples = -5 is invalid"):
        mcsim.run(mcsim.load_run(run), samples=-5)
    with pytest.raises(InputError, match=r"^mcsim\.run: workers = -1 is invalid"):
        mcsim.run(run, workers=-1)


def test_importing_mcsim_loads_nothing_heavy():
    code = ("import sys, mcsim; mcsim.Model; mcsim.InputSpec; "
            "print(sorted(m for m in ('numba', 'SALib', 'matplotlib', 'xarray', 'scipy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_exports_are_typed_and_documented():
    for name in mcsim.__all__:
        if name == "__version__":
            continue
        value = getattr(mcsim, name)
        assert value.__doc__, name
    assert mcsim.run.__annotations__["return"] in ("Run", Run) and issubclass(Run, mcsim.Result)  # a Result, with views
    assert dataclasses.is_dataclass(mcsim.RunSpec) and dataclasses.is_dataclass(mcsim.Result)


def test_a_model_runs_from_python_without_files(tmp_path):
    """A plain function, priors as a dict of distributions and numbers, a claim without text: a whole report,
    which says it was made in Python and cannot be rerun from files."""
    import numpy as np

    from mcsim import Claim

    def profit(inputs):
        """Monthly profit of a subscription."""
        return {"profit": inputs["subscribers"] * (inputs["price"] - inputs["cost"]) - 1000.0}

    priors = {"price": mcsim.dist.uniform(low=15.0, high=30.0), "cost": mcsim.dist.uniform(low=5.0, high=12.0),
              "subscribers": 200.0}
    result = mcsim.run(profit, priors, outputs={"profit": "USD per month"}, samples=4096, seed=3,
                       claims=[Claim("pays", output="profit", op=">", value=0.0)], title="A subscription")
    assert result.spec.file == "<python>" and result.spec.model.name == "profit"
    assert [p.point for p in result.spec.priors.inputs] == [22.5, 8.5, 200.0]  # each at its median
    # P(200 (price - cost) > 1000) = P(price - cost > 5), price ~ U(15, 30), cost ~ U(5, 12): by quadrature
    grid = np.linspace(5.0, 12.0, 200_001)
    exact = float(np.mean(np.clip((30.0 - (grid + 5.0)) / 15.0, 0.0, 1.0)))
    claim = result.claims["pays"]
    assert claim.ci95[0] <= exact <= claim.ci95[1]
    out = result.write(tmp_path / "report")
    text = (out / "report.md").read_text()
    assert "Made in Python (`mcsim.run`) without a run file" in text and "mcsim run <python>" not in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["manifest"]["rerun"] == "made in Python without a run file: it cannot be rerun from files"


@pytest.mark.parametrize(("call", "message"), [
    (lambda: mcsim.run(lambda inputs: {"y": inputs["x"]}, None, outputs={"y": ""}),
     "mcsim.run: priors is missing: give a Priors or a dict"),
    (lambda: mcsim.run(lambda inputs: {"y": inputs["x"]}, {"x": mcsim.dist.uniform(low=0, high=1)}),
     "mcsim.run: outputs is missing: a plain function declares its outputs"),
    (lambda: mcsim.run(lambda inputs: {"y": inputs["x"]}, {"x": "1"}, outputs={"y": ""}),
     "mcsim.run: priors['x'] = '1' is invalid: must be a distribution (mcsim.dist), a number or a Prior"),
    (lambda: mcsim.dist.lognormal(p05=3.0, p95=2.0), "<python>: mcsim.dist.lognormal"),
    (lambda: mcsim.run(ROOT / "runs" / "paper-table1.toml", {"x": 1.0}),
     "mcsim.run: priors is for a model run in Python"),
])
def test_a_run_from_python_says_what_is_wrong(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value).startswith(message), str(info.value)
