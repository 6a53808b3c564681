"""The report's words on a run's observations: the answer given them, and the section that lists them.

:func:`posterior_answer` gives the opening lines' answer once the priors are conditioned on the run's
observations (after the answer under the priors alone); :func:`observations_markdown` the
"Observations" section: each observation and its source, how far the weights can be trusted,
each claim, uncertain input and scalar output before and after, which observation moved each claim
most (each left out in turn), and each claim's first-order sensitivity indices given the observations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from mcsim.analysis.psis import KHAT_RELIABLE
from mcsim.i18n import _, general
from mcsim.inputs.distributions import LogNormal, Normal
from mcsim.inputs.observations import Observation
from mcsim.report.likelihood import phrase, term
from mcsim.report.table import Column, Table
from mcsim.report.text import (
    claim_text,
    condition,
    decimal,
    estimate,
    fixed,
    format_value,
    grid_point,
    in_english,
    input_label,
    md_cell,
    md_text,
    output_label,
)
from mcsim.result import ClaimResult, Result

__all__ = ["claim_words", "observations_markdown", "posterior_answer", "posterior_tables", "probability_words"]


def probability_words(probability: float, ci95: tuple[float, float]) -> str:
    """'**likely** (probability 0.72, 95 % interval 0.70 to 0.74)': a claim's probability in the calibrated term and in
    numbers, to the decimals its interval allows, as the report's answer says it (given the priors or the
    observations)."""
    said, term_said = phrase(probability, ci95), _(term(probability))
    p, low, high = estimate(probability, ci95)
    return _("**{term}**{rest} (probability {p}, 95 % interval {low} to {high})").format(
        term=term_said, rest=said[len(term_said):], p=p, low=low, high=high)


def _khat(khat: float) -> str:
    return fixed(khat, 2) if math.isfinite(khat) else _("not estimated (too few weights in the tail)")


def _trust(result: Result) -> str:
    """Whether the weights can be trusted, with the numbers it rests on; first, if so, that the run drew more."""
    posterior = result.posterior
    numbers = {"ess": decimal(posterior.ess), "min_ess": decimal(posterior.min_ess), "khat": _khat(posterior.khat),
               "limit": fixed(KHAT_RELIABLE, 1), "n": decimal(posterior.samples)}
    if posterior.reliable:
        said = _("The posterior is reliable: the weights of the {n} samples have an effective sample size of {ess} "
                 "(the least it needs is {min_ess}) and a Pareto k-hat of {khat} (the most it allows is {limit}).")
    else:
        said = _("The posterior is not reliable: the weights of the {n} samples have an effective sample size of "
                 "{ess} (the least it needs is {min_ess}) and a Pareto k-hat of {khat} (the most it allows is "
                 "{limit}); the observations are too far from, or too narrow for, most of the priors' samples. Run "
                 "more samples, or check the observations' errors, before quoting it.")
    said = said.format(**numbers)
    if posterior.extended_from is None:
        return said
    drew = _("The run drew {n} samples rather than the {asked} its file asks for, to give the posterior the "
             "effective sample size it needs.").format(n=decimal(posterior.samples),
                                                       asked=decimal(posterior.extended_from))
    return f"{drew} {said}"


def posterior_answer(result: Result, readings: list[tuple[str, ClaimResult]]) -> list[str]:
    """The answer's lines on the first claim given the observations (nothing for a run without them).

    ``readings`` are the claim's readings as the answer names them (:func:`mcsim.report.verdict.readings`): one
    line for a claim read one way, else one line per reading, in the same order.
    """
    posterior = result.posterior
    if posterior is None or not readings:
        return []

    def said(c: ClaimResult) -> dict[str, str]:
        given = posterior.claims[c.claim.name]
        return {"posterior": probability_words(given.probability, given.ci95),
                "prior": probability_words(c.probability, c.ci95)}

    if len(readings) == 1:
        lines = [_("- **Given the published observations:** the same claim is {posterior}, against {prior} under "
                   "the priors alone (see Observations).").format(**said(readings[0][1]))]
    else:
        lines = [_("- **Given the published observations, reading by reading** (see Observations):")]
        lines += [_("  - {reading}: {posterior}, against {prior} under the priors alone.").format(
            reading=md_text(name[:1].upper() + name[1:]), **said(c)) for name, c in readings]
    if not posterior.reliable:
        lines.append(f"- {_trust(result)}")
    return lines


def _measured(observation: Observation, result: Result) -> str:
    """What an observation measured, in words (plain text)."""
    spec = result.spec
    if observation.input is not None:
        return input_label(spec.priors[observation.input])
    label = output_label(spec.model.output(observation.output))
    if observation.at is None:
        return label
    return f"{label} {grid_point(observation.grid, observation.at)}"


def _unit(observation: Observation, result: Result) -> str:
    spec = result.spec
    return spec.priors[observation.input].unit if observation.input is not None else \
        spec.model.output(observation.output).unit


def _error(observation: Observation, unit: str) -> str:
    error = observation.error
    if isinstance(error, Normal):
        return _("normal error, sd {sd}").format(sd=format_value(error.sd, unit, 2))
    if isinstance(error, LogNormal):
        return _("lognormal error, sd of the log {sigma}").format(sigma=fixed(error.sigma, 2))
    return _("uniform error, from {low} to {high}").format(low=format_value(error.low, unit, 3),
                                                          high=format_value(error.high, unit, 3))


def _value(value: float, unit: str) -> str:
    """A value in its unit; beyond a quadrillion (an output capped near the largest double) in e-notation."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    return format_value(value, unit, 3) if abs(value) < 1e15 else general(value, 3)


def _median(p05: float, p50: float, p95: float, unit: str) -> str:
    return _("{median} ({low} to {high})").format(median=_value(p50, unit), low=_value(p05, unit),
                                                  high=_value(p95, unit))


def claim_words(prior: ClaimResult, result: Result) -> str:
    """A claim in words in the report's language: its text, else its test."""
    out = result.spec.model.output(prior.claim.output)
    return claim_text(prior.claim) or condition(output_label(out), out.unit, prior.claim)


def posterior_tables(result: Result) -> list[Table]:
    """The posterior's tables (none for a run without observations): ``posterior_claims`` (each claim's probability
    under the priors and given the observations, and the observation that moved it most) and ``posterior_inputs`` and
    ``posterior_outputs`` (each uncertain input's and scalar output's median and 90 % interval, before and after).
    Their LaTeX is :mod:`mcsim.report.tables`'s."""
    posterior = result.posterior
    if posterior is None:
        return []
    words = {name: claim_words(c, result) for name, c in result.claims.items()}

    def probability(key: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda r: f"{fixed(r[key], 3)} ({_(term(r[key]))})"

    claims = Table("posterior_claims", (
        Column("claim", _("Claim"), lambda r: f"{md_cell(words[r['claim']])} (`{r['claim']}`)", False),
        Column("prior_probability", _("Probability under the priors"), probability("prior_probability"), False),
        Column("probability", _("Probability given the observations"), probability("probability"), False),
        "ci95_low", "ci95_high", "likelihood", "moved_most", "without_it"), tuple(
        (name, result.claims[name].probability, given.probability, *given.ci95, term(given.probability),
         given.moved_most, given.without.get(given.moved_most) if len(posterior.observations) > 1 else None)
        for name, given in posterior.claims.items()), "")
    return [_observations(result), claims, _first_orders(result), *_quantities(result)]


def _observations(result: Result) -> Table:
    """Each observation: what it measured, the value observed, its error and its source."""
    rows = []
    for o in result.posterior.observations:
        unit = _unit(o, result)
        rows.append((o.name, o.input, o.output, o.grid, o.at, _measured(o, result), o.observed, unit,
                     o.error.family, _error(o, unit), o.source, " ".join(o.cite), o.date))

    def source(row: Mapping[str, Any]) -> str:
        said = in_english(md_cell(row["source"]))
        return _("{source} ({date})").format(source=said, date=row["date"]) if row["date"] else said

    return Table("observations", (
        Column("observation", _("Observation"), lambda r: f"`{r['observation']}`", False), "input", "output", "grid",
        "at", Column("measured", _("What it measured"), lambda r: md_cell(r["measured"]), False),
        Column("observed", _("Observed"), lambda r: _value(r["observed"], r["unit"]), False), "unit", "error_family",
        Column("error", _("Measurement error"), lambda r: md_cell(r["error"]), False),
        Column("source", _("Source"), source, False), "cite", "date"), tuple(rows), "")


def _first_orders(result: Result) -> Table:
    """Each claim's first-order sensitivity index on each uncertain input, given the observations: a row per pair."""
    posterior = result.posterior
    rows = tuple((claim, name, input_label(result.spec.priors[name]), given.first_order[name])
                 for claim, given in posterior.claims.items() for name in posterior.inputs)
    return Table("posterior_first_order", ("claim", "input", "label", "first_order"), rows, "")


def _quantities(result: Result) -> list[Table]:
    """The uncertain inputs' and the scalar outputs' quantiles before and after the observations."""
    spec, posterior = result.spec, result.posterior

    def median(which: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda r: _median(r[f"{which}p05"], r[f"{which}p50"], r[f"{which}p95"], r["unit"])

    tables = []
    for stem, key, heading, rows in (
            ("posterior_inputs", "input", _("Input"), [
                (name, input_label(spec.priors[name]), spec.priors[name].unit,
                 *(float(v) for v in spec.priors[name].distribution.ppf([0.05, 0.5, 0.95])), found.p05, found.p50,
                 found.p95) for name, found in posterior.inputs.items()]),
            ("posterior_outputs", "output", _("Output"), [
                (name, output_label(spec.model.output(name)), spec.model.output(name).unit,
                 *(getattr(result.outputs[name], q) for q in ("p05", "p50", "p95")), found.p05, found.p50, found.p95)
                for name, found in posterior.outputs.items()])):
        tables.append(Table(stem, (
            key, Column("label", heading, lambda r: md_cell(r["label"]), False), "unit",
            Column("prior_p05", _("Prior median (90 % interval)"), median("prior_"), False), "prior_p50", "prior_p95",
            Column("p05", _("Posterior median (90 % interval)"), median(""), False), "p50", "p95"),
            tuple(rows), "", shown=("label", "prior_p05", "p05")))
    return tables


def _moved(result: Result) -> list[str]:
    """How each claim moved from the priors to the posterior, and which observation moved it most."""
    posterior = result.posterior
    several = len(posterior.observations) > 1
    lines = [_("How each claim moved from the priors to the posterior, and which observation moved it most: the "
               "posterior recomputed on the same samples with each observation left out in turn.") if several else
             _("How each claim moved from the priors to the posterior, given the run's one observation."), ""]
    for name, given in posterior.claims.items():
        prior = result.claims[name].probability
        most = given.moved_most
        numbers = {"name": name, "prior": fixed(prior, 3), "prior_term": _(term(prior)),
                   "posterior": fixed(given.probability, 3), "posterior_term": _(term(given.probability)),
                   "observation": most}
        if several:
            without = given.without[most]
            said = _("- `{name}`: from {prior} ({prior_term}) under the priors to {posterior} ({posterior_term}) given "
                     "the observations; the observation that moves it most is `{observation}`: without it, the "
                     "probability would be {without}.").format(**numbers, without=fixed(without, 3)
                                                              if math.isfinite(without) else "—")
        else:
            said = _("- `{name}`: from {prior} ({prior_term}) under the priors to {posterior} ({posterior_term}) given "
                     "`{observation}`.").format(**numbers)
        lines.append(said)
    return lines


def _first_order(result: Result, table: Table) -> list[str]:
    """Each claim's first-order sensitivity index on each uncertain input, under the posterior."""
    names = list(result.posterior.inputs)
    if not names:
        return []
    return [_("The first-order sensitivity index of each claim given the observations: the share of the variance "
              "of the claim's indicator (1 where it holds, 0 where not) that each uncertain input explains alone "
              "under the posterior (see Methods)."), "",
            *table.crossed(("claim", list(result.posterior.claims), lambda claim: f"`{claim}`"),
                           ("input", names, lambda name: md_cell(input_label(result.spec.priors[name]))), _("Claim"),
                           lambda r: fixed(r["first_order"], 2) if math.isfinite(r["first_order"]) else "—")]


def observations_markdown(result: Result, tables: Mapping[str, Table] | None = None) -> list[str]:
    """The "Observations" section: each observation and its source, the weights' diagnostics, and before and after
    (its tables from ``tables`` by stem, made here where not given)."""
    posterior = result.posterior
    if posterior is None:
        return []
    lines = [_("## Observations"), "",
             _("The priors are conditioned on published observations (Bayesian melding, Poole and Raftery 2000): "
               "each of the run's samples is weighted by the likelihood of the observations given its values, and "
               "the weighted samples stand for the posterior."), "", _trust(result), "",
             ]
    stems = ("observations", "posterior_claims", "posterior_first_order", "posterior_inputs", "posterior_outputs")
    found = [tables[stem] for stem in stems] if tables else posterior_tables(result)
    observations, claims, first_orders, inputs, outputs = found
    lines += observations.to_markdown()
    if posterior.claims:
        lines += ["", *claims.to_markdown(), "", *_moved(result), "", *_first_order(result, first_orders)]
    return [*lines, "", *inputs.to_markdown(), "", *outputs.to_markdown(), ""]
