"""book/_ext/prerender_math.js: the book's math typeset once, at build time, by Node.

Run on small pages written here, with the MathJax that ``make assets`` installs from npm.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "book" / "_ext"))

import math_prerender  # noqa: E402

MATHJAX = REPO / "node_modules" / "mathjax" / "es5"
NODE = math_prerender._node()

pytestmark = pytest.mark.skipif(
    NODE is None or not (MATHJAX / "node-main.js").exists(),
    reason="needs Node and node_modules/mathjax (make assets)",
)

PAGE = """<!DOCTYPE html>
<html><head><title>t</title></head>
<body class="x">
<p>Inline <span class="math notranslate nohighlight">\\(\\bar z_i &lt; W^{(1)}_{ij}\\)</span> and
text with a literal \\( outside math.</p>
<div class="math notranslate nohighlight" id="equation-e1">
<span class="eqno">(1)</span>\\[\\begin{aligned}
\\mathbf h &amp;= \\sigma(\\mathbf z) \\end{aligned}\\]
</div>
</body></html>
"""


def run(*pages: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NODE, str(math_prerender.SCRIPT), str(MATHJAX)],
        input=json.dumps([str(p) for p in pages]),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_formulas_become_svg_with_mathml_and_the_page_gets_styles_and_glyphs(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE)
    proc = run(page)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {str(page): 2}
    out = page.read_text()
    assert out.count("<mjx-container") == 2
    assert out.count("<mjx-assistive-mml") == 2
    assert "\\(" not in out.split(" and\ntext with")[0].split("<body")[1]  # inline converted
    assert "literal \\( outside math" in out  # text outside math elements untouched
    assert '<span class="eqno">(1)</span>' in out
    # the TeX was unescaped before typesetting: "<" and "&" reached MathJax as characters
    assert "<mo>&lt;</mo>" in out
    # and the TeX stays on the page, escaped for its attribute
    assert 'data-latex="\\bar z_i &lt; W^{(1)}_{ij}"' in out
    assert "&amp;=" not in re.sub(r'data-latex="[^"]*"', "", out)
    head, body = out.split("</head>")
    assert 'id="MJX-SVG-styles"' in head
    assert body.lstrip().startswith('<body class="x">\n<svg id="MJX-SVG-global-cache"')
    # the display formula can take keyboard focus (it may scroll sideways)
    assert re.search(r'<mjx-container[^>]*display="true"[^>]*tabindex="0"', body), body[:600]


def test_a_second_run_changes_nothing_and_pages_without_math_are_left_alone(tmp_path):
    page, plain = tmp_path / "page.html", tmp_path / "plain.html"
    page.write_text(PAGE)
    plain.write_text("<html><head></head><body><p>No math here.</p></body></html>")
    assert run(page, plain).returncode == 0
    first = page.read_text()
    proc = run(page, plain)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {str(page): 0, str(plain): 0}
    assert page.read_text() == first
    assert plain.read_text() == "<html><head></head><body><p>No math here.</p></body></html>"


@pytest.mark.parametrize(
    ("tex", "message"),
    [("\\sigmoid(z)", "\\sigmoid"), ("\\frac{1}{2", "Missing close brace")],
)
def test_a_tex_error_fails_naming_the_page_and_the_formula(tmp_path, tex, message):
    page = tmp_path / "bad.html"
    original = PAGE.replace("\\sigma(\\mathbf z)", tex)
    page.write_text(original)
    proc = run(page)
    assert proc.returncode == 1
    assert str(page) in proc.stderr and message in proc.stderr, proc.stderr
    assert tex in proc.stderr.replace("\\\\", "\\")
    assert page.read_text() == original  # nothing half-written
