"""Claims: one table of operators, and a claim built in Python checked as a run file's [[claims]] is."""

import pickle

import numpy as np
import pytest
from conftest import ROOT

from mcsim.analysis.sensitivity.targets import Target
from mcsim.compute.stats import claim_holds
from mcsim.inputs.claims import OPERATORS, Claim
from mcsim.inputs.errors import InputError
from mcsim.inputs.runs import Claim as ClaimFromRuns
from mcsim.inputs.runs import load_run

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()


@pytest.mark.parametrize(("op", "expected"), [("<=", [True, True, False]), ("<", [True, False, False]),
                                              (">=", [False, True, True]), (">", [False, False, True])])
def test_holds_compares_each_value(op, expected):
    claim = Claim("c", "", "margin_per_user", op, 2)
    assert claim.holds(np.array([1.0, 2.0, 3.0])).tolist() == expected


def test_statistics_and_sensitivity_use_the_same_operators():
    claim = Claim("c", "", "surplus", ">", 0, users=1e6)
    outputs = {"surplus": np.array([[-1.0, 5.0], [2.0, -3.0]])}
    assert claim_holds(claim, outputs, (1e4, 1e6)).tolist() == [True, False]
    target = Target("c", "claim", "surplus", "Surplus", "USD", "indicator", claim=claim)
    assert target.values(np.array([-1.0, 0.0, 1.0])).y.tolist() == [0.0, 0.0, 1.0]
    assert set(OPERATORS) == {"<=", "<", ">=", ">"}


def test_claim_is_importable_from_runs_and_survives_pickling():
    assert ClaimFromRuns is Claim
    claim = Claim("c", "text", "break_even_users", "<=", 6e6)
    assert pickle.loads(pickle.dumps(claim)) == claim
    assert isinstance(Claim("c", "", "margin_per_user", "<", 1).value, float)


def test_an_unknown_operator_is_refused_when_the_claim_is_built():
    with pytest.raises(InputError) as info:
        Claim(name="x", text="", output="break_even_users", op="~", value=1)
    assert str(info.value) == '<python>: [[claims]] "x" op = "~" is invalid (allowed: <=, <, >=, >)'


@pytest.mark.parametrize(("fields", "expected"), [
    ({"name": "bad name"}, '<python>: [[claims]] name = "bad name" is invalid: must be a name of letters, digits '
     "and underscores"),
    ({"value": float("nan")}, '<python>: [[claims]] "c" value = nan is invalid: must be a finite number'),
    ({"value": "6e6"}, '<python>: [[claims]] "c" value = "6e6" is invalid: must be a finite number'),
    ({"users": -5}, '<python>: [[claims]] "c" users = -5 is invalid: must be a number of users'),
    ({"text": 3}, '<python>: [[claims]] "c" text = 3 is invalid: must be a string'),
    ({"output": None}, "<python>: [[claims]] \"c\" is missing 'output' (the output the claim is about)"),
])
def test_every_field_is_checked(fields, expected):
    with pytest.raises(InputError) as info:
        Claim(**{"name": "c", "text": "", "output": "surplus", "op": ">", "value": 0, "users": 1e6, **fields})
    assert [str(p) for p in info.value.problems] == [expected]


@pytest.mark.parametrize(("entry", "message"), [
    ('op = "~"', 'op = "~" is invalid (allowed: <=, <, >=, >)'),
    ('op = "<="\nvalue = "6e6"', 'value = "6e6" is invalid: must be a finite number'),
    ('op = "<="\nusers = -5', "users = -5 is invalid: must be a number of users"),
])
def test_a_run_file_gets_the_same_messages(write, entry, message):
    path = write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1024\n[[claims]]\nname = "x"\n'
                 f'output = "break_even_users"\n{entry}\n' + ("" if "value" in entry else "value = 1\n"))
    with pytest.raises(InputError) as info:
        load_run(path)
    assert f'{path}: [[claims]] "x" {message}' in [str(p) for p in info.value.problems]
    with pytest.raises(InputError) as info:
        fields = {"op": "<=", "value": 1, **{k: v for k, v in [_toml_pair(line) for line in entry.splitlines()]}}
        Claim(name="x", text="", output="break_even_users", **fields)
    assert f'<python>: [[claims]] "x" {message}' in [str(p) for p in info.value.problems]


def _toml_pair(line: str):
    key, _, value = line.partition(" = ")
    return key, value.strip('"') if value.startswith('"') else float(value)


def test_a_claim_without_output_in_a_run_file(write):
    path = write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1024\n[[claims]]\nname = "x"\nop = "<"\n'
                 "value = 1\n")
    with pytest.raises(InputError) as info:
        load_run(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: [[claims]] \"x\" is missing 'output' (the output the claim is about)"]
