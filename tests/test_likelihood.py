"""The calibrated likelihood scale: every boundary, each side of it, and the interval's reach."""

import pytest

from mcsim.report.likelihood import TERMS, describe_scale, phrase, straddle, term

EPS = 1e-9

# each boundary: the term on it (the end of the scale's), and just inside and outside it
BOUNDARIES = [
    (0.99, "virtually certain", "very likely"),
    (0.90, "very likely", "likely"),
    (0.66, "likely", "about as likely as not"),
    (0.33, "unlikely", "about as likely as not"),
    (0.10, "very unlikely", "unlikely"),
    (0.01, "exceptionally unlikely", "very unlikely"),
]


@pytest.mark.parametrize(("boundary", "on", "beyond"), BOUNDARIES)
def test_each_boundary_and_either_side(boundary, on, beyond):
    toward_end = boundary + EPS if boundary > 0.5 else boundary - EPS
    toward_middle = boundary - EPS if boundary > 0.5 else boundary + EPS
    assert term(boundary) == on
    assert term(toward_end) == on
    assert term(toward_middle) == beyond


@pytest.mark.parametrize(("p", "said"), [
    (1.0, "virtually certain"), (0.995, "virtually certain"), (0.95, "very likely"), (0.75, "likely"),
    (0.563, "about as likely as not"), (0.5, "about as likely as not"), (0.2, "unlikely"),
    (0.05, "very unlikely"), (0.005, "exceptionally unlikely"), (0.0, "exceptionally unlikely")])
def test_the_most_specific_term(p, said):
    assert term(p) == said


def test_terms_rise_with_the_probability():
    grid = [i / 10_000 for i in range(10_001)]
    ranks = [TERMS.index(term(p)) for p in grid]
    assert ranks == sorted(ranks) and set(ranks) == set(range(len(TERMS)))


def test_what_an_interval_reaches():
    assert straddle(0.563, (0.562, 0.564)) == ()
    assert straddle(0.68, (0.62, 0.70)) == ("about as likely as not",)
    assert straddle(0.989, (0.985, 0.991)) == ("virtually certain",)
    assert straddle(0.5, (0.2, 0.8)) == ("unlikely", "likely")
    assert straddle(0.5, (0.05, 0.95)) == ("very unlikely", "unlikely", "likely", "very likely")
    assert phrase(0.68, (0.62, 0.70)) == "likely, though its interval reaches into about as likely as not"
    assert phrase(0.563, (0.562, 0.564)) == "about as likely as not"


def test_the_scale_is_described_with_its_boundaries():
    said = describe_scale()
    for word in (*TERMS, "0.99", "0.90", "0.66", "0.33", "0.10", "0.01", "Mastrandrea"):
        assert word in said
