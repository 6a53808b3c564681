"""The calibrated likelihood scale a report words a claim's probability with.

The IPCC's scale (Mastrandrea et al. 2010; IPCC AR6, 2021), from its most likely term to its
least:

=========================  ===============
term                       probability
=========================  ===============
virtually certain          0.99 to 1
very likely                0.90 to 1
likely                     0.66 to 1
about as likely as not     0.33 to 0.66
unlikely                   0 to 0.33
very unlikely              0 to 0.10
exceptionally unlikely     0 to 0.01
=========================  ===============

The ranges overlap: a probability of 0.95 lies in those of very likely and likely. A probability
is given the most specific term whose range holds it: the term of the narrowest such range, i.e.
the first threshold it reaches in :data:`SCALE`. A probability on a boundary takes the term
nearer the end of the scale: 0.99 is virtually certain, 0.90 very likely, 0.66 likely, 0.33
unlikely, 0.10 very unlikely, 0.01 exceptionally unlikely. About as likely as not thus holds the
probabilities strictly between 0.33 and 0.66. The scale's further terms (extremely likely,
more likely than not, ...) are not used.

References
----------
Mastrandrea, M. D. et al. (2010). Guidance Note for Lead Authors of the IPCC Fifth Assessment
Report on Consistent Treatment of Uncertainties. IPCC.
IPCC (2021). Climate Change 2021: The Physical Science Basis (AR6 WGI), Box 1.1.
"""

from __future__ import annotations

from mcsim.i18n import N_, _, listed
from mcsim.report.text import fixed

__all__ = ["ABOUT_AS_LIKELY_AS_NOT", "SCALE", "TERMS", "describe_scale", "phrase", "straddle", "term"]

ABOUT_AS_LIKELY_AS_NOT = N_("about as likely as not")

#: (term, side, threshold): a probability at or above (">=") or at or below ("<=") the threshold
#: earns the term; the first that applies is the one given.
SCALE: tuple[tuple[str, str, float], ...] = (
    (N_("virtually certain"), ">=", 0.99),
    (N_("very likely"), ">=", 0.90),
    (N_("likely"), ">=", 0.66),
    (N_("exceptionally unlikely"), "<=", 0.01),
    (N_("very unlikely"), "<=", 0.10),
    (N_("unlikely"), "<=", 0.33),
)

#: Every term, from the least likely to the most likely.
TERMS: tuple[str, ...] = ("exceptionally unlikely", "very unlikely", "unlikely", ABOUT_AS_LIKELY_AS_NOT,
                          "likely", "very likely", "virtually certain")


def term(probability: float) -> str:
    """The calibrated term of a probability: 0.995 'virtually certain', 0.563 'about as likely as not'.

    Parameters
    ----------
    probability : float
        In [0, 1].

    Returns
    -------
    str
        One of :data:`TERMS`.
    """
    p = float(probability)
    for said, side, threshold in SCALE:
        if (p >= threshold) if side == ">=" else (p <= threshold):
            return said
    return ABOUT_AS_LIKELY_AS_NOT


def straddle(probability: float, ci: tuple[float, float]) -> tuple[str, ...]:
    """The terms other than the estimate's that its interval reaches, from the least likely to the most.

    Empty when the whole interval earns the estimate's term. A 95 % interval of (0.62, 0.70)
    around 0.68 reaches into 'about as likely as not'.
    """
    own = term(probability)
    low, high = TERMS.index(term(ci[0])), TERMS.index(term(ci[1]))
    return tuple(said for said in TERMS[low:high + 1] if said != own)


def phrase(probability: float, ci: tuple[float, float]) -> str:
    """The term with what its interval reaches: 'likely, though its interval reaches into about as likely as not'."""
    said, reached = _(term(probability)), straddle(probability, ci)
    if not reached:
        return said
    return _("{term}, though its interval reaches into {terms}").format(
        term=said, terms=listed(_(t) for t in reached))


def describe_scale() -> str:
    """The scale in one sentence, for a report's methods."""
    thresholds = {said: (side, threshold) for said, side, threshold in SCALE}
    ranges = []
    for said in reversed(TERMS):
        if said == ABOUT_AS_LIKELY_AS_NOT:
            low, high = thresholds["unlikely"][1], thresholds["likely"][1]
            ranges.append(_("{term} between {low} and {high}").format(term=_(said), low=fixed(low, 2),
                                                                      high=fixed(high, 2)))
        else:
            side, threshold = thresholds[said]
            ranges.append((_("{term} at least {p}") if side == ">=" else _("{term} at most {p}")).format(
                term=_(said), p=fixed(threshold, 2)))
    return _("Probabilities are worded on the IPCC's calibrated likelihood scale (Mastrandrea et al. 2010): "
             "{ranges}. Where ranges overlap the most specific term is used, and a probability on a boundary takes "
             "the term nearer the end of the scale (0.66 is likely, 0.33 unlikely). The term is that of the "
             "estimate; when its 95 % interval reaches into another term, the report says so.").format(
        ranges=_("; ").join(ranges))
