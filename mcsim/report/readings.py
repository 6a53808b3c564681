"""The readings of a claim: one statement tested several ways, and how likely it is under each.

A claim of a run may name an earlier claim as the one it is another reading of (its
``reading_of``): "a surplus appears only beyond about 6 million users" read as at most 6 million,
at least 6 million, about 6 million within 25 %, or within a factor of 2 of 6 million.
:func:`reading_groups` gathers each claim with its readings; :func:`readings_sentence` says in
one sentence how likely the claim is under each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from mcsim.report.text import reading_words
from mcsim.result import ClaimResult

__all__ = ["reading_groups", "reading_words", "readings_sentence"]



def _plain(value: float) -> str:
    """A number as written in full: 6,000,000, 0.25 (later passes may put it in words)."""
    return f"{value:,.15g}"


def reading_groups(claims: Mapping[str, ClaimResult]) -> dict[str, tuple[ClaimResult, ...]]:
    """Each claim that has readings, by name: the claim first, then its readings in the run's order.

    Parameters
    ----------
    claims : mapping of str to ClaimResult
        A run's claims by name (:attr:`mcsim.result.Result.claims`).
    """
    groups: dict[str, list[ClaimResult]] = {}
    for c in claims.values():
        root = c.claim.reading_of
        if root is not None and root in claims:
            groups.setdefault(root, [claims[root]]).append(c)
    return {name: tuple(group) for name, group in groups.items()}


def _probability(p: float) -> str:
    if p in (0.0, 1.0):
        return f"{p:g}"
    if p < 0.01:
        return "below 0.01"
    if p > 0.99:
        return "above 0.99"
    return f"{p:.2f}"


def readings_sentence(group: Sequence[ClaimResult], *, term: Callable[[float], str] | None = None,
                      number: Callable[[float], str] = _plain) -> str:
    """How likely a claim is under each of its readings, in one sentence.

    Parameters
    ----------
    group : sequence of ClaimResult
        The claim, then its readings (a value of :func:`reading_groups`).
    term : callable, optional
        A probability in words (a calibrated likelihood scale: 0.56 'about as likely as not'); without
        it the sentence gives the probabilities alone.
    number : callable, optional
        Writes each number of a reading (default: in full, 6,000,000).

    Examples
    --------
    "Read as 'at most 6,000,000', the claim is about as likely as not (0.56); read as 'at least
    6,000,000', about as likely as not (0.44); read as 'about 6,000,000, within 25 %', unlikely
    (0.21); read as 'within a factor of 2 of 6,000,000', likely (0.74)."
    """
    parts = []
    for k, c in enumerate(group):
        p = c.probability
        said = f"{term(p)} ({_probability(p)})" if term is not None else _probability(p)
        if k == 0:
            said = f"the claim is {said}" if term is not None else f"the claim holds with probability {said}"
        parts.append(f"read as '{reading_words(c.claim, number)}', {said}")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."
