"""Tests of mlp.figures.digits: digit images, training curves, confusion, learned filters."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import mlp  # noqa: E402
from mlp.figures import digits  # noqa: E402
from mlp.figures.frames import STATIC_ENV  # noqa: E402

RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_digit_examples():
    X, t = RNG.random((30, 64)), np.repeat(np.arange(3), 10)
    fig = digits.plot_digit_examples(X, t, per_class=2)
    assert len(fig.axes) == 6 and fig.get_suptitle().startswith("2 training images")
    assert [ax.get_xlabel() for ax in fig.axes[3:]] == ["0", "1", "2"]
    assert fig.axes[0].get_ylabel() == "example 1"
    with pytest.raises(ValueError, match="X must be"):
        digits.plot_digit_examples(X[:, :10], t)


def test_plot_training_curves():
    h = mlp.History()
    h.epoch, h.loss, h.val_loss = [1, 2], [1.0, 0.5], [1.1, 0.6]
    h.accuracy, h.val_accuracy = [0.6, 0.8], [0.7, 0.85]
    fig = digits.plot_training_curves(h, "my title")
    assert fig.get_suptitle() == "my title"
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    assert fig.axes[0].get_yscale() == "log"
    h.val_loss = []
    with pytest.raises(ValueError, match="history must hold"):
        digits.plot_training_curves(h)


def test_plot_confusion():
    C = np.diag([5, 6, 7])
    C[0, 1] = 2
    ax = digits.plot_confusion(C).axes[0]
    assert ax.get_title() and ax.get_xlabel() == "predicted digit"
    assert sorted(t.get_text() for t in ax.texts) == ["2", "5", "6", "7"]
    with pytest.raises(ValueError, match="confusion must be a square matrix"):
        digits.plot_confusion(np.ones((2, 3), dtype=int))


def test_filter_mosaic_and_weight_change():
    W1 = RNG.normal(size=(12, 64))
    mosaic = digits.filter_mosaic(W1, cols=5)
    assert mosaic.shape == (3 * 9 - 1, 5 * 9 - 1)
    assert np.array_equal(mosaic[9:17, 18:26], W1[7].reshape(8, 8))
    assert np.isnan(mosaic[8]).all() and np.isnan(mosaic[-8:, -8:]).all()  # gaps, empty tiles
    with pytest.raises(ValueError, match="W1 must have rows of 64"):
        digits.filter_mosaic(W1[:, :10])
    assert digits.weight_change(W1, W1) == 0.0
    with pytest.raises(ValueError, match="W and W0 must have the same shape"):
        digits.weight_change(W1, W1[:3])


def _snapshots():
    W0 = RNG.normal(size=(50, 64))
    return {e: W0 * (1 + e / 10) for e in (0, 1, 5)}


def test_filters_explorer_static(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    fr = digits.filters_explorer(_snapshots())
    assert fr.n_frames == fr.n_distinct == 3 and len(fr._links) == 1
    assert fr.view.selected_index == 2
    page = fr.frame_html(epoch=1)
    assert "epoch 1: " in page and "= 0.10" in page and 'alt="The 50 first-layer' in page
    fig, _ = fr.render_frame(epoch=5)
    ax = fig.axes[0]
    assert "after 5 epochs" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match=r"snapshots\[0\] must have rows of 64"):
        digits.filters_explorer({0: np.zeros((3, 10))})
    with pytest.raises(ValueError, match="snapshots must hold"):
        digits.filters_explorer({})


def test_filters_explorer_live_shows_latest_snapshot(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "0")
    fr = digits.filters_explorer(_snapshots(), initial=0)
    fr.set(epoch=3)  # live slider in steps of 1: shows the recording after epoch 1
    assert "epoch 1: " in fr.view.value
