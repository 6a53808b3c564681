"""Figures of the sensitivity analysis, each saved as PNG (for the HTML report) and PDF (for a paper).

Per target: Sobol S1 and ST bars with their interval whiskers, hatched where the interval is
wider than the tolerance (not converged). Per output: the tornado (one input at a time at its p05
and p95, the output at the point values as the axis) and, when the base sample was doubled, the
convergence of the indices as it doubled.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from mcsim.analysis.sensitivity import SensitivityResult, TargetResult
from mcsim.i18n import _
from mcsim.report.figures import format_count, save
from mcsim.report.sensitivity import target_words

__all__ = ["plot_sensitivity"]

S1_COLOUR, ST_COLOUR, LOW_COLOUR, HIGH_COLOUR, AXIS_COLOUR = "#9ecae1", "#08519c", "#6baed6", "#fd8d3c", "#d62728"
SHAPLEY_COLOUR = "#31a354"


def plot_sensitivity(result: SensitivityResult, figures_dir: Path) -> list[str]:
    """Draw the sensitivity figures of ``result`` into ``figures_dir`` (PNG and PDF).

    Returns
    -------
    list of str
        The stems written (file names without extension), e.g.
        ``sensitivity_<output>_indices``, ``..._tornado``, ``..._convergence``.
    """
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    stems = []
    for target in result.targets:
        if target.indices is None:
            continue
        stems.append(_indices(result, target, figures_dir))
        if target.tornado is not None and target.tornado.bars:
            stems.append(_tornado(result, target, figures_dir))
        if target.target.kind == "output" and len(target.convergence) > 1:  # one N has nothing to converge
            stems.append(_convergence(result, target, figures_dir))
    return stems


def _text(text: str) -> str:
    """Text from a user file, shown literally (a ``$`` would start matplotlib's mathtext)."""
    return str(text).replace("$", r"\$")


def _name(result: SensitivityResult, name: str) -> str:
    label = result.labels.get(name, name)
    return _text(f"{label}\n({name})" if label != name else name)


def _what(tr: TargetResult) -> str:
    """The target in a few words, for a title: 'the rank of break-even monthly users' (the caption says the rest)."""
    short = tr.target.describe().split(",")[0].split(":")[0].split(" among all samples")[0].split(" (")[0]
    return _text(("the " if short.startswith(("rank ", "log10 ", "indicator ")) else "") + short)


def _indices(result: SensitivityResult, tr: TargetResult, directory: Path) -> str:
    ix, sh = tr.indices, tr.shapley
    order = list(np.argsort(ix.ST, kind="stable"))  # largest at the top of a horizontal chart
    if tr.ranking.by == "shapley":
        order = [ix.names.index(name) for name in reversed(tr.ranking.order)]
    y = np.arange(len(order))
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + (0.8 if sh is not None else 0.62) * len(order)))
    level = f"{100 * result.spec.conf_level:g} %"
    wide, handles = tr.not_converged, []
    kinds = [("S1", ix.S1, ix.S1_conf, S1_COLOUR, LOW_COLOUR, "S1, first order (alone)"),
             ("ST", ix.ST, ix.ST_conf, ST_COLOUR, ST_COLOUR, "ST, total (with interactions)")]
    if sh is not None:
        kinds.append(("Shapley", sh.effects, sh.conf, SHAPLEY_COLOUR, SHAPLEY_COLOUR,
                      _("Shapley effect (with the priors' correlations)")))
    height = 0.76 / len(kinds)
    for k, (kind, values, conf, colour, hatch_colour, said) in enumerate(kinds):
        shift = (len(kinds) - 1) / 2 * height - k * height
        bars = ax.barh(y + shift, values[order], height * 0.95, xerr=conf[order], color=colour, capsize=3)
        for bar, j in zip(bars, order, strict=True):
            if ix.names[j] in wide.get(kind, ()):  # hollow and hatched: its interval is wider than the tolerance
                bar.set(facecolor="white", edgecolor=hatch_colour, hatch="///")
        handles.append(Patch(color=colour, label=f"{said}, {level} interval"))
    if wide["S1"] or wide["ST"]:
        handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///",
                             label=f"hatched: interval at least {tr.tolerance:g} wide, not converged"))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [_name(result, ix.names[j]) for j in order], fontsize=8)
    ax.set_xlabel("Sobol index (share of the target's variance)" if sh is None else
                  _("Sobol index or Shapley effect (share of the target's variance)"))
    low = min(float(np.min(ix.S1 - ix.S1_conf)), float(np.min(sh.effects - sh.conf)) if sh is not None else 0.0)
    ax.set_xlim(min(-0.05, low - 0.02), 1.0)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    ax.set_title(f"What drives {_what(tr)}\nSobol indices, N = {ix.base_samples:,} ({ix.evaluations:,} model runs)"
                 + ("\n" + _("Shapley effects, {runs} model runs").format(runs=f"{sh.evaluations:,}") if sh is not None
                    else ""), fontsize=10)
    return save(fig, directory, f"sensitivity_{tr.target.key}_indices")


def _tornado(result: SensitivityResult, tr: TargetResult, directory: Path) -> str:
    tor, t = tr.tornado, tr.target
    bars = list(reversed(tor.bars))  # largest swing at the top
    y = np.arange(len(bars))
    fig, ax = plt.subplots(figsize=(7.5, 1.4 + 0.55 * len(bars)))
    base = tor.baseline
    for k, bar in enumerate(bars):
        for value, colour in ((bar.output_low, LOW_COLOUR), (bar.output_high, HIGH_COLOUR)):
            ax.barh(y[k], value - base, left=base, color=colour, height=0.6)
        for value, capped in ((bar.output_low, bar.capped_low), (bar.output_high, bar.capped_high)):
            if capped:
                ax.annotate("cap", (value, y[k]), fontsize=7, ha="left", va="center")
    ax.axvline(base, color=AXIS_COLOUR, lw=1.5)
    handles = [Patch(color=LOW_COLOUR, label="input at its p05"), Patch(color=HIGH_COLOUR, label="input at its p95"),
               Line2D([], [], color=AXIS_COLOUR, lw=1.5, label=f"every input at its point value: {format_count(base)}")]
    labels = []
    for bar in bars:
        unit = result.units.get(bar.name, "")
        labels.append(f"{_name(result, bar.name)}\n{bar.input_low:.3g} to {bar.input_high:.3g} {_text(unit)}")
    ax.set_yticks(y, labels, fontsize=7)
    if tor.log_scale:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(format_count))
    ax.xaxis.set_minor_formatter(FuncFormatter(format_count))
    ax.set_xlabel(_text(f"{t.label} ({t.unit})" if t.unit else t.label))
    ax.grid(axis="x", alpha=0.3, which="both")
    ax.legend(handles=handles, fontsize=8, loc="best")
    ax.set_title(_text(f"Tornado of {t.label.lower()}:\none input at a time from its p05 to its p95, "
                       "the others at their point values"), fontsize=10)
    return save(fig, directory, f"sensitivity_{t.key}_tornado")


def _convergence(result: SensitivityResult, tr: TargetResult, directory: Path) -> str:
    steps, names = tr.convergence, tr.indices.names
    n = np.array([s.base_samples for s in steps])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    for j, name in enumerate(names):
        st = np.array([s.ST[j] for s in steps])
        conf = np.array([s.ST_conf[j] for s in steps])
        left.errorbar(n * (1 + 0.03 * (j - len(names) / 2)), st, yerr=conf, marker="o", ms=4, capsize=3,
                      label=_text(name))
    left.set_xscale("log", base=2)
    left.set_xlabel("base sample N")
    left.set_ylabel(f"total index ST ({100 * result.spec.conf_level:g} % interval)")
    left.set_title(_text(f"ST of {_what(tr)} as N doubles"), fontsize=10)
    left.grid(alpha=0.3)
    left.legend(fontsize=7)
    widths = np.array([s.widest_ST[0] for s in steps])
    right.plot(n, widths, "o-", color=ST_COLOUR, label="widest ST interval")
    right.axhline(result.spec.tolerance, color=AXIS_COLOUR, ls="--", label=f"tolerance {result.spec.tolerance:g}")
    right.set_xscale("log", base=2)
    right.set_xlabel("base sample N")
    right.set_ylabel("width of the widest ST interval")
    verdict = "converged" if tr.converged else "not converged at the cap"
    right.set_title(f"Convergence: {verdict}", fontsize=10)
    right.set_ylim(0, max(float(widths.max()), result.spec.tolerance) * 1.15)
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    return save(fig, directory, f"sensitivity_{tr.target.key}_convergence")


def sensitivity_caption(stem: str, result: SensitivityResult) -> str:
    """The caption of a figure that :func:`plot_sensitivity` wrote under ``stem``."""
    level = f"{100 * result.spec.conf_level:g} %"
    for tr in result.targets:
        what = target_words(tr.target)
        captions = {
            "indices": f"Sobol first-order (S1) and total (ST) indices of the {what}, with {level} intervals "
                       f"({result.spec.intervals}); an S1 below zero whose interval covers zero is estimation "
                       "noise around 0." + (f" A hollow, hatched bar is not converged: its interval is at least "
                                            f"{tr.tolerance:g} wide." if any(tr.not_converged.values()) else "")
                       + (" " + _("Beside them, each input's Shapley effect with its {level} interval (16 replicates), "
                                  "which takes the priors' correlations in{ranks}.").format(
                                      level=level, ranks=_(" and ranks the inputs (top to bottom)")
                                      if tr.ranking is not None and tr.ranking.by == "shapley" else "")
                          if tr.shapley is not None else ""),
            "tornado": f"Tornado of the {what}: each input alone at its p05 and at its p95, the others at their "
                       "point values, bars sorted by swing; the axis is the value at the points.",
            "convergence": f"Total indices of the {what} as the base sample N doubles, and the widest {level} "
                           "interval against the tolerance.",
        }
        for kind, caption in captions.items():
            if stem == f"sensitivity_{tr.target.key}_{kind}":
                return caption
    return stem
