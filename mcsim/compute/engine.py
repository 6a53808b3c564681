"""Running a model over a sampling design in chunks, on one core, several, or a Dask cluster.

The run is evaluated chunk by chunk; each chunk returns mergeable statistics
(:mod:`mcsim.compute.streaming`), never its samples, so memory stays bounded whatever the number of
samples. Chunks are whole numbers of :data:`~mcsim.compute.streaming.STAT_BLOCK` samples and are merged
in sample order, and a chunk's numbers depend only on the seed and its sample range, so a run's
statistics are bit-identical whatever the chunk size, the number of workers or the scheduler.

Before streaming, a pilot (the run's first samples) fixes the quantile brackets and figure
ranges every chunk uses; its inputs and the first ``keep_samples`` outputs are kept as the run's
bounded :class:`Head`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from mcsim.compute import kernels, lifeline, streaming
from mcsim.compute.claims import claim_holds
from mcsim.compute.melding import make_weighing
from mcsim.compute.sampling import Design, chunks
from mcsim.compute.streaming import PILOT, STAT_BLOCK, Partial, Plan, Totals, block_partial, combine, make_plan
from mcsim.inputs.runs import Claim, RunSpec
from mcsim.models import beside, load_beside
from mcsim.models.failure import ModelError, locate, row_values, undefined_rows

__all__ = ["Head", "Progress", "Simulation", "available_cores", "published_marks", "simulate", "whole_blocks"]

INFLIGHT_PER_WORKER = 2  # chunks submitted ahead per worker: bounds memory on the merging side


@dataclass(frozen=True)
class Head:
    """The run's first samples: inputs of the pilot (for the fine curves), outputs of the first ``keep``."""

    inputs: dict[str, np.ndarray]  # name -> (pilot,): max(PILOT, keep_samples) samples, or all
    outputs: dict[str, np.ndarray]  # name -> (kept,) or (kept, len(users))

    @property
    def kept(self) -> int:
        return len(next(iter(self.outputs.values()))) if self.outputs else 0


@dataclass(frozen=True)
class Progress:
    """What a stopping rule sees after each chunk is merged (in sample order)."""

    samples: int  # samples merged so far
    claims: dict[str, tuple[int, int]]  # claim name -> (times it held, samples)


@dataclass(frozen=True)
class Simulation:
    """A run's merged statistics and its bounded head; no per-sample array beyond the head."""

    spec: RunSpec
    totals: Totals
    head: Head
    stopped_early: bool = False
    workers: int = 1
    scheduler: str = "local"

    @property
    def n(self) -> int:
        """Samples evaluated (fewer than ``spec.samples`` when a stopping rule ended the run)."""
        return self.totals.samples

    @property
    def plan(self) -> Plan:
        return self.totals.plan


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def whole_blocks(chunk_size: int) -> int:
    """A chunk's length: ``chunk_size`` rounded up to a whole number (at least one) of statistics blocks."""
    return max(STAT_BLOCK, -(-chunk_size // STAT_BLOCK) * STAT_BLOCK)


def evaluate_chunk(spec: RunSpec, plan: Plan, start: int, stop: int) -> Partial:
    """Draw samples ``start`` to ``stop``, evaluate the model, return their partial statistics."""
    design = _design(spec)
    drawn = design.draw(start, stop)
    users = np.asarray(spec.grid_values)  # the run's grid (users, or months)
    parts = []
    for s in range(0, stop - start, plan.block):  # block by block: the outputs of one block at a time in memory
        tile = {name: values[s:s + plan.block] for name, values in drawn.items()}
        try:
            outputs = spec.model.evaluate(tile, users)
        except ModelError as error:  # its row counted in the run's samples
            raise error.at(start + s) from error.__cause__
        parts.append(block_partial(plan, outputs, claim_holds, tile))
    return combine(parts, plan)


_DESIGN: tuple | None = None


def _design(spec: RunSpec) -> Design:
    """The run's design, made once per process (a Latin hypercube's permutations are costly)."""
    global _DESIGN
    if _DESIGN is None or _DESIGN[0] is not spec:
        _DESIGN = (spec, Design(spec.priors, spec.samples, spec.sampler, spec.seed))
    return _DESIGN[1]


def simulate(spec: RunSpec, *, workers: int | None = None, scheduler: str | None = None,
             stop_when: Callable[[Progress], bool] | None = None,
             on_progress: Callable[[int], None] | None = None) -> Simulation:
    """Draw ``spec.samples`` samples of the priors, evaluate the model, merge the statistics.

    Parameters
    ----------
    spec : RunSpec
    workers : int, optional
        Processes to run chunks on (default ``spec.workers``; 0 means one per available core).
        With a Dask scheduler, the number of workers of a local cluster.
    scheduler : str, optional
        ``None`` or ``"local"``: this machine; ``"dask"``: a new ``dask.distributed`` LocalCluster;
        any other value: the address of a running Dask scheduler (``tcp://host:8786``).
    stop_when : callable, optional
        Called after each chunk is merged, in sample order, with a :class:`Progress`; when it
        returns True no further chunk is merged (chunks already under way are discarded), so
        where a run stops depends on the chunk size but never on the workers.
    on_progress : callable, optional
        Called with the number of samples merged so far after each chunk (a progress bar).

    Raises
    ------
    FloatingPointError
        If the model returns NaN, or an infinite value where the output does not say what an
        infinite value means.
    """
    workers = spec.workers if workers is None else workers
    workers = available_cores() if workers == 0 else workers
    scheduler = scheduler if scheduler is not None else spec.scheduler
    n = spec.samples
    design = Design(spec.priors, n, spec.sampler, spec.seed)
    pilot_n = min(n, max(PILOT, spec.keep_samples))
    inputs = design.draw(0, pilot_n)
    try:
        pilot = spec.model.evaluate(inputs, np.asarray(spec.grid_values))
    except ModelError as error:
        raise error.at(0) from error.__cause__
    _check_rows(spec, inputs, pilot, 0)
    plan = make_plan(pilot, spec.model, (*spec.claims, *published_marks(spec)), spec.grid_values, n,
                     budget=streaming.QUANTILE_BUDGET)
    if spec.observations:
        plan = replace(plan, weighing=make_weighing(spec.observations, spec.priors, spec.model, inputs, pilot,
                                                    spec.grid_values, n))
    kept = min(n, spec.keep_samples)
    head = Head(inputs,
                {o.name: np.asarray(pilot[o.name][:kept]) for o in spec.model.outputs})
    del pilot

    ranges = list(chunks(n, whole_blocks(spec.chunk_size)))
    totals = Totals(plan)
    stopped = False
    runner = _runner(spec, plan, ranges, workers, scheduler)
    try:
        for (start, stop), partial in zip(ranges, runner, strict=False):
            totals.merge(partial)
            _check(spec, totals, design, start, stop)
            if on_progress is not None:
                on_progress(totals.samples)
            if stop_when is not None and totals.samples < n and stop_when(_progress(totals, len(spec.claims))):
                stopped = True
                break
    finally:
        runner.close()
    name = "local" if scheduler in (None, "local") else scheduler
    return Simulation(spec, totals, head, stopped, workers if len(ranges) > 1 else 1, name)


def published_marks(spec: RunSpec) -> tuple[Claim, ...]:
    """For each scalar output whose value the run's publication printed, the test ``output <= that value``.

    They are counted over every sample like the run's claims, after them in the plan, so that a
    report can say where the published value sits in the output's distribution (its percentile)
    from the run's own sample; they are not claims of the run.
    """
    published = spec.published
    if published is None:
        return ()
    scalar = {out.name for out in spec.model.outputs if not out.per_user}
    return tuple(Claim(f"published_{output}", "", output, "<=", value)
                 for output, value, _label in published.values if output in scalar)


def _progress(totals: Totals, claims: int) -> Progress:
    """The counts of the run's first ``claims`` claims of the plan (those after them are published marks)."""
    return Progress(totals.samples, {c.name: (int(k), totals.samples)
                                     for c, k in zip(totals.plan.claims[:claims], totals.claims, strict=False)})


def _check(spec: RunSpec, totals: Totals, design: Design, start: int, stop: int) -> None:
    """Refuse undefined values, once merged: evaluate the chunk ``start`` to ``stop`` again to name the first row."""
    for out in spec.model.outputs:
        where = totals.plan.slices[out.name]
        nan = int(totals.nan[where].sum())
        infinite = int((totals.samples - totals.finite[where]).sum()) - nan
        if nan + (infinite if out.infinite_means is None else 0):
            users = np.asarray(spec.grid_values)
            for s in range(start, stop, totals.plan.block):
                inputs = design.draw(s, min(s + totals.plan.block, stop))
                _check_rows(spec, inputs, spec.model.evaluate(inputs, users), s)
            raise FloatingPointError(f"model {spec.model.name} returned undefined values of {out.name} "
                                     f"(NaN or infinite) in its first {totals.samples} samples")


def _check_rows(spec: RunSpec, inputs: dict[str, np.ndarray], outputs: dict[str, np.ndarray], offset: int) -> None:
    """Refuse the first row with an undefined output, naming its inputs and the outputs it leaves undefined."""
    bad = undefined_rows(spec.model, outputs)
    if not bad.any():
        return
    row = int(np.argmax(bad))
    undefined = [o.name for o in spec.model.outputs if undefined_rows(spec.model, outputs, o.name)[row]]
    file, line, function = locate(spec.model.function)
    raise ModelError(file, line, f"model {spec.model.name} returned an undefined value of {', '.join(undefined)} "
                     "(NaN, or an infinity the output gives no meaning to)", function=function, row=row,
                     values=row_values(inputs, row), sample=offset + row)


def _runner(spec: RunSpec, plan: Plan, ranges: list[tuple[int, int]], workers: int,
            scheduler: str | None) -> Iterator[Partial]:
    """Partials of every range, yielded in sample order, however they are computed."""
    if scheduler not in (None, "local"):
        return _dask(spec, plan, ranges, workers, scheduler)
    if workers <= 1 or len(ranges) <= 1:
        return (evaluate_chunk(spec, plan, start, stop) for start, stop in ranges)
    return _processes(spec, plan, ranges, workers)


def _in_order(submit, ranges, window: int, wait_first) -> Iterator[Partial]:
    """Submit ranges ahead up to ``window``; yield results in range order."""
    pending = {}
    following = 0
    for index in range(min(window, len(ranges))):
        pending[index] = submit(*ranges[index])
    following = len(pending)
    for index in range(len(ranges)):
        result = wait_first(pending.pop(index))
        if following < len(ranges):
            pending[following] = submit(*ranges[following])
            following += 1
        yield result


_WORKER_STATE: tuple | None = None


def _init_worker(spec: RunSpec, plan: Plan, parent_pid: int) -> None:
    global _WORKER_STATE
    lifeline.end_with_parent(parent_pid)  # a run killed outright leaves no worker behind
    _WORKER_STATE = (spec, plan)


def _worker_chunk(start: int, stop: int) -> Partial:
    spec, plan = _WORKER_STATE
    return evaluate_chunk(spec, plan, start, stop)


def _processes(spec, plan, ranges, workers) -> Iterator[Partial]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    if method == "fork":
        kernels.load()  # once here rather than once in every worker
    context = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                               initargs=(spec, plan, os.getpid()))
    try:
        yield from _in_order(lambda a, b: pool.submit(_worker_chunk, a, b), ranges,
                             INFLIGHT_PER_WORKER * workers, lambda future: future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(spec, plan, ranges, workers, scheduler: str) -> Iterator[Partial]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as error:  # the optional extra is missing
        raise RuntimeError("a Dask scheduler needs dask.distributed: pip install 'mcsim[dask]'") from error
    cluster = None
    if scheduler == "dask":
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        source = beside(spec.model)
        if source is not None:  # a model beside its run file: loaded under its private name in each worker first
            client.run(load_beside, *source)
        spec_future, plan_future = client.scatter([spec, plan], broadcast=True)
        window = INFLIGHT_PER_WORKER * max(len(client.scheduler_info(n_workers=-1)["workers"]), 1)
        yield from _in_order(lambda a, b: client.submit(evaluate_chunk, spec_future, plan_future, a, b, pure=False),
                             ranges, window, lambda future: future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
