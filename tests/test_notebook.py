"""A run in a notebook: a short repr, the answer and claims as HTML, the report's tables as DataFrames."""

import math

import numpy as np
import pytest
from conftest import ROOT

import mcsim
from mcsim.report.sections import run_tables
from mcsim.report.text import estimate


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
    p, low, high = estimate(c.probability, c.ci95)  # 0.57 (0.54 to 0.60): two decimals over 1,024 samples
    assert f"  break_even_within_6M: P = {p} ({low} to {high}), " in shown and len(low) == 4


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


def test_the_dataset_carries_the_claims_and_the_indices_and_round_trips(small_default_run, tmp_path):
    """to_dataset(): each claim's probability, interval and term, each target's Sobol indices and Shapley effects
    (target x input) beside the outputs, as summary.json gives them, through a netCDF file and back."""
    import xarray as xr

    result = small_default_run
    data = result.to_dataset()
    summary = result.summary
    assert list(data["claim"].values) == list(summary["claims"])
    for name, c in summary["claims"].items():
        row = data.sel(claim=name)
        assert float(row["claim_probability"]) == c["probability"] and float(row["claim_se"]) == c["se"]
        assert [float(row["claim_ci95_low"]), float(row["claim_ci95_high"])] == c["ci95"]
        assert str(row["claim_likelihood"].values) == c["likelihood"]
        assert bool(row["claim_holds_at_point"]) == c["holds_at_point"]
    targets = result.sensitivity.targets
    assert list(data["target"].values) == [t.target.key for t in targets]
    checked = 0
    for t in targets:
        claim = t.target.claim
        said = (summary["sensitivity"]["claims"][claim.name] if claim is not None else
                summary["sensitivity"][t.target.output])
        for key in ("S1", "S1_conf", "ST", "ST_conf", "shapley", "shapley_conf"):
            for name, value in (said.get(key) or {}).items():
                cell = float(data[f"sensitivity_{key}"].sel(target=t.target.key, input=name))
                assert cell == pytest.approx(value, rel=1e-12, abs=1e-15, nan_ok=True)
                checked += 1
    assert checked > 6 * len(result.spec.priors.inputs)  # S1, ST and Shapley effects with their intervals
    path = tmp_path / "results.nc"
    data.to_netcdf(path, engine="netcdf4")
    with xr.open_dataset(path, engine="netcdf4") as back:
        xr.testing.assert_identical(back.load(), data)
