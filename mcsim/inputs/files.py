"""Reading TOML input files, with every failure turned into an :class:`~mcsim.inputs.errors.InputError`."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from mcsim.inputs.errors import InputError, Problem

__all__ = ["MAX_INPUT_BYTES", "MISSING", "read_json", "read_text", "read_toml"]

MAX_INPUT_BYTES = 1_000_000  # a priors or run file is a few kilobytes; more is a mistake
BOM = "\ufeff"  # UTF-8's byte-order mark, accepted at the start of a file and dropped
MISSING = "does not exist"  # the message of a file that is not there, for callers that say more


def _read_text(path: str | Path, kind: str, limit: int = MAX_INPUT_BYTES) -> tuple[str, bytes]:
    """The UTF-8 text of a file and its bytes, every failure an :class:`InputError` naming the file."""
    name = str(path).replace("\0", "\\0")  # shown in messages: keep it printable
    path = Path(path)

    def fail(message: str) -> InputError:
        return InputError([Problem(name, "", message)])

    try:
        if path.is_dir():
            raise fail(f"is a directory, not a {kind} file")
        with path.open("rb") as file:  # at most the limit and one byte: a device or a pipe has no size to check
            raw = file.read(limit + 1)
        if len(raw) > limit:
            raise fail(f"holds more than {limit:,} bytes: at most {limit:,} are allowed for an input file")
    except InputError:
        raise
    except FileNotFoundError:
        raise fail(MISSING) from None
    except OSError as error:
        raise fail(f"cannot be read: {error.strerror or error}") from None
    except ValueError:  # e.g. a NUL character in the path
        raise fail("is not a usable path (it holds a NUL character)") from None
    try:  # a byte-order mark (some Windows editors write one) is not part of the text
        text = raw.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as error:
        raise fail(f"is not UTF-8 text (byte {error.start}): a {kind} file is expected") from None
    if not text.strip():
        raise fail(f"is empty: a {kind} file is expected")
    return text, raw


def read_text(path: str | Path, kind: str) -> str:
    """The UTF-8 text of an input file of the given ``kind`` (e.g. ``"BibTeX"``), for messages.

    Raises
    ------
    InputError
        If the file does not exist, cannot be read, is too large, is empty or is not UTF-8.
    """
    return _read_text(path, kind)[0]


def read_json(path: str | Path) -> dict[str, Any]:
    """Read a JSON object (a report's ``summary.json``).

    Raises
    ------
    InputError
        If the file does not exist, cannot be read, is too large, not UTF-8, not JSON or not an object.
    """
    text, _ = _read_text(path, "JSON", limit=64 * MAX_INPUT_BYTES)
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError([Problem(str(path), "", f"is not valid JSON: {error}")]) from None
    if not isinstance(content, dict):
        raise InputError([Problem(str(path), "", "is not a JSON object: a report's summary.json is expected")])
    return content


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a TOML file and return its content and the sha256 of its bytes.

    Raises
    ------
    InputError
        If the file does not exist, cannot be read, is too large, is not UTF-8 or not TOML.
    """
    text, raw = _read_text(path, "TOML")
    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError([Problem(str(path).replace("\0", "\\0"), "", f"is not valid TOML: {error}")]) from None
    return content, hashlib.sha256(raw).hexdigest()
