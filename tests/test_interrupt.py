"""Nothing lost, nothing left: a ``mcsim run`` killed at any moment leaves the previous report whole.

Each test starts ``python -m mcsim run`` in its own process group (as a terminal would), sends
SIGINT (Ctrl-C) or SIGKILL to the group at a given moment, and checks that the report written
before is byte for byte the same, that nothing a later run could take for a result is left
beside it, and that a later run's recovery removes whatever a killed run left. Others kill a
run while its workers compute, the run alone or its whole group, and check that none of its
processes outlives it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from mcsim import cli, interrupts
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report import recover, replace_directory, write_report

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()
LIMIT = 120  # seconds: no subprocess may outlive this
GONE = 10  # seconds: a killed run's workers have ended by then


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A run file and a good report of it: the one that must survive."""
    folder = tmp_path_factory.mktemp("interrupt")
    run = folder / "run.toml"
    run.write_text(f'[run]\ntitle = "interrupted"\npriors = "{PRIORS}"\nsamples = 4096\nseed = 1\n'
                   "users = [1e6, 1e7]\n", encoding="utf-8")
    template = write_report(execute(load_run(run)), folder / "template")
    return run, template


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _copy(source: Path, target: Path) -> None:
    for name, data in _snapshot(source).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)


def _staging(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".staging-")]


def _as_in_a_terminal() -> None:
    """SIGINT as a terminal's foreground job has it, even if whatever runs pytest ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(run: Path, out: Path, sig: int, *, after: float | None = None) -> subprocess.CompletedProcess:
    """Start ``mcsim run``; send ``sig`` after ``after`` seconds, or once its staging directory exists."""
    process = subprocess.Popen([sys.executable, "-m", "mcsim", "run", str(run), "--out", str(out)],
                               cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True,
                               preexec_fn=_as_in_a_terminal)
    start = time.monotonic()
    try:
        while True:
            waited = time.monotonic() - start
            if after is not None and waited >= after:
                break
            if after is None and _staging(out.parent):
                break
            if process.poll() is not None:
                pytest.fail(f"mcsim run ended before it could be interrupted:\n{process.stderr.read()}")
            if waited > LIMIT:
                pytest.fail("the staging directory never appeared")
            time.sleep(0.01)
        os.killpg(process.pid, sig)
        stdout, stderr = process.communicate(timeout=LIMIT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize(("sig", "after"), [
    (signal.SIGINT, 0.3),     # while Python starts and imports
    (signal.SIGINT, None),    # while the report is being written
    (signal.SIGKILL, None),   # the same, with no chance to clean up
    (signal.SIGKILL, 1.5),    # while loading and sampling
], ids=["SIGINT-start", "SIGINT-writing", "SIGKILL-writing", "SIGKILL-sampling"])
def test_a_killed_run_leaves_the_previous_report_whole(previous, tmp_path, sig, after):
    run, template = previous
    out = tmp_path / "report"
    _copy(template, out)
    before = _snapshot(out)
    done = _interrupt(run, out, sig, after=after)

    assert done.returncode != 0
    assert _snapshot(out) == before, "the previous report changed"
    left = [p.name for p in tmp_path.iterdir() if p.name != "report"]
    assert all(name.startswith(".staging-report-") for name in left), left  # hidden, never named as a result
    if sig == signal.SIGINT:
        assert left == [], "an interrupted run cleans up after itself"
        if after is None:  # interrupted inside mcsim's own handling: a sentence, not a traceback
            assert done.returncode == cli.EXIT_INTERRUPTED == 130 and "Traceback" not in done.stderr
            assert "interrupted; no report was written and any previous one is unchanged" in done.stderr
    recover(out)  # what the next run does first
    assert [p.name for p in tmp_path.iterdir()] == ["report"]
    assert _snapshot(out) == before


def _running(psutil, process) -> bool:
    """Whether ``process`` still runs: a zombie (ended, not yet reaped by whoever adopted it) does not."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize(("sig", "group", "scheduler", "processes", "aside"), [
    (signal.SIGKILL, False, "local", 2, ""),  # kill -9 PID, the out-of-memory killer: two workers
    (signal.SIGINT, True, "local", 2, ""),    # Ctrl-C
    # two workers and the sensitivity analysis's, which runs aside while they simulate
    (signal.SIGKILL, False, "local", 3, '[sensitivity]\noutputs = ["break_even_users"]\n'),
    (signal.SIGINT, True, "local", 3, '[sensitivity]\noutputs = ["break_even_users"]\n'),
    pytest.param(signal.SIGKILL, False, "dask", 3, "", marks=pytest.mark.slow),  # two Dask workers and a tracker
], ids=["SIGKILL-run", "SIGINT-group", "SIGKILL-run-aside", "SIGINT-group-aside", "SIGKILL-run-dask"])
def test_a_killed_run_leaves_no_process_behind(tmp_path, sig, group, scheduler, processes, aside):
    psutil = pytest.importorskip("psutil")
    run = tmp_path / "run.toml"
    run.write_text(f'[run]\ntitle = "killed"\npriors = "{PRIORS}"\nsamples = 8388608\nseed = 1\nworkers = 2\n'
                   f'scheduler = "{scheduler}"\nusers = [1e6, 1e7]\n{aside}', encoding="utf-8")
    with open(tmp_path / "stderr.txt", "w") as stderr:  # not a pipe: a worker left alive would hold it open
        process = subprocess.Popen([sys.executable, "-m", "mcsim", "run", str(run), "--out", str(tmp_path / "report")],
                                   cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                   start_new_session=True, preexec_fn=_as_in_a_terminal)
    family = {}
    try:
        run_process = psutil.Process(process.pid)
        start = time.monotonic()
        while len(family) < processes:  # until its workers exist
            if process.poll() is not None:
                pytest.fail(f"mcsim run ended before its workers started:\n{(tmp_path / 'stderr.txt').read_text()}")
            if time.monotonic() - start > LIMIT:
                pytest.fail("mcsim run never started its workers")
            family.update((child.pid, child) for child in run_process.children(recursive=True))
            time.sleep(0.01)
        family.update((child.pid, child) for child in run_process.children(recursive=True))
        (os.killpg if group else os.kill)(process.pid, sig)
        process.wait(timeout=LIMIT)
        killed = time.monotonic()
        while any(_running(psutil, p) for p in family.values()) and time.monotonic() - killed < GONE:
            time.sleep(0.05)
        left = [f"{p.pid} ({' '.join(p.cmdline())})" for p in family.values() if _running(psutil, p)]
    finally:
        for p in family.values():
            with contextlib.suppress(psutil.Error):
                p.kill()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    assert process.returncode != 0
    if sig == signal.SIGINT:  # stopped by the interruption, not by workers that failed
        assert "interrupted; no report was written" in (tmp_path / "stderr.txt").read_text()
    assert not left, f"{len(left)} of the run's {len(family)} processes outlived it by {GONE} s: {left}"


def test_a_live_runs_staging_directory_is_left_alone(tmp_path):
    live = tmp_path / f".staging-report-{os.getpid()}-abcd1234"
    dead = tmp_path / ".staging-report-999999999-abcd1234"
    live.mkdir()
    dead.mkdir()
    recover(tmp_path / "report")
    assert live.exists() and not dead.exists()


def test_a_report_retired_by_a_killed_swap_comes_back(tmp_path):
    """Killed between the two renames of the swap: the old report is beside its place; it returns."""
    retired = tmp_path / ".retired-report-999999999"
    (retired / "figures").mkdir(parents=True)
    (retired / "summary.json").write_text("{}")
    recover(tmp_path / "report")
    assert (tmp_path / "report" / "summary.json").read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


@pytest.fixture
def ctrl_c_heard():
    """Ctrl-C raises KeyboardInterrupt in this process, as in a terminal, even where the tests were started with it
    ignored (a background job of a shell without job control inherits SIGINT ignored, which mcsim respects)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_a_ctrl_c_a_library_swallows_still_stops_the_swap(tmp_path, ctrl_c_heard):
    """SIGINT caught by a library's ``except`` (matplotlib's font matching can): no new report."""
    target = tmp_path / "report"
    target.mkdir()
    old = '{"mcsim_version": "0", "manifest": {"files": ["summary.json"]}}'  # a report mcsim wrote
    (target / "summary.json").write_text(old)
    with interrupts.watch(), pytest.raises(KeyboardInterrupt), replace_directory(target) as staging:
        (staging / "summary.json").write_text("new")
        with contextlib.suppress(KeyboardInterrupt):  # what the library does
            signal.raise_signal(signal.SIGINT)
    assert (target / "summary.json").read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["report"]
    assert not interrupts.interrupted(), "the record ends with watch()"


def test_watch_leaves_an_ignored_sigint_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupts.watch():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_error_a_swallowed_ctrl_c_turns_into_reads_as_the_interrupt(monkeypatch, capsys, ctrl_c_heard):
    """Ctrl-C inside a C extension's import can surface as ImportError: it is still Ctrl-C."""
    def validate(args):
        with contextlib.suppress(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        raise ImportError("initialization failed")

    monkeypatch.setattr(cli, "_validate", validate)
    assert cli.main(["validate", "run.toml"]) == cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err == "mcsim: interrupted; no report was written and any previous one is unchanged\n"
