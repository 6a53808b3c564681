"""The figures of a run's observations: each uncertain input's prior and posterior densities, and the observation
where one measures it."""

from __future__ import annotations

import functools

import matplotlib.figure
import numpy as np

from mcsim.i18n import _
from mcsim.inputs.distributions import Uniform
from mcsim.inputs.observations import Observation
from mcsim.report.figures import Figure
from mcsim.report.style import BAND, MEDIAN, PAPER, Look, axis_label, plain
from mcsim.report.text import input_label, lower_first
from mcsim.report.ticks import compact, format_axis, whole
from mcsim.result import Result

__all__ = ["posterior_figures"]


def posterior_figures(result: Result, look: Look) -> list[Figure]:
    """One figure per uncertain input: its prior density, its posterior density, and the observation where one
    measures it."""
    posterior = result.posterior
    if posterior is None:
        return []
    figures = []
    observed = {o.input for o in posterior.observations}
    for name, density in posterior.densities.items():
        label = input_label(result.spec.priors[name])
        caption = (_("Prior and posterior densities of {what} given the published observations, over {n} weighted "
                     "samples (effective sample size {ess}); the dashed line marks the observed value, the band the "
                     "90 % interval of its measurement error (the whole range of a uniform error).")
                   if name in observed else
                   _("Prior and posterior densities of {what} given the published observations, over {n} weighted "
                     "samples (effective sample size {ess}); no observation measures it: the observations move it "
                     "through the model's outputs or the other inputs they measure.")).format(
            what=lower_first(label), n=whole(posterior.samples), ess=whole(round(posterior.ess)))
        figures.append(Figure(f"{name}_posterior", caption, functools.partial(_draw, result, name, density, look)))
    return figures


def _draw(result: Result, name: str, density, look: Look) -> matplotlib.figure.Figure:
    prior = result.spec.priors[name]
    fig, ax = look.figure(1, 7.2)
    edges = density.edges
    x = np.geomspace(edges[0], edges[-1], 400) if density.log else np.linspace(edges[0], edges[-1], 400)
    scipy = prior.distribution.to_scipy()
    continuous, posterior = hasattr(scipy, "pdf"), density.density
    if continuous:
        prior_density = scipy.pdf(x)
    else:  # listed values (discrete, empirical) have no density: the prior's mass in each bin over its width, as the
        # posterior's, each bin [low, high) as the histogram counts it (the last one closed)
        below = np.nextafter(edges, -np.inf)
        below[-1] = edges[-1]
        prior_density = np.diff(scipy.cdf(below)) / np.diff(edges)
    if density.log:  # on a log axis, densities per unit of log x, whose areas are the probabilities the eye sees
        ax.set_xscale("log")
        centres = np.sqrt(edges[:-1] * edges[1:])
        posterior = posterior * centres
        prior_density = prior_density * (x if continuous else centres)
    ax.stairs(posterior, edges, fill=True, color=BAND, label=_("posterior (weighted samples)"))
    if continuous:
        ax.plot(x, prior_density, color=MEDIAN, lw=1.4, label=_("prior"))
    else:
        ax.stairs(prior_density, edges, color=MEDIAN, lw=1.4, label=_("prior"))
    for observation in result.posterior.observations:
        if observation.input == name:
            _mark(ax, observation, prior.unit)
    ax.set_ylim(0, None)
    ax.set_xlim(edges[0], edges[-1])
    format_axis(ax.xaxis, prior.unit)
    ax.set_xlabel(look.wrap(axis_label(input_label(prior), prior.unit), 7.5))
    ax.set_ylabel(_("density"))
    ax.set_yticks([])
    look.title(fig, plain(_("{label}: prior and posterior").format(label=input_label(prior))))
    look.legend(ax, ncols=2, width_cm=3.6)
    return fig


def _mark(ax, observation: Observation, unit: str) -> None:
    """The observed value (a line) and the 90 % interval of its measurement error (a band; a uniform's whole range)."""
    error = observation.error
    low, high = (error.low, error.high) if isinstance(error, Uniform) else (
        float(v) for v in error.ppf(np.array([0.05, 0.95])))
    ax.axvspan(low, high, color=PAPER, alpha=0.12, lw=0)
    ax.axvline(observation.observed, color=PAPER, lw=1.2, ls="--", label=plain(_("observed: {value}").format(
        value=compact(observation.observed, unit))))
