"""The figures Viseur (2025) states on efficiency and its rebound.

References
----------
Viseur, R. (2025). Section 2: "les modèles voyaient leurs besoins en ressources de calcul réduits
d'un facteur 2 tous les 8 mois environ" (Ho et al., 2024). Conclusion: the IEA "prévoit [...] une
croissance régulière de la consommation électrique des centres de données, autour de 5 % par an
sur 10 ans (ce qui aboutirait à un triplement de la consommation)" (IEA, 2025b); the slides call
it "un découplage modéré (x3)".
"""

from __future__ import annotations

__all__ = ["HALVING_MONTHS", "IEA_GROWTH_A_YEAR", "IEA_MULTIPLE", "IEA_YEARS"]

#: Compute needs halve about every 8 months (Ho et al., 2024, as the paper cites them).
HALVING_MONTHS = 8.0
#: The IEA's growth of data centres' electricity, a year, over ten years, and the multiple the paper draws from it.
IEA_GROWTH_A_YEAR = 0.05
IEA_YEARS = 10
IEA_MULTIPLE = 3.0
