"""Every figure of the default run and of a comparison, in both styles, passes the figure check.

The check (:mod:`mcsim.report.figure_check`) draws each figure as it is written and looks at
every text: none beyond the canvas, no two overlapping or run together, none under 6 pt; no
PDF with a Type 3 font. Journal figures are 8.5 or 17.4 cm wide with 7 to 9 pt text, PDF
(vector) and PNG at 300 dpi; no figure names an input, output or claim by its code name.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import ROOT
from matplotlib.lines import Line2D
from models_for_tests import ISHIGAMI
from PIL import Image
from test_french_lint import english_words, findings

from mcsim.analysis.sensitivity import SensitivitySpec, analyse
from mcsim.batch import run_batch
from mcsim.i18n import LANGUAGES, speaking
from mcsim.inputs.priors import load_priors
from mcsim.report import plan_figures, write_report
from mcsim.report.comparison import comparison_figures
from mcsim.report.figure_check import drawn_texts, problems, type3_fonts
from mcsim.report.rendering import draw, render
from mcsim.report.sensitivity_figures import sensitivity_figures
from mcsim.report.style import STYLES, look
from mcsim.serialise import plain

STYLE_NAMES = list(STYLES)


@pytest.fixture(scope="module")
def result(small_default_run):
    """The default run at 4096 samples, every analysis the run file asks for (small: the figures, not the estimates)."""
    return small_default_run


def _styled(result, name: str):
    return dataclasses.replace(result, spec=dataclasses.replace(result.spec, figures=name))


@pytest.fixture(scope="module")
def reports(result, small_default_report, tmp_path_factory) -> dict[str, Path]:
    """The default run's report written in each style (in its own style, the report other files read too)."""
    folder = tmp_path_factory.mktemp("styles")
    return {name: small_default_report if name == result.spec.figures else write_report(_styled(result, name),
                                                                                       folder / name)
            for name in STYLE_NAMES}


RUN = """
[run]
title = "{title}"
title_fr = "{title_fr}"
priors = "{priors}"
samples = 2048
seed = 7
workers = 1
users = [1e6, 5e7]
{override}
[[claims]]
name = "break_even_within_6M"
text = "A surplus appears only beyond about 6 million monthly users"
text_fr = "Un surplus n'apparaît qu'au-delà d'environ 6 millions d'utilisateurs mensuels"
output = "break_even_users"
op = "<="
value = 6e6

[[claims]]
name = "surplus_at_50M_users"
text = "At 50 million users the service makes a surplus (Tableau 1's fourth row)"
text_fr = "À 50 millions d'utilisateurs, le service dégage un surplus (quatrième ligne du Tableau 1)"
output = "surplus"
users = 5e7
op = ">"
value = 0
"""

CONVERSION = '[overrides.conversion_rate]\ndist = "point"\npoint = 0.01\nsource = "section 5\'s text"\n'


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A batch of three scenarios (the baseline not first in alphabetical order), and its comparison's data."""
    d = tmp_path_factory.mktemp("comparison")
    for name in ("paper-table1", "evidence-2025"):
        shutil.copy(ROOT / "priors" / f"{name}.toml", d / f"{name}.priors.toml")
    shutil.copy(ROOT / "priors" / "sources.bib", d / "sources.bib")  # what the shipped priors cite
    files = {"zz-baseline": ("Tableau 1 with uncertainty, the baseline", "Le Tableau 1 sous incertitude",
                             "paper-table1", ""),
             "conversion": ("Tableau 1 at the 1 % conversion rate of section 5's text",
                            "Le Tableau 1 à 1 % de conversion (section 5)", "paper-table1", CONVERSION),
             "evidence": ("Tableau 1 with priors from public evidence (2025)",
                          "Le Tableau 1, lois a priori publiques (2025)", "evidence-2025", "")}
    paths = []
    for stem, (title, title_fr, priors, override) in files.items():
        (d / f"{stem}.toml").write_text(RUN.format(title=title, title_fr=title_fr, priors=f"{priors}.priors.toml",
                                                   override=override), encoding="utf-8")
        paths.append(d / f"{stem}.toml")
    # the scenarios' own figures are the default run's, tested above: only the comparison's are drawn here
    scenarios = run_batch(paths, reports=d / "reports", stream=io.StringIO(), figures="none")
    from mcsim.report.comparison import build_comparison, write_comparison

    return scenarios, plain(build_comparison(scenarios)), write_comparison(scenarios, d / "reports" / "comparison",
                                                                           figures="journal")


def _all_figures(result, batch, name: str):
    style = look(name)
    planned = [f for group in plan_figures(_styled(result, name)).values() for f in group]
    return [*planned, *(f for shown in comparison_figures(batch[0], batch[1], style).values() for f in shown)]


def _each_drawn(figures, name: str):
    for figure in figures:
        fig = draw(figure, look(name))
        try:
            yield figure.stem, fig
        finally:
            plt.close(fig)


# --- the check itself -----------------------------------------------------------------------------

def test_the_check_finds_what_a_journal_refuses():
    """Proof that it can fail: overlapping texts, a text beyond the canvas, a 5 pt text, tick labels run together."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "first label")
    ax.text(0.52, 0.5, "second label")
    fig.text(0.9, 0.5, "a long text that runs off the right edge")
    ax.set_xlabel("small", fontsize=5)
    ax.set_xticks([1.0, 1.01], ["90M", "100M"])
    ax.set_xlim(0.9, 1.1)
    found = "\n".join(problems(fig))
    plt.close(fig)
    assert "'first label' and 'second label' overlap" in found
    assert "'a long text that runs off the right edge' reaches outside the canvas" in found
    assert "'small' is 5 pt, under 6 pt" in found
    assert re.search(r"'90M' and '100M' (overlap|are [\d.]+ pt apart)", found)


def test_the_check_finds_type3_fonts(tmp_path):
    fig, ax = plt.subplots()
    ax.set_title("Type 3")
    with plt.rc_context({"pdf.fonttype": 3}):
        fig.savefig(tmp_path / "type3.pdf")
    plt.close(fig)
    assert type3_fonts(tmp_path / "type3.pdf")


# --- every figure, both styles ---------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Drawn:
    """A figure as drawn: its stem, the check's problems, its texts (words and size), its width and its title."""

    stem: str
    problems: list[str]
    texts: list[tuple[str, float]]
    width_cm: float
    titled: bool


@pytest.fixture(scope="module")
def drawn(result, batch):
    """``drawn(lang, style)``: every figure of the default run and of the comparison, each drawn once in that
    language and style, for all the tests that read what was drawn."""
    made: dict[tuple[str, str], list[Drawn]] = {}

    def get(lang: str, name: str) -> list[Drawn]:
        if (lang, name) not in made:
            styled = dataclasses.replace(result, spec=dataclasses.replace(result.spec, lang=lang))
            with speaking(lang):
                made[lang, name] = [
                    Drawn(stem, problems(fig), [(t.get_text(), t.get_fontsize()) for t in drawn_texts(fig)],
                          round(fig.get_figwidth() * 2.54, 2), fig._suptitle is not None)
                    for stem, fig in _each_drawn(_all_figures(styled, batch, name), name)]
        return made[lang, name]

    return get


@pytest.mark.parametrize("name", STYLE_NAMES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_passes_the_check(drawn, name, lang):
    """In each language too: French words are longer, and a label that fits in English may not."""
    assert {figure.stem: figure.problems for figure in drawn(lang, name) if figure.problems} == {}


@pytest.mark.parametrize("name", STYLE_NAMES)
def test_long_scenario_titles_do_not_run_into_each_other(batch, name):
    """A scenario's title is the user's: one of three lines at the axis's width overlapped its neighbours' in the
    comparison's figures, whose rows were a fixed height."""
    scenarios, data, _folder = batch
    long = copy.deepcopy(data)
    for k, row in enumerate(long["scenarios"]):
        row["title"] = f"Scenario {k}: Tableau 1 with the conversion rate, price and lifetime of a later ChatGPT"
    drawn = {stem: problems(fig) for shown in comparison_figures(scenarios, long, look(name)).values()
             for stem, fig in _each_drawn(shown, name)}
    assert drawn and not any(drawn.values()), drawn


@pytest.mark.parametrize("name", STYLE_NAMES)
def test_the_convergence_figure_passes_the_check(name):
    """No shipped run doubles its base sample; a small analysis that does draws the convergence figure too."""
    priors = load_priors(Path(__file__).parent / "data" / "ishigami.toml")
    analysis = analyse(priors, ISHIGAMI, SensitivitySpec(("y",), base_samples=64, max_base_samples=256,
                                                         tolerance=1e-6), seed=2025)
    figures = sensitivity_figures(analysis, look(name))
    assert [f.stem for f in figures][-1] == "sensitivity_y_convergence"
    assert {stem: said for stem, fig in _each_drawn(figures, name) if (said := problems(fig))} == {}


@pytest.mark.parametrize("name", STYLE_NAMES)
def test_every_french_figure_reads_as_french(drawn, name):
    """Each text a French figure draws (its title, axis labels, legend, ticks and notes) passes the French lint of
    the reports (tests/test_french_lint.py): the figures are the part of a report that file does not read."""
    english = english_words()
    found = [said for figure in drawn("fr", name) for said in
             findings(figure.stem, "\n".join(re.sub(r"[ \n]+", " ", text) for text, _size in figure.texts), english)]
    assert not found, f"{len(found)} findings:\n" + "\n".join(found)


CODE_NAME = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize("name", STYLE_NAMES)
def test_no_figure_says_a_code_name_or_e_notation(result, drawn, name):
    spec = result.spec
    names = {n for n in (*spec.model.input_names, *spec.model.output_names, *(c.name for c in spec.claims))
             if "_" in n}  # 'surplus' is a word as well as a name
    for figure in drawn("en", name):
        for said, _size in figure.texts:
            assert not CODE_NAME.search(said), (figure.stem, said)
            assert not any(n in said for n in names), (figure.stem, said)
            assert not re.search(r"\d[eE][+-]?\d|\\times|10\^", said), (figure.stem, said)


def test_journal_figures_are_one_or_two_columns_with_7_to_9_pt_text(drawn, reports):
    for figure in drawn("en", "journal"):
        assert figure.width_cm in (8.5, 17.4), figure.stem
        sizes = {size for _said, size in figure.texts}
        assert min(sizes) >= 7 and max(sizes) <= 9, (figure.stem, sizes)
        assert not figure.titled, figure.stem  # the caption carries the title
    pdfs = sorted((reports["journal"] / "figures").glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
        assert round(float(box.group(1)) / 72 * 2.54, 1) in (8.5, 17.4), pdf.name
        png = Image.open(pdf.with_suffix(".png"))
        assert round(png.info["dpi"][0]) >= 300, pdf.name


def test_no_pdf_written_has_a_type3_font(reports, batch):
    pdfs = [*reports["default"].glob("figures/*.pdf"), *reports["journal"].glob("figures/*.pdf"),
            *batch[2].glob("figures/*.pdf")]
    assert len(pdfs) > 40
    assert {pdf.name: found for pdf in pdfs if (found := type3_fonts(pdf))} == {}


def test_the_stems_stay_what_the_report_names(reports):
    for name in STYLE_NAMES:
        stems = {p.stem for p in (reports[name] / "figures").glob("*.png")}
        assert {"break_even_users_distribution", "map_break_even_users", "surplus_fan", "unit_cost_fan",
                "sensitivity_crossover_users_tornado", "box_surplus_at_50M_users"} <= stems
        text = (reports[name] / "report.md").read_text()
        assert all(f"figures/{stem}.png" in text for stem in stems)


# --- the defects, fixed ------------------------------------------------------------------------

def _figure(result, name: str, stem: str):
    figures = [f for group in plan_figures(_styled(result, name)).values() for f in group]
    return draw(next(f for f in figures if f.stem == stem), look(name))


def _tick_labels(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text() and t.get_visible()]


def test_the_crossover_tornado_labels_its_ticks_apart(result):
    fig = _figure(result, "journal", "sensitivity_crossover_users_tornado")
    fig.canvas.draw()
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    shown = [t.get_text() for t, v in zip(ax.xaxis.get_ticklabels(), ax.xaxis.get_ticklocs(), strict=True)
             if low <= v <= high]
    assert shown == ["30 M", "50 M", "70 M", "100 M"]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(label.endswith("\\$40-100 M") for label in labels)  # not '4e+07 to 1e+08 USD'
    assert any(label.endswith("2-9 %") for label in labels)  # not '0.0201 to 0.0901 share of users'
    plt.close(fig)


def test_the_break_even_tornado_labels_a_tick_beyond_10_million(result):
    fig = _figure(result, "journal", "sensitivity_break_even_users_tornado")
    fig.canvas.draw()
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    shown = [v for v in ax.xaxis.get_ticklocs() if low <= v <= high]
    assert max(shown) > 10e6 and len(shown) >= 4
    plt.close(fig)


def test_the_distribution_marks_the_paper_apart_from_the_claim(result):
    fig = _figure(result, "journal", "break_even_users_distribution")
    legend = {t.get_text(): h for t, h in zip(fig.axes[0].get_legend().get_texts(),
                                              fig.axes[0].get_legend().legend_handles, strict=True)}
    paper = next(h for t, h in legend.items() if t.startswith("paper"))
    claim = next(h for t, h in legend.items() if t.startswith("claim"))
    assert paper.get_marker() == "v" and paper.get_linestyle() == "None"  # a marker, not a line under the claim's
    assert claim.get_linestyle() == ":"
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 2  # the end bins, hatched: the values beyond the axis are no spike
    plt.close(fig)


def test_the_unit_cost_fan_marks_the_misprint(result):
    fig = _figure(result, "journal", "unit_cost_fan")
    legend = fig.legends[0]  # the figure's, under the axes: the misprint's mark is not read as one of its entries
    fig.canvas.draw()
    assert legend.get_window_extent().y1 <= fig.axes[0].get_window_extent().y0
    texts = [t.get_text().replace("\n", " ") for t in legend.get_texts()]
    assert "misprint (see the caption)" in texts
    # its symbol is the mark on the axes, a cross in a ring: the legend draws two crosses (the printed values' and
    # the misprint's) and one ring
    marks = [line for line in legend.findobj(Line2D) if line.get_marker() not in ("None", None, "")]
    assert sum(line.get_marker() == "x" for line in marks) == 2
    assert [line.get_mfc() for line in marks if line.get_marker() == "o" and line.get_mfc() == "none"] == ["none"]
    assert fig.axes[0].get_ylabel() == "Unit cost (USD per prompt)"
    plt.close(fig)
    caption = next(f.caption for f in plan_figures(result)["outputs"] if f.stem == "unit_cost_fan")
    assert "prints 0.1090 USD per prompt at break-even" in caption


def test_the_surplus_fan_has_no_empty_band_below_its_data(result):
    fig = _figure(result, "journal", "surplus_fan")
    fig.canvas.draw()
    ax = fig.axes[0]
    lowest = min(v for v in ax.get_yticks())
    assert ax.get_ylim()[0] < lowest < 0  # the lowest tick is labelled and the axis ends just below it
    assert all(t.get_text() for t in ax.get_yticklabels())
    plt.close(fig)


def test_a_box_draws_only_the_sides_it_restricts_and_names_the_other_inputs(result):
    fig = _figure(result, "journal", "box_crossover_within_55M")
    texts = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_legend().get_texts()]
    assert any("priors' point values" in t for t in texts)
    assert any(t.startswith("claim fails (") for t in texts)
    plt.close(fig)
    caption = next(f.caption for f in plan_figures(result)["verdict"] if f.stem == "box_crossover_within_55M")
    assert "The box also restricts inputs the axes do not show: " in caption


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", STYLE_NAMES)
def test_a_box_legend_takes_a_quarter_of_the_height_at_most_and_its_star_is_no_sample(result, name, lang):
    from mcsim.report.style import FAILS, HOLDS

    with speaking(lang):
        boxes = [f for f in plan_figures(_styled(result, name))["verdict"] if f.stem.startswith("box_")]
        assert boxes
        for figure in boxes:
            fig = draw(figure, look(name))
            fig.canvas.draw()
            legend = fig.axes[0].get_legend()
            assert legend.get_window_extent().height <= 0.25 * fig.bbox.height, figure.stem
            stars = [line for line in fig.axes[0].get_lines() if line.get_marker() == "*"]
            assert stars and all(matplotlib.colors.to_hex(star.get_markerfacecolor()) not in
                                 (matplotlib.colors.to_hex(FAILS), matplotlib.colors.to_hex(HOLDS)) for star in stars)
            plt.close(fig)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_map_labels_its_contour_inside_its_frame(result, lang):
    # as the default run's map is: 6 million runs straight from the bottom edge to the top one, through the star
    x, y = np.geomspace(0.005, 0.2, 60), np.geomspace(2.2e7, 1.7e8, 50)
    values = 6e6 * (y[:, np.newaxis] / 6.3e7) / (x[np.newaxis, :] / 0.05)
    across = dataclasses.replace(result.verdict.map, x_name="conversion_rate", y_name="training_cost", x=x, y=y,
                                 values=values, x_log=True, y_log=True,
                                 points={**result.verdict.map.points, "conversion_rate": 0.05, "training_cost": 6.3e7})
    result = dataclasses.replace(result, verdict=dataclasses.replace(result.verdict, map=across))
    for name in STYLE_NAMES:
        with speaking(lang):
            fig = _figure(result, name, "map_break_even_users")
        fig.canvas.draw()
        ax = fig.axes[0]
        frame = ax.get_window_extent()
        labels = [t for t in ax.texts if t.get_text()]
        assert labels, "the contour is not labelled"
        for text in labels:  # well inside: at least its own height from every edge
            box = text.get_window_extent()
            gap = box.height
            assert frame.x0 + gap <= box.x0 and box.x1 <= frame.x1 - gap, (name, box, frame)
            assert frame.y0 + gap <= box.y0 and box.y1 <= frame.y1 - gap, (name, box, frame)
        plt.close(fig)


def test_hollow_s1_and_st_bars_stay_apart(result):
    """Bars not converged are hollow: S1's and ST's in their own colour and hatch, as the legend shows them."""
    target = result.sensitivity.targets[0]
    strict = dataclasses.replace(result.sensitivity, targets=(dataclasses.replace(target, tolerance=1e-12),
                                                              *result.sensitivity.targets[1:]))
    figure = next(f for f in sensitivity_figures(strict, look("journal")) if f.stem.endswith("_indices"))
    fig = draw(figure, look("journal"))
    ax = fig.axes[0]
    hollow = [b for b in ax.patches if matplotlib.colors.to_hex(b.get_facecolor()) == "#ffffff" and b.get_hatch()]
    kinds = {(b.get_hatch(), matplotlib.colors.to_hex(b.get_edgecolor())) for b in hollow}
    assert len(kinds) == 2, kinds  # S1 and ST: two hatches, two colours
    assert len({hatch for hatch, _colour in kinds}) == 2 and len({colour for _hatch, colour in kinds}) == 2
    plt.close(fig)


def test_the_value_of_information_lines_differ_in_greyscale(result):
    fig = _figure(result, "journal", "value_of_information")
    lines = [line for line in fig.axes[0].get_lines() if line.get_label().startswith(("EVPI", "EVPPI"))]
    assert len(lines) >= 4
    patterns = []
    for line in lines:
        _offset, dashes = line._unscaled_dash_pattern  # (offset, on-off sequence in line widths) or None: solid
        patterns.append(tuple(dashes) if dashes else ())
    assert sum(1 for p in patterns if not p) == 1  # only the EVPI's is solid
    for i, a in enumerate(patterns):
        for b in patterns[i + 1:]:
            # as many dashes a period, their first dash's lengths differ by a factor of 2 or more
            assert len(a) != len(b) or max(a[0], b[0]) >= 2 * min(a[0], b[0]), (a, b)
    plt.close(fig)


def test_indices_whiskers_are_not_cut_at_1(result):
    fig = _figure(result, "journal", "sensitivity_surplus_at_50M_users_indices")
    ax = fig.axes[0]
    reach = max(float(np.max(c.get_segments()[k][:, 0])) for c in ax.collections for k in range(len(c.get_segments())))
    assert ax.get_xlim()[1] >= reach
    plt.close(fig)


def test_the_comparison_keeps_the_batch_order_and_marks_the_baseline(batch):
    scenarios, data, folder = batch
    fig = draw(comparison_figures(scenarios, data, look("journal"))["focus"][0], look("journal"))
    labels = [t.get_text().replace("\n", " ") for t in reversed(fig.axes[0].get_yticklabels())]
    assert labels[0] == "Tableau 1 with uncertainty, the baseline (baseline)"
    assert labels[1].startswith("Tableau 1 at the 1 % conversion")
    shares = [t.get_text() for t in fig.axes[1].texts]
    assert len(shares) == 3 and any(s != "0 %" for s in shares)  # the share that never breaks even, shown
    assert fig.axes[0].get_xlim()[1] < np.log10(2e9)  # not out to 10 billion
    plt.close(fig)
    assert (folder / "figures" / "claims_by_scenario.pdf").is_file()


# --- styles, numbers, rendering ---------------------------------------------------------------

def test_tick_numbers_read_as_people_write_them_in_english_and_french():
    from mcsim.report.ticks import compact, span

    assert [compact(6e6, "users"), compact(4e7, "USD"), compact(0.025, "share of users"), compact(-4e6, "USD")] == \
        ["6 M", "$40 M", "2.5 %", "\u2212$4 M"]
    assert [span(4e7, 1e8, "USD"), span(0.0201, 0.0901, "share"), span(125, 500), span(9.84, 21.7)] == \
        ["$40-100 M", "2-9 %", "125-500", "9.8-21.7"]
    with speaking("fr"):  # a no-break space keeps the number with its unit; sums under a million in full
        assert [compact(5.41e6, "users"), compact(4e7, "USD"), compact(0.025, "share of users")] == \
            ["5,41\u00a0M", "40\u00a0M$", "2,5\u00a0%"]
        assert [compact(8e5, "USD"), compact(-4e6, "USD"), compact(1.5e9, "USD"), span(2e5, 8e5, "USD")] == \
            ["800\u202f000\u00a0$", "\u22124\u00a0M$", "1,5\u00a0Md$",
             "200\u202f000-800\u202f000\u00a0$"]


def test_parallel_and_serial_rendering_write_the_same_files(result, tmp_path):
    figures = plan_figures(result)["outputs"][:3]
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir()
    parallel.mkdir()
    assert render(figures, serial, look(), workers=1) == render(figures, parallel, look(), workers=2)
    for path in serial.iterdir():
        assert path.read_bytes() == (parallel / path.name).read_bytes(), path.name


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="allowed: default, journal"):
        look("poster")


KILLED = """
import os, sys, threading, time
from pathlib import Path
from mcsim.report.figures import Figure
from mcsim.report.rendering import render
from mcsim.report.style import look

folder = Path(sys.argv[1])

def slow():
    (folder / f"{os.getpid()}.pid").write_text("")
    time.sleep(120)

def kill_me():  # once both workers draw, the run is killed outright
    while len(list(folder.glob("*.pid"))) < 2:
        time.sleep(0.05)
    os.kill(os.getpid(), 9)

threading.Thread(target=kill_me, daemon=True).start()
render([Figure("a", "", slow), Figure("b", "", slow)], folder, look(), workers=2)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="figures are drawn in forked workers only where fork exists")
def test_the_workers_drawing_figures_end_with_a_run_killed_outright(tmp_path):
    done = subprocess.run([sys.executable, "-c", KILLED, str(tmp_path)], cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == -signal.SIGKILL
    workers = [int(p.stem) for p in tmp_path.glob("*.pid")]
    assert len(workers) == 2
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
