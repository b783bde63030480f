"""mlp.figures.fast_redraw: the frozen background looks like the same figure drawn in full."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import mlp.figures.bumps as bumps
from mlp.figures.fast_redraw import fixed_axes, side_legend


def test_frozen_background_matches_a_full_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    values = dict(unit="relu", left=0.3, right=0.7, steepness=20, height=0.8)
    fast = bumps.BumpBuilder(mode="live").frames.render_frame(**values)[0]
    monkeypatch.setattr(bumps, "freeze_static", lambda fig, dynamic: None)
    full = bumps.BumpBuilder(mode="live").frames.render_frame(**values)[0]
    images = []
    for fig in (fast, full):
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        images.append(np.asarray(Image.open(buf).convert("RGB"), dtype=float))
    a, b = images
    assert a.shape == b.shape
    # identical up to the stacking order of a few overlapping pixels (lines vs. axes spines)
    assert np.mean(np.abs(a - b)) < 1.0
    assert np.mean(np.any(a != b, axis=2)) < 0.01


def test_fixed_axes_and_side_legend() -> None:
    from matplotlib.figure import Figure

    fig = Figure(layout="constrained")
    ax = fixed_axes(fig, [0.1, 0.1, 0.5, 0.8])
    assert fig.get_layout_engine() is None and fig.axes == [ax]
    lines = side_legend(ax, [("a", {"color": "red"}), ("b", {"ls": "none", "marker": "o"})])
    assert [len(line.get_xdata()) for line in lines] == [2, 1]
    assert [t.get_text() for t in ax.texts] == ["a", "b"]
