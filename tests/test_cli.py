"""The command line: outputs, exit codes, no tracebacks."""

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from mcsim.cli import main

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()


def _mcsim(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "mcsim", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def _in_process(capsys, *args) -> tuple[int, str, str]:
    """``mcsim *args`` called in this process: its exit status, stdout and stderr."""
    capsys.readouterr()
    status = main(list(args))
    done = capsys.readouterr()
    return status, done.out, done.err


def test_table_prints_the_six_rows(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    status, out, err = _in_process(capsys, "table")
    assert status == 0, err
    for text in ("5.2510", "-5,241,000", "-4,350,000", "583,333,333", "39,750,000", "444,750,000",
                 "4,494,750,000", "Break-even users: 5,833,333", "52,500,000"):
        assert text in out
    assert "unit cost printed 0.1090" in out
    assert "5,526,316" in out  # break-even at the stated $0.0005 per prompt


def test_table_of_another_priors_file(capsys):
    status, out, _ = _in_process(capsys, "table", str(ROOT / "priors" / "evidence-2025.toml"))
    assert status == 0 and "Break-even monthly users: 9,259,259 users" in out


def test_bad_input_exits_2_with_one_line_per_problem(write):
    path = write("bad.toml", '[inputs.x]\npoint = 1\ndist = "sobel"\nsource = "s"\n[inputs.y]\npoint = 1\n')
    done = _mcsim("table", str(path))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith(str(path)) for line in lines)
    assert "Traceback" not in done.stderr


def test_table_refuses_priors_that_do_not_fit_the_model(write, capsys):
    path = write("p.toml", '[inputs.price]\npoint = 20\ndist = "point"\nsource = "s"\n')
    status, _, err = _in_process(capsys, "table", str(path))
    assert status == 2 and "is missing 'training_cost'" in err


def test_missing_run_file_and_usage_errors(tmp_path):
    assert _mcsim("run", str(tmp_path / "none.toml")).returncode == 2
    done = _mcsim("frobnicate")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_validate(write, capsys):
    good = write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1024\n')
    assert main(["validate", str(good), PRIORS]) == 0
    bad = write("b.toml", '[run]\npriors = "nowhere.toml"\n')
    assert main(["validate", str(good), str(bad)]) == 2
    assert '[run] priors = "nowhere.toml" does not exist' in capsys.readouterr().err


def test_run_writes_a_report(write, tmp_path, capsys):
    run = write("small.toml", f"""
        [run]
        title = "small"
        priors = "{PRIORS}"
        samples = 2048
        seed = 3
        users = [1e6, 1e7]

        [[claims]]
        name = "within_6M"
        output = "break_even_users"
        op = "<="
        value = 6e6
        """)
    out = tmp_path / "out"
    status, _, err = _in_process(capsys, "run", str(run), "--out", str(out), "--samples", "1024", "--seed", "4",
                                 "-v")
    assert status == 0, err
    for name in ("summary.json", "results.nc", "report.md", "report.html", "figures/surplus_fan.png",
                 "figures/surplus_fan.pdf", "figures/break_even_users_distribution.png"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["samples"] == 1024 and summary["run"]["seed"] == 4
    # -v: where the time went, start-up and the report's writing included, and their sum
    steps = dict(re.findall(r"^  ([a-z, -]+): ([\d.]+) s", err, re.MULTILINE))
    assert {"start-up", "loading", "simulation", "statistics", "verdict", "report", "in all"} <= set(steps), err
    # the wall time: nothing ran aside here, so at least the steps one after the other
    assert float(steps["in all"]) >= sum(float(v) for k, v in steps.items() if k != "in all") - 0.02
    assert "in all: " in err and "s (wall; an analysis run in a worker process overlaps the steps beside it)" in err
    took = re.search(r"Time taken: (.*?)\. `", (out / "report.md").read_text()).group(1)
    assert "start-up" in took and "figures, tables and data" in took


@pytest.mark.parametrize("args", [["--samples", "1000"], ["--seed", "-3"]])
def test_command_line_values_are_validated(args, capsys):
    status, _, err = _in_process(capsys, "run", str(ROOT / "runs" / "paper-table1.toml"), "--out", "/nonexistent/x",
                                 *args)
    assert status == 2 and "Traceback" not in err


RUN = (ROOT / "runs" / "paper-table1.toml").as_posix()


def _errors(capsys, *args) -> list[str]:
    assert main(list(args)) == 2
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(("args", "expected"), [
    (["--samples", "-5"], "command line: --samples = -5 is invalid: must be a whole number from 1 to 2**40"),
    (["--seed", "-3"], "command line: --seed = -3 is invalid: must be a whole number >= 0"),
    (["--samples", "1e5"], "command line: --samples = 100000 is invalid with sampler sobol (the sampler of "
     f"{RUN}): Sobol points keep their balance only in powers of 2 (nearest: 65536 or 131072)"),
    (["--samples", "1.5"], "command line: --samples = 1.5 is invalid: write a whole number, e.g. 2"),
    (["--samples", "2**20"], 'command line: --samples = "2**20" is invalid: must be a whole number, written like '
     "1048576, 1_048_576 or 1e6"),
    (["--seed", "nan"], 'command line: --seed = "nan" is invalid: must be a whole number, written like 1048576, '
     "1_048_576 or 1e6"),
    (["--workers", "1.5e0"], "command line: --workers = 1.5e0 is invalid: write a whole number, e.g. 2"),
])
def test_command_line_values_are_reported_as_the_command_lines(capsys, tmp_path, args, expected):
    assert _errors(capsys, "run", RUN, "--out", str(tmp_path / "out"), *args) == [expected]


def test_whole_numbers_in_scientific_notation_or_with_underscores(capsys, tmp_path):
    # accepted: the run file loads with them, and only the out-of-range --workers stops the run
    errors = _errors(capsys, "run", RUN, "--out", str(tmp_path / "out"), "--samples", "1_048_576", "--seed", "2.5e3",
                     "--workers", "1e9")
    assert errors == ["command line: --workers = 1000000000 is invalid: must be a whole number from 0 to 4096 "
                      "(0: one per available core)"]
    assert not (tmp_path / "out").exists()


def test_a_batch_reports_a_bad_command_line_value_once(capsys, tmp_path):
    errors = _errors(capsys, "batch", RUN, (ROOT / "runs" / "evidence-2025.toml").as_posix(), "--seed", "-1",
                     "--reports", str(tmp_path / "reports"))
    assert errors == ["command line: --seed = -1 is invalid: must be a whole number >= 0"]
    errors = _errors(capsys, "batch", RUN, "--samples", "1e-3", "--reports", str(tmp_path / "reports"))
    assert errors == ["command line: --samples = 1e-3 is invalid: write a whole number, e.g. 1"]


@pytest.mark.parametrize("args", [["validate", "runs/paper-table1.toml", "priors/evidence-2025.toml"], ["table"],
                                  ["table", "priors/footprint-gpt3.toml"], ["table", "priors/dynamics-2025.toml"]])
def test_checking_files_loads_no_analysis_library(args):
    """validate and table import none of numba, SALib, matplotlib and xarray (seconds of start-up)."""
    heavy = ("numba", "SALib", "matplotlib", "xarray")
    code = ("import sys; from mcsim.cli import main; status = main(sys.argv[1:]); "
            f"print(status, sorted(m for m in sys.modules if m.partition('.')[0] in {heavy!r}))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []"
