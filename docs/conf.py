"""Sphinx configuration of mcsim's documentation: `python -m sphinx -W --keep-going -b html docs DIR`."""

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

from mcsim import __version__  # noqa: E402

project = "mcsim"
author = "mcsim's authors"
copyright = "2025, mcsim's authors"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "mcsim_exec",  # runs the tutorial's commands when the site is built (docs/_ext/mcsim_exec.py)
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "tutorial/*.md.txt"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_typehints = "none"  # numpydoc's sections say the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()
nitpicky = False

html_theme = "alabaster"
html_title = f"mcsim {version}"
html_static_path: list[str] = []
