"""The fonts a PDF figure embeds are subset without their layout tables: the same glyphs, drawn the same; taken
from a common subset of the font, they are the very fonts taken from the font file."""

from __future__ import annotations

import shutil
import subprocess

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends import _backend_pdf_ps as pdf_ps

from mcsim.report import figures
from mcsim.report.figures import _LAYOUT_TABLES, _lean_font_subsets, save

matplotlib.use("Agg")


def _font_path():
    file = font_manager.findfont("DejaVu Sans")
    return font_manager.FontPath(file, 0) if hasattr(font_manager, "FontPath") else file


def _glyphs(font, wanted: dict[int, int]) -> dict[str, tuple]:
    """Each requested glyph's outline and advance in a subset font, by its name."""
    order, glyf, hmtx = font.getGlyphOrder(), font["glyf"], font["hmtx"]
    named = {}
    for new in wanted.values():
        name = order[new]
        glyph = glyf[name]
        glyph.expand(glyf)
        coordinates = glyph.getCoordinates(glyf)[0] if glyph.numberOfContours else ()
        named[name] = (tuple(map(tuple, coordinates)), hmtx[name])
    return named


def test_a_lean_subset_has_the_same_glyphs_and_no_layout_tables():
    path = _font_path()
    glyphs = set(range(3, 120))  # digits, letters, punctuation
    with pdf_ps.get_glyphs_subset(path, glyphs) as full:
        full_tags, full_glyphs = set(full.font.keys()), _glyphs(full.font, {g: full.glyph_index_map[g] for g in glyphs})
        full_cmap = dict(full.font.getBestCmap())
    with _lean_font_subsets(), pdf_ps.get_glyphs_subset(path, glyphs) as lean:
        lean_tags, lean_glyphs = set(lean.font.keys()), _glyphs(lean.font, {g: lean.glyph_index_map[g] for g in glyphs})
        lean_cmap = dict(lean.font.getBestCmap())
    assert {"GSUB", "GPOS"} <= full_tags  # the layout tables were there to drop: a test that can fail
    assert not lean_tags & set(_LAYOUT_TABLES)
    assert lean_tags == full_tags - set(_LAYOUT_TABLES)
    assert lean_glyphs == full_glyphs  # every requested glyph: the same name, outline and advance
    assert lean_cmap.items() <= full_cmap.items() and set(lean_cmap) >= {ord(c) for c in "0123456789abcXYZ"}
    assert pdf_ps.subset.__class__.__name__ != "_LeanSubset"  # restored after the block


@pytest.mark.skipif(not hasattr(pdf_ps, "SubsetResults"), reason="matplotlib subsets by characters, not glyphs")
def test_a_subset_taken_from_the_common_subset_is_the_one_taken_from_the_font_file(monkeypatch):
    path = _font_path()
    charmap = font_manager.get_font(path).get_charmap()
    common = sorted(glyph for code, glyph in charmap.items()
                    if any(code in characters for characters in figures._COMMON_CHARACTERS))
    rng = np.random.default_rng(5)
    # a figure's own glyphs, among them ligatures (ff, fi), spaces (one glyph for several characters) and signs
    text = "Break-even users (million) \u202f\u2013 \u2264 \u00e9\u0153 \u03b1\ufb00\ufb01"
    asked = [{charmap[ord(c)] for c in text},
             *(set(rng.choice(common, size, replace=False).tolist()) for size in (1, 40, 300))]
    rare = {charmap[0x0416], charmap[ord("a")]}  # a Cyrillic letter: beyond the common subset, from the file
    found = {}
    for name in ("common", "file"):
        if name == "file":  # the whole font file, as before the common subsets
            monkeypatch.setattr(figures, "_from_common_subsets", lambda whole: whole)
        with _lean_font_subsets():
            for index, glyphs in enumerate([*asked, rare]):
                with pdf_ps.get_glyphs_subset(path, glyphs) as subset:
                    found[name, index] = (pdf_ps.font_as_file(subset.font).getvalue(), dict(subset.glyph_index_map))
    assert len(common) > 500 and not rare <= set(common)
    for index in range(len(asked) + 1):
        assert found["common", index] == found["file", index]  # the same bytes, and each glyph's index in them
    assert found["common", 0][1].keys() >= asked[0]


def _figure():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(np.linspace(0, 1, 20), np.linspace(0, 1, 20) ** 2, label="break-even 5.83 million (fi fl ffi)")
    ax.set_xlabel("monthly active users, in millions")
    ax.set_title("Surplus at 50 million users: $\\alpha$ = 0.1")
    ax.legend()
    return fig


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm to draw the PDFs")
def test_a_pdf_figure_draws_the_same_pixels_with_lean_fonts(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    save(_figure(), tmp_path, "lean")
    monkeypatch.setattr("mcsim.report.figures._lean_font_subsets", _no_change)
    save(_figure(), tmp_path, "full")
    plt.close("all")
    lean, full = (tmp_path / "lean.pdf").read_bytes(), (tmp_path / "full.pdf").read_bytes()
    assert lean != full and len(lean) < len(full)  # smaller fonts: the subsets differ
    pixels = []
    for stem in ("lean", "full"):
        subprocess.run(["pdftoppm", "-r", "150", "-gray", str(tmp_path / f"{stem}.pdf"), str(tmp_path / stem)],
                       check=True)
        pixels.append(next(tmp_path.glob(f"{stem}-*.pgm")).read_bytes())
    assert pixels[0] == pixels[1]


class _no_change:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


@pytest.mark.skipif(not hasattr(pdf_ps, "SubsetResults"), reason="matplotlib subsets by characters, not glyphs")
def test_the_fonts_prepared_before_the_workers_fork_are_those_the_figures_embed(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from mcsim.report.style import look

    monkeypatch.setattr(figures, "_COMMON_SUBSETS", {})
    with look("default").context():
        figures.prepare_pdf_fonts()
        prepared = set(figures._COMMON_SUBSETS)
        save(_figure(), tmp_path, "figure")  # any font it embeds beyond those prepared is subset here, and added
    plt.close("all")
    assert prepared and set(figures._COMMON_SUBSETS) == prepared
