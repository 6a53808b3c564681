"""What the Sobol indices are computed on: a finite, well-defined target per output or claim.

Break-even users is infinite where the margin per user is <= 0. Fed raw to SALib, such an
output gives every index exactly 0 without a warning (SALib 1.6 standardises the output, and
``inf - inf`` is NaN). mcsim never does that. An output with infinite values is analysed
through its rank: the empirical cumulative distribution of the output over every sample the
estimator combines, ties at their mid-rank and infinite values tied at the top. The rank is the
same for the output and for any increasing transform of it, and needs no horizon at which to
put the infinite values, so the ranking of the inputs depends neither on the output's scale nor
on an arbitrary cap (a cap moves the indices: capping break-even users at 1e8, 1e10 or 1e12
gives the conversion rate a first-order index of about 0.65, 0.57 or 0.45 on log10). An output
that is finite is analysed on a log10 scale where the model draws it on one and every value is
positive, as itself otherwise; a claim is analysed through its indicator (1 where the claim
holds). Whatever still holds NaN, or an infinite value under log10 or the identity, is refused
with :class:`UndefinedOutputError`, never passed on.

References
----------
Saltelli, A., Sobol', I. M. (1995). About the use of rank transformation in sensitivity analysis
of model output. Reliability Engineering & System Safety 50(3), 225-239.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from mcsim.i18n import _
from mcsim.inputs.errors import McsimError
from mcsim.inputs.sensitivity import SensitivitySpec
from mcsim.models import Model

__all__ = ["ClaimLike", "Target", "TargetValues", "UndefinedOutputError", "make_targets", "mid_rank_cdf"]



class UndefinedOutputError(McsimError, FloatingPointError):
    """A target still holds NaN or infinite values, so no variance-based index is defined."""


class ClaimLike(Protocol):
    """What the analysis needs of a claim (``mcsim.inputs.claims.Claim`` is one)."""

    name: str
    text: str
    output: str
    at: float | None  # the grid point (users, months) of a claim on a gridded output

    def holds(self, values: np.ndarray) -> np.ndarray: ...

    def describe(self) -> str: ...


def mid_rank_cdf(values: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """The empirical CDF of ``reference`` at ``values``, ties at their mid-rank: in (0, 1).

    ``F(x) = (#{r < x} + #{r == x} / 2) / n`` over the n values r of ``reference`` (``values``
    itself by default), i.e. ``(mid-rank - 1/2) / n`` for a value of the reference. Infinite
    values are ordered like any other (``+inf`` ties at the top). Only the order of the values
    enters, in integer counts, so an increasing transform of both arguments that keeps distinct
    values distinct gives the same floats, bit for bit.
    """
    shape = np.shape(values)
    values = np.asarray(values, dtype=float).ravel()
    # the values looked up in increasing order, then put back in theirs: a search of sorted keys walks the
    # reference once (five times faster than the same counts for keys in random order, on a million)
    order = np.argsort(values, kind="stable")
    keys = values[order]
    ordered = keys if reference is None else np.sort(np.asarray(reference, dtype=float))
    cdf = np.empty(values.size)
    cdf[order] = (np.searchsorted(ordered, keys, side="left") + np.searchsorted(ordered, keys, side="right")) \
        / (2.0 * ordered.size)
    return cdf.reshape(shape)


@dataclass(frozen=True)
class TargetValues:
    """One target's values over a set of samples, and how many of the output's were infinite."""

    y: np.ndarray
    infinite: int  # values of the output that were infinite

    @property
    def infinite_share(self) -> float:
        return self.infinite / self.y.size if self.y.size else 0.0


@dataclass(frozen=True)
class Target:
    """A quantity whose variance is apportioned among the inputs.

    Parameters
    ----------
    key : str
        The output's name, or the claim's name for a claim's indicator.
    kind : {"output", "claim"}
    output : str
        The model output it is computed from.
    label, unit : str
        The output's label and unit, for words and axes.
    transform : {"rank", "log10", "identity", "indicator", "auto"}
        ``auto`` is settled on the values seen (:meth:`settle`). ``rank``: the output's mid-rank
        empirical CDF over every sample the estimator combines (:func:`mid_rank_cdf`).
    infinite_means : str or None
        What an infinite value of the output means (from the model), for the report.
    claim : ClaimLike or None
        The claim, for an indicator.
    log_scale : bool
        The model draws the output on a log scale (``auto`` then takes log10 of a finite, positive output).
    """

    key: str
    kind: str
    output: str
    label: str
    unit: str
    transform: str
    infinite_means: str | None = None
    claim: ClaimLike | None = None
    log_scale: bool = False

    def settle(self, raw: np.ndarray) -> Target:
        """Fix an ``auto`` transform on the output's values seen so far.

        ``rank`` if a value is infinite; else ``log10`` for a log-scale output whose values are all
        > 0; else ``identity``. Settled once more when infinite values first appear (see
        :func:`mcsim.analysis.sensitivity.analysis.analyse`).
        """
        if self.transform != "auto":
            return self
        raw = np.asarray(raw, dtype=float)
        if np.isinf(raw).any():
            return replace(self, transform="rank")
        positive = bool(np.all(raw[~np.isnan(raw)] > 0))
        return replace(self, transform="log10" if self.log_scale and positive else "identity")

    def values(self, raw: np.ndarray) -> TargetValues:
        """The target over samples whose output values are ``raw`` (shape (n,)).

        Under ``rank`` the CDF is that of ``raw`` itself: pass every sample the estimator combines.

        Raises
        ------
        UndefinedOutputError
            If a value is NaN, or infinite under log10 or the identity, or not positive under log10.
        """
        raw = np.asarray(raw, dtype=float)
        if np.isnan(raw).any():
            raise UndefinedOutputError(
                f"sensitivity of {self.key}: {int(np.isnan(raw).sum())} of {raw.size} values of {self.output} are "
                "undefined (NaN); Sobol indices are not defined for them, so none are computed")
        infinite = int(np.isinf(raw).sum())
        if self.kind == "claim":
            claim = self.claim
            return TargetValues(claim.holds(raw).astype(float), infinite)
        if self.transform == "rank":
            return TargetValues(mid_rank_cdf(raw), infinite)
        if infinite:
            raise UndefinedOutputError(
                f'sensitivity of {self.key}: {infinite} of {raw.size} values are infinite, so [sensitivity] transform '
                f'= "{self.transform}" is undefined for them; set transform = "rank" (or "auto", which takes the '
                "rank of an output with infinite values)")
        if self.transform == "log10":
            if not (raw > 0).all():
                raise UndefinedOutputError(
                    f"sensitivity of {self.key}: {int((raw <= 0).sum())} of {raw.size} values are <= 0, so log10 is "
                    'undefined; set [sensitivity] transform = "identity" or "rank"')
            raw = np.log10(raw)
        return TargetValues(raw, infinite)

    def scale(self, raw: np.ndarray, reference: np.ndarray) -> np.ndarray:
        """Output values ``raw`` on the target's scale, the rank's CDF being that of ``reference``.

        For the tornado: its points are not in the sample, so they are placed in the sample's
        distribution. An infinite value is infinite under log10 and the identity.
        """
        raw = np.asarray(raw, dtype=float)
        if self.transform == "rank":
            return mid_rank_cdf(raw, reference)
        if self.transform == "log10":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(raw)
        return raw

    def describe(self) -> str:
        """The target in words, without an article; its first clause has no comma (titles use it).

        E.g. ``log10 of break-even monthly users (users)``, or ``rank of break-even monthly users
        among all samples (its cumulative distribution from 0 to 1), so that ...``.
        """
        if self.kind == "claim":
            return _("indicator of claim {name}: 1 where {test}, 0 elsewhere").format(name=self.claim.name,
                                                                                    test=self.claim.describe())
        label = _(self.label) if self.label else ""
        what = label[:1].lower() + label[1:] if label else self.output
        if self.transform == "rank":
            if self.infinite_means:
                return _("rank of {output} among all samples (its cumulative distribution from 0 to 1), so that the "
                         "ranking of the inputs depends neither on the scale of {output} nor on where its infinite "
                         "values ({means}) are put: they tie at the top").format(output=what,
                                                                                 means=_(self.infinite_means))
            return _("rank of {output} among all samples (its cumulative distribution from 0 to 1), so that the "
                     "ranking of the inputs does not depend on the scale of {output}").format(output=what)
        text = _("log10 of {output}").format(output=what) if self.transform == "log10" else what
        if self.unit:
            text += f" ({_(self.unit)})"
        return text


def make_targets(model: Model, spec: SensitivitySpec, claims: Iterable[ClaimLike] = ()) -> tuple[Target, ...]:
    """The targets of an analysis: one per output of ``spec``, then one per claim (if ``spec.claims``)."""
    targets = []
    for name in spec.outputs:
        out = model.output(name)
        targets.append(Target(name, "output", name, out.label, out.unit, spec.transform, out.infinite_means,
                              log_scale=out.log_scale))
    if spec.claims:
        for claim in claims:
            out = model.output(claim.output)
            targets.append(Target(claim.name, "claim", claim.output, out.label, out.unit, "indicator",
                                  claim=claim))
    return tuple(targets)


def raw_values(target: Target, outputs: Mapping[str, np.ndarray], users: np.ndarray) -> np.ndarray:
    """The output a target is computed from, at the claim's grid point for a gridded output (``users``: the grid)."""
    values = np.asarray(outputs[target.output], dtype=float)
    if values.ndim == 2:
        column = int(np.flatnonzero(users == target.claim.at)[0])
        values = values[:, column]
    return values
