"""The check before sampling (inputs.model_check): it evaluates what priors draw; its hints name what the model has."""

import pytest
from conftest import new_process

from mcsim.inputs.errors import InputError
from mcsim.inputs.runs import check_priors, load_run

UTILISATION_MODEL = '''
"""Capacity cost per use: a fixed cost divided by the share of the capacity used (no grid)."""
from mcsim import InputSpec, Model, OutputSpec


def evaluate(inputs, grid):
    return {"cost_per_use": inputs["capacity_cost"] / inputs["utilisation"]}


MODEL = Model(name="utilisation", description="capacity cost / utilisation",
              inputs=(InputSpec("capacity_cost", "USD", 0.0),
                      InputSpec("utilisation", "share", 0.0, 1.0, low_open={low_open})),
              outputs=(OutputSpec("cost_per_use", "USD", "Cost per use"),), function=evaluate)
'''

PRIORS = '''
[meta]
model = "utilisation_model:MODEL"

[inputs.capacity_cost]
point = {cost}
dist = "point"
source = "s"

[inputs.utilisation]
point = 0.5
{utilisation}
source = "s"
'''


@pytest.fixture
def study(write, monkeypatch):
    """``study(cost, utilisation)`` writes the model, its priors and a run; returns the run file's path."""
    new_process(monkeypatch, "utilisation_model")

    def _study(cost: str, utilisation: str, low_open: bool = True):
        write("utilisation_model.py", UTILISATION_MODEL.replace("{low_open}", str(low_open)))
        write("p.toml", PRIORS.format(cost=cost, utilisation=utilisation))
        return write("r.toml", '[run]\npriors = "p.toml"\nsamples = 16\n')

    return _study


@pytest.mark.parametrize("low_open", [True, False], ids=["utilisation>0", "utilisation>=0"])
def test_a_beta_the_model_divides_by_is_accepted(study, low_open):
    """A beta on [0, 1] with both shapes above 1 never draws 0: its smallest draw is its quantile at 2**-54.

    Where the model refuses 0 the check against its inputs' ranges must not see it; where it admits
    0, the model must not be evaluated there (it would divide by it).
    """
    run = study("1e6", 'dist = "beta"\nmean = 0.5\nsd = 0.15', low_open)
    priors, _ = check_priors(run.parent / "p.toml")
    assert priors["utilisation"].distribution.drawable[0] == pytest.approx(2.306996659e-4, rel=1e-8)
    load_run(run)  # the run's own check too


def test_a_prior_whose_draws_overflow_is_refused_without_a_grid_in_the_hint(study):
    run = study("1e300", 'dist = "uniform"\nlow = 0\nhigh = 1')  # 1e300 / 2**-54 overflows
    with pytest.raises(InputError, match=r"cost_per_use is inf at capacity_cost = 1e\+300, "
                       r"utilisation = 5\.55112e-17 \(model utilisation\); narrow the priors$") as error:
        load_run(run)
    assert "grid" not in str(error.value)
    with pytest.raises(InputError, match=r"\(model utilisation\); narrow the priors$") as error:
        check_priors(run.parent / "p.toml")
    assert "users" not in str(error.value)
