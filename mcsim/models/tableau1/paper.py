"""Tableau 1 of Viseur (2025) as printed, and the figures its text states.

These are the published numbers mcsim is checked against, not results: ``mcsim table``
recomputes every row from the priors' point values and compares.

References
----------
Viseur, R. (2025). Section 5, "Rationalité économique", Tableau 1 "Simulation de prix de
revient", and footnotes 4 to 7.
McGuinness, P. (2023). GPT-4 details revealed. Substack, July 2023 (the source of footnote 4),
after Patel, D. and Wong, G. (2023), "GPT-4 architecture, infrastructure, training dataset, costs,
vision, MoE", SemiAnalysis, 11 July 2023.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BREAK_EVEN_USERS", "CROSSOVER_USERS", "SOURCE_COST_PER_1K", "STATED", "TABLE1", "TEXT_CONVERSION_RATE",
           "Row"]


class Row(NamedTuple):
    prompts: float
    users: float
    unit_cost_usd: float  # "prix de revient", USD per prompt, printed to 4 decimals
    surplus_usd: float  # USD per month


#: The assumptions printed above Tableau 1.
STATED = {
    "training_cost": 63_000_000.0,
    "lifetime_months": 12.0,
    "cost_per_1k_tokens": 0.002,
    "tokens_per_prompt": 250.0,
    "cost_per_prompt": 0.0010,  # printed, although 0.002 x 250 / 1000 = 0.0005
    "prompts_per_user": 100.0,
    "conversion_rate": 0.05,  # table and footnote 7; section 5's text says 1 %
    "price": 20.0,
}

#: Section 5's text gives this conversion rate, the table 5 %.
TEXT_CONVERSION_RATE = 0.01

#: GPT-4's inference cost per 1000 tokens (8k context) in the source footnote 4 cites, by GPU: the
#: $0.002 above is its H100 figure. SemiAnalysis writes "$0.0021 cents", which the paper reads as
#: dollars. That gpt-3.5-turbo's API list price (March 2023) was also $0.002 is a coincidence.
SOURCE_COST_PER_1K = {"H100": 0.0021, "A100": 0.0049}

#: Tableau 1, row by row, as printed.
TABLE1 = (
    Row(1_000_000, 10_000, 5.2510, -5_241_000),
    Row(100_000_000, 1_000_000, 0.0535, -4_350_000),
    Row(583_333_333, 5_833_333, 0.1090, 0),
    Row(5_000_000_000, 50_000_000, 0.0021, 39_750_000),
    Row(50_000_000_000, 500_000_000, 0.0011, 444_750_000),
    Row(500_000_000_000, 5_000_000_000, 0.0010, 4_494_750_000),
)

#: The break-even row of the table; the text: "un surplus n'est dégagé qu'au-delà des 6 millions
#: d'utilisateurs mensuels" (a surplus appears only beyond 6 million monthly users).
BREAK_EVEN_USERS = 5_833_333.0
#: The text: "Au-delà des 50 millions d'utilisateurs, le coût d'entraînement (mensualisé) devient en
#: effet inférieur au coût d'inférence" (beyond 50 million users the monthly training cost falls below
#: the inference cost).
CROSSOVER_USERS = 50e6

#: The table as the publication names it, and the model whose inference cost its footnote 4's source estimates.
TABLE = "Tableau 1"
SOURCE_MODEL = "GPT-4"
