"""Shared by the browser and JupyterLab tests: the book's pages (from _toc.yml) and Chromium.

Chromium is Debian's (``apt-get install chromium``; ``make test`` installs it when missing),
driven by Playwright from PyPI. ``playwright install`` is never used: it downloads a browser.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("MLP_ARTIFACTS", REPO / "artifacts"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLACEHOLDER = "This chapter is being written"


def toc_docs() -> list[str]:
    """Every document of _toc.yml, in reading order, without extension (``lecture2/01-...``)."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return [re.sub(r"\.(ipynb|md)$", "", d) for d in docs]


def source_of(doc: str) -> Path:
    """The source file of a document (``.ipynb`` or ``.md``)."""
    for ext in (".ipynb", ".md"):
        path = REPO / f"{doc}{ext}"
        if path.exists():
            return path
    raise FileNotFoundError(f"{doc} is listed in _toc.yml but has no .ipynb or .md source")


def chapter_notebooks() -> list[Path]:
    """The notebooks of the table of contents that the book executes (the chapters), in order.

    Notebooks matching ``execute.exclude_patterns`` of _config.yml (the student exercise
    notebooks, shown but not run) are left out.
    """
    import fnmatch

    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    skip = (config.get("execute") or {}).get("exclude_patterns") or []
    notebooks = [p for p in map(source_of, toc_docs()) if p.suffix == ".ipynb"]
    return [
        p
        for p in notebooks
        if not any(fnmatch.fnmatch(p.relative_to(REPO).as_posix(), pat) for pat in skip)
    ]


def markdown_text(path: Path) -> str:
    """The markdown a reader sees: a .md file, or the markdown cells of a notebook."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def require_chromium():
    """Import Playwright's sync API, or skip with a reason when Playwright/Chromium is missing."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (make test installs it)"
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium; make test does)")
    return sync_api


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A headless Chromium for one test module (started and stopped with it)."""
    sync_api = require_chromium()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


# What a static host such as GitHub Pages compresses (it serves these gzip-encoded)
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".inv", ".ttf", ".eot"}


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files, gzip-encoded for clients that accept it (as GitHub Pages serves them)."""

    _cache: dict[tuple[str, float], bytes] = {}
    _lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        key = (str(path), path.stat().st_mtime)
        with self._lock:
            body = self._cache.get(key)
            if body is None:
                body = self._cache[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser closed a tab while a file was being sent
        super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yield the base URL."""
    handler = functools.partial(SiteHandler, directory=str(directory))
    server = SiteServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# The JavaScript the tests run in a page, one copy for the browser, book and Lab tests
PROBES_JS = Path(__file__).with_name("probes.js")
_PROBES = PROBES_JS.read_text(encoding="utf-8")
PROBES = re.findall(r"^  (\w+): ", _PROBES, re.M)


def probe(name: str) -> str:
    """The function ``name`` of tests/browser/probes.js, as a string for Playwright's
    ``evaluate``/``wait_for_function`` (an expression whose value is the function)."""
    if name not in PROBES:
        raise KeyError(f"tests/browser/probes.js has no probe {name!r} (it has {PROBES})")
    return f"({_PROBES.strip()}\n).{name}"


READY_JS = probe("pageReady")
INIT_JS = """
performance.setResourceTimingBufferSize(5000);
"""


def wait_ready(page) -> float:
    """Wait until the page is interactive; return the time since navigation start (ms)."""
    page.wait_for_function(READY_JS, polling="raf", timeout=20_000)
    return page.evaluate("performance.now()")


def time_to_interactive(browser, url: str) -> float:
    """One cold load of ``url`` in a fresh context: milliseconds until interactive."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(INIT_JS)
        page.goto(url, wait_until="load")
        return wait_ready(page)
    finally:
        context.close()


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def axe_serious(page) -> list[dict]:
    """The serious and critical axe-core violations of the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                        count: v.nodes.length}));
        }"""
    )
