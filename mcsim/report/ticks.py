"""Numbers on the figures as people write them: 6 M, $40 M, 2.5 %, and ranges $40-100 M, 2-9 %.

One formatter for every axis, colour bar, legend and annotation of every figure
(:func:`compact`, :func:`span`, :func:`format_axis`), and a locator that puts enough labelled
ticks on a log axis however narrow (:class:`LogTicks`). The decimal mark is the report's
language's (Babel); the words for thousands, millions and billions go through gettext.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import FuncFormatter, Locator, LogLocator, NullFormatter

from mcsim.i18n import MINUS, _, decimal, language, significant

__all__ = ["LogTicks", "compact", "format_axis", "formatter", "span", "whole"]

#: The smallest sum of money a language shortens: English writes $800 k, French 800 000 $ (and 40 M$).
MONEY_SHORTENED_FROM = {"en": 1e3, "fr": 1e6}


def _suffixes(kind: str = "count") -> tuple[tuple[float, str], ...]:
    """The words for thousands, millions... of a count, or of dollars (with their sign) for ``kind`` "money"."""
    if kind == "money":
        least = MONEY_SHORTENED_FROM.get(language(), 1e3)
        return tuple((limit, words) for limit, words in ((1e12, _("${number} T")), (1e9, _("${number} B")),
                                                         (1e6, _("${number} M")), (1e3, _("${number} k")))
                     if limit >= least)
    return ((1e12, _("{number} T")), (1e9, _("{number} B")), (1e6, _("{number} M")), (1e3, _("{number} k")))


def _digits(value: float, digits: int) -> str:
    """``value`` (>= 0) to ``digits`` significant digits, trailing zeros dropped, never in e-notation; from
    10,000 on, its thousands grouped as the language groups them."""
    return significant(value, digits, grouped_from=1e4)


def whole(n: int) -> str:
    """A whole number with the language's thousands separator: 4,096 (or 4 096 in French)."""
    return decimal(int(n))


def _kind(unit: str) -> str:
    unit = unit or ""
    return "share" if "share" in unit else "money" if unit.startswith("USD") else "count"


def _scaled(magnitude: float, digits: int, kind: str = "count") -> str:
    """A magnitude with its word for thousands or millions: '6 M', '52.5 M', '250', '0.002', '$40 M'."""
    for limit, words in _suffixes(kind):
        if float(f"{magnitude:.{digits}g}") >= limit:
            return words.format(number=_digits(magnitude / limit, digits))
    said = _digits(magnitude, digits)
    return _("${number}").format(number=said) if kind == "money" else said


def compact(value: float, unit: str = "", digits: int = 3) -> str:
    """A number in its unit, short: '6 M', '$40 M', '2.5 %', '0.002', '−$4 M'; ``digits`` significant digits.

    A share is written in percent; a unit starting with USD in dollars; anything else as a count.
    Infinite values are 'never' (what an infinite count means in mcsim's outputs) or '−∞'.
    """
    if value is None or math.isnan(value):
        return _("n/a")
    if math.isinf(value):
        return _("never") if value > 0 else MINUS + "\u221e"
    sign, magnitude = (MINUS if value < 0 else ""), abs(float(value))
    kind = _kind(unit)
    if kind == "share":
        return sign + _("{number} %").format(number=_digits(100 * magnitude, digits))
    return sign + _scaled(magnitude, digits, kind)


def _shortest(value: float, tolerance: float) -> int:
    """The fewest significant digits (1 to 3) that write ``value`` within ``tolerance`` of itself."""
    for digits in (1, 2):
        if value == 0 or abs(float(f"{value:.{digits}g}") - value) <= tolerance * abs(value):
            return digits
    return 3


def span(low: float, high: float, unit: str = "", tolerance: float = 0.01) -> str:
    """A range as people write it: '$40-100 M', '2-9 %', '125-500', '9.8-21.7'.

    Each end to the fewest significant digits (at most 3) that keep it within ``tolerance`` of
    its value; both ends in the larger end's thousands, millions or billions.
    """
    kind = _kind(unit)
    if kind == "share":
        low, high = 100 * low, 100 * high
    size = next((limit for limit, _w in _suffixes(kind) if max(abs(low), abs(high)) >= limit), None) \
        if kind != "share" else None
    ends = []
    for value in (low, high):
        digits = _shortest(value, tolerance)
        magnitude = abs(value) / (size or 1)
        ends.append((MINUS if value < 0 else "") + _digits(magnitude, max(digits, _shortest(magnitude, tolerance))))
    # a hyphen, as ranges are written in figures: a character beyond Latin-1 would cost every PDF a second
    # embedded font (and a second pass of font subsetting)
    joined = "-".join(ends)
    if size is not None:
        return next(words for limit, words in _suffixes(kind) if limit == size).format(number=joined)
    if kind == "share":
        return _("{number} %").format(number=joined)
    return _("${number}").format(number=joined) if kind == "money" else joined


def formatter(unit: str = "", digits: int = 3) -> FuncFormatter:
    """The tick formatter of an axis in ``unit`` (see :func:`compact`), with '$' kept out of mathtext."""
    return FuncFormatter(lambda x, _pos=None: compact(x, unit, digits).replace("$", r"\$"))


class LogTicks(Locator):
    """Labelled ticks on a log axis: decades, else 1-2-5, else 1-1.5-2-3-5-7 of each decade, as the view needs.

    The coarsest of these that puts at least three ticks in the view, so that an axis spanning
    less than a decade (a tornado's) still reads; on a wide axis, every other decade when there
    are more than eight.
    """

    SUBS = ((1.0,), (1.0, 2.0, 5.0), (1.0, 1.5, 2.0, 3.0, 5.0, 7.0), (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0))
    most: int | None = None  # at most this many ticks (every other decade, or every third...), where set

    def __call__(self):
        low, high = self.axis.get_view_interval()
        return self.tick_values(low, high)

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        low, high = sorted((float(vmin), float(vmax)))
        if not (high > 0 and math.isfinite(high)):
            return np.array([])
        low = low if low > 0 else high / 1e3
        first, last = math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1
        ticks = np.array([])
        for subs in self.SUBS:
            ticks = np.array([s * 10.0 ** d for d in range(first, last + 1) for s in subs])
            ticks = ticks[(ticks >= low * (1 - 1e-9)) & (ticks <= high * (1 + 1e-9))]
            if ticks.size >= 3:
                break
        if ticks.size > 8 and subs == (1.0,):
            step = math.ceil(ticks.size / 6)
            ticks = ticks[::step]
        if self.most is not None and ticks.size > self.most:
            ticks = ticks[::math.ceil(ticks.size / self.most)]
        return ticks


def format_axis(axis, unit: str = "", digits: int = 3) -> None:
    """Give ``axis`` (an x or y axis, a colour bar's too) the one tick formatter; on a log scale :class:`LogTicks`.

    Call it after the axis's scale is set.
    """
    if axis.get_scale() == "log":
        axis.set_major_locator(LogTicks())
        axis.set_minor_locator(LogLocator(subs="auto"))
        axis.set_minor_formatter(NullFormatter())
    axis.set_major_formatter(formatter(unit, digits))
