"""The sections of ``summary.json`` built from the analysis's typed results: plain dicts of plain values.

The analysis (:mod:`mcsim.analysis`) knows nothing of the summary's layout: each function here reads
one of its results and returns the dict ``summary.json`` holds for it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mcsim.analysis.attribution import MedianAttribution
from mcsim.analysis.discovery import Box, Discovery, Restriction
from mcsim.analysis.sensitivity import SensitivityResult
from mcsim.analysis.sensitivity.crosschecks import DELTA_RESAMPLES
from mcsim.analysis.sensitivity.result import TargetResult
from mcsim.analysis.sensitivity.shapley import EXACT_UP_TO, INNER, REPLICATES
from mcsim.analysis.tails import SUMMARY_ALPHA, TailIndex
from mcsim.analysis.tipping import TippingPoint
from mcsim.analysis.value_of_information import ValueOfInformation
from mcsim.analysis.value_of_information.analysis import DecisionValue
from mcsim.analysis.value_of_information.estimate import Estimate
from mcsim.inputs.sensitivity import SensitivitySpec

__all__ = ["HEAVY_TAIL_MEANS", "SAMPLER_WORDS", "SHARES_MEAN", "TIES_MEAN", "box_summary", "discovery_summary",
           "heavy_tail_summary", "median_attribution_summary", "restriction_summary", "sensitivity_summary",
           "shapley_method", "target_summary", "tipping_summary", "value_of_information_summary"]

SHARES_MEAN = ("each input moved alone from its point to its prior's median, the others at their points: 'output' is "
               "the output there, 'shift' that output less the output at the points, 'share' the shift over the sum "
               "of every input's shift (shares sum to 1; an input pulling the other way is negative; null when the "
               "shifts sum to 0 or one is infinite). The shifts need not add up to the gap (median less the value at "
               "the points): 'at_medians' is the output with every input at its median, and the median over the "
               "samples differs from it by what the inputs' joint spread adds")
HEAVY_TAIL_MEANS = (
    "tail_index: how fast the output's largest magnitudes thin out (P(|X| > x) ~ x**-tail_index), estimated on the "
    "run's largest magnitudes by Hill's estimate on the tail whose Pareto fit is closest (Clauset, Shalizi and Newman "
    f"2009); tail_samples: the largest values it was fitted on. mean_is_summary is false below {SUMMARY_ALPHA:g}, "
    "where the variance may be infinite (below 1 the mean): the mean and sd then say little; null where too few "
    "values are finite and non-zero to estimate it")
TIES_MEAN = ("inputs next to each other in the order whose ST estimates each lie inside the other's interval: "
             "the estimates cannot tell their ranks apart")
SAMPLER_WORDS = {"random": "plain Monte Carlo", "lhs": "Latin hypercube", "sobol": "scrambled Sobol"}


# --- outputs --------------------------------------------------------------------------------------

def median_attribution_summary(found: MedianAttribution) -> dict[str, Any]:
    """``outputs.<name>.median_attribution``."""
    moved = found.moved_by
    return {
        "median": found.median, "at_points": found.at_points, "at_medians": found.at_medians, "gap": found.gap,
        "sum_of_shifts": found.sum_of_shifts,
        "inputs": {s.input: {"point": s.point, "median": s.median, "output": s.output, "shift": s.shift,
                             "share": s.share} for s in found.shifts},
        "moved_by": moved.input if moved is not None else None,
        "spread_driver": ({"input": found.driver, "ranked_by": str(found.driver_by), "tied_with": list(found.tied)}
                          if found.driver else None),
    }


def heavy_tail_summary(index: TailIndex | None, why: str) -> dict[str, Any]:
    """``outputs.<name>.heavy_tail``; ``why`` says in words whether the mean is a summary."""
    return {
        "tail_index": index.alpha if index is not None else None,
        "tail_index_se": index.se if index is not None else None,
        "tail_samples": index.tail if index is not None else None,
        "mean_is_summary": index.mean_is_summary if index is not None else None,
        "why": why,
    }


# --- the verdict ----------------------------------------------------------------------------------

def tipping_summary(t: TippingPoint) -> dict[str, Any]:
    """One of ``verdict.claims.<name>.tipping_points``."""
    return {"claim": t.claim, "input": t.input, "value": t.value, "fails": t.fails,
            "quantile": t.quantile, "method": t.method, "searched": list(t.searched),
            "holds_at_point": t.holds_at_point, "other_flip": t.other_flip,
            "other_fails": t.other_fails, "other_quantile": t.other_quantile,
            "p_failing": t.failing_share}


def restriction_summary(r: Restriction) -> dict[str, Any]:
    """One input's limits in a failure box (null on a side the box does not restrict)."""
    return {"input": r.input, "low": r.low if r.restricts_low else None,
            "high": r.high if r.restricts_high else None, "sample_low": r.sample_low,
            "sample_high": r.sample_high, "quasi_p": r.quasi_p}


def box_summary(b: Box) -> dict[str, Any]:
    """One failure box."""
    return {"coverage": b.coverage, "density": b.density, "mass": b.mass, "samples": b.samples,
            "restrictions": [restriction_summary(r) for r in b.restrictions]}


def discovery_summary(d: Discovery) -> dict[str, Any]:
    """``verdict.claims.<name>.discovery``: the failure boxes."""
    return {"samples": d.samples, "cases": d.cases, "base_rate": d.base_rate if d.samples else None,
            "boxes": [box_summary(b) for b in d.boxes], "note": d.note, "reason": d.reason, "method": d.method}


# --- sensitivity ----------------------------------------------------------------------------------

def _num(value: float) -> float | None:
    """A plain float for JSON; None where it is NaN or infinite (the caller says why)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _by_name(names: tuple[str, ...], values: np.ndarray) -> dict[str, float | None]:
    return {name: _num(v) for name, v in zip(names, values, strict=True)}


def target_summary(result: TargetResult, conf_level: float) -> dict[str, Any]:
    """One target's entry of ``sensitivity`` (an output's, or under ``claims`` a claim's)."""
    t = result.target
    entry: dict = {"target": {"description": t.describe(), "output": t.output, "transform": t.transform,
                              "infinite_share": result.infinite_share},
                   "conf_level": conf_level}
    ix = result.indices
    if ix is None:
        entry.update({"samples": None, "S1": None, "S1_conf": None, "ST": None, "ST_conf": None,
                      "undefined": result.undefined})
        return entry
    names = ix.names
    entry.update({"samples": ix.base_samples, "evaluations": ix.evaluations,
                  "S1": _by_name(names, ix.S1), "S1_conf": _by_name(names, ix.S1_conf),
                  "ST": _by_name(names, ix.ST), "ST_conf": _by_name(names, ix.ST_conf)})
    if ix.S2 is not None:
        entry["S2"] = {a: {names[k]: _num(ix.S2[j, k]) for k in range(j + 1, len(names))}
                       for j, a in enumerate(names[:-1])}
        entry["S2_conf"] = {a: {names[k]: _num(ix.S2_conf[j, k]) for k in range(j + 1, len(names))}
                            for j, a in enumerate(names[:-1])}
    entry["converged"] = result.converged
    entry["undefined_replicates"] = ix.undefined_replicates
    entry["S1_interval_clipped"] = {n: [_num(max(ix.S1[j] - ix.S1_conf[j], 0.0)),
                                        _num(min(ix.S1[j] + ix.S1_conf[j], 1.0))] for j, n in enumerate(names)}
    entry["ST_interval_clipped"] = {n: [_num(max(ix.ST[j] - ix.ST_conf[j], 0.0)),
                                        _num(min(ix.ST[j] + ix.ST_conf[j], 1.0))] for j, n in enumerate(names)}
    entry["no_driver"] = result.no_driver
    entry["not_converged"] = {kind: list(found) for kind, found in result.not_converged.items()}
    entry["convergence"] = [
        {"base_samples": step.base_samples, "evaluations": step.evaluations,
         "widest_ST_interval": _num(step.widest_ST[0]), "widest_input": step.widest_ST[1],
         "S1": _by_name(names, step.S1), "S1_conf": _by_name(names, step.S1_conf),
         "ST": _by_name(names, step.ST), "ST_conf": _by_name(names, step.ST_conf)}
        for step in result.convergence]
    sh = result.shapley
    entry["shapley"] = _by_name(sh.names, sh.effects) if sh is not None else None
    entry["shapley_conf"] = _by_name(sh.names, sh.conf) if sh is not None else None
    if sh is not None:
        entry["shapley_undefined_replicates"] = sh.undefined_replicates
    if sh is None and result.shapley_undefined:
        entry["shapley_undefined"] = result.shapley_undefined
    ranking = result.ranking
    entry["ranking"] = {
        "by": ranking.by, "order": list(ranking.order), "top": ranking.top, "settled": ranking.settled,
        "top_first_share": ranking.top_first_share, "ties": [list(group) for group in ranking.ties],
        "top_tied": ranking.top_tied, "ties_mean": TIES_MEAN,
        "ST_interval": {name: [_num(ix.ST[j] - ix.ST_conf[j]), _num(ix.ST[j] + ix.ST_conf[j])]
                        for j, name in enumerate(names)}}
    if sh is not None:
        entry["ranking"]["sobol_order"] = [names[j] for j in np.argsort(-ix.ST, kind="stable")]
        entry["ranking"]["shapley_order"] = list(sh.order)
    if result.crosscheck is not None:
        cc = result.crosscheck
        entry["crosschecks"] = {
            "samples": cc.samples, "spearman": _by_name(names, cc.spearman),
            "spearman_interval": {n: [_num(lo), _num(hi)] for n, lo, hi in
                                  zip(names, cc.spearman_low, cc.spearman_high, strict=True)},
            "pawn_median_ks": _by_name(names, cc.pawn), "pawn_threshold": _num(cc.pawn_threshold),
            **({"borgonovo_delta": _by_name(names, cc.delta),
                "borgonovo_delta_conf": _by_name(names, cc.delta_conf)} if cc.delta.size else {}),
            "order": {"sobol_ST": [names[j] for j in np.argsort(-ix.ST, kind="stable")],
                      "spearman": list(cc.order("spearman")), "pawn": list(cc.order("pawn")),
                      **({"borgonovo_delta": list(cc.order("delta"))} if cc.delta.size else {})},
            "top_agrees": result.top_agrees}
    if result.tornado is not None:
        tor = result.tornado
        entry["tornado"] = {
            "baseline": None if tor.baseline_infinite else _num(tor.baseline),
            "scale": "log10" if tor.log_scale else "linear", "swing_scale": t.transform,
            "bars": [{"input": b.name, "input_p05": _num(b.input_low), "input_p95": _num(b.input_high),
                      "output_at_p05": None if b.capped_low else _num(b.output_low),
                      "output_at_p95": None if b.capped_high else _num(b.output_high),
                      "infinite_at_p05": b.capped_low, "infinite_at_p95": b.capped_high, "swing": _num(b.swing)}
                     for b in tor.bars]}
    return entry


def shapley_method(spec: SensitivitySpec) -> dict[str, Any]:
    """How the Shapley effects are estimated (``sensitivity.method.shapley``)."""
    n = spec.shapley_samples
    return {"estimator": "Song, Nelson and Staum (2016), cost E[Var(Y | X_-J)], exact conditional sampling under "
                         "the Gaussian copula of the priors' rank correlations",
            "permutations": f"all of them up to {EXACT_UP_TO} inputs (every subset's cost estimated once, with "
                            f"common outer draws), else {8 * n} random ones",
            "outer_samples": n, "inner_samples": INNER, "variance_samples": 2 * n,
            "intervals": f"Student's t over {REPLICATES} replicates: the outer draws (or permutations) and the "
                         f"variance draws split into {REPLICATES} independent groups, each estimating the effects",
            "target": "the Sobol target's scale: the rank (CDF over the Shapley sample's rows), log10 or the output"}


def sensitivity_summary(found: SensitivityResult) -> dict[str, Any]:
    """The ``sensitivity`` section: plain floats, None (with a reason) for undefined.

    One entry per output (target, indices, convergence, ranking, crosschecks, tornado); claims'
    indicators under ``"claims"``; settings under ``"method"``.
    """
    spec = found.spec
    summary: dict = {}
    claims: dict = {}
    for result in found.targets:
        entry = target_summary(result, spec.conf_level)
        (claims if result.target.kind == "claim" else summary)[result.target.key] = entry
    if claims:
        summary["claims"] = claims
    summary["method"] = {
        "estimator": "Sobol indices by SALib.analyze.sobol's estimators (Saltelli et al. 2010 for S1 and ST, "
                     "Saltelli 2002 for S2) on SALib.sample.sobol (scrambled Sobol sequence, Saltelli's scheme)",
        "inputs": list(found.names), "left_out_points": list(found.left_out),
        "seed": found.seed, "base_samples": spec.base_samples, "max_base_samples": spec.max_base_samples,
        "tolerance": spec.tolerance, "tolerance_means": "widest ST interval (high - low) at conf_level",
        "conf_level": spec.conf_level, "replicates": spec.replicates,
        "bootstrap": spec.bootstrap if spec.replicates == 1 else None, "intervals": spec.intervals,
        "second_order": spec.second_order, "transform": spec.transform, "notes": list(spec.notes),
        "crosscheck_samples": spec.crosscheck_samples,
        "borgonovo_delta": "SALib.analyze.delta's delta_raw (Plischke, Borgonovo and Smith 2013) on the "
                           f"cross-check sample, with {DELTA_RESAMPLES} bootstrap resamples",
        "shapley": shapley_method(spec) if spec.shapley else None,
        "independence": ("inputs are sampled independently for the Sobol indices and the cross-checks; the "
                         "priors' rank correlations (" + "; ".join(found.correlations) + ") are ignored by them"
                         + (", taken in by the Shapley effects, which rank the inputs" if spec.shapley else "")
                         ) if found.correlations else "inputs are independent",
        "samples_means": "base samples N of the final step; the model ran N (D + 2) times, N (2D + 2) with S2"}
    return summary


# --- value of information -------------------------------------------------------------------------

def _estimates(values: dict[str, Estimate]) -> dict[str, Any]:
    return {name: {"value": e.value, "se": e.se} for name, e in values.items()}


def _decision(d: DecisionValue) -> dict[str, Any]:
    return {"users": d.users, "mean_payoff": d.mean, "p_positive": d.positive,
            "decision_now": "act" if d.acts else "do not act",
            "evpi": {"value": d.evpi.value, "se": d.evpi.se}, "evppi": _estimates(d.evppi)}


def value_of_information_summary(voi: ValueOfInformation) -> dict[str, Any]:
    """The ``value_of_information`` section (plain floats)."""
    return {
        "payoff": {"output": voi.spec.output, "label": voi.label, "unit": voi.unit},
        "decision": f"at each users value: act (payoff {voi.spec.output} at those users) or not (payoff 0), "
                    "taken on the payoff's expected value" if voi.spec.users else
                    f"once: act (payoff {voi.spec.output}) or not (payoff 0), taken on the payoff's expected value",
        "users": list(voi.spec.users),
        "decisions": [_decision(d) for d in voi.decisions],
        "curve": {"users": [d.users for d in voi.curve], "evpi": [d.evpi.value for d in voi.curve],
                  "evppi": {name: [d.evppi[name].value for d in voi.curve] for name in voi.names}},
        "claims": {c.claim: {"probability": c.probability, "verdict": "holds" if c.verdict_holds else "fails",
                             "p_wrong_verdict": c.wrong, "reduction_if_known": _estimates(c.reduction)}
                   for c in voi.claims},
        "method": {
            "samples": voi.samples,
            "sampler": f"the run's own sample: {SAMPLER_WORDS.get(voi.sampler, voi.sampler)}, the priors' "
                       "correlations included",
            "seed": voi.seed, "bins": voi.bins, "inputs": list(voi.names),
            "evpi": "E[max(payoff, 0)] - max(E[payoff], 0); se of the mean regret",
            "evppi": f"Strong and Oakley (2013): the payoff's mean in {voi.bins} bins of equal counts of the "
                     "input (grouped by value where it has no more distinct values), the upward bias of max over "
                     "noisy bin means subtracted; se by the delta method",
            "claims": "reduction_if_known: min(p, 1 - p) - E[min(p(X), 1 - p(X))], the expected fall in the "
                      "probability that the likelier verdict is wrong if the input X were known exactly, with "
                      "p(X) = P(claim | X); p_wrong_verdict = min(p, 1 - p) is its value with every input known",
        },
    }
