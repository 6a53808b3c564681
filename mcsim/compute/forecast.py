"""How long a run will sample and how much memory it will hold, known before it starts.

The time comes from a short timed pilot (the model and the sampler on the run's first samples),
scaled to the run's samples and workers; the memory from the chunk size, the inputs and the
outputs' width (the streaming engine keeps no sample beyond a chunk, the pilot and the quantile
budget; a Latin hypercube also keeps one permutation of the run's samples per input and process).
Both are estimates, shown with what they rest on; ``mcsim run`` refuses a run past
:data:`MAX_SECONDS` or half the machine's memory unless asked with ``--yes``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from mcsim.compute.engine import available_cores, whole_blocks
from mcsim.compute.sampling import Design
from mcsim.compute.streaming import PILOT, QUANTILE_BUDGET, TILE_BYTES
from mcsim.inputs.errors import InputError, Problem
from mcsim.inputs.runs import RunSpec
from mcsim.models.failure import ModelError

__all__ = ["MAX_SECONDS", "Forecast", "affordable", "forecast", "machine_memory", "progress_bar", "refusals"]

MAX_SECONDS = 3600.0  # a run expected to sample longer than this is refused without --yes
MAX_WORDS = "an hour"  # MAX_SECONDS in words
MEMORY_SHARE = 0.5  # nor one expected to hold more than this share of the machine's memory
BAR_AFTER_SECONDS = 3.0  # a run expected to sample longer shows a progress bar (on a terminal)
STATISTICS_COST = 1.5  # the block statistics and the merge, over drawing and evaluating (the benchmarks')
BASE_BYTES = 300 << 20  # Python, NumPy, SciPy and the compiled kernels (forked workers share them)
TIMED_SECONDS = 0.05  # the pilot grows until it takes at least this long (or reaches TIMED_MAX samples)
TIMED_MAX = 1 << 14


@dataclass(frozen=True)
class Forecast:
    """A run's expected sampling time and peak memory, with what they rest on."""

    seconds: float
    bytes: int
    timed: int  # samples of the timed pilot
    workers: int


def machine_memory() -> int | None:
    """The machine's physical memory in bytes, None where it cannot be known."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def memory_bytes(spec: RunSpec, workers: int) -> int:
    """The run's expected peak memory: per process a chunk of inputs, its outputs and the sampler's state."""
    d = len(spec.priors.inputs)
    width = sum(len(spec.grid_values) if o.per_user else 1 for o in spec.model.outputs)
    chunk = min(spec.samples, whole_blocks(spec.chunk_size))
    processes = workers if workers > 1 and spec.samples > chunk else 1
    lhs = spec.samples * len(spec.priors.uncertain) * (4 if spec.samples < 2**31 else 8) \
        if spec.sampler == "lhs" else 0
    per_process = chunk * d * 8 * 2 + 2 * TILE_BYTES + lhs  # forked workers share the rest with the parent
    pilot = min(spec.samples, max(PILOT, spec.keep_samples)) * (d + width) * 8 * 2
    return BASE_BYTES + processes * per_process + (lhs if processes > 1 else 0) + pilot + QUANTILE_BUDGET * 12


def forecast(spec: RunSpec, *, timed: bool = True) -> Forecast:
    """The expected sampling time and peak memory of ``spec``.

    The memory needs no sample; the time evaluates the run's first samples (at most
    :data:`TIMED_MAX`), so ``timed=False`` skips it, as does a run expected to hold more than
    half the machine's memory (the pilot could not draw it): ``seconds`` is then NaN.
    """
    workers = spec.workers if spec.workers else available_cores()
    workers = max(1, min(workers, -(-spec.samples // whole_blocks(spec.chunk_size))))
    memory = memory_bytes(spec, workers)
    if not timed or memory > MEMORY_SHARE * (machine_memory() or float("inf")):
        return Forecast(float("nan"), memory, 0, workers)
    design = Design(spec.priors, spec.samples, spec.sampler, spec.seed)
    grid = np.asarray(spec.grid_values)
    m = min(spec.samples, 1 << 10)
    while True:
        try:
            spec.model.evaluate(design.draw(0, m), grid)  # the first call pays for imports and caches
            start = time.perf_counter()
            spec.model.evaluate(design.draw(0, m), grid)
        except ModelError as error:  # the run's first samples: its rows are the run's
            raise error.at(0) from error.__cause__
        elapsed = time.perf_counter() - start
        if elapsed >= TIMED_SECONDS or m >= min(spec.samples, TIMED_MAX):
            break
        m = min(spec.samples, TIMED_MAX, m * 4)
    seconds = elapsed / m * spec.samples * STATISTICS_COST / workers
    return Forecast(seconds, memory, m, workers)


def refusals(spec: RunSpec, found: Forecast, memory: int | None) -> list[str]:
    """Why ``spec`` should not start without being asked: each limit it would pass, with the arithmetic."""
    reasons = []
    if found.bytes > MEMORY_SHARE * (memory or float("inf")):
        reasons.append(f"would hold about {found.bytes / 2**30:,.1f} GiB, more than half of this machine's "
                       f"{memory / 2**30:.1f} GiB")
    if found.seconds > MAX_SECONDS:
        reasons.append(f"would sample for about {_duration(found.seconds)} on {found.workers} "
                       f"worker{'s' if found.workers > 1 else ''} (from a timed pilot of {found.timed:,} samples), "
                       f"more than {MAX_WORDS}")
    return reasons


def affordable(spec: RunSpec, where: tuple[str, str], *, yes: bool = False) -> Forecast:
    """The forecast of ``spec``; unless ``yes``, an InputError naming ``where`` (a file and a field) if it passes
    a limit (:func:`refusals`)."""
    found = forecast(spec)
    reasons = refusals(spec, found, machine_memory())
    if reasons and not yes:
        raise InputError([Problem(*where, f"= {spec.samples:,} is refused: the run {' and '.join(reasons)}; give "
                                  "fewer samples, or --yes to run it anyway")])
    return found


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:,.0f} days"


@contextlib.contextmanager
def progress_bar(total: int, seconds: float, *, stream) -> Iterator[Callable[[int], None] | None]:
    """A tqdm bar of the samples merged, with its estimated end, for a run expected to take more than a few seconds.

    Only on a terminal (``stream.isatty()``); otherwise, or for a short run, the callback is None.
    """
    if not (seconds > BAR_AFTER_SECONDS and stream.isatty()):
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=total, file=stream, unit=" samples", unit_scale=True, dynamic_ncols=True, leave=False,
              desc="mcsim: sampling") as bar:
        yield lambda samples: bar.update(samples - bar.n)
