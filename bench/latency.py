"""How long the default run takes end to end, as a process, and where the time goes: this tree, or against a revision.

Run from the repository's root::

    python bench/latency.py [--before REV] [--repeat N] [--samples S]

Runs ``mcsim run runs/paper-table1.toml --out DIR -v`` once untimed (a first run compiles and caches
its kernels), then ``N`` times (a fresh ``DIR`` each time), and
prints, per tree, the median of each step ``-v`` tells (start-up, loading, each analysis, the
report), the wall time of the whole command (best and median) and the CPU time its processes
used, workers included (less sensitive than the wall time to a shared machine's load); with
``--before``, the two trees' medians side by side, with this tree's over the other's. The
sensitivity analysis and the value of information are their own times, in whichever process ran
them: with the analyses in workers they overlap the simulation, and the steps add up to more than
the wall time.

With ``--before REV`` the code of git revision ``REV`` runs too, from a temporary ``git worktree``
(removed afterwards), each command alternating with this tree's so both see the same load; the
numbers of the two trees' last ``summary.json`` are then compared, every one, and the differences
other than timings, the code's own checksum and the run file's path relative to the report are
printed (none: the same numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = "runs/paper-table1.toml"
STEP = re.compile(r"^  ([a-z][a-z ,-]*): ([0-9.]+) s$")
NOT_NUMBERS = re.compile(r"seconds|elapsed|from_report|^/manifest/(code|versions|created|host|machine)")


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _once(tree: Path, out: Path, extra: list[str]) -> tuple[float, float, dict[str, float]]:
    """Wall time, CPU time and the ``-v`` breakdown of one run of the code in ``tree`` (run from it: its code
    comes first on the path, and its run file is read)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([sys.executable, "-m", "mcsim", "run", RUN, "--out", str(out), "-v", *extra], cwd=tree,
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, used = time.perf_counter() - start, _cpu() - cpu
    if done.returncode:
        raise SystemExit(f"mcsim run failed in {tree}:\n{done.stderr}")
    steps = {m[1]: float(m[2]) for m in map(STEP.match, done.stderr.splitlines()) if m}
    return wall, used, steps


def leaves(value, path: str = ""):
    """Every leaf of a summary.json, by its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def differences(first: Path, second: Path) -> list[str]:
    """The leaves of two summary.json files that differ, timings and the code's own manifest apart."""
    a, b = (dict(leaves(json.loads(p.read_text(encoding="utf-8")))) for p in (first, second))
    return [f"{key}: {a.get(key)!r} != {b.get(key)!r}" for key in sorted(a.keys() | b.keys())
            if not NOT_NUMBERS.search(key) and a.get(key) != b.get(key)]


def _report(name: str, runs: list[tuple[float, float, dict[str, float]]]) -> None:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(f"{name}: wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
          f"CPU median {statistics.median(cpus):.2f} s")
    steps = [step for step in runs[0][2] if step != "in all"]
    for step in steps:
        print(f"  {step:22s} {statistics.median(r[2].get(step, float('nan')) for r in runs):6.2f} s")


def _side_by_side(names: list[str], runs: dict[str, list]) -> None:
    """The medians of both trees in columns, and this tree's over the other's."""
    before, after = names
    rows = [("CPU, all processes", [r[1] for r in runs[before]], [r[1] for r in runs[after]]),
            ("wall", [r[0] for r in runs[before]], [r[0] for r in runs[after]])]
    steps = [step for step in runs[before][0][2] if step != "in all"]
    steps += [step for step in runs[after][0][2] if step != "in all" and step not in steps]
    rows += [(step, [r[2].get(step, float("nan")) for r in runs[before]],
              [r[2].get(step, float("nan")) for r in runs[after]]) for step in steps]
    print(f"  {'median, s':24s} {before[:12]:>12s} {after[:12]:>12s} {'ratio':>7s}")
    for label, first, second in rows:
        a, b = statistics.median(first), statistics.median(second)
        print(f"  {label:24s} {a:12.2f} {b:12.2f} {b / a if a else float('nan'):7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision to compare with, e.g. main")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", help="passed to mcsim run (default: the run file's)")
    args = parser.parse_args()
    extra = ["--samples", args.samples] if args.samples else []
    trees: dict[str, Path] = {"this tree": ROOT}
    with tempfile.TemporaryDirectory(prefix="mcsim-latency-") as folder:
        folder = Path(folder)
        worktree = folder / "before"
        try:
            if args.before:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(worktree),
                                args.before], check=True)
                trees = {args.before: worktree, **trees}
            runs: dict[str, list] = {name: [] for name in trees}
            last: dict[str, Path] = {}
            for index, tree in enumerate(trees.values()):  # untimed: compiles and caches what a first run does
                _once(tree, folder / f"warm-{index}", extra)
            for attempt in range(args.repeat):
                for index, (name, tree) in enumerate(trees.items()):  # alternating: each tree sees the same load
                    last[name] = folder / f"out-{index}-{attempt}"  # a fresh folder each time
                    runs[name].append(_once(tree, last[name], extra))
            print(f"{RUN}{' ' + ' '.join(extra) if extra else ''}: {os.cpu_count()} cores, load "
                  f"{os.getloadavg()[0]:.1f}; {args.repeat} runs each")
            for name in trees:
                _report(name, runs[name])
            if args.before:
                print("side by side (the steps' times are wall times, each in the process that ran it):")
                _side_by_side(list(trees), runs)
            if args.before:
                found = differences(last[args.before] / "summary.json", last["this tree"] / "summary.json")
                print(f"summary.json, {args.before} against this tree: "
                      f"{'the same numbers' if not found else f'{len(found)} differences'}")
                for line in found:
                    print(f"  {line}")
        finally:
            if args.before and worktree.exists():
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False)


if __name__ == "__main__":
    main()
