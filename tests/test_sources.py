"""The sha256 of a run's model source and of mcsim's own code, as the manifest records them."""

from __future__ import annotations

import hashlib
import shutil
import sys
import types

from conftest import ROOT, USER_MODEL, new_process, user_model

from mcsim.inputs import sources
from mcsim.inputs.runs import load_run
from mcsim.inputs.sources import CODE_ROOT, code_sha256, file_sha256, tree_sha256


def _run_file(folder, model: str):
    path = folder / "run.toml"
    path.write_text(f'[run]\npriors = "{(ROOT / "priors" / "paper-table1.toml").as_posix()}"\n'
                    f'model = "{model}"\nsamples = 16\n', encoding="utf-8")
    return path


def test_a_module_is_its_file_and_an_edit_changes_its_sha256(tmp_path, monkeypatch):
    code = tmp_path / "code"
    model_file = user_model(code, "src_single_model")
    monkeypatch.syspath_prepend(str(code))  # how a user's model is found: on the Python path
    new_process(monkeypatch, "src_single_model")
    run = _run_file(tmp_path, "src_single_model:MODEL")
    source = load_run(run).model_source
    assert source.name == "src_single_model:MODEL" and source.module == "src_single_model"
    assert source.path == str(model_file.resolve())
    assert source.sha256 == hashlib.sha256(model_file.read_bytes()).hexdigest()  # what sha256sum prints

    model_file.write_text(model_file.read_text().replace("PRICE_FACTOR = 1.0", "PRICE_FACTOR = 1.25"))
    assert load_run(run).model_source == source  # the same process runs the code it imported
    new_process(monkeypatch, "src_single_model")
    edited = load_run(run).model_source
    assert edited.sha256 == file_sha256(model_file) != source.sha256


def test_a_package_is_every_python_file_of_it(tmp_path, monkeypatch):
    package = tmp_path / "code" / "src_user_pkg"
    user_model(package, "core")
    (package / "__init__.py").write_text("from .core import MODEL\n", encoding="utf-8")
    (package / "helpers").mkdir()
    (package / "helpers" / "__init__.py").write_text("RATE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "code"))
    new_process(monkeypatch, "src_user_pkg")
    sha = {}
    for name in ("src_user_pkg:MODEL", "src_user_pkg.core:MODEL"):
        source = load_run(_run_file(tmp_path, name)).model_source
        assert source.path == str(package.resolve()) and source.sha256 == tree_sha256(package)
        sha[name] = source.sha256
    assert len(set(sha.values())) == 1

    (package / "helpers" / "__init__.py").write_text("RATE = 2\n", encoding="utf-8")  # a file the model may use
    new_process(monkeypatch, "src_user_pkg")
    assert load_run(_run_file(tmp_path, "src_user_pkg.core:MODEL")).model_source.sha256 != sha["src_user_pkg:MODEL"]


def test_a_built_in_model_is_its_own_package():
    source = load_run(ROOT / "runs" / "paper-table1.toml").model_source
    assert source.name == "tableau1" and source.module == "mcsim.models.tableau1"
    assert source.sha256 == tree_sha256(CODE_ROOT / "models" / "tableau1")


def _copy_of_mcsim(tmp_path):
    copy = tmp_path / "mcsim"
    shutil.copytree(CODE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_code_sha256_covers_every_python_file_by_its_relative_path(tmp_path):
    copy = _copy_of_mcsim(tmp_path)
    assert code_sha256() == tree_sha256(CODE_ROOT) == tree_sha256(copy)  # where it lies does not matter
    seen = {code_sha256()}
    with (copy / "stats.py").open("a", encoding="utf-8") as file:
        file.write("# an edit\n")
    seen.add(tree_sha256(copy))
    (copy / "models" / "extra.py").write_text("X = 1\n", encoding="utf-8")
    seen.add(tree_sha256(copy))
    (copy / "models" / "extra.py").rename(copy / "models" / "other.py")
    seen.add(tree_sha256(copy))
    (copy / "notes.txt").write_text("not code\n", encoding="utf-8")
    assert tree_sha256(copy) in seen and len(seen) == 4


def test_the_code_sha256_is_taken_once_per_process_over_the_running_package(tmp_path, monkeypatch):
    copy = _copy_of_mcsim(tmp_path)
    before = code_sha256()
    monkeypatch.setattr(sources, "CODE_ROOT", copy)
    try:
        assert code_sha256() == before  # cached
        code_sha256.cache_clear()
        assert code_sha256() == before  # the same code elsewhere
        engine = copy / "compute" / "engine.py"
        engine.write_text(engine.read_text() + "\n", encoding="utf-8")
        assert code_sha256() == before  # still the digest taken when first asked
        code_sha256.cache_clear()
        assert code_sha256() != before
    finally:
        code_sha256.cache_clear()


def test_a_model_without_a_source_file_has_no_sha256(tmp_path, monkeypatch):
    made = types.ModuleType("src_no_file_model")  # made at run time, as a notebook might
    exec(USER_MODEL.format(factor="1.0"), made.__dict__)
    monkeypatch.setitem(sys.modules, "src_no_file_model", made)
    source = load_run(_run_file(tmp_path, "src_no_file_model:MODEL")).model_source
    assert source.path is None and source.sha256 is None
