"""The weight of the chapter pages as built: each page's size, and each figure's frames.

Reads ``lecture2/*.html`` in the built book (``BOOK_HTML``, default ``_build/html``). A page
carries every precomputed frame of its interactive figures, so the frames are what makes a
page heavy: each figure stays within ``MAX_FRAMES_PER_FIGURE`` frames and each page within
its budget (``tests/book/chapters.py``). What a reader's browser transfers is measured in
``tests/browser/test_pages.py``.
"""

from __future__ import annotations

import pytest

from tests.book.chapters import CHAPTERS, MAX_FRAMES_PER_FIGURE, MAX_PAGE_BYTES, page
from tests.book.widgetstate import models


@pytest.mark.parametrize("name", CHAPTERS)
def test_page_size(name: str) -> None:
    path, _, _ = page(name)
    size = path.stat().st_size
    assert size < MAX_PAGE_BYTES[name], f"{path.name} is {size / 1e6:.2f} MB"


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
