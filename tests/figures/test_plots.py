"""Tests of mlp.figures.plots: every figure has a title and labelled axes; nothing is shown."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import mlp  # noqa: E402
from mlp.figures import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def labelled(ax):
    return ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_decision_regions():
    X, t = mlp.make_xor_clouds(40, 0.1, seed=0)
    net = mlp.MLP([2, 4, 2], "tanh")
    ax = plots.plot_decision_regions(net.predict, X, t, resolution=30, title="XOR")
    assert labelled(ax) and ax.get_title() == "XOR"
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        plots.plot_decision_regions(net.predict, np.ones((3, 3)), [0, 1, 0])


@pytest.mark.parametrize("name", ["step", "sigmoid", "tanh", "relu", "identity"])
def test_activation_plot(name):
    ax = plots.plot_activation(name)
    assert labelled(ax) and len(ax.lines) >= 2


def test_history_plot():
    X, t = mlp.make_blobs(40, 0.5, seed=0)
    net = mlp.MLP([2, 3, 2], "relu")
    h = mlp.sgd(net, X, t, epochs=3, X_val=X, T_val=t)
    assert labelled(plots.plot_history(h))


def test_draw_network():
    net = mlp.MLP.from_params([([[1, 1], [1, 1]], [-0.5, -1.5]), ([[1, -1]], [-0.5])], "step")
    ax = plots.draw_network(net)
    texts = [t.get_text() for t in ax.texts]
    assert "-1" in texts and "b=-1.5" in texts
    assert labelled(ax)
    ax = plots.draw_network(mlp.MLP([64, 32, 10], "relu").params(), show_weights=True)
    assert labelled(ax)


def test_linear_classifier_on_xor_gets_at_most_three():
    X, t = mlp.xor_data()
    fig, ax = plt.subplots()
    correct = plots.plot_linear_classifier([1.0, 1.0], -0.5, X, t.astype(int), ax)
    assert correct == 3 and labelled(ax)
    assert plots.plot_linear_classifier([0.0, 1.0], -0.5, X, t.astype(int)) == 2


def test_linear_classifier_limits_and_misclassified_rings():
    X, t = mlp.xor_data()
    fig, ax = plt.subplots()
    box = (-1.0, 2.0, -1.0, 2.0)
    correct = plots.plot_linear_classifier([1.0, 1.0], -0.5, X, t, ax, limits=box, mark_errors=True)
    assert correct == 3 and ax.get_xlim() == (-1.0, 2.0)
    assert "misclassified" in [text.get_text() for text in ax.get_legend().get_texts()]
    # the shading is the core's prediction on the grid: the corner (2, 2) is class 1
    assert ax.images[0].get_array()[-1, -1] == 1
    with pytest.raises(ValueError, match="limits must be"):
        plots.plot_linear_classifier([1.0, 1.0], 0.0, X, t, limits=(1.0, 0.0, 0.0, 1.0))
    with pytest.raises(ValueError, match="w must have 2 entries"):
        plots.plot_linear_classifier([1.0, 1.0, 1.0], 0.0, X, t)


def test_draw_network_bad_input():
    with pytest.raises(ValueError, match="net_or_params has no layers"):
        plots.draw_network([])
    with pytest.raises(TypeError, match="W1 must be a numeric array"):
        plots.draw_network([(["a"], [0.0])])
