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

import inspect
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from mcsim import __version__
from mcsim.report.figures import CLAIM, LINE, REFERENCE, Figure, format_count, save
from mcsim.report.likelihood import TERMS, term
from mcsim.report.text import headline_outputs, md_cell, md_code, md_text, number, percent, reading_words
from mcsim.report.verdict import ordinal

__all__ = ["build_comparison", "focus", "groups", "model_of", "render_comparison", "write_comparison"]

# matplotlib 3.10 renamed violinplot's vert=False to orientation="horizontal"
_HORIZONTAL = ({"orientation": "horizontal"} if "orientation" in inspect.signature(plt.Axes.violinplot).parameters
               else {"vert": False})


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
                                                 "words": reading_words(claim, format_count)},
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
        outputs = {name: {k: o.get(k) for k in ("p05", "p50", "p95", "mean", "p_never")}
                   for name, o in s.summary.get("outputs", {}).items() if not isinstance(o.get("p50"), list)}
        rows.append({"stem": s.stem, "title": s.title, "model": model_of(s), "report": str(s.report), "ran": s.ran,
                     "run": s.summary.get("run", {}), "claims": claims, "outputs": outputs})
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
    """The tipping point whose failing side the prior makes most likely."""
    best, share = None, -1.0
    for t in v.get("tipping_points", []):
        if t.get("value") is None or t.get("quantile") is None or t.get("fails") not in ("below", "above"):
            continue
        p = t["quantile"] if t["fails"] == "below" else 1 - t["quantile"]
        if p > share:
            best, share = {**t, "failing_share": p}, p
    return best


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
                drivers.setdefault(c["top_driver"]["input"], []).append(s["stem"])
        if drivers:
            said = "; ".join(f"{md_text(k)} in {md_text(', '.join(v))}" for k, v in drivers.items())
            lines += [f"What drives it most (largest total Sobol index): {said}.", ""]
    return lines


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
            tip = (f"fails {t['fails']} {md_text(t['input'])} = {number(t['value'])} ({ordinal(t['quantile'])})"
                   if t else "")
            share = f"{t['failing_share']:.3f}" if t else ""
            box = c.get("first_box")
            boxed = (", ".join(md_text(r["input"]) for r in box["restrictions"])
                     + f" ({box['coverage']:.0%}, {box['density']:.0%})") if box else md_text(c.get("no_box") or
                                                                                          "no box")
            lines.append(f"| `{s['stem']}` | `{n}` | {tip} | {share} | {boxed} |")
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


def _plot_focus(scenarios, data: dict, directory: Path, suffix: str = "") -> Figure | None:
    """The focus output by scenario: violins of the kept samples, median and 90 % interval of all."""
    chosen = data.get("focus")
    if chosen is None:
        return None
    name, claim, published = chosen["output"], chosen["claim"], chosen["published"]
    kept = {s.stem: s.kept.get(name) for s in scenarios}
    log = chosen.get("log_scale", True)  # a log axis only for an output the model draws on one

    def tx(value):
        return np.log10(value) if log else np.asarray(value, dtype=float)

    def positive(values):
        """The values the axis can show: finite, and positive on a log axis."""
        if values is None:
            return np.array([])
        return values[np.isfinite(values) & ((values > 0) if log else True)]

    def shown_value(v):
        return v is not None and (v > 0 if log else True)

    shown = [row for row in data["scenarios"] if row["outputs"].get(name, {}).get("p50") is not None
             or positive(kept[row["stem"]]).size]
    if not shown:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 0.7 * len(shown) + 2.0))
    edges = []
    for row in shown:
        o = row["outputs"].get(name, {})
        edges += [float(tx(v)) for v in (o.get("p05"), o.get("p95")) if shown_value(v)]
        finite = positive(kept[row["stem"]])
        edges += [float(tx(finite.min())), float(tx(finite.max()))] if finite.size else []
    pad = 0.3 if log else 0.05 * ((max(edges) - min(edges)) if edges else 1.0)
    right = max(edges) + pad if edges else 10.0
    for i, row in enumerate(shown):
        y = len(shown) - 1 - i
        finite = positive(kept[row["stem"]])
        if finite.size > 2:
            parts = ax.violinplot(tx(finite), positions=[y], widths=0.8, showextrema=False, **_HORIZONTAL)
            for body in parts["bodies"]:
                body.set_facecolor("#9ecae1")
                body.set_alpha(0.7)
        o = row["outputs"].get(name, {})
        if shown_value(o.get("p05")):
            x1 = float(tx(o["p95"])) if shown_value(o.get("p95")) else right
            ax.plot([float(tx(o["p05"])), x1], [y, y], color=LINE, lw=2.5)
            if o.get("p95") is None:  # an infinite p95: more than 5 % of samples are infinite
                ax.plot(right, y, ">", color=LINE, ms=7)
        if shown_value(o.get("p50")):
            ax.plot(float(tx(o["p50"])), y, "o", color=LINE, ms=6)
        said = row["claims"].get(claim["name"]) if claim else None
        label = (f"P({claim['words']}) {said['probability']:.3f}"
                 if said and said.get("probability") is not None else "")
        if o.get("p_never"):
            label += f"; infinite {o['p_never']:.1%}"
        ax.text(1.01, y, label, transform=ax.get_yaxis_transform(), va="center", fontsize=8)
    ax.set_xlim(right=right + (0.1 if log else pad / 3))
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([row["stem"] for row in reversed(shown)], fontsize=9)
    for k, threshold in enumerate(t for t in (claim["thresholds"] if claim else []) if shown_value(t)):
        ax.axvline(float(tx(threshold)), color=CLAIM, ls=":", lw=1.5, label=None if k else f"claim: {claim['words']}")
    if published and shown_value(published["value"]):
        ax.axvline(float(tx(published["value"])), color=REFERENCE, ls="--", lw=1, label=published["label"])
    if log:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p=None: format_count(10 ** x)))
    scale = ", log scale" if log else ""
    ax.set_xlabel(f"{chosen['label']} ({chosen['unit']}{scale})")
    ax.set_title(f"{chosen['label']} by scenario: kept samples (violins), median and 90 % interval of all samples",
                 fontsize=10)
    if claim or published:
        ax.legend(fontsize=8, loc="upper right", framealpha=0.9)
    ax.grid(axis="x", alpha=0.3)
    stem = f"{name}_by_scenario{suffix}"
    save(fig, directory, stem)
    marks = "; ".join(part for part in (
        f"the claim's {' and '.join(format_count(t) for t in claim['thresholds'])} (dotted)" if claim else "",
        f"{published['label']} (dashed)" if published else "") if part)
    return Figure(stem, f"{chosen['label']} by scenario: violins of each run's kept samples (finite values), the "
                        "median (dot) and 90 % interval (bar) over all samples" + (f"; {marks}" if marks else "")
                        + (f"; at right P(claim) and the share that is infinite ({chosen['infinite_means']})"
                           if chosen.get("infinite_means") else "")
                        + ". A bar ending in an arrow has an infinite p95.")


def _plot_claims(data: dict, directory: Path, suffix: str = "") -> Figure | None:
    scenarios = data["scenarios"]
    names = []
    for s in scenarios:
        names += [n for n in s["claims"] if n not in names]
    if not names:
        return None
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names) + 1.8, 0.45 * len(scenarios) + 1.8),
                             sharey=True, squeeze=False)
    ys = np.arange(len(scenarios))[::-1]
    for ax, name in zip(axes[0], names, strict=True):
        for y, s in zip(ys, scenarios, strict=True):
            c = s["claims"].get(name)
            if c is None or c.get("probability") is None:
                continue
            p, (lo, hi) = c["probability"], c["ci95"]
            ax.errorbar(p, y, xerr=[[p - lo], [hi - p]], fmt="o", color=LINE, capsize=3,
                        mfc=LINE if c["holds_at_point"] else "white")
        ax.axvline(0.5, color="grey", lw=0.8, ls=":")
        ax.set_xlim(-0.03, 1.03)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("P(claim holds)")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_yticks(ys)
    axes[0][0].set_yticklabels([s["stem"] for s in scenarios], fontsize=9)
    stem = f"claims_by_scenario{suffix}"
    save(fig, directory, stem)
    return Figure(stem, "Each claim's probability by scenario with its 95 % Wilson interval (often narrower than "
                        "the dot); filled dots: the claim holds at the scenario's point values, open: it fails.")


def _stem_part(model: str) -> str:
    """A model's name as part of a file name: ``mymodel:MODEL`` -> ``mymodel_MODEL``."""
    return "".join(c if c.isalnum() else "_" for c in model)


def write_comparison(scenarios, target: str | Path) -> Path:
    """Write the comparison of ``scenarios`` (see :class:`mcsim.batch.Scenario`) into ``target``."""
    from mcsim.report import replace_directory
    from mcsim.report.document import render_html
    from mcsim.report.summary import dumps, plain
    from mcsim.report.tables import TABLES, comparison_tables, write_tables
    from mcsim.report.target import FILES_KEY, report_files

    target = Path(target)
    data = plain(build_comparison(scenarios))
    with replace_directory(target) as staging:
        figures_dir = staging / "figures"
        figures_dir.mkdir()
        figures = {}
        for group in data["groups"]:
            members = [s for s in scenarios if s.stem in group["scenarios"]]
            suffix = "" if len(data["groups"]) == 1 else "_" + _stem_part(group["model"])
            subset = _subset(data, group)
            figures[group["model"]] = [f for f in (_plot_focus(members, subset, figures_dir, suffix),
                                                   _plot_claims(subset, figures_dir, suffix)) if f]
        write_tables(comparison_tables(data), staging / TABLES)
        text = render_comparison(data, figures)
        (staging / "report.md").write_text(text, encoding="utf-8")
        (staging / "report.html").write_text(render_html(text, figures_dir, "Comparison of scenarios"),
                                             encoding="utf-8")
        data["manifest"] = {"report": "comparison", FILES_KEY: sorted([*report_files(staging), "summary.json"])}
        (staging / "summary.json").write_text(dumps(data), encoding="utf-8")
    return target
