"""The search page, used as a reader would: type a lecture term, get the right chapter."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.helpers import markdown_text, source_of, toc_docs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TERMS = ["backpropagation"]


def chapters_titled(term: str) -> set[str]:
    """Documents of the table of contents whose title (first heading) contains ``term``."""
    found = set()
    for doc in toc_docs()[1:]:  # the landing page carries the whole book's title
        heading = re.search(r"^#\s+(.+)$", markdown_text(source_of(doc)), re.M)
        if heading and term.lower() in heading.group(1).lower():
            found.add(doc)
    return found


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_the_chapter(chromium, site, term: str) -> None:
    expected = chapters_titled(term)
    assert expected, f"no chapter of _toc.yml has {term!r} in its title"
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # from the first page: the search button opens a dialog; Enter goes to search.html
        page.goto(f"{site}{toc_docs()[0]}.html", wait_until="load")
        page.locator(".search-button-field").locator("visible=true").first.click()
        box = page.locator("#pst-search-dialog input[name=q]")
        box.fill(term)
        box.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q="))
        page.wait_for_selector("ul.search li a", timeout=20_000)
        page.wait_for_function(
            "() => !!document.querySelector('#search-results .search-summary, p.search-summary')"
            " && !/Preparing|Searching/.test(document.querySelector('#search-results h2')"
            "?.textContent || '')",
            timeout=20_000,
        )
        results = page.eval_on_selector_all(
            "ul.search li > a", "els => els.map(a => [a.href, a.textContent.trim()])"
        )
        hrefs = [h for h, _ in results]
        docs = [
            re.sub(r"\.html$", "", urlsplit(urljoin(page.url, h)).path.lstrip("/")) for h in hrefs
        ]
        assert docs, f"searching {term!r} found nothing"
        # the chapter named after the term is among the first results (Sphinx ranks a page
        # title and a section title of the same words alike)
        top = {d for (h, _), d in zip(results[:3], docs[:3], strict=True) if "#" not in h}
        assert top & expected, (
            f"searching {term!r}: no chapter of {sorted(expected)} among the first results; "
            f"results: {[(d, t) for d, (_, t) in zip(docs, results, strict=True)]}"
        )
        assert not errors, f"console errors on the search page: {errors}"
    finally:
        context.close()
