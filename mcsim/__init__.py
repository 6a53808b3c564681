"""mcsim: Monte Carlo uncertainty and sensitivity analysis of Tableau 1 of Viseur (2025)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mcsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
