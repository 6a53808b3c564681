"""A user's model that fails: its file and line, the first input row that fails, exit status 2."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import new_process

import mcsim
from mcsim import cli
from mcsim.compute.sampling import Design
from mcsim.inputs.runs import load_run
from mcsim.models.failure import ModelError, first_failing_row

PLUGIN = Path(__file__).parent / "plugin"

FAULTY = '''
import numpy as np

from subscription import MODEL as BASE, evaluate as base

TARGET = {target!r}


def raises(inputs, users):
    out = base(inputs, users)
    if np.any(inputs["price"] == TARGET):
        raise ValueError("boom")
    return out


def undefined(inputs, users):
    out = base(inputs, users)
    out["margin_per_user"] = np.where(inputs["price"] == TARGET, np.nan, out["margin_per_user"])
    return out


def forgets(inputs, users):
    out = base(inputs, users)
    del out["profit"]
    return out


RAISES = BASE.__class__(**{{**BASE.__dict__, "name": "raises", "function": raises}})
UNDEFINED = BASE.__class__(**{{**BASE.__dict__, "name": "undefined", "function": undefined}})
FORGETS = BASE.__class__(**{{**BASE.__dict__, "name": "forgets", "function": forgets}})
'''
RAISE_LINE = 12  # the line of ``raise ValueError("boom")`` in FAULTY


def _folder(tmp_path: Path, model: str, *, samples: int, sample: int, monkeypatch, extra: str = "") -> Path:
    """The subscription run, its model replaced by ``faulty:MODEL``, failing at the run's sample ``sample``."""
    folder = tmp_path / "own"
    shutil.copytree(PLUGIN, folder)
    run = (folder / "subscription.toml").read_text().replace("subscription:MODEL", "faulty:RAISES")
    (folder / "run.toml").write_text(run.replace("samples = 8192", f"samples = {samples}\n{extra}")
                                     .split("[sensitivity]")[0])
    (folder / "faulty.py").write_text(FAULTY.format(target=0.0))
    for name in ("run.toml", "subscription-priors.toml"):
        path = folder / name
        path.write_text(path.read_text().replace("subscription:MODEL", "faulty:RAISES"))
    spec = load_run(folder / "run.toml")
    price = Design(spec.priors, samples, spec.sampler, spec.seed).draw(0, samples)["price"]
    assert np.sum(price == price[sample]) == 1
    (folder / "faulty.py").write_text(FAULTY.format(target=float(price[sample])))
    for name in ("run.toml", "subscription-priors.toml"):
        path = folder / name
        path.write_text(path.read_text().replace("faulty:RAISES", f"faulty:{model}"))
    new_process(monkeypatch, "faulty", "subscription")
    return folder / "run.toml"


def test_a_raising_model_names_its_file_line_and_first_failing_row(tmp_path, capsys, monkeypatch):
    run = _folder(tmp_path, "RAISES", samples=4096, sample=1234, monkeypatch=monkeypatch)
    assert cli.main(["run", str(run), "--out", str(tmp_path / "out")]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"faulty.py: line {RAISE_LINE} (in raises): model raises raised ValueError: boom; first at sample 1,234 " \
           "of the run, where launch_cost = " in err
    assert "price = " in err and "paying_share = " in err and "cost_per_user = " in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_a_model_raising_in_a_worker_process_is_told_the_same(tmp_path, monkeypatch):
    """Past the pilot, in a chunk of a worker process: the error comes back with its row counted in the run."""
    run = _folder(tmp_path, "RAISES", samples=1 << 17, sample=100_000, monkeypatch=monkeypatch,
                  extra="chunk_size = 16384\nworkers = 2")
    spec = load_run(run)
    with pytest.raises(ModelError) as caught:
        mcsim.run(spec)
    error = caught.value
    assert (Path(error.file).name, error.line, error.function) == ("faulty.py", RAISE_LINE, "raises")
    assert error.sample == 100_000 and error.what == "model raises raised ValueError: boom"
    price = Design(spec.priors, spec.samples, spec.sampler, spec.seed).draw(100_000, 100_001)["price"][0]
    assert error.values["price"] == price


def test_nan_names_the_output_and_the_first_row_that_gives_it(tmp_path, capsys, monkeypatch):
    run = _folder(tmp_path, "UNDEFINED", samples=4096, sample=2000, monkeypatch=monkeypatch)
    assert cli.main(["run", str(run), "--out", str(tmp_path / "out")]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "faulty.py: line 16 (in undefined): model undefined returned an undefined value of margin_per_user " \
           "(NaN, or an infinity the output gives no meaning to); first at sample 2,000 of the run, where " in err


def test_nan_past_the_pilot_is_found_in_its_chunk(tmp_path, monkeypatch):
    run = _folder(tmp_path, "UNDEFINED", samples=1 << 17, sample=90_000, monkeypatch=monkeypatch,
                  extra="chunk_size = 16384\nworkers = 2")
    with pytest.raises(ModelError) as caught:
        mcsim.run(run)
    assert caught.value.sample == 90_000 and "margin_per_user" in caught.value.what


def test_a_missing_output_says_what_the_model_returned_and_declared(tmp_path, capsys, monkeypatch):
    run = _folder(tmp_path, "FORGETS", samples=4096, sample=0, monkeypatch=monkeypatch)
    assert cli.main(["run", str(run), "--out", str(tmp_path / "out")]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "faulty.py: line 22 (in forgets): model forgets returned the outputs payback_months, margin_per_user " \
           "but declares payback_months, margin_per_user, profit: its function must return a dict holding every " \
           "declared output" in err


def test_traceback_shows_where_the_model_failed(tmp_path, capsys, monkeypatch):
    run = _folder(tmp_path, "RAISES", samples=4096, sample=10, monkeypatch=monkeypatch)
    assert cli.main(["--traceback", "run", str(run), "--out", str(tmp_path / "out")]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and 'raise ValueError("boom")' in err
    assert "faulty.py: line 12 (in raises)" in err.splitlines()[1]
    assert cli.main(["run", str(run), "--out", str(tmp_path / "out"), "--traceback"]) == cli.EXIT_BAD_INPUT
    assert 'raise ValueError("boom")' in capsys.readouterr().err
    assert cli.main(["run", str(run), "--out", str(tmp_path / "out")]) == cli.EXIT_BAD_INPUT
    assert "Traceback" not in capsys.readouterr().err


def test_the_first_failing_row_is_found_in_halves():
    evaluated = []

    def fails(start, stop):
        evaluated.append((start, stop))
        return start <= 777 < stop or start <= 900 < stop

    assert first_failing_row(fails, 4096) == 777
    assert len(evaluated) <= 2 * 12
    assert first_failing_row(lambda start, stop: stop - start > 1, 16) is None  # only a batch fails: no row


def test_a_model_named_like_a_standard_module_leaves_that_module_alone(tmp_path, capsys, monkeypatch):
    import random

    monkeypatch.setitem(sys.modules, "random", random)  # put back, whatever happens
    folder = tmp_path / "own"
    shutil.copytree(PLUGIN, folder)
    (folder / "subscription.py").rename(folder / "random.py")
    for name in ("subscription.toml", "subscription-priors.toml"):
        path = folder / name
        path.write_text(path.read_text().replace("subscription:MODEL", "random:MODEL"))
    assert cli.main(["validate", str(folder / "subscription.toml")]) == cli.EXIT_OK, capsys.readouterr().err
    assert sys.modules["random"] is random and random.random() < 1
