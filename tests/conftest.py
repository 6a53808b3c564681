"""Shared helpers: write small priors and run files, and a user's own model, into a temporary directory."""

from __future__ import annotations

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
