"""What a journal's production desk would refuse in a figure, found automatically.

:func:`problems` draws a figure as it will be written and looks at every text drawn (tick
labels, axis labels, titles, legend texts, annotations, colour-bar and contour labels): a text
reaching beyond the canvas, two texts overlapping (or side by side nearer than 2 pt), a font
smaller than 6 pt at the written size. :func:`type3_fonts` finds Type 3 fonts in a PDF, which
submission checks often refuse.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["SMALLEST_PT", "drawn_texts", "problems", "type3_fonts"]

SMALLEST_PT = 6.0  # the smallest text journals accept at the printed size
SLACK_PX = 0.5  # extents touching within half a pixel are not an overlap
GAP_PT = 2.0  # texts side by side closer than this read as one ('90M100M')


@contextmanager
def _recording(found: list[Text]):
    """Record each text matplotlib draws (annotations and legend texts draw through Text.draw too)."""
    original = Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            found.append(self)

    Text.draw = draw
    try:
        yield
    finally:
        Text.draw = original


def drawn_texts(fig: Figure) -> list[Text]:
    """Every non-empty, visible text of ``fig``, as drawing it draws them (the figure is drawn)."""
    found: list[Text] = []
    with _recording(found):
        fig.canvas.draw()
    return found


def _said(text: Text) -> str:
    return repr(" ".join(text.get_text().split())[:60])


def problems(fig: Figure, *, smallest_pt: float = SMALLEST_PT) -> list[str]:
    """What is wrong with ``fig`` as it would be written, one sentence per problem (empty: nothing).

    The figure is drawn (its layout done, as saving does) and each text's window extent taken
    from the renderer. The figure must be saved at its own size (no ``bbox_inches="tight"``), so
    that a point here is a point on paper.
    """
    texts = drawn_texts(fig)
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    boxes = [(text, text.get_window_extent(renderer)) for text in texts]
    found = []
    for text, box in boxes:
        if text.get_fontsize() < smallest_pt:
            found.append(f"text {_said(text)} is {text.get_fontsize():g} pt, under {smallest_pt:g} pt")
        if (box.x0 < canvas.x0 - SLACK_PX or box.y0 < canvas.y0 - SLACK_PX or box.x1 > canvas.x1 + SLACK_PX
                or box.y1 > canvas.y1 + SLACK_PX):
            found.append(f"text {_said(text)} reaches outside the canvas ({_extent(box)} beyond "
                         f"0-{canvas.x1:.0f} x 0-{canvas.y1:.0f} px)")
    gap = GAP_PT * fig.dpi / 72
    for i, (first, one) in enumerate(boxes):
        for second, other in boxes[i + 1:]:
            wide = min(one.x1, other.x1) - max(one.x0, other.x0)
            high = min(one.y1, other.y1) - max(one.y0, other.y0)
            if high > SLACK_PX and wide > -gap:  # on one line: overlapping, or nearer than GAP_PT
                said = "overlap" if wide > SLACK_PX else f"are {-wide * 72 / fig.dpi:.1f} pt apart, under {GAP_PT:g} pt"
                found.append(f"texts {_said(first)} and {_said(second)} {said}")
    return found


def _extent(box) -> str:
    return f"{box.x0:.0f}-{box.x1:.0f} x {box.y0:.0f}-{box.y1:.0f} px"


def type3_fonts(pdf: str | Path) -> list[str]:
    """The names of the Type 3 fonts ``pdf`` embeds (by ``pdffonts`` where installed, else from the PDF's objects)."""
    pdf = Path(pdf)
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]  # a header and a rule
        return [row.split()[0] for row in rows if re.search(r"\bType 3\b", row)]
    data = pdf.read_bytes()
    return [name.decode("latin-1") for name in
            re.findall(rb"/Subtype\s*/Type3(?:.|\n){0,400}?/Name\s*/([^\s/>]+)", data)] or (
        ["(unnamed)"] if re.search(rb"/Subtype\s*/Type3", data) else [])
