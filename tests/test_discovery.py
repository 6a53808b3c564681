"""Scenario discovery: PRIM recovers a box planted in a synthetic case."""

import numpy as np

from mcsim.analysis.discovery import discover


def _planted(seed: int, noise: float):
    rng = np.random.default_rng(seed)
    n = 4096
    x = {name: rng.uniform(size=n) for name in ("a", "b", "c", "d", "e")}
    inside = (x["a"] > 0.6) & (x["b"] < 0.3)
    flip = rng.uniform(size=n) < noise
    return x, inside ^ flip, inside


def test_recovers_a_planted_box():
    x, interest, _ = _planted(1, 0.0)
    found = discover(x, interest)
    box = found.boxes[0]
    limits = {r.input: r for r in box.restrictions}
    assert set(limits) == {"a", "b"}
    assert limits["a"].restricts_low and not limits["a"].restricts_high
    assert limits["b"].restricts_high and not limits["b"].restricts_low
    assert abs(limits["a"].low - 0.6) < 0.02 and abs(limits["b"].high - 0.3) < 0.02
    assert box.density > 0.97 and box.coverage > 0.9
    # coverage and density recomputed from the box's own limits
    chosen = box.contains(x)
    assert box.density == np.mean(interest[chosen])
    assert box.coverage == interest[chosen].sum() / interest.sum()


def test_recovers_the_box_through_noise():
    x, interest, _ = _planted(2, 0.05)
    box = discover(x, interest).boxes[0]
    limits = {r.input: r for r in box.restrictions}
    assert {"a", "b"} <= set(limits)
    assert abs(limits["a"].low - 0.6) < 0.05 and abs(limits["b"].high - 0.3) < 0.05
    for name in ("c", "d", "e"):  # inputs that play no part are left alone, or barely touched
        if name in limits:
            assert limits[name].high - limits[name].low > 0.8


def test_nothing_to_describe():
    x, _, _ = _planted(3, 0.0)
    none = discover(x, np.zeros(4096, dtype=bool))
    assert none.boxes == () and "never fails" in none.note
    every = discover(x, np.ones(4096, dtype=bool))
    assert every.boxes == () and "every sample" in every.note
