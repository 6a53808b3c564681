"""The report and summary.json on why medians differ from the points, and on means that are no summary."""

import csv
import dataclasses
import io
import json
import math

import numpy as np
import pytest
from conftest import ROOT

from mcsim.analysis.sensitivity import indices_distinguishable
from mcsim.compute.streaming import TAIL_KEPT
from mcsim.i18n import speaking
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report import write_report
from mcsim.report.attribution import medians_markdown
from mcsim.report.sections import run_tables

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()
LIFETIME_MEDIAN = 25 - math.sqrt(0.5 * 17 * 13)  # triangular 8-12-25


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attribution")
    (tmp / "run.toml").write_text(f'[run]\ntitle = "medians"\npriors = "{PRIORS}"\nsamples = 65536\nseed = 2025\n'
                                  'sampler = "sobol"\nusers = [1e4, 5e7]\n'
                                  '[[claims]]\nname = "c"\noutput = "break_even_users"\nop = "<="\nvalue = 6e6\n',
                                  encoding="utf-8")
    result = execute(load_run(tmp / "run.toml"))
    out = write_report(result, tmp / "out")
    return json.loads((out / "summary.json").read_text()), (out / "report.md").read_text(), result


def test_summary_carries_the_median_attribution(report):
    summary, _, _ = report
    break_even = summary["outputs"]["break_even_users"]
    found = break_even["median_attribution"]
    assert found["median"] == break_even["p50"]
    assert found["at_points"] == pytest.approx(63e6 / 12 / 0.9, rel=1e-12)
    lifetime = found["inputs"]["lifetime_months"]
    assert lifetime["point"] == 12 and lifetime["median"] == pytest.approx(LIFETIME_MEDIAN, rel=1e-12)
    assert lifetime["output"] == pytest.approx(63e6 / LIFETIME_MEDIAN / 0.9, rel=1e-12)
    assert {"median", "output", "shift", "share"} <= lifetime.keys() and "price" not in found["inputs"]
    assert sum(entry["share"] for entry in found["inputs"].values()) == pytest.approx(1.0)
    assert found["at_medians"] == pytest.approx(5_210_101, abs=1)
    assert found["moved_by"] == "lifetime_months"
    assert found["spread_driver"]["input"] == "conversion_rate"
    assert "Spearman" in found["spread_driver"]["ranked_by"]
    assert "median_attribution" in summary["outputs"]["crossover_users"]
    assert "median_attribution" not in summary["outputs"]["surplus"]  # over the users grid: not explained
    assert "share" in summary["notes"]["median_attribution"] and "tail_index" in summary["notes"]["heavy_tail"]


def test_summary_flags_a_mean_that_is_no_summary(report):
    summary, _, result = report
    heavy = summary["outputs"]["break_even_users"]["heavy_tail"]
    # a fixed cost over a margin with a density at 0: tail index 1, which the run's largest values show
    assert heavy["mean_is_summary"] is False and 0.5 < heavy["tail_index"] < 2 and heavy["tail_index_se"] < 0.2
    assert "below 2: the variance may be infinite" in heavy["why"] and "the median and quantiles" in heavy["why"]
    assert heavy["tail_samples"] == result.tails["break_even_users"].tail
    for name in ("crossover_users", "margin_per_user", "cost_per_prompt", "monthly_fixed_cost"):
        light = summary["outputs"][name]["heavy_tail"]
        assert light["mean_is_summary"] is True and light["tail_index"] >= 2, name
    assert "heavy_tail" not in summary["outputs"]["surplus"]


def test_the_run_keeps_the_largest_values_of_every_sample_however_it_is_cut(write):
    runs = []
    for chunk in (8192, 65536):
        path = write(f"run{chunk}.toml", f"""
            [run]
            priors = "{PRIORS}"
            samples = 65536
            keep_samples = 65536
            chunk_size = {chunk}
            users = [1e4]
            """)
        runs.append(execute(load_run(path)))
    for name in ("break_even_users", "margin_per_user"):
        every = runs[0].kept.outputs[name]
        every = abs(every[np.isfinite(every)])
        assert np.array_equal(runs[0].outputs[name].largest, np.sort(every)[-TAIL_KEPT:])
        assert np.array_equal(runs[0].outputs[name].largest, runs[1].outputs[name].largest)
        assert runs[0].tails[name] == runs[1].tails[name]
    assert runs[0].outputs["surplus"].largest is None


def test_the_report_leads_with_the_median_and_says_why_it_is_not_the_points(report):
    _, text, _ = report
    assert "| output | unit | median | p05 | p95 | mean | sd | P(infinite) |" in text
    row = next(line for line in text.splitlines() if line.startswith("| Break-even monthly users |"))
    # a mean and sd that are no summary are not printed as numbers beside the quantiles: a word stands for them
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[5] == cells[6] == "no summary (see below)", row
    crossover = next(line for line in text.splitlines() if line.startswith("| Users at which monthly inference"))
    assert "no summary" not in crossover
    assert "*Break-even monthly users*: the mean and sd are no summary." in text
    section = text[text.index("## Why the medians differ from the values at the points"):]
    assert "mainly because of the time a model is in service" in section
    assert "has its median at 14.5 months, above its point of 12 months" in section
    assert "4,831,551" in section and "5,210,101" in section
    assert "; the share of users paying for Plus drives its spread most (ranked first by" in section
    assert "| Time a model is in service | 12 months | 14.5 months | 4,831,551 | \u22121,001,783 | 183 % |" in section


def test_the_spread_driver_comes_from_the_sobol_ranking_ties_included(write):
    path = write("sobol.toml", f"""
        [run]
        priors = "{PRIORS}"
        samples = 4096
        users = [1e4]

        [sensitivity]
        outputs = ["crossover_users"]
        base_samples = 1024
        max_base_samples = 1024
        """)
    result = execute(load_run(path))
    found = result.medians["crossover_users"]
    ranking = result.sensitivity["crossover_users"].ranking
    assert str(found.driver_by) == "their total Sobol index of the output"  # the output its paragraph is on
    assert found.driver == ranking.top and set(ranking.top_group) <= {found.driver, *found.tied}
    # named with it: every input whose interval overlaps the first one's, tied or not (no order the run cannot tell)
    ix = result.sensitivity["crossover_users"].indices
    j = ix.names.index(ranking.top)
    assert found.tied == tuple(n for n in ranking.order[1:] if not indices_distinguishable(
        ix.ST[j], ix.ST_conf[j], ix.ST[ix.names.index(n)], ix.ST_conf[ix.names.index(n)]))
    assert "Spearman" in str(result.medians["break_even_users"].driver_by)  # not in the sensitivity analysis
    # two inputs the ranking cannot tell apart are named together
    tied = dataclasses.replace(found, driver="cost_per_1k_tokens", tied=("tokens_per_prompt",))
    text = "\n".join(medians_markdown(dataclasses.replace(result, medians={"crossover_users": tied})))
    assert ("the inference cost per 1000 tokens and the tokens per request (prompt + response) drive its spread "
            "most (tied, ranked first by their total Sobol index of the output)") in text
    with speaking("fr"):  # each input with its article, as French lists them
        text = "\n".join(medians_markdown(dataclasses.replace(result, medians={"crossover_users": tied})))
    assert ("le paramètre «\u00a0coût d'inférence par millier de jetons\u00a0» et le paramètre «\u00a0jetons par "
            "requête (question et réponse)\u00a0» dominent sa dispersion (à égalité, classés premiers selon leur "
            "indice de Sobol total pour le résultat)") in text


def test_the_tables_give_no_number_for_a_mean_that_is_no_summary(report):
    """outputs.csv leaves the mean and sd of a heavy-tailed output empty (mean_is_summary false), and the LaTeX
    table gives a dash marked (a) there, with the note under the table; summary.json keeps the numbers."""
    summary, _, result = report
    table = next(t for t in run_tables(result) if t.stem == "outputs")
    rows = {row["output"]: row for row in csv.DictReader(io.StringIO(table.to_csv()))}
    heavy = rows["break_even_users"]
    assert heavy["mean_is_summary"] == "false" and heavy["mean"] == "" and heavy["sd"] == ""
    assert float(rows["crossover_users"]["mean"]) > 0
    assert summary["outputs"]["break_even_users"]["mean"] > 0
    line = next(line for line in table.tex.splitlines() if line.startswith("Break-even monthly users"))
    assert line.count(r"{---\textsuperscript{a}}") == 2, line
    assert r"{\footnotesize (a) The tail of this output is too heavy" in table.tex
