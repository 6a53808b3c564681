"""The verdict's figures: the 2-D map of the claimed output, and each claim's first failure box."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from mcsim.report.figures import CLAIM, REFERENCE, Figure, format_count, save
from mcsim.report.text import count, format_value, lower_first
from mcsim.report.verdict import ranked_by_words
from mcsim.result import ClaimResult, ClaimVerdict, Result

__all__ = ["plot_verdict"]


def plot_verdict(result: Result, directory: Path) -> list[Figure]:
    """Draw the map and the box figures of ``result.verdict`` into ``directory``; return them with captions."""
    figures = []
    if result.verdict.map is not None:
        figures.append(_map(result, directory))
    for cv in result.verdict.claims.values():
        box = cv.discovery.boxes[0] if cv.discovery.boxes else None
        if box is not None and box.restrictions:
            figures.append(_box(result, cv, box, directory))
    return figures


def _label(result: Result, name: str) -> str:
    prior = result.spec.priors[name]
    return f"{prior.label or name} ({prior.unit})" if prior.unit else (prior.label or name)


def _words(result: Result, name: str) -> str:
    """An input's label inside a caption."""
    return lower_first(result.spec.priors[name].label or name)


def _claim_words(c) -> str:
    return c.claim.text or c.claim.name


def _formatter(result: Result, name: str) -> FuncFormatter:
    unit = result.spec.priors[name].unit
    return FuncFormatter(lambda x, _pos=None: format_value(x, unit) if "share" in unit else format_count(x))


def _axes_format(result: Result, ax, x_name: str, y_name: str) -> None:
    """Tick labels in the inputs' units; on log axes, labelled ticks at 1, 2 and 5 of each decade."""
    for axis, name in ((ax.xaxis, x_name), (ax.yaxis, y_name)):
        if axis.get_scale() == "log":
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            axis.set_minor_formatter(NullFormatter())
        axis.set_major_formatter(_formatter(result, name))


def _map(result: Result, directory: Path) -> Figure:
    verdict = result.verdict
    m = verdict.map
    claim = result.claims[verdict.map_claim] if verdict.map_claim is not None else None
    out = result.spec.model.output(m.output)
    fig, ax = plt.subplots(figsize=(7, 5.2))
    values = np.where(np.isfinite(m.values), m.values, np.nan)
    finite = values[np.isfinite(values) & (values > 0)]
    norm = LogNorm(vmin=finite.min(), vmax=finite.max()) if out.log_scale and finite.size else None
    mesh = ax.pcolormesh(m.x, m.y, values, shading="auto", cmap="viridis_r", norm=norm, rasterized=True)
    never = ~np.isfinite(m.values)
    if never.any():
        ax.contourf(m.x, m.y, never.astype(float), levels=[0.5, 1.5], colors="none", hatches=["///"])
        ax.contour(m.x, m.y, never.astype(float), levels=[0.5], colors="grey", linewidths=0.8)
    bar = fig.colorbar(mesh, ax=ax, format=FuncFormatter(format_count))
    bar.set_label(f"{out.label} ({out.unit})")
    levels = [t for t in claim.claim.thresholds if finite.size and finite.min() < t < finite.max()] if claim else []
    if levels:
        lines = ax.contour(m.x, m.y, values, levels=levels, colors=CLAIM, linewidths=2)
        ax.clabel(lines, fmt={level: format_count(level) for level in levels}, fontsize=8)
    ax.plot(m.points[m.x_name], m.points[m.y_name], "o", color=REFERENCE, ms=6, label="the priors' point values")
    if m.x_log:
        ax.set_xscale("log")
    if m.y_log:
        ax.set_yscale("log")
    _axes_format(result, ax, m.x_name, m.y_name)
    ax.set_xlabel(_label(result, m.x_name))
    ax.set_ylabel(_label(result, m.y_name))
    title = f"{out.label} over the two inputs that matter most"
    if claim is not None:
        title += f"\n{'lines' if claim.claim.two_sided else 'line'}: {_thresholds(claim)} ({claim.claim.name})"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    stem = f"map_{m.output}"
    save(fig, directory, stem)
    caption = (f"{out.label} over the central 99 % of the priors of the {_words(result, m.x_name)} and the "
               f"{_words(result, m.y_name)} (chosen by {ranked_by_words(verdict.map_chosen_by)}), the other inputs at "
               "their point values"
               + (f"; the orange {'lines are at' if claim.claim.two_sided else 'line is at'} {_thresholds(claim)}, "
                  f"where the claim “{_claim_words(claim)}” flips"
                  if claim is not None else "")
               + ("; hatched: never reached" if never.any() else "") + ".")
    return Figure(stem, caption)


def _thresholds(claim: ClaimResult) -> str:
    """Where a claim flips, for the map: 6M, or 4.5M and 7.5M for a two-sided claim (two lines)."""
    return " and ".join(count(t) for t in claim.claim.thresholds)


def _box(result: Result, cv: ClaimVerdict, box, directory: Path) -> Figure:
    spec = result.spec
    inputs, fails = result.kept.inputs, cv.fails
    ranked = sorted(box.restrictions, key=lambda r: r.quasi_p)
    x_name = ranked[0].input
    others = [n for n in spec.priors.uncertain if n != x_name]
    y_name = ranked[1].input if len(ranked) > 1 else (others[0] if others else x_name)
    fig, ax = plt.subplots(figsize=(6.5, 5))
    x, y = inputs[x_name], inputs[y_name]
    ax.scatter(x[~fails], y[~fails], s=4, color="#6baed6", alpha=0.5, label="claim holds",
               rasterized=True)
    ax.scatter(x[fails], y[fails], s=4, color="#d62728", alpha=0.4, label="claim fails", rasterized=True)
    limits = {r.input: (r.low, r.high) for r in box.restrictions}
    x0, x1 = limits.get(x_name, (x.min(), x.max()))
    y0, y1 = limits.get(y_name, (y.min(), y.max()))
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="black", lw=1.8, label="box 1"))
    for name, setter in ((x_name, ax.set_xscale), (y_name, ax.set_yscale)):
        values = inputs[name]
        if values.min() > 0 and values.max() / values.min() > 4:
            setter("log")
    _axes_format(result, ax, x_name, y_name)
    ax.set_xlabel(_label(result, x_name))
    ax.set_ylabel(_label(result, y_name))
    ax.set_title(f"Where '{cv.claim}' fails: box 1 (coverage {box.coverage:.0%}, density "
                 f"{box.density:.0%})", fontsize=10)
    ax.legend(fontsize=8, loc="best", markerscale=3)
    stem = f"box_{cv.claim}"
    save(fig, directory, stem)
    restricted = ", ".join(_words(result, r.input) for r in box.restrictions)
    caption = (f"The first {cv.discovery.samples:,} samples over the {_words(result, x_name)} and the "
               f"{_words(result, y_name)}, red where the claim “{_claim_words(result.claims[cv.claim])}” fails, with "
               f"PRIM's first box (it restricts the {restricted}; coverage {box.coverage:.0%}, density "
               f"{box.density:.0%}). Restrictions on inputs not drawn here also apply.")
    return Figure(stem, caption)
