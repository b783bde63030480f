"""The book pipeline: it builds warning-free, executes every chapter, and fails loudly.

The fixture ``book_html`` (tests/conftest.py) builds the whole book with the same command
as ``make book``: ``jupyter-book build -W -n --keep-going .`` with ``MLP_STATIC_WIDGETS=1``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.conftest import REPO, build_book


def toc_files() -> list[str]:
    """Every document listed in _toc.yml, in order (without extension)."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files += [s["file"] for s in chapter.get("sections", [])]
    return files


def chapter_notebooks() -> list[Path]:
    return sorted((REPO / "lecture2").glob("*.ipynb"))


def test_every_chapter_is_in_the_toc():
    listed = set(toc_files())
    for nb in chapter_notebooks():
        assert f"lecture2/{nb.stem}" in listed, f"{nb.name} is not listed in _toc.yml"


def test_build_is_warning_free(book_build):
    if book_build is None:  # it would pass without looking at anything
        pytest.skip("BOOK_HTML names a prebuilt book: its build's warnings are not seen here")
    assert "build succeeded" in book_build.stdout
    # Sphinx warnings look like "path:line: WARNING: ..." (kernel log lines do not)
    sphinx_warnings = re.findall(r": WARNING: .*", book_build.stdout + book_build.stderr)
    assert not sphinx_warnings, sphinx_warnings[:10]


def test_build_executes_every_chapter(book_html):
    for doc in toc_files():
        assert (book_html / f"{doc}.html").exists(), f"{doc}.html was not built"
    # myst-nb writes a report for every notebook whose execution failed
    reports = book_html / "reports"
    assert not reports.exists() or not any(reports.rglob("*.err.log")), "a notebook failed"


def test_chapters_are_committed_without_outputs():
    for path in chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                assert not cell.outputs, f"{path.name} cell {i} has stored outputs (make strip)"
                assert cell.execution_count is None, f"{path.name} cell {i} has a count"


def test_executed_chapters_have_outputs(book_html):
    # the build executed each chapter: its code cells produced output in the HTML
    for path in chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        if not any(c.cell_type == "code" for c in nb.cells):
            continue
        page = (book_html / "lecture2" / f"{path.stem}.html").read_text(encoding="utf-8")
        assert "cell_output" in page, f"{path.stem}: no executed output in the HTML"


def test_first_chapter_content(book_html):
    page = (book_html / "lecture2" / "01-limits-of-linear-models.html").read_text("utf-8")
    assert "XOR is not linearly separable" in page
    assert re.search(r'class="[^"]*\bproof\b[^"]*\btheorem\b', page), "theorem block missing"
    assert r"\(" in page or 'class="math' in page, "no math markup"
    assert "<img" in page, "no figure"
    states = re.findall(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', page, re.S
    )
    assert states, "the interactive figure's widget state is not embedded"
    models = {k: v for s in states for k, v in json.loads(s)["state"].items()}
    assert sum(m["model_name"] == "LinkModel" for m in models.values()) >= 3
    values = [str(m["state"].get("value", "")) for m in models.values()]
    frames = [v for v in values if 'class="mlp-frame"' in v and "mlp-quiz" not in v]
    assert len(frames) == 75  # 5 x 5 x 3 precomputed states


EXTERNAL = re.compile(r'<(script|link|img)\b[^>]*\b(src|href)="(https?:)?//[^"]*"', re.I)


def test_no_external_scripts_styles_or_images(book_html):
    offenders = {}
    for page in book_html.rglob("*.html"):
        if "_static" in page.parts:
            continue
        found = EXTERNAL.findall(page.read_text(encoding="utf-8"))
        if found:
            offenders[str(page.relative_to(book_html))] = found[:3]
    assert not offenders, f"pages load assets from outside the site: {offenders}"


def test_vendored_assets_are_served_by_the_site(book_html):
    assert (book_html / "vendor/mathjax/tex-mml-chtml.js").stat().st_size > 10_000
    page = (book_html / "lecture2" / "01-limits-of-linear-models.html").read_text("utf-8")
    # math typeset at build time (book/_ext/math_prerender.py): no MathJax script on the page,
    # only the stand-in that would load the vendored one for a widget label holding TeX
    assert 'id="MJX-SVG-styles"' in page and page.count("<mjx-container") > 50
    assert not re.search(r"<script[^>]*src=[^>]*mathjax", page, re.I)
    assert 'var SRC = "../vendor/mathjax/tex-mml-chtml.js"' in page
    # the figures are drawn by the site's own script, not the Jupyter widget manager
    assert "_static/static_widgets.js" in page and "embed-amd" not in page
    assert "require.js" not in page
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert page.count("const THEBE_JS_URL") == 1, "duplicate inline script (console error)"


def test_a_failing_cell_fails_the_build(tmp_path: Path):
    """A tiny book with the project's config and one failing cell must exit non-zero."""
    root = tmp_path / "book"
    root.mkdir()
    shutil.copy(REPO / "_config.yml", root / "_config.yml")
    shutil.copytree(REPO / "book" / "_ext", root / "book" / "_ext")
    shutil.copytree(REPO / "book" / "_static", root / "book" / "_static")
    shutil.copy(REPO / "book" / "references.bib", root / "book" / "references.bib")
    (root / "book" / "_extra").mkdir()
    (root / "intro.md").write_text("# Tiny\n\nA page.\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('fine')"), nbformat.v4.new_code_cell("1 / 0")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / "broken.ipynb")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: broken\n")
    result = build_book(root)
    assert result.returncode != 0, "a notebook with a failing cell built successfully"
    assert "ZeroDivisionError" in result.stdout + result.stderr


def test_the_cache_rule_starts_afresh_after_a_change_to_mlp_or_the_configuration(tmp_path):
    """tools/book_cache.py, which both `make book` and `build_book` run."""
    import os

    from tools.book_cache import prepare

    build = tmp_path / "_build"
    sources = {"mlp": tmp_path / "src/mlp/layers.py", "config": tmp_path / "book/_ext/x.py"}
    for path in [*sources.values(), tmp_path / "_config.yml"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        os.utime(path, (1, 1))
    assert prepare(tmp_path) is None  # nothing built yet
    for reason, changed in [(None, None), *sources.items()]:
        for d in ("html", ".doctrees", ".jupyter_cache"):
            (build / d).mkdir(parents=True, exist_ok=True)
        (build / "html/index.html").write_text("")
        os.utime(build / "html/index.html", (100, 100))
        if changed is not None:
            os.utime(changed, (200, 200))
        assert prepare(tmp_path) == reason
        kept = {d for d in ("html", ".doctrees", ".jupyter_cache") if (build / d).exists()}
        expected = {
            None: {"html", ".doctrees", ".jupyter_cache"},
            "config": {".jupyter_cache"},
            "mlp": set(),
        }[reason]
        assert kept == expected, (reason, kept)
        if changed is not None:
            os.utime(changed, (1, 1))
