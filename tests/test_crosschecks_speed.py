"""Borgonovo's delta computed without the bootstraps it does not use: SALib's numbers to the last bit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from SALib.analyze import delta

from mcsim.analysis.sensitivity import crosschecks
from mcsim.analysis.sensitivity.crosschecks import DELTA_RESAMPLES, _delta_raw, _replayable, borgonovo

pytestmark = pytest.mark.skipif(not _replayable(), reason="the replay follows one SALib release; others run SALib")


def _salib(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    problem = {"num_vars": x.shape[1], "names": [f"x{j}" for j in range(x.shape[1])], "bounds": [[0, 1]] * x.shape[1]}
    with warnings.catch_warnings(record=True):
        found = delta.analyze(problem, x, y, num_resamples=DELTA_RESAMPLES, conf_level=0.95, seed=seed, method="delta")
    return np.asarray(found["delta_raw"]), np.asarray(found["delta_raw_conf"])


def _sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.lognormal(size=n), rng.uniform(size=n), rng.normal(size=n),  # the last: a "step" input
                         rng.integers(0, 3, size=n).astype(float)])  # ties, and classes of unequal sizes
    y = x[:, 0] * (1 + x[:, 1]) + 0.3 * np.maximum(x[:, 2], 0) + 0.1 * x[:, 3] + 0.01 * rng.normal(size=n)
    return x, y


@pytest.mark.parametrize(("n", "seed"), [(600, 1), (1000, 20250)])
def test_the_replay_gives_salibs_deltas_to_the_last_bit(n, seed):
    x, y = _sample(n, seed)
    expected = _salib(x, y, seed)
    with warnings.catch_warnings(record=True):
        found = _delta_raw(x, y, conf_level=0.95, seed=seed)
    assert np.array_equal(found["delta_raw"], expected[0])
    assert np.array_equal(found["delta_raw_conf"], expected[1])
    assert np.isfinite(expected[0]).all() and np.ptp(expected[0]) > 0.05  # deltas that differ: a test that can fail


def test_an_input_salib_cannot_bin_is_left_undefined_as_salib_leaves_it():
    x, y = _sample(600, 3)
    x[:, 1] = 0.5  # constant: SALib notes it and goes on with the next input, on the same random stream
    expected = _salib(x, y, 3)
    with warnings.catch_warnings(record=True):
        found = _delta_raw(x, y, conf_level=0.95, seed=3)
    assert np.isnan(expected[0][1]) and np.isnan(found["delta_raw"][1])
    assert np.array_equal(found["delta_raw"], expected[0], equal_nan=True)
    assert np.array_equal(found["delta_raw_conf"], expected[1], equal_nan=True)


def test_borgonovo_falls_back_on_salib_with_another_release(monkeypatch):
    x, y = _sample(600, 5)
    replayed = borgonovo(x, y, conf_level=0.95, seed=5)
    monkeypatch.setattr(crosschecks, "SALIB_REPLAYED", "0.0")
    assert not _replayable()
    salib = borgonovo(x, y, conf_level=0.95, seed=5)
    assert np.array_equal(replayed[0], salib[0]) and np.array_equal(replayed[1], salib[1])
    state = np.random.get_state()[1].copy()
    borgonovo(x, y, conf_level=0.95, seed=5)
    assert np.array_equal(np.random.get_state()[1], state)  # the caller's random state untouched
