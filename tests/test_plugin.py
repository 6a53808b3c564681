"""A model of one's own, in a module beside its run file: every generic feature, no word of the paper."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, new_process

from mcsim.cli import main

PLUGIN = Path(__file__).parent / "plugin"
PAPER_WORDS = re.compile(r"paper|Tableau|Viseur|5\.83|as printed|inconsistent", re.IGNORECASE)


def _mcsim(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)  # mcsim itself, as installed; never the model's folder
    return subprocess.run([sys.executable, "-m", "mcsim", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=600)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The subscription model run through ``mcsim batch`` from another folder, without PYTHONPATH."""
    folder = tmp_path_factory.mktemp("own") / "models"
    shutil.copytree(PLUGIN, folder)
    elsewhere = folder.parent / "elsewhere"
    elsewhere.mkdir()
    done = _mcsim("batch", str(folder / "subscription.toml"), "--reports", str(elsewhere / "reports"), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    return elsewhere / "reports"


def test_run_and_batch_give_the_same_numbers(batch, monkeypatch):
    """The batch's numbers are those of the run file run alone (in this process: ``mcsim run`` of a model beside its
    run file in a process of its own is test_readme.py's)."""
    import mcsim

    new_process(monkeypatch, "subscription")
    monkeypatch.chdir(batch.parent)
    ran = mcsim.run(batch.parent.parent / "models" / "subscription.toml").summary
    batched = json.loads((batch / "subscription" / "summary.json").read_text())
    assert ran["claims"] == batched["claims"] and ran["outputs"] == batched["outputs"]


def test_a_model_beside_its_run_file_is_found_without_pythonpath(batch):
    summary = json.loads((batch / "subscription" / "summary.json").read_text())
    assert summary["run"]["model"] == "subscription"
    assert 0 < summary["claims"]["pays_back_within_a_year"]["probability"] < 1


def test_every_generic_feature_reaches_the_report(batch):
    summary = json.loads((batch / "subscription" / "summary.json").read_text())
    verdict = summary["verdict"]["claims"]["pays_back_within_a_year"]
    tipped = {t["input"]: t for t in verdict["tipping_points"] if t["value"] is not None}
    # payback = launch / (price share - cost) / 1e6 <= 12 at the points: the price tips at a closed value
    points = {"launch_cost": 5e6, "price": 10.0, "paying_share": 0.1, "cost_per_user": 0.6}
    price = (points["launch_cost"] / 12e6 + points["cost_per_user"]) / points["paying_share"]
    assert tipped["price"]["value"] == pytest.approx(price, rel=1e-9)
    assert tipped["price"]["method"] == "root finding"
    st = summary["sensitivity"]["margin_per_user"]["ST"]  # price x share - cost: the share varies most
    assert set(st) == set(points) and st["launch_cost"] < 0.01 and max(st, key=st.get) == "paying_share"
    assert verdict["drivers"]["ST"], verdict["drivers"]
    assert verdict["discovery"]["boxes"], verdict["discovery"]
    text = (batch / "subscription" / "report.md").read_text()
    assert "Tipping points" in text or "tips" in text
    comparison = (batch / "comparison" / "report.md").read_text()
    assert "payback" in comparison.lower()
    assert (batch / "comparison" / "figures" / "payback_months_by_scenario.png").exists()


def test_no_word_of_the_paper_in_a_report_of_another_model(batch):
    for path in [*batch.parent.rglob("*.md"), *batch.parent.rglob("*.json")]:  # (html embeds base64 figures)
        found = PAPER_WORDS.findall(path.read_text())
        assert not found, (path, found)


def test_own_priors_on_tableau1_get_no_word_of_the_paper(tmp_path, capsys):
    """Priors that do not say they reproduce the paper get none of its printed values or checks."""
    priors = (ROOT / "priors" / "paper-table1.toml").read_text()
    priors = priors.replace('reference = "Viseur (2025), section 5, Tableau 1"', 'reference = "my own estimates"')
    (tmp_path / "own.toml").write_text(priors)
    shutil.copy(ROOT / "priors" / "sources.bib", tmp_path / "sources.bib")
    (tmp_path / "run.toml").write_text('[run]\npriors = "own.toml"\nsamples = 2048\nusers = [1e6, 5e7]\n'
                                       '[[claims]]\nname = "small"\noutput = "break_even_users"\nop = "<="\n'
                                       'value = 6e6\n')
    assert main(["run", str(tmp_path / "run.toml"), "--out", str(tmp_path / "report")]) == 0, capsys.readouterr().err
    text = (tmp_path / "report" / "report.md").read_text()
    for said in ("paper:", "as printed", "inconsistent", "Tableau 1 at the priors"):
        assert said not in text
    capsys.readouterr()
    assert main(["table", str(tmp_path / "own.toml")]) == 0
    table = capsys.readouterr().out
    assert "printed" not in table and "paper" not in table
    assert "Break-even monthly users: 5,833,333 users" in table


GPU = ROOT / "examples" / "gpu-hosting"


def test_a_prior_without_a_unit_takes_the_unit_its_model_declares():
    """The subscription priors give no unit: reports speak of the model's (USD per month, so in dollars)."""
    from mcsim.inputs.runs import load_run

    spec = load_run(PLUGIN / "subscription.toml")
    assert {p.name: p.unit for p in spec.priors.inputs} == {s.name: s.unit for s in spec.model.inputs}
    gpu = load_run(GPU / "gpu.toml")  # a unit the priors give is kept; the others are the model's
    assert gpu.priors["gpu_hour_price"].unit == "USD per GPU-hour"
    declared = {s.name: s.unit for s in gpu.model.inputs}
    assert gpu.priors["fixed_cost"].unit == "USD per month" == declared["fixed_cost"]


def test_the_gpu_hosting_example_is_valid_from_another_folder(tmp_path, capsys):
    """examples/gpu-hosting: a model of one's own, as docs/tutorial/ writes one (seven cited priors, a correlation)."""
    os.chdir(tmp_path)
    assert main(["validate", str(GPU / "gpu.toml")]) == 0
    assert "valid" in capsys.readouterr().out
