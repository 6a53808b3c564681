"""mcsim against its peers on Tableau 1's model: samples per second, peak memory.

Run from the repository's root (the peers are the optional extra ``bench``)::

    python bench/peers.py [--samples N] [--grid 6 64] [--repeat R]

Every contestant draws the same priors (bench/priors.toml: lognormal, PERT, log-uniform,
triangular, beta and uniform inputs), evaluates the model on the users grid and computes, per
grid point, the mean and p05/p50/p95 of surplus and unit cost, the same for break-even and
crossover users, and the share of samples where the paper's claim holds. Each runs in its own
forked process, so that its peak resident memory (``ru_maxrss``, the interpreter included) is
its own, and is timed ``R`` times after a warm-up; the best time counts, as the machine may be
shared. "inputs only" draws the inputs with mcsim's sampler and does nothing else: the limit an
engine can approach.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import multiprocessing
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "bench" / "run.toml"
Q = (0.05, 0.5, 0.95)


def _grid(k: int) -> np.ndarray:
    return np.array([1e4, 1e6, 5.833333e6, 5e7, 5e8, 5e9]) if k == 6 else np.geomspace(1e4, 5e9, k)


def _model(training, lifetime, per_1k, tokens, prompts, conversion, price, users):
    fixed = training / lifetime
    per_prompt = per_1k * tokens / 1000
    inference = prompts * per_prompt
    margin = conversion * price - inference
    with np.errstate(divide="ignore"):
        break_even = np.where(margin > 0, fixed / margin, np.inf)
    crossover = fixed / inference
    surplus = users * margin[:, None] - fixed[:, None]
    unit = fixed[:, None] / (users * prompts[:, None]) + per_prompt[:, None]
    return break_even, crossover, surplus, unit


def _numpy_statistics(break_even, crossover, surplus, unit):
    out = {}
    for name, values in (("break_even", break_even), ("crossover", crossover), ("surplus", surplus), ("unit", unit)):
        finite = np.where(np.isfinite(values), values, np.nan)
        out[name] = (np.nanmean(finite, axis=0), np.quantile(values, Q, axis=0, method="inverted_cdf"))
    out["claim"] = np.mean(break_even <= 6e6)
    return out


# -- contestants: set up (untimed: reading files, imports), then return what is timed ----------------
def inputs_only(n, users, workers):
    from mcsim.compute.sampling import Design
    from mcsim.inputs.runs import load_run

    spec = load_run(RUN, samples=n)
    design = Design(spec.priors, n, spec.sampler, spec.seed)

    def run():
        for start in range(0, n, 1 << 18):
            design.draw(start, min(n, start + (1 << 18)))
        return n
    return run


def mcsim_engine(n, users, workers):
    from mcsim.compute.engine import simulate
    from mcsim.compute.stats import evaluate_claims, summarise
    from mcsim.inputs.runs import load_run

    spec = load_run(RUN, samples=n)
    grid = tuple(float(u) for u in users)
    claims = tuple(c for c in spec.claims if c.users is None or c.users in grid)  # those the grid can judge
    spec = dataclasses.replace(spec, users=grid, claims=claims, sensitivity=None)

    def run():
        sim = simulate(spec, workers=workers)
        summarise(sim)
        evaluate_claims(sim)
        return sim.n
    return run


def plain_numpy(n, users, workers):
    return lambda: _plain_numpy(n, users)


def _plain_numpy(n, users):
    rng = np.random.default_rng(2025)
    z = 1.6448536269514722
    training = np.exp(rng.normal(np.log(np.sqrt(40e6 * 100e6)), np.log(100e6 / 40e6) / (2 * z), n))
    lifetime = 8 + 17 * rng.beta(1 + 4 * 4 / 17, 1 + 4 * 13 / 17, n)  # PERT(8, 12, 25)
    per_1k = np.exp(rng.uniform(np.log(0.002), np.log(0.008), n))
    tokens = np.exp(rng.normal(np.log(250), np.log(4) / (2 * z), n))
    prompts = rng.triangular(60, 100, 150, n)
    conversion = rng.beta(5, 95, n)
    price = rng.uniform(18, 22, n)
    _numpy_statistics(*_model(training, lifetime, per_1k, tokens, prompts, conversion, price, users))
    return n


def squigglepy_run(n, users, workers):
    import squigglepy as sq

    return lambda: _squigglepy(sq, n, users)


def _squigglepy(sq, n, users):
    sq.set_seed(2025)
    draws = [sq.sample(d, n=n) for d in (sq.lognorm(40e6, 100e6), sq.pert(8, 12, 25), sq.uniform(0.0, 1.0),
                                         sq.lognorm(125, 500), sq.triangular(60, 100, 150), sq.beta(5, 95),
                                         sq.uniform(18, 22))]
    draws = [np.asarray(d, dtype=float) for d in draws]
    draws[2] = 0.002 * 4.0 ** draws[2]  # log-uniform on [0.002, 0.008]: squigglepy has none
    _numpy_statistics(*_model(*draws, users))
    return n


def openturns_run(n, users, workers):
    import openturns as ot

    ot.RandomGenerator.SetSeed(2025)
    z = 1.6448536269514722

    def lognormal(p05, p95):
        return ot.LogNormal(np.log(np.sqrt(p05 * p95)), np.log(p95 / p05) / (2 * z), 0.0)

    inputs = ot.JointDistribution([lognormal(40e6, 100e6), ot.Beta(1 + 16 / 17, 1 + 52 / 17, 8, 25),
                                   ot.LogUniform(np.log(0.002), np.log(0.008)), lognormal(125, 500),
                                   ot.Triangular(60, 100, 150), ot.Beta(5, 95, 0, 1), ot.Uniform(18, 22)])
    names = ["T", "L", "C", "K", "P", "R", "S"]
    margin = "(R*S - P*C*K/1000)"
    formulas = [f"(T/L)/{margin}", "(T/L)/(P*C*K/1000)"]
    formulas += [f"{float(u)!r}*{margin} - T/L" for u in users]
    formulas += [f"(T/L)/({float(u)!r}*P) + C*K/1000" for u in users]
    function = ot.SymbolicFunction(names, formulas)

    def run():
        y = function(inputs.getSample(n))
        for q in Q:
            y.computeQuantilePerComponent(q)
        y.computeMean()
        return n
    return run


CONTESTANTS = {"inputs only (mcsim sampler, 1 core)": (inputs_only, 1),
               "mcsim, 1 worker": (mcsim_engine, 1),
               "mcsim, all cores": (mcsim_engine, 0),
               "plain NumPy (np.quantile)": (plain_numpy, 1),
               "squigglepy": (squigglepy_run, 1),
               "OpenTURNS (SymbolicFunction)": (openturns_run, 1)}
NEEDS = {"squigglepy": "squigglepy", "OpenTURNS (SymbolicFunction)": "openturns"}


def _child(function, n, users, workers, repeat, pipe):
    try:
        run = function(n, users, workers)
        run()  # warm-up: imports, inverse CDF tables, compiled kernels
        best = math.inf
        for _ in range(repeat):
            start = time.perf_counter()
            done = run()
            best = min(best, time.perf_counter() - start)
        peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        pipe.send((done, best, peak / 1024, None))  # the largest process's peak, workers included
    except Exception as error:  # a peer that fails is reported, not fatal
        pipe.send((0, 0.0, 0.0, f"{type(error).__name__}: {error}"))


def measure(name: str, n: int, users: np.ndarray, repeat: int) -> tuple[float, float, str | None]:
    function, workers = CONTESTANTS[name]
    if name in NEEDS:
        try:
            __import__(NEEDS[name])
        except ImportError:
            return 0.0, 0.0, f"not installed (pip install '.[bench]' brings {NEEDS[name]})"
    receive, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=_child,
                                                          args=(function, n, users, workers, repeat, send))
    process.start()
    done, seconds, peak_mb, error = receive.recv()
    process.join()
    return (done / seconds if seconds else 0.0), peak_mb, error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1 << 22, help="samples for mcsim and the inputs-only limit")
    parser.add_argument("--peer-samples", type=int, default=1 << 20, help="samples for the peers (they hold all)")
    parser.add_argument("--grid", type=int, nargs="+", default=[6, 64], help="users grid sizes")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up; the best counts")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.processor() or platform.machine()}, {cores} cores, {memory:.0f} GiB, "
          f"Python {platform.python_version()}, NumPy {np.__version__}; best of {args.repeat} runs")
    for k in args.grid:
        users = _grid(k)
        print(f"\nTableau 1, bench/priors.toml, {k}-point users grid; mcsim {args.samples:,} samples, "
              f"peers {args.peer_samples:,}")
        print(f"{'contestant':38s} {'samples/s':>12s} {'peak RSS MB':>12s} {'speed / mcsim':>14s}")
        rows = {}
        for name in CONTESTANTS:
            n = args.samples if name.startswith(("mcsim", "inputs")) else args.peer_samples
            rows[name] = measure(name, n, users, args.repeat)
        reference = rows["mcsim, all cores"][0] or float("nan")
        for name, (rate, peak, error) in rows.items():
            if error:
                print(f"{name:38s} {'-':>12s} {'-':>12s} {'-':>14s}  {error}")
            else:
                print(f"{name:38s} {rate:12,.0f} {peak:12,.0f} {rate / reference:14.2f}")
        limit, one = rows["inputs only (mcsim sampler, 1 core)"][0], rows["mcsim, 1 worker"][0]
        print(f"end to end on 1 core: {one / 1e6:.2f} M samples/s, {limit / one:.1f} x the cost of drawing "
              f"the inputs alone; all cores: {reference / one:.2f} x one worker")


if __name__ == "__main__":
    main()
