"""Claims: one table of operators, and a claim built in Python checked as a run file's [[claims]] is."""

import dataclasses
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
    claim = Claim("c", "", "surplus", ">", 0, at=1e6, grid="users")
    outputs = {"surplus": np.array([[-1.0, 5.0], [2.0, -3.0]])}
    assert claim_holds(claim, outputs, (1e4, 1e6)).tolist() == [True, False]
    target = Target("c", "claim", "surplus", "Surplus", "USD", "indicator", claim=claim)
    assert target.values(np.array([-1.0, 0.0, 1.0])).y.tolist() == [0.0, 0.0, 1.0]
    assert set(OPERATORS) == {"<=", "<", ">=", ">", "between", "about"}


def test_claim_is_importable_from_runs_and_survives_pickling():
    assert ClaimFromRuns is Claim
    claim = Claim("c", "text", "break_even_users", "<=", 6e6)
    assert pickle.loads(pickle.dumps(claim)) == claim
    assert isinstance(Claim("c", "", "margin_per_user", "<", 1).value, float)


def test_an_unknown_operator_is_refused_when_the_claim_is_built():
    with pytest.raises(InputError) as info:
        Claim(name="x", text="", output="break_even_users", op="~", value=1)
    assert str(info.value) == '<python>: [[claims]] "x" op = "~" is invalid (allowed: <=, <, >=, >, between, about)'


@pytest.mark.parametrize(("fields", "expected"), [
    ({"name": "bad name"}, '<python>: [[claims]] name = "bad name" is invalid: must be a name of letters, digits '
     "and underscores"),
    ({"value": float("nan")}, '<python>: [[claims]] "c" value = nan is invalid: must be a finite number'),
    ({"value": "6e6"}, '<python>: [[claims]] "c" value = "6e6" is invalid: must be a finite number'),
    ({"at": -5, "grid": "users"}, '<python>: [[claims]] "c" users = -5 is invalid: must be a number of users'),
    ({"text": 3}, '<python>: [[claims]] "c" text = 3 is invalid: must be a string'),
    ({"output": None}, "<python>: [[claims]] \"c\" is missing 'output' (the output the claim is about)"),
])
def test_every_field_is_checked(fields, expected):
    with pytest.raises(InputError) as info:
        Claim(**{"name": "c", "text": "", "output": "surplus", "op": ">", "value": 0, "at": 1e6, "grid": "users",
                 **fields})
    assert [str(p) for p in info.value.problems] == [expected]


@pytest.mark.parametrize(("entry", "message"), [
    ('op = "~"', 'op = "~" is invalid (allowed: <=, <, >=, >, between, about)'),
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
        if "users" in fields:  # in Python the point is at=, on the grid named by grid=
            fields.update(at=fields.pop("users"), grid="users")
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


# --- two-sided claims -----------------------------------------------------------------------------

INF, NAN = float("inf"), float("nan")


@pytest.mark.parametrize(("fields", "values", "expected"), [
    ({"op": "between", "low": 4.5e6, "high": 7.5e6}, [4.49e6, 4.5e6, 6e6, 7.5e6, 7.51e6],
     [False, True, True, True, False]),
    ({"op": "about", "value": 6e6, "rel": 0.25}, [4.49e6, 4.5e6, 6e6, 7.5e6, 7.51e6],
     [False, True, True, True, False]),
    ({"op": "about", "value": 6e6, "factor": 2}, [2.99e6, 3e6, 6e6, 1.2e7, 1.21e7],
     [False, True, True, True, False]),
    ({"op": "about", "value": -4.0, "rel": 0.5}, [-6.1, -6.0, -4.0, -2.0, -1.9], [False, True, True, True, False]),
])
def test_a_two_sided_claim_holds_from_low_to_high_both_included(fields, values, expected):
    claim = Claim("c", "", "break_even_users", **fields)
    assert claim.two_sided
    assert claim.holds(np.array(values)).tolist() == expected


@pytest.mark.parametrize("fields", [{"op": "between", "low": 4.5e6, "high": 7.5e6},
                                    {"op": "about", "value": 6e6, "rel": 0.25},
                                    {"op": "about", "value": 6e6, "factor": 2}])
def test_an_infinite_or_undefined_output_is_never_within_a_finite_range(fields):
    claim = Claim("c", "", "break_even_users", **fields)
    assert claim.holds(np.array([INF, -INF, NAN])).tolist() == [False, False, False]


def test_one_sided_claims_keep_their_infinite_values():
    assert Claim("c", "", "x", "<=", 6e6).holds(np.array([INF, -INF])).tolist() == [False, True]
    assert Claim("c", "", "x", ">", 0).holds(np.array([INF, -INF])).tolist() == [True, False]
    assert not Claim("c", "", "x", "<=", 6e6).two_sided


@pytest.mark.parametrize(("fields", "bounds", "words"), [
    ({"op": "<=", "value": 6e6}, (-INF, 6e6), "break_even_users <= 6e+06"),
    ({"op": ">", "value": 6e6}, (6e6, INF), "break_even_users > 6e+06"),
    ({"op": "between", "low": 4.5e6, "high": 7.5e6}, (4.5e6, 7.5e6), "break_even_users between 4.5e+06 and 7.5e+06"),
    ({"op": "about", "value": 6e6, "rel": 0.25}, (4.5e6, 7.5e6),
     "break_even_users about 6e+06 (within 25 %: 4.5e+06 to 7.5e+06)"),
    ({"op": "about", "value": 6e6, "factor": 2}, (3e6, 1.2e7),
     "break_even_users about 6e+06 (within a factor of 2: 3e+06 to 1.2e+07)"),
])
def test_bounds_thresholds_and_words(fields, bounds, words):
    claim = Claim("c", "", "break_even_users", **fields)
    assert claim.bounds == bounds
    assert claim.thresholds == tuple(b for b in bounds if np.isfinite(b))
    assert claim.describe() == words


@pytest.mark.parametrize(("fields", "expected"), [
    ({"op": "between", "low": 1}, "is missing 'high' (op = \"between\" needs low and high)"),
    ({"op": "between", "high": 1}, "is missing 'low' (op = \"between\" needs low and high)"),
    ({"op": "between", "low": 2, "high": 1}, "high = 1 is invalid: must be greater than low = 2"),
    ({"op": "between", "low": 2, "high": 2}, "high = 2 is invalid: must be greater than low = 2"),
    ({"op": "between", "low": 1, "high": "2"}, 'high = "2" is invalid: must be a finite number'),
    ({"op": "between", "low": 1, "high": 2, "value": 3}, 'value = 3 is not used by op = "between" (it needs low and '
     "high)"),
    ({"op": "about", "value": 6e6}, "is missing 'rel' or 'factor' (op = \"about\" needs value, and rel or factor)"),
    ({"op": "about", "rel": 0.25}, "is missing 'value' (op = \"about\" needs value, and rel or factor)"),
    ({"op": "about", "value": 6e6, "rel": 0.25, "factor": 2}, "factor = 2 is invalid: give rel or factor, not both"),
    ({"op": "about", "value": 6e6, "rel": 0}, "rel = 0 is invalid: must be a number > 0 (0.25: within 25 % of value)"),
    ({"op": "about", "value": 0, "rel": 0.25}, "value = 0 is invalid: must not be 0 with rel (the range is a share "
     "of value)"),
    ({"op": "about", "value": 6e6, "factor": 1}, "factor = 1 is invalid: must be a number > 1 (2: from value / 2 to "
     "value x 2)"),
    ({"op": "about", "value": -6e6, "factor": 2}, "value = -6e+06 is invalid: must be > 0 with factor (the range "
     "runs from value / factor to value x factor)"),
    ({"op": "<=", "value": 6e6, "rel": 0.25}, 'rel = 0.25 is not used by op = "<=" (it needs value)'),
    ({"op": "<="}, "is missing 'value' (op = \"<=\" needs value)"),
    ({"op": "betwen", "low": 1, "high": 2}, 'op = "betwen" is invalid; did you mean "between"? (allowed: <=, <, >=, '
     ">, between, about)"),
    ({"op": "=<", "value": 1}, 'op = "=<" is invalid; did you mean "<="? (allowed: <=, <, >=, >, between, about)'),
    ({"op": "<=", "value": 1, "reading_of": "c"}, 'reading_of = "c" is invalid: a claim cannot be a reading of itself'),
    ({"op": "<=", "value": 1, "reading_of": 3}, "reading_of = 3 is invalid: must be the name of an earlier claim of "
     "the run"),
])
def test_each_operator_gets_what_it_needs(fields, expected):
    with pytest.raises(InputError) as info:
        Claim(name="c", text="", output="break_even_users", **fields)
    assert [str(p) for p in info.value.problems] == [f'<python>: [[claims]] "c" {expected}']


@pytest.mark.parametrize(("entry", "message"), [
    ('op = "between"\nlow = 1', "is missing 'high' (op = \"between\" needs low and high)"),
    ('op = "between"\nlow = 2\nhigh = 1', "high = 1 is invalid: must be greater than low = 2"),
    ('op = "about"\nvalue = 6e6', "is missing 'rel' or 'factor' (op = \"about\" needs value, and rel or factor)"),
    ('op = "about"\nvalue = 6e6\nfactor = 0.5', "factor = 0.5 is invalid: must be a number > 1 (2: from value / 2 "
     "to value x 2)"),
])
def test_a_run_file_gets_the_messages_of_the_two_sided_operators(write, entry, message):
    path = write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1024\n[[claims]]\nname = "x"\n'
                 f'output = "break_even_users"\n{entry}\n')
    with pytest.raises(InputError) as info:
        load_run(path)
    assert [str(p) for p in info.value.problems] == [f'{path}: [[claims]] "x" {message}']


# --- readings -------------------------------------------------------------------------------------

def _run_with_claims(write, claims: str):
    return write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1024\nusers = [1e6, 5e7]\n{claims}')


ROOT_CLAIM = '[[claims]]\nname = "within_6M"\noutput = "break_even_users"\nop = "<="\nvalue = 6e6\n'


def test_a_reading_names_an_earlier_claim_on_the_same_output(write):
    path = _run_with_claims(write, ROOT_CLAIM + '[[claims]]\nname = "about_6M"\noutput = "break_even_users"\n'
                            'op = "about"\nvalue = 6e6\nrel = 0.25\nreading_of = "within_6M"\n')
    spec = load_run(path)
    assert [(c.name, c.reading_of) for c in spec.claims] == [("within_6M", None), ("about_6M", "within_6M")]


@pytest.mark.parametrize(("claims", "message"), [
    ('[[claims]]\nname = "r"\noutput = "break_even_users"\nop = ">="\nvalue = 6e6\nreading_of = "within_6m"\n',
     'reading_of = "within_6m" is not the name of an earlier claim; did you mean "within_6M"? (earlier claims: '
     "within_6M)"),
    ('[[claims]]\nname = "r"\noutput = "crossover_users"\nop = ">="\nvalue = 6e6\nreading_of = "within_6M"\n',
     'reading_of = "within_6M" is a claim on break_even_users; a reading is about the same output (crossover_users)'),
    ('[[claims]]\nname = "r"\noutput = "break_even_users"\nop = ">="\nvalue = 6e6\nreading_of = "within_6M"\n'
     '[[claims]]\nname = "s"\noutput = "break_even_users"\nop = ">"\nvalue = 6e6\nreading_of = "r"\n',
     'reading_of = "r" is itself a reading of "within_6M": name that claim'),
])
def test_a_reading_of_no_earlier_claim_is_refused(write, claims, message):
    path = _run_with_claims(write, ROOT_CLAIM + claims)
    with pytest.raises(InputError) as info:
        load_run(path)
    name = "s" if '"s"' in claims else "r"
    assert [str(p) for p in info.value.problems] == [f'{path}: [[claims]] "{name}" {message}']


def test_a_reading_before_its_claim_is_refused(write):
    path = _run_with_claims(write, '[[claims]]\nname = "r"\noutput = "break_even_users"\nop = ">="\nvalue = 6e6\n'
                            'reading_of = "within_6M"\n' + ROOT_CLAIM)
    with pytest.raises(InputError) as info:
        load_run(path)
    assert [str(p) for p in info.value.problems] == [
        f'{path}: [[claims]] "r" reading_of = "within_6M" is not the name of an earlier claim (earlier claims: none)']


def test_a_run_built_in_python_checks_its_readings(write):
    spec = load_run(_run_with_claims(write, ROOT_CLAIM))
    reading = Claim("r", "", "surplus", ">", 0, at=5e7, grid="users", reading_of="within_6M")
    with pytest.raises(InputError) as info:
        dataclasses.replace(spec, claims=(*spec.claims, reading))
    assert [str(p) for p in info.value.problems] == [
        f'{spec.file}: [[claims]] "r" reading_of = "within_6M" is a claim on break_even_users; a reading is about '
        "the same output (surplus at 5e+07 users)"]
