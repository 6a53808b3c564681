"""Hypothesis strategies for hostile input files, a TOML writer, and a tally of what they reached.

Used by ``tests/test_hostile.py``; ``python tests/hostile_counts.py`` prints the tally.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections import Counter

from hypothesis import strategies as st

from mcsim.models.tableau1 import TABLEAU1

# ---------------------------------------------------------------------------------------------
# A small TOML writer: enough for any nesting of tables, arrays and scalars hypothesis draws.

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX ...) are all TOML escapes; non-ASCII stays as it is
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def dumps(document: dict) -> str:
    """TOML text for ``document``: top-level scalars first, then one [table] per nested table."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in document.items() if not isinstance(v, dict)]

    def tables(prefix: str, table: dict) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        nested = {k: v for k, v in table.items() if isinstance(v, dict)}
        if scalars or not nested:
            lines.append(f"\n[{prefix}]")
            lines.extend(f"{_key(k)} = {_value(v)}" for k, v in scalars.items())
        for k, v in nested.items():
            tables(f"{prefix}.{_key(k)}", v)

    for k, v in document.items():
        if isinstance(v, dict):
            tables(_key(k), v)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Values

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)
magnitude = st.builds(lambda base, scale: base * scale, st.floats(1.0, 9.99),
                      st.sampled_from([1e-12, 1e-6, 1e-3, 1.0, 20.0, 1e3, 1e6, 1e9, 1e12, 1e15]))
scalars = st.one_of(st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), names,
                    st.dates(), st.just(""))
wrong = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(names, scalars, max_size=2))


# ---------------------------------------------------------------------------------------------
# Priors tables, valid for Tableau 1 (non-negative inputs, a rate in [0, 1])


@st.composite
def valid_prior(draw, name: str) -> dict:
    """A valid prior table for input ``name`` of Tableau 1, of any family."""
    rate = name == "conversion_rate"
    scale = 1.0 if rate else draw(magnitude)
    floor = scale / 100 if TABLEAU1.inputs[TABLEAU1.input_names.index(name)].low_open else 0.0
    family = draw(st.sampled_from(["point", "uniform", "loguniform", "triangular", "pert", "normal",
                                   "lognormal", "beta", "discrete"]))
    if rate and family == "lognormal":
        family = "beta"
    table: dict = {"dist": family}
    if family == "point":
        table["point"] = draw(st.sampled_from([0.0, 1.0, 0.05])) if rate else scale
    elif family in ("uniform", "loguniform", "triangular", "pert"):
        low = draw(st.floats(0.01, 0.5)) * scale
        high = low + draw(st.floats(0.01, 0.5)) * scale
        if rate:
            low, high = (0.0 if family != "loguniform" else 1e-3), 1.0
        table.update(low=low, high=high)
        if family in ("triangular", "pert"):
            table["mode"] = low + draw(st.floats(0, 1)) * (high - low)
        if family == "pert" and draw(st.booleans()):
            table["shape"] = draw(st.floats(0.5, 20))
        table["point"] = (low + high) / 2
    elif family == "normal":
        mean, sd = scale, draw(st.floats(0.01, 2.0)) * scale
        table.update(mean=mean, sd=sd, low=floor)
        if rate:
            table.update(mean=0.05, sd=0.02, high=1.0)
        table["point"] = table["mean"]
    elif family == "lognormal":
        if draw(st.booleans()):
            table.update(p05=scale, p95=scale * draw(st.floats(1.01, 1e3)))
            table["point"] = math.sqrt(table["p05"] * table["p95"])
        else:
            table.update(median=scale, sigma=draw(st.floats(0.01, 3.0)))
            table["point"] = scale
    elif family == "beta":
        low, high = (0.0, 1.0) if rate else (floor, scale)
        if draw(st.booleans()):
            table.update(alpha=draw(st.floats(0.2, 500)), beta=draw(st.floats(0.2, 500)))
        else:
            table.update(mean=low + 0.4 * (high - low), sd=draw(st.floats(0.01, 0.45)) * (high - low))
        if not rate:
            table.update(low=low, high=high)
        table["point"] = low + 0.4 * (high - low)
    else:
        values = draw(st.lists(st.floats(0, 1) if rate else magnitude, min_size=1, max_size=4))
        weights = [1.0 / len(values)] * len(values)
        weights[-1] = 1.0 - sum(weights[:-1])
        table.update(values=values, weights=weights, point=values[0])
    table["source"] = draw(st.sampled_from(["paper", "a <b>source</b> | with a pipe", "Épargne & co."]))
    if draw(st.booleans()):
        table["label"] = draw(names.filter(str.strip))
    return table


FAMILY_KEYS = ("point", "dist", "source", "label", "unit", "low", "high", "mode", "shape", "mean", "sd",
               "p05", "p95", "median", "sigma", "alpha", "beta", "values", "weights")


def _misspell(draw, word: str) -> str:
    if not word:
        return "x"
    i = draw(st.integers(0, len(word) - 1))
    how = draw(st.sampled_from(["drop", "swap", "double", "upper"]))
    if how == "drop":
        return word[:i] + word[i + 1:] or "x"
    if how == "swap" and len(word) > 1:
        i = min(i, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if how == "upper":
        return word.upper()
    return word[:i] + word[i] + word[i:]


@st.composite
def broken_prior(draw, name: str) -> dict:
    """A prior table with one or more things wrong (or, rarely, still valid)."""
    table = dict(draw(valid_prior(name)))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["drop", "unknown", "misspell_dist", "wrong_type", "out_of_range",
                                    "swap", "weights", "point_outside", "not_a_table"]))
        keys = sorted(table)
        if how == "drop" and keys:
            table.pop(draw(st.sampled_from(keys)))
        elif how == "unknown":
            table[draw(st.one_of(st.sampled_from([_misspell(draw, k) for k in FAMILY_KEYS]), names))] = \
                draw(st.one_of(finite, wrong))
        elif how == "misspell_dist":
            table["dist"] = _misspell(draw, str(table.get("dist", "normal")))
        elif how == "wrong_type" and keys:
            table[draw(st.sampled_from(keys))] = draw(wrong)
        elif how == "out_of_range":
            key = draw(st.sampled_from(["sd", "sigma", "low", "p05", "alpha", "shape", "point", "high", "mode"]))
            table[key] = draw(st.sampled_from([0.0, -1.0, -1e-12, math.nan, math.inf, -math.inf, 1.5, 1e300]))
        elif how == "swap":
            for a, b in (("low", "high"), ("p05", "p95")):
                if a in table and b in table:
                    table[a], table[b] = table[b], table[a]
        elif how == "weights" and isinstance(table.get("weights"), list):
            factor = draw(st.sampled_from([0.5, 1.5, -1.0]))
            table["weights"] = [w * factor if isinstance(w, float) else w for w in table["weights"]]
        elif how == "point_outside" and "point" in table:
            table["point"] = draw(st.sampled_from([-1.0, 1e16, 2.0]))
        elif how == "not_a_table":
            return draw(wrong)
    return table


def _correlations(draw, inputs: dict) -> list:
    names_ = [*inputs, "not_an_input", "price "]
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.integers(0, 9)) == 0:
            entries.append(draw(wrong))
            continue
        entry = {"inputs": draw(st.one_of(st.lists(st.sampled_from(names_), min_size=0, max_size=3), wrong)),
                 "rank": draw(st.one_of(st.floats(-1.5, 1.5), st.sampled_from([-1.0, 1.0, 0.99]), wrong))}
        if draw(st.integers(0, 5)) == 0:
            entry[draw(st.sampled_from(["rho", "ranks", "input"]))] = 0.3
        entries.append(entry)
    if draw(st.integers(0, 4)) == 0:  # consistent pairs, an inconsistent whole: not positive definite
        a, b, c = "training_cost", "cost_per_1k_tokens", "price"
        entries = [{"inputs": [a, b], "rank": 0.9}, {"inputs": [b, c], "rank": 0.9}, {"inputs": [a, c], "rank": -0.9}]
    return entries


@st.composite
def priors_document(draw, broken: float = 0.5) -> dict:
    """A whole priors file for Tableau 1: valid, or broken in a few places."""
    inputs = {}
    for name in TABLEAU1.input_names:
        if draw(st.floats(0, 1)) < broken / 3:
            inputs[name] = draw(broken_prior(name))
        elif broken == 0 or draw(st.floats(0, 1)) > broken / 20:  # now and then an input is missing
            inputs[name] = draw(valid_prior(name))
    if draw(st.floats(0, 1)) < broken / 4:
        inputs[_misspell(draw, "price")] = draw(valid_prior("price"))
    document: dict = {}
    if draw(st.booleans()):
        document["meta"] = {"title": draw(st.one_of(names, wrong)) if draw(st.floats(0, 1)) < broken / 3
                            else "generated", "reference": "a test"}
    document["inputs"] = inputs if broken == 0 or draw(st.floats(0, 1)) > broken / 20 else draw(wrong)
    if draw(st.floats(0, 1)) < broken:
        document["correlations"] = _correlations(draw, inputs)
    if draw(st.floats(0, 1)) < broken / 5:
        document[_misspell(draw, "inputs")] = {}
    return document


@st.composite
def run_document(draw, priors_name: str, broken: float = 0.5) -> dict:
    """A run file pointing at ``priors_name``: valid, or broken in a few places."""
    bad = lambda: draw(st.floats(0, 1)) < broken / 4  # noqa: E731
    run: dict = {"title": draw(names.filter(str.strip)) if not bad() else draw(wrong),
                 "priors": priors_name if not bad() else draw(st.sampled_from(["nowhere.toml", "", ".", "a\x00b"]))}
    sampler = draw(st.sampled_from(["random", "lhs", "sobol"]))
    run["sampler"] = sampler if not bad() else _misspell(draw, sampler)
    run["samples"] = draw(st.sampled_from([1, 2, 16, 64])) if not bad() else draw(
        st.one_of(st.sampled_from([0, -1, 3, 1.5, 2**41]), wrong))
    run["seed"] = draw(st.integers(0, 2**63 - 1)) if not bad() else draw(st.one_of(st.just(-1), wrong))
    users = sorted(set(draw(st.lists(magnitude, min_size=1, max_size=4))))
    run["users"] = users if not bad() else draw(st.sampled_from([[], [0.0], [1e6, 1e4], [-5.0], [1e300], [math.inf]]))
    if draw(st.booleans()):
        run["chunk_size"] = draw(st.integers(1, 64)) if not bad() else draw(st.one_of(st.just(0), wrong))
    if bad():
        run["model"] = draw(st.sampled_from(["tableau2", ".:x", "os:path", "nonexistent.module:MODEL", "a:", ""]))
    if bad():
        run[_misspell(draw, "samples")] = 3
    document: dict = {"run": run if broken == 0 or draw(st.floats(0, 1)) > broken / 20 else draw(wrong)}
    if draw(st.booleans()):
        name = draw(st.sampled_from(TABLEAU1.input_names))
        override = draw(broken_prior(name) if bad() else valid_prior(name))
        document["overrides"] = {name if not bad() else _misspell(draw, name): override}
    claims = []
    for i in range(draw(st.integers(0, 3))):
        output = draw(st.sampled_from(TABLEAU1.output_names))
        claim = {"name": f"claim_{i}", "text": draw(names), "output": output,
                 "op": draw(st.sampled_from(["<=", "<", ">=", ">"])), "value": draw(finite)}
        if TABLEAU1.output(output).per_user:
            claim["users"] = draw(st.sampled_from(users))
        if bad():
            key = draw(st.sampled_from(["name", "output", "op", "value", "users", "text"]))
            claim[key] = draw(st.one_of(wrong, st.sampled_from(["=<", "break_even_user", "1 bad name", math.nan])))
        if bad():
            claim.pop(draw(st.sampled_from(sorted(claim))))
        claims.append(claim)
    if claims:
        document["claims"] = claims
    if bad():  # only broken [sensitivity] tables: a valid one would make the run slow
        document["sensitivity"] = draw(st.one_of(wrong, st.fixed_dictionaries(
            {"outputs": st.one_of(st.just(["surplus"]), st.just(["break_even_users"] * 2), wrong),
             "base_samples": st.one_of(st.just(1000), wrong)})))
    return document


# ---------------------------------------------------------------------------------------------
# Raw bytes: not TOML, empty, binary, huge

raw_files = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b"   \n\t", b"[inputs\npoint = 1", b"\xff\xfe\x00binary", b"a = 1\na = 2",
                     b"#" * 1_000_001, b'[run]\npriors = "x.toml"\n' + b"# padding\n" * 120_000,
                     b"[[inputs]]\npoint = 1", b"inputs = 3", b"\x00" * 64]),
)


# ---------------------------------------------------------------------------------------------
# The tally


class Tally:
    """How many inputs were tried, how each ended, and which distinct messages were reached."""

    def __init__(self):
        self.outcomes: Counter[str] = Counter()
        self.messages: Counter[str] = Counter()
        self.shapes: Counter[str] = Counter()

    def record(self, outcome: str, messages=()) -> None:
        self.outcomes[outcome] += 1
        for message in messages:
            self.messages[message] += 1
            self.shapes[shape(message)] += 1

    def report(self) -> str:
        tried = sum(self.outcomes.values())
        ends = ", ".join(f"{k}: {v}" for k, v in sorted(self.outcomes.items()))
        return (f"hostile inputs tried: {tried} ({ends}); distinct error messages: {len(self.messages)} "
                f"({len(self.shapes)} distinct once values and names are masked)")


def shape(message: str) -> str:
    """A message with its file, values and names masked: what kind of problem it reports."""
    text = message.split(": ", 1)[-1] if message.startswith("/") else message
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '"…"', text)
    text = re.sub(r"\[(inputs|overrides)\.[^\]]*\]", r"[\1.…]", text)
    text = re.sub(r"\[\[(claims|correlations)\]\] (#\d+|\"…\")", r"[[\1]] …", text)
    text = re.sub(r"[-+]?(\d[\d,]*\.?\d*(e[-+]?\d+)?|inf|nan)", "N", text)
    text = re.sub(r"= \S.*? (is|must|has|repeats|names|overrides|leave)", r"= … \1", text)
    return text


TALLY = Tally()
