"""Where a report may go: a new path, an empty folder, or a report mcsim wrote; nothing else is touched.

Every test runs ``mcsim run`` or ``mcsim batch`` in-process on a run of point priors and 64
samples, with the report's figures replaced by one small file (their drawing is what takes
time, and it has nothing to do with where the report goes).
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import PAPER_INPUTS, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mcsim.batch
import mcsim.report.writing as report_module
from mcsim import cli
from mcsim.batch import run_batch
from mcsim.inputs.errors import InputError
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report import recover, replace_directory, write_report
from mcsim.report.target import refusal, report_files

RUN = '[run]\ntitle = "{title}"\npriors = "priors.toml"\nsamples = 64\nseed = 1\nusers = [1e6]\n'


@contextlib.contextmanager
def _one_figure(figures, directory: Path, style, **options):
    (Path(directory) / "stub.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    yield list


def _no_figures(result):
    return {}


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(report_module, "rendering", _one_figure)
    monkeypatch.setattr(report_module, "plan_figures", _no_figures)


def _inputs(folder: Path, *stems: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "priors.toml").write_text(PAPER_INPUTS, encoding="utf-8")
    for stem in stems:
        (folder / f"{stem}.toml").write_text(RUN.format(title=stem), encoding="utf-8")
    return [folder / f"{stem}.toml" for stem in stems]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A report mcsim wrote, to copy where a test needs an earlier report."""
    folder = tmp_path_factory.mktemp("template")
    (run,) = _inputs(folder / "in", "run")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_module, "rendering", _one_figure)
        patch.setattr(report_module, "plan_figures", _no_figures)
        return write_report(execute(load_run(run)), folder / "report")


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """The current folder: the run's inputs in in/, nothing else."""
    _inputs(tmp_path / "in", "run")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _mcsim(*args: str) -> tuple[int, list[str]]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = cli.main(list(args))
    return status, err.getvalue().splitlines()


def _run(out: str | Path | None, *extra: str) -> tuple[int, list[str]]:
    return _mcsim("run", "in/run.toml", *(("--out", str(out)) if out is not None else ()), *extra)


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root``, links not followed: a file's bytes, a link's target, or a folder."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(folder, name)
            key = os.path.relpath(path, root)
            if os.path.islink(path):
                found[key] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                found[key] = ("folder",)
            else:
                found[key] = ("file", Path(path).read_bytes())
    return found


def _leftovers(root: Path) -> list[str]:
    return [key for key in _snapshot(root) if Path(key).name.startswith((".staging-", ".retired-"))]


def _is_report(folder: Path) -> bool:
    summary = json.loads((folder / "summary.json").read_text())
    return refusal(folder) is None and summary["manifest"]["files"] == report_files(folder)


def _refused(root: Path, out: str | Path, line: str, *extra: str) -> None:
    before = _snapshot(root)
    status, lines = _run(out, *extra)
    assert (status, lines) == (2, [line])
    assert _snapshot(root) == before


# --- what is written into ------------------------------------------------------------------------

def test_a_new_nested_path_gets_the_report(root):
    status, lines = _run("a/b/c")
    assert status == 0, lines
    assert _is_report(root / "a" / "b" / "c") and _leftovers(root) == []


def test_an_empty_folder_gets_the_report(root):
    (root / "empty").mkdir()
    assert _run("empty")[0] == 0
    assert _is_report(root / "empty")


def test_an_earlier_report_is_replaced(root, template):
    shutil.copytree(template, root / "old")
    before = (root / "old" / "summary.json").read_bytes()
    assert _run("old", "--seed", "2")[0] == 0
    assert (root / "old" / "summary.json").read_bytes() != before
    assert _is_report(root / "old") and _leftovers(root) == []


def test_a_report_written_before_reports_listed_their_files_is_replaced(root, template):
    shutil.copytree(template, root / "old")
    summary = json.loads((root / "old" / "summary.json").read_text())
    del summary["manifest"]["files"]
    (root / "old" / "summary.json").write_text(json.dumps(summary))
    assert _run("old")[0] == 0
    assert _is_report(root / "old")


def test_the_shipped_reports_are_recognised_as_mcsim_reports():
    for folder in sorted((ROOT / "reports").iterdir()):
        assert refusal(folder) is None, folder


def test_a_link_to_an_earlier_report_replaces_the_report_and_keeps_the_link(root, template):
    shutil.copytree(template, root / "old")
    (root / "latest").symlink_to("old")
    assert _run("latest", "--seed", "2")[0] == 0
    assert os.readlink(root / "latest") == "old" and _is_report(root / "old")
    assert json.loads((root / "old" / "summary.json").read_text())["run"]["seed"] == 2


# --- what is refused, before any sampling --------------------------------------------------------

def test_a_file_is_refused(root):
    (root / "notes.txt").write_text("mine")
    _refused(root, "notes.txt", "command line: --out notes.txt is a file, not a report folder; give a new folder, "
                                "e.g. --out notes-report")


def test_a_folder_of_other_files_is_refused(root):
    (root / "thesis").mkdir()
    (root / "thesis" / "thesis.tex").write_text("mine")
    _refused(root, "thesis", "command line: --out thesis holds files mcsim did not write (thesis.tex); give a new "
                             "folder, e.g. --out thesis-report")


@pytest.mark.parametrize("foreign", ["thesis.tex", "figures/mine.png", "notes/", "tables/mine.csv", "tables/mine.tex",
                                     "tables/old/", "references.bib.orig"])
def test_a_report_holding_a_file_mcsim_did_not_write_is_refused(root, template, foreign):
    shutil.copytree(template, root / "old")
    if foreign.endswith("/"):
        (root / "old" / foreign).mkdir()
    else:
        (root / "old" / foreign).write_text("mine")
    _refused(root, "old", f"command line: --out old holds a report and files mcsim did not write ({foreign}; "
                          "move them out to replace the report); give a new folder, e.g. --out old-report")


def test_a_report_holds_its_tables_methods_and_references_and_lists_them(template):
    listed = json.loads((template / "summary.json").read_text())["manifest"]["files"]
    assert {"methods.md", "methods.tex", "references.bib", "tables/outputs.csv", "tables/outputs.tex",
            "tables/priors.csv", "tables/priors.tex"} <= set(listed)
    assert listed == report_files(template) and refusal(template) is None


def test_a_report_whose_listed_table_was_edited_is_still_mcsims(root, template):
    """A table the author edited in place is still a file the report lists: the report can be replaced."""
    shutil.copytree(template, root / "old")
    (root / "old" / "tables" / "outputs.tex").write_text("% edited")
    status, _lines = _run("old")
    assert status == 0 and _is_report(root / "old")
    assert (root / "old" / "tables" / "outputs.tex").read_text().startswith("% Statistics of the outputs")


def test_the_folder_of_the_inputs_is_refused(root):
    _refused(root, "in", "command line: --out in holds the run's input files (run.toml, priors.toml); give a new "
                         "folder, e.g. --out in-report")


def test_a_folder_holding_the_inputs_folder_is_refused(tmp_path, monkeypatch):
    _inputs(tmp_path / "project" / "runs", "run")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    out = tmp_path / "project"
    before = _snapshot(tmp_path)
    status, lines = _mcsim("run", str(out / "runs" / "run.toml"), "--out", str(out))
    assert (status, lines) == (2, [f"command line: --out {out} holds the run's input files (runs/run.toml, "
                                   f"runs/priors.toml); give a new folder, e.g. --out {out}-report"])
    assert _snapshot(tmp_path) == before


def test_the_current_folder_is_refused_cleanly(tmp_path, monkeypatch):
    """Not the system's 'Device or resource busy' once the run is done, and nothing left behind."""
    (run,) = _inputs(tmp_path / "in", "run")
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    before = _snapshot(tmp_path)
    assert _mcsim("run", str(run), "--out", ".") == (
        2, ["command line: --out . is the current folder; give a new folder, e.g. --out report"])
    assert _mcsim("run", str(run), "--out", "..") == (
        2, ["command line: --out .. holds the current folder; give a new folder, e.g. --out ../report"])
    assert _snapshot(tmp_path) == before


@pytest.mark.skipif(not os.path.ismount("/proc"), reason="needs /proc mounted")
def test_a_mount_point_is_refused(root):
    _refused(root, "/proc", "command line: --out /proc is a mount point; give a new folder, e.g. --out /proc-report")


def test_a_path_through_a_file_is_refused(root):
    (root / "notes.txt").write_text("mine")
    _refused(root, "notes.txt/sub", f"command line: --out notes.txt/sub is inside {root / 'notes.txt'}, which is a "
                                    "file, not a folder; give a new folder, e.g. --out notes-report")


def test_links_to_a_file_and_to_nothing_are_refused(root):
    (root / "notes.txt").write_text("mine")
    (root / "to-notes").symlink_to("notes.txt")
    (root / "broken").symlink_to("nowhere")
    _refused(root, "to-notes", f"command line: --out to-notes links to {root / 'notes.txt'}, which is a file, not a "
                               "report folder; give a new folder, e.g. --out to-notes-report")
    _refused(root, "broken", f"command line: --out broken is a symbolic link to {root / 'nowhere'}, which does not "
                             "exist; give a new folder, e.g. --out broken-report")


def test_the_default_out_is_checked_too(root):
    (root / "reports" / "run").mkdir(parents=True)
    (root / "reports" / "run" / "thesis.tex").write_text("mine")
    _refused(root, None, "command line: reports/run (the default --out) holds files mcsim did not write "
                         "(thesis.tex); give a new folder, e.g. --out reports/run-report")


def test_a_refusal_comes_before_any_sampling(root, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("sampled before checking --out")

    monkeypatch.setattr("mcsim.pipeline.execute", never)
    (root / "notes.txt").write_text("mine")
    assert _run("notes.txt")[0] == 2


def test_write_report_refuses_on_its_own(root):
    (root / "thesis").mkdir()
    (root / "thesis" / "thesis.tex").write_text("mine")
    result = execute(load_run("in/run.toml"))
    before = _snapshot(root)
    with pytest.raises(InputError, match=r"^thesis holds files mcsim did not write \(thesis.tex\); give a new "):
        write_report(result, "thesis")
    with pytest.raises(InputError, match="holds the run's input files"):
        write_report(result, "in")
    assert _snapshot(root) == before


# --- nothing left behind when writing fails ------------------------------------------------------

def test_a_failed_swap_keeps_the_earlier_report_and_leaves_nothing(root, template, monkeypatch):
    shutil.copytree(template, root / "old")
    before = _snapshot(root)
    real = os.replace

    def failing(source, target):
        if Path(source).name.startswith(".staging-"):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="cross-device"):
        write_report(execute(load_run("in/run.toml")), "old")
    assert _snapshot(root) == before


def test_folders_made_for_a_report_that_could_not_start_are_removed(root, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(report_module.tempfile, "mkdtemp", refused)
    before = _snapshot(root)
    with pytest.raises(PermissionError):
        write_report(execute(load_run("in/run.toml")), "a/b/c")
    assert _snapshot(root) == before


def test_a_file_dropped_into_the_report_while_it_is_written_is_kept(root, template, monkeypatch):
    shutil.copytree(template, root / "old")
    real = report_module.render_markdown

    def meanwhile(*args, **kwargs):
        (root / "old" / "thesis.tex").write_text("mine")
        return real(*args, **kwargs)

    monkeypatch.setattr(report_module, "render_markdown", meanwhile)
    before = (root / "old" / "summary.json").read_bytes()
    with pytest.raises(InputError, match=r"thesis\.tex"):
        write_report(execute(load_run("in/run.toml")), "old")
    assert (root / "old" / "thesis.tex").read_text() == "mine"
    assert (root / "old" / "summary.json").read_bytes() == before and _leftovers(root) == []


def test_an_interrupted_report_leaves_no_folder_it_made(root):
    with pytest.raises(KeyboardInterrupt), replace_directory(root / "a" / "b") as staging:
        (staging / "summary.json").write_text("{}")
        raise KeyboardInterrupt
    assert not (root / "a").exists()


def test_recovery_touches_only_the_leftovers_of_the_report_it_recovers(tmp_path):
    other = tmp_path / ".retired-x-b-999999999"  # the retired copy of report "x-b", not of "x"
    other.mkdir()
    mine = tmp_path / ".retired-x-notes"  # not a name mcsim gives
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    before = _snapshot(tmp_path)
    recover(tmp_path / "x")
    assert _snapshot(tmp_path) == before


# --- mcsim batch ---------------------------------------------------------------------------------

@pytest.fixture
def batch_root(tmp_path, monkeypatch) -> Path:
    _inputs(tmp_path / "runs", "one", "two")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _batch(*extra: str) -> tuple[int, list[str]]:
    return _mcsim("batch", "runs/one.toml", "runs/two.toml", *extra)


def test_batch_writes_its_reports_and_reruns_into_them(batch_root):
    assert _batch("--reports", "R")[0] == 0
    assert _batch("--reports", "R", "--force")[0] == 0
    for name in ("one", "two", "comparison"):
        assert _is_report(batch_root / "R" / name)
    assert json.loads((batch_root / "R" / "comparison" / "summary.json").read_text())["manifest"]["report"] == \
        "comparison"


@pytest.mark.parametrize(("folder", "line"), [
    ("R/two", "command line: --reports R: R/two holds files mcsim did not write (thesis.tex); give a new folder, "
              "e.g. --reports R-new"),
    ("R/comparison", "command line: --reports R: R/comparison holds files mcsim did not write (thesis.tex); give a "
                     "new folder, e.g. --reports R-new"),
])
def test_batch_refuses_before_running_anything(batch_root, monkeypatch, folder, line):
    def never(*args, **kwargs):
        raise AssertionError("ran before checking --reports")

    monkeypatch.setattr(mcsim.batch, "_execute", never)
    (batch_root / folder).mkdir(parents=True)
    (batch_root / folder / "thesis.tex").write_text("mine")
    before = _snapshot(batch_root)
    assert _batch("--reports", "R") == (2, [line])
    assert _snapshot(batch_root) == before


def test_batch_refuses_reports_that_are_a_file_once(batch_root):
    (batch_root / "R").write_text("mine")
    before = _snapshot(batch_root)
    assert _batch("--reports", "R") == (2, [f"command line: --reports R: R/one is inside {batch_root / 'R'}, which "
                                            "is a file, not a folder; give a new folder, e.g. --reports R-new"])
    assert _snapshot(batch_root) == before


def test_batch_refuses_a_report_folder_holding_its_inputs(tmp_path, monkeypatch):
    (run,) = _inputs(tmp_path / "R" / "one", "one")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"R/one holds the run's input files \(one.toml, priors.toml\)"):
        run_batch([run], reports="R", stream=io.StringIO())


# --- the property: nothing that is not an mcsim report ever changes -------------------------------

KINDS = ("absent", "empty", "file", "foreign", "report", "older report", "report and foreign", "inputs", "current",
         "figures of a report", "broken link")
ACCEPTED = {"absent", "empty", "report", "older report"}
NESTED_REFUSED = {"file", "broken link"}  # a new folder inside anything else is fine


def _make(kind: str, root: Path, template: Path) -> str:
    """Make a target of ``kind`` under ``root`` (the current folder); return it as --out spells it."""
    if kind == "absent":
        return "target"
    if kind == "empty":
        (root / "target").mkdir()
    elif kind == "file":
        (root / "target").write_text("mine")
    elif kind == "foreign":
        (root / "target").mkdir()
        (root / "target" / "thesis.tex").write_text("mine")
    elif kind in ("report", "older report", "report and foreign", "figures of a report"):
        shutil.copytree(template, root / "target")
        if kind == "older report":
            summary = json.loads((root / "target" / "summary.json").read_text())
            del summary["manifest"]["files"]
            (root / "target" / "summary.json").write_text(json.dumps(summary))
        elif kind == "report and foreign":
            (root / "target" / "thesis.tex").write_text("mine")
        elif kind == "figures of a report":
            return "target/figures"
    elif kind == "inputs":
        return "in"
    elif kind == "current":
        return "."
    elif kind == "broken link":
        (root / "target").symlink_to("nowhere")
    return "target"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), linked=st.booleans(), nested=st.booleans())
def test_nothing_but_an_mcsim_report_is_ever_replaced(tmp_path, template, kind, linked, nested):
    root = Path(os.path.realpath(tmp_path)) / f"{KINDS.index(kind)}-{linked:d}-{nested:d}"
    shutil.rmtree(root, ignore_errors=True)
    _inputs(root / "in", "run")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        out = _make(kind, root, template)
        if linked:
            os.symlink(os.path.abspath(out), "link")
            out = "link"
        if nested:
            out = os.path.join(out, "sub", "deeper")
        where = Path(os.path.realpath(out))
        before = _snapshot(root)
        status, lines = _run(out)
        after = _snapshot(root)
    finally:
        os.chdir(cwd)

    if nested:
        expected = 2 if kind in NESTED_REFUSED or (linked and kind == "absent") else 0
    else:
        expected = 0 if kind in ACCEPTED and not (linked and kind == "absent") else 2
    assert status == expected, lines
    if status == 2:
        assert len(lines) == 1 and lines[0].startswith(f"command line: --out {out} ")
        assert after == before
        return
    assert _is_report(where) and _leftovers(root) == []
    outside = {key: value for key, value in before.items() if not (root / key).is_relative_to(where)}
    assert outside.items() <= after.items()
