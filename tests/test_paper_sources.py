"""What mcsim says of Viseur (2025) and of the sources its footnotes cite, against the paper's words.

The paper: section 5 and Tableau 1 give $0.002 per 1000 tokens, citing in footnote 4 P. McGuinness,
"GPT-4 details revealed" (July 2023), whose summary of SemiAnalysis puts GPT-4's inference at about
$0.0021 per 1000 tokens on H100s and $0.0049 on A100s; footnote 3 cites
https://x.com/sama/status/1724626002595471740, footnote 5 a LinkedIn post. The text available opens
with its abstract: it gives no title and no venue.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import ROOT

from mcsim.inputs.bibliography import load_bibliography
from mcsim.inputs.priors import load_priors
from mcsim.inputs.runs import load_run

BIB = ROOT / "priors" / "sources.bib"
FOOTNOTE_URLS = {
    "mcguinness2023": "https://patmcguinness.substack.com/p/gpt-4-details-revealed",  # footnote 4
    "cheung2024altman": "https://www.linkedin.com/posts/rowancheung_sam-altman-just-dropped-some-new-chatgpt-activity-"
                        "7270172267223904257-lAfL/",  # footnote 5
    "altman2023plus": "https://x.com/sama/status/1724626002595471740",  # footnote 3
}


def _cost_sources():
    """The source and cite keys of each shipped prior of the cost per 1000 tokens that centres on the paper."""
    for name in ("paper-table1", "correlated-costs"):
        prior = load_priors(ROOT / "priors" / f"{name}.toml")["cost_per_1k_tokens"]
        yield name, prior.source, prior.cite
    prior = load_run(ROOT / "runs" / "paper-as-written.toml").priors["cost_per_1k_tokens"]
    yield "paper-as-written", prior.source, prior.cite


@pytest.mark.parametrize(("name", "source", "cite"), list(_cost_sources()),
                         ids=["paper-table1", "correlated-costs", "paper-as-written"])
def test_the_cost_per_1k_tokens_is_sourced_to_footnote_4(name, source, cite):
    """The paper's $0.002 comes from the source footnote 4 cites; gpt-3.5-turbo's equal price is a coincidence."""
    assert "McGuinness" in source and "footnote 4" in source
    assert "$0.0021" in source and "H100" in source and "$0.0049" in source and "A100" in source
    assert "API price of gpt-3.5-turbo" not in source
    if "gpt-3.5-turbo" in source:
        assert "coincidence" in source
    assert "mcguinness2023" in cite


def test_the_papers_entry_holds_what_the_text_gives_and_invents_no_title():
    entry = load_bibliography(BIB)["viseur2025"]
    assert entry.kind == "unpublished" and entry.get("author") == "Viseur, Robert" and entry.get("year") == "2025"
    assert entry.get("language") == "french"
    assert entry.get("title").startswith("[Untitled")  # no title in the text: none is made up
    assert "explosion ou frugalit" not in BIB.read_text(encoding="utf-8")
    note = entry.get("note")
    assert "University of Mons" in note and "neither its title nor where it was published" in note
    assert "footnotes 4 to 7" in note


def test_the_footnotes_sources_are_entries_at_the_addresses_the_paper_gives():
    bib = load_bibliography(BIB)
    for key, url in FOOTNOTE_URLS.items():
        assert bib[key].get("url") == url, key
        assert "Viseur (2025), footnote" in bib[key].get("note")
    assert "0.0021" in bib["mcguinness2023"].get("note") and "0.0049" in bib["mcguinness2023"].get("note")


def test_the_prompts_per_user_prior_cites_footnote_5s_source():
    assert "cheung2024altman" in load_priors(ROOT / "priors" / "paper-table1.toml")["prompts_per_user"].cite


def test_nothing_shipped_points_outside_the_project_or_puts_about_in_the_papers_mouth():
    """No file refers to the design notes, and no comment quotes "about 50 million" as the paper's (it says
    « Au-delà des 50 millions »)."""
    files = [*ROOT.glob("runs/*.toml"), *ROOT.glob("priors/*.toml"), *ROOT.glob("mcsim/models/**/*.py"),
             ROOT / "README.md"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "DESIGN" not in text, path
        comments = "\n".join(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
        assert '"about 50 million"' not in comments and '"beyond about' not in text, path
    readme = (ROOT / "README.md").read_text(encoding="utf-8")  # « au-delà des 6 millions d'utilisateurs mensuels »
    assert "surplus appears only beyond about" not in readme.replace("\n", " ")
    assert "au-delà des 6 millions d'utilisateurs mensuels" in readme.replace("\n", " ")


def test_statements_about_the_paper_in_priors_say_what_it_says():
    dynamics = tomllib.loads((ROOT / "priors" / "dynamics-2025.toml").read_text(encoding="utf-8"))["inputs"]
    # the paper: models' compute needs halve every 8 months (Ho et al.), and users grew "sensiblement plus lente"
    assert "applies it to the cost of models" not in dynamics["halving_months"]["source"]
    assert "compute" in dynamics["halving_months"]["source"]
    assert "flat" not in dynamics["user_growth"]["source"]
    gpt3 = (ROOT / "priors" / "footprint-gpt3.toml").read_text(encoding="utf-8")
    # Patterson et al. estimated GPT-3's energy; the paper cites Patterson et al. (2022) for both PUEs
    assert "measured" not in gpt3 and "measured it" not in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "citing Patterson et al. (2022)" in gpt3 and "The paper cites both" not in gpt3
    for name in ("evidence-2025", "dynamics-2025"):  # gpt-4-1106 is of November 2023, not March
        source = tomllib.loads((ROOT / "priors" / f"{name}.toml").read_text(encoding="utf-8"))["inputs"][
            "cost_per_1k_tokens"]["source"]
        assert re.search(r"gpt-4-1106 \$0\.01 / \$0\.03 \(November 2023\)", source), name
        assert "McGuinness" in source and "footnote 4" in source
