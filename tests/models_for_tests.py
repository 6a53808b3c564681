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
