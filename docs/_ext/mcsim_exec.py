"""Run the commands a page shows when the site is built, and show what they printed.

``.. mcsim-run::`` (in MyST, a ```` ```{mcsim-run} ```` fence) takes one command a line, ``mcsim ...`` or
``python FILE.py``, and runs them in a temporary folder holding a copy of the folder given as its
argument (relative to the page's folder), which the page's other ``mcsim-run`` and ``mcsim-file``
directives share. A command that exits with another status than the directive expects (0 unless
``:expect-exit:`` says otherwise) is an error, which fails the build (``-W`` in CI). ``.. mcsim-file:: PATH``
shows a file the commands wrote (``:lines: 1-20``). The page
therefore shows what this version of mcsim printed, and cannot drift from it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
_FOLDERS: dict[str, Path] = {}  # page -> the temporary folder its commands run in
_TIMEOUT = 600


def _folder(directive: SphinxDirective, source: str) -> Path:
    docname = directive.env.docname
    if docname not in _FOLDERS:
        origin = (Path(directive.env.doc2path(docname)).parent / source).resolve()
        if not origin.is_dir():
            raise directive.error(f"mcsim-run: {origin} is not a folder")
        work = Path(tempfile.mkdtemp(prefix="mcsim-docs-")) / "study"
        shutil.copytree(origin, work, ignore=shutil.ignore_patterns("__pycache__"))
        _FOLDERS[docname] = work
        directive.env.note_dependency(str(origin))
    return _FOLDERS[docname]


def _argv(line: str) -> list[str]:
    words = shlex.split(line)
    if words[0] == "mcsim":
        return [sys.executable, "-m", "mcsim", *words[1:]]
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    return []


class McsimRun(SphinxDirective):
    """Run each line of the content as a command; show each with its output."""

    required_arguments = 1  # the folder of the page's files, relative to the page
    has_content = True
    option_spec: ClassVar[dict] = {"expect-exit": directives.nonnegative_int, "hide-output": directives.flag}

    def run(self):
        work = _folder(self, self.arguments[0])
        expected = self.options.get("expect-exit", 0)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        shown = []
        for line in (line.strip() for line in self.content):
            if not line:
                continue
            argv = _argv(line)
            if not argv:
                raise self.error(f"mcsim-run runs only mcsim and python commands, not {line!r}")
            start = time.perf_counter()
            done = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=_TIMEOUT)
            logger.info(f"mcsim-run: {line} (exit {done.returncode}, {time.perf_counter() - start:.1f} s)")
            if done.returncode != expected:
                raise self.error(f"`{line}` exited with {done.returncode}, not {expected}:\n{done.stdout}{done.stderr}")
            shown.append(f"$ {line}")
            if "hide-output" not in self.options:
                shown.append((done.stdout + done.stderr).rstrip("\n"))
        block = nodes.literal_block("\n".join(shown), "\n".join(shown))
        block["language"] = "console"
        return [block]


class McsimFile(SphinxDirective):
    """Show a file the page's commands wrote, or some of its lines."""

    required_arguments = 1
    option_spec: ClassVar[dict] = {"lines": directives.unchanged, "language": directives.unchanged}

    def run(self):
        if self.env.docname not in _FOLDERS:
            raise self.error("mcsim-file before any mcsim-run on the page")
        path = _FOLDERS[self.env.docname] / self.arguments[0]
        if not path.is_file():
            raise self.error(f"mcsim-file: the commands wrote no {self.arguments[0]}")
        lines = path.read_text(encoding="utf-8").splitlines()
        if "lines" in self.options:
            first, _, last = self.options["lines"].partition("-")
            lines = lines[int(first) - 1:int(last or first)]
        text = "\n".join(lines)
        block = nodes.literal_block(text, text)
        block["language"] = self.options.get("language", "text")
        return [block]


def _clean(app, exception):
    for work in _FOLDERS.values():
        shutil.rmtree(work.parent, ignore_errors=True)
    _FOLDERS.clear()


def setup(app):
    app.add_directive("mcsim-run", McsimRun)
    app.add_directive("mcsim-file", McsimFile)
    app.connect("build-finished", _clean)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
