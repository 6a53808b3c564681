"""The run's figures: each one a :class:`Figure` that draws itself, saved as PNG and PDF by :func:`save`.

A single-panel figure is drawn by a function onto a given matplotlib Axes (a multi-panel one,
into a given matplotlib Figure); the report's ``draw()`` makes the figure at its printed size
and calls that same function, and so does :func:`mcsim.report.plotting.plot` on a reader's own
axes. What :mod:`mcsim.report.rendering` writes, and what :mod:`mcsim.report.figure_check`
checks, is the same figure. Sizes, fonts and colours come from the report's
:class:`~mcsim.report.style.Look`.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import matplotlib.axes
import matplotlib.figure
import numpy as np
from matplotlib.transforms import blended_transform_factory

from mcsim.i18n import _
from mcsim.report.style import BAND, CLAIM, MEDIAN, PAPER, Look, axis_label, plain
from mcsim.report.text import (
    estimate,
    grid_against,
    grid_axis,
    grid_column,
    grid_point,
    headline_outputs,
    lower_first,
    output_label,
    reading_words,
)
from mcsim.report.ticks import compact, format_axis, span, whole
from mcsim.result import Result

__all__ = ["Figure", "Panel", "framed", "multi_panel", "run_figures", "save", "single_panel"]


@dataclass(frozen=True)
class Panel:
    """What drawing a single panel leaves to the figure around it: its title, and a legend for beneath the axes.

    ``beneath`` holds the handles and labels (unwrapped) of a legend the report puts under the axes, across the
    figure; on a reader's own axes it goes above them, as the other figures' legends do.
    """

    title: str
    columns: int = 1
    beneath: tuple[list, list] | None = None


@dataclass(frozen=True)
class Figure:
    """A figure of the report: its file name without extension (in ``figures/``), caption, and how to draw it.

    ``draw()`` returns the matplotlib figure, laid out and unsaved; call it within the report's
    look (:meth:`~mcsim.report.style.Look.context`). ``panel`` draws the same figure elsewhere: a
    single-panel figure's onto a given Axes (returning its :class:`Panel`), a multi-panel one's
    (``multi``) into a given matplotlib Figure; ``columns`` and ``height_cm`` are its printed size
    (journal centimetres, see :meth:`~mcsim.report.style.Look.figure`).
    """

    stem: str
    caption: str
    draw: Callable[[], matplotlib.figure.Figure] | None = field(default=None, compare=False, repr=False)
    panel: Callable[[object], Panel | None] | None = field(default=None, compare=False, repr=False)
    multi: bool = field(default=False, compare=False)
    columns: int = field(default=1, compare=False)
    height_cm: float = field(default=6.0, compare=False)


def single_panel(stem: str, caption: str, look: Look, height_cm: float, panel: Callable[[matplotlib.axes.Axes], Panel],
                 columns: int = 1) -> Figure:
    """A figure of one panel: ``panel(ax)`` draws it onto ``ax``; the report's figure is ``columns`` wide and
    ``height_cm`` high, titled as ``panel`` says."""
    return Figure(stem, caption, functools.partial(_one_panel, look, columns, height_cm, panel), panel,
                  columns=columns, height_cm=height_cm)


def multi_panel(stem: str, caption: str, look: Look, height_cm: float,
                panel: Callable[[matplotlib.figure.Figure], None], columns: int = 1) -> Figure:
    """A figure of several panels: ``panel(fig)`` makes its axes in ``fig`` and draws them, title included."""
    return Figure(stem, caption, functools.partial(_panels, look, columns, height_cm, panel), panel, multi=True,
                  columns=columns, height_cm=height_cm)


def _one_panel(look: Look, columns: int, height_cm: float, panel) -> matplotlib.figure.Figure:
    fig, ax = look.figure(columns, height_cm)
    framed(fig, panel(ax), look)
    return fig


def _panels(look: Look, columns: int, height_cm: float, panel) -> matplotlib.figure.Figure:
    fig = look.blank(columns, height_cm)
    panel(fig)
    return fig


def framed(fig, drawn: Panel, look: Look) -> None:
    """Give ``fig``, a figure of one panel, what the panel left to it: its title, and the legend beneath."""
    look.title(fig, drawn.title, drawn.columns)
    if drawn.beneath is not None:
        # under the axes and their labels, in two columns across the figure
        handles, labels = drawn.beneath
        column = look.width_cm(drawn.columns) / look.scale / 2 - 1.2
        fig.legend(handles, [look.wrap(label, column) for label in labels], loc="outside lower center", ncols=2)


def save(fig: matplotlib.figure.Figure, directory: Path, stem: str) -> str:
    """Save ``fig`` as PNG and PDF at its own size, in the current style; return ``stem``.

    The PDF has no creation date (the same run gives the same file) and embeds TrueType (Type 42)
    fonts, not the Type 3 fonts journals' checks often refuse; the PNG's resolution, and that of
    any rasterised layer of the PDF, is the style's ``savefig.dpi``.
    """
    for extension in ("png", "pdf"):
        with matplotlib.rc_context({"pdf.fonttype": 42}), _lean_font_subsets():
            fig.savefig(Path(directory) / f"{stem}.{extension}",
                        metadata={"CreationDate": None} if extension == "pdf" else None)
        with matplotlib.rc_context({"figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)  # laid out once, for the PNG: the PDF keeps its positions, drawn once
    return stem


# a PDF places every glyph itself: the embedded font's OpenType layout tables (ligatures, kerning
# and positioning rules) are never read, and parsing them to subset them was half a report's PDF time
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern")


class _LeanSubset:
    """``fontTools.subset`` whose options drop the layout tables (see :func:`_lean_font_subsets`)."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    def Options(self, *args, **kwargs):
        options = self._module.Options(*args, **kwargs)
        options.drop_tables += [tag for tag in _LAYOUT_TABLES if tag not in options.drop_tables]
        return options

    def load_font(self, font_file, options, *args, **kwargs):
        """The font, less the layout tables ``options`` drop: fontTools would otherwise read them (to convert
        their formats) before it drops them."""
        font = self._module.load_font(font_file, options, *args, **kwargs)
        for tag in _LAYOUT_TABLES:
            if tag in options.drop_tables and tag in font:
                del font[tag]
        return font


# the characters a report's figures draw (Latin, Greek, punctuation, currency signs, arrows, mathematical
# signs and the ligatures ff, fi, fl...): each font is subset to their glyphs once in a process, and each
# figure's subset is taken from that
_COMMON_CHARACTERS = (range(0x20, 0x7F), range(0xA0, 0x180), range(0x370, 0x400), range(0x2000, 0x20D0),
                      range(0x2100, 0x2300), range(0xFB00, 0xFB07))
_COMMON_SUBSETS: dict[tuple[str, int], tuple[bytes, frozenset[int], dict[int, int]]] = {}


class _FontBytes(io.BytesIO):
    """A font file in memory, where matplotlib expects the path of a font file's face."""

    face_index = 0


def _common_subset(whole: Callable, fontfile) -> tuple[bytes, frozenset[int], dict[int, int]]:
    """``fontfile`` subset by ``whole`` (matplotlib's subsetting) to the glyphs of :data:`_COMMON_CHARACTERS`:
    the font's bytes, the glyphs asked for and every glyph's index in it by its index in ``fontfile``."""
    key = (str(fontfile), getattr(fontfile, "face_index", 0))
    if key not in _COMMON_SUBSETS:
        from matplotlib.backends import _backend_pdf_ps as pdf_ps
        from matplotlib.font_manager import get_font

        asked = frozenset(int(glyph) for code, glyph in get_font(fontfile).get_charmap().items()
                          if any(code in characters for characters in _COMMON_CHARACTERS))
        with whole(fontfile, set(asked)) as found:
            _COMMON_SUBSETS[key] = (pdf_ps.font_as_file(found.font).getvalue(), asked, dict(found.glyph_index_map))
    return _COMMON_SUBSETS[key]


def _from_common_subsets(whole: Callable) -> Callable:
    """matplotlib's ``get_glyphs_subset`` (``whole``), taking each subset from the font's common subset.

    The font a PDF embeds is then the very one ``whole`` makes from the font file (every glyph asked
    for is one the common subset was asked for, so its outline, metrics, name and every character
    that maps to it are there; tests/test_figure_fonts.py), but from a font of some hundreds of glyphs
    rather than thousands, read once. Glyphs beyond the common ones are subset from the font file.
    """
    def get_glyphs_subset(fontfile, glyphs):
        glyphs = {int(glyph) for glyph in glyphs}
        data, asked, index = _common_subset(whole, fontfile)
        if not glyphs <= asked:
            return whole(fontfile, glyphs)
        back = {new: old for old, new in index.items()}

        @contextlib.contextmanager
        def subset():
            with whole(_FontBytes(data), {index[glyph] for glyph in glyphs}) as found:
                yield found._replace(glyph_index_map={back[new]: newer
                                                      for new, newer in found.glyph_index_map.items()})

        return subset()

    return get_glyphs_subset


def prepare_pdf_fonts() -> None:
    """Load the PDF backend and subset the current style's font to the common characters now
    (:func:`_from_common_subsets`): worker processes forked after this inherit both, rather than each
    doing it again."""
    from matplotlib import font_manager
    from matplotlib.backends import _backend_pdf_ps as pdf_ps
    from matplotlib.backends import backend_pdf  # noqa: F401 (loaded for the workers)

    if not hasattr(pdf_ps, "SubsetResults"):
        return
    file = font_manager.findfont(font_manager.FontProperties())
    path = font_manager.FontPath(file, 0) if hasattr(font_manager, "FontPath") and not hasattr(file, "face_index") \
        else file
    whole = pdf_ps.get_glyphs_subset  # matplotlib's own: the block below puts the common subsets' in its place
    with _lean_font_subsets():
        _common_subset(whole, path)


@contextlib.contextmanager
def _lean_font_subsets() -> Iterator[None]:
    """Within the block, the TrueType fonts matplotlib embeds in a PDF are subset without their layout tables,
    from a common subset of each font read once (:func:`_from_common_subsets`).

    The glyphs' outlines, metrics, names and character map are those matplotlib embeds otherwise
    (tests/test_figure_fonts.py); a matplotlib that does not subset through ``fontTools.subset`` is left as it is.
    """
    try:
        from matplotlib.backends import _backend_pdf_ps as pdf_ps
    except ImportError:  # pragma: no cover (a matplotlib laid out otherwise)
        yield
        return
    module = getattr(pdf_ps, "subset", None)
    if module is None or not hasattr(module, "Options") or isinstance(module, _LeanSubset):
        yield
        return
    whole = pdf_ps.get_glyphs_subset
    pdf_ps.subset = _LeanSubset(module)
    if hasattr(pdf_ps, "SubsetResults"):  # subsets by glyph index (matplotlib 3.11 on)
        pdf_ps.get_glyphs_subset = _from_common_subsets(whole)
    try:
        yield
    finally:
        pdf_ps.subset = module
        pdf_ps.get_glyphs_subset = whole


def run_figures(result: Result, look: Look) -> list[Figure]:
    """The figures of the run's outputs: each headline output's distribution, each per-user output's fan."""
    figures = []
    shown = headline_outputs(result.spec)
    for out in result.spec.model.outputs:
        if out.per_user:
            figures.append(_fan_figure(result, out, look))
            if out.share_positive:
                figures.append(_share_figure(result, out, look))
        elif out.name in shown:
            figures.append(_distribution_figure(result, out, look))
    return figures


# --- distributions ------------------------------------------------------------------------------

def _distribution_figure(result: Result, out, look: Look) -> Figure:
    n, stats = result.samples, result.outputs[out.name]
    reference = result.spec.published.value(out.name) if result.spec.published is not None else None
    never = float(stats.p_never) if stats.p_never is not None else 0.0
    caption = _("Distribution of {what} over {n} samples, with its median and 90 % interval").format(
        what=lower_first(output_label(out)), n=whole(n))
    if reference is not None:
        caption += _("; the triangle marks {reference}").format(reference=_(reference[1]))
    if never:
        caption += _(". {share} of samples are infinite ({meaning}) and not drawn").format(
            share=compact(never, "share", 2), meaning=_(out.infinite_means or ""))
    caption += _(". The axis spans the central 99.8 % of finite values; the hatched end bins hold the values "
                 "beyond it.")
    return single_panel(f"{out.name}_distribution", caption, look, 7.2,
                        functools.partial(_distribution, result, out, look))


def _distribution(result: Result, out, look: Look, ax: matplotlib.axes.Axes) -> Panel:
    n, stats = result.samples, result.outputs[out.name]
    histogram = result.histograms.get(out.name)
    if histogram is not None and np.sum(histogram.counts):
        if histogram.log:
            ax.set_xscale("log")
        shares = histogram.counts / n
        edges = histogram.edges
        ax.hist(edges[1:-2], bins=edges[1:-1], weights=shares[1:-1], color=BAND, edgecolor="none",
                label=_("share of samples"))
        # the end bins also hold every value beyond the axis: hatched, so that they do not read as spikes
        ax.bar([edges[0], edges[-2]], [shares[0], shares[-1]], width=[edges[1] - edges[0], edges[-1] - edges[-2]],
               align="edge", color="white", edgecolor=BAND, hatch="/////", linewidth=0.6,
               label=_("end bins: with the values beyond the axis"))
    p05, p50, p95 = float(stats.p05), float(stats.p50), float(stats.p95)
    if np.isfinite(p05) and np.isfinite(p95):
        ax.axvspan(p05, p95, color=MEDIAN, alpha=0.08, lw=0,
                   label=_("90 % interval: {span}").format(span=plain(span(p05, p95, out.unit))))
    if np.isfinite(p50):
        ax.axvline(p50, color=MEDIAN, lw=1.4, label=_("median: {value}").format(value=plain(compact(p50, out.unit))))
    for claim in result.claims.values():
        if claim.claim.output == out.name and claim.claim.reading_of is None:  # a reading's lines would crowd it
            words = reading_words(claim.claim, lambda v: compact(v, out.unit))
            p = estimate(claim.probability, claim.ci95)[0]  # to the decimals its interval allows, as in the text
            for k, threshold in enumerate(claim.claim.thresholds):
                ax.axvline(threshold, color=CLAIM, lw=1.1, ls=":", label=None if k else plain(
                    _("claim: {words} (P = {p})").format(words=words, p=p).replace("P = ", "P\u00a0=\u00a0")))
    reference = result.spec.published.value(out.name) if result.spec.published is not None else None
    if reference is not None:
        # a marker on the top edge, not a line: it stays visible where it coincides with the claim's line
        top = blended_transform_factory(ax.transData, ax.transAxes)
        ax.plot([reference[0]], [1.0], "v", color=PAPER, ms=6, mec="black", mew=0.5, transform=top,
                clip_on=False, zorder=5, label=plain(_(reference[1])))
    ax.set_ylim(0, None)
    format_axis(ax.xaxis, out.unit)
    format_axis(ax.yaxis, "share")
    ax.set_xlabel(look.wrap(axis_label(out.label, out.unit), 7.5))
    ax.set_ylabel(_("share of samples"))
    never = float(stats.p_never) if stats.p_never is not None else 0.0
    title = _("{label}: {n} samples").format(label=output_label(out), n=whole(n))
    if never > 0:
        title += _("; {share} infinite ({meaning})").format(share=compact(never, "share", 2),
                                                           meaning=_(out.infinite_means or ""))
    look.legend(ax, ncols=2, width_cm=3.6)
    return Panel(plain(title))


# --- fans over the users grid -------------------------------------------------------------------

def _fan_figure(result: Result, out, look: Look) -> Figure:
    curves = result.curves
    grid = result.spec.grid
    axis = _("log {grid}").format(grid=grid_column(grid)) if grid.log_scale else grid_column(grid)
    caption = (_("{against}: median and 90 % band from the first {m} samples on a fine grid; dots at the run's grid "
                 "use all {n} samples. Axes: {axis}, log {unit}.") if out.log_scale else
               _("{against}: median and 90 % band from the first {m} samples on a fine grid; dots at the run's grid "
                 "use all {n} samples. Axes: {axis}, symmetric-log (linear near zero) {unit}.")).format(
        against=grid_against(output_label(out), grid), m=whole(curves.samples), n=whole(result.samples), axis=axis,
        unit=_(out.unit))
    published = result.spec.published
    for users, note in published.notes_of(out.name) if published is not None else ():
        caption += " " + _("The circled cross {at}: {note}.").format(at=grid_point("users", users, 3),
                                                                          note=_(note))
    return single_panel(f"{out.name}_fan", caption, look, 7.6,  # the legend under the axes
                        functools.partial(_fan, result, out, look))


def _fan(result: Result, out, look: Look, ax: matplotlib.axes.Axes) -> Panel:
    curves = result.curves
    low, mid, high = curves.quantiles[out.name]
    grid = result.spec.grid
    users = np.asarray(curves.users, dtype=float)
    if not out.log_scale and users.size > 1:
        # on a symmetric-log axis a straight segment between grid points bends: draw the segments
        # (each output is linear in users between them) through many points, so they stay straight in data
        spaced = np.geomspace if grid.log_scale and users[0] > 0 else np.linspace
        dense = spaced(users[0], users[-1], 16 * users.size)
        low, mid, high = (np.interp(dense, users, v) for v in (low, mid, high))
        users = dense
    stats = result.outputs[out.name]
    ax.fill_between(users, low, high, color=BAND, alpha=0.6, lw=0, label=_("90 % interval (p05 to p95)"))
    ax.plot(users, mid, color=MEDIAN, ls="-", lw=1.4, label=_("median"))
    ax.plot(result.spec.grid_values, stats.p50, "o", color=MEDIAN, ms=3.5, label=_("median at the run's grid"))
    published = result.spec.published
    points = published.points_of(out.name) if published is not None else ()
    misprint = None
    notes = dict(published.notes_of(out.name)) if published is not None else {}
    if points:
        kept = [(x, y) for x, y in points if x not in notes]
        if kept:
            xs, ys = zip(*kept, strict=True)
            ax.plot(xs, ys, "x", color=PAPER, ms=5, mew=1.4, label=plain(_(published.points_label)))
        misprints = [(x, y) for x, y in points if x in notes]
        if misprints:  # a value the publication misprinted: a circled cross, in the legend too
            xs, ys = zip(*misprints, strict=True)
            misprint = (ax.plot(xs, ys, "x", color=PAPER, ms=5, mew=1.4)[0],
                        ax.plot(xs, ys, "o", mfc="none", mec=PAPER, ms=9, mew=0.8)[0])
    ax.set_xscale("log" if grid.log_scale else "linear")
    values = np.concatenate([low, high, [y for _x, y in points]])
    if out.log_scale:
        ax.set_yscale("log")
    else:
        _symlog(ax, values)
        ax.axhline(0, color="black", lw=0.6)
    format_axis(ax.xaxis, grid.unit)
    format_axis(ax.yaxis, out.unit, digits=2)
    ax.set_xlabel(grid_axis(grid))
    ax.set_ylabel(look.wrap(axis_label(out.label, out.unit), 4.0))
    ax.grid(alpha=0.3, which="major")
    # beneath the axes and their labels (see framed): no mark of the data (the misprint's above all) is read as one
    # of the legend's
    handles, labels = ax.get_legend_handles_labels()
    if misprint is not None:
        handles, labels = [*handles, misprint], [*labels, plain(_("misprint (see the caption)"))]
    return Panel(plain(grid_against(output_label(out), grid)), beneath=(handles, labels))


def _symlog(ax, values: np.ndarray) -> None:
    """A symmetric-log y axis, linear within three decades below the largest value, labelled ticks at decades
    within the data: no empty band beyond the data, no unlabelled tick."""
    values = values[np.isfinite(values)]
    top = float(np.max(np.abs(values))) or 1.0
    linthresh = 10 ** np.floor(np.log10(top)) / 1e3
    ax.set_yscale("symlog", linthresh=linthresh, linscale=0.5)
    lowest, highest = float(values.min()), float(values.max())
    decades = 10.0 ** np.arange(np.log10(linthresh), np.ceil(np.log10(top)) + 1)
    # down to the decade just beyond the lowest value: labelled, with no empty band below it
    bottom = -float(decades[np.searchsorted(decades, -lowest)]) if lowest < -linthresh else min(lowest, 0.0)
    ticks = [0.0, *(d for d in decades if d <= highest), *(-d for d in decades if -d >= bottom)]
    ax.set_yticks(sorted(ticks))
    ax.set_yticks([], minor=True)
    pad = 0.08  # of the axis, in its own (symmetric-log) coordinates
    transform = ax.yaxis.get_transform()
    inner = transform.transform(np.array([min(bottom, 0.0), max(highest, 0.0)]))
    if inner[1] <= inner[0]:  # every value 0: a range around it, in the linear band
        ax.set_ylim(-linthresh, linthresh)
        return
    room = (inner[1] - inner[0]) * pad
    ax.set_ylim(transform.inverted().transform(np.array([inner[0] - room, inner[1] + room])))


def _share_figure(result: Result, out, look: Look) -> Figure:
    caption = _("Probability that the {what} is positive, {against} (first {m} samples on a fine grid; dots: "
                "all samples).").format(what=lower_first(output_label(out)),
                                        against=grid_against("", result.spec.grid).strip(),
                                        m=whole(result.curves.samples))
    return single_panel(f"{out.name}_positive", caption, look, 5.0,
                        functools.partial(_share_positive, result, out, look))


def _share_positive(result: Result, out, look: Look, ax: matplotlib.axes.Axes) -> Panel:
    curves = result.curves
    stats = result.outputs[out.name]
    what = lower_first(output_label(out))
    grid = result.spec.grid
    ax.plot(curves.users, curves.share_positive[out.name], color=MEDIAN, ls="-", lw=1.4,
            label=plain(_("probability of a positive {what}").format(what=what)))
    ax.plot(result.spec.grid_values, stats.p_positive, "o", color=MEDIAN, ms=3.5, label=_("at the run's grid"))
    published = result.spec.published
    for users, label in published.marks_of(out.name) if published is not None else ():
        ax.axvline(users, color=PAPER, ls="--", lw=1.1, label=plain(_(label)))
    ax.axhline(0.5, color="grey", lw=0.6, ls=":")
    ax.set_xscale("log" if grid.log_scale else "linear")
    ax.set_ylim(-0.02, 1.02)
    format_axis(ax.xaxis, grid.unit)
    ax.set_xlabel(grid_axis(grid))
    ax.set_ylabel(_("probability"))
    ax.grid(alpha=0.3)
    look.legend(ax, ncols=2, width_cm=3.6)
    return Panel(plain(_("Probability of a positive {what}").format(what=what)))
