"""A run from start to finish, short of writing: sample, evaluate, summarise, judge the claims.

:func:`execute` returns a :class:`Run`: the typed :class:`~mcsim.result.Result` with its views, the
summary and dataset of the serialiser (:mod:`mcsim.serialise`) and the report (:mod:`mcsim.report`),
which sit above the Result and so cannot be reached from it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcsim.analysis.attribution import explain_medians
from mcsim.analysis.melding import posterior
from mcsim.analysis.sensitivity import SensitivityResult, analyse
from mcsim.analysis.tails import tail_index
from mcsim.analysis.value_of_information import assess
from mcsim.analysis.verdict import judge
from mcsim.compute.background import Pending, background
from mcsim.compute.engine import Progress, Simulation, available_cores, simulate
from mcsim.compute.stats import (
    OutputStats,
    curves,
    evaluate_claims,
    histograms,
    kept_samples,
    published_shares,
    summarise,
)
from mcsim.inputs.runs import RunSpec
from mcsim.result import Result

if TYPE_CHECKING:
    import matplotlib.axes
    import matplotlib.figure
    import pandas
    import xarray

    from mcsim.report.plotting import FigureInfo

__all__ = ["Result", "Run", "claims_known_to", "execute"]

STEPS = ("simulation", "statistics", "sensitivity", "value of information", "verdict")  # the order they are told in
MIN_SAMPLES_TO_STOP = 1 << 12  # below this the binomial standard error is too rough to stop on


@dataclass(frozen=True)
class Run(Result):
    """A run's :class:`~mcsim.result.Result` with its views: the summary, the dataset and the report.

    The views import the serialiser and the report (and so xarray and matplotlib) only when called.
    """

    @property
    def summary(self) -> dict[str, Any]:
        """The content of ``summary.json`` (a new dict each time; see :func:`mcsim.serialise.build_summary`)."""
        from mcsim.report.summary_words import summary

        return summary(self)

    def to_dataset(self) -> xarray.Dataset:
        """The xarray Dataset written as ``results.nc`` (see :func:`mcsim.serialise.build_dataset`)."""
        from mcsim.i18n import speaking
        from mcsim.report.summary_words import WORDS
        from mcsim.serialise import build_dataset

        with speaking("en"):  # as results.nc's: for scripts
            return build_dataset(self, WORDS)

    def write(self, folder: str | Path) -> Path:
        """Write the report into ``folder`` (see :func:`mcsim.report.write_report`); return it."""
        from mcsim.report import write_report

        return write_report(self, folder)

    def tables(self) -> dict[str, pandas.DataFrame]:
        """The report's tables as pandas DataFrames, by the names of ``tables/*.csv`` (numbers as numbers)."""
        from mcsim.report.notebook import tables

        return tables(self)

    def figures(self) -> dict[str, FigureInfo]:
        """The report's figures, by the names of ``figures/*.png``: each one's ``caption`` (in the run's language)
        and ``panels`` (``"single"``: :meth:`plot` draws it onto an Axes; ``"multi"``: into a Figure)."""
        from mcsim.report.plotting import available

        return available(self)

    def plot(self, name: str, ax: matplotlib.axes.Axes | None = None, *, fig: matplotlib.figure.Figure | None = None,
             **style: Any) -> Any:
        """Draw the report's figure ``name`` (its stem in ``figures/``) onto ``ax`` and return the axes, or, for a
        multi-panel figure, into ``fig`` and return it; a new figure where neither is given. ``style``: rcParams
        overriding the report's style for this call. See :func:`mcsim.report.plotting.plot`."""
        from mcsim.report.plotting import plot

        return plot(self, name, ax, fig=fig, **style)

    def __repr__(self) -> str:
        """A few lines: the title, model and samples, and each claim's probability, interval and term."""
        from mcsim.report.notebook import short_repr

        return short_repr(self)

    def _repr_markdown_(self) -> str:
        from mcsim.report.notebook import notebook_markdown

        return notebook_markdown(self)

    def _repr_html_(self) -> str:
        from mcsim.report.notebook import notebook_html

        return notebook_html(self)


def execute(spec: RunSpec, *, stop_when: Callable[[Progress], bool] | None = None,
            on_progress: Callable[[int], None] | None = None, aside: bool = True,
            meanwhile: Callable[[], object] | None = None) -> Run:
    """Run ``spec``: draw the samples, evaluate the model, compute every statistic and the verdict.

    Nothing is written: the :class:`Run` (a :class:`~mcsim.result.Result`) holds everything a report shows.

    Parameters
    ----------
    spec : RunSpec
    stop_when : callable, optional
        A stopping rule (see :func:`mcsim.compute.engine.simulate`); by default the run's ``target_se``
        if it has one (:func:`claims_known_to`), else none: every sample is drawn.
    on_progress : callable, optional
        Told the samples merged after each chunk (see :func:`mcsim.compute.engine.simulate`).
    aside : bool
        Run the analyses that need only the run file (the sensitivity analysis; the value of
        information when every sample is drawn) in worker processes while this one simulates
        (see :mod:`mcsim.compute.background`); they run here, one after the other, when False, when the run
        has one process (``workers = 1``) or the machine one core. The numbers are the same.
    meanwhile : callable, optional
        Called at most once, here, when the run would otherwise wait for an analysis still running in a
        worker: work the caller needs next (the command line loads the report's libraries), done in time
        the run would spend idle. Never called when every analysis has finished by the time it is needed.
    """
    if stop_when is None and spec.target_se is not None:
        stop_when = claims_known_to(spec.target_se)
    here = not aside or spec.workers == 1 or available_cores() < 2  # one process asked for, or one core
    with ExitStack() as workers:
        # the analyses that need only the run file start in worker processes while this one simulates
        if not here and (spec.sensitivity is not None or spec.value_of_information is not None):
            from mcsim.compute import kernels

            kernels.load(analyses=True)  # loaded once, here: the workers forked next inherit the compiled kernels
        pending = None
        if spec.sensitivity is not None:
            pending = workers.enter_context(background(analyse, spec.priors, spec.model, spec.sensitivity,
                                                     seed=spec.seed, claims=spec.claims, inline=here))
        valued = None
        # every sample is drawn, and known now: unless the posterior may ask for more (below)
        if spec.value_of_information is not None and stop_when is None and not spec.observations:
            valued = workers.enter_context(background(assess, spec, samples=spec.samples, inline=here))
        seconds = {}
        start = time.perf_counter()
        simulation = simulate(spec, stop_when=stop_when, on_progress=on_progress)
        asked = spec.samples
        while (more := samples_for_posterior(simulation)) is not None:  # the run, again, on more samples
            spec = replace(spec, samples=more)
            simulation = simulate(spec, stop_when=stop_when, on_progress=on_progress)
        seconds["simulation"] = time.perf_counter() - start
        start = time.perf_counter()
        outputs = summarise(simulation)
        claims = {c.claim.name: c for c in evaluate_claims(simulation)}
        shares = published_shares(simulation)
        fine = curves(simulation)
        kept = kept_samples(simulation)
        conditioned = posterior(simulation)
        if conditioned is not None and spec.samples != asked:
            conditioned = replace(conditioned, extended_from=asked)
        seconds["statistics"] = time.perf_counter() - start
        value_of_information = None
        if valued is None and spec.value_of_information is not None:  # on the run's own sample, once it is drawn
            value_of_information = assess(spec, samples=simulation.n)
        start = time.perf_counter()
        waited = 0.0

        def wait(analysis: Pending[Any]) -> Any:
            nonlocal waited, meanwhile
            began = time.perf_counter()  # what is done meanwhile is no step's time: the run waited anyway
            if meanwhile is not None and analysis.in_worker and not analysis.done():
                meanwhile, call = None, meanwhile
                call()
            found = analysis.result()
            waited += time.perf_counter() - began
            return found

        def sensitivity_now() -> SensitivityResult | None:  # the failure boxes are found while it may still run
            return wait(pending) if pending is not None else None

        verdict = judge(spec, claims, kept, sensitivity_now)
        sensitivity = sensitivity_now()
        if sensitivity is not None:  # its own time, in whichever process it ran; not what the run waited for it
            seconds["sensitivity"] = sensitivity.elapsed_seconds
        if valued is not None:
            value_of_information = wait(valued)
        if value_of_information is not None:  # the same: its own time
            seconds["value of information"] = value_of_information.elapsed_seconds
        medians = explain_medians(spec, outputs, kept, sensitivity)
        tails = {name: tail_index(stats.largest, samples=_finite(stats, simulation.n))
                 for name, stats in outputs.items() if stats.largest is not None}
        seconds["verdict"] = time.perf_counter() - start - waited
    seconds = {step: seconds[step] for step in STEPS if step in seconds}
    return Run(spec=spec, samples=simulation.n, stopped_early=simulation.stopped_early,
                  quantiles=simulation.plan.mode, outputs=outputs, claims=claims, verdict=verdict,
                  histograms=histograms(simulation), curves=fine, kept=kept, sensitivity=sensitivity,
                  seconds=seconds, medians=medians, tails=tails,
                  value_of_information=value_of_information, published_shares=shares, posterior=conditioned)


def samples_for_posterior(simulation: Simulation) -> int | None:
    """The samples a run with observations draws next, when its posterior is not reliable; None if none.

    The effective sample size grows about as the samples do: the run's samples are multiplied by the
    power of 2 that would bring it to ``[posterior] min_ess`` (at least 2, which is also what a k-hat
    above 0.7 asks for), up to ``[posterior] max_samples``. A power of 2 keeps Sobol points balanced; the
    first samples of a Sobol or random design are the same whatever their number, those of a Latin
    hypercube are not. A run its stopping rule ended early is not extended.
    """
    spec, totals = simulation.spec, simulation.totals.weighted
    if totals is None or simulation.stopped_early or not totals.weight > 0:
        return None
    found = posterior(simulation)
    if found.reliable:
        return None
    factor = 1 << max(1, math.ceil(math.log2(spec.min_ess / found.ess))) if found.ess > 0 else 2
    while factor > 1 and simulation.n * factor > spec.max_samples:
        factor //= 2
    return simulation.n * factor if factor > 1 else None


def _finite(stats: OutputStats, samples: int) -> int:
    """The finite samples of a scalar output, which its mean is over."""
    return samples - round(float(stats.p_never or 0.0) * samples)


def claims_known_to(target_se: float) -> Callable[[Progress], bool]:
    """A stopping rule: every claim's probability has a binomial standard error of at most ``target_se``.

    The standard error of a proportion near 0 or 1 is itself poorly estimated, so the rule uses
    ``p`` shrunk by one success and one failure (``(k + 1) / (n + 2)``), and never stops before
    :data:`MIN_SAMPLES_TO_STOP` samples.
    """
    def stop(progress: Progress) -> bool:
        if progress.samples < MIN_SAMPLES_TO_STOP or not progress.claims:
            return False
        for held, n in progress.claims.values():
            p = (held + 1) / (n + 2)
            if math.sqrt(p * (1 - p) / n) > target_se:
                return False
        return True

    return stop
