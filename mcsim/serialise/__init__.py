"""A run's files for scripts: ``summary.json`` and ``results.nc``, built from the typed :class:`~mcsim.result.Result`.

:func:`build_summary` makes the summary's dict (its layout published as the JSON Schema
:func:`schema`, ``summary.schema.json`` in this package), :func:`dumps` its text;
:func:`build_dataset` the xarray Dataset written as ``results.nc``. The report layer
(:mod:`mcsim.report`) writes them; nothing here knows the report.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from mcsim.serialise.dataset import build_dataset
from mcsim.serialise.summary import Words, build_summary, command, dumps, manifest, plain, versions

__all__ = ["SCHEMA_FILE", "Words", "build_dataset", "build_summary", "command", "dumps", "manifest", "plain",
           "schema", "versions"]

#: The package's file holding the JSON Schema (draft 2020-12) of ``summary.json``
SCHEMA_FILE = "summary.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema of ``summary.json`` (draft 2020-12), as a dict."""
    return json.loads(resources.files("mcsim.serialise").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
