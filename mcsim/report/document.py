"""``report.md`` and its self-contained twin ``report.html`` (figures embedded)."""

from __future__ import annotations

import base64
import html
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import markdown

from mcsim.i18n import _, language
from mcsim.report.figures import Figure
from mcsim.report.sections import run_tables, sections
from mcsim.report.table import Table
from mcsim.report.text import md_text
from mcsim.result import Result

__all__ = ["TAB", "figure_lines", "render_html", "render_markdown"]

#: The indentation of a nested list in report.md (CommonMark's two spaces), which Python-Markdown must be told.
TAB = 2

def figure_lines(figures: Sequence[Figure], numbers: Iterator[int], heading: str = "") -> list[str]:
    """Figures with their captions, under ``heading`` where given, numbered in the order the report shows them
    ("Figure 3. ...")."""
    if not figures:
        return []
    lines = [heading, ""] if heading else []
    for fig in figures:
        n = next(numbers)
        figure = _("Figure {n}").format(n=n)
        lines += [f"![{figure}](figures/{fig.stem}.png)", "",
                  _("*{figure}. {caption}* (PDF: `{path}`)").format(figure=figure, caption=md_text(fig.caption),
                                                                     path=f"figures/{fig.stem}.pdf"), ""]
    return lines


def render_markdown(result: Result, figures: Mapping[str, Sequence[Figure]] | None = None,
                    tables: Sequence[Table] | None = None) -> str:
    """The whole report as Markdown, every text from an input file escaped; it computes nothing.

    Each section of the report (:mod:`mcsim.report.sections`) in turn: its text, then its figures (``figures``, by
    section, as :func:`~mcsim.report.sections.plan_figures` gives them; none where not given), numbered in the
    order they are shown; its tables are ``tables`` (:func:`~mcsim.report.sections.run_tables`, made here where not
    given). It opens with the answer (:func:`~mcsim.report.verdict.answer_markdown`).
    """
    figures = figures or {}
    numbers = itertools.count(1)
    tables = {table.stem: table for table in (run_tables(result) if tables is None else tables)}
    lines = []
    for section in sections(result):
        lines += section.text(result, tables)
        lines += figure_lines(figures.get(section.key, ()), numbers, _(section.figures_heading))
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
