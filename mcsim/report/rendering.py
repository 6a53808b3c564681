"""Drawing and saving a report's figures, in worker processes where the machine has cores to spare.

A figure is independent of the others, so :func:`render` draws them in a process pool, each
worker in the report's look and language. The workers are forked (they inherit the figures to
draw, closures included, without pickling them) and end with the run that started them, even
when it is killed outright (:mod:`mcsim.compute.lifeline`). Where processes cannot be forked, or
one worker is asked for, the figures are drawn one after another, with the same files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from mcsim.compute.lifeline import end_with_parent
from mcsim.i18n import language, speaking
from mcsim.report.figures import Figure, prepare_pdf_fonts, save
from mcsim.report.style import Look

__all__ = ["available_cores", "draw", "render", "rendering"]

_WORK: tuple | None = None  # (figures, directory, look, lang), set in each worker


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def draw(figure: Figure, look: Look):
    """``figure`` drawn in ``look``, unsaved (the caller closes it); for checks of what :func:`render` writes."""
    with look.context():
        return figure.draw()


def _render_one(figure: Figure, directory: Path, look: Look) -> str:
    with look.context():
        return save(figure.draw(), directory, figure.stem)


def _start_worker(figures, directory, look, lang, parent_pid) -> None:
    global _WORK
    end_with_parent(parent_pid)  # a run killed outright leaves no worker behind
    _WORK = (figures, directory, look, lang)


def _worker(index: int) -> str:
    figures, directory, look, lang = _WORK
    with speaking(lang):
        return _render_one(figures[index], directory, look)


def render(figures: Sequence[Figure], directory: str | Path, look: Look, *, workers: int = 0) -> list[str]:
    """Draw and save every figure of ``figures`` into ``directory`` (PNG and PDF); return their stems.

    Parameters
    ----------
    figures : sequence of Figure
        Figures with a ``draw``.
    directory : path
        Where the files go.
    look : Look
        The style they are drawn in.
    workers : int
        Processes to draw them in; 0 takes one per available core, 1 draws them here.
    """
    with rendering(figures, directory, look, workers=workers) as drawn:
        return drawn()


@contextmanager
def rendering(figures: Sequence[Figure], directory: str | Path, look: Look, *,
              workers: int = 0) -> Iterator[Callable[[], list[str]]]:
    """:func:`render`, under way in worker processes while the ``with`` block goes on.

    Yields a callable that waits for every figure and returns their stems (drawn here, then, with one
    worker or where processes cannot be forked). Leaving the block cancels the figures not yet
    begun and waits for those being drawn, whose workers then end.
    """
    directory = Path(directory)
    figures = [f for f in figures if f.draw is not None]
    workers = min(workers or available_cores(), len(figures))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        stems: list[str] = []

        def here() -> list[str]:
            if len(stems) < len(figures):
                stems[:] = [_render_one(figure, directory, look) for figure in figures]
            return list(stems)

        yield here
        return
    with look.context():  # the workers inherit the PDF backend and its fonts' common subsets: made once, here
        prepare_pdf_fonts()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                               initargs=(list(figures), directory, look, language(), os.getpid()))
    try:
        futures = [pool.submit(_worker, index) for index in range(len(figures))]
        yield lambda: [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
