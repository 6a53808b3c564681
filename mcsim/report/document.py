"""``report.md`` and its self-contained twin ``report.html`` (figures embedded)."""

from __future__ import annotations

import base64
import html
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import markdown

from mcsim import __version__
from mcsim.report.attribution import mean_note, medians_markdown, tail_notes
from mcsim.report.figures import Figure
from mcsim.report.sensitivity import sensitivity_markdown
from mcsim.report.text import count, grid_against, grid_column, md_cell, md_code, md_text, number, percent
from mcsim.report.verdict import answer_markdown, claim_condition, methods_markdown, verdict_markdown
from mcsim.result import Result

__all__ = ["render_html", "render_markdown"]


def _stopped(result: Result, *, why: bool = False) -> str:
    """Where a run that stopped early stopped, in words ("" for a run that evaluated every sample)."""
    if not result.stopped_early:
        return ""
    said = f"stopped at {result.samples:,} of {result.samples_requested:,} requested"
    if why and result.spec.target_se is not None:
        said += f", once every claim's standard error was at most {result.spec.target_se:g}"
    return said


def _claims(result: Result) -> list[str]:
    if not result.claims:
        return []
    lines = ["## Claims", "", "| claim | test | P(holds) | se | 95 % interval | at the points |",
             "|---|---|---:|---:|---|---|"]
    for c in result.claims.values():
        lines.append(f"| {md_cell(c.claim.text or c.claim.name)} | {md_cell(claim_condition(c, result))} | "
                     f"{c.probability:.4f} | {c.se:.4f} | {c.ci95[0]:.4f} to {c.ci95[1]:.4f} | "
                     f"{'holds' if c.holds_at_point else 'fails'} |")
    stopped = f" ({_stopped(result)})" if result.stopped_early else ""
    lines += ["", "Standard errors are binomial; intervals are Wilson score intervals over "
              f"{result.samples:,} samples{stopped}.", ""]
    return lines


def _outputs(result: Result) -> list[str]:
    lines = ["## Outputs", "", "| output | unit | median | p05 | p95 | P(infinite) | mean | sd |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for out in result.spec.model.outputs:
        if out.per_user:
            continue
        s = result.outputs[out.name]
        never = percent(float(s.p_never)) if s.p_never is not None else ""
        lines.append(f"| {md_cell(out.label)} | {md_cell(out.unit)} | {number(float(s.p50))} | "
                     f"{number(float(s.p05))} | {number(float(s.p95))} | {never} | "
                     f"{mean_note(result, out.name, number(float(s.mean)))} | "
                     f"{mean_note(result, out.name, number(float(s.sd)))} |")
    lines += ["", "Means and sds are over finite samples; quantiles over all samples, infinite included "
              "(*never* marks an infinite quantile).", "", *tail_notes(result)]
    for out in result.spec.model.outputs:
        if not out.per_user:
            continue
        s = result.outputs[out.name]
        positive = "P(> 0) |" if s.p_positive is not None else ""
        grid = result.spec.grid
        lines += [f"### {grid_against(f'{md_text(out.label)} ({md_text(out.unit)})', grid)}", "",
                  f"| {grid_column(grid)} | mean | p05 | median | p95 | {positive}",
                  "|---:|---:|---:|---:|---:|" + ("---:|" if positive else "")]
        for i, at in enumerate(result.spec.grid_values):
            shown = f"{at:,.0f}" if grid.log_scale else count(at)
            row = (f"| {shown} | {number(float(s.mean[i]))} | {number(float(s.p05[i]))} | "
                   f"{number(float(s.p50[i]))} | {number(float(s.p95[i]))} |")
            if positive:
                row += f" {float(s.p_positive[i]):.4f} |"
            lines.append(row)
        lines.append("")
    return lines


def _figures(figures: list[Figure], numbers: Iterator[int], heading: str = "## Figures") -> list[str]:
    """Figures with their captions, numbered in the order the report shows them ("Figure 3. ...")."""
    if not figures:
        return []
    lines = [heading, ""]
    for fig in figures:
        n = next(numbers)
        lines += [f"![Figure {n}](figures/{fig.stem}.png)", "",
                  f"*Figure {n}. {md_text(fig.caption)}* (PDF: `figures/{fig.stem}.pdf`)", ""]
    return lines


def _priors(result: Result) -> list[str]:
    spec = result.spec
    lines = ["## Priors", "", f"From `{md_code(spec.priors.file)}` ({md_text(spec.priors.title)})"
             + (f", with overrides from the run file for: {md_text(', '.join(spec.overridden))}" if spec.overridden
                else "") + ".", "",
             "| input | unit | point | distribution | source |", "|---|---|---:|---|---|"]
    for prior in spec.priors.inputs:
        lines.append(f"| {md_cell(prior.label or prior.name)} (`{md_code(prior.name)}`) | {md_cell(prior.unit)} | "
                     f"{number(prior.point)} | {md_cell(prior.distribution.describe())} | {md_cell(prior.source)} |")
    if spec.priors.correlations:
        lines += ["", "Rank correlations (Gaussian copula): " + ", ".join(
            f"{md_text(c.first)} and {md_text(c.second)}: {c.rank:g}" for c in spec.priors.correlations) + "."]
    return [*lines, ""]


def _reproduce(result: Result) -> list[str]:
    spec = result.spec
    took = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.seconds.items())
    samples = f"{spec.samples:,} samples"
    if result.stopped_early:
        samples += f" requested, {result.samples:,} evaluated"
    return ["## Reproducing this report", "",
            f"`mcsim run {md_code(spec.file)} --samples {spec.samples} --seed {spec.seed}` with mcsim {__version__}: "
            f"{samples}, sampler {spec.sampler}, model `{spec.model.name}`.",
            f"Run file sha256 `{spec.sha256}`; priors file sha256 `{spec.priors.sha256}`. "
            f"Time taken: {took}. `summary.json` lists the versions of every dependency.", ""]


def _methods(result: Result) -> list[str]:
    said = methods_markdown(result)
    return ["## Methods", "", *said] if said else []


def render_markdown(result: Result, figures: list[Figure], sensitivity_figures: list[Figure] = (),
                    verdict_figures: list[Figure] = ()) -> str:
    """The whole report as Markdown, every text from an input file escaped; it computes nothing.

    It opens with the answer (:func:`~mcsim.report.verdict.answer_markdown`), then the details.
    """
    spec = result.spec
    numbers = itertools.count(1)
    stopped = f": {_stopped(result, why=True)}" if result.stopped_early else ""
    lines = [f"# {md_text(spec.title)}", "", *answer_markdown(result),
             f"Model: {md_text(spec.model.description)}"
             + (f" ({md_text(spec.model.citation)})" if spec.model.citation else "") + ". "
             f"{result.samples:,} samples ({spec.sampler}, seed {spec.seed}){stopped}.", ""]
    lines += verdict_markdown(result) + _figures(list(verdict_figures), numbers, "### Verdict figures")
    lines += _claims(result) + _outputs(result) + medians_markdown(result) + _figures(figures, numbers)
    if result.sensitivity is not None:
        lines += [sensitivity_markdown(result.sensitivity), "",
                  *_figures(list(sensitivity_figures), numbers, "### Sensitivity figures")]
    lines += list(result.published) + _methods(result) + _priors(result) + _reproduce(result)
    return "\n".join(lines)


_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f3f3f3; }
img { max-width: 100%; }
code { background: #f5f5f5; padding: 0 0.2rem; }
nav.contents { background: #fafafa; border: 1px solid #ddd; padding: 0.5rem 1rem; margin: 1rem 0; }
nav.contents h2 { font-size: 1rem; margin: 0.25rem 0; }
nav.contents ul { margin: 0.25rem 0; }
"""


def render_html(markdown_text: str, figures_dir: Path, title: str) -> str:
    """A self-contained HTML page: the Markdown rendered, PNG figures embedded as data URIs.

    A table of contents of the sections (level 2 and 3 headings) follows the opening answer,
    before the first section.
    """
    renderer = markdown.Markdown(extensions=["tables", "toc"], output_format="html",
                                 extension_configs={"toc": {"toc_depth": "2-3"}})
    body = renderer.convert(markdown_text)
    contents = getattr(renderer, "toc", "")
    first = body.find("<h2")
    if first >= 0 and "<li>" in contents:
        body = f'{body[:first]}<nav class="contents">\n<h2>Contents</h2>\n{contents}</nav>\n{body[first:]}'

    def embed(match: re.Match) -> str:
        png = (figures_dir / match.group(1)).read_bytes()
        return 'src="data:image/png;base64,' + base64.b64encode(png).decode("ascii") + '"'

    body = re.sub(r'src="figures/([\w.-]+\.png)"', embed, body)
    safe_title = html.escape(title)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{safe_title}</title>\n'
            f"<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
