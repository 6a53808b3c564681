"""The code a report depends on, by sha256: the source of the run's model, and mcsim's own.

A report is reproducible only if the code that computed it is known. ``summary.json``'s manifest
records both digests; ``mcsim batch`` reruns a report when either changed, and
``mcsim run --from`` refuses to rerun one whose model source changed.

Digests
-------
A single file's digest is the sha256 of its bytes (what ``sha256sum FILE`` prints). A tree's
digest is the sha256 of the listing ``"<sha256 of the file>  <relative path>\\n"`` of every
``.py`` file under it, sorted by relative path (with ``/`` between folders), so that editing,
adding, removing or renaming a file changes it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mcsim.models import Model, loaded_module, module_of

__all__ = ["CODE_ROOT", "ModelSource", "code_sha256", "file_sha256", "model_source", "tree_sha256"]

CODE_ROOT = Path(__file__).resolve().parent.parent  # the mcsim package that is running
_MCSIM = __name__.partition(".")[0]


@dataclass(frozen=True)
class ModelSource:
    """Where a run's model comes from, and the sha256 of its source.

    ``path`` is the module's file, or the folder of the package it belongs to (every ``.py``
    file of which is hashed: the model may use any of them); both are None for a module with
    no file (one made at run time), whose source cannot be compared.
    """

    name: str  # as the run file names it: "tableau1", "mymodel:MODEL"
    module: str
    path: str | None
    sha256: str | None


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _python_files(folders: Iterable[Path]) -> dict[str, Path]:
    found = {}
    for folder in folders:
        for directory, _, names in os.walk(folder):
            for name in names:
                if name.endswith(".py"):
                    path = Path(directory, name)
                    found.setdefault(path.relative_to(folder).as_posix(), path)
    return found


def tree_sha256(*folders: str | Path) -> str:
    """The digest of every ``.py`` file under ``folders`` (see the module's notes)."""
    files = _python_files(Path(folder) for folder in folders)
    listing = "".join(f"{file_sha256(files[relative])}  {relative}\n" for relative in sorted(files))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


@functools.cache
def code_sha256() -> str:
    """The digest of mcsim's own code: every ``.py`` file of the running package, computed once a process."""
    return tree_sha256(CODE_ROOT)


_SOURCES: dict[str, tuple[Model, ModelSource]] = {}


def model_source(name: str, model: Model) -> ModelSource:
    """The source of the model ``name`` resolved to (:func:`mcsim.models.resolve` imported it).

    A module at the top level is its own file; a module inside a package is every ``.py`` file
    of its top-level package; a built-in model is its module's file (the rest of mcsim is in
    :func:`code_sha256`). The digest is taken when ``model`` is first seen and kept while the
    same object is in use: it describes the code this process runs, even if the file is edited
    after the import.

    Raises
    ------
    OSError
        If a source file cannot be read.
    """
    cached = _SOURCES.get(name)
    if cached is not None and cached[0] is model:
        return cached[1]
    module_name = module_of(name)
    module = sys.modules.get(module_name)
    # a built-in model is its own package of mcsim; another model, its whole top-level package
    top = module if module_name.startswith(_MCSIM + ".") else sys.modules.get(module_name.partition(".")[0])
    if loaded_module(model) is not None:  # a model beside its run or priors file, loaded under a private name
        module, top = loaded_module(model)
    file = getattr(module, "__file__", None)
    if hasattr(top, "__path__"):  # a package: all of it
        folders = [str(Path(folder).resolve()) for folder in top.__path__]
        source = ModelSource(name, module_name, os.pathsep.join(folders), tree_sha256(*folders))
    elif file:  # a module at the top level
        path = str(Path(file).resolve())
        source = ModelSource(name, module_name, path, file_sha256(path))
    else:
        source = ModelSource(name, module_name, None, None)
    _SOURCES[name] = (model, source)
    return source
