"""The paper's figures on efficiency and its rebound, checked by arithmetic and at the priors' points.

Shown in the report, and by ``mcsim table``, for priors that say they reproduce them
(``[meta] reference`` = :data:`mcsim.models.dynamics.REBOUND`); :mod:`mcsim.models.dynamics.paper`
holds only what was printed.
"""

from __future__ import annotations

import math

from mcsim.i18n import _, decimal, general
from mcsim.models.base import PriorsView
from mcsim.models.dynamics import DYNAMICS, paper
from mcsim.models.grid import MONTHS
from mcsim.models.points import format_points

__all__ = ["REFERENCE", "consistency_checks", "format_checks", "format_table", "markdown_section"]

#: The publication these words are about, as the model holds it.
REFERENCE = DYNAMICS.references[0]


def consistency_checks(priors: PriorsView) -> list[tuple[str, bool, str]]:
    """``(title, consistent, detail)`` for each figure the paper states on efficiency and rebound."""
    points = priors.points()
    rate, years, multiple = paper.IEA_GROWTH_A_YEAR, paper.IEA_YEARS, paper.IEA_MULTIPLE
    grown = (1.0 + rate) ** years
    needed = multiple ** (1.0 / years) - 1.0
    checks = [(
        _("Growth of 5 % a year over 10 years"), math.isclose(grown, multiple, rel_tol=0.05),
        _("the paper says the IEA's growth of about 5 % a year over 10 years would triple consumption; "
          "1.05^10 = {grown}: it multiplies consumption by {grown}, and tripling it in 10 years takes "
          "{needed} % a year.").format(grown=decimal(grown, 2), needed=decimal(100 * needed, 1)))]
    g, r = points["user_growth"], points["request_growth"]
    usage = math.log1p(g) + math.log1p(r)
    if usage > 0:
        tipping = math.log(2.0) / usage
        checks.append((
            _("Halving every 8 months against the growth of use"), tipping >= paper.HALVING_MONTHS,
            _("at these points (users growing {g} % and the work per request {r} % a month) the energy grows "
              "unless it halves at least every {tipping} months; the paper's 8 months (Ho et al., 2024) "
              "{verdict}.").format(g=general(100 * g, 3), r=general(100 * r, 3), tipping=general(tipping, 3),
                                   verdict=_("outpaces the growth") if tipping >= paper.HALVING_MONTHS
                                   else _("does not keep up"))))
    return checks


def markdown_section(priors: PriorsView) -> list[str]:
    """The checks as Markdown lines, for a run's report."""
    checks = consistency_checks(priors)
    lines = ["## " + _("The paper's figures on efficiency and rebound checked"), "",
             _("{bad} of {total} figures the paper states are inconsistent with arithmetic or with these priors' "
               "point values.").format(bad=sum(not ok for _title, ok, _detail in checks), total=len(checks)), ""]
    for title, ok, detail in sorted(checks, key=lambda c: c[1]):
        lines.append(_("- **{title}** ({status}): {detail}").format(
            title=title, status=_("consistent") if ok else _("inconsistent"), detail=detail))
    return [*lines, ""]


def format_checks(points_table: str, priors: PriorsView) -> str:
    """``points_table`` (the model at the priors' points) and the checks, as plain text for ``mcsim table``."""
    lines = [points_table, "", _("Where the paper's figures on efficiency and rebound disagree:")]
    for number, (title, ok, detail) in enumerate(consistency_checks(priors), start=1):
        lines.append(f"{number}. {title} [{_('consistent') if ok else _('INCONSISTENT')}]: {detail}")
    return "\n".join(lines)


def format_table(priors: PriorsView) -> str:
    """What ``mcsim table`` prints for these priors: the model at their points over its default months, and
    the checks."""
    return format_checks(format_points(DYNAMICS, priors, MONTHS.default), priors)
