"""What a run found: one frozen, typed :class:`Result` that every report file is a view of.

:func:`mcsim.pipeline.execute` computes it whole (statistics, claims, sensitivity, the verdict's
analysis, the figures' data); the serialiser (:mod:`mcsim.serialise`) and the report layer
(:mod:`mcsim.report`) only read it. This module knows neither: the run :func:`mcsim.run` returns
is a :class:`mcsim.pipeline.Run`, a Result with its views (``summary``, ``to_dataset()``, ``write()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mcsim.analysis.attribution import MedianAttribution
from mcsim.analysis.melding import Posterior
from mcsim.analysis.sensitivity import SensitivityResult
from mcsim.analysis.tails import TailIndex
from mcsim.analysis.value_of_information import ValueOfInformation
from mcsim.analysis.verdict import ClaimVerdict, Driver, Verdict
from mcsim.compute.stats import QUANTILES, ClaimResult, Curves, Histogram, KeptSamples, OutputStats
from mcsim.inputs.runs import RunSpec

__all__ = ["QUANTILES", "ClaimResult", "ClaimVerdict", "Curves", "Driver", "Histogram", "KeptSamples",
           "MedianAttribution", "OutputStats", "Result", "TailIndex", "ValueOfInformation", "Verdict"]


@dataclass(frozen=True)
class Result:
    """Everything a report shows about one run, computed before anything is written.

    Attributes
    ----------
    spec : RunSpec
        The run as asked for.
    samples : int
        Samples evaluated: every statistic is over these. Fewer than :attr:`samples_requested`
        when a stopping rule (``target_se``) ended the run early.
    stopped_early : bool
    quantiles : {"exact", "histogram"}
        How the quantiles were merged: exact order statistics, or from a fine histogram within
        each :attr:`OutputStats.quantile_error`.
    outputs : mapping of str to OutputStats
        Each output's statistics, in the model's order.
    claims : mapping of str to ClaimResult
        Each claim's probability by claim name, in the run file's order.
    verdict : Verdict
        Each claim's tipping points, failure boxes and drivers; the 2-D map.
    histograms : mapping of str to Histogram
        The scalar outputs' distributions over every sample, for their figures.
    curves : Curves
        The per-user outputs on a fine users grid, for the fan figures.
    kept : KeptSamples
        The first ``keep_samples`` samples, inputs and outputs, per sample.
    sensitivity : SensitivityResult or None
        The Sobol analysis, when the run file has a ``[sensitivity]`` table.
    seconds : mapping of str to float
        Wall time of each stage (``simulation``, ``statistics``, ``sensitivity``, ``verdict``).
    medians : mapping of str to MedianAttribution
        Per scalar output, why its median differs from its value at the priors' points.
    tails : mapping of str to TailIndex or None
        Per scalar output, the tail index of the whole run, which says whether its mean summarises
        it (None where too few values are finite and non-zero).
    value_of_information : ValueOfInformation or None
        EVPI and EVPPI of the decision at each users value, and what each input would do for
        each claim's verdict, when the run file has a ``[value_of_information]`` table.
    published_shares : mapping of str to float
        Per scalar output whose value the run's publication printed (``spec.published``), the
        share of all samples at or below that value: where it sits in the output's distribution.
    posterior : Posterior or None
        The posterior given the run's ``[[observations]]``: its samples reweighted by the observations'
        likelihood (:mod:`mcsim.analysis.melding`); None for a run without observations.
    """

    spec: RunSpec
    samples: int
    stopped_early: bool
    quantiles: str
    outputs: Mapping[str, OutputStats]
    claims: Mapping[str, ClaimResult]
    verdict: Verdict
    histograms: Mapping[str, Histogram]
    curves: Curves
    kept: KeptSamples
    sensitivity: SensitivityResult | None = None
    seconds: Mapping[str, float] = field(default_factory=dict)
    medians: Mapping[str, MedianAttribution] = field(default_factory=dict)
    tails: Mapping[str, TailIndex | None] = field(default_factory=dict)
    value_of_information: ValueOfInformation | None = None
    published_shares: Mapping[str, float] = field(default_factory=dict)
    posterior: Posterior | None = None  # the run's observations' posterior (None: the run has none)

    @property
    def samples_requested(self) -> int:
        """The samples the run asked for (``spec.samples``)."""
        return self.spec.samples
