"""Small models for the property test of report writing: over users, over months, over grids of their own (one
worded in French, one not), and without a grid.

Each takes three unbounded inputs and gives a scalar output and, for the first two, an output over
the grid; the values are finite whatever the inputs, so that any valid prior is a valid input.
"""

import numpy as np

from mcsim import InputSpec, Model, OutputSpec
from mcsim.models.grid import MONTHS, Grid

INPUTS = tuple(InputSpec(name, "USD") for name in ("x1", "x2", "x3"))


def _scalar(inputs):
    return inputs["x1"] + 2.0 * inputs["x2"] - inputs["x3"]


def _gridded(inputs, grid):
    return {"y": _scalar(inputs), "g": _scalar(inputs)[:, np.newaxis] * (1.0 + grid[np.newaxis, :] / 1e6)}


def _none(inputs, grid):
    return {"y": _scalar(inputs)}


SCALAR = OutputSpec("y", "USD", "Margin")
GRIDDED = OutputSpec("g", "USD per month", "Profit", per_user=True, share_positive=True)

USERS = Model(name="any_users", description="A margin and a profit over users", inputs=INPUTS,
              outputs=(SCALAR, GRIDDED), function=_gridded)
MONTHLY = Model(name="any_months", description="A margin and a profit over months", inputs=INPUTS,
                outputs=(SCALAR, GRIDDED), function=_gridded, grid=MONTHS)
NONE = Model(name="any_none", description="A margin alone", inputs=INPUTS, outputs=(SCALAR,), function=_none)

#: A grid of its own, linear, in dollars, worded in both languages.
PRICE = Grid("price", "monthly price of a subscription", (10.0, 20.0, 30.0), low=0.0, low_open=True, unit="USD",
             column="price", at="at a price of {value}", against="{label} against the price",
             french={"label": "prix mensuel d'un abonnement", "column": "prix", "at": "à un prix de {value}",
                     "against": "{label} selon le prix"})
#: A grid of its own, logarithmic, worded in English only.
FLEET = Grid("gpus", "GPUs rented", (8.0, 64.0, 512.0), log_scale=True, low=0.0, low_open=True, unit="GPUs")
PRICED = Model(name="any_price", description="A margin and a profit over a price", inputs=INPUTS,
               outputs=(SCALAR, GRIDDED), function=_gridded, grid=PRICE)
FLEETED = Model(name="any_fleet", description="A margin and a profit over a fleet of GPUs", inputs=INPUTS,
                outputs=(SCALAR, GRIDDED), function=_gridded, grid=FLEET)
