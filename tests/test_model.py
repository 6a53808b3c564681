"""Tableau 1's model against the paper's printed rows and closed forms."""

from pathlib import Path

import numpy as np
import pytest

from mcsim.inputs.priors import load_priors
from mcsim.models import resolve
from mcsim.models.tableau1 import TABLEAU1, paper
from mcsim.models.tableau1.table import consistency_checks, markdown_section

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


def test_the_crossover_is_within_the_texts_rounding_and_the_real_inconsistencies_stay():
    """52.5 million users is "about 50 million" (stated to the nearest 10 million); the other four checks fail."""
    priors = load_priors(ROOT / "priors" / "paper-table1.toml")
    checks = {c.title: c for c in consistency_checks(priors)}
    crossover = checks.pop("Crossover of inference and training costs")
    assert crossover.consistent and "52.5 million users, which rounds to the text's 50 million" in crossover.detail
    assert sorted(checks) == ["Conversion rate", "Cost per prompt", "Source of the inference cost",
                              "Unit cost at break-even"]
    assert not any(c.consistent for c in checks.values())
    section = "\n".join(markdown_section(priors))
    assert "4 of 5 figures the paper states are inconsistent" in section
    assert "- **Crossover of inference and training costs** (consistent)" in section
