"""Tableau 1 at the priors' point values: its rows computed by the model, beside the rows printed.

Every number here is computed by the model from the priors' points; the paper's printed
values (:mod:`mcsim.models.tableau1.paper`) are only compared against. The words that show them
(``mcsim table``, a run's report) are the report's: :mod:`mcsim.report.models.tableau1`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from mcsim.models.base import PriorsView
from mcsim.models.tableau1 import paper
from mcsim.models.tableau1.model import evaluate

__all__ = ["TableRow", "deterministic_table", "point_outputs", "round_half_up"]


def round_half_up(value: float, places: int) -> float:
    """Round as a spreadsheet does (0.00205 -> 0.0021), after removing binary noise."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(f"{value:.12g}").quantize(quantum, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class TableRow:
    prompts: float
    users: float
    unit_cost_usd: float
    surplus_usd: float
    printed: paper.Row | None  # the paper's row at the same place, if any


def point_outputs(values: dict[str, float], users: list[float] | np.ndarray) -> dict[str, np.ndarray]:
    """Tableau 1's outputs for one set of input values."""
    inputs = {name: np.array([float(value)]) for name, value in values.items()}
    out = evaluate(inputs, np.asarray(users, dtype=float))
    return {name: value[0] for name, value in out.items()}


def deterministic_table(priors: PriorsView) -> list[TableRow]:
    """Tableau 1's six rows at the priors' points: the printed users, the break-even row recomputed.

    The third row of the paper is its break-even; here it is the model's break-even at the
    points (left out if the margin per user is not positive, i.e. it never breaks even, or if
    training is free, so that it breaks even at 0 users, where the unit cost is undefined).
    """
    points = priors.points()
    break_even = float(point_outputs(points, [1.0])["break_even_users"])
    rows = []
    for printed in paper.TABLE1:
        users = printed.users
        if printed.surplus_usd == 0:  # the break-even row
            if not math.isfinite(break_even) or break_even <= 0:  # never, or at once (free training)
                continue
            users = break_even
        out = point_outputs(points, [users])
        rows.append(TableRow(users * points["prompts_per_user"], users, float(out["unit_cost"][0]),
                             float(out["surplus"][0]), printed))
    return rows
