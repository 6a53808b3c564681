"""The report as sections: each part written once (text, tables, figures, methods), read by every rendering.

Checked on the small default run (every section but the observations) and on a run without claims or analyses
(the sections that do not apply give nothing: no text, table, figure or methods paragraph).
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import ROOT

import mcsim
from mcsim.i18n import speaking
from mcsim.report.document import render_markdown
from mcsim.report.sections import METHODS, REPORT, SECTIONS, methods_of, plan_figures, run_tables, sections


def _h2(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, flags=re.MULTILINE)


def test_report_md_is_its_sections_texts_with_their_figures_after_each(small_default_run):
    result = small_default_run
    figures = plan_figures(result)
    text = render_markdown(result, figures)
    tables = {table.stem: table for table in run_tables(result)}
    at = 0
    for section in sections(result):
        own = "\n".join(section.text(result, tables))
        found = text.find(own, at)
        assert found >= at, section.key  # each section's text, whole, in the report's order
        at = found + len(own)
        drawn = figures.get(section.key, [])
        if drawn:  # its figures straight after it, under its own heading
            after = text[at:]
            assert after.lstrip("\n").startswith(section.figures_heading), section.key
            shown = re.findall(r"!\[[^]]*\]\(figures/([\w.-]+)\.png\)", after.split("\n## ")[0])
            assert shown[:len(drawn)] == [f.stem for f in drawn], section.key
    assert {key for key, drawn in figures.items() if drawn} == {"verdict", "outputs", "sensitivity",
                                                                "value_of_information"}


def test_every_table_and_figure_belongs_to_one_section(small_default_run):
    result = small_default_run
    owners: dict[str, list[str]] = {}
    for section in sections(result):
        for table in section.tables(result):
            owners.setdefault(f"tables/{table.stem}", []).append(section.key)
    for key, drawn in plan_figures(result).items():
        for figure in drawn:
            owners.setdefault(f"figures/{figure.stem}", []).append(key)
    assert {name: keys for name, keys in owners.items() if len(keys) > 1} == {}
    assert [t.stem for t in run_tables(result)] == [name[7:] for name in owners if name.startswith("tables/")]
    assert "tables/tipping_points" in owners and "tables/sobol_indices" in owners


def test_the_methods_follow_a_papers_order_not_the_reports(small_default_run):
    """The report opens with the verdict; its methods say how the samples were drawn and the priors chosen first."""
    assert REPORT.index("verdict") < REPORT.index("outputs") < REPORT.index("priors")
    assert METHODS.index("opening") < METHODS.index("priors") < METHODS.index("outputs") < METHODS.index("verdict")
    with speaking("en"):
        paragraphs = methods_of(small_default_run).paragraphs
    said = [" ".join(template for template, _values in sentences) for sentences in paragraphs]
    first = {word: next(i for i, text in enumerate(said) if word in text)
             for word in ("The model is", "The priors", "Quantiles", "Sobol' indices", "tipping points")}
    assert list(first.values()) == sorted(first.values())


@pytest.fixture(scope="module")
def bare():
    """The default run without claims, sensitivity analysis or value of information, at 1024 samples."""
    spec = mcsim.load_run(ROOT / "runs" / "paper-table1.toml", samples=1024)
    return mcsim.run(dataclasses.replace(spec, claims=(), sensitivity=None, value_of_information=None))


def test_a_section_that_does_not_apply_gives_nothing(bare):
    keys = [section.key for section in sections(bare)]
    assert keys == ["opening", "outputs", "medians", "publication", "methods", "priors", "reproduce"]
    assert {t.stem for t in run_tables(bare)} >= {"outputs", "priors"}
    assert not {"claims", "tipping_points", "sobol_indices", "value_of_information"} & {
        t.stem for t in run_tables(bare)}
    assert set(plan_figures(bare)) == {"outputs"}
    with speaking("en"):
        text = render_markdown(bare)
    assert _h2(text)[:2] == ["Outputs", "Why the medians differ from the values at the points"]
    assert not {"Verdict", "Claims", "Sensitivity: which assumption matters most"} & set(_h2(text))
    assert set(SECTIONS) == set(REPORT) and set(METHODS) <= set(REPORT)
