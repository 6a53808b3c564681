"""Scenario discovery: the regions of the inputs where a claim fails, described as boxes (PRIM).

The Patient Rule Induction Method (Friedman and Fisher 1999), as scenario discovery uses it
(Bryant and Lempert 2010; EMA Workbench), peels thin slices off a box of the inputs, each time
the slice whose removal raises most the share of cases of interest (here: samples where the
claim fails), then pastes back what helps. The peeling is done by the ``prim`` package (Project
Platypus's port of the EMA Workbench's PRIM, https://pypi.org/project/PRIM/).

Each box is read off its peeling trajectory at the step that balances the two measures scenario
discovery reports: **coverage** (the share of all failures that fall in the box) and **density**
(the share of the box's samples that are failures), taking the step with the largest harmonic
mean of the two. Further boxes are sought among the samples left outside the earlier ones. For
each restricted input the quasi-p value (Bryant and Lempert 2010: a one-sided binomial test of
whether removing that restriction lowers the density) says whether the restriction matters.

References
----------
Friedman, J. H., and Fisher, N. I. (1999). Bump hunting in high-dimensional data. Statistics and
Computing 9, 123-143.
Bryant, B. P., and Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. Technological Forecasting and Social Change 77.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np

from mcsim.i18n import N_

__all__ = ["Box", "Discovery", "Restriction", "discover"]

METHOD = N_("PRIM (Friedman and Fisher 1999) by the prim package, peel and paste alpha 0.05, minimum box mass "
          "0.05; each box taken at the step of its peeling trajectory with the largest harmonic mean of "
          "coverage and density")  # said in the report's language where it is shown


@dataclass(frozen=True)
class Restriction:
    """One input's limits in a box, beside the range the samples span."""

    input: str
    low: float
    high: float
    sample_low: float
    sample_high: float
    quasi_p: float  # Bryant and Lempert's quasi-p value of this restriction

    @property
    def restricts_low(self) -> bool:
        return self.low > self.sample_low

    @property
    def restricts_high(self) -> bool:
        return self.high < self.sample_high



@dataclass(frozen=True)
class Box:
    """A box of the inputs: its restrictions, coverage, density and mass."""

    restrictions: tuple[Restriction, ...]
    coverage: float  # share of all cases of interest inside the box
    density: float  # share of the box's samples that are cases of interest
    mass: float  # share of all samples inside the box
    samples: int  # samples inside the box

    def contains(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        inside = np.ones(len(next(iter(inputs.values()))), dtype=bool)
        for r in self.restrictions:
            inside &= (inputs[r.input] >= r.low) & (inputs[r.input] <= r.high)
        return inside



@dataclass(frozen=True)
class Discovery:
    """The boxes found for one set of cases of interest (e.g. the samples where a claim fails)."""

    samples: int
    cases: int
    boxes: tuple[Box, ...]
    note: str = ""  # why no box was sought, when none was
    method: str = METHOD
    reason: str = ""  # the note as a key: "no samples", "all fail", "none fail", "all points", "no box"

    @property
    def base_rate(self) -> float:
        return self.cases / self.samples if self.samples else float("nan")



def _best_step(trajectory) -> int:
    coverage = trajectory["coverage"].to_numpy(dtype=float)
    density = trajectory["density"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(coverage + density > 0, 2 * coverage * density / (coverage + density), 0.0)
    return int(np.argmax(score))


def discover(inputs: dict[str, np.ndarray], interest: np.ndarray, *, max_boxes: int = 3,
             min_coverage: float = 0.05, lift: float = 1.5) -> Discovery:
    """Boxes of ``inputs`` where ``interest`` is True, by PRIM.

    Parameters
    ----------
    inputs : dict of str to array of shape (n,)
        The inputs to restrict (leave out those that are constant: they cannot be restricted).
    interest : bool array of shape (n,)
        The cases of interest (e.g. samples where a claim fails).
    max_boxes : int
        At most this many boxes, each sought among the samples outside the earlier ones.
    min_coverage, lift : float
        A further box is kept only if it covers at least ``min_coverage`` of all cases and its
        density is at least ``lift`` times the share of cases among all samples.

    Returns
    -------
    Discovery
    """
    interest = np.asarray(interest, dtype=bool)
    n, cases = interest.size, int(interest.sum())
    varying = {name: np.asarray(values, dtype=float) for name, values in inputs.items()
               if np.ptp(np.asarray(values, dtype=float)) > 0}
    if n == 0:
        return Discovery(0, 0, (), "no per-sample values were kept", reason="no samples")
    if cases == 0 or cases == n:
        return Discovery(n, cases, (), "the claim " + ("fails in every sample" if cases == n else "never fails")
                         + " of those kept: there is no region to describe",
                         reason="all fail" if cases == n else "none fail")
    if not varying:
        return Discovery(n, cases, (), "every input is a point: there is nothing to restrict", reason="all points")

    import pandas as pd
    import prim

    logging.getLogger("prim").setLevel(logging.WARNING)
    frame = pd.DataFrame(varying)
    lows = {name: float(values.min()) for name, values in varying.items()}
    highs = {name: float(values.max()) for name, values in varying.items()}
    boxes: list[Box] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas FutureWarnings from inside prim
        finder = prim.Prim(frame, interest, threshold=None)
        for _ in range(max_boxes):
            found = finder.find_box()
            if found is None:
                break
            found.select(_best_step(found.peeling_trajectory))
            inside = found.yi
            box_cases = int(interest[inside].sum())
            coverage, density = box_cases / cases, box_cases / max(len(inside), 1)
            if boxes and (coverage < min_coverage or density < lift * cases / n):
                break
            limits = found.limits
            restrictions = tuple(
                Restriction(str(name), float(row["min"]), float(row["max"]), lows[str(name)], highs[str(name)],
                            float(row["qp values"]))
                for name, row in limits.iterrows())
            restrictions = tuple(r for r in restrictions if r.restricts_low or r.restricts_high)
            if not restrictions:
                break  # no slice of any input raises the share of cases: nothing to describe
            boxes.append(Box(restrictions, coverage, density, len(inside) / n, len(inside)))
    note = "" if boxes else (f"no restriction of the inputs raises the share of failures above its {cases / n:.1%} "
                             "over all kept samples")
    return Discovery(n, cases, tuple(boxes), note, reason="" if boxes else "no box")
