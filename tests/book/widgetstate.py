"""Reading a built page's saved widget state: the frames and links of its interactive figures.

Shared by the tests of this folder (grouped by what they check; see chapters.py). A page
executed by the book build carries its widgets' state in
``<script type="application/vnd.jupyter.widget-state+json">`` (one per figure); an
``mlp.figures.frames.Frames`` in static mode saves there one ``HTMLModel`` per precomputed
frame (``class="mlp-frame"``) and one ``LinkModel`` per control-to-stack link.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S
)
CONTROL_MODELS = {"SelectionSliderModel", "ToggleButtonsModel"}


def widget_state(text: str, where: str = "page") -> dict:
    """The ``state`` mapping (model id -> model) saved in a built page: each static figure
    carries its own (mlp.figures.static_widgets), merged here with any the page holds."""
    found = STATE.findall(text)
    assert found, f"{where} has no saved widget state (application/vnd.jupyter.widget-state+json)"
    merged: dict = {}
    for saved in found:
        state = json.loads(saved)["state"]
        assert not set(state) & set(merged), f"{where}: two figures share a model id"
        merged.update(state)
    return merged


def models(state: dict, name: str) -> dict[str, dict]:
    """The states of every model called ``name`` (e.g. ``"LinkModel"``), by model id."""
    return {k: v["state"] for k, v in state.items() if v["model_name"] == name}


def frames(state: dict) -> list[str]:
    """The HTML of every precomputed frame of a figure (a quiz's feedback frames are not)."""
    return [
        s["value"]
        for s in models(state, "HTMLModel").values()
        if 'class="mlp-frame"' in s.get("value", "") and "mlp-quiz" not in s["value"]
    ]


def is_quiz_stack(state: dict, stack_id: str) -> bool:
    """Whether a Stack holds a quiz's feedback frames (mlp.figures.quiz) rather than pictures."""
    kids = [c.removeprefix("IPY_MODEL_") for c in state[stack_id]["state"]["children"]]
    return bool(kids) and all("mlp-quiz" in str(state[k]["state"].get("value", "")) for k in kids)


def quiz_count(state: dict) -> int:
    """The number of quizzes on a page (each is one control linked to one feedback Stack)."""
    return sum(is_quiz_stack(state, s) for s in models(state, "StackModel"))


def check_links(state: dict, controls: set[str] = CONTROL_MODELS) -> int:
    """Check that every link joins a control's index to a Stack with as many children as the
    control has options; return the number of links of the figures (a quiz's link is checked
    the same way, and counted by :func:`quiz_count`)."""
    links = models(state, "LinkModel")
    n_quiz = 0
    for link in links.values():
        (src, src_attr), (dst, dst_attr) = link["source"], link["target"]
        src_id, dst_id = src.removeprefix("IPY_MODEL_"), dst.removeprefix("IPY_MODEL_")
        assert src_id in state and dst_id in state, "a link points to a missing model"
        assert (src_attr, dst_attr) == ("index", "selected_index")
        assert state[src_id]["model_name"] in controls
        assert state[dst_id]["model_name"] == "StackModel"
        n_children = len(state[dst_id]["state"]["children"])
        n_options = len(state[src_id]["state"]["_options_labels"])
        assert n_children == n_options, "a control and its stack disagree on the state count"
        n_quiz += is_quiz_stack(state, dst_id)
    return len(links) - n_quiz


def chapter_page(name: str) -> tuple[Path, str]:
    """The built HTML of chapter ``name`` (from ``BOOK_HTML``), or skip if it is not built."""
    root = Path(os.environ.get("BOOK_HTML", "_build/html"))
    path = root / "lecture2" / f"{name}.html"
    if not path.exists():
        pytest.skip(
            f"no built chapter at {path}: build the book first (make book) or set BOOK_HTML"
        )
    return path, path.read_text(encoding="utf-8")


def explorer_grid(counts: list[int]) -> tuple[int, int]:
    """(frames, links) of a Frames figure whose controls have these value counts."""
    frames, links, stacks = 1, 0, 1
    for n in counts:
        links += stacks  # one link from this control to every stack at its depth
        stacks *= n
        frames *= n
    return frames, links
