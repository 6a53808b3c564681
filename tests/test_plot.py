"""A report's figures drawn onto a user's own axes: ``result.plot(name, ax=...)`` and ``result.figures()``.

Every single-panel figure of the default run and of an own model's run draws onto a user's axes, in the user's
figure, leaving the user's rcParams and backend as they were; a multi-panel one draws into a user's figure; an
unknown name, or axes for a multi-panel figure, is refused with the names it could have been.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import ROOT
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import mcsim
from mcsim import Claim
from mcsim.analysis.value_of_information import ValueOfInformationSpec
from mcsim.errors import McsimError
from mcsim.inputs.sensitivity import SensitivitySpec
from mcsim.models import OutputSpec
from mcsim.report import plan_figures
from mcsim.report.figure_check import problems
from mcsim.report.plotting import PlotError
from mcsim.report.rendering import draw
from mcsim.report.style import look
from mcsim.report.text import md_text


def _margin(inputs, grid):
    """A subscription's monthly profit, and its margin at each number of subscribers on the grid."""
    price, cost = inputs["price"], inputs["cost"]
    users = np.asarray(grid, dtype=float)
    return {"profit": 200.0 * (price - cost) - 1000.0,
            "margin": users[None, :] * (price - cost)[:, None] - 1000.0}


@pytest.fixture(scope="module")
def own():
    """An own model's run from Python: a scalar output with a claim, an output over a grid, and the value of
    information of acting on the scalar one."""
    outputs = [OutputSpec("profit", "USD per month", "Monthly profit"),
               OutputSpec("margin", "USD per month", "Monthly margin", per_user=True, share_positive=True)]
    priors = {"price": mcsim.dist.uniform(low=15.0, high=30.0), "cost": mcsim.dist.uniform(low=5.0, high=12.0)}
    first = mcsim.run(_margin, priors, outputs=outputs, grid=[10.0, 100.0, 1000.0], samples=1024, seed=3,
                      claims=[Claim("pays", output="profit", op=">", value=0.0)], title="A subscription")
    # with the value of information of acting on the profit, taken once: a figure of bars
    return mcsim.run(dataclasses.replace(first.spec, value_of_information=ValueOfInformationSpec(output="profit")))


def _state() -> tuple[dict, str]:
    return copy.deepcopy(dict(matplotlib.rcParams)), matplotlib.get_backend()


def _single(result) -> list[str]:
    return [name for name, info in result.figures().items() if info.panels == "single"]


def test_figures_are_the_written_reports_with_captions(small_default_run, small_default_report):
    """The names are exactly the stems of the report's figures/, each with its caption in the report."""
    listed = small_default_run.figures()
    written = {p.stem for p in (small_default_report / "figures").glob("*.png")}
    assert set(listed) == written
    text = (small_default_report / "report.md").read_text(encoding="utf-8")
    for name, info in listed.items():
        assert info.name == name and info.panels in ("single", "multi")
        assert info.caption and f". {md_text(info.caption)}* (PDF: `figures/{name}.pdf`)" in text, name
    # no shipped run doubles its base sample: every figure of the default report has one panel
    assert {info.panels for info in listed.values()} == {"single"}


@pytest.mark.parametrize("which", ["default", "own"])
def test_every_single_panel_figure_draws_onto_the_users_axes(which, small_default_run, own):
    result = small_default_run if which == "default" else own
    names = _single(result)
    if which == "own":  # in the report's order: the claim's map and box, the scalar output, the grid output's fan and
        # its share positive
        assert names == ["map_profit", "box_pays", "profit_distribution", "margin_fan", "margin_positive",
                         "value_of_information"]
    before = _state()
    for name in names:
        fig = Figure()
        ax, other = fig.subplots(1, 2)
        other.plot([0, 1], [0, 1])
        drawn = result.plot(name, ax=ax, font_size=7)
        assert drawn is ax and ax.figure is fig, name
        assert ax.lines or ax.patches or ax.collections, name
        assert len(other.lines) == 1 and not other.patches and not other.collections, name  # the other is untouched
        assert _state() == before, name
        assert not fig.texts and fig._suptitle is None, name  # the title is the user's to give
        fig.canvas.draw()  # and it draws, with the user's figure as it is


#: A reader's axes, smaller than the report's figures: one column of a journal (8.5 cm by 7) for a figure of one
#: plot, and 12 cm by 10 for the sensitivity indices, one row per input.
READERS_CM = {"default": (8.5, 7.0), "sensitivity": (12.0, 10.0)}


@pytest.mark.parametrize("which", ["default", "own"])
def test_a_figure_fits_a_readers_smaller_axes(which, small_default_run, own):
    """On a reader's axes smaller than the report's figure, no text reaches beyond the canvas and no two texts
    overlap: a legend too big for above the axes goes inside them or into one column, axis labels are wrapped to
    the axes, log ticks thinned (they overflowed the figure and ran into each other: '10k100k1M')."""
    result = small_default_run if which == "default" else own
    for name in _single(result):
        if name.endswith("_tornado"):
            continue  # two lines of label for each of its inputs: drawn at the report's height, not smaller
        width, height = READERS_CM["sensitivity" if name.startswith("sensitivity_") else "default"]
        fig = Figure(figsize=(width / 2.54, height / 2.54), layout="constrained")
        FigureCanvasAgg(fig)
        result.plot(name, ax=fig.subplots())
        assert problems(fig) == [], name


def test_the_style_is_the_reports_with_the_callers_overrides_only_in_the_call(own):
    before = _state()
    fig = Figure()
    ax = fig.subplots()
    own.plot("profit_distribution", ax=ax, **{"axes.labelsize": 13.0})
    assert ax.xaxis.label.get_fontsize() == 13.0
    default = look("default")
    with default.context():
        tick = matplotlib.rcParams["xtick.labelsize"]
    fig.canvas.draw()  # ticks made in the report's style, not the caller's, though drawn after the call
    assert {t.label1.get_fontsize() for t in ax.xaxis.get_major_ticks()} == {tick}
    assert tick != matplotlib.rcParams["xtick.labelsize"]  # else the check above would not tell them apart
    assert _state() == before


def test_a_figure_speaks_the_runs_language(own):
    french = dataclasses.replace(own, spec=dataclasses.replace(own.spec, lang="fr"))
    caption = french.figures()["profit_distribution"].caption
    assert caption.startswith("Distribution de la variable «\u00a0monthly profit\u00a0» sur 1\u202f024 tirages")
    ax = french.plot("profit_distribution", ax=Figure().subplots())
    assert ax.get_ylabel() == "part des tirages"
    assert own.plot("profit_distribution", ax=Figure().subplots()).get_ylabel() == "share of samples"


def test_a_new_figure_is_the_reports_figure(own):
    """Without axes: a new figure at the report's size, with its title, drawn as the report draws it."""
    plt.close("all")
    before = _state()
    for name in ("profit_distribution", "margin_fan"):
        ax = own.plot(name)
        assert _state() == before
        assert plt.fignum_exists(ax.figure.number)  # pyplot's (pyplot is imported): a notebook shows it
        figure = next(f for group in plan_figures(own).values() for f in group if f.stem == name)
        report = draw(figure, look(own.spec.figures))
        assert tuple(ax.figure.get_size_inches()) == tuple(report.get_size_inches())
        with look(own.spec.figures).context():
            pixels = [np.asarray(_rendered(f)) for f in (ax.figure, report)]
        assert pixels[0].shape == pixels[1].shape and np.array_equal(pixels[0], pixels[1]), name
    plt.close("all")


def _rendered(fig):
    fig.set_dpi(72)
    fig.canvas.draw()
    return fig.canvas.buffer_rgba()


def test_a_multi_panel_figure_draws_into_the_users_figure_and_refuses_axes(own):
    """A run whose sensitivity analysis doubles its base sample draws the convergence figure: two panels."""
    spec = dataclasses.replace(own.spec, sensitivity=SensitivitySpec(("profit",), base_samples=32,
                                                                      max_base_samples=64, tolerance=1e-9,
                                                                      crosscheck_samples=128, shapley=False))
    result = mcsim.run(spec)
    assert result.figures()["sensitivity_profit_convergence"].panels == "multi"
    before = _state()
    fig = Figure()
    assert result.plot("sensitivity_profit_convergence", fig=fig) is fig
    assert len(fig.axes) == 2 and all(ax.lines for ax in fig.axes)
    assert _state() == before
    with pytest.raises(ValueError, match=r"several panels: give it a matplotlib Figure \(fig=\)") as error:
        result.plot("sensitivity_profit_convergence", ax=Figure().subplots())
    assert "multi-panel (fig=): sensitivity_profit_convergence" in str(error.value)
    assert "single-panel (ax=): map_profit, box_pays, profit_distribution" in str(error.value)
    with pytest.raises(ValueError, match=r"one panel: give it axes \(ax=\)"):
        result.plot("profit_distribution", fig=Figure())
    assert _state() == before


def test_an_unknown_name_is_refused_with_the_names_and_the_nearest(own):
    assert issubclass(PlotError, ValueError) and issubclass(PlotError, McsimError)
    with pytest.raises(ValueError) as error:
        own.plot("profit_distrbution", ax=Figure().subplots())
    said = str(error.value)
    assert said.startswith("no figure 'profit_distrbution' in this run's report; did you mean "
                           '"profit_distribution"?')
    assert all(name in said for name in own.figures())
    with pytest.raises(ValueError, match="no figure 'nothing_like_it' in this run's report\nits figures:"):
        own.plot("nothing_like_it")


def test_a_style_that_is_no_rcparam_is_refused(own):
    before = _state()
    with pytest.raises(ValueError, match="not a matplotlib rcParam: 'font_sise'; did you mean"):
        own.plot("profit_distribution", ax=Figure().subplots(), font_sise=7)
    with pytest.raises(ValueError, match="the backend is not a style"):
        own.plot("profit_distribution", ax=Figure().subplots(), backend="pdf")
    assert _state() == before


EXAMPLE = re.compile(r"<!-- python example: tests/test_plot.py runs this block -->\n```python\n(.*?)```", re.S)


def test_the_documented_plotting_example_runs(tmp_path, capsys):
    found = EXAMPLE.search((ROOT / "docs" / "howto" / "python.md").read_text(encoding="utf-8"))
    assert found, "the plotting example of docs/howto/python.md is missing"
    code = found.group(1).replace('"subscription.png"', repr(str(tmp_path / "subscription.png")))
    before = _state()
    namespace: dict = {}
    exec(compile(code, "docs/howto/python.md", "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in printed] == [["map_profit", "single"], ["box_pays", "single"],
                                                      ["profit_distribution", "single"]]
    left, right = namespace["left"], namespace["right"]
    assert left.patches and right.collections and left.figure is right.figure is namespace["fig"]
    assert (tmp_path / "subscription.png").stat().st_size > 10_000
    assert _state() == before
    plt.close(namespace["fig"])


CALLER = """
import copy, sys, matplotlib
matplotlib.use("svg")
import mcsim
result = mcsim.run(lambda inputs: {"y": inputs["x"] ** 2}, {"x": mcsim.dist.uniform(low=0, high=1)},
                   outputs={"y": ""}, samples=256)
before = copy.deepcopy(dict(matplotlib.rcParams))
ax = result.plot("y_distribution")  # pyplot not imported: a figure of its own, drawn by Agg
print("pyplot" if "matplotlib.pyplot" in sys.modules else "no pyplot", type(ax.figure.canvas).__name__)
import matplotlib.pyplot as plt
ax = result.plot("y_distribution", font_size=6)  # pyplot imported: pyplot's, on the caller's backend
print(plt.get_fignums(), type(ax.figure.canvas).__name__, matplotlib.get_backend(),
      dict(matplotlib.rcParams) == before)
"""


def test_the_callers_backend_is_left_alone():
    """A caller's own backend (svg) stays; without pyplot no pyplot figure is made, with it the new figure is
    pyplot's, on that backend."""
    shown = subprocess.run([sys.executable, "-c", CALLER], capture_output=True, text=True, check=True,
                           cwd=ROOT).stdout.splitlines()
    assert shown == ["no pyplot FigureCanvasAgg", "[1] FigureCanvasSVG svg True"]
