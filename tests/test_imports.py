"""No import circle between mcsim's layers, and none between the modules of one layer.

Every module of the package is read with :mod:`ast` (nothing is imported): each ``import`` and
``from ... import`` counts, at module level, inside functions and under ``if TYPE_CHECKING:``
alike, since a type-only import still says that one layer knows another. A module's layer is the
first package under ``mcsim`` (``mcsim.report.verdict`` is in ``report``), or the module itself
for those directly under ``mcsim`` (``result``, ``serialise``, ``pipeline``...); the package's own
``__init__`` (the public façade, ``import mcsim``) is the layer ``mcsim``.

The layers, from the bottom: each may import only those before it::

    _version < i18n < interrupts < errors      what every layer may say or raise
    < models                                   the models: pure functions and their reference data
    < inputs                                   files loaded and checked against a model
    < compute                                  sampling, the engine, the statistics
    < analysis                                 sensitivity, tipping points, the verdict, value of information
    < result                                   the typed Result of a run
    < serialise                                summary.json and results.nc, from the Result
    < report                                   the report's files, in words and figures
    < pipeline < api < batch < cli             running: the Python API and the command line
    < mcsim < __main__                         the package's façade and ``python -m mcsim``

The test fails on a circle among the layers (printing it with the file and line of each import
on it), on an import of a later layer, and on a circle among the modules of one layer (an import
inside a function that closes a circle hides it, it does not break it).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mcsim"

ORDER = ("_version", "i18n", "interrupts", "errors", "models", "inputs", "compute", "analysis", "result", "serialise",
         "report", "pipeline", "api", "batch", "cli", "mcsim", "__main__")


@dataclass(frozen=True)
class Edge:
    """One import: ``source`` imports ``target`` at ``where`` (file:line)."""

    source: str
    target: str
    where: str
    at_import: bool  # runs when ``source`` is imported: module level, not in a function or under TYPE_CHECKING


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(body, *, at_import: bool):
    """Every import statement under ``body``, with whether it runs when the module is imported."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, at_import
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _walk(ast.iter_child_nodes(node), at_import=False)
        elif isinstance(node, ast.If) and _type_checking(node):
            yield from _walk(node.body, at_import=False)
            yield from _walk(node.orelse, at_import=at_import)
        else:  # classes, try, if, with...: their statements run with the module
            yield from _walk(ast.iter_child_nodes(node), at_import=at_import)


def _targets(node: ast.Import | ast.ImportFrom, module: str, path: Path, known: dict[str, Path]) -> list[str]:
    """The package's modules an import statement names (``from a import b`` is ``a.b`` when b is a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the module's package
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            package = package[:len(package) - node.level + 1]
            base = ".".join([*package, *([base] if base else [])])
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    found = []
    for name in names:
        if name.split(".")[0] != PACKAGE.name:
            continue
        while name not in known:  # an attribute of a module: the module
            name = name.rsplit(".", 1)[0]
        if name not in found:
            found.append(name)
    return found


def imports(package: Path = PACKAGE) -> list[Edge]:
    """Every import of one of the package's modules by another, wherever it is written."""
    known = modules(package)
    edges = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(package.parent).as_posix()
        for node, at_import in _walk(tree.body, at_import=True):
            edges += [Edge(module, target, f"{where}:{node.lineno}", at_import)
                      for target in _targets(node, module, path, known) if target != module]
    return edges


def cycles(graph: dict[str, dict[str, list[Edge]]]) -> list[list[Edge]]:
    """A shortest circle through each node of each strongly connected group of ``graph`` (node -> node -> the
    edges between), each circle once."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(set(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    found: dict[frozenset, list[Edge]] = {}
    for group in groups:
        for start in sorted(group):
            circle = _circle(graph, group, start)
            found.setdefault(frozenset((e.source, e.target) for e in circle), circle)
    return list(found.values())


def _circle(graph: dict[str, dict[str, list[Edge]]], group: set[str], start: str) -> list[Edge]:
    """A shortest circle from ``start`` back to it, inside its strongly connected group (breadth first)."""
    paths: dict[str, list[Edge]] = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other, edges in sorted(graph.get(node, {}).items()):
            if other not in group:
                continue
            if other == start:
                return [*paths[node], edges[0]]
            if other not in paths:
                paths[other] = [*paths[node], edges[0]]
                queue.append(other)
    raise AssertionError(f"no circle through {start}")  # a strongly connected group always has one


def describe(circle: list[Edge], name=lambda module: module) -> str:
    return " -> ".join([name(circle[0].source), *(f"{name(e.target)} ({e.where})" for e in circle)])


def layer_graph(edges: list[Edge]) -> dict[str, dict[str, list[Edge]]]:
    graph: dict[str, dict[str, list[Edge]]] = {}
    for e in edges:
        if layer(e.source) != layer(e.target):
            graph.setdefault(layer(e.source), {}).setdefault(layer(e.target), []).append(e)
    return graph


def module_graph(edges: list[Edge]) -> dict[str, dict[str, list[Edge]]]:
    graph: dict[str, dict[str, list[Edge]]] = {}
    for e in edges:
        if layer(e.source) == layer(e.target):
            graph.setdefault(e.source, {}).setdefault(e.target, []).append(e)
    return graph


EDGES = imports()


def test_every_module_is_in_a_layer_of_the_order():
    assert {layer(m) for m in modules()} <= set(ORDER), sorted({layer(m) for m in modules()} - set(ORDER))


def test_no_circle_among_the_layers():
    found = [describe(c, layer) for c in cycles(layer_graph(EDGES))]
    assert not found, "import circles among layers:\n" + "\n".join(found)


def test_each_layer_imports_only_the_layers_below_it():
    rank = {name: i for i, name in enumerate(ORDER)}
    upward = [f"{e.where}: {layer(e.source)} imports {e.target} ({layer(e.target)} is above it)"
              for e in EDGES if rank[layer(e.target)] > rank[layer(e.source)]]
    assert not upward, "\n".join(upward)


def test_no_circle_among_the_modules_of_a_layer():
    found = [describe(c) for c in cycles(module_graph(EDGES))]
    assert not found, "import circles inside a layer:\n" + "\n".join(found)


def gettext_in_models(package: Path = PACKAGE) -> list[str]:
    """Where a module under ``models`` takes from :mod:`mcsim.i18n` anything but ``N_``, or calls ``_``.

    A model package holds its model and its reference data: labels, units and the names of its
    publications are data, marked with ``N_`` for the catalogue and translated where they are
    shown; sentences said in a language (gettext's ``_``, numbers written in words) are the report's.
    """
    found = []
    for path in sorted((package / "models").rglob("*.py")):
        where = path.relative_to(package.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == f"{package.name}.i18n":
                found += [f"{where}:{node.lineno}: imports {a.name}" for a in node.names if a.name != "N_"]
            elif isinstance(node, ast.Import):
                found += [f"{where}:{node.lineno}: imports {a.name}" for a in node.names
                          if a.name == f"{package.name}.i18n"]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                found.append(f"{where}:{node.lineno}: calls _")
    return found


def test_the_models_say_nothing_in_a_language_only_mark_their_labels():
    found = gettext_in_models()
    assert not found, "\n".join(found)


def test_importing_the_report_package_loads_no_figure_or_data_library():
    """``mcsim.report`` itself is light: ``mcsim table`` takes the words on a publication from it."""
    heavy = ("numba", "SALib", "matplotlib", "xarray")
    code = ("import sys, mcsim.report, mcsim.report.models; "
            f"print(sorted(m for m in sys.modules if m.partition('.')[0] in {heavy!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent,
                          env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_the_report_package_still_gives_write_report_and_the_rest():
    import mcsim.report
    from mcsim.report import writing

    assert [getattr(mcsim.report, name) for name in mcsim.report.__all__] == \
        [getattr(writing, name) for name in mcsim.report.__all__]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = mcsim.report.nothing


# --- the checks can fail ----------------------------------------------------------------------------

@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    """A package with a circle of layers through a type-only import, and one of modules through a function's."""
    root = tmp_path / PACKAGE.name
    for folder in ("inputs", "models", "compute"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "inputs" / "priors.py").write_text(f"from {PACKAGE.name}.models import base\n")
    (root / "models" / "base.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        f"    from {PACKAGE.name}.inputs.priors import Priors\n")
    (root / "compute" / "engine.py").write_text(f"def f():\n    from {PACKAGE.name}.compute import stats\n")
    (root / "compute" / "stats.py").write_text(f"from {PACKAGE.name}.compute.engine import f\n"
                                               f"from {PACKAGE.name}.compute import kernels\n")
    (root / "compute" / "kernels.py").write_text("")
    return root


def test_a_type_only_import_back_is_a_circle_named_with_its_lines(tangled: Path):
    found = [describe(c, layer) for c in cycles(layer_graph(imports(tangled)))]
    assert found == ["inputs -> models (mcsim/inputs/priors.py:1) -> inputs (mcsim/models/base.py:3)"]


def test_a_circle_inside_a_layer_through_a_function_s_import_is_found(tangled: Path):
    found = [describe(c) for c in cycles(module_graph(imports(tangled)))]
    assert found == ["mcsim.compute.engine -> mcsim.compute.stats (mcsim/compute/engine.py:2) -> "
                     "mcsim.compute.engine (mcsim/compute/stats.py:1)"]
    assert [e.at_import for e in imports(tangled) if e.target == "mcsim.compute.stats"] == [False]


def test_a_model_that_speaks_is_found(tmp_path: Path):
    root = tmp_path / PACKAGE.name
    (root / "models" / "mine").mkdir(parents=True)
    (root / "models" / "mine" / "__init__.py").write_text(
        f"from {PACKAGE.name}.i18n import N_, _, decimal\nLABEL = N_('users')\nSAID = _('a sentence')\n")
    (root / "models" / "mine" / "words.py").write_text(f"import {PACKAGE.name}.i18n\n")
    assert gettext_in_models(root) == ["mcsim/models/mine/__init__.py:1: imports _",
                                       "mcsim/models/mine/__init__.py:1: imports decimal",
                                       "mcsim/models/mine/__init__.py:3: calls _",
                                       "mcsim/models/mine/words.py:1: imports mcsim.i18n"]
