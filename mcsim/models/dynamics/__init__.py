"""How efficiency gains race usage growth: the rebound effect (Viseur, 2025, sections 2 and 3).

The model over a grid of months (:mod:`.model`), its tipping points in closed form
(:mod:`.tipping`), and the paper's figures on efficiency and rebound (:mod:`.paper`), checked by
the report (:mod:`mcsim.report.models.dynamics`) for priors whose ``[meta] reference`` is
:data:`REBOUND`.
"""

from mcsim.i18n import N_
from mcsim.models.base import InputSpec, Model, OutputSpec, Reference
from mcsim.models.dynamics import paper
from mcsim.models.dynamics.model import evaluate
from mcsim.models.dynamics.tipping import closed_form
from mcsim.models.grid import MONTHS

__all__ = ["DYNAMICS", "REBOUND", "evaluate"]

#: What a priors file's ``[meta] reference`` says to be checked against the paper's efficiency and rebound figures.
REBOUND = N_("Viseur (2025), sections 2 and 3 and conclusion, efficiency and rebound")


# model.HORIZON_MONTHS written out, so that the catalogue holds the sentence as the reports show it
_NO_SURPLUS = N_("no surplus within 120 months")


DYNAMICS = Model(
    name="dynamics",
    description=N_("Efficiency gains against usage growth, month by month, as the energy and cost of a "
                   "request halve at constant work while users and the work per request grow (the rebound "
                   "effect)"),
    citation=N_("Viseur (2025), sections 2, 3 and 5; Ho et al. (2024)"),
    grid=MONTHS,
    inputs=(
        InputSpec("users_start", N_("monthly users at month 0"), 0.0, low_open=True),
        InputSpec("user_growth", N_("share per month"), -1.0, low_open=True),
        InputSpec("request_growth", N_("share per month"), -1.0, low_open=True),
        InputSpec("halving_months", N_("months"), 0.0, low_open=True),
        InputSpec("energy_per_prompt", N_("Wh per request at the servers at month 0"), 0.0, low_open=True),
        InputSpec("prompts_per_user", N_("prompts per user per month"), 0.0, low_open=True),
        InputSpec("pue", N_("facility energy over IT energy"), 1.0),
        InputSpec("training_cost", N_("USD"), 0.0),
        InputSpec("lifetime_months", N_("months"), 0.0, low_open=True),
        InputSpec("cost_per_1k_tokens", N_("USD per 1000 tokens at month 0"), 0.0),
        InputSpec("tokens_per_prompt", N_("tokens at month 0"), 0.0, low_open=True),
        InputSpec("conversion_rate", N_("share of users"), 0.0, 1.0),
        InputSpec("price", N_("USD per paying user per month"), 0.0),
    ),
    outputs=(
        OutputSpec("annual_energy_growth", N_("share per year"), N_("Growth of the inference energy over a year")),
        OutputSpec("break_even_month", N_("months"), N_("First month with a surplus"),
                   infinite_means=_NO_SURPLUS),
        OutputSpec("rebound_halving_months", N_("months"),
                   N_("Halving time beyond which the energy grows"), log_scale=True,
                   infinite_means=N_("users and the work per request do not grow")),
        OutputSpec("inference_energy", N_("MWh per month"), N_("Inference energy"), per_user=True, log_scale=True),
        OutputSpec("energy_ratio", N_("times month 0"), N_("Inference energy relative to month 0"), per_user=True,
                   log_scale=True),
        OutputSpec("surplus", N_("USD per month"), N_("Surplus"), per_user=True, share_positive=True),
    ),
    function=evaluate,
    tipping=closed_form,
    references=(
        Reference(
            name=REBOUND,
            values=(("annual_energy_growth", paper.IEA_GROWTH_A_YEAR, N_("IEA: about 5 % a year")),
                    ("rebound_halving_months", paper.HALVING_MONTHS, N_("Ho et al.: halving every 8 months"))),
        ),
    ),
)
