"""A worker ends with its parent: at once if the parent is already gone, or later when it goes.

``tests/test_interrupt.py`` kills whole runs; these check each way a worker learns that its
parent is gone on its own, since on Linux either would hide a failure of the other.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from mcsim.compute import lifeline

LIMIT = 60  # seconds: no process of these tests may outlive this
PR_GET_PDEATHSIG = 2  # <linux/prctl.h>


def _work_for(parent_pid: int, answer) -> None:
    lifeline.end_with_parent(parent_pid)
    if sys.platform == "linux":
        import ctypes

        sig = ctypes.c_int(-1)
        ctypes.CDLL(None).prctl(PR_GET_PDEATHSIG, ctypes.byref(sig), 0, 0, 0)
        answer.send(sig.value)
    time.sleep(LIMIT)


def _fork():
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this system")
    return multiprocessing.get_context("fork")


def test_a_worker_whose_parent_is_already_gone_ends_at_once():
    context = _fork()
    _, sending = context.Pipe(duplex=False)
    worker = context.Process(target=_work_for, args=(os.getpid() + 4_000_000, sending))  # not its parent
    worker.start()
    worker.join(LIMIT)
    if worker.is_alive():
        worker.kill()
    assert worker.exitcode == 1


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_on_linux_the_kernel_kills_a_worker_with_its_parent():
    context = _fork()
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(target=_work_for, args=(os.getpid(), sending))
    worker.start()
    try:
        assert receiving.poll(LIMIT), "the worker never answered"
        assert receiving.recv() == signal.SIGKILL
    finally:
        worker.kill()
        worker.join(LIMIT)


ORPHAN = """
import os, sys, threading, time
from mcsim.compute import lifeline

parent = os.getpid()
child = os.fork()
if child == 0:  # the watching thread alone, as where the kernel cannot be asked
    threading.Thread(target=lifeline._watch, args=(parent,), daemon=True).start()
    time.sleep({limit})
    os._exit(0)
print(child, flush=True)
os.kill(parent, 9)
"""


def test_the_watching_thread_ends_a_worker_whose_parent_died():
    psutil = pytest.importorskip("psutil")
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN.format(limit=10 * LIMIT)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    child = int(parent.stdout.readline())
    parent.wait(LIMIT)
    start = time.monotonic()
    while _running(psutil, child):
        if time.monotonic() - start > LIMIT:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the worker outlived its parent")
        time.sleep(0.05)


def _running(psutil, pid: int) -> bool:
    """Whether ``pid`` still runs: a zombie (ended, not yet reaped by whoever adopted it) does not."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
