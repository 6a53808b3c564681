"""The language a report is written in: English by default, French with ``--lang fr``.

Words go through gettext: every sentence, label and heading a reader sees is written in English
inside :func:`_` (``_("Break-even monthly users")``, ``_("{term} ({p})").format(...)``) and
looked up in the catalogue of the report's language, ``mcsim/locale/<lang>/LC_MESSAGES/mcsim.po``,
compiled with Babel the first time it is needed. Numbers are formatted by Babel with the
language's decimal mark and grouping (``5,41`` and ``1 234 567`` with a narrow no-break space in
French). The language is a context variable set by :func:`speaking` around the writing of a
report, so the code that writes words needs no argument for it.
"""

from __future__ import annotations

import gettext
import io
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

__all__ = ["LANGUAGES", "LOCALES", "MINUS", "N_", "_", "decimal", "general", "interval_places", "language", "listed",
           "ngettext",
           "pgettext", "significant", "speaking"]

#: The languages a report can be written in; the first is the default.
LANGUAGES = ("en", "fr")
#: Babel's locale of each language (its decimal mark and grouping).
LOCALES = {"en": "en_US", "fr": "fr_FR"}

_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_language: ContextVar[str] = ContextVar("mcsim_report_language", default=LANGUAGES[0])


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Write in ``lang`` (one of :data:`LANGUAGES`) within the ``with`` block."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not available (allowed: {', '.join(LANGUAGES)})")
    token = _language.set(lang)
    try:
        yield
    finally:
        _language.reset(token)


def language() -> str:
    """The language being written: ``"en"`` or ``"fr"``."""
    return _language.get()


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English is the source text: no catalogue)."""
    po = _LOCALE_DIR / lang / "LC_MESSAGES" / "mcsim.po"
    if lang == LANGUAGES[0] or not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=LOCALES[lang])
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """``message`` in the report's language (itself where the catalogue has no translation)."""
    if not message:  # gettext's "" is the catalogue's header, not an empty text (an input without a unit)
        return message
    return _catalogue(language()).gettext(message)


def decimal(value: float, places: int = 0, *, grouped: bool = True) -> str:
    """``value`` with ``places`` decimals in the report's language: ``1,234.5`` in English, ``1 234,5``
    in French (Babel's marks: a narrow no-break space between thousands). Rounded as Python rounds the
    number itself, in every language: the French figure is the English one with French marks."""
    return _marked(f"{value:,.{places}f}" if grouped else f"{value:.{places}f}")


#: The minus sign of a negative number (U+2212), in every language and format: a hyphen is for words.
MINUS = "\u2212"


def _marked(text: str) -> str:
    """A number Python wrote (``-`` before a negative one, ``,`` between thousands, ``.`` before decimals) with the
    report language's marks, and the minus sign for its sign; none where it reads as zero (``-0.0``: 0.0)."""
    if text.startswith("-"):
        text = (MINUS if any(digit in "123456789" for digit in text.partition("e")[0]) else "") + text[1:]
    lang = language()
    if lang == LANGUAGES[0]:
        return text
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return text.translate({ord(","): get_group_symbol(LOCALES[lang]), ord("."): get_decimal_symbol(LOCALES[lang])})


def significant(value: float, digits: int, *, zeros: bool = False, grouped_from: float = 0.0) -> str:
    """``value`` (>= 0) to ``digits`` significant digits, never in e-notation, in the report's language (see
    :func:`decimal`): its thousands grouped from ``grouped_from`` on, trailing zeros dropped unless ``zeros``.

    The one rule for significant digits, in prose (``12.5 million``), tables and figures' ticks (``12.5 M``).
    """
    if value == 0:
        return "0"
    places = max(digits - 1 - math.floor(math.log10(value)), 0)
    text = decimal(value, places, grouped=value >= grouped_from)
    if zeros or not places:
        return text
    fraction = text[-places:].rstrip("0")  # after the decimal mark, which is text[-places - 1]
    return text[:-places - 1] + (text[-places - 1] + fraction if fraction else "")


def interval_places(low: float, high: float, least: int = 2, most: int = 4) -> int:
    """The decimals an estimate is written to, chosen by its interval: down to the first significant digit of the
    interval's width, from ``least`` to ``most``. A claim's probability over 1,048,576 samples to 3 (0.437, 95 %
    interval 0.436 to 0.438; width 0.002), over 4,096 to 2 (0.56, 0.54 to 0.57; width 0.03): no digit surer than
    the estimate is, and the same decimals for two estimates as sure."""
    width = abs(high - low)
    if not math.isfinite(width) or width == 0:
        return most
    return min(max(math.floor(-math.log10(width)) + 1, least), most)


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def general(value: float, digits: int = 6) -> str:
    """``value`` to ``digits`` significant digits as Python's ``g`` format writes it, with the language's decimal
    mark: ``0.002``, ``0,002``; where ``g`` would use e-notation, a power of ten as a reader writes it
    (``7.9 × 10⁻⁵``, ``7,9 × 10⁻⁵``; narrow no-break spaces around the sign), never ``7.9e-05``."""
    mantissa, e, exponent = _marked(f"{value:.{digits}g}").partition("e")
    return f"{mantissa}\u202f\u00d7\u202f10{str(int(exponent)).translate(_SUPERSCRIPT)}" if e else mantissa


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it: a model's labels and units, translated
    where they are shown (``_(spec.label)``)."""
    return message


def pgettext(context: str, message: str) -> str:
    """``message`` in the report's language, where the same English says different things in ``context``."""
    return _catalogue(language()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the report's language."""
    return _catalogue(language()).ngettext(singular, plural, n)


def listed(items: Iterable[str]) -> str:
    """Items as a sentence lists them, in the report's language: "A", "A and B", "A, B and C" (« A, B et C »)."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])
