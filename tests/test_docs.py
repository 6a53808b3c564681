"""The documentation: the tutorial's files validate and run (the site's build runs them too, at its own
sample size; these tests check what the page says of them), and the README's figures exist."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT

TUTORIAL = ROOT / "docs" / "tutorial" / "files"  # the files docs/tutorial/index.md shows


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    names = sorted(path.name for path in TUTORIAL.iterdir() if path.is_file())
    assert names == ["api-priors.toml", "api-sources.bib", "api.toml", "api_model.py", "try_it.py"]
    for name in names:
        (folder / name).write_text((TUTORIAL / name).read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _python(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)  # mcsim itself; the model is found beside the run file
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_the_tutorials_files_are_valid(folder):
    done = _python("-m", "mcsim", "validate", "api.toml", "api-priors.toml", cwd=folder)
    assert (done.returncode, done.stdout.splitlines(), done.stderr) == (0, ["api.toml: valid",
                                                                           "api-priors.toml: valid"], "")


@pytest.mark.slow  # its commands run again as the documentation builds (.ci/run)
def test_the_tutorials_run_runs(folder):
    done = _python("-m", "mcsim", "run", "api.toml", "--samples", "256", "--out", "report", cwd=folder)
    assert done.returncode == 0, done.stderr
    summary = json.loads((folder / "report" / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["claims"]) == {"breaks_even_below_300k", "profit_at_a_million"}
    assert 0 < summary["claims"]["breaks_even_below_300k"]["probability"] < 1
    assert summary["sensitivity"]["break_even_users"]["ST"]
    assert "memo: 200,000" in (folder / "report" / "report.md").read_text(encoding="utf-8")  # [meta] reference
    references = (folder / "report" / "references.bib").read_text(encoding="utf-8")
    assert "@misc{pricelist2025," in references and "@misc{memo2025," in references  # the priors' cite keys
    assert "~\\cite{memo2025}" in (folder / "report" / "methods.tex").read_text(encoding="utf-8")


def test_the_tutorials_python_does_what_it_says(folder):
    done = _python("try_it.py", cwd=folder)
    assert done.returncode == 0, done.stderr
    said = re.search(r"print\(error\)  # (.*)", (TUTORIAL / "try_it.py").read_text(encoding="utf-8"), re.DOTALL)
    assert done.stdout.split() == said.group(1).replace("#", " ").split()


def test_every_image_the_readme_shows_is_committed():
    """The gallery shows figures of the committed reports: each path it names exists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images, "the README shows no figure"
    missing = [path for path in images if not (ROOT / path).is_file()]
    assert not missing, f"the README shows figures that are not in the repository: {missing}"


def test_the_tutorial_shows_and_runs_its_files():
    """Every file the tests above run is shown on the tutorial page, and the page runs them when the site is built."""
    page = (ROOT / "docs" / "tutorial" / "index.md").read_text(encoding="utf-8")
    for path in TUTORIAL.iterdir():
        assert f"```{{literalinclude}} files/{path.name}\n" in page, path.name
    assert "```{mcsim-run} files\nmcsim run api.toml --samples 4096" in page
    assert "```{mcsim-run} files\npython try_it.py\n```" in page


def test_every_page_the_readme_links_to_exists():
    """The README sends its readers into docs/: each page it links to is there, and in the site's table of contents."""
    links = re.findall(r"\]\((docs/[^)]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(links) >= 10, links
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for link in links:
        assert (ROOT / link).is_file(), link
        assert link.removeprefix("docs/").removesuffix(".md") in index.split(), link
