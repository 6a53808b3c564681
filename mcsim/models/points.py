"""A model at its priors' point values: the deterministic table ``mcsim table`` prints."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from mcsim.models.base import Model, PriorsView
from mcsim.models.grid import USERS

__all__ = ["DEFAULT_USERS", "format_points", "users_of"]

#: The users grid of a run file that gives none, and of ``mcsim table``.
DEFAULT_USERS = USERS.default


def users_of(model: Model, priors: PriorsView) -> list[float]:
    """The grid ``mcsim table`` evaluates the model on: the model's default grid and any published points."""
    if model.grid.name != "users":
        return list(model.grid.default)
    published = model.reference(priors.reference)
    extra = [users for output in model.output_names for users, _ in
             (published.points_of(output) if published is not None else ())]
    return sorted({*DEFAULT_USERS, *extra})


def _number(value: float) -> str:
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "infinite"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.6g}"


def _value(value: float, unit: str) -> str:
    return _number(value) + (f" {unit}" if math.isfinite(value) else "")


def format_points(model: Model, priors: PriorsView, users: Sequence[float] = DEFAULT_USERS) -> str:
    """Every output of ``model`` at the point values of ``priors``, as plain text.

    Scalar outputs one a line (an infinite value says what it means), then the outputs over the
    users grid as a table.
    """
    inputs = {name: np.array([priors[name].point]) for name in model.input_names}
    grid = np.asarray(users, dtype=float)
    out = model.evaluate(inputs, grid)
    lines = [f"Model {model.name} at the point values of {priors.file}", ""]
    for spec in model.outputs:
        if spec.per_user:
            continue
        value = float(out[spec.name][0])
        said = _value(value, spec.unit)
        if math.isinf(value) and spec.infinite_means:
            said += f": {spec.infinite_means}"
        lines.append(f"{spec.label}: {said}")
    per_user = [spec for spec in model.outputs if spec.per_user]
    if per_user:
        titles = [model.grid.name, *(f"{s.label} ({s.unit})" for s in per_user)]
        shown = [f"{u:,.0f}" if model.grid.log_scale else f"{u:g}" for u in grid]
        rows = [[shown[j], *(_number(float(out[s.name][0, j])) for s in per_user)] for j, u in enumerate(grid)]
        widths = [max(len(row[i]) for row in [titles, *rows]) for i in range(len(titles))]
        header = "  ".join(t.rjust(w) for t, w in zip(titles, widths, strict=True))
        lines += ["", header, "-" * len(header)]
        lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)
