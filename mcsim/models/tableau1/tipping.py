"""Tableau 1's tipping points in closed form.

Every claim on break-even users, crossover users, the margin per user or the surplus at given
users is a condition ``E >= 0`` with ``E`` linear in the conversion rate, the price, the
training cost and the product ``prompts x cost per 1000 tokens x tokens``, and linear in
``1 / lifetime``; each input's threshold is then one division. The direction of the flip is
read from the model afterwards (:mod:`mcsim.analysis.tipping`), so only the root matters here.
A two-sided claim (``between``, ``about``) is not covered: its flips are found by root finding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

__all__ = ["closed_form"]


def _coefficients(claim) -> tuple[float, float, float, float] | None:
    """(alpha, beta, gamma, delta) with E = alpha r P - beta q c t / 1000 - gamma T / L - delta."""
    if claim.two_sided:
        return None  # two conditions, one per end of the range: root finding finds both flips
    v = claim.value
    if claim.output == "break_even_users" and v > 0:
        return 1.0, 1.0, 1.0 / v, 0.0  # B = F / m <= V  <=>  m - F / V >= 0
    if claim.output == "crossover_users" and v > 0:
        return 0.0, -1.0, 1.0 / v, 0.0  # X = F / (q k) <= V  <=>  q k - F / V >= 0
    if claim.output == "surplus" and claim.at is not None and claim.at > 0:
        u = claim.at
        return 1.0, 1.0, 1.0 / u, v / u  # U m - F > s  <=>  m - F / U - s / U > 0
    if claim.output == "margin_per_user":
        return 1.0, 1.0, 0.0, v  # m >= v
    return None


def closed_form(claim, name: str, points: Mapping[str, float]) -> float | bool | None:
    """The value of input ``name`` at which ``claim`` flips, the other inputs at ``points``.

    Returns
    -------
    float, None or False
        The threshold; None when the claim does not depend on ``name`` or the threshold is not a
        finite number; False when no closed form covers this claim or input (a two-sided claim).
    """
    coefficients = _coefficients(claim)
    if coefficients is None:
        return False
    alpha, beta, gamma, delta = coefficients
    p = points
    r, price, q = p["conversion_rate"], p["price"], p["prompts_per_user"]
    c, t, cost, life = p["cost_per_1k_tokens"], p["tokens_per_prompt"], p["training_cost"], p["lifetime_months"]
    revenue = alpha * r * price
    inference = beta * q * c * t / 1000.0
    fixed = gamma * cost / life
    with np.errstate(divide="ignore", invalid="ignore"):
        value = {
            "conversion_rate": (inference + fixed + delta) / (alpha * price) if alpha * price else math.nan,
            "price": (inference + fixed + delta) / (alpha * r) if alpha * r else math.nan,
            "prompts_per_user": (revenue - fixed - delta) / (beta * c * t / 1000.0) if beta * c * t else math.nan,
            "cost_per_1k_tokens": (revenue - fixed - delta) / (beta * q * t / 1000.0) if beta * q * t else math.nan,
            "tokens_per_prompt": (revenue - fixed - delta) / (beta * q * c / 1000.0) if beta * q * c else math.nan,
            "training_cost": life * (revenue - inference - delta) / gamma if gamma else math.nan,
            "lifetime_months": (gamma * cost / (revenue - inference - delta)
                                if gamma and revenue - inference - delta else math.nan),
        }.get(name)
    if value is None:
        return False
    return float(value) if math.isfinite(value) else None
