"""The footprint figures Viseur (2025) states, and the sources they come from.

Published numbers the footprint model is checked against, not results: the report of priors
that reproduce the training of GPT-3 (``[meta] reference``) recomputes them from the priors'
point values and compares.

References
----------
Viseur, R. (2025). Section 1: GPT-3's training "aurait nécessité 1,3 GWh [...] occasionnant
l'émission de 522 tonnes de CO2 (Sundberg, 2023)"; a ChatGPT request "100 fois plus de carbone
qu'une recherche Google classique". Section 2: PUE 1.58 for industrial data centres against about
1.1 for public clouds (Patterson et al., 2022); up to 10 % of AI's energy for development, 20 to
40 % for training, 60 to 70 % for inference (IEA, 2025a).
Patterson, D. et al. (2021). Carbon emissions and large neural network training.
arXiv:2104.10350, Table 4: GPT-3, 1,287 MWh, PUE 1.1, 429 g CO2e/kWh, 552 t CO2e.
"""

from __future__ import annotations

__all__ = ["INFERENCE_SHARE", "PAPER_TRAINING_CO2_T", "PAPER_TRAINING_ENERGY_MWH", "PATTERSON",
           "SEARCH_RATIO"]

#: The paper's GPT-3 training: 1.3 GWh and 522 t of CO2 (quoting Sundberg, 2023).
PAPER_TRAINING_ENERGY_MWH = 1300.0
PAPER_TRAINING_CO2_T = 522.0
#: Patterson et al. (2021), Table 4, GPT-3: energy at the facility (MWh), grid (g CO2e/kWh), CO2e (t).
PATTERSON = {"training_energy": 1287.0, "grid_intensity": 429.0, "training_co2": 552.0, "pue": 1.1}
#: "100 times more carbon than a classic Google search" (the paper, quoting Sundberg, 2023).
SEARCH_RATIO = 100.0
#: The IEA's share of AI's energy that goes to inference (the paper, section 2).
INFERENCE_SHARE = (0.60, 0.70)
