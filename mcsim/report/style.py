"""How the figures look: the default style (for the screen) and the journal style (for a paper).

A :class:`Look` holds what the matplotlib style files (``styles/<name>.mplstyle``) cannot: the
width of one and of two columns, whether figures carry a title, how much text fits on a line.
The colours are Okabe and Ito's (2008), safe for colour-blind readers; each role also has a
line style or a marker, so that the lines stay apart in greyscale.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mcsim.i18n import _
from mcsim.report.text import claim_text, condition, names_its_unit, readable

__all__ = ["BAND", "BLACK", "BLUE", "CLAIM", "FAILS", "HIGH", "HOLDS", "LOOKS", "LOW", "MEDIAN", "NO_FIGURES", "ORANGE",
           "PAPER", "POINT_MARK",
           "SKY", "STYLES", "VERMILLION", "Look", "axis_label", "claim_name", "look", "plain", "readable"]

STYLES_DIR = Path(__file__).resolve().parent / "styles"
CM = 1 / 2.54  # inches per centimetre

# Okabe and Ito's palette
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

# roles, each with its own line style or marker (see the figure modules)
MEDIAN = BLUE  # solid line, filled dots
BAND = SKY  # the 90 % band, light
PAPER = VERMILLION  # the publication's values: dashed lines, crosses, downward triangles
CLAIM = BLACK  # a claim's threshold: dotted lines
HOLDS, FAILS = SKY, VERMILLION  # samples where a claim holds, where it fails
#: The priors' point values on a map of two inputs: a white star, apart from the samples' colours and in greyscale
POINT_MARK = {"marker": "*", "ls": "none", "mfc": "white", "mec": BLACK, "ms": 10, "mew": 0.9}
LOW, HIGH = BLUE, ORANGE  # an input at its p05, at its p95 (dark and light in greyscale)


@dataclass(frozen=True)
class Look:
    """A figure style: its matplotlib style file, column widths and words.

    Attributes
    ----------
    name : str
        ``"default"`` or ``"journal"``; the style file is ``styles/<name>.mplstyle``.
    one_column_cm, two_column_cm : float
        The width of a figure that takes one column, and of one that takes the page's two.
    titles : bool
        Whether figures carry a title (a journal's captions carry them instead).
    font_pt : float
        The body text's size, for wrapping words to a width.
    scale : float
        Heights relative to the journal's (heights are given in journal centimetres).
    """

    name: str
    one_column_cm: float
    two_column_cm: float
    titles: bool
    font_pt: float
    scale: float

    @property
    def style_file(self) -> Path:
        return STYLES_DIR / f"{self.name}.mplstyle"

    @contextlib.contextmanager
    def context(self) -> Iterator[None]:
        """Draw and save within this style (rc parameters are read both when drawing and when saving)."""
        with matplotlib.style.context(str(self.style_file), after_reset=True):
            yield

    def width_cm(self, columns: int) -> float:
        return self.one_column_cm if columns == 1 else self.two_column_cm

    def size(self, columns: int = 1, height_cm: float = 6.0) -> tuple[float, float]:
        """The size in inches of a figure ``columns`` wide and ``height_cm`` high (in journal centimetres)."""
        return self.width_cm(columns) * CM, height_cm * self.scale * CM

    def blank(self, columns: int = 1, height_cm: float = 6.0) -> Figure:
        """A new figure ``columns`` wide and ``height_cm`` high (in journal centimetres), without axes."""
        fig = Figure(figsize=self.size(columns, height_cm))
        FigureCanvasAgg(fig)  # drawn by Agg whatever the caller's backend: pyplot and its backend are left alone
        return fig

    def figure(self, columns: int = 1, height_cm: float = 6.0, **subplots):
        """A new figure ``columns`` wide and ``height_cm`` high (in journal centimetres), with its axes."""
        fig = self.blank(columns, height_cm)
        return fig, fig.subplots(**subplots)

    def chars(self, width_cm: float) -> int:
        """About how many characters of body text fit across ``width_cm`` (journal centimetres)."""
        return max(int(width_cm * self.scale * CM * 72 / (0.55 * self.font_pt)), 8)

    def lines_cm(self, lines: int) -> float:
        """The height of ``lines`` lines of body text, spacing included, in journal centimetres."""
        return lines * 1.25 * self.font_pt / 72 * 2.54 / self.scale

    def wrap(self, text: str, width_cm: float) -> str:
        """``text`` broken into lines that fit ``width_cm``."""
        return "\n".join(textwrap.wrap(text, self.chars(width_cm), break_on_hyphens=False)) or text

    def legend(self, ax, handles=None, labels=None, *, loc: str | None = None, width_cm: float = 6.5, **options):
        """A legend whose labels are wrapped to ``width_cm``: above the axes, right-aligned, unless ``loc`` says
        where in the axes (a legend above hides nothing of the data). A handle may be a tuple of artists drawn
        over each other (then ``labels`` gives the labels)."""
        if handles is None:
            handles, labels = ax.get_legend_handles_labels()
        if labels is None:
            labels = [handle.get_label() for handle in handles]
        if loc is None:
            options = {"loc": "lower right", "bbox_to_anchor": (1.0, 1.01), **options}
        else:
            options = {"loc": loc, **options}
        return ax.legend(handles, [self.wrap(label, width_cm) for label in labels], **options)

    def title(self, fig, text: str, columns: int = 1) -> None:
        """Give ``fig`` the title ``text``, wrapped to its width, where this style has titles (above any legend)."""
        if self.titles:
            fig.suptitle(self.wrap(text, 0.85 * self.width_cm(columns) / self.scale),
                         fontsize=matplotlib.rcParams["axes.titlesize"])


#: The figure styles, by the name ``--figures`` and ``[report] figures`` give.
LOOKS = {
    "default": Look("default", one_column_cm=15.0, two_column_cm=24.0, titles=True, font_pt=9.0, scale=1.4),
    "journal": Look("journal", one_column_cm=8.5, two_column_cm=17.4, titles=False, font_pt=7.0, scale=1.0),
}
STYLES = tuple(LOOKS)
#: ``[report] figures = "none"``: a report without its figures, quicker to write while priors are being tried.
NO_FIGURES = "none"


def look(name: str = "default") -> Look:
    """The figure style called ``name`` (one of :data:`STYLES`); for a report without figures (:data:`NO_FIGURES`),
    the default style, the one its figures are drawn in on demand (``Result.plot``)."""
    try:
        return LOOKS["default" if name == NO_FIGURES else name]
    except KeyError:
        raise ValueError(f"figure style {name!r} is unknown (allowed: {', '.join(STYLES)})") from None


def plain(text: str) -> str:
    """Text shown as it is: a ``$`` would otherwise open matplotlib's mathtext."""
    return str(text).replace("$", r"\$")


def axis_label(label: str, unit: str = "") -> str:
    """An axis label: 'Total training cost (USD)'; a label that already says its unit goes alone."""
    label, unit = _(label), _(unit) if unit else ""
    if not unit or names_its_unit(label, unit):
        return plain(label)
    return plain(_("{label} ({unit})").format(label=label, unit=unit))


def claim_name(claim, label: str = "", unit: str = "") -> str:
    """A claim as a reader knows it: its text, or its test in words when it has none (never its code name).

    ``label`` and ``unit`` are those of the output the claim is about.
    """
    text = claim_text(claim) if getattr(claim, "text", "") else ""
    return text or condition(readable(label, claim.output), unit, claim)
