"""The verdict in words: the answer that opens a report, each claim, and why it holds or fails.

The analysis behind it (drivers, tipping points, failure boxes, the 2-D map) is computed before
the report is written (:mod:`mcsim.analysis.verdict`) and held by the run's
:class:`~mcsim.result.Result`. :func:`answer_markdown` writes the opening lines,
:func:`verdict_markdown` the verdict's section, :func:`methods_markdown` how its words are made
(once for every claim), :func:`verdict_summary` the same as plain data for ``summary.json``.
Probabilities are worded on the calibrated scale of :mod:`mcsim.report.likelihood`.
"""

from __future__ import annotations

from typing import Any

from mcsim.analysis.tipping import TippingPoint
from mcsim.report.likelihood import describe_scale, phrase, straddle, term
from mcsim.report.readings import reading_groups
from mcsim.report.text import (
    condition,
    format_value,
    headline_outputs,
    lower_first,
    md_cell,
    md_text,
    names_its_unit,
    p_value,
    percent,
    reading_words,
)
from mcsim.result import ClaimResult, ClaimVerdict, Result

__all__ = ["answer_markdown", "claim_condition", "describe_box", "describe_tipping", "methods_markdown", "ordinal",
           "readings", "verdict_markdown", "verdict_summary"]


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
            "sentence": _claim_sentence(c, result),
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


def _name(name: str, labels: dict[str, tuple[str, str]]) -> str:
    """An input's label inside a sentence, Markdown-safe."""
    return md_text(lower_first(labels.get(name, (name, ""))[0]))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def claim_condition(c: ClaimResult, result: Result) -> str:
    """A claim's test in words, with its output's label: 'break-even monthly users at most 6 million'."""
    claim = c.claim
    out = result.spec.model.output(claim.output)
    return condition(out.label or out.name, out.unit, claim)


def readings(c: ClaimResult, result: Result) -> list[tuple[str, ClaimResult]]:
    """A claim's readings, each named, with its probability: one, unnamed, for a claim with a single reading.

    A claim that other claims read another way (their ``reading_of``) is worded once per reading
    wherever its probability is said (the answer that opens the report and the claim's own section).
    """
    group = reading_groups(result.claims).get(c.claim.name)
    if not group:
        return [("", c)]
    out = result.spec.model.output(c.claim.output)
    shown = not names_its_unit(out.label, out.unit)
    return [(f"read as “{reading_words(r.claim, lambda v: format_value(v, out.unit, unit_shown=shown))}”", r)
            for r in group]


def _under(reading: str) -> str:
    return f"{md_text(reading)}, " if reading else ""


def _worded(c: ClaimResult, result: Result, say) -> str:
    """'**about as likely as not** (...)', or, for a claim with readings, ', read as “...”, ... ; read as ...'."""
    found = readings(c, result)
    worded = "; ".join(_under(reading) + say(r) for reading, r in found)
    return f", {worded}," if len(found) > 1 else f" {worded}"


def _probability(c: ClaimResult) -> str:
    """'**about as likely as not** (probability 0.563, 95 % interval 0.562 to 0.564)'."""
    head, _, rest = phrase(c.probability, c.ci95).partition(",")
    return (f"**{head}**{',' + rest if rest else ''} (probability {c.probability:.3f}, 95 % interval "
            f"{c.ci95[0]:.3f} to {c.ci95[1]:.3f})")


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


def _flips(cv: ClaimVerdict) -> list[TippingPoint]:
    """The tipping points where the claim flips, the likeliest failing side first."""
    return sorted((t for t in cv.tipping if t.value is not None and t.fails in ("below", "above")),
                  key=_failing_share, reverse=True)


def describe_tipping(t: TippingPoint, labels: dict[str, tuple[str, str]]) -> str:
    """One tipping point in words (Markdown-safe)."""
    name = _name(t.input, labels)
    if t.value is None or t.fails in ("always", "never"):
        return f"it {'fails' if t.fails == 'always' else 'holds'} whatever the {name}"
    unit = labels.get(t.input, (t.input, ""))[1]
    where = f" ({ordinal(t.quantile)})" if t.quantile is not None else " (a point in the priors)"
    return f"it fails when the {name} is {t.fails} {md_text(format_value(t.value, unit))}{where}"


def describe_box(box, labels: dict[str, tuple[str, str]]) -> str:
    """A box's restrictions in words (Markdown-safe)."""
    parts = []
    for r in box.restrictions:
        unit = labels.get(r.input, (r.input, ""))[1]
        name = _name(r.input, labels)
        low, high = md_text(format_value(r.low, unit)), md_text(format_value(r.high, unit))
        if r.restricts_low and r.restricts_high:
            parts.append(f"the {name} from {low} to {high}")
        elif r.restricts_high:
            parts.append(f"the {name} below {high}")
        else:
            parts.append(f"the {name} above {low}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else "no restriction"


def _drivers_of(cv: ClaimVerdict, result: Result, c: ClaimResult) -> str:
    """What a claim's Sobol indices are of, in words."""
    if cv.drivers_of == c.claim.output:
        out = result.spec.model.output(c.claim.output)
        return f"the {md_text(lower_first(out.label or out.name))}"
    return md_text(cv.drivers_of)


def _claim_sentence(c: ClaimResult, result: Result) -> str:
    text = c.claim.text or _capital(claim_condition(c, result))
    point = "holds" if c.holds_at_point else "fails"
    return (f"{text}: {phrase(c.probability, c.ci95)}, probability {c.probability:.3f} (95 % interval "
            f"{c.ci95[0]:.3f} to {c.ci95[1]:.3f}); it {point} at the priors' point values.")


# --- the answer that opens the report ---------------------------------------------------------------

def answer_markdown(result: Result) -> list[str]:
    """The report's opening lines: is the first claim robust, what drives it, where it tips, what makes it fail.

    The other claims follow on one line. Nothing for a run without claims.
    """
    if not result.claims:
        return []
    labels = _labels(result)
    names = list(result.claims)
    c, cv = result.claims[names[0]], result.verdict.claims[names[0]]
    test = md_text(claim_condition(c, result))
    said = f"“{md_text(c.claim.text)}” ({test})" if c.claim.text else _capital(test)
    point = "holds" if c.holds_at_point else "fails"
    lines = [f"- **Is the claim robust?** {said} is{_worded(c, result, _probability)} under these priors; it "
             f"{point} at their point values."]
    driver, tipping = _driver(cv, labels, result, c)
    lines.append(f"- **What drives it:** {driver}.")
    if tipping:
        lines.append(f"- **Where it tips:** {tipping}.")
    lines.append(f"- **What would make it fail:** {_failure(cv, labels)}.")
    others = []
    for other in (result.claims[name] for name in names[1:]):
        if other.claim.reading_of is not None:
            continue  # said with the claim it reads
        others.append(f"“{md_text(other.claim.text or claim_condition(other, result))}” is"
                      f"{_worded(other, result, _compact).rstrip(',')}")
    if others:
        lines.append(f"- **The other claims:** {'; '.join(others)}.")
    return [*lines, ""]


def _compact(c: ClaimResult) -> str:
    """'very likely (0.989)', or 'virtually certain (0.990; its interval reaches into very likely)'."""
    reached = straddle(c.probability, c.ci95)
    return f"{term(c.probability)} ({c.probability:.3f}" + (
        f"; its interval reaches into {' and '.join(reached)})" if reached else ")")


def _driver(cv: ClaimVerdict, labels: dict, result: Result, c: ClaimResult) -> tuple[str, str]:
    """The input that drives a claim, in words, and where that input tips it ("" where nothing is known)."""
    flips = _flips(cv)
    if cv.drivers:
        top = cv.drivers[0]
        driver = f"the {_name(top.input, labels)} (total Sobol index {top.st:.2f} of {_drivers_of(cv, result, c)})"
        found = next((t for t in cv.tipping if t.input == top.input), None)
    elif flips:
        found = flips[0]
        driver = (f"the {_name(found.input, labels)}: of the inputs moved one at a time, it is the likeliest to "
                  "tip the claim (the run has no sensitivity analysis, so no Sobol indices)")
    else:
        return "no input tips the claim on its own, and the run has no sensitivity analysis", ""
    if found is None:
        return driver, ""
    name = _name(found.input, labels)
    if found.value is None or found.fails in ("always", "never"):
        does = "fails" if found.fails == "always" else "holds"
        return driver, f"moved on its own, the others at their point values, the {name} never tips it: it {does}"
    unit = labels.get(found.input, (found.input, ""))[1]
    where = f", {ordinal(found.quantile)}" if found.quantile is not None else ", a point in the priors"
    return driver, (f"it fails when the {name} is {found.fails} {md_text(format_value(found.value, unit))}"
                    f"{where} (the other inputs at their point values)")


def _failure(cv: ClaimVerdict, labels: dict) -> str:
    """The first failure box in words, or why there is none."""
    d = cv.discovery
    if not d.boxes:
        if d.samples and not d.cases:
            return f"it fails in none of the first {d.samples:,} samples, so no region where it fails can be told"
        return f"no region of the inputs stands out ({md_text(d.note or 'no box found')})"
    box = d.boxes[0]
    return (f"{describe_box(box, labels)}: {percent(box.density, 0)} of the samples there fail (against "
            f"{percent(d.base_rate, 0)} overall), and they hold {percent(box.coverage, 0)} of all failures")


# --- the verdict's section ---------------------------------------------------------------------------

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
        shown = not names_its_unit(out.label, out.unit)
        p05, p50, p95 = (md_text(format_value(float(v), out.unit, unit_shown=shown)) for v in (s.p05, s.p50, s.p95))
        line = (f"- **{md_text(out.label)}**: median {p50}, 90 % interval {p05} to {p95}"
                + (f" ({md_text(reference[1])})" if reference is not None else ""))
        if never:
            line += f"; in {percent(never)} of samples it is never reached ({md_text(out.infinite_means)})"
        lines.append(line + ".")
    lines.append("")
    for name, cv in result.verdict.claims.items():
        lines += _claim_markdown(result.claims[name], cv, labels, result)
    return lines


def _claim_markdown(c: ClaimResult, cv: ClaimVerdict, labels: dict, result: Result) -> list[str]:
    point = "holds" if c.holds_at_point else "fails"
    test = md_text(claim_condition(c, result))
    worded = "; ".join(_under(reading) + _probability(r) for reading, r in readings(c, result))
    lines = [f"### {md_text(c.claim.text) if c.claim.text else _capital(test)}", "",
             f"{_capital(test)}: {worded}, over {c.samples:,} samples. It {point} at the priors' point values.", ""]
    if cv.drivers:
        top = [f"{_name(d.input, labels)} (ST {d.st:.2f} ± {d.st_conf:.2f})"
               for d in cv.drivers[:3] if d.st - d.st_conf > 0.01] or [
               f"{_name(cv.drivers[0].input, labels)} (ST {cv.drivers[0].st:.2f})"]
        lines += [f"- **What drives it** (total Sobol indices of {_drivers_of(cv, result, c)}): "
                  + ", ".join(top) + ".", ""]
    else:
        lines += ["- **What drives it**: the run file has no `[sensitivity]` table, so no Sobol indices; the "
                  "tipping points and boxes below say which inputs decide it.", ""]
    flips = _flips(cv)
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
            side, at = t.fails, md_text(format_value(t.value, unit, 4))
            q = "" if t.quantile is None else f"{100 * t.quantile:.1f}"
        share = "" if t.quantile is None and t.value is not None else f"{_failing_share(t):.3f}"
        lines.append(f"| {md_cell(label)} | {side} | {at} | {q} | {share} | {t.method} |")
    return [*lines, ""]


def _boxes_markdown(cv: ClaimVerdict, labels: dict) -> list[str]:
    d = cv.discovery
    if not d.boxes:
        return [f"- **Where it fails** (scenario discovery): {md_text(d.note or 'no box found')}.", ""]
    lines = [f"- **Where it fails** (scenario discovery on the first {d.samples:,} samples, "
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
            detail.append(f"| {i} | {md_cell(label)} | {low} | {high} | {p_value(r.quasi_p)} |")
    return [*lines, *detail, ""]


# --- methods ---------------------------------------------------------------------------------------

def methods_markdown(result: Result) -> list[str]:
    """How the verdict's words and numbers are made, said once for every claim."""
    if not result.claims:
        return []
    lines = ["### The verdict", "", describe_scale(), "",
             "Tipping points move one input at a time, the others at their point values, to where the claim "
             "flips; the percentile is where that value sits in the input's prior, and P(failing side) the prior's "
             "probability that the input alone lands where the claim fails.", ""]
    methods = list(dict.fromkeys(cv.discovery.method for cv in result.verdict.claims.values() if cv.discovery.boxes))
    if methods:
        lines += [f"Where a claim fails is found by scenario discovery: {md_text('; '.join(methods))}. A box's "
                  "coverage is the share of all failures it holds, its density the share of its samples that "
                  "fail. A quasi-p value near 0 means the restriction matters (Bryant and Lempert 2010); one "
                  "below 1e-10 is given as < 1e-10.", ""]
    return lines
