"""Numerical edges: well-defined outputs or clear refusals, and no NaN reaching a report unexplained.

Each case runs the whole pipeline on a few samples and writes the report, then checks that
``summary.json`` holds no NaN or infinity (JSON has neither), that every null in it is either an
infinite value the output names (``null_means``) or a statistic listed under ``undefined``, and
that neither report.md nor report.html shows ``nan``.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from conftest import points_with

from mcsim.inputs.errors import InputError
from mcsim.inputs.runs import load_run
from mcsim.models.tableau1 import TABLEAU1
from mcsim.models.tableau1.table import deterministic_table
from mcsim.pipeline import execute
from mcsim.report import write_report

UNCERTAIN_LIFETIME = 'point = 12\ndist = "uniform"\nlow = 6\nhigh = 24\nsource = "s"'
UNCERTAIN_PRICE = 'point = 20\ndist = "uniform"\nlow = 15\nhigh = 25\nsource = "s"'


def _report(write, tmp_path, samples=16, users="[1e4, 1e6, 1e8]", sampler="random", *, points=False, **priors):
    if not points:  # every output varies
        priors = {"lifetime_months": UNCERTAIN_LIFETIME, **priors}
    write("p.toml", points_with(**priors))
    run = write("r.toml", f'[run]\npriors = "p.toml"\nsamples = {samples}\nsampler = "{sampler}"\n'
                f"users = {users}\n"
                '[[claims]]\nname = "within_6M"\noutput = "break_even_users"\nop = "<="\nvalue = 6e6\n'
                '[[claims]]\nname = "surplus"\noutput = "surplus"\nop = ">"\nvalue = 0\n'
                f"users = {users.strip('[]').split(',')[-1].strip()}\n")
    result = execute(load_run(run))
    out = write_report(result, tmp_path / "out")
    text = (out / "summary.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    summary = json.loads(text)
    for name, entry in summary["outputs"].items():
        for key, value in entry.items():
            if key in ("users", "undefined", "null_means", "unit"):
                continue
            values = value if isinstance(value, list) else [value]
            if None in values:
                explained = key in entry.get("undefined", {}) or (
                    "null_means" in entry and key in ("p05", "p50", "p95"))
                assert explained, f"{name}.{key} is null without a reason"
    for page in ("report.md", "report.html"):
        shown = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", (out / page).read_text())
        assert not re.search(r"\bnan\b", shown, flags=re.IGNORECASE), page
    assert all(p.stat().st_size > 0 for p in (out / "figures").glob("*.png"))
    return result, summary


def test_margin_below_zero_never_breaks_even(write, tmp_path):
    _, summary = _report(write, tmp_path, conversion_rate='point = 0\ndist = "point"\nsource = "s"',
                         price=UNCERTAIN_PRICE)
    be = summary["outputs"]["break_even_users"]
    assert be["p_never"] == 1.0 and be["p05"] is None and be["p50"] is None and be["p95"] is None
    assert be["mean"] is None and "no sample is finite" in be["undefined"]["mean"]
    assert summary["claims"]["within_6M"]["probability"] == 0.0
    assert summary["outputs"]["surplus"]["p_positive"] == [0.0, 0.0, 0.0]


def test_margin_exactly_zero_never_breaks_even(write, tmp_path):
    # 5 % of users pay $20: $1 per user; 100 prompts at $0.01: $1 per user
    _, summary = _report(write, tmp_path, cost_per_1k_tokens='point = 0.04\ndist = "point"\nsource = "s"',
                         price=UNCERTAIN_PRICE.replace("low = 15\nhigh = 25", "low = 10\nhigh = 20"))
    assert summary["outputs"]["break_even_users"]["p_never"] == 1.0


def test_conversion_of_one(write, tmp_path):
    _, summary = _report(write, tmp_path, conversion_rate='point = 1\ndist = "point"\nsource = "s"',
                         price=UNCERTAIN_PRICE)
    be = summary["outputs"]["break_even_users"]
    # 63e6 / (6 to 24 months) / (price - $0.1): every sample breaks even, within the ends of the ranges
    assert be["p_never"] == 0.0
    assert 63e6 / 24 / 24.9 <= be["p05"] <= be["p95"] <= 63e6 / 6 / 14.9


def test_conversion_over_its_whole_range(write, tmp_path):
    # margin = 20 x conversion - $0.1: at most 0 for a conversion up to 0.5 %, half of the range
    _, summary = _report(write, tmp_path, samples=64,
                         conversion_rate='point = 0.005\ndist = "uniform"\nlow = 0\nhigh = 0.01\nsource = "s"')
    be = summary["outputs"]["break_even_users"]
    assert 0.25 < be["p_never"] < 0.75 and math.isfinite(be["mean"]) and be["p95"] is None


def test_free_training_breaks_even_at_once(write, tmp_path):
    result, summary = _report(write, tmp_path, training_cost='point = 0\ndist = "point"\nsource = "s"',
                              price=UNCERTAIN_PRICE)
    assert summary["outputs"]["break_even_users"]["p95"] == 0.0
    assert summary["outputs"]["crossover_users"]["p95"] == 0.0
    assert len(deterministic_table(result.spec.priors)) == 5  # no break-even row at 0 users: no unit cost there


def test_free_inference(write, tmp_path):
    _, summary = _report(write, tmp_path, cost_per_1k_tokens='point = 0\ndist = "point"\nsource = "s"',
                         price=UNCERTAIN_PRICE)
    crossover = summary["outputs"]["crossover_users"]
    assert crossover["p_never"] == 1.0 and "inference is free" in crossover["null_means"]


def test_extreme_but_valid_magnitudes(write, tmp_path):
    _, summary = _report(
        write, tmp_path, users="[1, 1e6, 1e12]",
        training_cost='point = 1e15\ndist = "lognormal"\np05 = 1e14\np95 = 1e15\nsource = "s"',
        cost_per_1k_tokens='point = 1e-12\ndist = "loguniform"\nlow = 1e-12\nhigh = 2e-12\nsource = "s"')
    for name in ("break_even_users", "crossover_users", "cost_per_prompt", "monthly_fixed_cost"):
        entry = summary["outputs"][name]
        assert all(math.isfinite(entry[k]) for k in ("mean", "p05", "p50", "p95")), name
    # crossover = fixed / (100 prompts x 2.5e-13 .. 5e-13 $): at least 1e14/12 / 5e-11
    assert summary["outputs"]["crossover_users"]["p05"] >= 1e14 / 12 / 5e-11 * (1 - 1e-9)
    assert summary["outputs"]["unit_cost"]["p95"][0] > 1e10  # a trillion-dollar model over one user


def test_magnitudes_beyond_double_precision_are_refused(write):
    write("p.toml", points_with(training_cost='point = 1e300\ndist = "point"\nsource = "s"',
                                prompts_per_user='point = 1e-300\ndist = "point"\nsource = "s"'))
    run = write("r.toml", '[run]\npriors = "p.toml"\nsamples = 16\nusers = [1e-10]\n')
    with pytest.raises(InputError, match=r"\[run\] cannot be computed in double precision: unit_cost is inf"):
        load_run(run)


def test_a_users_grid_of_one_point(write, tmp_path):
    _, summary = _report(write, tmp_path, users="[5e7]", price=UNCERTAIN_PRICE)
    assert summary["outputs"]["surplus"]["users"] == [5e7]
    assert summary["outputs"]["surplus"]["p_positive"] == [1.0]


def test_all_point_priors(write, tmp_path):
    result, summary = _report(write, tmp_path, points=True)
    expected = TABLEAU1.evaluate({p.name: np.array([p.point]) for p in result.spec.priors.inputs},
                                 np.array([1e4, 1e6, 1e8]))
    assert summary["outputs"]["break_even_users"]["p50"] == pytest.approx(float(expected["break_even_users"][0]))
    assert summary["outputs"]["break_even_users"]["sd"] == 0.0


@pytest.mark.parametrize("sampler", ["random", "sobol"])
def test_a_single_sample(write, tmp_path, sampler):
    _, summary = _report(write, tmp_path, samples=1, sampler=sampler)
    be = summary["outputs"]["break_even_users"]
    assert be["p05"] == be["p50"] == be["p95"] == be["mean"]
    assert be["sd"] is None and "single sample" in be["undefined"]["sd"]


def test_a_single_sample_of_lhs(write):
    """A single Latin hypercube sample: one stratum, the statistics alone."""
    from mcsim.report.summary_words import summary as build_summary

    write("p.toml", points_with(price=UNCERTAIN_PRICE))
    run = write("r.toml", '[run]\npriors = "p.toml"\nsamples = 1\nsampler = "lhs"\n')
    summary = build_summary(execute(load_run(run)))
    be = summary["outputs"]["break_even_users"]
    assert be["p05"] == be["p50"] == be["p95"] == pytest.approx(be["mean"])
    assert be["sd"] is None and "single sample" in be["undefined"]["sd"]
    assert summary["outputs"]["surplus"]["sd"] == [None] * 5 and "sd" in summary["outputs"]["surplus"]["undefined"]


def test_table_refuses_points_beyond_double_precision(write, capsys):
    from mcsim.cli import main

    path = write("p.toml", points_with(training_cost='point = 1e300\ndist = "point"\nsource = "s"',
                                       lifetime_months='point = 1e-300\ndist = "point"\nsource = "s"'))
    assert main(["table", str(path)]) == 2
    assert f"{path}: [inputs] cannot be computed in double precision: monthly_fixed_cost is inf" in \
        capsys.readouterr().err
