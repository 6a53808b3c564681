"""tables/, methods.md/.tex and references.bib: the numbers read back, the LaTeX compiles, the methods tell the run.

The CSV files are read back and compared with the Result they were written from, bit for bit.
Every .tex file of a run and of a batch's comparison is compiled inside a minimal document with
booktabs by ``pdflatex`` where it is installed (the test says so and is skipped where it is
not); balanced braces and escaped special characters are checked everywhere, on hostile labels
and sources too (Hypothesis).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import mcsim
from mcsim.i18n import speaking
from mcsim.inputs.bibliography import load_bibliography
from mcsim.inputs.distributions import LogNormal, Point, Uniform
from mcsim.inputs.priors import Prior, Priors
from mcsim.report import tables as tables_module
from mcsim.report import write_report
from mcsim.report.comparison import build_comparison, render_comparison
from mcsim.report.latex import tabular, tex_text
from mcsim.report.sections import build_methods
from mcsim.report.tables import comparison_tables, csv_number
from mcsim.report.text import format_value, number, percent
from mcsim.serialise import plain, versions

PDFLATEX = shutil.which("pdflatex")
HOSTILE = r"50 % & $20 # x_y {z} ~ ^ \ \\ \end{document} \input{/etc/passwd} <tag> | ≤ ≥ − × … é ’ « »"


@pytest.fixture(scope="module")
def result(small_default_run):
    """The default run at 4096 samples, its sensitivity design small (its intervals reach past 0 or 1)."""
    return small_default_run


@pytest.fixture(scope="module")
def report(small_default_report) -> Path:
    return small_default_report


def _csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _float(cell: str) -> float:
    return float("nan") if cell == "" else float(cell)


def _same(cell: str, value) -> bool:
    """A CSV cell is the value written, to the last bit (NaN and None are an empty cell)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return cell == ""
    return _float(cell) == float(value)


# --- CSV: the Result's numbers, read back ----------------------------------------------------------------

def test_outputs_csv_holds_the_results_statistics(result, report):
    rows = {row["output"]: row for row in _csv(report / "tables" / "outputs.csv")}
    scalar = [out for out in result.spec.model.outputs if not out.per_user]
    assert list(rows) == [out.name for out in scalar]
    summaries = set()
    for out in scalar:
        s, row = result.outputs[out.name], rows[out.name]
        assert row["unit"] == out.unit and row["label"] == out.label
        tail = result.tails.get(out.name)
        summary = None if tail is None else tail.mean_is_summary
        summaries.add(summary)
        mean, sd = (None, None) if summary is False else (s.mean, s.sd)  # a heavy tail's mean is no summary
        for key, value in (("mean", mean), ("sd", sd), ("median", s.p50), ("p05", s.p05), ("p95", s.p95),
                           ("share_infinite", s.p_never)):
            assert _same(row[key], value), (out.name, key, row[key], value)
        assert row["mean_is_summary"] == {None: "", True: "true", False: "false"}[summary], (out.name, row)
    assert float(rows["break_even_users"]["share_infinite"]) > 0
    assert False in summaries and len(summaries) > 1  # a mean left out and a mean given: both are read back


def test_per_user_csv_holds_every_users_value(result, report):
    for out in (o for o in result.spec.model.outputs if o.per_user):
        rows = _csv(report / "tables" / f"outputs_by_users_{out.name}.csv")
        s = result.outputs[out.name]
        assert [float(r["users"]) for r in rows] == list(result.spec.grid_values)
        for i, row in enumerate(rows):
            assert row["unit"] == out.unit
            assert all(_same(row[k], v[i]) for k, v in (("mean", s.mean), ("sd", s.sd), ("median", s.p50),
                                                         ("p05", s.p05), ("p95", s.p95)))
            if s.p_positive is not None:
                assert _same(row["share_positive"], s.p_positive[i])


def test_claims_csv_holds_probabilities_intervals_and_terms(result, report):
    rows = {row["claim"]: row for row in _csv(report / "tables" / "claims.csv")}
    assert list(rows) == list(result.claims)
    summary = result.summary["claims"]
    for name, c in result.claims.items():
        row = rows[name]
        assert _same(row["probability"], c.probability) and _same(row["se"], c.se)
        assert _same(row["ci95_low"], c.ci95[0]) and _same(row["ci95_high"], c.ci95[1])
        assert row["likelihood"] == summary[name]["likelihood"]
        assert row["holds_at_point"] == ("true" if c.holds_at_point else "false") and int(row["samples"]) == c.samples


def test_sobol_csv_holds_every_index_with_its_interval(result, report):
    rows = _csv(report / "tables" / "sobol_indices.csv")
    seen = clipped = 0
    for target in result.sensitivity.targets:
        ix = target.indices
        mine = {r["input"]: r for r in rows if r["target"] == target.target.key}
        assert set(mine) == set(ix.names)
        for j, name in enumerate(ix.names):
            row = mine[name]
            assert _same(row["S1"], ix.S1[j]) and _same(row["ST"], ix.ST[j])
            # the intervals clipped to [0, 1], where an index lies
            for kind, value, half in (("S1", ix.S1[j], ix.S1_conf[j]), ("ST", ix.ST[j], ix.ST_conf[j])):
                assert _same(row[f"{kind}_low"], max(value - half, 0.0)), (name, kind)
                assert _same(row[f"{kind}_high"], min(value + half, 1.0)), (name, kind)
                clipped += value - half < 0 or value + half > 1
            assert int(row["base_samples"]) == ix.base_samples and row["kind"] == target.target.kind
            seen += 1
    assert seen == len(rows) > 0
    assert clipped  # at this small a design some interval reaches past 0 or 1: the clipping is exercised
    tex = (report / "tables" / "sobol_indices.tex").read_text(encoding="utf-8")
    ends = [float(v) for pair in re.findall(r"\\num\{(-?[\d.]+)\}--\\num\{(-?[\d.]+)\}", tex) for v in pair]
    assert ends and all(0.0 <= v <= 1.0 for v in ends), [v for v in ends if not 0 <= v <= 1]


def test_tipping_and_priors_csv(result, report):
    rows = _csv(report / "tables" / "tipping_points.csv")
    tipping = {(t.claim, t.input): t for cv in result.verdict.claims.values() for t in cv.tipping}
    assert len(rows) == len(tipping)
    for claim in result.verdict.claims:  # a claim's inputs by decreasing probability of the side where it fails
        shares = [float(row["failing_share"] or 0) for row in rows if row["claim"] == claim]
        assert shares == sorted(shares, reverse=True)
    for row in rows:
        t = tipping[row["claim"], row["input"]]
        assert (row["claim"], row["input"], row["fails"], row["method"]) == (t.claim, t.input, t.fails, t.method)
        assert _same(row["value"], t.value) and _same(row["quantile"], t.quantile)
        if t.value is not None and t.quantile is not None and t.other_flip is None:
            assert _same(row["failing_share"], t.quantile if t.fails == "below" else 1 - t.quantile)
        elif t.other_flip is not None and t.other_quantile is not None:  # both sides of a two-sided claim count
            low, high = sorted((t.quantile, t.other_quantile))
            expected = low + 1 - high if t.sides[0][1] == "below" else high - low
            assert _same(row["failing_share"], t.failing_share)
            assert t.failing_share == pytest.approx(expected, rel=1e-12)
            assert _same(row["other_flip"], t.other_flip) and row["other_fails"] == t.other_fails
    priors = _csv(report / "tables" / "priors.csv")
    assert [r["input"] for r in priors] == list(result.spec.priors.names)
    for row, prior in zip(priors, result.spec.priors.inputs, strict=True):
        assert _same(row["point"], prior.point) and row["source"] == prior.source
        assert row["dist"] == prior.distribution.family
        assert row["cite"].split() == list(prior.cite) and row["unit"] == prior.unit


@pytest.mark.parametrize(("value", "cell"), [(0.1 + 0.2, "0.30000000000000004"), (float("inf"), "inf"),
                                             (float("-inf"), "-inf"), (float("nan"), ""), (None, ""), (3, "3"),
                                             (np.float64(5.41e6), "5410000.0"), (True, "true")])
def test_csv_numbers_are_full_precision(value, cell):
    assert csv_number(value) == cell


# --- LaTeX: escaped, balanced, and compiled -----------------------------------------------------------------

_ESCAPES = re.compile(r"\\(?:[&%$#_{}]|textasciitilde\{\}|textasciicircum\{\}|textbackslash\{\}|textless\{\}|"
                      r"textgreater\{\}|textbar\{\}|ldots\{\}|,|textsuperscript\{(?:\$-\$|\d)\})|\$(?:\\leq|\\geq|-|\\times|\\approx|\\pm|\\rightarrow|"
                      r"\\mu)\$|~")


def _inert(tex: str) -> bool:
    """No special character is left unescaped, and the braces that remain are balanced (none, here)."""
    rest = _ESCAPES.sub("", tex)
    return not re.search(r"[&%$#_{}~^\\]", rest)


def _balanced(tex: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\[{}]|[{}]", tex):
        if match.group() in ("{", "}"):
            depth += 1 if match.group() == "{" else -1
            if depth < 0:
                return False
    return depth == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("&%$#_{}~^\\ abc-1.<>|\n\t\u202f\u00a0≤≥−×éç’")), max_size=60))
def test_text_from_input_files_is_inert_in_latex(text):
    tex = tex_text(text)
    assert _inert(tex) and _balanced(tex) and "\n" not in tex


@settings(max_examples=100, deadline=None)
@given(label=st.text(min_size=1, max_size=30).filter(str.strip),
       source=st.text(min_size=1, max_size=80).filter(str.strip),
       unit=st.text(max_size=12).filter(lambda unit: unit == "" or unit.strip()))
def test_a_priors_table_of_hostile_texts_is_balanced_and_escaped(label, source, unit):
    priors = Priors(inputs=(Prior("x", 1.0, Uniform(0, 2), source=source, label=label, unit=unit),))
    table = tables_module._priors(SimpleNamespace(spec=SimpleNamespace(priors=priors)))
    body = table.tex.split("\\endfoot\n", 1)[1].split("\\end{longtable}", 1)[0]
    label_cell, _unit, _distribution, _point, source_cell = body.strip("\n").removesuffix(" \\\\").split(" & ")
    assert _balanced(table.tex)
    for cell in (label_cell, source_cell):
        assert _inert(cell)


def test_numbers_read_as_a_paper_writes_them():
    """The report's numbers are LaTeX once escaped: their minus sign, power of ten and narrow spaces are characters
    LaTeX is told how to set, with no number re-read from its text."""
    said = [format_value(v, unit) for v, unit in ((6e6, "users"), (4e7, "USD"), (0.563, "share"), (-4.35e6, "USD"))]
    assert [tex_text(s) for s in said] == ["6 million users", r"\$40.0 million", r"56.3\,\%", r"$-$\$4.35 million"]
    assert tex_text(number(7.924e-5)) == r"7.924\,$\times$\,10\textsuperscript{$-$}\textsuperscript{5}"
    with speaking("fr"):
        assert tex_text(format_value(-5.41e6, "")) == r"$-$5,41 millions"


def _tex_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("tables/*.tex"))


def test_every_tex_table_is_a_booktabs_tabular(report):
    files = _tex_files(report)
    assert {f.stem for f in files} >= {"outputs", "claims", "sobol_indices", "tipping_points", "priors"}
    for path in files:
        tex = path.read_text(encoding="utf-8")
        code = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))
        # a tabular, or a longtable for a table that may run over a page, in a group that sets siunitx
        assert code.startswith("\\begingroup\n\\sisetup") and code.rstrip().endswith("\\endgroup")
        assert re.search(r"\\begin\{(tabular|longtable)\}", code) and re.search(r"\\end\{(tabular|longtable)\}", code)
        assert code.index("\\toprule") < code.index("\\midrule") < code.index("\\bottomrule")
        # no e-notation shown: a number with an exponent is a cell of an S column, which siunitx sets as 4.09 x 10^9
        shown = re.sub(r"(?m)^\\begin\{(tabular|longtable)\}.*$", "", code)
        shown = re.sub(r"(?<=[&\n]) ?-?\d+(\.\d+)?e-?\d+ ?(?=&|\\\\)", "", shown)
        assert _balanced(code) and not re.search(r"\de[+-]?\d", shown), path.name


def _compile(folder: Path, tex_files: list[Path], *, methods: Path | None = None, bib: Path | None = None,
             french: bool = False) -> str:
    """pdflatex (and bibtex) on a minimal document that \\inputs every file; the log on failure."""
    work = folder / "latex"
    work.mkdir(exist_ok=True)
    body = []
    for i, path in enumerate(tex_files):
        shutil.copy(path, work / f"t{i}.tex")
        if "\\begin{longtable}" in path.read_text(encoding="utf-8"):  # a longtable goes outside a float
            body.append(f"\\input{{t{i}.tex}}\\clearpage")
        else:
            body.append(f"\\begin{{table}}\\centering\\tiny\\input{{t{i}.tex}}\\caption{{Table {i}}}\\end{{table}}"
                        "\\clearpage")
    if methods is not None:
        shutil.copy(methods, work / "methods.tex")
        body.append("\\section{Methods}\\input{methods.tex}")
    if bib is not None:
        shutil.copy(bib, work / "references.bib")
        body.append("\\bibliographystyle{plain}\\bibliography{references}")
    (work / "paper.tex").write_text("\\documentclass[a4paper,landscape]{article}\n\\usepackage[T1]{fontenc}\n"
                                    "\\usepackage{booktabs,siunitx,longtable}\n"
                                    + ("\\usepackage[english,french]{babel}\n" if french else "")
                                    + "\\begin{document}\n" + "\n".join(body) +
                                    "\n\\end{document}\n", encoding="utf-8")
    steps = [["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]]
    if bib is not None:
        steps += [["bibtex", "paper"], steps[0], steps[0]]
    for step in steps:
        done = subprocess.run(step, cwd=work, capture_output=True, text=True, errors="replace", timeout=120)
        if done.returncode != 0:
            return done.stdout[-3000:]
    log = (work / "paper.log").read_text(encoding="latin-1")
    undefined = re.findall(r"Citation `([^']+)' .*undefined", log)
    return f"undefined citations: {undefined}" if undefined else ""


def _has_siunitx() -> bool:
    kpsewhich = shutil.which("kpsewhich")
    found = kpsewhich and subprocess.run([kpsewhich, "siunitx.sty"], capture_output=True, text=True).stdout.strip()
    return bool(found)


needs_pdflatex = pytest.mark.skipif(PDFLATEX is None or not _has_siunitx(),
                                    reason="pdflatex or siunitx is not installed (Debian: apt-get install "
                                    "texlive-latex-recommended texlive-science); the LaTeX is checked for balance and "
                                    "escapes only")


@needs_pdflatex
def test_every_tex_file_of_a_run_compiles_with_its_references(report, tmp_path):
    assert _compile(tmp_path, _tex_files(report), methods=report / "methods.tex", bib=report / "references.bib") == ""


@needs_pdflatex
def test_a_french_reports_tex_files_compile(result, tmp_path_factory, tmp_path):
    french = dataclasses.replace(result, spec=dataclasses.replace(result.spec, lang="fr", figures="none"))
    report = write_report(french, tmp_path_factory.mktemp("tables-fr") / "report")
    assert "Nous avons tiré" in (report / "methods.tex").read_text(encoding="utf-8")
    assert _compile(tmp_path, _tex_files(report), methods=report / "methods.tex", bib=report / "references.bib",
                    french=True) == ""


@needs_pdflatex
def test_tables_of_hostile_texts_compile(tmp_path):
    priors = Priors(inputs=(Prior("x", 1.0, Uniform(0, 2), source=HOSTILE, label=HOSTILE, unit="USD"),
                            Prior("y", 0.5, LogNormal(0.5, 0.3), source=HOSTILE, label_fr=HOSTILE, unit=HOSTILE),
                            Prior("z", 3.0, Point(3.0), source=HOSTILE)))
    table = tables_module._priors(SimpleNamespace(spec=SimpleNamespace(priors=priors)))
    (tmp_path / "priors.tex").write_text(table.tex, encoding="utf-8")
    hostile = tabular("ll", [tex_text(HOSTILE), tex_text(percent(-0.05))], [[tex_text(HOSTILE), tex_text(HOSTILE)]],
                      caption=HOSTILE)
    (tmp_path / "hostile.tex").write_text(hostile, encoding="utf-8")
    assert _compile(tmp_path, [tmp_path / "priors.tex", tmp_path / "hostile.tex"]) == ""


# --- the comparison's tables ------------------------------------------------------------------------------

def test_comparison_tables_hold_each_scenarios_numbers(result, report, tmp_path):
    summary = result.summary
    scenario = SimpleNamespace(stem="paper", title=HOSTILE, summary=summary, report=report, ran=True, spec=result.spec,
                               kept={})
    data = plain(build_comparison([scenario]))
    tables = {t.stem: t for t in comparison_tables(data)}
    rows = list(csv.DictReader(io.StringIO(tables["claims_by_scenario"].to_csv())))
    expected = {(name, c.probability) for name, c in result.claims.items()}
    assert {(r["claim"], float(r["probability"])) for r in rows} == expected
    focus = list(csv.DictReader(io.StringIO(tables["break_even_users_by_scenario"].to_csv())))
    assert _same(focus[0]["median"], result.outputs["break_even_users"].p50)
    assert _same(focus[0]["share_infinite"], result.outputs["break_even_users"].p_never)
    assert focus[0]["ran"] == "true"
    # the comparison's Markdown table is the same table: its statistics in the CSV's order (p05 once came first)
    md = render_comparison(data)
    assert "| scenario | median | p05 | p95 | infinite: " in md and md.count("| run by this batch |") == 1
    for table in tables.values():
        (tmp_path / f"{table.stem}.tex").write_text(table.tex, encoding="utf-8")
        assert _balanced(table.tex)
    if PDFLATEX is not None and _has_siunitx():
        assert _compile(tmp_path, sorted(tmp_path.glob("*.tex"))) == ""


@pytest.mark.parametrize("summarises", [True, False])
def test_the_comparisons_csv_gives_no_number_for_a_mean_that_is_no_summary(result, report, summarises):
    summary = copy.deepcopy(result.summary)
    summary["outputs"]["break_even_users"]["heavy_tail"]["mean_is_summary"] = summarises
    scenario = SimpleNamespace(stem="paper", title="paper", summary=summary, report=report, ran=True, spec=result.spec,
                               kept={})
    tables = {t.stem: t for t in comparison_tables(plain(build_comparison([scenario])))}
    focus = list(csv.DictReader(io.StringIO(tables["break_even_users_by_scenario"].to_csv())))
    if summarises:
        assert _same(focus[0]["mean"], result.outputs["break_even_users"].mean)
    else:
        assert focus[0]["mean"] == ""


# --- methods and references ------------------------------------------------------------------------------------

def test_methods_tell_the_runs_sampler_sample_size_and_seed(result, report):
    md = (report / "methods.md").read_text(encoding="utf-8")
    tex = (report / "methods.tex").read_text(encoding="utf-8")
    for text in (md, tex):
        assert "4,096 samples" in text and "seed 2025" in text and "scrambled Sobol' sequence" in text
        assert "Wilson" in text and "16 independently scrambled replicates" in text
        assert f"SALib {versions()['SALib']}" in text and f"mcsim {mcsim.__version__}" in text
    assert "(Saltelli et al. 2010; Jansen 1999)" in md and r"\cite{saltelli2010,jansen1999}" in tex
    for said in ("(Mastrandrea et al. 2010)", "(Friedman and Fisher 1999)", "(Bryant and Lempert 2010)"):
        assert said in md
    for prior in result.spec.priors.inputs:
        assert prior.label in md and f"\\cite{{{','.join(prior.cite)}}}" in tex


@pytest.mark.parametrize(("sampler", "samples", "said"), [
    ("lhs", 1000, "Latin hypercube sampling"), ("random", 999, "plain Monte Carlo sampling"),
    ("sobol", 512, "scrambled Sobol' sequence")])
def test_methods_name_each_sampler(sampler, samples, said):
    spec = mcsim.load_run(ROOT / "runs" / "paper-table1.toml", samples=512, seed=7)
    spec = dataclasses.replace(spec, sampler=sampler, samples=samples, sensitivity=None)
    md, tex, _bib = build_methods(mcsim.run(spec), versions())
    for text in (md, tex):
        assert said in text and f"{samples:,} samples" in text and "seed 7" in text
        assert "Sobol' indices" not in text  # no sensitivity analysis in this run: not a word of it


def test_every_cited_key_resolves_in_references_bib(report):
    bib = load_bibliography(report / "references.bib")
    cited = set()
    for path in [report / "methods.tex", *_tex_files(report)]:
        for keys in re.findall(r"\\cite\{([^}]*)\}", path.read_text(encoding="utf-8")):
            cited |= set(keys.split(","))
    assert cited and cited <= set(bib.keys)
    assert {"saltelli2010", "sobol2001", "friedman1999", "bryant2010", "mastrandrea2010", "herman2017",
            "iwanaga2022", "hadka_prim", "viseur2025", "mcguinness2023"} <= set(bib.keys)
    md = (report / "methods.md").read_text(encoding="utf-8")
    assert md.count("\n- ") == len(bib.entries)  # the Markdown lists every reference in full


def test_a_months_grid_shorter_than_six_points_is_tabled_by_month(tmp_path):
    """The table of an output over months holds each month of the run's grid, headed as months, whatever its
    length (it once read the users grid: months labelled as users, a crash for fewer than six points)."""
    spec = mcsim.load_run(ROOT / "runs" / "dynamics-rebound.toml", samples=1024)
    spec = dataclasses.replace(spec, grid_values=(0.0, 12.0, 24.0), sensitivity=None, value_of_information=None,
                               figures="none")
    out = write_report(mcsim.run(spec), tmp_path / "report")
    gridded = [o.name for o in spec.model.outputs if o.per_user]
    assert gridded and not list((out / "tables").glob("outputs_by_users_*"))
    for name in gridded:
        rows = _csv(out / "tables" / f"outputs_by_months_{name}.csv")
        assert [float(r["months"]) for r in rows] == [0.0, 12.0, 24.0]
    tex = (out / "tables" / f"outputs_by_months_{gridded[0]}.tex").read_text()
    assert "Months}" in tex and "\n24 & " in tex and "Monthly users" not in tex


# --- one table, one order, every format ---------------------------------------------------------------------

STATISTICS = ["median", "p05", "p95", "mean", "sd"]


def test_an_outputs_statistics_come_in_one_order_in_every_format(result, report):
    """report.md, the CSV file, the DataFrame and the LaTeX table give an output's statistics in one order (median,
    5th and 95th percentiles, mean, sd): they were once built in four orders, one per format."""
    md = (report / "report.md").read_text(encoding="utf-8")
    frames = result.tables()
    assert "| output | unit | median | p05 | p95 | mean | sd | P(infinite) |" in md
    assert "| users | median | p05 | p95 | mean | P(> 0) |" in md
    for stem in ("outputs", "outputs_by_users_surplus", "outputs_by_users_unit_cost"):
        header = (report / "tables" / f"{stem}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert [h for h in header if h in STATISTICS] == STATISTICS
        assert list(frames[stem].columns) == header
        tex = (report / "tables" / f"{stem}.tex").read_text(encoding="utf-8")
        heads = [tex.index(h) for h in ("Median", "5th percentile", "95th percentile", "Mean")]
        assert heads == sorted(heads)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=12)),
                          st.one_of(st.none(), st.floats(allow_nan=True), st.integers())), max_size=6))
def test_a_table_renders_every_row_with_its_columns_in_their_order(rows):
    """A table written once renders as CSV (every column) and as report.md's table (the columns with a head, in the
    same order), whatever its values: one cell per column in every row."""
    table = tables_module.Table("t", (tables_module.Column("a", "first", numbers=False), "hidden",
                                      tables_module.Column("b", "second")),
                                tuple((a, "x", b) for a, b in rows), tex="")
    md = table.to_markdown()
    assert md[0] == "| first | second |" and md[1] == "|---|---:|" and len(md) == 2 + len(rows)
    for line in md[2:]:
        assert line.startswith("| ") and line.endswith(" |") and len(re.findall(r"(?<!\\)\|", line)) == 3
    read = list(csv.reader(io.StringIO(table.to_csv())))
    assert read[0] == ["a", "hidden", "b"] and len(read) == 1 + len(rows) and all(len(r) == 3 for r in read)
