"""The built book, served on 127.0.0.1, and a Chromium to read it with.

``site`` serves the ``book_html`` fixture (tests/conftest.py: the book built like
``make book``) with a ThreadingHTTPServer on a free port; everything the tests load must
come from that origin. Full-page screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import ARTIFACTS, chromium, serve, toc_docs  # noqa: F401  (chromium: a fixture)

SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="session")
def site(book_html: Path) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT/``) of the built book, served from its directory
    by a ThreadingHTTPServer in a thread (gzip-encoded, as GitHub Pages serves it)."""
    with serve(book_html) as url:
        yield url


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    current = {f"{doc.replace('/', '__')}.png" for doc in toc_docs()}
    for old in SCREENSHOTS.glob("*.png"):
        if old.name not in current:  # a page no longer in the table of contents
            old.unlink(missing_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    shots = sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.exists() else []
    if shots:
        terminalreporter.write_line(
            f"browser tests: {len(shots)} full-page screenshots in {SCREENSHOTS}"
        )
