"""Sensitivity figures: a convergence figure only when N was doubled; bars that are not converged are hatched."""

from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from models_for_tests import ISHIGAMI

from mcsim.analysis.sensitivity import SensitivitySpec, analyse
from mcsim.inputs.priors import load_priors
from mcsim.report import rendering
from mcsim.report.sensitivity_figures import plot_sensitivity, sensitivity_caption

PRIORS = load_priors(Path(__file__).parent / "data" / "ishigami.toml")


def _analysis(n: int, most: int, tolerance: float):
    spec = SensitivitySpec(("y",), base_samples=n, max_base_samples=most, tolerance=tolerance)
    return analyse(PRIORS, ISHIGAMI, spec, seed=2025)


def test_a_single_base_sample_draws_no_convergence_figure(tmp_path):
    result = _analysis(256, 256, 0.05)
    assert len(result["y"].convergence) == 1
    assert plot_sensitivity(result, tmp_path) == ["sensitivity_y_indices", "sensitivity_y_tornado"]
    assert not list(tmp_path.glob("*convergence*"))


def test_a_doubled_base_sample_draws_its_convergence(tmp_path):
    result = _analysis(64, 256, 1e-6)
    assert [step.base_samples for step in result["y"].convergence] == [64, 128, 256]
    assert "sensitivity_y_convergence" in plot_sensitivity(result, tmp_path)


@pytest.fixture
def drawn(monkeypatch):
    """The figures plot_sensitivity draws, by stem, kept open instead of saved."""
    figures = {}

    def keep(fig, directory, stem):
        figures[stem] = fig
        return stem

    monkeypatch.setattr(rendering, "save", keep)
    yield figures
    for fig in figures.values():
        plt.close(fig)


def _hatched(ax) -> set[tuple[str, str]]:
    """(index, input) of each hatched bar: S1 bars sit 0.2 above an input's tick, ST bars 0.2 below."""
    names = [label.get_text() for label in ax.get_yticklabels()]
    found = set()
    for bar in ax.patches:
        if bar.get_height() and bar.get_hatch():
            centre = bar.get_y() + bar.get_height() / 2
            found.add(("S1" if centre > round(centre) else "ST", names[round(centre)]))
    return found


def test_an_index_wider_than_the_tolerance_is_hatched(drawn, tmp_path):
    result = _analysis(1024, 1024, 0.1)
    assert result["y"].not_converged == {"S1": ("x1", "x3"), "ST": ("x1",)}  # the others are narrower than 0.1
    plot_sensitivity(result, tmp_path)
    ax = drawn["sensitivity_y_indices"].axes[0]
    assert _hatched(ax) == {("S1", "x1"), ("S1", "x3"), ("ST", "x1")}
    assert any("not converged" in text.get_text() for text in ax.get_legend().get_texts())
    assert "A hollow, hatched bar is not converged: its interval is at least 0.1 wide." in sensitivity_caption(
        "sensitivity_y_indices", result)


def test_converged_indices_are_not_hatched(drawn, tmp_path):
    result = _analysis(2048, 2048, 0.1)
    assert result["y"].not_converged == {"S1": (), "ST": ()}
    plot_sensitivity(result, tmp_path)
    ax = drawn["sensitivity_y_indices"].axes[0]
    assert _hatched(ax) == set()
    assert not any("not converged" in text.get_text() for text in ax.get_legend().get_texts())
    assert "hatched" not in sensitivity_caption("sensitivity_y_indices", result)
