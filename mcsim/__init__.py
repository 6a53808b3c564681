"""mcsim: Monte Carlo uncertainty and sensitivity analysis of models with cited priors."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mcsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

from mcsim.models.base import InputSpec, Model, OutputSpec, Reference

__all__ = ["InputSpec", "Model", "OutputSpec", "Reference", "__version__"]
