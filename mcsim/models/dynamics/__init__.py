"""How efficiency gains race usage growth: the rebound effect (Viseur, 2025, sections 2 and 3).

The model over a grid of months (:mod:`.model`), its tipping points in closed form
(:mod:`.tipping`), and the paper's figures on efficiency and rebound (:mod:`.paper`), checked
(:mod:`.checks`) for priors whose ``[meta] reference`` is :data:`REBOUND`.
"""

from mcsim.models.base import InputSpec, Model, OutputSpec, Reference
from mcsim.models.dynamics import paper
from mcsim.models.dynamics.checks import format_checks, markdown_section
from mcsim.models.dynamics.model import HORIZON_MONTHS, evaluate
from mcsim.models.dynamics.tipping import closed_form
from mcsim.models.grid import MONTHS
from mcsim.models.points import format_points

__all__ = ["DYNAMICS", "REBOUND", "evaluate"]

#: What a priors file's ``[meta] reference`` says to be checked against the paper's efficiency and rebound figures.
REBOUND = "Viseur (2025), sections 2 and 3 and conclusion, efficiency and rebound"


def _table(priors) -> str:
    return format_checks(format_points(DYNAMICS, priors, MONTHS.default), priors)


DYNAMICS = Model(
    name="dynamics",
    description="Efficiency gains against usage growth, month by month: the energy and cost of a request "
    "halve at constant work while users and the work per request grow (the rebound effect)",
    citation="Viseur (2025), sections 2, 3 and 5; Ho et al. (2024)",
    grid=MONTHS,
    inputs=(
        InputSpec("users_start", "monthly users at month 0", 0.0, low_open=True),
        InputSpec("user_growth", "share per month", -1.0, low_open=True),
        InputSpec("request_growth", "share per month", -1.0, low_open=True),
        InputSpec("halving_months", "months", 0.0, low_open=True),
        InputSpec("energy_per_prompt", "Wh per request at the servers at month 0", 0.0, low_open=True),
        InputSpec("prompts_per_user", "prompts per user per month", 0.0, low_open=True),
        InputSpec("pue", "facility energy over IT energy", 1.0),
        InputSpec("training_cost", "USD", 0.0),
        InputSpec("lifetime_months", "months", 0.0, low_open=True),
        InputSpec("cost_per_1k_tokens", "USD per 1000 tokens at month 0", 0.0),
        InputSpec("tokens_per_prompt", "tokens at month 0", 0.0, low_open=True),
        InputSpec("conversion_rate", "share of users", 0.0, 1.0),
        InputSpec("price", "USD per paying user per month", 0.0),
    ),
    outputs=(
        OutputSpec("annual_energy_growth", "share per year", "Growth of the inference energy over a year"),
        OutputSpec("break_even_month", "months", "First month with a surplus",
                   infinite_means=f"no surplus within {HORIZON_MONTHS} months"),
        OutputSpec("rebound_halving_months", "months",
                   "Halving time beyond which the energy grows", log_scale=True,
                   infinite_means="users and the work per request do not grow"),
        OutputSpec("inference_energy", "MWh per month", "Inference energy", per_user=True, log_scale=True),
        OutputSpec("energy_ratio", "times month 0", "Inference energy relative to month 0", per_user=True,
                   log_scale=True),
        OutputSpec("surplus", "USD per month", "Surplus", per_user=True, share_positive=True),
    ),
    function=evaluate,
    tipping=closed_form,
    references=(
        Reference(
            name=REBOUND,
            values=(("annual_energy_growth", paper.IEA_GROWTH_A_YEAR, "IEA: about 5 % a year"),
                    ("rebound_halving_months", paper.HALVING_MONTHS, "Ho et al.: halving every 8 months")),
            section=markdown_section,
            table=_table,
        ),
    ),
)
