"""Every valid input reaches a written report: priors of every family and parametrisation, correlations, any grid,
claims of every operator and reading, in both languages and both figure styles (Hypothesis); and every batch of
such runs, titled at any length, its comparison, whose figures pass the figure check.

A few examples run by default, many more under ``-m slow``; each writes a whole report (figures included) from a
small sample, so that a valid input never fails after the computing is done.
"""

from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mcsim.batch import run_batch
from mcsim.i18n import speaking
from mcsim.inputs.runs import load_run
from mcsim.pipeline import execute
from mcsim.report import write_report
from mcsim.report.comparison import comparison_figures, write_comparison
from mcsim.report.figure_check import problems
from mcsim.report.rendering import draw
from mcsim.report.style import look

MODEL = Path(__file__).parent / "data" / "anymodel.py"
FAST = settings(max_examples=2, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MANY = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

finite = st.floats(-50, 50, allow_nan=False).map(lambda v: round(v, 3))
positive = st.floats(0.01, 50, allow_nan=False).map(lambda v: round(v, 3))


def _ordered(n: int, values=finite):
    return st.lists(values, min_size=n, max_size=n, unique=True).map(sorted)


@st.composite
def priors(draw) -> dict:
    """One input's prior: its family, and each optional key present or not."""
    family = draw(st.sampled_from(["point", "uniform", "loguniform", "triangular", "pert", "normal", "lognormal",
                                   "beta", "discrete"]))
    if family == "point":
        return {"dist": "point", "point": draw(finite)}
    if family in ("uniform", "loguniform"):
        low, high = draw(_ordered(2, positive if family == "loguniform" else finite))
        return {"dist": family, "low": low, "high": high, "point": round((low + high) / 2, 6)}
    if family in ("triangular", "pert"):
        low, mode, high = draw(_ordered(3))
        said = {"dist": family, "low": low, "mode": mode, "high": high, "point": mode}
        if family == "pert" and draw(st.booleans()):
            said["shape"] = draw(st.floats(1, 10).map(lambda v: round(v, 2)))
        return said
    if family == "normal":
        mean, sd = draw(finite), draw(positive)
        said = {"dist": "normal", "mean": mean, "sd": sd, "point": mean}
        if draw(st.booleans()):
            said["low"] = round(mean - draw(st.floats(0.1, 3)) * sd, 6)
        if draw(st.booleans()):
            said["high"] = round(mean + draw(st.floats(0.1, 3)) * sd, 6)
        return said
    if family == "lognormal":
        if draw(st.booleans()):
            p05, p95 = draw(_ordered(2, positive))
            return {"dist": "lognormal", "p05": p05, "p95": p95, "point": round(math.sqrt(p05 * p95), 6)}
        median = draw(positive)
        return {"dist": "lognormal", "median": median, "sigma": draw(st.floats(0.05, 2).map(lambda v: round(v, 3))),
                "point": median}
    if family == "beta":
        if draw(st.booleans()):
            alpha, beta = (draw(st.floats(0.6, 20).map(lambda v: round(v, 2))) for _ in range(2))
        else:
            mean = draw(st.floats(0.1, 0.9).map(lambda v: round(v, 3)))
            sd = round(draw(st.floats(0.05, 0.6)) * math.sqrt(mean * (1 - mean)), 4)
            alpha = mean * (mean * (1 - mean) / sd**2 - 1)
            beta = (1 - mean) * (mean * (1 - mean) / sd**2 - 1)
        said = {"dist": "beta", "alpha": round(alpha, 4), "beta": round(beta, 4)} if alpha > 0.5 and beta > 0.5 \
            else {"dist": "beta", "alpha": 2.0, "beta": 3.0}
        low, high = 0.0, 1.0
        if draw(st.booleans()):
            low = said["low"] = draw(st.floats(-20, 0.5).map(lambda v: round(v, 3)))
        if draw(st.booleans()):
            high = said["high"] = round(low + draw(st.floats(0.5, 30)), 3)
        said["point"] = round(low + (high - low) * said["alpha"] / (said["alpha"] + said["beta"]), 6)
        return said
    values = draw(_ordered(draw(st.integers(2, 4))))
    weights = [1.0 / len(values)] * (len(values) - 1)
    return {"dist": "discrete", "values": values, "weights": [*weights, 1.0 - sum(weights)], "point": values[0]}


@st.composite
def claims(draw, gridded: bool, grid: list[float]) -> list[dict]:
    """One to three claims on the scalar output or on the gridded one at a point of the grid, some readings."""
    found = []
    for index in range(draw(st.integers(1, 3))):
        claim = {"name": f"c{index}", "output": "y"}
        if gridded and draw(st.booleans()):
            claim["output"] = "g"
            claim["at"] = draw(st.sampled_from(grid))
        op = draw(st.sampled_from(["<=", "<", ">=", ">", "between", "rel", "factor"]))
        if op == "between":
            claim["op"], (claim["low"], claim["high"]) = "between", draw(_ordered(2))
        elif op == "rel":
            claim["op"], claim["value"] = "about", draw(finite.filter(lambda v: v != 0))
            claim["rel"] = draw(st.floats(0.05, 1).map(lambda v: round(v, 3)))
        elif op == "factor":
            claim["op"], claim["value"] = "about", draw(positive)
            claim["factor"] = draw(st.floats(1.2, 5).map(lambda v: round(v, 2)))
        else:
            claim["op"], claim["value"] = op, draw(finite)
        first = found[0] if found else None
        if first is not None and (first["output"], first.get("at")) == (claim["output"], claim.get("at")) \
                and draw(st.booleans()):
            claim["reading_of"] = "c0"
        if draw(st.booleans()):
            claim.update(quote="Une phrase « citée », telle qu’écrite", quote_lang="fr", quote_en="A quoted sentence",
                         quote_source="p. 7", literal=draw(st.booleans()))
        found.append(claim)
    return found


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(float(value))


@st.composite
def runs(draw) -> tuple[str, str]:
    """A priors file and a run file (their text), for one of the models of tests/data/anymodel.py."""
    model = draw(st.sampled_from(["USERS", "MONTHLY", "PRICED", "FLEETED", "NONE"]))
    grid_key = {"USERS": "users", "MONTHLY": "months", "PRICED": "price", "FLEETED": "gpus", "NONE": None}[model]
    grid = []
    if grid_key in ("users", "gpus"):
        grid = draw(st.lists(st.sampled_from([1e3, 1e4, 1e5, 1e6, 5.5e6, 1e7, 1e8, 1e9]), min_size=1, max_size=8,
                             unique=True).map(sorted))
    elif grid_key == "months":
        grid = draw(st.lists(st.integers(0, 120), min_size=1, max_size=8, unique=True).map(sorted))
    elif grid_key == "price":
        grid = draw(st.lists(st.floats(0.5, 500).map(lambda v: round(v, 2)), min_size=1, max_size=8,
                             unique=True).map(sorted))
    inputs = {name: draw(priors()) for name in ("x1", "x2", "x3")}
    lines = ["[meta]", f'title = "Any priors"\nmodel = "anymodel:{model}"', ""]
    for name, prior in inputs.items():
        lines.append(f"[inputs.{name}]")
        lines += [f"{key} = {_toml(value)}" for key, value in prior.items()]
        lines += ['source = "a test"', ""]
    uncertain = [name for name, prior in inputs.items() if prior["dist"] not in ("point", "discrete")]
    if len(uncertain) >= 2 and draw(st.booleans()):
        rank = draw(st.floats(-0.8, 0.8).map(lambda v: round(v, 2)))
        lines += ["[[correlations]]", f"inputs = {_toml(uncertain[:2])}", f"rank = {rank!r}", ""]
    sampler = draw(st.sampled_from(["random", "lhs", "sobol"]))
    run = ["[run]", 'priors = "priors.toml"', "samples = 256", f"sampler = {_toml(sampler)}",
           f"seed = {draw(st.integers(0, 2**31))}"]
    if grid_key is not None:
        run.append(f"{grid_key} = {_toml([float(v) for v in grid])}")
    for claim in draw(claims(grid_key is not None, [float(v) for v in grid])):
        at = claim.pop("at", None)
        run += ["", "[[claims]]", *(f"{key} = {_toml(value)}" for key, value in claim.items())]
        if at is not None:
            run.append(f"{grid_key} = {_toml(at)}")
    if uncertain and draw(st.booleans()):  # without an uncertain input there is no variance to apportion: refused
        run += ["", "[sensitivity]", 'outputs = ["y"]', "base_samples = 64", "max_base_samples = 64",
                "replicates = 2", "crosscheck_samples = 256", "shapley_samples = 32"]
    if grid_key == "users" and draw(st.booleans()):
        run += ["", "[value_of_information]", f"users = {_toml([float(v) for v in grid[:3]])}", 'output = "g"']
    elif draw(st.booleans()):  # a scalar payoff: one decision, whatever the grid
        run += ["", "[value_of_information]", 'output = "y"']
    if draw(st.booleans()):  # observations: of an uncertain input, or of the output y, each error wide enough that
        # some sample explains it (the posterior's tables, figures and words are then written too)
        observed = draw(st.sampled_from([*(f'input = "{name}"' for name in uncertain), 'output = "y"']))
        run += ["", "[[observations]]", 'name = "seen"', observed, 'dist = "normal"',
                f"mean = {draw(finite)!r}", "sd = 100.0", 'source = "a measurement"',
                "", "[posterior]", "min_ess = 20", "max_samples = 1024"]
    return "\n".join(lines), "\n".join(run) + "\n"


def _write_any(tmp_path: Path, files: tuple[str, str], lang: str, figures: str) -> None:
    folder = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    shutil.copy(MODEL, folder / "anymodel.py")
    (folder / "priors.toml").write_text(files[0], encoding="utf-8")
    (folder / "run.toml").write_text(files[1] + f'\n[report]\nlang = "{lang}"\nfigures = "{figures}"\n',
                                     encoding="utf-8")
    result = execute(load_run(folder / "run.toml"))
    out = write_report(result, folder / "report")
    assert (out / "report.md").is_file() and (out / "summary.json").is_file() and (out / "results.nc").is_file()


@pytest.mark.parametrize(("lang", "figures"), [("en", "default"), ("fr", "journal")])
@FAST
@given(files=runs())
def test_any_valid_run_writes_its_whole_report(tmp_path, lang, figures, files):
    _write_any(tmp_path, files, lang, figures)


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "figures"), [("en", "default"), ("en", "journal"), ("fr", "default"),
                                               ("fr", "journal")])
@MANY
@given(files=runs())
def test_many_valid_runs_write_their_whole_report(tmp_path, lang, figures, files):
    _write_any(tmp_path, files, lang, figures)


TITLES = st.text(st.characters(categories=("L", "N", "Zs", "Po", "Pd")), min_size=1, max_size=90).map(
    lambda t: " ".join(t.split())).filter(bool)


@st.composite
def batches(draw) -> list[tuple[str, str]]:
    """Two or three valid runs (of one model or of several), each titled as its user likes, at any length."""
    found = []
    for _ in range(draw(st.integers(2, 3))):
        priors, run = draw(runs())
        found.append((priors, run.replace("[run]\n", f"[run]\ntitle = {_toml(draw(TITLES))}\n", 1)))
    return found


def _compare_any(tmp_path: Path, files: list[tuple[str, str]], lang: str, figures: str) -> None:
    """The runs of ``files`` as a batch (their reports without figures, which the test above draws), then their
    comparison in ``lang`` and ``figures``: written whole, and its figures pass the figure check."""
    folder = tmp_path / f"batch{len(list(tmp_path.iterdir()))}"
    paths = []
    for k, (priors, run) in enumerate(files):
        case = folder / f"s{k}"
        case.mkdir(parents=True)
        shutil.copy(MODEL, case / "anymodel.py")
        (case / "priors.toml").write_text(priors, encoding="utf-8")
        (case / f"s{k}.toml").write_text(run, encoding="utf-8")
        paths.append(case / f"s{k}.toml")
    scenarios = run_batch(paths, reports=folder / "reports", stream=io.StringIO(), figures="none", lang=lang)
    out = write_comparison(scenarios, folder / "comparison", figures=figures, lang=lang)
    assert (out / "report.md").is_file() and (out / "summary.json").is_file()
    with speaking(lang):
        data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        drawn = {figure.stem: problems(fig) for shown in comparison_figures(scenarios, data, look(figures)).values()
                 for figure in shown for fig in [draw(figure, look(figures))]}
    plt.close("all")
    assert not any(drawn.values()), drawn


@pytest.mark.parametrize(("lang", "figures"), [("fr", "default"), ("en", "journal")])
@FAST
@given(files=batches())
def test_any_valid_batch_writes_its_comparison(tmp_path, lang, figures, files):
    _compare_any(tmp_path, files, lang, figures)


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "figures"), [("en", "default"), ("en", "journal"), ("fr", "default"),
                                               ("fr", "journal")])
@MANY
@given(files=batches())
def test_many_valid_batches_write_their_comparison(tmp_path, lang, figures, files):
    _compare_any(tmp_path, files, lang, figures)
