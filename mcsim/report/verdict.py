"""The verdict in words: the answer that opens a report, each claim, and why it holds or fails.

The analysis behind it (drivers, tipping points, failure boxes, the 2-D map) is computed before
the report is written (:mod:`mcsim.analysis.verdict`) and held by the run's
:class:`~mcsim.result.Result`. :func:`answer_markdown` writes the opening lines,
:func:`verdict_markdown` the verdict's section;
:mod:`mcsim.report.summary_words` gives ``summary.json`` each claim's sentence.
Probabilities are worded on the calibrated scale of :mod:`mcsim.report.likelihood`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from mcsim.analysis.tipping import TippingPoint
from mcsim.analysis.verdict import RankedBy
from mcsim.i18n import N_, _, language, listed, pgettext
from mcsim.report.likelihood import phrase, straddle, term
from mcsim.report.posterior import posterior_answer, probability_words
from mcsim.report.readings import reading_groups
from mcsim.report.table import Column, Table
from mcsim.report.text import (
    capital,
    claim_text,
    condition,
    decimal,
    estimate,
    fixed,
    format_value,
    headline_outputs,
    input_label,
    lower_first,
    md_cell,
    md_text,
    names_its_unit,
    output_label,
    p_value,
    percent,
    reading_words,
)
from mcsim.result import ClaimResult, ClaimVerdict, Result

__all__ = [
    "TIPPING_KEYS",
    "abstract_sentence",
    "answer_markdown",
    "boxes_table",
    "claim_condition",
    "describe_box",
    "describe_tipping",
    "headline",
    "input_names",
    "ordinal",
    "ranked_by_words",
    "readings",
    "tipping_point",
    "tipping_table",
    "verdict_markdown",
]


#: Words the analysis records in English, said in the report's language: the tipping points' methods and sides.
WORDS = (N_("closed form"), N_("root finding"), N_("none"), N_("below"), N_("above"))


# --- words ----------------------------------------------------------------------------------------

def input_names(result: Result) -> dict[str, tuple[str, str]]:
    """Each input's label in the report's language and its unit, by name."""
    return {p.name: (input_label(p), p.unit) for p in result.spec.priors.inputs}


def _name(name: str, labels: dict[str, tuple[str, str]]) -> str:
    """An input's label inside a sentence, Markdown-safe."""
    return md_text(lower_first(labels.get(name, (name, ""))[0]))


def claim_condition(c: ClaimResult, result: Result) -> str:
    """A claim's test in words, with its output's label: 'break-even monthly users at most 6 million'."""
    claim = c.claim
    out = result.spec.model.output(claim.output)
    return condition(output_label(out), out.unit, claim)


def readings(c: ClaimResult, result: Result) -> list[tuple[str, ClaimResult]]:
    """A claim's readings, each named, with its probability: one, unnamed, for a claim with a single reading.

    A claim that other claims read another way (their ``reading_of``) is worded once per reading
    wherever its probability is said (the answer that opens the report and the claim's own section).
    The claim itself comes first: read literally where it says it tests its quote literally (``literal``).
    A reading is named in words, never inside quotation marks: quotation marks are for a source's words.
    """
    group = reading_groups(result.claims).get(c.claim.name)
    if not group:
        return [("", c)]
    return [(reading_name(r, result), r) for r in group]


def reading_name(c: ClaimResult, result: Result) -> str:
    """How a reading is named: 'read literally, at least 6 million', 'read as at most 6 million'."""
    out = result.spec.model.output(c.claim.output)
    shown = not names_its_unit(output_label(out), _(out.unit))
    words = reading_words(c.claim, lambda v: format_value(v, out.unit, unit_shown=shown))
    if c.claim.literal:
        return _("read literally, {reading}").format(reading=words)
    return _("read as {reading}").format(reading=words)


def quote_markdown(claim, *, lead: str = "") -> str:
    """A claim's quote, verbatim in its quotation marks, where it is from, and its translation labelled as such.

    The quote is in the marks of its own language (« » for French, “ ” for English); a translation
    into the report's language, where the report's language differs and the run gives one, follows
    in the report's marks. Nothing for a claim without a quote.
    """
    if not claim.quote:
        return ""
    quoted = (f"«\u00a0{md_text(claim.quote)}\u00a0»" if claim.quote_lang == "fr" else f"“{md_text(claim.quote)}”")
    translation = claim.translated_quote(language()) if language() != claim.quote_lang else ""
    source = md_text(claim.quote_source)
    if translation and source:
        said = _("{quote} ({source}; translation: {translation})")
    elif translation:
        said = _("{quote} (translation: {translation})")
    elif source:
        said = _("{quote} ({source})")
    else:
        said = "{quote}"
    return lead + said.format(quote=quoted, source=source, translation=_("“{text}”").format(text=md_text(translation)))


def _at_point(c: ClaimResult, result: Result) -> str:
    """Whether a claim holds at the point values, in words that cannot be misread, with its output's value there:
    'at the paper's values (52.5 million) it fails'."""
    out = result.spec.model.output(c.claim.output)
    value = c.value_at_point
    if result.spec.published is not None and not result.spec.overridden:  # the priors' points are the paper's
        said = _("at the paper's values ({value}) it holds") if c.holds_at_point else \
            _("at the paper's values ({value}) it fails")
    else:
        said = _("at the priors' point values ({value}) it holds") if c.holds_at_point else \
            _("at the priors' point values ({value}) it fails")
    shown = not names_its_unit(output_label(out), _(out.unit))
    return said.format(value=md_text(format_value(value, out.unit, unit_shown=shown)))


def _probability(c: ClaimResult) -> str:
    """'**about as likely as not** (probability 0.563, 95 % interval 0.562 to 0.564)'."""
    return probability_words(c.probability, c.ci95)


def ordinal(q: float) -> str:
    """Where a value sits in a prior: 'the 53rd percentile of its prior', the ends said plainly."""
    if q <= 0:
        return _("below the whole of its prior")
    if q >= 1:
        return _("above the whole of its prior")
    if q < 0.005:
        return _("below the 1st percentile of its prior")
    if q > 0.995:
        return _("above the 99th percentile of its prior")
    k = round(100 * q)
    if k == 1:
        return _("the 1st percentile of its prior")
    if language() != "en":
        return _("the {k}th percentile of its prior").format(k=k)
    return f"the {_english_ordinal(k)} percentile of its prior"


def _english_ordinal(k: int) -> str:
    """53 -> '53rd', 11 -> '11th' (the catalogue's sentences carry other languages' ordinals)."""
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def _failing_share(t: TippingPoint) -> float:
    """The prior's probability of the failing side (both sides of a two-sided claim), the other inputs at their
    points; 0 where it is not known (a point prior)."""
    share = t.failing_share
    return 0.0 if share is None else share


def _flips(cv: ClaimVerdict) -> list[TippingPoint]:
    """The tipping points where the claim flips, the likeliest failing side first."""
    return sorted((t for t in cv.tipping if t.sides), key=_failing_share, reverse=True)


def _where(q: float | None) -> str:
    return ordinal(q) if q is not None else _("a point in the priors")


def describe_tipping(t: TippingPoint, labels: dict[str, tuple[str, str]]) -> str:
    """One tipping point in words (Markdown-safe), both flips of an input that tips a two-sided claim twice."""
    name = _name(t.input, labels)
    if not t.sides:
        return (_("it fails whatever the {input}") if t.fails == "always" else
                _("it holds whatever the {input}")).format(input=name)
    unit = labels.get(t.input, (t.input, ""))[1]
    shown = [(md_text(format_value(v, unit)), fails, _where(q)) for v, fails, q in t.sides]
    if len(shown) == 2:
        (low, low_fails, low_where), (high, _fails, high_where) = shown
        said = (_("it fails when the {input} is below {low} ({low_where}) or above {high} ({high_where})")
                if low_fails == "below" else
                _("it fails when the {input} is between {low} ({low_where}) and {high} ({high_where})"))
        return said.format(input=name, low=low, low_where=low_where, high=high, high_where=high_where)
    value, fails, where = shown[0]
    return _fails_when(fails).format(input=name, value=value) + f" ({where})"


def _fails_when(side: str) -> str:
    """'it fails when the {input} is below {value}' (or above), to be formatted."""
    return _("it fails when the {input} is below {value}") if side == "below" else \
        _("it fails when the {input} is above {value}")


def describe_box(box, labels: dict[str, tuple[str, str]]) -> str:
    """A box's restrictions in words (Markdown-safe)."""
    parts = []
    for r in box.restrictions:
        unit = labels.get(r.input, (r.input, ""))[1]
        name = _name(r.input, labels)
        low, high = md_text(format_value(r.low, unit)), md_text(format_value(r.high, unit))
        if r.restricts_low and r.restricts_high:
            parts.append(_("the {input} from {low} to {high}").format(input=name, low=low, high=high))
        elif r.restricts_high:
            parts.append(_("the {input} below {value}").format(input=name, value=high))
        else:
            parts.append(_("the {input} above {value}").format(input=name, value=low))
    return listed(parts) if parts else _("no restriction")


def ranked_by_words(ranked: RankedBy | None) -> str:
    """How the inputs were ranked, in the report's language: 'their total Sobol index of the claim's indicator'."""
    if ranked is None:
        return ""
    of = lower_first(_(ranked.of)) if ranked.of else ""
    if ranked.method == "sobol":
        return _("their total Sobol index of {of}").format(of=of)
    if ranked.method == "shapley":
        return _("their Shapley effect (with the priors' correlations) of {of}").format(of=of)
    if ranked.method == "spearman":
        return _("their rank correlation (Spearman's, in absolute value) with {of} on the first {n} samples").format(
            of=of, n=decimal(ranked.samples))
    return _("the priors' order")


def discovery_note(d) -> str:
    """Why scenario discovery found no box, in the report's language."""
    said = {"no samples": _("no per-sample values were kept"),
            "all fail": _("the claim fails in every sample of those kept: there is no region to describe"),
            "none fail": _("the claim never fails in the samples kept: there is no region to describe"),
            "all points": _("every input is a point: there is nothing to restrict")}
    if d.reason == "no box":
        return _("no restriction of the inputs raises the share of failures above its {share} over all kept "
                 "samples").format(share=percent(d.base_rate))
    return said.get(d.reason) or _(d.note or "no box found")


def _drivers_of(cv: ClaimVerdict, result: Result, c: ClaimResult) -> str:
    """What a claim's Sobol indices are of, in words."""
    if cv.drivers_of == c.claim.output:
        out = result.spec.model.output(c.claim.output)
        return _("the {output}").format(output=md_text(lower_first(output_label(out))))
    return md_text(_(cv.drivers_of))


def _claim_sentence(c: ClaimResult, result: Result) -> str:
    text = c.claim.text or capital(claim_condition(c, result))
    point = _("it holds at the priors' point values") if c.holds_at_point else \
        _("it fails at the priors' point values")
    p, low, high = estimate(c.probability, c.ci95)
    return _("{claim}: {phrase}, probability {p} (95 % interval {low} to {high}); {point}.").format(
        claim=text, phrase=phrase(c.probability, c.ci95), p=p, low=low, high=high, point=point)


# --- the answer that opens the report ---------------------------------------------------------------

def answer_markdown(result: Result) -> list[str]:
    """The report's opening lines, on the run's first claim.

    Its source's words as written (the claim's quote), then one sentence a paper can quote in its
    abstract (:func:`abstract_sentence`), then the claim's readings, the literal one first, each
    with its probability and whether it holds at the point values; then what drives it, where it
    tips and what would make it fail. The other claims follow, each with its quote and readings.
    Nothing for a run without claims.
    """
    if not result.claims:
        return []
    labels = input_names(result)
    names = list(result.claims)
    c, cv = result.claims[names[0]], result.verdict.claims[names[0]]
    lines = [line for said in headline(result) for line in (said, "")]
    found = readings(c, result)
    if len(found) > 1:
        lines.append(_("- **How likely it is, reading by reading:**"))
        lines += [_("  - {reading}: {probability}; {point}.").format(
            reading=md_text(capital(name)), probability=_probability(r), point=_at_point(r, result))
            for name, r in found]
    else:
        test = md_text(claim_condition(c, result))
        if c.claim.text:
            said = _("- **Is the claim robust?** {claim} is {probability} under these priors; {point}.").format(
                claim=_("“{claim}” ({test})").format(claim=md_text(claim_text(c.claim)), test=test),
                probability=_probability(c), point=_at_point(c, result))
        else:  # a claim without words: its test, named as such
            said = _("- **Is the claim robust?** The claim “{test}” is {probability} under these priors; "
                     "{point}.").format(test=test, probability=_probability(c), point=_at_point(c, result))
        lines.append(said)
    lines += posterior_answer(result, found)  # the same readings given the run's observations, if it has any
    driver, tipping = _driver(cv, labels, result, c)
    lines.append(_("- **What drives it:** {driver}.").format(driver=driver))
    if tipping:
        lines.append(_("- **Where it tips:** {tipping}.").format(tipping=tipping))
    lines.append(_("- **What would make it fail:** {failure}.").format(failure=_failure(cv, labels)))
    others = [_other_claim(result.claims[name], result) for name in names[1:]
              if result.claims[name].claim.reading_of is None]  # a reading is said with the claim it reads
    if others:
        lines.append(_("- **The other claims:**"))
        lines += [f"  - {other}" for other in others]
    return [*lines, ""]


def headline(result: Result) -> list[str]:
    """The report's first paragraphs (Markdown): the first claim's quote, then the sentence for an abstract.

    Either may be missing (a claim without a quote; a claim on an output over the grid); none without claims.
    """
    if not result.claims:
        return []
    c = next(iter(result.claims.values()))
    said = [quote_markdown(c.claim, lead=_("**The words tested:** ")), abstract_sentence(result, c)]
    return [paragraph for paragraph in said if paragraph]


def _other_claim(c: ClaimResult, result: Result) -> str:
    """Another claim on one line: its quote or its words, then each reading's likelihood and verdict at the points."""
    found = readings(c, result)
    worded = _("; ").join(
        _("{reading}, {likelihood}, and {point}").format(reading=md_text(name), likelihood=_compact(r),
                                                          point=_at_point(r, result)) if name else
        _("{likelihood}, and {point}").format(likelihood=_compact(r), point=_at_point(r, result))
        for name, r in found)
    named = quote_markdown(c.claim) or _("“{claim}”").format(
        claim=md_text(claim_text(c.claim) or claim_condition(c, result)))
    return _("{claim}: {worded}.").format(claim=named, worded=worded)


def abstract_sentence(result: Result, c: ClaimResult) -> str:
    """One sentence on a claim's output that a paper can quote in its abstract (about 45 words at most).

    The output's median and 90 % interval under the priors; where the value the run's publication
    printed sits in that distribution (its percentile over every sample); and how likely the
    output is within the claim's range reading (the first of its readings that is a range: within
    25 % of 6 million), or the claim itself. Nothing for a claim on an output over the grid.
    """
    out = result.spec.model.output(c.claim.output)
    if out.per_user:
        return ""
    stats = result.outputs[out.name]
    shown = not names_its_unit(output_label(out), _(out.unit))
    value = lambda v: md_text(format_value(float(v), out.unit, unit_shown=shown))  # noqa: E731
    group = [r for _name, r in readings(c, result)]
    ranged = next((r for r in group if r.claim.two_sided), c)
    reading = md_text(reading_words(ranged.claim, lambda v: format_value(v, out.unit, unit_shown=shown)))
    fields = {"output": md_text(lower_first(output_label(out))), "median": value(stats.p50), "low": value(stats.p05),
              "high": value(stats.p95), "reading": reading, "p": fixed(ranged.probability, 2),
              "term": _(term(ranged.probability))}
    share = result.published_shares.get(out.name)
    reference = result.spec.published.value(out.name) if result.spec.published is not None else None
    if share is None or reference is None:
        return _("Under these priors, the median of {output} is {median} (90 % interval {low} to {high}), and the "
                 "probability that it is {reading} is {p} ({term}).").format(**fields)
    return _("Under these priors, the median of {output} is {median} (90 % interval {low} to {high}); the "
             "published {published} lies {percentile}, and the probability that it is {reading} is {p} ({term})."
             ).format(**fields, published=value(reference[0]), percentile=percentile_words(share))


def percentile_words(share: float) -> str:
    """Where a value sits in a distribution, from the share of samples at or below it: 'at its 56th percentile'."""
    if share < 0.005:
        return _("below its 1st percentile")
    if share > 0.995:
        return _("above its 99th percentile")
    k = round(100 * share)
    if k == 1:
        return _("at its 1st percentile")
    if language() != "en":
        return _("at its {k}th percentile").format(k=k)
    return f"at its {_english_ordinal(k)} percentile"


def _compact(c: ClaimResult) -> str:
    """'very likely (0.989)', or 'virtually certain (0.990; its interval reaches into very likely)'."""
    reached = straddle(c.probability, c.ci95)
    if not reached:
        return f"{_(term(c.probability))} ({estimate(c.probability, c.ci95)[0]})"
    return _("{term} ({p}; its interval reaches into {terms})").format(
        term=_(term(c.probability)), p=estimate(c.probability, c.ci95)[0], terms=listed(_(t) for t in reached))


def _driver(cv: ClaimVerdict, labels: dict, result: Result, c: ClaimResult) -> tuple[str, str]:
    """The input that drives a claim, in words, and where that input tips it ("" where nothing is known)."""
    flips = _flips(cv)
    if cv.no_driver is not None:
        reason = no_driver_words(cv.no_driver, _drivers_of(cv, result, c))
        if not flips:
            return reason, ""
        found = flips[0]
        driver = _("{reason}; of the inputs moved one at a time, the {input} is the likeliest to tip it").format(
            reason=reason, input=_name(found.input, labels))
    elif cv.drivers:
        top = cv.drivers[0]
        measure, value, _conf = top.measure
        driver = (_("the {input} (Shapley effect {st} of {of}, with the priors' correlations)") if measure == "Shapley"
                  else _("the {input} (total Sobol index {st} of {of})")).format(
            input=_name(top.input, labels), st=fixed(value, 2), of=_drivers_of(cv, result, c))
        found = next((t for t in cv.tipping if t.input == top.input), None)
    elif flips:
        found = flips[0]
        driver = _("the {input}: of the inputs moved one at a time, it is the likeliest to tip the claim (the run "
                   "has no sensitivity analysis, so no Sobol indices)").format(input=_name(found.input, labels))
    else:
        return _("no input tips the claim on its own, and the run has no sensitivity analysis"), ""
    if found is None:
        return driver, ""
    if not found.sides:
        said = (_("moved on its own, the others at their point values, the {input} never tips it: it fails")
                if found.fails == "always" else
                _("moved on its own, the others at their point values, the {input} never tips it: it holds"))
        return driver, said.format(input=_name(found.input, labels))
    return driver, _("{fails}, the other inputs at their point values").format(
        fails=describe_tipping(found, labels))


def no_driver_words(reason, of: str) -> str:
    """Why a claim's indices name no input as its driver, in the report's language."""
    if reason.kind == "constant":
        return _("no input can be named as its driver: {of} has no variance in the sensitivity analysis's "
                 "design").format(of=of)
    if reason.kind in ("sobol undefined", "shapley undefined"):
        return _("no input can be named as its driver: the indices of {of} are undefined in {count} of their "
                 "{estimates} estimates, where it is the same in every sample").format(
            of=of, count=decimal(reason.count), estimates=decimal(reason.estimates))
    return _("no input can be named as its driver: the interval of the largest index of {of} is {width} wide, "
             "wider than the {tolerance} at which the indices count as converged").format(
        of=of, width=fixed(reason.width, 2), tolerance=fixed(reason.tolerance, 2))


def _failure(cv: ClaimVerdict, labels: dict) -> str:
    """The first failure box in words, or why there is none."""
    d = cv.discovery
    if not d.boxes:
        if d.samples and not d.cases:
            return _("it fails in none of the first {n} samples, so no region where it fails can be told").format(
                n=decimal(d.samples))
        return _("no region of the inputs stands out ({note})").format(note=md_text(discovery_note(d)))
    box = d.boxes[0]
    return _("{box}: {density} of the samples there fail (against {base} overall), and they hold {coverage} of "
             "all failures").format(box=describe_box(box, labels), density=percent(box.density, 0),
                                    base=percent(d.base_rate, 0), coverage=percent(box.coverage, 0))


# --- the verdict's section ---------------------------------------------------------------------------

def verdict_markdown(result: Result, tables: Mapping[str, Table] | None = None) -> list[str]:
    """The report's verdict section: the reference outputs, then each claim in words, with its tipping points and
    failure boxes (``tables``' ``tipping_points`` and ``failure_boxes``, made here where not given)."""
    labels = input_names(result)
    lines = [_("## Verdict"), ""]
    published = result.spec.published
    for name in headline_outputs(result.spec):
        out = result.spec.model.output(name)
        reference = published.value(name) if published is not None else None
        s = result.outputs[out.name]
        never = float(s.p_never) if s.p_never is not None else 0.0
        shown = not names_its_unit(output_label(out), _(out.unit))
        p05, p50, p95 = (md_text(format_value(float(v), out.unit, unit_shown=shown)) for v in (s.p05, s.p50, s.p95))
        line = _("- **{output}**: median {p50}, 90 % interval {p05} to {p95}").format(
            output=md_text(output_label(out)), p50=p50, p05=p05, p95=p95)
        line += f" ({md_text(_(reference[1]))})" if reference is not None else ""
        if never:
            line += _("; {share} of samples are infinite ({means})").format(
                share=percent(never), means=md_text(_(out.infinite_means)))
        lines.append(line + ".")
    lines.append("")
    tipping = tables["tipping_points"] if tables else tipping_table(result)
    boxes = (tables or {}).get("failure_boxes") or boxes_table(result)
    for name, cv in result.verdict.claims.items():
        lines += _claim_markdown(result.claims[name], cv, labels, result, tipping, boxes)
    return lines


def _claim_markdown(c: ClaimResult, cv: ClaimVerdict, labels: dict, result: Result, tipping: Table,
                    boxes: Table) -> list[str]:
    test = md_text(claim_condition(c, result))
    lines = [f"### {md_text(claim_text(c.claim)) if c.claim.text else capital(test)}", ""]
    if c.claim.quote:
        lines += [quote_markdown(c.claim, lead=_("**The words tested:** ")), ""]
    found = readings(c, result)
    if len(found) > 1:
        lines += [_("{test}, over {n} samples:").format(test=capital(test), n=decimal(c.samples)), ""]
        lines += [_("- {reading}: {probability}; {point}.").format(
            reading=md_text(capital(name)), probability=_probability(r), point=_at_point(r, result))
            for name, r in found]
        lines.append("")
    else:
        lines += [_("{test}: {probability}, over {n} samples; {point}.").format(
            test=capital(test), probability=_probability(c), n=decimal(c.samples), point=_at_point(c, result)), ""]
    if cv.no_driver is not None:
        lines += [_("- **What drives it**: {reason}; the tipping points and boxes below say which inputs decide "
                    "it.").format(reason=no_driver_words(cv.no_driver, _drivers_of(cv, result, c))), ""]
    elif cv.drivers:
        measure = cv.drivers[0].measure[0]
        top = [f"{_name(d.input, labels)} ({_index(measure, value, conf)})"
               for d in cv.drivers[:3] for _m, value, conf in [d.measure] if value - conf > 0.01] or [
               f"{_name(cv.drivers[0].input, labels)} ({measure} {fixed(cv.drivers[0].measure[1], 2)})"]
        heading = (_("- **What drives it** (Shapley effects of {of}, with the priors' correlations): {inputs}.")
                   if measure == "Shapley" else _("- **What drives it** (total Sobol indices of {of}): {inputs}."))
        lines += [heading.format(of=_drivers_of(cv, result, c), inputs=", ".join(top)), ""]
    else:
        lines += [_("- **What drives it**: the run file has no `[sensitivity]` table, so no Sobol indices; the "
                    "tipping points and boxes below say which inputs decide it."), ""]
    flips = _flips(cv)
    if flips:
        said = _("; ").join(describe_tipping(t, labels) for t in flips[:3])
        lines += [_("- **Tipping points** (one input moving, the others at their points): {said}.").format(
            said=said), ""]
    lines += [*tipping.where("claim", c.claim.name).to_markdown(), ""]
    lines += _boxes_markdown(c.claim.name, cv, labels, boxes)
    return lines


def _index(measure: str, value: float, conf: float) -> str:
    """'ST 0.78 ± 0.01'; an interval that reaches beyond [0, 1] is given clipped: 'ST 0.90, interval 0.72 to 1'."""
    if value - conf >= 0 and value + conf <= 1:
        return f"{measure} {fixed(value, 2)} ± {fixed(conf, 2)}"
    low, high = fixed(max(value - conf, 0.0), 2), fixed(min(value + conf, 1.0), 2)
    return _("{measure} {value}, interval {low} to {high}").format(measure=measure, value=fixed(value, 2), low=low,
                                                                   high=high)


#: The identifiers of the tipping points' table (``tables/tipping_points.csv``), a row per claim and input.
TIPPING_KEYS = ("claim", "input", "label", "unit", "value", "fails", "quantile", "failing_share", "method",
                "other_flip", "other_fails", "other_quantile", "holds_at_point")


def tipping_table(result: Result) -> Table:
    """Every claim's tipping points, a row per claim and input, the inputs by decreasing probability of the side
    where the claim fails: the rows of ``tables/tipping_points.csv`` and, one claim's, of its table in
    ``report.md`` (its LaTeX is :mod:`mcsim.report.tables`'s)."""
    labels = input_names(result)
    rows = tuple((claim, t.input, *labels.get(t.input, (t.input, "")), t.value, t.fails, t.quantile, t.failing_share,
                  t.method, t.other_flip, t.other_fails, t.other_quantile, t.holds_at_point)
                 for claim, cv in result.verdict.claims.items()
                 for t in sorted(cv.tipping, key=_failing_share, reverse=True))

    def cell(k: int) -> Callable[[Mapping[str, Any]], str]:
        return lambda row: tipping_cells(tipping_point(row), lambda v: md_text(format_value(v, row["unit"], 4)))[k]

    columns = ("claim", "input", Column("label", pgettext("column", "input"), lambda r: md_cell(r["label"]), False),
               "unit", Column("value", _("at"), cell(1)), Column("fails", _("the claim fails"), cell(0), False),
               Column("quantile", _("percentile of its prior"), cell(2)),
               Column("failing_share", _("P(failing side)"),
                      lambda r: "" if r["failing_share"] is None else fixed(r["failing_share"], 3)),
               Column("method", _("method"), lambda r: _(r["method"]), False), *TIPPING_KEYS[9:])
    table = Table("tipping_points", columns, rows, "",
                  shown=("label", "fails", "value", "quantile", "failing_share", "method"))
    assert table.header == TIPPING_KEYS
    return table


def tipping_point(row: Mapping[str, Any]) -> TippingPoint:
    """The tipping point of a row of :func:`tipping_table`, by identifier (the range searched is not in the table)."""
    return TippingPoint(**{key: row[key] for key in TIPPING_KEYS if key not in ("label", "unit", "failing_share")},
                        searched=(math.nan, math.nan))


def tipping_cells(t: TippingPoint, number) -> tuple[str, str, str]:
    """A tipping point's cells in a table: the side where the claim fails, the value(s) and their percentiles.

    An input that tips a two-sided claim twice gives both flips: 'below or above', '2.69 % or 9.25 %'.
    ``number`` writes a value of the input.
    """
    sides = t.sides
    if not sides:
        return (_("always") if t.fails == "always" else _("never")), "", ""
    percentiles = ["" if q is None else fixed(100 * q, 1) for _v, _f, q in sides]
    if len(sides) == 1:
        return _(sides[0][1]), number(sides[0][0]), percentiles[0]
    (low, low_fails, _q), (high, _f, _q2) = sides
    if low_fails == "below":
        side, at = _("below or above"), _("{low} or {high}").format(low=number(low), high=number(high))
        q = _("{low} or {high}").format(low=percentiles[0], high=percentiles[1]) if all(percentiles) else ""
    else:
        side, at = _("between"), _("{low} to {high}").format(low=number(low), high=number(high))
        q = _("{low} to {high}").format(low=percentiles[0], high=percentiles[1]) if all(percentiles) else ""
    return side, at, q


def _boxes_markdown(claim: str, cv: ClaimVerdict, labels: dict, table: Table) -> list[str]:
    d = cv.discovery
    if not d.boxes:
        return [_("- **Where it fails** (scenario discovery): {note}.").format(note=md_text(discovery_note(d))), ""]
    lines = [_("- **Where it fails** (scenario discovery on the first {n} samples, {cases} of which fail, "
               "{share}):").format(n=decimal(d.samples), cases=decimal(d.cases), share=percent(d.base_rate))]
    for i, box in enumerate(d.boxes, start=1):
        lines.append(_("  - box {i}: {box}: it holds {coverage} of the failures (coverage) and {density} of its "
                       "samples fail (density); {mass} of all samples lie in it.").format(
            i=i, box=describe_box(box, labels), coverage=percent(box.coverage, 0), density=percent(box.density, 0),
            mass=percent(box.mass, 0)))
    return [*lines, "", *table.where("claim", claim).to_markdown(), ""]


def boxes_table(result: Result) -> Table:
    """Every claim's failure boxes (``tables/failure_boxes``): a row per box and input it restricts, with the box's
    coverage, density and mass, the input's limits (empty on a side left open) and the restriction's quasi-p value.
    The rows of each claim's table in ``report.md``; its LaTeX is :mod:`mcsim.report.tables`'s."""
    labels = input_names(result)
    rows = tuple((claim, i, box.coverage, box.density, box.mass, r.input, *labels.get(r.input, (r.input, "")),
                  r.low if r.restricts_low else None, r.high if r.restricts_high else None, r.quasi_p)
                 for claim, cv in result.verdict.claims.items() for i, box in enumerate(cv.discovery.boxes, start=1)
                 for r in box.restrictions)

    def limit(key: str) -> Callable[[Mapping[str, Any]], str]:
        return lambda r: _("(any)") if r[key] is None else md_text(format_value(r[key], r["unit"]))

    return Table("failure_boxes", (
        "claim", Column("box", pgettext("column", "box"), lambda r: str(r["box"])), "coverage", "density", "mass",
        "input", Column("label", pgettext("column", "input"), lambda r: md_cell(r["label"]), False), "unit",
        Column("low", pgettext("column", "from"), limit("low")),
        Column("high", pgettext("column", "to"), limit("high")),
        Column("quasi_p", pgettext("column", "quasi-p"), lambda r: p_value(r["quasi_p"]))), rows, "")
