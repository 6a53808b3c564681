"""Why the medians differ from the values at the points, and where a mean is no summary: in words and as data.

The analysis is done before the report is written (:mod:`mcsim.analysis.attribution`,
:mod:`mcsim.analysis.tails`) and held by the run's :class:`~mcsim.result.Result`; this module
only says it: :func:`medians_markdown` for ``report.md``,
:func:`tail_notes` for the outputs table, :func:`tail_why` for them and for ``summary.json``
(whose sections :mod:`mcsim.serialise.sections` builds).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from mcsim.analysis.tails import SUMMARY_ALPHA
from mcsim.i18n import _, listed, pgettext
from mcsim.report.priors_words import describe_distribution
from mcsim.report.table import Column, Table
from mcsim.report.text import (
    decimal,
    fixed,
    format_value,
    headline_outputs,
    input_label,
    lower_first,
    md_cell,
    md_text,
    number,
    output_label,
    percent,
)
from mcsim.report.verdict import ranked_by_words
from mcsim.result import MedianAttribution, Result, TailIndex

__all__ = ["attribution_table", "medians_markdown", "tail_notes", "tail_why"]

# --- why a mean is, or is not, a summary ------------------------------------------------------

def tail_why(index: TailIndex | None) -> str:
    """Why the mean is, or is not, a summary of the output, in one sentence (for the report and the summary)."""
    if index is None:
        return _("not judged: too few finite, non-zero values to estimate the tail")
    said = _("the tail index of the run's largest values is {alpha} ± {se} (fitted on the {tail} largest of {n} "
             "finite samples)").format(alpha=fixed(index.alpha, 2), se=fixed(index.se, 2), tail=decimal(index.tail),
                                       n=decimal(index.samples))
    if index.mean_is_summary:
        return said + _(", at least {alpha}: a tail light enough for the mean and sd to summarise the output").format(
            alpha=number(SUMMARY_ALPHA))
    below = (_("1: the mean itself may be infinite") if index.alpha < 1 else
             _("{alpha}: the variance may be infinite").format(alpha=number(SUMMARY_ALPHA)))
    return said + _(", below {below}. A few of the largest values then rule the mean, which would change from one "
                    "run to the next, and the sd estimates nothing: the median and quantiles summarise the "
                    "output").format(below=below)


# --- report.md ------------------------------------------------------------------------------------

def _not_summary(result: Result, name: str) -> bool:
    index = result.tails.get(name)
    return index is not None and not index.mean_is_summary


def tail_notes(result: Result) -> list[str]:
    """One sentence per scalar output whose mean is not a summary, for under the outputs table."""
    lines = []
    for out in result.spec.model.outputs:
        if not out.per_user and _not_summary(result, out.name):
            why = md_text(tail_why(result.tails[out.name]))
            lines += [_("*{output}*: the mean and sd are no summary. {why}.").format(
                output=md_text(output_label(out)), why=why[:1].upper() + why[1:]), ""]
    return lines


def _opening(result: Result, found: MedianAttribution, label: str) -> str:
    median, at_points = number(found.median), number(found.at_points)
    label = md_text(label)
    if not math.isfinite(found.gap):
        return _("**{output}**: its median is {median} and its value at the priors' points {at_points}; with an "
                 "infinite value no gap can be apportioned.").format(output=label, median=median, at_points=at_points)
    if median == at_points:
        return _("**{output}**: its median, {median}, is its value at the priors' points to the digits "
                 "shown.").format(output=label, median=median)
    said = (_("**{output}**: the median, {median}, is below the value at the priors' points, {at_points}")
            if found.gap < 0 else
            _("**{output}**: the median, {median}, is above the value at the priors' points, {at_points}")).format(
        output=label, median=median, at_points=at_points)
    moved = found.moved_by
    if moved is None:
        if not any(s.shift for s in found.shifts):
            return said + _(": every prior's median is its point, or moving it there does not change the output.")
        return said + _(": no input's median, moved alone, moves the output that way.")
    prior = result.spec.priors[moved.input]
    median, point = (md_text(format_value(value, prior.unit)) for value in (moved.median, moved.point))
    because = (_(", mainly because of the {input}: its prior ({prior}) has its median at {median}, above its point "
                 "of {point}; moved there alone, the others at their points, the output is {output}.")
               if moved.median > moved.point else
               _(", mainly because of the {input}: its prior ({prior}) has its median at {median}, below its point "
                 "of {point}; moved there alone, the others at their points, the output is {output}."))
    return said + because.format(input=md_text(lower_first(input_label(prior))),
                                 prior=md_text(describe_distribution(prior.distribution, prior.unit)),
                                 median=median, point=point, output=number(moved.output))


def _second(result: Result, found: MedianAttribution) -> str:
    """One sentence: the output at every input's median, the rest of the gap, and what drives the spread."""
    parts = []
    if math.isfinite(found.at_medians) and math.isfinite(found.gap):
        rest = found.median - found.at_medians
        said = _("with every input at its prior's median it is {value}").format(value=number(found.at_medians))
        if rest:
            said += (_(", and the median over the samples lies {gap} above that, what the inputs' joint spread adds "
                       "(the median of an output of several uncertain inputs is not the output at their medians)")
                     if rest > 0 else
                     _(", and the median over the samples lies {gap} below that, what the inputs' joint spread adds "
                       "(the median of an output of several uncertain inputs is not the output at their "
                       "medians)")).format(gap=number(abs(rest)))
        parts.append(said)
    if found.driver:
        names = [md_text(lower_first(input_label(result.spec.priors[name]))) for name in (found.driver, *found.tied)]
        if found.tied:
            parts.append(_("{inputs} drive its spread most (tied, ranked first by {by})").format(
                inputs=listed(_("the {input}").format(input=name) for name in names),
                by=md_text(ranked_by_words(found.driver_by))))
        else:
            parts.append(_("the {input} drives its spread most (ranked first by {by})").format(
                input=names[0], by=md_text(ranked_by_words(found.driver_by))))
    said = _("; ").join(parts)
    return f"{said[:1].upper()}{said[1:]}." if said else ""


def _share(value: float | None) -> str:
    return percent(value, 0) if value is not None else _("n/a")


#: The rows of an output's attribution that are not one input's: every input at its median, the median over samples.
AT_MEDIANS, OVER_SAMPLES = "every input at its median", "median over the samples"


def attribution_table(result: Result) -> Table:
    """Each headline output's median attribution (``tables/median_attribution``): a row per uncertain input (its
    point, its prior's median, the output with it alone there, the shift from the output at the points and its share
    of the shifts), then the output with every input at its median and the median over the samples, each with its
    shift. The rows of the tables in ``report.md``'s section on the medians; its LaTeX is
    :mod:`mcsim.report.tables`'s."""
    rows = []
    for name in _names(result):
        found = result.medians[name]
        unit = result.spec.model.output(name).unit
        rows += [(name, unit, "input", s.input, input_label(result.spec.priors[s.input]),
                  result.spec.priors[s.input].unit, s.point, s.median, s.output, s.shift, s.share)
                 for s in found.shifts]
        rows += [(name, unit, AT_MEDIANS, None, _("every input at its median"), None, None, None, found.at_medians,
                  found.at_medians - found.at_points, None),
                 (name, unit, OVER_SAMPLES, None, _("the median over the samples"), None, None, None, found.median,
                  found.gap, None)]

    def value(key: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda r: "" if r[key] is None else md_cell(format_value(r[key], r["input_unit"]))

    return Table("median_attribution", (
        "output", "unit", "row", "input",
        Column("label", pgettext("column", "input"), lambda r: md_cell(r["label"]), False),
        "input_unit", Column("point", pgettext("column", "point"), value("point")),
        Column("prior_median", _("prior's median"), value("prior_median")),
        Column("value", _("output, this input alone at its median"), lambda r: number(r["value"])),
        Column("shift", _("shift"), lambda r: number(r["shift"])),
        Column("share", _("share of the shifts"), lambda r: "" if r["row"] != "input" else _share(r["share"]))),
        tuple(rows), "")


def _names(result: Result) -> list[str]:
    """The headline outputs whose medians are attributed (none without an uncertain input)."""
    if not result.spec.priors.uncertain:
        return []
    return [name for name in headline_outputs(result.spec) if name in result.medians]


def medians_markdown(result: Result, tables: Mapping[str, Table] | None = None) -> list[str]:
    """The section that says why each headline output's median is not its value at the points (its table
    ``tables``' ``median_attribution``, made here where not given)."""
    names = _names(result)
    if not names:
        return []
    lines = [_("## Why the medians differ from the values at the points"), ""]
    table = tables["median_attribution"] if tables else attribution_table(result)
    for name in names:
        found = result.medians[name]
        label = output_label(result.spec.model.output(name))
        lines += [f"{_opening(result, found, label)} {_second(result, found)}".strip(), ""]
        lines += [*table.where("output", name).to_markdown(), ""]
    lines += [_("Shift: the output with one input at its prior's median, the others at their points, less the output "
                "at the points. Share: the shift over the sum of every input's shift; shares sum to 100 %, and an "
                "input that pulls the other way has a negative share. Effects need not add up: the last two rows give "
                "the output with every input at its median and the median over the samples, each less the value at "
                "the points."), ""]
    return lines
