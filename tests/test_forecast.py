"""A run too long or too large is refused before it starts; a long one shows its progress on a terminal."""

from __future__ import annotations

import io
import time

from conftest import ROOT

from mcsim import cli
from mcsim.compute import forecast
from mcsim.inputs.runs import load_run

RUN = str(ROOT / "runs" / "paper-table1.toml")


def test_a_run_expected_to_take_days_is_refused_at_once(tmp_path, capsys):
    start = time.perf_counter()
    assert cli.main(["run", RUN, "--samples", "1099511627776", "--out", str(tmp_path / "out")]) == cli.EXIT_BAD_INPUT
    assert time.perf_counter() - start < 60
    err = capsys.readouterr().err
    assert "command line: --samples = 1,099,511,627,776 is refused: the run would sample for about " in err
    assert "from a timed pilot of 16,384 samples), more than an hour; give fewer samples, or --yes to run it" in err
    assert not (tmp_path / "out").exists()


def test_a_run_expected_to_outgrow_the_memory_is_refused_without_drawing(write, capsys):
    """A Latin hypercube keeps a permutation of all its samples: 2**40 of them are 8 TiB an uncertain input."""
    run = write("lhs.toml", (ROOT / "runs" / "paper-table1.toml").read_text()
                .replace('sampler = "sobol"', 'sampler = "lhs"')
                .replace('"../priors/', f'"{(ROOT / "priors").as_posix()}/'))
    assert cli.main(["run", str(run), "--samples", "1099511627776", "--out", str(run.parent / "out")]) == 2
    err = capsys.readouterr().err
    assert "is refused: the run would hold about " in err and "GiB, more than half of this machine's" in err
    spec = load_run(run, samples=1 << 40)
    assert forecast.memory_bytes(spec, workers=1) > len(spec.priors.uncertain) * (1 << 40) * 8  # an int64 each


def test_yes_runs_what_the_limits_would_refuse(write, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(forecast, "MAX_SECONDS", 0.0)
    run = [str(ROOT / "tests" / "plugin" / "subscription.toml"), "--samples", "4096"]
    assert cli.main(["run", *run, "--out", str(tmp_path / "a")]) == cli.EXIT_BAD_INPUT
    assert "more than an hour" in capsys.readouterr().err

    def sampling(spec, **options):  # where the run would start sampling
        raise RuntimeError("sampling started")

    monkeypatch.setattr("mcsim.pipeline.execute", sampling)
    assert cli.main(["run", *run, "--out", str(tmp_path / "b"), "--yes"]) == cli.EXIT_FAILED
    assert capsys.readouterr().err.endswith("mcsim: failed: RuntimeError: sampling started\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_run_shows_a_bar_on_a_terminal_only():
    terminal, piped = _Terminal(), io.StringIO()
    with forecast.progress_bar(1 << 20, 10.0, stream=terminal) as tick:
        for done in range(1 << 18, (1 << 20) + 1, 1 << 18):
            tick(done)
    assert "mcsim: sampling" in terminal.getvalue() and "samples" in terminal.getvalue()
    with forecast.progress_bar(1 << 20, 10.0, stream=piped) as tick:
        assert tick is None
    with forecast.progress_bar(1 << 20, 1.0, stream=terminal) as tick:
        assert tick is None  # a short run: no bar


def test_a_batch_refuses_such_a_run_before_running_any(tmp_path, capsys):
    plugin = str(ROOT / "tests" / "plugin" / "subscription.toml")
    assert cli.main(["batch", plugin, "--samples", "1099511627776", "--reports", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert f"command line: --samples (for {plugin}) = 1,099,511,627,776 is refused: the run would sample" in err
    assert not (tmp_path / "r").exists()
