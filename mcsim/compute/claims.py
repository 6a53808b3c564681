"""Whether a claim holds, sample by sample: what the engine counts in each chunk and the statistics report."""

from __future__ import annotations

import numpy as np

from mcsim.inputs.runs import Claim

__all__ = ["claim_holds", "claim_values"]


def claim_values(claim: Claim, outputs: dict[str, np.ndarray], grid: tuple[float, ...]) -> np.ndarray:
    """The claim's output per sample, at its grid point for an output over the grid."""
    values = outputs[claim.output]
    return values[:, tuple(grid).index(claim.at)] if claim.at is not None else values


def claim_holds(claim: Claim, outputs: dict[str, np.ndarray], grid: tuple[float, ...]) -> np.ndarray:
    """A boolean per sample: does the claim hold? ``grid``: the points the gridded outputs were evaluated at."""
    return claim.holds(claim_values(claim, outputs, grid))
