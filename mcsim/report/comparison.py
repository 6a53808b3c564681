"""``reports/comparison/``: the scenarios of a batch side by side, and how the verdict moves.

Scenarios are compared like with like: those of one model together (:func:`groups`), each group
with its own claims, focus output and figures, so that no claim or output of one model is set
beside another model's namesake. Each group's page is its :data:`SECTIONS` (:class:`~mcsim.report.section.Section`,
as a run's report is), each followed by its figures.

Written whole or not at all (:class:`mcsim.report.writing.replace_directory`): ``report.md``, a
self-contained ``report.html``, ``summary.json``, ``figures/`` (PNG and PDF) and ``tables/`` (CSV
and LaTeX, :func:`mcsim.report.tables.comparison_tables`). Its
``summary.json`` ends with a ``manifest`` naming it a comparison and listing its files: what a
later batch may replace, and nothing else.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mcsim._version import __version__
from mcsim.i18n import _, decimal, ngettext, speaking
from mcsim.report.comparison_figures import claim_words, comparison_figures
from mcsim.report.comparison_words import input_words
from mcsim.report.document import figure_lines, render_html
from mcsim.report.figures import Figure
from mcsim.report.likelihood import TERMS, term
from mcsim.report.rendering import render
from mcsim.report.section import Section, Tables
from mcsim.report.style import NO_FIGURES, look
from mcsim.report.tables import (
    TABLES,
    claims_by_scenario,
    comparison_tables,
    focus_by_scenario,
    tipping_by_scenario,
    write_tables,
)
from mcsim.report.target import comparison_inputs
from mcsim.report.text import (
    claim_names,
    estimate,
    fixed,
    headline_outputs,
    lower_first,
    md_cell,
    md_code,
    md_text,
    reading_words,
    scenario_title,
)
from mcsim.report.ticks import compact

__all__ = ["build_comparison", "comparison_figures", "focus", "groups", "model_of", "render_comparison",
           "write_comparison"]


def focus(scenarios) -> dict[str, Any] | None:
    """The output the comparison shows by scenario, and the claim on it.

    The first scalar output a claim of the first scenario (the baseline) names, with that claim;
    without one, the first scalar output its report draws.
    """
    spec = next((s.spec for s in scenarios if s.spec is not None), None)
    if spec is None:
        return None
    claim = next((c for c in spec.claims if not spec.model.output(c.output).per_user), None)
    name = claim.output if claim is not None else (headline_outputs(spec) or [None])[0]
    if name is None:
        return None
    out = spec.model.output(name)
    published = spec.published.value(name) if spec.published is not None else None
    return {"output": name, "label": out.label, "unit": out.unit, "infinite_means": out.infinite_means,
            "log_scale": out.log_scale,
            "claim": None if claim is None else {"name": claim.name, "op": claim.op, "value": claim.value,
                                                 "thresholds": list(claim.thresholds),
                                                 "words": reading_words(claim, lambda v: compact(v, out.unit))},
            "published": None if published is None else {"value": published[0], "label": published[1]}}


def model_of(scenario) -> str:
    """The model of a scenario, as its run file names it (``"tableau1"``, ``"mymodel:MODEL"``)."""
    spec = scenario.spec
    if spec is None:
        return scenario.summary.get("manifest", {}).get("model", {}).get("name", "")
    return spec.model_source.name if spec.model_source is not None else spec.model.name


def groups(scenarios) -> list[tuple[str, list]]:
    """The scenarios by model, in the order each model first appears: ``[(model, [scenario, ...]), ...]``."""
    found: dict[str, list] = {}
    for s in scenarios:
        found.setdefault(model_of(s), []).append(s)
    return list(found.items())


def build_comparison(scenarios) -> dict[str, Any]:
    """The comparison's ``summary.json``: per scenario its model, claims, scalar outputs and verdict's key points.

    ``groups`` lists the scenarios of each model with the output they are compared on (``focus``);
    the top-level ``focus`` is the first group's.
    """
    rows = []
    for s in scenarios:
        verdict = s.summary.get("verdict", {}).get("claims", {})
        french = {c.name: c.text_fr for c in s.spec.claims} if s.spec is not None else {}
        claims = {}
        for name, c in s.summary.get("claims", {}).items():
            v = verdict.get(name, {})
            claims[name] = {"probability": c.get("probability"), "ci95": c.get("ci95"),
                            "holds_at_point": c.get("holds_at_point"), "text": c.get("text"),
                            "text_fr": french.get(name, ""),
                            "top_driver": _top_driver(v), "most_likely_tipping_point": _fragile(v),
                            "first_box": (v.get("discovery", {}).get("boxes") or [None])[0],
                            "no_box": _no_box(v.get("discovery"))}
        outputs = {name: {**{k: o.get(k) for k in ("p05", "p50", "p95", "mean", "p_never")},
                          "mean_is_summary": (o.get("heavy_tail") or {}).get("mean_is_summary")}
                   for name, o in s.summary.get("outputs", {}).items() if not isinstance(o.get("p50"), list)}
        inputs = s.spec.priors.inputs if s.spec is not None else ()
        labels = {p.name: p.label or p.name for p in inputs}
        rows.append({"stem": s.stem, "title": s.title, "title_fr": s.spec.title_in("fr") if s.spec is not None else "",
                     "model": model_of(s), "report": str(s.report), "ran": s.ran, "run": s.summary.get("run", {}),
                     "claims": claims, "outputs": outputs, "labels": labels,
                     "labels_fr": {p.name: p.label_fr for p in inputs if getattr(p, "label_fr", None)},
                     "units": {p.name: p.unit for p in inputs}})
    grouped = [{"model": model, "scenarios": [s.stem for s in members], "focus": focus(members)}
               for model, members in groups(scenarios)]
    return {"mcsim_version": __version__, "focus": grouped[0]["focus"] if grouped else None, "groups": grouped,
            "scenarios": rows,
            "notes": {"null": "null stands for an infinite value (see each run's null_means) or a missing one.",
                      "ci95": "Wilson score interval of each claim's probability over the run's samples."}}


def _top_driver(v: dict) -> dict | None:
    st = v.get("drivers", {}).get("ST") or []
    return st[0] if st else None


def _fragile(v: dict) -> dict | None:
    """The tipping point whose failing side (both sides, for an input that tips a claim twice) the prior makes most
    likely."""
    best, share = None, -1.0
    for t in v.get("tipping_points", []):
        if t.get("value") is None or t.get("quantile") is None or t.get("fails") not in ("below", "above"):
            continue
        p = t.get("p_failing")
        if p is None:  # a summary written before both sides were counted
            p = t["quantile"] if t["fails"] == "below" else 1 - t["quantile"]
        if p > share:
            best, share = {**t, "failing_share": p}, p
    return best


def _stems(stems: list[str]) -> str:
    return ", ".join(f"`{md_code(stem)}`" for stem in stems)


def _verdict_moves(data: dict, _tables: Tables) -> list[str]:
    lines = [_("## How the verdict moves across scenarios"), ""]
    scenarios = data["scenarios"]
    for name in claim_names(scenarios):
        entries = [(s, s["claims"][name]) for s in scenarios if name in s["claims"]]
        probs = [(c["probability"], scenario_title(s)) for s, c in entries if c.get("probability") is not None]
        if not probs:
            continue
        low, high = min(probs), max(probs)
        fields = {"claim": md_text(claim_words(data, name)), "name": md_code(name), "n": len(probs)}
        if fixed(low[0], 3) == fixed(high[0], 3):
            said = ngettext("**{claim}** (`{name}`): its probability is {p} in the one scenario that tests it.",
                            "**{claim}** (`{name}`): its probability is {p} in each of the {n} scenarios that "
                            "test it.", len(probs)).format(**fields, p=fixed(low[0], 3))
        else:
            said = _("**{claim}** (`{name}`): its probability ranges from {low} (*{low_title}*) to {high} "
                     "(*{high_title}*) over the {n} scenarios that test it.").format(
                **fields, low=fixed(low[0], 3), low_title=md_text(low[1]), high=fixed(high[0], 3),
                high_title=md_text(high[1]))
        by_term: dict[str, list[str]] = {}
        for s, c in entries:
            if c.get("probability") is not None:
                by_term.setdefault(term(c["probability"]), []).append(s["stem"])
        if len(by_term) == 1:
            said += " " + ngettext("It is {term} there.", "It is {term} in all of them.", len(probs)).format(
                term=_(next(iter(by_term))))
        else:
            said += "".join(" " + ngettext("It is {term} in {n} scenario ({stems}).",
                                           "It is {term} in {n} scenarios ({stems}).", len(stems)).format(
                term=_(t), n=len(stems), stems=_stems(stems)) for t in reversed(TERMS) if (stems := by_term.get(t)))
        lines += [said, ""]
        drivers: dict[str, list[str]] = {}
        for s, c in entries:
            if c.get("top_driver"):
                drivers.setdefault(input_words(s, c["top_driver"]["input"]), []).append(s["stem"])
        if drivers:
            lines += [" ".join(ngettext("Its largest total Sobol index is that of the {input} in {n} scenario "
                                        "({stems}).",
                                        "Its largest total Sobol index is that of the {input} in {n} scenarios "
                                        "({stems}).", len(stems)).format(
                input=md_text(lower_first(label)), n=len(stems), stems=_stems(stems))
                for label, stems in drivers.items()), ""]
    return lines


def _probability_cell(row: dict) -> str:
    """A claim's probability in a scenario in words and numbers, and whether it holds at the scenario's points."""
    said = (_("{term}, {p} ({low} to {high}) *(holds)*") if row["holds_at_point"] else
            _("{term}, {p} ({low} to {high}) *(fails)*"))
    p, low, high = estimate(row["probability"], (row["ci95_low"], row["ci95_high"]))
    return said.format(term=_(row["likelihood"]), p=p, low=low, high=high)


def _claims(data: dict, tables: Tables) -> list[str]:
    by_stem = {s["stem"]: s for s in data["scenarios"]}
    return [_("## Claims by scenario"), "",
            _("Probability that each claim holds, in words on the IPCC's calibrated likelihood scale and in numbers "
              "with its 95 % interval; *(holds)* or *(fails)* at the scenario's point values."), "",
            *tables["claims_by_scenario"].crossed(
                ("scenario", list(by_stem), lambda stem: f"{md_cell(scenario_title(by_stem[stem]))} (`{stem}`)"),
                ("claim", claim_names(data["scenarios"]), lambda name: f"`{md_code(name)}`"), _("scenario"),
                _probability_cell), ""]


def _focus(data: dict, tables: Tables) -> list[str]:
    chosen = data["focus"]
    return [_("## {label} by scenario").format(label=md_text(_(chosen["label"]))), "",
            *tables[f"{chosen['output']}_by_scenario"].to_markdown(), ""]


def _tipping(data: dict, tables: Tables) -> list[str]:
    return [_("## Where each claim tips, by scenario"), "",
            _("The tipping point whose failing side is most likely under the scenario's priors (one input moving, "
              "the others at their points), and the inputs PRIM's first failure box restricts."), "",
            *tables["tipping_by_scenario"].to_markdown(), ""]


#: The sections of a comparison, each over one model's scenarios (its ``data``); their figures, drawn from the
#: scenarios' samples, are given to :func:`render_comparison` by section.
SECTIONS = (
    Section("moves", _verdict_moves),
    Section("claims", _claims, lambda data: [claims_by_scenario(data)]),
    Section("focus", _focus, lambda data: [focus_by_scenario(data["scenarios"], data["focus"])],
            applies=lambda data: data.get("focus") is not None),
    Section("tipping", _tipping, lambda data: [tipping_by_scenario(data)]),
)


def _no_box(discovery: dict | None) -> dict | None:
    """Why a scenario's discovery found no failure box (None when it found one or did not run)."""
    if not discovery or discovery.get("boxes"):
        return None
    return {"note": discovery.get("note", ""), "reason": discovery.get("reason", ""),
            "base_rate": discovery.get("base_rate")}


def _subset(data: dict, group: dict) -> dict:
    """The comparison's data restricted to one model's scenarios."""
    return {"scenarios": [row for row in data["scenarios"] if row["stem"] in group["scenarios"]],
            "focus": group["focus"]}


def render_comparison(data: dict, figures: Mapping[str, Mapping[str, Sequence[Figure]]] | None = None) -> str:
    """The comparison's Markdown: for each model, its scenarios' :data:`SECTIONS`, each followed by its figures
    (``figures`` by model, then by section: :func:`comparison_figures`' dictionaries; none where not given), then the
    scenarios."""
    figures = figures or {}
    grouped = data.get("groups") or [{"model": "", "scenarios": [r["stem"] for r in data["scenarios"]],
                                      "focus": data.get("focus")}]
    n, numbers = len(data["scenarios"]), itertools.count(1)  # figures numbered through every model's
    lines = [_("# Comparison of scenarios"), "",
             ngettext("{n} scenario, run with its own priors and overrides; its report is in `{folder}`.",
                      "{n} scenarios, each run with its own priors and overrides; each one's report is in "
                      "`{folder}`, under its name.", n).format(n=n, folder=md_code(_folder(data))), ""]
    if len(grouped) > 1:
        said = _("; ").join(_("{model}: {scenarios}").format(model=f"`{md_code(g['model'])}`",
                                                             scenarios=_stems(g["scenarios"])) for g in grouped)
        lines += [_("They run {n} models, each compared with its own scenarios only: {models}.").format(
            n=len(grouped), models=said), ""]
    for group in grouped:
        subset, drawn, part = _subset(data, group), figures.get(group["model"], {}), []
        for section in (section for section in SECTIONS if section.applies(subset)):
            tables = {table.stem: table for table in section.tables(subset)}
            part += [*section.text(subset, tables), *figure_lines(drawn.get(section.key, ()), numbers)]
        if len(grouped) > 1:  # one section per model, its own sections one level down
            part = [f"#{line}" if line.startswith("## ") else line for line in part]
            part = [_("## Model `{model}`").format(model=md_code(group["model"])), "", *part]
        lines += part
    lines += [_("## Scenarios"), ""]
    for s in data["scenarios"]:
        run = s["run"]
        overrides = ", ".join(f"`{md_code(name)}`" for name in run.get("overrides") or [])
        said = (_("- `{stem}`: {title}; run file `{file}` (sha256 `{sha}`), {samples} samples ({sampler}, seed "
                  "{seed}); overrides: {overrides}.") if overrides else
                _("- `{stem}`: {title}; run file `{file}` (sha256 `{sha}`), {samples} samples ({sampler}, seed "
                  "{seed}); no overrides."))
        lines.append(said.format(stem=md_code(s["stem"]), title=md_text(scenario_title(s)),
                                 file=md_code(run.get("run_file", "")), sha=run.get("run_sha256", ""),
                                 samples=decimal(run.get("samples", 0)), sampler=run.get("sampler", ""),
                                 seed=run.get("seed", ""), overrides=overrides))
    return "\n".join([*lines, "", _("Made by mcsim {version} (`mcsim batch`).").format(version=__version__)]) + "\n"


def _folder(data: dict) -> str:
    """Where the scenarios' reports are: a single scenario's folder, or the folder that holds each one's."""
    folders = [Path(row["report"]) for row in data["scenarios"] if row.get("report")]
    if len(folders) == 1:
        return folders[0].as_posix() + "/"
    parents = {f.parent for f in folders}
    return (parents.pop().as_posix() + "/") if len(parents) == 1 else ", ".join(f.as_posix() + "/" for f in folders)


def _stem_part(model: str) -> str:
    """A model's name as part of a file name: ``mymodel:MODEL`` -> ``mymodel_MODEL``."""
    return "".join(c if c.isalnum() else "_" for c in model)


def _language(scenarios, lang: str | None) -> str:
    return lang if lang is not None else next((s.spec.lang for s in scenarios if s.spec is not None), "en")


def write_comparison(scenarios, target: str | Path, *, figures: str = "default", lang: str | None = None) -> Path:
    """Write the comparison of ``scenarios`` (see :class:`mcsim.batch.Scenario`) into ``target``.

    The scenarios are shown in their order, the first as the baseline; ``figures`` is the figure
    style (see :mod:`mcsim.report.style`), ``lang`` the language of its words (by default the
    baseline's, which ``mcsim batch --lang`` sets for every run).
    """
    lang = _language(scenarios, lang)
    with speaking(lang):
        return _write_comparison(scenarios, Path(target), figures, comparison_inputs(scenarios, figures, lang))


def _write_comparison(scenarios, target: Path, figures: str, inputs: dict[str, Any]) -> Path:
    from mcsim.report.target import FILES_KEY, report_files
    from mcsim.report.writing import replace_directory
    from mcsim.serialise import dumps, plain

    data = plain(build_comparison(scenarios))
    with replace_directory(target) as staging:
        figures_dir = staging / "figures"
        style = look(figures)
        drawn = {group["model"]: {} for group in data["groups"]}
        for group in data["groups"] if figures != NO_FIGURES else ():
            members = [s for s in scenarios if s.stem in group["scenarios"]]
            suffix = "" if len(data["groups"]) == 1 else "_" + _stem_part(group["model"])
            drawn[group["model"]] = comparison_figures(members, _subset(data, group), style, suffix)
        if figures != NO_FIGURES:
            figures_dir.mkdir()
            render([f for by_section in drawn.values() for shown in by_section.values() for f in shown], figures_dir,
                   style)
        write_tables(comparison_tables(data), staging / TABLES)
        text = render_comparison(data, drawn)
        (staging / "report.md").write_text(text, encoding="utf-8")
        (staging / "report.html").write_text(render_html(text, figures_dir, _("Comparison of scenarios")),
                                             encoding="utf-8")
        data["manifest"] = {"report": "comparison", FILES_KEY: sorted([*report_files(staging), "summary.json"]),
                            "inputs": inputs}
        (staging / "summary.json").write_text(dumps(data), encoding="utf-8")
    return target
