"""How efficiency gains race usage growth (the rebound effect), month by month.

The energy and the cost of a request halve every ``halving_months`` at constant work (Ho et al.,
2024), while users grow by ``user_growth`` a month and the work per request (its tokens: reasoning
models, "deep search") by ``request_growth`` a month. Month 0 is the start of the projection.

References
----------
Ho, A. et al. (2024). Algorithmic progress in language models. arXiv:2403.05812.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from mcsim.models.grid import MONTHS

__all__ = ["HORIZON_MONTHS", "evaluate", "monthly_log_growth"]

#: The last month a break-even is looked for: the months grid's end (ten years).
HORIZON_MONTHS = int(MONTHS.high)
_LN2 = math.log(2.0)


def monthly_log_growth(inputs: Mapping[str, np.ndarray]) -> np.ndarray:
    """The log of the inference energy's growth factor a month: ln(1 + g) + ln(1 + r) - ln 2 / h."""
    return np.log1p(inputs["user_growth"]) + np.log1p(inputs["request_growth"]) - _LN2 / inputs["halving_months"]


def evaluate(inputs: Mapping[str, np.ndarray], months: np.ndarray) -> dict[str, np.ndarray]:
    """The dynamics model, vectorised over samples (rows) and the months grid (columns).

    Parameters
    ----------
    inputs : mapping of str to array of shape (n,)
        ``users_start`` (monthly users at month 0), ``user_growth`` and ``request_growth`` (shares
        a month), ``halving_months``, ``energy_per_prompt`` (Wh at the servers), ``prompts_per_user``
        (a month), ``pue``, and the economics of a subscription service: ``training_cost`` (USD), ``lifetime_months``,
        ``cost_per_1k_tokens`` (USD at month 0), ``tokens_per_prompt`` (at month 0),
        ``conversion_rate`` and ``price`` (USD per paying user a month).
    months : array of shape (k,)
        Months from the start, from 0 to :data:`HORIZON_MONTHS`.

    Returns
    -------
    dict of str to array
        Of shape (n, k): ``inference_energy`` (MWh a month) = users(m) x prompts x energy per
        prompt x PUE x (1 + r)^m x 2^(-m / h) / 1e6; ``energy_ratio``, its ratio to month 0,
        ((1 + g)(1 + r))^m 2^(-m / h) (the rebound where above 1); ``surplus`` (USD a month) =
        users(m) (conversion x price - prompts x cost per prompt(m)) - training cost / lifetime,
        the cost per prompt following the work and the halving. Of shape (n,):
        ``break_even_month``, the first whole month from 0 to :data:`HORIZON_MONTHS` with a
        surplus (+inf if none); ``annual_energy_growth``, the energy's growth over 12 months
        (share a year); ``rebound_halving_months``, ln 2 / ln((1 + g)(1 + r)), the halving time
        above which the energy grows (+inf where users and work do not grow).
    """
    growth = monthly_log_growth(inputs)
    ratio = np.exp(growth[:, np.newaxis] * months[np.newaxis, :])
    energy_mwh = inputs["users_start"] * inputs["prompts_per_user"] * inputs["energy_per_prompt"] * inputs["pue"] / 1e6

    usage = np.log1p(inputs["user_growth"]) + np.log1p(inputs["request_growth"])
    threshold = np.full_like(usage, np.inf)
    np.divide(_LN2, usage, out=threshold, where=usage > 0)

    first = np.full_like(growth, np.inf)
    for month in range(HORIZON_MONTHS + 1):
        waiting = np.isinf(first)
        if not waiting.any():
            break
        first[waiting & (_surplus(inputs, np.array([float(month)]))[:, 0] > 0)] = month
    return {
        "inference_energy": energy_mwh[:, np.newaxis] * ratio,
        "energy_ratio": ratio,
        "surplus": _surplus(inputs, months),
        "break_even_month": first,
        "annual_energy_growth": np.expm1(12.0 * growth),
        "rebound_halving_months": threshold,
    }


def _surplus(inputs: Mapping[str, np.ndarray], months: np.ndarray) -> np.ndarray:
    """USD a month at ``months`` (n, k): revenue less inference cost, less the training cost a month."""
    m = months[np.newaxis, :]
    users = inputs["users_start"][:, np.newaxis] * np.exp(np.log1p(inputs["user_growth"])[:, np.newaxis] * m)
    cost_log = np.log1p(inputs["request_growth"]) - _LN2 / inputs["halving_months"]  # of the cost per prompt
    cost_per_prompt = (inputs["cost_per_1k_tokens"] * inputs["tokens_per_prompt"] / 1000.0)[:, np.newaxis] \
        * np.exp(cost_log[:, np.newaxis] * m)
    margin = (inputs["conversion_rate"] * inputs["price"])[:, np.newaxis] \
        - inputs["prompts_per_user"][:, np.newaxis] * cost_per_prompt
    return users * margin - (inputs["training_cost"] / inputs["lifetime_months"])[:, np.newaxis]
