"""Sobol sensitivity analysis of a run's outputs (the ``[sensitivity]`` table of a run file).

SALib computes the indices; mcsim owns everything around them: mapping SALib's unit-cube sample
onto the priors with their own inverse CDFs, a finite target for outputs that can be infinite
(their rank), convergence by doubling the base sample, rankings with their uncertainty and ties,
cross-checks from a plain Monte Carlo sample and the tornado's numbers. The report's words are
:mod:`mcsim.report.sensitivity`'s.
"""

from mcsim.analysis.sensitivity.analysis import analyse
from mcsim.analysis.sensitivity.result import Ranking, SensitivityResult, TargetResult
from mcsim.analysis.sensitivity.spec import SENSITIVITY_KEYS, TRANSFORMS, SensitivitySpec, parse_sensitivity
from mcsim.analysis.sensitivity.targets import Target, UndefinedOutputError

__all__ = ["SENSITIVITY_KEYS", "TRANSFORMS", "Ranking", "SensitivityResult", "SensitivitySpec", "Target",
           "TargetResult", "UndefinedOutputError", "analyse", "parse_sensitivity"]
