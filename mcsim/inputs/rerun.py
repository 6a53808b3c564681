"""Rerunning a report from its ``summary.json``: the manifest names every input file and setting.

``mcsim run --from reports/x/summary.json`` finds the run file the manifest names, checks that
it, its priors file and its model's source still have the sha256 recorded, and runs them again
with the recorded samples, seed and settings; the same seed gives the same numbers (DESIGN 3.4, 4).
A manifest written before mcsim recorded the model's sha256 is rerun without that check.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mcsim.inputs.errors import Problems, show, whole
from mcsim.inputs.files import read_json
from mcsim.inputs.runs import RunSpec, load_run, with_settings

__all__ = ["load_rerun"]


def _recorded(summary: dict[str, Any], file: str) -> tuple[dict, dict, Problems]:
    problems = Problems(file)
    manifest = summary.get("manifest")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("inputs"), dict) \
            or not isinstance(manifest.get("settings"), dict):
        problems.add("manifest", "is missing or incomplete: this summary.json was written before mcsim recorded "
                     "its inputs; rerun its run file instead")
        problems.raise_if_any()
    inputs, settings = manifest["inputs"], manifest["settings"]
    for role in ("run", "priors"):
        entry = inputs.get(role)
        if not (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("path", "sha256"))):
            problems.add(f"manifest.inputs.{role}", f"= {show(entry)} is invalid: must hold path and sha256")
    model = inputs.get("model")
    if model is not None and not (isinstance(model, dict) and isinstance(model.get("sha256"), str | None)):
        problems.add("manifest.inputs.model", f"= {show(model)} is invalid: must hold name, path and sha256")
    for key in ("samples", "seed"):
        if not whole(settings.get(key), 0 if key == "seed" else 1):
            problems.add(f"manifest.settings.{key}", f"= {show(settings.get(key))} is invalid: must be a whole number")
    problems.raise_if_any()
    return inputs, settings, problems


def load_rerun(path: str | Path) -> RunSpec:
    """The run that wrote the report whose ``summary.json`` is ``path``, ready to run again.

    Parameters
    ----------
    path : str or Path
        A ``summary.json`` written by ``mcsim run``.

    Returns
    -------
    RunSpec
        The run file as recorded, with the recorded samples, seed, chunk size and engine settings.

    Raises
    ------
    InputError
        If the summary is not one, its manifest is incomplete, a recorded input file is gone, or
        an input file or the model's source changed since (its sha256 differs from the recorded one).
    """
    file = str(path)
    summary = read_json(path)
    inputs, settings, problems = _recorded(summary, file)
    run = inputs["run"]
    here = os.path.dirname(file)
    if isinstance(run.get("from_report"), str):  # the path from the report's folder, else beside it
        candidates = [os.path.normpath(os.path.join(here, run["from_report"])), os.path.join(here, run["path"])]
    else:  # a manifest written before its paths were relative: absolute, then as named where it ran
        candidates = [run.get("absolute"), run["path"], os.path.join(here, run["path"])]
        if os.path.abspath(run["path"]) == run.get("absolute"):
            candidates.insert(0, run["path"])
    found = next((c for c in candidates if isinstance(c, str) and os.path.isfile(c)), None)
    if found is None:
        problems.add("manifest.inputs.run", f"path = {show(run['path'])} names a file that no longer exists "
                     f"(looked for {', '.join(show(c) for c in candidates if isinstance(c, str))})")
        problems.raise_if_any()
    spec = load_run(found, samples=int(settings["samples"]), seed=int(settings["seed"]),
                    given_by=(file, "manifest.settings."))
    bibliography = spec.priors.bibliography
    checked = [("run", spec.sha256, found), ("priors", spec.priors.sha256, spec.priors.file)]
    if isinstance(inputs.get("bibliography"), dict) or bibliography is not None:
        checked.append(("bibliography", bibliography.sha256 if bibliography is not None else "(none)",
                        bibliography.file if bibliography is not None else "the priors"))
    for role, actual, name in checked:
        expected = str((inputs.get(role) or {}).get("sha256"))
        if actual != expected:
            problems.add(f"manifest.inputs.{role}", f"sha256 = {expected[:12]}… but {name} now has {actual[:12]}…: "
                         "the file changed since the report was written; restore it, or run it afresh")
    expected = (inputs.get("model") or {}).get("sha256")
    source = spec.model_source
    if expected is not None and (source is None or source.sha256 != expected):
        now = f"{source.path} now has {source.sha256[:12]}…" if source is not None and source.sha256 is not None \
            else f"model {spec.model.name} now has no source file to compare"
        problems.add("manifest.inputs.model", f"sha256 = {expected[:12]}… but {now}: the model's source changed "
                     "since the report was written; restore it, or run it afresh")
    problems.raise_if_any()
    changes = {key: settings[key] for key in ("chunk_size", "keep_samples", "workers", "scheduler", "target_se",
                                              "figures", "lang")
               if key in settings and hasattr(spec, key)}
    return with_settings(spec, (file, "manifest.settings."), **changes)
