"""Tableau 1's model against the paper's printed rows and closed forms."""

from pathlib import Path

import numpy as np
import pytest

from mcsim.inputs.priors import load_priors
from mcsim.models import resolve
from mcsim.models.tableau1 import PAPER, TABLEAU1, paper
from mcsim.report.models.tableau1 import consistency_checks, markdown_section

ROOT = Path(__file__).resolve().parent.parent

TABLE_POINTS = {**paper.STATED, "cost_per_1k_tokens": 0.004}  # the table's $0.0010 per prompt


def _evaluate(values, users):
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(values[name], dtype=float))
                                   for name in TABLEAU1.input_names))
    return TABLEAU1.evaluate(dict(zip(TABLEAU1.input_names, arrays, strict=True)), np.asarray(users, dtype=float))


@pytest.mark.parametrize("row", paper.TABLE1, ids=lambda r: f"{r.users:.0f}")
def test_rows_of_tableau1(row):
    users = row.users
    if row.surplus_usd == 0:  # the break-even row: users and prompts are the model's break-even, rounded
        users = _evaluate(TABLE_POINTS, [1.0])["break_even_users"][0]
        assert round(users) == row.users
    out = _evaluate(TABLE_POINTS, [users])
    assert round(users * TABLE_POINTS["prompts_per_user"]) == row.prompts
    assert out["surplus"][0, 0] == pytest.approx(row.surplus_usd, abs=0.5)
    if row.surplus_usd != 0:  # the break-even row's printed unit cost is the paper's error
        assert round(out["unit_cost"][0, 0] + 1e-12, 4) == pytest.approx(row.unit_cost_usd, abs=1e-9)


def test_break_even_and_crossover_closed_forms():
    out = _evaluate(TABLE_POINTS, [1.0])
    assert out["break_even_users"][0] == pytest.approx(63e6 / 12 / (0.05 * 20 - 100 * 0.001))
    assert out["crossover_users"][0] == pytest.approx(52.5e6)
    stated = _evaluate({**TABLE_POINTS, "cost_per_1k_tokens": 0.002}, [1.0])
    assert round(stated["break_even_users"][0]) == 5_526_316
    text = _evaluate({**TABLE_POINTS, "conversion_rate": 0.01}, [1.0])
    assert text["break_even_users"][0] == pytest.approx(52.5e6)


def test_non_positive_margin_never_breaks_even():
    values = {**TABLE_POINTS, "conversion_rate": np.array([0.005, 0.0, 0.05])}
    out = _evaluate(values, [1e6])
    assert np.isinf(out["break_even_users"][:2]).all() and out["break_even_users"][0] > 0
    assert np.isfinite(out["break_even_users"][2])
    assert not np.isnan(out["surplus"]).any()
    # margin exactly zero: 0.005 * 20 = 100 * 0.001
    exact = _evaluate({**TABLE_POINTS, "conversion_rate": 0.005}, [1e6])
    assert exact["margin_per_user"][0] == pytest.approx(0.0, abs=1e-15)
    assert np.isinf(exact["break_even_users"][0])


def test_free_inference_never_crosses():
    out = _evaluate({**TABLE_POINTS, "cost_per_1k_tokens": 0.0}, [1.0])
    assert np.isinf(out["crossover_users"][0])


def test_surplus_is_positive_exactly_beyond_break_even():
    rng = np.random.default_rng(1)
    values = {**TABLE_POINTS, "conversion_rate": rng.uniform(0.01, 0.1, 1000)}
    users = np.geomspace(1e4, 1e9, 40)
    out = _evaluate(values, users)
    beyond = users[np.newaxis, :] > out["break_even_users"][:, np.newaxis]
    assert np.array_equal(out["surplus"] > 0, beyond)


def test_resolve_models():
    assert resolve("tableau1") is TABLEAU1
    with pytest.raises(LookupError, match="not a built-in model"):
        resolve("tableau2")
    with pytest.raises(LookupError, match="cannot be imported"):
        resolve("no_such_module_xyz:MODEL")
    with pytest.raises(LookupError, match=r"is not a mcsim\.models\.Model"):
        resolve("mcsim.models.tableau1.paper:TABLE1")


def test_three_figures_are_inconsistent_and_the_crossover_holds_as_a_round_figure():
    """Three inconsistencies: $0.0010 per prompt where $0.002 x 250 tokens give $0.0005, the break-even row's
    $0.1090 where the model gives $0.0100, and 1 % in the text against 5 % in the table and footnote 7. The
    crossover, 52.5 million users, is the text's "Au-delà des 50 millions" to the nearest 10 million, and read
    literally fails between 50 and 52.5 million (at 50 million training costs $63M / 12 = $5.25M a month,
    inference 50M x 100 x $0.0010 = $5.0M)."""
    priors = load_priors(ROOT / "priors" / "paper-table1.toml")
    checks = {c.title: c for c in consistency_checks(priors)}
    assert sorted(title for title, check in checks.items() if not check.consistent) == [
        "Conversion rate", "Cost per prompt", "Unit cost at break-even"]
    crossover = checks["Crossover of inference and training costs"]
    assert crossover.consistent
    assert "Au-delà des 50 millions d'utilisateurs" in crossover.detail and "about" not in crossover.detail
    assert "fails from 50 to 52.5 million users" in crossover.detail
    assert "training costs $5,250,000 a month and inference $5,000,000" in crossover.detail
    section = "\n".join(markdown_section(priors))
    assert "3 of 5 figures the paper states are inconsistent" in section
    assert "- **Crossover of inference and training costs** (consistent)" in section


def test_the_inference_cost_is_the_gpt4_estimate_of_the_source_footnote_4_cites():
    """$0.002 per 1000 tokens is McGuinness's (2023, after SemiAnalysis) estimate for GPT-4, about $0.0021 on H100s
    and $0.0049 on A100s, not a misattributed API price: the check says so and counts it as consistent."""
    check = {c.title: c for c in consistency_checks(load_priors(ROOT / "priors" / "paper-table1.toml"))}[
        "Source of the inference cost"]
    assert check.consistent
    assert "footnote 4" in check.detail and "McGuinness" in check.detail
    assert "$0.0021 per 1000 tokens on H100s, $0.0049 on A100s" in check.detail
    assert "not a cost estimate for GPT-4" not in check.detail and "coincidence" in check.detail
    assert f"{paper.SOURCE_COST_PER_1K['H100']:.1g}" == f"{paper.STATED['cost_per_1k_tokens']:g}"  # $0.0021 -> $0.002


def test_the_crossover_label_says_what_the_paper_says():
    """The paper says "Au-delà des 50 millions", with no "about"; the figures' label says the same."""
    reference = TABLEAU1.reference(PAPER)
    assert reference.value("crossover_users") == (50e6, "paper: 50 million")
