"""Why the medians differ from the values at the points, and where a mean is no summary: in words and as data.

The analysis is done before the report is written (:mod:`mcsim.analysis.attribution`,
:mod:`mcsim.analysis.tails`) and held by the run's :class:`~mcsim.result.Result`; this module
only says it: :func:`medians_markdown` for ``report.md``, :func:`mean_note` and
:func:`tail_notes` for the outputs table, :func:`median_attribution_summary` and
:func:`heavy_tail_summary` for ``summary.json``.
"""

from __future__ import annotations

import math
from typing import Any

from mcsim.analysis.tails import SUMMARY_ALPHA
from mcsim.report.text import format_value, headline_outputs, lower_first, md_cell, md_text, number, percent
from mcsim.result import MedianAttribution, Result, TailIndex

__all__ = ["HEAVY_TAIL_MEANS", "SHARES_MEAN", "heavy_tail_summary", "mean_note", "median_attribution_summary",
           "medians_markdown", "tail_notes", "tail_why"]

SHARES_MEAN = ("each input moved alone from its point to its prior's median, the others at their points: 'output' is "
               "the output there, 'shift' that output less the output at the points, 'share' the shift over the sum "
               "of every input's shift (shares sum to 1; an input pulling the other way is negative; null when the "
               "shifts sum to 0 or one is infinite). The shifts need not add up to the gap (median less the value at "
               "the points): 'at_medians' is the output with every input at its median, and the median over the "
               "samples differs from it by what the inputs' joint spread adds")
HEAVY_TAIL_MEANS = (
    "tail_index: how fast the output's largest magnitudes thin out (P(|X| > x) ~ x**-tail_index), estimated on the "
    "run's largest magnitudes by Hill's estimate on the tail whose Pareto fit is closest (Clauset, Shalizi and Newman "
    f"2009); tail_samples: the largest values it was fitted on. mean_is_summary is false below {SUMMARY_ALPHA:g}, "
    "where the variance may be infinite (below 1 the mean): the mean and sd then say little; null where too few "
    "values are finite and non-zero to estimate it")


# --- summary.json ---------------------------------------------------------------------------------

def median_attribution_summary(found: MedianAttribution) -> dict[str, Any]:
    """``outputs.<name>.median_attribution`` of ``summary.json``."""
    moved = found.moved_by
    return {
        "median": found.median, "at_points": found.at_points, "at_medians": found.at_medians, "gap": found.gap,
        "sum_of_shifts": found.sum_of_shifts,
        "inputs": {s.input: {"point": s.point, "median": s.median, "output": s.output, "shift": s.shift,
                             "share": s.share} for s in found.shifts},
        "moved_by": moved.input if moved is not None else None,
        "spread_driver": ({"input": found.driver, "ranked_by": found.driver_by, "tied_with": list(found.tied)}
                          if found.driver else None),
    }


def tail_why(index: TailIndex | None) -> str:
    """Why the mean is, or is not, a summary of the output, in one sentence (for the report and the summary)."""
    if index is None:
        return "not judged: too few finite, non-zero values to estimate the tail"
    said = (f"the tail index of the run's largest values is {index.alpha:.2f} ± {index.se:.2f} (fitted on the "
            f"{index.tail:,} largest of {index.samples:,} finite samples)")
    if index.mean_is_summary:
        return said + f", at least {SUMMARY_ALPHA:g}: a tail light enough for the mean and sd to summarise the output"
    below = ("1: the mean itself may be infinite" if index.alpha < 1 else
             f"{SUMMARY_ALPHA:g}: the variance may be infinite")
    return (said + f", below {below}. A few of the largest values then rule the mean, which would change from one "
            "run to the next, and the sd estimates nothing: the median and quantiles summarise the output")


def heavy_tail_summary(index: TailIndex | None) -> dict[str, Any]:
    """``outputs.<name>.heavy_tail`` of ``summary.json``."""
    return {
        "tail_index": index.alpha if index is not None else None,
        "tail_index_se": index.se if index is not None else None,
        "tail_samples": index.tail if index is not None else None,
        "mean_is_summary": index.mean_is_summary if index is not None else None,
        "why": tail_why(index),
    }


# --- report.md ------------------------------------------------------------------------------------

def _not_summary(result: Result, name: str) -> bool:
    index = result.tails.get(name)
    return index is not None and not index.mean_is_summary


def mean_note(result: Result, name: str, text: str) -> str:
    """A mean or sd cell of the outputs table, marked where the mean is not a summary."""
    return f"{text} (no summary, see below)" if _not_summary(result, name) else text


def tail_notes(result: Result) -> list[str]:
    """One sentence per scalar output whose mean is not a summary, for under the outputs table."""
    lines = []
    for out in result.spec.model.outputs:
        if not out.per_user and _not_summary(result, out.name):
            why = md_text(tail_why(result.tails[out.name]))
            lines += [f"*{md_text(out.label)}*: the mean and sd are no summary. {why[:1].upper()}{why[1:]}.", ""]
    return lines


def _opening(result: Result, found: MedianAttribution, label: str) -> str:
    median, at_points = number(found.median), number(found.at_points)
    if not math.isfinite(found.gap):
        return (f"**{md_text(label)}**: its median is {median} and its value at the priors' points {at_points}; "
                "with an infinite value no gap can be apportioned.")
    if median == at_points:
        return f"**{md_text(label)}**: its median, {median}, is its value at the priors' points to the digits shown."
    side = "below" if found.gap < 0 else "above"
    said = f"**{md_text(label)}**: the median, {median}, is {side} the value at the priors' points, {at_points}"
    moved = found.moved_by
    if moved is None:
        if not any(s.shift for s in found.shifts):
            return said + ": every prior's median is its point, or moving it there does not change the output."
        return said + ": no input's median, moved alone, moves the output that way."
    prior = result.spec.priors[moved.input]
    median, point = (md_text(format_value(value, prior.unit)) for value in (moved.median, moved.point))
    return (said + f", mainly because of the {md_text(lower_first(prior.label or prior.name))}: its prior "
            f"({md_text(prior.distribution.describe())}) has its median at {median}, "
            f"{'above' if moved.median > moved.point else 'below'} its point of {point}; moved there alone, the "
            f"others at their points, the output is {number(moved.output)}.")


def _second(result: Result, found: MedianAttribution) -> str:
    """One sentence: the output at every input's median, the rest of the gap, and what drives the spread."""
    parts = []
    if math.isfinite(found.at_medians) and math.isfinite(found.gap):
        rest = found.median - found.at_medians
        said = f"with every input at its prior's median it is {number(found.at_medians)}"
        if rest:
            said += (f", and the median over the samples lies {number(abs(rest))} {'above' if rest > 0 else 'below'} "
                     "that, what the inputs' joint spread adds (the median of an output of several uncertain inputs "
                     "is not the output at their medians)")
        parts.append(said)
    if found.driver:
        names = [lower_first(result.spec.priors[name].label or name) for name in (found.driver, *found.tied)]
        who = " and the ".join(md_text(name) for name in names)
        parts.append(f"the {who} {'drive' if found.tied else 'drives'} its spread most ("
                     f"{'tied, ' if found.tied else ''}ranked first by {md_text(found.driver_by)})")
    said = "; ".join(parts)
    return f"{said[:1].upper()}{said[1:]}." if said else ""


def _share(value: float | None) -> str:
    return percent(value, 0) if value is not None else "n/a"


def _table(result: Result, found: MedianAttribution) -> list[str]:
    lines = ["| input | point | prior's median | output, this input alone at its median | shift | share of the "
             "shifts |", "|---|---:|---:|---:|---:|---:|"]
    for s in found.shifts:
        prior = result.spec.priors[s.input]
        lines.append(f"| {md_cell(prior.label or prior.name)} | {md_cell(format_value(s.point, prior.unit))} | "
                     f"{md_cell(format_value(s.median, prior.unit))} | {number(s.output)} | {number(s.shift)} | "
                     f"{_share(s.share)} |")
    lines += [f"| every input at its median | | | {number(found.at_medians)} | "
              f"{number(found.at_medians - found.at_points)} | |",
              f"| the median over the samples | | | {number(found.median)} | {number(found.gap)} | |", ""]
    return lines


def medians_markdown(result: Result) -> list[str]:
    """The section that says why each headline output's median is not its value at the points."""
    names = [name for name in headline_outputs(result.spec) if name in result.medians]
    if not names or not result.spec.priors.uncertain:
        return []
    lines = ["## Why the medians differ from the values at the points", ""]
    for name in names:
        found = result.medians[name]
        label = result.spec.model.output(name).label
        lines += [f"{_opening(result, found, label)} {_second(result, found)}".strip(), ""]
        lines += _table(result, found)
    lines += ["Shift: the output with one input at its prior's median, the others at their points, less the output at "
              "the points. Share: the shift over the sum of every input's shift; shares sum to 100 %, and an input "
              "that pulls the other way has a negative share. Effects need not add up: the last two rows give the "
              "output with every input at its median and the median over the samples, each less the value at the "
              "points.", ""]
    return lines
