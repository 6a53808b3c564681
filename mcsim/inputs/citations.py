"""A priors file's ``cite`` keys and ``label_fr``: their checks, and the bibliography the keys name.

A prior may carry ``cite = "key"`` (or a list of keys): entries of the ``.bib`` file shipped
beside the priors file (``[meta] bibliography = "name.bib"``, relative to the priors file;
without it, the ``.bib`` with the priors file's stem, if there is one). ``[meta] cite`` names
the publication the priors reproduce. A report's ``references.bib`` holds every entry cited.
``label_fr`` is an input's label in French, used by reports written in French.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from mcsim.inputs.bibliography import Bibliography, load_bibliography
from mcsim.inputs.errors import PYTHON, InputError, Problems, did_you_mean, show
from mcsim.inputs.tables import Table

__all__ = ["CITE_ALLOWED", "check_cite", "check_label_fr", "cite_keys", "find_bibliography", "resolve_cites"]

CITE_ALLOWED = ('must be a key of the priors\' bibliography or a list of keys (e.g. "mcguinness2023" or ["a", "b"]); '
                "a key holds letters, digits and _ - : . / + only")
_KEY = re.compile(r"[A-Za-z0-9_\-:./+]+")  # what \cite{} takes in any LaTeX document
_SHOWN = 8  # keys listed in a message


def cite_keys(value: Any) -> tuple[str, ...]:
    """``cite`` as a tuple of keys: a key alone becomes a tuple of one; nothing given, ()."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def check_cite(table: Table) -> None:
    """Check that ``cite``, if given, is a key or a list of keys (non-empty strings without spaces)."""
    if "cite" not in table or table.get("cite") in (None, ()):
        return
    value = table.get("cite")
    keys = [value] if isinstance(value, str) else value
    if not (isinstance(keys, list | tuple) and keys
            and all(isinstance(k, str) and _KEY.fullmatch(k) for k in keys)):
        table.invalid("cite", CITE_ALLOWED)
    elif len(set(keys)) < len(keys):
        table.invalid("cite", "names a key twice")


def check_label_fr(table: Table) -> None:
    """Check that ``label_fr``, if given, is a non-empty string."""
    value = table.get("label_fr")
    if value is not None and not (isinstance(value, str) and value.strip()):
        table.invalid("label_fr", "must be a non-empty string (the input's label in French)")


def find_bibliography(priors_file: Path, named: Any, citing: Sequence[tuple[str, tuple[str, ...]]],
                      problems: Problems) -> Bibliography | None:
    """Load the bibliography of a priors file, recording a problem if it cannot be read.

    Parameters
    ----------
    priors_file : Path
    named : str or None
        ``[meta] bibliography``, relative to the priors file (None when not given).
    citing : sequence of (field, keys)
        Every ``cite`` of the file; without ``[meta] bibliography`` the default ``.bib`` is read
        only when some key is cited.
    problems : Problems
        The priors file's.

    Returns
    -------
    Bibliography or None
        None when there is none to read, or it cannot be read (recorded).
    """
    if named is not None and not isinstance(named, str):
        return None  # check_meta says so
    if named:
        path, field = priors_file.parent / named, "[meta] bibliography"
    else:
        path = priors_file.with_suffix(".bib")
        first = next(((field, keys) for field, keys in citing if keys), None)
        if first is None or not path.is_file():
            return None
        field, named = first[0], first[1][0] if len(first[1]) == 1 else list(first[1])
    try:
        return load_bibliography(path)
    except InputError as error:
        said = "; ".join(str(problem) for problem in error.problems)
        problems.add(field, f"= {show(named)} cannot be used: {said} (a BibTeX file, relative to the priors file)")
        return None


def resolve_cites(citing: Iterable[tuple[str, tuple[str, ...]]], bibliography: Bibliography | None,
                  problems: Problems, *, missing: str = "") -> None:
    """Record a problem for each cited key that is not an entry of ``bibliography``.

    ``missing`` says why there is no bibliography, when ``bibliography`` is None.
    """
    if not missing:
        missing = (_FROM_PYTHON if problems.file == PYTHON else
                   _NO_BIBLIOGRAPHY.format(file=Path(problems.file).with_suffix(".bib")))
    for field, keys in citing:
        for key in keys:
            if bibliography is None:
                problems.add(field, f"= {show(key)} names a reference, but the priors have no bibliography{missing}")
            elif key not in bibliography:
                keys_shown = ", ".join(bibliography.keys[:_SHOWN]) + (", ..." if len(bibliography) > _SHOWN else "")
                problems.add(field, f"= {show(key)} is not an entry of {bibliography.file}"
                             f"{did_you_mean(key, bibliography.keys)} (its keys: {keys_shown or 'none'})")


_FROM_PYTHON = ": give Priors(bibliography=load_bibliography(PATH)) (mcsim.inputs.bibliography)"
_NO_BIBLIOGRAPHY = (": {file} does not exist; ship a .bib file beside the priors file or name it with "
                    "[meta] bibliography = \"FILE.bib\" (relative to the priors file)")
