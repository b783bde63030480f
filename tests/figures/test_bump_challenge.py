"""mlp.figures.bump_challenge: the function design challenge, live (height sliders) and static."""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest

from mlp.figures.bump_challenge import HEIGHT_RULES, DesignChallenge, challenge_target
from mlp.universality import approximate_function


def test_challenge_live_view_has_height_sliders_score_and_success() -> None:
    c = DesignChallenge(mode="live")
    assert c.frames.mode == "live" and isinstance(c.frames.widget, widgets.VBox)
    fr = c.live_frames
    assert fr is not None and c.frames.widget.children[0] is fr.widget
    assert [w.name for w in fr.controls] == ["unit"] + [f"h{i}" for i in range(1, 7)]
    # initial heights 0.5 everywhere: far from the target
    assert c.last_score is not None and c.last_score > c.threshold
    assert "goal" in fr.view.value
    # setting every height to the target at its bump centre wins, for each unit type
    good = {f"h{i + 1}": round(float(v), 2) for i, v in enumerate(challenge_target(c.centres))}
    for unit in ("step", "sigmoid", "relu"):
        fr.set(unit=unit, **good)
        assert c.last_score < c.threshold, unit
        assert "Success" in fr.view.value
        assert c.score(c.net) == pytest.approx(c.last_score)
    # the network view appears only when asked for, and follows the sliders
    assert c.net_view.value == ""
    c.show_net.value = True
    assert "W⁽²⁾" in c.net_view.value
    fr.set(h1=0.0)
    w2 = re.search(r"W⁽²⁾ = \[\[ *(-?[\d.]+)", c.net_view.value)
    assert w2 and float(w2.group(1)) == 0.0, c.net_view.value
    with pytest.raises(ValueError, match="richer live view"):
        c.frames.set(rule="least squares")  # the static controls are not shown live


def test_challenge_static_offers_rules() -> None:
    c = DesignChallenge(static_n_bumps=(3, 12), units=("step", "relu"), mode="static")
    assert c.live_frames is None
    assert c.frames.n_frames == c.frames.n_distinct == 2 * 2 * 2
    fig = c.frames.render_frame()[0]
    text = c.draw_static(fig, "relu", 12, "least squares")
    assert "<details>" in text and "W⁽¹⁾" in text
    fitted = c.last_score
    c.draw_static(fig, "relu", 12, "target at centres")
    assert fitted <= c.last_score + 1e-3
    c.draw_static(fig, "step", 3, "target at centres")
    assert c.last_score > c.threshold  # three bumps are not enough
    with pytest.raises(ValueError, match="rule"):
        c.heights("step", 3, "random")


def test_default_static_grid() -> None:
    c = DesignChallenge(mode="live")  # cheap: nothing is precomputed
    assert [len(c.values) for c in c.frames.controls] == [3, 4, len(HEIGHT_RULES)]


@pytest.mark.parametrize("unit", ["step", "sigmoid", "relu"])
def test_least_squares_heights_rebuild_the_fitted_network(unit: str) -> None:
    c = DesignChallenge(mode="live")
    h = c.heights(unit, 8, "least squares")
    fitted, _ = approximate_function(
        challenge_target, 0, 1, 8, unit, c.steepness(8), heights="lstsq"
    )
    x = np.linspace(0, 1, 101)[:, None]
    np.testing.assert_allclose(c.network(unit, h).forward(x), fitted.forward(x), atol=1e-12)
    assert c.score(c.network(unit, h)) <= c.score(
        c.network(unit, c.heights(unit, 8, "target at centres"))
    )
