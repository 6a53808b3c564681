"""report.html in a real browser: headless Chromium loads every figure and nothing is wider than the page.

The page is opened at the width of an A4 page printed at 96 dpi (794 px) and at a laptop's
(1280 px); a script run on load records what the browser laid out. Skipped, saying so, where
Chromium is not installed (``.ci/run`` installs Debian's ``chromium`` package).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import small_default_run_file

from mcsim.cli import main

BROWSER = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
               None)
pytestmark = [pytest.mark.slow,  # a browser started for each page: with the slow checks (``-m slow``), as in .ci/run
              pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (Debian: apt-get install "
                                 "chromium); report.html is not checked in a browser")]

# Run once the page has loaded: the page's width, each image's state, and every element that
# reaches beyond the page or scrolls sideways.
PROBE = """
<script>
window.addEventListener('load', () => {
  const page = document.documentElement.clientWidth;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ': ' + e.textContent.trim().slice(0, 60);
  const images = [...document.images].map(i => ({ok: i.complete && i.naturalWidth > 0, alt: i.alt,
                                                 right: i.getBoundingClientRect().right}));
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > page + 1 || e.scrollWidth > e.clientWidth + 1 &&
                 getComputedStyle(e).overflowX !== 'visible')
    .map(name);
  // a number in a table cell laid out on more than one line
  const wrapped = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      for (const m of node.textContent.matchAll(/[-\\u2212]?[$]?\\d(?:[\\d.,\\u202f\\u00a0]*\\d)?/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) wrapped.push(m[0] + ' in: ' + cell.textContent.trim().slice(0, 60));
      }
    }
  }
  const out = document.createElement('pre');
  out.id = 'mcsim-probe';
  out.textContent = JSON.stringify({page, scroll: document.documentElement.scrollWidth, images, wide, wrapped});
  document.body.appendChild(out);
});
</script>
"""


def _laid_out(page: Path, width: int) -> dict:
    probed = page.with_name(f"probed-{width}.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},1000",
                           "--virtual-time-budget=10000", "--dump-dom", probed.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="mcsim-probe">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, f"the browser laid nothing out (exit {done.returncode}): {done.stderr[-500:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                      .replace("&gt;", ">"))


@pytest.fixture(scope="module", params=[(), ("--lang", "fr", "--figures", "journal")], ids=["en", "fr-journal"])
def report(request, small_default_report, tmp_path_factory) -> Path:
    """The small default run's report: the one other files read (copied: the probes are written beside it), and
    through the command line in French and the journal's style."""
    folder = tmp_path_factory.mktemp("browser")
    out = folder / "report"
    if not request.param:
        shutil.copytree(small_default_report, out)
    else:
        assert main(["run", str(small_default_run_file(folder)), "--samples", "4096", "--out", str(out),
                     *request.param]) == 0
    return out / "report.html"


@pytest.mark.parametrize("width", [794, 1280])
def test_every_figure_loads_and_nothing_is_wider_than_the_page(report, width):
    laid = _laid_out(report, width)
    assert laid["images"], "the report shows no figure"
    broken = [image["alt"] for image in laid["images"] if not image["ok"]]
    assert not broken, f"figures that did not load: {broken}"
    assert laid["scroll"] <= laid["page"], f"the page scrolls sideways ({laid['scroll']} > {laid['page']} px)"
    assert not laid["wide"], f"wider than the page at {width} px: {laid['wide'][:10]}"
    assert not laid["wrapped"], f"numbers broken across lines at {width} px: {laid['wrapped'][:10]}"


def test_the_probe_sees_a_page_too_wide(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text('<html><body><img src="missing.png" alt="gone"><div style="width: 3000px">x</div>'
                    '<table><tr><td style="width: 3ch; overflow-wrap: anywhere">-1,001,783</td></tr></table>'
                    '</body></html>', encoding="utf-8")
    laid = _laid_out(page, 794)
    assert [image["ok"] for image in laid["images"]] == [False]
    assert laid["scroll"] > laid["page"]
    assert any(entry.startswith("div") for entry in laid["wide"])
    assert [entry.split(" in: ")[0] for entry in laid["wrapped"]] == ["-1,001,783"]
