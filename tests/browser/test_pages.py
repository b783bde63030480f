"""Every page of the table of contents, read in Chromium the way a reader meets it.

One page load per document (a module-scoped, parametrized fixture), then one test per
property: math typeset, images load, theorem/proof/exercise blocks render, every
interactive figure responds with no kernel, the download button gives the source, no
serious accessibility violation (axe-core), the page-size budget, and finally no console
error, no failed request and no request outside the site's own origin (checked last, so
it also covers what the interactions triggered).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from tests.browser.helpers import (
    INIT_JS,
    REPO,
    axe_serious,
    markdown_text,
    probe,
    source_of,
    toc_docs,
    wait_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_PAGE_BYTES = 2_500_000  # issue #18: at most 2.5 MB per page, everything a cold load takes
# console errors that are expected (none since the pages stopped loading the widget manager)
ALLOWED_CONSOLE: list[re.Pattern] = []


@dataclass
class Visit:
    doc: str
    url: str
    page: object
    origin: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    ready_ms: float = 0.0
    transfer_bytes: int = 0
    screenshot: Path | None = None


def _doc_id(doc: str) -> str:
    return doc.replace("/", "__")


@pytest.fixture(scope="module", params=toc_docs(), ids=_doc_id)
def visit(request, chromium, site, screenshot_dir) -> Iterator[Visit]:
    """Load one page in a fresh browser context; record console, requests, timing."""
    doc = request.param
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(INIT_JS)
    origin = site.rstrip("/")
    v = Visit(doc=doc, url=f"{site}{doc}.html", page=page, origin=origin)

    def on_console(msg) -> None:
        if msg.type == "error" and not any(p.search(msg.text) for p in ALLOWED_CONSOLE):
            v.console_errors.append(f"console.error: {msg.text} ({msg.location.get('url')})")

    def on_request(req) -> None:
        scheme = urlsplit(req.url).scheme
        if scheme in ("http", "https", "ws", "wss") and not req.url.startswith(origin + "/"):
            v.outside.append(req.url)

    page.on("console", on_console)
    page.on("pageerror", lambda err: v.console_errors.append(f"uncaught: {err}"))
    page.on("request", on_request)
    page.on("requestfailed", lambda r: v.failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and v.failed.append(f"{r.url} (HTTP {r.status})"))

    response = page.goto(v.url, wait_until="load")
    assert response is not None and response.ok, f"{v.url} answered {response and response.status}"
    v.ready_ms = wait_ready(page)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    v.transfer_bytes = page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(
             performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)"""
    )
    # a lazy image would only load when scrolled to: load them all before looking
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading='eager')")
    v.screenshot = screenshot_dir / f"{_doc_id(doc)}.png"
    page.screenshot(path=str(v.screenshot), full_page=True, timeout=90_000)  # the API page is long
    yield v
    context.close()


def body_text_outside_code(page) -> str:
    return page.evaluate(
        """() => {
          const root = document.querySelector('main') || document.body;
          const clone = root.cloneNode(true);
          clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, '
            + '.highlight, .cell_input, .cell_output').forEach(e => e.remove());
          return clone.innerText;
        }"""
    )


def test_math_is_typeset(visit: Visit) -> None:
    page = visit.page
    untypeset = page.evaluate(
        """() => [...document.querySelectorAll('span.math, div.math')]
             .filter(e => !e.querySelector('mjx-container'))
             .map(e => e.textContent.slice(0, 80))"""
    )
    assert not untypeset, f"math left untypeset on {visit.doc}: {untypeset[:5]}"
    errors = page.evaluate(
        "() => [...document.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 80))"
    )
    assert not errors, f"MathJax errors on {visit.doc}: {errors[:5]}"
    text = body_text_outside_code(page)
    raw = re.findall(r".{0,30}(?:\\\(|\\\[|\$\$).{0,30}", text)
    assert not raw, f"raw TeX left in the text of {visit.doc}: {raw[:5]}"
    if re.search(r"\$[^$\s][^$]*\$", markdown_text(source_of(visit.doc))):
        assert page.locator("mjx-container").count() > 0, f"{visit.doc} has math but no MathJax"


def test_every_image_loads(visit: Visit) -> None:
    page = visit.page
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete)", polling=100, timeout=10_000
    )
    broken = page.evaluate(
        """() => [...document.images].filter(i => i.naturalWidth === 0)
             .map(i => (i.currentSrc || i.src).slice(0, 100))"""
    )
    assert not broken, f"images that did not load on {visit.doc}: {broken}"


DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{(prf:[a-z]+|exercise|solution)\}", re.M)


def test_theorem_proof_and_exercise_blocks_render(visit: Visit) -> None:
    found = DIRECTIVE.findall(markdown_text(source_of(visit.doc)))
    page = visit.page
    expected = {
        "div.admonition.proof": sum(d.startswith("prf:") for d in found),
        "div.admonition.exercise": found.count("exercise"),
        "div.admonition.solution": found.count("solution"),
    }
    for selector, n in expected.items():
        got = page.locator(selector).count()
        assert got == n, f"{visit.doc}: {n} source directive(s) for {selector}, {got} rendered"
    for kind in sorted(set(d for d in found if d.startswith("prf:") and d != "prf:proof")):
        name = kind.split(":")[1]
        assert page.locator(f"div.admonition.proof.{name}").count() == found.count(kind)
    # every block shows its heading ("Theorem 1.1 (...)", "Exercise 1.2", "Proof.") and a body
    blocks = page.evaluate(
        """() => [...document.querySelectorAll(
             'div.admonition.proof, div.admonition.exercise, div.admonition.solution')]
             .map(e => [e.className, e.innerText.trim().split('\\n')[0], e.innerText.length])"""
    )
    for cls, first_line, length in blocks:
        assert first_line and length > len(first_line), f"{visit.doc}: empty block {cls!r}"
    text = body_text_outside_code(page)
    leftovers = re.findall(r".{0,20}\{(?:prf:\w+|exercise|solution)\}.{0,20}", text)
    assert not leftovers, f"{visit.doc}: unrendered directive text: {leftovers[:3]}"


OTHER_CONTROLS = ".widget-dropdown, .widget-text, .widget-checkbox, button.widget-button"
SHOWN_JS = probe("shownFrame")


def _move_until_changed(page, area, control, kind: str) -> bool:
    """Move one control step by step through its range until the shown frame changes."""
    before = area.evaluate(SHOWN_JS)
    if kind == "slider":
        handle = control.locator("input[type=range]")
        lo = float(handle.get_attribute("min") or 0)
        hi = float(handle.get_attribute("max") or 0)
        now = float(handle.input_value() or 0)
        key = "ArrowLeft" if now >= hi else "ArrowRight"
        for _ in range(int(hi - lo) or 1):
            handle.focus()
            page.keyboard.press(key)
            if _changed(page, area, before):
                return True
        return False
    buttons = control.locator("button")
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if "mod-active" in (button.get_attribute("class") or ""):
            continue
        button.click()
        if _changed(page, area, before):
            return True
    return False


def _changed(page, area, before: str) -> bool:
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        if area.evaluate(SHOWN_JS) != before:
            return True
        page.wait_for_timeout(50)
    return False


def test_interactive_figures_respond_without_a_kernel(visit: Visit) -> None:
    page = visit.page
    areas = page.locator(".widget-subarea")
    n_figures = 0
    for i in range(areas.count()):
        area = areas.nth(i)
        sliders = area.locator(".widget-slider")
        toggles = area.locator(".widget-toggle-buttons")
        other = area.locator(OTHER_CONTROLS)
        n_controls = sliders.count() + toggles.count() + other.count()
        if area.locator(".mlp-quiz").count() > 0:
            continue  # a quiz: its feedback is checked by test_quizzes.py
        if area.locator(".mlp-frame").count() == 0:
            assert n_controls == 0, (
                f"{visit.doc}: widget #{i} has controls but no precomputed frames "
                "(mlp.figures.frames.Frames): it cannot respond in the static book"
            )
            continue
        n_figures += 1
        assert n_controls > 0, f"{visit.doc}: interactive figure #{i} has no control"
        assert other.count() == 0, f"{visit.doc}: figure #{i} has a control Frames never makes"
        area.scroll_into_view_if_needed()
        for kind, group in (("slider", sliders), ("toggle", toggles)):
            for j in range(group.count()):
                control = group.nth(j)
                label = control.locator(".widget-label").first.text_content() or f"#{j}"
                assert _move_until_changed(page, area, control, kind), (
                    f"{visit.doc}: moving {kind} {label!r} of figure #{i} never changed the "
                    "picture or its text"
                )
        ok = area.evaluate(probe("shownPictureLoaded"))
        assert ok, f"{visit.doc}: figure #{i} shows no picture after moving its controls"
    scripts = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    assert n_figures <= scripts


def test_download_button_gives_the_source(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    source = source_of(visit.doc)
    page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
    item = page.locator(".dropdown-download-buttons a.btn-download-source-button")
    assert item.is_visible(), f"{visit.doc}: no source download in the download menu"
    assert (item.text_content() or "").strip() == source.suffix
    # the link opens in a new tab: the browser downloads a notebook, and shows a .md file
    got: dict[str, object] = {}
    page.context.on("page", lambda p: got.setdefault("tab", p))
    page.on("download", lambda d: got.setdefault("download", d))
    item.click()
    deadline = time.monotonic() + 15
    while not got and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.keyboard.press("Escape")
    assert got, f"{visit.doc}: clicking the download item neither downloaded nor opened a tab"
    if "download" in got:
        download = got["download"]
        path = tmp_path / download.suggested_filename
        download.save_as(path)
    else:
        tab = got["tab"]
        tab.wait_for_load_state()
        path = tmp_path / Path(urlsplit(tab.url).path).name
        response = page.request.get(tab.url)
        assert response.ok
        path.write_bytes(response.body())
        tab.close()
    assert path.name == source.name
    if source.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        want = nbformat.read(source, as_version=4)
        assert [(c.cell_type, c.source) for c in nb.cells] == [
            (c.cell_type, c.source) for c in want.cells
        ], f"{visit.doc}: the downloaded notebook differs from {source.relative_to(REPO)}"
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    else:
        assert path.read_bytes() == source.read_bytes()


def test_accessibility_no_serious_violations(visit: Visit) -> None:
    result = axe_serious(visit.page)
    assert not result, f"{visit.doc}: axe-core violations:\n" + json.dumps(result, indent=1)


def test_page_size_budget(visit: Visit, record_property) -> None:
    # Time to interactive (budget 1 s) is measured by benchmarks/bench_book.py, not asserted
    # here: on a shared 2-core machine a timed assertion fails with other people's load.
    record_property("ready_ms", round(visit.ready_ms))
    record_property("transfer_bytes", visit.transfer_bytes)
    assert visit.transfer_bytes <= MAX_PAGE_BYTES, (
        f"{visit.doc} transfers {visit.transfer_bytes / 1e6:.2f} MB (budget 2.5 MB)"
    )


def test_no_console_errors_failed_or_outside_requests(visit: Visit) -> None:
    visit.page.wait_for_timeout(200)
    problems = visit.console_errors + [f"failed: {f}" for f in visit.failed]
    problems += [f"outside the site: {u}" for u in visit.outside]
    assert not problems, f"{visit.doc}:\n" + "\n".join(problems)
    assert visit.screenshot is not None and visit.screenshot.stat().st_size > 0
