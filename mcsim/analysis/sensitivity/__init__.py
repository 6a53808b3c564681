"""Sobol sensitivity analysis of a run's outputs (the ``[sensitivity]`` table of a run file).

SALib computes the indices; mcsim owns everything around them: mapping SALib's unit-cube sample
onto the priors with their own inverse CDFs, a finite target for outputs that can be infinite
(their rank), convergence by doubling the base sample, rankings with their uncertainty and ties,
cross-checks from a plain Monte Carlo sample and the tornado's numbers. The report's words are
:mod:`mcsim.report.sensitivity`'s.

The ``[sensitivity]`` table (:mod:`.spec`) and the targets (:mod:`.targets`) are light; the
analysis and its result (:mod:`.analysis`, :mod:`.result`) need SALib and numba, and are
imported when first used, so that checking a run file does not load them.
"""

import importlib

from mcsim.analysis.sensitivity.targets import Target, UndefinedOutputError
from mcsim.inputs.sensitivity import SENSITIVITY_KEYS, TRANSFORMS, SensitivitySpec, parse_sensitivity

__all__ = ["SENSITIVITY_KEYS", "TRANSFORMS", "NoDriver", "Ranking", "SensitivityResult", "SensitivitySpec", "Target",
           "TargetResult", "UndefinedOutputError", "analyse", "indices_distinguishable", "parse_sensitivity"]

_HEAVY = {"analyse": "analysis", "NoDriver": "result", "Ranking": "result", "SensitivityResult": "result",
          "TargetResult": "result", "indices_distinguishable": "result"}


def __getattr__(name: str):
    if name not in _HEAVY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HEAVY[name]}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HEAVY))
