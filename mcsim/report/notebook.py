"""A run as a notebook shows it: a few lines for ``repr``, the answer and the claims for ``_repr_html_``, and the
report's tables as pandas DataFrames.

Each is a view of the :class:`~mcsim.result.Result`, in the run's language, made from the same words and tables
as the report (:mod:`mcsim.report.document`, :mod:`mcsim.report.tables`); nothing is drawn or written.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np

from mcsim.i18n import _, decimal, speaking
from mcsim.report.document import TAB
from mcsim.report.likelihood import term
from mcsim.report.sections import claims_markdown, run_tables
from mcsim.report.tables import TABLES
from mcsim.report.text import estimate, md_text
from mcsim.report.verdict import answer_markdown
from mcsim.result import Result

if TYPE_CHECKING:
    import pandas

__all__ = ["notebook_html", "notebook_markdown", "short_repr", "tables"]


def _estimate(claim) -> str:
    """'0.437 (0.436 to 0.438)': a claim's probability to the decimals its interval allows."""
    p, low, high = estimate(claim.probability, claim.ci95)
    return f"{p} ({low} to {high})"


def short_repr(result: Result) -> str:
    """A few lines: the title, the model, the samples, and each claim's probability with its interval and term."""
    spec = result.spec
    lines = [f"<mcsim result: {spec.title!r}, model {spec.model.name}, {result.samples:,} samples "
             f"({spec.sampler}, seed {spec.seed})>"]
    with speaking("en"):
        for name, c in result.claims.items():
            lines.append(f"  {name}: P = {_estimate(c)}, {term(c.probability)}")
        posterior = result.posterior
        for name, c in posterior.claims.items() if posterior is not None else ():
            lines.append(f"  {name} given the observations: P = {_estimate(c)}, {term(c.probability)}")
    if result.posterior is not None:
        lines.append(f"  posterior: effective sample size {result.posterior.ess:,.0f}, Pareto k-hat "
                     f"{result.posterior.khat:.2f}, {'reliable' if result.posterior.reliable else 'NOT reliable'}")
    if not result.claims:
        lines.append("  (no claims; see .outputs, .tables(), .summary)")
    return "\n".join(lines)


def notebook_markdown(result: Result) -> str:
    """The report's title, its opening answer, the run in one line and the claims' table, as Markdown."""
    spec = result.spec
    with speaking(spec.lang):
        lines = [f"### {md_text(spec.title_in(spec.lang))}", "", *answer_markdown(result),
                 _("Model: {description}{citation}. {n} samples ({sampler}, seed {seed}){stopped}.").format(
                     description=md_text(_(spec.model.description)), citation="", n=decimal(result.samples),
                     sampler=spec.sampler, seed=spec.seed, stopped=""), ""]
        lines += [line.replace("## ", "#### ", 1) if line.startswith("## ") else line
                  for line in claims_markdown(result)]
    return "\n".join(lines)


def notebook_html(result: Result) -> str:
    """:func:`notebook_markdown` as an HTML fragment (no figure, no style sheet: the notebook's own)."""
    import markdown

    body = markdown.markdown(notebook_markdown(result), extensions=["tables"], output_format="html", tab_length=TAB)
    return f'<div class="mcsim-result" lang="{html.escape(result.spec.lang)}">\n{body}\n</div>'


def tables(result: Result) -> dict[str, pandas.DataFrame]:
    """The report's tables (``tables/<name>.csv``) as DataFrames, by name, numbers as numbers.

    Each DataFrame's ``attrs`` give its ``file`` in a written report; units are in each table's
    ``unit`` column where it has one, as in the CSV files. An infinite value is ``inf``, a missing
    one NaN.
    """
    import pandas

    with speaking(result.spec.lang):
        found = run_tables(result)
    frames = {}
    for table in found:
        columns = {head: [row[i] for row in table.rows] for i, head in enumerate(table.header)}
        frame = pandas.DataFrame({head: _numbers(values) for head, values in columns.items()})
        frame.attrs["file"] = f"{TABLES}/{table.stem}.csv"
        frames[table.stem] = frame
    return frames


def _numbers(values: list) -> list | np.ndarray:
    """A column of numbers (None: missing) as floats with NaN; any other column as it is."""
    values = [v.item() if isinstance(v, np.ndarray | np.generic) and np.ndim(v) == 0 else v for v in values]
    def is_number(v) -> bool:
        return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)

    if values and all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_) for v in values):
        return np.array(values, dtype=np.int64)
    if values and all(v is None or is_number(v) for v in values) and any(v is not None for v in values):
        return np.array([np.nan if v is None else float(v) for v in values])
    return values
