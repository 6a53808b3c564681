"""The ``[value_of_information]`` table of a run file: on which payoff, and at which users if it varies with them.

The analysis is over the run's own samples, so the table has no sample size of its own.

Every key is validated and every problem recorded in the house style, e.g.::

    runs/x.toml: [value_of_information] users = [] is invalid: must be a non-empty, strictly increasing list of
    numbers > 0 (monthly users at which the decision is taken)
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from mcsim.inputs.errors import Problems, did_you_mean, is_number, show
from mcsim.inputs.tables import Table, check_fields, fields_of
from mcsim.models import Model

__all__ = ["DEFAULT_PAYOFF", "VOI_KEYS", "ValueOfInformationSpec", "check_payoff", "check_value_of_information",
           "parse_value_of_information"]

VOI_KEYS = ("users", "output")
DEFAULT_PAYOFF = "surplus"  # the output a model's payoff is, when the run file names none


@dataclass(frozen=True)
class ValueOfInformationSpec:
    """The decision whose value of information is computed (a run file's ``[value_of_information]``).

    With a payoff over users, at each of :attr:`users` monthly users the decision is to act (run
    the service), with payoff :attr:`output` at those users, or not, with payoff 0. With a scalar
    payoff (one number per sample: a launch-or-not decision) the decision is taken once, to act with
    payoff :attr:`output` or not, and :attr:`users` is empty.

    Parameters
    ----------
    users : tuple of float
        Monthly users at which the decision is taken (numbers > 0, strictly increasing); empty for a
        scalar payoff.
    output : str
        The payoff: an output of the model, over the users grid (``per_user``) or scalar;
        ``"surplus"`` by default (a model's surplus over users).

    The estimates are made on the run's own samples (its sampler, seed and sample count).

    Raises
    ------
    InputError
        If a value is invalid, with the message a run file's table would get.
    """

    users: tuple[float, ...] = ()
    output: str = DEFAULT_PAYOFF

    def __post_init__(self) -> None:
        check_fields(lambda table: check_value_of_information(table), fields_of(self), "[value_of_information]")
        object.__setattr__(self, "users", tuple(float(u) for u in self.users))


_DEFAULTS = {field.name: field.default for field in dataclasses.fields(ValueOfInformationSpec)}


def parse_value_of_information(table: Any, model: Model | None, problems: Problems) -> ValueOfInformationSpec | None:
    """Validate a run file's ``[value_of_information]`` table (None when there is none, or it has problems)."""
    if table is None:
        return None
    if not isinstance(table, dict):
        problems.add("[value_of_information]", "must be a table (users, output)")
        return None
    if "samples" in table:  # a sample size of its own would make its claims' probabilities differ from the run's
        problems.add("[value_of_information] samples", "is not a key: the value of information is computed on the "
                     "run's own samples, so that its claims' probabilities are the run's (set [run] samples)")
        return None
    read = Table(table, "[value_of_information]", problems)
    read.unknown_keys(VOI_KEYS)
    check_value_of_information(read)
    if model is not None and read.ok:  # the payoff against the users, once both are well formed
        check_payoff(table.get("output"), model, problems, users=table.get("users"))
    before = len(problems.items)
    return ValueOfInformationSpec(**table) if read.ok and len(problems.items) == before else None


def check_value_of_information(table: Table) -> None:
    """Check the keys a ``[value_of_information]`` table gives (the others take their defaults)."""
    users = table.get("users", ())
    if users != () and not (isinstance(users, list | tuple) and users and
                            all(is_number(u) and math.isfinite(u) and u > 0 for u in users) and
                            sorted(set(users)) == list(users)):
        table.invalid("users", "must be a non-empty, strictly increasing list of numbers > 0 (monthly users at "
                      "which the decision is taken)")
    output = table.get("output", _DEFAULTS["output"])
    if not (isinstance(output, str) and output):
        table.invalid("output", "must be the name of an output of the model")


def check_payoff(output: Any, model: Model, problems: Problems, *, users: Any = ()) -> bool:
    """Check that the payoff ``output`` (None: :data:`DEFAULT_PAYOFF`) is an output of ``model``, and that ``users``
    are given for a payoff over users and not for a scalar one."""
    over_users = [o.name for o in model.outputs if o.per_user]
    allowed = f"outputs: {', '.join(model.output_names)}"
    if output is None:
        if DEFAULT_PAYOFF not in model.output_names:
            problems.add("[value_of_information] output", f'is missing: model {model.name} has no output '
                         f'"{DEFAULT_PAYOFF}" to take as the payoff, so name one ({allowed})')
            return False
        output = DEFAULT_PAYOFF
    if not isinstance(output, str):
        return False  # reported by check_value_of_information
    if output not in model.output_names:
        problems.add("[value_of_information] output", f"= {show(output)} is not an output of model {model.name}"
                     f"{did_you_mean(output, model.output_names)} ({allowed})")
        return False
    given = users not in ((), None, [])
    if output in over_users and model.grid.name != "users":
        problems.add("[value_of_information] output", f"= {show(output)} is invalid: it varies with "
                     f"{model.grid.name}, and the decision whose information is valued is taken at some monthly "
                     "users, or once; name a scalar output of the model "
                     f"({', '.join(o.name for o in model.outputs if not o.per_user) or 'it has none'})")
        return False
    if output in over_users and not given:
        problems.add("[value_of_information] users", f"is missing: the payoff {output} varies with users, so the "
                     "decision is taken at some users; give them (numbers > 0, increasing)")
        return False
    if output not in over_users and given:
        problems.add("[value_of_information] users", f"= {show(users)} is invalid: the payoff {output} does not vary "
                     "with users, so the decision is taken once (act or not); leave users out")
        return False
    return True
