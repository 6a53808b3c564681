"""The economics of GPT-4 served through ChatGPT, as in Tableau 1 of Viseur (2025), section 5.

References
----------
Viseur, R. (2025). Coûts de l'IA générative : explosion ou frugalité ? Section 5,
"Rationalité économique", Tableau 1 "Simulation de prix de revient".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mcsim.models.base import InputSpec, Model, OutputSpec
from mcsim.models.tableau1 import paper

__all__ = ["TABLEAU1", "evaluate"]


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


TABLEAU1 = Model(
    name="tableau1",
    description="GPT-4 served through ChatGPT: training amortised over the model's lifetime, "
    "inference per prompt, revenue from the share of users paying for Plus",
    reference="Viseur (2025), section 5, Tableau 1",
    inputs=(
        InputSpec("training_cost", "USD", 0.0),
        InputSpec("lifetime_months", "months", 0.0, low_open=True),
        InputSpec("cost_per_1k_tokens", "USD per 1000 tokens", 0.0),
        InputSpec("tokens_per_prompt", "tokens", 0.0, low_open=True),
        InputSpec("prompts_per_user", "prompts per user per month", 0.0, low_open=True),
        InputSpec("conversion_rate", "share of users", 0.0, 1.0),
        InputSpec("price", "USD per paying user per month", 0.0),
    ),
    outputs=(
        OutputSpec("break_even_users", "users", "Break-even monthly users", log_scale=True,
                   infinite_means="never breaks even (margin per user <= 0)",
                   reference=paper.BREAK_EVEN_USERS, reference_label="paper: 5.83 million"),
        OutputSpec("crossover_users", "users",
                   "Users at which monthly inference cost equals monthly training cost",
                   log_scale=True, infinite_means="inference is free",
                   reference=paper.CROSSOVER_USERS, reference_label="paper: about 50 million"),
        OutputSpec("margin_per_user", "USD per user per month", "Margin per user"),
        OutputSpec("cost_per_prompt", "USD per prompt", "Inference cost per prompt", log_scale=True),
        OutputSpec("monthly_fixed_cost", "USD per month", "Training cost per month", log_scale=True),
        OutputSpec("surplus", "USD per month", "Surplus", per_user=True, share_positive=True,
                   reference_points=tuple((row.users, row.surplus_usd) for row in paper.TABLE1),
                   reference_label="Tableau 1 as printed"),
        OutputSpec("unit_cost", "USD per prompt", "Unit cost (prix de revient)", per_user=True,
                   log_scale=True,
                   reference_points=tuple((row.users, row.unit_cost_usd) for row in paper.TABLE1),
                   reference_label="Tableau 1 as printed"),
    ),
    function=evaluate,
)
