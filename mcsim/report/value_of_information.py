"""The report's value-of-information section: which uncertainty is worth resolving, in the payoff's unit.

A table of EVPI and each input's EVPPI at the run's decision users, a sentence on what knowing the
input that matters most would be worth, a table of what each input would do for each claim's
verdict, and a figure of EVPI and each EVPPI over users.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import matplotlib
import matplotlib.axes
import matplotlib.figure
import numpy as np

from mcsim.analysis.value_of_information import ValueOfInformation
from mcsim.analysis.value_of_information.estimate import Estimate
from mcsim.i18n import _
from mcsim.report.figures import Figure, Panel, single_panel
from mcsim.report.style import BLACK, BLUE, Look, plain
from mcsim.report.table import Column, Table
from mcsim.report.text import (
    claim_text,
    count,
    fixed,
    format_value,
    grid_column,
    grid_point,
    input_label,
    lower_first,
    md_cell,
    md_text,
    percent,
)
from mcsim.report.ticks import format_axis
from mcsim.result import Result

__all__ = ["value_of_information_figures", "value_of_information_markdown", "value_of_information_tables"]

STEM = "value_of_information"


def _label(result: Result, name: str) -> str:
    return input_label(result.spec.priors[name])


def _amount(voi: ValueOfInformation, value: float) -> str:
    """An amount in the payoff's unit, as a reader says it ($950,000, $1.2 million)."""
    return format_value(value, voi.unit, 2)


def _to_its_error(estimate: Estimate) -> Estimate:
    """``estimate`` rounded to the precision its standard error allows: the error to two significant digits and the
    value to the same place ($713,210 ± $6,334 is $713,200 ± $6,300: the last digits are noise)."""
    if not (estimate.se > 0 and math.isfinite(estimate.se) and math.isfinite(estimate.value)):
        return estimate
    step = 10.0 ** (math.floor(math.log10(estimate.se)) - 1)
    return Estimate(round(estimate.value / step) * step, round(estimate.se / step) * step)


def _cell(voi: ValueOfInformation, estimate: Estimate) -> str:
    if estimate.value == 0 and estimate.se == 0:
        return "0"
    shown = _to_its_error(estimate)
    return _("{value} ± {se}").format(value=_amount(voi, shown.value), se=_amount(voi, shown.se))


def value_of_information_tables(result: Result) -> list[Table]:
    """The value of information's tables (none without a ``[value_of_information]``): ``value_of_information``, a row
    per decision (each users value; one for a scalar payoff) with the payoff's expected value, the probability that
    acting pays, the decision now, the EVPI and each input's EVPPI with their standard errors, in the payoff's unit;
    ``value_of_information_claims``, a row per claim with what knowing each input would take off the probability of a
    wrong verdict. The rows of the section's tables in ``report.md``; their LaTeX is :mod:`mcsim.report.tables`'s."""
    voi = result.value_of_information
    if voi is None:
        return []
    names = voi.names
    payoff = md_text(lower_first(_(voi.label)))
    estimates = ("evpi", *(f"evppi_{name}" for name in names))

    def estimate(key: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda r: _cell(voi, Estimate(r[key], r[f"{key}_se"]))

    scalar, at = not voi.spec.users, result.spec.grid.name  # the decisions' users (or months), as summary.json
    decisions = Table("value_of_information", (
        Column(at, "" if scalar else grid_column(result.spec.grid), lambda r: count(r[at])),
        Column("mean_payoff", _("expected {payoff}").format(payoff=payoff), lambda r: _amount(voi, r["mean_payoff"])),
        Column("p_positive", _("P(> 0)"), lambda r: percent(r["p_positive"])),
        Column("acts", _("decision now"), (lambda r: _("act") if r["acts"] else _("do not act")) if scalar else
               (lambda r: _("run it") if r["acts"] else _("do not run it")), False),
        *(column for key in estimates for column in (
            Column(key, _("EVPI (every input)") if key == "evpi" else md_cell(_label(result, key[6:])),
                   estimate(key)), f"{key}_se"))),
        tuple((d.users, d.mean, d.positive, d.acts, *(x for e in (d.evpi, *(d.evppi[n] for n in names))
                                                        for x in (e.value, e.se))) for d in voi.decisions), "")
    texts = {c.name: claim_text(c) or c.name for c in result.spec.claims}
    claims = Table("value_of_information_claims", (
        Column("claim", _("claim"), lambda r: md_cell(texts.get(r["claim"], r["claim"])), False),
        Column("verdict_holds", _("verdict"), lambda r: _("holds") if r["verdict_holds"] else _("fails"), False),
        "probability", Column("wrong", _("P(wrong verdict) now"), lambda r: percent(r["wrong"])),
        *(column for name in names for column in (
            Column(f"reduction_{name}", md_cell(_label(result, name)),
                   lambda r, k=f"reduction_{name}": _points(Estimate(r[k], r[f"{k}_se"]))), f"reduction_{name}_se"))),
        tuple((c.claim, c.verdict_holds, c.probability, c.wrong, *(x for n in names
                                                                   for x in (c.reduction[n].value, c.reduction[n].se)))
              for c in voi.claims), "")
    return [decisions, claims]


def value_of_information_markdown(result: Result, tables: Mapping[str, Table] | None = None) -> list[str]:
    """The section, as Markdown lines (empty without a ``[value_of_information]`` table); its tables from ``tables``
    by stem, made here where not given."""
    voi = result.value_of_information
    if voi is None:
        return []
    unit = md_text(_(voi.unit))
    payoff = md_text(lower_first(_(voi.label)))
    once = not voi.spec.users  # a scalar payoff: one decision, taken once
    said = (_("The decision, taken once: act, with the {payoff} as payoff ({unit}), or not (payoff 0), on the "
              "payoff's expected value. The expected value of perfect information (EVPI) is what knowing every "
              "input exactly would be worth to that decision; the EVPPI of an input, what knowing that input alone "
              "would be worth: the expected gain from deciding once it is known. Both are in {unit}, with their "
              "standard errors, on the run's own {samples} samples ({sampler}, seed {seed}; the priors' "
              "correlations included), each input's EVPPI by the payoff's mean in {bins} bins of that input (Strong "
              "and Oakley 2013).") if once else
            _("The decision at each users value: run the service, with its {payoff} as payoff ({unit}), or not "
              "(payoff 0), taken on the payoff's expected value. The expected value of perfect information (EVPI) "
              "is what knowing every input exactly would be worth to that decision; the EVPPI of an input, what "
              "knowing that input alone would be worth: the expected gain from deciding once it is known. Both are "
              "in {unit}, with their standard errors, on the run's own {samples} samples ({sampler}, seed {seed}; "
              "the priors' correlations included), each input's EVPPI by the payoff's mean in {bins} bins of that "
              "input (Strong and Oakley 2013)."))
    lines = [_("## Value of information: which uncertainty is worth resolving"), "",
             said.format(payoff=payoff, unit=unit, samples=count(voi.samples), sampler=voi.sampler, seed=voi.seed,
                         bins=count(voi.bins)), ""]
    best = voi.best()
    if best is not None:
        decision, name = best
        best_said = (_("**Knowing the {input} exactly would be worth about {amount} to the decision**, out of {evpi} "
                       "for knowing every input.") if once else
                     _("**Knowing the {input} exactly would be worth about {amount} a month to a decision {at}**, out "
                       "of {evpi} for knowing every input."))
        lines += [best_said.format(
            input=md_text(lower_first(_label(result, name))),
            amount=_amount(voi, _to_its_error(decision.evppi[name]).value),
            at="" if once else grid_point(result.spec.grid, decision.users),
            evpi=_amount(voi, _to_its_error(decision.evpi).value)),
            ""]
    # a run without claims has no claims' table among the report's
    decisions, claims = ((tables["value_of_information"], tables.get("value_of_information_claims")) if tables
                         else value_of_information_tables(result))
    lines += [*decisions.to_markdown(), "",
              _("EVPPI columns: what knowing that input alone would be worth ({unit}). An input whose value could not "
                "change the decision is worth 0.").format(unit=unit), ""]
    return lines + _claims(voi, claims)


def _claims(voi: ValueOfInformation, table: Table | None) -> list[str]:
    if not voi.claims:
        return []
    return [_("### What knowing an input would do for each claim"), "",
            _("The verdict on a claim is the likelier answer (it holds if its probability is at least 1/2), wrong "
              "with probability min(p, 1 - p). Knowing an input exactly, the verdict would be taken on the claim's "
              "probability given that input; each cell is the expected fall in the probability of a wrong verdict, "
              "in percentage points, with its standard error. The claims' probabilities are the run's, on the same "
              "samples."), "", *table.to_markdown(), ""]


def _points(estimate: Estimate) -> str:
    """A change in probability in percentage points, with its standard error ("0" where neither shows)."""
    if round(100 * estimate.value, 1) == 0 and round(100 * estimate.se, 1) == 0:
        return "0"
    return _("{value} ± {se}").format(value=fixed(100 * estimate.value, 1), se=fixed(100 * estimate.se, 1))


def value_of_information_figures(result: Result, style: Look) -> list[Figure]:
    """The figure of EVPI and each input's EVPPI over users, undrawn (none without a ``[value_of_information]``)."""
    voi = result.value_of_information
    if voi is None or not voi.names:
        return []
    if not voi.spec.users:  # a scalar payoff: one decision, each input's worth as a bar
        caption = _("Expected value of perfect information (EVPI, every input known) and of each input alone (EVPPI) "
                    "to the decision, taken once, to act ({unit}), with their 95 % intervals. An input whose value "
                    "could not change the decision is worth 0. On the run's own {samples} samples ({sampler}, seed "
                    "{seed}).").format(unit=_(voi.unit), samples=count(voi.samples), sampler=voi.sampler,
                                       seed=voi.seed)
        return [single_panel(STEM, caption, style, 2.5 + 0.6 * (len(voi.names) + 1),
                             functools.partial(_bars, result, style))]
    caption = _("Expected value of perfect information (EVPI, every input known) and of each input alone (EVPPI) "
                "to the decision to run the service at each number of monthly users ({unit}); dotted lines mark the "
                "users of the table. The value is highest where the decision is closest to break-even, and 0 where "
                "no value of the input could change it. On the run's own {samples} samples ({sampler}, seed "
                "{seed}).").format(unit=_(voi.unit), samples=count(voi.samples), sampler=voi.sampler, seed=voi.seed)
    return [single_panel(STEM, caption, style, 6.5, functools.partial(_draw, result, style), columns=2)]


#: The EVPPI lines' dash patterns (in line widths), none solid as the EVPI's is: those with as many dashes a
#: period differ in their dashes' length by a factor of two or more, so that each line reads apart in greyscale
DASHES = ((0, (4, 2)), (0, (1, 1.5)), (0, (4, 2, 1, 2)), (0, (12, 4)), (0, (4, 2, 1, 2, 1, 2)), (0, (12, 4, 1, 4)),
          (0, (12, 4, 1, 4, 1, 4)))


def _draw(result: Result, style: Look, ax: matplotlib.axes.Axes) -> Panel:
    voi = result.value_of_information
    users = np.array([d.users for d in voi.curve])
    ax.plot(users, [d.evpi.value for d in voi.curve], color=BLACK, ls="-", lw=1.6,
            label=_("EVPI: every input known"))
    drawn = 0
    for name in voi.names:
        values = np.array([d.evppi[name].value for d in voi.curve])
        if values.max() > 0:  # the palette's colours, each with a dash pattern of its own: apart in greyscale
            ax.plot(users, values, lw=1.1, ls=DASHES[drawn % len(DASHES)],
                    label=plain(_("EVPPI: {input}").format(input=_label(result, name))))
            drawn += 1
    for d in voi.decisions:
        ax.axvline(d.users, color="grey", lw=0.6, ls=":")
    ax.set_xscale("log")
    format_axis(ax.xaxis, "users")
    format_axis(ax.yaxis, voi.unit)
    ax.set_xlabel(style.wrap(_("monthly users at which the decision is taken"), 7.5))
    ax.set_ylabel(style.wrap(plain(_("value of information ({unit})").format(unit=_(voi.unit))), 3.5))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    # beside the curves, the handles long enough to show a whole period of each line's dashes
    style.legend(ax, loc="upper left", bbox_to_anchor=(1.02, 1.0), width_cm=5.0, handlelength=4.0)
    return Panel(plain(_("What knowing an input is worth to the decision to run the service")), columns=2)


def _bars(result: Result, style: Look, ax: matplotlib.axes.Axes) -> Panel:
    """A scalar payoff's one decision: the EVPI and each input's EVPPI as bars, with 95 % intervals."""
    voi = result.value_of_information
    decision = voi.decisions[0]
    names = sorted(voi.names, key=lambda n: decision.evppi[n].value)  # the largest at the top
    estimates = [decision.evppi[n] for n in names] + [decision.evpi]
    labels = [plain(style.wrap(label, 3.5)) for label in [*(_label(result, n) for n in names),
                                                          _("EVPI: every input known")]]
    y = np.arange(len(estimates))
    values = np.array([e.value for e in estimates])
    half = 1.96 * np.array([e.se for e in estimates])
    ax.barh(y, values, 0.6, xerr=np.vstack([np.minimum(half, values), half]), color=[BLUE] * len(names) + [BLACK],
            error_kw={"elinewidth": 0.8, "capthick": 0.8})
    ax.set_yticks(y, labels)
    format_axis(ax.xaxis, voi.unit)
    ax.set_xlim(left=0)
    ax.set_xlabel(style.wrap(plain(_("value of information ({unit})").format(unit=_(voi.unit))), 3.5))
    ax.grid(axis="x", alpha=0.3)
    return Panel(plain(_("What knowing an input is worth to the decision")))
