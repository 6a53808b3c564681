"""The verdict at the top of a report, in words: each claim, and why it holds or fails.

The analysis behind it (drivers, tipping points, failure boxes, the 2-D map) is computed before
the report is written (:mod:`mcsim.analysis.verdict`) and held by the run's
:class:`~mcsim.result.Result`. :func:`verdict_markdown` writes it in words,
:func:`verdict_summary` as plain data for ``summary.json``.
"""

from __future__ import annotations

import math
from typing import Any

from mcsim.analysis.tipping import TippingPoint
from mcsim.report.text import headline_outputs, md_cell, md_code, md_text, number, percent
from mcsim.result import ClaimResult, ClaimVerdict, Result

__all__ = ["describe_box", "describe_tipping", "format_value", "ordinal", "verdict_markdown", "verdict_summary"]


def verdict_summary(result: Result) -> dict[str, Any]:
    """The ``verdict`` section of ``summary.json``."""
    verdict = result.verdict
    claims = {}
    for name, cv in verdict.claims.items():
        c = result.claims[name]
        claims[name] = {
            "probability": c.probability, "ci95": list(c.ci95), "holds_at_point": c.holds_at_point,
            "drivers": {"of": cv.drivers_of, "ST": [{"input": d.input, "ST": d.st, "ST_conf": d.st_conf}
                                                   for d in cv.drivers]},
            "tipping_points": [t.to_summary() for t in cv.tipping],
            "discovery": cv.discovery.to_summary(),
            "sentence": _claim_sentence(c),
        }
    summary: dict[str, Any] = {"claims": claims}
    if verdict.map is not None:
        the_map = verdict.map
        summary["map"] = {"output": the_map.output, "x": the_map.x_name, "y": the_map.y_name,
                          "chosen_by": verdict.map_chosen_by,
                          "contour": result.claims[verdict.map_claim].claim.value if verdict.map_claim else None}
    return summary


# --- words ----------------------------------------------------------------------------------------

def _labels(result: Result) -> dict[str, tuple[str, str]]:
    return {p.name: (p.label or p.name, p.unit) for p in result.spec.priors.inputs}


def _lower(label: str) -> str:
    keep = len(label) > 1 and label[1].isupper()  # an acronym ("GPU hours") keeps its capitals
    return label if keep else label[:1].lower() + label[1:]


def format_value(value: float, unit: str) -> str:
    """A value in its unit, as a reader says it: 4.875 %, $0.005, 64,800,000, 11.67 months."""
    unit = unit or ""
    if "share" in unit:
        return f"{100 * value:.4g} %"
    if unit.startswith("USD"):
        return f"${number(value)}"
    short = unit if unit and len(unit) <= 8 else ""
    return f"{number(value)} {short}".strip()


def ordinal(q: float) -> str:
    """Where a value sits in a prior: 'the 53rd percentile of its prior', the ends said plainly."""
    if q <= 0:
        return "below the whole of its prior"
    if q >= 1:
        return "above the whole of its prior"
    if q < 0.005:
        return "below the 1st percentile of its prior"
    if q > 0.995:
        return "above the 99th percentile of its prior"
    k = round(100 * q)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"the {k}{suffix} percentile of its prior"


def _failing_share(t: TippingPoint) -> float:
    """The prior's probability of the failing side, with the other inputs at their points."""
    if t.value is None or t.quantile is None:
        return {"always": 1.0, "never": 0.0}.get(t.fails, 0.0) if t.value is None else 0.0
    return t.quantile if t.fails == "below" else 1 - t.quantile


def describe_tipping(t: TippingPoint, labels: dict[str, tuple[str, str]]) -> str:
    """One tipping point in words (Markdown-safe)."""
    label, unit = labels.get(t.input, (t.input, ""))
    name = md_text(_lower(label))
    if t.value is None or t.fails in ("always", "never"):
        return f"it {'fails' if t.fails == 'always' else 'holds'} whatever the {name}"
    where = f" ({ordinal(t.quantile)})" if t.quantile is not None else " (a point in the priors)"
    return f"it fails when the {name} is {t.fails} {md_text(format_value(t.value, unit))}{where}"


def describe_box(box, labels: dict[str, tuple[str, str]]) -> str:
    """A box's restrictions in words (Markdown-safe)."""
    parts = []
    for r in box.restrictions:
        label, unit = labels.get(r.input, (r.input, ""))
        name = md_text(_lower(label))
        low, high = md_text(format_value(r.low, unit)), md_text(format_value(r.high, unit))
        if r.restricts_low and r.restricts_high:
            parts.append(f"{name} from {low} to {high}")
        elif r.restricts_high:
            parts.append(f"{name} below {high}")
        else:
            parts.append(f"{name} above {low}")
    return " and ".join(parts) if parts else "no restriction"


def _claim_sentence(c: ClaimResult) -> str:
    text = c.claim.text or c.claim.name
    point = "holds" if c.holds_at_point else "fails"
    return (f"{text}: probability {c.probability:.3f} (95 % interval {c.ci95[0]:.3f} to {c.ci95[1]:.3f}); "
            f"it {point} at the priors' point values.")


def verdict_markdown(result: Result) -> list[str]:
    """The report's verdict section: the reference outputs, then each claim in words."""
    labels = _labels(result)
    lines = ["## Verdict", ""]
    published = result.spec.published
    for name in headline_outputs(result.spec):
        out = result.spec.model.output(name)
        reference = published.value(name) if published is not None else None
        s = result.outputs[out.name]
        never = float(s.p_never) if s.p_never is not None else 0.0
        line = (f"- **{md_text(out.label)}**: median {number(float(s.p50))}, 90 % interval "
                f"{number(float(s.p05))} to {number(float(s.p95))}"
                + (f" ({md_text(reference[1])})" if reference is not None else ""))
        if never:
            line += f"; in {percent(never)} of samples it is never reached ({md_text(out.infinite_means)})"
        lines.append(line + ".")
    lines.append("")
    for name, cv in result.verdict.claims.items():
        lines += _claim_markdown(result.claims[name], cv, labels)
    return lines


def _claim_markdown(c: ClaimResult, cv: ClaimVerdict, labels: dict) -> list[str]:
    point = "holds" if c.holds_at_point else "fails"
    likely = ("likely" if c.ci95[0] > 0.5 else "unlikely" if c.ci95[1] < 0.5 else "a toss-up")
    lines = [f"### {md_text(c.claim.text or c.claim.name)}", "",
             f"`{md_code(c.claim.describe())}` holds with probability **{c.probability:.3f}** (95 % interval "
             f"{c.ci95[0]:.3f} to {c.ci95[1]:.3f}, {c.samples:,} samples): {likely} under these priors. "
             f"It {point} at the priors' point values.", ""]
    if cv.drivers:
        top = [f"{md_text(_lower(labels.get(d.input, (d.input, ''))[0]))} (ST {d.st:.2f} ± {d.st_conf:.2f})"
               for d in cv.drivers[:3] if d.st - d.st_conf > 0.01] or [
               f"{md_text(_lower(labels.get(cv.drivers[0].input, (cv.drivers[0].input, ''))[0]))} "
               f"(ST {cv.drivers[0].st:.2f})"]
        lines += [f"- **What drives it** (total Sobol indices of {md_text(cv.drivers_of)}): "
                  + ", ".join(top) + ".", ""]
    else:
        lines += ["- **What drives it**: the run file has no `[sensitivity]` table, so no Sobol indices; the "
                  "tipping points and boxes below say which inputs decide it.", ""]
    flips = sorted((t for t in cv.tipping if t.value is not None and t.fails in ("below", "above")),
                   key=_failing_share, reverse=True)
    if flips:
        said = "; ".join(describe_tipping(t, labels) for t in flips[:3])
        lines += [f"- **Tipping points** (one input moving, the others at their points): {said}.", ""]
    lines += _tipping_table(cv, labels)
    lines += _boxes_markdown(cv, labels)
    return lines


def _tipping_table(cv: ClaimVerdict, labels: dict) -> list[str]:
    lines = ["| input | the claim fails | at | percentile of its prior | P(failing side) | method |",
             "|---|---|---:|---:|---:|---|"]
    for t in sorted(cv.tipping, key=_failing_share, reverse=True):
        label, unit = labels.get(t.input, (t.input, ""))
        if t.value is None or t.fails in ("always", "never"):
            side, at, q = ("always" if t.fails == "always" else "never"), "", ""
        else:
            side, at = t.fails, md_text(format_value(t.value, unit))
            q = "" if t.quantile is None else f"{100 * t.quantile:.1f}"
        share = "" if t.quantile is None and t.value is not None else f"{_failing_share(t):.3f}"
        lines.append(f"| {md_cell(label)} | {side} | {at} | {q} | {share} | {t.method} |")
    return [*lines, "", "P(failing side): the prior's probability that this input alone, the others at their "
            "points, lands where the claim fails.", ""]


def _boxes_markdown(cv: ClaimVerdict, labels: dict) -> list[str]:
    d = cv.discovery
    if not d.boxes:
        return [f"- **Where it fails** (scenario discovery): {md_text(d.note or 'no box found')}.", ""]
    lines = [f"- **Where it fails** (scenario discovery by PRIM on the first {d.samples:,} samples, "
             f"{d.cases:,} of which fail, {percent(d.base_rate)}):"]
    for i, box in enumerate(d.boxes, start=1):
        lines.append(f"  - box {i}: {describe_box(box, labels)}: it holds {percent(box.coverage, 0)} of the failures "
                     f"(coverage) and {percent(box.density, 0)} of its samples fail (density); "
                     f"{percent(box.mass, 0)} of all samples lie in it.")
    detail = ["", "| box | input | from | to | quasi-p |", "|---:|---|---:|---:|---:|"]
    for i, box in enumerate(d.boxes, start=1):
        for r in box.restrictions:
            label, unit = labels.get(r.input, (r.input, ""))
            low = md_text(format_value(r.low, unit)) if r.restricts_low else "(any)"
            high = md_text(format_value(r.high, unit)) if r.restricts_high else "(any)"
            qp = f"{r.quasi_p:.2g}" if math.isfinite(r.quasi_p) else ""
            detail.append(f"| {i} | {md_cell(label)} | {low} | {high} | {qp} |")
    return [*lines, *detail, "", f"Method: {md_text(d.method)}. A quasi-p value near 0 means the restriction "
            "matters (Bryant and Lempert 2010).", ""]
