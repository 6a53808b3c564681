"""Shared helpers: write small priors and run files, and a user's own model, into a temporary directory."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PAPER_INPUTS = """
[inputs.training_cost]
point = 63e6
dist = "point"
source = "paper"

[inputs.lifetime_months]
point = 12
dist = "point"
source = "paper"

[inputs.cost_per_1k_tokens]
point = 0.004
dist = "point"
source = "paper's table"

[inputs.tokens_per_prompt]
point = 250
dist = "point"
source = "paper"

[inputs.prompts_per_user]
point = 100
dist = "point"
source = "paper"

[inputs.conversion_rate]
point = 0.05
dist = "point"
source = "paper"

[inputs.price]
point = 20
dist = "point"
source = "paper"
"""


def shipped_priors(name: str = "paper-table1") -> str:
    """The text of a shipped priors file, its bibliography named where it is (for a copy written elsewhere)."""
    text = (ROOT / "priors" / f"{name}.toml").read_text(encoding="utf-8")
    bib = (ROOT / "priors" / "sources.bib").as_posix()
    return text.replace('bibliography = "sources.bib"', f'bibliography = "{bib}"')


def small_analyses(spec, *, base_samples: int = 256, shapley_samples: int = 4096):
    """``spec`` with its sensitivity analysis at the smallest sizes that draw every table and figure: for tests of
    what a report shows, not of the estimates' precision (the value of information is on the run's own samples).
    (Fewer Shapley draws leave a replicate of the default run's rarely failing claims without a failure: its
    effects and their whiskers are then NaN.)"""
    changes = {}
    if spec.sensitivity is not None:
        changes["sensitivity"] = dataclasses.replace(spec.sensitivity, base_samples=base_samples,
                                                     max_base_samples=base_samples, crosscheck_samples=base_samples,
                                                     shapley_samples=shapley_samples)
    return dataclasses.replace(spec, **changes)


@pytest.fixture(scope="session")
def small_default_run():
    """The default run (runs/paper-table1.toml, every analysis it asks for) at 4096 samples, its sensitivity
    analysis and value of information small (:func:`small_analyses`); one run shared by every test that reads it."""
    import mcsim

    return mcsim.run(small_analyses(mcsim.load_run(ROOT / "runs" / "paper-table1.toml", samples=4096)))


@pytest.fixture(scope="session")
def small_default_report(small_default_run, tmp_path_factory) -> Path:
    """The report of :func:`small_default_run`, written once for every test that reads it: read it, never change it
    (copy it first)."""
    from mcsim.report import write_report

    return write_report(small_default_run, tmp_path_factory.mktemp("small-default") / "report")


def small_default_run_file(folder: Path) -> Path:
    """Write ``folder/paper-table1.toml``: the default run file with :func:`small_analyses`' sizes written in,
    for tests that need the default run through a command line, and return its path."""
    text = (ROOT / "runs" / "paper-table1.toml").read_text(encoding="utf-8")
    priors = (ROOT / "priors" / "paper-table1.toml").as_posix()
    for old, new in (('priors = "../priors/paper-table1.toml"', f'priors = "{priors}"'),
                     ("base_samples = 8192\n", "base_samples = 256\nmax_base_samples = 256\ncrosscheck_samples = 256\n"
                                               "shapley_samples = 4096\n"),):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "paper-table1.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def write(tmp_path):
    """``write(name, text)`` writes a dedented file under tmp_path and returns its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


def points_with(**replacements: str) -> str:
    """The paper's inputs, all points, with some input tables replaced by the given TOML bodies."""
    text = PAPER_INPUTS
    for name, body in replacements.items():
        start = text.index(f"[inputs.{name}]")
        end = text.find("[inputs.", start + 1)
        end = len(text) if end < 0 else end
        text = text[:start] + f"[inputs.{name}]\n" + textwrap.dedent(body).strip() + "\n\n" + text[end:]
    return text


USER_MODEL = '''
"""A user's own model: Tableau 1 with the price scaled."""
import dataclasses

from mcsim.models.tableau1 import TABLEAU1, evaluate

PRICE_FACTOR = {factor}


def scaled(inputs, users):
    return evaluate({{**inputs, "price": inputs["price"] * PRICE_FACTOR}}, users)


MODEL = dataclasses.replace(TABLEAU1, name="scaled", function=scaled)
'''


def user_model(folder, module: str, factor: str = "1.0"):
    """Write ``folder/module.py``, a user's model, importable as ``module:MODEL`` once folder is on the path."""
    path = folder / f"{module}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(USER_MODEL.format(factor=factor), encoding="utf-8")
    return path


def new_process(monkeypatch, *modules: str) -> None:
    """Forget the user's modules, as a new ``mcsim`` process would, and never read a stale .pyc."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for name in list(sys.modules):
        top = name.partition(".")[0]
        if top.startswith("_mcsim_model_"):  # a model beside its file, loaded under a private name
            top = top.removeprefix("_mcsim_model_")[17:]
        if top in modules:
            monkeypatch.delitem(sys.modules, name)
    importlib.invalidate_caches()
