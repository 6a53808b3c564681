"""Shapley effects for 7 inputs, and EVPPI of every input on a million samples: mcsim's times on one core.

Run from the repository's root::

    python bench/value_of_information.py [--repeat 3] [--samples 1048576]

"Shapley" is what :func:`mcsim.analysis.sensitivity.analyse` does for Shapley effects at the
default ``[sensitivity]`` settings (``shapley_samples = 8192``: N_O = 8,192 outer draws, N_I = 3,
N_V = 16,384; all 5,040 permutations through the 126 subsets of 7 inputs), on bench/priors.toml
(7 uncertain inputs) with rank correlations between three of them: draw the design with exact
conditional sampling under the Gaussian copula, map it through the priors, evaluate Tableau 1,
and estimate the effects with their 16-replicate intervals for two targets (the rank of
break-even users, log10 of crossover users). "EVPPI" is the value of information of every input
for the decision at three users values and for one claim, on ``--samples`` plain Monte Carlo
samples already drawn and evaluated: each input sorted once into 1,024 bins, then one pass per
payoff. BLAS runs on one thread and nothing else runs in parallel: the times are one core's.
Each time is the best of ``--repeat`` runs after a warm-up.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core: set before NumPy loads BLAS
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from mcsim.analysis.sensitivity.shapley import ShapleyDesign, ShapleySettings, evaluate_design
from mcsim.analysis.sensitivity.targets import Target
from mcsim.analysis.value_of_information.estimate import Bins, bins_for, evppi
from mcsim.compute.sampling import Design
from mcsim.inputs.priors import Correlation, gaussian_copula_matrix, load_priors
from mcsim.inputs.sensitivity import SensitivitySpec
from mcsim.models.tableau1 import TABLEAU1

ROOT = Path(__file__).resolve().parent.parent
SHAPLEY_LIMIT, EVPPI_LIMIT = 30.0, 2.0  # seconds: the targets these times are held to


def best(function, repeat: int) -> tuple[float, object]:
    result = function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def shapley(priors, outer: int):
    names = priors.uncertain
    design = ShapleyDesign(gaussian_copula_matrix(priors.rank_correlation_matrix()),
                           ShapleySettings(outer=outer, variance=2 * outer, permutations=8 * outer), seed=2025)
    mapper = Design(dataclasses.replace(priors, correlations=()), n=1, sampler="random", seed=0)
    needed = ["break_even_users", "crossover_users"]
    raw = evaluate_design(design, lambda u: TABLEAU1.evaluate(mapper.to_inputs(u), np.array([1.0])), needed)
    targets = (Target("break_even_users", "output", "break_even_users", "", "", "rank"),
               Target("crossover_users", "output", "crossover_users", "", "", "log10"))
    return design, [design.estimate(t.values(raw[t.output]).y, conf_level=0.95, names=names) for t in targets]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=1 << 20)
    args = parser.parse_args()
    priors = load_priors(ROOT / "bench" / "priors.toml")
    priors = dataclasses.replace(priors, correlations=(Correlation("tokens_per_prompt", "cost_per_1k_tokens", 0.3),
                                                       Correlation("training_cost", "cost_per_1k_tokens", 0.5)))
    outer = SensitivitySpec(("break_even_users",)).shapley_samples
    seconds, (design, effects) = best(lambda: shapley(priors, outer), args.repeat)
    d = len(priors.uncertain)
    print(f"Shapley effects, Tableau 1, bench/priors.toml with 2 rank correlations: {d} inputs, {design.method} "
          f"permutations, N_O = {outer:,}, N_I = 3, N_V = {2 * outer:,}: {design.rows:,} model evaluations, 2 targets")
    widest = max(float(2 * e.conf.max()) for e in effects)
    print(f"  {seconds:.2f} s on one core (target {SHAPLEY_LIMIT:.0f} s: {seconds / SHAPLEY_LIMIT:.2f} of it); "
          f"widest 95 % interval {widest:.4f}")
    for name, e in zip(("break-even (rank)", "crossover (log10)"), effects, strict=True):
        print(f"  {name}: " + ", ".join(f"{n} {v:.3f} +/- {c:.3f}" for n, v, c in zip(e.names, e.effects, e.conf,
                                                                                     strict=True)))

    n = args.samples
    inputs = Design(priors, n=n, sampler="random", seed=1).draw(0, n)
    users = np.array([1e6, 6e6, 5e7])
    payoffs = np.asarray(TABLEAU1.evaluate(inputs, users)["surplus"], dtype=float)
    columns = [np.ascontiguousarray(payoffs[:, j]) for j in range(len(users))]
    claim = np.where(TABLEAU1.evaluate(inputs, np.array([1.0]))["break_even_users"] <= 6e6, 1.0, -1.0)

    def every_evppi():
        grouped = {name: Bins.of(inputs[name], bins_for(n)) for name in priors.uncertain}
        return [{name: evppi(y, bins) for name, bins in grouped.items()} for y in (*columns, claim)]

    seconds, found = best(every_evppi, args.repeat)
    print(f"EVPPI of every input ({d}) on {n:,} samples, 3 users values and 1 claim ({bins_for(n):,} bins):")
    print(f"  {seconds:.2f} s on one core (target {EVPPI_LIMIT:.0f} s: {seconds / EVPPI_LIMIT:.2f} of it)")
    at_6m = found[1]
    print("  at 6 million users: " + ", ".join(f"{k} ${v.value:,.0f} +/- {v.se:,.0f}" for k, v in at_6m.items()))


if __name__ == "__main__":
    main()
