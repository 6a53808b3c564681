"""Priors files (``priors/*.toml``): loading, validation, and the frozen objects they become.

See DESIGN section 3.1 for the format. A file is validated whole: every problem is collected
and raised together as one :class:`~mcsim.inputs.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from mcsim.inputs.distributions import FAMILIES, Distribution, parse
from mcsim.inputs.errors import Problems, did_you_mean, is_number, show, unknown_keys
from mcsim.inputs.files import read_toml
from mcsim.models import Model, resolve

__all__ = ["Correlation", "Prior", "Priors", "check_against_model", "load_priors", "parse_prior"]

PRIOR_KEYS = ("label", "unit", "point", "dist", "source")
TOP_KEYS = ("meta", "inputs", "correlations")
META_KEYS = ("title", "reference", "description", "model")


@dataclass(frozen=True)
class Prior:
    """One uncertain input: its point value (the paper's), its distribution and its source."""

    name: str
    point: float
    distribution: Distribution
    source: str
    label: str = ""
    unit: str = ""

    @property
    def is_point(self) -> bool:
        return self.distribution.is_point


@dataclass(frozen=True)
class Correlation:
    """A target Spearman rank correlation between two inputs."""

    first: str
    second: str
    rank: float


@dataclass(frozen=True)
class Priors:
    """The priors of one file (after any overrides), in file order."""

    title: str
    reference: str
    file: str
    sha256: str
    inputs: tuple[Prior, ...]
    correlations: tuple[Correlation, ...] = ()
    model: str = ""  # the model the file is for ([meta] model, as written); "" when it names none

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(prior.name for prior in self.inputs)

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Names of the inputs that are not points, in file order: the sampled dimensions."""
        return tuple(prior.name for prior in self.inputs if not prior.is_point)

    def __getitem__(self, name: str) -> Prior:
        for prior in self.inputs:
            if prior.name == name:
                return prior
        raise KeyError(name)

    def points(self) -> dict[str, float]:
        return {prior.name: prior.point for prior in self.inputs}

    def with_overrides(self, overrides: Iterable[Prior]) -> Priors:
        """A copy where each override replaces the prior of the same name.

        Correlations that involve an input which became a point are dropped.
        """
        by_name = {prior.name: prior for prior in overrides}
        inputs = tuple(by_name.get(prior.name, prior) for prior in self.inputs)
        kept = {p.name for p in inputs if not p.is_point}
        correlations = tuple(c for c in self.correlations if c.first in kept and c.second in kept)
        return replace(self, inputs=inputs, correlations=correlations)

    def rank_correlation_matrix(self) -> np.ndarray:
        """The target rank-correlation matrix over :attr:`uncertain` (identity if none)."""
        names = self.uncertain
        matrix = np.eye(len(names))
        for c in self.correlations:
            i, j = names.index(c.first), names.index(c.second)
            matrix[i, j] = matrix[j, i] = c.rank
        return matrix


def parse_prior(name: str, table: Any, where: str, problems: Problems) -> Prior | None:
    """Build one :class:`Prior` from its table; record problems and return None if any."""
    if not isinstance(table, dict):
        problems.add(where, f"= {show(table)} is invalid: must be a table with point, dist, source")
        return None
    before = len(problems.items)
    family = table.get("dist")
    known = isinstance(family, str) and family in FAMILIES  # a list or table is not hashable
    allowed = PRIOR_KEYS + FAMILIES[family] if known else PRIOR_KEYS
    for key in table:
        if key not in allowed and (known or key not in _ALL_PARAMS):
            hint = did_you_mean(key, allowed)
            what = f"a parameter of {family}" if known else "a known key"
            problems.add(f"{where} {key}", f"is not {what}{hint} (allowed: {', '.join(allowed)})")
    for key in ("source", "label", "unit"):
        value = table.get(key)
        if key == "source" and value is None:
            problems.add(where, "is missing 'source': every prior must cite where its numbers come from")
        elif value is not None and not (isinstance(value, str) and value.strip()):
            problems.add(f"{where} {key}", f"= {show(value)} is invalid: must be a non-empty string")
    point = table.get("point")
    if point is None:
        problems.add(where, "is missing 'point' (the point estimate `mcsim table` uses)")
    elif not is_number(point) or not math.isfinite(point):
        problems.add(f"{where} point", f"= {show(point)} is invalid: must be a finite number")
        point = None
    distribution = parse(table, where, problems)
    if distribution is not None and point is not None:
        low, high = distribution.support
        if distribution.is_point:
            pass
        elif not low <= point <= high:
            problems.add(f"{where} point", f"= {show(point)} is invalid: it lies outside the support "
                         f"[{low:g}, {high:g}] of {distribution.describe()}")
    if len(problems.items) > before or distribution is None or point is None:
        return None
    return Prior(name=name, point=float(point), distribution=distribution,
                 source=table["source"].strip(), label=table.get("label", ""), unit=table.get("unit", ""))


_ALL_PARAMS = {key for keys in FAMILIES.values() for key in keys}


def load_priors(path: str | Path) -> Priors:
    """Load and validate a priors file.

    Parameters
    ----------
    path : str or Path
        A TOML file in the format of DESIGN section 3.1.

    Returns
    -------
    Priors
        Frozen, validated priors.

    Raises
    ------
    InputError
        Every problem in the file, one line each naming file, field, value and what is allowed.
    """
    file = str(path)
    content, sha256 = read_toml(path)
    problems = Problems(file)
    unknown_keys(content, TOP_KEYS, "", problems)
    meta = content.get("meta", {})
    if not isinstance(meta, dict):
        problems.add("[meta]", "must be a table")
        meta = {}
    unknown_keys(meta, META_KEYS, "[meta]", problems)
    for key, value in meta.items():
        if key in META_KEYS and not isinstance(value, str):
            problems.add(f"[meta] {key}", f"= {show(value)} is invalid: must be a string")
    model = meta.get("model", "")
    if isinstance(model, str) and "model" in meta:
        try:
            resolve(model, near=Path(file).parent)
        except LookupError as error:
            problems.add("[meta] model", f"= {show(model)} {error}")
    inputs_table = content.get("inputs")
    priors: list[Prior] = []
    if not isinstance(inputs_table, dict) or not inputs_table:
        problems.add("[inputs]", "is missing or empty: a priors file needs at least one [inputs.NAME] table")
    else:
        for name, table in inputs_table.items():
            prior = parse_prior(name, table, f"[inputs.{name}]", problems)
            if prior is not None:
                priors.append(prior)
    correlations = _parse_correlations(content.get("correlations", []),
                                       inputs_table if isinstance(inputs_table, dict) else {}, priors, problems)
    problems.raise_if_any()
    title = meta.get("title") if isinstance(meta.get("title"), str) else Path(file).stem
    return Priors(title=title, reference=meta.get("reference", ""), file=file, sha256=sha256,
                  inputs=tuple(priors), correlations=correlations, model=model)


def _parse_correlations(entries: Any, inputs_table: Mapping[str, Any], priors: list[Prior],
                        problems: Problems) -> tuple[Correlation, ...]:
    if not isinstance(entries, list):
        problems.add("[[correlations]]", "must be an array of tables ([[correlations]])")
        return ()
    result: list[Correlation] = []
    seen: set[frozenset[str]] = set()
    point_names = {p.name for p in priors if p.is_point}
    for index, entry in enumerate(entries, start=1):
        where = f"[[correlations]] #{index}"
        if not isinstance(entry, dict):
            problems.add(where, "must be a table with inputs and rank")
            continue
        unknown_keys(entry, ("inputs", "rank"), where, problems)
        names, rank = entry.get("inputs"), entry.get("rank")
        missing = [key for key in ("inputs", "rank") if key not in entry]
        ok = True
        if missing:
            problems.add(where, f"is missing {' and '.join(missing)}: a correlation needs inputs = [\"a\", \"b\"] "
                         "(two uncertain inputs) and rank = r, a Spearman rank correlation in (-1, 1)")
        if "inputs" in missing:
            ok = False
        elif not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
            problems.add(f"{where} inputs", f"= {show(names)} is invalid: must name two inputs")
            ok = False
        else:
            for name in names:
                if name not in inputs_table:
                    problems.add(f"{where} inputs", f'names "{name}", which is not an input'
                                 f"{did_you_mean(name, inputs_table)} (inputs: {', '.join(inputs_table)})")
                    ok = False
                elif name in point_names:
                    problems.add(f"{where} inputs", f'names "{name}", whose prior is a point: '
                                 "only uncertain inputs can be correlated")
                    ok = False
            if ok and names[0] == names[1]:
                problems.add(f"{where} inputs", f"= {show(names)} is invalid: two different inputs are needed")
                ok = False
            if ok and frozenset(names) in seen:
                problems.add(f"{where} inputs", f"= {show(names)} repeats an earlier pair")
                ok = False
        if "rank" in missing:
            ok = False
        elif not (is_number(rank) and -1.0 < rank < 1.0):
            problems.add(f"{where} rank", f"= {show(rank)} is invalid: must be a number in (-1, 1)")
            ok = False
        if ok:
            seen.add(frozenset(names))
            result.append(Correlation(names[0], names[1], float(rank)))
    if result and not problems:
        uncertain = tuple(p.name for p in priors if not p.is_point)
        trial = Priors("", "", "", "", tuple(priors), tuple(result))
        pearson = gaussian_copula_matrix(trial.rank_correlation_matrix())
        smallest = float(np.linalg.eigvalsh(pearson).min()) if uncertain else 1.0
        if smallest <= 1e-10:
            problems.add("[[correlations]]", "are inconsistent: the correlation matrix they make is not "
                         f"positive definite (smallest eigenvalue {smallest:.3g}); weaken some ranks")
    return tuple(result)


def gaussian_copula_matrix(rank_matrix: np.ndarray) -> np.ndarray:
    """Pearson correlations of the normal scores that give the requested Spearman ranks.

    For a bivariate normal, Spearman's rho = (6 / pi) arcsin(r / 2), so r = 2 sin(pi rho / 6)
    (Pearson, 1907; see Kruskal 1958, JASA 53:814).
    """
    return 2.0 * np.sin(np.pi * rank_matrix / 6.0)


def check_against_model(priors: Priors, model: Model, problems: Problems, *,
                        overrides: Problems | None = None, overridden: Iterable[str] = ()) -> None:
    """Record a problem for each input the model needs that is missing, unknown, or out of range.

    Problems with an input named in ``overridden`` go to ``overrides`` (the run file's problems,
    under ``[overrides.NAME]``); the others to ``problems`` (the priors file's).
    """
    overridden = set(overridden)
    names = priors.names
    for spec in model.inputs:
        if spec.name not in names:
            problems.add("[inputs]", f"is missing '{spec.name}' ({spec.unit}), an input of model {model.name}")
    for prior in priors.inputs:
        if prior.name in overridden and overrides is not None:
            into, where = overrides, f"[overrides.{prior.name}]"
        else:
            into, where = problems, f"[inputs.{prior.name}]"
        spec = next((s for s in model.inputs if s.name == prior.name), None)
        if spec is None:
            into.add(where, f"is not an input of model {model.name}{did_you_mean(prior.name, model.input_names)}"
                     f" (inputs: {', '.join(model.input_names)})")
        elif not spec.admits((prior.point, prior.point)):
            into.add(f"{where} point", f"= {prior.point:g} is invalid: {prior.name} must lie in {spec.allowed()}")
        elif not spec.admits(prior.distribution.support, prior.distribution.open_low):
            low, high = prior.distribution.support
            hint = "; truncate it with low/high" if prior.distribution.family == "normal" else ""
            into.add(f"{where} dist", f"= {prior.distribution.describe()} is invalid: it can draw values in "
                     f"[{low:g}, {high:g}] but {prior.name} must lie in {spec.allowed()}{hint}")
