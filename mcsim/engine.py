"""Running a model over a sampling design, chunk by chunk."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .runs import RunSpec
from .sampling import Design, chunks

__all__ = ["Simulation", "simulate"]


@dataclass(frozen=True)
class Simulation:
    """Every sample's inputs and outputs of one run."""

    spec: RunSpec
    inputs: dict[str, np.ndarray]  # name -> (n,)
    outputs: dict[str, np.ndarray]  # name -> (n,) or (n, len(users))

    @property
    def n(self) -> int:
        return self.spec.samples


def simulate(spec: RunSpec) -> Simulation:
    """Draw ``spec.samples`` samples of the priors and evaluate the model on them.

    The samples are drawn and evaluated ``spec.chunk_size`` at a time into preallocated arrays;
    the numbers do not depend on the chunk size (see :mod:`mcsim.sampling`).

    Raises
    ------
    FloatingPointError
        If the model returns NaN (an infinite value is allowed only where the model's output
        says what it means, e.g. a break-even that is never reached).
    """
    design = Design(spec.priors, spec.samples, spec.sampler, spec.seed)
    users = np.asarray(spec.users)
    n, k = spec.samples, len(users)
    inputs = {name: np.empty(n) for name in spec.priors.names}
    outputs = {o.name: np.empty((n, k) if o.per_user else n) for o in spec.model.outputs}
    for start, stop in chunks(n, spec.chunk_size):
        drawn = design.draw(start, stop)
        for name, values in drawn.items():
            inputs[name][start:stop] = values
        for name, values in spec.model.evaluate(drawn, users).items():
            if name in outputs:
                outputs[name][start:stop] = values
    for spec_out in spec.model.outputs:
        values = outputs[spec_out.name]
        bad = np.isnan(values) | (np.isinf(values) if spec_out.infinite_means is None else False)
        if bad.any():
            raise FloatingPointError(
                f"model {spec.model.name} returned {int(bad.sum())} undefined values of {spec_out.name} "
                f"(NaN or infinite) out of {values.size}")
    return Simulation(spec, inputs, outputs)
