"""A run's files for scripts: ``summary.json`` and ``results.nc``, built from the typed :class:`~mcsim.result.Result`.

:func:`build_summary` makes the summary's dict, :func:`dumps` its text; :func:`build_dataset` the
xarray Dataset written as ``results.nc``. The report layer (:mod:`mcsim.report`) writes them;
nothing here knows the report.
"""

from __future__ import annotations

from mcsim.serialise.dataset import build_dataset
from mcsim.serialise.summary import Words, build_summary, command, dumps, manifest, plain, versions

__all__ = ["Words", "build_dataset", "build_summary", "command", "dumps", "manifest", "plain", "versions"]
