"""The book as one PDF (``make pdf``): printed by Chromium from the built pages, read back.

``tools/book_pdf.py`` prints every page of the table of contents; here the PDF is read back
with ``pdftotext`` (poppler-utils) and pypdf, as a student's PDF reader would: every page's
title is in it, in reading order, behind a table of contents; no formula is left as raw
TeX; the pages are numbered; and each page of the book has a bookmark.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.helpers import markdown_text, require_chromium, source_of, toc_docs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RAW_TEX = re.compile(r"\\(frac|mathbf|mathcal|bar|sigma|partial|sum|begin)\b|\$\$|\\\(|\\\[")


def _title(doc: str) -> str:
    """The first heading of a document's source, as the reader sees it."""
    heading = re.search(r"^# (.+)$", markdown_text(source_of(doc)), re.M)
    assert heading, f"{doc} has no title heading"
    return re.sub(r"[*_`$]", "", heading.group(1)).strip()  # as typeset: no markup, no $


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def book_pdf(book_html: Path, tmp_path_factory) -> Path:
    require_chromium()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found (apt-get install poppler-utils; make test does)")
    from tools.book_pdf import build_pdf

    out = tmp_path_factory.mktemp("pdf") / "lecture2-mlp.pdf"
    build_pdf(book_html, out)
    return out


def _text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    cmd = ["pdftotext", "-layout"]
    cmd += ["-f", str(first)] if first else []
    cmd += ["-l", str(last)] if last else []
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_every_page_title_in_reading_order(book_pdf: Path) -> None:
    text = _words(_text(book_pdf))
    position = 0
    for doc in toc_docs()[1:]:  # the landing page's title is the book's
        title = _words(_title(doc))
        found = text.find(title, position)
        assert found >= 0, f"{doc}: title {title!r} not found after position {position}"
        position = found + len(title)


def test_contents_page_lists_every_chapter_with_its_page(book_pdf: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(book_pdf)
    contents = _words(_text(book_pdf, 1, 1))
    assert "Contents" in contents
    chapters = [d for d in toc_docs() if d.startswith("lecture2/")]
    for doc in chapters:
        match = re.search(re.escape(_words(_title(doc))) + r" (\d+)", contents)
        assert match, f"{doc} is not on the contents page"
        page = int(match.group(1))
        assert 1 < page <= len(reader.pages)
        assert _words(_title(doc)) in _words(_text(book_pdf, page, page + 1))


def test_no_raw_tex_and_pages_numbered(book_pdf: Path) -> None:
    from pypdf import PdfReader

    text = _text(book_pdf)
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(text)})
    assert not raw, f"raw TeX left in the PDF: {raw}"
    reader = PdfReader(book_pdf)
    n = len(reader.pages)
    assert n > 3 * len(toc_docs())
    for page in (2, n // 2, n):
        lines = [ln.strip() for ln in _text(book_pdf, page, page).splitlines() if ln.strip()]
        assert lines and lines[-1] == str(page), f"page {page} ends with {lines[-1:]!r}"


def test_bookmarks_one_per_page_of_the_book(book_pdf: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(book_pdf)
    titles = [item.title for item in reader.outline]
    assert len(titles) == len(toc_docs())
    assert _words(_title("lecture2/01-limits-of-linear-models")) in titles
