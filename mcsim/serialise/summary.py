"""``summary.json``: the numbers of a run that users' scripts rely on, from the typed :class:`~mcsim.result.Result`.

Its layout is published as a JSON Schema (``summary.schema.json`` in this package, see
:func:`mcsim.serialise.schema`). The few sentences it holds (a claim's verdict, why a mean is or
is not a summary, the likelihood terms) are the report's words: the caller passes them as
:class:`Words` (the report layer's :mod:`mcsim.report.summary_words`), so that this module knows
nothing of the report.
"""

from __future__ import annotations

import json
import math
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mcsim._version import __version__
from mcsim.analysis.tails import TailIndex
from mcsim.errors import PYTHON
from mcsim.inputs.claims import QUOTE_KEYS
from mcsim.inputs.runs import REPORT_SETTINGS
from mcsim.inputs.sources import CODE_ROOT, code_sha256
from mcsim.result import ClaimResult, OutputStats, Result
from mcsim.serialise.posterior import POSTERIOR_MEANS, posterior_summary
from mcsim.serialise.sections import (
    HEAVY_TAIL_MEANS,
    SHARES_MEAN,
    discovery_summary,
    heavy_tail_summary,
    median_attribution_summary,
    sensitivity_summary,
    tipping_summary,
    value_of_information_summary,
)

__all__ = ["Words", "build_summary", "command", "dumps", "manifest", "plain", "verdict_summary", "versions"]

DEPENDENCIES = ("numpy", "scipy", "SALib", "PRIM", "numba", "xarray", "netCDF4", "matplotlib")


class Words(Protocol):
    """The words ``summary.json`` holds that the report makes (English: the summary is for scripts).

    Any object with these four functions will do; a module does (:mod:`mcsim.report.summary_words`).
    """

    def term(self, probability: float) -> str:
        """A probability's term on the calibrated likelihood scale."""

    def straddle(self, probability: float, ci: tuple[float, float]) -> tuple[str, ...]:
        """The other terms the probability's interval reaches."""

    def tail_why(self, index: TailIndex | None) -> str:
        """Why an output's mean is, or is not, a summary of it, in one sentence."""

    def claim_sentence(self, claim: ClaimResult, result: Result) -> str:
        """A claim's verdict in one sentence."""


def plain(value: Any) -> Any:
    """Convert numpy scalars and arrays to JSON-ready Python values; infinite or NaN become None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()] if value.ndim else plain(value.item())
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def versions() -> dict[str, str]:
    """The versions of Python, mcsim and its dependencies (:data:`DEPENDENCIES`)."""
    found = {"python": platform.python_version(), "mcsim": __version__}
    for name in DEPENDENCIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def manifest(result: Result) -> dict[str, Any]:
    """What reruns the report: versions, every input file with its sha256, and the run's settings.

    The inputs include the model (as the run file names it, the file or package it was imported
    from, and the sha256 of its source); ``code`` holds the sha256 of mcsim's own ``.py`` files
    (see :mod:`mcsim.inputs.sources`). ``mcsim run --from summary.json`` reads it back (see
    :mod:`mcsim.inputs.rerun`); ``mcsim batch`` compares it (see :mod:`mcsim.batch`).
    """
    spec = result.spec
    folder = os.path.dirname(os.path.abspath(spec.file))  # every path is relative to the run file's folder
    inputs = {"run": {"path": os.path.basename(spec.file), "sha256": spec.sha256},
              "priors": {"path": _relative(spec.priors.file, folder), "sha256": spec.priors.sha256}}
    bibliography = spec.priors.bibliography
    if bibliography is not None:
        inputs["bibliography"] = {"path": _relative(bibliography.file, folder), "sha256": bibliography.sha256}
    source = spec.model_source
    if source is not None:
        path = source.path and os.pathsep.join(_relative(p, folder) for p in source.path.split(os.pathsep))
        inputs["model"] = {"name": source.name, "module": source.module, "path": path, "sha256": source.sha256}
    settings = {"samples": spec.samples, "seed": spec.seed, "sampler": spec.sampler, "model": spec.model.name,
                "chunk_size": spec.chunk_size, "keep_samples": spec.keep_samples}
    for key in ("workers", "scheduler", "target_se", "figures", "lang"):  # the engine's and the report's
        if hasattr(spec, key):
            settings[key] = getattr(spec, key)
    return {
        "versions": versions(),
        "inputs": inputs,
        "settings": settings,
        "code": {"mcsim": {"path": _relative(str(CODE_ROOT), folder), "sha256": code_sha256()}},
        "command": command(spec) if spec.file != PYTHON else "mcsim.run(...) in Python",
        "rerun": "mcsim run --from summary.json --out DIR checks the sha256 of every input file and of the "
                 "model's source, then reruns" if spec.file != PYTHON else
                 "made in Python without a run file: it cannot be rerun from files",
    }


def _relative(path: str, folder: str) -> str:
    """``path`` as a published report may show it: mcsim's own files from its package (``mcsim/models/...``),
    others relative to ``folder`` (the run file's), never from the author's home folder."""
    path = os.path.abspath(path)
    installed = os.path.dirname(str(CODE_ROOT))
    if os.path.commonpath([path, str(CODE_ROOT)]) == str(CODE_ROOT):
        return Path(os.path.relpath(path, installed)).as_posix()
    return Path(os.path.relpath(path, folder)).as_posix()


def _as_named(path: str) -> str:
    """A file as the command line named it, unless that names folders above the current one (a home folder):
    then relative to the current folder if inside it, else its name alone."""
    if not os.path.isabs(path):
        return path
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else os.path.basename(path)


def command(spec) -> str:
    """The command that runs ``spec`` again: its samples and seed, and its report settings where not the defaults."""
    options = "".join(f" --{key} {getattr(spec, key)}" for key, allowed in REPORT_SETTINGS.items()
                      if getattr(spec, key) != allowed[0])
    return f"mcsim run {_as_named(spec.file)} --samples {spec.samples} --seed {spec.seed}{options}"


def _undefined(entry: dict[str, Any], samples: int) -> dict[str, str]:
    """Statistics that are null because they are undefined, not infinite: say which and why.

    With no finite sample the mean is undefined; with fewer than two, the sd.
    """
    finite = samples * (1.0 - np.asarray(entry.get("p_never", 0.0), dtype=float))
    found = {}
    if np.any(finite < 0.5):
        entry["mean"] = np.where(finite < 0.5, np.nan, entry["mean"])
        found["mean"] = "no sample is finite"
    if np.any(finite < 1.5):
        entry["sd"] = np.where(finite < 1.5, np.nan, entry["sd"])
        found["sd"] = "fewer than two samples are finite" if samples > 1 else "a single sample has no sd"
    return found


def _statistics(stats: OutputStats, grid: str = "users") -> dict[str, Any]:
    """An output's statistics; a gridded output's under the name of its grid (``users``, ``months``)."""
    entry: dict[str, Any] = {} if stats.users is None else {grid: stats.users}
    entry.update({"mean": stats.mean, "sd": stats.sd, "p05": stats.p05, "p50": stats.p50, "p95": stats.p95})
    if stats.p_never is not None:
        entry["p_never"] = stats.p_never
    if stats.p_positive is not None:
        entry["p_positive"] = stats.p_positive
    return entry


def verdict_summary(result: Result, words: Words) -> dict[str, Any]:
    """The ``verdict`` section."""
    verdict = result.verdict
    claims = {}
    for name, cv in verdict.claims.items():
        c = result.claims[name]
        claims[name] = {
            "probability": c.probability, "ci95": list(c.ci95), "holds_at_point": c.holds_at_point,
            "drivers": {"of": cv.drivers_of, "by": cv.drivers[0].measure[0] if cv.drivers else None,
                        "ST": [{"input": d.input, "ST": d.st, "ST_conf": d.st_conf,
                                **({"shapley": d.shapley, "shapley_conf": d.shapley_conf}
                                   if d.shapley is not None else {})} for d in cv.drivers]},
            "tipping_points": [tipping_summary(t) for t in cv.tipping],
            "discovery": discovery_summary(cv.discovery),
            "no_driver": None if cv.no_driver is None else str(cv.no_driver),
            "sentence": words.claim_sentence(c, result),
        }
    summary: dict[str, Any] = {"claims": claims}
    if verdict.map is not None:
        the_map = verdict.map
        summary["map"] = {"output": the_map.output, "x": the_map.x_name, "y": the_map.y_name,
                          "chosen_by": str(verdict.map_chosen_by) if verdict.map_chosen_by else "",
                          "contour": result.claims[verdict.map_claim].claim.value if verdict.map_claim else None}
    return summary


def build_summary(result: Result, words: Words) -> dict[str, Any]:
    """The content of ``summary.json``: plain JSON-ready values, the verdict's analysis included.

    Parameters
    ----------
    result : Result
        The run.
    words : Words
        The report's words for the sentences the summary holds (:mod:`mcsim.report.summary_words`).
    """
    spec = result.spec
    outputs = {}
    for out in spec.model.outputs:
        entry = _statistics(result.outputs[out.name], spec.grid.name)
        entry["unit"] = out.unit
        if out.infinite_means is not None:
            entry["null_means"] = f"+infinity: {out.infinite_means}"
        undefined = _undefined(entry, result.samples)
        if undefined:
            entry["undefined"] = {key: f"null: {why}, not infinite" for key, why in undefined.items()}
        if out.name in result.medians:
            entry["median_attribution"] = median_attribution_summary(result.medians[out.name])
        if out.name in result.tails:
            index = result.tails[out.name]
            entry["heavy_tail"] = heavy_tail_summary(index, words.tail_why(index))
        if out.name in result.published_shares and spec.published is not None:
            entry["published"] = {"value": spec.published.value(out.name)[0],
                                  "share_at_or_below": result.published_shares[out.name]}
        outputs[out.name] = entry
    claims = {
        name: {
            "probability": c.probability, "se": c.se, "ci95": list(c.ci95), "samples": c.samples,
            "likelihood": words.term(c.probability),
            "likelihood_straddles": " and ".join(words.straddle(c.probability, c.ci95)) or None,
            "text": c.claim.text, "test": c.claim.describe(), "holds_at_point": c.holds_at_point,
            "value_at_point": c.value_at_point,
            **({"reading_of": c.claim.reading_of} if c.claim.reading_of is not None else {}),
            **({key: getattr(c.claim, key) for key in QUOTE_KEYS} if c.claim.quote else {}),
            **({c.claim.grid: c.claim.at} if c.claim.at is not None else {}),
        }
        for name, c in result.claims.items()
    }
    summary = {
        "mcsim_version": __version__,
        "run": {
            "title": spec.title,
            **({"title_fr": spec.title_fr} if spec.title_fr else {}),
            "samples": result.samples,
            "samples_requested": result.samples_requested,
            "stopped_early": result.stopped_early,
            "sampler": spec.sampler,
            "seed": spec.seed,
            "priors_sha256": spec.priors.sha256,
            "run_file": _as_named(spec.file),
            "run_sha256": spec.sha256,
            "priors_file": _as_named(spec.priors.file),
            "model": spec.model.name,
            **({spec.grid.name: list(spec.grid_values)} if spec.model.gridded else {}),  # a scalar model has none
            "figures": spec.figures,
            "lang": spec.lang,
            "overrides": list(spec.overridden),
            "chunk_size": spec.chunk_size,
        },
        "manifest": manifest(result),
        "notes": {
            "null": "null stands for an infinite value (see each output's null_means); JSON has no infinity. "
                    "Where an output lists 'undefined', those statistics are null because they are undefined.",
            "moments": "mean and sd are over the finite samples; p_never is the share that is infinite.",
            "quantiles": "p05, p50, p95 are empirical order statistics over all samples, infinite included.",
            "median_attribution": SHARES_MEAN,
            "heavy_tail": HEAVY_TAIL_MEANS,
            "claims": "se is the binomial standard error; ci95 is Wilson's score interval. likelihood is the "
                      "probability's term on the IPCC's calibrated scale (Mastrandrea et al. 2010; a boundary takes "
                      "the term nearer the end of the scale); likelihood_straddles the other term(s) ci95 reaches "
                      "(joined by ' and ' when several), null when it stays within the term.",
        },
        "outputs": outputs,
        "claims": claims,
    }
    if result.sensitivity is not None:
        summary["sensitivity"] = sensitivity_summary(result.sensitivity)
    if result.value_of_information is not None:
        summary["value_of_information"] = value_of_information_summary(result.value_of_information)
    if result.posterior is not None:
        summary["posterior"] = posterior_summary(result.posterior, spec.priors, words)
        summary["notes"]["posterior"] = POSTERIOR_MEANS
    summary["verdict"] = verdict_summary(result, words)
    return plain(summary)


def dumps(summary: dict[str, Any]) -> str:
    """JSON text, refusing NaN and infinity (they are not JSON)."""
    return json.dumps(summary, indent=2, allow_nan=False) + "\n"
