"""The energy and carbon footprint of a language model in service.

The model (:mod:`.model`), its tipping points in closed form (:mod:`.tipping`), and the figures
a publication states on GPT-3's training (:mod:`.paper`), checked against the model by the report
(:mod:`mcsim.report.models.footprint`) only for priors whose ``[meta] reference`` is
:data:`GPT3_TRAINING`.
"""

from mcsim.i18n import N_
from mcsim.models.base import InputSpec, Model, OutputSpec, Reference
from mcsim.models.footprint import paper
from mcsim.models.footprint.model import evaluate
from mcsim.models.footprint.tipping import closed_form

__all__ = ["FOOTPRINT", "GPT3_TRAINING", "evaluate"]

#: What a priors file's ``[meta] reference`` says to be checked against the publication's GPT-3 figures.
GPT3_TRAINING = N_("Viseur (2025), section 1, the training of GPT-3")


FOOTPRINT = Model(
    name="footprint",
    description=N_("The energy and carbon footprint of a language model in service, from its training "
                   "amortised over its lifetime's requests, its inference per request at the facility and the "
                   "grid's carbon intensity"),
    citation=N_("Viseur (2025), sections 1 and 2; Patterson et al. (2021)"),
    inputs=(
        InputSpec("training_energy", N_("MWh"), 0.0, low_open=True),
        InputSpec("lifetime_months", N_("months"), 0.0, low_open=True),
        InputSpec("energy_per_prompt", N_("Wh per request at the servers"), 0.0, low_open=True),
        InputSpec("pue", N_("facility energy over IT energy"), 1.0),
        InputSpec("grid_intensity", N_("g CO2e per kWh"), 0.0, low_open=True),
        InputSpec("prompts_per_user", N_("prompts per user per month"), 0.0, low_open=True),
        InputSpec("search_energy", N_("Wh per web search"), 0.0, low_open=True),
    ),
    outputs=(
        OutputSpec("training_co2", N_("t CO2e"), N_("Training emissions"), log_scale=True),
        OutputSpec("energy_crossover_users", N_("users"),
                   N_("Users at which monthly inference energy equals monthly training energy"), log_scale=True,
                   infinite_means=N_("inference takes no energy")),
        OutputSpec("inference_energy_per_request", N_("Wh per request"), N_("Inference energy per request"),
                   log_scale=True),
        OutputSpec("monthly_training_energy", N_("MWh per month"), N_("Training energy per month"), log_scale=True),
        OutputSpec("energy_per_request", N_("Wh per request"), N_("Energy per request"), per_user=True, log_scale=True),
        OutputSpec("co2_per_request", N_("g CO2e per request"), N_("Emissions per request"), per_user=True,
                   log_scale=True),
        OutputSpec("inference_share", N_("share of the month's energy"), N_("Inference's share of the energy"),
                   per_user=True),
        OutputSpec("search_ratio", N_("web searches"), N_("Energy of a request in web searches"), per_user=True,
                   log_scale=True),
    ),
    function=evaluate,
    tipping=closed_form,
    references=(
        Reference(
            name=GPT3_TRAINING,
            values=(("training_co2", paper.PAPER_TRAINING_CO2_T, N_("paper: 522 t")),),
        ),
    ),
)
