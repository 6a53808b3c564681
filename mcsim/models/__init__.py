"""Models mcsim can run: the built-in ones by name, others as ``"package.module:attribute"``."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from mcsim.errors import did_you_mean
from mcsim.models import dynamics, footprint, tableau1
from mcsim.models.base import Grid, InputSpec, Model, OutputSpec, Reference
from mcsim.models.dynamics import DYNAMICS
from mcsim.models.footprint import FOOTPRINT
from mcsim.models.tableau1 import TABLEAU1

__all__ = ["BUILTIN", "DEFAULT_MODEL", "Grid", "InputSpec", "Model", "OutputSpec", "Reference", "beside",
           "load_beside", "loaded_module", "module_of", "resolve"]

BUILTIN: dict[str, Model] = {TABLEAU1.name: TABLEAU1, FOOTPRINT.name: FOOTPRINT, DYNAMICS.name: DYNAMICS}
DEFAULT_MODEL = TABLEAU1.name  # the model of a run or priors file that names none
_BUILTIN_MODULES = {TABLEAU1.name: tableau1.__name__, FOOTPRINT.name: footprint.__name__,
                    DYNAMICS.name: dynamics.__name__}
_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_LOADED_MODELS: dict[int, tuple[Model, ModuleType, ModuleType]] = {}  # id -> the model, its module, its top


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
    _LOADED_MODELS[id(model)] = (model, module, sys.modules.get(module.__name__.partition(".")[0], module))
    return model


def module_of(name: str) -> str:
    """The module that defines the model called ``name``: ``"mymodel"`` for ``"mymodel:MODEL"``."""
    return _BUILTIN_MODULES.get(name) or name.partition(":")[0]


def loaded_module(model: Model) -> tuple[ModuleType, ModuleType] | None:
    """The module a model beside its file was loaded from, and that module's top-level package (or itself)."""
    found = _LOADED_MODELS.get(id(model))
    return found[1:] if found is not None and found[0] is model else None


def beside(model: Model) -> tuple[str, str, str] | None:
    """How to load, in another process, the module a model beside its file came from: the arguments of
    :func:`load_beside`, or None for a model imported by its own name (or built in)."""
    loaded = loaded_module(model)
    if loaded is None or not loaded[1].__name__.startswith("_mcsim_model_"):
        return None
    top = loaded[1]
    location = Path(top.__file__)
    folder = location.parent.parent if location.name == "__init__.py" else location.parent
    return top.__name__, str(folder), location.parent.name if location.name == "__init__.py" else location.stem


def _import(module_name: str, near: str | Path | None) -> ModuleType:
    """Import ``module_name``, from the folder ``near`` first if it holds it.

    A module beside the file is loaded under a private name of its own (its folder's digest and
    its name), so that it never replaces a module of the same name elsewhere, the standard
    library's included (a model may be called ``random.py``), nor is replaced by one.
    """
    top, _, rest = module_name.partition(".")
    folder = Path(near).resolve() if near is not None else None
    package = folder is not None and (folder / top / "__init__.py").is_file()
    if folder is None or not (package or (folder / f"{top}.py").is_file()):
        return importlib.import_module(module_name)
    private = f"_mcsim_model_{hashlib.sha256(str(folder).encode()).hexdigest()[:16]}_{top}"
    load_beside(private, str(folder), top)
    return importlib.import_module(f"{private}.{rest}" if rest else private)


def load_beside(private: str, folder: str, top: str) -> None:
    """Load the module (or package) ``top`` of ``folder`` as ``private``, once a process.

    Other processes that unpickle a model loaded so (a Dask worker) call it first: the private
    name then refers to the same file there.
    """
    if private in sys.modules:
        return
    package = Path(folder, top, "__init__.py").is_file()
    location = Path(folder, top, "__init__.py") if package else Path(folder, f"{top}.py")
    spec = importlib.util.spec_from_file_location(
        private, location, submodule_search_locations=[str(Path(folder, top))] if package else None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[private] = module
    sys.path.insert(0, folder)  # the model's own imports of modules beside it
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[private]
        raise
    finally:
        sys.path.remove(folder)
