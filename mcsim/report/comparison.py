"""``reports/comparison/``: the scenarios of a batch side by side, and how the verdict moves.

Written whole or not at all (:class:`mcsim.report.replace_directory`): ``report.md``, a
self-contained ``report.html``, ``summary.json`` and ``figures/`` (PNG and PDF). Its
``summary.json`` ends with a ``manifest`` naming it a comparison and listing its files: what a
later batch may replace, and nothing else.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from mcsim import __version__
from mcsim.i18n import _
from mcsim.report.figures import Figure
from mcsim.report.likelihood import TERMS, term
from mcsim.report.rendering import render
from mcsim.report.style import BAND, CLAIM, MEDIAN, PAPER, Look, axis_label, look, plain
from mcsim.report.text import format_value, headline_outputs, md_cell, md_text, number, percent, reading_words
from mcsim.report.ticks import LogTicks, compact
from mcsim.report.verdict import ordinal

__all__ = ["build_comparison", "comparison_figures", "focus", "render_comparison", "write_comparison"]

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
            "claim": None if claim is None else {"name": claim.name, "op": claim.op, "value": claim.value,
                                                 "thresholds": list(claim.thresholds),
                                                 "words": reading_words(claim, lambda v: compact(v, out.unit))},
            "published": None if published is None else {"value": published[0], "label": published[1]}}


def build_comparison(scenarios) -> dict[str, Any]:
    """The comparison's ``summary.json``: per scenario its claims, scalar outputs and verdict's key points."""
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
                   for name, o in s.summary.get("outputs", {}).items() if "users" not in o}
        rows.append({"stem": s.stem, "title": s.title, "report": str(s.report), "ran": s.ran,
                     "run": s.summary.get("run", {}), "claims": claims, "outputs": outputs})
    return {"mcsim_version": __version__, "focus": focus(scenarios), "scenarios": rows,
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


def render_comparison(data: dict, figures: list[Figure]) -> str:
    lines = ["# Comparison of scenarios", "",
             f"{len(data['scenarios'])} scenarios, each run with its own priors and overrides; each one's "
             "report is in `reports/<scenario>/`.", ""]
    lines += _verdict_moves(data) + _tables(data)
    if figures:
        lines += ["## Figures", ""]
        for fig in figures:
            lines += [f"![{fig.stem.replace('_', ' ')}](figures/{fig.stem}.png)", "",
                      f"*{md_text(fig.caption)}* (PDF: `figures/{fig.stem}.pdf`)", ""]
    lines += ["## Scenarios", ""]
    for s in data["scenarios"]:
        run = s["run"]
        lines.append(f"- `{s['stem']}`: {md_text(s['title'])}; run file `{md_text(run.get('run_file', ''))}` "
                     f"(sha256 `{run.get('run_sha256', '')}`), {run.get('samples', 0):,} samples "
                     f"({run.get('sampler', '')}, seed {run.get('seed', '')}); overrides: "
                     f"{md_text(', '.join(run.get('overrides') or []) or 'none')}.")
    return "\n".join([*lines, "", f"Made by mcsim {__version__} (`mcsim batch`)."]) + "\n"


def _baseline_marked(titles: list[str], style: Look, width_cm: float) -> list[str]:
    """Scenario titles for an axis, wrapped; the first (the baseline) says so."""
    marked = [_("{title} (baseline)").format(title=t) if k == 0 else t for k, t in enumerate(titles)]
    return [plain(style.wrap(t, width_cm)) for t in marked]


def _focus_figure(scenarios, data: dict, style: Look) -> Figure | None:
    """The focus output by scenario: violins of the kept samples, median and 90 % interval of all, the share never."""
    chosen = data.get("focus")
    if chosen is None:
        return None
    name, claim, published = chosen["output"], chosen["claim"], chosen["published"]
    kept = {s.stem: s.kept.get(name) for s in scenarios}
    shown = [row for row in data["scenarios"] if row["outputs"].get(name, {}).get("p50") is not None
             or _positive(kept[row["stem"]]).size]
    if not shown:
        return None
    marks = "; ".join(part for part in (
        _("the claim's {values} (dotted)").format(values=_(" and ").join(
            format_value(t, chosen["unit"], unit_shown=False) for t in claim["thresholds"])) if claim else "",
        _("{label} (triangle)").format(label=_(published["label"])) if published else "") if part)
    caption = _("{label} by scenario, in the order of the batch's run files (the first is the baseline): violins of "
                "each run's kept samples (finite values), the median (dot) and 90 % interval (bar) over all "
                "samples").format(label=chosen["label"])
    caption += (f"; {marks}" if marks else "")
    if chosen.get("infinite_means"):
        caption += _("; at right, the share of samples that is infinite ({meaning})").format(
            meaning=_(chosen["infinite_means"]))
    caption += _(". A bar ending in an arrow has an infinite p95.")
    return Figure(f"{name}_by_scenario", caption, functools.partial(_focus, scenarios, data, shown, style))


def _positive(values) -> np.ndarray:
    return values[np.isfinite(values) & (values > 0)] if values is not None else np.array([])


def _focus(scenarios, data: dict, shown: list[dict], style: Look) -> plt.Figure:
    chosen = data["focus"]
    name, claim, published, unit = chosen["output"], chosen["claim"], chosen["published"], chosen["unit"]
    kept = {s.stem: s.kept.get(name) for s in scenarios}
    infinite = bool(chosen.get("infinite_means"))
    fig, axes = style.figure(2, 2.6 + 1.0 * len(shown), ncols=2 if infinite else 1, sharey=True, squeeze=False,
                             gridspec_kw={"width_ratios": [5, 1.3] if infinite else [1]})
    ax = axes[0][0]
    ends = []
    for row in shown:
        o = row["outputs"].get(name, {})
        ends += [v for v in (o.get("p05"), o.get("p50"), o.get("p95")) if v and v > 0]
    ends += [t for t in (claim["thresholds"] if claim else []) if t > 0]
    ends += [published["value"]] if published and published["value"] > 0 else []
    left, right = np.log10(min(ends)) - 0.35, np.log10(max(ends)) + 0.35
    for i, row in enumerate(shown):
        y = len(shown) - 1 - i
        finite = _positive(kept[row["stem"]])
        if finite.size > 2:
            # the whole distribution, cut by the axis (not piled at its edge)
            parts = ax.violinplot(np.log10(finite), positions=[y], widths=0.8, showextrema=False, **_HORIZONTAL)
            for body in parts["bodies"]:
                body.set_facecolor(BAND)
                body.set_alpha(0.6)
        o = row["outputs"].get(name, {})
        if o.get("p05"):
            x1 = np.log10(o["p95"]) if o.get("p95") else right
            ax.plot([np.log10(o["p05"]), x1], [y, y], color=MEDIAN, ls="-", lw=2.0)
            if o.get("p95") is None:  # an infinite p95: more than 5 % of samples are infinite
                ax.plot(right, y, ">", color=MEDIAN, ms=5, clip_on=False)
        if o.get("p50"):
            ax.plot(np.log10(o["p50"]), y, "o", color=MEDIAN, ms=4.5)
    if len(shown) > 1:
        ax.axhspan(len(shown) - 1.5, len(shown) - 0.5, color="black", alpha=0.05, lw=0)  # the baseline's row
    ax.set_xlim(left, right)
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.set_yticks(range(len(shown)), list(reversed(_baseline_marked([row["title"] for row in shown], style, 4.0))))
    handles = []
    for k, threshold in enumerate(t for t in (claim["thresholds"] if claim else []) if t > 0):
        line = ax.axvline(np.log10(threshold), color=CLAIM, ls=":", lw=1.1)
        if not k:
            line.set_label(plain(_("claim: {words}").format(words=claim["words"])))
            handles.append(line)
    if published and published["value"] > 0:
        top = blended_transform_factory(ax.transData, ax.transAxes)
        handles += ax.plot([np.log10(published["value"])], [1.0], "v", color=PAPER, ms=6, mec="black", mew=0.5,
                           transform=top, clip_on=False, zorder=5, label=plain(_(published["label"])))
    ticks = LogTicks().tick_values(10 ** left, 10 ** right)
    ax.set_xticks(np.log10(ticks), [plain(compact(t, unit)) for t in ticks])
    ax.set_xlabel(style.wrap(axis_label(chosen["label"], unit), 9.0))
    ax.grid(axis="x", alpha=0.3)
    if handles:
        style.legend(ax, handles, ncols=2, width_cm=5.0)
    if infinite:
        never_ax = axes[0][1]
        for i, row in enumerate(shown):
            y = len(shown) - 1 - i
            share = row["outputs"].get(name, {}).get("p_never") or 0.0
            never_ax.barh(y, share, height=0.5, color=PAPER, alpha=0.8)
            inside = share > 0.6
            never_ax.text(share + (-0.03 if inside else 0.03), y, plain(compact(share, "share", 2)),
                          ha="right" if inside else "left", va="center", color="white" if inside else "black")
        never_ax.set_xlim(0, 1)
        never_ax.set_xticks([0, 0.5, 1], [plain(compact(v, "share")) for v in (0, 0.5, 1)])
        never_ax.set_xlabel(style.wrap(plain(_("share infinite: {meaning}").format(
            meaning=_(chosen["infinite_means"]))), 2.6))
        never_ax.tick_params(axis="y", left=False)
    style.title(fig, plain(_("{label} by scenario").format(label=chosen["label"])), 2)
    return fig


def _claims_figure(data: dict, style: Look) -> Figure | None:
    names = _claim_names(data)
    if not names:
        return None
    caption = _("Each claim's probability by scenario, in the order of the batch's run files (the first is the "
                "baseline), with its 95 % Wilson interval (often narrower than the dot); filled dots: the claim holds "
                "at the scenario's point values, open: it fails there.")
    return Figure("claims_by_scenario", caption, functools.partial(_claims, data, names, style))


def _claim_names(data: dict) -> list[str]:
    names = []
    for s in data["scenarios"]:
        names += [n for n in s["claims"] if n not in names]
    return names


def _claim_text(data: dict, name: str) -> str:
    """A claim by its words in the first scenario that has them, else by its test (never by its code name)."""
    for s in data["scenarios"]:
        c = s["claims"].get(name) or {}
        if c.get("text") or c.get("test"):
            return c.get("text") or c.get("test")
    return name


def _claims(data: dict, names: list[str], style: Look) -> plt.Figure:
    scenarios = data["scenarios"]
    columns = min(3, len(names))
    rows = -(-len(names) // columns)
    fig, axes = style.figure(2, rows * (2.0 + 0.8 * len(scenarios)) + 1.0, nrows=rows, ncols=columns,
                             sharey=True, sharex=True, squeeze=False)
    ys = np.arange(len(scenarios))[::-1]
    panel_cm = (style.two_column_cm / style.scale - 4.6) / columns
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.set_visible(False)
            continue
        name = names[k]
        for y, s in zip(ys, scenarios, strict=True):
            c = s["claims"].get(name)
            if c is None or c.get("probability") is None:
                continue
            p, (lo, hi) = c["probability"], c["ci95"]
            ax.errorbar(p, y, xerr=[[p - lo], [hi - p]], fmt="o", color=MEDIAN, ms=4, capsize=2,
                        mfc=MEDIAN if c["holds_at_point"] else "white")
        if len(scenarios) > 1:
            ax.axhspan(ys[0] - 0.5, ys[0] + 0.5, color="black", alpha=0.05, lw=0)  # the baseline's row
        ax.axvline(0.5, color="grey", lw=0.6, ls=":")
        ax.set_xlim(-0.04, 1.04)
        ax.set_ylim(-0.6, len(scenarios) - 0.4)
        ax.set_title(plain(style.wrap(_claim_text(data, name), panel_cm)), loc="left", fontsize=plt.rcParams[
            "font.size"])
        if k // columns == rows - 1 or k + columns >= len(names):
            ax.set_xlabel(_("P(claim holds)"))
            ax.xaxis.set_tick_params(labelbottom=True)
        ax.grid(axis="x", alpha=0.3)
    for row in axes:
        row[0].set_yticks(ys, _baseline_marked([s["title"] for s in scenarios], style, 4.2))
    handles = [Line2D([], [], ls="none", marker="o", color=MEDIAN, ms=4, label=_("holds at the point values")),
               Line2D([], [], ls="none", marker="o", color=MEDIAN, mfc="white", ms=4,
                      label=_("fails at the point values")),
               Line2D([], [], color=MEDIAN, ls="-", label=_("95 % interval"))]
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    style.title(fig, _("Each claim's probability by scenario"), 2)
    return fig


def comparison_figures(scenarios, data: dict, style: Look) -> list[Figure]:
    """The comparison's figures, undrawn: the focus output by scenario, each claim's probability by scenario."""
    return [f for f in (_focus_figure(scenarios, data, style), _claims_figure(data, style)) if f is not None]


def write_comparison(scenarios, target: str | Path, *, figures: str = "default") -> Path:
    """Write the comparison of ``scenarios`` (see :class:`mcsim.batch.Scenario`) into ``target``.

    The scenarios are shown in their order, the first as the baseline; ``figures`` is the figure
    style (see :mod:`mcsim.report.style`).
    """
    from mcsim.report import replace_directory
    from mcsim.report.document import render_html
    from mcsim.report.summary import dumps, plain
    from mcsim.report.target import FILES_KEY, report_files

    target = Path(target)
    data = plain(build_comparison(scenarios))
    with replace_directory(target) as staging:
        figures_dir = staging / "figures"
        figures_dir.mkdir()
        drawn = comparison_figures(scenarios, data, look(figures))
        render(drawn, figures_dir, look(figures))
        text = render_comparison(data, drawn)
        (staging / "report.md").write_text(text, encoding="utf-8")
        (staging / "report.html").write_text(render_html(text, figures_dir, "Comparison of scenarios"),
                                             encoding="utf-8")
        data["manifest"] = {"report": "comparison", FILES_KEY: sorted([*report_files(staging), "summary.json"])}
        (staging / "summary.json").write_text(dumps(data), encoding="utf-8")
    return target
