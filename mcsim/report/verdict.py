"""The verdict at the top of a report: each claim in plain words, and why it holds or fails.

:func:`build` computes, from a :class:`~mcsim.pipeline.Result` and nothing else, what the
verdict says: each claim's probability with its interval; what drives it (the run's Sobol
indices when it has a ``[sensitivity]`` table); its tipping points (:mod:`mcsim.analysis.tipping`); the
boxes of inputs where it fails (:mod:`mcsim.analysis.discovery`, on the kept samples); and a 2-D map of
the claimed output over the two inputs that matter most. :meth:`Verdict.markdown` writes it in
words, :meth:`Verdict.to_summary` as plain data for ``summary.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from mcsim.analysis.discovery import Discovery, discover
from mcsim.analysis.tipping import OutputMap, TippingPoint, output_map, tipping_points
from mcsim.compute.stats import ClaimResult, claim_holds
from mcsim.pipeline import Result
from mcsim.report.figures import distributions_shown
from mcsim.report.text import md_cell, md_code, md_text, number, percent

__all__ = ["ClaimVerdict", "Driver", "Verdict", "build", "describe_box", "describe_tipping", "format_value",
           "kept_samples", "ordinal"]


@dataclass(frozen=True)
class Driver:
    """An input's total Sobol index for a claim (or its output), with the interval's half-width."""

    input: str
    st: float
    st_conf: float


@dataclass(frozen=True)
class ClaimVerdict:
    result: ClaimResult
    tipping: tuple[TippingPoint, ...]
    discovery: Discovery
    drivers: tuple[Driver, ...]
    drivers_of: str  # what the indices are of: the claim's indicator or its output; "" without them


@dataclass(frozen=True)
class Verdict:
    """What a report's verdict says; computed by :func:`build`."""

    result: Result
    claims: tuple[ClaimVerdict, ...]
    map: OutputMap | None
    map_claim: ClaimResult | None
    map_chosen_by: str

    def markdown(self) -> list[str]:
        return _markdown(self)

    def to_summary(self) -> dict:
        labels = _labels(self.result)
        claims = {}
        for cv in self.claims:
            claims[cv.result.claim.name] = {
                "probability": cv.result.probability, "ci95": list(cv.result.ci95),
                "holds_at_point": cv.result.holds_at_point,
                "drivers": {"of": cv.drivers_of, "ST": [{"input": d.input, "ST": d.st, "ST_conf": d.st_conf}
                                                       for d in cv.drivers]},
                "tipping_points": [t.to_summary() for t in cv.tipping],
                "discovery": cv.discovery.to_summary(),
                "sentence": _claim_sentence(cv, labels, self.result),
            }
        summary: dict = {"claims": claims}
        if self.map is not None:
            summary["map"] = {"output": self.map.output, "x": self.map.x_name, "y": self.map.y_name,
                              "chosen_by": self.map_chosen_by,
                              "contour": self.map_claim.claim.value if self.map_claim else None}
        return summary


def kept_samples(result: Result) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The per-sample inputs and outputs the report may use: the first ``spec.keep_samples``.

    The one place that reaches into the simulation's samples, so that a streaming engine that
    keeps only a bounded head of them needs only this function changed.
    """
    sim = result.simulation
    head = getattr(sim, "head", None)  # the streaming engine keeps a bounded head of the samples
    if head is not None:
        m = head.kept
        return ({name: np.asarray(v[:m]) for name, v in head.inputs.items()},
                {name: np.asarray(v[:m]) for name, v in head.outputs.items()})
    m = min(result.spec.keep_samples, sim.n)
    inputs = {name: np.asarray(values[:m]) for name, values in sim.inputs.items()}
    outputs = {name: np.asarray(values[:m]) for name, values in sim.outputs.items()}
    return inputs, outputs


def _drivers(result: Result, claim) -> tuple[tuple[Driver, ...], str]:
    sens = result.sensitivity
    if sens is None:
        return (), ""
    for key, of in ((claim.name, "the claim's indicator"), (claim.output, f"{claim.output}")):
        try:
            target = sens[key]
        except KeyError:
            continue
        ix = target.indices
        if ix is None:
            continue
        order = np.argsort(-ix.ST, kind="stable")
        return tuple(Driver(ix.names[j], float(ix.ST[j]), float(ix.ST_conf[j])) for j in order), of
    return (), ""


def _rank_inputs(result: Result, keys: tuple[str, ...], output: str, inputs: dict,
                 outputs: dict) -> tuple[list[str], str]:
    """Uncertain inputs by importance: Sobol ST of the first of ``keys`` analysed, else |Spearman| with ``output``."""
    names = list(result.spec.priors.uncertain)
    sens = result.sensitivity
    for key in keys:
        try:
            ranking = sens[key].ranking if sens is not None else None
        except KeyError:
            ranking = None
        if ranking is not None:
            return list(ranking.order), f"total Sobol index ST of {key}"
    y = outputs[output]
    if y.ndim != 1 or y.size < 3:
        return names, "the priors' order"
    rho = []
    for name in names:
        value = scipy_stats.spearmanr(inputs[name], y).statistic
        rho.append(0.0 if not np.isfinite(value) else abs(float(value)))
    return [names[j] for j in np.argsort(rho)[::-1]], f"|Spearman correlation| on the first {y.size:,} samples"


def build(result: Result) -> Verdict:
    """Compute the verdict of ``result``: tipping points, boxes, drivers and the 2-D map."""
    spec = result.spec
    inputs, outputs = kept_samples(result)
    uncertain = spec.priors.uncertain
    claims = []
    for cr in result.claims:
        claim = cr.claim
        tipping = tuple(tipping_points(spec.model, spec.priors, [claim]))
        fails = ~claim_holds(claim, outputs, spec.users) if inputs and len(next(iter(inputs.values()))) else \
            np.zeros(0, dtype=bool)
        discovery = discover({name: inputs[name] for name in uncertain}, fails)
        drivers, of = _drivers(result, claim)
        claims.append(ClaimVerdict(cr, tipping, discovery, drivers, of))
    the_map, map_claim, chosen_by = None, None, ""
    scalar = [cr for cr in result.claims if not spec.model.output(cr.claim.output).per_user]
    if scalar and len(uncertain) >= 2:
        map_claim = scalar[0]
        order, chosen_by = _rank_inputs(result, (map_claim.claim.name, map_claim.claim.output),
                                        map_claim.claim.output, inputs, outputs)
        order = [name for name in order if name in uncertain]
        the_map = output_map(spec.model, spec.priors, map_claim.claim.output, order[0], order[1])
    return Verdict(result, tuple(claims), the_map, map_claim, chosen_by)


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


def _claim_sentence(cv: ClaimVerdict, labels: dict, result: Result) -> str:
    c = cv.result
    text = c.claim.text or c.claim.name
    point = "holds" if c.holds_at_point else "fails"
    return (f"{text}: probability {c.probability:.3f} (95 % interval {c.ci95[0]:.3f} to {c.ci95[1]:.3f}); "
            f"it {point} at the priors' point values.")


def _markdown(v: Verdict) -> list[str]:
    result = v.result
    labels = _labels(result)
    lines = ["## Verdict", ""]
    published = result.spec.published
    for name in distributions_shown(result.spec):
        out = result.spec.model.output(name)
        reference = published.value(name) if published is not None else None
        s = result.summary[out.name]
        never = float(s.get("p_never", 0.0))
        line = (f"- **{md_text(out.label)}**: median {number(float(s['p50']))}, 90 % interval "
                f"{number(float(s['p05']))} to {number(float(s['p95']))}"
                + (f" ({md_text(reference[1])})" if reference is not None else ""))
        if never:
            line += f"; in {percent(never)} of samples it is never reached ({md_text(out.infinite_means)})"
        lines.append(line + ".")
    lines.append("")
    for cv in v.claims:
        lines += _claim_markdown(cv, labels, result)
    return lines


def _claim_markdown(cv: ClaimVerdict, labels: dict, result: Result) -> list[str]:
    c = cv.result
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
