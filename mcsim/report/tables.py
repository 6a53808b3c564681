"""A report's ``tables/``: each table as CSV (for scripts) and as a booktabs ``tabular`` (for a paper).

The CSV files are UTF-8 with a header row of fixed identifiers (``p05``, ``ci95_low``...; the
same in every language, so scripts can rely on them), a unit in a column of its own or in the
header, and plain numbers in full precision (Python's shortest round-trip form; ``inf`` for an
infinite value, an empty cell for none). The ``.tex`` files hold a bare ``tabular`` in the
report's language, with numbers as a paper writes them (:mod:`mcsim.report.latex`), to be
``\\input{}`` into a ``table`` environment with the author's caption; a suggested caption is a
comment at its top.

Tables: ``outputs`` (each scalar output's statistics), ``outputs_by_<grid>_<output>`` (an
output over the users grid), ``claims``, ``sobol_indices``, ``tipping_points`` and ``priors``;
for a batch, ``claims_by_scenario`` and ``<output>_by_scenario`` in the comparison's folder.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mcsim.i18n import _
from mcsim.report.latex import tabular, tex_number, tex_text
from mcsim.report.likelihood import straddle, term
from mcsim.report.priors_words import describe_distribution
from mcsim.report.text import decimal, fixed, format_value, input_label, names_its_unit, number, percent
from mcsim.report.verdict import claim_condition, tipping_cells
from mcsim.result import Result

__all__ = ["TABLES", "Table", "comparison_tables", "csv_number", "run_tables", "write_tables"]

TABLES = "tables"  # the folder of a report that holds them


@dataclass(frozen=True)
class Table:
    """One table: its file stem, its CSV header and rows (raw values), and its LaTeX ``tabular``."""

    stem: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    tex: str

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows([csv_number(value) for value in row] for row in self.rows)
        return buffer.getvalue()


def csv_number(value: Any) -> str:
    """A cell of a CSV file: a number in full precision (``repr``), ``inf``, or ``""`` for none."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return ""
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    return str(value)


def write_tables(tables: Iterable[Table], folder: Path) -> None:
    """Write each table as ``<stem>.csv`` and ``<stem>.tex`` into ``folder`` (made if missing)."""
    folder.mkdir(exist_ok=True)
    for table in tables:
        (folder / f"{table.stem}.csv").write_text(table.to_csv(), encoding="utf-8")
        (folder / f"{table.stem}.tex").write_text(table.tex, encoding="utf-8")


def _value(value: float | None, unit: str, digits: int = 3, *, unit_shown: bool = False) -> str:
    """A number in its unit, in LaTeX: '5.41 million', '\\$40.0 million', '56.3\\,\\%'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "---"
    if math.isinf(value):
        return tex_text(_("infinite") if value > 0 else _("minus infinity"))
    return tex_number(format_value(float(value), unit, digits, unit_shown=unit_shown))


def _share(value: float | None, digits: int = 1) -> str:
    """A share as a percentage in LaTeX: '26.1\\,\\%'."""
    if value is None or math.isnan(value):
        return "---"
    return tex_number(percent(value, digits))


def _probability(value: float) -> str:
    return tex_number(fixed(value, 3))


def _label_with_unit(label: str, unit: str) -> str:
    """'Total training cost (USD)'; a label that says its unit is left alone."""
    return label if not unit or names_its_unit(label, unit) else f"{label} ({unit})"


# --- the run's tables --------------------------------------------------------------------------------

def run_tables(result: Result) -> list[Table]:
    """Every table of a run's report, in the order the report shows them."""
    tables = [_outputs(result), *_per_user(result), _priors(result)]
    if result.claims:
        tables += [_claims(result), _tipping(result)]
    if result.sensitivity is not None:
        tables.append(_sobol(result))
    return tables


def _outputs(result: Result) -> Table:
    header = ("output", "label", "unit", "mean", "sd", "median", "p05", "p95", "share_infinite", "mean_is_summary")
    rows, tex_rows, marked = [], [], False
    for out in result.spec.model.outputs:
        if out.per_user:
            continue
        s = result.outputs[out.name]
        tail = result.tails.get(out.name)
        summary = None if tail is None else tail.mean_is_summary
        # a mean that is no summary (heavy tail) is not given as a number beside the quantiles (summary.json keeps it)
        mean, sd = (None, None) if summary is False else (s.mean, s.sd)
        rows.append((out.name, out.label, out.unit, mean, sd, s.p50, s.p05, s.p95, s.p_never, summary))
        mark = r"\textsuperscript{a}" if summary is False else ""
        marked = marked or bool(mark)
        never = _share(float(s.p_never)) if s.p_never is not None else "---"
        none = tex_text(_("no summary")) + mark
        tex_rows.append([tex_text(_label_with_unit(_(out.label), _(out.unit))), _value(s.p50, out.unit),
                         _value(s.p05, out.unit), _value(s.p95, out.unit),
                         _value(mean, out.unit) if mark == "" else none, _value(sd, out.unit) if mark == "" else none,
                         never])
    caption = _("Statistics of the outputs over {samples} samples. Quantiles are over every sample, infinite "
                "values included; means and standard deviations are over the finite samples.").format(
                    samples=decimal(result.samples))
    if marked:
        caption += " " + _("(a) The tail of this output is too heavy for its mean to summarise it: neither its mean "
                           "nor its sd is given.")
    header_tex = [tex_text(_(h)) for h in ("Output", "Median", "5th percentile", "95th percentile", "Mean",
                                           "Standard deviation", "Infinite")]
    return Table("outputs", header, tuple(rows), tabular("p{4.4cm}rrrrrr", header_tex, tex_rows, caption=caption))


def _per_user(result: Result) -> list[Table]:
    """Each gridded output at each point of the run's grid (of users, or of months for a model over months)."""
    tables = []
    grid = result.spec.grid
    months = grid.name == "months"
    for out in result.spec.model.outputs:
        if not out.per_user:
            continue
        s = result.outputs[out.name]
        positive = s.p_positive is not None
        header = (grid.name, "unit", "mean", "sd", "median", "p05", "p95") + (("share_positive",) if positive else ())
        rows, tex_rows = [], []
        for i, at in enumerate(result.spec.grid_values):
            row = (at, out.unit, s.mean[i], s.sd[i], s.p50[i], s.p05[i], s.p95[i])
            rows.append(row + ((s.p_positive[i],) if positive else ()))
            cells = [_value(at, grid.name), *(_value(float(v[i]), out.unit) for v in (s.p50, s.p05, s.p95, s.mean))]
            tex_rows.append(cells + ([_share(float(s.p_positive[i]))] if positive else []))
        heads = ["Months" if months else "Monthly users", "Median", "5th percentile", "95th percentile", "Mean"] + (
            ["Share above zero"] if positive else [])
        caption = (_("{label} ({unit}) at each month of the run's grid, over {samples} samples.") if months else
                   _("{label} ({unit}) at each number of monthly users of the run, over {samples} samples.")).format(
            label=_(out.label), unit=_(out.unit), samples=decimal(result.samples))
        tables.append(Table(f"outputs_by_{grid.name}_{out.name}", header, tuple(rows),
                            tabular("r" * len(heads), [tex_text(_(h)) for h in heads], tex_rows, caption=caption)))
    return tables


def _claims(result: Result) -> Table:
    header = ("claim", "text", "test", "probability", "se", "ci95_low", "ci95_high", "likelihood",
              "likelihood_straddles", "holds_at_point", "samples")
    rows, tex_rows = [], []
    for name, c in result.claims.items():
        test = claim_condition(c, result)
        said, reached = term(c.probability), straddle(c.probability, c.ci95)
        rows.append((name, c.claim.text, test, c.probability, c.se, c.ci95[0], c.ci95[1], said,
                     " and ".join(reached), c.holds_at_point, c.samples))
        interval = f"{_probability(c.ci95[0])}--{_probability(c.ci95[1])}"
        words = _(said) + ("" if not reached else " " + _("(its interval reaches {terms})").format(
            terms=_(" and ").join(_(t) for t in reached)))
        tex_rows.append([tex_text(c.claim.text or test), tex_text(test), _probability(c.probability), interval,
                         tex_text(words), tex_text(_("holds") if c.holds_at_point else _("fails"))])
    caption = _("Probability of each claim over {samples} samples, with its 95 % Wilson score interval, in words on "
                "the IPCC's calibrated likelihood scale (Mastrandrea et al. 2010), and whether it holds with every "
                "input at its point value.").format(samples=decimal(result.samples))
    heads = ["Claim", "Test", "Probability", "95 % interval", "Likelihood", "At the points"]
    return Table("claims", header, tuple(rows),
                 tabular("p{4cm}p{4cm}rlp{2.6cm}l", [tex_text(_(h)) for h in heads], tex_rows, caption=caption))


def _priors(result: Result) -> Table:
    priors = result.spec.priors
    header = ("input", "label", "unit", "dist", "parameters", "distribution", "point", "source", "cite")
    rows, tex_rows = [], []
    for prior in priors.inputs:
        params = "; ".join(f"{key}={value!r}" if not isinstance(value, tuple) else f"{key}={list(value)!r}"
                           for key, value in prior.distribution.shown_parameters().items())
        words = describe_distribution(prior.distribution, prior.unit)
        rows.append((prior.name, input_label(prior), prior.unit, prior.distribution.family, params, words,
                     prior.point, prior.source, " ".join(prior.cite)))
        cite = f"~\\cite{{{','.join(prior.cite)}}}" if prior.cite else ""
        tex_rows.append([tex_text(input_label(prior)), tex_text(_(prior.unit)) if prior.unit else "---",
                         tex_number(words), _value(prior.point, prior.unit, unit_shown=True),
                         tex_text(prior.source) + cite])
    caption = _("The priors ({file}): each input's distribution, its point value (used for the tipping points) and "
                "the source of its numbers.").format(file=Path(priors.file).name)
    heads = ["Input", "Unit", "Distribution", "Point", "Source"]
    return Table("priors", header, tuple(rows),
                 tabular("p{2.6cm}p{1.8cm}p{3.6cm}rp{6.2cm}", [tex_text(_(h)) for h in heads], tex_rows,
                         caption=caption))


def _input_names(result: Result) -> dict[str, tuple[str, str]]:
    """Each input's label (in the report's language) and unit, by name."""
    return {prior.name: (input_label(prior), prior.unit) for prior in result.spec.priors.inputs}


def _tipping(result: Result) -> Table:
    names = _input_names(result)
    header = ("claim", "input", "label", "unit", "value", "fails", "quantile", "failing_share", "method",
              "other_flip", "other_fails", "other_quantile", "holds_at_point")
    rows, tex_rows = [], []
    for claim, cv in result.verdict.claims.items():
        text = result.claims[claim].claim.text or claim_condition(result.claims[claim], result)
        tex_rows.append(f"\\multicolumn{{5}}{{l}}{{\\emph{{{tex_text(text)}}}}} \\\\")
        for t in cv.tipping:
            label, unit = names.get(t.input, (t.input, ""))
            share = t.failing_share
            rows.append((claim, t.input, label, unit, t.value, t.fails, t.quantile, share, t.method, t.other_flip,
                         t.other_fails, t.other_quantile, t.holds_at_point))
            side, at, percentile = tipping_cells(t, lambda v, u=unit: _value(v, u, unit_shown=True))
            tex_rows.append([r"\quad " + tex_text(label), tex_text(side), at or "---",
                             tex_number(percentile) if percentile else "---",
                             _probability(share) if share is not None else "---"])
        tex_rows.append(r"\addlinespace")
    if tex_rows and tex_rows[-1] == r"\addlinespace":
        tex_rows.pop()
    caption = _("Tipping points: the value of each input at which the claim flips, every other input at its point "
                "value; where that value sits in the input's prior (percentile), and the prior's probability of the "
                "side where the claim fails.")
    heads = ["Input", "The claim fails", "At", "Percentile", "P(failing side)"]
    return Table("tipping_points", header, tuple(rows),
                 tabular("llrrr", [tex_text(_(h)) for h in heads], tex_rows, caption=caption))


def _sobol(result: Result) -> Table:
    sensitivity = result.sensitivity
    names = _input_names(result)
    conf = sensitivity.spec.conf_level
    header = ("target", "kind", "transform", "input", "label", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high",
              "conf_level", "base_samples", "converged")
    rows, tex_rows = [], []
    for target in sensitivity.targets:
        t = target.target
        what = (result.claims[t.key].claim.text or t.key) if t.kind == "claim" and t.key in result.claims \
            else _(t.label or t.output)
        kind = _("claim") if t.kind == "claim" else _("output")
        tex_rows.append(f"\\multicolumn{{5}}{{l}}{{\\emph{{{tex_text(f'{kind}: {what}')}}}}} \\\\")
        ix = target.indices
        if ix is None:
            rows.append((t.key, t.kind, t.transform, None, None, None, None, None, None, None, None, conf, None, None))
            tex_rows.append(f"\\multicolumn{{5}}{{l}}{{\\quad {tex_text(target.undefined or _('undefined'))}}} \\\\")
            continue
        for j in np.argsort(-ix.ST, kind="stable"):
            name = ix.names[j]
            s1, s1c, st, stc = (float(ix.S1[j]), float(ix.S1_conf[j]), float(ix.ST[j]), float(ix.ST_conf[j]))
            (s1_low, s1_high), (st_low, st_high) = index_interval(s1, s1c), index_interval(st, stc)
            rows.append((t.key, t.kind, t.transform, name, names.get(name, (name, ""))[0], s1, s1_low, s1_high,
                         st, st_low, st_high, conf, ix.base_samples, target.converged))
            tex_rows.append([r"\quad " + tex_text(names.get(name, (name, ""))[0]), _index(s1),
                             f"{_index(s1_low)} -- {_index(s1_high)}", _index(st),
                             f"{_index(st_low)} -- {_index(st_high)}"])
        tex_rows.append(r"\addlinespace")
    if tex_rows and tex_rows[-1] == r"\addlinespace":
        tex_rows.pop()
    caption = _("First-order (S1) and total (ST) Sobol indices with their {level} % intervals, by output and by "
                "claim (a claim through its indicator), inputs by decreasing ST; an interval is clipped to [0, 1], "
                "where an index lies. On a Saltelli design of its own, seed {seed}.").format(
                    level=number(100 * conf), seed=sensitivity.seed)
    heads = ["Input", "S1", "Interval", "ST", "Interval"]
    return Table("sobol_indices", header, tuple(rows),
                 tabular("lrcrc", [tex_text(_(h)) for h in heads], tex_rows, caption=caption))


def index_interval(value: float, half: float) -> tuple[float, float]:
    """An index's interval, ``value`` +/- ``half``, clipped to [0, 1]: an index is a share of a variance."""
    return max(value - half, 0.0), min(value + half, 1.0)


def _index(value: float) -> str:
    """A Sobol index to two decimals, a minus sign in math mode."""
    text = fixed(value, 2)
    return f"${text}$" if text.startswith("-") else text


# --- the comparison's tables -----------------------------------------------------------------------------

def comparison_tables(data: dict) -> list[Table]:
    """The tables of a batch's comparison, from its ``summary.json`` content."""
    scenarios = data["scenarios"]
    header = ("scenario", "title", "claim", "text", "probability", "ci95_low", "ci95_high", "likelihood",
              "holds_at_point")
    names: list[str] = []
    for s in scenarios:
        names += [n for n in s["claims"] if n not in names]
    rows, tex_rows = [], []
    for name in names:
        text = next((s["claims"][name].get("text") for s in scenarios if s["claims"].get(name, {}).get("text")), name)
        tex_rows.append(f"\\multicolumn{{4}}{{l}}{{\\emph{{{tex_text(text)}}}}} \\\\")
        for s in scenarios:
            c = s["claims"].get(name)
            if c is None or c.get("probability") is None:
                continue
            p, (low, high) = c["probability"], c["ci95"]
            rows.append((s["stem"], s["title"], name, c.get("text"), p, low, high, term(p), c.get("holds_at_point")))
            tex_rows.append([r"\quad " + tex_text(s["title"]), _probability(p),
                             f"{_probability(low)}--{_probability(high)}", tex_text(_(term(p)))])
        tex_rows.append(r"\addlinespace")
    if tex_rows and tex_rows[-1] == r"\addlinespace":
        tex_rows.pop()
    caption = _("Each claim's probability by scenario, with its 95 % Wilson score interval and its term on the "
                "IPCC's calibrated likelihood scale.")
    heads = ["Scenario", "Probability", "95 % interval", "Likelihood"]
    tables = [Table("claims_by_scenario", header, tuple(rows),
                    tabular("lrll", [tex_text(_(h)) for h in heads], tex_rows, caption=caption))]
    groups = data.get("groups") or [{"scenarios": [s["stem"] for s in scenarios], "focus": data.get("focus")}]
    for group in groups:  # one model's scenarios each (a batch may run several models)
        if group["focus"] is not None:
            members = [s for s in scenarios if s["stem"] in group["scenarios"]]
            tables.append(_focus_by_scenario(members, group["focus"]))
    return tables


def _focus_by_scenario(scenarios: Sequence[dict], focus: dict) -> Table:
    name, unit = focus["output"], focus.get("unit") or ""
    header = ("scenario", "title", "unit", "median", "p05", "p95", "mean", "share_infinite")
    rows, tex_rows = [], []
    infinite = focus.get("infinite_means") is not None
    for s in scenarios:
        o = s["outputs"].get(name, {})

        def value(key: str, o=o) -> float | None:
            v = o.get(key)
            # null in a summary stands for +infinity, except a share that is missing
            return None if v is None and key in ("p_never", "mean") else (math.inf if v is None else float(v))

        mean = None if o.get("mean_is_summary") is False else value("mean")  # a heavy tail's mean is no summary
        rows.append((s["stem"], s["title"], unit, value("p50"), value("p05"), value("p95"), mean,
                     value("p_never") if infinite else None))
        cells = [tex_text(s["title"]), _value(value("p50"), unit), _value(value("p05"), unit),
                 _value(value("p95"), unit)]
        tex_rows.append(cells + ([_share(value("p_never"))] if infinite else []))
    heads = ["Scenario", "Median", "5th percentile", "95th percentile"] + (["Infinite"] if infinite else [])
    caption = _("{label} by scenario: median and 90 % interval over each run's samples.").format(
        label=_(focus.get("label") or name))
    if infinite:
        caption += " " + _("Infinite: the share of samples where it is infinite ({means}).").format(
            means=focus["infinite_means"])
    return Table(f"{name}_by_scenario", header, tuple(rows),
                 tabular("l" + "r" * (len(heads) - 1), [tex_text(_(h)) for h in heads], tex_rows, caption=caption))
