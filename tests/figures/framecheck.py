"""Checks shared by the tests of figure modules: labelled axes, and static frames grids."""

from __future__ import annotations

import re

from mlp.figures.frames import Frames
from tests.book.widgetstate import explorer_grid as expected_grid


def labelled(ax) -> bool:
    """The Axes has a title and both axis labels."""
    return bool(ax.get_title() and ax.get_xlabel() and ax.get_ylabel())


def check_static(fr: Frames, counts: list[int]) -> None:
    """A precomputed figure: every state drawn once, distinct, with alt text, all linked."""
    frames, links = expected_grid(counts)
    assert fr.mode == "static"
    assert [len(c.values) for c in fr.controls] == counts
    assert fr.n_frames == frames and fr.n_distinct == frames  # no two states look the same
    assert len(fr._links) == links
    page = fr.frame_html()
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]{20,}"', page)


def check_frame_axes(fr: Frames, **values) -> str:
    """The figure of one state has a title and labelled axes; returns the text under it."""
    fig, text = fr.render_frame(**values)
    assert any(labelled(ax) for ax in fig.axes), [ax.get_title() for ax in fig.axes]
    return text or ""
