"""Observations: published measurements of an input or an output (a run file's ``[[observations]]`` tables).

An observation conditions the run's priors on what was measured (Bayesian melding, Poole and
Raftery 2000): each sample of the priors is weighted by the likelihood of the observation given
the sample's value of what it measured. The measurement's error is a distribution centred on the
observed value:

- ``normal`` (``mean``, ``sd``, or ``p05``, ``p95``): ``observed ~ N(value, sd)``;
- ``lognormal`` (``median``, ``sigma``, or ``p05``, ``p95``): ``ln(observed) ~ N(ln(value), sigma)``;
- ``uniform`` (``low``, ``high``): the observed value is the middle of the range, and a sample is
  as likely as any other if its value lies within the range's half-width of it, impossible if not.

References
----------
Poole, D. and Raftery, A. E. (2000). Inference for deterministic simulation models: the Bayesian
melding approach. Journal of the American Statistical Association 95(452), 1244-1255.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mcsim.inputs.citations import check_cite, cite_keys, resolve_cites
from mcsim.inputs.distributions import Distribution, LogNormal, Normal, Uniform, parse
from mcsim.inputs.errors import Problems, did_you_mean, is_number, show, whole
from mcsim.inputs.priors import Priors
from mcsim.inputs.tables import Table, check_fields, fields_of
from mcsim.models.base import Model
from mcsim.models.grid import GRIDS

__all__ = ["ERRORS", "OBSERVATION_KEYS", "POSTERIOR_KEYS", "Observation", "check_observations", "check_posterior",
           "parse_observations", "parse_posterior"]

#: The distributions a measurement's error may have, with the keys each takes.
ERRORS: dict[str, tuple[str, ...]] = {"normal": ("mean", "sd", "p05", "p95"),
                                      "lognormal": ("median", "sigma", "p05", "p95"),
                                      "uniform": ("low", "high")}
OBSERVATION_KEYS = ("name", "input", "output", "dist", "source", "cite", "date")
#: The settings of ``[posterior]``, with their values when a run file leaves them out.
POSTERIOR_KEYS: dict[str, int] = {"min_ess": 1000, "max_samples": 1 << 24}
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


@dataclass(frozen=True)
class Observation:
    """One published measurement of an input or an output, with its error and its source.

    Parameters
    ----------
    name : str
    error : Normal, LogNormal or Uniform
        The measurement: centred on the observed value (a normal's mean, a lognormal's median, a
        uniform's middle), spread by its error. A normal is not truncated.
    source : str
        Where the measurement was published.
    input, output : str or None
        What it measured: one of them.
    at, grid : float and str, or None
        For an output over the model's grid: at which point of it (a run file gives ``users = 5e7``).
    date : str
        When it was measured ("" : not said).
    cite : tuple of str
        Keys of the priors' bibliography that ``source`` quotes.
    """

    name: str
    error: Distribution
    source: str
    input: str | None = None
    output: str | None = None
    at: float | None = None
    grid: str | None = None
    date: str = ""
    cite: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_fields(_check_object, fields_of(self), observation_where(self.name))
        object.__setattr__(self, "cite", cite_keys(self.cite))
        if self.at is not None:
            object.__setattr__(self, "at", float(self.at))

    @property
    def measured(self) -> str:
        """The name of the input or output it measured."""
        return self.input if self.input is not None else self.output

    @property
    def observed(self) -> float:
        """The observed value: the centre of the measurement's error."""
        error = self.error
        if isinstance(error, Normal):
            return error.mean
        if isinstance(error, LogNormal):
            return error.median
        return 0.5 * (error.low + error.high)

    @property
    def best(self) -> float:
        """The largest log-likelihood any value can have: that of the observed value itself."""
        error = self.error
        if isinstance(error, Normal):
            return -math.log(error.sd) - _LOG_SQRT_2PI
        if isinstance(error, LogNormal):
            return -math.log(error.sigma) - _LOG_SQRT_2PI - math.log(error.median)
        return -math.log(error.high - error.low)

    def log_likelihood(self, values: np.ndarray) -> np.ndarray:
        """The log density of the observed value given each of ``values`` (``-inf`` where impossible)."""
        v = np.asarray(values, dtype=float)
        error = self.error
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if isinstance(error, Normal):
                found = -0.5 * ((error.mean - v) / error.sd) ** 2 + self.best
            elif isinstance(error, LogNormal):
                z = (math.log(error.median) - np.log(np.where(v > 0, v, np.nan))) / error.sigma
                found = -0.5 * z**2 + self.best
            else:
                half = 0.5 * (error.high - error.low)
                found = np.where(np.abs(v - self.observed) <= half, self.best, -np.inf)
        return np.where(np.isnan(found), -np.inf, found)

    def describe(self) -> str:
        """What it measured and how, e.g. ``conversion_rate observed 0.055 (normal, sd 0.01)``."""
        at = f" at {self.at:,.6g} {self.grid}" if self.at is not None else ""
        error = self.error
        spread = (f"sd {error.sd:g}" if isinstance(error, Normal) else f"sigma {error.sigma:g}"
                  if isinstance(error, LogNormal) else f"from {error.low:g} to {error.high:g}")
        return f"{self.measured}{at} observed {self.observed:g} ({error.family}, {spread})"


def observation_where(name: Any, index: int | None = None, seen: Collection[str] = ()) -> str:
    """An observation's place in messages: ``[[observations]] "name"``, or ``[[observations]] #index``."""
    if isinstance(name, str) and name.isidentifier() and name not in seen:
        return f'[[observations]] "{name}"'
    return "[[observations]]" if index is None else f"[[observations]] #{index}"


def _check_object(observation: Table) -> None:
    """Check an :class:`Observation` built in Python as a run file's table is checked on its own."""
    error = observation.get("error")
    if not isinstance(error, Normal | LogNormal | Uniform) or (
            isinstance(error, Normal) and not (math.isinf(error.low) and math.isinf(error.high))):
        observation.invalid("error", "must be an untruncated Normal, a LogNormal or a Uniform of "
                            "mcsim.inputs.distributions")
    at, grid = observation.get("at"), observation.get("grid")
    if (at is None) != (grid is None):
        observation.add("at" if grid is None else "grid", "is given without its pair (at: the point of the grid "
                        "named grid)")
    _check_own(observation)


def _check_own(observation: Table) -> None:
    """The checks of an observation that need nothing but itself: its name, what it measured, its source."""
    name = observation.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        observation.invalid("name", "must be a name of letters, digits and underscores")
    measured = [key for key in ("input", "output") if observation.get(key) is not None]
    if not measured:
        observation.add(None, "is missing 'input' or 'output' (the input or output it measured)")
    elif len(measured) == 2:
        observation.add("output", f"= {show(observation.get('output'))} is invalid: give input or output, not both")
    for key in measured:
        if not isinstance(observation.get(key), str):
            observation.invalid(key, f"must be the name of an {key} of the run's model")
    source = observation.get("source")
    if source is None:
        observation.add(None, "is missing 'source': every observation must cite where it was published")
    elif not (isinstance(source, str) and source.strip()):
        observation.invalid("source", "must be a non-empty string")
    if not isinstance(observation.get("date", ""), str):
        observation.invalid("date", 'must be a string (when it was measured, e.g. "2024-09")')
    check_cite(observation)


def check_observation_in_run(observation: Table, model: Model | None, priors: Priors | None,
                             grid: Sequence[float] | None, seen: set[str]) -> None:
    """Check an observation against the run: a name of its own, an uncertain input or an output, its grid point."""
    name = observation.get("name")
    if isinstance(name, str) and name in seen:
        observation.add("name", f"= {show(name)} repeats an earlier observation's name")
    elif isinstance(name, str):
        seen.add(name)
    cite = observation.get("cite")
    if priors is not None and cite and observation.ok:  # its keys are well formed: each names an entry
        resolve_cites([(f"{observation.where} cite", cite_keys(cite))], priors.bibliography, observation.problems,
                      missing=" to resolve it (see the priors file's [meta] bibliography)")
    key = model.grid.name if model is not None else None
    points = [k for k in observation.values if k in (*GRIDS, *([key] if key else []))
              and observation.get(k) is not None]
    measured = observation.get("input")
    if isinstance(measured, str) and priors is not None:
        if measured not in priors.names:
            observation.add("input", f"= {show(measured)} is not an input of the run's priors"
                            f"{did_you_mean(measured, priors.names)} (inputs: {', '.join(priors.names)})")
        elif priors[measured].is_point:
            observation.add("input", f"= {show(measured)} is a fixed point ({priors[measured].point:g}) in the run's "
                            "priors: an observation can only inform an uncertain input (give it a distribution)")
        for k in points:
            observation.invalid(k, f"an input does not vary with {k}")
    measured = observation.get("output")
    if not (isinstance(measured, str) and model is not None):
        return
    if measured not in model.output_names:
        observation.add("output", f"= {show(measured)} is not an output of model {model.name}"
                        f"{did_you_mean(measured, model.output_names)} (outputs: {', '.join(model.output_names)})")
        return
    for k in points:
        if k != key:
            observation.invalid(k, f"model {model.name} runs over {key}, not {k}")
    at = observation.get(key)
    on = f" ({', '.join(f'{u:g}' for u in grid)})" if grid is not None else ""
    if model.output(measured).per_user:
        if at is None:
            observation.add(None, f"is missing '{key}': {measured} varies with {key}; name one of the run's {key} "
                            f"grid{on}")
        elif grid is not None and not (is_number(at) and at in grid):
            observation.add(key, f"= {show(at)} is not in the run's {key} grid{on}")
    elif at is not None:
        observation.invalid(key, f"{measured} does not vary with {key}")


def check_observations(observations: Sequence[Any], model: Model, priors: Priors, grid: Sequence[float] | None,
                       problems: Problems) -> None:
    """Check a run's observations against its model, priors and grid (each is already valid on its own)."""
    seen: set[str] = set()
    for index, observation in enumerate(observations, start=1):
        if not isinstance(observation, Observation):
            problems.add(f"[[observations]] #{index}", f"= {show(observation)} is invalid: must be an Observation")
            continue
        fields = {key: value for key, value in fields_of(observation).items() if key not in ("at", "grid")}
        if observation.at is not None:
            fields[observation.grid] = observation.at
        check_observation_in_run(Table(fields, observation_where(observation.name, index, seen), problems), model,
                                 priors, grid, seen)


def parse_observations(entries: Any, model: Model | None, priors: Priors | None, grid: Sequence[float] | None,
                       problems: Problems) -> tuple[Observation, ...]:
    """The observations of a run file's ``[[observations]]`` tables, each checked alone and against the run.

    ``model``, ``priors`` and ``grid`` are None when they are invalid (and reported); no observation is
    returned without them.
    """
    if not isinstance(entries, list):
        problems.add("[[observations]]", "must be an array of tables ([[observations]])")
        return ()
    found, seen = [], set()
    own = (model.grid.name,) if model is not None else ()
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.add(f"[[observations]] #{index}", "must be a table")
            continue
        where = observation_where(entry.get("name"), index, seen)
        observation = Table(entry, where, problems)
        error = _error(entry, where, problems)
        family = entry.get("dist")
        errors = ERRORS.get(family, ()) if isinstance(family, str) else ()
        allowed = (*OBSERVATION_KEYS, *errors, *dict.fromkeys((*GRIDS, *own)))
        observation.unknown_keys(allowed)
        _check_own(observation)
        check_observation_in_run(observation, model, priors, grid, seen)
        if observation.ok and error is not None and model is not None and priors is not None:
            point = next(((key, entry[key]) for key in (*GRIDS, *own) if key in entry), (None, None))
            found.append(Observation(name=entry["name"], error=error, source=entry["source"].strip(),
                                     input=entry.get("input"), output=entry.get("output"), at=point[1],
                                     grid=point[0], date=entry.get("date", ""), cite=cite_keys(entry.get("cite"))))
    return tuple(found)


def _error(entry: Mapping[str, Any], where: str, problems: Problems) -> Distribution | None:
    """The measurement's error: ``dist`` and its keys, read by the priors' parser; None (recorded) if invalid."""
    family = entry.get("dist")
    if not (isinstance(family, str) and family in ERRORS):
        allowed = ", ".join(ERRORS)
        if family is None:
            problems.add(where, f"is missing 'dist' (the measurement's error; allowed: {allowed})")
        else:
            close = did_you_mean(family, ERRORS) if isinstance(family, str) else ""
            problems.add(f"{where} dist", f"= {show(family)} is unknown{close} (allowed: {allowed})")
        return None
    return parse({key: entry[key] for key in ("dist", *ERRORS[family]) if key in entry}, where, problems)


def parse_posterior(table: Any, problems: Problems) -> dict[str, int]:
    """``[posterior]``: ``min_ess``, the effective sample size a reliable posterior needs, and ``max_samples``,
    the most samples a run draws to reach it (its defaults where it leaves them out, or where they are invalid:
    then recorded)."""
    if table is None:
        return dict(POSTERIOR_KEYS)
    if not isinstance(table, dict):
        problems.add("[posterior]", "must be a table (min_ess, max_samples)")
        return dict(POSTERIOR_KEYS)
    posterior = Table({**POSTERIOR_KEYS, **table}, "[posterior]", problems)
    posterior.unknown_keys(tuple(POSTERIOR_KEYS))
    check_posterior(posterior)
    return {key: posterior.get(key) for key in POSTERIOR_KEYS}


def check_posterior(posterior: Table) -> None:
    """Check ``[posterior]``'s settings: whole numbers, ``min_ess`` at least 1, ``max_samples`` up to 2**40."""
    value = posterior.get("min_ess")
    posterior.check(whole(value, 1), "min_ess",
                    "must be a whole number >= 1 (the effective sample size a reliable posterior needs)")
    posterior.check(whole(posterior.get("max_samples"), 1, 1 << 40), "max_samples",
                    "must be a whole number from 1 to 2**40 (the most samples a run draws for its posterior)")
