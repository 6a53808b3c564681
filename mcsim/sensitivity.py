"""Sobol sensitivity analysis of a run's outputs (the [sensitivity] table of a run file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import Problems, did_you_mean, show, unknown_keys, whole
from .models import Model

__all__ = ["SensitivitySpec", "parse_sensitivity"]

SENSITIVITY_KEYS = ("outputs", "base_samples")


@dataclass(frozen=True)
class SensitivitySpec:
    outputs: tuple[str, ...]
    base_samples: int = 8192


def parse_sensitivity(table: Any, model: Model | None, problems: Problems) -> SensitivitySpec | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        problems.add("[sensitivity]", "must be a table")
        return None
    unknown_keys(table, SENSITIVITY_KEYS, "[sensitivity]", problems)
    outputs = table.get("outputs")
    ok = True
    if not (isinstance(outputs, list) and outputs and all(isinstance(o, str) for o in outputs)):
        problems.add("[sensitivity] outputs", f"= {show(outputs)} is invalid: must be a list of output names")
        ok = False
    elif model is not None:
        for name in outputs:
            if name not in model.output_names:
                problems.add("[sensitivity] outputs", f'names "{name}", not an output of model {model.name}'
                             f"{did_you_mean(name, model.output_names)} (outputs: {', '.join(model.output_names)})")
                ok = False
            elif model.output(name).per_user:
                problems.add("[sensitivity] outputs", f'names "{name}", which varies with users: '
                             "only outputs with one value per sample are analysed")
                ok = False
    base = table.get("base_samples", 8192)
    if not whole(base, 2, 1 << 24) or int(base) & (int(base) - 1):
        problems.add("[sensitivity] base_samples", f"= {show(base)} is invalid: must be a power of 2 "
                     "from 2 to 2**24 (Sobol sequences keep their balance only in powers of 2)")
        ok = False
    return SensitivitySpec(tuple(outputs), int(base)) if ok else None
