"""Models for the tests: the Ishigami function and a linear function, as mcsim models."""

from __future__ import annotations

import math

import numpy as np

from mcsim.models import InputSpec, Model, OutputSpec

#: Analytic Sobol indices of the Ishigami function with a = 7, b = 0.1 (Saltelli et al. 2008, 4.2).
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def _ishigami(inputs, users):
    x1, x2, x3 = inputs["x1"], inputs["x2"], inputs["x3"]
    return {"y": np.sin(x1) + 7.0 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}


def _linear(inputs, users):
    return {"y": inputs["x1"] + 2.0 * inputs["x2"] + 3.0 * inputs["x3"]}


_INPUTS = tuple(InputSpec(name, "", -math.pi, math.pi) for name in ("x1", "x2", "x3"))

ISHIGAMI = Model(name="ishigami", description="Ishigami and Homma (1990), a = 7, b = 0.1", inputs=_INPUTS,
                 outputs=(OutputSpec("y", "", "Ishigami function"),), function=_ishigami)
LINEAR = Model(name="linear", description="x1 + 2 x2 + 3 x3", inputs=_INPUTS,
               outputs=(OutputSpec("y", "", "Linear function"),), function=_linear)


#: Where PAYBACK's months are infinite: L = x1 + 2 x2 + 3 x3 >= PAYBACK_NEVER (about 14 % of normal samples);
#: its rare months where L >= RARE_NEVER (about 7 samples in 10,000)
PAYBACK_NEVER, RARE_NEVER = 4.0, 12.0


def _payback(inputs, users):
    score = inputs["x1"] + 2.0 * inputs["x2"] + 3.0 * inputs["x3"]
    never = score >= PAYBACK_NEVER
    months = np.where(never, np.inf, np.exp(score / 4.0))
    return {"score": score, "months": np.exp(score / 4.0), "payback_months": months,
            "payback_capped_1e6": np.where(never, 1e6, months), "payback_capped_1e300": np.where(never, 1e300, months),
            "rare_payback_months": np.where(score >= RARE_NEVER, np.inf, np.exp(score / 4.0))}


_NORMALS = tuple(InputSpec(name, "") for name in ("x1", "x2", "x3"))

#: Increasing functions of L = x1 + 2 x2 + 3 x3, one infinite where L >= PAYBACK_NEVER, and that one capped
PAYBACK = Model(name="payback", description="exp(L / 4) months, infinite where L >= 4", inputs=_NORMALS,
                outputs=(OutputSpec("score", "", "Score L"),
                         OutputSpec("months", "months", "Months to pay back, never infinite", log_scale=True,
                                    infinite_means="never pays back"),
                         OutputSpec("payback_months", "months", "Months to pay back", log_scale=True,
                                    infinite_means="never pays back"),
                         OutputSpec("payback_capped_1e6", "months", "Months to pay back, capped at 1e6",
                                    log_scale=True),
                         OutputSpec("payback_capped_1e300", "months", "Months to pay back, capped at 1e300",
                                    log_scale=True),
                         OutputSpec("rare_payback_months", "months", "Months to pay back, rarely never",
                                    log_scale=True, infinite_means="never pays back")),
                function=_payback)


def _linear_surplus(inputs, users):
    margin, fixed = inputs["margin"], inputs["fixed"]
    return {"margin": margin, "surplus": users[np.newaxis, :] * margin[:, np.newaxis] - fixed[:, np.newaxis]}


#: A payoff linear in two inputs: surplus(U) = U margin - fixed (normal priors make EVPI and EVPPI closed forms)
LINEAR_SURPLUS = Model(name="linear_surplus", description="U margin - fixed",
                       inputs=(InputSpec("margin", "USD per user"), InputSpec("fixed", "USD")),
                       outputs=(OutputSpec("margin", "USD per user", "Margin per user"),
                                OutputSpec("surplus", "USD per month", "Surplus", per_user=True)),
                       function=_linear_surplus)
