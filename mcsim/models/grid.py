"""The grid a model's gridded outputs vary over: monthly users, months, or one a model declares.

A model declares its grid (:attr:`mcsim.models.Model.grid`); a run file gives the grid's values
under the grid's name (``[run] users = [...]``, ``[run] months = [...]``, ``[run] gpus = [...]``
for a model over a grid named ``gpus``), a claim on a gridded output names its point the same way
(``users = 5e7``, ``months = 24``), and the reports, the data's dimension and ``summary.json``
take their words and names from it. :data:`USERS` and :data:`MONTHS` are two such grids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mcsim.i18n import N_

__all__ = ["GRIDS", "MONTHS", "RESERVED", "USERS", "Grid", "declared"]

#: Keys a grid cannot be named: those of ``[run]`` and of a claim besides its grid point.
RESERVED = frozenset({"title", "title_fr", "priors", "model", "reference", "samples", "sampler", "seed",
                      "chunk_size", "keep_samples", "workers", "scheduler", "target_se", "name", "text", "text_fr",
                      "output", "op", "value", "reading", "factor", "low", "high", "cite", "sample"})
#: The words a grid gives its reports (English templates; ``{value}`` and ``{label}`` are filled in).
WORDS = ("label", "column", "at", "against")


@dataclass(frozen=True)
class Grid:
    """What a model's gridded outputs vary over.

    Attributes
    ----------
    name : str
        The key of the run file and of a claim (``users``, ``months``), and the name of the
        dimension in ``results.nc`` and ``summary.json``: a Python identifier.
    label : str
        The axis in words, in English: ``"monthly active users"``.
    default : tuple of float
        The grid of a run file that gives none: strictly increasing values the grid admits.
    log_scale : bool
        Whether the grid is drawn on a logarithmic axis (its values must then be > 0).
    low, high : float
        The values a grid may take; ``low_open``: ``low`` itself is not allowed.
    unit : str
        The values' unit (``results.nc``'s ``units``; ``"users"`` are counted in thousands and
        millions, ``"USD"`` in dollars, ``"share"`` in percent).
    column : str
        The grid as a table's column is headed (default: ``name``).
    at : str
        A point of the grid inside a sentence, with ``{value}``: ``"at {value} GPUs"`` (default:
        ``"at {name} = {value}"``).
    against : str
        An output drawn over the grid, with ``{label}``: ``"{label} against GPUs"`` (default:
        ``"{label} against <column>"``).
    french : dict of str
        The same words in French, by attribute name (``{"label": "nombre de GPU", "at": "à {value}
        GPU"}``); a word not given is the English one, translated if mcsim's catalogue has it.
    """

    name: str
    label: str
    default: tuple[float, ...]
    log_scale: bool = False
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    unit: str = ""
    column: str = ""
    at: str = ""
    against: str = ""
    french: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        problems = []
        if not (isinstance(self.name, str) and self.name.isidentifier()) or self.name in RESERVED:
            problems.append(f"name = {self.name!r} must be a Python identifier other than a run's or a claim's key "
                            f"({', '.join(sorted(RESERVED))})")
        if not (isinstance(self.label, str) and self.label.strip()):
            problems.append("label must be a non-empty string (the axis in words)")
        unknown = set(self.french) - set(WORDS) if isinstance(self.french, dict) else {"(not a dict)"}
        if unknown:
            problems.append(f"french has {', '.join(sorted(unknown))}: allowed keys are {', '.join(WORDS)}")
        for key, fields in (("at", "{value}"), ("against", "{label}")):
            for said in (getattr(self, key), self.french.get(key, "") if isinstance(self.french, dict) else ""):
                if said and fields not in said:
                    problems.append(f"{key} = {said!r} must hold {fields}")
        default = tuple(self.default) if isinstance(self.default, list | tuple) else ()
        admitted = all(isinstance(v, int | float) and self.admits(float(v)) for v in default)
        if not default or not admitted or sorted(set(default)) != list(default):
            problems.append(f"default = {self.default!r} must be a non-empty, strictly increasing list of "
                            f"{self.allowed()}")
        if self.log_scale and not (self.low > 0 or (self.low == 0 and self.low_open)):
            problems.append("log_scale needs values > 0: set low = 0 with low_open = True")
        if problems:
            raise ValueError(f"grid {self.name!r}: " + "; ".join(problems))
        object.__setattr__(self, "default", tuple(float(v) for v in default))
        object.__setattr__(self, "column", self.column or self.name)
        object.__setattr__(self, "at", self.at or f"at {self.name} = {{value}}")
        object.__setattr__(self, "against", self.against or f"{{label}} against {self.column}")
        if self.name not in _OWN or self.name not in _DECLARED:  # mcsim's own grids keep their words
            _DECLARED[self.name] = self

    def admits(self, value: float) -> bool:
        """Whether ``value`` may be a point of this grid."""
        above = value > self.low or (value == self.low and not self.low_open)
        return math.isfinite(value) and above and value <= self.high

    def allowed(self) -> str:
        """The values allowed, in words: 'numbers > 0', 'numbers from 0 to 120'."""
        if math.isinf(self.high):
            if math.isinf(self.low):
                return "finite numbers"
            return f"numbers {'>' if self.low_open else '>='} {self.low:g}"
        if math.isinf(self.low):
            return f"numbers <= {self.high:g}"
        return f"numbers from {self.low:g} to {self.high:g}"


#: Every grid declared so far, by name (the latest of a name): how a claim's grid name finds its words.
_DECLARED: dict[str, Grid] = {}
_OWN = ("users", "months")


def declared(name: str) -> Grid | None:
    """The grid declared under ``name`` (mcsim's or a model's), or None."""
    return _DECLARED.get(name)


#: Monthly active users: the grid of any model that declares none.
USERS = Grid("users", N_("monthly active users"), (1e4, 1e6, 1e7, 1e8, 1e9), log_scale=True, low=0.0, low_open=True,
             unit="users", column=N_("users"), at=N_("at {value} users"), against=N_("{label} against users"))
#: Months from now, up to ten years (the horizon of the IEA's projection the paper quotes).
MONTHS = Grid("months", N_("months"), (0.0, 6.0, 12.0, 24.0, 36.0, 60.0), low=0.0, high=120.0, unit="months",
              column=N_("months"), at=N_("at {value} months"), against=N_("{label} against months"))
#: mcsim's own grids, by name (a model may declare another).
GRIDS = {grid.name: grid for grid in (USERS, MONTHS)}
