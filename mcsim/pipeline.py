"""A run from start to finish, short of writing: sample, evaluate, summarise, judge the claims."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .engine import Simulation, simulate
from .runs import RunSpec
from .sensitivity import SensitivityResult, analyse
from .stats import ClaimResult, Curves, curves, evaluate_claims, summarise

__all__ = ["Result", "execute"]


@dataclass(frozen=True)
class Result:
    """Everything a report shows about one run."""

    spec: RunSpec
    simulation: Simulation
    summary: dict[str, dict[str, object]]
    claims: list[ClaimResult]
    curves: Curves
    sensitivity: SensitivityResult | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def execute(spec: RunSpec) -> Result:
    """Run ``spec``: draw the samples, evaluate the model, compute every statistic."""
    seconds = {}
    start = time.perf_counter()
    simulation = simulate(spec)
    seconds["simulation"] = time.perf_counter() - start
    start = time.perf_counter()
    summary = summarise(simulation)
    claims = evaluate_claims(simulation)
    fine = curves(simulation)
    seconds["statistics"] = time.perf_counter() - start
    sensitivity = None
    if spec.sensitivity is not None:
        start = time.perf_counter()
        sensitivity = analyse(spec.priors, spec.model, spec.sensitivity, seed=spec.seed, claims=spec.claims)
        seconds["sensitivity"] = time.perf_counter() - start
    return Result(spec, simulation, summary, claims, fine, sensitivity, seconds)
