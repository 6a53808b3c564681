"""Writing a run's report: the only layer that writes files.

A report is written whole into a temporary directory beside its target and moved into place
only when complete, so a failed or interrupted run never leaves a half-written report and never
replaces a good one with a broken one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from mcsim.interrupts import interrupted
from mcsim.report.dataset import build_dataset
from mcsim.report.document import render_html, render_markdown
from mcsim.report.figures import Figure, plot_run
from mcsim.report.sensitivity_figures import plot_sensitivity, sensitivity_caption
from mcsim.report.summary import build_summary, dumps
from mcsim.report.verdict_figures import plot_verdict
from mcsim.result import Result

__all__ = ["replace_directory", "write_report"]

_STAGING, _RETIRED = ".staging-", ".retired-"


def write_report(result: Result, target: str | Path) -> Path:
    """Write ``summary.json``, ``results.nc``, ``report.md``, ``report.html`` and ``figures/``.

    Every file is a view of ``result``, computed in full by :func:`mcsim.pipeline.execute`.

    Parameters
    ----------
    result : Result
        The run to report.
    target : path
        The report directory; an existing one is replaced only once the new one is complete.

    Returns
    -------
    Path
        ``target``.
    """
    target = Path(target)
    with replace_directory(target) as staging:
        figures_dir = staging / "figures"
        figures_dir.mkdir()
        figures = plot_run(result, figures_dir)
        sensitivity_figures = []
        if result.sensitivity is not None:
            sensitivity_figures = [Figure(stem, sensitivity_caption(stem, result.sensitivity))
                                   for stem in plot_sensitivity(result.sensitivity, figures_dir)]
        verdict_figures = plot_verdict(result, figures_dir)
        (staging / "summary.json").write_text(dumps(build_summary(result)), encoding="utf-8")
        build_dataset(result).to_netcdf(staging / "results.nc", engine="netcdf4")
        text = render_markdown(result, figures, sensitivity_figures, verdict_figures)
        (staging / "report.md").write_text(text, encoding="utf-8")
        (staging / "report.html").write_text(render_html(text, figures_dir, result.spec.title), encoding="utf-8")
    return target


class replace_directory:
    """Context manager: yields an empty staging directory that replaces ``target`` on success.

    On an exception (KeyboardInterrupt included), or after a SIGINT a library swallowed
    (:mod:`mcsim.interrupts`), the staging directory is removed and ``target`` is left as it
    was. The swap is two renames on the same file system; if the process dies between them,
    the next call restores the retired copy before anything else.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        self.staging: Path | None = None

    def __enter__(self) -> Path:
        parent = self.target.parent
        parent.mkdir(parents=True, exist_ok=True)
        recover(self.target)
        # the pid in the name lets a later run tell a killed run's leftovers from a live run's work
        self.staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{self.target.name}-{os.getpid()}-", dir=parent))
        return self.staging

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is not None or interrupted():
            shutil.rmtree(self.staging, ignore_errors=True)
            if kind is None:  # a Ctrl-C some library swallowed: not a reason to go on
                raise KeyboardInterrupt
            return False
        os.chmod(self.staging, 0o755)  # mkdtemp makes it private; a report is for sharing
        retired = None
        if self.target.exists():
            retired = self.target.parent / f"{_RETIRED}{self.target.name}-{os.getpid()}"
            os.replace(self.target, retired)
        os.replace(self.staging, self.target)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
        return False


def recover(target: Path) -> None:
    """Restore a retired report whose replacement never arrived; remove stale staging directories."""
    parent = target.parent
    retired = sorted(parent.glob(f"{_RETIRED}{target.name}-*"))
    if retired and not target.exists():
        os.replace(retired[-1], target)
        retired = retired[:-1]
    for stale in retired:
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f"{_STAGING}{target.name}-*"):
        # a staging directory of a run that was killed: never a result, always safe to remove
        if _is_abandoned(stale):
            shutil.rmtree(stale, ignore_errors=True)


def _is_abandoned(path: Path, seconds: float = 24 * 3600) -> bool:
    """Whether a staging directory belongs to no running process.

    Its name holds the pid of the run that made it: if no such process exists, the run was
    killed. A directory untouched for a day is abandoned too (its pid may have been reused, or
    it was made on another machine sharing this file system).
    """
    pid = path.name.rsplit("-", 2)[-2] if path.name.count("-") >= 2 else ""
    if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
        return True
    try:
        return time.time() - path.stat().st_mtime > seconds
    except FileNotFoundError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True
