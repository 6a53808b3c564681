"""The grid a model's gridded outputs vary over: monthly users or months (a model of change over time).

A model declares its grid (:attr:`mcsim.models.Model.grid`); a run file gives the grid's values
under the grid's name (``[run] users = [...]`` or ``[run] months = [...]``), a claim on a gridded
output names its point the same way (``users = 5e7``, ``months = 24``), and the reports, the
data's dimension and ``summary.json`` take their words and names from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["GRIDS", "MONTHS", "USERS", "Grid"]


@dataclass(frozen=True)
class Grid:
    """What a model's gridded outputs vary over.

    Attributes
    ----------
    name : str
        The key of the run file and of a claim (``users``, ``months``), and the name of the
        dimension in ``results.nc`` and ``summary.json``.
    label : str
        The axis in words, in English (reports translate it): ``monthly active users``.
    log_scale : bool
        Whether the grid is drawn on a logarithmic axis.
    low, high : float
        The values a grid may take; ``low_open``: ``low`` itself is not allowed.
    default : tuple of float
        The grid of a run file that gives none.
    """

    name: str
    label: str
    log_scale: bool
    low: float
    high: float
    low_open: bool
    default: tuple[float, ...]

    def admits(self, value: float) -> bool:
        """Whether ``value`` may be a point of this grid."""
        above = value > self.low or (value == self.low and not self.low_open)
        return math.isfinite(value) and above and value <= self.high

    def allowed(self) -> str:
        """The values allowed, in words: 'numbers > 0', 'numbers from 0 to 120'."""
        if math.isinf(self.high):
            return f"numbers {'>' if self.low_open else '>='} {self.low:g}"
        return f"numbers from {self.low:g} to {self.high:g}"


#: Monthly active users: the grid of any model that declares none.
USERS = Grid("users", "monthly active users", True, 0.0, math.inf, True, (1e4, 1e6, 1e7, 1e8, 1e9))
#: Months from now, up to ten years (the horizon of the IEA's projection the paper quotes).
MONTHS = Grid("months", "months", False, 0.0, 120.0, False, (0.0, 6.0, 12.0, 24.0, 36.0, 60.0))
#: The grids a model may declare, by name.
GRIDS = {grid.name: grid for grid in (USERS, MONTHS)}
