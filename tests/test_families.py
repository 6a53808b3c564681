"""The gamma, Weibull, Student's t and empirical priors through mcsim validate and a whole small run."""

import json
import re

import pytest
from conftest import new_process

from mcsim.cli import main
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report import write_report

SUM_MODEL = '''
"""The sum of four inputs that may take any real value (no grid)."""
from mcsim import InputSpec, Model, OutputSpec


def evaluate(inputs, grid):
    return {"total": inputs["a"] + inputs["b"] + inputs["c"] + inputs["d"]}


MODEL = Model(name="total", description="a + b + c + d", inputs=tuple(InputSpec(n, "") for n in "abcd"),
              outputs=(OutputSpec("total", "", "Total"),), function=evaluate)
'''

PRIORS = '''
[meta]
model = "sum_model:MODEL"

[inputs.a]
point = 3
dist = "gamma"
p05 = 1
p95 = 6
source = "s"

[inputs.b]
point = 10
dist = "weibull"
shape = 1.5
scale = 12
source = "s"

[inputs.c]
point = 5
dist = "student_t"
loc = 5
scale = 2
df = 4
source = "s"

[inputs.d]
point = 0.8
dist = "empirical"
file = "data/latency.csv"
column = "seconds"
source = "s"
'''


@pytest.fixture
def study(write, monkeypatch):
    new_process(monkeypatch, "sum_model")
    write("sum_model.py", SUM_MODEL)
    write("data/latency.csv", "run,seconds\n1,0.5\n2,0.9\n3,0.7\n4,1.6\n5,0.8\n")
    return write("p.toml", PRIORS)


def _validate(capsys, path):
    status = main(["validate", str(path)])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def test_a_priors_file_with_each_new_family_is_valid(study, capsys):
    assert _validate(capsys, study) == (0, [f"{study}: valid"], [])


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('file = "data/latency.csv"', 'file = "data/latency2.csv"',
     r'\[inputs\.d\] file = "data/latency2\.csv" is invalid: \S+latency2\.csv does not exist \(a CSV file, relative to '
     r"the priors file\)"),
    ('column = "seconds"', 'column = "second"',
     r'\[inputs\.d\] column = "second" is invalid: is not a column of data/latency\.csv; did you mean "seconds"\? '
     r"\(columns: run, seconds\)"),
    ('column = "seconds"', 'column = "seconds"\nvalues = [1, 2]',
     r"\[inputs\.d\] values is not a parameter of empirical \(allowed: .*file, column\)"),
    ("shape = 1.5", "shape = -1.5", r"\[inputs\.b\] shape = -1\.5 is invalid: must be > 0"),
    ("df = 4", "df = 0", r"\[inputs\.c\] df = 0 is invalid: the degrees of freedom must be > 0"),
    ("p95 = 6", "p95 = 1e300", r"\[inputs\.a\] p95 = 1e\+300 and p05 = 1 fit no gamma: their ratio 1e\+300 must lie"),
])
def test_each_mistake_is_one_clear_message(study, capsys, old, new, expected):
    study.write_text(study.read_text().replace(old, new))
    status, out, err = _validate(capsys, study)
    assert (status, out, len(err)) == (2, [], 1), err
    assert err[0].startswith(f"{study}: ")
    assert re.search(expected, err[0]), err[0]


@pytest.mark.parametrize(("data", "expected"), [
    ("run,seconds\n1,0.5\n2,fast\n", r'column = "seconds" is invalid: data/latency\.csv row 3 holds "fast": allowed '
     r"are finite numbers, one a row"),
    ("run,seconds\n1,0.5\n2,inf\n", r'row 3 holds "inf": allowed are finite numbers'),
    ("run,seconds\n1,0.5\n2,\n", r'row 3 holds "": allowed are finite numbers'),
    ("run,seconds\n1,0.5\n", r"data/latency\.csv holds 1 value\(s\) under it: an empirical distribution needs at "
     "least 2"),
])
def test_a_bad_data_file_is_one_clear_message(study, capsys, data, expected):
    (study.parent / "data" / "latency.csv").write_text(data)
    status, _, err = _validate(capsys, study)
    assert (status, len(err)) == (2, 1), err
    assert err[0].startswith(f"{study}: [inputs.d] column = ")
    assert re.search(expected, err[0]), err[0]


def test_a_data_file_written_by_a_spreadsheet_is_read(study, capsys):
    (study.parent / "data" / "latency.csv").write_bytes("\ufeffseconds,run\r\n0.5,1\r\n0.8,2\r\n".encode())
    assert _validate(capsys, study)[0] == 0


def test_a_data_file_beyond_the_size_limit_is_refused(study, capsys):
    (study.parent / "data" / "latency.csv").write_text("seconds\n" + "0.5\n" * 300_000)
    status, _, err = _validate(capsys, study)
    assert status == 2 and "holds more than 1,000,000 bytes: at most 1,000,000 are allowed" in err[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_whole_small_run_reports_each_family_in_words(study, tmp_path, lang):
    run = study.parent / "r.toml"
    run.write_text(f'[run]\npriors = "p.toml"\nsamples = 4096\n[report]\nlang = "{lang}"\n')
    result = execute(load_run(run))
    out = write_report(result, tmp_path / f"out-{lang}")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["outputs"]["total"]["p50"] > 0
    report = (out / "report.md").read_text().replace("\u00a0", " ")  # a table cell's no-break spaces are spaces
    assert "Project-Id-Version" not in report  # an input without a unit is not given the catalogue's header
    expected = {  # the numbers as a report writes numbers without a unit
        "en": ["gamma with shape 3.779 and scale 0.807: mean 3.05, 90 % between 1 and 6",
               "Weibull with shape 1.5 and scale 12: median 9.4, 90 % between 1.66 and 24.9",
               "Student's t with 4 degrees of freedom, location 5 and scale 2: 90 % between 0.736 and 9.26",
               "empirical: the 5 values of column seconds of data/latency.csv, from 0.5 to 1.6, median 0.8"],
        "fr": ["gamma de forme 3,779 et d'échelle 0,807 : moyenne 3,05, 90 % entre 1 et 6",
               "Weibull de forme 1,5 et d'échelle 12 : médiane 9,4, 90 % entre 1,66 et 24,9",
               "t de Student à 4 degrés de liberté, de position 5 et d'échelle 2 : 90 % entre 0,736 et 9,26",
               "empirique : les 5 valeurs de la colonne seconds de data/latency.csv, de 0,5 à 1,6, médiane 0,8"],
    }[lang]
    for words in expected:
        assert words in report, words
    table = (out / "tables" / "priors.csv").read_text()
    assert "file='data/latency.csv'; column='seconds'; n=5" in table
