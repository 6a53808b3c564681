"""Every tables/*.tex of a run and of a comparison, English and French, is typeset as a journal takes it.

One small run of runs/paper-table1.toml is reported in English and in French, and a comparison of
two scenarios is tabled in both languages. Each language's tables go into one ``article`` whose
text is 17 cm wide (a table that says it is one column wide: 8.5 cm), with booktabs, siunitx,
longtable (and babel french, T1, UTF-8 for French), compiled by one ``pdflatex`` call. The test
fails on any error, any Overfull \\hbox over 1 pt, any "Float too large", any straight quote in
the text, any interval that collapses at its shown precision ("0.989--0.989") or negative zero, and
any English head left in a French table. It is skipped, saying so, where pdflatex or siunitx is
missing (Debian: texlive-latex-recommended, texlive-science, texlive-lang-french).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT

import mcsim
from mcsim.i18n import speaking
from mcsim.report.comparison import build_comparison
from mcsim.report.sections import run_tables
from mcsim.report.tables import comparison_tables, write_tables
from mcsim.serialise.summary import plain


def _siunitx() -> bool:
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return False
    done = subprocess.run([kpsewhich, "siunitx.sty"], capture_output=True, text=True)
    return bool(done.stdout.strip())


pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None or not _siunitx(),
                                reason="pdflatex or siunitx.sty is missing (Debian: apt-get install texlive-latex-"
                                       "recommended texlive-science texlive-lang-french): the tables are not typeset")

TITLES = {"en": ("Tableau 1 with uncertainty",
                 "Tableau 1 with correlated costs: longer answers and larger models cost more per token"),
          "fr": ("Le Tableau 1 avec incertitude",
                 "Le Tableau 1 avec des coûts corrélés : des réponses plus longues et des modèles plus grands coûtent "
                 "plus cher par jeton")}
ONE_COLUMN = "% Width: one column"  # the comment a table one column wide starts with


@pytest.fixture(scope="module", params=["en", "fr"])
def tables(request, small_default_run, tmp_path_factory) -> tuple[str, Path]:
    """A report's tables/ and its comparison's (two scenarios) in one folder, in one language."""
    lang = request.param
    result = dataclasses.replace(small_default_run, spec=dataclasses.replace(small_default_run.spec, lang=lang))
    folder = tmp_path_factory.mktemp(f"latex-{lang}")
    # and the posterior's tables, of Tableau 1 conditioned on an observation
    observed = mcsim.run(dataclasses.replace(mcsim.load_run(ROOT / "runs" / "evidence-observed.toml", samples=4096),
                                             sensitivity=None, value_of_information=None, lang=lang))
    with speaking(lang):  # the tables a report writes into tables/ (write_report's own call), without its figures
        write_tables(run_tables(result), folder / "report")
        write_tables([t for t in run_tables(observed) if t.stem.startswith("posterior_") or t.stem == "observations"],
                     folder / "report")
    scenarios = [SimpleNamespace(stem=f"s{i}", title=title, summary=result.summary, report=folder, ran=True,
                                 spec=result.spec, kept={}) for i, title in enumerate(TITLES[lang])]
    data = plain(build_comparison(scenarios))
    for s in data["scenarios"]:  # each claim's French text, as a comparison of French reports carries it
        for name, c in s["claims"].items():
            c.setdefault("text_fr", small_default_run.claims[name].claim.text_fr)
    with speaking(lang):
        write_tables(comparison_tables(data), folder / "comparison")
    together = folder / "all"
    together.mkdir()
    for path in [*sorted((folder / "report").glob("*.tex")), *sorted((folder / "comparison").glob("*.tex"))]:
        shutil.copy(path, together / path.name)
    assert {"observations.tex", "posterior_claims.tex", "posterior_first_order.tex", "posterior_inputs.tex",
            "posterior_outputs.tex"} <= {p.name for p in together.iterdir()}
    return lang, together


def _document(lang: str, files: list[Path]) -> str:
    """An article 17 cm wide holding every table, each on its own page (8.5 cm wide for a one-column one)."""
    preamble = [r"\documentclass{article}", r"\usepackage[T1]{fontenc}", r"\usepackage[utf8]{inputenc}",
                r"\usepackage[a4paper,textwidth=17cm,textheight=24cm]{geometry}",
                r"\usepackage{booktabs}", r"\usepackage{siunitx}", r"\usepackage{longtable}"]
    if lang == "fr":
        preamble.append(r"\usepackage[english,french]{babel}")  # as each French table says it needs
    body = []
    for path in files:
        tex = path.read_text(encoding="utf-8")
        narrow = ONE_COLUMN in tex
        body.append(f"\\typeout{{TABLE {path.stem}}}")
        if narrow:
            body.append(r"\newgeometry{textwidth=8.5cm,textheight=24cm}")
        if "\\begin{longtable}" in tex:
            body.append(f"\\input{{{path.name}}}")
        else:
            caption = path.stem.replace("_", " ")
            body.append(f"\\begin{{table}}[p]\\centering\\input{{{path.name}}}\\caption{{{caption}}}\\end{{table}}")
        body.append(r"\clearpage")
        if narrow:
            body.append(r"\restoregeometry")
    body.append(r"\typeout{TABLE end}")
    return "\n".join([*preamble, r"\begin{document}", *body, r"\end{document}", ""])


def typeset(lang: str, folder: Path) -> tuple[str, dict[str, list[str]]]:
    """pdflatex on the tables of ``folder``: its error (empty if none) and each table's warnings from the log."""
    files = sorted(folder.glob("*.tex"))
    (folder / "paper.tex").write_text(_document(lang, [f for f in files if f.name != "paper.tex"]), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], cwd=folder,
                          capture_output=True, text=True, errors="replace", timeout=300)
    log = (folder / "paper.log").read_text(encoding="latin-1")
    warnings: dict[str, list[str]] = {}
    table = "preamble"
    for line in log.splitlines():
        if line.startswith("TABLE "):
            table = line.removeprefix("TABLE ").strip()
            continue
        over = re.match(r"Overfull \\hbox \(([\d.]+)pt too wide\)", line)
        if (over and float(over.group(1)) > 1.0) or "Float too large" in line:
            warnings.setdefault(table, []).append(line.strip())
    error = "" if done.returncode == 0 else done.stdout[-3000:]
    return error, warnings


def worst_overfull(warnings: dict[str, list[str]]) -> dict[str, tuple[float, bool]]:
    """Each table's widest Overfull \\hbox in pt, and whether it is a float too large for a page."""
    worst = {}
    for table, lines in warnings.items():
        sizes = [float(found.group(1)) for line in lines if (found := re.search(r"\(([\d.]+)pt", line))]
        worst[table] = (max(sizes, default=0.0), any("Float too large" in line for line in lines))
    return worst


def _code(tex: str) -> str:
    """A .tex file without its comment lines."""
    return "\n".join(line for line in tex.splitlines() if not line.lstrip().startswith("%"))


def test_every_table_fits_a_journals_text_width_and_page(tables):
    lang, folder = tables
    error, warnings = typeset(lang, folder)
    assert error == ""
    assert worst_overfull(warnings) == {}, warnings


def test_no_straight_quote_and_no_collapsed_interval(tables):
    _lang, folder = tables
    for path in folder.glob("*.tex"):
        if path.name == "paper.tex":
            continue
        code = _code(path.read_text(encoding="utf-8"))
        assert '"' not in code, (path.name, code[max(code.find('"') - 80, 0):code.find('"') + 80])
        for low, high in re.findall(r"(\\num\{[^}]*\}|[-\d.,$]+)\s*--\s*(\\num\{[^}]*\}|[-\d.,$]+)", code):
            assert low != high, (path.name, low, high)
        for low, high in re.findall(r"\\num\{([^}]*)\} (?:or|ou|to|à) \\num\{([^}]*)\}", code):  # a tipping point's two
            assert low != high, (path.name, low, high)
        assert not re.search(r"(?<![\d.,])-0[.,]0+(?![\d])", code), path.name  # a negative zero


ENGLISH = ["Claim", "Probability", "Input", "Scenario", "Median", "percentile", "Likelihood", "Interval", "interval",
           "The claim fails", "No surplus below", "Output:", "holds", "fails", "Break-even near", "Monthly users"]
FRENCH = ["Affirmation", "Probabilité", "Paramètre", "Scénario", "Médiane", "centile", "Vraisemblance", "Intervalle",
          "L'affirmation échoue", "Pas de surplus", "Résultat", "tient", "échoue", "Utilisateurs mensuels"]


def test_each_tables_heads_and_claims_are_in_its_language(tables):
    lang, folder = tables
    others = ENGLISH if lang == "fr" else FRENCH
    for path in folder.glob("*.tex"):
        if path.name == "paper.tex":
            continue
        code = _code(path.read_text(encoding="utf-8"))
        if path.stem in ("priors", "observations"):  # the sources are quoted in their own language
            code = code.split("\\midrule", 1)[0]
        found = [word for word in others if re.search(rf"(?<![\w\\]){re.escape(word)}(?!\w)", code)]
        assert found == [], (path.name, found)


def test_an_interval_that_collapses_at_its_precision_gets_more_digits():
    from mcsim.report.latex import interval, plain_number

    assert interval(0.98901, 0.98949, 3) == r"\num{0.9890}--\num{0.9895}"
    assert interval(0.5, 0.5, 3) == r"\num{0.500}"
    assert plain_number(-0.004, 2) == "0.00" and plain_number(-0.006, 2) == "-0.01"
    claims = {"c": {"probability": 0.9892, "ci95": [0.98901, 0.98949], "text": 'read "as written"'}}
    data = {"scenarios": [{"stem": "a", "title": 'the "paper"', "claims": claims, "outputs": {}}], "focus": None}
    for lang, quoted in (("en", "``as written''"), ("fr", "«~as written~»")):
        with speaking(lang):
            tex = comparison_tables(data)[0].tex
        assert r"\num{0.9890}--\num{0.9895}" in tex and quoted in tex and '"' not in _code(tex)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_source_with_long_addresses_breaks_them_in_its_column(lang, tmp_path):
    from mcsim.inputs.distributions import Uniform
    from mcsim.inputs.priors import Prior, Priors
    from mcsim.report import tables as tables_module

    source = ("Altman, 4 December 2024 (https://www.theverge.com/2024/12/4/24313097/chatgpt-300-million-weekly-users"
              "-openai-sam-altman), and https://googleblog.blogspot.com/2009/01/powering-google-search.html: about "
              '"0.0003 kWh" a search.')
    priors = Priors(inputs=(Prior("x", 1.0, Uniform(0, 2), source=source, label="Users", unit="users"),))
    with speaking(lang):
        table = tables_module._priors(SimpleNamespace(spec=SimpleNamespace(priors=priors)))
    (tmp_path / "priors.tex").write_text(table.tex, encoding="utf-8")
    error, warnings = typeset(lang, tmp_path)
    assert error == "" and warnings == {}, (error, warnings)
    assert ("``0.0003 kWh''" if lang == "en" else "«~0.0003 kWh~»") in table.tex


def test_a_sentence_of_the_catalogue_is_escaped_whole_and_filled_with_latex():
    from mcsim.report.latex import tex_sentence

    template = "At {at}: {share} of {who} & P(> 0) {p}"  # a field, LaTeX's specials, and braces LaTeX adds itself
    assert tex_sentence(template).format(at=r"\num{6}", share=r"50\,\%", who="it", p="0.5") == \
        r"At \num{6}: 50\,\% of it \& P(\textgreater{} 0) 0.5"
