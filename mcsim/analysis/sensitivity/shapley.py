"""Shapley effects: each input's share of a target's variance, with correlated inputs.

Sobol indices apportion variance only among independent inputs. Shapley effects (Owen 2014)
share it out for any dependence: input i gets the average, over every order in which the inputs
can be learned, of the variance its arrival explains. With independent inputs each lies
between the first-order and the total Sobol index, and with any inputs they sum to 1.

The estimator is Song, Nelson and Staum's (2016), on the cost ``c(J) = E[Var(Y | X_-J)]``
(the variance left when every input outside J is known):

- **Exact permutations** (at most :data:`EXACT_UP_TO` inputs). Every subset J, empty and full
  apart, gets ``N_O`` outer draws of ``X_-J`` and, for each, ``N_I`` inner draws of
  ``X_J | X_-J``; ``c(J)`` is the mean over the outer draws of the inner sample variance. The
  cost of each subset is computed once and shared by every permutation (Iooss and Prieur 2019),
  so the average over all ``d!`` permutations is the weighted sum
  ``Sh_i = sum over J without i of |J|! (d - |J| - 1)! / d! [c(J + i) - c(J)] / Var(Y)``.
  Every subset uses the same outer draws (common random numbers), which makes the differences
  ``c(J + i) - c(J)`` less noisy.
- **Random permutations** (more inputs): :attr:`ShapleySettings.permutations` random orders,
  each with one outer draw and ``N_I`` inner draws for each of its ``d - 1`` proper prefixes
  (Song et al.'s recommendation: ``N_O = 1``, ``N_I = 3``, as many permutations as affordable).

``Var(Y)`` comes from its own ``N_V`` joint draws; ``c(empty) = 0`` and ``c(all) = Var(Y)``, so
the effects sum to 1 exactly. ``N_I = 3`` follows Song et al.'s recommendation.

Conditional sampling is exact under the Gaussian copula that mcsim samples correlated priors
with: the normal scores ``Z`` are jointly normal with the copula's Pearson matrix ``R``, so
``Z_J | Z_-J = z`` is normal with mean ``R_J,-J R_-J,-J^-1 z`` and covariance
``R_JJ - R_J,-J R_-J,-J^-1 R_-J,J``; each score is then taken through the normal CDF and its
prior's inverse CDF, as the run's sampler does (uniforms clipped to [2^-54, 1 - 2^-53]).

Intervals come from replicates: the outer draws (or the permutations) and the ``N_V`` draws
are split into :data:`REPLICATES` independent groups, each gives its own estimate, and the
interval is Student's t on their spread, ``t(R - 1) sd / sqrt(R)``, around the estimate on all
of them pooled.

References
----------
Owen, A. B. (2014). Sobol' indices and Shapley value. SIAM/ASA Journal on Uncertainty
Quantification 2, 245-251.
Song, E., Nelson, B. L., Staum, J. (2016). Shapley effects for global sensitivity analysis:
theory and computation. SIAM/ASA Journal on Uncertainty Quantification 4, 1060-1083.
Owen, A. B., Prieur, C. (2017). On Shapley value for measuring importance of dependent inputs.
SIAM/ASA Journal on Uncertainty Quantification 5, 986-1002.
Iooss, B., Prieur, C. (2019). Shapley effects for sensitivity analysis with correlated inputs:
comparisons with Sobol' indices, numerical estimation and applications. International Journal
for Uncertainty Quantification 9(5), 493-514.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy import stats as scipy_stats

from mcsim.analysis.ordering import decreasing
from mcsim.inputs.distributions import inside_unit

__all__ = ["EXACT_UP_TO", "INNER", "REPLICATES", "ShapleyDesign", "ShapleyEffects", "ShapleySettings",
           "conditional_normal"]

EXACT_UP_TO = 7  # all d! permutations (2^d - 2 subsets) up to this many inputs, random ones beyond
INNER = 3  # N_I, inner draws per outer draw (Song et al. 2016)
REPLICATES = 16  # independent groups the intervals come from
BLOCK_ROWS = 1 << 18  # rows handed to the model at a time


@dataclass(frozen=True)
class ShapleySettings:
    """Sample sizes of the estimator (see the module's notes).

    Parameters
    ----------
    outer : int
        ``N_O``: outer draws per subset (exact permutations), split among the replicates.
    inner : int
        ``N_I``: inner draws per outer draw.
    variance : int
        ``N_V``: joint draws for ``Var(Y)``.
    permutations : int
        Random permutations when there are more than :data:`EXACT_UP_TO` inputs.
    replicates : int
        Independent groups the intervals come from.
    """

    outer: int = 8192
    inner: int = INNER
    variance: int = 16384
    permutations: int = 65536
    replicates: int = REPLICATES

    def __post_init__(self) -> None:
        for name in ("outer", "variance", "permutations"):
            value = getattr(self, name)
            if value < 2 * self.replicates or value % self.replicates:
                raise ValueError(f"{name} = {value} must be a multiple of replicates = {self.replicates}, "
                                 f"at least {2 * self.replicates}")
        if self.inner < 2 or self.replicates < 2:
            raise ValueError(f"inner = {self.inner} and replicates = {self.replicates} must be at least 2")


@dataclass(frozen=True)
class ShapleyEffects:
    """The Shapley effects of one target, with replicate intervals.

    Attributes
    ----------
    names : tuple of str
    effects : ndarray (d,)
        Each input's share of the target's variance; they sum to 1.
    conf : ndarray (d,)
        Half-widths of the ``conf_level`` intervals.
    replicates : ndarray (R, d)
        Each replicate's own estimates.
    method : {"exact", "random"}
        All permutations, or random ones.
    evaluations : int
        Model evaluations behind the estimates.
    undefined_replicates : int
        Replicates whose target is constant in their variance sample: their effects (a share of a
        variance of 0) are undefined (NaN), and so are the intervals (``conf`` NaN) when any is.
    """

    names: tuple[str, ...]
    effects: np.ndarray
    conf: np.ndarray
    replicates: np.ndarray
    method: str
    evaluations: int
    conf_level: float
    undefined_replicates: int = 0

    @property
    def order(self) -> tuple[str, ...]:
        """Inputs from the largest effect to the smallest."""
        return tuple(self.names[j] for j in decreasing(self.effects))

    @property
    def settled(self) -> bool:
        """Whether the top input's interval lies wholly above the second's."""
        if len(self.names) < 2:
            return True
        first, second = (self.names.index(n) for n in self.order[:2])
        return bool(self.effects[first] - self.conf[first] > self.effects[second] + self.conf[second])

    @property
    def top_first_share(self) -> float:
        """Share of the replicates in which the top input comes first."""
        top = self.names.index(self.order[0])
        return float(np.mean(np.argmax(self.replicates, axis=1) == top))


def conditional_normal(correlation: np.ndarray, released: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The law of ``Z_J`` given ``Z_-J = z`` for standard normal scores ``Z`` with ``correlation``.

    Returns ``(A, L)``: the conditional mean is ``z @ A.T`` and ``L`` is a square root of the
    conditional covariance (``L @ L.T``), so ``Z_J = z @ A.T + eps @ L.T`` with ``eps`` standard normal.
    ``released`` is a boolean mask of J.
    """
    kept = ~released
    r_jj = correlation[np.ix_(released, released)]
    if not kept.any():
        return np.zeros((released.sum(), 0)), _root(r_jj)
    r_jk = correlation[np.ix_(released, kept)]
    a = np.linalg.solve(correlation[np.ix_(kept, kept)], r_jk.T).T
    return a, _root(r_jj - a @ r_jk.T)


def _root(covariance: np.ndarray) -> np.ndarray:
    """A square root of a covariance matrix: Cholesky, or the symmetric root where it is near singular."""
    covariance = (covariance + covariance.T) / 2
    try:
        return np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(covariance)
        return vectors * np.sqrt(np.clip(values, 0.0, None))


class ShapleyDesign:
    """The rows at which the model is evaluated, drawn once and shared by every target.

    Parameters
    ----------
    correlation : ndarray (d, d)
        Pearson correlations of the inputs' normal scores (the Gaussian copula's matrix; the
        identity for independent inputs).
    settings : ShapleySettings
    seed : int or numpy.random.SeedSequence
        Every random number of the design comes from it.

    Examples
    --------
    >>> design = ShapleyDesign(np.eye(3), ShapleySettings(outer=256, variance=256), seed=1)
    >>> y = np.concatenate([f(u) for u in design.blocks()])       # doctest: +SKIP
    >>> design.estimate(y, conf_level=0.95).effects.sum()          # doctest: +SKIP
    1.0
    """

    def __init__(self, correlation: np.ndarray, settings: ShapleySettings, seed: int | np.random.SeedSequence):
        self.correlation = np.asarray(correlation, dtype=float)
        self.d = len(self.correlation)
        self.settings = settings
        self.method = "exact" if self.d <= EXACT_UP_TO else "random"
        self._seed = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        if self.d < 1:
            raise ValueError("a Shapley design needs at least one input")
        s = settings
        if self.method == "exact":
            self.subsets = [np.array([(m >> j) & 1 for j in range(self.d)], dtype=bool)
                            for m in range(1, (1 << self.d) - 1)]
            self.rows = s.variance + len(self.subsets) * s.outer * s.inner
        else:
            self.rows = s.variance + s.permutations * (self.d - 1) * s.inner

    def blocks(self) -> Iterator[np.ndarray]:
        """Uniforms of the design in order, a block at a time, each of shape (rows, d) inside (0, 1).

        The first ``N_V`` rows are joint draws; then, for exact permutations, ``N_O x N_I`` rows per
        subset in the order of their bit masks (outer draw by outer draw); for random ones,
        ``(d - 1) x N_I`` rows per permutation (prefix by prefix).
        """
        rng = np.random.default_rng(self._seed)
        s, root = self.settings, _root(self.correlation)
        scores = [rng.standard_normal((s.variance, self.d)) @ root.T]
        pending = s.variance
        if self.method == "exact":
            outer = rng.standard_normal((s.outer, self.d)) @ root.T
            for released in self.subsets:
                scores.append(self._inner(outer, released, rng))
                pending += len(scores[-1])
                if pending >= BLOCK_ROWS:
                    yield _uniforms(scores)
                    scores, pending = [], 0
        else:
            for count in self._batches():
                scores.append(self._permuted(rng, count))
                yield _uniforms(scores)
                scores = []
        if scores:
            yield _uniforms(scores)

    def _inner(self, outer: np.ndarray, released: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``N_I`` draws of the released scores given each outer draw's others: (N_O x N_I, d)."""
        a, root = conditional_normal(self.correlation, released)
        z = np.repeat(outer, self.settings.inner, axis=0)
        eps = rng.standard_normal((len(z), int(released.sum())))
        z[:, released] = z[:, ~released] @ a.T + eps @ root.T
        return z

    def _permuted(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """The rows of ``count`` random permutations: (count x (d - 1) x N_I, d)."""
        d, inner = self.d, self.settings.inner
        orders = rng.permuted(np.tile(np.arange(d), (count, 1)), axis=1)
        outer = rng.standard_normal((count, d)) @ _root(self.correlation).T
        eps = rng.standard_normal((count, d - 1, inner, d))
        # masks[k, j]: the first j + 1 inputs of permutation k, as a bit mask
        position = np.empty_like(orders)
        np.put_along_axis(position, orders, np.arange(d)[np.newaxis, :].repeat(count, 0), axis=1)
        masks = np.array([(position <= j) for j in range(d - 1)]).transpose(1, 0, 2)  # (count, d-1, d)
        keys = (masks * (1 << np.arange(d))).sum(axis=2).ravel()  # (count x (d - 1),), prefix by prefix
        z = np.repeat(outer, d - 1, axis=0)[:, np.newaxis, :].repeat(inner, axis=1)  # (count x (d - 1), inner, d)
        eps = eps.reshape(-1, inner, d)
        order = np.argsort(keys, kind="stable")
        found, starts = np.unique(keys[order], return_index=True)
        for key, lo, hi in zip(found, starts, [*starts[1:], len(order)], strict=True):
            at = order[lo:hi]
            released = np.array([(key >> j) & 1 for j in range(d)], dtype=bool)
            a, root = conditional_normal(self.correlation, released)
            block = z[at]
            block[:, :, released] = block[:, :, ~released] @ a.T + eps[at][:, :, :released.sum()] @ root.T
            z[at] = block
        return z.reshape(-1, d)

    def _batches(self) -> list[int]:
        """Permutations per block of :meth:`blocks` (random permutations)."""
        step = max(1, BLOCK_ROWS // ((self.d - 1) * self.settings.inner))
        total = self.settings.permutations
        return [min(step, total - start) for start in range(0, total, step)]

    def permutation_orders(self) -> np.ndarray:
        """The random permutations' orders, as :meth:`blocks` draws them (for :meth:`estimate`)."""
        rng = np.random.default_rng(self._seed)
        s = self.settings
        rng.standard_normal((s.variance, self.d))
        orders = []
        for count in self._batches():
            orders.append(rng.permuted(np.tile(np.arange(self.d), (count, 1)), axis=1))
            rng.standard_normal((count, self.d))
            rng.standard_normal((count, self.d - 1, s.inner, self.d))
        return np.concatenate(orders)

    def estimate(self, y: np.ndarray, *, conf_level: float, names: tuple[str, ...] | None = None) -> ShapleyEffects:
        """Shapley effects of ``y``, the target at every row of :meth:`blocks`, in order.

        Raises
        ------
        ValueError
            If ``y`` has not one value per row, or holds a NaN or an infinite value.
        """
        y = np.asarray(y, dtype=float)
        if y.shape != (self.rows,):
            raise ValueError(f"y has shape {y.shape}, expected ({self.rows},): one value per row of the design")
        if not np.isfinite(y).all():
            raise ValueError("y holds NaN or infinite values: Shapley effects are not defined for them")
        s, groups = self.settings, self.settings.replicates
        names = names or tuple(f"x{j + 1}" for j in range(self.d))
        # a replicate whose target is constant in its variance sample (a claim that holds in all of it) has
        # a variance of 0 to share out: its effects are NaN, counted in undefined_replicates, not warned of
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._estimate(y, s, groups, names, conf_level)

    def _estimate(self, y: np.ndarray, s: ShapleySettings, groups: int, names: tuple[str, ...],
                  conf_level: float) -> ShapleyEffects:
        variance_rows = y[:s.variance]
        variance = np.append(variance_rows.reshape(groups, -1).var(axis=1, ddof=1), variance_rows.var(ddof=1))
        rest = y[s.variance:]
        if self.method == "exact":
            inner = rest.reshape(len(self.subsets), s.outer, s.inner).var(axis=2, ddof=1)  # (subsets, N_O)
            costs = np.concatenate([inner.reshape(len(self.subsets), groups, -1).mean(axis=2),
                                    inner.mean(axis=1, keepdims=True)], axis=1)  # (subsets, R + 1)
            weights = _weights(self.d)
            effects = ((weights[:, 1:-1] @ costs + weights[:, -1:] * variance) / variance).T  # (R + 1, d)
        else:
            orders = self.permutation_orders()
            inner = rest.reshape(s.permutations, self.d - 1, s.inner).var(axis=2, ddof=1)
            gains, ends = _gains(inner, orders), orders[:, -1]
            per = s.permutations // groups
            sums = np.concatenate([gains.reshape(groups, per, self.d).sum(axis=1), gains.sum(axis=0)[np.newaxis]])
            last = np.array([np.bincount(chunk, minlength=self.d) for chunk in (*np.split(ends, groups), ends)])
            count = np.append(np.full(groups, per), s.permutations)[:, np.newaxis]
            effects = (sums + last * variance[:, np.newaxis]) / (count * variance[:, np.newaxis])
        each, pooled = effects[:-1], effects[-1]
        undefined = int(np.count_nonzero(~np.isfinite(effects).all(axis=1)))
        each = np.where(np.isfinite(each), each, np.nan)
        factor = float(scipy_stats.t.ppf(0.5 + conf_level / 2, groups - 1)) / math.sqrt(groups)
        return ShapleyEffects(names, np.where(np.isfinite(pooled), pooled, np.nan), factor * each.std(axis=0, ddof=1),
                              each, self.method, self.rows, conf_level, undefined)


def _gains(inner: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Per permutation and input, ``c(prefix + i) - c(prefix)`` with ``c(all)`` left out (added by the caller).

    ``inner[k, j]`` is the cost of permutation k's first ``j + 1`` inputs; ``c(empty) = 0``.
    """
    count = len(orders)
    costs = np.concatenate([np.zeros((count, 1)), inner], axis=1)  # c of the first 0 .. d - 1 inputs
    steps = np.diff(costs, axis=1)  # gains of positions 0 .. d - 2
    last = -costs[:, -1:]  # the last input's gain is Var(Y) - c(first d - 1); Var(Y) added by the caller
    steps = np.concatenate([steps, last], axis=1)
    gains = np.empty_like(steps)
    np.put_along_axis(gains, orders, steps, axis=1)
    return gains


def _weights(d: int) -> np.ndarray:
    """``M`` (d, 2^d) with ``Sh = M @ c / Var(Y)`` over the costs of every subset, by bit mask.

    ``M[i, J + i] += w(|J|)`` and ``M[i, J] -= w(|J|)`` for every J without i, where
    ``w(k) = k! (d - k - 1)! / d!``: the share of permutations in which i comes right after J.
    """
    weights = np.zeros((d, 1 << d))
    for mask in range(1 << d):
        size = bin(mask).count("1")
        for i in range(d):
            if mask >> i & 1:
                continue
            w = math.factorial(size) * math.factorial(d - size - 1) / math.factorial(d)
            weights[i, mask | (1 << i)] += w
            weights[i, mask] -= w
    return weights


def _uniforms(scores: list[np.ndarray]) -> np.ndarray:
    """Normal scores to uniforms inside [2^-54, 1 - 2^-53] (see :func:`mcsim.inputs.distributions.inside_unit`)."""
    z = np.concatenate(scores) if len(scores) > 1 else scores[0]
    return inside_unit(special.ndtr(z, out=z), out=z)


def evaluate_design(design: ShapleyDesign, evaluate: Callable[[np.ndarray], Mapping[str, np.ndarray]],
                    needed: list[str]) -> dict[str, np.ndarray]:
    """Every output in ``needed`` at every row of ``design``: ``evaluate(u)`` maps uniforms to outputs."""
    pieces: dict[str, list[np.ndarray]] = {name: [] for name in needed}
    for u in design.blocks():
        out = evaluate(u)
        for name in needed:
            pieces[name].append(np.asarray(out[name], dtype=float))
    return {name: np.concatenate(parts) for name, parts in pieces.items()}
