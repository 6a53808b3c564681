"""The report's first lines: the paper's words as written, a sentence for an abstract, then the readings."""

from __future__ import annotations

import dataclasses
import json
import re
import warnings

import numpy as np
import pytest
from conftest import ROOT

from mcsim.inputs.claims import Claim
from mcsim.inputs.errors import InputError
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report import write_report
from mcsim.report.text import estimate

SIX = "De fait, un surplus n’est dégagé qu’au-delà des 6 millions d’utilisateurs mensuels"
FIFTY = ("Au-delà des 50 millions d’utilisateurs, le coût d’entraînement (mensualisé) devient en effet inférieur au "
         "coût d’inférence")


@pytest.fixture(scope="module")
def result():
    """The default run's claims on a small sample, every sample kept, without the analyses the opening does not need."""
    spec = load_run(ROOT / "runs" / "paper-table1.toml", samples=4096)
    return execute(dataclasses.replace(spec, sensitivity=None, value_of_information=None, keep_samples=4096))


@pytest.fixture(scope="module", params=["en", "fr"])
def report(result, request, tmp_path_factory):
    out = write_report(dataclasses.replace(result, spec=dataclasses.replace(result.spec, lang=request.param)),
                       tmp_path_factory.mktemp(request.param) / "report")
    return request.param, out


def _opening(report_md: str) -> str:
    """The lines before the run's description (the first screen)."""
    return report_md.split("\nModel: ")[0].split("\nModèle")[0]


def test_the_shipped_runs_quote_the_paper_s_two_sentences_alike():
    """SIX and FIFTY are section 5's words as printed (its apostrophes are typographic)."""
    for run in ("paper-table1", "conversion-1pct", "cheaper-inference", "correlated-costs", "evidence-2025",
                "open-source-foundation", "paper-as-written", "reasoning-usage"):
        claims = {c.name: c for c in load_run(ROOT / "runs" / f"{run}.toml").claims}
        assert claims["break_even_at_least_6M"].quote == SIX
        assert claims["crossover_at_most_50M"].quote == FIFTY
        assert claims["break_even_at_least_6M"].literal and claims["crossover_at_most_50M"].literal
        assert claims["break_even_within_6M"].reading_of == "break_even_at_least_6M"


def test_the_report_opens_with_the_quote_verbatim_and_a_labelled_translation(report):
    lang, out = report
    opening = _opening((out / "report.md").read_text(encoding="utf-8"))
    first = opening.splitlines()[2]
    assert f"«\u00a0{SIX}\u00a0»" in first and "Viseur (2025), section 5" in first
    if lang == "en":
        assert "translation: “In fact, a surplus is only generated beyond 6 million monthly users”" in first
    else:
        assert "traduction" not in first  # the quote is in the report's language


def test_no_reading_is_put_inside_quotation_marks(report):
    """Quotation marks hold the paper's words, their translations and the claims' own texts; never a reading."""
    _lang, out = report
    opening = _opening((out / "report.md").read_text(encoding="utf-8"))
    quoted = {a or b for a, b in re.findall(r"«\u00a0(.*?)\u00a0»|“(.*?)”", opening)}
    allowed = {SIX, FIFTY, "In fact, a surplus is only generated beyond 6 million monthly users",
               "Beyond 50 million users, the (monthly) training cost indeed becomes lower than the inference cost",
               "At 50 million users the service makes a surplus (Tableau 1's fourth row)",
               "À 50 millions d'utilisateurs, le service dégage un surplus (quatrième ligne du Tableau 1)"}
    assert {said for said in quoted if re.search(r"\d", said)} <= allowed  # else an input's label
    for reading in ("at most 6 million", "at least", "within 25 %", "about 6", "au plus", "environ"):
        assert not re.search(rf"[“«]\W*{reading}", opening)


def test_the_abstract_sentence_comes_second_and_says_where_the_paper_s_value_sits(result, report):
    lang, out = report
    opening = _opening((out / "report.md").read_text(encoding="utf-8"))
    sentence = opening.split("\n\n")[2]
    kept = result.kept.outputs["break_even_users"]
    assert result.kept.size == result.samples  # every sample is kept: the exact shares are known
    percentile = round(100 * np.mean(kept <= 5_833_333.0))
    about = result.claims["break_even_about_6M"].probability
    if lang == "en":
        assert len(sentence.split()) <= 45
        assert sentence.startswith("Under these priors, the median of break-even monthly users is ")
        assert f"the published 5.83 million lies at its {percentile}th percentile" in sentence
        assert f"the probability that it is within 25 % of 6 million is {about:.2f}" in sentence
    else:
        assert f"la valeur publiée, 5,83\u00a0millions, se situe à son {percentile}e centile" in sentence.replace(
            " millions", "\u00a0millions")
        assert f"6 millions à 25 % près est de {about:.2f}".replace(".", ",") in sentence.replace("\u00a0", " ")
    assert result.published_shares["break_even_users"] == np.mean(kept <= 5_833_333.0)


def test_the_readings_come_literal_first_each_with_its_verdict_at_the_paper_s_values(result, report):
    lang, out = report
    opening = _opening((out / "report.md").read_text(encoding="utf-8"))
    items = [line for line in opening.splitlines() if line.startswith("  - ")]
    p = {name: estimate(c.probability, c.ci95)[0] for name, c in result.claims.items()}
    if lang == "en":
        assert items[0].startswith("  - Read literally, at least 6 million: ")
        assert items[0].endswith("at the paper's values (5.83 million) it fails.")
        assert f"probability {p['break_even_at_least_6M']}" in items[0]
        assert items[1].startswith("  - Read as at most 6 million: ") and items[1].endswith("it holds.")
        assert items[2].startswith("  - Read as within 25 % of 6 million: ")
        assert items[3].startswith("  - Read as within a factor of 2 of 6 million: ")
        fifty = next(line for line in items if FIFTY in line)
        assert "read literally, at most 50 million" in fifty
        assert "at the paper's values (52.5 million) it fails; read as at most 55 million" in fifty
        assert fifty.endswith("at the paper's values (52.5 million) it holds.")
    else:
        items = [item.replace("\u00a0", " ") for item in items]
        assert items[0].startswith("  - Lecture littérale, au moins 6 millions : ")
        assert items[0].endswith("aux valeurs de l'article (5,83 millions), elle ne se vérifie pas.")
        assert items[2].startswith("  - Autre lecture, 6 millions à 25 % près : ")


def test_summary_json_keeps_the_quotes_the_point_values_and_where_the_published_value_sits(report, result):
    _lang, out = report
    summary = json.loads((out / "summary.json").read_text())
    claim = summary["claims"]["crossover_at_most_50M"]
    assert claim["quote"] == FIFTY and claim["quote_lang"] == "fr"
    assert claim["quote_source"] == "Viseur (2025), section 5"
    assert claim["value_at_point"] == pytest.approx(52.5e6) and claim["holds_at_point"] is False
    assert summary["claims"]["crossover_within_55M"]["holds_at_point"] is True
    assert "quote" not in summary["claims"]["crossover_within_55M"]
    published = summary["outputs"]["break_even_users"]["published"]
    assert published == {"value": 5_833_333.0, "share_at_or_below": result.published_shares["break_even_users"]}


def test_a_quote_is_checked_like_every_field():
    with pytest.raises(InputError, match=r'quote_lang = "de" is invalid \(allowed: en, fr\)'):
        Claim("c", "", "x", "<=", 1.0, quote="Ein Satz", quote_lang="de")
    with pytest.raises(InputError, match=r"quote_en = .* is given without 'quote'"):
        Claim("c", "", "x", "<=", 1.0, quote_en="A sentence")
    with pytest.raises(InputError, match=r"literal = true is given without 'quote'"):
        Claim("c", "", "x", "<=", 1.0, literal=True)
    with pytest.raises(InputError, match=r"literal = .* must be true or false"):
        Claim("c", "", "x", "<=", 1.0, quote="Une phrase", literal="yes")
    claim = Claim("c", "", "x", "<=", 1.0, quote="Une phrase", quote_lang="fr", quote_en="A sentence")
    assert claim.translated_quote("en") == "A sentence" and claim.translated_quote("fr") == "Une phrase"


def test_a_run_file_s_quote_with_a_wrong_language_names_the_file_and_field(tmp_path):
    (tmp_path / "run.toml").write_text(
        f'[run]\npriors = "{(ROOT / "priors" / "paper-table1.toml").as_posix()}"\nsamples = 1024\n'
        '[[claims]]\nname = "c"\noutput = "break_even_users"\nop = "<="\nvalue = 6e6\nquote = "Un mot"\n'
        'quote_lang = "french"\n')
    with pytest.raises(InputError) as error:
        load_run(tmp_path / "run.toml")
    assert 'run.toml: [[claims]] "c" quote_lang = "french" is invalid' in str(error.value)


def test_a_claim_whose_indices_are_undefined_gets_no_driver_in_the_headline(tmp_path):
    """A claim that fails in a few samples only is constant in some replicates' A and B rows: its Sobol indices
    are undefined there, so the headline names no driver and says why, with no library warning on the way."""
    (tmp_path / "run.toml").write_text(
        f'[run]\npriors = "{(ROOT / "priors" / "paper-table1.toml").as_posix()}"\nsamples = 2048\n'
        '[[claims]]\nname = "rare"\noutput = "break_even_users"\nop = "<="\nvalue = 1e9\n'
        '[sensitivity]\noutputs = ["break_even_users"]\nbase_samples = 256\nmax_base_samples = 256\n'
        '[report]\nfigures = "none"\n')  # its words are tested, not its figures
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = execute(load_run(tmp_path / "run.toml"))
    cv = result.verdict.claims["rare"]
    assert cv.no_driver is not None and cv.no_driver.kind == "sobol undefined"
    out = write_report(result, tmp_path / "out")
    opening = _opening((out / "report.md").read_text())
    assert ("- **What drives it:** no input can be named as its driver: the indices of the claim's indicator are "
            f"undefined in {cv.no_driver.count} of their {cv.no_driver.estimates} estimates") in opening
    summary = json.loads((out / "summary.json").read_text())
    assert summary["verdict"]["claims"]["rare"]["no_driver"].startswith("the target is constant in the A and B rows")


def test_an_unconverged_driver_is_said_with_its_interval_within_0_and_1():
    from mcsim.analysis.sensitivity.result import NoDriver
    from mcsim.report.verdict import _index, no_driver_words

    assert _index("ST", 0.90, 0.18) == "ST 0.90, interval 0.72 to 1.00"
    assert _index("ST", 0.78, 0.01) == "ST 0.78 ± 0.01"
    said = no_driver_words(NoDriver("not converged", width=0.36, tolerance=0.05), "the claim's indicator")
    assert said.endswith("the interval of the largest index of the claim's indicator is 0.36 wide, wider than the "
                         "0.05 at which the indices count as converged")
