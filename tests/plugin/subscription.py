"""A subscription service: months to pay back a launch cost, and profit over the users grid."""

import numpy as np

from mcsim import InputSpec, Model, OutputSpec


def evaluate(inputs, users):
    margin = inputs["price"] * inputs["paying_share"] - inputs["cost_per_user"]  # USD per user per month
    payback = np.full_like(margin, np.inf)
    np.divide(inputs["launch_cost"], margin * 1e6, out=payback, where=margin > 0)  # months at a million users
    profit = users[np.newaxis, :] * margin[:, np.newaxis] - inputs["launch_cost"][:, np.newaxis] / 24
    return {"payback_months": payback, "margin_per_user": margin, "profit": profit}


MODEL = Model(
    name="subscription",
    description="A subscription service paying back its launch cost",
    inputs=(InputSpec("launch_cost", "USD", 0.0), InputSpec("price", "USD per month", 0.0),
            InputSpec("paying_share", "share of users", 0.0, 1.0), InputSpec("cost_per_user", "USD per month", 0.0)),
    outputs=(OutputSpec("payback_months", "months", "Months to pay back the launch at a million users",
                        log_scale=True, infinite_means="never pays back (margin <= 0)"),
             OutputSpec("margin_per_user", "USD per user per month", "Margin per user"),
             OutputSpec("profit", "USD per month", "Profit", per_user=True, share_positive=True)),
    function=evaluate,
)
