"""The energy and carbon footprint of a language model in service: training amortised over its
lifetime's requests, inference per request at the facility, and the grid's carbon intensity.

References
----------
Patterson, D. et al. (2021). Carbon emissions and large neural network training.
arXiv:2104.10350 (energy = processor-hours x power x PUE; CO2e = energy x grid intensity).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["WH_PER_MWH", "evaluate"]

WH_PER_MWH = 1e6


def evaluate(inputs: Mapping[str, np.ndarray], users: np.ndarray) -> dict[str, np.ndarray]:
    """The footprint model, vectorised over samples (rows) and the users grid (columns).

    Parameters
    ----------
    inputs : mapping of str to array of shape (n,)
        ``training_energy`` (MWh at the facility meter, PUE included), ``lifetime_months``,
        ``energy_per_prompt`` (Wh at the servers), ``pue``, ``grid_intensity`` (g CO2e per kWh),
        ``prompts_per_user`` (per month), ``search_energy`` (Wh per web search, at the facility).
    users : array of shape (k,)
        Monthly active users.

    Returns
    -------
    dict of str to array
        Of shape (n,): ``training_co2`` (t CO2e) = training energy x grid intensity / 1000;
        ``monthly_training_energy`` (MWh per month) = training energy / lifetime;
        ``inference_energy_per_request`` (Wh at the facility) = energy per prompt x PUE;
        ``energy_crossover_users``, the users at which the month's inference energy (users x
        prompts x energy per prompt x PUE) equals the month's training energy (+inf if inference
        takes no energy). Of shape (n, k), per users value: ``energy_per_request`` (Wh: inference
        at the facility plus the training energy amortised over the lifetime's requests),
        ``co2_per_request`` (g CO2e), ``inference_share`` (inference's share of the month's
        energy, training and inference), ``search_ratio`` (energy per request over the energy
        of a web search).

    Notes
    -----
    The energy per request is ``a + b / users``, with ``a`` the inference energy per request and
    ``b = monthly training energy / prompts per user``; the crossover is ``b / a``. The energy per
    request at ``u1`` users is at least ``k`` times that at ``u2`` users (``u2 > k u1``) exactly when
    the crossover is at least ``(k - 1) / (1 / u1 - k / u2)``: 10 million users for ``k = 10``
    between 1 and 100 million users.
    """
    monthly_training_wh = inputs["training_energy"] * WH_PER_MWH / inputs["lifetime_months"]
    inference_wh = inputs["energy_per_prompt"] * inputs["pue"]  # per request, at the facility
    prompts = inputs["prompts_per_user"]

    crossover = np.full_like(monthly_training_wh, np.inf)
    per_user = prompts * inference_wh  # Wh per user per month
    np.divide(monthly_training_wh, per_user, out=crossover, where=per_user > 0)

    requests = users[np.newaxis, :] * prompts[:, np.newaxis]  # requests per month
    amortised_wh = monthly_training_wh[:, np.newaxis] / requests
    per_request_wh = inference_wh[:, np.newaxis] + amortised_wh
    return {
        "training_co2": inputs["training_energy"] * inputs["grid_intensity"] / 1000.0,
        "monthly_training_energy": monthly_training_wh / WH_PER_MWH,
        "inference_energy_per_request": inference_wh,
        "energy_crossover_users": crossover,
        "energy_per_request": per_request_wh,
        "co2_per_request": per_request_wh * inputs["grid_intensity"][:, np.newaxis] / 1000.0,
        "inference_share": inference_wh[:, np.newaxis] / per_request_wh,
        "search_ratio": per_request_wh / inputs["search_energy"][:, np.newaxis],
    }
