"""The publication's table as printed against the model at the priors' point values, and its figures checked.

The words of the model ``tableau1``'s publication (:data:`mcsim.models.tableau1.PAPER`): every
number is computed by the model from the priors' points (:mod:`mcsim.models.tableau1.table`);
the paper's printed values (:mod:`mcsim.models.tableau1.paper`) are only compared against.
Shown for priors that say they reproduce the paper (``[meta] reference``): :func:`format_table`
in ``mcsim table``, :func:`markdown_section` in a run's report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mcsim.i18n import _, decimal, general
from mcsim.models.base import PriorsView
from mcsim.models.tableau1 import TABLEAU1, paper
from mcsim.models.tableau1.table import TableRow, deterministic_table, point_outputs, round_half_up

__all__ = ["REFERENCE", "Check", "consistency_checks", "format_table", "markdown_section", "mismatches"]

#: The publication these words are about, as the model holds it.
REFERENCE = TABLEAU1.references[0]


def mismatches(row: TableRow) -> list[str]:
    """What differs from the printed row, at the printed precision, in the report's language."""
    if row.printed is None:
        return []
    found = []
    if round(row.prompts) != row.printed.prompts:
        found.append(_("prompts printed {n}").format(n=decimal(row.printed.prompts)))
    if round(row.users) != row.printed.users:
        found.append(_("users printed {n}").format(n=decimal(row.printed.users)))
    if round_half_up(row.unit_cost_usd, 4) != row.printed.unit_cost_usd:
        found.append(_("unit cost printed {n}").format(n=decimal(row.printed.unit_cost_usd, 4)))
    if round(row.surplus_usd) != row.printed.surplus_usd:
        found.append(_("surplus printed {n}").format(n=decimal(row.printed.surplus_usd)))
    return found


@dataclass(frozen=True)
class Check:
    """One comparison between what the paper states and what its own model gives."""

    title: str
    consistent: bool
    detail: str


def _usd(value: float, places: int) -> str:
    return _("${amount}").format(amount=decimal(value, places))


def _percent(share: float) -> str:
    return _("{number} %").format(number=decimal(100 * share, 0))


def consistency_checks(priors: PriorsView) -> list[Check]:
    """Compare the paper's stated figures with what its model gives, by computation (in the report's language)."""
    points = priors.points()
    stated = paper.STATED
    base = point_outputs(points, [1.0])
    checks = []

    implied = stated["cost_per_1k_tokens"] * stated["tokens_per_prompt"] / 1000
    at_stated = point_outputs({**points, "cost_per_1k_tokens": stated["cost_per_1k_tokens"],
                               "tokens_per_prompt": stated["tokens_per_prompt"]}, [1.0])
    checks.append(Check(
        _("Cost per prompt"),
        math.isclose(implied, stated["cost_per_prompt"]),
        _("{per_1k} per 1000 tokens × {tokens} tokens = {implied} per prompt, but the table uses {used} ({ratio}×). "
          "At {implied} the break-even would be {at_stated}, not {printed}.").format(
            per_1k=_("${amount}").format(amount=general(stated["cost_per_1k_tokens"])),
            tokens=general(stated["tokens_per_prompt"]),
            implied=_usd(implied, 4), used=_usd(stated["cost_per_prompt"], 4),
            ratio=general(float(f"{stated['cost_per_prompt'] / implied:.3g}")),
            at_stated=_users(at_stated["break_even_users"]), printed=decimal(paper.BREAK_EVEN_USERS))))

    row = next(r for r in paper.TABLE1 if r.surplus_usd == 0)
    model_unit = float(point_outputs(points, [row.users])["unit_cost"][0])
    checks.append(Check(
        _("Unit cost at break-even"),
        round_half_up(model_unit, 4) == row.unit_cost_usd,
        _("the break-even row prints {printed} per prompt; the model gives {model} at {users} users.").format(
            printed=_usd(row.unit_cost_usd, 4), model=_usd(model_unit, 4), users=decimal(row.users))))

    text_rate = paper.TEXT_CONVERSION_RATE
    at_text = point_outputs({**points, "conversion_rate": text_rate}, [1.0])
    checks.append(Check(
        _("Conversion rate"),
        math.isclose(text_rate, stated["conversion_rate"]),
        _("section 5's text says {text}, the table and footnote 7 say {table}. At {text} the break-even moves from "
          "{base} to {moved}.").format(text=_percent(text_rate), table=_percent(stated["conversion_rate"]),
                                       base=_users(base["break_even_users"]),
                                       moved=_users(at_text["break_even_users"]))))

    source = paper.SOURCE_COST_PER_1K
    checks.append(Check(
        _("Source of the inference cost"),
        float(f"{source['H100']:.1g}") == stated["cost_per_1k_tokens"],
        _("{stated} per 1000 tokens is the estimate of the source footnote 4 cites (McGuinness, 2023, after "
          "SemiAnalysis): {model}'s inference at about {h100} per 1000 tokens on H100s, {a100} on A100s. That "
          "gpt-3.5-turbo's API list price (March 2023) was also {stated} is a coincidence, not the source.").format(
            stated=_("${amount}").format(amount=general(stated["cost_per_1k_tokens"])), model=paper.SOURCE_MODEL,
            h100=_("${amount}").format(amount=general(source["H100"])),
            a100=_("${amount}").format(amount=general(source["A100"])))))

    crossover = float(base["crossover_users"])
    stated_users = paper.CROSSOVER_USERS
    stated_m = decimal(stated_users / 1e6)
    # "Au-delà des 50 millions": a round figure, to the nearest 10 million (45 to 55 million round to it)
    within = math.isfinite(crossover) and round(crossover / 1e7) * 1e7 == stated_users
    crossover_m = general(float(f"{crossover / 1e6:.3g}")) if math.isfinite(crossover) else ""
    if within and crossover > stated_users:  # the sentence read literally fails between the two
        at = point_outputs(points, [stated_users])
        inference = stated_users * points["prompts_per_user"] * float(at["cost_per_prompt"])
        said = _("the model's crossover is {crossover} million users. Read literally the sentence fails from "
                 "{stated} to {crossover} million users (at {stated} million users training costs {training} a "
                 "month and inference {inference}); read as a round figure, to the nearest 10 million, it "
                 "holds.").format(crossover=crossover_m, stated=stated_m,
                                  training=_usd(float(at["monthly_fixed_cost"]), 0), inference=_usd(inference, 0))
    elif within:
        said = _("the model's crossover is {crossover} million users, which rounds to the text's {stated} million "
                 "(to the nearest 10 million); read literally the sentence holds too.").format(
                     crossover=crossover_m, stated=stated_m)
    else:
        said = _("the model's crossover is {crossover}, outside the text's rounding (45 to 55 million).").format(
            crossover=_users(crossover))
    checks.append(Check(
        _("Crossover of inference and training costs"),
        within,
        _("the text says \"Au-delà des {stated} millions d'utilisateurs, le coût d'entraînement (mensualisé) devient "
          "en effet inférieur au coût d'inférence\" (beyond {stated} million users the monthly training cost falls "
          "below the inference cost); {said}").format(stated=stated_m, said=said)))
    return checks


def _users(value: float) -> str:
    return _("{n} users").format(n=decimal(value)) if math.isfinite(value) else \
        _("never (margin per user <= 0)")


def format_table(priors: PriorsView) -> str:
    """The table and the checks as plain text, for the terminal."""
    rows = deterministic_table(priors)
    base = point_outputs(priors.points(), [1.0])
    lines = [f"{paper.TABLE} at the point values of {priors.file}", ""]
    header = f"{'prompts / month':>18} {'users':>15} {'unit cost ($/prompt)':>21} {'surplus ($/month)':>18}  paper"
    lines += [header, "-" * len(header)]
    for row in rows:
        differs = mismatches(row)
        note = "as printed" if not differs else "differs: " + "; ".join(differs)
        lines.append(f"{row.prompts:>18,.0f} {row.users:>15,.0f} {round_half_up(row.unit_cost_usd, 4):>21.4f} "
                     f"{row.surplus_usd:>18,.0f}  {note}")
    lines += ["", f"Break-even users: {_users(base['break_even_users'])}",
              f"Crossover users (monthly inference cost = monthly training cost): {_users(base['crossover_users'])}",
              "", "The paper's figures checked (computed at these points):"]
    for number, check in enumerate(consistency_checks(priors), start=1):
        status = "consistent" if check.consistent else "INCONSISTENT"
        lines.append(f"{number}. {check.title} [{status}]: {check.detail}")
    return "\n".join(lines)


def markdown_section(priors: PriorsView) -> list[str]:
    """The table and the checks as Markdown lines, for a run's report."""
    lines = [_("## {table} at the priors' point values").format(table=paper.TABLE), "",
             _("| prompts / month | users | unit cost ($/prompt) | surplus ($/month) | the paper printed |"),
             "|---:|---:|---:|---:|---|"]
    for row in deterministic_table(priors):
        note = _("; ").join(mismatches(row)) or _("the same")
        lines.append(f"| {decimal(row.prompts)} | {decimal(row.users)} | "
                     f"{decimal(round_half_up(row.unit_cost_usd, 4), 4)} | {decimal(row.surplus_usd)} | {note} |")
    checks = consistency_checks(priors)
    lines += ["", _("### The paper's figures checked"), "",
              _("Computed at the priors' point values: {n} of {total} figures the paper states are inconsistent with "
                "its own model or sources.").format(n=sum(not c.consistent for c in checks), total=len(checks)), ""]
    consistent, inconsistent = _("consistent"), _("inconsistent")
    for check in sorted(checks, key=lambda c: c.consistent):  # the inconsistencies first
        lines.append(_("- **{title}** ({status}): {detail}").format(
            title=check.title, status=consistent if check.consistent else inconsistent, detail=check.detail))
    return [*lines, ""]
