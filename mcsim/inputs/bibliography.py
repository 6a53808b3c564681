"""BibTeX files shipped beside a priors file: the full references its ``cite`` keys name.

A priors file names its bibliography with ``[meta] bibliography = "name.bib"`` (relative to the
priors file); without it, a ``.bib`` with the priors file's stem is used if one exists. Each
prior's ``cite`` names entries of it by key.

The parser reads the subset of BibTeX that reference managers write and journals' styles read:
``@type{key, name = {value}, name = "value", name = 2024, ...}`` with braces nested inside
values, ``#`` concatenation of quoted or braced pieces, and ``@comment``, ``@preamble`` and
``@string`` blocks, which it skips (a ``@string`` macro is not expanded: a value that names one
is refused, except BibTeX's own month macros ``jan`` to ``dec``). Text outside entries is a
comment, as in BibTeX. Whatever it cannot read is refused with the file and the line, never
guessed.

Written by hand rather than taken from a library: bibtexparser's maintained line (2.x) is still
a beta with a changing API, its 1.x line is frozen, and pybtex pulls in a formatting engine
mcsim does not need; the subset above is about a hundred lines, every refusal tested.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from mcsim.inputs.errors import InputError, Problem
from mcsim.inputs.files import read_text

__all__ = ["Bibliography", "Entry", "load_bibliography", "parse_bibliography"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-:.+]*")
_KEY = re.compile(r"[^\s,{}()=\"#%'~\\]+")  # what BibTeX itself accepts in a key, less what would break a \cite
_SKIPPED = ("comment", "preamble", "string")
# TeX that reads or writes files, runs commands or changes how TeX reads what follows: a reference needs none
_UNSAFE = re.compile(r"\\(?:input|include|includeonly|openin|openout|read|readline|write|immediate|catcode|"
                     r"endinput|special|directlua|latelua|luaexec|csname|def|edef|gdef|xdef|let|newread|newwrite|"
                     r"usepackage|RequirePackage|documentclass|ShellEscape|pdfshellescape|everyjob|scantokens|"
                     r"verbatiminput|lstinputlisting)(?![A-Za-z])\d*|\\@@input|\^\^")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")  # BibTeX's macros


@dataclass(frozen=True)
class Entry:
    """One reference: its type (``article``, ``misc``...), key and fields, names in lower case.

    Values are kept as the file writes them, without their outer braces or quotes: a value's
    inner braces (``{SALib}``, to keep capitals) are BibTeX's and stay.
    """

    kind: str
    key: str
    fields: tuple[tuple[str, str], ...]

    def get(self, name: str, default: str = "") -> str:
        return next((value for field, value in self.fields if field == name), default)

    def to_bibtex(self) -> str:
        """The entry as BibTeX text, one field a line."""
        width = max((len(name) for name, _ in self.fields), default=0)
        lines = [f"@{self.kind}{{{self.key},"]
        lines += [f"  {name.ljust(width)} = {value if name == 'month' and value in MONTHS else '{' + value + '}'},"
                  for name, value in self.fields]
        return "\n".join(lines) + "\n}\n"


@dataclass(frozen=True)
class Bibliography:
    """The entries of one ``.bib`` file, in file order, and the sha256 of its bytes ("" for a text)."""

    file: str
    entries: tuple[Entry, ...]
    sha256: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(entry.key for entry in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def __getitem__(self, key: str) -> Entry:
        for entry in self.entries:
            if entry.key == key:
                return entry
        raise KeyError(key)


class _Malformed(ValueError):
    def __init__(self, position: int, message: str):
        super().__init__(message)
        self.position = position


class _Reader:
    """A cursor over the text of a ``.bib`` file."""

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.at] if self.at < len(self.text) else ""

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = repr(self.text[self.at]) if self.at < len(self.text) else "the end of the file"
            raise _Malformed(self.at, f"expected {what} ('{char}'), found {found}")
        self.at += 1

    def match(self, pattern: re.Pattern, what: str) -> str:
        self.skip_space()
        found = pattern.match(self.text, self.at)
        if found is None:
            raise _Malformed(self.at, f"expected {what}")
        self.at = found.end()
        return found.group()

    def braced(self) -> str:
        """The text inside a balanced pair of braces starting here (the braces dropped)."""
        start, depth = self.at, 0
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "\\":  # \{ and \} are escaped braces, not grouping
                self.at += 2
                continue
            depth += (char == "{") - (char == "}")
            self.at += 1
            if depth == 0:
                return self.text[start + 1:self.at - 1]
        raise _Malformed(start, "a '{' is never closed")

    def quoted(self) -> str:
        start = self.at
        self.at += 1
        depth = 0
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "\\":
                self.at += 2
                continue
            if char == '"' and depth == 0:
                self.at += 1
                return self.text[start + 1:self.at - 1]
            depth += (char == "{") - (char == "}")
            if depth < 0:
                raise _Malformed(self.at, "a '}' inside a quoted value closes nothing")
            self.at += 1
        raise _Malformed(start, 'a \'"\' is never closed')

    def value(self) -> str:
        """A field's value: pieces joined by '#', each braced, quoted or a number."""
        pieces = []
        while True:
            char = self.peek()
            if char == "{":
                pieces.append(self.braced())
            elif char == '"':
                pieces.append(self.quoted())
            elif char.isdigit():
                pieces.append(self.match(re.compile(r"\d+"), "a number"))
            elif char and (char.isalpha() or char == "_"):
                name = self.match(_NAME, "a value")
                if name.lower() not in MONTHS:
                    raise _Malformed(self.at - len(name), f"the value {name} is a @string macro, which mcsim does "
                                     "not expand: write the text itself in braces")
                pieces.append(name.lower())
            else:
                raise _Malformed(self.at, "expected a value in braces {...}, in quotes \"...\" or a number")
            if self.peek() != "#":
                return "".join(pieces)
            self.at += 1


class _Unsafe(_Malformed):
    """A value holding TeX that reads or writes files or runs commands."""


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def parse_bibliography(text: str, file: str) -> Bibliography:
    """Read the entries of a ``.bib`` file's ``text``.

    Raises
    ------
    InputError
        One problem naming ``file``, the line and what was expected there; a key given twice, or
        a field given twice in one entry, is refused too.
    """
    reader, entries, seen = _Reader(text), [], {}
    try:
        while True:
            found = text.find("@", reader.at)
            if found < 0:
                break
            reader.at = found + 1
            kind = reader.match(_NAME, "an entry type after '@' (e.g. @article)").lower()
            if kind in _SKIPPED:
                opener = reader.peek()
                if opener not in "({":
                    raise _Malformed(reader.at, f"expected '{{' after @{kind}")
                if opener == "(":
                    close = text.find(")", reader.at)
                    if close < 0:
                        raise _Malformed(reader.at, f"the '(' of @{kind} is never closed")
                    reader.at = close + 1
                else:
                    reader.braced()
                continue
            start = reader.at
            try:
                entries.append(_entry(reader, kind, start, seen))
            except _Malformed as error:
                if error.position != start:  # inside an entry: say which, where it starts
                    error.args = (f"{error} (in the @{kind} entry from line {_line(text, start)})",)
                raise
    except _Malformed as error:
        what = "is refused" if isinstance(error, _Unsafe) else "is not valid BibTeX"
        raise InputError([Problem(file, f"line {_line(text, error.position)}", f"{what}: {error}")]) from None
    return Bibliography(file, tuple(entries))


def _entry(reader: _Reader, kind: str, start: int, seen: dict[str, int]) -> Entry:
    """The entry whose ``{`` is at ``start``; ``seen`` holds the keys read so far, with their lines."""
    reader.expect("{", f"'{{' after @{kind}")
    key = reader.match(_KEY, f"the key of this @{kind} entry (letters, digits and - _ : . /)")
    if key in seen:
        raise _Malformed(start, f"the key {key} is given twice (first at line {seen[key]})")
    seen[key] = _line(reader.text, start)
    fields: dict[str, str] = {}
    while True:
        if reader.peek() == "}":
            reader.at += 1
            break
        reader.expect(",", "',' between fields, or '}' closing the entry")
        if reader.peek() == "}":
            reader.at += 1
            break
        at = reader.at
        name = reader.match(_NAME, f"a field name in entry {key}").lower()
        reader.expect("=", f"'=' after the field name {name}")
        if name in fields:
            raise _Malformed(at, f"the field {name} is given twice in entry {key}")
        fields[name] = " ".join(reader.value().split())
        unsafe = _UNSAFE.search(fields[name])
        if unsafe:
            raise _Unsafe(at, f"entry {key}: its field {name} holds {unsafe.group()}, TeX that reads or writes "
                          "files or runs commands when the bibliography is typeset; references.bib does not carry "
                          "it: remove it")
    return Entry(kind, key, tuple(fields.items()))


def load_bibliography(path: str | Path) -> Bibliography:
    """Read and parse a ``.bib`` file.

    Raises
    ------
    InputError
        If the file does not exist (the message is :data:`mcsim.inputs.files.MISSING`), cannot
        be read, is not UTF-8, or is not valid BibTeX.
    """
    text = read_text(path, "BibTeX")
    return dataclasses.replace(parse_bibliography(text, str(path)),
                               sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())

