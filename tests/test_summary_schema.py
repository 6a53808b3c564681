"""summary.json's published JSON Schema (mcsim/serialise/summary.schema.json): every summary mcsim writes fits it,
and it is strict enough to refuse one that lacks a key, has a wrong type or an unknown key."""

from __future__ import annotations

import copy
import json
import tomllib
from fnmatch import fnmatch

import jsonschema
import pytest
from conftest import ROOT, small_analyses

import mcsim
from mcsim.i18n import speaking
from mcsim.report.summary_words import summary
from mcsim.serialise import SCHEMA_FILE, schema

SHIPPED = sorted((ROOT / "reports").glob("*/summary.json"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


def _errors(validator, data) -> list[str]:
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema_installed_with_the_package():
    found = schema()
    assert found["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(found)
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert any(fnmatch(f"serialise/{SCHEMA_FILE}", pattern) for pattern in package_data["package-data"]["mcsim"])


def test_the_reports_ship_a_run_summary_each_and_a_comparison():
    names = {path.parent.name for path in SHIPPED}
    assert {path.stem for path in (ROOT / "runs").glob("*.toml")} <= names
    assert "comparison" in names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.parent.name)
def test_every_shipped_summary_fits_the_schema(validator, path):
    assert _errors(validator, json.loads(path.read_text(encoding="utf-8"))) == []


def test_the_summary_of_a_small_default_run_fits_the_schema(validator, small_default_run):
    """A model over users, with value of information and correlated priors (shared with other tests)."""
    with speaking("en"):
        data = summary(small_default_run)
    assert _errors(validator, data) == []
    assert "value_of_information" in data and "users" in data["run"]


@pytest.mark.parametrize("name", [
    "footprint-gpt3",  # another model, over users
    pytest.param("dynamics-rebound", marks=pytest.mark.slow),  # a model over months (its tipping points take 5 s)
])
def test_the_summary_of_a_small_run_of_each_other_kind_fits_the_schema(validator, name):
    spec = mcsim.load_run(ROOT / "runs" / f"{name}.toml", samples=1024)
    with speaking("en"):
        data = summary(mcsim.run(small_analyses(spec, base_samples=128, shapley_samples=128)))
    assert _errors(validator, data) == []
    assert "sensitivity" in data


def _broken(data: dict, path: tuple, change) -> dict:
    data = copy.deepcopy(data)
    *parents, key = path
    holder = data
    for part in parents:
        holder = holder[part]
    change(holder, key)
    return data


@pytest.mark.parametrize(("path", "change", "said"), [
    (("run", "seed"), lambda d, k: d.pop(k), "'seed' is a required property"),
    (("claims", "break_even_within_6M", "probability"), lambda d, k: d.pop(k), "'probability' is a required property"),
    (("verdict",), lambda d, k: d.pop(k), "'verdict' is a required property"),
    (("outputs", "break_even_users", "p50"), lambda d, k: d.__setitem__(k, "5 million"), "'5 million' is not valid"),
    (("run", "samples"), lambda d, k: d.__setitem__(k, 4096.5), "4096.5 is not of type 'integer'"),
    (("claims", "break_even_within_6M", "probability"), lambda d, k: d.__setitem__(k, 1.5),
     "1.5 is greater than the maximum of 1"),
    (("run", "sampler"), lambda d, k: d.__setitem__(k, "sobel"), "'sobel' is not one of"),
    (("manifest", "settings", "workerz"), lambda d, k: d.__setitem__(k, 2), "('workerz' was unexpected)"),
    (("outputs", "break_even_users", "unit"), lambda d, k: d.__setitem__(k, None), "None is not of type 'string'"),
])
def test_a_summary_missing_a_key_or_with_a_wrong_type_fails(validator, path, change, said):
    data = json.loads((ROOT / "reports" / "paper-table1" / "summary.json").read_text(encoding="utf-8"))
    assert _errors(validator, data) == []
    broken = _broken(data, path, change)
    messages = [e.message for e in validator.iter_errors(broken)] + [
        c.message for e in validator.iter_errors(broken) for c in e.context]
    assert any(said in m for m in messages), messages


def test_a_comparison_missing_its_scenarios_fails(validator):
    data = json.loads((ROOT / "reports" / "comparison" / "summary.json").read_text(encoding="utf-8"))
    assert _errors(validator, data) == []
    data.pop("scenarios")
    assert not validator.is_valid(data)
