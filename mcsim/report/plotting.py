"""A report's figures drawn onto a reader's own matplotlib axes: :meth:`Run.plot <mcsim.pipeline.Run.plot>` and
:meth:`Run.figures <mcsim.pipeline.Run.figures>`.

A figure is named by its file stem in a written report's ``figures/`` and drawn by the same function as the
report's (:mod:`mcsim.report.figures`), in the report's style and language. A single-panel figure goes onto a
given Axes; a multi-panel one into a given matplotlib Figure (or SubFigure). Within the call the report's style
(and the caller's overrides of it) is in force; after it the caller's rcParams are as they were, and the backend
too (a new figure is pyplot's only where the caller imported pyplot: it picks the backend as any pyplot figure
does).
"""

from __future__ import annotations

import itertools
import sys
import textwrap
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.font_manager import FontProperties

from mcsim.errors import McsimError, did_you_mean
from mcsim.i18n import speaking
from mcsim.report.figures import Figure, framed
from mcsim.report.sections import plan_figures
from mcsim.report.style import look
from mcsim.report.ticks import LogTicks
from mcsim.result import Result

if TYPE_CHECKING:
    import matplotlib.axes
    import matplotlib.figure

__all__ = ["FigureInfo", "PlotError", "available", "plot"]


class PlotError(McsimError, ValueError):
    """A figure the report has none of, axes for a figure of several panels (or a figure for one of one panel),
    or a style that is no rcParam."""


@dataclass(frozen=True)
class FigureInfo:
    """A figure :func:`plot` can draw: its name (the file stem in ``figures/``), its caption in the run's language,
    and its panels (``"single"``: drawn onto an Axes, ``ax=``; ``"multi"``: into a Figure, ``fig=``)."""

    name: str
    caption: str
    panels: str


def _planned(result: Result) -> dict[str, Figure]:
    with speaking(result.spec.lang):
        return {f.stem: f for group in plan_figures(result).values() for f in group if f.panel is not None}


def available(result: Result) -> dict[str, FigureInfo]:
    """The figures of ``result``'s report, by name, in the report's order: what :func:`plot` draws."""
    return {name: FigureInfo(name, f.caption, "multi" if f.multi else "single") for name, f in _planned(result).items()}


def _names(figures: dict[str, Figure]) -> str:
    single = [n for n, f in figures.items() if not f.multi]
    multi = [n for n, f in figures.items() if f.multi]
    said = f"single-panel (ax=): {', '.join(single) or 'none'}"
    return said + (f"; multi-panel (fig=): {', '.join(multi)}" if multi else "")


def _rc(style: dict[str, Any]) -> dict[str, Any]:
    """``style``'s rcParams by their names; a name may spell its dots as underscores (``font_size``)."""
    known = matplotlib.rcParams
    by_underscores = {key.replace(".", "_"): key for key in known}
    found, unknown = {}, []
    for key, value in style.items():
        name = key if key in known else by_underscores.get(key)
        if name == "backend":  # matplotlib's style contexts leave it set: it would outlast the call
            raise PlotError("the backend is not a style: choose it before plotting (the MPLBACKEND environment "
                            "variable, or pyplot.switch_backend)")
        if name is None:
            unknown.append(f"{key!r}{did_you_mean(key, known)}")
        else:
            found[name] = value
    if unknown:
        raise PlotError(f"not a matplotlib rcParam: {', '.join(unknown)}")
    return found


def plot(result: Result, name: str, ax: matplotlib.axes.Axes | None = None, *,
         fig: matplotlib.figure.Figure | None = None, **style: Any):
    """Draw the report's figure ``name`` onto ``ax`` (single-panel) or into ``fig`` (multi-panel).

    Parameters
    ----------
    result : Result
        The run.
    name : str
        The figure's file stem in the report's ``figures/`` (``"break_even_users_distribution"``); see
        :func:`available`.
    ax : matplotlib Axes, optional
        For a single-panel figure: the axes to draw on. Without it, a new figure at the report's size (a pyplot
        figure where pyplot is imported) with the report's title. On given axes the title is left to the caller,
        and a legend the report puts beneath the figure goes above the axes, as the others do; on axes smaller than the
        report's a legend too big for above them goes inside them, axis labels wrap and log ticks thin.
    fig : matplotlib Figure or SubFigure, optional
        For a multi-panel figure: the (empty) figure to draw into, title included. Without it, a new one.
    **style
        rcParams that override the report's style for this call (``**{"font.size": 12}``, or ``font_size=12``).

    Returns
    -------
    Axes or Figure
        The axes drawn on (single-panel), or the figure drawn into (multi-panel).

    Raises
    ------
    PlotError
        A ``ValueError``: for a name the report has no figure of, ``ax=`` with a multi-panel figure or ``fig=``
        with a single-panel one, or a name in ``style`` that is no rcParam; the message lists the figures.
    """
    figures = _planned(result)
    figure = figures.get(name)
    if figure is None:
        raise PlotError(f"no figure {name!r} in this run's report{did_you_mean(str(name), figures)}\n"
                        f"its figures: {_names(figures)}")
    if figure.multi and ax is not None:
        raise PlotError(f"the figure {name!r} has several panels: give it a matplotlib Figure (fig=), not axes "
                        f"(ax=)\nthis run's figures: {_names(figures)}")
    if not figure.multi and fig is not None:
        raise PlotError(f"the figure {name!r} has one panel: give it axes (ax=), not a figure (fig=)\nthis "
                        f"run's figures: {_names(figures)}")
    rc = _rc(style)
    drawn_in = look(result.spec.figures)
    with speaking(result.spec.lang), drawn_in.context(), matplotlib.rc_context(rc):
        if figure.multi:
            fig = _new(drawn_in, figure) if fig is None else fig
            before = set(fig.axes)
            figure.panel(fig)
            _styled_now([a for a in fig.axes if a not in before])
            return fig
        if ax is None:
            new = _new(drawn_in, figure)
            ax = new.subplots()
            framed(new, figure.panel(ax), drawn_in)
            _styled_now(new.axes)
            return ax
        before = set(ax.figure.axes)
        drawn = figure.panel(ax)
        if drawn.beneath is not None:
            drawn_in.legend(ax, *drawn.beneath, ncols=2, width_cm=3.6)
        added = [ax, *(a for a in ax.figure.axes if a not in before)]  # a colour bar's too
        _styled_now(added)
        _fitted(ax, added, drawn_in)
        return ax


#: The room between two tick labels side by side, in points.
GAP_PT = 2.0


def _fitted(ax, added, drawn_in) -> None:
    """Fit what was drawn to a reader's axes, which may be smaller than the report's: a legend above them that is
    wider than they are, or taller than a third of them, goes inside them where it hides least ("best") in one
    column if it takes at most a third of them, else stays above them in one column; the axis labels are wrapped
    to the axes' width and height; a log axis whose tick labels touch labels fewer decades. Measured on the figure
    laid out (by the caller's layout engine, if any)."""
    fig = ax.figure
    cm = 2.54 / fig.dpi
    legend = ax.get_legend()
    if legend is not None and legend.get_bbox_to_anchor() is not ax.bbox:
        legend.set_visible(False)
        width, height = _laid_out(ax)
        extent = legend.get_window_extent()
        if extent.width > width or extent.height > height / 3:  # a legend is laid out when made: made again
            labels = [text.get_text().replace("\n", " ") for text in legend.get_texts()]
            inside = drawn_in.legend(ax, legend.legend_handles, labels, loc="best", ncols=1,
                                     width_cm=max(0.5 * width * cm, 2.0))
            box = _placed(inside, ax)
            if box.width * box.height > width * height / 3:
                drawn_in.legend(ax, legend.legend_handles, labels, ncols=1, width_cm=max(0.8 * width * cm, 2.0))
        else:
            legend.set_visible(True)
    width, height = _laid_out(ax)
    for axis, room in ((ax.xaxis, width), (ax.yaxis, height)):
        _wrapped(axis.label, room)
    for axis in (a for axes in added for a in (axes.xaxis, axes.yaxis)):
        locator = axis.get_major_locator()
        if not isinstance(locator, LogTicks):
            continue
        for _ in range(4):
            _laid_out(ax)
            labels = [label for label in axis.get_ticklabels() if label.get_visible() and label.get_text()]
            if not _crowded(labels, axis is axis.axes.xaxis, GAP_PT * fig.dpi / 72):
                break
            locator.most = max(len(labels) - 1, 2)


def _placed(legend, ax):
    """Where ``legend`` at ``loc="best"`` went (its box in pixels), kept there: matplotlib seeks the best place
    again at every draw, along every point of every scatter, seconds for a figure of a few thousand samples."""
    _laid_out(ax)
    box = legend.get_window_extent()
    axes = ax.get_window_extent()
    x, y = ((box.x0 + box.x1) / 2 - axes.x0) / axes.width, ((box.y0 + box.y1) / 2 - axes.y0) / axes.height
    row = "upper" if y > 2 / 3 else "lower" if y < 1 / 3 else "center"
    column = "right" if x > 2 / 3 else "left" if x < 1 / 3 else "center"
    legend.set_loc("center" if row == column == "center" else f"{row} {column}")
    return box


def _wrapped(text, room: float) -> None:
    """Break ``text`` (a matplotlib Text) into lines no longer than ``room`` pixels, as far as its words allow."""
    said = text.get_text().replace("\n", " ")
    for chars in range(len(said) - 1, 7, -1):
        if text.get_window_extent().width <= room:
            return
        text.set_text(textwrap.fill(said, chars, break_on_hyphens=False))


def _laid_out(ax) -> tuple[float, float]:
    """The width and height of ``ax`` in pixels once its figure is laid out (a layout that cannot be done yet, for
    what is still to be fitted, warns of nothing here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ax.figure.draw_without_rendering()
    box = ax.get_window_extent()
    return box.width, box.height


def _crowded(labels, across: bool, gap: float) -> bool:
    """Whether two neighbouring tick labels overlap or stand nearer than ``gap`` pixels (side by side ``across``,
    else one above the other)."""
    boxes = sorted((label.get_window_extent() for label in labels), key=lambda b: b.x0 if across else b.y0)
    return any((b.x0 < a.x1 + gap) if across else (b.y0 < a.y1 + gap) for a, b in itertools.pairwise(boxes))


def _new(drawn_in, figure: Figure) -> matplotlib.figure.Figure:
    """A new figure at ``figure``'s printed size, in the current style: pyplot's where the caller imported pyplot
    (a notebook shows it, ``plt.show()`` too), else one drawn by Agg."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return drawn_in.blank(figure.columns, figure.height_cm)
    return pyplot.figure(figsize=drawn_in.size(figure.columns, figure.height_cm))


def _styled_now(axes) -> None:
    """Make the axes' ticks now, and give their axis labels the style in force: matplotlib makes the ticks when the
    figure is first drawn, after the call, in the caller's rcParams (later ticks copy the first's size, width and
    font), and an axis label's font when the axes are made, before it."""
    rc = matplotlib.rcParams
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            axis.reset_ticks()
            axis.get_major_ticks(1)
            axis.get_minor_ticks(1)
            axis.label.set_fontproperties(FontProperties(size=rc["axes.labelsize"], weight=rc["axes.labelweight"]))
            axis.label.set_color(rc["axes.labelcolor"])
            axis.labelpad = rc["axes.labelpad"]
