"""What the Sobol indices are computed on: a finite, well-defined target per output or claim.

Break-even users is infinite where the margin per user is <= 0. Fed raw to SALib, such an
output gives every index exactly 0 without a warning (SALib 1.6 standardises the output, and
``inf - inf`` is NaN). mcsim never does that: outputs counted in users are capped at a stated
horizon (values above it, infinite ones included, are set to it), then analysed on a log10
scale where the model draws them on one; a claim is analysed through its indicator (1 where the
claim holds). Whatever still holds NaN or an infinite value is refused with
:class:`UndefinedOutputError`, never passed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from mcsim.analysis.sensitivity.spec import SensitivitySpec
from mcsim.inputs.errors import McsimError
from mcsim.models import Model

__all__ = ["ClaimLike", "Target", "TargetValues", "UndefinedOutputError", "make_targets"]

USERS_UNIT = "users"


class UndefinedOutputError(McsimError, FloatingPointError):
    """A target still holds NaN or infinite values, so no variance-based index is defined."""


class ClaimLike(Protocol):
    """What the analysis needs of a claim (``mcsim.inputs.claims.Claim`` is one)."""

    name: str
    text: str
    output: str
    op: str
    value: float
    users: float | None

    def holds(self, values: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class TargetValues:
    """One target's values over a set of samples, with how many were capped."""

    y: np.ndarray
    capped: int  # values set to the cap (infinite ones included)
    infinite: int  # values that were infinite before capping

    @property
    def capped_share(self) -> float:
        return self.capped / self.y.size if self.y.size else 0.0


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
    transform : {"log10", "identity", "indicator", "auto"}
        ``auto`` is settled on the first values seen (:meth:`settle`).
    cap : float or None
        Values above it (infinite ones included) are set to it; None: no cap.
    infinite_means : str or None
        What an infinite value of the output means (from the model), for the report.
    claim : ClaimLike or None
        The claim, for an indicator.
    """

    key: str
    kind: str
    output: str
    label: str
    unit: str
    transform: str
    cap: float | None = None
    infinite_means: str | None = None
    claim: ClaimLike | None = None
    log_scale: bool = False

    def settle(self, raw: np.ndarray) -> Target:
        """Fix an ``auto`` transform: log10 for a log-scale output whose capped values are all > 0."""
        if self.transform != "auto":
            return self
        capped = raw if self.cap is None else np.minimum(raw, self.cap)
        positive = bool(np.all(capped[~np.isnan(capped)] > 0))
        transform = "log10" if self.log_scale and positive else "identity"
        return Target(**{**self.__dict__, "transform": transform})

    def values(self, raw: np.ndarray) -> TargetValues:
        """The target over samples whose output values are ``raw`` (shape (n,)).

        Raises
        ------
        UndefinedOutputError
            If a value is NaN, or infinite and not capped, or not positive under log10.
        """
        raw = np.asarray(raw, dtype=float)
        if np.isnan(raw).any():
            raise UndefinedOutputError(
                f"sensitivity of {self.key}: {int(np.isnan(raw).sum())} of {raw.size} values of {self.output} are "
                "undefined (NaN); Sobol indices are not defined for them, so none are computed")
        infinite = int(np.isinf(raw).sum())
        if self.kind == "claim":
            claim = self.claim
            y = claim.holds(raw).astype(float)
            return TargetValues(y, 0, infinite)
        capped = 0
        if self.cap is not None:
            over = raw > self.cap
            capped = int(over.sum())
            raw = np.where(over, self.cap, raw)
        if not np.isfinite(raw).all():
            bad = int((~np.isfinite(raw)).sum())
            raise UndefinedOutputError(
                f"sensitivity of {self.key}: {bad} of {raw.size} values are infinite and {self.unit} are not capped "
                f"(only outputs counted in users are capped, at [sensitivity] horizon_users); choose another output")
        if self.transform == "log10":
            if not (raw > 0).all():
                raise UndefinedOutputError(
                    f"sensitivity of {self.key}: {int((raw <= 0).sum())} of {raw.size} values are <= 0, so log10 is "
                    'undefined; set [sensitivity] transform = "identity"')
            raw = np.log10(raw)
        return TargetValues(raw, capped, infinite)

    def describe(self) -> str:
        """The target in words, e.g. ``log10 of break-even monthly users, capped at 1e+10 users``."""
        if self.kind == "claim":
            claim = self.claim
            at = f" at {claim.users:,.0f} users" if claim.users is not None else ""
            return (f"indicator of claim {claim.name}: 1 where {claim.output}{at} {claim.op} {claim.value:,.6g}, "
                    "0 elsewhere")
        what = self.label[:1].lower() + self.label[1:] if self.label else self.output
        text = f"log10 of {what}" if self.transform == "log10" else what
        if self.unit:
            text += f" ({self.unit})"
        if self.cap is not None:
            text += f", capped at {self.cap:.3g} {self.unit}"
            if self.infinite_means:
                text += f"; an infinite value ({self.infinite_means}) counts as the cap"
        return text


def make_targets(model: Model, spec: SensitivitySpec, claims: Iterable[ClaimLike] = ()) -> tuple[Target, ...]:
    """The targets of an analysis: one per output of ``spec``, then one per claim (if ``spec.claims``)."""
    targets = []
    for name in spec.outputs:
        out = model.output(name)
        cap = spec.horizon_users if out.unit == USERS_UNIT else None
        transform = spec.transform
        targets.append(Target(name, "output", name, out.label, out.unit, transform, cap, out.infinite_means,
                              log_scale=out.log_scale))
    if spec.claims:
        for claim in claims:
            out = model.output(claim.output)
            targets.append(Target(claim.name, "claim", claim.output, out.label, out.unit, "indicator",
                                  claim=claim))
    return tuple(targets)


def raw_values(target: Target, outputs: Mapping[str, np.ndarray], users: np.ndarray) -> np.ndarray:
    """The output a target is computed from, at the claim's users for an output over users."""
    values = np.asarray(outputs[target.output], dtype=float)
    if values.ndim == 2:
        column = int(np.flatnonzero(users == target.claim.users)[0])
        values = values[:, column]
    return values
