"""Writing a run's report: the only layer that writes files.

A report is written whole into a temporary directory beside its target and moved into place
only when complete (:mod:`mcsim.report.writing`). This package's own import is light: the
figures' and data's libraries (matplotlib, xarray) load only when :func:`write_report`,
:func:`plan_figures`, :class:`replace_directory` or :func:`recover` is first asked for, so that
a command that writes no report (``mcsim table``, ``mcsim validate``) can use the report's words
on a model's publication (:mod:`mcsim.report.models`) without them.
"""

from __future__ import annotations

__all__ = ["plan_figures", "recover", "replace_directory", "write_report"]


def __getattr__(name: str):
    """``write_report`` and the rest of :mod:`mcsim.report.writing`, imported when first asked for."""
    if name in __all__:
        from mcsim.report import writing

        return getattr(writing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
