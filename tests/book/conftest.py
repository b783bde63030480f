"""Every test in tests/book reads the built book: build it (once) before any of them runs."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _built_book(book_html):
    return book_html
