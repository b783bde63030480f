"""The three widgets of the expressive-power chapters, driven headless.

Controls are moved programmatically (``Explorer.set``) or the drawing functions are called
directly; the checks read the returned text, the figure's artists and the network built.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest

from mlp.figures.bumps import (
    UNIT_COLOURS,
    BumpBuilder,
    DesignChallenge,
    SigmoidStep,
    challenge_target,
    weights_html,
)
from mlp.figures.frames import Explorer
from mlp.universality import bump_network


def png_ok(data: bytes) -> bool:
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def numbers(text: str, name: str) -> list[float]:
    """The numbers printed in ``name = [...]`` inside the weights block."""
    block = re.search(re.escape(name) + r" = (.*?)(?:   |$)", text, flags=re.M)
    assert block, f"{name} not in {text!r}"
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", block.group(1))]


# ---- sigmoid to step -------------------------------------------------------------------------


def test_sigmoid_step_live_update() -> None:
    w = SigmoidStep(mode="live")
    ex = w.explorer
    assert isinstance(ex, Explorer) and ex.mode == "live"
    png, text = ex.render(fast=True, steepness=16, position=0.5)
    assert png_ok(png)
    assert "w</i> = <i>k</i> = 16" in text and "-8" in text.replace("&minus;", "-")
    # the plotted sigmoid is sigma(16 (x - 0.5))
    xs, ys = w._sig.get_data()
    np.testing.assert_allclose(ys, 1 / (1 + np.exp(-16 * (np.asarray(xs) - 0.5))))
    # the reported gap shrinks as k grows, and equals sigma(-k delta)
    gaps = [w.gap(k) for k in (1, 4, 16, 64)]
    assert all(a > b for a, b in zip(gaps, gaps[1:], strict=False))
    assert w.gap(64) == pytest.approx(1 / (1 + np.exp(64 * 0.05)))
    ex.set(steepness=40)
    assert ex.values["steepness"] == 40
    assert "40" in ex.view.value


def test_sigmoid_step_static_frames() -> None:
    w = SigmoidStep(steepness=(1, 10), position=(0.5,), mode="static")
    assert w.explorer.n_frames == 2
    assert isinstance(w.explorer.widget, widgets.VBox)
    assert len(w.explorer._links) == 3  # the outer stack, and one inner stack per steepness


# ---- bump builder ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit, n_hidden", [("step", 2), ("sigmoid", 2), ("relu", 4)])
def test_bump_builder_prints_the_network_it_draws(unit: str, n_hidden: int) -> None:
    b = BumpBuilder(mode="live")
    png, text = b.explorer.render(
        fast=True, unit=unit, left=0.3, right=0.7, steepness=30, height=0.8
    )
    assert png_ok(png)
    net = b.net
    assert net.sizes == [1, n_hidden, 1] and net.activations == [unit, "identity"]
    expected = bump_network([[0.3, 0.7]], [0.8], unit=unit, steepness=30)
    for (W, bb), (W_e, b_e) in zip(net.params(), expected.params(), strict=True):
        np.testing.assert_allclose(W, W_e)
        np.testing.assert_allclose(bb, b_e)
    # the printed weights are the network's
    np.testing.assert_allclose(numbers(text, "W(1)"), net.params()[0][0].ravel())
    np.testing.assert_allclose(numbers(text, "b(1)"), net.params()[0][1], atol=1e-6)
    np.testing.assert_allclose(numbers(text, "W(2)"), net.params()[1][0].ravel())
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
    b.explorer.set(unit="sigmoid", left=0.25, height=0.5)
    first = b._sum.get_data()[1].copy()
    assert b.net.activations[0] == "sigmoid"
    b.explorer.set(height=1.0)
    np.testing.assert_allclose(b._sum.get_data()[1], 2 * first)
    b.explorer.set(steepness=35)  # live sliders move between the precomputed values
    assert b.net.params()[0][0][0, 0] == 35
    assert "W(1)" in b.explorer.view.value


def test_bump_builder_static_grid() -> None:
    b = BumpBuilder(
        units=("step", "relu"),
        left=(0.2,),
        right=(0.6, 0.8),
        steepness=(10,),
        height=(1.0,),
        mode="static",
    )
    assert b.explorer.n_frames == 4
    b.explorer.set(unit="relu", right=0.8)
    assert b.explorer._widgets["unit"].index == 1
    with pytest.raises(ValueError, match="precomputed"):
        b.explorer.set(right=0.7)


# ---- design challenge ------------------------------------------------------------------------


def test_challenge_live_score_and_success() -> None:
    c = DesignChallenge(mode="live")
    ex = c.explorer
    assert [w.name for w in ex.controls] == ["unit"] + [f"h{i}" for i in range(1, 7)]
    # initial heights 0.5 everywhere: far from the target
    assert c.last_score is not None and c.last_score > c.threshold
    assert "goal" in ex.view.value
    # setting every height to the target at its bump centre wins, for each unit type
    good = {f"h{i + 1}": round(float(v), 2) for i, v in enumerate(challenge_target(c.centres))}
    for unit in ("step", "sigmoid", "relu"):
        ex.set(unit=unit, **good)
        assert c.last_score < c.threshold, unit
        assert "Success" in ex.view.value
        assert c.score(c.net) == pytest.approx(c.last_score)
    # the network view appears only when asked for, and follows the sliders
    assert c.net_view.value == ""
    c.show_net.value = True
    assert "W(2)" in c.net_view.value
    ex.set(h1=0.0)
    assert numbers(c.net_view.value, "W(2)")[0] == 0.0


def test_challenge_static_offers_rules() -> None:
    c = DesignChallenge(static_n_bumps=(3, 12), units=("step", "relu"), mode="static")
    assert c.explorer.n_frames == 2 * 2 * 2
    text = c.draw_static(c.explorer.fig, "relu", 12, "least squares")
    assert "<details>" in text and "W(1)" in text
    fitted = c.last_score
    c.draw_static(c.explorer.fig, "relu", 12, "target at centres")
    assert fitted <= c.last_score + 1e-3
    c.draw_static(c.explorer.fig, "step", 3, "target at centres")
    assert c.last_score > c.threshold  # three bumps are not enough
    with pytest.raises(ValueError, match="rule"):
        c.heights("step", 3, "random")


def test_weights_html_escapes_and_lists_layers() -> None:
    net = bump_network([0, 1], [2.0], unit="step", steepness=1)
    text = weights_html(net)
    assert text.startswith("<pre") and "W(1)" in text and "b(2)" in text and "[step]" in text


def test_frozen_background_matches_a_full_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    """The static parts blitted from a bitmap look like the same figure drawn in full."""
    import io

    from PIL import Image

    import mlp.figures.bumps as bw

    values = dict(unit="relu", left=0.3, right=0.7, steepness=20, height=0.8)
    fast = BumpBuilder(mode="live").explorer.render(**values)[0]
    monkeypatch.setattr(bw, "freeze_static", lambda fig, dynamic: None)
    full = BumpBuilder(mode="live").explorer.render(**values)[0]
    a, b = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=float) for p in (fast, full))
    assert a.shape == b.shape
    # identical up to the stacking order of a few overlapping pixels (lines vs. axes spines)
    assert np.mean(np.abs(a - b)) < 1.0
    assert np.mean(np.any(a != b, axis=2)) < 0.01
