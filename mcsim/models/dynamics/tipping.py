"""The dynamics model's tipping points in closed form.

The log of the inference energy at month ``m`` is ``ln E0 + m (ln(1 + g) + ln(1 + r) - ln 2 / h)``
with ``E0 = users x prompts x energy per prompt x PUE / 1e6``, so a one-sided claim on the energy,
its ratio to month 0 or its growth over a year flips where that log equals the log of the claim's
value: one equation, solved for each input. With ``request_growth`` at 0, ``energy_ratio > 1`` at
month ``m > 0`` flips at ``halving_months = ln 2 / ln(1 + user_growth)``. The direction of the flip
is read from the model afterwards (:mod:`mcsim.analysis.tipping`); other claims are left to root
finding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["closed_form"]

_LN2 = math.log(2.0)
_LEVEL = ("users_start", "prompts_per_user", "energy_per_prompt", "pue")


def _condition(claim, p: Mapping[str, float]) -> tuple[float, float, float] | None:
    """(m, target, level) with the claim flipping where ``level + m x growth = target`` (logs), or None."""
    v = claim.value
    if claim.output == "energy_ratio" and claim.at is not None and v > 0:
        return claim.at, math.log(v), 0.0
    if claim.output == "annual_energy_growth" and v > -1:
        return 12.0, math.log1p(v), 0.0
    if claim.output == "inference_energy" and claim.at is not None and v > 0:
        level = math.prod(p[key] for key in _LEVEL) / 1e6
        return claim.at, math.log(v), math.log(level) if level > 0 else -math.inf
    return None


def closed_form(claim, name: str, points: Mapping[str, float]) -> float | bool | None:
    """The value of input ``name`` at which ``claim`` flips, the other inputs at ``points``.

    Returns
    -------
    float, None or False
        The threshold; None when the claim does not depend on ``name`` or the threshold is not a
        finite number in the input's range; False when no closed form covers this claim.
    """
    if claim.two_sided or claim.value is None:
        return False
    p = points
    g, r, h = math.log1p(p["user_growth"]), math.log1p(p["request_growth"]), p["halving_months"]
    if claim.output == "rebound_halving_months":  # ln 2 / (ln(1 + g) + ln(1 + r)) = v
        if claim.value <= 0 or name not in ("user_growth", "request_growth"):
            return None
        other = r if name == "user_growth" else g
        return _finite(math.expm1(_LN2 / claim.value - other))
    found = _condition(claim, p)
    if found is None:
        return False
    m, target, level = found
    if not math.isfinite(level):
        return None
    if name == "halving_months":  # level + m (g + r) - m ln 2 / h = target
        excess = level + m * (g + r) - target
        return _finite(m * _LN2 / excess) if m > 0 and excess > 0 else None
    if name in ("user_growth", "request_growth"):
        if m <= 0:
            return None
        other = r if name == "user_growth" else g
        return _finite(math.expm1((target - level) / m + _LN2 / h - other))
    if claim.output == "inference_energy" and name in _LEVEL:
        growth = m * (g + r - _LN2 / h)
        rest = math.prod(p[key] for key in _LEVEL if key != name) / 1e6
        return _finite(math.exp(target - growth) / rest) if rest > 0 else None
    return None


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
