"""The analysis behind a report's verdict: for each claim, what drives it, where it tips, where it fails.

:func:`judge` computes, from a run's claims, its kept samples and its sensitivity analysis (if
any): each claim's drivers (the run's Sobol indices when it has a ``[sensitivity]`` table); its
tipping points (:mod:`mcsim.analysis.tipping`); the boxes of inputs where it fails
(:mod:`mcsim.analysis.discovery`, on the kept samples); and a 2-D map of the claimed output over
the two inputs that matter most. The report (:mod:`mcsim.report.verdict`) puts it in words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from mcsim.analysis.discovery import Discovery, discover
from mcsim.analysis.ordering import decreasing
from mcsim.analysis.sensitivity import SensitivityResult
from mcsim.analysis.tipping import OutputMap, TippingPoint, output_map, tipping_points
from mcsim.compute.claims import claim_holds
from mcsim.compute.stats import ClaimResult, KeptSamples
from mcsim.i18n import N_
from mcsim.inputs.runs import Claim, RunSpec

__all__ = ["PRIORS_ORDER", "ClaimVerdict", "Driver", "RankedBy", "Verdict", "judge", "rank_inputs"]

@dataclass(frozen=True)
class RankedBy:
    """How :func:`rank_inputs` ranked the inputs: ``method`` "sobol" (their total index of ``of``), "shapley"
    (their Shapley effect of ``of``, with the priors' correlations), "spearman" (|rank correlation| with ``of``
    on ``samples`` samples) or "priors" (the priors' order)."""

    method: str
    of: str = ""
    samples: int = 0

    def __str__(self) -> str:
        of = self.of[:1].lower() + self.of[1:]
        if self.method == "sobol":
            return f"their total Sobol index of {of}"
        if self.method == "shapley":
            return f"their Shapley effect (with the priors' correlations) of {of}"
        if self.method == "spearman":
            return (f"their rank correlation (Spearman's, in absolute value) with {of} on the first "
                    f"{self.samples:,} samples")
        return "the priors' order"


PRIORS_ORDER = RankedBy("priors")  # how rank_inputs ranks when it has neither Sobol indices nor samples


@dataclass(frozen=True)
class Driver:
    """An input's total Sobol index for a claim (or its output), with the interval's half-width; and its
    Shapley effect where the priors' correlations make the Shapley effects rank the inputs."""

    input: str
    st: float
    st_conf: float
    shapley: float | None = None
    shapley_conf: float | None = None

    @property
    def measure(self) -> tuple[str, float, float]:
        """What ranks this input: ("Shapley", effect, half-width) or ("ST", index, half-width)."""
        if self.shapley is not None:
            return "Shapley", self.shapley, float(self.shapley_conf)
        return "ST", self.st, self.st_conf


@dataclass(frozen=True)
class ClaimVerdict:
    """The analysis of one claim (its probability is the run's :class:`~mcsim.compute.stats.ClaimResult`)."""

    claim: str  # the claim's name
    tipping: tuple[TippingPoint, ...]
    discovery: Discovery
    drivers: tuple[Driver, ...]  # by decreasing ST; empty without a sensitivity analysis of it
    drivers_of: str  # what the indices are of: the claim's indicator or its output; "" without them
    fails: np.ndarray  # bool per kept sample: does the claim fail there?
    no_driver: object = None  # a NoDriver: why those indices may name no driver; None when they may


@dataclass(frozen=True)
class Verdict:
    """The analysis behind a report's verdict; computed by :func:`judge`.

    Attributes
    ----------
    claims : mapping of str to ClaimVerdict
        By claim name, in the run's order of claims.
    map : OutputMap or None
        The first claim on a scalar output: its output over the two inputs that matter most, the
        others at their points (None without such a claim or without two uncertain inputs).
    map_claim : str or None
        The name of the claim whose output the map shows.
    map_chosen_by : str
        How the two inputs were chosen, in words ("" without a map).
    """

    claims: Mapping[str, ClaimVerdict]
    map: OutputMap | None = None
    map_claim: str | None = None
    map_chosen_by: RankedBy | None = None


def judge(spec: RunSpec, claims: Mapping[str, ClaimResult], kept: KeptSamples,
          sensitivity: SensitivityResult | Callable[[], SensitivityResult | None] | None = None) -> Verdict:
    """Tipping points, failure boxes and drivers of every claim, and the 2-D map.

    Parameters
    ----------
    spec : RunSpec
    claims : mapping of str to ClaimResult
        The run's claims by name, in order.
    kept : KeptSamples
        The samples scenario discovery (and the ranking of inputs without Sobol indices) uses.
    sensitivity : SensitivityResult, or a callable that returns it, optional
        The run's Sobol indices, if it has a ``[sensitivity]`` table. A callable (an analysis
        still under way elsewhere) is called once the failure boxes, which do not need it, are found.
    """
    uncertain = spec.priors.uncertain
    found = {}
    for name, cr in claims.items():
        claim = cr.claim
        tipping = tuple(tipping_points(spec.model, spec.priors, [claim]))
        fails = ~claim_holds(claim, kept.outputs, spec.grid_values) if kept.size else np.zeros(0, dtype=bool)
        found[name] = tipping, discover({input_: kept.inputs[input_] for input_ in uncertain}, fails), fails
    if callable(sensitivity):
        sensitivity = sensitivity()
    judged = {}
    for name, cr in claims.items():
        tipping, discovery, fails = found[name]
        drivers, of, no_driver = _drivers(sensitivity, cr.claim)
        judged[name] = ClaimVerdict(name, tipping, discovery, drivers, of, fails, no_driver)
    scalar = [cr.claim for cr in claims.values() if not spec.model.output(cr.claim.output).per_user]
    if not scalar or len(uncertain) < 2:
        return Verdict(judged)
    claim = scalar[0]
    order, chosen_by = rank_inputs(spec, sensitivity, ((claim.name, N_("the claim's indicator")),
                                                        (claim.output, N_("the claim's output"))), claim.output, kept)
    order = [name for name in order if name in uncertain]
    the_map = output_map(spec.model, spec.priors, claim.output, order[0], order[1])
    return Verdict(judged, the_map, claim.name, chosen_by)


def _drivers(sensitivity: SensitivityResult | None, claim: Claim) -> tuple[tuple[Driver, ...], str, object]:
    """The claim's drivers by decreasing importance, what their indices are of, and why they may name no driver."""
    if sensitivity is None:
        return (), "", None
    for key, of in ((claim.name, N_("the claim's indicator")), (claim.output, f"{claim.output}")):
        try:
            target = sensitivity[key]
        except KeyError:
            continue
        ix = target.indices
        if ix is None:
            return (), of, target.no_driver_reason  # no variance: nothing to rank
        sh = target.shapley if target.ranking is not None and target.ranking.by == "shapley" else None
        if sh is not None:  # correlated priors: the Shapley effects rank the inputs
            order = decreasing(sh.effects)
            return tuple(Driver(ix.names[j], float(ix.ST[j]), float(ix.ST_conf[j]), float(sh.effects[j]),
                                float(sh.conf[j])) for j in order), of, target.no_driver_reason
        order = decreasing(ix.ST)
        return (tuple(Driver(ix.names[j], float(ix.ST[j]), float(ix.ST_conf[j])) for j in order), of,
                target.no_driver_reason)
    return (), "", None


def rank_inputs(spec: RunSpec, sensitivity: SensitivityResult | None, keys: tuple[tuple[str, str], ...],
                output: str, kept: KeptSamples) -> tuple[list[str], RankedBy]:
    """Uncertain inputs by importance: Sobol ST of the first of ``keys`` analysed, else |Spearman| with ``output``.

    ``keys`` are (target, what it is in words); the words say how the inputs were ranked.
    """
    names = list(spec.priors.uncertain)
    for key, words in keys:
        try:
            ranking = sensitivity[key].ranking if sensitivity is not None else None
        except KeyError:
            ranking = None
        if ranking is not None:
            return list(ranking.order), RankedBy("shapley" if ranking.by == "shapley" else "sobol", words)
    y = kept.outputs[output]
    if y.ndim != 1 or y.size < 3:
        return names, PRIORS_ORDER
    rho = []
    for name in names:
        value = scipy_stats.spearmanr(kept.inputs[name], y).statistic
        rho.append(0.0 if not np.isfinite(value) else abs(float(value)))
    return [names[j] for j in np.argsort(rho)[::-1]], RankedBy("spearman", keys[-1][1], y.size)
