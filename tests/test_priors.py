"""Loading priors files: the shipped ones load, and every problem is reported with its place."""

import dataclasses
import pickle
import re

import numpy as np
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
    ('[inputs.x]\npoint = 1\ndist = "normal"\nmean = 1\nsd = 1\nsource = "s"\nmedian = 3',
     r"\[inputs.x\] median is not a parameter of normal; did you mean \"mean\"\? "
     r"\(allowed: .*mean, sd, p05, p95, low, high\)"),
    ('[inputs.x]\npoint = 1\ndist = "normal"\nmean = 1\nsd = 1\nsource = "s"\np95 = 3',
     r"\[inputs.x\] mixes mean and sd with p05 and p95: give one pair"),
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
    ('[inputs.x]\npoint = 0.5\ndist = "beta"\nmean = 0.5\nsd = 1e-200\nsource = "s"',
     r"sd = 1e-200 is invalid: is too small for a beta on \[0, 1\]: its shape parameters would overflow"),
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


# --- [correlation_matrix] ----------------------------------------------------------------------------

_THREE = points_with(**{name: 'point = 1\ndist = "uniform"\nlow = 0.5\nhigh = 2\nsource = "s"'
                        for name in ("training_cost", "price", "cost_per_1k_tokens")})
_NAMES = '["training_cost", "price", "cost_per_1k_tokens"]'


def test_a_correlation_matrix_is_its_pairs(write):
    matrix = load_priors(write("m.toml", _THREE + f"[correlation_matrix]\ninputs = {_NAMES}\n"
                               "rank = [[1, 0.5, -0.2], [0.5, 1, 0], [-0.2, 0, 1]]\n"))
    pairs = load_priors(write("c.toml", _THREE + "".join(
        f'[[correlations]]\ninputs = ["{a}", "{b}"]\nrank = {r}\n'
        for a, b, r in [("training_cost", "price", 0.5), ("training_cost", "cost_per_1k_tokens", -0.2),
                        ("price", "cost_per_1k_tokens", 0)])))
    assert (matrix.rank_correlation_matrix() == pairs.rank_correlation_matrix()).all()
    assert matrix.rank_correlation_matrix()[0].tolist() == [1.0, -0.2, 0.5]  # the inputs' order: cost, then price


def test_pairs_and_a_matrix_together_must_name_different_pairs(write):
    more = points_with(**{name: 'point = 1\ndist = "uniform"\nlow = 0.5\nhigh = 2\nsource = "s"'
                          for name in ("training_cost", "price", "cost_per_1k_tokens", "tokens_per_prompt")})
    pair = '[[correlations]]\ninputs = ["tokens_per_prompt", "{other}"]\nrank = 0.3\n'
    matrix = '[correlation_matrix]\ninputs = ["training_cost", "price"]\nrank = [[1, 0.5], [0.5, 1]]\n'
    priors = load_priors(write("ok.toml", more + pair.format(other="cost_per_1k_tokens") + matrix))
    assert len(priors.correlations) == 2
    errors, path = _errors(write, more + pair.format(other="price").replace("tokens_per_prompt", "training_cost")
                           + matrix)
    assert errors == [f"{path}: [correlation_matrix] inputs names training_cost and price, a pair that "
                      "[[correlations]] gives too: give each pair once, in the matrix or in [[correlations]]"]


@pytest.mark.parametrize(("matrix", "expected"), [
    ("rank = [[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]]",
     "rank = [[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]] is invalid: must be symmetric: row 1, column 2 is 0.5 but row 2, "
     "column 1 is 0.4"),
    ("rank = [[1, 0.5, 0], [0.5, 0.9, 0], [0, 0, 1]]", "must have ones on its diagonal"),
    ("rank = [[1, 0.5], [0.5, 1]]", "is invalid: must be 3 rows of 3 finite numbers, one row and one column per input"),
    ("rank = [[1, 1, 0], [1, 1, 0], [0, 0, 1]]", "must hold numbers in (-1, 1) off its diagonal"),
])
def test_a_malformed_matrix_is_one_clear_message(write, matrix, expected):
    errors, path = _errors(write, _THREE + f"[correlation_matrix]\ninputs = {_NAMES}\n{matrix}\n")
    assert len(errors) == 1 and errors[0].startswith(f"{path}: [correlation_matrix] rank = "), errors
    assert expected in errors[0]


def test_a_matrix_naming_a_point_or_an_unknown_input(write):
    errors, path = _errors(write, _THREE + '[correlation_matrix]\ninputs = ["training_cost", "prise", '
                           '"lifetime_months"]\nrank = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]\n')
    assert errors == [
        f'{path}: [correlation_matrix] inputs names "prise", which is not an input; did you mean "price"? (inputs: '
        "training_cost, lifetime_months, cost_per_1k_tokens, tokens_per_prompt, prompts_per_user, conversion_rate, "
        "price)",
        f'{path}: [correlation_matrix] inputs names "lifetime_months", whose prior is a point: only uncertain inputs '
        "can be correlated"]


def test_a_matrix_that_is_not_positive_definite_is_refused_with_the_nearest_valid_one(write):
    text = _THREE + f"[correlation_matrix]\ninputs = {_NAMES}\nrank = [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]\n"
    errors, path = _errors(write, text)
    assert len(errors) == 1 and errors[0].startswith(f"{path}: [correlation_matrix] rank is not positive definite "
                                                     "(smallest eigenvalue -0.816")
    assert "mcsim does not repair it" in errors[0]
    suggestion = re.search(r"correlation_matrix = \{.*\}$", errors[0]).group()
    assert suggestion == (f"correlation_matrix = {{inputs = {_NAMES}, rank = [[1, 0.4825, 0.4825], "
                          "[0.4825, 1, -0.4825], [0.4825, -0.4825, 1]]}")
    fixed = load_priors(write("fixed.toml", suggestion + "\n" + _THREE))  # pasted as the message says
    assert fixed.rank_correlation_matrix()[0, 1] == 0.4825


def test_inconsistent_pairs_are_given_the_nearest_valid_matrix_too(write):
    text = _THREE + "".join(f'[[correlations]]\ninputs = ["{a}", "{b}"]\nrank = {r}\n' for a, b, r in [
        ("training_cost", "price", 0.9), ("training_cost", "cost_per_1k_tokens", 0.9),
        ("price", "cost_per_1k_tokens", -0.9)])
    errors, _ = _errors(write, text)
    assert "[[correlations]] are inconsistent: the correlation matrix they make is not positive definite" in errors[0]
    assert errors[0].endswith(f"correlation_matrix = {{inputs = {_NAMES}, rank = [[1, 0.4825, 0.4825], "
                              "[0.4825, 1, -0.4825], [0.4825, -0.4825, 1]]}")


def test_nearest_correlation_is_highams():
    """Higham (2002), section 4: the nearest correlation matrix to the tridiagonal (-1, 2, -1) of order 4."""
    from mcsim.inputs.priors import nearest_correlation

    a = np.array([[2, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 2]], dtype=float)
    expected = [[1, -0.8084, 0.1916, 0.1068], [-0.8084, 1, -0.6562, 0.1916], [0.1916, -0.6562, 1, -0.8084],
                [0.1068, 0.1916, -0.8084, 1]]
    np.testing.assert_allclose(nearest_correlation(a), expected, atol=1e-4)
