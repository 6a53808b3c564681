"""Hostile input: generated priors and run files, valid and broken, never end in a traceback or a hang.

Every generated file ends either in a correct run (small sample, checked for unexplained NaN) or
in an :class:`~mcsim.inputs.errors.InputError` whose problems each name the file, the field, the value
and what is allowed, one line each; ``mcsim validate`` then exits 2. The tests keep a tally of
the inputs tried and of the distinct messages reached, printed at the end of the module::

    /tmp/venv/bin/pytest tests/test_hostile.py -q          # default examples
    /tmp/venv/bin/pytest tests/test_hostile.py -q -m slow  # many more

Examples are derandomised, so the tally is the same on every run of the same command.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import signal
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hostile import TALLY, dumps, priors_document, raw_files, run_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcsim.cli import main
from mcsim.inputs.errors import InputError
from mcsim.inputs.priors import load_priors
from mcsim.inputs.runs import check_priors, load_run
from mcsim.pipeline import execute
from mcsim.report.summary_words import summary as build_summary
from mcsim.serialise import dumps as summary_dumps

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(FAST, max_examples=1500)
SECONDS = 30  # per generated input: far beyond what any takes; reaching it is a hang

# a problem says why: missing, unknown, invalid (with what is allowed), or what is wrong with the file
EXPLAINS = re.compile(r"is missing|is unknown|is invalid|is not|must|repeats|names \"|overrides no|mixes|"
                      r"has \d+ entries|leave no probability|are inconsistent|cannot|does not exist|is empty|"
                      r"is a directory|bytes: at most|too large")


@pytest.fixture(scope="module", autouse=True)
def _tally(request):
    yield
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(TALLY.report())


@contextlib.contextmanager
def _time_limit(seconds: int = SECONDS):
    def hang(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _judge(error: InputError, files: set[str]) -> list[str]:
    """Check every problem of ``error``; return its lines."""
    lines = []
    assert error.problems, "an InputError without problems"
    for problem in error.problems:
        line = str(problem)
        folders = {str(Path(f).parent) for f in files}
        assert problem.file in files or problem.file in folders or str(Path(problem.file).parent) in folders, \
            f"{line!r} names no file that was given (nor one its run file names)"
        assert "\n" not in line and "\r" not in line, f"{line!r} spans several lines"
        assert EXPLAINS.search(problem.message), f"{line!r} does not say what is wrong or allowed"
        if problem.message.startswith("="):  # a value is quoted: its field must be named
            assert problem.field, line
        lines.append(line)
    return lines


def _check_result(spec) -> None:
    """A small run of a valid spec: no NaN anywhere except where summary.json explains it."""
    n = 64 if spec.sampler == "sobol" else min(spec.samples, 64)
    result = execute(replace(spec, samples=min(spec.samples, n)))
    text = summary_dumps(build_summary(result))  # refuses NaN and infinity outright

    def not_json(token: str):  # a bare NaN or Infinity, which JSON has not; in a string (a title) it is text
        raise AssertionError(f"summary.json holds {token}")

    json.loads(text, parse_constant=not_json)
    for out in spec.model.outputs:
        stats = result.outputs[out.name]
        for key in ("p05", "p50", "p95", "p_never", "p_positive"):
            if getattr(stats, key) is not None:
                assert not np.isnan(np.asarray(getattr(stats, key), dtype=float)).any(), (out.name, key)
        if out.infinite_means is None:
            for key in ("mean", "p05", "p50", "p95"):
                assert np.isfinite(np.asarray(getattr(stats, key), dtype=float)).all(), (out.name, key)


def _load(loader, path: Path, files: set[str]) -> object | None:
    with _time_limit():
        try:
            value = loader(path)
        except InputError as error:
            lines = _judge(error, files)
            TALLY.record("refused", lines)
            return None
    return value


def _validate(paths: list[Path]) -> tuple[int, list[str]]:
    """``mcsim validate`` in this process: its exit status, its stdout lines then its stderr lines."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with _time_limit(), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(["validate", *map(str, paths)])
        except SystemExit as stop:
            status = stop.code
    return status, stdout.getvalue().splitlines() + stderr.getvalue().splitlines()


# ---------------------------------------------------------------------------------------------


def _priors_case(tmp_path_factory, document):
    path = tmp_path_factory.mktemp("priors") / "p.toml"
    path.write_text(dumps(document), encoding="utf-8")
    priors = _load(load_priors, path, {str(path)})
    if priors is not None:
        assert len(priors.inputs) == len(document["inputs"])
        assert all(math.isfinite(p.point) for p in priors.inputs)
        # validate checks them as a run would: against the model too
        priors = _load(check_priors, path, {str(path)})
    if priors is not None:
        TALLY.record("valid")
    status, lines = _validate([path])
    assert status == (0 if priors is not None else 2)
    assert all(line.startswith(str(path)) for line in lines)


@FAST
@given(document=st.sampled_from([0.0, 0.5, 1.0]).flatmap(lambda broken: priors_document(broken=broken)))
def test_priors_files(tmp_path_factory, document):
    _priors_case(tmp_path_factory, document)


@pytest.mark.slow
@SLOW
@given(document=st.sampled_from([0.0, 0.5, 1.0]).flatmap(lambda broken: priors_document(broken=broken)))
def test_priors_files_many(tmp_path_factory, document):
    _priors_case(tmp_path_factory, document)


def _run_case(tmp_path_factory, data, broken):
    folder = tmp_path_factory.mktemp("run")
    priors = folder / "p.toml"
    priors.write_text(dumps(data.draw(priors_document(broken=broken / 2), label="priors")), encoding="utf-8")
    run = folder / "r.toml"
    run.write_text(dumps(data.draw(run_document("p.toml", broken=broken), label="run")), encoding="utf-8")
    files = {str(run), str(priors)}
    spec = _load(load_run, run, files)
    if spec is not None:
        with _time_limit():
            _check_result(spec)
        TALLY.record("ran")
    status, lines = _validate([run])
    assert status == (0 if spec is not None else 2)
    assert all(line.startswith(str(folder)) for line in lines), lines


@FAST
@given(data=st.data(), broken=st.sampled_from([0.0, 0.3, 1.0]))
def test_run_files(tmp_path_factory, data, broken):
    _run_case(tmp_path_factory, data, broken)


@pytest.mark.slow
@SLOW
@given(data=st.data(), broken=st.sampled_from([0.0, 0.3, 1.0]))
def test_run_files_many(tmp_path_factory, data, broken):
    _run_case(tmp_path_factory, data, broken)


@settings(FAST, max_examples=40)
@given(content=raw_files)
def test_files_that_are_not_priors_or_runs(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("raw") / "x.toml"
    path.write_bytes(content)
    for loader in (load_priors, load_run):
        assert _load(loader, path, {str(path)}) is None  # nothing random is a valid file
    status, lines = _validate([path])
    assert status == 2 and lines and all(line.startswith(str(path)) for line in lines)


@pytest.mark.parametrize("name", ["nope.toml", "", ".", "dir", "a\x00b.toml", "x" * 300 + ".toml"])
def test_paths_that_are_not_files(tmp_path, name):
    (tmp_path / "dir").mkdir()
    path = tmp_path / name if name else Path("")
    shown = str(path).replace("\x00", "\\0")
    for loader in (load_priors, load_run):
        assert _load(loader, path, {shown}) is None
    status, lines = _validate([path])
    assert status == 2 and lines


def test_validate_checks_without_running(tmp_path):
    priors = tmp_path / "p.toml"
    priors.write_text((Path(__file__).parent.parent / "priors" / "paper-table1.toml").read_text(), encoding="utf-8")
    (tmp_path / "sources.bib").write_bytes((Path(__file__).parent.parent / "priors" / "sources.bib").read_bytes())
    run = tmp_path / "r.toml"
    run.write_text('[run]\npriors = "p.toml"\nsamples = 1073741824\n', encoding="utf-8")  # 2**30: a long run
    with _time_limit(20):
        status, lines = _validate([run, priors, tmp_path / "missing.toml"])
    assert status == 2
    assert lines[:2] == [f"{run}: valid", f"{priors}: valid"]
    assert lines[2] == f"{tmp_path / 'missing.toml'} does not exist"
    assert not any(p.name.startswith(".staging") or p.is_dir() for p in tmp_path.iterdir())


@pytest.mark.parametrize(("body", "expected"), [
    ('dist = "normal"\nmean = 1\nsd = 0', "sd = 0 is invalid: must be > 0"),
    ('dist = "lognormal"\np05 = 3\np95 = 2', "p95 = 2 is invalid: must be greater than p05 = 3"),
    ('dist = "beta"\nalpha = 2\nbeta = 3\nlow = 0\nhigh = 1.5', "must lie in [0, 1]"),
    ('dist = "uniform"\nlow = 0\nhigh = 0.5\npoint = 0.7', "point = 0.7 is invalid: it lies outside the support"),
    ('dist = "discrete"\nvalues = [0.1, 0.2]\nweights = [0.5, 0.6]', "weights must sum to 1 (they sum to 1.1)"),
    ('dist = "lognormal"\nmedian = 0.05\nsigma = 1', "lognormal(p05=0.009652, p95=0.259) is invalid"),
    ('dist = "normal"\nmean = 0.05\nsd = 0.01', "truncate it with low/high"),
    ('dist = "gaussian"\nmean = 0.05\nsd = 0.01', 'dist = "gaussian" is unknown'),
    ('dist = "unifrom"\nlow = 0\nhigh = 1', 'did you mean "uniform"?'),
])
def test_each_kind_of_bad_prior_has_its_message(write, body, expected):
    from conftest import points_with

    if "point =" not in body:
        body += "\npoint = 0.05"
    path = write("p.toml", points_with(conversion_rate=body + '\nsource = "s"'))
    run = write("r.toml", '[run]\npriors = "p.toml"\nsamples = 16\n')
    with pytest.raises(InputError) as caught:
        load_run(run)
    assert any(expected in str(p) and "conversion_rate" in str(p) and str(p).startswith(str(path))
               for p in caught.value.problems), str(caught.value)


@pytest.mark.parametrize(("correlations", "expected"), [
    ([("training_cost", "price", 1.2)], "rank = 1.2 is invalid: must be a number in (-1, 1)"),
    ([("training_cost", "price", -1.0)], "rank = -1 is invalid"),
    ([("training_cost", "price", 0.9), ("price", "cost_per_1k_tokens", 0.9),
      ("training_cost", "cost_per_1k_tokens", -0.9)], "is not positive definite"),
    ([("training_cost", "prise", 0.3)], 'did you mean "price"?'),
])
def test_bad_correlations(write, correlations, expected):
    from conftest import points_with

    uncertain = {name: 'point = 1\ndist = "uniform"\nlow = 0.5\nhigh = 2\nsource = "s"'
                 for name in ("training_cost", "price", "cost_per_1k_tokens")}
    text = points_with(**uncertain) + "".join(
        f'\n[[correlations]]\ninputs = ["{a}", "{b}"]\nrank = {r}\n' for a, b, r in correlations)
    path = write("p.toml", text)
    with pytest.raises(InputError, match=re.escape(expected)):
        load_priors(path)


def test_overflowing_priors_are_refused_before_sampling(write):
    from conftest import points_with

    write("p.toml", points_with(training_cost='point = 1e300\ndist = "point"\nsource = "s"',
                                lifetime_months='point = 1\ndist = "uniform"\nlow = 1e-300\nhigh = 2\nsource = "s"'))
    run = write("r.toml", '[run]\npriors = "p.toml"\nsamples = 16\n')
    with pytest.raises(InputError, match=r"r\.toml: \[run\] cannot be computed in double precision: "
                       r"monthly_fixed_cost is inf at training_cost = 1e\+300, lifetime_months = 1.11022e-16"):
        load_run(run)
    write("p.toml", points_with(training_cost='point = 1e15\ndist = "lognormal"\np05 = 1e-100\np95 = 1e200\n'
                                'source = "s"'))
    with pytest.raises(InputError, match=r"input training_cost reaches 0 to inf"):
        load_run(run)
