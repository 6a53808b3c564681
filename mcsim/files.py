"""Reading TOML input files, with every failure turned into an :class:`~mcsim.errors.InputError`."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from .errors import InputError, Problem

__all__ = ["MAX_INPUT_BYTES", "read_toml"]

MAX_INPUT_BYTES = 1_000_000  # a priors or run file is a few kilobytes; more is a mistake


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a TOML file and return its content and the sha256 of its bytes.

    Raises
    ------
    InputError
        If the file does not exist, cannot be read, is too large, is not UTF-8 or not TOML.
    """
    name = str(path).replace("\0", "\\0")  # shown in messages: keep it printable
    path = Path(path)

    def fail(message: str) -> InputError:
        return InputError([Problem(name, "", message)])

    try:
        size = path.stat().st_size
        if path.is_dir():
            raise fail("is a directory, not a TOML file")
        if size > MAX_INPUT_BYTES:
            raise fail(f"is {size:,} bytes: at most {MAX_INPUT_BYTES:,} are allowed for an input file")
        raw = path.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise fail("does not exist") from None
    except OSError as error:
        raise fail(f"cannot be read: {error.strerror or error}") from None
    except ValueError:  # e.g. a NUL character in the path
        raise fail("is not a usable path (it holds a NUL character)") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(f"is not UTF-8 text (byte {error.start}): a TOML file is expected") from None
    if not text.strip():
        raise fail("is empty: a TOML file is expected")
    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise fail(f"is not valid TOML: {error}") from None
    return content, hashlib.sha256(raw).hexdigest()
