"""The report's sensitivity section in plain words: what matters most, how sure, how checked."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from mcsim.analysis.sensitivity import SensitivityResult, TargetResult, indices_distinguishable
from mcsim.analysis.sensitivity.targets import Target
from mcsim.i18n import MINUS, _, listed, pgettext
from mcsim.report.table import Column, Table
from mcsim.report.text import (
    UNIT_WORDS,
    capital,
    claim_text,
    condition,
    count,
    decimal,
    fixed,
    format_value,
    lower_first,
    md_cell,
    md_code,
    md_text,
    number,
    percent,
)

__all__ = ["INDEX_KEYS", "index_interval", "index_table", "sensitivity_markdown", "target_words"]


def _pct(value: float) -> str:
    return percent(value, 0)


def _interval(value: float, half: float, as_percent: bool = False) -> str:
    """An index and its interval, the interval clipped to [0, 1] (an index is a share of a variance)."""
    if not (np.isfinite(value) and np.isfinite(half)):
        return _("undefined")
    lo, hi = index_interval(value, half)
    if as_percent:
        # as few decimals as tell the interval's ends apart: 34.0 % (33.8 to 34.1 %), not 34 % (34 to 34 %)
        places = next((k for k in range(3) if f"{100 * lo:.{k}f}" != f"{100 * hi:.{k}f}"), None)
        if places is None:
            return _("{value} (its interval narrower than 0.01 %)").format(value=percent(value, 2))
        return _("{value} ({low} to {high} %)").format(value=percent(value, places), low=fixed(100 * lo, places),
                                                       high=fixed(100 * hi, places))
    return _said(value, lo, hi)


def _count(value: float) -> str:
    return count(value) if np.isfinite(value) else _("never")


def infinite_note(tr: TargetResult, seed: int | None = None) -> str:
    """The share of the Saltelli design's samples where the output is infinite, in words ("" when none is).

    It is the share in the design the indices are estimated on, not in the run's own sample, so it
    names that design (which differs from the run's share by its own sampling error).
    """
    if not tr.infinite_share:
        return ""
    ix = tr.indices if tr.indices is not None else (tr.convergence[-1] if tr.convergence else None)
    if ix is None or seed is None:
        return _("{share} of the samples of the Saltelli design are infinite.").format(
            share=percent(tr.infinite_share, 2))
    return _("{share} of the samples of the Saltelli design (N = {n}, {runs} model runs, seed {seed}) are "
             "infinite.").format(share=percent(tr.infinite_share, 2), n=decimal(ix.base_samples),
                                 runs=decimal(ix.evaluations), seed=seed)


def target_words(target: Target) -> str:
    """What an analysis apportions, in words, without an article: a claim's indicator names the claim by its words."""
    claim = target.claim
    if target.kind != "claim" or claim is None:
        return target.describe()
    test = condition(_(target.label) if target.label else target.output, target.unit, claim)
    if claim.text:
        return _("indicator of the claim “{claim}”: 1 where {test}, 0 elsewhere").format(claim=claim_text(claim),
                                                                                        test=test)
    return _("indicator of the claim: 1 where {test}, 0 elsewhere").format(test=test)


def sensitivity_markdown(result: SensitivityResult, labels: Mapping[str, str] | None = None) -> str:
    """The report's sensitivity section, in plain words (headings level 2 and 3, tables).

    ``labels`` gives the inputs' labels in the report's language (the analysis holds the priors' own).
    """
    if labels:
        result = replace(result, labels={**result.labels, **labels})
    spec = result.spec
    names = ", ".join(_name(result, n) for n in result.names)
    lines = [_("## Sensitivity: which assumption matters most"), "",
             _("Sobol indices apportion the variance of each output among the uncertain inputs: the first-order "
               "index S1 is the share an input explains on its own, the total index ST the share it explains "
               "including its interactions with the others (an input with ST near 0 could be fixed without "
               "changing the output). Their {level} intervals are given beside them; how they and the other "
               "measures below were estimated, on samples drawn for this section from seed {seed} apart from the "
               "run's own, is told under Methods.").format(level=percent(spec.conf_level, 0), seed=result.seed), "",
             _("Inputs analysed: {inputs}.").format(inputs=names),
             *(_("Note: {note}.").format(note=md_text(note)) for note in spec.notes)]
    if spec.shapley:
        lines[4:4] = [_("Shapley effects (Owen 2014) share the same variance out among the inputs whether or not "
                        "they are correlated: each input gets the average, over every order in which the inputs "
                        "could be learned, of the variance its arrival explains; they sum to 1 and, with "
                        "independent inputs, lie between S1 and ST."), ""]
    if result.left_out:
        lines.append(_("Inputs that are points are left out (they have no variance to apportion): {inputs}.").format(
            inputs=", ".join(_name(result, n) for n in result.left_out)))
    if result.correlations and spec.shapley:
        lines.append(_("**Independence.** Sobol indices assume independent inputs, so they ignore the priors' rank "
                       "correlations ({correlations}): every input is drawn from its own marginal distribution. The "
                       "Shapley effects take the correlations in, and rank the inputs here.").format(
                           correlations=md_text("; ".join(result.correlations))))
    elif result.correlations:
        lines.append(_("**Independence.** Sobol indices assume independent inputs, so the priors' rank correlations "
                       "({pairs}) are ignored in this section: every input is drawn from its own marginal "
                       "distribution.").format(pairs=md_text("; ".join(result.correlations))))
    lines.append("")
    for target in result.targets:
        if target.target.kind == "output":
            lines += _output_section(result, target)
    claims = [t for t in result.targets if t.target.kind == "claim"]
    if claims:
        lines += _claims_section(result, claims)
    return "\n".join(lines).rstrip() + "\n"


def _label(result: SensitivityResult, name: str) -> str:
    """An input in a table: its label and its name in the priors."""
    return f"{md_text(result.labels.get(name, name))} (`{md_code(name)}`)"


def _name(result: SensitivityResult, name: str) -> str:
    """An input in a list or a table: its label."""
    return md_text(result.labels.get(name, name))


def _named(result: SensitivityResult, name: str) -> str:
    """An input as a sentence names it: 'the share of users paying for Plus' (« le paramètre « … » »)."""
    return _("the {input}").format(input=lower_first(_name(result, name)))


def _output_section(result: SensitivityResult, tr: TargetResult) -> list[str]:
    t, ix = tr.target, tr.indices
    lines = [f"### {md_text(_(t.label) if t.label else t.output)}", "",
             _("Target: {target}.").format(target=md_text(target_words(t)))]
    if infinite_note(tr):
        lines[-1] += f" {md_text(infinite_note(tr, result.seed))}"
    if ix is None:
        return [*lines, "", _("No indices: {why}.").format(why=md_text(tr.undefined)), ""]
    ranking = tr.ranking
    j = ix.names.index(ranking.top)
    said = (_("**{input} explains {s1} of the target's variance on its own (S1), and {st} with its interactions "
              "(ST).**")
            if indices_distinguishable(ix.S1[j], ix.S1_conf[j], ix.ST[j], ix.ST_conf[j]) else
            _("**{input} explains {st} of the target's variance with its interactions (ST), and {s1} on its own "
              "(S1): the two are indistinguishable at this sample size, so its interactions with the other inputs "
              "are too small to tell.**"))
    lines += ["", capital(said.format(input=_named(result, ranking.top),
                                           s1=_interval(ix.S1[j], ix.S1_conf[j], True),
                                           st=_interval(ix.ST[j], ix.ST_conf[j], True)))]
    if ranking.by == "shapley":
        lines += _shapley_lead(result, tr)
    elif len(ix.names) > 1:
        k = ix.names.index(ranking.order[1])
        second = f"{_named(result, ranking.order[1])}, ST {_interval(ix.ST[k], ix.ST_conf[k])}"
        if ranking.top_tied:
            tied = listed(_named(result, n) for n in ranking.top_group[1:])
            lines.append(_("It shares the first rank with {tied}, ST {st}: tied, each ST estimate lies inside the "
                           "other's interval.").format(tied=tied, st=_interval(ix.ST[k], ix.ST_conf[k])))
        elif ranking.settled:
            lines.append(_("Its first rank is settled: its ST interval lies above that of the second, "
                           "{second}.").format(second=second))
        else:
            lines.append(_("Its first rank is **not settled**: its ST interval overlaps that of the second, "
                           "{second}.").format(second=second))
        lines[-1] += " " + _("It comes first in {share} of the {resamples}.").format(
            share=_pct(ranking.top_first_share), resamples=result.spec.resamples)
    s1_sum = float(np.sum(ix.S1))
    lines.append(_("The S1 sum to {sum}: interactions between inputs account for about {share} of the "
                   "variance.").format(sum=fixed(s1_sum, 2), share=_pct(max(0.0, 1.0 - s1_sum))))
    lines += ["", *_table(result, tr), ""]
    lines += _undefined_replicates(tr)
    near_zero = [n for n, s, c in zip(ix.names, ix.S1, ix.S1_conf, strict=True) if s < 0 and s + c >= 0]
    if near_zero:
        names = ", ".join(_name(result, n) for n in near_zero)
        lines += [_("Negative S1 estimates whose interval covers 0 ({inputs}) are shown as estimated: the true index "
                    "is 0 or close to it, and the negative value is sampling error.").format(inputs=names), ""]
    lines += _convergence(result, tr)
    lines += _crosschecks(result, tr)
    lines += _tornado(result, tr)
    return lines


def _shapley_lead(result: SensitivityResult, tr: TargetResult) -> list[str]:
    """With correlated priors: the first input by Shapley effect, and how settled its rank is."""
    sh, ranking = tr.shapley, tr.ranking
    j = sh.names.index(ranking.top)
    lines = [_("With the priors' correlations, its Shapley effect is {value}; the Shapley effects rank the inputs "
               "(Sobol's ranking, which ignores the correlations: {sobol}).").format(
                   value=_interval(sh.effects[j], sh.conf[j], True),
                   sobol=", ".join(_name(result, n) for n in _st_order(tr)))]
    if len(sh.names) > 1:
        k = sh.names.index(ranking.order[1])
        second = _("{input}, Shapley effect {value}").format(input=_named(result, ranking.order[1]),
                                                            value=_interval(sh.effects[k], sh.conf[k]))
        if ranking.settled:
            lines.append(_("Its first rank is settled: its interval lies above that of the second, {second}.").format(
                second=second))
        else:
            lines.append(_("Its first rank is **not settled**: its interval overlaps that of the second, "
                           "{second}.").format(second=second))
    return lines


def _st_order(tr: TargetResult) -> list[str]:
    ix = tr.indices
    return [ix.names[j] for j in np.argsort(-ix.ST, kind="stable")]


#: The identifiers of the indices table (``tables/sobol_indices.csv``), a row per target and input.
INDEX_KEYS = ("target", "kind", "transform", "rank", "input", "label", "S1", "S1_low", "S1_high", "ST", "ST_low",
              "ST_high", "conf_level", "base_samples", "converged", "S1_converged", "ST_converged", "shapley",
              "shapley_low", "shapley_high", "spearman", "pawn", "delta", "tornado_swing")


def index_interval(value: float, half: float) -> tuple[float, float]:
    """An index's interval, ``value`` +/- ``half``, clipped to [0, 1]: an index is a share of a variance."""
    return max(value - half, 0.0), min(value + half, 1.0)


def index_table(result: SensitivityResult, targets: Sequence[TargetResult] | None = None) -> Table:
    """The indices of ``targets`` (every target by default): a row per target and input, the inputs in the ranking's
    order, each with its first-order and total Sobol indices, its Shapley effect, its cross-checks and its tornado
    swing (empty where the analysis did not compute them); a target without indices has one row, its input empty.

    The rows of ``tables/sobol_indices.csv`` and, one target's, of its ranking table in ``report.md`` (its LaTeX is
    :mod:`mcsim.report.tables`'s).
    """
    conf = result.spec.conf_level
    rows = []
    for tr in result.targets if targets is None else targets:
        t, ix, cc, sh = tr.target, tr.indices, tr.crosscheck, tr.shapley
        if ix is None:
            rows.append(tuple({"target": t.key, "kind": t.kind, "transform": t.transform, "conf_level": conf}
                              .get(key) for key in INDEX_KEYS))
            continue
        swings = {bar.name: bar.swing for bar in tr.tornado.bars} if tr.tornado is not None else {}
        for rank, name in enumerate(tr.ranking.order, start=1):
            j = ix.names.index(name)
            s1, st = float(ix.S1[j]), float(ix.ST[j])
            shapley = (None, None, None) if sh is None else (float(sh.effects[j]),
                                                             *index_interval(sh.effects[j], sh.conf[j]))
            checks = (None, None, None) if cc is None else (
                float(cc.spearman[j]), float(cc.pawn[j]), float(cc.delta[j]) if cc.delta.size else None)
            rows.append((t.key, t.kind, t.transform, rank, name, result.labels.get(name, name),
                         s1, *index_interval(s1, ix.S1_conf[j]), st, *index_interval(st, ix.ST_conf[j]),
                         conf, ix.base_samples, tr.converged, name not in tr.not_converged["S1"],
                         name not in tr.not_converged["ST"], *shapley, *checks, swings.get(name)))
    table = Table("sobol_indices", _index_columns(), tuple(rows), "")
    assert table.header == INDEX_KEYS
    return table


def _said(value: float | None, low: float | None, high: float | None) -> str:
    """An index and its (clipped) interval in a table cell."""
    if value is None or not all(math.isfinite(v) for v in (value, low, high)):
        return _("undefined")
    return _("{value} ({low} to {high})").format(value=fixed(value, 3), low=fixed(low, 3), high=fixed(high, 3))


def _s1_cell(row: Mapping) -> str:
    said = _said(row["S1"], row["S1_low"], row["S1_high"])
    if row["S1_low"] == 0 and row["S1_high"] >= 0:  # the interval before clipping reaches 0 or below
        said += _(", covers 0")
    return said + ("" if row["S1_converged"] else _(", not converged"))


def _index_columns() -> tuple[Column, ...]:
    def input_cell(row: Mapping) -> str:
        return f"{md_text(row['label'])} (`{md_code(row['input'])}`)"

    def spearman(row: Mapping) -> str:  # signed, with the report's minus sign; none on a value that reads as zero
        said = fixed(abs(row["spearman"]), 2)
        if not any(digit in said for digit in "123456789"):
            return said
        return ("+" if row["spearman"] >= 0 else MINUS) + said

    return (*(Column(key) for key in INDEX_KEYS[:3]),
            Column("rank", _("rank"), lambda r: str(r["rank"])),
            Column("input", pgettext("column", "input"), input_cell, False), "label",
            Column("S1", _("S1 (interval)"), _s1_cell, False), "S1_low", "S1_high",
            Column("ST", _("ST (interval)"), lambda r: _said(r["ST"], r["ST_low"], r["ST_high"])
                   + ("" if r["ST_converged"] else _(", not converged")), False),
            *(Column(key) for key in INDEX_KEYS[10:17]),
            Column("shapley", _("Shapley (interval)"), lambda r: _said(r["shapley"], r["shapley_low"],
                                                                      r["shapley_high"]), False, optional=True),
            "shapley_low", "shapley_high",
            Column("spearman", "Spearman ρ", spearman, optional=True),
            Column("pawn", "PAWN", lambda r: fixed(r["pawn"], 3), optional=True),
            Column("delta", _("Borgonovo δ"), lambda r: fixed(r["delta"], 3), optional=True),
            Column("tornado_swing", _("tornado swing"), lambda r: number(r["tornado_swing"], 3), optional=True))


def _table(result: SensitivityResult, tr: TargetResult) -> list[str]:
    return index_table(result, [tr]).to_markdown()


def _convergence(result: SensitivityResult, tr: TargetResult) -> list[str]:
    spec_steps = tr.convergence
    last = spec_steps[-1]
    width, widest = last.widest_ST
    if tr.converged:
        verdict = _("Converged at N = {n} ({runs} model runs): the widest ST interval is {width} wide "
                    "({input}).").format(n=decimal(last.base_samples), runs=decimal(last.evaluations),
                                         width=fixed(width, 3), input=_name(result, widest))
    else:
        verdict = _("**Not converged** within the cap: at N = {n} ({runs} model runs) the widest ST interval is "
                    "still {width} wide ({input}); read the ranking with that in mind.").format(
            n=decimal(last.base_samples), runs=decimal(last.evaluations), width=fixed(width, 3),
            input=_name(result, widest))
    rows = [_("| N | model runs | widest ST interval | input | top input's ST |"), "|---:|---:|---:|---|---:|"]
    top = tr.ranking.top
    for step in spec_steps:
        j = step.names.index(top)
        w, name = step.widest_ST
        rows.append(f"| {decimal(step.base_samples)} | {decimal(step.evaluations)} | {fixed(w, 3)} | "
                    f"{_name(result, name)} | {_interval(step.ST[j], step.ST_conf[j])} |")
    return [verdict, "", *rows, ""]


def _crosschecks(result: SensitivityResult, tr: TargetResult) -> list[str]:
    cc = tr.crosscheck
    if cc is None:
        return []
    spearman, pawn = cc.order("spearman")[0], cc.order("pawn")[0]
    first = listed(_named(result, n) for n in tr.ranking.top_group)
    said = {(True, False): _("Cross-checks on a plain Monte Carlo sample of {n}: Spearman's rank correlation puts "
                             "{spearman} first, PAWN (median Kolmogorov-Smirnov distance; below {threshold} an input "
                             "is indistinguishable from none) puts {pawn} first; ST puts {first} first too: the "
                             "methods agree on the most influential input."),
            (True, True): _("Cross-checks on a plain Monte Carlo sample of {n}: Spearman's rank correlation puts "
                            "{spearman} first, PAWN (median Kolmogorov-Smirnov distance; below {threshold} an input "
                            "is indistinguishable from none) puts {pawn} first; ST ranks {first} tied first: the "
                            "methods agree on the most influential input."),
            (False, False): _("Cross-checks on a plain Monte Carlo sample of {n}: Spearman's rank correlation puts "
                              "{spearman} first, PAWN (median Kolmogorov-Smirnov distance; below {threshold} an input "
                              "is indistinguishable from none) puts {pawn} first, but ST puts {first} first: the "
                              "methods **disagree** on the most influential input."),
            (False, True): _("Cross-checks on a plain Monte Carlo sample of {n}: Spearman's rank correlation puts "
                             "{spearman} first, PAWN (median Kolmogorov-Smirnov distance; below {threshold} an input "
                             "is indistinguishable from none) puts {pawn} first, but ST ranks {first} tied first: "
                             "the methods **disagree** on the most influential input.")}[
        bool(tr.top_agrees), bool(tr.ranking.top_tied)]
    text = said.format(n=decimal(cc.samples), spearman=_named(result, spearman),
                       threshold=fixed(cc.pawn_threshold, 3), pawn=_named(result, pawn), first=first)
    if cc.delta.size:
        text += " " + _("Borgonovo's moment-independent delta (SALib's estimator, on the same sample) puts {input} "
                        "first.").format(input=_named(result, cc.order("delta")[0]))
    return [text, ""]


def _tornado(result: SensitivityResult, tr: TargetResult) -> list[str]:
    tor = tr.tornado
    if tor is None or not tor.bars:
        return []
    bar = tor.bars[0]
    never = _("never")
    lo = never if bar.capped_low else _in_unit(bar.output_low, tr.target.unit)
    hi = never if bar.capped_high else _in_unit(bar.output_high, tr.target.unit)
    at_points = never if tor.baseline_infinite else _in_unit(tor.baseline, tr.target.unit)
    return [_("Tornado (one input at a time at its p05 and p95, the others at their point values): at the point "
              "values the output is {value}; {input} moves it most, from {low} to {high}. The tornado ignores "
              "interactions; the indices above do not.").format(value=at_points, input=_named(result, bar.name),
                                                               low=lo, high=hi), ""]


def _in_unit(value: float, unit: str) -> str:
    """An output's value with its unit: a count of things as the report says it ('2.5 million users', « 2,5
    millions d'utilisateurs »), any other unit after the number ('0.0100 USD per prompt')."""
    if unit in UNIT_WORDS:
        return md_text(format_value(value, unit))
    return f"{_count(value)} {md_text(_(unit))}".strip()


def _undefined_replicates(tr: TargetResult, claim: str | None = None) -> list[str]:
    """A sentence for each kind of index undefined in some replicate (the target constant there), or none; of the
    section's target, or of ``claim``'s indicator (:func:`_claim_subject`)."""
    ix, sh = tr.indices, tr.shapley
    undefined = []  # (the sentence of the target's, of a claim's, the estimates undefined, the estimates)
    if ix is not None and ix.undefined_replicates:
        undefined.append((
            _("The target's Sobol indices are undefined in {count} of the {estimates} estimates (the replicates and "
              "their pool): it is the same in every one of their A and B samples, so those estimates are 0 by "
              "convention and the intervals measure nothing; they name no driver."),
            _("The Sobol indices of the {target} are undefined in {count} of the {estimates} estimates (the "
              "replicates and their pool): it is the same in every one of their A and B samples, so those estimates "
              "are 0 by convention and the intervals measure nothing; they name no driver."),
            ix.undefined_replicates, len(ix.ST_resamples) + 1))
    if sh is not None and sh.undefined_replicates:
        undefined.append((
            _("The target's Shapley effects are undefined in {count} of the {estimates} estimates (the replicates "
              "and their pool): it is the same in every one of their samples for the variance, so there is no "
              "variance to share out and their intervals are undefined."),
            _("The Shapley effects of the {target} are undefined in {count} of the {estimates} estimates (the "
              "replicates and their pool): it is the same in every one of their samples for the variance, so there "
              "is no variance to share out and their intervals are undefined."),
            sh.undefined_replicates, len(sh.replicates) + 1))
    return [line for of_target, of_claim, count, estimates in undefined
            for line in ((of_target if claim is None else of_claim).format(target=claim, count=count,
                                                                           estimates=estimates), "")]


def _claim_subject(tr: TargetResult) -> str:
    """A claim's indicator named by the claim's words (its name where it has none), for inside a sentence."""
    claim = tr.target.claim
    words = claim_text(claim) if claim is not None and claim.text else tr.target.key
    return _("indicator of the claim “{claim}”").format(claim=words)


def _claims_section(result: SensitivityResult, claims: list[TargetResult]) -> list[str]:
    lines = [_("### What decides the claims"), "",
             _("Each claim's indicator (1 where the claim holds, 0 elsewhere) analysed like an output, once, on the "
               "first base sample N where it varies (the claims do not steer the doubling)."), "",
             _("| claim | N | most influential input | its ST (interval) | first rank settled | widest ST interval |"),
             "|---|---:|---|---|---|---:|"]
    tied, yes, no, not_converged = _("tied"), _("yes"), _("no"), _(", not converged")
    undefined = _("none: its indices are undefined (below)")
    notes: list[str] = []
    for tr in claims:
        claim = tr.target.claim
        name = md_cell(claim_text(claim) if claim is not None and claim.text else tr.target.key)
        if tr.indices is None:
            lines.append(f"| {name} | | {md_cell(tr.undefined)} | | | |")
            continue
        ix, ranking = tr.indices, tr.ranking
        j = ix.names.index(ranking.top)
        subject = md_text(_claim_subject(tr))
        if ix.undefined_replicates:
            notes += _undefined_replicates(tr, subject)
            lines.append(f"| {name} | {decimal(ix.base_samples)} | {undefined} | | | |")
            continue
        settled = tied if ranking.top_tied else yes if ranking.settled else no
        lines.append(f"| {name} | {decimal(ix.base_samples)} | {_label(result, ranking.top)} | "
                     f"{_interval(ix.ST[j], ix.ST_conf[j])} | {settled} | {fixed(ix.widest_ST[0], 3)}"
                     f"{not_converged if tr.not_converged['ST'] else ''} |")
        notes += _undefined_replicates(replace(tr, indices=replace(ix, undefined_replicates=0)), subject)
    return [*lines, "", *notes]
