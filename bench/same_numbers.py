"""Whether this tree's default run writes the same numbers and figures as another revision's.

Run from the repository's root::

    python bench/same_numbers.py [--before REV] [--after REV] [--samples 65536]

Runs ``mcsim run runs/paper-table1.toml --samples S --out DIR`` with the code of git revision
``REV`` (default: where this branch left main, ``git merge-base HEAD main``; checked out into a
temporary ``git worktree``, removed afterwards) and with this tree's (or, with ``--after``, that
revision's, checked out likewise), then compares:

- every leaf of the two ``summary.json`` files, by its path, the ``manifest`` (code checksum,
  versions, dates) and timings apart: each difference is printed (none: the same numbers);
- every figure's PNG, pixel for pixel (size, mode and every pixel's value), and whether each PDF
  is the same file, byte for byte;
- every other file of the report (tables, Markdown, HTML, LaTeX), byte for byte, but for the
  steps' times the pages quote (``12.3 s``); ``summary.json`` and ``results.nc`` hold the timings
  too, and are compared above (the summary) or not at all (the dataset, whose numbers are the
  summary's and the samples').

Exit status 0 when the numbers and the PNGs' pixels are the same, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from latency import leaves  # bench/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
RUN = "runs/paper-table1.toml"
NOT_NUMBERS = re.compile(r"^/manifest|seconds|elapsed")


def differences(first: Path, second: Path) -> tuple[int, list[str]]:
    """How many leaves the two summary.json files have (the manifest and timings apart), and those that differ."""
    a, b = (dict(leaves(json.loads(p.read_text(encoding="utf-8")))) for p in (first, second))
    keys = sorted(key for key in a.keys() | b.keys() if not NOT_NUMBERS.search(key))
    return len(keys), [f"{key}: {a.get(key)!r} != {b.get(key)!r}" for key in keys if a.get(key) != b.get(key)]


def _pixels(path: Path) -> tuple:
    from PIL import Image

    with Image.open(path) as image:
        return image.size, image.mode, np.asarray(image).tobytes()


TIMES = re.compile(rb"[0-9]+[.,][0-9] s\b")  # "simulation 0.5 s": the steps' times a page quotes


def _same_page(first: Path, second: Path) -> bool:
    return TIMES.sub(b"# s", first.read_bytes()) == TIMES.sub(b"# s", second.read_bytes())


def _run(tree: Path, out: Path, samples: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-m", "mcsim", "run", RUN, "--samples", samples, "--out", str(out)],
                          cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"mcsim run failed in {tree}:\n{done.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision (default: git merge-base HEAD main)")
    parser.add_argument("--after", help="a git revision to check instead of this tree (e.g. HEAD)")
    parser.add_argument("--samples", default="65536")
    args = parser.parse_args()
    before = args.before or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], check=True,
                                           capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="mcsim-same-") as folder:
        folder = Path(folder)
        worktree, after = folder / "before", folder / "after"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(worktree), before],
                       check=True)
        if args.after:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(after), args.after],
                           check=True)
        try:
            _run(worktree, folder / "before-out", args.samples)
            _run(after if args.after else ROOT, folder / "after-out", args.samples)
            old, new = folder / "before-out", folder / "after-out"
            compared, found = differences(old / "summary.json", new / "summary.json")
            print(f"{RUN} --samples {args.samples}: {before[:12]} against {args.after or 'this tree'}")
            print(f"summary.json: {compared} values compared (manifest and timings apart), {len(found)} differ")
            for line in found:
                print(f"  {line}")
            pngs = sorted(p.relative_to(old) for p in old.rglob("*.png"))
            missing = [p for p in pngs if not (new / p).exists()]
            changed = [p for p in pngs if p not in missing and _pixels(old / p) != _pixels(new / p)]
            same_bytes = sum((old / p).read_bytes() == (new / p).read_bytes() for p in pngs if p not in missing)
            print(f"PNG figures: {len(pngs)} compared pixel for pixel, {len(changed)} differ, {len(missing)} missing "
                  f"({same_bytes} the same file byte for byte)")
            for p in changed + missing:
                print(f"  {p}")
            pdfs = sorted(p.relative_to(old) for p in old.rglob("*.pdf"))
            pdf_changed = [p for p in pdfs if not (new / p).exists() or
                           (old / p).read_bytes() != (new / p).read_bytes()]
            print(f"PDF figures: {len(pdfs)} compared byte for byte, {len(pdf_changed)} differ")
            for p in pdf_changed:
                print(f"  {p}")
            others = sorted(p.relative_to(old) for p in old.rglob("*") if p.is_file() and p.suffix not in
                            (".png", ".pdf", ".nc") and p.name != "summary.json")
            other_changed = [p for p in others if not (new / p).exists() or not _same_page(old / p, new / p)]
            print(f"Other files: {len(others)} compared byte for byte (the steps' times apart), "
                  f"{len(other_changed)} differ")
            for p in other_changed:
                print(f"  {p}")
        finally:
            for tree in (worktree, after):
                if tree.exists():
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    return 0 if not found and not changed and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
