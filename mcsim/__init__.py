r"""mcsim: Monte Carlo uncertainty and sensitivity analysis of models with cited priors.

The Python API is the command line's path, returning objects instead of writing files:
:func:`load_run`, :func:`load_priors`, :func:`run` (a :class:`Result`, which ``write``\ s
the report), and the specs a model and a run are made of. Importing :mod:`mcsim` loads none of
the engine, SALib, matplotlib or xarray; each is imported when first needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mcsim._version import __version__

if TYPE_CHECKING:
    from mcsim import dist
    from mcsim.api import load_priors, load_run, run
    from mcsim.inputs.priors import Priors
    from mcsim.inputs.runs import Claim, RunSpec
    from mcsim.models.base import InputSpec, Model, OutputSpec, Reference
    from mcsim.result import Result

__all__ = ["Claim", "InputSpec", "Model", "OutputSpec", "Priors", "Reference", "Result", "RunSpec", "__version__",
           "dist", "load_priors", "load_run", "run"]

_WHERE = {"load_priors": "mcsim.api", "load_run": "mcsim.api", "run": "mcsim.api",
          "Priors": "mcsim.inputs.priors", "Claim": "mcsim.inputs.runs", "RunSpec": "mcsim.inputs.runs",
          "InputSpec": "mcsim.models.base", "Model": "mcsim.models.base", "OutputSpec": "mcsim.models.base",
          "Reference": "mcsim.models.base", "Result": "mcsim.result"}


def __getattr__(name: str):
    if name == "dist":  # the distributions of priors given in Python (mcsim.dist.lognormal(...))
        return importlib.import_module("mcsim.dist")
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mcsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
