"""Loading priors files: the shipped ones load, and every problem is reported with its place."""

import dataclasses
import pickle
import re

import pytest
from conftest import ROOT, points_with

from mcsim.inputs.distributions import Point, Uniform
from mcsim.inputs.errors import InputError, Problems
from mcsim.inputs.priors import Correlation, Prior, Priors, check_against_model, load_priors
from mcsim.models.tableau1 import TABLEAU1


@pytest.mark.parametrize("name", ["paper-table1.toml", "evidence-2025.toml"])
def test_shipped_priors_load_and_fit_the_model(name):
    priors = load_priors(ROOT / "priors" / name)
    problems = Problems(priors.file)
    check_against_model(priors, TABLEAU1, problems)
    assert not problems.items
    assert set(priors.names) == set(TABLEAU1.input_names)
    assert all(prior.source for prior in priors.inputs)


def test_paper_priors_points_are_the_tables():
    points = load_priors(ROOT / "priors" / "paper-table1.toml").points()
    assert points["cost_per_1k_tokens"] * points["tokens_per_prompt"] / 1000 == pytest.approx(0.0010)
    assert points["conversion_rate"] == 0.05 and points["training_cost"] == 63e6


def _errors(write, text):
    path = write("p.toml", text)
    with pytest.raises(InputError) as info:
        load_priors(path)
    return [str(p) for p in info.value.problems], str(path)


CASES = [
    ('[inputs.x]\npoint = 1\ndist = "lognormal"\np05 = 2\np95 = 1\nsource = "s"',
     r"\[inputs.x\] p95 = 1 is invalid: must be greater than p05 = 2"),
    ('[inputs.x]\npoint = 1\ndist = "sobel"\nsource = "s"',
     r'\[inputs.x\] dist = "sobel" is unknown \(allowed: point, uniform'),
    ('[inputs.x]\npoint = 1\ndist = "lognormale"\np05 = 1\np95 = 2\nsource = "s"',
     r'dist = "lognormale" is unknown; did you mean "lognormal"\?'),
    ('[inputs.x]\npoint = 1\ndist = "normal"\nmean = 1\nsd = 0\nsource = "s"',
     r"\[inputs.x\] sd = 0 is invalid: must be > 0"),
    ('[inputs.x]\npoint = 1\ndist = "normal"\nmean = 1\nsd = 1\nsource = "s"\np95 = 3',
     r"\[inputs.x\] p95 is not a parameter of normal \(allowed: .*mean, sd, low, high\)"),
    ('[inputs.x]\npoint = 1\ndist = "lognormal"\np05 = 1\np59 = 2\nsource = "s"',
     r'\[inputs.x\] p59 is not a parameter of lognormal; did you mean "p95"\?'),
    ('[inputs.x]\npoint = 1\ndist = "uniform"\nlow = 0\nhigh = 2',
     r"\[inputs.x\] is missing 'source'"),
    ('[inputs.x]\ndist = "uniform"\nlow = 0\nhigh = 2\nsource = "s"', r"\[inputs.x\] is missing 'point'"),
    ('[inputs.x]\npoint = 5\ndist = "uniform"\nlow = 0\nhigh = 2\nsource = "s"',
     r"\[inputs.x\] point = 5 is invalid: it lies outside the support \[0, 2\] of uniform\(0, 2\)"),
    ('[inputs.x]\npoint = 0.5\ndist = "discrete"\nvalues = [0.5, 1]\nweights = [0.5, 0.6]\nsource = "s"',
     r"weights = \[0.5, 0.6\] is invalid: weights must sum to 1 \(they sum to 1.1\)"),
    ('[inputs.x]\npoint = 0.5\ndist = "discrete"\nvalues = [0.5, 1]\nweights = [1]\nsource = "s"',
     r"weights has 1 entries but values has 2"),
    ('[inputs.x]\npoint = 0.5\ndist = "beta"\nmean = 0.5\nsd = 0.6\nsource = "s"',
     r"sd = 0.6 is invalid: is too large for a beta with mean 0.5"),
    ('[inputs.x]\npoint = 0.5\ndist = "beta"\nalpha = 2\nbeta = 2\nmean = 0.5\nsource = "s"',
     r"\[inputs.x\] mixes alpha and beta with mean and sd"),
    ('[inputs.x]\npoint = 0.5\ndist = "lognormal"\nsource = "s"',
     r"lognormal needs p05 and p95, or median and sigma"),
    ('[inputs.x]\npoint = 1\ndist = "triangular"\nlow = 0\nmode = 3\nhigh = 2\nsource = "s"',
     r"mode = 3 is invalid: must lie in \[low, high\] = \[0, 2\]"),
    ('[inputs.x]\npoint = 1\ndist = "loguniform"\nlow = 0\nhigh = 2\nsource = "s"',
     r"low = 0 is invalid: loguniform needs low > 0"),
    ('[inputs.x]\npoint = "ten"\ndist = "point"\nsource = "s"', r'point = "ten" is invalid: must be a finite number'),
    ('[inputs.x]\npoint = 1\ndist = "normal"\nmean = 0\nsd = 1\nlow = 50\nhigh = 60\nsource = "s"',
     r"leave no probability"),
    ('[input.x]\npoint = 1', r'\[input\] is not a known section; did you mean "inputs"\?'),
    ('[meta]\ntitel = "x"\n[inputs.x]\npoint = 1\ndist = "point"\nsource = "s"',
     r'\[meta\] titel is not a known key; did you mean "title"\?'),
    ("[meta]\ntitle = 'x'", r"\[inputs\] is missing or empty"),
]


@pytest.mark.parametrize(("text", "pattern"), CASES, ids=[c[1][:40] for c in CASES])
def test_each_problem_is_named(write, text, pattern):
    errors, path = _errors(write, text)
    assert any(re.search(pattern, e) for e in errors), errors
    assert all(e.startswith(path + ":") for e in errors)


def test_every_problem_is_reported_at_once(write):
    errors, _ = _errors(write, """
        [inputs.a]
        point = 1
        dist = "normal"
        mean = 1
        sd = -1
        source = "s"

        [inputs.b]
        point = 1
        dist = "uniform"
        low = 3
        high = 2
        source = "s"

        [inputs.c]
        dist = "pint"
        source = "s"
        """)
    assert len(errors) == 4, errors


@pytest.mark.parametrize(("text", "pattern"), [
    ("", "is empty"),
    ("[inputs\npoint = 1", "is not valid TOML"),
])
def test_unreadable_files(write, text, pattern):
    errors, _ = _errors(write, text)
    assert re.search(pattern, errors[0])


def test_binary_and_missing_files(tmp_path):
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(InputError, match="is not UTF-8 text"):
        load_priors(binary)
    with pytest.raises(InputError, match=r"nope\.toml does not exist"):
        load_priors(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="is a directory"):
        load_priors(tmp_path)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"#" * 2_000_000)
    with pytest.raises(InputError, match="at most 1,000,000 are allowed"):
        load_priors(huge)


def test_correlations(write):
    good = points_with(
        tokens_per_prompt='point = 250\ndist = "lognormal"\np05 = 125\np95 = 500\nsource = "s"',
        cost_per_1k_tokens='point = 0.004\ndist = "lognormal"\np05 = 0.002\np95 = 0.008\nsource = "s"')
    priors = load_priors(write("c.toml", good + '[[correlations]]\ninputs = ["tokens_per_prompt", '
                               '"cost_per_1k_tokens"]\nrank = 0.3\n'))
    assert priors.correlations[0].rank == 0.3
    errors, _ = _errors(write, good + '[[correlations]]\ninputs = ["tokens_per_promt", "price"]\nrank = 1.5\n')
    assert any('"tokens_per_promt", which is not an input; did you mean "tokens_per_prompt"' in e for e in errors)
    assert any('"price", whose prior is a point' in e for e in errors)
    assert any("rank = 1.5 is invalid: must be a number in (-1, 1)" in e for e in errors)


def test_correlation_matrix_must_be_positive_definite(write):
    three = points_with(
        tokens_per_prompt='point = 250\ndist = "uniform"\nlow = 100\nhigh = 500\nsource = "s"',
        cost_per_1k_tokens='point = 0.004\ndist = "uniform"\nlow = 0.001\nhigh = 0.01\nsource = "s"',
        prompts_per_user='point = 100\ndist = "uniform"\nlow = 50\nhigh = 150\nsource = "s"')
    pairs = [("tokens_per_prompt", "cost_per_1k_tokens", 0.9), ("tokens_per_prompt", "prompts_per_user", 0.9),
             ("cost_per_1k_tokens", "prompts_per_user", -0.9)]
    text = three + "".join(f'[[correlations]]\ninputs = ["{a}", "{b}"]\nrank = {r}\n' for a, b, r in pairs)
    errors, _ = _errors(write, text)
    assert any("not positive definite" in e for e in errors)


def test_model_bounds(write):
    text = points_with(conversion_rate='point = 0.05\ndist = "normal"\nmean = 0.05\nsd = 0.02\nsource = "s"',
                       lifetime_months='point = 0\ndist = "point"\nsource = "s"')
    priors = load_priors(write("m.toml", text))
    problems = Problems(priors.file)
    check_against_model(priors, TABLEAU1, problems)
    errors = [str(p) for p in problems.items]
    assert any("[inputs.conversion_rate] dist = normal(0.05, sd=0.02) is invalid: it can draw values in "
               "[-0.115847, 0.214191] but conversion_rate must lie in [0, 1]; truncate it with low/high" in e
               for e in errors)
    assert any("[inputs.lifetime_months] point = 0 is invalid: lifetime_months must lie in (0, inf]" in e
               for e in errors)


@pytest.mark.parametrize(("entry", "missing"), [("", "inputs and rank"), ("rank = 0.5", "inputs"),
                                                ('inputs = ["price", "training_cost"]', "rank")])
def test_a_correlation_without_its_keys_says_what_it_needs(write, entry, missing):
    errors, path = _errors(write, '[inputs.price]\npoint = 1\ndist = "uniform"\nlow = 0\nhigh = 2\nsource = "s"\n'
                           '[inputs.training_cost]\npoint = 1\ndist = "uniform"\nlow = 0\nhigh = 2\nsource = "s"\n'
                           f"[[correlations]]\n{entry}\n")
    assert errors == [f'{path}: [[correlations]] #1 is missing {missing}: a correlation needs inputs = ["a", "b"] '
                      "(two uncertain inputs) and rank = r, a Spearman rank correlation in (-1, 1)"]


# --- priors built in Python: the checks and the messages of a file ----------------------------------------------


def _refused(build) -> list[str]:
    with pytest.raises(InputError) as info:
        build()
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("prior", "fields", "message"), [
    ('point = 40\ndist = "uniform"\nlow = 0\nhigh = 25\nsource = "s"', {"point": 40, "distribution": Uniform(0, 25)},
     "point = 40 is invalid: it lies outside the support [0, 25] of uniform(0, 25)"),
    ('point = 1\ndist = "point"\nsource = ""', {"point": 1, "distribution": Point(1), "source": ""},
     'source = "" is invalid: must be a non-empty string'),
    ('point = 1\ndist = "point"\nsource = "s"\nlabel = " "', {"point": 1, "distribution": Point(1), "label": " "},
     'label = " " is invalid: must be a non-empty string'),
    ('point = inf\ndist = "uniform"\nlow = 0\nhigh = 2\nsource = "s"',
     {"point": float("inf"), "distribution": Uniform(0, 2)}, "point = inf is invalid: must be a finite number"),
])
def test_a_prior_built_in_python_gets_the_files_message(write, prior, fields, message):
    errors, path = _errors(write, f"[inputs.price]\n{prior}\n")
    assert errors == [f"{path}: [inputs.price] {message}"]
    assert _refused(lambda: Prior(**{"name": "price", "source": "s", **fields})) == [
        f"<python>: [inputs.price] {message}"]


def test_a_point_prior_is_its_point():
    assert _refused(lambda: Prior("price", 20, Point(25), "s")) == [
        "<python>: [inputs.price] point = 20 is invalid: it lies outside the support [25, 25] of point(25)"]
    assert _refused(lambda: Prior("price", 20, "uniform(0, 25)", "s")) == [
        '<python>: [inputs.price] dist = "uniform(0, 25)" is invalid: must be a distribution of '
        "mcsim.inputs.distributions"]


def test_priors_built_in_python_are_checked_as_a_file_is(write):
    a, b = Prior("a", 1, Uniform(0, 2), "s"), Prior("b", 1, Uniform(0, 2), "s")
    assert _refused(lambda: Priors(inputs=())) == [
        "<python>: [inputs] is missing or empty: a priors file needs at least one [inputs.NAME] table"]
    assert _refused(lambda: Priors(inputs=(a, b), correlations=(Correlation("a", "c", 0.3),), file="mine")) == [
        'mine: [[correlations]] #1 inputs names "c", which is not an input (inputs: a, b)']
    assert _refused(lambda: Correlation("a", "b", 1.5)) == [
        "<python>: [[correlations]] rank = 1.5 is invalid: must be a number in (-1, 1)"]
    assert _refused(lambda: Priors(inputs=(a,), model="tableu1")) == [
        '<python>: [meta] model = "tableu1" is not a built-in model; did you mean "tableau1"? '
        "(built-in: tableau1, footprint, dynamics) nor 'package.module:attribute'"]
    priors = Priors(inputs=(a, b), correlations=(Correlation("a", "b", 0.5),))
    assert pickle.loads(pickle.dumps(priors)) == priors
    with pytest.raises(InputError, match="repeats an earlier pair"):
        dataclasses.replace(priors, correlations=priors.correlations * 2)  # replace checks again


def test_a_file_and_python_build_the_same_priors(write):
    path = write("p.toml", '[inputs.price]\npoint = 20\ndist = "uniform"\nlow = 15\nhigh = 25\nsource = " s "\n'
                 'label = "Price"\n')
    loaded = load_priors(path)
    built = Priors(inputs=(Prior("price", 20, Uniform(15, 25), "s", label="Price"),), file=str(path),
                   sha256=loaded.sha256, title="p")
    assert built == loaded


def test_a_bad_value_seen_by_two_checks_is_one_problem(write):
    errors, path = _errors(write, '[inputs.x]\npoint = "x"\ndist = "point"\nsource = "s"\n')
    assert errors == [f'{path}: [inputs.x] point = "x" is invalid: must be a finite number']
