"""The run's figures, each saved as PNG (for the HTML report) and PDF (for a paper)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from mcsim.report.text import grid_against, grid_axis, headline_outputs, reading_words
from mcsim.result import Result

__all__ = ["Figure", "format_count", "plot_run", "save"]

BAND, LINE, REFERENCE, CLAIM = "#9ecae1", "#08519c", "#d62728", "#ff7f0e"


@dataclass(frozen=True)
class Figure:
    stem: str  # file name without extension, in figures/
    caption: str


def save(fig: plt.Figure, directory: Path, stem: str) -> str:
    """Save as PNG and PDF (with no creation date, so that the same run gives the same file); return ``stem``."""
    fig.tight_layout()
    for extension in ("png", "pdf"):
        # TrueType (Type 42) fonts in the PDF: journals' checks often refuse matplotlib's default Type 3
        with plt.rc_context({"pdf.fonttype": 42}):
            fig.savefig(directory / f"{stem}.{extension}", dpi=150, metadata={"CreationDate": None}
                        if extension == "pdf" else None)
    plt.close(fig)
    return stem


def format_count(x: float, _pos=None) -> str:
    """Users and dollars in words a reader scans: 5M, 2.5B, -4M."""
    sign, x = ("-" if x < 0 else ""), abs(x)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= size:
            return f"{sign}{x / size:.3g}{suffix}"
    return f"{sign}{x:.3g}"


def plot_run(result: Result, directory: Path) -> list[Figure]:
    """Draw every figure of ``result`` into ``directory``; return them with captions."""
    figures = []
    shown = headline_outputs(result.spec)
    for out in result.spec.model.outputs:
        if out.per_user:
            figures.append(_fan(result, out, directory))
            if out.share_positive:
                figures.append(_share_positive(result, out, directory))
        elif out.name in shown:
            figures.append(_distribution(result, out, directory))
    return figures


def _distribution(result: Result, out, directory: Path) -> Figure:
    n = result.samples
    stats = result.outputs[out.name]
    fig, ax = plt.subplots(figsize=(7, 4))
    # the axis spans the central 99.8 % of finite samples (from the pilot); the tails beyond are in the end bins
    histogram = result.histograms.get(out.name)
    if histogram is not None and np.sum(histogram.counts):
        if histogram.log:
            ax.set_xscale("log")
        ax.hist(histogram.edges[:-1], bins=histogram.edges, weights=histogram.counts / n, color=BAND,
                edgecolor="none", label="share of samples")
    p05, p50, p95 = float(stats.p05), float(stats.p50), float(stats.p95)
    if np.isfinite(p05) and np.isfinite(p95):
        ax.axvspan(p05, p95, color=LINE, alpha=0.08, label=f"90 % interval {format_count(p05)} to {format_count(p95)}")
    if np.isfinite(p50):
        ax.axvline(p50, color=LINE, lw=1.5, label=f"median {format_count(p50)}")
    reference = result.spec.published.value(out.name) if result.spec.published is not None else None
    if reference is not None:
        ax.axvline(reference[0], color=REFERENCE, lw=1.5, ls="--", label=reference[1])
    for claim in result.claims.values():
        if claim.claim.output == out.name and claim.claim.reading_of is None:  # a reading's lines would crowd it
            for k, threshold in enumerate(claim.claim.thresholds):
                ax.axvline(threshold, color=CLAIM, lw=1.2, ls=":", label=None if k else
                           f"claim {reading_words(claim.claim, format_count)}: P = {claim.probability:.3f}")
    ax.xaxis.set_major_formatter(FuncFormatter(format_count))
    ax.set_xlabel(f"{out.label} ({out.unit})")
    ax.set_ylabel("share of samples")
    never = float(stats.p_never) if stats.p_never is not None else 0.0
    title = f"{out.label}\n{n:,} samples"
    if never > 0:
        title += f"; {never:.1%} infinite: {out.infinite_means}"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    stem = f"{out.name}_distribution"
    save(fig, directory, stem)
    caption = (f"Distribution of {out.label.lower()} over {n:,} samples, with its median and 90 % "
               "interval" + (f"; {reference[1]}" if reference is not None else "")
               + (f". {never:.1%} of samples are infinite ({out.infinite_means}) and not drawn." if never else ".")
               + " The axis spans the central 99.8 % of finite values; the rest are in the end bins.")
    return Figure(stem, caption)


def _fan(result: Result, out, directory: Path) -> Figure:
    curves = result.curves
    low, mid, high = curves.quantiles[out.name]
    stats = result.outputs[out.name]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.fill_between(curves.users, low, high, color=BAND, alpha=0.7, label="90 % interval (p05 to p95)")
    ax.plot(curves.users, mid, color=LINE, lw=1.8, label="median")
    ax.plot(result.spec.grid_values, stats.p50, "o", color=LINE, ms=4, label="median at the run's grid")
    published = result.spec.published
    if published is not None and published.points_of(out.name):
        x, y = zip(*published.points_of(out.name), strict=True)
        ax.plot(x, y, "x", color=REFERENCE, ms=7, mew=2, label=published.points_label)
    ax.set_xscale("log" if result.spec.grid.log_scale else "linear")
    if out.log_scale:
        ax.set_yscale("log")
    else:
        _symlog(ax, np.concatenate([low, high]))
        ax.axhline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(format_count))
    ax.yaxis.set_major_formatter(FuncFormatter(format_count))
    ax.set_xlabel(grid_axis(result.spec.grid))
    ax.set_ylabel(f"{out.label} ({out.unit})")
    ax.set_title(grid_against(out.label, result.spec.grid), fontsize=10)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8)
    stem = f"{out.name}_fan"
    save(fig, directory, stem)
    scale = "log" if out.log_scale else "symmetric-log (linear near zero)"
    axis = (f"log {result.spec.grid.name}" if result.spec.grid.log_scale else result.spec.grid.name)
    caption = (f"{grid_against(out.label, result.spec.grid)}: median and 90 % band from the first {curves.samples:,} "
               f"samples on a fine grid; dots at the run's grid use all {result.samples:,} samples. Axes: {axis}, "
               f"{scale} {out.unit}.")
    return Figure(stem, caption)


def _symlog(ax, values: np.ndarray) -> None:
    """A symmetric-log y axis, linear within three decades below the largest value, ticks at decades."""
    top = float(np.nanmax(np.abs(values))) or 1.0
    linthresh = 10 ** np.floor(np.log10(top)) / 1e3
    ax.set_yscale("symlog", linthresh=linthresh, linscale=0.5)
    decades = 10.0 ** np.arange(np.log10(linthresh), np.ceil(np.log10(top)) + 1)
    lowest = float(np.nanmin(values))
    negative = -decades[decades <= 10 * abs(lowest)][::-1] if lowest < 0 else np.array([])
    ax.set_yticks(np.concatenate([negative, [0.0], decades[decades <= 10 * top]]))


def _share_positive(result: Result, out, directory: Path) -> Figure:
    curves = result.curves
    stats = result.outputs[out.name]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(curves.users, curves.share_positive[out.name], color=LINE, lw=1.8, label=f"P({out.name} > 0)")
    ax.plot(result.spec.grid_values, stats.p_positive, "o", color=LINE, ms=4, label="at the run's grid")
    published = result.spec.published
    for users, label in published.marks_of(out.name) if published is not None else ():
        ax.axvline(users, color=REFERENCE, ls="--", lw=1.2, label=label)
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log" if result.spec.grid.log_scale else "linear")
    ax.set_ylim(-0.02, 1.02)
    ax.xaxis.set_major_formatter(FuncFormatter(format_count))
    ax.set_xlabel(grid_axis(result.spec.grid))
    ax.set_ylabel("probability")
    ax.set_title(f"Probability of a positive {out.label.lower()}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    stem = f"{out.name}_positive"
    save(fig, directory, stem)
    return Figure(stem, f"Probability that the {out.label.lower()} is positive, "
                        f"{grid_against('', result.spec.grid).strip()} (first "
                        f"{curves.samples:,} samples on a fine grid; dots: all samples).")
