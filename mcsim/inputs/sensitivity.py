"""The ``[sensitivity]`` table of a run file: which outputs to analyse, and how.

Every key is validated and every problem recorded in the house style, e.g.::

    runs/x.toml: [sensitivity] tolerance = -1 is invalid: must be a number in (0, 1)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from mcsim.i18n import _
from mcsim.inputs.errors import Problems, did_you_mean, is_number, show, whole
from mcsim.inputs.tables import Table, check_fields, fields_of
from mcsim.models import Model

__all__ = ["NO_LONGER_USED", "SENSITIVITY_KEYS", "TRANSFORMS", "SensitivitySpec", "check_outputs", "check_sensitivity",
           "parse_sensitivity"]

SENSITIVITY_KEYS = ("outputs", "base_samples", "max_base_samples", "tolerance", "conf_level", "replicates", "bootstrap",
                    "second_order", "horizon_users", "transform", "claims", "crosscheck_samples", "shapley",
                    "shapley_samples")
TRANSFORMS = ("auto", "rank", "log10", "identity")
#: Keys a run file may still set that no longer do anything: accepted, and said so in the report
NO_LONGER_USED = {
    "horizon_users": "an output that can be infinite is analysed through its rank among the samples, which needs "
                     "no horizon; remove the key from the run file",
}
MAX_BASE = 1 << 24
MAX_BOOTSTRAP_VALUES = 1 << 32  # N x resamples: rows the bootstrap adds up, about a minute at the cap


@dataclass(frozen=True)
class SensitivitySpec:
    """What to analyse and how (DESIGN 3.2, ``[sensitivity]``).

    Parameters
    ----------
    outputs : tuple of str
        Outputs with one value per sample (not per user) whose variance is apportioned.
    base_samples : int
        Sobol base sample ``N`` of the first convergence step (a power of 2); SALib evaluates the
        model at ``N (D + 2)`` points, or ``N (2D + 2)`` with second-order indices.
    max_base_samples : int
        The convergence loop doubles ``N`` up to this cap (a power of 2 >= ``base_samples``).
    tolerance : float
        Stop doubling once the widest total-index interval (high minus low) is below this.
    conf_level : float
        Confidence level of the intervals.
    replicates : int
        Independently scrambled Saltelli samples the base sample is split into (a power of 2);
        the intervals are Student's t on the spread of their estimates, which hold the true
        index about as often as they say (:mod:`mcsim.analysis.sensitivity.sobol`). 1: one sample, with
        SALib's bootstrap intervals, which are far too wide on a Sobol design.
    bootstrap : int
        Bootstrap resamples of SALib's scheme, with ``replicates = 1``. Its intervals are z times the bootstrap standard
        deviation, for which 50 to 200 resamples suffice (Efron and Tibshirani 1993, section
        6.4); the bootstrap adds up ``N x bootstrap`` rows, hence :data:`MAX_BOOTSTRAP_VALUES`.
    second_order : bool
        Also estimate second-order indices S2 (more model evaluations).
    horizon_users : float or None
        No longer used (see :data:`NO_LONGER_USED`): accepted, and :attr:`notes` says so.
    transform : {"auto", "rank", "log10", "identity"}
        The target analysed: ``auto`` takes the rank (the empirical CDF over the samples) of an
        output with infinite values, log10 of an output the model draws on a log scale when every
        value is positive, the output itself otherwise.
    claims : bool
        Also analyse each claim's indicator (1 where the claim holds, 0 elsewhere).
    crosscheck_samples : int
        Size of the plain Monte Carlo sample for the Spearman, PAWN and Borgonovo cross-checks.
    shapley : bool
        Also estimate Shapley effects, which hold with correlated priors
        (:mod:`mcsim.analysis.sensitivity.shapley`).
    shapley_samples : int
        Their outer sample ``N_O`` (a power of 2); ``N_V = 2 N_O`` draws for the variance, ``N_I = 3``
        inner draws per outer draw, and ``8 N_O`` random permutations beyond 7 inputs.

    Raises
    ------
    InputError
        If a value is invalid, with the message a run file's ``[sensitivity]`` table would get.
        A value left at its default counts as not given, as a key a run file leaves out.
    """

    outputs: tuple[str, ...]
    base_samples: int = 8192
    max_base_samples: int | None = None  # None: base_samples, or 65536 if that is more
    tolerance: float = 0.05
    conf_level: float = 0.95
    replicates: int = 16
    bootstrap: int = 100
    second_order: bool = False
    horizon_users: float | None = None
    transform: str = "auto"
    claims: bool = True
    crosscheck_samples: int = 4096
    shapley: bool = True
    shapley_samples: int = 8192

    def __post_init__(self) -> None:
        given = {key: value for key, value in fields_of(self).items()
                 if key == "outputs" or value != _DEFAULT_FIELDS[key]}
        check_fields(lambda table: check_sensitivity(table, None), given, "[sensitivity]")
        if self.max_base_samples is None:
            object.__setattr__(self, "max_base_samples", max(int(self.base_samples), DEFAULT_MAX_BASE))
        for key in ("base_samples", "max_base_samples", "replicates", "bootstrap", "crosscheck_samples",
                    "shapley_samples"):
            object.__setattr__(self, key, int(getattr(self, key)))
        for key in ("tolerance", "conf_level"):
            object.__setattr__(self, key, float(getattr(self, key)))
        object.__setattr__(self, "outputs", tuple(self.outputs))

    @property
    def no_longer_used(self) -> tuple[str, ...]:
        """Keys of :data:`NO_LONGER_USED` that were given."""
        return tuple(key for key in NO_LONGER_USED if getattr(self, key) is not None)

    @property
    def notes(self) -> tuple[str, ...]:
        """One sentence per setting of the run file that no longer does anything (for reports and summary.json)."""
        return tuple(f"[sensitivity] {key} is no longer used: {NO_LONGER_USED[key]}" for key in self.no_longer_used)

    @property
    def intervals(self) -> str:
        """How the intervals are made, in words (for reports and summary.json)."""
        if self.replicates > 1:
            return _("Student's t over {r} independently scrambled replicates of N / {r} base points each: estimate "
                     "+/- t * sd / sqrt({r}) of the replicates' own estimates").format(r=self.replicates)
        return _("SALib's bootstrap, {resamples} resamples: estimate +/- z * bootstrap sd (too wide on a Sobol "
                 "design)").format(resamples=self.bootstrap)

    @property
    def resamples(self) -> str:
        """What the resamples behind the ranking's share are."""
        return _("{r} replicates").format(r=self.replicates) if self.replicates > 1 else _("bootstrap resamples")


DEFAULT_MAX_BASE = 65536
_DEFAULT_FIELDS = {field.name: field.default for field in dataclasses.fields(SensitivitySpec)}


def _power_of_two(value: Any, low: int) -> bool:
    return whole(value, low, MAX_BASE) and not int(value) & (int(value) - 1)


def parse_sensitivity(table: Any, model: Model | None, problems: Problems) -> SensitivitySpec | None:
    """Validate a run file's ``[sensitivity]`` table.

    Parameters
    ----------
    table : dict or None
        The table as read from TOML; None when the run file has none.
    model : Model or None
        The run's model, to check output names (None if it could not be resolved).
    problems : Problems
        Where every problem found is recorded.

    Returns
    -------
    SensitivitySpec or None
        None when there is no table or it has problems (they are in ``problems``).
    """
    if table is None:
        return None
    if not isinstance(table, dict):
        problems.add("[sensitivity]", "must be a table")
        return None
    read = Table(table, "[sensitivity]", problems)
    read.unknown_keys(SENSITIVITY_KEYS)
    check_sensitivity(read, model)
    return SensitivitySpec(**table) if read.ok else None


def check_sensitivity(table: Table, model: Model | None) -> None:
    """Check a ``[sensitivity]`` table (the keys it gives; the others take their defaults).

    ``model`` is the run's model, to check the outputs against; None to check only their names' form.
    """
    if check_outputs(table.get("outputs"), model, table.problems) is None:
        table.ok = False
    get = {key: table.get(key, _DEFAULT_FIELDS[key]) for key in SENSITIVITY_KEYS if key != "outputs"}
    base_ok = _power_of_two(get["base_samples"], 2)
    if not base_ok:
        table.invalid("base_samples", "must be a power of 2 from 2 to 2**24 (Sobol sequences keep their balance "
                      "only in powers of 2)")
    if get["max_base_samples"] is None:
        get["max_base_samples"] = max(int(get["base_samples"]), DEFAULT_MAX_BASE) if base_ok else DEFAULT_MAX_BASE
    elif not _power_of_two(get["max_base_samples"], 2):
        table.invalid("max_base_samples", "must be a power of 2 from 2 to 2**24")
    elif base_ok and int(get["max_base_samples"]) < int(get["base_samples"]):
        table.invalid("max_base_samples", f"must be >= base_samples = {int(get['base_samples'])}")
    for key in ("tolerance", "conf_level"):
        table.check(key not in table or (is_number(get[key]) and 0.0 < get[key] < 1.0), key,
                    "must be a number in (0, 1)")
    if "replicates" in table and not (_power_of_two(get["replicates"], 1) and int(get["replicates"]) <= 256):
        table.invalid("replicates", "must be a power of 2 from 1 to 256")
    elif _power_of_two(get["replicates"], 1) and base_ok and int(get["base_samples"]) < 2 * int(get["replicates"]):
        table.invalid("base_samples", f"must be at least 2 x replicates = {2 * int(get['replicates'])}: each of the "
                      "replicates gets base_samples / replicates base points")
    if "bootstrap" in table and not whole(get["bootstrap"], 10, 100_000):
        table.invalid("bootstrap", "must be a whole number of resamples from 10 to 100000")
    elif "bootstrap" in table and get["replicates"] != 1:
        table.invalid("bootstrap", f"has no effect with replicates = {show(get['replicates'])}: the intervals come "
                      "from the replicates; set replicates = 1 for SALib's bootstrap intervals")
    for key in ("second_order", "claims", "shapley"):
        table.check(key not in table or isinstance(get[key], bool), key, "must be true or false")
    transform = get["transform"]
    if transform not in TRANSFORMS:
        hint = did_you_mean(transform, TRANSFORMS) if isinstance(transform, str) else ""
        table.add("transform", f"= {show(transform)} is unknown{hint} (allowed: {', '.join(TRANSFORMS)})")
    if table.ok and get["replicates"] == 1 and int(get["max_base_samples"]) * int(get["bootstrap"]) > \
            MAX_BOOTSTRAP_VALUES:
        size = int(get["max_base_samples"]) * int(get["bootstrap"])
        table.add("max_base_samples", f"= {int(get['max_base_samples'])} with bootstrap = {int(get['bootstrap'])} "
                  f"is too large: the bootstrap adds up N x resamples = {size:,} rows; at most 2**32 = "
                  f"{MAX_BOOTSTRAP_VALUES:,} are allowed")
    table.check("crosscheck_samples" not in table or whole(get["crosscheck_samples"], 100, 1 << 22),
                "crosscheck_samples", "must be a whole number from 100 to 4194304")
    table.check("shapley_samples" not in table or (_power_of_two(get["shapley_samples"], 32) and
                                                    int(get["shapley_samples"]) <= 1 << 20),
                "shapley_samples", "must be a power of 2 from 32 to 1048576 (outer samples of the Shapley effects, "
                "split among 16 replicates)")


def check_outputs(outputs: Any, model: Model | None, problems: Problems) -> tuple[str, ...] | None:
    """Check ``[sensitivity] outputs``: outputs of ``model`` with one value per sample; None if they are not."""
    if not (isinstance(outputs, list | tuple) and outputs and all(isinstance(o, str) for o in outputs)):
        problems.add("[sensitivity] outputs", f"= {show(outputs)} is invalid: must be a list of output names")
        return None
    if len(set(outputs)) != len(outputs):
        problems.add("[sensitivity] outputs", f"= {show(outputs)} is invalid: names an output twice")
        return None
    ok = True
    if model is not None:
        for name in outputs:
            if name not in model.output_names:
                problems.add("[sensitivity] outputs", f'names "{name}", not an output of model {model.name}'
                             f"{did_you_mean(name, model.output_names)} (outputs: {', '.join(model.output_names)})")
                ok = False
            elif model.output(name).per_user:
                problems.add("[sensitivity] outputs", f'names "{name}", which varies with {model.grid.name}: '
                             "only outputs with one value per sample are analysed")
                ok = False
    return tuple(outputs) if ok else None
