"""mlp.figures.frames: the same drawing function drives live widgets and precomputed frames."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from mlp.figures.frames import Control, Explorer, static_mode


def draw_line(fig, slope, colour="C0"):
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    ax.clear()
    x = np.linspace(0, 1, 10)
    ax.plot(x, slope * x, color=colour)
    ax.set(title=f"slope {slope}", xlabel="x", ylabel="y")
    return f"slope = {slope}"


def test_static_mode_precomputes_every_combination_and_links_controls():
    ex = Explorer(
        draw_line,
        {"slope": [0.0, 1.0, 2.0], "colour": ["C0", "C1"]},
        alt=lambda slope, colour: f"line of slope {slope}",
        mode="static",
    )
    assert ex.n_frames == 6
    root = ex.view
    assert isinstance(root, widgets.Stack) and len(root.children) == 3
    inner = root.children[0]
    assert isinstance(inner, widgets.Stack) and len(inner.children) == 2
    leaves = [leaf for child in root.children for leaf in child.children]
    assert all('class="mlp-frame"' in leaf.value for leaf in leaves)
    # distinct pictures for distinct states, each with its own alt text and caption
    assert len({leaf.value for leaf in leaves}) == 6
    assert 'alt="line of slope 2.0"' in root.children[2].children[1].value
    assert "slope = 1.0" in root.children[1].children[0].value
    # one link for the outer stack, one per inner stack
    assert len(ex._links) == 1 + 3
    assert ex._links[0].source[1] == "index" and ex._links[0].target[1] == "selected_index"


def test_live_mode_redraws_when_a_control_moves():
    ex = Explorer(draw_line, {"slope": [0.0, 1.0, 2.0]}, alt="a line", mode="live")
    slider = ex._widgets["slope"]
    assert isinstance(slider, widgets.FloatSlider)
    before = ex.view.value
    ex.set(slope=1.5)  # live sliders may stop between the precomputed values
    assert ex.view.value != before and "slope = 1.5" in ex.view.value
    assert ex.values["slope"] == 1.5


def test_static_set_moves_the_control_index():
    ex = Explorer(draw_line, [Control("slope", [1, 2, 3], "k")], alt="a line", mode="static")
    ex.set(slope=3)
    assert ex._widgets["slope"].index == 2
    with pytest.raises(ValueError, match="not one of the precomputed values"):
        ex.set(slope=2.5)


def test_integer_controls_give_integer_sliders_and_initial_values_apply():
    ex = Explorer(
        draw_line, {"slope": [1, 2, 3, 4]}, alt="a line", mode="live", initial={"slope": 3}
    )
    assert isinstance(ex._widgets["slope"], widgets.IntSlider)
    assert ex._widgets["slope"].value == 3


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="mode must be"):
        Explorer(draw_line, {"slope": [1]}, alt="x", mode="fast")
    with pytest.raises(ValueError, match="at least one value"):
        Explorer(draw_line, {"slope": []}, alt="x")
    with pytest.raises(ValueError, match="unknown control"):
        Explorer(draw_line, {"slope": [1]}, alt="x", mode="live", initial={"angle": 2})
    ex = Explorer(draw_line, {"slope": [1]}, alt="x", mode="live")
    with pytest.raises(ValueError, match="unknown control"):
        ex.render(angle=3)


def test_mode_follows_the_environment(monkeypatch):
    monkeypatch.setenv("MLP_STATIC_WIDGETS", "1")
    assert static_mode()
    assert Explorer(draw_line, {"slope": [1, 2]}, alt="x").mode == "static"
    monkeypatch.delenv("MLP_STATIC_WIDGETS")
    assert not static_mode()
    assert Explorer(draw_line, {"slope": [1, 2]}, alt="x").mode == "live"


def test_render_returns_png_bytes():
    ex = Explorer(draw_line, {"slope": [1.0]}, alt="x", mode="live")
    png, text = ex.render(slope=1.0)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and text == "slope = 1.0"


def test_unevenly_spaced_values_give_a_live_slider_over_exactly_those_values():
    seen = []

    def draw(fig, epoch):
        seen.append(epoch)
        return draw_line(fig, float(epoch))

    ex = Explorer(draw, {"epoch": [0, 5, 20, 100]}, alt="x", mode="live")
    slider = ex._widgets["epoch"]
    assert isinstance(slider, widgets.SelectionSlider)
    slider.index = 2
    assert seen[-1] == 20 and "slope = 20.0" in ex.view.value
    ex.set(epoch=100)
    assert seen[-1] == 100
