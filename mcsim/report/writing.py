"""Writing a run's report: the only layer that writes files.

A report is written whole into a temporary directory beside its target and moved into place
only when complete, so a failed or interrupted run never leaves a half-written report and never
replaces a good one with a broken one. It goes only where it loses nothing of anyone else's: a
path that does not exist, an empty folder, or a report mcsim wrote (:mod:`mcsim.report.target`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from mcsim.i18n import speaking
from mcsim.interrupts import interrupted
from mcsim.report import summary_words
from mcsim.report.document import render_html, render_markdown
from mcsim.report.rendering import rendering
from mcsim.report.sections import build_methods, drawing_order, plan_figures, run_tables
from mcsim.report.style import NO_FIGURES, look
from mcsim.report.tables import TABLES, write_tables
from mcsim.report.target import FILES_KEY, check_target, report_files, run_inputs
from mcsim.result import Result
from mcsim.serialise import build_dataset, dumps

__all__ = ["plan_figures", "recover", "replace_directory", "write_report"]


_STAGING, _RETIRED = ".staging-", ".retired-"


def write_report(result: Result, target: str | Path) -> Path:
    """Write ``summary.json``, ``results.nc``, ``report.md``, ``report.html``, ``figures/``, ``tables/``,
    ``methods.md``, ``methods.tex`` and ``references.bib``.

    Every file is a view of ``result``, computed in full by :func:`mcsim.pipeline.execute`.

    Parameters
    ----------
    result : Result
        The run to report.
    target : path
        The report directory: a path that does not exist, an empty folder, or a report mcsim
        wrote, which is replaced only once the new one is complete.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    InputError
        If ``target`` is anything else (see :func:`mcsim.report.target.check_target`); nothing
        is written then.
    """
    target = Path(target)
    began = time.perf_counter()
    with replace_directory(target, inputs=run_inputs(result.spec)) as staging, speaking(result.spec.lang):
        figures_dir = staging / "figures"
        drawing = result.spec.figures != NO_FIGURES
        figures = plan_figures(result) if drawing else {}
        if drawing:
            figures_dir.mkdir()
        # the slowest first: the pool's workers then finish together; the data and tables are written meanwhile
        with rendering(drawing_order(figures), figures_dir, look(result.spec.figures),
                       workers=result.spec.workers) as drawn:
            with speaking("en"):  # summary.json is for scripts: its words stay English whatever the report's language
                summary = summary_words.summary(result)
            # where --from finds the run file, from this folder: relative, whatever folder the report is copied with
            summary["manifest"]["inputs"]["run"]["from_report"] = Path(
                os.path.relpath(os.path.abspath(result.spec.file), os.path.abspath(target))).as_posix()
            tables = run_tables(result)
            write_tables(tables, staging / TABLES)
            methods_md, methods_tex, bib = build_methods(result, summary["manifest"]["versions"])
            (staging / "methods.md").write_text(methods_md, encoding="utf-8")
            (staging / "methods.tex").write_text(methods_tex, encoding="utf-8")
            (staging / "references.bib").write_text(bib, encoding="utf-8")
            with speaking("en"):  # as summary.json's: for scripts
                dataset = build_dataset(result, summary_words.WORDS)
            dataset.to_netcdf(staging / "results.nc", engine="netcdf4")
            drawn()
        # the report's own time, as far as it can tell it: figures, tables, methods and data
        result = replace(result, seconds={**result.seconds, "figures, tables and data": time.perf_counter() - began})
        text = render_markdown(result, figures, tables)
        (staging / "report.md").write_text(text, encoding="utf-8")
        title = result.spec.title_in(result.spec.lang)
        (staging / "report.html").write_text(render_html(text, figures_dir, title), encoding="utf-8")
        # written last, listing every file: what a later run may replace, and nothing else
        summary["manifest"][FILES_KEY] = sorted([*report_files(staging), "summary.json"])
        (staging / "summary.json").write_text(dumps(summary), encoding="utf-8")
    return target


class replace_directory:
    """Context manager: yields an empty staging directory that replaces ``target`` on success.

    ``target`` must be a path that does not exist, an empty folder or a report mcsim wrote, and
    not hold any of ``inputs``: anything else raises :class:`~mcsim.inputs.errors.InputError` before
    anything is written, and again at the swap if it became something else meanwhile. A
    symbolic link is followed: the folder it points to is replaced, the link kept.

    On an exception (KeyboardInterrupt included), or after a SIGINT a library swallowed
    (:mod:`mcsim.interrupts`), the staging directory, and any folder made to hold it, is
    removed and ``target`` is left as it was. The swap is two renames on the same file system;
    if the process dies between them, the next call restores the retired copy before anything
    else.
    """

    def __init__(self, target: str | Path, *, inputs=()):
        self.given = Path(target)
        self.inputs = tuple(inputs)
        self.target: Path | None = None
        self.staging: Path | None = None
        self.made: list[Path] = []  # folders made to hold the target, outermost first

    def __enter__(self) -> Path:
        recover(Path(os.path.realpath(self.given)))
        self.target = check_target(self.given, inputs=self.inputs)
        try:
            self.made = _make_folders(self.target.parent)
            # the pid in the name lets a later run tell a killed run's leftovers from a live run's work
            self.staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{self.target.name}-{os.getpid()}-",
                                                 dir=self.target.parent))
        except BaseException:
            self._discard()
            raise
        return self.staging

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is not None or interrupted():
            self._discard()
            if kind is None:  # a Ctrl-C some library swallowed: not a reason to go on
                raise KeyboardInterrupt
            return False
        retired = None
        try:
            check_target(self.target, inputs=self.inputs)  # a file dropped in while the report was written
            os.chmod(self.staging, 0o755)  # mkdtemp makes it private; a report is for sharing
            if os.path.lexists(self.target):
                retired = self.target.parent / f"{_RETIRED}{self.target.name}-{os.getpid()}"
                os.replace(self.target, retired)
            try:
                os.replace(self.staging, self.target)
            except BaseException:
                if retired is not None:
                    os.replace(retired, self.target)
                    retired = None
                raise
        except BaseException:
            self._discard()
            raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
        return False

    def _discard(self) -> None:
        """Remove the staging directory and the folders made for it: nothing of a failed run is left."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
        elif self.target is not None:  # interrupted inside mkdtemp: the folder exists, its name not yet known
            for mine in self.target.parent.glob(f"{_STAGING}{self.target.name}-{os.getpid()}-*"):
                shutil.rmtree(mine, ignore_errors=True)
        for folder in reversed(self.made):
            try:
                folder.rmdir()
            except OSError:  # not empty: something else put a file there meanwhile
                break


def _make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; return those made, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    made = []
    try:
        for path in reversed(missing):
            path.mkdir()
            made.append(path)
    except BaseException:
        for path in reversed(made):
            path.rmdir()
        raise
    return made


def _leftovers(parent: Path, name: str) -> tuple[list[Path], list[Path]]:
    """The retired copies and staging directories mcsim made for a report called ``name``."""
    retired = re.compile(rf"{re.escape(_RETIRED + name)}-\d+")
    staging = re.compile(rf"{re.escape(_STAGING + name)}-\d+-[a-z0-9_]{{8}}")
    found: tuple[list[Path], list[Path]] = ([], [])
    if not parent.is_dir():
        return found
    for path in sorted(parent.iterdir()):
        if path.is_symlink() or not path.is_dir():
            continue
        if retired.fullmatch(path.name):
            found[0].append(path)
        elif staging.fullmatch(path.name):
            found[1].append(path)
    return found


def recover(target: Path) -> None:
    """Restore a retired report whose replacement never arrived; remove stale staging directories."""
    target = Path(target)
    retired, staging = _leftovers(target.parent, target.name)
    if retired and not os.path.lexists(target):
        os.replace(retired[-1], target)
        retired = retired[:-1]
    for stale in retired:
        shutil.rmtree(stale, ignore_errors=True)
    for stale in staging:
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
