"""The errors of bad input, as scripts import them (``from mcsim.inputs.errors import InputError``).

They are defined in :mod:`mcsim.errors`, below every layer that raises them (the models among them).
"""

from mcsim.errors import (
    PYTHON,
    InputError,
    McsimError,
    Problem,
    Problems,
    did_you_mean,
    is_number,
    show,
    unknown_keys,
    whole,
)

__all__ = ["PYTHON", "InputError", "McsimError", "Problem", "Problems", "did_you_mean", "is_number", "show",
           "unknown_keys", "whole"]
