"""Print the built book to one PDF with Debian's Chromium (``make pdf``).

Every page of ``_toc.yml`` is loaded from the built site (``_build/html``, served on
127.0.0.1), waited on until its widgets are rendered and its math is typeset, and printed
with the print stylesheet (``book/_static/custom.css``: no sidebars or buttons, each
interactive figure in its default frame, checks collapsed as in the HTML). The pages are
joined in reading order behind a table of contents, numbered continuously, and given PDF
bookmarks. Nothing is downloaded: the browser is ``/usr/bin/chromium``, driven by
Playwright; the PDF is assembled with pypdf.

Usage::

    python tools/book_pdf.py [_build/html] [--out _build/html/lecture2-mlp.pdf]
"""

from __future__ import annotations

import argparse
import html
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pypdf import PdfReader, PdfWriter  # noqa: E402

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, serve, toc_docs, wait_ready  # noqa: E402

PAPER = {
    "format": "A4",
    "margin": {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
}
HEADER = (
    '<div style="font-size:7.5pt;color:#666;width:100%;padding:0 14mm;'
    'font-family:sans-serif">{title}</div>'
)


def page_title(page) -> str:
    """The page's first heading (the chapter title), without the permalink sign."""
    return page.evaluate(
        "() => (document.querySelector('main h1, article h1, h1')?.innerText || document.title)"
        ".replace(/[#¶]\\s*$/, '').trim()"
    )


def print_pages(browser, site: str, docs: list[str]) -> list[tuple[str, bytes]]:
    """``(title, pdf_bytes)`` of each document, printed in the light theme."""
    out = []
    context = browser.new_context(viewport={"width": 1100, "height": 1400}, color_scheme="light")
    context.add_init_script(
        "localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light');"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    for doc in docs:
        page.goto(f"{site}{doc}.html", wait_until="load")
        wait_ready(page)
        page.emulate_media(media="print")
        title = page_title(page)
        header = HEADER.format(title=html.escape(title))
        pdf = page.pdf(
            **PAPER, print_background=True, display_header_footer=True,
            header_template=header, footer_template="<span></span>",
        )  # fmt: skip
        out.append((title, pdf))
    context.close()
    return out


def html_to_pdf(browser, body: str, *, margins: bool = True) -> bytes:
    """A small HTML document (the contents, the page numbers) printed on the same paper."""
    page = browser.new_page()
    page.set_content(
        f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"
    )
    paper = PAPER if margins else {"format": PAPER["format"], "margin": {"top": "0", "bottom": "0"}}
    pdf = page.pdf(**paper, print_background=True)
    page.close()
    return pdf


def contents_html(entries: list[tuple[str, int]], book_title: str) -> str:
    """The table of contents: one row per page of the book with its first page number."""
    rows = "".join(
        f"<tr><td>{html.escape(t)}</td><td style='text-align:right'>{n}</td></tr>"
        for t, n in entries
    )
    return (
        "<style>body{font-family:sans-serif} td{padding:3pt 0;border-bottom:1px dotted #bbb}"
        "table{width:100%;border-collapse:collapse;font-size:11pt}</style>"
        f"<h1 style='font-size:20pt'>{html.escape(book_title)}</h1><h2>Contents</h2>"
        f"<table>{rows}</table>"
    )


def numbers_html(n_pages: int) -> str:
    """``n_pages`` blank pages, each with its number at the foot."""
    pages = "".join(f"<div class='p'><div class='n'>{i}</div></div>" for i in range(1, n_pages + 1))
    return (
        "<style>@page{size:A4;margin:0} body{margin:0}"
        " .p{height:296mm;position:relative;overflow:hidden;break-after:page}"
        " .n{position:absolute;bottom:8mm;width:100%;text-align:center;"
        "font:9pt sans-serif;color:#444}</style>" + pages
    )


def assemble(browser, printed: list[tuple[str, bytes]], book_title: str) -> PdfWriter:
    """Contents + pages, numbered from the first page, with one bookmark per page."""
    readers = [PdfReader(io.BytesIO(pdf)) for _, pdf in printed]
    n_contents = 1
    for _ in range(3):  # the contents' own length shifts every start page
        starts, page_no = [], n_contents + 1
        for r in readers:
            starts.append(page_no)
            page_no += len(r.pages)
        entries = [(t, s) for (t, _), s in zip(printed, starts, strict=True)]
        contents = PdfReader(io.BytesIO(html_to_pdf(browser, contents_html(entries, book_title))))
        if len(contents.pages) == n_contents:
            break
        n_contents = len(contents.pages)
    writer = PdfWriter()
    for p in contents.pages:
        writer.add_page(p)
    for (title, _), r, start in zip(printed, readers, starts, strict=True):
        for p in r.pages:
            writer.add_page(p)
        writer.add_outline_item(title=title, page_number=start - 1)
    numbers_pdf = html_to_pdf(browser, numbers_html(len(writer.pages)), margins=False)
    numbers = PdfReader(io.BytesIO(numbers_pdf))
    for page, number in zip(writer.pages, numbers.pages, strict=False):
        page.merge_page(number)
    writer.add_metadata({"/Title": book_title})
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    return writer


def build_pdf(html_dir: Path, out: Path) -> int:
    """Print every page of the table of contents into ``out``; return the page count."""
    from playwright.sync_api import sync_playwright

    docs = toc_docs()
    with serve(html_dir) as site, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            printed = print_pages(browser, site, docs)
            writer = assemble(browser, printed, printed[0][0])
        finally:
            browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        writer.write(f)
    return len(writer.pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", default=str(REPO / "_build" / "html"))
    parser.add_argument("--out", default=None, help="default: HTML_DIR/lecture2-mlp.pdf")
    args = parser.parse_args(argv)
    html_dir = Path(args.html_dir)
    if not (html_dir / "index.html").exists():
        print(f"no built book in {html_dir}: run `make book` first", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else html_dir / "lecture2-mlp.pdf"
    n = build_pdf(html_dir, out)
    print(f"wrote {out} ({n} pages, {out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
