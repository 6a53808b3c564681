"""``reports/comparison/``: the scenarios of a batch side by side, and how the verdict moves.

Scenarios are compared like with like: those of one model together (:func:`groups`), each group
with its own claims, focus output and figures, so that no claim or output of one model is set
beside another model's namesake.

Written whole or not at all (:class:`mcsim.report.replace_directory`): ``report.md``, a
self-contained ``report.html``, ``summary.json``, ``figures/`` (PNG and PDF) and ``tables/`` (CSV
and LaTeX, :func:`mcsim.report.tables.comparison_tables`). Its
``summary.json`` ends with a ``manifest`` naming it a comparison and listing its files: what a
later batch may replace, and nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcsim._version import __version__
from mcsim.report.comparison_figures import comparison_figures
from mcsim.report.figures import Figure
from mcsim.report.likelihood import TERMS, term
from mcsim.report.rendering import render
from mcsim.report.style import look
from mcsim.report.text import headline_outputs, md_cell, md_code, md_text, number, percent, reading_words
from mcsim.report.ticks import compact
from mcsim.report.verdict import ordinal

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
        claims = {}
        for name, c in s.summary.get("claims", {}).items():
            v = verdict.get(name, {})
            claims[name] = {"probability": c.get("probability"), "ci95": c.get("ci95"),
                            "holds_at_point": c.get("holds_at_point"), "text": c.get("text"),
                            "top_driver": _top_driver(v), "most_likely_tipping_point": _fragile(v),
                            "first_box": (v.get("discovery", {}).get("boxes") or [None])[0],
                            "no_box": v.get("discovery", {}).get("note", "")}
        outputs = {name: {**{k: o.get(k) for k in ("p05", "p50", "p95", "mean", "p_never")},
                          "mean_is_summary": (o.get("heavy_tail") or {}).get("mean_is_summary")}
                   for name, o in s.summary.get("outputs", {}).items() if not isinstance(o.get("p50"), list)}
        labels = {p.name: p.label or p.name for p in s.spec.priors.inputs} if s.spec is not None else {}
        rows.append({"stem": s.stem, "title": s.title, "model": model_of(s), "report": str(s.report), "ran": s.ran,
                     "run": s.summary.get("run", {}), "claims": claims, "outputs": outputs, "labels": labels})
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


def _tip_words(t: dict, scenario: dict) -> str:
    """A tipping point from summary.json in words, with its second flip where an input tips a claim twice."""
    name = md_text(_input(scenario, t["input"]))
    said = f"fails {t['fails']} {name} = {number(t['value'])} ({ordinal(t['quantile'])})"
    if t.get("other_flip") is not None and t.get("other_fails") in ("below", "above"):
        where = f" ({ordinal(t['other_quantile'])})" if t.get("other_quantile") is not None else ""
        said += f" and {t['other_fails']} {number(t['other_flip'])}{where}"
    return said


def _verdict_moves(data: dict) -> list[str]:
    lines = ["## How the verdict moves across scenarios", ""]
    scenarios = data["scenarios"]
    names = []
    for s in scenarios:
        names += [n for n in s["claims"] if n not in names]
    for name in names:
        entries = [(s, s["claims"][name]) for s in scenarios if name in s["claims"]]
        text = next((c.get("text") for _, c in entries if c.get("text")), name)
        probs = [(c["probability"], s["title"]) for s, c in entries if c.get("probability") is not None]
        if not probs:
            continue
        low, high = min(probs), max(probs)
        by_term: dict[str, list[str]] = {}
        for s, c in entries:
            if c.get("probability") is not None:
                by_term.setdefault(term(c["probability"]), []).append(s["stem"])
        counted = "; ".join(f"{said} in {len(stems)} ({md_text(', '.join(stems))})"
                            for said in reversed(TERMS) if (stems := by_term.get(said)))
        lines += [f"**{md_text(text)}** (`{name}`): its probability ranges from {low[0]:.3f} "
                  f"(*{md_text(low[1])}*) to {high[0]:.3f} (*{md_text(high[1])}*). Of {len(probs)} scenarios, it is "
                  f"{counted}.", ""]
        drivers = {}
        for s, c in entries:
            if c.get("top_driver"):
                drivers.setdefault(_input(s, c["top_driver"]["input"]), []).append(s["stem"])
        if drivers:
            said = "; ".join(f"{md_text(k)} in {md_text(', '.join(v))}" for k, v in drivers.items())
            lines += [f"What drives it most (largest total Sobol index): {said}.", ""]
    return lines


def _input(scenario: dict, name: str) -> str:
    """An input of a scenario by its label (its name where the priors give none, or the data predate labels)."""
    return scenario.get("labels", {}).get(name) or name


def _fmt(value) -> str:
    return "never" if value is None else number(float(value))


def _tables(data: dict) -> list[str]:
    scenarios = data["scenarios"]
    names = []
    for s in scenarios:
        names += [n for n in s["claims"] if n not in names]
    lines = ["## Claims by scenario", "", "Probability that each claim holds, in words on the IPCC's calibrated "
             "likelihood scale and in numbers with its 95 % interval; *(holds)* or *(fails)* at the scenario's point "
             "values.", "",
             "| scenario | " + " | ".join(f"`{n}`" for n in names) + " |", "|---|" + "---|" * len(names)]
    for s in scenarios:
        cells = []
        for n in names:
            c = s["claims"].get(n)
            if c is None or c.get("probability") is None:
                cells.append("")
                continue
            lo, hi = c["ci95"]
            said = "holds" if c["holds_at_point"] else "fails"
            cells.append(f"{term(c['probability'])}, {c['probability']:.3f} ({lo:.3f} to {hi:.3f}) *({said})*")
        lines.append(f"| {md_cell(s['title'])} (`{s['stem']}`) | " + " | ".join(cells) + " |")
    chosen = data.get("focus")
    if chosen is not None:
        name = chosen["output"]
        infinite = chosen.get("infinite_means")
        lines += ["", f"## {md_text(chosen['label'])} by scenario", "",
                  "| scenario | p05 | median | p95 | " + (f"infinite ({md_cell(infinite)}) | " if infinite else "")
                  + "run by this batch |", "|---|---:|---:|---:|" + ("---:|" if infinite else "") + "---|"]
        for s in scenarios:
            o = s["outputs"].get(name, {})
            never = (percent(o["p_never"]) if o.get("p_never") is not None else "") + " | " if infinite else ""
            lines.append(f"| {md_cell(s['title'])} | {_fmt(o.get('p05'))} | {_fmt(o.get('p50'))} | "
                         f"{_fmt(o.get('p95'))} | {never}{'yes' if s['ran'] else 'no (up to date)'} |")
    lines += ["", "## Where each claim tips, by scenario", "",
              "The tipping point whose failing side is most likely under the scenario's priors (one input "
              "moving, the others at their points), and the inputs PRIM's first failure box restricts.", "",
              "| scenario | claim | most likely tipping point | P(failing side) | first box restricts "
              "(coverage, density) |", "|---|---|---|---:|---|"]
    for s in scenarios:
        for n, c in s["claims"].items():
            t = c.get("most_likely_tipping_point")
            tip = _tip_words(t, s) if t else ""
            share = f"{t['failing_share']:.3f}" if t else ""
            box = c.get("first_box")
            boxed = (", ".join(md_text(_input(s, r["input"])) for r in box["restrictions"])
                     + f" ({box['coverage']:.0%}, {box['density']:.0%})") if box else md_text(c.get("no_box") or
                                                                                          "no box")
            lines.append(f"| {md_cell(s['title'])} | {md_cell(c.get('text') or n)} | {tip} | {share} | {boxed} |")
    return [*lines, ""]


def _subset(data: dict, group: dict) -> dict:
    """The comparison's data restricted to one model's scenarios."""
    return {"scenarios": [row for row in data["scenarios"] if row["stem"] in group["scenarios"]],
            "focus": group["focus"]}


def _figure_lines(figures: list[Figure]) -> list[str]:
    lines = []
    for fig in figures:
        lines += [f"![{fig.stem.replace('_', ' ')}](figures/{fig.stem}.png)", "",
                  f"*{md_text(fig.caption)}* (PDF: `figures/{fig.stem}.pdf`)", ""]
    return lines


def render_comparison(data: dict, figures: list[Figure] | dict[str, list[Figure]]) -> str:
    """The comparison's Markdown; ``figures`` by model (a list: the figures of a batch of one model)."""
    grouped = data.get("groups") or [{"model": "", "scenarios": [r["stem"] for r in data["scenarios"]],
                                      "focus": data.get("focus")}]
    by_model = figures if isinstance(figures, dict) else {grouped[0]["model"]: figures}
    lines = ["# Comparison of scenarios", "",
             f"{len(data['scenarios'])} scenarios, each run with its own priors and overrides; each one's "
             "report is in `reports/<scenario>/`.", ""]
    if len(grouped) > 1:
        said = "; ".join(f"`{md_code(g['model'])}`: {', '.join(f'`{stem}`' for stem in g['scenarios'])}"
                         for g in grouped)
        lines += [f"They run {len(grouped)} models, compared each with its own scenarios only: {said}.", ""]
    for group in grouped:
        part = _verdict_moves(_subset(data, group)) + _tables(_subset(data, group))
        if by_model.get(group["model"]):
            part += ["## Figures", "", *_figure_lines(by_model[group["model"]])]
        if len(grouped) > 1:  # one section per model, its own sections one level down
            part = [f"#{line}" if line.startswith("## ") else line for line in part]
            part = [f"## Model `{md_code(group['model'])}`", "", *part]
        lines += part
    lines += ["## Scenarios", ""]
    for s in data["scenarios"]:
        run = s["run"]
        lines.append(f"- `{s['stem']}`: {md_text(s['title'])}; run file `{md_text(run.get('run_file', ''))}` "
                     f"(sha256 `{run.get('run_sha256', '')}`), {run.get('samples', 0):,} samples "
                     f"({run.get('sampler', '')}, seed {run.get('seed', '')}); overrides: "
                     f"{md_text(', '.join(run.get('overrides') or []) or 'none')}.")
    return "\n".join([*lines, "", f"Made by mcsim {__version__} (`mcsim batch`)."]) + "\n"


def _stem_part(model: str) -> str:
    """A model's name as part of a file name: ``mymodel:MODEL`` -> ``mymodel_MODEL``."""
    return "".join(c if c.isalnum() else "_" for c in model)


def write_comparison(scenarios, target: str | Path, *, figures: str = "default") -> Path:
    """Write the comparison of ``scenarios`` (see :class:`mcsim.batch.Scenario`) into ``target``.

    The scenarios are shown in their order, the first as the baseline; ``figures`` is the figure
    style (see :mod:`mcsim.report.style`).
    """
    from mcsim.report import replace_directory
    from mcsim.report.document import render_html
    from mcsim.report.tables import TABLES, comparison_tables, write_tables
    from mcsim.report.target import FILES_KEY, report_files
    from mcsim.serialise import dumps, plain

    target = Path(target)
    data = plain(build_comparison(scenarios))
    with replace_directory(target) as staging:
        figures_dir = staging / "figures"
        figures_dir.mkdir()
        style = look(figures)
        drawn = {}
        for group in data["groups"]:
            members = [s for s in scenarios if s.stem in group["scenarios"]]
            suffix = "" if len(data["groups"]) == 1 else "_" + _stem_part(group["model"])
            drawn[group["model"]] = comparison_figures(members, _subset(data, group), style, suffix)
        render([f for group in drawn.values() for f in group], figures_dir, style)
        write_tables(comparison_tables(data), staging / TABLES)
        text = render_comparison(data, drawn)
        (staging / "report.md").write_text(text, encoding="utf-8")
        (staging / "report.html").write_text(render_html(text, figures_dir, "Comparison of scenarios"),
                                             encoding="utf-8")
        data["manifest"] = {"report": "comparison", FILES_KEY: sorted([*report_files(staging), "summary.json"])}
        (staging / "summary.json").write_text(dumps(data), encoding="utf-8")
    return target
