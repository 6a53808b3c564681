"""methods.md/.tex and references.bib: a paragraph for every analysis that ran, every citation resolved.

The run is small: runs/correlated-costs.toml (claims, sensitivity, value of information) at
4,096 samples with a Sobol' base sample of 256, on the paper's priors (whose bibliography holds
the publication) with correlated-costs' two rank correlations. The report's texts are built in
process (report.md, report.html, the methods, the tables' .tex), without drawing the figures.
Citations are read off the texts by patterns of their own and matched to references.bib by
surname and year, independently of how mcsim writes its author-year labels.
"""

from __future__ import annotations

import dataclasses
import html
import re
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pytest
from conftest import ROOT

import mcsim
from mcsim.i18n import speaking
from mcsim.inputs.bibliography import load_bibliography, parse_bibliography
from mcsim.report import plan_figures
from mcsim.report.bibliography import METHODS, METHODS_BIB, plain
from mcsim.report.document import render_html, render_markdown
from mcsim.report.sections import build_methods, run_tables
from mcsim.report.summary_words import summary as build_summary
from mcsim.report.text import claim_text
from mcsim.serialise import versions


@pytest.fixture(scope="module")
def result():
    spec = mcsim.load_run(ROOT / "runs" / "correlated-costs.toml", samples=4096)
    paper = mcsim.load_run(ROOT / "runs" / "paper-table1.toml", samples=4096).priors
    assert spec.priors.correlations and paper.bibliography is not None
    priors = dataclasses.replace(paper, correlations=spec.priors.correlations)
    sensitivity = dataclasses.replace(spec.sensitivity, base_samples=256, max_base_samples=256,
                                      crosscheck_samples=256, shapley_samples=64)
    return mcsim.run(dataclasses.replace(spec, priors=priors, sensitivity=sensitivity, keep_samples=1024))


def _texts(result, folder: Path) -> dict[str, str]:
    """The report's files that carry words, as texts: report.md, report.html, methods.md/.tex, tables' .tex."""
    folder.mkdir(parents=True, exist_ok=True)
    with speaking("en"):
        summary = build_summary(result)
    with speaking(result.spec.lang):
        md = render_markdown(result, plan_figures(result))
        for name in re.findall(r"figures/([\w.-]+\.png)", md):
            (folder / name).write_bytes(b"")  # the page embeds the figures' bytes: none are drawn here
        page = render_html(md, folder, result.spec.title)
        methods_md, methods_tex, bib = build_methods(result, summary["manifest"]["versions"])
        tables = {f"tables/{table.stem}.tex": table.tex for table in run_tables(result)}
    return {"report.md": md, "report.html": page, "methods.md": methods_md, "methods.tex": methods_tex,
            "references.bib": bib, "summary": summary, **tables}


@pytest.fixture(scope="module")
def english(result, tmp_path_factory):
    return _texts(result, tmp_path_factory.mktemp("methods-en"))


@pytest.fixture(scope="module")
def french(result, tmp_path_factory):
    return _texts(dataclasses.replace(result, spec=dataclasses.replace(result.spec, lang="fr")),
                  tmp_path_factory.mktemp("methods-fr"))


def _methods(result) -> tuple[str, str]:
    md, tex, _bib = build_methods(result, versions())
    return md, tex


# --- a paragraph for every analysis -----------------------------------------------------------------------------

def _paragraph(md: str, marker: str) -> str:
    """The paragraph of ``md`` that holds ``marker`` (it must hold it)."""
    found = [p for p in md.split("\n\n") if marker in p]
    assert found, f"no paragraph says {marker!r}"
    return found[0]


#: Each analysis summary.json can hold (its top-level keys, and the sensitivity's per target) and the words of
#: its methods paragraph; the other top-level keys describe the run, not an analysis
PARAGRAPHS = {"outputs": "order statistics", "claims": "Wilson's 95 % score interval", "verdict": "tipping points",
              "sensitivity": "Sobol' indices (Sobol' 2001)", "value_of_information": "Strong and Oakley's",
              "median_attribution": "prior's median", "heavy_tail": "Hill's estimator",
              "shapley": "Shapley effects (Owen 2014)", "crosschecks": "cross-checked", "tornado": "tornado moves",
              "spearman": "Spearman's rank correlation", "pawn_median_ks": "PAWN",
              "borgonovo_delta": "Borgonovo's moment-independent delta"}
NOT_ANALYSES = {"mcsim_version", "run", "manifest", "notes"}


def test_every_analysis_in_summary_json_has_its_paragraph(result, english):
    summary, md, tex = english["summary"], english["methods.md"], english["methods.tex"]
    ran = set(summary) - NOT_ANALYSES
    assert ran <= set(PARAGRAPHS), f"summary.json has analyses the test does not know: {ran - set(PARAGRAPHS)}"
    ran |= {key for key in ("median_attribution", "heavy_tail") if summary["notes"][key]}
    sensitivity = summary["sensitivity"]
    outputs = [key for key in sensitivity if key not in ("claims", "method")]
    ran |= {key for key in ("shapley", "crosschecks", "tornado") if any(sensitivity[o].get(key) for o in outputs)}
    ran |= {key for o in outputs for key in ("spearman", "pawn_median_ks", "borgonovo_delta")
            if sensitivity[o].get("crosschecks", {}).get(key)}
    assert {"value_of_information", "shapley", "crosschecks", "tornado", "borgonovo_delta", "median_attribution",
            "heavy_tail"} <= ran  # the small run makes every analysis
    for key in sorted(ran):
        assert _paragraph(md, PARAGRAPHS[key]), key
    assert result.spec.published is not None and _paragraph(md, "set beside Viseur (2025)")
    paragraphs = md.split("\n## ")[0].strip().split("\n\n")[1:]  # after the heading, before the references
    assert len(tex.strip().split("\n\n")) == len(paragraphs)  # the .tex has the same paragraphs


def test_each_paragraph_gives_its_design_size_and_seed_from_the_result(result, english):
    md = english["methods.md"]
    sensitivity, voi = result.sensitivity, result.value_of_information
    sobol = _paragraph(md, "Saltelli design took")
    evaluations = max(t.indices.evaluations for t in sensitivity.targets)
    assert f"took {evaluations:,} model evaluations" in sobol and f"seed {sensitivity.seed}" in sobol
    shapley = _paragraph(md, "Shapley effects (Owen 2014)")
    n = sensitivity.spec.shapley_samples
    assert f"{n} outer draws" in shapley and f"{2 * n} draws for the variance" in shapley
    assert f"seed {sensitivity.seed}" in shapley and "(Song et al. 2016)" in shapley
    assert "the Shapley effects, not the Sobol' indices, rank the inputs" in shapley  # the priors are correlated
    checks = _paragraph(md, "cross-checked")
    assert f"{sensitivity.targets[0].crosscheck.samples} independent draws" in checks
    information = _paragraph(md, "value of information")
    assert f"in {voi.bins} bins" in information and "(Strong and Oakley 2013)" in information
    tails = _paragraph(md, "Hill's estimator")
    assert "(Hill 1975)" in tails and "no summary" in tails


def test_the_value_of_information_on_the_runs_own_sample_says_so(result):
    md, _tex = _methods(result)
    information = _paragraph(md, "value of information")
    assert result.value_of_information.samples == result.samples
    assert "on the run's own sample: the same 4,096 draws, from the same sampler and seed 2025" in information
    assert "sample of its own" not in information


def test_a_run_without_an_analysis_gets_no_word_of_it(result):
    md, tex = _methods(dataclasses.replace(result, sensitivity=None, value_of_information=None, medians={}))
    for text in (md, tex):
        for word in ("Sobol' indices", "Shapley", "PAWN", "Spearman", "tornado", "EVPI", "prior's median"):
            assert word not in text, word
    assert "tipping points" in md


# --- the indices that did not converge ----------------------------------------------------------------------------

def test_every_target_whose_indices_did_not_converge_is_named(result, english):
    md = english["methods.md"]
    sobol = _paragraph(md, "Saltelli's sampling scheme")
    claims = {claim.name: claim for claim in result.spec.claims}
    late = [t for t in result.sensitivity.targets if t.indices is not None and not t.converged]
    assert late  # N = 256 is too small for any of them
    for t in late:
        name = claim_text(claims[t.target.key]) if t.target.kind == "claim" else t.target.label
        assert f"{name} (widest total-index interval {t.indices.widest_ST[0]:.3f} at N = 256)" in sobol
    assert "Every output's indices met that criterion" not in sobol and "met it too" not in sobol


def test_claims_whose_indices_did_not_converge_are_not_hidden_behind_converged_outputs(result):
    """The outputs met the criterion, two claims' indicators did not: the methods say which."""
    targets = result.sensitivity.targets
    late = [t.target.key for t in targets if t.target.kind == "claim"][:2]
    changed = tuple(dataclasses.replace(t, converged=t.target.kind == "output" or t.target.key not in late)
                    for t in targets)
    sensitivity = dataclasses.replace(result.sensitivity, targets=changed)
    md, _tex = _methods(dataclasses.replace(result, sensitivity=sensitivity))
    sobol = _paragraph(md, "Saltelli's sampling scheme")
    claims = {claim.name: claim for claim in result.spec.claims}
    total = sum(t.target.kind == "claim" for t in targets)
    assert "Every output's indices met that criterion." in sobol
    assert f"The indices of 2 of the {total} claims' indicators did not meet it" in sobol
    for key in late:
        assert claim_text(claims[key]) in sobol
    for t in targets:
        if t.target.kind == "claim" and t.target.key not in late:
            assert claim_text(claims[t.target.key]) not in sobol


# --- every citation resolves ------------------------------------------------------------------------------------

NAME = r"[A-Z][\w'’-]*"
NAMES = rf"{NAME}(?:(?:, | and | et | & ){NAME})*(?: et al\.)?"
YEAR = r"\d{4}[a-z]?"
MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "Sept", "October",
          "November", "December", "Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août",
          "Septembre", "Octobre", "Novembre", "Décembre"}


def citations(text: str) -> set[tuple[str, str]]:
    """Every ``(Author Year)``, ``Author (Year)``, ``Author et al. (Year)``, ``A, B and C's (Year)`` of ``text``."""
    text = re.sub(r"[ \t]+", " ", html.unescape(re.sub(r"</?[a-zA-Z][^<>]*>", " ", text))).replace("\\_", "_")
    text = text.replace("``", '"').replace("''", '"')  # LaTeX's quotes: a quoted title is no author
    text = text.split("\n## References")[0].split("\n## Références")[0]  # the list of references is no citation
    text = re.sub(rf",? (?:{'|'.join(MONTHS)}) (?=\d{{4}})", " ", text)  # (FutureSearch, Sept 2024)
    found = set()
    for inside in re.findall(r"\(([^()]*\d{4}[a-z]?)\)", text):
        for part in inside.split(";"):
            match = re.fullmatch(rf"\s*({NAMES}) ({YEAR})\s*", part)
            if match:
                found.add((match.group(1), match.group(2)))
    for who, year in re.findall(rf"({NAMES})(?:'s|’s)? \(({YEAR})\)", text):
        found.add((who, year))
    found = {(re.sub(r"['’]s$", "", who), year) for who, year in found}  # Song, Nelson and Staum's (2016)
    return {(who, year) for who, year in found if who.split()[0].strip(",") not in MONTHS}


def _surnames(entry) -> list[str]:
    """Each author's surname as a citation's pattern reads it: its last word ("de Vries" is "Vries")."""
    field = entry.get("author") or entry.get("editor") or entry.get("institution") or ""
    names = []
    for author in re.split(r"\s+and\s+", field):
        author = plain(author).strip()
        surname = author.split(",")[0].strip() if "," in author else author
        names.append(surname.split()[-1] if surname else "")
    return names


def resolves(who: str, year: str, bib) -> bool:
    """A citation names an entry: its year, its first author's surname, and the other names or "et al."."""
    names = [n for n in re.split(r", | and | et | & ", who.removesuffix(" et al.")) if n]
    for entry in bib.entries:
        surnames = _surnames(entry)
        if plain(entry.get("year", "")) != year[:4] or not surnames or surnames[0].replace("’", "'") != names[0]:
            continue
        if who.endswith(" et al."):
            if len(surnames) >= 3 or "others" in surnames:
                return True
        elif surnames[:len(names)] == names:
            return True
    return False


def test_the_citation_patterns_find_what_they_should():
    text = ("Shapley effects (Owen 2014); Song, Nelson and Staum's (2016) algorithm (Saltelli et al. 2010; "
            "Jansen 1999), as Viseur (2025) says (March 2023) (sobol, seed 2025) <em>Strong and Oakley</em> (2013) "
            "where x <= 0 (Hill 1975) and P(> 0)")
    assert citations(text) == {("Owen", "2014"), ("Song, Nelson and Staum", "2016"), ("Saltelli et al.", "2010"),
                               ("Jansen", "1999"), ("Viseur", "2025"), ("Strong and Oakley", "2013"), ("Hill", "1975")}
    bib = parse_bibliography("@article{a, author={Strong, Mark and Oakley, Jeremy E.}, year={2013}}\n"
                             "@article{b, author={Song, E. and Nelson, B. L. and Staum, J.}, year={2016}}", "t.bib")
    assert resolves("Strong and Oakley", "2013", bib) and resolves("Song et al.", "2016", bib)
    assert resolves("Song, Nelson and Staum", "2016", bib)
    assert not resolves("Strong and Oakley", "2014", bib) and not resolves("Owen", "2014", bib)
    assert not resolves("Strong et al.", "2013", bib)
    bib = parse_bibliography("@article{v, author={de Vries, Alex}, year={2023}}\n"
                             "@misc{e, author={{Epoch AI}}, year={2025}}", "t.bib")
    assert citations("de Vries (2023) and Epoch AI (2025)") == {("Vries", "2023"), ("AI", "2025")}
    assert resolves("Vries", "2023", bib) and resolves("AI", "2025", bib) and not resolves("Epoch", "2025", bib)


@pytest.mark.parametrize("lang", ["english", "french"])
def test_every_citation_in_a_reports_files_resolves_in_its_references_bib(lang, request):
    texts = request.getfixturevalue(lang)
    bib = parse_bibliography(texts["references.bib"], "references.bib")
    seen, unresolved = set(), []
    for name, text in texts.items():
        if name in ("references.bib", "summary"):
            continue
        for keys in re.findall(r"\\cite\{([^}]*)\}", text):
            unresolved += [(name, key) for key in keys.split(",") if key not in bib.keys]
        for who, year in citations(text):
            seen.add((who, year))
            if not resolves(who, year, bib):
                unresolved.append((name, f"{who} ({year})"))
    assert not unresolved, unresolved
    # the report's own words cite these; they were once missing from references.bib
    strong = "Strong et Oakley" if lang == "french" else "Strong and Oakley"  # two authors joined in the language
    assert {("Owen", "2014"), (strong, "2013"), ("Viseur", "2025")} <= seen
    assert any(who.startswith("Song") and year == "2016" for who, year in seen)


def test_the_models_citation_cites_the_priors_entry_even_when_the_priors_cite_none(result):
    """The model's "Viseur (2025)" is the priors' bibliography's viseur2025, cited where the methods name it."""
    priors = dataclasses.replace(result.spec.priors, cite=())
    md, tex = _methods(dataclasses.replace(result, spec=dataclasses.replace(result.spec, priors=priors)))
    assert result.spec.model.citation.startswith("Viseur (2025)")
    assert r"The model is that of Viseur (2025), section 5, Tableau 1~\cite{viseur2025}" in tex
    assert "Tableau 1 (Viseur 2025):" in md


def test_french_methods_are_french_and_cite_the_same_keys(english, french):
    fr, en = french["methods.tex"], english["methods.tex"]
    assert "Les effets de Shapley" in fr and "L'EVPI partielle" in fr.replace("’", "'")
    assert "\n## Références\n" in french["methods.md"] and "\n## References\n" in english["methods.md"]
    assert re.findall(r"\\cite\{[^}]*\}", fr) == re.findall(r"\\cite\{[^}]*\}", en)
    for text in (fr, en):
        assert text.count("{") == text.count("}")


# --- the methods' bibliography is a data file of the package ------------------------------------------------------

def test_the_methods_bibliography_is_a_bib_file_shipped_with_the_package():
    shipped = resources.files("mcsim.report").joinpath(METHODS_BIB)
    assert shipped.is_file()
    assert parse_bibliography(shipped.read_text(encoding="utf-8"), METHODS_BIB).keys == METHODS.keys
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert any(fnmatch(f"report/{METHODS_BIB}", pattern) for pattern in data["mcsim"])
    assert {"owen2014", "song2016", "strong2013", "hill1975", "pianosi2015", "borgonovo2007"} <= set(METHODS.keys)
    source = (ROOT / "mcsim" / "report" / "bibliography.py").read_text(encoding="utf-8")
    assert "@article{" not in source  # no BibTeX left in the code
    assert load_bibliography(ROOT / "mcsim" / "report" / METHODS_BIB).keys == METHODS.keys


@pytest.mark.parametrize("language", ["english", "french"])
def test_the_reports_methods_are_methods_md_said_once(language, request):
    """report.md's Methods section is methods.md's paragraphs (the software's versions aside), not a second account
    of the verdict's methods in other words (the verdict had its own, said again in methods.md)."""
    texts = request.getfixturevalue(language)
    body = texts["methods.md"].split("\n\n", 1)[1].split("\n\n## ")[0]
    paragraphs = body.split("\n\n")[:-1]  # the last gives the software's versions
    heading = "\n## Méthodes\n" if language == "french" else "\n## Methods\n"
    section = texts["report.md"].split(heading, 1)[1].split("\n## ")[0]
    assert paragraphs and all(paragraph in section for paragraph in paragraphs)
    assert section.count("\n\n") <= len(paragraphs) + 2  # and nothing more than a line saying where the references are
