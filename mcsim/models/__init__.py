"""Models mcsim can run: the built-in ones by name, others as ``"package.module:attribute"``."""

from __future__ import annotations

import importlib
import re

from mcsim.inputs.errors import did_you_mean
from mcsim.models import tableau1
from mcsim.models.base import InputSpec, Model, OutputSpec
from mcsim.models.tableau1 import TABLEAU1

__all__ = ["BUILTIN", "InputSpec", "Model", "OutputSpec", "module_of", "resolve"]

BUILTIN: dict[str, Model] = {TABLEAU1.name: TABLEAU1}
_BUILTIN_MODULES = {TABLEAU1.name: tableau1.__name__}
_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def resolve(name: str) -> Model:
    """Return the model called ``name``.

    Parameters
    ----------
    name : str
        A built-in model (``"tableau1"``) or ``"package.module:attribute"`` naming a
        :class:`Model` object importable from the current environment.

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
        module = importlib.import_module(module_name)
    except Exception as error:  # ImportError, or whatever the module raises while importing
        raise LookupError(f"cannot be imported: {type(error).__name__}: {error}") from None
    model = getattr(module, attribute, None)
    if not isinstance(model, Model):
        raise LookupError(f"is not a mcsim.models.Model object in module {module_name}")
    return model


def module_of(name: str) -> str:
    """The module that defines the model called ``name``: ``"mymodel"`` for ``"mymodel:MODEL"``."""
    return _BUILTIN_MODULES.get(name) or name.partition(":")[0]
