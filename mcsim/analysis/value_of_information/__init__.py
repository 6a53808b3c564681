"""The value of information of a run's decision and claims (the ``[value_of_information]`` table of a run file).

Which uncertainty is worth resolving before deciding? At each users value U the decision is to
run the service (payoff: the model's surplus at U, USD per month) or not (payoff 0). The
expected value of perfect information (EVPI) is what knowing every input would be worth to that
decision; the expected value of partial perfect information (EVPPI) of one input, what knowing
that input alone would be worth (:mod:`.estimate`). For each claim, the same question is asked of
the verdict: by how much would knowing an input lower the probability of a wrong verdict?

The table (:mod:`.spec`) is light; the analysis (:mod:`.analysis`) redraws the run's own sample
(its design is deterministic from the seed) and is imported when first used.
"""

import importlib

from mcsim.inputs.value_of_information import (
    DEFAULT_PAYOFF,
    VOI_KEYS,
    ValueOfInformationSpec,
    check_payoff,
    parse_value_of_information,
)

__all__ = ["DEFAULT_PAYOFF", "VOI_KEYS", "ClaimValue", "DecisionValue", "ValueOfInformation",
           "ValueOfInformationSpec", "assess", "check_payoff", "parse_value_of_information"]

_HEAVY = {"assess": "analysis", "ClaimValue": "analysis", "DecisionValue": "analysis",
          "ValueOfInformation": "analysis"}


def __getattr__(name: str):
    if name not in _HEAVY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HEAVY[name]}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HEAVY))
