"""The report's words on the publications of the shipped models, and the fallback for any other model.

A model package holds its model and what its publication printed, as data (a
:class:`~mcsim.models.base.Reference`); what the report and ``mcsim table`` say of that publication
against the model at the priors' point values is here, one module per shipped model
(:mod:`.tableau1`, :mod:`.footprint`, :mod:`.dynamics`), found by the name of the publication.
Each applies only to its model's own :class:`~mcsim.models.base.Reference`: a model of one's own
with a publication of the same name gets none of it. Any other model gets its Reference's own
``section`` and ``table``, if it gives them, and otherwise nothing more than its published values
on the figures and the model at its points in ``mcsim table``.

Light to import: neither the figures' nor the data's libraries load here (``mcsim table``).
"""

from __future__ import annotations

from mcsim.models.base import PriorsView, Reference
from mcsim.report.models import dynamics, footprint, tableau1

__all__ = ["has_section", "section", "table"]

#: The module of words on each shipped model's publication, by the publication's name.
SHIPPED = {module.REFERENCE.name: module for module in (tableau1, footprint, dynamics)}


def _words(published: Reference):
    """The module of words on ``published`` if it is a shipped model's own publication, else None."""
    module = SHIPPED.get(published.name)
    return module if module is not None and published == module.REFERENCE else None


def has_section(published: Reference | None, priors: PriorsView) -> bool:
    """Whether a run's report has a section on ``published`` (see :func:`section`), without writing it: a shipped
    model's publication always has one."""
    if published is None:
        return False
    return _words(published) is not None or bool(published.section and published.section(priors))


def section(published: Reference | None, priors: PriorsView) -> list[str]:
    """The Markdown lines of a run's report on the publication the priors reproduce (none if none)."""
    if published is None:
        return []
    module = _words(published)
    if module is not None:
        return module.markdown_section(priors)
    return list(published.section(priors)) if published.section else []


def table(published: Reference | None, priors: PriorsView) -> str | None:
    """What ``mcsim table`` prints on the publication the priors reproduce, or None: the model at its points."""
    if published is None:
        return None
    module = _words(published)
    if module is not None:
        return module.format_table(priors)
    return published.table(priors) if published.table else None
