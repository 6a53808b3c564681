"""How long the default run takes to write its report, figures included: this code against an earlier one.

Run from the repository's root::

    python bench/report_speed.py [--before REF] [--repeat R] [--samples N]

Times ``mcsim run runs/paper-table1.toml --out DIR`` (wall time of the whole command, as a user
waits for it) with this tree's code in each figure style, and, with ``--before REF``, with the
code of git revision ``REF`` (exported into a temporary folder; its own default style). Each
command runs ``R`` times; the best time counts, as the machine may be shared, and the median is
shown beside it, and the CPU time the run's processes used (less sensitive to a shared machine's
load). Prints the times and the ratio of each to the earlier code's.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _time(code: Path, out: Path, options: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times of ``mcsim run`` with the package at ``code``, run from that tree (its run and priors
    files); the CPU time is that of the run's processes, its workers included."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        # run from the tree timed: ``python -m`` puts the working folder first on the path, before PYTHONPATH
        subprocess.run([sys.executable, "-m", "mcsim", "run", RUN, "--out", str(out), *options], cwd=code, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return walls, cpus


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
    reference = min(rows[0][1][0])
    print(f"{RUN}, {os.cpu_count()} cores, {os.getloadavg()[0]:.1f} load; wall time best of {args.repeat} (median), "
          "ratio of the best to the first row's, CPU time of the best:")
    for name, (walls, cpus) in rows:
        best = walls.index(min(walls))
        print(f"  {name:32s} {walls[best]:6.2f} s ({statistics.median(walls):6.2f} s)  ratio "
              f"{walls[best] / reference:5.2f}  CPU {cpus[best]:6.2f} s")


if __name__ == "__main__":
    main()
