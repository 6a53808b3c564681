"""``[report] figures = "none"`` (``--figures none``): a report with every file but its figures, quicker to write."""

from __future__ import annotations

import dataclasses
import json

import matplotlib.figure
import pytest

from mcsim.cli import main
from mcsim.report.writing import write_report


@pytest.fixture(scope="module")
def undrawn(small_default_run, tmp_path_factory):
    result = dataclasses.replace(small_default_run, spec=dataclasses.replace(small_default_run.spec, figures="none"))
    return result, write_report(result, tmp_path_factory.mktemp("undrawn") / "report")


def test_a_report_without_figures_has_every_other_file_and_says_why_it_has_none(undrawn, small_default_report):
    result, folder = undrawn
    assert not (folder / "figures").exists()
    drawn = {p.relative_to(small_default_report).as_posix() for p in small_default_report.rglob("*") if p.is_file()}
    here = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert here == {name for name in drawn if not name.startswith("figures/")}
    summary = json.loads((folder / "summary.json").read_text())
    assert not any(name.startswith("figures/") for name in summary["manifest"]["files"])
    assert summary["claims"] == json.loads((small_default_report / "summary.json").read_text())["claims"]
    text = (folder / "report.md").read_text()
    assert "![" not in text and "(PDF: `figures/" not in text
    assert "--figures none" in text and "This report's figures were not drawn (figure style `none`)" in text
    assert "<img" not in (folder / "report.html").read_text()
    # its figures are still drawn on demand, in the default style
    fig = matplotlib.figure.Figure()
    assert result.plot("break_even_users_distribution", ax=fig.add_subplot()).has_data()


def test_none_is_a_figure_setting_the_checks_name(tmp_path, capsys):
    run = tmp_path / "run.toml"
    run.write_text('[run]\npriors = "x.toml"\n[report]\nfigures = "nothing"\n')
    assert main(["validate", str(run)]) == 2
    err = capsys.readouterr().err
    assert "figures" in err and "nothing" in err and "none" in err
