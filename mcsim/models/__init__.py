"""Models mcsim can run: the built-in ones by name, others as ``"package.module:attribute"``."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from mcsim.inputs.errors import did_you_mean
from mcsim.models import dynamics, footprint, tableau1
from mcsim.models.base import Grid, InputSpec, Model, OutputSpec, Reference
from mcsim.models.dynamics import DYNAMICS
from mcsim.models.footprint import FOOTPRINT
from mcsim.models.tableau1 import TABLEAU1

__all__ = ["BUILTIN", "DEFAULT_MODEL", "Grid", "InputSpec", "Model", "OutputSpec", "Reference", "module_of", "resolve"]

BUILTIN: dict[str, Model] = {TABLEAU1.name: TABLEAU1, FOOTPRINT.name: FOOTPRINT, DYNAMICS.name: DYNAMICS}
DEFAULT_MODEL = TABLEAU1.name  # the model of a run or priors file that names none
_BUILTIN_MODULES = {TABLEAU1.name: tableau1.__name__, FOOTPRINT.name: footprint.__name__,
                    DYNAMICS.name: dynamics.__name__}
_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def resolve(name: str, *, near: str | Path | None = None) -> Model:
    """Return the model called ``name``.

    Parameters
    ----------
    name : str
        A built-in model (``"tableau1"``, ``"footprint"``, ``"dynamics"``) or ``"package.module:attribute"`` naming a
        :class:`Model` object: a module importable from the current environment, or a module
        (or package) in the folder ``near``.
    near : path, optional
        The folder of the file that names the model (a run or priors file): a model module
        beside it is found without setting ``PYTHONPATH``.

    Raises
    ------
    LookupError
        With a message saying what is allowed, if no such model exists.
    """
    if name in BUILTIN:
        return BUILTIN[name]
    module_name, sep, attribute = name.partition(":")
    if not sep or not _MODULE.fullmatch(module_name) or not attribute.isidentifier():
        hint = did_you_mean(name, BUILTIN)
        raise LookupError(f"is not a built-in model{hint} (built-in: {', '.join(BUILTIN)}) nor "
                          "'package.module:attribute'")
    try:
        module = _import(module_name, near)
    except Exception as error:  # ImportError, or whatever the module raises while importing
        raise LookupError(f"cannot be imported: {type(error).__name__}: {error}") from None
    model = getattr(module, attribute, None)
    if not isinstance(model, Model):
        raise LookupError(f"is not a mcsim.models.Model object in module {module_name}")
    return model


def module_of(name: str) -> str:
    """The module that defines the model called ``name``: ``"mymodel"`` for ``"mymodel:MODEL"``."""
    return _BUILTIN_MODULES.get(name) or name.partition(":")[0]


def _import(module_name: str, near: str | Path | None):
    """Import ``module_name``, from the folder ``near`` first if it holds it."""
    top = module_name.partition(".")[0]
    folder = Path(near).resolve() if near is not None else None
    beside = folder is not None and ((folder / f"{top}.py").is_file() or (folder / top / "__init__.py").is_file())
    if not beside:
        return importlib.import_module(module_name)
    loaded = sys.modules.get(top)
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve().is_relative_to(folder):
        return importlib.import_module(module_name)
    sys.path.insert(0, str(folder))
    try:
        if loaded is not None:  # a module of the same name from elsewhere: the one beside the file wins
            for key in [k for k in sys.modules if k == top or k.startswith(top + ".")]:
                del sys.modules[key]
        return importlib.import_module(module_name)
    finally:
        sys.path.remove(str(folder))
