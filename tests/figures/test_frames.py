"""mlp.figures.frames: one render function, a live widget in a kernel, linked stacks in the book."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from mlp.figures import static_widgets as static
from mlp.figures.frames import STATIC_ENV, Control, Frames, on_figure, static_mode


def draw_line(fig: Figure, slope: float, colour: str = "C0") -> str:
    ax = fig.axes[0] if fig.axes else fig.add_subplot()
    ax.clear()
    x = np.linspace(0, 1, 10)
    ax.plot(x, slope * x, color=colour)
    ax.set(title=f"slope {slope}", xlabel="x", ylabel="y")
    return f"slope = {slope}"


def svg(k: int) -> str:
    return f'<svg width="10" height="10"><circle r="{k}"/></svg>'


def leaves(stack: static.Model) -> list[static.Model]:
    if stack.model_name == "StackModel":
        return [leaf for child in stack.children for leaf in leaves(child)]
    return [stack]


def note(fr: Frames) -> str:
    root = fr.widget.root if fr.mode == "static" else fr.widget
    return root.children[-1].value


# ---- static mode ---------------------------------------------------------------------------


def test_static_nested_stacks_one_link_per_stack_and_initial_indices() -> None:
    fr = Frames(
        on_figure(draw_line, figsize=(2, 1.5), dpi=40),
        {"slope": [0.0, 1.0, 2.0], "colour": ["C0", "C1"]},
        alt=lambda slope, colour: f"line of slope {slope}",
        initial={"slope": 1.0, "colour": "C1"},
        mode="static",
    )
    assert fr.n_frames == fr.n_distinct == 6
    root = fr.view
    assert root.model_name == "StackModel" and len(root.children) == 3
    assert all(c.model_name == "StackModel" and len(c.children) == 2 for c in root.children)
    # every stack starts at the initial values, the outer one at slope 1.0, the inner at C1
    assert root.selected_index == 1 and {c.selected_index for c in root.children} == {1}
    pages = [leaf.value for leaf in leaves(root)]
    assert all(p.startswith('<div class="mlp-frame"><img src="data:image/png') for p in pages)
    assert 'alt="line of slope 2.0"' in root.children[2].children[1].value
    assert "slope = 1.0" in root.children[1].children[0].value
    # one link for the outer stack, one per inner stack, each control to its own level
    assert len(fr._links) == 1 + 3
    slope_w, colour_w = fr._widgets["slope"], fr._widgets["colour"]
    assert fr._links[0].source == (slope_w, "index") and fr._links[0].target == (
        root,
        "selected_index",
    )
    assert {link.target[0] for link in fr._links[1:]} == set(root.children)
    assert all(link.source == (colour_w, "index") for link in fr._links[1:])
    assert slope_w.model_name == "SelectionSliderModel" and slope_w.index == 1
    assert colour_w.model_name == "ToggleButtonsModel" and colour_w.index == 1
    assert "Precomputed figure: the 6 states" in note(fr) and "at any value" in note(fr)


def test_identical_frames_are_stored_once() -> None:
    fr = Frames(lambda a, b: svg(a), {"a": [1, 2], "b": ["x", "y", "z"]}, alt="c", mode="static")
    assert fr.n_frames == 6 and fr.n_distinct == 2
    pages = leaves(fr.view)
    assert len(pages) == 6 and len({id(p) for p in pages}) == 2  # the same widget reused


def test_svg_html_and_text_frames() -> None:
    fr = Frames(lambda k: (svg(k), f"<i>k = {k}</i>"), {"k": [1, 2]}, alt="a dot", mode="static")
    assert fr.frame_html(k=2) == (
        f'<div class="mlp-frame">{svg(2)}<div class="mlp-frame-text"><i>k = 2</i></div></div>'
    )
    assert fr.render_frame(k=1) == (svg(1), "<i>k = 1</i>")
    html_only = Frames(lambda k: f"<p>{k}</p>", {"k": ["a"]}, alt="text", mode="static")
    assert html_only.frame_html() == '<div class="mlp-frame"><p>a</p></div>'
    with pytest.raises(TypeError, match="a frame must be"):
        Frames(lambda k: 3, {"k": [1]}, alt="x", mode="static")


def test_static_set_moves_the_control_index_with_clear_errors() -> None:
    fr = Frames(lambda k: svg(k), [Control("k", [1, 2, 3], "size")], alt="dot", mode="static")
    fr.set(k=3)
    assert fr._widgets["k"].index == 2 and fr.values["k"] == 3
    with pytest.raises(ValueError, match=r"k=2\.5 is not one of the precomputed \[1, 2, 3\]"):
        fr.set(k=2.5)
    with pytest.raises(ValueError, match="unknown control 'size'"):
        fr.set(size=2)


# ---- live mode -----------------------------------------------------------------------------


def test_live_mode_redraws_when_a_control_moves() -> None:
    fr = Frames(on_figure(draw_line, dpi=30), {"slope": [0.0, 1.0, 2.0]}, alt="a line", mode="live")
    slider = fr._widgets["slope"]
    assert isinstance(slider, widgets.FloatSlider) and fr.n_distinct == 0
    before = fr.view.value
    assert "slope = 0.0" in before
    fr.set(slope=1.5)  # live sliders may stop between the precomputed values
    assert fr.view.value != before and "slope = 1.5" in fr.view.value
    assert fr.values["slope"] == 1.5
    slider.value = 2.0  # as a reader drags it
    assert "slope = 2.0" in fr.view.value
    assert note(fr).startswith('<p class="mlp-mode">Live figure')
    with pytest.raises(ValueError, match="unknown control 'angle'"):
        fr.set(angle=3)


def test_live_widgets_follow_the_values() -> None:
    def make(values, **kw):
        return Frames(lambda v: svg(1), {"v": values}, alt="x", mode="live", **kw)._widgets["v"]

    w = make([1, 2, 3, 4], initial={"v": 3})
    assert isinstance(w, widgets.IntSlider) and w.value == 3 and (w.min, w.max, w.step) == (1, 4, 1)
    w = make([0, 5, 20, 100])  # uneven: offered exactly, as in the book
    assert isinstance(w, widgets.SelectionSlider)
    assert [v for _, v in w.options] == [0, 5, 20, 100]
    assert isinstance(make(["relu", "tanh"]), widgets.ToggleButtons)
    fr = Frames(lambda v: svg(1), [Control("v", [0.0, 1.0], live_step=0.01)], alt="x", mode="live")
    assert fr._widgets["v"].step == 0.01


def test_richer_live_view() -> None:
    built = []

    def live() -> widgets.Widget:
        built.append(widgets.Button(description="train"))
        return built[-1]

    fr = Frames(lambda k: svg(k), {"k": [1, 2]}, alt="dot", mode="live", live=live)
    assert fr.widget is built[0] and fr.richer_live
    with pytest.raises(ValueError, match="richer live view"):
        fr.set(k=2)
    st = Frames(lambda k: svg(k), {"k": [1, 2]}, alt="dot", mode="static", live=live)
    assert len(built) == 1  # not built in the book
    assert "with more to do" in note(st)
    st.set(k=2)  # the static controls stay settable
    assert st._widgets["k"].index == 1


# ---- mode and arguments --------------------------------------------------------------------


def test_auto_mode_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATIC_ENV, "1")
    assert static_mode() and Frames(svg, {"k": [1]}, alt="x").mode == "static"
    monkeypatch.setenv(STATIC_ENV, "0")
    assert not static_mode() and Frames(svg, {"k": [1]}, alt="x").mode == "live"


def test_display_shows_the_widget(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    fr = Frames(svg, {"k": [1]}, alt="x", mode="static")
    fr._ipython_display_()
    assert shown == [fr.widget]


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="mode must be"):
        Frames(svg, {"k": [1]}, alt="x", mode="fast")
    with pytest.raises(ValueError, match="at least one value"):
        Frames(svg, {"k": []}, alt="x", mode="live")
    with pytest.raises(ValueError, match="at least one control"):
        Frames(svg, {}, alt="x", mode="live")
    with pytest.raises(ValueError, match="distinct names"):
        Frames(svg, [Control("k", [1]), Control("k", [2])], alt="x", mode="live")
    with pytest.raises(ValueError, match="unknown control 'angle'"):
        Frames(svg, {"k": [1]}, alt="x", mode="live", initial={"angle": 2})
    fr = Frames(svg, {"k": [1]}, alt="x", mode="live")
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['angle'\]"):
        fr.render_frame(angle=3)


def test_static_figure_is_one_html_output_with_its_saved_state() -> None:
    """The book shows a static figure as one text/html output: every model it needs, saved in
    ipywidgets' state format, and a view of its root; nothing can end the script early."""
    import json
    import re

    fr = Frames(lambda k: (svg(k), "a </script> <!-- x"), {"k": [1, 2, 3]}, alt="d", mode="static")
    fr.set(k=2)
    bundle = fr.widget._repr_mimebundle_()
    page = bundle["text/html"]
    scripts = re.findall(r'<script type="([^"]+)">(.*?)</script>', page, re.S)
    assert [t for t, _ in scripts] == [static.STATE_MIME, static.VIEW_MIME]
    state = json.loads(scripts[0][1])["state"]
    root = json.loads(scripts[1][1])["model_id"]
    assert root == fr.widget.root.model_id and root in state
    names = sorted(m["model_name"] for m in state.values())
    assert (
        names
        == ["HTMLModel"] * 4
        + ["LinkModel", "SelectionSliderModel", "StackModel"]
        + ["VBoxModel"] * 2
    )  # three frames and the note; one link; the controls' box and the figure's
    slider = next(m["state"] for m in state.values() if m["model_name"] == "SelectionSliderModel")
    assert slider["index"] == 1 and slider["_options_labels"] == ["1", "2", "3"]
    link = next(m["state"] for m in state.values() if m["model_name"] == "LinkModel")
    assert link["source"][1] == "index" and link["target"][1] == "selected_index"
    assert all(
        ref.removeprefix("IPY_MODEL_") in state for ref in (link["source"][0], link["target"][0])
    )
    # every reference resolves to a saved model
    refs = re.findall(r"IPY_MODEL_([\w-]+)", scripts[0][1])
    assert refs and set(refs) <= set(state)
