"""The verdict's figures: the 2-D map of the claimed output, and each claim's first failure box."""

from __future__ import annotations

import functools

import matplotlib
import matplotlib.axes
import matplotlib.figure
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.lines import Line2D

from mcsim.i18n import _, listed
from mcsim.report.figures import Figure, Panel, single_panel
from mcsim.report.style import BLACK, FAILS, HOLDS, POINT_MARK, Look, axis_label, claim_name, plain
from mcsim.report.text import format_value, input_label, lower_first, output_label
from mcsim.report.ticks import compact, format_axis, whole
from mcsim.report.verdict import ranked_by_words
from mcsim.result import ClaimResult, ClaimVerdict, Result

__all__ = ["verdict_figures"]


def verdict_figures(result: Result, style: Look) -> list[Figure]:
    """The map and the box figures of ``result.verdict``, with captions."""
    figures = []
    if result.verdict.map is not None:
        figures.append(single_panel(f"map_{result.verdict.map.output}", _map_caption(result), style, 7.4,
                                    functools.partial(_map, result, style)))
    for cv in result.verdict.claims.values():
        box = cv.discovery.boxes[0] if cv.discovery.boxes else None
        if box is not None and box.restrictions:
            figures.append(single_panel(f"box_{cv.claim}", _box_caption(result, cv, box), style, 7.6,
                                        functools.partial(_box, result, cv, box, style)))
    return figures


def _label(result: Result, name: str) -> str:
    prior = result.spec.priors[name]
    return axis_label(input_label(prior), prior.unit)


def _words(result: Result, name: str) -> str:
    """An input's label inside a caption."""
    return lower_first(input_label(result.spec.priors[name]))


def _claim_words(result: Result, c: ClaimResult) -> str:
    out = result.spec.model.output(c.claim.output)
    return claim_name(c.claim, out.label, out.unit)


def _thresholds(result: Result, claim: ClaimResult) -> str:
    """Where a claim flips: 6 M, or 4.5 M and 7.5 M for a two-sided claim (two lines)."""
    unit = result.spec.model.output(claim.claim.output).unit
    return listed(compact(t, unit) for t in claim.claim.thresholds)


def _point_label(result: Result) -> str:
    return _("the priors' point values (the paper's)") if result.spec.published is not None else \
        _("the priors' point values")


def _map_caption(result: Result) -> str:
    verdict = result.verdict
    m = verdict.map
    claim = result.claims[verdict.map_claim] if verdict.map_claim is not None else None
    out = result.spec.model.output(m.output)
    caption = _("{label} over the central 99 % of the priors of the {x} and the {y} (chosen by {how}), the other "
                "inputs at their point values; the star marks the priors' point values").format(
        label=output_label(out), x=_words(result, m.x_name), y=_words(result, m.y_name),
        how=ranked_by_words(verdict.map_chosen_by))
    if claim is not None:
        unit = result.spec.model.output(claim.claim.output).unit
        values = listed(format_value(t, unit, unit_shown=False) for t in claim.claim.thresholds)
        said = (_("; the black lines are at {values}, where the claim “{claim}” flips") if claim.claim.two_sided else
                _("; the black line is at {values}, where the claim “{claim}” flips"))
        caption += said.format(values=values, claim=_claim_words(result, claim))
    if not np.isfinite(m.values).all():
        caption += _("; hatched: never reached")
    return caption + "."


def _map(result: Result, style: Look, ax: matplotlib.axes.Axes) -> Panel:
    verdict = result.verdict
    m = verdict.map
    claim = result.claims[verdict.map_claim] if verdict.map_claim is not None else None
    out = result.spec.model.output(m.output)
    values = np.where(np.isfinite(m.values), m.values, np.nan)
    finite = values[np.isfinite(values) & (values > 0)]
    norm = LogNorm(vmin=finite.min(), vmax=finite.max()) if out.log_scale and finite.size else None
    mesh = ax.pcolormesh(m.x, m.y, values, shading="auto", cmap="viridis_r", norm=norm, rasterized=True)
    if m.x_log:  # the scales first: the contours' labels are placed where they will be seen
        ax.set_xscale("log")
    if m.y_log:
        ax.set_yscale("log")
    never = ~np.isfinite(m.values)
    if never.any():
        ax.contourf(m.x, m.y, never.astype(float), levels=[0.5, 1.5], colors="none", hatches=["///"])
        ax.contour(m.x, m.y, never.astype(float), levels=[0.5], colors="grey", linewidths=0.8)
    bar = ax.figure.colorbar(mesh, ax=ax, pad=0.02)  # beside the axes, in their figure
    format_axis(bar.ax.yaxis, out.unit)
    bar.set_label(style.wrap(axis_label(out.label, out.unit), 6.0))
    handles = []
    levels = [t for t in claim.claim.thresholds if finite.size and finite.min() < t < finite.max()] if claim else []
    if levels:
        # black on the colour map, its labels on a white ground: legible over any colour
        lines = ax.contour(m.x, m.y, values, levels=levels, colors=BLACK, linewidths=1.2)
        for text in ax.clabel(lines, fmt={level: plain(compact(level, out.unit)) for level in levels},
                              inline=True, inline_spacing=2,
                              manual=_inside(ax, lines, (m.points[m.x_name], m.points[m.y_name]))):
            text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.9})
        handles.append(Line2D([], [], color=BLACK, lw=1.2, label=plain(_("claim flips: {values}").format(
            values=_thresholds(result, claim)))))
    ax.plot(m.points[m.x_name], m.points[m.y_name], zorder=5, **POINT_MARK)
    handles.append(Line2D([], [], label=_point_label(result), **POINT_MARK))
    _axes_format(result, ax, m.x_name, m.y_name)
    ax.set_xlabel(style.wrap(_label(result, m.x_name), 6.0))
    ax.set_ylabel(style.wrap(_label(result, m.y_name), 6.0))
    # above the map, not on it: nothing of the map hides under the legend
    style.legend(ax, handles)
    return Panel(plain(_("{label} over the two inputs that matter most").format(label=output_label(out))))


def _axes_format(result: Result, ax, x_name: str, y_name: str) -> None:
    for axis, name in ((ax.xaxis, x_name), (ax.yaxis, y_name)):
        format_axis(axis, result.spec.priors[name].unit)


def _restriction_words(result: Result, r) -> str:
    """A restriction of a box on an input not drawn: 'time a model is in service at least 11.2'."""
    prior = result.spec.priors[r.input]
    said = lambda v: format_value(v, prior.unit)  # noqa: E731
    label = lower_first(input_label(prior))
    if r.restricts_low and r.restricts_high:
        return _("{label} from {low} to {high}").format(label=label, low=said(r.low), high=said(r.high))
    if r.restricts_low:
        return _("{label} at least {low}").format(label=label, low=said(r.low))
    return _("{label} at most {high}").format(label=label, high=said(r.high))


def _box_caption(result: Result, cv: ClaimVerdict, box) -> str:
    x_name, y_name = _axes_of(result, box)
    restricted = listed(_("the {input}").format(input=_words(result, r.input)) for r in box.restrictions)
    said = _("The first {n} samples over the {x} and the {y}, dark where the claim “{claim}” fails (drawn over "
             "those where it holds), with PRIM's first box (it restricts {restricted}; coverage {coverage}, "
             "density {density}); a side the box leaves open is not drawn, and the star marks the priors' point "
             "values.").format(
        n=whole(cv.discovery.samples), x=_words(result, x_name), y=_words(result, y_name),
        claim=_claim_words(result, result.claims[cv.claim]), restricted=restricted,
        coverage=compact(box.coverage, "share", 2), density=compact(box.density, "share", 2))
    hidden = [_restriction_words(result, r) for r in box.restrictions if r.input not in (x_name, y_name)]
    if hidden:
        said += " " + _("The box also restricts inputs the axes do not show: {restrictions}.").format(
            restrictions=listed(hidden))
    return said


def _axes_of(result: Result, box) -> tuple[str, str]:
    ranked = sorted(box.restrictions, key=lambda r: r.quasi_p)
    x_name = ranked[0].input
    others = [n for n in result.spec.priors.uncertain if n != x_name]
    y_name = ranked[1].input if len(ranked) > 1 else (others[0] if others else x_name)
    return x_name, y_name


def _box(result: Result, cv: ClaimVerdict, box, style: Look, ax: matplotlib.axes.Axes) -> Panel:
    spec = result.spec
    inputs, fails = result.kept.inputs, cv.fails
    x_name, y_name = _axes_of(result, box)
    half = style.one_column_cm / style.scale / 2 - 1.0  # a legend column's text, in journal centimetres
    x, y = inputs[x_name], inputs[y_name]
    n_fail = int(fails.sum())
    # the failures on top, larger and opaque: a few among thousands stay visible
    ax.scatter(x[~fails], y[~fails], s=2, color=HOLDS, alpha=0.45, lw=0, rasterized=True)
    ax.scatter(x[fails], y[fails], s=5 if n_fail < 200 else 3, color=FAILS, alpha=0.9 if n_fail < 200 else 0.6,
               lw=0, rasterized=True, zorder=3)
    for name, setter in ((x_name, ax.set_xscale), (y_name, ax.set_yscale)):
        values = inputs[name]
        if values.min() > 0 and values.max() / values.min() > 4:
            setter("log")
    ax.autoscale_view()
    x_lim, y_lim = ax.get_xlim(), ax.get_ylim()
    limits = {r.input: r for r in box.restrictions}
    # only the sides the box restricts: an open side is no edge of the box
    sides = []
    for name, vertical in ((x_name, True), (y_name, False)):
        r = limits.get(name)
        if r is None:
            continue
        for value, restricts in ((r.low, r.restricts_low), (r.high, r.restricts_high)):
            if restricts:
                sides.append((value, vertical))
    box_x = _span(limits.get(x_name), x_lim)
    box_y = _span(limits.get(y_name), y_lim)
    ax.fill_between(box_x, box_y[0], box_y[1], color="black", alpha=0.06, lw=0, zorder=1)
    for value, vertical in sides:
        if vertical:
            ax.plot([value, value], box_y, color=BLACK, ls="-", lw=1.3, zorder=4)
        else:
            ax.plot(box_x, [value, value], color=BLACK, ls="-", lw=1.3, zorder=4)
    ax.set_xlim(x_lim)
    ax.set_ylim(y_lim)
    point = spec.priors[x_name].point, spec.priors[y_name].point
    ax.plot(*point, zorder=5, **POINT_MARK)
    handles = [Line2D([], [], ls="none", marker="o", color=HOLDS, ms=3, label=_("claim holds")),
               Line2D([], [], ls="none", marker="o", color=FAILS, ms=3, label=_("claim fails ({n} of {total})").format(
                   n=whole(n_fail), total=whole(fails.size))),
               Line2D([], [], color=BLACK, lw=1.3, label=_("box 1: coverage {coverage}, density {density}").format(
                   coverage=compact(box.coverage, "share", 2), density=compact(box.density, "share", 2))),
               Line2D([], [], label=_point_label(result), **POINT_MARK)]
    _axes_format(result, ax, x_name, y_name)
    ax.set_xlabel(style.wrap(_label(result, x_name), 7.5))
    ax.set_ylabel(style.wrap(_label(result, y_name), 4.0))
    # in two columns above the samples: at most a quarter of the figure's height
    style.legend(ax, handles, ncols=2, width_cm=half, columnspacing=1.0, handletextpad=0.4)
    return Panel(plain(_("Where “{claim}” fails: PRIM's first box").format(
        claim=_claim_words(result, result.claims[cv.claim]))))


def _inside(ax, lines, avoid: tuple[float, float]) -> list[tuple[float, float]]:
    """Where to label each level's contour: on its longest stretch, a quarter of the way from one end or the
    other, whichever is further from ``avoid`` (the star's place); well inside the frame, where an end would
    put the label across it."""
    ax.autoscale_view()  # the limits the figure will have, not the defaults (they are computed lazily)
    to_axes = ax.transData + ax.transAxes.inverted()
    star = to_axes.transform([avoid])[0]
    places = []
    for path in lines.get_paths():  # one path a level
        pieces = [to_axes.transform(piece) for piece in path.to_polygons(closed_only=False)]
        if not pieces:
            continue
        lengths = [np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(p, axis=0).T))]) for p in pieces]
        k = int(np.argmax([along[-1] for along in lengths]))
        framed, along = pieces[k], lengths[k]
        # between vertices: a contour may be a few long segments
        ends = [np.array([np.interp(at, along, framed[:, 0]), np.interp(at, along, framed[:, 1])])
                for at in (along[-1] / 4, 3 * along[-1] / 4)]
        place = max(ends, key=lambda e: float(np.hypot(*(e - star))))
        places.append(tuple(to_axes.inverted().transform(place)))
    return places


def _span(r, lim: tuple[float, float]) -> list[float]:
    """The box's extent along one axis: its restricted sides, the axis's limits where it is open."""
    low, high = lim
    if r is not None:
        low = r.low if r.restricts_low else low
        high = r.high if r.restricts_high else high
    return [low, high]
