"""A run in a notebook: a short repr, the answer and claims as HTML, the report's tables as DataFrames."""

import math

import numpy as np
import pytest
from conftest import ROOT

import mcsim
from mcsim.report.tables import run_tables


@pytest.fixture(scope="module")
def result():
    spec = mcsim.load_run(ROOT / "runs" / "paper-table1.toml", samples=1024)
    return mcsim.run(spec.__class__(**{**spec.__dict__, "sensitivity": None, "value_of_information": None}))


def test_a_result_shows_itself_in_a_few_lines(result):
    shown = repr(result)
    lines = shown.splitlines()
    assert lines[0] == ("<mcsim result: 'Tableau 1 with uncertainty', model tableau1, 1,024 samples (sobol, "
                        "seed 2025)>")
    assert len(lines) == 1 + len(result.claims) and len(shown) < 2000
    c = result.claims["break_even_within_6M"]
    assert (f"  break_even_within_6M: P = {c.probability:.4f} ({c.ci95[0]:.4f} to {c.ci95[1]:.4f}), "
            in shown)


def test_a_notebook_shows_the_answer_and_the_claims(result):
    page = result._repr_html_()
    assert len(page.encode()) < 200_000 and page.startswith('<div class="mcsim-result" lang="en">')
    assert "<table>" in page and "break_even_users" not in page.split("<table>")[0][:200]
    assert page.count("<tr>") == 1 + len(result.claims)  # the claims' table: a head and a row each
    assert "Tableau 1 with uncertainty" in page and "<script" not in page
    assert result._repr_markdown_().startswith("### Tableau 1 with uncertainty\n")


def test_the_tables_are_the_reports_with_numbers_as_numbers(result):
    frames = result.tables()
    written = run_tables(result)
    assert list(frames) == [t.stem for t in written]
    for table in written:
        frame = frames[table.stem]
        assert list(frame.columns) == list(table.header) and len(frame) == len(table.rows)
        assert frame.attrs["file"] == f"tables/{table.stem}.csv"
        for i, head in enumerate(table.header):
            raw = [v.item() if isinstance(v, np.ndarray) else v for v in (row[i] for row in table.rows)]
            if all(isinstance(v, float) or v is None for v in raw) and any(v is not None for v in raw):
                assert frame[head].dtype == np.float64
                assert all((v is None and math.isnan(x)) or x == v or (math.isnan(x) and math.isnan(v))
                           for v, x in zip(raw, frame[head], strict=True))
    outputs = frames["outputs"].set_index("output")
    assert outputs.loc["break_even_users", "median"] == pytest.approx(float(result.outputs["break_even_users"].p50))
    assert np.isnan(outputs.loc["break_even_users", "mean"])  # infinite in some samples: no mean
