"""The result of a sensitivity analysis, and its ``summary.json`` section (DESIGN 3.4)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from mcsim.analysis.sensitivity.crosschecks import DELTA_RESAMPLES, CrossCheck
from mcsim.analysis.sensitivity.shapley import EXACT_UP_TO, INNER, REPLICATES, ShapleyEffects
from mcsim.analysis.sensitivity.sobol import Indices
from mcsim.analysis.sensitivity.targets import Target
from mcsim.analysis.sensitivity.tornado import Tornado
from mcsim.inputs.sensitivity import SensitivitySpec

__all__ = ["NoDriver", "Ranking", "SensitivityResult", "TargetResult", "indices_distinguishable"]


@dataclass(frozen=True)
class NoDriver:
    """Why a target's indices name no driver: ``kind`` is "constant" (no variance), "sobol undefined" or
    "shapley undefined" (``count`` of the ``estimates`` undefined), or "not converged" (the top input's
    interval ``width`` against the ``tolerance``)."""

    kind: str
    count: int = 0
    estimates: int = 0
    width: float = math.nan
    tolerance: float = math.nan
    said: str = ""  # the analysis's own words for a constant target

    def __str__(self) -> str:
        if self.kind == "constant":
            return self.said or "the target has no variance"
        if self.kind == "shapley undefined":
            return (f"the target is constant in the variance sample of {self.count} of the {self.estimates} Shapley "
                    "estimates (the replicates and their pool), so their effects and intervals are undefined")
        if self.kind == "sobol undefined":
            return (f"the target is constant in the A and B rows of {self.count} of the {self.estimates} Saltelli "
                    "estimates (the replicates and their pool), so their indices are undefined and the intervals "
                    "measure nothing")
        return f"the top input's interval is {self.width:.3g} wide, not converged (tolerance {self.tolerance:g})"


def _num(value: float) -> float | None:
    """A plain float for JSON; None where it is NaN or infinite (the caller says why)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _by_name(names: tuple[str, ...], values: np.ndarray) -> dict[str, float | None]:
    return {name: _num(v) for name, v in zip(names, values, strict=True)}


TIES_MEAN = ("inputs next to each other in the order whose ST estimates each lie inside the other's interval: "
             "the estimates cannot tell their ranks apart")


@dataclass(frozen=True)
class Ranking:
    """Inputs ranked by total index ST, whether the top rank is settled, and which inputs are tied.

    ``settled``: the top input's ST interval lies wholly above the second's. ``top_first_share``:
    the share of replicates (or of bootstrap resamples, paired across inputs) in which the top
    input comes first; a replicate has a K-th of the sample, so it is noisier than the whole.
    ``ties``: groups (two or more, in the order) of inputs next to each other in the order whose
    ST estimates each lie inside the other's interval (:data:`TIES_MEAN`), e.g. two inputs that
    enter the output only as a product and have the same spread.
    """

    order: tuple[str, ...]
    settled: bool
    top_first_share: float
    ties: tuple[tuple[str, ...], ...] = ()
    by: str = "ST"  # "ST", or "shapley" where the priors are correlated and Shapley effects were estimated

    @property
    def top(self) -> str:
        return self.order[0]

    @property
    def top_group(self) -> tuple[str, ...]:
        """The inputs tied for the first rank (the top input alone when it is not tied)."""
        return next((group for group in self.ties if group[0] == self.top), (self.top,))

    @property
    def top_tied(self) -> bool:
        return len(self.top_group) > 1


def indices_distinguishable(a: float, a_conf: float, b: float, b_conf: float) -> bool:
    """Whether two indices (S1 and ST of one input, two inputs' ST or Shapley effects) tell apart.

    ``a`` and ``b`` are estimates, ``a_conf`` and ``b_conf`` the half-widths of their intervals.
    They do when their intervals do not overlap (``|a - b| > a_conf + b_conf``), the rule by which
    a first rank is settled; otherwise the sample cannot say which is the larger, and a report says
    they are indistinguishable rather than give an order or a difference. Undefined values (NaN)
    never tell apart.
    """
    difference = abs(float(a) - float(b))
    reach = float(a_conf) + float(b_conf)
    return bool(math.isfinite(difference) and math.isfinite(reach) and difference > reach)


def _ties(order: list[int], estimate: np.ndarray, half: np.ndarray, names: tuple[str, ...]) -> tuple:
    """Groups of inputs next to each other in ``order`` whose estimates each lie in the other's interval."""
    groups: list[list[int]] = []
    for before, after in pairwise(order):
        if abs(estimate[before] - estimate[after]) <= min(half[before], half[after]):
            if groups and groups[-1][-1] == before:
                groups[-1].append(after)
            else:
                groups.append([before, after])
    return tuple(tuple(names[j] for j in group) for group in groups)


@dataclass(frozen=True)
class TargetResult:
    """Everything computed for one target: final indices, convergence, ranking, cross-checks."""

    target: Target
    indices: Indices | None  # None: the target has no variance (see ``undefined``)
    convergence: tuple[Indices, ...]
    converged: bool
    tolerance: float  # the widest interval (high - low) an index may have to count as converged
    infinite_share: float  # share of the samples where the output is infinite
    undefined: str | None = None
    crosscheck: CrossCheck | None = None
    tornado: Tornado | None = None
    shapley: ShapleyEffects | None = None  # with the priors' correlations; None when not estimated
    correlated: bool = False  # the priors have rank correlations: Shapley effects rank the inputs
    shapley_undefined: str | None = None  # why there are no Shapley effects, when they were asked for

    @property
    def ranking(self) -> Ranking | None:
        """Inputs ranked by ST, or by Shapley effect where the priors are correlated (Sobol indices ignore that)."""
        ix = self.indices
        if ix is None:
            return None
        sh = self.shapley
        if self.correlated and sh is not None:
            order = [int(j) for j in np.argsort(-sh.effects, kind="stable")]
            return Ranking(tuple(sh.names[j] for j in order), sh.settled, sh.top_first_share,
                           _ties(order, sh.effects, sh.conf, sh.names), by="shapley")
        order = [int(j) for j in np.argsort(-ix.ST, kind="stable")]
        top = order[0]
        if len(order) == 1:
            return Ranking((ix.names[top],), True, 1.0)
        second = order[1]
        settled = bool(ix.ST[top] - ix.ST_conf[top] > ix.ST[second] + ix.ST_conf[second])
        share = float(np.mean(np.argmax(ix.ST_resamples, axis=1) == top))
        return Ranking(tuple(ix.names[j] for j in order), settled, share, _ties(order, ix.ST, ix.ST_conf, ix.names))

    @property
    def not_converged(self) -> dict[str, tuple[str, ...]]:
        """Per index (``"S1"``, ``"ST"``), the inputs whose interval is at least :attr:`tolerance` wide.

        The convergence loop steers on ST alone, so S1 intervals may stay wider; and a claim's
        indices are estimated once, whatever their width.
        """
        ix = self.indices
        if ix is None:
            return {"S1": (), "ST": ()}
        return {kind: tuple(n for n, half in zip(ix.names, conf, strict=True) if 2 * half >= self.tolerance)
                for kind, conf in (("S1", ix.S1_conf), ("ST", ix.ST_conf))}

    @property
    def no_driver_reason(self) -> NoDriver | None:
        """Why no input may be named as what drives this target (None when one may).

        No driver is named when the target has no indices (constant in every sample: see
        :attr:`undefined`); when the indices that rank the inputs are undefined in some replicate
        (the target constant in that replicate's A and B rows for Sobol, in its variance sample for
        Shapley: the intervals then measure nothing); or when the top input's interval is not
        converged (at least :attr:`tolerance` wide).
        """
        ix = self.indices
        if ix is None:
            return NoDriver("constant", said=self.undefined or "")
        ranking = self.ranking
        if ranking.by == "shapley" and self.shapley.undefined_replicates:
            return NoDriver("shapley undefined", count=self.shapley.undefined_replicates,
                            estimates=len(self.shapley.replicates) + 1)
        if ix.undefined_replicates:
            return NoDriver("sobol undefined", count=ix.undefined_replicates, estimates=len(ix.ST_resamples) + 1)
        top = ix.names.index(ranking.top)
        half = self.shapley.conf[top] if ranking.by == "shapley" else ix.ST_conf[top]
        if not 2 * half < self.tolerance:
            return NoDriver("not converged", width=float(2 * half), tolerance=float(self.tolerance))
        return None

    @property
    def no_driver(self) -> str | None:
        """:attr:`no_driver_reason` in words (English, for ``summary.json``), or None."""
        reason = self.no_driver_reason
        return None if reason is None else str(reason)

    def to_summary(self, conf_level: float) -> dict:
        t = self.target
        entry: dict = {"target": {"description": t.describe(), "output": t.output, "transform": t.transform,
                                  "infinite_share": self.infinite_share},
                       "conf_level": conf_level}
        ix = self.indices
        if ix is None:
            entry.update({"samples": None, "S1": None, "S1_conf": None, "ST": None, "ST_conf": None,
                          "undefined": self.undefined})
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
        entry["converged"] = self.converged
        entry["undefined_replicates"] = ix.undefined_replicates
        entry["S1_interval_clipped"] = {n: [_num(max(ix.S1[j] - ix.S1_conf[j], 0.0)),
                                            _num(min(ix.S1[j] + ix.S1_conf[j], 1.0))] for j, n in enumerate(names)}
        entry["ST_interval_clipped"] = {n: [_num(max(ix.ST[j] - ix.ST_conf[j], 0.0)),
                                            _num(min(ix.ST[j] + ix.ST_conf[j], 1.0))] for j, n in enumerate(names)}
        entry["no_driver"] = self.no_driver
        entry["not_converged"] = {kind: list(found) for kind, found in self.not_converged.items()}
        entry["convergence"] = [
            {"base_samples": step.base_samples, "evaluations": step.evaluations,
             "widest_ST_interval": _num(step.widest_ST[0]), "widest_input": step.widest_ST[1],
             "S1": _by_name(names, step.S1), "S1_conf": _by_name(names, step.S1_conf),
             "ST": _by_name(names, step.ST), "ST_conf": _by_name(names, step.ST_conf)}
            for step in self.convergence]
        sh = self.shapley
        entry["shapley"] = _by_name(sh.names, sh.effects) if sh is not None else None
        entry["shapley_conf"] = _by_name(sh.names, sh.conf) if sh is not None else None
        if sh is not None:
            entry["shapley_undefined_replicates"] = sh.undefined_replicates
        if sh is None and self.shapley_undefined:
            entry["shapley_undefined"] = self.shapley_undefined
        ranking = self.ranking
        entry["ranking"] = {
            "by": ranking.by, "order": list(ranking.order), "top": ranking.top, "settled": ranking.settled,
            "top_first_share": ranking.top_first_share, "ties": [list(group) for group in ranking.ties],
            "top_tied": ranking.top_tied, "ties_mean": TIES_MEAN,
            "ST_interval": {name: [_num(ix.ST[j] - ix.ST_conf[j]), _num(ix.ST[j] + ix.ST_conf[j])]
                            for j, name in enumerate(names)}}
        if sh is not None:
            entry["ranking"]["sobol_order"] = [names[j] for j in np.argsort(-ix.ST, kind="stable")]
            entry["ranking"]["shapley_order"] = list(sh.order)
        if self.crosscheck is not None:
            cc = self.crosscheck
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
                "top_agrees": self.top_agrees}
        if self.tornado is not None:
            tor = self.tornado
            entry["tornado"] = {
                "baseline": None if tor.baseline_infinite else _num(tor.baseline),
                "scale": "log10" if tor.log_scale else "linear", "swing_scale": t.transform,
                "bars": [{"input": b.name, "input_p05": _num(b.input_low), "input_p95": _num(b.input_high),
                          "output_at_p05": None if b.capped_low else _num(b.output_low),
                          "output_at_p95": None if b.capped_high else _num(b.output_high),
                          "infinite_at_p05": b.capped_low, "infinite_at_p95": b.capped_high, "swing": _num(b.swing)}
                         for b in tor.bars]}
        return entry

    @property
    def top_agrees(self) -> bool | None:
        """Whether Spearman and PAWN put first an input that ST ranks first, alone or tied (None without
        cross-checks)."""
        if self.crosscheck is None or self.indices is None:
            return None
        first = self.ranking.top_group
        return self.crosscheck.order("spearman")[0] in first and self.crosscheck.order("pawn")[0] in first


def shapley_method(spec: SensitivitySpec) -> dict:
    """How the Shapley effects are estimated, for summary.json."""
    n = spec.shapley_samples
    return {"estimator": "Song, Nelson and Staum (2016), cost E[Var(Y | X_-J)], exact conditional sampling under "
                         "the Gaussian copula of the priors' rank correlations",
            "permutations": f"all of them up to {EXACT_UP_TO} inputs (every subset's cost estimated once, with "
                            f"common outer draws), else {8 * n} random ones",
            "outer_samples": n, "inner_samples": INNER, "variance_samples": 2 * n,
            "intervals": f"Student's t over {REPLICATES} replicates: the outer draws (or permutations) and the "
                         f"variance draws split into {REPLICATES} independent groups, each estimating the effects",
            "target": "the Sobol target's scale: the rank (CDF over the Shapley sample's rows), log10 or the output"}


@dataclass(frozen=True)
class SensitivityResult:
    """A whole sensitivity analysis: one :class:`TargetResult` per output, then per claim.

    Attributes
    ----------
    names : tuple of str
        The uncertain inputs analysed, in the priors' order.
    labels, units : dict of str to str
        Each input's label and unit from the priors file (text from a user file).
    left_out : tuple of str
        Inputs that are points: left out of the analysis (they have no variance to apportion).
    correlations : tuple of str
        The priors' rank correlations, in words, ignored by every index here (they assume
        independent inputs); empty when there are none.
    elapsed_seconds : float
        Wall time of the analysis (not in the summary: it differs from run to run).
    """

    spec: SensitivitySpec
    seed: int
    names: tuple[str, ...]
    labels: dict[str, str]
    units: dict[str, str]
    left_out: tuple[str, ...]
    correlations: tuple[str, ...]
    targets: tuple[TargetResult, ...]
    elapsed_seconds: float = field(default=0.0, compare=False)

    def __getitem__(self, key: str) -> TargetResult:
        for result in self.targets:
            if result.target.key == key:
                return result
        raise KeyError(key)

    def to_summary(self) -> dict:
        """The ``sensitivity`` section of ``summary.json``: plain floats, None (with a reason) for undefined.

        One entry per output (DESIGN 3.4's keys plus target, convergence, ranking, crosschecks,
        tornado); claims' indicators under ``"claims"``; settings under ``"method"``.
        """
        spec = self.spec
        summary: dict = {}
        claims: dict = {}
        for result in self.targets:
            entry = result.to_summary(spec.conf_level)
            (claims if result.target.kind == "claim" else summary)[result.target.key] = entry
        if claims:
            summary["claims"] = claims
        summary["method"] = {
            "estimator": "Sobol indices by SALib.analyze.sobol's estimators (Saltelli et al. 2010 for S1 and ST, "
                         "Saltelli 2002 for S2) on SALib.sample.sobol (scrambled Sobol sequence, Saltelli's scheme)",
            "inputs": list(self.names), "left_out_points": list(self.left_out),
            "seed": self.seed, "base_samples": spec.base_samples, "max_base_samples": spec.max_base_samples,
            "tolerance": spec.tolerance, "tolerance_means": "widest ST interval (high - low) at conf_level",
            "conf_level": spec.conf_level, "replicates": spec.replicates,
            "bootstrap": spec.bootstrap if spec.replicates == 1 else None, "intervals": spec.intervals,
            "second_order": spec.second_order, "transform": spec.transform, "notes": list(spec.notes),
            "crosscheck_samples": spec.crosscheck_samples,
            "borgonovo_delta": "SALib.analyze.delta's delta_raw (Plischke, Borgonovo and Smith 2013) on the "
                               f"cross-check sample, with {DELTA_RESAMPLES} bootstrap resamples",
            "shapley": shapley_method(spec) if spec.shapley else None,
            "independence": ("inputs are sampled independently for the Sobol indices and the cross-checks; the "
                             "priors' rank correlations (" + "; ".join(self.correlations) + ") are ignored by them"
                             + (", taken in by the Shapley effects, which rank the inputs" if spec.shapley else "")
                             ) if self.correlations else "inputs are independent",
            "samples_means": "base samples N of the final step; the model ran N (D + 2) times, N (2D + 2) with S2"}
        return summary
