"""French lint: every French file of a small French run and of a small French comparison reads as French.

The run and the comparison come from one ``mcsim batch --lang fr`` of two small runs (the default run at 4096
samples with its analyses small, and a scenario of it without them). Each file's French text is checked against
:data:`PATTERNS` (each a regular expression with the reason it is wrong), French typography (no-break spaces
before ``: ; ! ?`` and inside « »), and the English words of the catalogue's messages (:func:`english_words`).

Text that is not French prose is left out, and must be marked as such where it is shown:

- code (Markdown code spans and blocks; HTML ``<code>``, ``<pre>``), URLs, and a LaTeX command's name;
- a source or a quote kept in its own language: in Markdown and HTML inside an element with a ``lang`` other than
  ``fr`` (``<span lang="en">…</span>``), or an English quote inside its own marks “…”; in LaTeX inside
  ``\\foreignlanguage{english}{…}``; in BibTeX, an entry whose ``langid`` is not ``french``.

The ``.tex`` tables are checked in a function of their own (:func:`test_the_french_latex_tables_are_french`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT, small_default_run_file

from mcsim.cli import main

PO = ROOT / "mcsim" / "locale" / "fr" / "LC_MESSAGES" / "mcsim.po"
NBSP, NNBSP = "\u00a0", "\u202f"
SPACES = NBSP + NNBSP

#: (pattern, why it is wrong); each is searched in the French text of every file.
PATTERNS: list[tuple[str, str]] = [
    (r"\btien(?:t|nent) à (?:leurs?|sa|ses|son) valeurs? ponctuelles?",
     "« tenir à » means « to depend on »: a claim « est vérifiée » at the point values"),
    (r"\b(?:de|que|ne|se|le|la|jusque|lorsque|puisque) (?=[aeiouéèêàâîôûœ])",
     "elision: « d'utilisateurs », « qu'elle », « l'affirmation »"),
    (r"\b1e\b(?!-)|\b1ère\b", "the first is « 1er » (« 1re » in the feminine)"),
    (r"\b\d+(?:ème|eme|ième|è)\b", "ordinals are « 2e », « 53e »"),
    (r"\b(?:millions?|milliards?) (?!(?:de|d['’]|et|ou|à|au|aux|sur|par|pour|contre|en|dans|entre|près|environ|"
     r"lus?|soit|ni|puis|avec|sans|selon|quand|si|le|la|les|l['’]|un|une|des|qui|que|dont)\b)(?=[a-zéèêàçœ])",
     "a number of things after million(s)/milliard(s) takes « de »: « 5,83 millions d'utilisateurs »"),
    (r"(?<![\d,\u202f\u00a0])(?<!Tableau )(?<!section )(?<!note )(?<!figure )\b1 "
     r"(?!(?:mois|fois|prix|cas|pas|poids|temps|taux|sous|sur|dans|plus|moins|des|jours?)\b)[a-zéèêàç]+s\b",
     "one takes the singular: « 1 fixé », « 1 paramètre »"),
    (r"\bpas d['’]aucun|\bpas aucun|\bne se distingue pas d['’]aucun", "double negation: « pas … aucun »"),
    (r"\bmarque (?:article|publication|paper)\b", "a noun without its article: « marque la valeur de l'article »"),
    (r"[«»][\s" + SPACES + r"]*[«»][\s" + SPACES + r"]*[«»]", "tripled guillemets"),
    (r"«[\s" + SPACES + r"]*«|»[\s" + SPACES + r"]*»", "doubled guillemets: an inner quotation takes “ ”"),
    (r"«[^»]*«", "a quotation inside a quotation takes “ ”, not « »"),
    (r'"', "straight double quotes: French quotes with « »"),
    (r"(?<=[^\s" + SPACES + r"~])[:;!?](?=[\s" + SPACES + r"]|$)", "no space before : ; ! ? (a no-break space)"),
    (r"(?<=[^\S" + SPACES + r"])[:;!?](?=[\s" + SPACES + r"]|$)",
     "an ordinary space before : ; ! ? (it can break the line: a no-break space)"),
    (r"«(?![" + SPACES + r"])", "« must be followed by a no-break space"),
    (r"(?<![" + SPACES + r"])»", "» must follow a no-break space"),
    (r"(?<!\bvaut)(?<!\bsoit)(?<!\best)(?<!\bsont)(?<!\bvalent)(?<!\bmesure)(?<=[a-zéèêàç»]) (?:au plus|au moins) \d",
     "a claim's test without a verb: « … vaut au plus 6 millions »"),
    (r"\bin `|\bis in `|reports/<scenario>/", "the comparison names the reports' folder in English"),
]

def _labels_fr() -> list[str]:
    """The French labels of the shipped priors' inputs and of the built-in models' outputs, first letter lowered, as a
    sentence holds them (but an output's label of fewer than four words, which may be a common noun: « pas de
    surplus »)."""
    import tomllib

    from mcsim.i18n import _, speaking
    from mcsim.models import BUILTIN

    labels = {entry["label_fr"] for path in (ROOT / "priors").glob("*.toml")
              for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("inputs", {}).values()
              if "label_fr" in entry}
    with speaking("fr"):
        labels |= {_(out.label) for model in BUILTIN.values() for out in model.outputs
                   if out.label and len(_(out.label).split()) >= 4}
    return sorted(label[0].lower() + label[1:] for label in labels)


# a label is a noun without its article: a sentence gives it one, or quotes it (« le paramètre « … » »)
_BARE_LABEL = "|".join(map(re.escape, _labels_fr()))
PATTERNS.append((r"\b(?:de|selon|restreint|restreignent|sur|pour|par) (?:" + _BARE_LABEL + r")\b",
                 "a label after a preposition without its article: « selon la part des utilisateurs », "
                 "« des paramètres « … » »"))

#: Words of the English messages that French text may use as they are (names, abbreviations, shared words).
SHARED = {
    "plus", "sobol", "shapley", "saltelli", "jansen", "student", "wilson", "prim", "pawn", "evpi", "evppi", "usd",
    "chatgpt", "gpt", "tableau", "mcsim", "pdf", "png", "csv", "json", "html", "latex", "sha", "api", "openai",
    "alpha", "delta", "quasi", "sobol'", "lhs", "random", "p", "st", "s1", "ci", "iea", "et", "al", "ok", "n", "d",
    "triple", "min", "max", "log", "e", "sqrt", "inf", "nan", "x", "y", "z", "k", "t", "bootstrap", "via", "test",
    "tests",
    "spearman", "kendall", "pearson", "borgonovo", "hill", "pareto", "kolmogorov", "smirnov", "brent", "strong",
    "oakley", "bryant", "lempert", "friedman", "fisher", "mastrandrea", "owen", "song", "nelson", "staum", "iooss",
    "plischke", "smith", "viseur", "ipcc", "numpy", "scipy", "salib", "python", "dask", "seedsequence", "monte",
    "carlo", "sensitivity", "toml", "run", "runs", "batch", "lang", "fr", "en", "samples", "sampler", "seed",
    "overrides", "priors", "figures", "reports",
}


def english_words() -> set[str]:
    """Words of the catalogue's English messages that none of its French messages uses (lowercased)."""
    with PO.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    words = lambda text: set(re.findall(r"[a-z]+", re.sub(r"\{[^}]*\}", " ", text.lower())))  # noqa: E731
    english, french = set(), set()
    for m in messages:
        for text in (m.id if isinstance(m.id, tuple) else (m.id,)):
            english |= words(text)
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)):
            french |= words(text)
    # the command-line words a report quotes (in code spans, left out) stay listed: they are never prose
    return {w for w in english - french - (SHARED - {"samples", "priors", "figures", "reports", "run", "runs"})
            if len(w) > 1 or w == "a"} - {"a"}


# --- what of each file is French prose ----------------------------------------------------------------------

_MD_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_URL = re.compile(r"https?://\S+|\b[\w.-]+@[\w.-]+\b")
_MD_FOREIGN = re.compile(r"<span lang=\"(?!fr)[a-z]+\">.*?</span>", re.S)
_EN_QUOTE = re.compile(r"“[^”]*”")
_MD_PATH = re.compile(r"\((?:figures|tables)/[^)\s]*\)|!\[[^\]]*\]")  # an image's alt text and a link's path


def markdown_prose(text: str) -> str:
    text = _MD_CODE.sub("x", text)  # a code span is a word of the sentence: the spaces around it are checked
    for pattern in (_MD_FOREIGN, _URL, _EN_QUOTE, _MD_PATH):
        text = pattern.sub(" ", text)
    text = re.sub(r"^\|[-:|]+\|$", " ", text, flags=re.M)  # a table's alignment row
    return text.replace("\\*", "*").replace("\\_", "_")


class _Prose(HTMLParser):
    """The text of an HTML page outside code, scripts, styles and elements in another language."""

    SKIP = frozenset({"code", "pre", "script", "style"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "meta", "link", "hr", "input"}:
            if tag == "img" and not any(self.stack):
                self.parts.append(" " + (dict(attrs).get("alt") or "") + " ")
            return
        lang = dict(attrs).get("lang")
        self.stack.append(tag in self.SKIP or (lang is not None and lang != "fr" and tag != "html"))

    def handle_endtag(self, tag):
        if tag not in {"br", "img", "meta", "link", "hr", "input"} and self.stack:
            self.stack.pop()
        if tag in {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "title", "figcaption", "tr", "div"}:
            self.parts.append("\n")

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def html_prose(text: str) -> str:
    parser = _Prose()
    parser.feed(text)
    return _EN_QUOTE.sub(" ", _URL.sub(" ", "".join(parser.parts)))


_TEX_COMMAND = re.compile(r"\\(?:cite|input|bibliography|usepackage|begin|end|ref|label|url|href)\{[^}]*\}|"
                          r"\\[a-zA-Z]+\*?|\\[,;!:]|[{}$&]")


_TEX_FOREIGN = re.compile(r"\\foreignlanguage\{(?!french)[a-z]+\}\{(?:[^{}]|\{[^{}]*\})*\}")


def tex_prose(text: str) -> str:
    # a table file's comments (its width, the packages it needs, how to input it) and siunitx's settings are
    # instructions to LaTeX and to the author, never printed
    text = re.sub(r"(?m)^%.*$", " ", text)
    text = re.sub(r"\\sisetup\{(?:[^{}]|\{[^{}]*\})*\}", " ", text)
    text = _TEX_FOREIGN.sub(" ", text)
    text = _TEX_COMMAND.sub(lambda m: NNBSP if m.group() in ("\\,", "\\;") else " ", _URL.sub(" ", text))
    text = text.replace("~", NBSP).replace("--", "–")
    return re.sub(r"(?m)^%\s?", "", _EN_QUOTE.sub(" ", text))


def bib_prose(text: str) -> str:
    """The text fields of the entries in French (those whose ``langid`` is french, or with none)."""
    kept = []
    for entry in re.split(r"(?m)^@", text)[1:]:
        langid = re.search(r"^\s*langid\s*=\s*\{([^}]*)\}", entry, re.M)
        if langid is not None and langid.group(1) != "french":
            continue
        kept += re.findall(r"(?m)^\s*(?:title|note|addendum|howpublished|institution)\s*=\s*\{(.*)\},?$", entry)
    return tex_prose("\n".join(kept))


# --- the findings ----------------------------------------------------------------------------------------------

def findings(name: str, prose: str, english: set[str]) -> list[str]:
    """Each fault of ``prose`` (the French text of the file ``name``), with where it is and why it is wrong."""
    found = []
    for number, line in enumerate(prose.splitlines(), start=1):
        for pattern, why in PATTERNS:
            for m in re.finditer(pattern, line):
                found.append(f"{name}:{number}: {why}: …{line[max(m.start() - 30, 0):m.end() + 30]}…")
        for m in re.finditer(r"[A-Za-z]+(?:'[a-z]+)?", line):
            word = m.group().lower()
            if word in english:
                where = line[max(m.start() - 30, 0):m.end() + 30]
                found.append(f"{name}:{number}: English word {m.group()!r}: …{where}…")
    return found


def folder_findings(folder: Path, english: set[str], *, tex_tables: bool = False) -> list[str]:
    """The findings of every French file of a report or comparison ``folder`` (its .tex tables or the rest)."""
    if tex_tables:
        return [f for path in sorted((folder / "tables").glob("*.tex"))
                for f in findings(str(path.relative_to(folder.parent)), tex_prose(path.read_text("utf-8")), english)]
    readers = {"report.md": markdown_prose, "methods.md": markdown_prose, "report.html": html_prose,
               "methods.tex": tex_prose, "references.bib": bib_prose}
    found = []
    for name, reader in readers.items():
        path = folder / name
        if path.is_file():
            found += findings(str(path.relative_to(folder.parent)), reader(path.read_text("utf-8")), english)
    return found


@pytest.fixture(scope="module")
def french_batch(tmp_path_factory) -> Path:
    """``mcsim batch --lang fr`` of the small default run and a small scenario of it: the reports' folder."""
    folder = tmp_path_factory.mktemp("french")
    first = small_default_run_file(folder)
    text = first.read_text(encoding="utf-8")
    text = text[:text.index("[sensitivity]")].replace('title = "Tableau 1 with uncertainty"',
                                                      'title = "Tableau 1 at a 1 % conversion rate"').replace(
        'title_fr = "Le Tableau 1 sous incertitude"', 'title_fr = "Le Tableau 1 à 1 % de conversion"')
    second = folder / "conversion.toml"
    second.write_text(text + '\n[overrides.conversion_rate]\npoint = 0.01\ndist = "beta"\nmean = 0.01\nsd = 0.004\n'
                      'source = "The text of section 5."\n', encoding="utf-8")
    reports = folder / "reports"
    assert main(["batch", str(first), str(second), "--samples", "4096", "--lang", "fr", "--reports",
                 str(reports)]) == 0
    return reports


def test_the_french_reports_and_comparison_read_as_french(french_batch):
    english = english_words()
    found = [f for name in ("paper-table1", "conversion", "comparison")
             for f in folder_findings(french_batch / name, english)]
    assert not found, f"{len(found)} findings:\n" + "\n".join(found)


def test_the_french_latex_tables_are_french(french_batch):
    english = english_words()
    found = [f for name in ("paper-table1", "comparison") for f in
             folder_findings(french_batch / name, english, tex_tables=True)]
    assert not found, f"{len(found)} findings:\n" + "\n".join(found)


@pytest.mark.parametrize(("text", "fault"), [
    ("elle tient à leurs valeurs ponctuelles", "tenir à"), ("le rang de utilisateurs", "elision"),
    ("le 1e centile", "1er"), ("5,83 millions utilisateurs", "takes « de »"), ("1,05 million tirages", "takes « de »"),
    ("6 paramètres incertains et 1 fixés", "singular"), ("il ne se distingue pas d'aucun", "double negation"),
    ("le triangle marque article\u00a0:", "without its article"), ("« « « mot\u00a0» » »", "tripled"),
    ('un "mot"', "straight"), ("Modèle : GPT-4", "ordinary space"), ("Modèle: GPT-4", "no space"),
    ("«mot\u00a0»", "followed by"), ("Utilisateurs au seuil au plus 6 millions", "without a verb"),
    ("Of 2 scenarios, the claim holds", "English word"),
    ("Les tirages selon part des utilisateurs abonnés à Plus", "without its article"),
    ("la cible «\u00a0rang de la variable «\u00a0surplus\u00a0»\u00a0»", "quotation inside a quotation"),
])
def test_the_lint_finds_each_fault(text, fault):
    assert any(fault in f for f in findings("x", text, english_words())), findings("x", text, english_words())


def test_the_lint_passes_good_french():
    good = ("Sur 2\u00a0scénarios, l'affirmation est vérifiée aux valeurs ponctuelles\u202f; le 1er centile, "
            "5,83\u00a0millions d'utilisateurs, «\u00a0mot\u00a0» et 6 paramètres incertains et 1 fixé\u00a0: "
            "elle vaut au plus 6\u00a0millions. ChatGPT Plus.")
    assert findings("x", good, english_words()) == []
