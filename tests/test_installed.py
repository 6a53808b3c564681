"""The package as pip installs it (a wheel, not this source tree), run from another folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A new environment holding mcsim's wheel only; its dependencies come from this one's site-packages."""
    folder = tmp_path_factory.mktemp("installed")
    source = folder / "source"  # a copy: building leaves build/ behind, which a later build would reuse
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "mcsim", "priors"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                            if (ROOT / name).is_dir() else {}))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder / "wheel"),
                            str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next((folder / "wheel").glob("mcsim-*.whl"))
    venv.create(folder / "env", with_pip=False)
    # installed as pip installs a pure wheel (not by pip: it would uninstall this environment's mcsim)
    site = Path(sysconfig.get_paths(vars={"base": str(folder / "env"), "platbase": str(folder / "env")})["purelib"])
    data = "mcsim-0.1.0.data/data/"
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            target = folder / "env" / name.removeprefix(data) if name.startswith(data) else site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return folder, wheel


def _installed_mcsim(folder: Path, *args: str) -> subprocess.CompletedProcess:
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}  # numpy and the rest, not this mcsim
    return subprocess.run([str(folder / "env" / "bin" / "python"), "-m", "mcsim", *args], capture_output=True,
                          text=True, cwd=elsewhere, env=env, timeout=300)


def test_the_wheel_holds_every_shipped_data_file(installed):
    _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"mcsim-0.1.0.data/data/share/mcsim/priors/{p.name}" for p in (ROOT / "priors").iterdir()}
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "mcsim").rglob("*")
               if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert shipped | package <= names, sorted((shipped | package) - names)


def test_table_and_validate_run_from_another_folder(installed):
    folder, _ = installed
    table = _installed_mcsim(folder, "table")
    assert table.returncode == 0, table.stderr
    assert "Tableau 1" in table.stdout
    share = folder / "env" / "share" / "mcsim" / "priors"
    done = _installed_mcsim(folder, "validate", *sorted(str(p) for p in share.glob("*.toml")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": valid") == len(list((ROOT / "priors").glob("*.toml")))
