"""Drawing the priors: plain Monte Carlo, Latin hypercube or scrambled Sobol, chunk by chunk.

All randomness comes from one seed through :class:`numpy.random.SeedSequence`. Plain Monte
Carlo draws fixed blocks of :data:`BLOCK` samples, block ``b`` from its own child stream, so a
sample's value depends only on the seed and its index, never on how the run is chunked. Sobol
points are reached by ``fast_forward`` and Latin hypercube strata are permuted once for the
whole run, with the jitter inside each stratum drawn by blocks, for the same reason.

Uniforms are mapped onto each prior through its inverse CDF; rank correlations are imposed
with a Gaussian copula (normal scores mixed by the Cholesky factor of the matrix of Pearson
correlations that give the requested Spearman ranks). Every uniform that reaches an inverse CDF
lies in [``U_LOWEST``, ``U_HIGHEST``], strictly inside (0, 1): a scrambled Sobol point or a Latin
hypercube point can be exactly 0, and the copula's normal scores, once mixed, can map back to
exactly 0 or 1; either would make an unbounded prior infinite.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.stats import qmc

from mcsim.inputs.distributions import inside_unit
from mcsim.inputs.priors import Priors, gaussian_copula_matrix
from mcsim.inputs.runs import SAMPLERS

__all__ = ["BLOCK", "SAMPLERS", "Design", "chunks"]

BLOCK = 1 << 16  # samples per independent random stream
# spawn_key tags: one child stream per purpose, so that no two purposes share random numbers
_RANDOM, _LHS_PERMUTATION, _LHS_JITTER, _SOBOL_SCRAMBLE = 0, 1, 2, 3


def chunks(n: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """Yield ``(start, stop)`` ranges covering ``range(n)`` in pieces of ``chunk_size``."""
    for start in range(0, n, chunk_size):
        yield start, min(start + chunk_size, n)


def _skip_sobol(engine: qmc.Sobol, start: int) -> None:
    """Put a fresh Sobol engine where ``engine.fast_forward(start)`` would, in O(log start) steps.

    scipy's ``fast_forward`` walks the Gray code one point at a time, which costs O(start) and
    makes a chunked run of n points O(n**2 / chunk). Point ``i`` of the sequence is the shift
    XOR the direction numbers of the set bits of ``gray(i) = i ^ (i >> 1)``; after ``start``
    points the engine's state is point ``start - 1``. ``test_sampling`` checks this against
    ``fast_forward``.
    """
    index = start - 1
    gray = index ^ (index >> 1)
    state = engine._shift.copy()
    bit = 0
    while gray:
        if gray & 1:
            state ^= engine._sv[:, bit]
        gray >>= 1
        bit += 1
    engine._quasi = state
    engine.num_generated = start


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


@dataclass(frozen=True)
class Design:
    """A sampling design: which priors, how many samples, which sampler, which seed.

    Parameters
    ----------
    priors : Priors
        The priors to draw; their uncertain inputs are the dimensions.
    n : int
        Total number of samples of the run (Latin hypercube strata depend on it).
    sampler : {"random", "lhs", "sobol"}
    seed : int
        The run's seed (any non-negative integer, 0 included).

    Examples
    --------
    >>> design = Design(priors, n=1024, sampler="sobol", seed=2025)  # doctest: +SKIP
    >>> first = design.draw(0, 512)                                    # doctest: +SKIP
    """

    priors: Priors
    n: int
    sampler: str
    seed: int

    def __post_init__(self):
        if self.sampler not in SAMPLERS:
            raise ValueError(f"sampler {self.sampler!r} is not one of {SAMPLERS}")
        if self.n < 1:
            raise ValueError(f"n = {self.n} must be >= 1")
        if self.seed < 0:
            raise ValueError(f"seed = {self.seed} must be >= 0")

    @property
    def dimensions(self) -> tuple[str, ...]:
        return self.priors.uncertain

    def uniforms(self, start: int, stop: int) -> np.ndarray:
        """Independent uniforms for samples ``start`` to ``stop``, shape (stop-start, d).

        They lie in [``U_LOWEST``, ``U_HIGHEST``]: the generators' rare values outside it (an exact
        0, which a scrambled Sobol sequence gives once in 2**30 points per input; a Latin hypercube
        point rounded to 1.0) are clipped to it; every other value is the generator's own.
        """
        if not 0 <= start <= stop <= self.n:
            raise ValueError(f"samples [{start}, {stop}) are outside [0, {self.n})")
        d = len(self.dimensions)
        if d == 0 or start == stop:
            return np.empty((stop - start, d))
        if self.sampler == "sobol":
            engine = qmc.Sobol(d, scramble=True, rng=_stream(self.seed, _SOBOL_SCRAMBLE))
            if start:
                _skip_sobol(engine, start)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # balance: the run's n is checked elsewhere
                u = engine.random(stop - start)
        else:
            tag = _RANDOM if self.sampler == "random" else _LHS_JITTER
            u = self._blocks(tag, start, stop, d)
            if self.sampler == "lhs":
                strata = np.column_stack([perm[start:stop] for perm in self._permutations])
                u = (strata + u) / self.n
        return inside_unit(u, out=u)

    def _blocks(self, tag: int, start: int, stop: int, d: int) -> np.ndarray:
        pieces = []
        for block in range(start // BLOCK, (stop - 1) // BLOCK + 1):
            values = _stream(self.seed, tag, block).random((BLOCK, d))
            lo = max(start, block * BLOCK) - block * BLOCK
            hi = min(stop, (block + 1) * BLOCK) - block * BLOCK
            pieces.append(values[lo:hi])
        return np.concatenate(pieces) if len(pieces) > 1 else pieces[0]

    @functools.cached_property
    def _permutations(self) -> list[np.ndarray]:
        rng = _stream(self.seed, _LHS_PERMUTATION)
        dtype = np.int32 if self.n < 2**31 else np.int64
        return [rng.permutation(self.n).astype(dtype) for _ in self.dimensions]

    def correlate(self, u: np.ndarray) -> np.ndarray:
        """Impose the priors' rank correlations on independent uniforms (Gaussian copula).

        Both the uniforms taken and those returned lie in [``U_LOWEST``, ``U_HIGHEST``] (``u`` is
        clipped to it, in a copy): a uniform of 0 would give a normal score of -inf, which the
        mixing turns into NaN (-inf times a zero of the Cholesky factor) for every input of the
        sample; a mixed score beyond about 8.3 maps back to exactly 1.0, and below about -8.3 to
        less than ``U_LOWEST``.
        """
        z = inside_unit(u)
        if not self.priors.correlations:
            return z
        pearson = gaussian_copula_matrix(self.priors.rank_correlation_matrix())
        cholesky = np.linalg.cholesky(pearson)
        z = special.ndtri(z, out=z) @ cholesky.T
        return inside_unit(special.ndtr(z, out=z), out=z)

    def to_inputs(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """Map uniforms of shape (m, d) to every input's values (points included), each shape (m,).

        Uniforms outside [``U_LOWEST``, ``U_HIGHEST``] are clipped to it, as in :meth:`correlate`.
        """
        return self._map(self.correlate(u))

    def draw(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """Values of every input for samples ``start`` to ``stop``."""
        u = self.uniforms(start, stop)  # already inside [U_LOWEST, U_HIGHEST]: no copy to clip
        return self._map(self.correlate(u) if self.priors.correlations else u)

    def _map(self, u: np.ndarray) -> dict[str, np.ndarray]:
        columns = {name: j for j, name in enumerate(self.dimensions)}
        values = {}
        for prior in self.priors.inputs:
            if prior.name in columns:
                values[prior.name] = prior.distribution.ppf(u[:, columns[prior.name]])
            else:
                values[prior.name] = np.full(len(u), prior.point)
        return values
