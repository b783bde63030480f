"""The chapters' mathematics as built: present, typeset at build time, and the lecture's formulas.

Reads ``lecture2/*.html`` in the built book (``BOOK_HTML``, default ``_build/html``). Every
chapter has math, typeset by the build (``<mjx-container>``); chapters 8-10 carry the key
formulas of the lecture (``LABELLED`` in ``tests/book/chapters.py``) and its bar notation.
How the build typesets is tested in ``test_math_prerender.py``, what a reader's browser
shows in ``tests/browser/test_math.py``.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.book.chapters import EXACT, LABELLED, page


def _math(text: str) -> str:
    """The TeX of all the math on a page (inline and display), HTML-unescaped.

    The build typesets every formula and keeps its TeX in ``data-latex`` (see
    book/_ext/prerender_math.js); every math element must have been typeset.
    """
    elements = re.findall(
        r'class="math notranslate nohighlight"[^>]*>(.*?)</(?:span|div)>', text, re.S
    )
    assert elements and all("<mjx-container" in e for e in elements), "math left untypeset"
    tex = re.findall(r'<mjx-container data-latex="([^"]*)"', "\n".join(elements))
    return html_lib.unescape("\n".join(tex))


@pytest.mark.parametrize("name", list(EXACT))
def test_math_is_on_the_page_and_typeset(name: str) -> None:
    path, text, _ = page(name)
    assert text.count('class="math notranslate nohighlight"') >= 5, f"{path.name}: no math"
    assert text.count("<mjx-container") >= 5, f"{path.name}: math not typeset by the build"


@pytest.mark.parametrize("name", list(LABELLED))
def test_the_lecture_formulas_in_bar_notation(name: str) -> None:
    path, text, _ = page(name)
    math = _math(text)
    assert math.count("\\bar") + math.count("\\overline") >= 5, "the bar notation is missing"
    compact = re.sub(r"\s+", "", math)
    for f in LABELLED[name]["formulas"]:
        assert re.sub(r"\s+", "", f) in compact, f"formula {f!r} is not on {path.name}"
