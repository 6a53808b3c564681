"""A report's ``references.bib``: the methods' references and every source the run's priors cite.

:data:`METHODS` holds the references of what mcsim does (the samplers, the statistics, Sobol indices
and their estimators, Shapley effects, the cross-checks, the value of information, PRIM and scenario
discovery, the likelihood scale, the libraries), read from ``methods.bib`` in this package. The methods
paragraph cites those it uses; :func:`references` gathers them with the entries the priors
cite (a priors' entry wins over a method's of the same key: it is the author's). For Markdown,
:func:`author_year` gives ``Saltelli et al. 2010`` and :func:`format_reference` a full reference.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources

from mcsim.i18n import _, language, speaking
from mcsim.inputs.bibliography import Entry, parse_bibliography
from mcsim.inputs.priors import Priors

__all__ = ["METHODS", "METHODS_BIB", "author_year", "cited_in", "format_reference", "lookup", "plain", "references",
           "render_bib"]

#: The package's file holding the methods' references (BibTeX)
METHODS_BIB = "methods.bib"


def _load_methods():
    text = resources.files("mcsim.report").joinpath(METHODS_BIB).read_text(encoding="utf-8")
    return parse_bibliography(text, f"mcsim/report/{METHODS_BIB}")


METHODS = _load_methods()


def references(priors: Priors, methods: Iterable[str]) -> list[Entry]:
    """The entries a report's ``references.bib`` holds: ``methods`` (keys of :data:`METHODS`), then the priors'.

    A key both cite is the priors' entry, once.
    """
    cited = list(priors.cited)
    own = priors.bibliography
    entries = [METHODS[key] for key in dict.fromkeys(methods) if key not in cited]
    entries += [own[key] for key in cited if own is not None and key in own]
    return entries


#: Fields an entry may give in French as well (``title_fr``, ``note_fr``): its words as a French report shows them.
FRENCH_FIELDS = ("title", "note")


def localised(entry: Entry) -> Entry:
    """``entry`` as a report in the current language cites it.

    In French, a field's French version (``note_fr``) replaces it and the entry's ``langid`` is french; an entry
    with no French version keeps its English words, marked ``langid = {english}`` (biblatex then hyphenates it as
    English, and a reader knows it is left in English on purpose). In English the French versions are dropped.
    """
    own = {name: value for name, value in entry.fields if not name.endswith("_fr")}
    french = {name[:-3]: value for name, value in entry.fields if name.endswith("_fr") and name[:-3] in FRENCH_FIELDS}
    if language() == "fr":
        if french:
            own.update(french)
            own["langid"] = "french"
        elif "langid" not in own:
            own["langid"] = "english"
    return dataclasses.replace(entry, fields=tuple(own.items()))


def render_bib(entries: Iterable[Entry], header: str = "") -> str:
    """The entries as one ``.bib`` text in the report's language (:func:`localised`), a comment line first."""
    head = f"% {header}\n\n" if header else ""
    return head + "\n".join(localised(entry).to_bibtex() for entry in entries)


def lookup(key: str, priors: Priors) -> Entry | None:
    """The entry of ``key``: the priors' own, else a method's."""
    own = priors.bibliography
    if own is not None and key in own:
        return own[key]
    try:
        return METHODS[key]
    except KeyError:
        return None


#: An author-year citation in running text: "Smith (2020)", "Ho et al. (2024)", "Strong and Oakley (2013)"
_NAMED = re.compile(r"([A-Z][\w'’-]+(?: et al\.| and [A-Z][\w'’-]+)?) \((\d{4}[a-z]?)\)")


def cited_in(text: str, priors: Priors) -> tuple[str, ...]:
    """Keys of the entries (the priors' own, then the methods') that ``text`` cites as ``Author (Year)``."""
    own = priors.bibliography
    entries = [*(own.entries if own is not None else ()), *METHODS.entries]
    keys = []
    with speaking("en"):  # the names as _NAMED reads them: "Strong and Oakley (2013)"
        said = {author_year(e): e.key for e in reversed(entries)}
    for who, year in _NAMED.findall(text):
        found = said.get(f"{who} {year}")
        if found is not None and found not in keys:
            keys.append(found)
    return tuple(keys)


_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "c": "\u0327"}
_ACCENT = re.compile(r"""\{?\\(['`^"~]|c )\{?([A-Za-z])\}?\}?""")
_COMMAND = re.compile(r"\\([&%$#_{}])")


def plain(value: str) -> str:
    """A BibTeX value as plain text: braces dropped, accents and escaped characters as themselves."""
    text = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1).strip()]), value)
    text = _COMMAND.sub(r"\1", text).replace("---", "\u2014").replace("--", "\u2013")
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")  # no-break spaces kept (French typography)


def _spaced(value: str) -> str:
    """:func:`plain` for words (a title, a note): BibTeX's no-break spaces ``~`` and ``\\,`` kept as such."""
    return plain(value.replace("\\,", "\u202f").replace("~", "\u00a0"))


def _surname(author: str) -> str:
    author = author.strip()
    if author.startswith("{") and author.endswith("}"):  # an organisation, kept whole
        return plain(author)
    return plain(author.split(",")[0] if "," in author else author.split()[-1])


def _authors(entry: Entry) -> list[str]:
    field = entry.get("author") or entry.get("editor") or entry.get("institution") or entry.key
    return [a for a in re.split(r"\s+and\s+", field) if a.strip()]


def author_year(entry: Entry) -> str:
    """``Saltelli et al. 2010``, ``Bryant and Lempert 2010``, ``OpenAI 2023`` (for an author-year citation)."""
    authors = _authors(entry)
    names = [_surname(a) for a in authors]
    if len(names) >= 3 or (len(names) == 2 and authors[1].strip() == "others"):
        who = f"{names[0]} et al."
    elif len(names) == 2:
        who = _("{first} and {second}").format(first=names[0], second=names[1])
    else:
        who = names[0]
    return f"{who} {plain(entry.get('year', 'n.d.'))}"


def _sentence(text: str) -> str:
    """``text`` ending with a full stop, unless it ends with punctuation of its own."""
    return text if not text or text[-1] in ".?!" else text + "."


def format_reference(entry: Entry) -> str:
    """A full reference in plain text, in the report's language (:func:`localised`): authors (year). Title. Where.
    DOI or URL."""
    entry = localised(entry)
    authors = [plain(a) for a in _authors(entry) if a.strip() != "others"]
    if len(authors) > 2:
        who = _("{names}, and {last}").format(names=", ".join(authors[:-1]), last=authors[-1])
    elif len(authors) == 2:
        who = _("{first} and {second}").format(first=authors[0], second=authors[1])
    else:
        who = authors[0] if authors else entry.key
    if len(_authors(entry)) > len(authors):
        who += " et al."
    parts = [f"{who} ({plain(entry.get('year', 'n.d.'))}). {_sentence(_spaced(entry.get('title', '')))}"]
    where = entry.get("journal") or entry.get("booktitle") or entry.get("howpublished") or entry.get("institution")
    if where:
        number = f"({plain(entry.get('number'))})" if entry.get("number") and entry.get("volume") else ""
        volume = plain(entry.get("volume")) + number if entry.get("volume") else ""
        pages = plain(entry.get("pages")) if entry.get("pages") else ""
        details = ", ".join(part for part in (volume, pages) if part)
        parts.append(f"{plain(where)}" + (f" {details}" if details else "") + ".")
    if entry.get("note"):
        parts.append(_sentence(_spaced(entry.get("note"))))
    if entry.get("doi"):
        parts.append(f"https://doi.org/{plain(entry.get('doi'))}")
    elif entry.get("url"):
        parts.append(plain(entry.get("url")))
    return " ".join(parts)

