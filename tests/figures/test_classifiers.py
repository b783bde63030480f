"""Tests of mlp.figures.classifiers: figures of the linear-classifier and feature-map chapters."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mlp  # noqa: E402
from mlp import linear_models as lm  # noqa: E402
from mlp.figures import classifiers  # noqa: E402
from mlp.figures.frames import STATIC_ENV  # noqa: E402
from tests.figures.framecheck import check_frame_axes, check_static, labelled  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture
def static(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")


def test_class_segments_mark_the_crossing():
    X, t = mlp.xor_data()
    ax = classifiers.plot_class_segments(X, t)
    assert labelled(ax)
    assert any("(0.5, 0.5)" in text.get_text() for text in ax.get_legend().get_texts())
    # the legend sits outside the axes, where it cannot cover a point
    fig = ax.figure
    fig.canvas.draw()
    legend_box = ax.get_legend().get_window_extent()
    assert legend_box.x0 >= ax.get_window_extent().x1
    with pytest.raises(ValueError, match="t must label two points 0 and two points 1"):
        classifiers.plot_class_segments(X, [0, 1, 1, 1])
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        classifiers.plot_class_segments(np.ones((4, 3)), [0, 1, 1, 0])


def test_linear_classifier_frames_never_reach_four(static):
    X, t = mlp.xor_data()
    fr = classifiers.linear_classifier_frames(
        X, t, [-1.0, 1.0], [-0.5, 0.5], initial={"w1": 1.0, "w2": 1.0, "b": -0.5}
    )
    check_static(fr, [2, 2, 2])
    assert "<b>3 of 4</b>" in check_frame_axes(fr, w1=1.0, w2=1.0, b=-0.5)
    counts = [lm.count_correct(X, t, [s["w1"], s["w2"]], s["b"]) for s in fr.frame_grid()]
    assert max(counts) == 3
    with pytest.raises(ValueError, match="needs at least one value"):
        classifiers.linear_classifier_frames(X, t, [], [0.0])
    with pytest.raises(ValueError, match=r"t has shape"):
        classifiers.linear_classifier_frames(X, t[:3], [1.0], [0.0])


def test_pattern_images():
    X_ab, t_ab = mlp.pattern_ab()
    fig = classifiers.plot_pattern_images({"A": X_ab[t_ab == 0], "B": X_ab[t_ab == 1]})
    assert len(fig.axes) == 2 and all(labelled(ax) for ax in fig.axes)
    assert fig.axes[1].get_title() == "Pattern B: all 16 translations"
    with pytest.raises(ValueError, match="images must map"):
        classifiers.plot_pattern_images({"A": np.ones(16)})


def test_loss_comparison():
    curves = {"linear": ([0, 1, 2], [1.0, 0.8, 0.7]), "mlp": ([0, 1, 2], [1.0, 0.5, 0.1])}
    ax = classifiers.plot_loss_comparison(curves, np.log(2), "log 2", "Losses")
    assert labelled(ax) and len(ax.lines) == 3
    with pytest.raises(ValueError, match=r"curves\['bad'\]: 2 steps but 3 losses"):
        classifiers.plot_loss_comparison({"bad": ([0, 1], [1, 2, 3])}, 0.7, "floor", "x")


def test_feature_plane_frames(static):
    X, t = mlp.xor_data()
    F = lm.xor_features(X)
    planes = {"hand-made": ([1.0, 1.0, -2.0], -0.5), "steeper": ([2.0, 2.0, -4.0], -1.0)}
    fr = classifiers.feature_plane_frames(F, t, planes, [-60, 30], initial={"azimuth": -60})
    check_static(fr, [2, 2])
    fig, text = fr.render_frame(weights="hand-made", azimuth=30)
    assert "4 of 4 points on the correct side" in text
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_zlabel()
    assert "φ1 +1 φ2 -2 φ3 -0.5 = 0" in text  # signed terms, no "+ -"
    # inputs coded as ±1: the axes follow the data, and the plane phi3 = 0 separates them
    F_pm = lm.xor_features(2 * X - 1)
    fr = classifiers.feature_plane_frames(F_pm, t, {"product": ([0.0, 0.0, -1.0], 0.0)}, [0])
    fig, text = fr.render_frame(weights="product", azimuth=0)
    assert "4 of 4 points on the correct side" in text
    lo, hi = fig.axes[0].get_zlim()
    assert lo < -1 and hi > 1
    with pytest.raises(ValueError, match=r"F must have shape \(n, 3\)"):
        classifiers.feature_plane_frames(X, t, planes, [0])
    with pytest.raises(ValueError, match=r"planes\['flat'\]: w must have 3 entries"):
        classifiers.feature_plane_frames(F, t, {"flat": ([1.0, 1.0, 0.0], 0.0)}, [0])


def test_polynomial_frames(static):
    data = {"blobs": mlp.make_blobs(40, 0.5, seed=0), "circles": mlp.make_circles(40, 0.1, seed=0)}
    fits = {
        (name, d): lm.fit_logistic_regression(lm.polynomial_features(X, d), t, lr=0.5, epochs=50)
        for name, (X, t) in data.items()
        for d in (1, 2)
    }
    fr = classifiers.polynomial_frames(data, fits)
    check_static(fr, [2, 2])
    text = check_frame_axes(fr, data="circles", degree=2)
    assert text.startswith("5 features, training accuracy <b>")
    del fits[("circles", 2)]
    with pytest.raises(ValueError, match=r"fits needs a fit for every data set and degree"):
        classifiers.polynomial_frames(data, fits)


def test_monomial_growth():
    ax = classifiers.plot_monomial_growth({"2 inputs": 2, "784 inputs": 784}, 4, (39_760, "MLP"))
    assert labelled(ax) and ax.get_yscale() == "log"
    assert ax.lines[1].get_ydata()[1] == lm.n_monomials(784, 2)
    with pytest.raises(ValueError, match="max_degree must be an integer >= 1"):
        classifiers.plot_monomial_growth({"x": 2}, 0, (1, "r"))
