"""``report.md`` and its self-contained twin ``report.html`` (figures embedded)."""

from __future__ import annotations

import base64
import html
import itertools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import markdown

from mcsim._version import __version__
from mcsim.errors import PYTHON
from mcsim.i18n import N_, _, language
from mcsim.report.attribution import medians_markdown, tail_notes
from mcsim.report.figures import Figure
from mcsim.report.methods import methods_section
from mcsim.report.posterior import observations_markdown
from mcsim.report.sensitivity import sensitivity_markdown
from mcsim.report.style import NO_FIGURES
from mcsim.report.tables import Table, run_tables
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
from mcsim.report.value_of_information import value_of_information_markdown
from mcsim.report.verdict import answer_markdown, verdict_markdown
from mcsim.result import Result
from mcsim.serialise import command

__all__ = ["TAB", "render_html", "render_markdown"]

#: The indentation of a nested list in report.md (CommonMark's two spaces), which Python-Markdown must be told.
TAB = 2

#: The steps a run times (Result.seconds), said in the report's language.
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


def claims_markdown(result: Result, tables: Mapping[str, Table] | None = None) -> list[str]:
    """The claims' section: each claim's test, probability, standard error, interval and verdict at the points."""
    if not result.claims:
        return []
    tables = tables or _tables(result)
    stopped = f" ({_stopped(result)})" if result.stopped_early else ""
    return [_("## Claims"), "", *tables["claims"].to_markdown(), "",
            _("Standard errors are binomial; intervals are Wilson score intervals over {n} samples{stopped}.")
            .format(n=decimal(result.samples), stopped=stopped), ""]


def _tables(result: Result) -> dict[str, Table]:
    return {table.stem: table for table in run_tables(result)}


def _outputs(result: Result, tables: Mapping[str, Table]) -> list[str]:
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


def _figures(figures: list[Figure], numbers: Iterator[int], heading: str | None = None) -> list[str]:
    """Figures with their captions, numbered in the order the report shows them ("Figure 3. ...")."""
    if not figures:
        return []
    lines = [heading or _("## Figures"), ""]
    for fig in figures:
        n = next(numbers)
        figure = _("Figure {n}").format(n=n)
        lines += [f"![{figure}](figures/{fig.stem}.png)", "",
                  _("*{figure}. {caption}* (PDF: `{path}`)").format(figure=figure, caption=md_text(fig.caption),
                                                                     path=f"figures/{fig.stem}.pdf"), ""]
    return lines


def _priors(result: Result, tables: Mapping[str, Table]) -> list[str]:
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


def _reproduce(result: Result) -> list[str]:
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


def render_markdown(result: Result, figures: list[Figure], sensitivity_figures: list[Figure] = (),
                    verdict_figures: list[Figure] = (), information_figures: list[Figure] = ()) -> str:
    """The whole report as Markdown, every text from an input file escaped; it computes nothing.

    It opens with the answer (:func:`~mcsim.report.verdict.answer_markdown`), then the details.
    """
    spec = result.spec
    numbers = itertools.count(1)
    stopped = f": {_stopped(result, why=True)}" if result.stopped_early else ""
    cited = f" ({md_text(_(spec.model.citation))})" if spec.model.citation else ""
    lines = [f"# {md_text(spec.title_in(spec.lang))}", "", *answer_markdown(result),
             _("Model: {description}{citation}. {n} samples ({sampler}, seed {seed}){stopped}.").format(
                 description=md_text(_(spec.model.description)), citation=cited, n=decimal(result.samples),
                 sampler=spec.sampler, seed=spec.seed, stopped=stopped), ""]
    lines += verdict_markdown(result) + _figures(list(verdict_figures), numbers, _("### Verdict figures"))
    tables = _tables(result)
    lines += claims_markdown(result, tables) + observations_markdown(result)
    lines += _outputs(result, tables) + medians_markdown(result) + _figures(figures, numbers)
    if result.sensitivity is not None:
        lines += [sensitivity_markdown(result.sensitivity, input_labels(spec.priors)), "",
                  *_figures(list(sensitivity_figures), numbers, _("### Sensitivity figures"))]
    lines += value_of_information_markdown(result) + _figures(list(information_figures), numbers,
                                                              _("### Value of information figures"))
    lines += list(result.published) + methods_section(result) + _priors(result, tables) + _reproduce(result)
    return "\n".join(lines)


_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; display: block; max-width: 100%;
        overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; overflow-wrap: anywhere; }
pre, code { white-space: pre-wrap; overflow-wrap: anywhere; }
th { background: #f3f3f3; }
span.n { white-space: nowrap; }
img { max-width: 100%; }
code { background: #f5f5f5; padding: 0 0.2rem; }
nav.contents { background: #fafafa; border: 1px solid #ddd; padding: 0.5rem 1rem; margin: 1rem 0; }
nav.contents h2 { font-size: 1rem; margin: 0.25rem 0; }
nav.contents ul { margin: 0.25rem 0; }
"""


#: A table cell, and a number in it (its sign, a dollar and the digits' separators included).
_CELL = re.compile(r"(<t[dh][^>]*>)(.*?)(</t[dh]>)", re.DOTALL)
_NUMBER = re.compile(r"[-\u2212]?\$?\d(?:[\d.,\u202f\u00a0]*\d)?")


def _unbroken(cell: str) -> str:
    """``cell``'s HTML with each number in a span the browser never breaks across lines (tags and character
    references left whole)."""
    parts = re.split(r"(<[^>]*>|&#?\w+;)", cell)  # text at even places, tags and references at odd ones
    return "".join(part if i % 2 else _NUMBER.sub(r'<span class="n">\g<0></span>', part)
                   for i, part in enumerate(parts))


def _with_headings_spaces(contents: str, body: str) -> str:
    """The table of contents with each entry's text as its heading has it: the toc extension turns no-break spaces
    (French typography: « Sensibilité : … ») into ordinary ones, which may break the line before a colon."""
    texts = dict(re.findall(r'<h[23] id="([^"]+)">(.*?)</h[23]>', body))

    def heading(match: re.Match) -> str:
        said = texts.get(html.unescape(match.group(1)))
        if said is None or re.sub(r"<[^>]+>|\s", "", said) != re.sub(r"\s", "", match.group(2)):
            return match.group(0)  # the entry is not that heading's plain text: left as the extension wrote it
        return f'<a href="#{match.group(1)}">{said}</a>'

    return re.sub(r'<a href="#([^"]+)">(.*?)</a>', heading, contents)


def render_html(markdown_text: str, figures_dir: Path, title: str) -> str:
    """A self-contained HTML page: the Markdown rendered, PNG figures embedded as data URIs.

    A table of contents of the sections (level 2 and 3 headings) follows the opening answer,
    before the first section.
    """
    renderer = markdown.Markdown(extensions=["tables", "toc"], output_format="html", tab_length=TAB,
                                 extension_configs={"toc": {"toc_depth": "2-3"}})
    body = renderer.convert(markdown_text)
    contents = _with_headings_spaces(getattr(renderer, "toc", ""), body)
    first = body.find("<h2")
    if first >= 0 and "<li>" in contents:
        heading = html.escape(_("Contents"))
        body = f'{body[:first]}<nav class="contents">\n<h2>{heading}</h2>\n{contents}</nav>\n{body[first:]}'

    def embed(match: re.Match) -> str:
        png = (figures_dir / match.group(1)).read_bytes()
        return 'src="data:image/png;base64,' + base64.b64encode(png).decode("ascii") + '"'

    body = re.sub(r'src="figures/([\w.-]+\.png)"', embed, body)
    body = _CELL.sub(lambda cell: cell[1] + _unbroken(cell[2]) + cell[3], body)
    safe_title = html.escape(title)
    return (f'<!DOCTYPE html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{safe_title}</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
