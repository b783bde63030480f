"""Chapters 5 and 6 (expressive power) as built: every widget's precomputed frames are there.

Reads ``lecture2/05-xor-network.html`` and ``lecture2/06-universality.html`` from the built
book (``BOOK_HTML``, default ``_build/html``; the session fixture in ``tests/conftest.py``
builds it first). From the saved ``application/vnd.jupyter.widget-state+json`` script it
checks, for each :class:`mlp.figures.frames.Explorer` on the page: the number of ``mlp-frame``
pictures (the product of its controls' value counts), that the pictures differ, that every
control is ``jslink``-ed (``LinkModel``) to every stack of its level, and that the page says
the figure is precomputed. The expected counts come from the widget classes themselves, so
a change of a widget's grid and a stale page cannot both pass.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from mlp.figures.bumps import HEIGHT_RULES, BumpBuilder, DesignChallenge, SigmoidStep
from tests.book.widgetstate import chapter_page, widget_state
from tests.book.widgetstate import check_links as _check_links
from tests.book.widgetstate import explorer_grid as _grid
from tests.book.widgetstate import frames as _frames

MAX_PAGE_BYTES = 3_000_000
PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _counts(widget) -> list[int]:
    return [len(c.values) for c in widget.explorer.controls]


# The live constructors are cheap (no frames are drawn); they give the static grids.
SIGMOID = _counts(SigmoidStep(mode="live"))
BUMP = _counts(BumpBuilder(mode="live"))
_defaults = inspect.signature(DesignChallenge).parameters
CHALLENGE_STATIC = [  # unit type x number of bumps x height rule
    len(_defaults["units"].default),
    len(_defaults["static_n_bumps"].default),
    len(HEIGHT_RULES),
]
XOR_K = [7]  # the k slider of chapter 5


def _load(name: str) -> tuple[Path, dict]:
    path, text = chapter_page(name)
    return path, widget_state(text, str(path))


@pytest.fixture(scope="module")
def ch5() -> tuple[Path, dict]:
    return _load("05-xor-network")


@pytest.fixture(scope="module")
def ch6() -> tuple[Path, dict]:
    return _load("06-universality")


def test_grids_match_the_chapter() -> None:
    # the chapter text promises these numbers of states
    assert _grid(BUMP)[0] == 48
    assert _grid(SIGMOID)[0] == 24
    assert DesignChallenge(mode="live").threshold == 0.06


def test_chapter_5_frames_and_links(ch5: tuple[Path, dict]) -> None:
    path, state = ch5
    frames = _frames(state)
    n_frames, n_links = _grid(XOR_K)
    assert len(frames) == n_frames
    assert _check_links(state) == n_links
    pngs = [PNG.search(f).group(1) for f in frames]
    assert len(set(pngs)) == len(pngs), "two values of k show the same picture"
    assert all("largest error at the four inputs" in f for f in frames)
    assert "Precomputed figure" in path.read_text(encoding="utf-8")


def test_chapter_6_frames_and_links(ch6: tuple[Path, dict]) -> None:
    path, state = ch6
    frames = _frames(state)
    sig = [f for f in frames if "step position" in f]
    bump = [f for f in frames if "draws this bump" in f]
    chal = [f for f in frames if "Mean absolute error" in f or "Success" in f]
    assert len(sig) == _grid(SIGMOID)[0]
    assert len(bump) == _grid(BUMP)[0]
    assert len(chal) == _grid(CHALLENGE_STATIC)[0]
    assert len(frames) == len(sig) + len(bump) + len(chal)
    expected_links = sum(_grid(g)[1] for g in (SIGMOID, BUMP, CHALLENGE_STATIC))
    assert _check_links(state) == expected_links
    # every frame is a picture with alt text, and the pictures differ where they should
    assert all(PNG.search(f) and 'alt="' in f for f in frames)
    for group in (sig, chal):
        pngs = [PNG.search(f).group(1) for f in group]
        assert len(set(pngs)) == len(pngs)
    # the bump builder prints the weights; the challenge opens the network on demand
    assert all("W(1) = " in f and "b(2) = " in f for f in bump)
    assert all("<details>" in f and "Show the network" in f for f in chal)
    assert sum("Success" in f for f in chal) >= 6  # six bumps win for every unit type
    text = path.read_text(encoding="utf-8")
    assert text.count("Precomputed figure") >= 3


def test_pages_are_small_enough(ch5: tuple[Path, dict], ch6: tuple[Path, dict]) -> None:
    for path, _ in (ch5, ch6):
        size = path.stat().st_size
        assert size < MAX_PAGE_BYTES, f"{path.name} is {size / 1e6:.2f} MB"
