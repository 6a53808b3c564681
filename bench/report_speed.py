"""How long the default run takes to write its report, figures included: this code against an earlier one.

Run from the repository's root::

    python bench/report_speed.py [--before REF] [--repeat R] [--samples N]

Times ``mcsim run runs/paper-table1.toml --out DIR`` (wall time of the whole command, as a user
waits for it) with this tree's code in each figure style, and, with ``--before REF``, with the
code of git revision ``REF`` (exported into a temporary folder; its own default style). Each
command runs ``R`` times; the best time counts, as the machine may be shared, and the median is
shown beside it. Prints the times and the ratio of each to the earlier code's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = "runs/paper-table1.toml"


def _export(ref: str, into: Path) -> Path:
    """The tree of git revision ``ref``, written into ``into``."""
    archive = into / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), ref], check=True)
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _time(code: Path, out: Path, options: list[str], repeat: int) -> list[float]:
    """Wall times of ``mcsim run`` with the package at ``code``, run from this tree (its run and priors files)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mcsim", "run", RUN, "--out", str(out), *options], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision to compare with (e.g. the commit before a change)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", help="passed to mcsim run (default: the run file's)")
    args = parser.parse_args()
    extra = ["--samples", args.samples] if args.samples else []
    with tempfile.TemporaryDirectory(prefix="mcsim-bench-") as folder:
        folder = Path(folder)
        rows = []
        if args.before:
            rows.append((f"{args.before} (default)", _time(_export(args.before, folder), folder / "before", extra,
                                                              args.repeat)))
        for style in ("default", "journal"):
            rows.append((f"this tree, --figures {style}", _time(ROOT, folder / style, [*extra, "--figures", style],
                                                                 args.repeat)))
    reference = min(rows[0][1])
    print(f"{RUN}, {os.cpu_count()} cores, best of {args.repeat} (median):")
    for name, times in rows:
        print(f"  {name:32s} {min(times):6.2f} s ({statistics.median(times):6.2f} s)"
              f"  ratio {min(times) / reference:5.2f}")


if __name__ == "__main__":
    main()
