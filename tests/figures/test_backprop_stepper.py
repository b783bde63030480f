"""mlp.figures.backprop_stepper: the backward pass drawn step by step, and its frames."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from mlp import lecture_graphs  # noqa: E402
from mlp.figures.backprop_stepper import (  # noqa: E402
    backward_stepper,
    draw_backward_state,
    step_text,
)
from mlp.figures.backward_visits import backward_visits  # noqa: E402
from mlp.figures.frames import Frames  # noqa: E402


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_draw_backward_state_shows_known_partial_and_unknown_bars() -> None:
    f, nodes = lecture_graphs.lecture_fxy_graph(1.0)
    visits = backward_visits(f)
    fig, ax = plt.subplots()
    draw_backward_state(f, visits, 2, ax)
    assert any("= ?" in s for s in texts(ax))  # nodes not reached yet
    assert any("+ …" in s for s in texts(ax))  # y has heard from f but not from xy
    assert "Step 2 of 6" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    # the current node received one message: one red arrow, labelled with its value
    assert len(ax.patches) == len(visits) + 1
    plt.close(fig)
    fig, ax = plt.subplots()
    draw_backward_state(f, visits, len(visits), ax, show_current=False)
    assert not any("= ?" in t for t in texts(ax)) and len(ax.patches) == len(visits)
    assert "every error signal" in ax.get_title()
    plt.close(fig)
    fig, ax = plt.subplots()
    draw_backward_state(f, visits, 0, ax)
    assert "Step 0 of 6" in ax.get_title() and not any("\n" in t for t in texts(ax))
    plt.close(fig)


def test_draw_backward_state_refuses_bad_steps_and_foreign_visits() -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    visits = backward_visits(f)
    with pytest.raises(ValueError, match="k must be an integer from 0 to 6"):
        draw_backward_state(f, visits, 7)
    with pytest.raises(ValueError, match="k must be an integer"):
        draw_backward_state(f, visits, True)
    g, _ = lecture_graphs.lecture_fxy_graph(2.0)
    with pytest.raises(ValueError, match="visits do not match"):
        draw_backward_state(g, visits, 1)


def test_step_text_names_forks_and_messages() -> None:
    f, nodes = lecture_graphs.lecture_fxy_graph(1.0)
    visits = backward_visits(f)
    assert "Step 0 of 6" in step_text(visits, 0)
    assert "= 1: the loss" in step_text(visits, 1)
    last = step_text(visits, 6)
    assert "a fork" in last and "no parents" in last and "∂" in last


def test_stepper_static_frames_and_links() -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    fr = backward_stepper(f, mode="static", dpi=40)
    assert isinstance(fr, Frames) and fr.n_frames == 7 and fr.n_distinct == 7
    assert len(fr._links) == 1  # one slider linked to one stack
    stack = fr.view
    assert len(stack.children) == 7
    last = stack.children[-1].value
    assert 'class="mlp-frame"' in last and "Step 6 of 6" in last and "fork" in last
    assert "alt=" in last and "visiting t" in last


def test_stepper_live_moves() -> None:
    L, _ = lecture_graphs.logistic_least_squares_graph(2.0, -1.0, 1.5, 1.0)
    fr = backward_stepper(L, mode="live", dpi=40, initial=1)
    assert "Step 1 of" in fr.view.value
    fr.set(step=3)
    assert "Step 3 of" in fr.view.value
