"""The footprint model's tipping points in closed form.

Training CO2 is the product ``training energy x grid intensity / 1000``, and the energy
crossover ``training energy x 1e6 / (lifetime x prompts x energy per prompt x PUE)``: for a
one-sided claim on either, each input's threshold is one division. The direction of the flip is
read from the model afterwards (:mod:`mcsim.analysis.tipping`), so only the root matters here.
Other claims (two-sided ones, outputs over users) are left to root finding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from mcsim.models.footprint.model import WH_PER_MWH

__all__ = ["closed_form"]

_CROSSOVER_DENOMINATOR = ("lifetime_months", "prompts_per_user", "energy_per_prompt", "pue")


def closed_form(claim, name: str, points: Mapping[str, float]) -> float | bool | None:
    """The value of input ``name`` at which ``claim`` flips, the other inputs at ``points``.

    Returns
    -------
    float, None or False
        The threshold; None when the claim does not depend on ``name`` or the threshold is not a
        finite positive number; False when no closed form covers this claim.
    """
    if claim.two_sided or claim.value is None:
        return False
    v, p = claim.value, points
    if claim.output == "training_co2":
        if name not in ("training_energy", "grid_intensity"):
            return None
        other = p["grid_intensity"] if name == "training_energy" else p["training_energy"]
        return _positive(1000.0 * v / other) if other > 0 else None
    if claim.output == "energy_crossover_users":
        denominator = math.prod(p[key] for key in _CROSSOVER_DENOMINATOR)
        training_wh = p["training_energy"] * WH_PER_MWH
        if name == "training_energy":
            return _positive(v * denominator / WH_PER_MWH)
        if name in _CROSSOVER_DENOMINATOR:
            rest = math.prod(p[key] for key in _CROSSOVER_DENOMINATOR if key != name)
            return _positive(training_wh / (v * rest)) if v > 0 and rest > 0 else None
        return None
    return False


def _positive(value: float) -> float | None:
    return float(value) if math.isfinite(value) and value > 0 else None
