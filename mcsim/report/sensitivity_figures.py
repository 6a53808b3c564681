"""Figures of the sensitivity analysis, each a :class:`~mcsim.report.figures.Figure` that draws itself.

Per target: Sobol S1 and ST bars with their interval whiskers, hatched where the interval is
wider than the tolerance (not converged). Per output: the tornado (one input at a time at its p05
and p95, the output at the point values as the axis) and, when the base sample was doubled, the
convergence of the indices as it doubled. Inputs and targets are named by their labels.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
import matplotlib.axes
import matplotlib.figure
import numpy as np
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mcsim.analysis.sensitivity import SensitivityResult, TargetResult
from mcsim.i18n import _, pgettext
from mcsim.report.figures import Figure, Panel, multi_panel, single_panel
from mcsim.report.rendering import render
from mcsim.report.sensitivity import target_words
from mcsim.report.style import (
    BLACK,
    BLUE,
    GREEN,
    HIGH,
    LOW,
    SKY,
    VERMILLION,
    Look,
    axis_label,
    claim_name,
    plain,
    readable,
)
from mcsim.report.style import look as default_look
from mcsim.report.text import decimal, lower_first, names_its_unit, nested, number, percent
from mcsim.report.ticks import compact, format_axis, span, whole

__all__ = ["plot_sensitivity", "sensitivity_caption", "sensitivity_figures"]

S1_COLOUR, ST_COLOUR, SHAPLEY_COLOUR = SKY, BLUE, GREEN  # apart in greyscale too
#: A bar whose interval is wider than the tolerance is hollow: hatched in its kind's colour, S1 and ST apart by the
#: hatch's direction too
HOLLOW = {"S1": (SKY, "\\\\\\"), "ST": (BLUE, "///")}


def sensitivity_figures(result: SensitivityResult, style: Look) -> list[Figure]:
    """The sensitivity figures of ``result``, with captions: ``sensitivity_<target>_indices``, ``..._tornado``
    and ``..._convergence``."""
    figures = []
    for target in result.targets:
        if target.indices is None:
            continue
        key = target.target.key
        inputs = len(target.indices.names)
        figures.append(single_panel(f"sensitivity_{key}_indices", _caption(result, target, "indices"), style,
                                    3.0 + (0.85 + 0.35 * (target.shapley is not None)) * inputs,
                                    functools.partial(_indices, result, target, style)))
        if target.tornado is not None and target.tornado.bars:
            figures.append(single_panel(f"sensitivity_{key}_tornado", _caption(result, target, "tornado"), style,
                                        3.0 + 1.1 * len(target.tornado.bars),
                                        functools.partial(_tornado, result, target, style)))
        if target.target.kind == "output" and len(target.convergence) > 1:  # one N has nothing to converge
            figures.append(multi_panel(f"sensitivity_{key}_convergence", _caption(result, target, "convergence"),
                                       style, 7.0, functools.partial(_convergence, result, target, style), columns=2))
    return figures


def plot_sensitivity(result: SensitivityResult, figures_dir: Path, style: Look | None = None) -> list[str]:
    """Draw the sensitivity figures of ``result`` into ``figures_dir`` (PNG and PDF); return their stems."""
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    return render(sensitivity_figures(result, style or default_look()), figures_dir, style or default_look(), workers=1)


def _name(result: SensitivityResult, name: str, style: Look, width_cm: float = 3.4) -> str:
    """An input's label, wrapped to ``width_cm``."""
    return plain(style.wrap(readable(result.labels.get(name), name), width_cm))


def _what(tr: TargetResult) -> str:
    """The target in a few words, for a title: 'the rank of break-even monthly users' (the caption says the rest)."""
    t = tr.target
    if t.kind == "claim" and t.claim is not None:
        return _("whether “{claim}” holds").format(claim=claim_name(t.claim, t.label, t.unit))
    what = lower_first(readable(t.label, t.output))
    if t.transform == "rank":
        return _("the rank of {what}").format(what=what)
    if t.transform == "log10":
        return _("the log10 of {what}").format(what=what)
    return pgettext("a target in a title", "{what}").format(what=what)


def _indices(result: SensitivityResult, tr: TargetResult, style: Look, ax: matplotlib.axes.Axes) -> Panel:
    ix, sh = tr.indices, tr.shapley
    order = list(np.argsort(ix.ST, kind="stable"))  # largest at the top of a horizontal chart
    if tr.ranking is not None and tr.ranking.by == "shapley":
        order = [ix.names.index(name) for name in reversed(tr.ranking.order)]
    y = np.arange(len(order))
    kinds = [("S1", ix.S1, ix.S1_conf, S1_COLOUR, HOLLOW["S1"], _("S1, first order (alone)")),
             ("ST", ix.ST, ix.ST_conf, ST_COLOUR, HOLLOW["ST"], _("ST, total (with interactions)"))]
    if sh is not None:
        kinds.append(("Shapley", sh.effects, sh.conf, SHAPLEY_COLOUR, (SHAPLEY_COLOUR, "///"),
                      _("Shapley effect (with the priors' correlations)")))
    wide, handles = tr.not_converged, []
    height = 0.76 / len(kinds)
    for k, (kind, values, conf, colour, (hatch_colour, hatch), said) in enumerate(kinds):
        shift = (len(kinds) - 1) / 2 * height - k * height
        bars = ax.barh(y + shift, values[order], height * 0.95, xerr=_clipped_errors(values, conf)[:, order],
                       color=colour, error_kw={"elinewidth": 0.8, "capthick": 0.8})
        for bar, j in zip(bars, order, strict=True):
            if ix.names[j] in wide.get(kind, ()):  # hollow and hatched: its interval is wider than the tolerance
                bar.set(facecolor="white", edgecolor=hatch_colour, hatch=hatch)
        handles.append(Patch(color=colour, label=said))
    labels = [handle.get_label() for handle in handles]
    hollow = [Patch(facecolor="white", edgecolor=HOLLOW[kind][0], hatch=HOLLOW[kind][1]) for kind in ("S1", "ST")
              if wide[kind]]
    if hollow:  # the hollow bars of each kind, as drawn
        handles.append(tuple(hollow))
        labels.append(_("hatched: interval at least {tolerance} wide, not converged").format(
            tolerance=number(tr.tolerance)))
    ax.axvline(0, color="black", lw=0.6)
    ax.set_yticks(y, [_name(result, ix.names[j], style) for j in order])
    format_axis(ax.xaxis)
    ax.set_xlabel(style.wrap(_("Sobol index (share of the target's variance)") if sh is None else
                             _("Sobol index or Shapley effect (share of the target's variance)"), 4.5))
    reach = [float(np.max(values + conf)) for _k, values, conf, *_rest in kinds]
    low = min(float(np.min(values - conf)) for _k, values, conf, *_rest in kinds)
    ax.set_xlim(min(-0.05, low - 0.02), max(1.0, max(reach) + 0.03))
    ax.grid(axis="x", alpha=0.3)
    style.legend(ax, handles, labels, handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)})
    return Panel(plain(_("What drives {what}: Sobol indices, N = {n} ({runs} model runs)").format(
        what=_what(tr), n=whole(ix.base_samples), runs=whole(ix.evaluations))))


def _tornado(result: SensitivityResult, tr: TargetResult, style: Look, ax: matplotlib.axes.Axes) -> Panel:
    tor, t = tr.tornado, tr.target
    bars = list(reversed(tor.bars))  # largest swing at the top
    y = np.arange(len(bars))
    base = tor.baseline
    for k, bar in enumerate(bars):
        for value, colour in ((bar.output_low, LOW), (bar.output_high, HIGH)):
            ax.barh(y[k], value - base, left=base, color=colour, height=0.6)
        for value, capped in ((bar.output_low, bar.capped_low), (bar.output_high, bar.capped_high)):
            if capped:
                ax.annotate(_("never"), (value, y[k]), xytext=(2, 0), textcoords="offset points", ha="left",
                            va="center")
    ax.axvline(base, color=BLACK, lw=1.1)
    handles = [Patch(color=LOW, label=_("input at its p05")), Patch(color=HIGH, label=_("input at its p95")),
               Line2D([], [], color=BLACK, lw=1.1, label=plain(_("every input at its point value: {value}").format(
                   value=compact(base, t.unit))))]
    labels = []
    for bar in bars:
        label, unit = readable(result.labels.get(bar.name), bar.name), result.units.get(bar.name, "")
        ends = span(bar.input_low, bar.input_high, unit)
        if unit and not names_its_unit(label, unit) and "share" not in unit and not unit.startswith("USD"):
            ends = _("{range} {unit}").format(range=ends, unit=_(unit))
        labels.append(plain(f"{style.wrap(label, 3.4)}\n{ends}"))
    ax.set_yticks(y, labels)
    if tor.log_scale:
        ax.set_xscale("log")
    format_axis(ax.xaxis, t.unit)
    ax.set_xlabel(style.wrap(axis_label(readable(t.label, t.output), t.unit), 4.5))
    ax.grid(axis="x", alpha=0.3)
    style.legend(ax, handles)
    return Panel(plain(_("Tornado of {what}: one input at a time from its p05 to its p95, the others at their "
                         "point values").format(what=lower_first(readable(t.label, t.output)))))


def _convergence(result: SensitivityResult, tr: TargetResult, style: Look, fig: matplotlib.figure.Figure) -> None:
    steps, names = tr.convergence, tr.indices.names
    n = np.array([s.base_samples for s in steps])
    left, right = fig.subplots(ncols=2, gridspec_kw={"width_ratios": [3, 2]})
    for j, name in enumerate(names):
        st = np.array([s.ST[j] for s in steps])
        conf = np.array([s.ST_conf[j] for s in steps])
        left.errorbar(n * (1 + 0.03 * (j - len(names) / 2)), st, yerr=conf, marker="o", ms=3, lw=1.0,
                      label=plain(readable(result.labels.get(name), name)))
    left.set_xscale("log", base=2)
    left.set_xticks(n, [whole(v) for v in n])
    left.set_xlabel(_("base sample N"))
    left.set_ylabel(_("total index ST ({level} interval)").format(level=percent(result.spec.conf_level, 0)))
    left.grid(alpha=0.3)
    style.legend(left, loc="center left", bbox_to_anchor=(1.0, 0.5), width_cm=3.5)
    widths = np.array([s.widest_ST[0] for s in steps])
    right.plot(n, widths, marker="o", color=ST_COLOUR, ls="-", label=_("widest ST interval"))
    right.axhline(result.spec.tolerance, color=VERMILLION, ls="--", label=_("tolerance {tolerance}").format(
        tolerance=number(result.spec.tolerance)))
    right.set_xscale("log", base=2)
    right.set_xticks(n, [whole(v) for v in n])
    right.set_xlabel(_("base sample N"))
    right.set_ylabel(_("width of the widest ST interval"))
    right.set_ylim(0, max(float(widths.max()), result.spec.tolerance) * 1.15)
    right.grid(alpha=0.3)
    style.legend(right, loc="upper right", width_cm=3.0)
    verdict = _("converged") if tr.converged else _("not converged at the cap")
    style.title(fig, plain(_("Total indices of {what} as N doubles: {verdict}").format(what=_what(tr),
                                                                                       verdict=verdict)), 2)


def _clipped_errors(values: np.ndarray, conf: np.ndarray) -> np.ndarray:
    """Error bars (2, d) from ``values`` to their intervals' ends clipped to [0, 1]; none where undefined (NaN)."""
    half = np.nan_to_num(conf)
    low = np.clip(values - np.clip(values - half, 0.0, 1.0), 0.0, None)
    high = np.clip(np.clip(values + half, 0.0, 1.0) - values, 0.0, None)
    return np.vstack([low, high])


def _caption(result: SensitivityResult, tr: TargetResult, kind: str) -> str:
    level = percent(result.spec.conf_level, 0)
    what = nested(target_words(tr.target))  # inside the caption's quotation marks
    if kind == "indices":
        caption = _("Sobol first-order (S1) and total (ST) indices of the {what}, with {level} intervals "
                    "({intervals}); an S1 below zero whose interval covers zero is estimation noise around 0.").format(
            what=what, level=level, intervals=result.spec.intervals)
        if tr.indices is not None:
            caption += " " + _("On a Saltelli design of its own: N = {n} base points, {runs} model runs, seed "
                               "{seed}.").format(n=decimal(tr.indices.base_samples),
                                                 runs=decimal(tr.indices.evaluations), seed=result.seed)
        if any(tr.not_converged.values()):
            caption += " " + _("A hollow, hatched bar is not converged: its interval is at least {tolerance} "
                               "wide.").format(tolerance=number(tr.tolerance))
        if tr.shapley is not None:
            ranks = tr.ranking is not None and tr.ranking.by == "shapley"
            caption += " " + _("Beside them, each input's Shapley effect with its {level} interval (16 replicates), "
                               "which takes the priors' correlations in{ranks}.").format(
                level=level, ranks=_(" and ranks the inputs (top to bottom)") if ranks else "")
            caption += " " + _("The Shapley effects are on a sample of their own: {runs} model runs, seed "
                               "{seed}.").format(runs=decimal(tr.shapley.evaluations), seed=result.seed)
        return caption
    if kind == "tornado":
        return _("Tornado of the {what}: each input alone at its p05 and at its p95, the others at their point "
                 "values, bars sorted by swing; the axis is the value at the points.").format(what=what)
    return _("Total indices of the {what} as the base sample N doubles, and the widest {level} interval against "
             "the tolerance; each N a Saltelli design of its own, seed {seed}.").format(what=what, level=level,
                                                                                   seed=result.seed)


def sensitivity_caption(stem: str, result: SensitivityResult) -> str:
    """The caption of the figure written under ``stem``."""
    for tr in result.targets:
        for kind in ("indices", "tornado", "convergence"):
            if stem == f"sensitivity_{tr.target.key}_{kind}":
                return _caption(result, tr, kind)
    return stem
