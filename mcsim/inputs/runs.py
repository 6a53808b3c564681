"""Run files (``runs/*.toml``): loading and validation into a frozen :class:`RunSpec`.

See DESIGN section 3.2. The run's priors file is loaded too, the run's overrides applied, and
the result checked against the run's model, so a run that loads is a run that can start.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcsim.analysis.sensitivity.spec import SensitivitySpec, parse_sensitivity
from mcsim.inputs.claims import OPERATORS, Claim, parse_claims
from mcsim.inputs.errors import InputError, Problem, Problems, did_you_mean, is_number, show, unknown_keys, whole
from mcsim.inputs.files import MISSING, read_toml
from mcsim.inputs.priors import Prior, Priors, check_against_model, load_priors, parse_prior
from mcsim.inputs.sources import ModelSource, model_source
from mcsim.models import DEFAULT_MODEL, Model, Reference, resolve
from mcsim.models.check import undefined_outputs
from mcsim.models.points import DEFAULT_USERS

__all__ = ["COMMAND_LINE", "DEFAULT_MODEL", "DEFAULT_USERS", "OPERATORS", "SAMPLERS", "Claim", "RunSpec",
           "check_priors", "load_run"]

RUN_KEYS = ("title", "priors", "model", "reference", "samples", "sampler", "seed", "users", "chunk_size",
            "keep_samples", "workers", "scheduler", "target_se")
TOP_KEYS = ("run", "overrides", "claims", "sensitivity")
SAMPLERS = ("random", "lhs", "sobol")  # plain Monte Carlo, Latin hypercube, scrambled Sobol (compute.sampling)
DEFAULT_CHUNK = 1 << 18
DEFAULT_KEEP = 1 << 12
COMMAND_LINE = ("command line", "--")  # where replaced settings come from: a file and a field prefix


@dataclass(frozen=True)
class RunSpec:
    """A validated run: everything needed to start it, nothing read from disk afterwards."""

    title: str
    file: str
    sha256: str
    priors: Priors
    model: Model
    samples: int
    sampler: str
    seed: int
    users: tuple[float, ...]
    claims: tuple[Claim, ...] = ()
    sensitivity: SensitivitySpec | None = None
    chunk_size: int = DEFAULT_CHUNK
    keep_samples: int = DEFAULT_KEEP
    overridden: tuple[str, ...] = field(default=())
    workers: int = 0  # processes for the chunks; 0: one per available core
    scheduler: str = "local"  # "local", "dask" (a local Dask cluster) or a Dask scheduler's address
    target_se: float | None = None  # stop once every claim's standard error is at most this
    model_source: ModelSource | None = None  # where the model was imported from, and its source's sha256
    reference: str = ""  # the publication the run reproduces ([run] reference), else its priors' [meta] reference

    @property
    def stem(self) -> str:
        return Path(self.file).stem

    @property
    def published(self) -> Reference | None:
        """What the publication the run reproduces printed, if its model knows it (see :class:`Reference`)."""
        return self.model.reference(self.reference or self.priors.reference)


def load_run(path: str | Path, *, samples: int | None = None, seed: int | None = None,
             given_by: tuple[str, str] = COMMAND_LINE) -> RunSpec:
    """Load and validate a run file, its priors and its overrides.

    Parameters
    ----------
    path : str or Path
        A run file in the format of DESIGN section 3.2.
    samples, seed : int, optional
        Replace the file's values (the command line's ``--samples`` and ``--seed``).
    given_by : (str, str)
        Where ``samples`` and ``seed`` come from, for messages: a file (or ``"command line"``) and
        the prefix of their field (``"--"`` makes ``--samples``).

    Raises
    ------
    InputError
        Every problem in the run file, then in its priors file, one line each.
    """
    file = str(path)
    content, sha256 = read_toml(path)
    problems = Problems(file)
    unknown_keys(content, TOP_KEYS, "", problems)
    run = content.get("run")
    if not isinstance(run, dict):
        problems.add("[run]", "is missing: a run file needs a [run] table with at least 'priors'")
        problems.raise_if_any()
    unknown_keys(run, RUN_KEYS, "[run]", problems)

    replaced = {key: value for key, value in (("samples", samples), ("seed", seed)) if value is not None}
    run = {**run, **replaced}

    def bad_setting(key: str, message: str) -> None:  # a replaced value is the command line's problem
        if key in replaced:
            problems.extend([Problem(given_by[0], f"{given_by[1]}{key}", message)])
        else:
            problems.add(f"[run] {key}", message)

    title = run.get("title", Path(file).stem)
    if not isinstance(title, str) or not title.strip():
        problems.add("[run] title", f"= {show(title)} is invalid: must be a non-empty string")
    n = run.get("samples", 1 << 16)
    if not whole(n, 1, 1 << 40):
        bad_setting("samples", f"= {show(n)} is invalid: must be a whole number from 1 to 2**40")
        n = None
    sampler = run.get("sampler", "sobol")
    if sampler not in SAMPLERS:
        problems.add("[run] sampler", f"= {show(sampler)} is unknown{did_you_mean(str(sampler), SAMPLERS)} "
                     f"(allowed: {', '.join(SAMPLERS)})")
    elif sampler == "sobol" and n is not None and int(n) & (int(n) - 1):
        below, above = 1 << (int(n).bit_length() - 1), 1 << int(n).bit_length()
        of = f" (the sampler of {file})" if "samples" in replaced else ""
        bad_setting("samples", f"= {int(n)} is invalid with sampler sobol{of}: Sobol points keep their "
                    f"balance only in powers of 2 (nearest: {below} or {above})")
    run_seed = run.get("seed", 0)
    if not whole(run_seed, 0, 2**63 - 1):
        bad_setting("seed", f"= {show(run_seed)} is invalid: must be a whole number >= 0")
    chunk = run.get("chunk_size", DEFAULT_CHUNK)
    if not whole(chunk, 1):
        problems.add("[run] chunk_size", f"= {show(chunk)} is invalid: must be a whole number >= 1")
    keep = run.get("keep_samples", DEFAULT_KEEP)
    if not whole(keep, 0):
        problems.add("[run] keep_samples", f"= {show(keep)} is invalid: must be a whole number >= 0 "
                     "(per-sample values kept in results.nc)")
    workers = run.get("workers", 0)
    if not whole(workers, 0, 4096):
        problems.add("[run] workers", f"= {show(workers)} is invalid: must be a whole number from 0 to 4096 "
                     "(0: one per available core)")
    scheduler = run.get("scheduler", "local")
    if not isinstance(scheduler, str) or not scheduler.strip():
        problems.add("[run] scheduler", f"= {show(scheduler)} is invalid: must be \"local\", \"dask\" (a local "
                     "Dask cluster) or a Dask scheduler's address such as \"tcp://host:8786\"")
        scheduler = "local"
    target_se = run.get("target_se")
    if target_se is not None and not (is_number(target_se) and 0 < target_se < 0.5):
        problems.add("[run] target_se", f"= {show(target_se)} is invalid: must be a number in (0, 0.5) "
                     "(the standard error at which every claim's probability is known well enough)")
        target_se = None
    users = run.get("users", list(DEFAULT_USERS))
    if not (isinstance(users, list) and users and all(is_number(u) and math.isfinite(u) and u > 0
                                                      for u in users)):
        problems.add("[run] users", f"= {show(users)} is invalid: must be a non-empty list of numbers > 0")
        users = None
    elif sorted(set(users)) != list(users):
        problems.add("[run] users", f"= {show(users)} is invalid: must be strictly increasing")
        users = None

    model_name = run.get("model")  # not given: the model its priors file names, else the default
    model = None
    if "model" in run:
        if not isinstance(model_name, str):
            problems.add("[run] model", f"= {show(model_name)} is invalid: must be a string")
        else:
            try:
                model = resolve(model_name, near=Path(file).parent)
            except LookupError as error:
                problems.add("[run] model", f"= {show(model_name)} {error}")

    priors = None
    priors_path = None
    priors_ref = run.get("priors")
    if not isinstance(priors_ref, str) or not priors_ref:
        problems.add("[run]", "is missing 'priors' (a priors file, relative to this run file)"
                     if priors_ref is None else f"priors = {show(priors_ref)} must be a path")
    else:
        priors_path = os.path.normpath(Path(file).parent / priors_ref)
        try:
            priors = load_priors(priors_path)
        except InputError as error:
            if error.problems == (Problem(priors_path, "", MISSING),):
                relative = "" if os.path.isabs(priors_ref) else ", relative to the run file"
                problems.add("[run] priors", f"= {show(priors_ref)} {MISSING} "
                             f"(looked for {os.path.abspath(priors_path)}{relative})")
            else:
                problems.extend(error.problems)
    fits = True  # the run's model is the one its priors are for
    if "model" not in run:
        model = _model_of(priors, priors_path)
    elif (model is not None and priors is not None and priors.model
          and _resolved(priors.model, priors.file) not in (None, model)):
        problems.add("[run] model", f"= {show(model_name)} is not the model its priors file is for ({priors.file}: "
                     f"[meta] model = {show(priors.model)}); name the same model in both, or leave out [run] model")
        fits = False
    reference = run.get("reference", "")
    if not isinstance(reference, str):
        problems.add("[run] reference", f"= {show(reference)} is invalid: must be a string naming a publication "
                     "the model reproduces")
        reference = ""
    elif reference and model is not None and model.reference(reference) is None:
        known = [r.name for r in model.references]
        problems.add("[run] reference", f"= {show(reference)} is not a publication model {model.name} reproduces"
                     f"{did_you_mean(reference, known)} (known: {', '.join(map(show, known)) or 'none'})")

    source = None
    if model is not None:
        named = model_name if "model" in run else (priors.model if priors is not None else None) or DEFAULT_MODEL
        try:
            source = model_source(named, model)
        except OSError as error:
            problems.add("[run] model", f"= {show(named)}: its source cannot be read to record its sha256: "
                         f"{error.strerror or error} ({show(error.filename)})")
            model = None

    overrides = _parse_overrides(content.get("overrides", {}), problems)
    if priors is not None and model is not None and fits:
        for prior in overrides:
            if prior.name not in priors.names:
                problems.add(f"[overrides.{prior.name}]", "overrides no input of the priors file"
                             f"{did_you_mean(prior.name, priors.names)} (inputs: {', '.join(priors.names)})")
        priors = priors.with_overrides(overrides)
        model_problems = Problems(priors.file)
        check_against_model(priors, model, model_problems, overrides=problems,
                            overridden=[o.name for o in overrides])
        problems.extend(model_problems.items)

    claims = parse_claims(content.get("claims", []), model, users, problems)
    sensitivity = parse_sensitivity(content.get("sensitivity"), model, problems)
    if not problems and priors is not None and model is not None:
        for sentence in undefined_outputs(priors, model, users):
            problems.add("[run]", f"cannot be computed in double precision: {sentence} (model {model.name}); "
                         "narrow the priors or the users grid")
    problems.raise_if_any()
    return RunSpec(title=title.strip(), file=file, sha256=sha256, priors=priors, model=model,
                   samples=int(n), sampler=sampler, seed=int(run_seed), users=tuple(float(u) for u in users),
                   claims=claims, sensitivity=sensitivity, chunk_size=int(chunk), keep_samples=int(keep),
                   overridden=tuple(o.name for o in overrides), workers=int(workers), scheduler=scheduler.strip(),
                   target_se=None if target_se is None else float(target_se), model_source=source,
                   reference=reference)


def check_priors(path: str | Path) -> tuple[Priors, Model]:
    """Load a priors file and check it as a run of it would be checked before sampling.

    The priors are checked against the model they name (``[meta] model``, else
    :data:`DEFAULT_MODEL`) and, as a run with the default users grid would be, for outputs the
    model cannot compute anywhere in their range (:func:`mcsim.models.check.undefined_outputs`).

    Raises
    ------
    InputError
        Every problem in the priors file, one line each.
    """
    priors = load_priors(path)
    # load_priors has refused a model that does not resolve
    model = resolve(priors.model or DEFAULT_MODEL, near=Path(priors.file).parent)
    problems = Problems(priors.file)
    check_against_model(priors, model, problems)
    if not problems:
        grid = ", ".join(f"{u:g}" for u in DEFAULT_USERS)
        for sentence in undefined_outputs(priors, model, DEFAULT_USERS):
            problems.add("[inputs]", f"cannot be computed in double precision: {sentence} (model {model.name}, "
                         f"users {grid}); narrow the priors")
    problems.raise_if_any()
    return priors, model


def _resolved(name: str, file: str | None) -> Model | None:
    """The model called ``name`` in a priors file ``file`` (a module beside it is found), or None."""
    try:
        return resolve(name, near=Path(file).parent if file else None)
    except LookupError:  # a priors file's problem, reported with it
        return None


def _model_of(priors: Priors | None, path: str | None) -> Model | None:
    """The model of a run that names none: its priors file's ``[meta] model``, else the default.

    When the priors file did not load, its ``[meta] model`` is read if the file can be; None when
    the priors name a model that does not resolve (a problem of the priors file).
    """
    name = priors.model if priors is not None else ""
    if priors is None and path is not None:
        try:
            content, _ = read_toml(path)
        except InputError:
            content = {}
        meta = content.get("meta")
        name = meta.get("model") if isinstance(meta, dict) and isinstance(meta.get("model"), str) else ""
    return _resolved(name or DEFAULT_MODEL, priors.file if priors is not None else path)


def _parse_overrides(table: Any, problems: Problems) -> list[Prior]:
    if not isinstance(table, dict):
        problems.add("[overrides]", "must be a table of [overrides.NAME] tables")
        return []
    result = []
    for name, entry in table.items():
        prior = parse_prior(name, entry, f"[overrides.{name}]", problems)
        if prior is not None:
            result.append(prior)
    return result
