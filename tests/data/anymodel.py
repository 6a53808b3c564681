"""Three small models for the property test of report writing: over users, over months, and without a grid.

Each takes three unbounded inputs and gives a scalar output and, for the first two, an output over
the grid; the values are finite whatever the inputs, so that any valid prior is a valid input.
"""

import numpy as np

from mcsim import InputSpec, Model, OutputSpec
from mcsim.models.grid import MONTHS

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
