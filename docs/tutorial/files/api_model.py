"""An API sold per token: its margin per user, its break-even, its profit over the users grid."""

import numpy as np

from mcsim import InputSpec, Model, OutputSpec, Reference


def evaluate(inputs, users):
    margin = (inputs["price_per_1k"] - inputs["cost_per_1k"]) * inputs["tokens_per_user"] / 1000
    break_even = np.full_like(margin, np.inf)  # never, where the margin is <= 0
    np.divide(inputs["fixed_cost"], margin, out=break_even, where=margin > 0)
    profit = users[np.newaxis, :] * margin[:, np.newaxis] - inputs["fixed_cost"][:, np.newaxis]
    return {"margin_per_user": margin, "break_even_users": break_even, "profit": profit}


MODEL = Model(
    name="api",
    description="An API sold per token, with a fixed monthly cost",
    inputs=(InputSpec("price_per_1k", "USD per 1000 tokens", low=0.0),  # a prior outside [low, high] is refused
            InputSpec("cost_per_1k", "USD per 1000 tokens", low=0.0),
            InputSpec("tokens_per_user", "tokens per user per month", low=0.0),
            InputSpec("fixed_cost", "USD per month", low=0.0)),
    outputs=(OutputSpec("margin_per_user", "USD per user per month", "Margin per user"),
             OutputSpec("break_even_users", "users", "Break-even monthly users", log_scale=True,
                        infinite_means="never breaks even (margin <= 0)"),
             OutputSpec("profit", "USD per month", "Profit", per_user=True, share_positive=True)),
    function=evaluate,  # scalar outputs: shape (n,); outputs over users (per_user): (n, len(users))
    references=(Reference("Pricing memo (2025), table 1", values=(("break_even_users", 2e5, "memo: 200,000"),)),),
)
