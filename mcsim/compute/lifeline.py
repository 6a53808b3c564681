"""Worker processes that end with the run that started them.

A run killed outright (``kill -9``, ``kill``, the out-of-memory killer) has no chance to shut
its pool down, and its workers, idle on a queue that nobody will write to again, would live on
as orphans holding hundreds of megabytes each. :func:`end_with_parent`, called first in each
worker, ends the worker once its parent is gone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

__all__ = ["end_with_parent"]

POLL_S = 0.5  # how often a worker looks for its parent
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def end_with_parent(parent_pid: int) -> None:
    """End this process, now or later, when process ``parent_pid`` (its parent) is gone.

    Parameters
    ----------
    parent_pid : int
        The parent's pid, recorded by the parent before it started this process: a parent that
        died before this call is then noticed too.

    Notes
    -----
    On Linux the kernel kills this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``).
    That signal comes when the parent's *thread* that started this process ends, so the parent
    must start its workers from a thread that outlives them: :mod:`concurrent.futures` forks a
    pool's workers in the thread that first submits to it (the thread running the run, which
    shuts the pool down before it returns), or replaces one in the pool's management thread
    (which ends after the workers). Everywhere, a daemon thread also checks every ``POLL_S``
    seconds that the parent is still there.
    """
    if sys.platform == "linux":
        _kill_me_with_parent()
    if _parent_gone(parent_pid):  # died before the kernel was told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="mcsim-parent-watch", daemon=True).start()


def _kill_me_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL),
                   ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    except (ImportError, OSError, AttributeError):  # no ctypes or no prctl: the watching thread does it
        pass


def _parent_gone(parent_pid: int) -> bool:
    if os.name == "nt":  # the parent's pid stays; its handle says whether it still runs
        import multiprocessing

        parent = multiprocessing.parent_process()
        return parent is not None and not parent.is_alive()
    return os.getppid() != parent_pid  # an orphan is adopted by init or a subreaper


def _watch(parent_pid: int) -> None:
    while not _parent_gone(parent_pid):
        time.sleep(POLL_S)
    os._exit(1)
