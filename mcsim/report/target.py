"""Where a report may go: a path that does not exist, an empty folder, or a report mcsim wrote.

mcsim replaces a report folder whole, so it writes only where that loses nothing of anyone
else's. A folder is a report mcsim wrote when its ``summary.json`` is one of mcsim's (a run's,
with its ``manifest``, or a comparison's) and the folder holds nothing but a report's files:
``summary.json``, ``results.nc``, ``report.md``, ``report.html``, ``methods.md``,
``methods.tex``, ``references.bib``, PNG and PDF figures in ``figures/`` and CSV and LaTeX
tables in ``tables/``, each listed in the manifest's ``files`` (reports written before mcsim
listed its files are recognised by those names alone). A file dropped into an old report makes it
someone else's folder: mcsim refuses it rather than delete the file.

A folder is refused too when it is, or holds, the current folder (it could not be renamed
away), a mount point (the same), or the folder of one of the run's input files.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from mcsim.inputs.errors import InputError, Problem

__all__ = ["FILES_KEY", "Refusal", "check_target", "comparison_inputs", "comparison_is_current", "new_folder",
           "refusal", "report_files", "run_inputs"]

FILES_KEY = "files"  # in summary.json's manifest: every file of the report, relative to its folder
_TOP = ("summary.json", "results.nc", "report.md", "report.html", "methods.md", "methods.tex", "references.bib")
_FOLDERS = {"figures": (".png", ".pdf"), "tables": (".csv", ".tex")}  # a report's folders, and their files' types
_SHOWN = 3  # foreign files named in a message


class Refusal(NamedTuple):
    """Why a report cannot go to a path, and a new folder that would do."""

    reason: str  # completes "<path> ...", e.g. "is a file, not a report folder"
    instead: str  # a path that does not exist, spelt as the user spelt theirs


def report_files(directory: Path) -> list[str]:
    """Every file under ``directory``, as sorted relative POSIX paths (what a manifest lists)."""
    return sorted(path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file())


def run_inputs(spec) -> tuple[Path, ...]:
    """The files a run reads: its run file, its priors file and its model's module."""
    files = [Path(spec.file), Path(spec.priors.file)]
    module = sys.modules.get(getattr(spec.model.function, "__module__", None) or "")
    if getattr(module, "__file__", None):
        files.append(Path(module.__file__))
    return tuple(files)


def check_target(target: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Return the folder a report for ``target`` goes to (symbolic links followed), or refuse it.

    Parameters
    ----------
    target : path
        Where the report is to go.
    inputs : paths
        The run's input files: a folder holding any of them is refused.

    Returns
    -------
    Path
        ``target`` made absolute, its symbolic links resolved.

    Raises
    ------
    InputError
        One problem naming ``target``, why it is refused and a new folder to give instead.
    """
    found = refusal(target, inputs=inputs)
    if found is not None:
        raise InputError([Problem(str(target), "", f"{found.reason}; give a new folder, e.g. {found.instead}")])
    return Path(os.path.realpath(target))


def refusal(target: str | Path, *, inputs: Iterable[str | Path] = ()) -> Refusal | None:
    """Why a report cannot go to ``target``, or None when it can (see the module's docstring)."""
    given = os.path.normpath(os.fspath(target))
    absolute = os.path.abspath(given)
    # the nearest part of the path that exists; the parts below it must not be broken links
    existing, missing = absolute, []
    while not os.path.exists(existing):
        if os.path.lexists(existing):
            said = "" if existing == absolute else f"is inside {existing}, which "
            return Refusal(f"{said}is a symbolic link to {os.path.realpath(existing)}, which does not exist",
                           new_folder(_spelt(given, existing)))
        missing.append(existing)
        existing = os.path.dirname(existing)
    if missing and not os.path.isdir(existing):
        return Refusal(f"is inside {existing}, which is a file, not a folder", new_folder(_spelt(given, existing)))
    real = Path(os.path.realpath(target))  # where the report would go: what check_target returns
    link = f"links to {real}, which " if os.path.islink(absolute) else ""
    if not missing:
        reason = _refuse_existing(real, [Path(os.path.realpath(p)) for p in inputs])
        if reason is not None:
            inside_cwd = Path.cwd() == real or Path.cwd().is_relative_to(real)
            return Refusal(link + reason, new_folder(given, inside=inside_cwd))
    writable = existing if missing else os.path.dirname(real)
    if not os.access(writable, os.W_OK | os.X_OK):
        return Refusal(f"cannot be written: no permission to write in {writable}", new_folder(given))
    return None


def _refuse_existing(real: Path, inputs: list[Path]) -> str | None:
    if not real.is_dir():
        return "is a file, not a report folder" if real.is_file() else "is not a folder"
    cwd = Path.cwd()
    if cwd == real:
        return "is the current folder"
    if cwd.is_relative_to(real):
        return "holds the current folder"
    held = [path for path in inputs if path.parent.is_relative_to(real)]
    if held:
        names = ", ".join(str(path.relative_to(real)) for path in held[:_SHOWN])
        return f"holds the run's input files ({names}{_more(held)})"
    if os.path.ismount(real):
        return "is a mount point"
    foreign, is_report = _foreign(real)
    if not foreign:
        return None
    names = ", ".join(foreign[:_SHOWN]) + _more(foreign)
    if is_report:
        return f"holds a report and files mcsim did not write ({names}; move them out to replace the report)"
    return f"holds files mcsim did not write ({names})"


def _foreign(folder: Path) -> tuple[list[str], bool]:
    """What in ``folder`` is not a report's file (as relative paths), and whether it holds a report."""
    listed = _listed(folder / "summary.json")
    top = sorted(os.scandir(folder), key=lambda entry: entry.name)
    if listed is None:
        return [entry.name + ("/" if entry.is_dir(follow_symlinks=False) else "") for entry in top], False
    foreign = []
    for entry in top:
        if entry.name in _FOLDERS and entry.is_dir(follow_symlinks=False):
            for inner in sorted(os.scandir(entry.path), key=lambda entry: entry.name):
                if not _belongs(f"{entry.name}/{inner.name}", inner, listed):
                    foreign.append(f"{entry.name}/{inner.name}" + ("/" if inner.is_dir(follow_symlinks=False) else ""))
        elif not _belongs(entry.name, entry, listed):
            foreign.append(entry.name + ("/" if entry.is_dir(follow_symlinks=False) else ""))
    return foreign, True


def _belongs(name: str, entry: os.DirEntry, listed: frozenset[str]) -> bool:
    """Whether ``name`` is a file of the kind a report holds (and, if the report lists its files, listed)."""
    if not entry.is_file(follow_symlinks=False) or (listed and name not in listed):
        return False
    folder, _, leaf = name.rpartition("/")
    return (not folder and leaf in _TOP) or (folder in _FOLDERS and leaf.endswith(_FOLDERS[folder]))


def _listed(summary: Path) -> frozenset[str] | None:
    """The files a report's summary.json lists; empty for an older report; None if not mcsim's."""
    if summary.is_symlink() or not summary.is_file():
        return None
    try:
        data = json.loads(summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("mcsim_version"), str):
        return None
    manifest = data.get("manifest")
    if isinstance(manifest, dict) and isinstance(manifest.get(FILES_KEY), list):
        return frozenset(name for name in manifest[FILES_KEY] if isinstance(name, str))
    older_run = isinstance(manifest, dict) and isinstance(manifest.get("inputs"), dict)
    older_comparison = manifest is None and isinstance(data.get("scenarios"), list)
    return frozenset() if older_run or older_comparison else None


def _more(items: list) -> str:
    return f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""


def _spelt(given: str, existing: str) -> str:
    """``existing`` (an absolute ancestor of ``given``) spelt as ``given`` spells it."""
    path = given
    while os.path.abspath(path) != existing and path not in ("", os.sep):
        path = os.path.dirname(path)
    return path or existing


def new_folder(path: str | Path, *, inside: bool = False, suffix: str = "report") -> str:
    """A path beside ``path`` that does not exist (notes.txt -> notes-report, notes-report-2, ...) or inside it."""
    folder, name = os.path.split(os.path.normpath(path))
    if inside or name in ("", ".", ".."):
        folder, name = os.path.normpath(path), suffix
    else:
        name = f"{Path(name).stem}-{suffix}"
    candidate, count = os.path.join(folder, name), 1
    while os.path.lexists(candidate):
        count += 1
        candidate = os.path.join(folder, f"{name}-{count}")
    return os.path.normpath(candidate)


def comparison_inputs(scenarios, figures: str, lang: str) -> dict:
    """What a comparison is made from, as its manifest's ``inputs`` records it: mcsim's code, the figure style and
    language, and each scenario's stem, report folder and ``summary.json``'s sha256 (see
    :class:`mcsim.batch.Scenario`)."""
    from mcsim.inputs.sources import code_sha256

    return {"mcsim_sha256": code_sha256(), "figures": figures, "lang": lang,
            "scenarios": [[s.stem, Path(s.report).as_posix(), s.summary_sha256] for s in scenarios]}


def comparison_is_current(scenarios, target: str | Path, *, figures: str, lang: str) -> bool:
    """Whether the comparison in ``target`` was made by this code from these scenarios' very summaries, in this
    figure style and language, and still has every file it wrote: writing it again would give it again."""
    target = Path(target)
    try:
        manifest = json.loads((target / "summary.json").read_text(encoding="utf-8")).get("manifest", {})
    except (OSError, ValueError, AttributeError):
        return False
    if not isinstance(manifest, dict) or manifest.get("inputs") != comparison_inputs(scenarios, figures, lang):
        return False
    files = manifest.get(FILES_KEY)
    return isinstance(files, list) and all(isinstance(f, str) and (target / f).is_file() for f in files)
