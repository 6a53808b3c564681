"""Priors files (``priors/*.toml``): loading, validation, and the frozen objects they become.

The format is in docs/reference/files.md ("Priors files"). A file is validated whole: every problem is collected
and raised together as one :class:`~mcsim.inputs.errors.InputError`. A :class:`Prior`,
:class:`Correlation` or :class:`Priors` built in Python goes through the same checks (the
``check_*`` functions below) and is refused with the same messages.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from mcsim.inputs.bibliography import Bibliography
from mcsim.inputs.citations import check_cite, check_label_fr, cite_keys, find_bibliography, resolve_cites
from mcsim.inputs.distributions import FAMILIES, Distribution, parse
from mcsim.inputs.errors import PYTHON, Problems, did_you_mean, is_number, show, unknown_keys
from mcsim.inputs.files import read_toml
from mcsim.inputs.tables import Table, check_fields, fields_of
from mcsim.models import Model, resolve

__all__ = ["Correlation", "Prior", "Priors", "check_against_model", "check_correlation", "check_correlation_inputs",
           "check_correlation_matrix", "check_meta", "check_positive_definite", "check_prior", "load_priors",
           "nearest_correlation", "nearest_valid_ranks", "override_prior", "parse_prior"]

PRIOR_KEYS = ("label", "label_fr", "unit", "point", "dist", "source", "cite")
TOP_KEYS = ("meta", "inputs", "correlations", "correlation_matrix")
MATRIX = "[correlation_matrix]"
META_KEYS = ("title", "reference", "description", "model", "bibliography", "cite")


@dataclass(frozen=True)
class Prior:
    """One uncertain input: its point value (e.g. a publication's), its distribution and its source.

    Built in Python, it is checked as an ``[inputs.NAME]`` table of a priors file is::

        >>> Prior("price", 40.0, Uniform(0, 25), source="OpenAI's pricing page")
        Traceback (most recent call last):
        ...
        mcsim.inputs.errors.InputError: <python>: [inputs.price] point = 40 is invalid: it lies outside the \
support [0, 25] of uniform(0, 25)
    """

    name: str
    point: float
    distribution: Distribution
    source: str
    label: str = ""
    unit: str = ""
    label_fr: str | None = None  # the label in French, for reports written in French
    cite: tuple[str, ...] = ()  # keys of the priors' bibliography that ``source`` quotes

    def __post_init__(self) -> None:
        def check(prior: Table) -> None:
            if not (isinstance(self.name, str) and self.name):
                prior.invalid("name", "must be the name of an input")
            if not isinstance(self.distribution, Distribution):
                prior.add("dist", f"= {show(self.distribution)} is invalid: must be a distribution of "
                          "mcsim.inputs.distributions")
            check_prior(prior, self.distribution if isinstance(self.distribution, Distribution) else None)

        check_fields(check, fields_of(self), f"[inputs.{self.name}]")
        object.__setattr__(self, "point", float(self.point))
        object.__setattr__(self, "source", self.source.strip())
        object.__setattr__(self, "cite", cite_keys(self.cite))

    @property
    def is_point(self) -> bool:
        return self.distribution.is_point


@dataclass(frozen=True)
class Correlation:
    """A target Spearman rank correlation between two inputs (a ``[[correlations]]`` table)."""

    first: str
    second: str
    rank: float

    def __post_init__(self) -> None:
        check_fields(check_correlation, self.table(), "[[correlations]]")
        object.__setattr__(self, "rank", float(self.rank))

    def table(self) -> dict[str, Any]:
        """The correlation as a priors file's ``[[correlations]]`` table gives it."""
        return {"inputs": [self.first, self.second], "rank": self.rank}


@dataclass(frozen=True, kw_only=True)
class Priors:
    """The priors of one file (after any overrides), in file order.

    Built in Python (``Priors(inputs=(...), correlations=(...))``), they are checked as a priors
    file is; their problems name :attr:`file`.
    """

    title: str = ""
    reference: str = ""
    file: str = PYTHON
    sha256: str = ""
    inputs: tuple[Prior, ...]
    correlations: tuple[Correlation, ...] = ()
    model: str = ""  # the model the file is for ([meta] model, as written); "" when it names none
    bibliography: Bibliography | None = None  # the .bib file the priors' cite keys name
    cite: tuple[str, ...] = ()  # [meta] cite: keys of the publication the priors reproduce

    def __post_init__(self) -> None:
        problems = Problems(self.file)
        check_meta(Table({"title": self.title, "reference": self.reference, "model": self.model, "cite": self.cite},
                         "[meta]", problems), Path(self.file).parent)
        _check_inputs(self.inputs, problems)
        _check_correlations(self.correlations, self.inputs, problems)
        if not problems:
            resolve_cites(self._citing(), self.bibliography, problems)
        problems.raise_if_any()
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "correlations", tuple(self.correlations))
        object.__setattr__(self, "cite", cite_keys(self.cite))

    def _citing(self) -> list[tuple[str, tuple[str, ...]]]:
        """(field, keys) of every ``cite``: ``[meta]``'s, then each input's."""
        return [("[meta] cite", cite_keys(self.cite))] + [(f"[inputs.{p.name}] cite", p.cite) for p in self.inputs]

    @property
    def cited(self) -> tuple[str, ...]:
        """Every key the priors cite, once each, in the order they are first cited."""
        return tuple(dict.fromkeys(key for _, keys in self._citing() for key in keys))

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

    def with_units(self, units: Mapping[str, str]) -> Priors:
        """A copy where each prior that gives no unit takes ``units[name]`` (the model's, say)."""
        inputs = tuple(replace(p, unit=units[p.name]) if not p.unit and units.get(p.name) else p for p in self.inputs)
        return self if inputs == self.inputs else replace(self, inputs=inputs)

    def rank_correlation_matrix(self) -> np.ndarray:
        """The target rank-correlation matrix over :attr:`uncertain` (identity if none)."""
        return _rank_matrix(self.uncertain, self.correlations)


def _rank_matrix(names: Sequence[str], correlations: Iterable[Correlation]) -> np.ndarray:
    matrix = np.eye(len(names))
    for c in correlations:
        i, j = names.index(c.first), names.index(c.second)
        matrix[i, j] = matrix[j, i] = c.rank
    return matrix


# ---------------------------------------------------------------------------------------------
# The checks, each in one place: a priors file's tables and objects built in Python reach them alike.

NO_INPUTS = "is missing or empty: a priors file needs at least one [inputs.NAME] table"


def check_meta(meta: Table, folder: Path) -> None:
    """Check ``[meta]``: its values are strings, and the model it names (if any) resolves from ``folder``."""
    for key in META_KEYS:
        if key != "cite" and key in meta and not isinstance(meta.get(key), str):
            meta.invalid(key, "must be a string")
    check_cite(meta)
    model = meta.get("model", "")
    if isinstance(model, str) and model:
        try:
            resolve(model, near=folder)
        except LookupError as error:
            meta.add("model", f"= {show(model)} {error}")


def check_prior(prior: Table, distribution: Distribution | None) -> None:
    """Check a prior's source, label, unit and point, and that the point lies in ``distribution``'s support.

    ``distribution`` is None when it is invalid (and reported).
    """
    source = prior.get("source")
    if source is None:
        prior.add(None, "is missing 'source': every prior must cite where its numbers come from")
    elif not (isinstance(source, str) and source.strip()):
        prior.invalid("source", "must be a non-empty string")
    prior.text("label")
    prior.text("unit")
    check_label_fr(prior)
    check_cite(prior)
    point = prior.get("point")
    if point is None:
        prior.add(None, "is missing 'point' (the point estimate `mcsim table` uses)")
    elif not is_number(point) or not math.isfinite(point):
        prior.invalid("point", "must be a finite number")
    elif distribution is not None:
        low, high = distribution.support
        if not low <= point <= high:
            prior.invalid("point", f"it lies outside the support [{low:g}, {high:g}] of {distribution.describe()}")


def check_correlation(entry: Table) -> None:
    """Check a correlation on its own: two different inputs, and a rank in (-1, 1)."""
    missing = [key for key in ("inputs", "rank") if key not in entry]
    if missing:
        entry.add(None, f"is missing {' and '.join(missing)}: a correlation needs inputs = [\"a\", \"b\"] "
                  "(two uncertain inputs) and rank = r, a Spearman rank correlation in (-1, 1)")
    names, rank = entry.get("inputs"), entry.get("rank")
    if "inputs" in missing:
        pass
    elif not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        entry.invalid("inputs", "must name two inputs")
    elif names[0] == names[1]:
        entry.invalid("inputs", "two different inputs are needed")
    if "rank" not in missing and not (is_number(rank) and -1.0 < rank < 1.0):
        entry.invalid("rank", "must be a number in (-1, 1)")


def check_correlation_inputs(entry: Table, inputs: Collection[str], points: Collection[str],
                             seen: set[frozenset[str]]) -> None:
    """Check that a correlation names two uncertain inputs of ``inputs``, a pair not in ``seen`` (it is added)."""
    names = entry.get("inputs")
    if not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        return  # check_correlation says so
    known = True
    for name in names:
        if name not in inputs:
            entry.add("inputs", f'names "{name}", which is not an input{did_you_mean(name, inputs)} '
                      f"(inputs: {', '.join(inputs)})")
            known = False
        elif name in points:
            entry.add("inputs", f'names "{name}", whose prior is a point: only uncertain inputs can be correlated')
            known = False
    if known and names[0] != names[1]:
        if frozenset(names) in seen:
            entry.invalid("inputs", "repeats an earlier pair").__class__  # noqa: B018
        seen.add(frozenset(names))


def check_positive_definite(inputs: Sequence[Prior], correlations: Sequence[Correlation], problems: Problems,
                            field: str = "[[correlations]]") -> None:
    """Check that the correlations make a valid correlation matrix of the uncertain inputs.

    An invalid one is refused, never repaired: the message gives the nearest valid matrix (of the
    inputs the correlations name) as a ``[correlation_matrix]`` to paste in place of them.
    """
    uncertain = [p.name for p in inputs if not p.is_point]
    if not correlations or not uncertain:
        return
    pearson = gaussian_copula_matrix(_rank_matrix(uncertain, correlations))
    smallest = float(np.linalg.eigvalsh(pearson).min())
    if smallest <= 1e-10:
        named = list(dict.fromkeys(n for c in correlations for n in (c.first, c.second)))  # a matrix's own order
        suggestion = nearest_valid_ranks(_rank_matrix(named, correlations))
        subject = "are inconsistent: the correlation matrix they make is" if field == "[[correlations]]" else "is"
        problems.add(field, f"{subject} not positive definite (smallest eigenvalue {smallest:.3g} of the normal "
                     "scores' correlations); mcsim does not repair it. The nearest valid matrix (Higham's "
                     "nearest correlation matrix of the normal scores, its eigenvalues held at 1e-4 or more, "
                     "given back as ranks), to put at the top of the file, before its first table, in place of "
                     f"these correlations: {_matrix_toml(named, suggestion)}")


def nearest_valid_ranks(rank: np.ndarray) -> np.ndarray:
    """The nearest valid rank-correlation matrix to ``rank``, rounded to 4 decimals and positive definite.

    Higham's alternating projections (with Dykstra's correction) find the nearest correlation
    matrix to the normal scores' Pearson correlations, its eigenvalues held at least at a floor;
    the result goes back to Spearman ranks and is rounded; a floor too small for the rounding is
    raised until the rounded matrix is still positive definite.

    References
    ----------
    Higham, N. J. (2002). Computing the nearest correlation matrix: a problem from finance. IMA
    Journal of Numerical Analysis 22(3), 329-343.
    """
    target = gaussian_copula_matrix(rank)
    for floor in (1e-4, 1e-3, 1e-2, 5e-2):
        y = nearest_correlation(target, floor)
        ranks = np.round(6.0 / np.pi * np.arcsin(np.clip(y, -1.0, 1.0) / 2.0), 4)
        np.fill_diagonal(ranks, 1.0)
        if np.linalg.eigvalsh(gaussian_copula_matrix(ranks)).min() > 1e-10:
            return ranks
    return np.eye(len(rank))  # independence is always valid


def nearest_correlation(a: np.ndarray, floor: float = 0.0, *, iterations: int = 2000) -> np.ndarray:
    """The correlation matrix nearest to the symmetric ``a`` (Frobenius norm), its eigenvalues at least ``floor``.

    Higham's (2002) alternating projections onto the positive semidefinite matrices (eigenvalues
    clipped at ``floor``) and the matrices of unit diagonal, with Dykstra's correction.
    """
    y, correction = np.array(a, dtype=float), np.zeros_like(a, dtype=float)
    for _ in range(iterations):
        r = y - correction
        values, vectors = np.linalg.eigh(r)
        x = (vectors * np.maximum(values, floor)) @ vectors.T
        correction = x - r
        previous, y = y, x.copy()
        np.fill_diagonal(y, 1.0)
        if np.abs(y - previous).max() < 1e-13:
            break
    return y


def _matrix_toml(names: Sequence[str], ranks: np.ndarray) -> str:
    """The matrix as one line of TOML: ``correlation_matrix = {inputs = [...], rank = [[...], ...]}``.

    An inline table is a ``[correlation_matrix]`` table written on one line, as a message's line must be.
    """
    rows = ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in ranks)
    return "correlation_matrix = {inputs = [" + ", ".join(f'"{n}"' for n in names) + f"], rank = [{rows}]}}"


def check_correlation_matrix(matrix: Table, inputs: Collection[str], points: Collection[str]) -> list[Correlation]:
    """Check a ``[correlation_matrix]`` (inputs and a full symmetric rank matrix) and return its pairs."""
    matrix.unknown_keys(("inputs", "rank"))
    names, rank = matrix.get("inputs"), matrix.get("rank")
    for key in ("inputs", "rank"):
        if key not in matrix:
            matrix.add(None, f"is missing '{key}': a correlation matrix needs inputs = [\"a\", \"b\", ...] "
                       "(uncertain inputs) and rank = [[1, r], [r, 1]], their Spearman rank correlations")
    if not matrix.ok:
        return []
    if not (isinstance(names, list) and len(names) >= 2 and all(isinstance(n, str) for n in names)):
        matrix.invalid("inputs", "must name two or more inputs")
        return []
    if len(set(names)) < len(names):
        matrix.invalid("inputs", "names an input twice")
    for name in names:
        if name not in inputs:
            matrix.add("inputs", f'names "{name}", which is not an input{did_you_mean(name, inputs)} '
                       f"(inputs: {', '.join(inputs)})")
        elif name in points:
            matrix.add("inputs", f'names "{name}", whose prior is a point: only uncertain inputs can be correlated')
    n = len(names)
    square = isinstance(rank, list) and len(rank) == n and all(isinstance(row, list) and len(row) == n
                                                                 for row in rank)
    if not square or not all(is_number(v) and math.isfinite(v) for row in rank for v in row):
        matrix.invalid("rank", f"must be {n} rows of {n} finite numbers, one row and one column per input")
        return []
    values = np.array(rank, dtype=float)
    if not np.all(np.diag(values) == 1.0):
        matrix.invalid("rank", "must have ones on its diagonal (each input with itself)")
    elif not np.array_equal(values, values.T):
        i, j = np.argwhere(values != values.T)[0]
        matrix.invalid("rank", f"must be symmetric: row {i + 1}, column {j + 1} is {values[i, j]:g} but row "
                       f"{j + 1}, column {i + 1} is {values[j, i]:g}")
    elif not np.all(np.abs(values[~np.eye(n, dtype=bool)]) < 1.0):
        matrix.invalid("rank", "must hold numbers in (-1, 1) off its diagonal")
    if not matrix.ok:
        return []
    return [Correlation(names[i], names[j], values[i, j]) for i in range(n) for j in range(i + 1, n)]


def _check_inputs(inputs: Sequence[Any], problems: Problems) -> None:
    """Check the priors of a :class:`Priors` built in Python: at least one, each a Prior, each name once."""
    if not inputs:
        problems.add("[inputs]", NO_INPUTS)
    names: set[str] = set()
    for index, prior in enumerate(inputs, start=1):
        if not isinstance(prior, Prior):
            problems.add(f"[inputs] #{index}", f"= {show(prior)} is invalid: must be a Prior")
        elif prior.name in names:
            problems.add(f"[inputs.{prior.name}]", "repeats an earlier input's name")
        else:
            names.add(prior.name)


def _check_correlations(correlations: Sequence[Any], inputs: Sequence[Any], problems: Problems) -> None:
    """Check the correlations of a :class:`Priors` built in Python against its inputs."""
    priors = [p for p in inputs if isinstance(p, Prior)]
    names, points = list(dict.fromkeys(p.name for p in priors)), {p.name for p in priors if p.is_point}
    seen: set[frozenset[str]] = set()
    for index, correlation in enumerate(correlations, start=1):
        where = f"[[correlations]] #{index}"
        if not isinstance(correlation, Correlation):
            problems.add(where, f"= {show(correlation)} is invalid: must be a Correlation")
        else:
            check_correlation_inputs(Table(correlation.table(), where, problems), names, points, seen)
    if not problems:
        check_positive_definite(priors, correlations, problems)


# ---------------------------------------------------------------------------------------------
# Reading a priors file.


def parse_prior(name: str, table: Any, where: str, problems: Problems) -> Prior | None:
    """Build one :class:`Prior` from its table; record problems and return None if any."""
    if not isinstance(table, dict):
        problems.add(where, f"= {show(table)} is invalid: must be a table with point, dist, source")
        return None
    prior = Table(table, where, problems)
    _unknown_prior_keys(prior)
    distribution = parse(table, where, problems)
    check_prior(prior, distribution)
    if distribution is None or not prior.ok:
        return None
    return Prior(name=name, point=table["point"], distribution=distribution, source=table["source"],
                 label=table.get("label", ""), unit=table.get("unit", ""), label_fr=table.get("label_fr"),
                 cite=cite_keys(table.get("cite", ())))


_ALL_PARAMS = {key for keys in FAMILIES.values() for key in keys}


def override_prior(prior: Prior | None, table: Any, where: str, problems: Problems, *,
                   bibliography: Bibliography | None = None) -> Prior | None:
    """``prior`` as a run file's ``[overrides.NAME]`` table changes it: only what the table names.

    ``point`` alone moves the point (a point prior's value with it) and keeps the distribution;
    ``dist`` with its family's parameters replaces the distribution and keeps the point (``dist =
    "point"`` alone makes the prior its point); ``source``, ``label``, ``label_fr``, ``unit`` and
    ``cite`` replace theirs; a new ``source`` without a ``cite`` drops the prior's ``cite`` (its
    keys were for the old source). The result is checked as a priors file's table is (the point
    in the support, ...), its ``cite`` keys against ``bibliography`` (the priors' own).

    Returns
    -------
    Prior or None
        None when the table has problems (recorded), or when ``prior`` is None (an input the
        priors file does not have, or priors that did not load): then only its keys are checked.
    """
    if not isinstance(table, dict):
        problems.add(where, f"= {show(table)} is invalid: must be a table of what the override changes "
                     f"({', '.join(PRIOR_KEYS)} and the parameters of dist)")
        return None
    override = Table(table, where, problems)
    _unknown_prior_keys(override)
    if "dist" not in table:
        for key in table:
            if key in _ALL_PARAMS:
                override.add(key, "is not allowed without dist: it is a parameter of a distribution, and an "
                             "override keeps the prior's distribution unless it names dist, with that family's "
                             "parameters")
    if prior is None or not override.ok:
        return None
    cite = () if "source" in table else prior.cite
    merged = Table({"point": prior.point, "source": prior.source, "label": prior.label, "unit": prior.unit,
                    "label_fr": prior.label_fr, "cite": cite, **table}, where, problems)
    if "dist" in table:
        distribution = parse(merged.values, where, problems)
    elif prior.is_point and "point" in table:
        distribution = parse({"dist": "point", "point": table["point"]}, where, problems)
    else:
        distribution = prior.distribution
    check_prior(merged, distribution)
    if merged.ok and "cite" in table:
        before = len(problems.items)
        resolve_cites([(f"{where} cite", cite_keys(table["cite"]))], bibliography, problems,
                      missing=" to resolve it (see the priors file's [meta] bibliography)")
        merged.ok = len(problems.items) == before
    if distribution is None or not merged.ok:
        return None
    return Prior(name=prior.name, point=merged.get("point"), distribution=distribution, source=merged.get("source"),
                 label=merged.get("label"), unit=merged.get("unit"), label_fr=merged.get("label_fr"),
                 cite=cite_keys(merged.get("cite")))


def _unknown_prior_keys(prior: Table) -> None:
    """Record each key that is not a prior's, nor a parameter of its family (of any family if that is unknown)."""
    family = prior.get("dist")
    known = isinstance(family, str) and family in FAMILIES  # a list or table is not hashable
    allowed = PRIOR_KEYS + FAMILIES[family] if known else PRIOR_KEYS
    for key in prior.values:
        if key not in allowed and (known or key not in _ALL_PARAMS):
            what = f"a parameter of {family}" if known else "a known key"
            prior.add(key, f"is not {what}{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)})")


def load_priors(path: str | Path) -> Priors:
    """Load and validate a priors file.

    Parameters
    ----------
    path : str or Path
        A TOML priors file (see docs/reference/files.md).

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
    meta = _parse_meta(content.get("meta", {}), Path(file).parent, problems)
    inputs_table = content.get("inputs")
    priors: list[Prior] = []
    if not isinstance(inputs_table, dict) or not inputs_table:
        problems.add("[inputs]", NO_INPUTS)
        inputs_table = {}
    for name, table in inputs_table.items():
        prior = parse_prior(name, table, f"[inputs.{name}]", problems)
        if prior is not None:
            priors.append(prior)
    correlations = _parse_correlations(content.get("correlations", []), list(inputs_table), priors, problems)
    correlations += _parse_matrix(content.get("correlation_matrix"), list(inputs_table), priors, correlations,
                                  problems)
    if correlations and not problems:
        check_positive_definite(priors, correlations, problems,
                                f"{MATRIX} rank" if "correlation_matrix" in content else "[[correlations]]")
    problems.raise_if_any()
    citing = [("[meta] cite", cite_keys(meta.get("cite", ())))] + [(f"[inputs.{p.name}] cite", p.cite) for p in priors]
    before = len(problems.items)
    bibliography = find_bibliography(Path(file), meta.get("bibliography"), citing, problems)
    if len(problems.items) == before:  # a bibliography that cannot be read is one problem, not one per key
        resolve_cites(citing, bibliography, problems)
    problems.raise_if_any()
    title = meta.get("title") if isinstance(meta.get("title"), str) else Path(file).stem
    return Priors(title=title, reference=meta.get("reference", ""), file=file, sha256=sha256,
                  inputs=tuple(priors), correlations=correlations, model=meta.get("model", ""),
                  bibliography=bibliography, cite=cite_keys(meta.get("cite", ())))


def _parse_meta(meta: Any, folder: Path, problems: Problems) -> dict[str, Any]:
    if not isinstance(meta, dict):
        problems.add("[meta]", "must be a table")
        return {}
    table = Table(meta, "[meta]", problems)
    table.unknown_keys(META_KEYS)
    check_meta(table, folder)
    return meta


def _parse_correlations(entries: Any, names: list[str], priors: list[Prior],
                        problems: Problems) -> tuple[Correlation, ...]:
    """The ``[[correlations]]``; ``names`` are the file's inputs, ``priors`` those of them that are valid."""
    if not isinstance(entries, list):
        problems.add("[[correlations]]", "must be an array of tables ([[correlations]])")
        return ()
    result: list[Correlation] = []
    seen: set[frozenset[str]] = set()
    points = {p.name for p in priors if p.is_point}
    for index, entry in enumerate(entries, start=1):
        where = f"[[correlations]] #{index}"
        if not isinstance(entry, dict):
            problems.add(where, "must be a table with inputs and rank")
            continue
        table = Table(entry, where, problems)
        table.unknown_keys(("inputs", "rank"))
        check_correlation(table)
        check_correlation_inputs(table, names, points, seen)
        if table.ok:
            result.append(Correlation(*entry["inputs"], entry["rank"]))
    return tuple(result)


def _parse_matrix(entry: Any, names: list[str], priors: list[Prior], pairs: Sequence[Correlation],
                  problems: Problems) -> tuple[Correlation, ...]:
    """The pairs of ``[correlation_matrix]`` (none if absent); a pair that ``[[correlations]]`` gives too is refused."""
    if entry is None:
        return ()
    if not isinstance(entry, dict):
        problems.add(MATRIX, "must be a table with inputs and rank")
        return ()
    table = Table(entry, MATRIX, problems)
    found = check_correlation_matrix(table, names, {p.name for p in priors if p.is_point})
    given = {frozenset((c.first, c.second)) for c in pairs}
    for c in found:
        if frozenset((c.first, c.second)) in given:
            table.add("inputs", f"names {c.first} and {c.second}, a pair that [[correlations]] gives too: give "
                      "each pair once, in the matrix or in [[correlations]]")
    return tuple(found) if table.ok else ()


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
        elif not spec.admits(prior.distribution.drawable):
            low, high = prior.distribution.drawable
            hint = "; truncate it with low/high" if prior.distribution.family in ("normal", "student_t") else ""
            into.add(f"{where} dist", f"= {prior.distribution.describe()} is invalid: it can draw values in "
                     f"[{low:g}, {high:g}] but {prior.name} must lie in {spec.allowed()}{hint}")
