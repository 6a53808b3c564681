"""Ctrl-C that no library can lose.

Python turns SIGINT into a KeyboardInterrupt at the next bytecode, but if that moment falls
inside C code that then sets an error of its own, a library's ``except ValueError`` swallows
the interrupt (matplotlib's font matching does: ``int("normal")`` inside ``try``). The run then
carries on and writes its report as if nothing had happened. While :func:`watch` is active,
SIGINT is also recorded, and :func:`interrupted` tells the one step that must not be taken
after a Ctrl-C, the move of a finished report into place, not to take it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["interrupted", "watch"]

_received = False


def _record(signum, frame):
    global _received
    _received = True
    raise KeyboardInterrupt


@contextmanager
def watch() -> Iterator[None]:
    """Record every SIGINT from here on, and raise it as KeyboardInterrupt as Python does.

    Does nothing off the main thread (only it may set handlers) or when SIGINT is ignored (a
    background job's parent chose that).
    """
    global _received
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield
        return
    _received = False
    previous = signal.signal(signal.SIGINT, _record)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _received = False


def interrupted() -> bool:
    """Whether a SIGINT arrived under :func:`watch`, even one a library swallowed."""
    return _received
