"""A report's figures are drawn in worker processes while the report's data and tables are written."""

from __future__ import annotations

import multiprocessing
import time

import matplotlib.figure
import pytest

from mcsim.report.figures import Figure
from mcsim.report.rendering import rendering
from mcsim.report.style import look

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked")


def _figures(count: int, pause: float = 0.0) -> list[Figure]:
    def drawer(k: int):
        def draw():
            time.sleep(pause)
            fig = matplotlib.figure.Figure(figsize=(2, 1.5))
            ax = fig.add_subplot()
            ax.plot([0, 1, 2], [k, k + 1, k * k])
            ax.set_title(f"figure {k}")
            return fig
        return draw
    return [Figure(f"f{k}", f"Figure {k}.", drawer(k)) for k in range(count)]


def test_figures_drawn_aside_while_the_block_runs_are_the_files_drawn_here(tmp_path):
    here, aside = tmp_path / "here", tmp_path / "aside"
    here.mkdir(), aside.mkdir()
    with rendering(_figures(4), here, look("default"), workers=1) as drawn:
        assert not list(here.iterdir())  # drawn here: only when asked for
        assert drawn() == ["f0", "f1", "f2", "f3"]
    with rendering(_figures(4), aside, look("default"), workers=2) as drawn:
        (aside / "meanwhile.txt").write_text("written while the figures are drawn")
        assert drawn() == ["f0", "f1", "f2", "f3"]
    for k in range(4):
        assert (here / f"f{k}.png").read_bytes() == (aside / f"f{k}.png").read_bytes()
        assert (aside / f"f{k}.pdf").stat().st_size > 0


def test_an_error_while_figures_are_drawn_ends_their_workers(tmp_path):
    psutil = pytest.importorskip("psutil")
    me = psutil.Process()
    # children from before (say, the resource tracker an earlier Dask cluster left to this process) are not ours
    before = {child.pid for child in me.children()}
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="no tables"), \
            rendering(_figures(80, pause=0.5), tmp_path, look("default"), workers=2):
        while len(workers := [c for c in me.children() if c.pid not in before]) < 2:
            time.sleep(0.01)
        raise RuntimeError("no tables")
    assert time.monotonic() - start < 10  # the figures not begun are cancelled: not 80 x 0.5 s over 2 workers
    for worker in workers:
        with pytest.raises(psutil.NoSuchProcess):
            worker.wait(timeout=10)
            worker.status()
    assert len(list(tmp_path.glob("*.png"))) < 80
