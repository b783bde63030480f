"""The weight of the chapter pages as built: each page's own bytes, and each figure's frames.

Reads ``lecture2/*.html`` in the built book (``BOOK_HTML``, default ``_build/html``). A page
carries every precomputed frame of its interactive figures, so the frames are what makes a
page heavy. Each chapter's own weight (its HTML gzipped as a static host serves it, plus the
images it links) stays within ``MAX_OWN_BYTES``, each figure within
``MAX_FRAMES_PER_FIGURE`` frames, and the universality chapter's figures are fine-grained:
at least ``MIN_UNIVERSALITY_FRAMES`` frames, every slider of its continuous figures at
``MIN_SLIDER_PLACES`` places or more (issue #18; ``benchmarks/bench_book.py`` reports the
same numbers, and what a reader's browser transfers is checked in
``tests/browser/test_pages.py``).
"""

from __future__ import annotations

import gzip
import re

import pytest

from tests.book.chapters import (
    CHAPTERS,
    MAX_FRAMES_PER_FIGURE,
    MAX_OWN_BYTES,
    MIN_SLIDER_PLACES,
    MIN_UNIVERSALITY_FRAMES,
    page,
)
from tests.book.widgetstate import frames, models


@pytest.mark.parametrize("name", CHAPTERS)
def test_own_weight(name: str) -> None:
    path, text, _ = page(name)
    images = set(re.findall(r'<img[^>]* src="(?!data:)([^"]+)"', text))
    own = len(gzip.compress(text.encode(), compresslevel=6))
    own += sum((path.parent / i).stat().st_size for i in images)
    assert own <= MAX_OWN_BYTES[name], f"{path.name}: {own / 1e6:.3f} MB gzipped with its images"


def _frames_below(state: dict, model_id: str) -> int:
    model = state[model_id]["state"]
    if 'class="mlp-frame"' in str(model.get("value", "")):
        return 1
    kids = [c.removeprefix("IPY_MODEL_") for c in model.get("children", [])]
    return sum(_frames_below(state, k) for k in kids if k in state)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_figure_within_the_frame_budget(name: str) -> None:
    path, _, state = page(name)
    stacks = models(state, "StackModel")
    inner = {c.removeprefix("IPY_MODEL_") for s in stacks.values() for c in s.get("children", [])}
    per_figure = [_frames_below(state, s) for s in stacks if s not in inner]
    assert per_figure, f"{path.name} has no precomputed figure"
    assert max(per_figure) <= MAX_FRAMES_PER_FIGURE, f"{path.name}: frames {per_figure}"


def test_universality_figures_are_fine_grained() -> None:
    path, _, state = page("06-universality")
    assert len(frames(state)) >= MIN_UNIVERSALITY_FRAMES
    sliders = models(state, "SelectionSliderModel").values()
    places = {s["description"]: len(s["_options_labels"]) for s in sliders}
    continuous = ["steepness k", "step position s", "step up at", "step down at"]
    assert all(places[d] >= MIN_SLIDER_PLACES for d in continuous), places
