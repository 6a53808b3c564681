"""The result of a sensitivity analysis (its summary: :func:`mcsim.serialise.sections.sensitivity_summary`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from mcsim.analysis.ordering import decreasing
from mcsim.analysis.sensitivity.crosschecks import CrossCheck
from mcsim.analysis.sensitivity.shapley import ShapleyEffects
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


@dataclass(frozen=True)
class Ranking:
    """Inputs ranked by total index ST, whether the top rank is settled, and which inputs are tied.

    ``settled``: the top input's ST interval lies wholly above the second's. ``top_first_share``:
    the share of replicates (or of bootstrap resamples, paired across inputs) in which the top
    input comes first; a replicate has a K-th of the sample, so it is noisier than the whole.
    ``ties``: groups (two or more, in the order) of inputs next to each other in the order whose
    ST estimates each lie inside the other's interval (``summary.json`` says so in ``ties_mean``), e.g. two inputs that
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
            order = [int(j) for j in decreasing(sh.effects)]
            return Ranking(tuple(sh.names[j] for j in order), sh.settled, sh.top_first_share,
                           _ties(order, sh.effects, sh.conf, sh.names), by="shapley")
        order = [int(j) for j in decreasing(ix.ST)]
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

    @property
    def top_agrees(self) -> bool | None:
        """Whether Spearman and PAWN put first an input that ST ranks first, alone or tied (None without
        cross-checks)."""
        if self.crosscheck is None or self.indices is None:
            return None
        first = self.ranking.top_group
        return self.crosscheck.order("spearman")[0] in first and self.crosscheck.order("pawn")[0] in first


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
