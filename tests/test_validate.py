"""``mcsim validate``: the verdict a run would give, for run files and priors files alike, without sampling."""

from __future__ import annotations

import pytest
from conftest import ROOT, points_with, shipped_priors

from mcsim.cli import main
from mcsim.inputs.errors import InputError
from mcsim.inputs.runs import check_priors, load_run

PAPER = shipped_priors()  # copied elsewhere, the shipped priors name their bibliography where it is
MISSPELT = PAPER.replace("[inputs.conversion_rate]", "[inputs.conversion_rte]")
ISHIGAMI_PRIORS = """
[meta]
model = "models_for_tests:ISHIGAMI"

[inputs.x1]
point = 0
dist = "uniform"
low = -3.14159
high = 3.14159
source = "Ishigami and Homma (1990)"

[inputs.x2]
point = 0
dist = "uniform"
low = -3.14159
high = 3.14159
source = "Ishigami and Homma (1990)"

[inputs.x3]
point = 0
dist = "uniform"
low = -3.14159
high = 3.14159
source = "Ishigami and Homma (1990)"
"""


def _validate(capsys, *paths) -> tuple[int, list[str], list[str]]:
    status = main(["validate", *map(str, paths)])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def _problems(loader, path) -> list[str]:
    with pytest.raises(InputError) as info:
        loader(path)
    return [str(p) for p in info.value.problems]


def test_a_priors_file_alone_is_checked_against_its_model(write, capsys):
    priors = write("p.toml", MISSPELT)
    status, out, err = _validate(capsys, priors)
    assert status == 2 and out == []
    assert f'{priors}: [inputs.conversion_rte] is not an input of model tableau1; did you mean "conversion_rate"?' \
        in "\n".join(err)
    assert f"{priors}: [inputs] is missing 'conversion_rate'" in "\n".join(err)


def test_validating_a_priors_file_says_what_a_run_of_it_says(write, capsys):
    priors = write("p.toml", MISSPELT)
    run = write("r.toml", '[run]\npriors = "p.toml"\nsamples = 1024\n')
    _, _, err = _validate(capsys, priors)
    assert err == _problems(load_run, run) == _problems(check_priors, priors)


def test_a_priors_file_and_the_run_that_names_it(write, capsys):
    priors = write("p.toml", MISSPELT)
    run = write("r.toml", '[run]\npriors = "p.toml"\nsamples = 1024\n')
    status, out, err = _validate(capsys, priors, run)
    assert status == 2 and out == []  # neither is valid: no "valid" before the priors' own problems
    assert len(err) == 2 and all(line.startswith(str(priors)) for line in err)  # said once, not once a file


def test_valid_lines_go_to_standard_output(capsys):
    run, priors = ROOT / "runs" / "paper-table1.toml", ROOT / "priors" / "evidence-2025.toml"
    status, out, err = _validate(capsys, run, priors)
    assert (status, out, err) == (0, [f"{run}: valid", f"{priors}: valid"], [])


def test_priors_beyond_double_precision_are_refused_alone(write, capsys):
    priors = write("p.toml", points_with(training_cost='point = 1e300\ndist = "point"\nsource = "s"',
                                         lifetime_months='point = 1e-300\ndist = "point"\nsource = "s"'))
    status, _, err = _validate(capsys, priors)
    assert status == 2
    assert err[0].startswith(f"{priors}: [inputs] cannot be computed in double precision: monthly_fixed_cost is inf")


@pytest.mark.parametrize(("text", "expected"), [
    ('priors = "p.toml"\nsamples = 1024\n', "is not a run file or a priors file: a run file has a [run] table naming "
     "its priors file, a priors file has [inputs.NAME] tables (priors, samples belong in its [run] table)"),
    ('[meta]\ntitle = "x"\n', "is not a run file or a priors file: a run file has a [run] table"),
    ('[run]\npriors = "p.toml"\n[inputs.x]\npoint = 1\n', "has both [run] and [inputs], so it is not a run file or "
     "a priors file"),
])
def test_a_file_that_is_neither_is_told_what_each_holds(write, capsys, text, expected):
    path = write("x.toml", text)
    status, out, err = _validate(capsys, path)
    assert status == 2 and out == [] and len(err) == 1
    assert err[0].startswith(f"{path} {expected}")


def test_a_priors_file_names_its_model(write, capsys):
    priors = write("p.toml", ISHIGAMI_PRIORS)
    assert _validate(capsys, priors)[:2] == (0, [f"{priors}: valid"])
    other = write("q.toml", ISHIGAMI_PRIORS.replace('model = "models_for_tests:ISHIGAMI"\n', ""))
    status, _, err = _validate(capsys, other)  # no model named: the default, tableau1, which has no x1
    assert status == 2 and any("[inputs.x1] is not an input of model tableau1" in line for line in err)


def test_a_run_uses_the_model_its_priors_name(write):
    write("p.toml", ISHIGAMI_PRIORS)
    run = write("r.toml", '[run]\npriors = "p.toml"\nsamples = 16\n'
                '[[claims]]\nname = "small"\noutput = "y"\nop = "<"\nvalue = 5\n')
    spec = load_run(run)
    assert spec.model.name == "ishigami" and [c.output for c in spec.claims] == ["y"]


def test_a_run_whose_model_is_not_its_priors_model(write, capsys):
    priors = write("p.toml", ISHIGAMI_PRIORS)
    run = write("r.toml", '[run]\npriors = "p.toml"\nmodel = "tableau1"\nsamples = 16\n')
    status, _, err = _validate(capsys, run)
    assert status == 2
    assert err == [f'{run}: [run] model = "tableau1" is not the model its priors file is for ({priors}: [meta] model '
                   '= "models_for_tests:ISHIGAMI"); name the same model in both, or leave out [run] model']
    same = write("s.toml", '[run]\npriors = "p.toml"\nmodel = "models_for_tests:ISHIGAMI"\nsamples = 16\n')
    assert _validate(capsys, same)[:2] == (0, [f"{same}: valid"])


def test_a_misspelt_model_in_a_priors_file(write, capsys):
    priors = write("p.toml", PAPER.replace("[meta]\n", '[meta]\nmodel = "tableu1"\n', 1))
    status, _, err = _validate(capsys, priors)
    assert status == 2
    assert err == [f'{priors}: [meta] model = "tableu1" is not a built-in model; did you mean "tableau1"? '
                   "(built-in: tableau1, footprint, dynamics) nor 'package.module:attribute'"]
