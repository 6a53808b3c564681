"""The comparison's figures: the focus output by scenario, and each claim's probability by scenario.

Scenarios are shown in the order of the batch's run files, by their titles, the first marked
as the baseline. Each figure is a :class:`~mcsim.report.figures.Figure` that draws itself, its
axes made in a given matplotlib Figure (the report's at its printed size).
"""

from __future__ import annotations

import functools
import inspect

import matplotlib
import matplotlib.axes
import matplotlib.figure
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from mcsim.i18n import _, language, listed
from mcsim.report.figures import Figure, multi_panel
from mcsim.report.style import BAND, CLAIM, MEDIAN, PAPER, Look, axis_label, plain
from mcsim.report.text import claim_names, format_value, french_spaces, reading_words, scenario_title
from mcsim.report.ticks import LogTicks, compact

__all__ = ["claim_words", "comparison_figures"]

# matplotlib 3.10 renamed violinplot's vert=False to orientation="horizontal"
_VIOLIN = inspect.signature(matplotlib.axes.Axes.violinplot).parameters
_HORIZONTAL = {"orientation": "horizontal"} if "orientation" in _VIOLIN else {"vert": False}


def _baseline_marked(titles: list[str], style: Look, width_cm: float) -> list[str]:
    """Scenario titles for an axis, wrapped; the first (the baseline) says so."""
    marked = [_("{title} (baseline)").format(title=t) if k == 0 else t for k, t in enumerate(titles)]
    return [plain(style.wrap(t, width_cm)) for t in marked]


def _row_cm(titles: list[str], style: Look, width_cm: float, least: float) -> float:
    """The height of a scenario's row (journal centimetres): at least ``least``, and room for the tallest of the
    scenarios' titles wrapped to ``width_cm``: a title is the user's, and may take several lines."""
    tallest = max(title.count("\n") + 1 for title in _baseline_marked(titles, style, width_cm))
    return max(least, style.lines_cm(tallest) + 0.3)


def _reading(scenarios, claim: dict, unit: str) -> str:
    """The focus claim's test in the report's language ('at most 6 M'), from the run file of the first scenario that
    has one; else the comparison's data's words (in English, as summary.json's)."""
    spec = next((s.spec for s in scenarios if s.spec is not None), None)
    found = next((c for c in spec.claims if c.name == claim["name"]), None) if spec is not None else None
    return reading_words(found, lambda v: compact(v, unit)) if found is not None else claim["words"]


def _focus_figure(scenarios, data: dict, style: Look, suffix: str = "") -> Figure | None:
    """The focus output by scenario: violins of the kept samples, median and 90 % interval of all, the share never."""
    chosen = data.get("focus")
    if chosen is None:
        return None
    name, claim, published = chosen["output"], chosen["claim"], chosen["published"]
    kept = {s.stem: s.kept.get(name) for s in scenarios}
    log = chosen.get("log_scale", True)
    shown = [row for row in data["scenarios"] if row["outputs"].get(name, {}).get("p50") is not None
             or _positive(kept[row["stem"]], log).size]
    if not shown:
        return None
    said = [_("{label} by scenario, in the order of the batch's run files (the first is the baseline): violins of "
              "each run's kept samples (finite values), the median (dot) and 90 % interval (bar) over all "
              "samples.").format(label=_(chosen["label"]))]
    if claim:
        said.append(_("The dotted line marks the claim's {values}.").format(values=listed(
            format_value(t, chosen["unit"], unit_shown=False) for t in claim["thresholds"])))
    if published:
        said.append(_("The triangle marks the published value ({label}).").format(label=_(published["label"])))
    if chosen.get("infinite_means"):
        said.append(_("At right, the share of samples that is infinite ({meaning}).").format(
            meaning=_(chosen["infinite_means"])))
    said.append(_("A bar ending in an arrow has an infinite p95."))
    caption = " ".join(said)
    row_cm = _row_cm([scenario_title(row) for row in shown], style, 4.0, 1.0)
    return multi_panel(f"{name}_by_scenario{suffix}", caption, style, 2.6 + row_cm * len(shown),
                       functools.partial(_focus, scenarios, data, shown, style), columns=2)


def _positive(values, log: bool = True) -> np.ndarray:
    """The values an axis can show: finite, and positive on a log axis."""
    if values is None:
        return np.array([])
    return values[np.isfinite(values) & (values > 0)] if log else values[np.isfinite(values)]


def _focus(scenarios, data: dict, shown: list[dict], style: Look, fig: matplotlib.figure.Figure) -> None:
    chosen = data["focus"]
    name, claim, published, unit = chosen["output"], chosen["claim"], chosen["published"], chosen["unit"]
    kept = {s.stem: s.kept.get(name) for s in scenarios}
    infinite = bool(chosen.get("infinite_means"))
    log = chosen.get("log_scale", True)  # a log axis only for an output its model draws on one

    def tx(value):
        return np.log10(value) if log else np.asarray(value, dtype=float)

    def shows(value) -> bool:
        return value is not None and (value > 0 if log else np.isfinite(value))

    axes = fig.subplots(ncols=2 if infinite else 1, sharey=True, squeeze=False,
                        gridspec_kw={"width_ratios": [5, 1.3] if infinite else [1]})
    ax = axes[0][0]
    ends = []
    for row in shown:
        o = row["outputs"].get(name, {})
        ends += [v for v in (o.get("p05"), o.get("p50"), o.get("p95")) if shows(v)]
    ends += [t for t in (claim["thresholds"] if claim else []) if shows(t)]
    ends += [published["value"]] if published and shows(published["value"]) else []
    pad = 0.35 if log else 0.06 * ((max(ends) - min(ends)) or abs(max(ends)) or 1.0)
    left, right = float(tx(min(ends))) - pad, float(tx(max(ends))) + pad
    for i, row in enumerate(shown):
        y = len(shown) - 1 - i
        finite = _positive(kept[row["stem"]], log)
        if finite.size > 2:
            # the whole distribution, cut by the axis (not piled at its edge)
            parts = ax.violinplot(tx(finite), positions=[y], widths=0.8, showextrema=False, **_HORIZONTAL)
            for body in parts["bodies"]:
                body.set_facecolor(BAND)
                body.set_alpha(0.6)
        o = row["outputs"].get(name, {})
        if shows(o.get("p05")):
            x1 = float(tx(o["p95"])) if shows(o.get("p95")) else right
            ax.plot([float(tx(o["p05"])), x1], [y, y], color=MEDIAN, ls="-", lw=2.0)
            if o.get("p95") is None:  # an infinite p95: more than 5 % of samples are infinite
                ax.plot(right, y, ">", color=MEDIAN, ms=5, clip_on=False)
        if shows(o.get("p50")):
            ax.plot(float(tx(o["p50"])), y, "o", color=MEDIAN, ms=4.5)
    if len(shown) > 1:
        ax.axhspan(len(shown) - 1.5, len(shown) - 0.5, color="black", alpha=0.05, lw=0)  # the baseline's row
    ax.set_xlim(left, right)
    ax.set_ylim(-0.6, len(shown) - 0.4)
    titles = _baseline_marked([scenario_title(row) for row in shown], style, 4.0)
    ax.set_yticks(range(len(shown)), list(reversed(titles)))
    handles = []
    for k, threshold in enumerate(t for t in (claim["thresholds"] if claim else []) if shows(t)):
        line = ax.axvline(float(tx(threshold)), color=CLAIM, ls=":", lw=1.1)
        if not k:
            line.set_label(plain(_("claim: {words}").format(words=_reading(scenarios, claim, unit))))
            handles.append(line)
    if published and shows(published["value"]):
        top = blended_transform_factory(ax.transData, ax.transAxes)
        handles += ax.plot([float(tx(published["value"]))], [1.0], "v", color=PAPER, ms=6, mec="black", mew=0.5,
                           transform=top, clip_on=False, zorder=5, label=plain(_(published["label"])))
    if log:
        ticks = LogTicks().tick_values(10 ** left, 10 ** right)
        ax.set_xticks(np.log10(ticks), [plain(compact(t, unit)) for t in ticks])
    else:
        ticks = [t for t in MaxNLocator(5).tick_values(left, right) if left <= t <= right]
        ax.set_xticks(ticks, [plain(compact(t, unit)) for t in ticks])
    ax.set_xlabel(style.wrap(axis_label(chosen["label"], unit), 9.0))
    ax.grid(axis="x", alpha=0.3)
    if handles:
        style.legend(ax, handles, ncols=2, width_cm=5.0)
    if infinite:
        never_ax = axes[0][1]
        for i, row in enumerate(shown):
            y = len(shown) - 1 - i
            share = row["outputs"].get(name, {}).get("p_never") or 0.0
            never_ax.barh(y, share, height=0.5, color=PAPER, alpha=0.8)
            inside = share > 0.6
            never_ax.text(share + (-0.03 if inside else 0.03), y, plain(compact(share, "share", 2)),
                          ha="right" if inside else "left", va="center", color="white" if inside else "black")
        never_ax.set_xlim(0, 1)
        never_ax.set_xticks([0, 0.5, 1], [plain(compact(v, "share")) for v in (0, 0.5, 1)])
        never_ax.set_xlabel(style.wrap(plain(_("share infinite: {meaning}").format(
            meaning=_(chosen["infinite_means"]))), 2.6))
        never_ax.tick_params(axis="y", left=False)
    style.title(fig, plain(_("{label} by scenario").format(label=_(chosen["label"]))), 2)


def _claims_figure(data: dict, style: Look, suffix: str = "") -> Figure | None:
    names = claim_names(data["scenarios"])
    if not names:
        return None
    caption = _("Each claim's probability by scenario, in the order of the batch's run files (the first is the "
                "baseline), with its 95 % Wilson interval (often narrower than the dot); filled dots: the claim holds "
                "at the scenario's point values, open: it fails there.")
    rows = -(-len(names) // min(3, len(names)))
    row_cm = _row_cm([scenario_title(s) for s in data["scenarios"]], style, 4.2, 0.8)
    height_cm = rows * (2.0 + row_cm * len(data["scenarios"])) + 1.0
    return multi_panel(f"claims_by_scenario{suffix}", caption, style, height_cm,
                       functools.partial(_claims, data, names, style), columns=2)


def claim_words(data: dict, name: str) -> str:
    """A claim by its words (in French where the run gives them) in the first scenario that has them, else by its
    test (never by its code name where words exist)."""
    for key in (("text_fr", "text") if language() == "fr" else ("text",)):
        for s in data["scenarios"]:
            c = s["claims"].get(name) or {}
            if c.get(key):
                return french_spaces(c[key]) if key == "text_fr" else c[key]
    for s in data["scenarios"]:
        c = s["claims"].get(name) or {}
        if c.get("test"):
            return c["test"]
    return name


def _claims(data: dict, names: list[str], style: Look, fig: matplotlib.figure.Figure) -> None:
    scenarios = data["scenarios"]
    columns = min(3, len(names))
    rows = -(-len(names) // columns)
    axes = fig.subplots(nrows=rows, ncols=columns, sharey=True, sharex=True, squeeze=False)
    ys = np.arange(len(scenarios))[::-1]
    panel_cm = (style.two_column_cm / style.scale - 4.6) / columns
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.set_visible(False)
            continue
        name = names[k]
        for y, s in zip(ys, scenarios, strict=True):
            c = s["claims"].get(name)
            if c is None or c.get("probability") is None:
                continue
            p, (lo, hi) = c["probability"], c["ci95"]
            ax.errorbar(p, y, xerr=[[p - lo], [hi - p]], fmt="o", color=MEDIAN, ms=4, capsize=2,
                        mfc=MEDIAN if c["holds_at_point"] else "white")
        if len(scenarios) > 1:
            ax.axhspan(ys[0] - 0.5, ys[0] + 0.5, color="black", alpha=0.05, lw=0)  # the baseline's row
        ax.axvline(0.5, color="grey", lw=0.6, ls=":")
        ax.set_xlim(-0.04, 1.04)
        ax.set_ylim(-0.6, len(scenarios) - 0.4)
        ax.set_title(plain(style.wrap(claim_words(data, name), panel_cm)), loc="left", fontsize=matplotlib.rcParams[
            "font.size"])
        if k // columns == rows - 1 or k + columns >= len(names):
            ax.set_xlabel(_("P(claim holds)"))
            ax.xaxis.set_tick_params(labelbottom=True)
        ax.grid(axis="x", alpha=0.3)
    for row in axes:
        row[0].set_yticks(ys, _baseline_marked([scenario_title(s) for s in scenarios], style, 4.2))
    handles = [Line2D([], [], ls="none", marker="o", color=MEDIAN, ms=4, label=_("holds at the point values")),
               Line2D([], [], ls="none", marker="o", color=MEDIAN, mfc="white", ms=4,
                      label=_("fails at the point values")),
               Line2D([], [], color=MEDIAN, ls="-", label=_("95 % interval"))]
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    style.title(fig, _("Each claim's probability by scenario"), 2)


def comparison_figures(scenarios, data: dict, style: Look, suffix: str = "") -> dict[str, list[Figure]]:
    """The comparison's figures, undrawn, by the section they follow: the focus output by scenario (``focus``), each
    claim's probability by scenario (``claims``).

    ``data`` holds one model's scenarios; ``suffix`` ends the figures' stems where a batch runs several models.
    """
    found = {"focus": _focus_figure(scenarios, data, style, suffix), "claims": _claims_figure(data, style, suffix)}
    return {key: [figure] for key, figure in found.items() if figure is not None}
