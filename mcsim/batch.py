"""Batches of runs (``mcsim batch RUN.toml...``): run what is out of date, then compare the scenarios.

A run's report is **up to date** when its ``summary.json`` records the same run file and priors
file (sha256), the same model source (sha256 of the model's file, or of its package's files),
the same mcsim version and code (sha256 of its ``.py`` files, see :mod:`mcsim.inputs.sources`) and the
same settings (samples, sampler, seed: the run file's, or the command line's
``--samples``/``--seed``); such a run is skipped unless ``force``. A model with no source file
to compare is never up to date.
Every run's report, and then ``reports/comparison/``, is written whole or not at all.

This module reads the reports it compares (``summary.json``, the kept samples of
``results.nc``); :mod:`mcsim.report.comparison` writes the comparison.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from mcsim._version import __version__
from mcsim.inputs.errors import InputError, Problem
from mcsim.inputs.sources import code_sha256, file_sha256, tree_sha256

if TYPE_CHECKING:
    from mcsim.inputs.runs import RunSpec

__all__ = ["COMPARISON", "Job", "Scenario", "fingerprint", "load_scenario", "plan", "run_batch", "staleness"]

COMPARISON = "comparison"
SETTINGS = ("samples", "sampler", "seed", "figures", "lang")
REPORT_FILES = ("report.md", "report.html", "results.nc")  # without them a report is incomplete, so stale


@dataclass(frozen=True)
class Job:
    """One run of a batch: its spec, its report directory, and why it must run (empty: up to date)."""

    spec: RunSpec
    out: Path
    reasons: tuple[str, ...]

    @property
    def todo(self) -> bool:
        return bool(self.reasons)


def fingerprint(spec: RunSpec) -> dict[str, Any]:
    """What a report must record to be up to date with ``spec``."""
    return {"mcsim_version": __version__, "mcsim_sha256": code_sha256(), "run_sha256": spec.sha256,
            "priors_sha256": spec.priors.sha256,
            "model_sha256": spec.model_source.sha256 if spec.model_source is not None else None,
            "bibliography_sha256": spec.priors.bibliography.sha256 if spec.priors.bibliography is not None else None,
            **{key: getattr(spec, key) for key in SETTINGS}}


def _at(tree: Any, *keys: str) -> Any:
    for key in keys:
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def _recorded(out: Path) -> dict[str, Any] | None:
    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict):
        return None
    return {"mcsim_version": summary.get("mcsim_version"),
            "mcsim_sha256": _at(summary, "manifest", "code", "mcsim", "sha256"),
            "model_sha256": _at(summary, "manifest", "inputs", "model", "sha256"),
            "bibliography_sha256": _at(summary, "manifest", "inputs", "bibliography", "sha256"),
            **{key: _at(summary, "run", key) for key in ("run_sha256", "priors_sha256", *SETTINGS)}}


_SAID = {"mcsim_version": "mcsim version", "mcsim_sha256": "mcsim code changed", "run_sha256": "run file changed",
         "priors_sha256": "priors file changed", "model_sha256": "model source changed",
         "bibliography_sha256": "bibliography changed"}
_UNRECORDED = {"mcsim_sha256": "no sha256 of mcsim's code recorded", "model_sha256": "no model sha256 recorded"}


def staleness(spec: RunSpec, out: Path) -> tuple[str, ...]:
    """Why the report in ``out`` is not up to date with ``spec``; empty when it is."""
    recorded = _recorded(out)
    if recorded is None:
        return ("no report",)
    missing = [name for name in REPORT_FILES if not (out / name).is_file()]
    if missing:
        return (f"report incomplete (no {', '.join(missing)})",)
    reasons = []
    for key, value in fingerprint(spec).items():
        if key == "model_sha256" and value is None:
            reasons.append("the model has no source file to compare")
        elif recorded.get(key) is None and key in _UNRECORDED:
            reasons.append(_UNRECORDED[key])
        elif recorded.get(key) != value:
            reasons.append(_SAID.get(key, f"{key} {recorded.get(key)} -> {value}"))
    return tuple(reasons)


def plan(paths: list[str | Path], *, reports: str | Path = "reports", samples: int | None = None,
         seed: int | None = None, force: bool = False, **report: str | None) -> list[Job]:
    """Load every run file (all problems of all files raised together) and decide what must run.

    ``report`` replaces the run files' ``[report]`` settings (``figures``, ``lang``) where not None.
    """
    from mcsim.inputs.runs import load_run, with_settings

    problems: list[Problem] = []
    specs: list[RunSpec] = []
    replaced = {key: value for key, value in report.items() if value is not None}
    # a file named twice runs once, where first named: `batch runs/base.toml runs/*.toml` puts the baseline first
    first: dict[str, str | Path] = {}
    for path in paths:
        first.setdefault(os.path.realpath(path), path)
    paths = list(first.values())
    for path in paths:
        try:
            spec = load_run(path, samples=samples, seed=seed)
            specs.append(with_settings(spec, **replaced) if replaced else spec)
        except InputError as error:
            problems.extend(error.problems)
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.stem == COMPARISON:
            problems.append(Problem(spec.file, "file name", f"'{COMPARISON}' is reserved: the batch writes its "
                                    f"comparison to {Path(reports) / COMPARISON}; rename the run file"))
        elif spec.stem in seen:
            problems.append(Problem(spec.file, "file name", f"has the same stem as {seen[spec.stem]}: both would "
                                    f"write {Path(reports) / spec.stem}; rename one"))
        seen.setdefault(spec.stem, spec.file)
    if problems:  # a bad --samples or --seed is found in every run file: said once
        raise InputError(dict.fromkeys(problems))
    jobs = []
    for spec in specs:
        out = Path(reports) / spec.stem
        reasons = ("forced",) if force else staleness(spec, out)
        jobs.append(Job(spec, out, reasons))
    return jobs


def _check_targets(jobs: list[Job], reports: str | Path) -> None:
    """Refuse the batch, before it runs anything, if a report would go where it could lose something.

    Each run's folder that is to be written, and the comparison's, must be a path that does not
    exist, an empty folder or a report mcsim wrote, holding none of the batch's input files
    (:mod:`mcsim.report.target`).
    """
    from mcsim.report.target import new_folder, refusal, run_inputs

    inputs = [path for job in jobs for path in run_inputs(job.spec)]
    problems, seen = [], set()
    for out in [*(job.out for job in jobs if job.todo), Path(reports) / COMPARISON]:
        found = refusal(out, inputs=inputs)
        if found is None or found.reason in seen:  # "is inside R, which is a file": said once for all
            continue
        if found.reason.startswith("is inside"):
            seen.add(found.reason)
        problems.append(Problem("command line", f"--reports {reports}:", f"{out} {found.reason}; give a new "
                                f"folder, e.g. --reports {new_folder(reports, suffix='new')}"))
    if problems:
        raise InputError(problems)


def _check_forecasts(todo: list[Job], *, given: bool, yes: bool) -> None:
    """Refuse the batch, before it runs anything, if a run is expected to take too long or too much memory."""
    from mcsim.compute.forecast import affordable

    problems = []
    for job in todo:
        try:
            affordable(job.spec, ("command line", f"--samples (for {job.spec.file})") if given else
                       (job.spec.file, "[run] samples"), yes=yes)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)


@dataclass(frozen=True)
class Scenario:
    """What the comparison shows of one run, read from its report."""

    stem: str
    title: str
    report: Path
    summary: dict[str, Any]
    ran: bool  # run by this batch (False: its report was up to date)
    spec: RunSpec | None = None
    summary_sha256: str = ""  # of the summary.json it was read from

    @cached_property
    def kept(self) -> dict[str, np.ndarray]:
        """Each scalar output's kept per-sample values (inf where infinite), read from ``results.nc`` when asked."""
        scalar = [out.name for out in self.spec.model.outputs if not out.per_user] if self.spec is not None else []
        try:
            import xarray as xr

            with xr.open_dataset(self.report / "results.nc", engine="netcdf4") as data:
                return {name: np.asarray(data[name].values, dtype=float) for name in scalar if name in data}
        except (OSError, ValueError):
            return {}


def load_scenario(job: Job, *, ran: bool) -> Scenario:
    """Read a run's ``summary.json`` (its kept samples are read from ``results.nc`` when first asked for)."""
    raw = (job.out / "summary.json").read_bytes()
    return Scenario(job.spec.stem, job.spec.title, job.out, json.loads(raw.decode("utf-8")), ran, job.spec,
                    hashlib.sha256(raw).hexdigest())


# --- progress ------------------------------------------------------------------------------------

@dataclass
class _Display:
    """Two tqdm bars on a terminal (the run's samples, the batch's); one line per run otherwise."""

    jobs: list[Job]
    stream: IO[str]
    started: float = field(default_factory=time.perf_counter)
    done_samples: int = 0
    bar: Any = None
    overall: Any = None

    def __post_init__(self):
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.total = sum(job.spec.samples for job in self.jobs if job.todo)
        if self.tty and self.total:
            from tqdm import tqdm

            self.overall = tqdm(total=self.total, desc="batch", unit="sample", unit_scale=True, file=self.stream,
                                position=0, smoothing=0, dynamic_ncols=True)

    def _eta(self, remaining: int) -> str:
        elapsed = time.perf_counter() - self.started
        if not self.done_samples:
            return "unknown until the first run ends"
        return f"{elapsed / self.done_samples * remaining:.0f} s"

    def start(self, index: int, count: int, job: Job) -> None:
        n = job.spec.samples
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=n, desc=f"[{index}/{count}] {job.spec.stem}", unit="sample", unit_scale=True,
                            file=self.stream, position=1, leave=False, dynamic_ncols=True)
        else:
            print(f"mcsim batch: [{index}/{count}] {job.spec.stem}: {n:,} samples ({', '.join(job.reasons)}); "
                  f"this run's ETA {self._eta(n)}", file=self.stream, flush=True)
        self.seen = 0

    def advance(self, samples: int) -> None:
        delta, self.seen = samples - self.seen, samples
        if self.bar is not None and delta > 0:
            self.bar.update(delta)
            self.overall.update(delta)
            if samples >= self.bar.total:
                self.bar.set_postfix_str("statistics, sensitivity, report")

    def finish(self, job: Job, seconds: float) -> None:
        rest = job.spec.samples - self.seen
        if self.overall is not None and rest > 0:
            self.overall.update(rest)
        if self.bar is not None:
            self.bar.close()
        self.done_samples += job.spec.samples
        remaining = self.total - self.done_samples
        message = f"mcsim batch: {job.spec.stem}: wrote {job.out}/ in {seconds:.1f} s"
        if remaining:
            message += f"; overall ETA {self._eta(remaining)}"
        if self.overall is not None:
            self.overall.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def close(self) -> None:
        if self.overall is not None:
            self.overall.close()


def _unchanged(paths: list[str | Path], reports: str | Path) -> list[Scenario] | None:
    """The scenarios of ``paths`` read from their reports when each report is up to date by its manifest alone: the
    sha256 of its run, priors, bibliography and model files as they are now, mcsim's code and version, and its
    files there. None as soon as one may not be: then :func:`plan` decides, loading each run file."""
    first: dict[str, str | Path] = {}
    for path in paths:
        first.setdefault(os.path.realpath(path), path)
    found: list[Scenario] = []
    for path in map(Path, first.values()):
        out = Path(reports) / path.stem
        if path.stem == COMPARISON or any(s.stem == path.stem for s in found):
            return None  # refused by plan, with its message
        try:
            raw = (out / "summary.json").read_bytes()
            summary = json.loads(raw.decode("utf-8"))
            inputs, folder = summary["manifest"]["inputs"], path.resolve().parent
            current = (summary.get("mcsim_version") == __version__
                       and _at(summary, "manifest", "code", "mcsim", "sha256") == code_sha256()
                       and all((out / name).is_file() for name in REPORT_FILES)
                       and inputs["run"]["sha256"] == file_sha256(path)
                       and all(file_sha256(folder / inputs[role]["path"]) == inputs[role]["sha256"]
                               for role in ("priors", "bibliography") if role in inputs)
                       and _model_unchanged(inputs.get("model"), folder))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if not current:
            return None
        found.append(Scenario(path.stem, summary["run"]["title"], out, summary, False, None,
                              hashlib.sha256(raw).hexdigest()))
    return found or None


def _model_unchanged(model: dict[str, Any] | None, folder: Path) -> bool:
    """Whether a model's source is as the manifest records it: a built-in model is mcsim's code (compared
    already); another, its file or its package's ``.py`` files, found from the run file's folder."""
    if model is None:
        return True
    path, sha256 = model.get("path"), model.get("sha256")
    if not path or not sha256:
        return False  # no source to compare: plan says so
    if path == "mcsim" or path.startswith("mcsim/"):
        return True
    places = [folder / part for part in path.split(os.pathsep)]
    if len(places) == 1 and places[0].is_file():
        return file_sha256(places[0]) == sha256
    return all(place.is_dir() for place in places) and tree_sha256(*places) == sha256


def _execute(spec: RunSpec, display: _Display):
    from mcsim.pipeline import claims_known_to, execute

    rule = claims_known_to(spec.target_se) if getattr(spec, "target_se", None) is not None else None

    def watch(progress) -> bool:  # the engine's stopping hook doubles as a progress report
        display.advance(progress.samples)
        return bool(rule(progress)) if rule is not None else False

    return execute(spec, stop_when=watch)


def run_batch(paths: list[str | Path], *, reports: str | Path = "reports", samples: int | None = None,
              seed: int | None = None, force: bool = False, stream: IO[str] | None = None, yes: bool = False,
              **report: str | None) -> list[Scenario]:
    """Run every out-of-date run of ``paths``, then write ``reports/comparison/``.

    Unless ``yes``, a run expected to sample for more than an hour or to hold more than half the
    machine's memory is refused before any runs (:func:`mcsim.compute.forecast.affordable`).

    Returns
    -------
    list of Scenario
        One per run file, in the order given, with ``ran`` saying whether this batch ran it.
    """
    from mcsim.report.target import comparison_is_current

    stream = stream if stream is not None else sys.stderr
    unchanged = None if force or samples is not None or seed is not None or any(report.values()) else \
        _unchanged(paths, reports)
    if unchanged is not None:  # every report up to date by its manifest: no run file need be loaded
        baseline = unchanged[0].summary["run"]
        if comparison_is_current(unchanged, Path(reports) / COMPARISON, figures=baseline.get("figures"),
                                 lang=baseline.get("lang")):
            for scenario in unchanged:
                print(f"mcsim batch: {scenario.stem}: up to date ({scenario.report}/), skipped", file=stream)
            print(f"mcsim batch: comparison: up to date ({Path(reports) / COMPARISON}/), skipped", file=stream)
            return unchanged
    jobs = plan(paths, reports=reports, samples=samples, seed=seed, force=force, **report)
    _check_targets(jobs, reports)
    todo = [job for job in jobs if job.todo]
    _check_forecasts(todo, given=samples is not None, yes=yes)
    for job in jobs:
        if not job.todo:
            print(f"mcsim batch: {job.spec.stem}: up to date ({job.out}/), skipped", file=stream)
    if todo:
        from mcsim.report import write_report
    display = _Display(jobs, stream)
    try:
        for index, job in enumerate(todo, start=1):
            display.start(index, len(todo), job)
            start = time.perf_counter()
            result = _execute(job.spec, display)
            write_report(result, job.out)
            display.finish(job, time.perf_counter() - start)
    finally:
        display.close()
    scenarios = [load_scenario(job, ran=job.todo) for job in jobs]
    figures = report.get("figures") or jobs[0].spec.figures  # the style asked for, else the baseline's
    target = Path(reports) / COMPARISON
    lang = jobs[0].spec.lang  # the baseline's, which --lang sets for every run
    if not todo and comparison_is_current(scenarios, target, figures=figures, lang=lang):
        print(f"mcsim batch: comparison: up to date ({target}/), skipped", file=stream)
    else:
        from mcsim.report.comparison import write_comparison

        write_comparison(scenarios, target, figures=figures, lang=lang)
    return scenarios
