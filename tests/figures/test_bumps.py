"""mlp.figures.bumps: the sigmoid-to-step and bump-builder figures, driven headless.

Controls are moved with ``Frames.set`` (as a reader would) or frames are rendered with
``Frames.render_frame``; the checks read the returned text, the figure's artists and the
network built.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from mlp.bump_networks import bump_network
from mlp.figures.bumps import (
    EDGES,
    STATIC_BUMP,
    UNIT_COLOURS,
    BumpBuilder,
    SigmoidStep,
    weights_html,
)
from mlp.figures.frames import Frames


def numbers(text: str, name: str) -> list[float]:
    """The numbers printed in ``name = [...]`` inside the weights block."""
    block = re.search(re.escape(name) + r" = (.*?)(?:   |$)", text, flags=re.M)
    assert block, f"{name} not in {text!r}"
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", block.group(1))]


# ---- sigmoid to step -------------------------------------------------------------------------


def test_sigmoid_step_live_update() -> None:
    w = SigmoidStep(mode="live")
    fr = w.frames
    assert isinstance(fr, Frames) and fr.mode == "live"
    assert fr.values["steepness"] == 4  # starts at the third steepness
    fig, text = fr.render_frame(steepness=16, position=0.5)
    assert isinstance(fig, Figure)
    assert "w</i> = <i>k</i> = 16" in text and "-8" in text.replace("&minus;", "-")
    # the plotted sigmoid is sigma(16 (x - 0.5))
    xs, ys = w._sig.get_data()
    np.testing.assert_allclose(ys, 1 / (1 + np.exp(-16 * (np.asarray(xs) - 0.5))))
    # the reported gap shrinks as k grows, and equals sigma(-k delta)
    gaps = [w.gap(k) for k in (1, 4, 16, 64)]
    assert all(a > b for a, b in zip(gaps, gaps[1:], strict=False))
    assert w.gap(64) == pytest.approx(1 / (1 + np.exp(64 * 0.05)))
    fr.set(steepness=40)  # a live slider stops between the precomputed values
    assert fr.values["steepness"] == 40 and "= 40," in fr.view.value


def test_sigmoid_step_static_frames_are_as_fine_as_before() -> None:
    w = SigmoidStep(mode="static")
    assert [len(c.values) for c in w.frames.controls] == [22, 21]  # >= 20 places per slider
    assert w.frames.n_frames == w.frames.n_distinct == 462
    assert len(w.frames._links) == 1 + 22  # the outer stack, and one inner stack per steepness


# ---- bump builder ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit, n_hidden", [("step", 2), ("sigmoid", 2), ("relu", 4)])
def test_bump_builder_prints_the_network_it_draws(unit: str, n_hidden: int) -> None:
    b = BumpBuilder(mode="live")
    _, text = b.frames.render_frame(unit=unit, left=0.3, right=0.7, steepness=30, height=0.8)
    net = b.net
    assert net.sizes == [1, n_hidden, 1] and net.activations == [unit, "identity"]
    expected = bump_network([[0.3, 0.7]], [0.8], unit=unit, steepness=30)
    for (W, bb), (W_e, b_e) in zip(net.params(), expected.params(), strict=True):
        np.testing.assert_allclose(W, W_e)
        np.testing.assert_allclose(bb, b_e)
    # the caption writes the lecture's notation, the printed weights are the network's
    assert f"W⁽²⁾ {unit}(W⁽¹⁾<i>x</i> + b⁽¹⁾) + b⁽²⁾" in text and "W(" not in text
    np.testing.assert_allclose(numbers(text, "W⁽¹⁾"), net.params()[0][0].ravel())
    np.testing.assert_allclose(numbers(text, "b⁽¹⁾"), net.params()[0][1], atol=1e-6)
    np.testing.assert_allclose(numbers(text, "W⁽²⁾"), net.params()[1][0].ravel())
    # the thick line is the MLP's output, the thin ones its hidden units' contributions
    x, y = b._sum.get_data()
    np.testing.assert_allclose(y, net.forward(np.asarray(x)[:, None]).ravel())
    visible = [line for line in b._parts if line.get_visible()]
    assert len(visible) == n_hidden
    total = sum(np.asarray(line.get_data()[1]) for line in visible)
    np.testing.assert_allclose(total, y, atol=1e-12)
    assert b._sum.get_color() == UNIT_COLOURS[unit]


def test_bump_builder_controls_move_the_picture() -> None:
    b = BumpBuilder(mode="live")
    b.frames.set(unit="sigmoid", left=0.25, height=0.5)
    first = b._sum.get_data()[1].copy()
    assert b.net.activations[0] == "sigmoid"
    b.frames.set(height=1.0)
    np.testing.assert_allclose(b._sum.get_data()[1], 2 * first)
    b.frames.set(steepness=35)  # live sliders move between the precomputed values
    assert b.net.params()[0][0][0, 0] == 35
    assert "W⁽¹⁾" in b.frames.view.value


def test_bump_builder_static_grid() -> None:
    assert BumpBuilder(mode="live").frames.n_frames == 48  # live: five sliders
    assert [len(e) for e in EDGES] == [20, 20]  # static: each edge at 20 places
    b = BumpBuilder(units=("step", "relu"), static_edges=((0.2,), (0.6, 0.8)), mode="static")
    assert [c.name for c in b.frames.controls] == ["unit", "left", "right"]
    assert b.frames.n_frames == b.frames.n_distinct == 4
    b.frames.set(unit="relu", right=0.8)  # drawn at the fixed steepness and height
    assert b.net.params()[0][0][0, 0] == STATIC_BUMP["steepness"]
    assert b.frames._widgets["unit"].index == 1
    with pytest.raises(ValueError, match="precomputed"):
        b.frames.set(right=0.7)


def test_weights_html_escapes_and_lists_layers() -> None:
    net = bump_network([0, 1], [2.0], unit="step", steepness=1)
    text = weights_html(net)
    assert text.startswith("<pre") and "W⁽¹⁾" in text and "b⁽²⁾" in text and "[step]" in text
