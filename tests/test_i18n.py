"""The report's languages: the French catalogue is complete and keeps every field; French numbers and words."""

from __future__ import annotations

import dataclasses
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from mcsim.cli import main
from mcsim.i18n import _, language, speaking
from mcsim.models.tableau1 import paper
from mcsim.report.text import count, decimal, fixed, format_value, money, percent

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "mcsim" / "locale" / "fr" / "LC_MESSAGES" / "mcsim.po"
KEYWORDS = {"_": None, "N_": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2)}
NBSP, NNBSP = "\u00a0", "\u202f"


def _messages() -> set[tuple[str | None, str]]:
    """Every message of mcsim's code, as (context, English)."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(ROOT / "mcsim", keywords=KEYWORDS):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def catalogue():
    with PO.open("rb") as handle:
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(handle) if m.id}


def test_every_message_has_a_french_translation(catalogue):
    missing = sorted(key for key in _messages() if not catalogue.get(key))
    assert not missing, f"{len(missing)} messages without a French translation in {PO.name}, e.g. {missing[:5]}"


def test_every_translation_keeps_the_fields_of_its_message(catalogue):
    # a plural's forms may leave out the count {n} that its singular leaves out ("in the one scenario")
    changed = {key: (sorted(_fields(key[1])), sorted(_fields(form))) for key, said in catalogue.items()
               for form in (said if isinstance(said, tuple) else (said,))
               if form and (_fields(key[1]) != _fields(form) if isinstance(said, str) else
                            _fields(key[1]) - {"n"} != _fields(form) - {"n"})}
    assert not changed, f"fields differ: {changed}"


def test_the_check_sees_a_lost_field():
    assert _fields("{a} and {b}") != _fields("{a} et")


def test_english_is_the_default_and_speaking_restores_it():
    assert language() == "en"
    with speaking("fr"):
        assert language() == "fr"
        assert _("## Claims") == "## Affirmations"
    assert _("## Claims") == "## Claims"
    with pytest.raises(ValueError, match="language 'de' is not available"), speaking("de"):
        pass


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["5.41 million", "1.5 million", "2 billion", "$40.0 million", "$12,346", "$0.00382", "56.3 %", "0.563",
            "1,234,567", "4.88 %", "11.7 months"]),
    ("fr", ["5,41 millions", "1,5 million", "2 milliards", "40,0 millions de dollars", f"12{NNBSP}346{NBSP}$",
            f"0,00382{NBSP}$", f"56,3{NBSP}%", "0,563", f"1{NNBSP}234{NNBSP}567", f"4,88{NBSP}%", "11,7 mois"]),
])
def test_numbers_in_each_language(lang, expected):
    with speaking(lang):
        got = [count(5.41e6), count(1.5e6), count(2e9), money(40e6), money(12345.6), money(0.00382),
               percent(0.563), fixed(0.563, 3), decimal(1234567), format_value(0.0488, "share of users"),
               format_value(11.7, "months")]
    assert got == expected


def test_tableau1s_published_break_even_label_matches_the_paper():
    assert f"{paper.BREAK_EVEN_USERS / 1e6:.2f}" == "5.83"


@pytest.fixture(scope="module")
def french(small_default_run, tmp_path_factory) -> Path:
    """The small default run's report in French (``mcsim run --lang fr`` is run in test_value_of_information.py,
    ``mcsim batch --lang fr`` in test_french_lint.py)."""
    from mcsim.report import write_report

    result = dataclasses.replace(small_default_run, spec=dataclasses.replace(small_default_run.spec, lang="fr"))
    return write_report(result, tmp_path_factory.mktemp("fr") / "report")


def test_a_french_report_is_in_french(french):
    text = (french / "report.md").read_text(encoding="utf-8")
    assert "**Sa probabilité, lecture par lecture" in text
    # to the decimals its interval allows: two over these 4,096 samples
    assert re.search(r"probabilité 0,\d{2}, intervalle à 95\u00a0% de 0,\d{2} à 0,\d{2}", text)
    assert "4\u202f096 tirages" in text
    for english in ("Is the claim robust", " samples", "What drives it", "## Claims", "probability 0."):
        assert english not in text
    page = (french / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "<h2>Sommaire</h2>" in page
    assert text.startswith("# Le Tableau 1 sous incertitude\n")  # the run file's title_fr
    assert "<title>Le Tableau 1 sous incertitude</title>" in page and "with uncertainty" not in page
    # a variable named as French names it, its verb agreeing with « la variable », not with the label's plural
    methods = re.sub(r"[ \n]+", " ", (french / "methods.md").read_text(encoding="utf-8"))  # its lines wrapped
    assert ("La variable «\u00a0utilisateurs mensuels au seuil de rentabilité\u00a0» entre par son rang parmi les "
            "tirages") in methods
    assert "avec pour gain la variable «\u00a0surplus\u00a0»" in methods
    assert "la note 7 disent 5\u00a0%" in text


def test_summary_json_stays_english_in_a_french_report(french):
    summary = (french / "summary.json").read_text(encoding="utf-8")
    assert '"lang": "fr"' in summary
    assert "probability 0." in summary and "probabilité" not in summary


def test_a_claims_french_words_are_used_in_french_only():
    from mcsim.inputs.claims import Claim
    from mcsim.report.text import claim_text

    claim = Claim("c", "A surplus", "surplus", ">", 0.0, at=5e7, grid="users", text_fr="Un surplus")
    assert claim_text(claim) == "A surplus"
    with speaking("fr"):
        assert claim_text(claim) == "Un surplus"
        assert claim_text(Claim("d", "Only English", "surplus", ">", 0.0, at=5e7, grid="users")) == "Only English"


def test_a_claims_french_words_must_be_a_string(tmp_path):
    from mcsim.inputs.errors import InputError
    from mcsim.inputs.runs import load_run

    run = tmp_path / "run.toml"
    run.write_text(f'[run]\npriors = "{ROOT / "priors" / "paper-table1.toml"}"\nusers = [1e6]\n\n[[claims]]\n'
                   'name = "c"\noutput = "break_even_users"\nop = "<="\nvalue = 6e6\ntext_fr = 3\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\[\[claims\]\] \"c\" text_fr = 3 is invalid: must be a string"):
        load_run(run)


def test_report_settings_are_checked_with_the_file_and_field(tmp_path, capsys):
    run = tmp_path / "run.toml"
    run.write_text(f'[run]\npriors = "{ROOT / "priors" / "paper-table1.toml"}"\n\n[report]\nlang = "de"\n'
                   'figure = "journal"\n', encoding="utf-8")
    assert main(["run", str(run), "--samples", "1024", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f'{run}: [report] lang = "de" is unknown (allowed: en, fr)' in err
    assert f'{run}: [report] figure is not a known key; did you mean "figures"? (allowed: figures, lang)' in err
    assert not (tmp_path / "out").exists()
    assert main(["run", str(ROOT / "runs" / "paper-table1.toml"), "--lang", "english", "--out",
                 str(tmp_path / "out")]) == 2
    assert 'command line: --lang = "english" is unknown (allowed: en, fr)' in capsys.readouterr().err


@pytest.mark.parametrize(("module", "priors"), [
    ("tableau1", "paper-table1"), ("footprint", "footprint-gpt3"), ("dynamics", "dynamics-2025")])
def test_the_checks_of_the_paper_put_a_no_break_space_before_their_colon_in_french(module, priors):
    from importlib import import_module

    from mcsim.inputs.priors import load_priors
    section = import_module(f"mcsim.report.models.{module}").markdown_section
    with speaking("fr"):
        text = "\n".join(section(load_priors(ROOT / "priors" / f"{priors}.toml")))
    assert f"(incohérent){NBSP}: " in text and "cohérent):" not in text


def test_the_footprint_and_rebound_checks_write_french_numbers_in_french():
    """1,287 MWh and 401.5 g are « 1 287 MWh » and « 401,5 g » in French; 1.05^10 = 1.63 is « 1,63 »."""
    from mcsim.inputs.priors import load_priors
    from mcsim.report.models.dynamics import markdown_section as rebound
    from mcsim.report.models.footprint import markdown_section as footprint
    with speaking("fr"):
        text = "\n".join(footprint(load_priors(ROOT / "priors" / "footprint-gpt3.toml")))
        growth = "\n".join(rebound(load_priors(ROOT / "priors" / "dynamics-2025.toml")))
    assert f"1{NNBSP}287 MWh" in text and "401,5 g" in text and "1,3 GWh" in text and "1.3 GWh" not in text
    assert "multiplie la consommation par 1,63" in growth and "11,6" in growth and "11.6" not in growth


def test_a_french_title_must_be_a_string():
    import dataclasses

    from mcsim.inputs.errors import InputError
    from mcsim.inputs.runs import load_run

    spec = load_run(ROOT / "runs" / "paper-table1.toml", samples=1024)
    assert spec.title_in("en") == "Tableau 1 with uncertainty"
    assert spec.title_in("fr") == "Le Tableau 1 sous incertitude"
    with pytest.raises(InputError, match=r"\[run\] title_fr = 3 is invalid: must be a string"):
        dataclasses.replace(spec, title_fr=3)


def test_a_shipped_models_description_has_no_colon_of_its_own():
    """The report says "Model: {description}" and the methods "The model is that of …: {description}": a description
    with its own colon read "Model: GPT-4 served through ChatGPT: training amortised…"."""
    from mcsim.i18n import LANGUAGES, _
    from mcsim.models import BUILTIN

    for lang in LANGUAGES:
        with speaking(lang):
            assert not [model.name for model in BUILTIN.values() if ":" in _(model.description)], lang
