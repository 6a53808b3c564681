"""Run files: the shipped ones load; overrides, claims and every problem are handled."""

import dataclasses
import pickle
import re
from pathlib import Path

import pytest
from conftest import ROOT, points_with

from mcsim.inputs.claims import Claim
from mcsim.inputs.distributions import Point, Uniform
from mcsim.inputs.errors import InputError
from mcsim.inputs.priors import Prior, Priors
from mcsim.inputs.runs import RunSpec, load_run, with_settings
from mcsim.models.tableau1 import TABLEAU1

PRIORS = (ROOT / "priors" / "paper-table1.toml").as_posix()


def test_default_run_loads():
    spec = load_run(ROOT / "runs" / "paper-table1.toml")
    assert spec.samples == 1 << 20 and spec.sampler == "sobol" and spec.seed == 2025
    assert spec.model.name == "tableau1"
    assert [c.name for c in spec.claims] == ["break_even_at_least_6M", "break_even_within_6M", "break_even_about_6M",
                                             "break_even_6M_within_factor_2", "crossover_at_most_50M",
                                             "crossover_within_55M", "surplus_at_50M_users"]
    assert spec.priors.file == "priors/paper-table1.toml" or spec.priors.file.endswith("priors/paper-table1.toml")


WITH_6M = [p for p in sorted((ROOT / "runs").glob("*.toml")) if 'name = "break_even_within_6M"' in p.read_text()]


def test_the_scenarios_carry_the_6M_claim():
    assert len(WITH_6M) >= 7


@pytest.mark.parametrize("path", WITH_6M, ids=lambda p: p.stem)
def test_every_run_with_the_6M_claim_carries_its_readings(path):
    claims = {c.name: c for c in load_run(path).claims}
    literal = claims["break_even_at_least_6M"]  # the sentence read literally: no surplus below 6 million
    assert (literal.op, literal.value, literal.reading_of) == (">=", 6e6, None) and literal.quote
    assert list(claims).index("break_even_at_least_6M") == 0
    readings = {name: c for name, c in claims.items() if c.reading_of == "break_even_at_least_6M"}
    assert {(c.op, c.value, c.rel, c.factor) for c in readings.values()} == {
        ("<=", 6e6, None, None), ("about", 6e6, 0.25, None), ("about", 6e6, None, 2.0)}
    assert all(c.output == "break_even_users" and c.text for c in readings.values())
    assert claims["crossover_within_55M"].reading_of == "crossover_at_most_50M"


def test_command_line_values_replace_the_files():
    spec = load_run(ROOT / "runs" / "paper-table1.toml", samples=1024, seed=0)
    assert (spec.samples, spec.seed) == (1024, 0)


def test_override_replaces_a_prior(write):
    path = write("r.toml", f"""
        [run]
        priors = "{PRIORS}"
        samples = 1024

        [overrides.conversion_rate]
        dist = "point"
        point = 0.01
        source = "section 5's text says 1 %"
        """)
    spec = load_run(path)
    assert spec.priors["conversion_rate"].point == 0.01 and spec.priors["conversion_rate"].is_point
    assert spec.overridden == ("conversion_rate",)


def _errors(write, body):
    path = write("r.toml", body)
    with pytest.raises(InputError) as info:
        load_run(path)
    return [str(p) for p in info.value.problems], str(path)


RUN_CASES = [
    ('[run]\npriors = "P"\nsampler = "sobel"', r'\[run\] sampler = "sobel" is unknown; did you mean "sobol"\? '
                                             r"\(allowed: random, lhs, sobol\)"),
    ('[run]\npriors = "P"\nsamples = 1000', r"samples = 1000 is invalid with sampler sobol: .*nearest: 512 or 1024"),
    ('[run]\npriors = "P"\nsamples = 0', r"samples = 0 is invalid: must be a whole number from 1 to 2\*\*40"),
    ('[run]\npriors = "P"\nseed = -1', r"seed = -1 is invalid: must be a whole number >= 0"),
    ('[run]\npriors = "P"\nseed = 1.5', r"seed = 1.5 is invalid"),
    ('[run]\npriors = "P"\nusers = [5, 1]', r"users = \[5, 1\] is invalid: must be strictly increasing"),
    ('[run]\npriors = "P"\nusers = []', r"users = \[\] is invalid"),
    ('[run]\npriors = "P"\nmodel = "tableau2"', r'model = "tableau2" is not a built-in model'),
    ('[run]\npriors = "P"\nsampels = 4', r'\[run\] sampels is not a known key; did you mean "samples"\?'),
    ('[run]\nsamples = 4', r"\[run\] is missing 'priors'"),
    ('[[claims]]\nname = "x"', r"\[run\] is missing"),
    ('[run]\npriors = "P"\n[[claims]]\nname = "c"\noutput = "break_even"\nop = "<="\nvalue = 6e6',
     r'\[\[claims\]\] "c" output = "break_even" is not an output of model tableau1; '
     r'did you mean "break_even_users"\?'),
    ('[run]\npriors = "P"\n[[claims]]\nname = "c"\noutput = "surplus"\nop = "=<"\nvalue = 0',
     r'op = "=<" is invalid; did you mean "<="\? \(allowed: <=, <, >=, >, between, about\)'),
    ('[run]\npriors = "P"\n[[claims]]\nname = "c"\noutput = "surplus"\nop = ">"\nvalue = 0',
     r"is missing 'users': surplus varies with users"),
    ('[run]\npriors = "P"\nusers = [1e6]\n[[claims]]\nname = "c"\noutput = "surplus"\nop = ">"\nvalue = 0\n'
     "users = 2e6", r"users = 2e\+06 is not in the run's users grid \(1e\+06\)"),
    ('[run]\npriors = "P"\n[[claims]]\nname = "bad name"\noutput = "surplus"\nop = ">"\nvalue = 0',
     r'name = "bad name" is invalid'),
    ('[run]\npriors = "P"\n[overrides.conversion_rate]\ndist = "normal"\npoint = 0.05\nmean = 0.05\nsd = 0.1\n'
     'source = "s"', r"\[overrides.conversion_rate\] dist = normal\(0.05, sd=0.1\) is invalid: .*must lie in \[0, 1\]"),
    ('[run]\npriors = "P"\n[overrides.conversion_rat]\ndist = "point"\npoint = 0.01\nsource = "s"',
     r'\[overrides.conversion_rat\] overrides no input of the priors file; did you mean "conversion_rate"\?'),
    ('[run]\npriors = "P"\n[overides]', r'\[overides\] is not a known section; did you mean "overrides"\?'),
]


@pytest.mark.parametrize(("body", "pattern"), RUN_CASES, ids=[c[1][:40] for c in RUN_CASES])
def test_each_run_problem_is_named(write, body, pattern):
    errors, _ = _errors(write, body.replace('"P"', f'"{PRIORS}"'))
    assert any(re.search(pattern, e) for e in errors), errors


def test_problems_in_the_priors_file_name_that_file(write):
    write("bad.toml", '[inputs.x]\npoint = 1\ndist = "uniform"\nlow = 2\nhigh = 1\nsource = "s"\n')
    errors, _ = _errors(write, '[run]\npriors = "bad.toml"\nsampler = "sobel"')
    assert any(e.startswith(str(write("x", "").parent / "bad.toml")) and "high = 1 is invalid" in e for e in errors)
    assert any("sampler" in e for e in errors)


def test_a_missing_priors_file_is_named_where_the_run_file_names_it(write):
    errors, path = _errors(write, '[run]\npriors = "missing.toml"')
    folder = write("x", "").parent
    assert errors == [f'{path}: [run] priors = "missing.toml" does not exist (looked for {folder / "missing.toml"}, '
                      "relative to the run file)"]
    gone = Path("/nonexistent-mcsim/gone.toml")  # absolute, and short: a value over 80 characters is cut
    assert not gone.parent.exists()
    errors, path = _errors(write, f'[run]\npriors = "{gone}"')
    assert errors == [f'{path}: [run] priors = "{gone}" does not exist (looked for {gone})']


@pytest.mark.parametrize("users", ["[-1, 1e6]", "[1e6, 1e4]"])
def test_an_invalid_users_grid_is_one_problem_not_two(write, users):
    errors, path = _errors(write, f'[run]\npriors = "{PRIORS}"\nusers = {users}\n[[claims]]\nname = "c"\n'
                           'output = "surplus"\nop = ">"\nvalue = 0\nusers = 1e5\n')
    assert len(errors) == 1 and errors[0].startswith(f"{path}: [run] users = "), errors


def test_a_claim_without_users_under_an_invalid_grid(write):
    errors, path = _errors(write, f'[run]\npriors = "{PRIORS}"\nusers = [0]\n[[claims]]\nname = "c"\n'
                           'output = "surplus"\nop = ">"\nvalue = 0\n[[claims]]\nname = "d"\n'
                           'output = "surplus"\nop = ">"\nvalue = 0\nusers = "many"\n')
    assert errors[1:] == [f"{path}: [[claims]] \"c\" is missing 'users': surplus varies with users; name one of the "
                          "run's users grid",
                          f'{path}: [[claims]] "d" users = "many" is invalid: must be a number of users']


def test_replaced_settings_are_reported_where_they_came_from(write):
    path = write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1024\nseed = 1\n')
    with pytest.raises(InputError) as info:
        load_run(path, samples=-5, seed=-1)
    assert [str(p) for p in info.value.problems] == [
        "command line: --samples = -5 is invalid: must be a whole number from 1 to 2**40",
        "command line: --seed = -1 is invalid: must be a whole number >= 0"]
    with pytest.raises(InputError) as info:
        load_run(path, samples=1000, given_by=("x/summary.json", "manifest.settings."))
    assert [str(p) for p in info.value.problems] == [
        f"x/summary.json: manifest.settings.samples = 1000 is invalid with sampler sobol (the sampler of {path}): "
        "Sobol points keep their balance only in powers of 2 (nearest: 512 or 1024)"]


def test_a_whole_number_written_as_a_toml_float_is_taken(write):
    path = write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1.048576e6\nseed = 2e3\n')
    spec = load_run(path)
    assert (spec.samples, spec.seed) == (1048576, 2000) and isinstance(spec.samples, int)
    errors, _ = _errors(write, f'[run]\npriors = "{PRIORS}"\nsamples = 1.5\n')
    assert errors[0].endswith("[run] samples = 1.5 is invalid: must be a whole number from 1 to 2**40")


# --- a run built in Python, or changed with dataclasses.replace: the checks and messages of a run file -----------


def _python_run(**changes) -> RunSpec:
    spec = load_run(ROOT / "runs" / "paper-table1.toml", samples=1024)
    # built in Python: its problems name <python>; the shipped priors cite their sources' bibliography
    priors = Priors(inputs=spec.priors.inputs, title="mine", bibliography=spec.priors.bibliography)
    return RunSpec(**{"title": "mine", "file": "mine.toml", "sha256": "", "priors": priors, "model": TABLEAU1,
                      "samples": 1024, "sampler": "sobol", "seed": 1, "grid_values": (1e6, 1e7), **changes})


def _refused(build) -> list[str]:
    with pytest.raises(InputError) as info:
        build()
    return [str(p) for p in info.value.problems]


def _with_price(priors: Priors, prior: Prior) -> Priors:
    return dataclasses.replace(priors, inputs=tuple(prior if p.name == "price" else p for p in priors.inputs))


def test_a_run_built_in_python_checks_its_priors_against_its_model(write):
    spec = _python_run()
    price = Prior("price", 20, Uniform(-5, 30), "s")
    message = ("[inputs.price] dist = uniform(-5, 30) is invalid: it can draw values in [-5, 30] but price must lie "
               "in [0, inf]")
    assert _refused(lambda: _python_run(priors=_with_price(spec.priors, price))) == [f"<python>: {message}"]
    write("p.toml", points_with(price='point = 20\ndist = "uniform"\nlow = -5\nhigh = 30\nsource = "s"'))
    errors, _ = _errors(write, '[run]\npriors = "p.toml"\nsamples = 1024\n')
    assert errors == [f"{write('x', '').parent / 'p.toml'}: {message}"]
    extra = dataclasses.replace(spec.priors, inputs=(*spec.priors.inputs, Prior("discount", 0.1, Point(0.1), "s")))
    assert _refused(lambda: _python_run(priors=extra)) == [
        "<python>: [inputs.discount] is not an input of model tableau1 (inputs: training_cost, lifetime_months, "
        "cost_per_1k_tokens, tokens_per_prompt, prompts_per_user, conversion_rate, price)"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"samples": 1000}, "mine.toml: [run] samples = 1000 is invalid with sampler sobol: Sobol points keep their "
     "balance only in powers of 2 (nearest: 512 or 1024)"),
    ({"sampler": "sobel"}, 'mine.toml: [run] sampler = "sobel" is unknown; did you mean "sobol"? (allowed: random, '
     "lhs, sobol)"),
    ({"grid_values": (1e7, 1e6)}, "mine.toml: [run] users = [1e+07, 1e+06] is invalid: must be strictly increasing"),
    ({"claims": (Claim("c", "", "break_even", "<=", 6e6),)}, 'mine.toml: [[claims]] "c" output = "break_even" is '
     'not an output of model tableau1; did you mean "break_even_users"? (outputs: break_even_users, '
     "crossover_users, margin_per_user, cost_per_prompt, monthly_fixed_cost, surplus, unit_cost)"),
    ({"claims": (Claim("c", "", "surplus", ">", 0, at=2e6, grid="users"),)},
     'mine.toml: [[claims]] "c" users = 2e+06 is not in the run\'s users grid (1e+06, 1e+07)'),
    ({"claims": (Claim("c", "", "surplus", ">", 0),)}, "mine.toml: [[claims]] \"c\" is missing 'users': surplus "
     "varies with users; name one of the run's users grid (1e+06, 1e+07)"),
    ({"overridden": ("prise",)}, 'mine.toml: [overrides.prise] overrides no input of the priors file; did you mean '
     '"price"? (inputs: training_cost, lifetime_months, cost_per_1k_tokens, tokens_per_prompt, prompts_per_user, '
     "conversion_rate, price)"),
    ({"reference": "Viseur (2024)"}, 'mine.toml: [run] reference = "Viseur (2024)" is not a publication model '
     'tableau1 reproduces (known: "Viseur (2025), section 5, Tableau 1")'),
])
def test_each_run_problem_of_a_run_built_in_python(changes, expected):
    assert _refused(lambda: _python_run(**changes)) == [expected]


def test_replace_checks_again_and_a_run_survives_pickling():
    spec = load_run(ROOT / "runs" / "paper-table1.toml", samples=1024)
    assert _refused(lambda: dataclasses.replace(spec, samples=1000))[0].startswith(
        f"{spec.file}: [run] samples = 1000 is invalid with sampler sobol")
    assert dataclasses.replace(spec, samples=2048.0).samples == 2048  # a whole float is taken, as from a file
    assert pickle.loads(pickle.dumps(spec)) == spec


def test_settings_replaced_from_elsewhere_are_reported_there():
    spec = load_run(ROOT / "runs" / "paper-table1.toml", samples=1024)
    assert with_settings(spec, workers=2).workers == 2
    assert _refused(lambda: with_settings(spec, workers=5000)) == [
        "command line: --workers = 5000 is invalid: must be a whole number from 0 to 4096 (0: one per available core)"]
    assert _refused(lambda: with_settings(spec, ("x/summary.json", "manifest.settings."), chunk_size=0)) == [
        "x/summary.json: manifest.settings.chunk_size = 0 is invalid: must be a whole number >= 1"]


# --- an override changes only what it names ---------------------------------------------------------------------


def _overridden(write, entry: str, name: str = "conversion_rate"):
    path = write("r.toml", f'[run]\npriors = "{PRIORS}"\nsamples = 1024\n[overrides.{name}]\n{entry}\n')
    return load_run(path), load_run(ROOT / "runs" / "paper-table1.toml", samples=1024).priors[name]


def test_an_override_of_the_point_alone_keeps_the_distribution_and_source(write):
    spec, before = _overridden(write, "point = 0.06")
    after = spec.priors["conversion_rate"]
    assert after.point == 0.06 and after.distribution == before.distribution  # beta(5, 95)
    assert (after.source, after.label, after.unit) == (before.source, before.label, before.unit)
    assert spec.overridden == ("conversion_rate",)


def test_the_point_of_a_point_prior_moves_with_its_value(write):
    spec, before = _overridden(write, "point = 25", name="price")
    assert before.is_point and spec.priors["price"].is_point
    assert spec.priors["price"].distribution == Point(25.0) and spec.priors["price"].source == before.source


def test_dist_point_alone_makes_a_prior_its_point(write):
    spec, before = _overridden(write, 'dist = "point"')
    after = spec.priors["conversion_rate"]
    assert after.is_point and after.point == before.point == 0.05 and after.distribution == Point(0.05)
    assert after.source == before.source


def test_an_override_naming_dist_replaces_the_distribution(write):
    spec, before = _overridden(write, 'dist = "uniform"\nlow = 0.01\nhigh = 0.1\nsource = "my guess"')
    after = spec.priors["conversion_rate"]
    assert after.distribution == Uniform(0.01, 0.1) and after.point == before.point and after.source == "my guess"


@pytest.mark.parametrize(("entry", "message"), [
    ('dist = "uniform"', "is missing parameters: uniform needs low and high, or p05 and p95"),
    ('dist = "uniform"\nlow = 0.1\nhigh = 0.2', "point = 0.05 is invalid: it lies outside the support [0.1, 0.2] of "
     "uniform(0.1, 0.2)"),
    ("high = 0.2", "high is not allowed without dist: it is a parameter of a distribution, and an override keeps the "
     "prior's distribution unless it names dist, with that family's parameters"),
    ('source = ""', 'source = "" is invalid: must be a non-empty string'),
    ('dist = "normal"\nmean = 0.05\nsd = 0.1', "dist = normal(0.05, sd=0.1) is invalid: it can draw values in "
     "[-0.779236, 0.870954] but conversion_rate must lie in [0, 1]; truncate it with low/high"),
    ("poynt = 0.06", 'poynt is not a known key; did you mean "point"? (allowed: label, label_fr, unit, point, dist, '
                     "source, cite)"),
])
def test_what_an_override_cannot_do(write, entry, message):
    errors, path = _errors(write, f'[run]\npriors = "{PRIORS}"\nsamples = 1024\n[overrides.conversion_rate]\n{entry}\n')
    assert errors[0] == f"{path}: [overrides.conversion_rate] {message}" and len(errors) == 1 + ("'low'" in message)


def test_a_moved_point_stays_in_the_support(write):
    write("p.toml", points_with(price='point = 20\ndist = "uniform"\nlow = 15\nhigh = 25\nsource = "s"'))
    errors, path = _errors(write, '[run]\npriors = "p.toml"\nsamples = 1024\n[overrides.price]\npoint = 30\n')
    assert errors == [f"{path}: [overrides.price] point = 30 is invalid: it lies outside the support [15, 25] of "
                      "uniform(15, 25)"]
