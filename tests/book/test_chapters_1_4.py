"""Chapters 1 to 4 (limits of linear models ... multilayer perceptrons) as built.

Pure-file checks of ``lecture2/0[1-4]-*.html`` in the built book (``BOOK_HTML``, default
``_build/html``; the session fixture in ``tests/conftest.py`` builds it first). For every
chapter they check what a reader of the static HTML relies on:

* the sphinx-proof blocks (definitions, lemmas, theorems, propositions, proofs) by label;
* MathJax markup, the static figures (``<img>`` of the executed cells) and the
  sphinx-exercise blocks with dropdown solutions;
* for every :class:`mlp.figures.frames.Explorer` on the page: the saved
  ``application/vnd.jupyter.widget-state+json`` holds exactly the product of its controls'
  value counts of precomputed ``mlp-frame`` pictures (each with alt text), and every control
  is ``jslink``-ed (a ``LinkModel``) to every Stack of its level, so that no control in the
  static page does nothing;
* no live-mode widget leaked into the static page, and the page stays under 3 MB.

The expected grids are the controls of the Explorers in the chapter sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.book.widgetstate import STATE, widget_state
from tests.book.widgetstate import chapter_page as _page
from tests.book.widgetstate import check_links as _check_links
from tests.book.widgetstate import explorer_grid as _grid
from tests.book.widgetstate import frames as _frames

MAX_PAGE_BYTES = 3_000_000
PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')

# Per chapter: the prf blocks by kind -> labels, proofs, exercises, static figures, and the
# value counts of every Explorer's controls (in the order the chapter creates them).
CHAPTERS = {
    "01-limits-of-linear-models": {
        "prf": {
            "definition": ["def-convex"],
            "lemma": ["lem-convex-combination", "lem-halfspace-convex"],
            "theorem": ["thm-xor", "thm-pattern-ab"],
            "proposition": ["prop-lr-constant"],
        },
        "proofs": 5,
        "exercises": ["ex-xnor", "ex-and", "ex-induction", "ex-three-pixels", "ex-lr-predicts"],
        "figures": 3,
        "explorers": [[5, 5, 3]],
    },
    "02-feature-maps": {
        "prf": {"proposition": ["prop-xor-features"]},
        "proofs": 1,
        "exercises": ["ex-one-feature", "ex-linear-feature", "ex-count-monomials"],
        "figures": 2,
        "explorers": [[2, 8], [2, 6]],
    },
    "03-neurons": {
        "prf": {},
        "proofs": 0,
        "exercises": ["ex-neuron-or", "ex-softmax-params", "ex-lif-period"],
        "figures": 6,
        "explorers": [[6], [3, 5]],
    },
    "04-multilayer-perceptrons": {
        "prf": {"proposition": ["prop-linear-collapse"], "theorem": ["thm-universal"]},
        "proofs": 1,
        "exercises": ["ex-shapes", "ex-sigmoid-bound", "ex-dead-relu", "ex-depth-xor"],
        "figures": 3,
        "explorers": [[3, 5], [7]],
    },
}


def _state(path: Path, text: str) -> dict:
    return widget_state(text, path.name)


def test_expected_grids_are_modest() -> None:
    for spec in CHAPTERS.values():
        for counts in spec["explorers"]:
            assert _grid(counts)[0] <= 150  # the frame budget of one Explorer


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_proof_blocks(name: str) -> None:
    path, text = _page(name)
    spec = CHAPTERS[name]
    for kind, labels in spec["prf"].items():
        found = re.findall(rf'<div class="proof {kind} admonition" id="([^"]+)">', text)
        assert sorted(found) == sorted(labels), f"{path.name}: {kind} blocks {found}"
    assert text.count('<div class="proof admonition"') == spec["proofs"], path.name
    # cross-references to the blocks resolve (no raw role text left on the page)
    assert "{prf:ref}" not in text and "prf:ref" not in re.sub(r"<[^>]+>", "", text)


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_math_figures_and_exercises(name: str) -> None:
    path, text = _page(name)
    spec = CHAPTERS[name]
    assert text.count('class="math notranslate nohighlight"') >= 5, f"{path.name}: no math"
    assert text.count("<mjx-container") >= 5, f"{path.name}: math not typeset by the build"
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


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_interactive_figures_are_precomputed_and_linked(name: str) -> None:
    path, text = _page(name)
    spec = CHAPTERS[name]
    state = _state(path, text)
    frames = _frames(state)
    grids = [_grid(c) for c in spec["explorers"]]
    assert len(frames) == sum(f for f, _ in grids), f"{path.name}: {len(frames)} frames"
    assert _check_links(state) == sum(n for _, n in grids)
    assert all(PNG.search(f) and 'alt="' in f for f in frames)
    pngs = [PNG.search(f).group(1) for f in frames]
    assert len(set(pngs)) == len(pngs), f"{path.name}: two states show the same picture"
    assert text.count("Precomputed figure") == len(grids)
    assert "Live figure" not in text  # a live widget would do nothing without a kernel


def test_xor_explorer_never_reaches_four() -> None:
    path, text = _page("01-limits-of-linear-models")
    frames = _frames(_state(path, text))
    counts = [int(re.search(r"<b>(\d) of 4</b>", f).group(1)) for f in frames]
    assert len(counts) == 75 and max(counts) == 3


def test_feature_explorer_ends_separable() -> None:
    path, text = _page("04-multilayer-perceptrons")
    frames = _frames(_state(path, text))
    separated = [int(m.group(1)) for f in frames if (m := re.search(r"<b>(\d+) of 200</b>", f))]
    assert len(separated) == 7 and max(separated) == 200 and min(separated) < 200


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_page_size(name: str) -> None:
    path, _ = _page(name)
    size = path.stat().st_size
    assert size < MAX_PAGE_BYTES, f"{path.name} is {size / 1e6:.2f} MB"
