"""Tests of mlp.figures.features: forward pass, gradient signal of a layer, learned features."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import mlp  # noqa: E402
from mlp.figures import features  # noqa: E402
from mlp.figures.frames import STATIC_ENV  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labelled(ax):
    return ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_plot_forward_pass_draws_three_labelled_panels():
    fig = features.plot_forward_pass(np.zeros(64), np.full(5, 0.5), np.full(10, 0.1), 3, (8, 8))
    assert len(fig.axes) == 3 and all(_labelled(ax) for ax in fig.axes)
    assert "label 3" in fig.axes[0].get_title() and "5 units" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="x has 64 pixels"):
        features.plot_forward_pass(np.zeros(64), [0.5], [1.0])  # default 28x28
    with pytest.raises(TypeError, match="h must be a numeric array"):
        features.plot_forward_pass(np.zeros(784), ["a"], [1.0])


def test_saturation_counts_flat_and_dead_units():
    Z = np.array([[-1.0, 2.0, -5.0], [-3.0, 0.5, 1.0]])
    assert features.saturation(Z, "relu") == (pytest.approx(3 / 6), 1)
    small, dead = features.saturation(Z + 20, "sigmoid")
    assert small == 1.0 and dead == 0  # saturated, but sigmoid' is never exactly 0
    with pytest.raises(ValueError, match="Z must be a"):
        features.saturation(np.zeros(3), "relu")


def test_output_line_for_one_and_two_outputs():
    two = mlp.MLP([2, 2, 2], ["tanh", "identity"], seed=0)
    w, b = features.output_line(two)
    H = np.random.default_rng(0).normal(size=(50, 2))
    z = H @ two.params()[1][0].T + two.params()[1][1]
    assert np.array_equal(H @ w + b > 0, z[:, 1] > z[:, 0])
    one = mlp.MLP([2, 3, 1], ["tanh", "identity"], seed=0)
    assert features.output_line(one)[0].shape == (3,)
    with pytest.raises(ValueError, match="net must have 1 or 2 outputs"):
        features.output_line(mlp.MLP([2, 2, 3], ["tanh", "identity"], seed=0))


def test_signal_explorer_static_grid(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    Z0 = np.random.default_rng(1).normal(size=(40, 6))
    fr = features.signal_explorer(Z0, activations=["sigmoid", "relu"], biases=[-8, 0, 8])
    assert fr.mode == "static" and fr.n_frames == 6 and fr.n_distinct == 6
    assert fr.values == {"activation": "relu", "bias": 0.0}
    outer = fr.view
    assert outer.model_name == "StackModel" and len(outer.children) == 2
    assert all(len(inner.children) == 3 for inner in outer.children)
    assert len(fr._links) == 1 + 2  # the activation's stack, then one per inner stack
    page = fr.frame_html(activation="relu", bias=-8.0)
    assert "<b>6 of 6 units dead</b>" in page and 'alt="Histogram of the pre-activations' in page
    fig, _ = fr.render_frame(activation="tanh", bias=0.0)
    assert _labelled(fig.axes[0]) and "tanh" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="Z0 must be a"):
        features.signal_explorer(np.zeros(5))


def test_feature_explorer_frames_and_text(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    X, t = mlp.make_xor_clouds(40, noise=0.15, seed=0)
    snaps = {e: mlp.MLP([2, 2, 2], ["tanh", "identity"], seed=e) for e in (0, 5, 20)}
    fr = features.feature_explorer(snaps, X, t)
    assert fr.n_frames == 3 and fr.values == {"epoch": 20} and len(fr._links) == 1
    page = fr.frame_html(epoch=5)
    assert "epoch 5: the output layer's line separates" in page
    assert " of 40</b> points" in page and 'alt="40 points in the input plane' in page
    fig, _ = fr.render_frame(epoch=0)
    assert len(fig.axes) == 2 and all(_labelled(ax) for ax in fig.axes)
    with pytest.raises(ValueError, match=r"snapshots\[0\] must be a 2-2-2 network"):
        features.feature_explorer({0: mlp.MLP([2, 3, 2], "tanh", seed=0)}, X, t)
    with pytest.raises(ValueError, match="X must be"):
        features.feature_explorer(snaps, X[:, :1], t)


def test_feature_explorer_live_slider(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "0")
    X, t = mlp.make_xor_clouds(20, noise=0.1, seed=1)
    snaps = {e: mlp.MLP([2, 2, 2], ["tanh", "identity"], seed=e) for e in (0, 5, 100)}
    fr = features.feature_explorer(snaps, X, t, initial=0)
    assert fr.mode == "live"
    before = fr.view.value
    fr.set(epoch=100)  # uneven epochs: a selection slider offers exactly these
    assert fr.view.value != before and "epoch 100:" in fr.view.value
