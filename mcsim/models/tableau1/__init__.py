"""Tableau 1 of Viseur (2025), section 5: GPT-4 served through ChatGPT.

The model (:mod:`.model`), its tipping points in closed form (:mod:`.tipping`), and the paper:
Tableau 1 as printed (:mod:`.paper`) and as the model gives it at the priors' points
(:mod:`.table`). The report's words on them (:mod:`mcsim.report.models.tableau1`) are shown only
for priors whose ``[meta] reference`` is :data:`PAPER`.
"""

from mcsim.i18n import N_
from mcsim.models.base import InputSpec, Model, OutputSpec, Reference
from mcsim.models.tableau1 import paper
from mcsim.models.tableau1.model import evaluate
from mcsim.models.tableau1.tipping import closed_form

__all__ = ["PAPER", "TABLEAU1", "evaluate"]

#: What a priors file's ``[meta] reference`` says to be shown beside Tableau 1 as printed.
PAPER = "Viseur (2025), section 5, Tableau 1"

_BREAK_EVEN = N_("paper: 5.83 million")  # paper.BREAK_EVEN_USERS, as the figures label it

TABLEAU1 = Model(
    name="tableau1",
    description=N_("GPT-4 served through ChatGPT, with training amortised over the model's lifetime, "
                   "inference paid per prompt and revenue from the share of users paying for Plus"),
    citation=PAPER,
    inputs=(
        InputSpec("training_cost", N_("USD"), 0.0),
        InputSpec("lifetime_months", N_("months"), 0.0, low_open=True),
        InputSpec("cost_per_1k_tokens", N_("USD per 1000 tokens"), 0.0),
        InputSpec("tokens_per_prompt", N_("tokens"), 0.0, low_open=True),
        InputSpec("prompts_per_user", N_("prompts per user per month"), 0.0, low_open=True),
        InputSpec("conversion_rate", N_("share of users"), 0.0, 1.0),
        InputSpec("price", N_("USD per paying user per month"), 0.0),
    ),
    outputs=(
        OutputSpec("break_even_users", N_("users"), N_("Break-even monthly users"), log_scale=True,
                   infinite_means=N_("never breaks even (margin per user <= 0)")),
        OutputSpec("crossover_users", N_("users"),
                   N_("Users at which monthly inference cost equals monthly training cost"),
                   log_scale=True, infinite_means=N_("inference is free")),
        OutputSpec("margin_per_user", N_("USD per user per month"), N_("Margin per user")),
        OutputSpec("cost_per_prompt", N_("USD per prompt"), N_("Inference cost per prompt"), log_scale=True),
        OutputSpec("monthly_fixed_cost", N_("USD per month"), N_("Training cost per month"), log_scale=True),
        OutputSpec("surplus", N_("USD per month"), N_("Surplus"), per_user=True, share_positive=True),
        OutputSpec("unit_cost", N_("USD per prompt"), N_("Unit cost"), per_user=True, log_scale=True),
    ),
    function=evaluate,
    tipping=closed_form,
    references=(
        Reference(
            name=PAPER,
            values=(("break_even_users", paper.BREAK_EVEN_USERS, _BREAK_EVEN),
                    ("crossover_users", paper.CROSSOVER_USERS, N_("paper: 50 million"))),
            points=(("surplus", tuple((row.users, row.surplus_usd) for row in paper.TABLE1)),
                    ("unit_cost", tuple((row.users, row.unit_cost_usd) for row in paper.TABLE1))),
            points_label=N_("Tableau 1 as printed"),
            users_marks=(("surplus", paper.BREAK_EVEN_USERS, N_("break-even, paper: 5.83 million")),),
            notes=(("unit_cost", paper.BREAK_EVEN_USERS,
                    N_("Tableau 1 prints 0.1090 USD per prompt at break-even, where its own figures give 0.0100 "
                       "(a misprint)")),),
        ),
    ),
)
