"""A report's ``tables/``: each table as CSV (for scripts) and as a booktabs ``tabular`` (for a paper).

The CSV files are UTF-8 with a header row of fixed identifiers (``p05``, ``ci95_low``...; the
same in every language, so scripts can rely on them), a unit in a column of its own or in the
header, and plain numbers in full precision (Python's shortest round-trip form; ``inf`` for an
infinite value, an empty cell for none). The ``.tex`` files hold a booktabs table in the report's
language (:mod:`mcsim.report.latex`): numbers in siunitx ``S`` columns, one precision per column,
units in the heads, notes under the table; a ``tabular`` to be ``\\input{}`` into a ``table``
environment with the author's caption, or a ``longtable`` for a table that may run over a page
(claims, priors, tipping points, Sobol indices, claims by scenario). Every table fits a text 17 cm
wide; ``<output>_by_scenario`` fits one column, 8.5 cm. A suggested caption and the width are
comments at its top.

Tables: ``outputs`` (each scalar output's statistics), ``outputs_by_<grid>_<output>`` (an
output over the users grid), ``claims``, ``sobol_indices``, ``median_attribution``, ``failure_boxes``,
``value_of_information``, ``value_of_information_claims``, ``tipping_points`` and ``priors``;
with observations, ``observations``, ``posterior_claims``, ``posterior_first_order``, ``posterior_inputs`` and
``posterior_outputs``;
for a batch, ``claims_by_scenario``, ``<output>_by_scenario`` and ``tipping_by_scenario`` in the
comparison's folder.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from mcsim.i18n import N_, _, language, listed, pgettext
from mcsim.report.attribution import attribution_table
from mcsim.report.comparison_words import box_words, claim_of, tip_words
from mcsim.report.latex import (
    distinct,
    grouped,
    head,
    interval,
    layout,
    num,
    plain_number,
    ragged,
    scientific_number,
    tabular,
    tex_sentence,
    tex_text,
)
from mcsim.report.likelihood import straddle, term
from mcsim.report.posterior import claim_words, posterior_tables
from mcsim.report.priors_words import describe_distribution
from mcsim.report.sensitivity import index_table
from mcsim.report.table import Column, Table, csv_number
from mcsim.report.text import (
    capital,
    claim_names,
    claim_text,
    count,
    decimal,
    estimate,
    fixed,
    format_value,
    french_spaces,
    grid_axis,
    grid_column,
    grid_point,
    in_english,
    input_label,
    md_cell,
    md_code,
    md_text,
    names_its_unit,
    number,
    output_label,
    p_value,
    percent,
    scenario_title,
)
from mcsim.report.value_of_information import value_of_information_tables
from mcsim.report.verdict import (
    boxes_table,
    claim_condition,
    input_names,
    tipping_cells,
    tipping_point,
    tipping_table,
)
from mcsim.result import Result

__all__ = ["TABLES", "Column", "Table", "claims_by_scenario", "claims_tables", "comparison_tables", "csv_number",
           "focus_by_scenario", "information_tables", "median_tables", "observation_tables", "output_tables",
           "priors_tables", "sensitivity_tables", "tipping_by_scenario", "verdict_tables", "write_tables"]

TABLES = "tables"  # the folder of a report that holds them


def write_tables(tables: Iterable[Table], folder: Path) -> None:
    """Write each table as ``<stem>.csv`` and ``<stem>.tex`` into ``folder`` (made if missing)."""
    folder.mkdir(exist_ok=True)
    for table in tables:
        (folder / f"{table.stem}.csv").write_text(table.to_csv(), encoding="utf-8")
        (folder / f"{table.stem}.tex").write_text(table.tex, encoding="utf-8")


#: The scales a column or a row of numbers is shown in, largest first: (factor, its words with and without a unit).
_SCALES = ((1e9, N_("{unit}, in billions"), N_("in billions")), (1e6, N_("{unit}, in millions"), N_("in millions")),
           (1e3, N_("{unit}, in thousands"), N_("in thousands")))
PLACES = 2  # decimals of a scaled number in a table: 3 significant digits at least between 1 and 1000
INFINITE = r"{$\infty$}"
NONE = "{---}"


def _is_share(unit: str) -> bool:
    return "share" in (unit or "")


def _scale(values: Iterable[float | None], unit: str) -> float:
    """The factor a row or column of values in ``unit`` is shown in: 100 for a share (in %), else a power of 1000
    that brings the largest below 1000 (and no smaller than 1), or of 1/1000 that brings it to 1 or more."""
    if _is_share(unit):
        return 0.01
    finite = [abs(v) for v in values if v is not None and math.isfinite(v) and v != 0]
    if not finite:
        return 1.0
    top = max(finite)
    for factor, _with, _without in _SCALES:
        if top >= factor:
            return factor
    factor = 1.0
    while top < factor and factor > 1e-12:
        factor /= 1000
    return factor


def _says_unit(label: str, unit: str) -> bool:
    """Whether ``label`` (in the report's language) already says ``unit``, in English or in that language."""
    return bool(label) and (names_its_unit(label, unit) or names_its_unit(label, _(unit)))


def _scaled_unit(unit: str, factor: float, *, label: str = "") -> str:
    """The unit of numbers shown at ``factor`` (LaTeX): '%', 'USD per month, in millions', '$10^{-3}$ USD per
    prompt', 'in millions'; empty where a label already says its unit and no scale is needed."""
    if _is_share(unit):
        return r"\%"
    words = "" if not unit or _says_unit(label, unit) else tex_text(_(unit))
    for size, with_unit, without in _SCALES:
        if factor == size:
            return tex_text(_(with_unit).format(unit=_(unit))) if words else tex_text(_(without))
    if factor < 1:
        power = f"$10^{{{round(math.log10(factor))}}}$"
        return f"{power}~{words}" if words else power
    return words


def _with_unit(label: str, unit: str) -> str:
    """A label (LaTeX) with its unit (LaTeX) in parentheses, if any."""
    return _("{label} ({unit})").format(label=label, unit=unit) if unit else label


def _cell(value: float | None, factor: float = 1.0, places: int = PLACES) -> str:
    """A number for an ``S`` column: ``value / factor`` to ``places`` decimals; infinity and none as text."""
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return NONE
    if math.isinf(value):
        return INFINITE if value > 0 else r"{$-\infty$}"
    return plain_number(float(value) / factor, places)


def _share_cell(value: float | None) -> str:
    """A share in % to one decimal, for an ``S`` column."""
    return _cell(value, 0.01, 1)


def _column(values: Sequence[float | None], unit: str, *, label: str = "") -> tuple[list[str], str]:
    """A column of numbers in ``unit`` for an ``S`` column, with the unit its head says (LaTeX): scaled to one power
    of 1000 with two decimals, or, where they span more than three orders of magnitude, with three significant
    digits and a power of ten each (one precision either way)."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v) and v != 0]
    if _is_share(unit) or not finite or max(finite) / min(finite) < 1000:
        factor = _scale(values, unit)
        return [_cell(v, factor) for v in values], _scaled_unit(unit, factor, label=label)
    words = "" if not unit or _says_unit(label, unit) else tex_text(_(unit))
    return [_cell(v) if v is None or not math.isfinite(v) else scientific_number(float(v)) for v in values], words


def _quantile_heads() -> tuple[str, str, str]:
    """The heads of the median and the 5th and 95th percentiles, in the report's language."""
    return _("Median"), _("5th percentile"), _("95th percentile")


def _probability(value: float) -> str:
    return plain_number(value, 3)


# --- the run's tables --------------------------------------------------------------------------------

def verdict_tables(result: Result) -> list[Table]:
    """The verdict's tables: the tipping points, and the failure boxes where PRIM found any."""
    found = any(cv.discovery.boxes for cv in result.verdict.claims.values())
    return [_tipping(result), *([_boxes(result)] if found else [])]


def claims_tables(result: Result) -> list[Table]:
    return [_claims(result)]


def output_tables(result: Result) -> list[Table]:
    """The outputs' statistics, and each gridded output's at each point of the grid."""
    return [_outputs(result), *_per_user(result)]


def median_tables(result: Result) -> list[Table]:
    return [_attribution(result)]


def sensitivity_tables(result: Result) -> list[Table]:
    return [_sobol(result)]


def priors_tables(result: Result) -> list[Table]:
    return [_priors(result)]


def information_tables(result: Result) -> list[Table]:
    """The value of information's tables (:func:`mcsim.report.value_of_information.value_of_information_tables`) with
    their LaTeX: a group per decision (EVPI and each EVPPI, with standard errors, in the payoff's unit) and a group
    per claim (what knowing each input takes off the probability of a wrong verdict, in percentage points)."""
    found = value_of_information_tables(result)
    if not found:
        return []
    decisions, claims = found
    voi = result.value_of_information
    labels = {name: input_label(result.spec.priors[name]) for name in voi.names}
    rows = decisions.records()
    at = result.spec.grid.name
    factor = _scale([r[f"{key}{se}"] for r in rows for key in ("evpi", *(f"evppi_{n}" for n in voi.names))
                     for se in ("", "_se")], voi.unit)
    groups = []
    for r in rows:
        said = (_("Expected payoff {mean}, P(> 0) {positive}; the decision now: {decision}") if r[at] is None else
                _("{at}: expected payoff {mean}, P(> 0) {positive}; the decision now: {decision}"))
        decision = (_("act") if r["acts"] else _("do not act")) if r[at] is None else (
            _("run it") if r["acts"] else _("do not run it"))
        groups.append((tex_sentence(said).format(
            at=tex_text(capital(grid_point(result.spec.grid, r[at]))) if r[at] is not None else "",
            mean=tex_text(format_value(r["mean_payoff"], voi.unit, 2)),
            positive=tex_text(percent(r["p_positive"])),
            decision=tex_text(decision)), [
                [r"\quad " + tex_text(_("EVPI (every input)") if key == "evpi" else labels[key[6:]]),
                 _cell(r[key], factor), _cell(r[f"{key}_se"], factor)]
                for key in ("evpi", *(f"evppi_{n}" for n in voi.names))]))
    tex_rows = grouped(groups, 3, 14)
    caption = _("The expected value of perfect information (EVPI, every input known) and of each input alone "
                "(EVPPI) to the decision, with their standard errors, on the run's {samples} samples.").format(
                    samples=decimal(voi.samples))
    heads = [head(tex_text(_("Input"))), head(_with_unit(tex_text(_("Value")), _scaled_unit(voi.unit, factor)), 3.2),
             head(tex_text(_("Standard error")), 2.4)]
    tables = [replace(decisions, tex=tabular(layout(tex_rows, 8.0, "S", "S"), heads, tex_rows, caption=caption,
                                             long=True))]
    if not claims.rows:
        return tables
    texts = {c.name: claim_text(c) or c.name for c in result.spec.claims}
    groups = []
    for r in claims.records():
        said = (_("{claim}: the verdict now is that it holds, wrong with probability {wrong}")
                if r["verdict_holds"] else
                _("{claim}: the verdict now is that it fails, wrong with probability {wrong}"))
        groups.append((tex_sentence(said).format(claim=tex_text(texts.get(r["claim"], r["claim"])),
                                                 wrong=tex_text(percent(r["wrong"]))),
                       [[r"\quad " + tex_text(labels[name]), plain_number(100 * r[f"reduction_{name}"], 1),
                         plain_number(100 * r[f"reduction_{name}_se"], 1)] for name in voi.names]))
    tex_rows = grouped(groups, 3, 14)
    caption = _("What knowing each input exactly would take off the probability of a wrong verdict on each claim, in "
                "percentage points, with its standard error.")
    heads = [head(tex_text(_("Input"))), head(tex_text(_("Fall (points)")), 2.4),
             head(tex_text(_("Standard error")), 2.4)]
    return [*tables, replace(claims, tex=tabular(layout(tex_rows, 8.0, "S", "S"), heads, tex_rows, caption=caption,
                                                 long=True))]


def _boxes(result: Result) -> Table:
    """The failure boxes (:func:`mcsim.report.verdict.boxes_table`) with their LaTeX: a group per claim and box, each
    input's limits in its unit."""
    table = boxes_table(result)
    groups = []
    for claim in dict.fromkeys(row[0] for row in table.rows):
        c = result.claims[claim]
        rows, members = table.where("claim", claim).records(), []
        for box in dict.fromkeys(r["box"] for r in rows):
            first = next(r for r in rows if r["box"] == box)
            said = _("Box {i}: coverage {coverage}, density {density}, mass {mass}").format(
                i=box, coverage=percent(first["coverage"], 0), density=percent(first["density"], 0),
                mass=percent(first["mass"], 0))
            members.append(r"\multicolumn{4}{@{}l}{\quad " + tex_text(said) + r"} \\")
            members += [[r"\qquad " + tex_text(r["label"]),
                         *(tex_text(format_value(r[key], r["unit"])) if r[key] is not None else
                           tex_text(_("(any)")) for key in ("low", "high")),
                         tex_text(p_value(r["quasi_p"]))] for r in rows if r["box"] == box]
        groups.append((tex_text(claim_text(c.claim) or claim_condition(c, result)), members))
    tex_rows = grouped(groups, 4, 16)
    caption = _("Where each claim fails (scenario discovery by PRIM): each failure box, the share of the failures it "
                "holds (coverage), the share of its samples that fail (density) and the share of all samples in it "
                "(mass), and the limits it sets on each input it restricts, with the quasi-p value of the "
                "restriction.")
    heads = [head(tex_text(_("Input"))), head(tex_text(pgettext("column", "from")), 3.0),
             head(tex_text(pgettext("column", "to")), 3.0), head(tex_text(pgettext("column", "quasi-p")), 1.8)]
    return replace(table, tex=tabular(layout(tex_rows, 7.0, 3.0, 3.0, 1.8), heads, tex_rows, caption=caption,
                                      long=True))


def _attribution(result: Result) -> Table:
    """The medians' attribution (:func:`mcsim.report.attribution.attribution_table`) with its LaTeX: a group of rows
    per output, its values in the output's unit, each input's point and median in the input's."""
    table = attribution_table(result)
    groups = []
    for output in dict.fromkeys(row[0] for row in table.rows):
        rows = table.where("output", output).records()
        out = result.spec.model.output(output)
        factor = _scale([r[key] for r in rows for key in ("value", "shift")], out.unit)
        label = output_label(out)
        groups.append((_with_unit(tex_text(label), _scaled_unit(out.unit, factor, label=label)), [
            [r"\quad " + tex_text(r["label"] if r["row"] == "input" else capital(r["label"])),
             *(tex_text(format_value(r[key], r["input_unit"])) if r[key] is not None else NONE
               for key in ("point", "prior_median")),
             _cell(r["value"], factor), _cell(r["shift"], factor),
             _share_cell(r["share"]) if r["share"] is not None else NONE] for r in rows]))
    tex_rows = grouped(groups, 6, 16)
    caption = _("Why each headline output's median differs from its value at the points: each uncertain input moved "
                "alone from its point to its prior's median (the others at their points), the output there and its "
                "shift from the output at the points, and the input's share of the shifts; then the output with every "
                "input at its median and the median over the samples, each with its shift.")
    heads = [head(tex_text(_("Input"))), head(tex_text(_("Point")), 2.0), head(tex_text(_("Prior's median")), 2.0),
             head(tex_text(_("Output, this input alone at its median")), 2.4), head(tex_text(_("Shift")), 1.6),
             head(tex_text(_("Share of the shifts (%)")), 1.6)]
    return replace(table, tex=tabular(layout(tex_rows, 4.6, 2.0, 2.0, "S", "S", "S"), heads, tex_rows,
                                      caption=caption, long=True))


def _span(low: float, high: float, factor: float) -> str:
    """A 90 % interval's cell: its ends at ``factor`` (an infinite end as the infinity sign)."""
    ends = [num(plain_number(v / factor, PLACES)) if math.isfinite(v) else (r"$\infty$" if v > 0 else r"$-\infty$")
            for v in (low, high)]
    return "{" + (interval(low / factor, high / factor, PLACES) if all(map(math.isfinite, (low, high)))
                  else "--".join(ends)) + "}"


def _observed(table: Table) -> Table:
    """The observations' LaTeX: each one's name and what it measured, the value observed, its error and source."""
    tex_rows = []
    for r in table.records():
        name, measured, observed, unit, error, source, cite, date = (r[key] for key in (
            "observation", "measured", "observed", "unit", "error", "source", "cite", "date"))
        said = tex_english(source)
        if date:  # the catalogue's own words around them: no LaTeX to escape
            said = _("{source} ({date})").format(source=said, date=tex_text(date))
        tex_rows.append([f"{tex_text(measured)}\\newline{{\\footnotesize\\texttt{{{tex_text(name)}}}}}",
                         tex_text(format_value(observed, unit, 3)), tex_text(error),
                         said + (f"~\\cite{{{','.join(cite.split())}}}" if cite else "")])
    caption = _("The observations the priors are conditioned on: what each measured, the value observed, the error "
                "of the measurement (the likelihood of a sample's value) and its source.")
    heads = [head(tex_text(_("What it measured"))), head(tex_text(_("Observed")), 1.8),
             head(tex_text(_("Measurement error")), 3.0), head(tex_text(_("Source")))]
    return replace(table, tex=tabular(layout(tex_rows, 3.6, 1.8, 3.0, 6.8), heads, tex_rows, caption=caption,
                                      long=True))


def _first_order_tex(table: Table, result: Result) -> Table:
    """The first-order indices given the observations: each claim's inputs under it, however many they are."""
    tex_rows = grouped(((tex_text(claim_words(result.claims[claim], result)),
                         [[r"\quad " + tex_text(label), plain_number(value, 2) if math.isfinite(value) else NONE]
                          for _claim, _input, label, value in table.where("claim", claim).rows])
                        for claim in dict.fromkeys(row[0] for row in table.rows)), 2, 14.5)
    caption = _("Each claim's first-order sensitivity index on each uncertain input given the observations: the "
                "share of the variance of the claim's indicator that the input explains alone under the posterior.")
    return replace(table, tex=tabular(layout(tex_rows, 12.0, "S[table-format=1.2]"),
                                      [head(tex_text(_("Input"))), head("S1")], tex_rows, caption=caption, long=True))


def observation_tables(result: Result) -> list[Table]:
    """The posterior's tables (:func:`mcsim.report.posterior.posterior_tables`) with their LaTeX."""
    found = posterior_tables(result)
    if not found:
        return []
    observations, claims, first_orders, *quantities = found
    tables = [_observed(observations), _first_order_tex(first_orders, result)]
    tex_rows = [[tex_text(claim_words(result.claims[row[0]], result)), _probability(row[1]), _probability(row[2]),
                 "{" + interval(row[3], row[4], 3) + "}", tex_text(_(row[5]))] for row in claims.rows]
    caption = _("Each claim's probability under the priors and given the observations (on the same {samples} samples, "
                "weighted), with the latter's 95 % interval from the weights' effective sample size and its term on "
                "the IPCC's calibrated likelihood scale.").format(samples=decimal(result.posterior.samples))
    heads = [head(tex_text(_("Claim"))), head(tex_text(_("Under the priors")), 1.7),
             head(tex_text(_("Given the observations")), 1.9),
             head(tex_text(_("{level} % interval").format(level=95)), 2.3), head(tex_text(_("Likelihood")))]
    tables.insert(1, replace(claims, tex=tabular(layout(tex_rows, 6.0, "S[table-format=1.3]", "S[table-format=1.3]",
                                                        "c", 2.6), heads, tex_rows, caption=caption)))
    captions = {"posterior_inputs": (_("Input"), _("Each uncertain input's median and 90 % interval under the "
                                                   "priors and given the observations.")),
                "posterior_outputs": (_("Output"), _("Each output's median and 90 % interval under the priors and "
                                                     "given the observations."))}
    for table in quantities:
        tex_rows = []
        for row in table.rows:
            label, unit, values = row[1], row[2], row[3:9]
            factor = _scale(values, unit)
            tex_rows.append([_with_unit(tex_text(label), _scaled_unit(unit, factor, label=label)),
                             _cell(values[1], factor), _span(values[0], values[2], factor), _cell(values[4], factor),
                             _span(values[3], values[5], factor)])
        heading, caption = captions[table.stem]
        heads = [head(tex_text(heading)),
                 head(tex_text(_("Prior median")), 1.6), head(tex_text(_("Prior 90 % interval")), 2.8),
                 head(tex_text(_("Posterior median")), 1.8), head(tex_text(_("Posterior 90 % interval")), 2.8)]
        tables.append(replace(table, tex=tabular(layout(tex_rows, 5.2, "S", "c", "S", "c"), heads, tex_rows,
                                                 caption=caption)))
    return tables


def _md_number(value: float | None) -> str:
    return "" if value is None else number(float(value))


def _md_share(value: float | None) -> str:
    return "" if value is None else percent(float(value))


def _md_probability(value: float | None) -> str:
    return "" if value is None else fixed(float(value), 4)


def _estimated(row: Mapping[str, Any]) -> tuple[str, str, str]:
    """A claim's probability and its interval's ends (a row of the claims table), to the decimals the interval
    allows."""
    return estimate(row["probability"], (row["ci95_low"], row["ci95_high"]))


def _interval_cell(row: Mapping[str, Any]) -> str:
    _p, low, high = _estimated(row)
    return _("{low} to {high}").format(low=low, high=high)


def _statistics(*, summary: bool = True) -> tuple[Column, ...]:
    """The columns of an output's statistics, in the order every table gives them: median, 5th and 95th
    percentiles, then mean and sd (said as "no summary" in report.md where ``mean_is_summary`` is false; the sd
    shown only where ``summary``: an output over a grid has the mean alone in report.md)."""
    def mean(key: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda r: (_("no summary (see below)") if summary and r.get("mean_is_summary") is False
                          else _md_number(r[key]))

    return (Column("median", pgettext("column", "median"), lambda r: _md_number(r["median"])),
            Column("p05", "p05", lambda r: _md_number(r["p05"])),
            Column("p95", "p95", lambda r: _md_number(r["p95"])),
            Column("mean", pgettext("column", "mean"), mean("mean")),
            Column("sd", pgettext("column", "sd") if summary else "", mean("sd")))


def _outputs(result: Result) -> Table:
    columns = (Column("output"),
               Column("label", pgettext("column", "output"), lambda r: md_cell(_(r["label"] or r["output"])), False),
               Column("unit", pgettext("column", "unit"), lambda r: md_cell(_(r["unit"])), False),
               *_statistics(),
               Column("share_infinite", pgettext("column", "P(infinite)"), lambda r: _md_share(r["share_infinite"])),
               Column("mean_is_summary"))
    rows, tex_rows, marked = [], [], False
    for out in result.spec.model.outputs:
        if out.per_user:
            continue
        s = result.outputs[out.name]
        tail = result.tails.get(out.name)
        summary = None if tail is None else tail.mean_is_summary
        # a mean that is no summary (heavy tail) is not given as a number beside the quantiles (summary.json keeps it)
        mean, sd = (None, None) if summary is False else (s.mean, s.sd)
        rows.append((out.name, out.label, out.unit, s.p50, s.p05, s.p95, mean, sd, s.p_never, summary))
        marked = marked or summary is False
        factor = _scale((s.p50, s.p05, s.p95, mean, sd), out.unit)
        label = _(out.label)
        none = r"{---\textsuperscript{a}}" if summary is False else NONE
        tex_rows.append([_with_unit(tex_text(label), _scaled_unit(out.unit, factor, label=label)),
                         *(_cell(v, factor) for v in (s.p50, s.p05, s.p95)),
                         *(_cell(v, factor) if summary is not False else none for v in (mean, sd)),
                         _share_cell(float(s.p_never)) if s.p_never is not None else NONE])
    caption = _("Statistics of the outputs over {samples} samples. Quantiles are over every sample, infinite "
                "values included; means and standard deviations are over the finite samples.").format(
                    samples=decimal(result.samples))
    note = _("(a) The tail of this output is too heavy for its mean to summarise it: neither its mean nor its sd is "
             "given.")
    heads = [head(tex_text(_("Output"))),
             *(head(tex_text(h), 1.6) for h in (*_quantile_heads(), _("Mean"), _("Standard deviation"))),
             head(tex_text(_("Infinite (%)")), 1.4)]
    return Table("outputs", columns, tuple(rows), tabular(layout(tex_rows, 4.4, *"S" * 6), heads, tex_rows,
                                                           caption=caption, notes=[tex_text(note)] if marked else []))


def _per_user(result: Result) -> list[Table]:
    """Each gridded output at each point of the run's grid (of users, months, or the model's own)."""
    tables = []
    grid, points = result.spec.grid, [float(v) for v in result.spec.grid_values]
    axis = grid_axis(grid)
    axis = axis[:1].upper() + axis[1:]
    for out in result.spec.model.outputs:
        if not out.per_user:
            continue
        s = result.outputs[out.name]
        positive = s.p_positive is not None
        columns = (Column(grid.name, grid_column(grid),
                          lambda r, g=grid: decimal(r[g.name]) if g.log_scale else count(r[g.name])),
                   Column("unit"), *_statistics(summary=False))
        if positive:
            columns += (Column("share_positive", "P(> 0)", lambda r: _md_probability(r["share_positive"])),)
        rows = []
        stats = (s.p50, s.p05, s.p95, s.mean)
        at_cells, at_unit = _column(points, grid.unit, label=axis)
        if not grid.log_scale and all(v.is_integer() and abs(v) < 1e4 for v in points):  # whole numbers as they are
            at_cells = [str(int(v)) for v in points]
        cells, unit = _column([float(v[i]) for v in stats for i in range(len(result.spec.grid_values))], out.unit,
                              label=_(out.label))
        n = len(result.spec.grid_values)
        tex_rows = []
        for i, at in enumerate(result.spec.grid_values):
            row = (at, out.unit, s.p50[i], s.p05[i], s.p95[i], s.mean[i], s.sd[i])
            rows.append(row + ((s.p_positive[i],) if positive else ()))
            tex_rows.append([at_cells[i], *(cells[k * n + i] for k in range(4))]
                            + ([_share_cell(float(s.p_positive[i]))] if positive else []))
        width = 2.0
        first = _with_unit(tex_text(axis), at_unit)
        value_heads = [head(tex_text(h), width) for h in (*_quantile_heads(), _("Mean"))]
        spanning = _with_unit(tex_text(_(out.label)), unit)
        heads = (f"& \\multicolumn{{4}}{{c}}{{\\parbox{{{4 * width + 1:.2f}cm}}{{\\centering {spanning}}}}}"
                 + (" &" if positive else "") + r" \\" + "\n\\cmidrule(lr){2-5}\n"
                 + " & ".join([head(first, 2.0), *value_heads]
                              + ([head(tex_text(_("Above zero (%)")), width)] if positive else [])) + r" \\")
        caption = _("{label} ({unit}) at each point of the run's grid ({grid}), over {samples} samples.").format(
            label=_(out.label), unit=_(out.unit), grid=grid_axis(grid), samples=decimal(result.samples))
        tables.append(Table(f"outputs_by_{grid.name}_{out.name}", columns, tuple(rows),
                            tabular(layout(tex_rows, *"S" * len(tex_rows[0])), heads, tex_rows, caption=caption)))
    return tables


def _claims(result: Result) -> Table:
    texts = {name: claim_text(c.claim) or name for name, c in result.claims.items()}  # in the report's language
    columns = (
        "claim", Column("text", pgettext("column", "claim"), lambda r: md_cell(texts[r["claim"]]), False),
        Column("test", pgettext("column", "test"), lambda r: md_cell(r["test"]), False),
        # the probability and its interval to the decimals the interval allows; the standard error to four
        Column("probability", pgettext("column", "P(holds)"), lambda r: _estimated(r)[0]),
        Column("se", pgettext("column", "se"), lambda r: _md_probability(r["se"])),
        Column("ci95_low", pgettext("column", "95 % interval"),
               _interval_cell, False),
        "ci95_high", "likelihood", "likelihood_straddles",
        Column("holds_at_point", pgettext("column", "at the points"),
               lambda r: _("holds") if r["holds_at_point"] else _("fails"), False),
        "samples")
    rows, tex_rows = [], []
    for name, c in result.claims.items():
        test = claim_condition(c, result)
        said, reached = term(c.probability), straddle(c.probability, c.ci95)
        rows.append((name, c.claim.text, test, c.probability, c.se, c.ci95[0], c.ci95[1], said,
                     " and ".join(reached), c.holds_at_point, c.samples))
        words = _(said) + ("" if not reached else " " + _("(its interval reaches {terms})").format(
            terms=listed(_(t) for t in reached)))
        text = claim_text(c.claim)
        claim = f"{tex_text(text)}\\newline{{\\footnotesize {tex_text(test)}}}" if text else tex_text(test)
        tex_rows.append([claim, _probability(c.probability), f"{{{interval(c.ci95[0], c.ci95[1], 3)}}}",
                         tex_text(words), tex_text(_("holds") if c.holds_at_point else _("fails"))])
    caption = _("Probability of each claim over {samples} samples, with its 95 % Wilson score interval, in words on "
                "the IPCC's calibrated likelihood scale (Mastrandrea et al. 2010), and whether it holds with every "
                "input at its point value.").format(samples=decimal(result.samples))
    heads = [head(tex_text(_("Claim (its test below it)"))), head(tex_text(_("Probability")), 1.7),
             head(tex_text(_("{level} % interval").format(level=95)), 2.3), head(tex_text(_("Likelihood"))),
             head(tex_text(_("With every input at its point")), 1.8)]
    return Table("claims", columns, tuple(rows), tabular(layout(tex_rows, 6.2, "S[table-format=1.3]", "c", 2.6, "c"),
                                                         heads, tex_rows, caption=caption, long=True))


def tex_english(text: str) -> str:
    """Words from an input file, which have no French version (a prior's source), marked as English in a report in
    another language (``\\foreignlanguage``, which babel and polyglossia both define)."""
    said = tex_text(text)
    return said if language() == "en" else f"\\foreignlanguage{{english}}{{{said}}}"


def _priors(result: Result) -> Table:
    priors = result.spec.priors
    columns = (
        "input", Column("label", pgettext("column", "input"),
                        lambda r: f"{md_cell(r['label'])} (`{md_code(r['input'])}`)", False),
        Column("unit", pgettext("column", "unit"), lambda r: md_cell(_(r["unit"])), False), "dist", "parameters",
        Column("distribution", pgettext("column", "distribution"), lambda r: md_cell(r["distribution"]), False),
        Column("point", pgettext("column", "point"), lambda r: _md_number(r["point"])),
        Column("source", pgettext("column", "source"), lambda r: in_english(md_cell(r["source"])), False), "cite")
    rows, tex_rows = [], []
    for prior in priors.inputs:
        params = "; ".join(f"{key}={value!r}" if not isinstance(value, tuple) else f"{key}={list(value)!r}"
                           for key, value in prior.distribution.shown_parameters().items())
        words = describe_distribution(prior.distribution, prior.unit)
        rows.append((prior.name, input_label(prior), prior.unit, prior.distribution.family, params, words,
                     prior.point, prior.source, " ".join(prior.cite)))
        cite = f"~\\cite{{{','.join(prior.cite)}}}" if prior.cite else ""
        factor = _scale([prior.point], prior.unit)
        unit = _scaled_unit(prior.unit, factor) if prior.unit else ""
        tex_rows.append([tex_text(input_label(prior)), unit or "---",
                         describe_distribution(prior.distribution, prior.unit, tex=True), _cell(prior.point, factor),
                         tex_english(prior.source) + cite])
    caption = _("The priors ({file}): each input's distribution, its point value (used for the tipping points) and "
                "the source of its numbers.").format(file=Path(priors.file).name)
    heads = [*(head(tex_text(h)) for h in (_("Input"), _("Unit"), _("Distribution"))), head(tex_text(_("Point")), 1.4),
             head(tex_text(_("Source")))]
    return Table("priors", columns, tuple(rows), tabular(layout(tex_rows, 2.5, 1.9, 3.6, "S", 5.6), heads, tex_rows,
                                                         caption=caption, long=True))


def _tipping_row(values: Mapping[str, Any]) -> list[str]:
    """A tipping point's row (LaTeX): the input with its unit, the side where the claim fails, the value (two for a
    claim that fails on both sides), its percentile in the prior and the prior's probability of the failing side."""
    label, unit, share, t = values["label"], values["unit"], values["failing_share"], tipping_point(values)
    sides = t.sides
    factor = _scale([v for v, _f, _q in sides], unit)
    at = [plain_number(v / factor, PLACES) for v, _f, _q in sides]
    percentiles = [None if q is None else plain_number(100 * q, 1) for _v, _f, q in sides]
    if len(sides) == 2:  # two values that would read the same get more digits (100.0 or 100.0)
        at = list(distinct(sides[0][0] / factor, sides[1][0] / factor, PLACES))
        if None not in percentiles:
            percentiles = list(distinct(100 * sides[0][2], 100 * sides[1][2], 1))
        joined = _("{low} or {high}") if sides[0][1] == "below" else _("{low} to {high}")
        # the same to 6 decimals (both beyond the prior's range: 100.0 or 100.0) is one value
        at_cell = at[0] if at[0] == at[1] else "{" + joined.format(low=num(at[0]), high=num(at[1])) + "}"
        q_cell = (NONE if None in percentiles else percentiles[0] if percentiles[0] == percentiles[1]
                  else "{" + joined.format(low=num(percentiles[0]), high=num(percentiles[1])) + "}")
    else:
        at_cell = at[0] if at else NONE
        q_cell = percentiles[0] if percentiles and percentiles[0] is not None else NONE
    scaled = _scaled_unit(unit, factor, label=label) if sides else ""
    return [r"\quad " + _with_unit(tex_text(label), scaled), tex_text(tipping_cells(t, str)[0]), at_cell, q_cell,
            _probability(share) if share is not None else NONE]


def _tipping(result: Result) -> Table:
    table = tipping_table(result)
    tex_rows = grouped(((tex_text(claim_text(result.claims[claim].claim) or claim_condition(result.claims[claim],
                                                                                             result)),
                         [_tipping_row(values) for values in table.where("claim", claim).records()])
                        for claim in result.verdict.claims), 5, 12.5)
    caption = _("Tipping points: the value of each input at which the claim flips, every other input at its point "
                "value; where that value sits in the input's prior (percentile), and the prior's probability of the "
                "side where the claim fails.")
    heads = [head(tex_text(_("Input (unit of its tipping point)"))), head(tex_text(_("The claim fails")), 2.2),
             head(tex_text(_("At")), 1.6), head(tex_text(_("Percentile")), 1.6),
             head(tex_text(_("P(failing side)")), 1.8)]
    return replace(table, tex=tabular(layout(tex_rows, 6.0, 2.2, "S", "S", "S[table-format=1.3]"), heads, tex_rows,
                                      caption=caption, long=True))


def _sobol(result: Result) -> Table:
    sensitivity = result.sensitivity
    conf = sensitivity.spec.conf_level
    labels = {name: label for name, (label, _unit) in input_names(result).items()}
    table = index_table(replace(sensitivity, labels={**sensitivity.labels, **labels}))
    groups = []
    for target in sensitivity.targets:
        t = target.target
        if t.kind == "claim":
            what = claim_text(result.claims[t.key].claim) or t.key if t.key in result.claims else t.key
            title = _("Claim: {text}").format(text=what)
        else:
            title = _("Output: {label}").format(label=_(t.label or t.output))
        if target.indices is None:  # why, in a row of its own
            undefined = tex_text(target.undefined or _("undefined"))
            members = [f"\\multicolumn{{5}}{{@{{}}{ragged(12.5)}}}{{{{\\quad {undefined}}}}} \\\\"]
        else:  # an index whose whole interval lies below 0 is shown at 0 (its clipped ends cross: 0 and -0.002)
            members = [[r"\quad " + tex_text(r["label"]), plain_number(r["S1"], 2),
                        "{" + interval(r["S1_low"], max(r["S1_high"], r["S1_low"]), 2) + "}", plain_number(r["ST"], 2),
                        "{" + interval(r["ST_low"], max(r["ST_high"], r["ST_low"]), 2) + "}"]
                       for r in table.where("target", t.key).records()]
        groups.append((tex_text(title), members))
    tex_rows = grouped(groups, 5, 12.5)
    caption = _("First-order (S1) and total (ST) Sobol indices with their {level} % intervals, by output and by "
                "claim (a claim through its indicator), inputs in the order of their rank (by ST, or by Shapley "
                "effect where inputs are correlated); an interval is clipped to [0, 1], where an index lies. On a "
                "Saltelli design of its own, seed {seed}.").format(level=number(100 * conf), seed=sensitivity.seed)
    interval_head = tex_text(_("{level} % interval").format(level=number(100 * conf)))
    heads = [head(tex_text(_("Input"))), head("S1"), head(interval_head, 2.6), head("ST"), head(interval_head, 2.6)]
    return replace(table, tex=tabular(layout(tex_rows, 7.0, "S", "c", "S", "c"), heads, tex_rows, caption=caption,
                                      long=True))


# --- the comparison's tables -----------------------------------------------------------------------------

def comparison_tables(data: dict) -> list[Table]:
    """The tables of a batch's comparison, from its ``summary.json`` content."""
    tables = [claims_by_scenario(data)]
    scenarios = data["scenarios"]
    groups = data.get("groups") or [{"scenarios": [s["stem"] for s in scenarios], "focus": data.get("focus")}]
    for group in groups:  # one model's scenarios each (a batch may run several models)
        if group["focus"] is not None:
            members = [s for s in scenarios if s["stem"] in group["scenarios"]]
            tables.append(focus_by_scenario(members, group["focus"]))
    return [*tables, tipping_by_scenario(data)]


def claims_by_scenario(data: dict) -> Table:
    """Each claim's probability in each scenario, with its interval and term, a group of rows per claim."""
    scenarios = data["scenarios"]
    header = ("scenario", "title", "claim", "text", "probability", "ci95_low", "ci95_high", "likelihood",
              "holds_at_point")
    names = claim_names(scenarios)
    french = language() == "fr"
    rows, groups = [], []
    for name in names:
        said = [s["claims"][name] for s in scenarios if name in s["claims"]]
        text = next((c.get("text") for c in said if c.get("text")), name)
        if french:  # a claim's French text, where the summary carries it
            text = french_spaces(next((c.get("text_fr") for c in said if c.get("text_fr")), text))
        members = []
        for s in scenarios:
            c = s["claims"].get(name)
            if c is None or c.get("probability") is None:
                continue
            p, (low, high) = c["probability"], c["ci95"]
            rows.append((s["stem"], s["title"], name, c.get("text"), p, low, high, term(p), c.get("holds_at_point")))
            members.append([r"\quad " + tex_text(scenario_title(s)), _probability(p),
                            "{" + interval(low, high, 3) + "}", tex_text(_(term(p)))])
        groups.append((tex_text(text), members))
    tex_rows = grouped(groups, 4, 14)
    caption = _("Each claim's probability by scenario, with its 95 % Wilson score interval and its term on the "
                "IPCC's calibrated likelihood scale.")
    heads = [head(tex_text(_("Scenario"))), head(tex_text(_("Probability")), 1.7),
             head(tex_text(_("{level} % interval").format(level=95)), 2.3), head(tex_text(_("Likelihood")))]
    return Table("claims_by_scenario", header, tuple(rows),
                 tabular(layout(tex_rows, 8.6, "S[table-format=1.3]", "c", 3.0), heads, tex_rows, caption=caption,
                         long=True))


def tipping_by_scenario(data: dict) -> Table:
    """Each scenario's claims: the tipping point whose failing side is most likely and the first failure box
    (``tables/tipping_by_scenario``, and its section of the comparison's ``report.md``)."""
    by_stem = {s["stem"]: s for s in data["scenarios"]}
    rows = []
    for s in data["scenarios"]:
        for name, c in s["claims"].items():
            t, box = c.get("most_likely_tipping_point") or {}, c.get("first_box") or {}
            rows.append((s["stem"], name, *(t.get(key) for key in (
                "input", "value", "fails", "quantile", "other_flip", "other_fails", "other_quantile", "failing_share")),
                " ".join(r["input"] for r in box.get("restrictions", ())) or None, box.get("coverage"),
                box.get("density")))

    def claim(row: Mapping[str, Any]) -> dict:
        return by_stem[row["scenario"]]["claims"][row["claim"]]

    table = Table("tipping_by_scenario", (
        Column("scenario", _("scenario"), lambda r: md_cell(scenario_title(by_stem[r["scenario"]])), False),
        Column("claim", _("claim"), lambda r: md_cell(claim_of(claim(r), r["claim"])), False),
        Column("input", _("most likely tipping point"), lambda r: "" if r["input"] is None else tip_words(
            claim(r)["most_likely_tipping_point"], by_stem[r["scenario"]]), False),
        "value", "fails", "quantile", "other_flip", "other_fails", "other_quantile",
        Column("failing_share", _("P(failing side)"),
               lambda r: "" if r["failing_share"] is None else fixed(r["failing_share"], 3)),
        Column("box_restricts", _("first box restricts (coverage, density)"),
               lambda r: box_words(claim(r), by_stem[r["scenario"]]), False),
        "box_coverage", "box_density"), tuple(rows), "", shown=("scenario", "claim", "input", "failing_share",
                                                                "box_restricts"))
    tex_rows = grouped(((tex_text(scenario_title(s)), [
        [r"\quad " + tex_text(claim_of(c, name)), tex_text(tip_words(t, s, str)) if t else NONE,
         _probability(t["failing_share"]) if t else NONE, tex_text(box_words(c, s, str))]
        for name, c in s["claims"].items() for t in [c.get("most_likely_tipping_point")]])
        for s in data["scenarios"]), 4, 16)
    caption = _("Where each claim tips, by scenario: the tipping point whose failing side is most likely under the "
                "scenario's priors (one input moving, the others at their points), the prior's probability of that "
                "side, and the inputs PRIM's first failure box restricts, with its coverage and density.")
    heads = [head(tex_text(_("Scenario and claim"))), head(tex_text(_("Most likely tipping point"))),
             head(tex_text(_("P(failing side)")), 1.8), head(tex_text(_("First box restricts (coverage, density)")))]
    return replace(table, tex=tabular(layout(tex_rows, 4.6, 5.0, "S[table-format=1.3]", 3.8), heads, tex_rows,
                                      caption=caption, long=True))


def focus_by_scenario(scenarios: Sequence[dict], focus: dict) -> Table:
    name, unit = focus["output"], focus.get("unit") or ""
    infinite = focus.get("infinite_means") is not None
    shown = not names_its_unit(_(focus.get("label") or name), _(unit))  # 'Break-even monthly users' says its unit

    def said(key: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda r: _("never") if r[key] is None else md_text(format_value(r[key], unit, unit_shown=shown))

    titles = {s["stem"]: scenario_title(s) for s in scenarios}
    columns = ("scenario", Column("title", _("scenario"), lambda r: md_cell(titles[r["scenario"]]), False), "unit",
               Column("median", _("median"), said("median")), Column("p05", _("p05"), said("p05")),
               Column("p95", _("p95"), said("p95")), "mean",
               Column("share_infinite", _("infinite: {meaning}").format(meaning=md_cell(_(focus["infinite_means"])))
                      if infinite else "", lambda r: _md_share(r["share_infinite"])),
               Column("ran", _("run by this batch"), lambda r: _("yes") if r["ran"] else _("no (up to date)"), False))
    rows, values = [], []
    for s in scenarios:
        o = s["outputs"].get(name, {})

        def value(key: str, o=o) -> float | None:
            v = o.get(key)
            # null in a summary stands for +infinity, except a share that is missing
            return None if v is None and key in ("p_never", "mean") else (math.inf if v is None else float(v))

        mean = None if o.get("mean_is_summary") is False else value("mean")  # a heavy tail's mean is no summary
        rows.append((s["stem"], s["title"], unit, value("p50"), value("p05"), value("p95"), mean,
                     value("p_never") if infinite else None, s.get("ran")))
        values.append((scenario_title(s), value("p50"), value("p05"), value("p95"), value("p_never")))
    label = _(focus.get("label") or name)
    cells, scaled = _column([v for row in values for v in row[1:4]], unit, label=label)
    tex_rows = [[tex_text(title), *cells[3 * i:3 * i + 3]] + ([_share_cell(never)] if infinite else [])
                for i, (title, _p50, _p05, _p95, never) in enumerate(values)]
    spanning = _with_unit(tex_text(label), scaled)
    heads = (f"& \\multicolumn{{3}}{{c}}{{\\parbox{{3.9cm}}{{\\centering {spanning}}}}}" + (" &" if infinite else "")
             + r" \\" + "\n\\cmidrule(lr){2-4}\n"
             + " & ".join([head(tex_text(_("Scenario"))),
                           *(head(tex_text(h), 1.15) for h in _quantile_heads())]
                          + ([head(tex_text(_("Infinite (%)")), 1.15)] if infinite else [])) + r" \\")
    caption = _("{label} by scenario: median and 90 % interval over each run's samples.").format(label=label)
    if infinite:
        caption += " " + _("Infinite: the share of samples where it is infinite ({means}).").format(
            means=focus["infinite_means"])
    return Table(f"{name}_by_scenario", columns, tuple(rows), tabular(
        layout(tex_rows, 2.6, *"S" * (3 + infinite)), heads, tex_rows, caption=caption, one_column=True))
