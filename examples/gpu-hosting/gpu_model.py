"""An open-weights LLM served on rented GPUs and sold by subscription."""

import numpy as np

from mcsim import InputSpec, Model, OutputSpec


def evaluate(inputs, users):
    gpu_hours = inputs["tokens_per_user"] / (inputs["throughput"] * 3600 * inputs["utilisation"])
    cost_per_user = gpu_hours * inputs["gpu_hour_price"]
    revenue_per_user = inputs["price"] * inputs["paying_share"]
    margin = revenue_per_user - cost_per_user
    break_even = np.full_like(margin, np.inf)
    np.divide(inputs["fixed_cost"], margin, out=break_even, where=margin > 0)
    profit = users[np.newaxis, :] * margin[:, np.newaxis] - inputs["fixed_cost"][:, np.newaxis]
    return {"cost_per_user": cost_per_user, "margin_per_user": margin, "break_even_users": break_even,
            "profit": profit}


MODEL = Model(
    name="gpu_hosting",
    description="An open-weights LLM on rented GPUs, sold by subscription",
    inputs=(InputSpec("gpu_hour_price", "USD per GPU-hour", low=0.0),
            InputSpec("throughput", "tokens per second per GPU", low=0.0),
            InputSpec("utilisation", "share of paid GPU time serving requests", low=0.0, high=1.0),
            InputSpec("tokens_per_user", "tokens per user per month", low=0.0),
            InputSpec("price", "USD per paying user per month", low=0.0),
            InputSpec("paying_share", "share of users who pay", low=0.0, high=1.0),
            InputSpec("fixed_cost", "USD per month", low=0.0)),
    outputs=(OutputSpec("cost_per_user", "USD per user per month", "GPU cost per user"),
             OutputSpec("margin_per_user", "USD per user per month", "Margin per user"),
             OutputSpec("break_even_users", "users", "Break-even monthly users", log_scale=True,
                        infinite_means="never breaks even (margin <= 0)"),
             OutputSpec("profit", "USD per month", "Profit", per_user=True, share_positive=True)),
    function=evaluate,
)
