"""Run files (``runs/*.toml``): loading and validation into a frozen :class:`RunSpec`.

The format is in docs/reference/files.md ("Run files"). Its priors file is loaded too, its overrides applied, and
the result checked against the run's model, so a run that loads is a run that can start. A
:class:`RunSpec` built in Python, or changed with :func:`dataclasses.replace`, is checked by the
same functions, with the same messages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mcsim.i18n import LANGUAGES
from mcsim.inputs.claims import OPERATORS, Claim, check_claims, parse_claims
from mcsim.inputs.errors import InputError, Problem, Problems, did_you_mean, is_number, show, unknown_keys, whole
from mcsim.inputs.files import MISSING, read_toml
from mcsim.inputs.model_check import undefined_outputs
from mcsim.inputs.observations import (
    POSTERIOR_KEYS,
    Observation,
    check_observations,
    check_posterior,
    parse_observations,
    parse_posterior,
)
from mcsim.inputs.priors import Prior, Priors, check_against_model, load_priors, override_prior
from mcsim.inputs.sensitivity import SensitivitySpec, check_outputs, parse_sensitivity
from mcsim.inputs.sources import ModelSource, model_source
from mcsim.inputs.tables import Table
from mcsim.inputs.value_of_information import ValueOfInformationSpec, check_payoff, parse_value_of_information
from mcsim.models import DEFAULT_MODEL, Model, Reference, resolve
from mcsim.models.grid import GRIDS, USERS, Grid
from mcsim.models.points import DEFAULT_USERS

__all__ = ["COMMAND_LINE", "DEFAULT_MODEL", "DEFAULT_USERS", "OPERATORS", "REPORT_SETTINGS", "SAMPLERS", "SETTINGS",
           "Claim", "RunSpec",
           "check_computable", "check_fit", "check_grid", "check_priors", "check_reference", "check_same_model",
           "check_settings",
           "load_run", "with_settings"]

RUN_KEYS = ("title", "title_fr", "priors", "model", "reference", "samples", "sampler", "seed", *GRIDS,
            "chunk_size", "keep_samples", "workers", "scheduler", "target_se")
TOP_KEYS = ("run", "overrides", "claims", "sensitivity", "report", "value_of_information", "observations", "posterior")
#: The settings of ``[report]``: how the report is written, with the values each allows (the first is the default).
REPORT_SETTINGS: dict[str, tuple[str, ...]] = {"figures": ("default", "journal", "none"), "lang": LANGUAGES}
SAMPLERS = ("random", "lhs", "sobol")  # plain Monte Carlo, Latin hypercube, scrambled Sobol (compute.sampling)
DEFAULT_CHUNK = 1 << 18
DEFAULT_KEEP = 1 << 12
COMMAND_LINE = ("command line", "--")  # where replaced settings come from: a file and a field prefix
#: The settings of ``[run]`` besides its title, priors and model, with their values when a run file leaves them out.
SETTINGS: dict[str, Any] = {"samples": 1 << 16, "sampler": "sobol", "seed": 0, "chunk_size": DEFAULT_CHUNK,
                            "keep_samples": DEFAULT_KEEP, "workers": 0,
                            "scheduler": "local", "target_se": None, "reference": ""}


@dataclass(frozen=True)
class RunSpec:
    """A validated run: everything needed to start it, nothing read from disk afterwards.

    Built in Python, or changed with :func:`dataclasses.replace`, it is checked as a run file
    is, with the same messages: its settings, its priors against its model (a problem with an
    input names the priors' file, or ``[overrides.NAME]`` for an input in :attr:`overridden`),
    its claims and sensitivity outputs against the model, and the model's outputs over the range
    of the priors. Problems name :attr:`file`.
    """

    title: str
    file: str
    sha256: str
    priors: Priors
    model: Model
    samples: int
    sampler: str
    seed: int
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
    figures: str = "default"  # [report] figures: "default" (for the screen), "journal" (sized for a paper), "none"
    lang: str = "en"  # [report] lang: the language the report is written in
    value_of_information: ValueOfInformationSpec | None = None  # [value_of_information]: EVPI and EVPPI
    grid_values: tuple[float, ...] | None = None  # the points of the model's grid (None: its default; see grid)
    title_fr: str = ""  # [run] title_fr: the title of a report written in French ("": the title)
    observations: tuple[Observation, ...] = ()  # [[observations]]: what the posterior is conditioned on
    min_ess: int = POSTERIOR_KEYS["min_ess"]  # [posterior] min_ess: below it the posterior is not reliable
    max_samples: int = POSTERIOR_KEYS["max_samples"]  # [posterior] max_samples: the most drawn to reach min_ess

    def __post_init__(self) -> None:
        problems = Problems(self.file)
        model = self.model if isinstance(self.model, Model) else None
        kind = model.grid if model is not None else USERS
        values = self.grid_values
        # a model without a grid keeps its grid's default (its function still gets one), which is no grid given
        given = {} if values is None or (model is not None and not model.gridded and values == kind.default) else \
            {kind.name: values}
        run = Table({key: getattr(self, key) for key in ("title", *SETTINGS)} | given, "[run]", problems)
        check_settings(run)
        grid = check_grid(run, kind, given, model=model)
        check_report(Table({key: getattr(self, key) for key in REPORT_SETTINGS}, "[report]", problems))
        check_posterior(Table({key: getattr(self, key) for key in POSTERIOR_KEYS}, "[posterior]", problems))
        if not isinstance(self.title_fr, str):
            run.add("title_fr", f"= {show(self.title_fr)} is invalid: must be a string (a French report's title)")
        if not isinstance(self.priors, Priors):
            run.add("priors", f"= {show(self.priors)} is invalid: must be Priors (mcsim.inputs.priors)")
        if not isinstance(self.model, Model):
            run.add("model", f"= {show(self.model)} is invalid: must be a mcsim.models.Model")
        elif isinstance(self.priors, Priors):
            named = self.model_source.name if self.model_source is not None else self.model.name
            check_reference(run, self.model)
            if check_same_model(run, named, self.model, self.priors):
                check_fit(self.priors, self.model, self.overridden, problems)
            check_claims(self.claims, self.model, grid, problems)
            if self.sensitivity is not None:
                check_outputs(list(self.sensitivity.outputs), self.model, problems)
            if self.value_of_information is not None:
                check_payoff(self.value_of_information.output, self.model, problems,
                             users=self.value_of_information.users)
            check_observations(self.observations, self.model, self.priors, grid, problems)
            if not problems:
                check_computable(self.priors, self.model, grid, problems)
        problems.raise_if_any()
        # a prior that gives no unit is in the unit the model declares for it
        object.__setattr__(self, "priors", self.priors.with_units({s.name: s.unit for s in self.model.inputs}))
        for name, value in (("title", self.title.strip()), ("samples", int(self.samples)), ("seed", int(self.seed)),
                            ("grid_values", grid), ("claims", tuple(self.claims)),
                            ("chunk_size", int(self.chunk_size)), ("keep_samples", int(self.keep_samples)),
                            ("overridden", tuple(self.overridden)), ("workers", int(self.workers)),
                            ("scheduler", self.scheduler.strip()), ("observations", tuple(self.observations)),
                            ("min_ess", int(self.min_ess)), ("max_samples", int(self.max_samples)),
                            ("target_se", None if self.target_se is None else float(self.target_se))):
            object.__setattr__(self, name, value)

    def title_in(self, lang: str) -> str:
        """The run's title in ``lang``: its ``title_fr`` in French where the run file gives one."""
        return self.title_fr.strip() if lang == "fr" and self.title_fr.strip() else self.title

    @property
    def stem(self) -> str:
        return Path(self.file).stem

    @property
    def grid(self) -> Grid:
        """What the model's gridded outputs vary over (users, months, or the model's own grid)."""
        return self.model.grid

    @property
    def published(self) -> Reference | None:
        """What the publication the run reproduces printed, if its model knows it (see :class:`Reference`)."""
        return self.model.reference(self.reference or self.priors.reference)


def with_settings(spec: RunSpec, given_by: tuple[str, str] = COMMAND_LINE, **settings: Any) -> RunSpec:
    """``spec`` with some of its ``[run]`` settings replaced, checked again.

    Raises
    ------
    InputError
        A replaced value that is invalid is reported where it was given: ``given_by`` is a file
        (or ``"command line"``) and the prefix of its fields (``"--"`` makes ``--workers``).
    """
    try:
        return replace(spec, **settings)
    except InputError as error:
        moved = {f"[{'report' if key in REPORT_SETTINGS else 'run'}] {key}": (given_by[0], f"{given_by[1]}{key}")
                 for key in settings}
        raise InputError(Problem(*moved[p.field], p.message) if p.file == spec.file and p.field in moved else p
                         for p in error.problems) from None


# ---------------------------------------------------------------------------------------------
# The checks of a run, each in one place: load_run calls them on what a run file holds (None
# where a part of it is invalid, and reported), RunSpec on its own fields.


def check_settings(run: Table) -> None:
    """Check the settings of ``[run]`` (title, samples, sampler, seed, ...) but its grid (:func:`check_grid`)."""
    title = run.get("title")
    if not isinstance(title, str) or not title.strip():
        run.invalid("title", "must be a non-empty string")
    n = run.get("samples")
    if not whole(n, 1, 1 << 40):
        run.invalid("samples", "must be a whole number from 1 to 2**40")
        n = None
    sampler = run.get("sampler")
    if sampler not in SAMPLERS:
        run.add("sampler", f"= {show(sampler)} is unknown{did_you_mean(str(sampler), SAMPLERS)} "
                f"(allowed: {', '.join(SAMPLERS)})")
    elif sampler == "sobol" and n is not None and int(n) & (int(n) - 1):
        below, above = 1 << (int(n).bit_length() - 1), 1 << int(n).bit_length()
        of = f" (the sampler of {run.problems.file})" if "[run] samples" in run.problems.moved else ""
        run.add("samples", f"= {int(n)} is invalid with sampler sobol{of}: Sobol points keep their "
                f"balance only in powers of 2 (nearest: {below} or {above})")
    run.check(whole(run.get("seed"), 0, 2**63 - 1), "seed", "must be a whole number >= 0")
    run.check(whole(run.get("chunk_size"), 1), "chunk_size", "must be a whole number >= 1")
    run.check(whole(run.get("keep_samples"), 0), "keep_samples", "must be a whole number >= 0 "
              "(per-sample values kept in results.nc)")
    run.check(whole(run.get("workers"), 0, 4096), "workers", "must be a whole number from 0 to 4096 "
              "(0: one per available core)")
    scheduler = run.get("scheduler")
    run.check(isinstance(scheduler, str) and bool(scheduler.strip()), "scheduler", "must be \"local\", \"dask\" "
              "(a local Dask cluster) or a Dask scheduler's address such as \"tcp://host:8786\"")
    target_se = run.get("target_se")
    run.check(target_se is None or (is_number(target_se) and 0 < target_se < 0.5), "target_se", "must be a number "
              "in (0, 0.5) (the standard error at which every claim's probability is known well enough)")


def check_report(report: Table) -> None:
    """Check the settings of ``[report]``: each one of the values :data:`REPORT_SETTINGS` allows."""
    for key, allowed in REPORT_SETTINGS.items():
        value = report.get(key)
        if value not in allowed:
            report.add(key, f"= {show(value)} is unknown{did_you_mean(str(value), allowed)} "
                       f"(allowed: {', '.join(allowed)})")


def check_grid(run: Table, grid: Grid, given: Iterable[str], *, model: Model | None = None) -> tuple[float, ...] | None:
    """The run's points of ``grid``, the grid of its model, checked (the grid's default if none); None if invalid.

    ``given`` names the keys the run gives. A point list under another grid's name (mcsim's
    ``users`` or ``months``) is refused, and any grid for a ``model`` whose outputs are all scalar.
    """
    given = set(given)
    for other in dict.fromkeys((*GRIDS, grid.name)):
        if other not in given:
            continue
        value = run.get(other)
        if model is not None and not model.gridded:
            run.add(other, f"= {show(value)} is invalid: model {model.name} has no output over a grid (each of its "
                    "outputs is one number a sample); leave it out")
        elif other != grid.name:
            run.add(other, f"= {show(value)} is invalid: the model runs over {grid.name}, not {other} "
                    f"(give [run] {grid.name} = [...] instead)")
    values = run.get(grid.name) if grid.name in given else None
    if values is None:
        return grid.default
    if not (isinstance(values, list | tuple) and values and all(is_number(v) and grid.admits(float(v))
                                                                for v in values)):
        run.invalid(grid.name, f"must be a non-empty list of {grid.allowed()}")
        return None
    if sorted(set(values)) != list(values):
        run.invalid(grid.name, "must be strictly increasing")
        return None
    return tuple(float(v) for v in values)


def check_reference(run: Table, model: Model | None) -> None:
    """Check ``[run] reference``: a publication ``model`` reproduces (see :class:`mcsim.models.Reference`)."""
    reference = run.get("reference", "")
    if not isinstance(reference, str):
        run.invalid("reference", "must be a string naming a publication the model reproduces")
    elif reference and model is not None and model.reference(reference) is None:
        known = [r.name for r in model.references]
        run.add("reference", f"= {show(reference)} is not a publication model {model.name} reproduces"
                f"{did_you_mean(reference, known)} (known: {', '.join(map(show, known)) or 'none'})")


def check_same_model(run: Table, named: str, model: Model, priors: Priors) -> bool:
    """Whether ``model`` (``named`` so by the run) is the one ``priors`` are for; a problem if not."""
    theirs = _resolved(priors.model, priors.file) if priors.model else None
    if theirs is None or theirs.name == model.name:  # a model that does not resolve is the priors' problem
        return True
    run.add("model", f"= {show(named)} is not the model its priors file is for ({priors.file}: [meta] model = "
            f"{show(priors.model)}); name the same model in both, or leave out [run] model")
    return False


def check_fit(priors: Priors, model: Model, overridden: Iterable[str], problems: Problems) -> None:
    """Check ``priors`` against ``model``; a problem with an input the run overrides is the run's."""
    overridden = tuple(overridden)
    for name in overridden:
        if name not in priors.names:
            problems.add(f"[overrides.{name}]", "overrides no input of the priors file"
                         f"{did_you_mean(name, priors.names)} (inputs: {', '.join(priors.names)})")
    model_problems = Problems(priors.file)
    check_against_model(priors, model, model_problems, overrides=problems, overridden=overridden)
    problems.extend(model_problems.items)


def check_computable(priors: Priors, model: Model, grid: Sequence[float], problems: Problems) -> None:
    """Check that ``model`` computes every output over the whole range of ``priors`` (inputs.model_check)."""
    narrow = f"the priors or the {model.grid.name} grid" if model.gridded else "the priors"
    for sentence in undefined_outputs(priors, model, grid):
        problems.add("[run]", f"cannot be computed in double precision: {sentence} (model {model.name}); "
                     f"narrow {narrow}")


# ---------------------------------------------------------------------------------------------
# Reading a run file.


def load_run(path: str | Path, *, samples: int | None = None, seed: int | None = None,
             given_by: tuple[str, str] = COMMAND_LINE) -> RunSpec:
    """Load and validate a run file, its priors and its overrides.

    Parameters
    ----------
    path : str or Path
        A TOML run file (see docs/reference/files.md).
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
    replaced = {key: value for key, value in (("samples", samples), ("seed", seed)) if value is not None}
    problems = Problems(file, moved={f"[run] {key}": (given_by[0], f"{given_by[1]}{key}") for key in replaced})
    run = _run_table(content, replaced, problems)
    check_settings(run)
    priors, priors_path = _priors(run, problems)
    model, named = _model(run, priors, priors_path)
    grid = model.grid if model is not None else USERS
    _unknown_grid(content, model, problems)
    values = check_grid(run, grid, given=content["run"] if model is not None else (), model=model)  # no model: none
    check_reference(run, model)
    source = _source(named, model, problems)
    fits = model is not None and priors is not None and check_same_model(run, named, model, priors)
    priors, overridden = _overrides(content.get("overrides", {}), priors, model if fits else None, problems)
    claims = parse_claims(content.get("claims", []), model, values, problems)
    sensitivity = parse_sensitivity(content.get("sensitivity"), model, problems)
    voi = parse_value_of_information(content.get("value_of_information"), model, problems)
    report = _report_table(content.get("report", {}), problems)
    observations = parse_observations(content.get("observations", []), model if fits else None, priors, values,
                                      problems)
    posterior = parse_posterior(content.get("posterior"), problems)
    if not problems and priors is not None and model is not None:
        check_computable(priors, model, values, problems)
    problems.raise_if_any()
    return RunSpec(title=run.get("title"), file=file, sha256=sha256, priors=priors, model=model,
                   samples=run.get("samples"), sampler=run.get("sampler"), seed=run.get("seed"), grid_values=values,
                   claims=claims, sensitivity=sensitivity, chunk_size=run.get("chunk_size"),
                   keep_samples=run.get("keep_samples"), overridden=overridden, workers=run.get("workers"),
                   scheduler=run.get("scheduler"), target_se=run.get("target_se"), model_source=source,
                   reference=run.get("reference"), figures=report.get("figures"), lang=report.get("lang"),
                   value_of_information=voi, title_fr=run.get("title_fr", ""), observations=observations,
                   **posterior)


def _run_table(content: dict[str, Any], replaced: dict[str, int], problems: Problems) -> Table:
    """The ``[run]`` table, with the defaults of what it leaves out and the settings ``replaced``."""
    unknown_keys(content, TOP_KEYS, "", problems)
    run = content.get("run")
    if not isinstance(run, dict):
        problems.add("[run]", "is missing: a run file needs a [run] table with at least 'priors'")
        problems.raise_if_any()
    # a list under a key of its own may be the points of the model's own grid: checked once the model is known
    unknown_keys({key: value for key, value in run.items() if not _may_be_grid(key, value)}, RUN_KEYS, "[run]",
                 problems)
    return Table({"title": Path(problems.file).stem, **SETTINGS, **run, **replaced}, "[run]", problems)


def _may_be_grid(key: str, value: Any) -> bool:
    """Whether ``[run] key = value`` may give the points of a model's own grid."""
    return key.isidentifier() and key not in RUN_KEYS and isinstance(value, list)


def _unknown_grid(content: dict[str, Any], model: Model | None, problems: Problems) -> None:
    """A list under a key of ``[run]`` that is neither a setting nor the model's grid is an unknown key."""
    if model is not None:  # else the model's problem is reported, and nothing is known of its grid
        lists = {key: value for key, value in content["run"].items() if _may_be_grid(key, value)}
        unknown_keys(lists, (*RUN_KEYS, model.grid.name), "[run]", problems)


def _report_table(table: Any, problems: Problems) -> Table:
    """The ``[report]`` table, checked, with the defaults of what it leaves out."""
    if not isinstance(table, dict):
        problems.add("[report]", "must be a table (figures, lang)")
        table = {}
    unknown_keys(table, tuple(REPORT_SETTINGS), "[report]", problems)
    report = Table({**{key: allowed[0] for key, allowed in REPORT_SETTINGS.items()}, **table}, "[report]", problems)
    check_report(report)
    return report


def _priors(run: Table, problems: Problems) -> tuple[Priors | None, str | None]:
    """The run's priors file, loaded (None if it has problems: they are recorded), and its path."""
    named = run.get("priors")
    if not isinstance(named, str) or not named:
        run.add(None, "is missing 'priors' (a priors file, relative to this run file)" if named is None
                else f"priors = {show(named)} must be a path")
        return None, None
    path = os.path.normpath(Path(problems.file).parent / named)
    try:
        return load_priors(path), path
    except InputError as error:
        if error.problems == (Problem(path, "", MISSING),):
            relative = "" if os.path.isabs(named) else ", relative to the run file"
            run.add("priors", f"= {show(named)} {MISSING} (looked for {os.path.abspath(path)}{relative})")
        else:
            problems.extend(error.problems)
        return None, path


def _model(run: Table, priors: Priors | None, priors_path: str | None) -> tuple[Model | None, str]:
    """The run's model and its name as written: ``[run] model``, else its priors file's ``[meta] model``, else the
    default. None if it does not resolve (the problem is recorded, or is the priors file's)."""
    if "model" not in run:
        name = _model_named_by(priors, priors_path)
        if name is None:  # the priors file, which names the model, cannot be read: its one problem is enough
            return None, ""
        return _resolved(name, priors_path), name
    name = run.get("model")
    if not isinstance(name, str):
        run.invalid("model", "must be a string")
        return None, ""
    try:
        return resolve(name, near=Path(run.problems.file).parent), name
    except LookupError as error:
        run.add("model", f"= {show(name)} {error}")
        return None, name


def _source(named: str, model: Model | None, problems: Problems) -> ModelSource | None:
    """Where ``model`` was imported from, with its source's sha256 (None without a model)."""
    if model is None:
        return None
    try:
        return model_source(named, model)
    except OSError as error:
        problems.add("[run] model", f"= {show(named)}: its source cannot be read to record its sha256: "
                     f"{error.strerror or error} ({show(error.filename)})")
        return None


def _overrides(table: Any, priors: Priors | None, model: Model | None,
               problems: Problems) -> tuple[Priors | None, tuple[str, ...]]:
    """The priors as the run's ``[overrides.NAME]`` tables change them, checked against ``model``.

    ``model`` is None when the run's model is invalid or not the one its priors are for (reported).
    """
    if not isinstance(table, dict):
        problems.add("[overrides]", "must be a table of [overrides.NAME] tables")
        return priors, ()
    names = priors.names if priors is not None else ()
    bibliography = priors.bibliography if priors is not None else None
    changed = [prior for name, entry in table.items() if (prior := override_prior(
        priors[name] if name in names else None, entry, f"[overrides.{name}]", problems,
        bibliography=bibliography)) is not None]
    overridden = tuple(table)
    if priors is None or model is None:
        return priors, overridden
    _check_correlated_points(priors, changed, problems)
    priors = priors.with_overrides(changed)
    check_fit(priors, model, overridden, problems)
    return priors, overridden


def _check_correlated_points(priors: Priors, changed: Iterable[Prior], problems: Problems) -> None:
    """Refuse an override that makes a point of an input the priors correlate, as a priors file would be refused."""
    points = {prior.name for prior in changed if prior.is_point}
    for index, correlation in enumerate(priors.correlations, start=1):
        for name in (correlation.first, correlation.second):
            if name in points:
                problems.add(f"[overrides.{name}]", f'makes "{name}" a point, but {priors.file}: [[correlations]] '
                             f'#{index} inputs names "{name}": only uncertain inputs can be correlated')


def check_priors(path: str | Path) -> tuple[Priors, Model]:
    """Load a priors file and check it as a run of it would be checked before sampling.

    The priors are checked against the model they name (``[meta] model``, else
    :data:`DEFAULT_MODEL`) and, as a run with the model's default grid would be, for outputs the
    model cannot compute anywhere in their range (:func:`mcsim.inputs.model_check.undefined_outputs`).

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
        grid = ", " + model.grid.name + " " + ", ".join(f"{u:g}" for u in model.grid.default) if model.gridded else ""
        for sentence in undefined_outputs(priors, model, model.grid.default):
            problems.add("[inputs]", f"cannot be computed in double precision: {sentence} (model {model.name}"
                         f"{grid}); narrow the priors")
    problems.raise_if_any()
    return priors, model


def _resolved(name: str, file: str | None) -> Model | None:
    """The model called ``name`` in a priors file ``file`` (a module beside it is found), or None."""
    try:
        return resolve(name, near=Path(file).parent if file else None)
    except LookupError:  # a priors file's problem, reported with it
        return None


def _model_named_by(priors: Priors | None, path: str | None) -> str | None:
    """The model a run that names none uses: its priors file's ``[meta] model``, else the default.

    When the priors file did not load, its ``[meta] model`` is read if the file can be; None if it
    cannot (missing, empty, not TOML): the model is then unknown, and the run's claims and
    sensitivity are not checked against a model the priors may not be for.
    """
    name = priors.model if priors is not None else ""
    if priors is None:
        if path is None:
            return None
        try:
            content, _ = read_toml(path)
        except InputError:
            return None
        meta = content.get("meta")
        name = meta.get("model") if isinstance(meta, dict) and isinstance(meta.get("model"), str) else ""
    return name or DEFAULT_MODEL
