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

from pathlib import Path
from typing import TYPE_CHECKING

from mcsim.inputs.priors import Priors
from mcsim.inputs.runs import RunSpec, check_priors, with_settings
from mcsim.inputs.runs import load_run as _load_run

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


def run(run_or_path: RunSpec | str | Path, *, samples: int | None = None, seed: int | None = None,
        workers: int | None = None) -> Run:
    """Run a run file or a :class:`RunSpec` and return its :class:`~mcsim.result.Result`; nothing is written.

    Parameters
    ----------
    run_or_path : RunSpec or path
        A loaded run, or the path of a run file.
    samples, seed : int, optional
        Replace the run's.
    workers : int, optional
        Processes for the chunks (0: one per core); the numbers do not depend on it.

    Returns
    -------
    Run
        A :class:`~mcsim.result.Result` (statistics, claims, sensitivity and verdict) with its views:
        ``summary``, ``to_dataset()``, and ``write(folder)``, which writes the report.

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

    changes = {key: value for key, value in (("samples", samples), ("seed", seed), ("workers", workers))
               if value is not None}
    spec = run_or_path if isinstance(run_or_path, RunSpec) else load_run(run_or_path)
    if changes:  # checked again, a bad value named as this call's argument
        spec = with_settings(spec, _ARGUMENT, **changes)
    return execute(spec)
