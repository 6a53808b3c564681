"""The paper's figures on GPT-3's training checked against the model at the priors' point values.

Shown in the report, and by ``mcsim table``, for priors that say they reproduce them
(``[meta] reference`` = :data:`mcsim.models.footprint.GPT3_TRAINING`), as the default model's
inconsistencies are. Every number is computed from the priors' points;
:mod:`mcsim.models.footprint.paper` holds only what was printed. The paper's other
footprint figures (a request against a web search, inference's share) are claims, which a run
answers with probabilities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mcsim.i18n import _, language
from mcsim.models.base import PriorsView
from mcsim.models.footprint import FOOTPRINT, paper
from mcsim.models.footprint.model import evaluate
from mcsim.models.points import format_points

__all__ = ["REFERENCE", "Check", "consistency_checks", "format_checks", "format_table", "markdown_section"]

#: The publication these words are about, as the model holds it.
REFERENCE = FOOTPRINT.references[0]

@dataclass(frozen=True)
class Check:
    """One figure the paper states against what the model gives at the priors' points."""

    title: str
    consistent: bool
    detail: str


def _at_points(priors: PriorsView) -> dict[str, float]:
    """The model's scalar outputs at the priors' points."""
    out = evaluate({name: np.array([value]) for name, value in priors.points().items()}, np.array([1.0]))
    return {name: float(np.ravel(value)[0]) for name, value in out.items()}


def _count(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits, millions in words, in the report's language (``mcsim
    table`` prints it too, and the report's number helpers are not loaded there)."""
    def figures(number: float) -> str:
        text = f"{number:,.{digits}g}"  # French: a narrow no-break space between thousands, a decimal comma
        return text if language() == "en" else text.replace(",", "\u202f").replace(".", ",")

    if abs(value) >= 1e6:
        return _("{value} million").format(value=figures(value / 1e6))
    return figures(value)


def _tonnes(value: float) -> str:
    return _("{value} t CO2e").format(value=_count(value))


def consistency_checks(priors: PriorsView) -> list[Check]:
    """The paper's GPT-3 figures against the model at the points of ``priors``."""
    points = priors.points()
    at = _at_points(priors)
    energy, grid = points["training_energy"], points["grid_intensity"]
    stated_t, stated_mwh = paper.PAPER_TRAINING_CO2_T, paper.PAPER_TRAINING_ENERGY_MWH
    implied = 1000.0 * stated_t / stated_mwh  # g/kWh: t / MWh x 1000
    within = round(energy / 100.0) * 100.0 == stated_mwh  # "1.3 GWh" is stated to the nearest 0.1 GWh
    checks = [
        Check(_("Training CO2 of GPT-3"), math.isclose(at["training_co2"], stated_t, rel_tol=0.005),
              _("the paper prints {stated} for GPT-3's training (quoting Sundberg, 2023); {energy} MWh at "
                "{grid} g CO2e/kWh give {computed}, the {patterson} of Patterson et al. (2021), whose energy "
                "and grid intensity these priors take. {stated} at {paper_energy} would need {implied} g "
                "CO2e/kWh: the printed figure, one digit away from Patterson et al.'s, is likely a misprint of "
                "it, by the paper or by the source it quotes.").format(
                  stated=_("{value} tonnes of CO2").format(value=_count(stated_t)), energy=_count(energy, 5),
                  grid=_count(grid, 4),
                  computed=_tonnes(at["training_co2"]), patterson=_tonnes(paper.PATTERSON["training_co2"]),
                  paper_energy=_("{value} GWh").format(value=_count(stated_mwh / 1000.0, 2)),
                  implied=_count(implied, 4))),
        Check(_("Training energy of GPT-3"), within,
              _("the paper's {paper_energy} is Patterson et al.'s {energy} MWh rounded to the nearest 0.1 GWh.")
              .format(paper_energy=_("{value} GWh").format(value=_count(stated_mwh / 1000.0, 2)),
                      energy=_count(energy, 5)) if within else
              _("the paper's {paper_energy} is not these priors' {energy} MWh rounded to the nearest 0.1 GWh.")
              .format(paper_energy=_("{value} GWh").format(value=_count(stated_mwh / 1000.0, 2)),
                      energy=_count(energy, 5))),
    ]
    return checks


def markdown_section(priors: PriorsView) -> list[str]:
    """The checks as Markdown lines, for a run's report."""
    checks = consistency_checks(priors)
    lines = ["## " + _("The paper's footprint figures checked"), "",
             _("Computed at the priors' point values: {bad} of {total} figures the paper states are inconsistent "
               "with its sources or with the model.").format(bad=sum(not c.consistent for c in checks),
                                                            total=len(checks)), ""]
    for check in sorted(checks, key=lambda c: c.consistent):  # the inconsistencies first
        status = _("consistent") if check.consistent else _("inconsistent")
        lines.append(_("- **{title}** ({status}): {detail}").format(title=check.title, status=status,
                                                                   detail=check.detail))
    return [*lines, ""]


def format_checks(model, priors: PriorsView) -> str:
    """``model`` at the points of ``priors`` and the checks, as plain text for ``mcsim table``."""
    lines = [format_points(model, priors), "",
             _("Where the paper's footprint figures disagree (computed at these points):")]
    for number, check in enumerate(consistency_checks(priors), start=1):
        status = _("consistent") if check.consistent else _("INCONSISTENT")
        lines.append(f"{number}. {check.title} [{status}]: {check.detail}")
    return "\n".join(lines)


def format_table(priors: PriorsView) -> str:
    """What ``mcsim table`` prints for these priors: the model at their points and the checks."""
    return format_checks(FOOTPRINT, priors)
