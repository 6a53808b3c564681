"""Hostile or mistaken files: each gets its one error, quickly, and nothing is read beyond the limit."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import ROOT, new_process, shipped_priors

from mcsim import cli
from mcsim.inputs.files import MAX_INPUT_BYTES

PLUGIN = Path(__file__).parent / "plugin"


def test_a_device_is_read_no_further_than_the_limit(write, capsys):
    run = write("run.toml", '[run]\npriors = "/dev/zero"\nsamples = 4096\n')
    bib = (ROOT / "priors" / "sources.bib").as_posix()
    priors = write("priors.toml", shipped_priors().replace(f'bibliography = "{bib}"', 'bibliography = "/dev/zero"'))
    assert cli.main(["validate", str(run), str(priors), "/dev/zero"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count(f"holds more than {MAX_INPUT_BYTES:,} bytes: at most {MAX_INPUT_BYTES:,} are allowed") == 2
    assert "/dev/zero holds more than" in err and err.count("\n") == 2  # the priors' /dev/zero once, its bibliography


def test_a_pipe_longer_than_the_limit_is_refused(tmp_path, capsys):
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)

    def feed():
        try:
            with open(pipe, "wb") as writer:
                for _ in range(4):
                    writer.write(b"# a comment line of a TOML file\n" * (MAX_INPUT_BYTES // 32))
        except BrokenPipeError:  # the reader stopped at the limit
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    assert cli.main(["validate", str(pipe)]) == cli.EXIT_BAD_INPUT
    assert f"holds more than {MAX_INPUT_BYTES:,} bytes" in capsys.readouterr().err
    feeder.join(timeout=10)


@pytest.mark.parametrize("priors", ["", "[inputs.price]\npoint = \n", None], ids=["empty", "not-toml", "missing"])
def test_a_priors_file_that_does_not_load_gives_its_one_error(tmp_path, capsys, priors):
    """The run names no model: its priors file does. Without it, its claims are not checked against another."""
    folder = tmp_path / "own"
    shutil.copytree(PLUGIN, folder)
    run = folder / "subscription.toml"
    run.write_text(run.read_text().replace('model = "subscription:MODEL"\n', ""))
    if priors is None:
        (folder / "subscription-priors.toml").unlink()
    else:
        (folder / "subscription-priors.toml").write_text(priors)
    assert cli.main(["validate", str(run)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "subscription-priors.toml" in err and "tableau1" not in err, err


def test_an_override_that_makes_a_correlated_input_a_point_is_refused_as_in_a_priors_file(write, capsys):
    correlated = (ROOT / "priors" / "correlated-costs.toml").as_posix()
    run = write("run.toml", f'''
        [run]
        priors = "{correlated}"
        samples = 4096

        [overrides.cost_per_1k_tokens]
        point = 0.004
        dist = "point"
        source = "a price fixed for the comparison"
        ''')
    assert cli.main(["validate", str(run)]) == cli.EXIT_BAD_INPUT
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f'{run}: [overrides.cost_per_1k_tokens] makes "cost_per_1k_tokens" a point, but '
                     f'{os.path.normpath(correlated)}: [[correlations]] #{k} inputs names "cost_per_1k_tokens": '
                     "only uncertain inputs can be correlated" for k in (1, 2)]


def test_a_byte_order_mark_is_accepted(write, capsys):
    priors = write("priors.toml", "")
    priors.write_bytes(b"\xef\xbb\xbf" + shipped_priors().encode("utf-8"))
    assert cli.main(["validate", str(priors)]) == cli.EXIT_OK, capsys.readouterr().err


@pytest.mark.parametrize("tex", [r"\input{/etc/passwd}", r"\immediate\write18{rm -rf ~}", r"\catcode`\^^M=13",
                                 r"^^5cinput{/etc/passwd}", r"\openin5=/etc/passwd"])
def test_tex_that_reads_files_or_runs_commands_is_refused_in_a_bibliography(tmp_path, capsys, tex):
    bib = (ROOT / "priors" / "sources.bib").read_text(encoding="utf-8")
    bib = bib.replace("title        = {{GPT-4} details revealed}", f"title        = {{{{GPT-4}} details {tex}}}")
    (tmp_path / "sources.bib").write_text(bib, encoding="utf-8")
    priors = tmp_path / "priors.toml"
    priors.write_text(shipped_priors().replace(f"{(ROOT / 'priors').as_posix()}/sources.bib", "sources.bib"))
    assert cli.main(["validate", str(priors)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    line = bib[:bib.index("@misc{mcguinness2023")].count("\n") + 1
    assert f"{tmp_path / 'sources.bib'}: line {line + 2} is refused: entry mcguinness2023: its field title " \
           f"holds {tex[:2]}" in err
    assert "TeX that reads or writes files or runs commands" in err


def _published(tmp_path: Path, monkeypatch, capsys) -> Path:
    """The plugin's run, small, reported from ``tmp_path/work`` into ``work/published/a``."""
    work = tmp_path / "work"
    shutil.copytree(PLUGIN, work / "models")
    run = work / "models" / "subscription.toml"
    run.write_text(run.read_text().replace("samples = 8192", "samples = 4096").split("[sensitivity]")[0])
    monkeypatch.chdir(work)
    new_process(monkeypatch, "subscription")
    assert cli.main(["run", str(run), "--out", "published/a"]) == cli.EXIT_OK, \
        capsys.readouterr().err
    return work


def test_the_manifest_names_no_folder_above_the_run_and_still_reruns_once_moved(tmp_path, monkeypatch, capsys):
    work = _published(tmp_path, monkeypatch, capsys)
    text = (work / "published" / "a" / "summary.json").read_text()
    assert str(tmp_path) not in text and str(Path.home()) not in text
    inputs = json.loads(text)["manifest"]["inputs"]
    assert (inputs["run"]["path"], inputs["run"]["from_report"], inputs["priors"]["path"], inputs["model"]["path"]) \
        == ("subscription.toml", "../../models/subscription.toml", "subscription-priors.toml", "subscription.py")

    elsewhere = tmp_path / "elsewhere"  # the report and its inputs moved together, rerun from another folder
    shutil.move(work, elsewhere / "moved")
    monkeypatch.chdir(elsewhere)
    new_process(monkeypatch, "subscription")
    assert cli.main(["run", "--from", "moved/published/a/summary.json", "--out", "b"]) == cli.EXIT_OK, \
        capsys.readouterr().err
    again = json.loads((elsewhere / "b" / "summary.json").read_text())
    assert again["claims"] == json.loads(text)["claims"]


def test_a_rerun_without_out_writes_only_where_its_summary_is(tmp_path, monkeypatch, capsys):
    work = _published(tmp_path, monkeypatch, capsys)
    (work / "reports" / "subscription").mkdir(parents=True)  # another report, where a run of the file would go
    (work / "reports" / "subscription" / "mine.txt").write_text("not mcsim's")
    before = (work / "published" / "a" / "summary.json").stat().st_mtime_ns
    assert cli.main(["run", "--from", "published/a/summary.json"]) == cli.EXIT_OK, capsys.readouterr().err
    assert [p.name for p in (work / "reports" / "subscription").iterdir()] == ["mine.txt"]
    assert (work / "published" / "a" / "summary.json").stat().st_mtime_ns != before
