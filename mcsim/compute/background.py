"""One computation in a worker process while the run goes on in this one.

A run's analyses that do not need each other's results (the sensitivity analysis needs only the
run file, not the simulation) can use the second core: :func:`background` starts the call in a
forked worker process and hands back a :class:`Pending` whose :meth:`~Pending.result` waits for it.
The worker computes exactly what the call would compute here (a fork is a copy of this process:
the same code, the same state, the same seeds), so the numbers do not depend on where it ran.

The worker ends with the run, whatever the way the run ends: it is told to end with its parent
(:func:`mcsim.compute.lifeline.end_with_parent`, for a run killed outright), and leaving the
``with`` block ends it, at once if its result was not taken (an error or a Ctrl-C in the run), so
a failed run does not wait for an analysis it will not use. Where processes cannot be forked,
or with ``inline=True``, the call is made here when its result is first asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from mcsim.compute import lifeline

__all__ = ["Pending", "background"]

T = TypeVar("T")


class Pending(Generic[T]):
    """A call under way in a worker (or to be made here); :meth:`result` waits for its value."""

    def __init__(self, call: Callable[[], T], future: Future | None):
        self._call, self._future = call, future
        self._done, self._value = False, None

    @property
    def in_worker(self) -> bool:
        """Whether the call runs in a worker process."""
        return self._future is not None

    def done(self) -> bool:
        """Whether :meth:`result` would return without waiting (a call to be made here has not been made)."""
        return self._done or (self._future is not None and self._future.done())

    def result(self) -> T:
        """The call's value (its exception, raised here, if it failed)."""
        if not self._done:
            self._value = self._call() if self._future is None else self._future.result()
            self._done = True
        return self._value


_CALL: tuple | None = None  # in a worker: the call it makes, inherited from the run by the fork


def _start(parent_pid: int, call: tuple) -> None:
    global _CALL
    lifeline.end_with_parent(parent_pid)  # a run killed outright leaves no worker behind
    _CALL = call


def _call() -> Any:
    function, args, kwargs = _CALL
    return function(*args, **kwargs)


def can_fork() -> bool:
    """Whether worker processes can be forked here (a fork needs nothing pickled but the result)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def background(function: Callable[..., T], *args, inline: bool = False, **kwargs) -> Iterator[Pending[T]]:
    """Run ``function(*args, **kwargs)`` in a forked worker process while the ``with`` block goes on.

    Parameters
    ----------
    function : callable
        Its result must be picklable (it is sent back); it and its arguments need not be (they are forked).
    inline : bool
        Make the call in this process instead, when the result is first asked for.

    Yields
    ------
    Pending
        Its :meth:`~Pending.result` waits for the call and returns its value or raises its error.
    """
    if inline or not can_fork():
        yield Pending(lambda: function(*args, **kwargs), None)
        return
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=_start,
                               initargs=(os.getpid(), (function, args, kwargs)))
    future = pool.submit(_call)  # forks here, in the run's own thread: nothing is pickled but the result
    pending = Pending(lambda: function(*args, **kwargs), future)
    try:
        yield pending
    finally:
        if not future.done():  # the run left without its result: end the worker now rather than wait for it
            future.cancel()
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)
