"""A prior in words, for tables and the methods paragraph: its label, and its distribution with its parameters.

``lognormal with median $63.0 million, 90 % between $40.0 million and $100 million``, in the
report's language (each sentence goes through gettext), the numbers as the report writes them
(:func:`mcsim.report.text.format_value`).
"""

from __future__ import annotations

import math

import numpy as np

from mcsim.i18n import _ as gettext
from mcsim.inputs.distributions import Z95, Distribution
from mcsim.report.latex import tex_sentence, tex_text
from mcsim.report.text import format_value, input_label
from mcsim.report.text import number as plain_number

__all__ = ["describe_distribution", "input_label"]


def describe_distribution(distribution: Distribution, unit: str, *, tex: bool = False) -> str:
    """The distribution in words with its parameters, each in ``unit``; in LaTeX if ``tex`` (its words escaped, each
    number written by :func:`mcsim.report.latex.tex_text`).

    Examples: ``fixed at $20``; ``triangular from 8 to 25 months, mode 12 months``;
    ``beta(5, 95): mean 5 %, 90 % between 2.00 % and 9.00 %``.
    """
    as_tex = tex_text if tex else str  # a number or a file's words, in LaTeX or as they are

    def _(message: str) -> str:
        return tex_sentence(gettext(message)) if tex else gettext(message)

    def v(value: float) -> str:
        return as_tex(format_value(value, unit))

    def number(value: float) -> str:
        return as_tex(plain_number(value))

    p = distribution.parameters()
    family = distribution.family
    if family == "point":
        return _("fixed at {value}").format(value=v(p["point"]))
    if family == "uniform":
        return _("uniform from {low} to {high}").format(low=v(p["low"]), high=v(p["high"]))
    if family == "loguniform":
        return _("log-uniform from {low} to {high}").format(low=v(p["low"]), high=v(p["high"]))
    if family == "triangular":
        return _("triangular from {low} to {high}, mode {mode}").format(low=v(p["low"]), high=v(p["high"]),
                                                                       mode=v(p["mode"]))
    if family == "pert":
        said = _("PERT from {low} to {high}, mode {mode}").format(low=v(p["low"]), high=v(p["high"]), mode=v(p["mode"]))
        if p.get("shape", 4) != 4:
            said += _(", shape {shape}").format(shape=number(p['shape']))
        return said
    if family == "normal":
        said = _("normal with mean {mean} and standard deviation {sd}").format(mean=v(p["mean"]), sd=v(p["sd"]))
        low, high = p.get("low", -math.inf), p.get("high", math.inf)  # either bound may be absent: untruncated there
        if math.isfinite(low) and math.isfinite(high):
            said += _(", truncated to [{low}, {high}]").format(low=v(low), high=v(high))
        elif math.isfinite(low):
            said += _(", truncated below {low}").format(low=v(low))
        elif math.isfinite(high):
            said += _(", truncated above {high}").format(high=v(high))
        return said
    if family == "lognormal":
        median, sigma = p["median"], p["sigma"]
        return _("lognormal with median {median}, 90 % between {p05} and {p95}").format(
            median=v(median), p05=v(median * math.exp(-Z95 * sigma)), p95=v(median * math.exp(Z95 * sigma)))
    if family == "beta":
        scipy = distribution.to_scipy()
        said = _("beta({alpha}, {beta}): mean {mean}, 90 % between {p05} and {p95}").format(
            alpha=number(p["alpha"]), beta=number(p["beta"]), mean=v(float(scipy.mean())),
            p05=v(float(scipy.ppf(0.05))), p95=v(float(scipy.ppf(0.95))))
        low, high = p.get("low", 0.0), p.get("high", 1.0)
        if (low, high) != (0.0, 1.0):
            said += _(", on [{low}, {high}]").format(low=v(low), high=v(high))
        return said
    if family in ("gamma", "weibull", "student_t"):
        scipy = distribution.to_scipy()
        p05, p95 = (v(float(x)) for x in distribution.ppf(np.array([0.05, 0.95])))
        if family == "gamma":
            return _("gamma with shape {shape} and scale {scale}: mean {mean}, 90 % between {p05} and {p95}").format(
                shape=number(p["shape"]), scale=v(p["scale"]), mean=v(float(scipy.mean())), p05=p05, p95=p95)
        if family == "weibull":
            return _("Weibull with shape {shape} and scale {scale}: median {median}, 90 % between {p05} and "
                     "{p95}").format(shape=number(p["shape"]), scale=v(p["scale"]), median=v(float(scipy.median())),
                                     p05=p05, p95=p95)
        said = _("Student's t with {df} degrees of freedom, location {loc} and scale {scale}: 90 % between {p05} "
                 "and {p95}").format(df=number(p["df"]), loc=v(p["loc"]), scale=v(p["scale"]), p05=p05, p95=p95)
        if "low" in p or "high" in p:
            said += _(", truncated to [{low}, {high}]").format(low=v(p.get("low", -math.inf)),
                                                              high=v(p.get("high", math.inf)))
        return said
    if family == "empirical":
        values = p["values"]
        median = v(float(distribution.ppf(0.5)))
        if distribution.file:
            return _("empirical: the {count} values of column {column} of {file}, from {low} to {high}, median "
                     "{median}").format(count=number(len(values)), column=as_tex(distribution.column),
                                        file=as_tex(distribution.file), low=v(values[0]), high=v(values[-1]),
                                        median=median)
        return _("empirical: {count} values from {low} to {high}, median {median}").format(
            count=number(len(values)), low=v(values[0]), high=v(values[-1]), median=median)
    if family == "discrete":
        pairs = ", ".join(_("{value} with probability {weight}").format(value=v(value), weight=number(weight))
                          for value, weight in zip(p["values"], p["weights"], strict=True))
        return _("discrete: {pairs}").format(pairs=pairs)
    return as_tex(distribution.describe())
