"""The ``mcsim`` command line (its commands and options are in the README).

Exit status: 0 done; 2 bad input, a model that fails included (one line per problem on stderr,
no traceback unless ``--traceback``); 130 interrupted (the previous report is then left as it
was); 1 anything else.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
import traceback
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from pathlib import Path

from mcsim import interrupts
from mcsim._version import __version__
from mcsim.inputs.errors import InputError, Problem, show

__all__ = ["main"]

DEFAULT_PRIORS = Path(__file__).resolve().parent.parent / "priors" / "paper-table1.toml"
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # a usage error is bad input: status 2, as argparse does
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"mcsim: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mcsim", description="Monte Carlo uncertainty and sensitivity analysis of "
                     "models with cited priors: the built-in tableau1 or a model of your own.")
    parser.add_argument("--version", action="version", version=f"mcsim {__version__}")
    parser.add_argument("--traceback", action="store_true",
                        help="on failure, print the whole Python traceback (a model's own error included)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    table = commands.add_parser("table", help="the model at the priors' point values (for priors that reproduce a "
                                "publication, beside its printed table)")
    table.add_argument("priors", nargs="?", default=None,
                       help="a priors file (default: priors/paper-table1.toml)")

    run = commands.add_parser("run", help="run a run file and write its report")
    run.add_argument("run_file", metavar="RUN.toml", nargs="?", default=None)
    run.add_argument("--from", dest="from_summary", type=Path, default=None, metavar="SUMMARY.json",
                     help="rerun the report whose summary.json this is: its run file, checked by sha256, "
                     "with its samples, seed and settings")
    run.add_argument("--out", type=Path, default=None, help="report directory (default: reports/<run file's stem>; "
                     "with --from, the folder of that summary.json)")
    _report_options(run)
    run.add_argument("--samples", default=None, help="number of samples, e.g. 1048576, 1_048_576 or 1e6 "
                     "(replaces the run file's)")
    run.add_argument("--seed", default=None, help="seed (replaces the run file's)")
    run.add_argument("--workers", default=None,
                     help="processes for the chunks, 0 for one per core (replaces the run file's)")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run the chunks on Dask: 'dask' for a local cluster, or a scheduler's address")
    run.add_argument("--yes", action="store_true", help="run even if the run is expected to sample for more than "
                     "an hour or to hold more than half the machine's memory")
    run.add_argument("-v", "--verbose", action="store_true", help="print where the time went: start-up, loading, "
                     "each analysis and the report's writing")

    batch = commands.add_parser("batch", help="run several run files (skipping those whose report is up to date), "
                                "then write reports/comparison/")
    batch.add_argument("run_files", nargs="+", metavar="RUN.toml")
    batch.add_argument("--force", action="store_true", help="rerun every run, even those whose report is up to date")
    batch.add_argument("--samples", default=None, help="number of samples for every run, e.g. 1048576, "
                       "1_048_576 or 1e6")
    batch.add_argument("--seed", default=None, help="seed for every run")
    batch.add_argument("--yes", action="store_true", help="run even the runs expected to sample for more than an "
                       "hour or to hold more than half the machine's memory")
    _report_options(batch)
    batch.add_argument("--reports", type=Path, default=Path("reports"),
                       help="where the reports go: REPORTS/<run>/ and REPORTS/comparison/ (default: reports)")

    validate = commands.add_parser("validate", help="check priors and run files as a run would, without running "
                                   "anything")
    validate.add_argument("files", nargs="+", metavar="FILE")
    for command in (table, run, batch, validate):  # also after the command: mcsim run RUN.toml --traceback
        command.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS,
                             help="on failure, print the whole Python traceback")
    return parser


def _report_options(command) -> None:
    """``--figures`` and ``--lang``: the run file's ``[report]`` settings, replaced (checked where they are used)."""
    command.add_argument("--figures", default=None, metavar="STYLE",
                         help="figure style: default (for the screen), journal (sized for a paper's columns) or none "
                              "(a report without figures, quicker to write)")
    command.add_argument("--lang", default=None, metavar="LANG", help="language of the report: en or fr")


def _whole_numbers(args, options: Sequence[str]) -> dict[str, int | None]:
    """The whole numbers given as ``--OPTION``, written like 1048576, 1_048_576, 1e6 or 1.5e5.

    Their ranges are checked where they are used; anything that is not an exact whole number is
    refused here, every such option at once.
    """
    values: dict[str, int | None] = {}
    problems = []
    for option in options:
        text = getattr(args, option)
        values[option] = None
        if text is None:
            continue
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            problems.append(Problem("command line", f"--{option}", f"= {show(text)} is invalid: must be a whole "
                                    "number, written like 1048576, 1_048_576 or 1e6"))
        elif number.adjusted() >= 30:
            problems.append(Problem("command line", f"--{option}", f"= {text} is invalid: far too large (a whole "
                                    "number of at most 30 digits is expected)"))
        elif number != number.to_integral_value():
            problems.append(Problem("command line", f"--{option}", f"= {text} is invalid: write a whole number, "
                                    f"e.g. {int(number.to_integral_value(ROUND_CEILING))}"))
        else:
            values[option] = int(number)
    if problems:
        raise InputError(problems)
    return values


def _default_priors() -> Path:
    """The paper's priors: in the current directory, the source tree, or where pip installed them."""
    candidates = (Path("priors/paper-table1.toml"), DEFAULT_PRIORS,
                  Path(sys.prefix) / "share" / "mcsim" / "priors" / "paper-table1.toml")
    return next((path for path in candidates if path.exists()), candidates[0])


def _table(args) -> int:
    from mcsim.inputs.errors import Problems
    from mcsim.inputs.model_check import undefined_outputs
    from mcsim.inputs.runs import check_priors
    from mcsim.models.points import format_points, users_of
    from mcsim.report.models import table as published_table

    priors, model = check_priors(args.priors or _default_priors())  # against the model it names
    users = users_of(model, priors)
    problems = Problems(priors.file)
    for sentence in undefined_outputs(priors, model, [1.0, *users]):
        problems.add("[inputs]", f"cannot be computed in double precision: {sentence}")
    problems.raise_if_any()
    words = published_table(model.reference(priors.reference), priors)
    print(words if words is not None else format_points(model, priors, users))
    return EXIT_OK


def since_process_start() -> float | None:
    """Seconds since this process started (Linux: from /proc), or None where that cannot be read."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"), 0.0)  # field 22: start, in clock ticks
    except (OSError, ValueError, IndexError):
        return None


def _run(args) -> int:
    started = since_process_start()  # the interpreter's start and mcsim's imports
    loading = time.perf_counter()
    from mcsim.i18n import speaking
    from mcsim.inputs.runs import load_run, with_settings
    from mcsim.pipeline import execute
    from mcsim.report.verdict import headline

    if args.from_summary is not None:
        spec = _rerun(args)
    elif args.run_file is None:
        raise InputError([Problem("command line", "run", "needs a run file (RUN.toml) or --from SUMMARY.json")])
    numbers = _whole_numbers(args, ("samples", "seed", "workers"))
    if args.from_summary is None:
        spec = load_run(args.run_file, samples=numbers["samples"], seed=numbers["seed"])
    changes = {key: value for key, value in (("workers", numbers["workers"]), ("scheduler", args.scheduler),
                                             ("figures", args.figures), ("lang", args.lang)) if value is not None}
    if changes:
        spec = with_settings(spec, **changes)  # a bad value is the command line's (--workers)
    # rerun from a summary: by default in place, never over another report (reports/<run>/)
    out = args.out if args.out is not None else \
        args.from_summary.parent if args.from_summary is not None else Path("reports") / spec.stem
    _check_out(out, spec, given=args.out is not None)
    start = time.perf_counter()
    before = {"start-up": started} if started is not None else {}
    before["loading"] = start - loading
    print(f"mcsim: {spec.title}: {spec.samples:,} samples ({spec.sampler}, seed {spec.seed})", file=sys.stderr)
    with _progress(spec, args) as tick:
        # the report's libraries load while the run waits for its analyses, if it does
        result = execute(spec, on_progress=tick, meanwhile=_load_report)
    from mcsim.report import write_report
    result = dataclasses.replace(result, seconds={**before, **result.seconds})
    writing = time.perf_counter()
    write_report(result, out)
    if args.verbose:
        steps = {**result.seconds, "report": time.perf_counter() - writing}
        for step, seconds in steps.items():
            print(f"  {step}: {seconds:.2f} s", file=sys.stderr)
        in_all = (started or 0.0) + time.perf_counter() - loading  # wall time: steps run aside overlap others
        print(f"  in all: {in_all:.2f} s (wall; an analysis run in a worker process overlaps the steps beside it)",
              file=sys.stderr)
    with speaking(spec.lang):
        for paragraph in headline(result):  # the quote tested and the sentence for an abstract, as the report opens
            print(paragraph.replace("**", "").replace("\\", ""), file=sys.stderr)
    for claim in result.claims.values():
        print(f"  {claim.claim.name}: P = {_estimate(claim.probability, claim.ci95)}", file=sys.stderr)
    _print_posterior(result.posterior)
    print(f"mcsim: wrote {out}/ in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return EXIT_OK


def _estimate(probability: float, ci95) -> str:
    """'0.437 (95 % interval 0.436 to 0.438)': to the decimals the interval allows, as the report writes it."""
    from mcsim.report.text import estimate

    p, low, high = estimate(probability, tuple(ci95))
    return f"{p} (95 % interval {low} to {high})"


def _print_posterior(posterior) -> None:
    """Each claim given the run's observations, and whether the posterior can be trusted."""
    if posterior is None:
        return
    for name, claim in posterior.claims.items():
        print(f"  {name} given the observations: P = {_estimate(claim.probability, claim.ci95)}", file=sys.stderr)
    said = "reliable" if posterior.reliable else "NOT reliable (run more samples, or check the observations' errors)"
    print(f"  posterior: effective sample size {posterior.ess:,.0f} (at least {posterior.min_ess:,} needed), "
          f"Pareto k-hat {posterior.khat:.2f} (at most 0.7): {said}", file=sys.stderr)


def _load_report() -> None:
    import mcsim.report.writing  # noqa: F401 (loaded for write_report)


def _progress(spec, args):
    """Refuse, before sampling, a run expected to take too long or too much memory (unless --yes); then a
    progress bar on a terminal for a run expected to take more than a few seconds."""
    from mcsim.compute.forecast import affordable, progress_bar

    where = ("command line", "--samples") if args.samples is not None else (spec.file, "[run] samples")
    return progress_bar(spec.samples, affordable(spec, where, yes=args.yes).seconds, stream=sys.stderr)


def _check_out(out: Path, spec, *, given: bool) -> None:
    """Refuse, before any sampling, an --out that is not a new folder, an empty one or an mcsim report."""
    from mcsim.report.target import refusal, run_inputs

    found = refusal(out, inputs=run_inputs(spec))
    if found is not None:
        said = f"--out {out}" if given else f"{out} (the default --out)"
        raise InputError([Problem("command line", said, f"{found.reason}; give a new folder, e.g. --out "
                                  f"{found.instead}")])


def _rerun(args):
    from mcsim.inputs.rerun import load_rerun

    clash = [name for name, value in (("RUN.toml", args.run_file), ("--samples", args.samples),
                                      ("--seed", args.seed)) if value is not None]
    if clash:
        raise InputError([Problem("command line", "--from", f"cannot be combined with {', '.join(clash)}: the "
                                  "summary's manifest names the run file, its samples and its seed")])
    return load_rerun(args.from_summary)


def _batch(args) -> int:
    from mcsim.batch import run_batch

    numbers = _whole_numbers(args, ("samples", "seed"))
    start = time.perf_counter()
    scenarios = run_batch(args.run_files, reports=args.reports, samples=numbers["samples"], seed=numbers["seed"],
                          force=args.force, figures=args.figures, lang=args.lang, yes=args.yes)
    for s in scenarios:
        claims = "; ".join(f"{name} P = {_estimate(c['probability'], c['ci95'])}"
                           for name, c in s.summary.get("claims", {}).items())
        print(f"  {s.stem}: {claims}", file=sys.stderr)
    print(f"mcsim: batch done in {time.perf_counter() - start:.1f} s (reports in {args.reports}/)", file=sys.stderr)
    return EXIT_OK


def _validate(args) -> int:
    """Check each file as a run would, without sampling: "FILE: valid" on stdout, problems on stderr."""
    from mcsim.inputs.files import read_toml
    from mcsim.inputs.runs import check_priors, load_run

    problems: dict[tuple[str, str, str], Problem] = {}  # a priors file named twice is reported once
    for name in args.files:
        try:
            content, _ = read_toml(name)
            (load_run if _kind(name, content) == "run" else check_priors)(name)
        except InputError as error:
            for problem in error.problems:
                problems.setdefault((os.path.normpath(problem.file), problem.field, problem.message), problem)
        else:
            print(f"{name}: valid")
    if problems:
        raise InputError(problems.values())
    return EXIT_OK


def _kind(name: str, content: dict) -> str:
    """"run" for a run file (a [run] table), "priors" for a priors file ([inputs] tables)."""
    from mcsim.inputs.runs import RUN_KEYS

    run, inputs = "run" in content, "inputs" in content
    if run != inputs:
        return "run" if run else "priors"
    what = ("has both [run] and [inputs], so it is not a run file or a priors file" if run else
            "is not a run file or a priors file")
    loose = [key for key in content if key in RUN_KEYS]
    hint = f" ({', '.join(loose)} belong in its [run] table)" if loose and not run else ""
    raise InputError([Problem(name, "", f"{what}: a run file has a [run] table naming its priors file, a priors "
                              f"file has [inputs.NAME] tables{hint}")])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    handler = {"table": _table, "run": _run, "batch": _batch, "validate": _validate}[args.command]
    try:
        with interrupts.watch():
            try:
                return handler(args)
            except Exception:
                if interrupts.interrupted():  # a Ctrl-C a library turned into an error of its own
                    raise KeyboardInterrupt from None
                raise
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        _traceback(args, error)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("mcsim: interrupted; no report was written and any previous one is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_FAILED
    except Exception as error:  # anything else: a bug or the system; one line, not a traceback
        print(f"mcsim: failed: {type(error).__name__}: {error}", file=sys.stderr)
        _traceback(args, error)
        return EXIT_FAILED


def _traceback(args, error: BaseException) -> None:
    """With ``--traceback``: the whole traceback (a model's error: where it arose in the model, as its cause)."""
    if args.traceback:
        traceback.print_exception(error, file=sys.stderr)
