"""A report as sections: each part of it written once, read by every rendering.

A :class:`~mcsim.report.section.Section` is one part of a run's report: the verdict, the claims, the observations, the
outputs, the medians, the sensitivity analysis, the value of information... It supplies, once, its
data tables (each a :class:`~mcsim.report.table.Table`, with its CSV, Markdown, LaTeX and
DataFrame), its text (Markdown, whole sentences from the catalogue, its tables placed in it), its
figures (undrawn) and its methods paragraphs (whose citations are its references). The renderings
read the sections and nothing else: ``report.md`` and ``report.html`` their texts and figures in
:data:`REPORT`'s order (:func:`mcsim.report.document.render_markdown`), ``tables/`` and
``Result.tables()`` their tables (:func:`run_tables`), ``methods.md``, ``methods.tex`` and
``references.bib`` their methods in :data:`METHODS`' order, a paper's (:func:`build_methods`), and
``Result.plot`` their figures (:func:`plan_figures`). A section that does not apply to the run (no
claims, no observations, no ``[sensitivity]``...) gives none of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from mcsim._version import __version__
from mcsim.errors import PYTHON
from mcsim.i18n import N_, _
from mcsim.report import methods as paragraphs
from mcsim.report.attribution import medians_markdown, tail_notes
from mcsim.report.figures import Figure, run_figures
from mcsim.report.models import has_section
from mcsim.report.models import section as published_section
from mcsim.report.posterior import observations_markdown
from mcsim.report.posterior_figures import posterior_figures
from mcsim.report.section import Section, Tables
from mcsim.report.sensitivity import sensitivity_markdown
from mcsim.report.sensitivity_figures import sensitivity_figures
from mcsim.report.style import NO_FIGURES, Look, look
from mcsim.report.table import Table
from mcsim.report.tables import (
    claims_tables,
    information_tables,
    median_tables,
    observation_tables,
    output_tables,
    priors_tables,
    sensitivity_tables,
    verdict_tables,
)
from mcsim.report.text import (
    decimal,
    fixed,
    grid_against,
    in_english,
    input_labels,
    md_code,
    md_text,
    number,
    output_label,
)
from mcsim.report.value_of_information import value_of_information_figures, value_of_information_markdown
from mcsim.report.verdict import answer_markdown, verdict_markdown
from mcsim.report.verdict_figures import verdict_figures
from mcsim.result import Result
from mcsim.serialise import command

__all__ = ["DRAWN", "METHODS", "REPORT", "SECTIONS", "STEPS", "Section", "build_methods", "claims_markdown",
           "drawing_order", "methods_of", "plan_figures", "run_tables", "sections"]

#: The steps a run times (Result.seconds), said in the report's language in the section on reproducing it.
STEPS = (N_("start-up"), N_("loading"), N_("simulation"), N_("statistics"), N_("sensitivity"),
         N_("value of information"), N_("verdict"), N_("figures, tables and data"))


def _stopped(result: Result, *, why: bool = False) -> str:
    """Where a run that stopped early stopped, in words ("" for a run that evaluated every sample)."""
    if not result.stopped_early:
        return ""
    said = _("stopped at {n} of {requested} requested").format(n=decimal(result.samples),
                                                              requested=decimal(result.samples_requested))
    if why and result.spec.target_se is not None:
        said += _(", once every claim's standard error was at most {se}").format(se=number(result.spec.target_se))
    return said


def _opening(result: Result, _tables: Tables) -> list[str]:
    """The title, the answer, and the model and sampling in a sentence."""
    spec = result.spec
    stopped = f": {_stopped(result, why=True)}" if result.stopped_early else ""
    cited = f" ({md_text(_(spec.model.citation))})" if spec.model.citation else ""
    return [f"# {md_text(spec.title_in(spec.lang))}", "", *answer_markdown(result),
            _("Model: {description}{citation}. {n} samples ({sampler}, seed {seed}){stopped}.").format(
                description=md_text(_(spec.model.description)), citation=cited, n=decimal(result.samples),
                sampler=spec.sampler, seed=spec.seed, stopped=stopped), ""]


def claims_markdown(result: Result, tables: Tables | None = None) -> list[str]:
    """The claims' section: each claim's test, probability, standard error, interval and verdict at the points."""
    if not result.claims:
        return []
    table = tables["claims"] if tables else claims_tables(result)[0]
    stopped = f" ({_stopped(result)})" if result.stopped_early else ""
    return [_("## Claims"), "", *table.to_markdown(), "",
            _("Standard errors are binomial; intervals are Wilson score intervals over {n} samples{stopped}.")
            .format(n=decimal(result.samples), stopped=stopped), ""]


def _outputs(result: Result, tables: Tables) -> list[str]:
    lines = [_("## Outputs"), "", *tables["outputs"].to_markdown(), "",
             _("Means and sds are over finite samples; quantiles over all samples, infinite included "
               "(*never* marks an infinite quantile)."), "", *tail_notes(result)]
    grid = result.spec.grid
    for out in result.spec.model.outputs:
        if out.per_user:
            titled = f"{md_text(output_label(out))} ({md_text(_(out.unit))})"
            lines += [f"### {grid_against(titled, grid)}", "",
                      *tables[f"outputs_by_{grid.name}_{out.name}"].to_markdown(), ""]
    return lines


def _sensitivity(result: Result, _tables: Tables) -> list[str]:
    return [sensitivity_markdown(result.sensitivity, input_labels(result.spec.priors)), ""]


def _sensitivity_figures(result: Result, style: Look) -> list[Figure]:
    # the inputs named in the report's language
    return sensitivity_figures(replace(result.sensitivity, labels=input_labels(result.spec.priors)), style)


def _methods(result: Result, _tables: Tables) -> list[str]:
    """``report.md``'s methods: the paragraphs of ``methods.md`` (the software's versions aside, which
    ``summary.json`` lists), cited by author and year, the references being in ``methods.md`` and
    ``references.bib``."""
    return [_("## Methods"), "", paragraphs.methods_markdown(methods_of(result), result), "",
            _("The references are listed in `methods.md` and, for BibTeX, in `references.bib`."), ""]


def _priors(result: Result, tables: Tables) -> list[str]:
    spec = result.spec
    said = (_("From `{file}` ({title}), with overrides from the run file for: {inputs}.") if spec.overridden else
            _("From `{file}` ({title})."))
    lines = [_("## Priors"), "", said.format(
        file=md_code(spec.priors.file), title=in_english(md_text(spec.priors.title)),
        inputs=", ".join(f"`{md_code(name)}`" for name in spec.overridden)), "", *tables["priors"].to_markdown()]
    if spec.priors.correlations:
        pairs = ", ".join(_("{first} and {second}: {rank}").format(
            first=md_text(c.first), second=md_text(c.second), rank=number(c.rank)) for c in spec.priors.correlations)
        lines += ["", _("Rank correlations (Gaussian copula): {pairs}.").format(pairs=pairs)]
    return [*lines, ""]


def _reproduce(result: Result, _tables: Tables) -> list[str]:
    spec = result.spec
    undrawn = [] if spec.figures != NO_FIGURES else [
        _("This report's figures were not drawn (figure style `none`): the command above with `--figures default` "
          "or `--figures journal` draws them, and `Result.plot` draws one in Python."), ""]
    took = ", ".join(f"{_(name)} {fixed(seconds, 1)} s" for name, seconds in result.seconds.items())
    samples = _("{n} samples").format(n=decimal(spec.samples))
    if result.stopped_early:
        samples = _("{n} samples requested, {evaluated} evaluated").format(n=decimal(spec.samples),
                                                                           evaluated=decimal(result.samples))
    if spec.file == PYTHON:
        return [_("## Reproducing this report"), "",
                _("Made in Python (`mcsim.run`) without a run file, with mcsim {version}: {samples}, sampler "
                  "{sampler}, seed {seed}, model `{model}`. It cannot be rerun from files: write its priors and run "
                  "files to rerun it.").format(version=__version__, samples=samples, sampler=spec.sampler,
                                                seed=spec.seed, model=spec.model.name),
                _("Time taken: {took}. `summary.json` lists the versions of every dependency.").format(took=took), "",
                *undrawn]
    return [_("## Reproducing this report"), "",
            _("`{command}` with mcsim {version}: {samples}, sampler {sampler}, model `{model}`.").format(
                command=md_code(command(spec)), version=__version__, samples=samples, sampler=spec.sampler,
                model=spec.model.name),
            _("Run file sha256 `{run}`; priors file sha256 `{priors}`. Time taken: {took}. `summary.json` lists the "
              "versions of every dependency.").format(run=spec.sha256, priors=spec.priors.sha256, took=took), "",
            *undrawn]


def _published(result: Result, _tables: Tables) -> list[str]:
    """The publication the run reproduces, as printed, against the model at the priors' points, in the report's
    language."""
    return published_section(result.spec.published, result.spec.priors)


#: Every section of a run's report, by key.
SECTIONS = {section.key: section for section in (
    Section("opening", _opening, methods=(paragraphs.model_and_sampling,)),
    Section("verdict", verdict_markdown, verdict_tables, verdict_figures, N_("### Verdict figures"),
            methods=(paragraphs.verdict,), applies=lambda result: bool(result.claims)),
    Section("claims", claims_markdown, claims_tables, applies=lambda result: bool(result.claims)),
    Section("observations", observations_markdown, observation_tables, posterior_figures,
            N_("### Figures given the observations"), methods=(paragraphs.posterior,),
            applies=lambda result: result.posterior is not None),
    Section("outputs", _outputs, output_tables, run_figures, N_("### Output figures"),
            methods=(paragraphs.statistics,)),
    Section("medians", medians_markdown, median_tables, methods=(paragraphs.medians,),
            applies=lambda result: bool(result.medians)),
    Section("sensitivity", _sensitivity, sensitivity_tables, _sensitivity_figures, N_("### Sensitivity figures"),
            methods=(paragraphs.sensitivity, paragraphs.shapley, paragraphs.crosschecks, paragraphs.tornado),
            applies=lambda result: result.sensitivity is not None),
    Section("value_of_information", value_of_information_markdown, information_tables, value_of_information_figures,
            N_("### Value of information figures"), methods=(paragraphs.value_of_information,),
            applies=lambda result: result.value_of_information is not None),
    Section("publication", _published, methods=(paragraphs.comparison,),
            applies=lambda result: has_section(result.spec.published, result.spec.priors)),
    Section("methods", _methods),
    Section("priors", _priors, priors_tables, methods=(paragraphs.priors,)),
    Section("reproduce", _reproduce),
)}

#: The order of ``report.md``: the answer first, then what supports it, the methods, the priors and how to rerun.
REPORT = ("opening", "verdict", "claims", "observations", "outputs", "medians", "sensitivity", "value_of_information",
          "publication", "methods", "priors", "reproduce")
#: The order of the methods: a paper's (the model and sampling, the priors, the statistics, then each analysis).
METHODS = ("opening", "priors", "outputs", "observations", "medians", "sensitivity", "verdict", "value_of_information",
           "publication")
#: The sections whose figures are drawn first, the slowest first: the drawing processes then finish together.
DRAWN = ("sensitivity", "verdict", "outputs", "observations", "value_of_information")


def sections(result: Result, order: Sequence[str] = REPORT) -> list[Section]:
    """The sections of ``result``'s report that apply to it, in ``order``."""
    return [SECTIONS[key] for key in order if SECTIONS[key].applies(result)]


def run_tables(result: Result) -> list[Table]:
    """Every table of a run's report, in the order the report shows them."""
    return [table for section in sections(result) for table in section.tables(result)]


def plan_figures(result: Result) -> dict[str, list[Figure]]:
    """The report's figures, in the run's figure style (the default one for the style ``none``, whose report draws
    none), undrawn, by section in the report's order (the sections that have any). Each
    :class:`~mcsim.report.figures.Figure` draws itself."""
    style = look(result.spec.figures)
    planned = {section.key: section.figures(result, style) for section in sections(result)}
    return {key: figures for key, figures in planned.items() if figures}


def drawing_order(figures: Mapping[str, Sequence[Figure]]) -> list[Figure]:
    """``figures`` (:func:`plan_figures`) in the order they are best drawn in: :data:`DRAWN`'s sections first."""
    first = sorted(figures, key=lambda key: DRAWN.index(key) if key in DRAWN else len(DRAWN))
    return [figure for key in first for figure in figures[key]]


def methods_of(result: Result) -> paragraphs.Methods:
    """Every paragraph of the methods but the software's, in the order a paper gives them."""
    methods = paragraphs.Methods()
    for section in sections(result, METHODS):
        for paragraph in section.methods:
            paragraph(methods, result)
    return methods


def build_methods(result: Result, versions: Mapping[str, str]) -> tuple[str, str, str]:
    """``methods.md``, ``methods.tex`` and ``references.bib`` of a run, as texts (see
    :func:`mcsim.report.methods.render_methods`)."""
    return paragraphs.render_methods(methods_of(result), result, versions)
