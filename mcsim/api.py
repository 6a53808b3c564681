"""mcsim from Python: the same path as the command line, returning objects instead of writing files.

A notebook loads a run file (or builds a :class:`~mcsim.inputs.runs.RunSpec`), runs it, reads
the :class:`~mcsim.result.Result`, and writes the report only when asked::

    import mcsim

    result = mcsim.run("runs/my-run.toml", samples=65536)
    result.claims["my_claim"].probability
    result.outputs["my_output"].p50
    result.to_dataset()                  # the xarray Dataset of results.nc
    result.write("reports/from-a-notebook")
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mcsim.errors import PYTHON
from mcsim.inputs.claims import Claim
from mcsim.inputs.distributions import Distribution
from mcsim.inputs.errors import InputError, Problem
from mcsim.inputs.priors import Prior, Priors
from mcsim.inputs.runs import RunSpec, check_priors, with_settings
from mcsim.inputs.runs import load_run as _load_run
from mcsim.models.base import InputSpec, Model, OutputSpec

if TYPE_CHECKING:
    from mcsim.pipeline import Run

__all__ = ["load_priors", "load_run", "run"]

_ARGUMENT = ("mcsim.run", "")  # where a replaced setting comes from, in messages


def load_priors(path: str | Path) -> Priors:
    """Load a priors file, checked against the model it names (``[meta] model``, else the default model).

    Raises
    ------
    InputError
        Every problem of the file, one line each: the verdict ``mcsim validate`` gives.
    """
    return check_priors(path)[0]


def load_run(path: str | Path, *, samples: int | None = None, seed: int | None = None) -> RunSpec:
    """Load a run file with its priors, overrides, claims and model, checked as ``mcsim run`` checks it.

    Parameters
    ----------
    path : path
        The run file; its priors file and model module are found relative to it.
    samples, seed : int, optional
        Replace the file's.

    Raises
    ------
    InputError
        Every problem of the run file and its priors file, one line each.
    """
    return _load_run(path, samples=samples, seed=seed, given_by=_ARGUMENT)


def run(run_or_model: RunSpec | str | Path | Model | Callable, priors: Priors | Mapping[str, Any] | None = None, *,
        claims: Sequence[Claim] = (), outputs: Mapping[str, str] | Sequence[OutputSpec | str] | None = None,
        grid: Sequence[float] | None = None, title: str | None = None, samples: int | None = None,
        seed: int | None = None, sampler: str | None = None, workers: int | None = None) -> Run:
    """Run a run file, a :class:`RunSpec`, or a model on priors given in Python; nothing is written.

    Parameters
    ----------
    run_or_model : RunSpec, path, Model or function
        A loaded run or the path of a run file; or a :class:`~mcsim.models.Model`, or a plain
        function of the inputs (``f(inputs)``, a dict of arrays, one value a sample) or of the
        inputs and the grid (``f(inputs, grid)``) returning a dict of output arrays.
    priors : Priors or mapping, optional
        With a model: a :class:`Priors`, or a dict of each input's distribution
        (:mod:`mcsim.dist`, e.g. ``mcsim.dist.lognormal(p05=15, p95=30)``) or number (a point).
        An input given so is at its median in the point values, its source "given in Python".
    claims : sequence of Claim, optional
        With a model: the run's claims (their ``text`` may be left out).
    outputs : mapping or sequence, optional
        With a plain function: its outputs, as ``{name: unit}`` (one number a sample each) or as
        :class:`~mcsim.models.OutputSpec` (``per_user=True`` for an output over the grid).
    grid : sequence of float, optional
        With a model over a grid: its points (the grid's default if not given).
    title : str, optional
        With a model: the report's title (the model's name if not given).
    samples, seed, sampler : optional
        Replace the run's (with a model: 65,536 samples, seed 0, ``sobol`` by default).
    workers : int, optional
        Processes for the chunks (0: one per core); the numbers do not depend on it.

    Returns
    -------
    Run
        A :class:`~mcsim.result.Result` (statistics, claims, sensitivity and verdict) with its views:
        ``summary``, ``to_dataset()``, ``tables()`` and ``write(folder)``, which writes the report
        (a run made in Python says so in it: it cannot be rerun from files).

    Raises
    ------
    InputError
        For a bad run file or argument, before anything is sampled.
    mcsim.models.failure.ModelError
        An ``InputError`` too: the model raised, returned NaN or left out an output; it names the
        model's file and line and the first input row that fails (``file``, ``line``, ``sample``,
        ``values``).
    """
    from mcsim.pipeline import execute  # the engine (numba) only when something runs

    changes = {key: value for key, value in (("samples", samples), ("seed", seed), ("workers", workers),
                                             ("sampler", sampler)) if value is not None}
    if isinstance(run_or_model, RunSpec | str | Path):
        given = [name for name, value in (("priors", priors), ("claims", claims), ("outputs", outputs),
                                          ("grid", grid), ("title", title)) if value not in (None, ())]
        if given:
            raise InputError([Problem(_ARGUMENT[0], given[0], "is for a model run in Python: a run file or RunSpec "
                                      "gives its own (change a RunSpec with dataclasses.replace)")])
        spec = run_or_model if isinstance(run_or_model, RunSpec) else load_run(run_or_model)
        if changes:  # checked again, a bad value named as this call's argument
            spec = with_settings(spec, _ARGUMENT, **changes)
        return execute(spec)
    spec = _python_run(run_or_model, priors, claims=claims, outputs=outputs, grid=grid, title=title)
    return execute(with_settings(spec, _ARGUMENT, **changes) if changes else spec)


def _python_run(model: Model | Callable, priors: Priors | Mapping[str, Any] | None, *, claims: Sequence[Claim],
                outputs: Any, grid: Sequence[float] | None, title: str | None) -> RunSpec:
    """The RunSpec of a model run in Python, without files."""
    if priors is None:
        raise InputError([Problem(_ARGUMENT[0], "priors", "is missing: give a Priors or a dict of each input's "
                                  "distribution (mcsim.dist) or point value")])
    if not isinstance(priors, Priors):
        priors = _priors(priors)
    if not isinstance(model, Model):
        model = _model(model, priors, outputs)
    elif outputs is not None:
        raise InputError([Problem(_ARGUMENT[0], "outputs", "is for a plain function: a Model declares its own")])
    return RunSpec(title=title or model.name, file=PYTHON, sha256="", priors=priors, model=model, samples=1 << 16,
                   sampler="sobol", seed=0, claims=tuple(claims), grid_values=None if grid is None else tuple(grid))


def _priors(given: Mapping[str, Any]) -> Priors:
    """Priors from a dict of distributions (:mod:`mcsim.dist`) or numbers, each at its median for its point."""
    from mcsim.dist import point

    if not isinstance(given, Mapping) or not given:
        raise InputError([Problem(_ARGUMENT[0], "priors", f"= {given!r} is invalid: must be a Priors or a non-empty "
                                  "dict of each input's distribution (mcsim.dist) or point value")])
    inputs = []
    for name, value in given.items():
        if isinstance(value, Prior):
            inputs.append(value)
            continue
        found = value if isinstance(value, Distribution) else point(value) if isinstance(value, int | float) else None
        if found is None:
            raise InputError([Problem(_ARGUMENT[0], f"priors[{name!r}]", f"= {value!r} is invalid: must be a "
                                      "distribution (mcsim.dist), a number or a Prior")])
        inputs.append(Prior(name=name, point=float(found.ppf(np.array([0.5]))[0]), distribution=found,
                            source="given in Python"))
    return Priors(inputs=tuple(inputs), title="Priors given in Python")


def _model(function: Callable, priors: Priors, outputs: Any) -> Model:
    """A Model of a plain function of the inputs (and the grid), with the outputs declared."""
    if not callable(function):
        raise InputError([Problem(_ARGUMENT[0], "run_or_model", f"= {function!r} is invalid: must be a run file, a "
                                  "RunSpec, a Model or a function of the inputs")])
    if not outputs:
        raise InputError([Problem(_ARGUMENT[0], "outputs", "is missing: a plain function declares its outputs, as "
                                  "{name: unit} or OutputSpec(...)")])
    if isinstance(outputs, Mapping):
        specs = tuple(OutputSpec(name, str(unit), name) for name, unit in outputs.items())
    else:
        specs = tuple(o if isinstance(o, OutputSpec) else OutputSpec(str(o), "", str(o)) for o in outputs)
    takes_grid = len([p for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]) >= 2
    name = getattr(function, "__name__", "model")
    doc = (inspect.getdoc(function) or "").strip().splitlines()
    return Model(name=name if name.isidentifier() else "model", description=doc[0] if doc else name,
                 inputs=tuple(InputSpec(p.name, p.unit) for p in priors.inputs), outputs=specs,
                 function=function if takes_grid else _without_grid(function))


def _without_grid(function: Callable) -> Callable:
    """``function(inputs)`` as a model function of the inputs and the grid."""
    @functools.wraps(function)
    def model(inputs, grid):
        return function(inputs)

    return model
