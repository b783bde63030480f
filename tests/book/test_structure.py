"""What a chapter page is made of, as built: goals and summary, sphinx-proof blocks, exercises
with dropdown solutions, static figures, resolved citations, and no error output.

Reads ``lecture2/*.html`` in the built book (``BOOK_HTML``, default ``_build/html``; the
session fixture in ``tests/conftest.py`` builds it first), against the expectations of
``tests/book/chapters.py``: chapters 1-4 list every block exactly (``EXACT``), chapters 8-10
name the blocks, figures and citations they must have (``LABELLED``).
"""

from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.book.chapters import EXACT, LABELLED, page
from tests.book.widgetstate import STATE


def _plain(text: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))


# ---- chapters 1-4 ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXACT))
def test_proof_blocks(name: str) -> None:
    path, text, _ = page(name)
    spec = EXACT[name]
    for kind, labels in spec["prf"].items():
        found = re.findall(rf'<div class="proof {kind} admonition" id="([^"]+)">', text)
        assert sorted(found) == sorted(labels), f"{path.name}: {kind} blocks {found}"
    assert text.count('<div class="proof admonition"') == spec["proofs"], path.name
    # cross-references to the blocks resolve (no raw role text left on the page)
    assert "{prf:ref}" not in text and "prf:ref" not in re.sub(r"<[^>]+>", "", text)


@pytest.mark.parametrize("name", list(EXACT))
def test_figures_exercises_goals_and_citations(name: str) -> None:
    path, text, _ = page(name)
    spec = EXACT[name]
    body = STATE.sub("", text)  # static figures only, not the widget frames
    figures = re.findall(r'<img[^>]+src="\.\./_images/[^"]+\.png"', body)
    assert len(figures) >= spec["figures"], f"{path.name}: {len(figures)} figures"
    exercises = re.findall(r'<div class="exercise admonition" id="([^"]+)">', text)
    assert sorted(exercises) == sorted(spec["exercises"])
    assert text.count('<div class="solution dropdown admonition"') == len(spec["exercises"])
    # every chapter opens with learning goals and ends with a summary
    assert "Learning goals" in text and 'id="summary"' in text
    # citations were resolved (sphinxcontrib-bibtex leaves no raw role)
    assert "{cite}" not in text


# ---- chapters 8-10 --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(LABELLED))
def test_page_parts_and_described_figures(name: str) -> None:
    path, text, _ = page(name)
    min_figures = LABELLED[name]["figures"]
    assert "Traceback" not in text and "output_error" not in text
    assert "Learning goals" in text and "Summary" in text and "Check your understanding" in text
    # static figures: an image in a cell output, followed by its italic description
    images = re.findall(r'<img[^>]+src="[^"]*\.png"', text)
    assert len(images) >= min_figures, f"{path.name}: {len(images)} figures"
    assert len(re.findall(r"<em>Figure:", text)) >= min_figures


@pytest.mark.parametrize("name", list(LABELLED))
def test_blocks_and_dropdown_solutions(name: str) -> None:
    _, text, _ = page(name)
    for label, kind in LABELLED[name]["prf"].items():
        m = re.search(rf'<div class="([^"]*)" id="{label}"', text)
        assert m, f"no sphinx-proof block {label}"
        assert kind in m.group(1).split() and "proof" in m.group(1).split()
    for label in LABELLED[name]["exercises"]:
        assert re.search(rf'<div class="[^"]*exercise[^"]*" id="{label}"', text), label
        m = re.search(rf'<div class="([^"]*solution[^"]*)" id="solution-{label}"', text) or (
            re.search(
                rf'<div class="([^"]*solution[^"]*)"[^>]*>\s*<p class="admonition-title">'
                rf'[^<]*<a[^>]*href="#{label}"',
                text,
            )
        )
        assert m, f"no solution for {label}"
        assert "dropdown" in m.group(1), f"the solution of {label} is not a dropdown"


@pytest.mark.parametrize("name", list(LABELLED))
def test_citations_resolved(name: str) -> None:
    _, text, _ = page(name)
    plain = _plain(text)
    for key in LABELLED[name]["cited"]:
        assert key in plain
