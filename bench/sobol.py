"""Sobol indices of Tableau 1 for 7 inputs at a base sample of 2**16: mcsim's time, and SALib's.

Run from the repository's root::

    python bench/sobol.py [--base 65536] [--salib-resamples 100 1000]

"mcsim, end to end" is :func:`mcsim.analysis.sensitivity.analyse` on bench/priors.toml (7 uncertain
inputs) for log10 break-even users: SALib's Saltelli sample of N (D + 2) rows (16 replicates),
the inputs mapped through the priors, the model, the indices with their 95 % intervals, the
Spearman and PAWN cross-checks and the tornado. Then, on the same model outputs of a single
sample of N base points: mcsim's bootstrap (SALib's, summed by mcsim) and SALib's own
``analyze``, each with the given numbers of resamples, and the largest difference between their
intervals. Each time is the best of ``--repeat`` runs after a warm-up.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
from SALib.analyze import sobol as salib_analyze

from mcsim.analysis.sensitivity import analyse
from mcsim.analysis.sensitivity.sobol import estimate, problem, unit_sample
from mcsim.compute.sampling import Design
from mcsim.inputs.priors import load_priors
from mcsim.inputs.sensitivity import SensitivitySpec
from mcsim.models.tableau1 import TABLEAU1

ROOT = Path(__file__).resolve().parent.parent


def best(function, repeat: int) -> tuple[float, object]:
    result = function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=1 << 16, help="base sample N (a power of 2)")
    parser.add_argument("--salib-resamples", type=int, nargs="*", default=[100], help="bootstrap resamples")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up; the best counts")
    args = parser.parse_args()
    priors = load_priors(ROOT / "bench" / "priors.toml")
    names = priors.uncertain
    spec = SensitivitySpec(("break_even_users",), base_samples=args.base, max_base_samples=args.base, claims=False)
    seconds, result = best(lambda: analyse(priors, TABLEAU1, spec, seed=2025), args.repeat)
    ix = result["break_even_users"].indices
    print(f"Tableau 1, bench/priors.toml: {len(names)} uncertain inputs, base sample N = {args.base:,}, "
          f"{ix.evaluations:,} model evaluations")
    print(f"mcsim, end to end ({spec.replicates} replicates, t intervals): {seconds:.2f} s; "
          f"widest ST interval {ix.widest_ST[0]:.4f} ({ix.widest_ST[1]})")

    # one sample of N base points, for the bootstrap comparison
    target = result["break_even_users"].target
    u = unit_sample(names, args.base, second_order=False, seed=7)
    mapper = Design(dataclasses.replace(priors, correlations=()), n=1, sampler="random", seed=0)
    raw = TABLEAU1.evaluate(mapper.to_inputs(u), np.array([1.0]))["break_even_users"]
    y = target.values(raw).y
    for resamples in args.salib_resamples:
        ours_s, ours = best(lambda r=resamples: estimate(y, names, second_order=False, bootstrap=r,
                                                         conf_level=0.95, seed=11), args.repeat)
        theirs_s, theirs = best(lambda r=resamples: salib_analyze.analyze(problem(names), y, calc_second_order=False,
                                                                          num_resamples=r, seed=11), 1)
        gap = max(np.max(np.abs(ours.S1_conf - theirs["S1_conf"])), np.max(np.abs(ours.ST_conf - theirs["ST_conf"])))
        print(f"bootstrap, {resamples} resamples: mcsim {ours_s:.2f} s, SALib analyze {theirs_s:.2f} s "
              f"({theirs_s / ours_s:.0f} x); largest difference between their intervals {gap:.1e}")


if __name__ == "__main__":
    main()
