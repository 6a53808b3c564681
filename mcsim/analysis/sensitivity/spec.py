"""The ``[sensitivity]`` table of a run file: which outputs to analyse, and how.

Every key is validated and every problem recorded in the house style, e.g.::

    runs/x.toml: [sensitivity] tolerance = -1 is invalid: must be a number in (0, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mcsim.inputs.errors import Problems, did_you_mean, is_number, show, unknown_keys, whole
from mcsim.models import Model

__all__ = ["SENSITIVITY_KEYS", "TRANSFORMS", "SensitivitySpec", "check_outputs", "parse_sensitivity"]

SENSITIVITY_KEYS = ("outputs", "base_samples", "max_base_samples", "tolerance", "conf_level", "replicates", "bootstrap",
                    "second_order", "horizon_users", "transform", "claims", "crosscheck_samples")
TRANSFORMS = ("auto", "log10", "identity")
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
    horizon_users : float
        Cap for outputs counted in users: values above it, and infinite ones (never reached), are
        set to it before analysis, so that the target is finite and its share of capped samples
        is reported.
    transform : {"auto", "log10", "identity"}
        The target analysed: ``auto`` takes log10 of outputs the model draws on a log scale when
        every (capped) value is positive, the output itself otherwise.
    claims : bool
        Also analyse each claim's indicator (1 where the claim holds, 0 elsewhere).
    crosscheck_samples : int
        Size of the plain Monte Carlo sample for the Spearman and PAWN cross-checks.
    """

    outputs: tuple[str, ...]
    base_samples: int = 8192
    max_base_samples: int = 65536
    tolerance: float = 0.05
    conf_level: float = 0.95
    replicates: int = 16
    bootstrap: int = 100
    second_order: bool = False
    horizon_users: float = 1e10
    transform: str = "auto"
    claims: bool = True
    crosscheck_samples: int = 4096


    @property
    def intervals(self) -> str:
        """How the intervals are made, in words (for reports and summary.json)."""
        if self.replicates > 1:
            return (f"Student's t over {self.replicates} independently scrambled replicates of N / "
                    f"{self.replicates} base points each: estimate +/- t * sd / sqrt({self.replicates}) of the "
                    "replicates' own estimates")
        return (f"SALib's bootstrap, {self.bootstrap} resamples: estimate +/- z * bootstrap sd (too wide on a "
                "Sobol design)")

    @property
    def resamples(self) -> str:
        """What the resamples behind the ranking's share are."""
        return f"{self.replicates} replicates" if self.replicates > 1 else "bootstrap resamples"


_DEFAULTS = SensitivitySpec(outputs=())


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
    before = len(problems.items)
    unknown_keys(table, SENSITIVITY_KEYS, "[sensitivity]", problems)
    outputs = check_outputs(table.get("outputs"), model, problems)

    def bad(key: str, allowed: str) -> None:
        problems.add(f"[sensitivity] {key}", f"= {show(table[key])} is invalid: {allowed}")

    get = {key: table.get(key, getattr(_DEFAULTS, key)) for key in SENSITIVITY_KEYS if key != "outputs"}
    if not _power_of_two(get["base_samples"], 2):
        bad("base_samples", "must be a power of 2 from 2 to 2**24 (Sobol sequences keep their balance only "
            "in powers of 2)")
    if "max_base_samples" not in table and _power_of_two(get["base_samples"], 2):
        get["max_base_samples"] = max(int(get["base_samples"]), _DEFAULTS.max_base_samples)
    if "max_base_samples" in table:
        if not _power_of_two(get["max_base_samples"], 2):
            bad("max_base_samples", "must be a power of 2 from 2 to 2**24")
        elif _power_of_two(get["base_samples"], 2) and int(get["max_base_samples"]) < int(get["base_samples"]):
            bad("max_base_samples", f"must be >= base_samples = {int(get['base_samples'])}")
    for key in ("tolerance", "conf_level"):
        value = get[key]
        if key in table and not (is_number(value) and 0.0 < value < 1.0):
            bad(key, "must be a number in (0, 1)")
    if "replicates" in table and not (_power_of_two(get["replicates"], 1) and int(get["replicates"]) <= 256):
        bad("replicates", "must be a power of 2 from 1 to 256")
    elif _power_of_two(get["replicates"], 1) and _power_of_two(get["base_samples"], 2) \
            and int(get["base_samples"]) < 2 * int(get["replicates"]):
        bad("base_samples", f"must be at least 2 x replicates = {2 * int(get['replicates'])}: each of the "
            "replicates gets base_samples / replicates base points")
    if "bootstrap" in table and not whole(get["bootstrap"], 10, 100_000):
        bad("bootstrap", "must be a whole number of resamples from 10 to 100000")
    elif "bootstrap" in table and get["replicates"] != 1:
        bad("bootstrap", f"has no effect with replicates = {show(get['replicates'])}: the intervals come from the "
            "replicates; set replicates = 1 for SALib's bootstrap intervals")
    for key in ("second_order", "claims"):
        if key in table and not isinstance(get[key], bool):
            bad(key, "must be true or false")
    horizon = get["horizon_users"]
    if "horizon_users" in table and not (is_number(horizon) and math.isfinite(horizon) and horizon > 0):
        bad("horizon_users", "must be a finite number of users > 0")
    transform = get["transform"]
    if transform not in TRANSFORMS:
        hint = did_you_mean(transform, TRANSFORMS) if isinstance(transform, str) else ""
        problems.add("[sensitivity] transform", f"= {show(transform)} is unknown{hint} "
                     f"(allowed: {', '.join(TRANSFORMS)})")
    if not problems.items[before:] and get["replicates"] == 1 \
            and int(get["max_base_samples"]) * int(get["bootstrap"]) > MAX_BOOTSTRAP_VALUES:
        size = int(get["max_base_samples"]) * int(get["bootstrap"])
        problems.add("[sensitivity] max_base_samples", f"= {int(get['max_base_samples'])} with bootstrap = "
                     f"{int(get['bootstrap'])} is too large: the bootstrap adds up N x resamples = {size:,} rows; "
                     f"at most 2**32 = {MAX_BOOTSTRAP_VALUES:,} are allowed")
    if "crosscheck_samples" in table and not whole(get["crosscheck_samples"], 100, 1 << 22):
        bad("crosscheck_samples", "must be a whole number from 100 to 4194304")
    if len(problems.items) > before or outputs is None:
        return None
    return SensitivitySpec(
        outputs=outputs, base_samples=int(get["base_samples"]), max_base_samples=int(get["max_base_samples"]),
        tolerance=float(get["tolerance"]), conf_level=float(get["conf_level"]),
        replicates=int(get["replicates"]), bootstrap=int(get["bootstrap"]),
        second_order=get["second_order"], horizon_users=float(horizon), transform=transform,
        claims=get["claims"], crosscheck_samples=int(get["crosscheck_samples"]))


def check_outputs(outputs: Any, model: Model | None, problems: Problems) -> tuple[str, ...] | None:
    """Check ``[sensitivity] outputs``: outputs of ``model`` with one value per sample; None if they are not."""
    if not (isinstance(outputs, list) and outputs and all(isinstance(o, str) for o in outputs)):
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
                problems.add("[sensitivity] outputs", f'names "{name}", which varies with users: '
                             "only outputs with one value per sample are analysed")
                ok = False
    return tuple(outputs) if ok else None
