"""Reproducibility: one seed, one set of numbers, whatever the chunk size or the workers; --from reruns a report."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os

import pytest
from conftest import ROOT, new_process, user_model

from mcsim.cli import main
from mcsim.inputs.errors import InputError
from mcsim.inputs.rerun import load_rerun
from mcsim.inputs.runs import load_run
from mcsim.inputs.sources import CODE_ROOT, code_sha256, file_sha256, tree_sha256
from mcsim.pipeline import execute
from mcsim.report.summary_words import summary as build_summary
from mcsim.serialise import dumps

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()
NUMBERS = ("outputs", "claims", "sensitivity")


def _numbers(spec) -> str:
    """The numbers of summary.json, as the bytes it would hold."""
    summary = build_summary(execute(spec))
    return dumps({key: summary[key] for key in NUMBERS if key in summary})


def _run_file(write, sampler="sobol", samples=4096, extra=""):
    return write(f"run-{sampler}.toml", f"""
        [run]
        title = "reproduce"
        priors = "{PRIORS}"
        samples = {samples}
        sampler = "{sampler}"
        seed = 11
        users = [1e4, 5.8e6, 5e7]
        {extra}

        [[claims]]
        name = "within_6M"
        output = "break_even_users"
        op = "<="
        value = 6e6
        """)


@pytest.mark.parametrize("sampler", ["random", "lhs", "sobol"])
def test_same_seed_same_bytes_across_runs_and_chunk_sizes(write, sampler):
    spec = load_run(_run_file(write, sampler, samples=4096 if sampler == "sobol" else 5000))
    reference = _numbers(spec)
    assert _numbers(spec) == reference  # a repeat
    for chunk in (1, 777, 4096, 1 << 18):
        if chunk == 1 and spec.samples > 4096:
            continue
        assert _numbers(dataclasses.replace(spec, chunk_size=chunk)) == reference, chunk
    other = _numbers(dataclasses.replace(spec, seed=12))
    assert other != reference  # the seed matters: the test can fail


@pytest.mark.skipif(not hasattr(load_run.__globals__["RunSpec"], "__dataclass_fields__")
                    or "workers" not in load_run.__globals__["RunSpec"].__dataclass_fields__,
                    reason="the engine has no workers option")
def test_same_seed_same_bytes_whatever_the_workers(write):
    spec = load_run(_run_file(write, "random", samples=40000, extra="chunk_size = 5000"))
    reference = _numbers(dataclasses.replace(spec, workers=1))
    assert _numbers(dataclasses.replace(spec, workers=2)) == reference
    assert _numbers(dataclasses.replace(spec, workers=3, chunk_size=3001)) == reference


def test_the_manifest_names_every_input(write):
    run = _run_file(write)
    summary = build_summary(execute(load_run(run)))
    manifest = summary["manifest"]
    assert manifest["inputs"]["run"]["sha256"] == hashlib.sha256(run.read_bytes()).hexdigest()
    assert manifest["inputs"]["priors"]["sha256"] == hashlib.sha256((ROOT / "priors" / "paper-table1.toml")
                                                                     .read_bytes()).hexdigest()
    assert manifest["inputs"]["run"]["path"] == run.name and "absolute" not in manifest["inputs"]["run"]
    assert manifest["settings"] | {"samples": 4096, "seed": 11, "sampler": "sobol", "model": "tableau1"} \
        == manifest["settings"]
    assert {"python", "mcsim", "numpy", "scipy", "SALib", "xarray", "netCDF4", "matplotlib"} <= \
        manifest["versions"].keys()
    assert summary["run"]["priors_sha256"] == manifest["inputs"]["priors"]["sha256"]  # the older keys stay
    tableau1 = CODE_ROOT / "models" / "tableau1"  # a built-in model is its own package
    assert manifest["inputs"]["model"] == {"name": "tableau1", "module": "mcsim.models.tableau1",
                                           "path": "mcsim/models/tableau1", "sha256": tree_sha256(tableau1)}
    assert manifest["code"] == {"mcsim": {"path": "mcsim", "sha256": code_sha256()}}


def test_run_from_summary_reproduces_the_report(write, tmp_path, monkeypatch, capsys):
    run = _run_file(write, "lhs", samples=3000)
    monkeypatch.chdir(tmp_path)
    # its numbers are tested, not its figures: none are drawn, and the rerun keeps that setting too
    assert main(["run", run.name, "--out", "first", "--figures", "none"]) == 0, capsys.readouterr().err
    assert main(["run", "--from", "first/summary.json", "--out", "again"]) == 0, capsys.readouterr().err
    assert not (tmp_path / "again" / "figures").exists()
    a, b = (json.loads((tmp_path / d / "summary.json").read_text()) for d in ("first", "again"))
    assert dumps({k: a[k] for k in NUMBERS if k in a}) == dumps({k: b[k] for k in NUMBERS if k in b})
    assert a["manifest"]["inputs"] == b["manifest"]["inputs"] and a["run"]["samples"] == 3000

    # the input changed since: refused, naming what changed
    capsys.readouterr()
    run.write_text(run.read_text().replace("seed = 11", "seed = 12"))
    assert main(["run", "--from", "first/summary.json", "--out", "third"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "first/summary.json: manifest.inputs.run sha256 = " in err
    assert "the file changed since the report was written" in err
    assert not (tmp_path / "third").exists()


def test_run_from_summary_refuses_an_edited_model_file(write, tmp_path, monkeypatch, capsys):
    code = tmp_path / "code"
    model_file = user_model(code, "rerun_user_model")
    monkeypatch.syspath_prepend(str(code))  # how a user's model is found: on the Python path
    new_process(monkeypatch, "rerun_user_model")
    run = _run_file(write, samples=1024, extra='model = "rerun_user_model:MODEL"\nworkers = 1')
    summary = build_summary(execute(load_run(run)))
    model = summary["manifest"]["inputs"]["model"]
    assert model["path"] == os.path.relpath(model_file.resolve(), run.parent.resolve()) \
        and model["sha256"] == file_sha256(model_file)
    (tmp_path / "summary.json").write_text(dumps(summary))
    new_process(monkeypatch, "rerun_user_model")  # a new `mcsim run --from`
    assert load_rerun(tmp_path / "summary.json").model_source.sha256 == model["sha256"]

    model_file.write_text(model_file.read_text().replace("PRICE_FACTOR = 1.0", "PRICE_FACTOR = 1.25"))
    new_process(monkeypatch, "rerun_user_model")
    assert main(["run", "--from", str(tmp_path / "summary.json"), "--out", str(tmp_path / "again")]) == 2
    err = capsys.readouterr().err
    assert err == f"{tmp_path / 'summary.json'}: manifest.inputs.model sha256 = {model['sha256'][:12]}… but " \
        f"{model_file.resolve()} now has {file_sha256(model_file)[:12]}…: the model's source changed since the " \
        "report was written; restore it, or run it afresh\n"
    assert not (tmp_path / "again").exists()


def test_a_manifest_from_before_the_model_sha256_is_rerun_without_that_check(write, tmp_path):
    run = _run_file(write)
    summary = build_summary(execute(load_run(run, samples=16)))
    del summary["manifest"]["inputs"]["model"], summary["manifest"]["code"]
    (tmp_path / "summary.json").write_text(dumps(summary))
    spec = load_rerun(tmp_path / "summary.json")
    assert (spec.file, spec.samples, spec.seed) == (str(run), 16, 11)
    summary["manifest"]["inputs"]["model"] = {"name": "tableau1", "sha256": "0" * 64}
    (tmp_path / "summary.json").write_text(dumps(summary))
    with pytest.raises(InputError, match=r"manifest.inputs.model sha256 = 000000000000… but .*tableau1 now has "):
        load_rerun(tmp_path / "summary.json")


@pytest.mark.parametrize(("content", "expected"), [
    ("not json", "is not valid JSON"),
    ("[1, 2]", "is not a JSON object"),
    ('{"mcsim_version": "0.1.0"}', "manifest is missing or incomplete"),
    ('{"manifest": {"inputs": {"run": {"path": "gone.toml", "sha256": "0"}, "priors": {"path": "p", "sha256": "0"}},'
     ' "settings": {"samples": 16, "seed": 1}}}', 'path = "gone.toml" names a file that no longer exists'),
    ('{"manifest": {"inputs": {"run": 3}, "settings": {"samples": -1, "seed": 1}}}',
     "manifest.settings.samples = -1 is invalid"),
    ('{"manifest": {"inputs": {"model": {"sha256": 5}}, "settings": {"samples": 1, "seed": 1}}}',
     'manifest.inputs.model = {...} is invalid: must hold name, path and sha256'),
])
def test_run_from_a_bad_summary_is_refused(tmp_path, capsys, content, expected):
    (tmp_path / "summary.json").write_text(content)
    assert main(["run", "--from", str(tmp_path / "summary.json")]) == 2
    assert expected in capsys.readouterr().err


def test_from_cannot_be_combined_with_a_run_file_or_a_seed(tmp_path, capsys):
    assert main(["run", "x.toml", "--from", "summary.json", "--seed", "3"]) == 2
    assert "--from cannot be combined with RUN.toml, --seed" in capsys.readouterr().err
    assert main(["run"]) == 2
    assert "needs a run file (RUN.toml) or --from SUMMARY.json" in capsys.readouterr().err
