"""The formulas of Tableau 1 of Viseur (2025), section 5: GPT-4 served through ChatGPT.

References
----------
Viseur, R. (2025). Section 5, "Rationalité économique", Tableau 1 "Simulation de prix de
revient" (an article in French; the text at hand gives no title).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["evaluate"]


def evaluate(inputs: Mapping[str, np.ndarray], users: np.ndarray) -> dict[str, np.ndarray]:
    """Tableau 1's model, vectorised over samples (rows) and the users grid (columns).

    Parameters
    ----------
    inputs : mapping of str to array of shape (n,)
        ``training_cost`` (USD), ``lifetime_months``, ``cost_per_1k_tokens`` (USD),
        ``tokens_per_prompt``, ``prompts_per_user`` (per month), ``conversion_rate`` (share of
        users paying), ``price`` (USD per paying user per month).
    users : array of shape (k,)
        Monthly active users at which surplus and unit cost are evaluated.

    Returns
    -------
    dict of str to array
        ``monthly_fixed_cost``, ``cost_per_prompt``, ``margin_per_user``, ``break_even_users``
        (+inf where the margin per user is <= 0: the service never breaks even),
        ``crossover_users`` (users at which monthly inference equals monthly training cost; +inf
        if inference is free), each of shape (n,); ``surplus`` (USD per month) and ``unit_cost``
        (USD per prompt), each of shape (n, k).
    """
    fixed_usd = inputs["training_cost"] / inputs["lifetime_months"]
    cost_per_prompt_usd = inputs["cost_per_1k_tokens"] * inputs["tokens_per_prompt"] / 1000.0
    inference_per_user_usd = inputs["prompts_per_user"] * cost_per_prompt_usd
    margin_usd = inputs["conversion_rate"] * inputs["price"] - inference_per_user_usd

    break_even = np.full_like(fixed_usd, np.inf)
    np.divide(fixed_usd, margin_usd, out=break_even, where=margin_usd > 0)
    crossover = np.full_like(fixed_usd, np.inf)
    np.divide(fixed_usd, inference_per_user_usd, out=crossover, where=inference_per_user_usd > 0)

    # computed as (k, n) and returned as their (n, k) transposes: a users value's column is then
    # contiguous, the layout the streaming statistics read
    users = users[:, np.newaxis]
    surplus = users * margin_usd
    surplus -= fixed_usd
    unit_cost = users * inputs["prompts_per_user"]
    np.divide(fixed_usd, unit_cost, out=unit_cost)
    unit_cost += cost_per_prompt_usd
    return {
        "break_even_users": break_even,
        "crossover_users": crossover,
        "margin_per_user": margin_usd,
        "cost_per_prompt": cost_per_prompt_usd,
        "monthly_fixed_cost": fixed_usd,
        "surplus": surplus.T,
        "unit_cost": unit_cost.T,
    }
