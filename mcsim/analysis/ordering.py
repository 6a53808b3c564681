"""Inputs ranked by a score, the same on every processor.

Scores such as Sobol indices, Shapley effects or Borgonovo's delta are sums over many samples, whose last bits
depend on the order in which NumPy adds them, and so on the processor's vector instructions. Two inputs whose
scores are equal in exact arithmetic (two that do not affect the target get the same share) would then be ranked
by those bits: one way on one machine, the other way on another. :func:`decreasing` ranks scores equal to 12
decimals as ties, in the order given (the priors').
"""

from __future__ import annotations

import numpy as np

__all__ = ["TIE_DECIMALS", "decreasing"]

TIE_DECIMALS = 12  # scores of order 1 whose difference is below 1e-12 are ties (sums' rounding is about 1e-16)


def decreasing(scores) -> np.ndarray:
    """The indices of ``scores`` from the largest down; scores equal to :data:`TIE_DECIMALS` decimals keep their
    given order."""
    return np.argsort(-np.round(np.asarray(scores, dtype=float), TIE_DECIMALS), kind="stable")
