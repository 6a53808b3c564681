"""Tableau 1 of Viseur (2025), section 5: GPT-4 served through ChatGPT.

The model (:mod:`.model`), its tipping points in closed form (:mod:`.tipping`), and the paper:
Tableau 1 as printed (:mod:`.paper`) and the checks of the paper against its own model
(:mod:`.table`), shown only for priors whose ``[meta] reference`` is :data:`PAPER`.
"""

from mcsim.models.base import InputSpec, Model, OutputSpec, Reference
from mcsim.models.tableau1 import paper
from mcsim.models.tableau1.model import evaluate
from mcsim.models.tableau1.table import format_table, markdown_section
from mcsim.models.tableau1.tipping import closed_form

__all__ = ["PAPER", "TABLEAU1", "evaluate"]

#: What a priors file's ``[meta] reference`` says to be shown beside Tableau 1 as printed.
PAPER = "Viseur (2025), section 5, Tableau 1"

_BREAK_EVEN = f"paper: {paper.BREAK_EVEN_USERS / 1e6:.2f} million"

TABLEAU1 = Model(
    name="tableau1",
    description="GPT-4 served through ChatGPT: training amortised over the model's lifetime, "
    "inference per prompt, revenue from the share of users paying for Plus",
    citation=PAPER,
    inputs=(
        InputSpec("training_cost", "USD", 0.0),
        InputSpec("lifetime_months", "months", 0.0, low_open=True),
        InputSpec("cost_per_1k_tokens", "USD per 1000 tokens", 0.0),
        InputSpec("tokens_per_prompt", "tokens", 0.0, low_open=True),
        InputSpec("prompts_per_user", "prompts per user per month", 0.0, low_open=True),
        InputSpec("conversion_rate", "share of users", 0.0, 1.0),
        InputSpec("price", "USD per paying user per month", 0.0),
    ),
    outputs=(
        OutputSpec("break_even_users", "users", "Break-even monthly users", log_scale=True,
                   infinite_means="never breaks even (margin per user <= 0)"),
        OutputSpec("crossover_users", "users",
                   "Users at which monthly inference cost equals monthly training cost",
                   log_scale=True, infinite_means="inference is free"),
        OutputSpec("margin_per_user", "USD per user per month", "Margin per user"),
        OutputSpec("cost_per_prompt", "USD per prompt", "Inference cost per prompt", log_scale=True),
        OutputSpec("monthly_fixed_cost", "USD per month", "Training cost per month", log_scale=True),
        OutputSpec("surplus", "USD per month", "Surplus", per_user=True, share_positive=True),
        OutputSpec("unit_cost", "USD per prompt", "Unit cost", per_user=True, log_scale=True),
    ),
    function=evaluate,
    tipping=closed_form,
    references=(
        Reference(
            name=PAPER,
            values=(("break_even_users", paper.BREAK_EVEN_USERS, _BREAK_EVEN),
                    ("crossover_users", paper.CROSSOVER_USERS, "paper: about 50 million")),
            points=(("surplus", tuple((row.users, row.surplus_usd) for row in paper.TABLE1)),
                    ("unit_cost", tuple((row.users, row.unit_cost_usd) for row in paper.TABLE1))),
            points_label="Tableau 1 as printed",
            users_marks=(("surplus", paper.BREAK_EVEN_USERS, f"break-even, {_BREAK_EVEN}"),),
            notes=(("unit_cost", paper.BREAK_EVEN_USERS,
                    "Tableau 1 prints 0.1090 USD per prompt at break-even, where its own figures give 0.0100 "
                    "(a misprint)"),),
            section=markdown_section,
            table=format_table,
        ),
    ),
)
