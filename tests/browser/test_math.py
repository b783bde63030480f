"""Math typeset when the book was built, and MathJax loaded in the browser only when needed.

The pages carry their formulas as MathJax SVG (book/_ext/math_prerender.py), so a reader's
browser runs no MathJax for them. The page's widget script (static_widgets.js) still asks
for MathJax 2's ``MathJax.Hub.Queue`` when it shows a widget label; the page's stand-in must
ignore labels without TeX (requesting nothing) and typeset a label with TeX by loading the
site's own MathJax once.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import INIT_JS, toc_docs, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHAPTER = next(doc for doc in toc_docs() if doc.startswith("lecture2/"))


def _open(chromium, site: str):
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(INIT_JS)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site}{CHAPTER}.html", wait_until="load")
    wait_ready(page)
    return context, page, requests, errors


def test_a_chapter_loads_no_mathjax_but_shows_its_math(chromium, site) -> None:
    context, page, requests, errors = _open(chromium, site)
    try:
        assert page.locator("mjx-container svg").count() > 10
        # every formula has the MathML a screen reader reads
        assert page.locator("mjx-container").count() == page.locator("mjx-assistive-mml").count()
        page.wait_for_timeout(300)
        assert not [u for u in requests if "mathjax" in u.lower()], "MathJax was downloaded"
        assert not errors, errors
    finally:
        context.close()


def test_widget_math_is_typeset_on_demand(chromium, site) -> None:
    context, page, requests, errors = _open(chromium, site)
    try:
        page.evaluate(
            """() => {
              const labels = [['plain', 'learning rate'], ['tex', 'rate \\\\(\\\\eta^2\\\\)']];
              for (const [id, text] of labels) {
                const el = document.createElement('label');
                el.id = id;
                el.textContent = text;
                document.querySelector('main').appendChild(el);
                window.MathJax.Hub.Queue(['Typeset', window.MathJax.Hub, el]);
              }
            }"""
        )
        page.wait_for_selector("#tex mjx-container", timeout=15_000)
        assert page.locator("#plain mjx-container").count() == 0
        assert page.locator("#plain").inner_text() == "learning rate"
        loads = [u for u in requests if "vendor/mathjax/tex-mml-chtml.js" in u]
        assert len(loads) == 1, loads
        assert all(u.startswith(site) for u in requests), "a request left the site"
        # a second label reuses the MathJax already loaded
        page.evaluate(
            """() => {
              const el = document.createElement('label');
              el.id = 'tex2';
              el.textContent = '$w_{ij}$';
              document.querySelector('main').appendChild(el);
              window.MathJax.Hub.Queue(['Typeset', window.MathJax.Hub, el]);
            }"""
        )
        page.wait_for_selector("#tex2 mjx-container", timeout=15_000)
        assert len([u for u in requests if "tex-mml-chtml.js" in u]) == 1
        assert not errors, errors
    finally:
        context.close()
