"""Running a Sobol sensitivity analysis: sample, evaluate, estimate, double until converged."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np

from mcsim.analysis.sensitivity.crosschecks import cross_check
from mcsim.analysis.sensitivity.result import SensitivityResult, TargetResult
from mcsim.analysis.sensitivity.shapley import ShapleyDesign, ShapleyEffects, ShapleySettings, evaluate_design
from mcsim.analysis.sensitivity.sobol import (
    BOOTSTRAP,
    CROSSCHECK,
    DELTA,
    SAMPLE,
    SHAPLEY,
    Indices,
    estimate,
    estimate_replicated,
    evaluations,
    salib_seed,
    unit_sample,
)
from mcsim.analysis.sensitivity.targets import (
    ClaimLike,
    Target,
    UndefinedOutputError,
    make_targets,
    mid_rank_cdf,
    raw_values,
)
from mcsim.analysis.sensitivity.tornado import tornado
from mcsim.compute.sampling import Design
from mcsim.inputs.errors import InputError, Problem
from mcsim.inputs.priors import Priors, gaussian_copula_matrix
from mcsim.inputs.sensitivity import SensitivitySpec
from mcsim.models import Model

__all__ = ["analyse"]

CHUNK_ROWS = 1 << 18  # model evaluations per chunk, to bound memory


def analyse(priors: Priors, model: Model, spec: SensitivitySpec, *, seed: int,
            claims: Iterable[ClaimLike] = ()) -> SensitivityResult:
    """Sobol indices of each output of ``spec`` (and each claim's indicator), with convergence,
    rankings, cross-checks and tornado data.

    Parameters
    ----------
    priors : Priors
        The run's priors (overrides applied). Only :attr:`Priors.uncertain` inputs are analysed;
        points are left out (not given zero variance).
    model : Model
        The run's model.
    spec : SensitivitySpec
        The run file's ``[sensitivity]`` table.
    seed : int
        The run's seed (0 allowed); every random stream here derives from it.
    claims : iterable of Claim
        The run's claims; each is analysed through its indicator when ``spec.claims``.

    Returns
    -------
    SensitivityResult

    Raises
    ------
    InputError
        If no input is uncertain.
    UndefinedOutputError
        If an output holds NaN, or infinite values under a transform other than the rank (nothing
        is passed to SALib).

    Notes
    -----
    The base sample N starts at ``spec.base_samples`` and doubles; each target (output or claim)
    keeps the indices of the first step at which its widest ST interval (high - low, at
    ``spec.conf_level``) is narrower than ``spec.tolerance``, or of the last step, at
    ``spec.max_base_samples``, and says whether it converged. The N base points are split among
    ``spec.replicates`` independently scrambled samples (each with its own seed); SALib's sample
    of n base points is the head of its sample of 2n (same seed), so each step evaluates only the
    new rows and a target's indices at N are those it would get with N alone. Claims' indicators do not steer the
    loop: each is estimated once, on the first N where it varies (its interval widths are reported,
    and whether they meet the tolerance), which keeps runs with many claims fast.

    The rank of an output (``transform = "rank"``, or ``auto`` where a value is infinite) is its
    empirical CDF over every row of every replicate at that N: the A, B and AB_i rows of SALib's
    design alike. Each of these rows is a draw of the inputs from their priors, so the pooled rows
    estimate the output's distribution best; and the pooled estimator combines rows of every
    replicate, which must all be ranked by one function. (Ranking each replicate on its own would
    give each its own function, and the pooled estimate would mix them.) The replicates' own
    estimates share that function, which ties them together only through the CDF's sampling
    error. An ``auto`` output first settled on log10 or the identity whose infinite values appear
    only at a later N is settled again on the rank, and its earlier steps estimated again on it,
    so that every step of a target is on one scale.

    Sobol indices assume independent inputs. Rank correlations between priors are ignored by them
    (each input is drawn from its own marginal), and the result says so in its summary and report.
    Shapley effects (``spec.shapley``, :mod:`.shapley`) take the correlations into account; they are
    estimated on each target's settled scale (the rank's CDF being that of the Shapley sample), and
    with correlations they rank the inputs.
    """
    started = time.perf_counter()
    names = priors.uncertain
    if not names:
        raise InputError([Problem(priors.file, "[inputs]", "has no uncertain input (every prior is a point): "
                                  "there is no variance to apportion, so [sensitivity] cannot run")])
    claims = tuple(claims)
    targets = make_targets(model, spec, claims)
    users = np.array(sorted({c.at for c in claims if c.at is not None}) or [1.0])  # the claims' grid points
    sample = _Sample(priors, model, spec, seed, users, sorted({t.output for t in targets}))
    tracks = [_Track(target) for target in targets]
    while True:
        sample.grow()
        for track in tracks:
            track.follow(sample)
        if all(t.finished for t in tracks if t.target.kind == "output") or sample.base >= spec.max_base_samples:
            break
        sample.base *= 2
    x_check, raw_check = _crosscheck_sample(priors, model, spec, seed, users, sample.needed)
    results = tuple(track.result(sample, x_check, raw_check) for track in tracks)
    if spec.shapley:
        shapley = _shapley(priors, model, spec, seed, users, results)
        results = tuple(replace(r, shapley=shapley.get(r.target.key), correlated=bool(priors.correlations),
                                shapley_undefined=shapley.get(f"{r.target.key}!")) for r in results)
    correlations = tuple(f"{c.first} and {c.second}: {c.rank:g}" for c in priors.correlations)
    return SensitivityResult(
        spec=spec, seed=seed, names=names,
        labels={p.name: p.label or p.name for p in priors.inputs}, units={p.name: p.unit for p in priors.inputs},
        left_out=tuple(p.name for p in priors.inputs if p.is_point), correlations=correlations,
        targets=results, elapsed_seconds=time.perf_counter() - started)


class _Sample:
    """The replicated Saltelli samples evaluated so far; :meth:`grow` adds the rows of the current base N."""

    def __init__(self, priors: Priors, model: Model, spec: SensitivitySpec, seed: int, users: np.ndarray,
                 needed: list[str]):
        self.priors, self.model, self.spec, self.seed = priors, model, spec, seed
        self.users, self.needed = users, needed
        self.names = priors.uncertain
        self.mapper = Design(replace(priors, correlations=()), n=1, sampler="random", seed=0)
        self.seeds = ([salib_seed(seed, SAMPLE)] if spec.replicates == 1 else
                      [salib_seed(seed, SAMPLE, k) for k in range(spec.replicates)])
        self.raw: list[dict[str, np.ndarray]] = [{} for _ in self.seeds]  # per replicate: output -> rows
        self.base = spec.base_samples

    @property
    def per(self) -> int:
        """Base points of each replicate at the current N."""
        return self.base // self.spec.replicates

    def grow(self) -> None:
        per, order = self.per, self.spec.second_order
        if not self.raw[0]:
            us = [unit_sample(self.names, per, second_order=order, seed=s) for s in self.seeds]
        else:  # base points per/2 .. per-1: the rows the sample of per adds to that of per/2
            us = [unit_sample(self.names, per // 2, second_order=order, seed=s, skip=per // 2) for s in self.seeds]
        new = _evaluate(self.model, self.mapper, np.concatenate(us), self.users, self.needed)  # all at once
        for name in self.needed:
            for part, rows in zip(self.raw, np.split(new[name], np.cumsum([len(u) for u in us])[:-1]), strict=True):
                part[name] = np.concatenate([part[name], rows]) if name in part else rows

    def pooled(self, target: Target, rows: int | None = None) -> np.ndarray:
        return _pooled(target, self.raw, self.users, rows)

    def rows(self) -> int:
        return sum(len(next(iter(part.values()))) for part in self.raw)


class _Track:
    """One target through the doubling: its settled scale, its indices at each N, whether it converged."""

    def __init__(self, target: Target):
        self.target = target
        self.settled: Target | None = None
        self.history: list[Indices] = []
        self.finished = False

    def follow(self, sample: _Sample) -> None:
        if self.finished or (self.target.kind == "claim" and self.history):
            return  # a claim is estimated once, on the first N where it varies
        pooled = sample.pooled(self.target)
        if self.settled is None:
            self.settled = self.target.settle(pooled)
        elif self.target.transform == "auto" and self.settled.transform != "rank" and np.isinf(pooled).any():
            self.settled = self.target.settle(pooled)  # the rank, on which the earlier steps are estimated again
            self.history = []
            for earlier in _bases(sample.spec.base_samples, sample.base):
                if self._step(sample, earlier // sample.spec.replicates):
                    self.finished = True
                    return
        self.finished = self._step(sample, sample.per)

    def _step(self, sample: _Sample, per: int) -> bool:
        return _step(self.settled, sample.raw, sample.users, per, sample.names, sample.spec, sample.seed,
                     self.history)

    def result(self, sample: _Sample, x_check: np.ndarray, raw_check: Mapping[str, np.ndarray]) -> TargetResult:
        spec, target, steps = sample.spec, self.settled, tuple(self.history)
        rows = steps[-1].evaluations if steps else sample.rows()
        pooled = sample.pooled(target, rows // spec.replicates)
        values = target.values(pooled)
        share = values.infinite_share
        if not steps:
            return TargetResult(target, None, (), False, spec.tolerance, share,
                                undefined=_constant(target, values.y[0], pooled[0]))
        if target.kind == "claim":
            return TargetResult(target, steps[-1], steps, self.finished, spec.tolerance, share)
        # Spearman and PAWN depend only on the order of the values: computed on their ranks, they are
        # the numbers of any target scale, and defined where the check sample has infinite values
        check = mid_rank_cdf(raw_values(target, raw_check, sample.users))
        crosscheck = (cross_check(x_check, check, sample.names, conf_level=spec.conf_level,
                                  seed=salib_seed(sample.seed, DELTA, hash_key(target.key)))
                      if np.ptp(check) else None)
        return TargetResult(target, steps[-1], steps, self.finished, spec.tolerance, share, crosscheck=crosscheck,
                            tornado=tornado(sample.priors, sample.model, target, sample.users, pooled))


def _pooled(target: Target, raw: list[dict[str, np.ndarray]], users: np.ndarray, rows: int | None = None):
    """A target's raw output over every replicate's first ``rows`` rows (all by default)."""
    return np.concatenate([raw_values(target, part, users)[:rows] for part in raw])


def _bases(first: int, before: int) -> list[int]:
    """The base samples of the convergence steps from ``first`` up to, not including, ``before``."""
    bases = []
    while first < before:
        bases.append(first)
        first *= 2
    return bases


def _step(target: Target, raw: list[dict[str, np.ndarray]], users: np.ndarray, per: int, names: tuple[str, ...],
          spec: SensitivitySpec, seed: int, history: list[Indices]) -> bool:
    """Estimate ``target`` on each replicate's first ``per`` base points, append the indices to ``history``,
    and say whether the widest ST interval met the tolerance. Nothing is appended while the target is constant.

    The target's values are made from every replicate's rows together (one rank for all), then split.
    """
    rows = evaluations(per, len(names), spec.second_order)
    y = target.values(_pooled(target, raw, users, rows)).y
    if np.ptp(y) == 0:
        return False  # no variance yet: more samples may show some
    step = _estimate(np.split(y, len(raw)), names, spec, seed)
    history.append(step)
    return step.widest_ST[0] < spec.tolerance


def _estimate(ys: list[np.ndarray], names: tuple[str, ...], spec: SensitivitySpec, seed: int) -> Indices:
    """Indices of one step: replicate intervals, or SALib's bootstrap on a single sample."""
    if len(ys) > 1:
        return estimate_replicated(ys, names, second_order=spec.second_order, conf_level=spec.conf_level)
    return estimate(ys[0], names, second_order=spec.second_order, bootstrap=spec.bootstrap,
                    conf_level=spec.conf_level, seed=salib_seed(seed, BOOTSTRAP))


def _evaluate(model: Model, mapper: Design, u: np.ndarray, users: np.ndarray,
              needed: list[str]) -> dict[str, np.ndarray]:
    """The model's ``needed`` outputs at unit-cube points ``u``, mapped through the priors' inverse CDFs."""
    pieces: dict[str, list[np.ndarray]] = {name: [] for name in needed}
    for start in range(0, len(u), CHUNK_ROWS):
        out = model.evaluate(mapper.to_inputs(u[start:start + CHUNK_ROWS]), users)
        for name in needed:
            pieces[name].append(np.asarray(out[name], dtype=float))
    return {name: np.concatenate(parts) for name, parts in pieces.items()}


def _crosscheck_sample(priors: Priors, model: Model, spec: SensitivitySpec, seed: int, users: np.ndarray,
                       needed: list[str]) -> tuple[np.ndarray, Mapping[str, np.ndarray]]:
    """A plain Monte Carlo sample (independent inputs) for the Spearman and PAWN cross-checks."""
    design = Design(replace(priors, correlations=()), n=spec.crosscheck_samples, sampler="random",
                    seed=salib_seed(seed, CROSSCHECK))
    inputs = design.draw(0, spec.crosscheck_samples)
    out = model.evaluate(inputs, users)
    x = np.column_stack([inputs[name] for name in priors.uncertain])
    return x, {name: np.asarray(out[name], dtype=float) for name in needed}


def hash_key(key: str) -> int:
    """A stable small integer for a target's key (a seed's spawn key; Python's hash() varies by process)."""
    return sum((k + 1) * ord(c) for k, c in enumerate(key)) % (1 << 30)


def _shapley(priors: Priors, model: Model, spec: SensitivitySpec, seed: int, users: np.ndarray,
             results: tuple[TargetResult, ...]) -> dict[str, ShapleyEffects | str]:
    """Shapley effects of every target that has Sobol indices, on its settled scale, with the priors' correlations.

    Keys: a target's key for its effects; the key followed by ``!`` for why it has none.
    """
    targets = [r.target for r in results if r.indices is not None]
    if not targets:
        return {}
    if len(priors.uncertain) < 2:  # nothing to share out: the one uncertain input's effect is the whole variance
        return {f"{t.key}!": "one input is uncertain: its Shapley effect is the whole variance, there is nothing to "
                             "share out" for t in targets}
    n = spec.shapley_samples
    design = ShapleyDesign(gaussian_copula_matrix(priors.rank_correlation_matrix()),
                           ShapleySettings(outer=n, variance=2 * n, permutations=8 * n),
                           np.random.SeedSequence(seed, spawn_key=(SHAPLEY,)))
    mapper = Design(replace(priors, correlations=()), n=1, sampler="random", seed=0)
    needed = sorted({t.output for t in targets})
    raw = evaluate_design(design, lambda u: _evaluate(model, mapper, u, users, needed), needed)
    found: dict[str, ShapleyEffects | str] = {}
    for target in targets:
        try:
            y = target.values(raw_values(target, raw, users)).y
        except UndefinedOutputError as error:
            found[f"{target.key}!"] = str(error)
            continue
        if np.ptp(y) == 0:
            found[f"{target.key}!"] = "the target is constant in the Shapley sample: there is no variance to apportion"
            continue
        found[target.key] = design.estimate(y, conf_level=spec.conf_level, names=priors.uncertain)
    return found


def _constant(target: Target, value: float, output: float) -> str:
    if target.kind == "claim":
        holds = "holds" if value == 1.0 else "fails"
        return f"the claim {holds} in every sample: there is no variance to apportion"
    means = f": {target.infinite_means}" if np.isinf(output) and target.infinite_means else ""
    return f"every sample gives the same value ({output:.6g}{means}): there is no variance to apportion"
