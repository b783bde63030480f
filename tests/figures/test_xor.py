"""Tests of mlp.figures.xor: the XOR network drawn, its softened version and its error."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import mlp  # noqa: E402
from mlp.boolean_networks import soften, xor_network  # noqa: E402
from mlp.figures import xor  # noqa: E402
from mlp.figures.frames import STATIC_ENV  # noqa: E402

X, T = mlp.xor_data()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_max_error_and_line_equation():
    assert xor.max_error(xor_network(), X, T) == 0.0
    assert xor.max_error(soften(xor_network(), 1), X, T) > 0.5
    with pytest.raises(ValueError, match="t must have one target per row"):
        xor.max_error(xor_network(), X, T[:3])
    assert xor.line_equation([1.0, -1.0], -0.5, ("h_1", "h_2")) == "$h_1 - h_2 = 0.5$"
    assert xor.line_equation([2.0, 0.0], 1.0) == "$2x_1 = -1$"
    assert xor.line_equation([-1.0, 3.0], 0.0) == "$-x_1 + 3x_2 = 0$"


def test_plot_xor_network_three_labelled_panels():
    fig = xor.plot_xor_network(xor_network(), X, T)
    net_ax, in_ax, h_ax = fig.axes
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    assert h_ax.get_xlabel() == "$h_1$ (OR)" and h_ax.get_ylabel() == "$h_2$ (AND)"
    legend = [t.get_text() for t in in_ax.get_legend().get_texts()]
    assert legend == ["$h_1$: $x_1 + x_2 = 0.5$", "$h_2$: $x_1 + x_2 = 1.5$"]
    assert "$h_1 - h_2 = 0.5$" in [t.get_text() for t in h_ax.get_legend().get_texts()]
    notes = [t.get_text() for t in h_ax.texts]
    assert sorted(notes) == ["from (0,0)", "from (0,1)", "from (1,0)", "from (1,1)"]
    with pytest.raises(ValueError, match="net must be a 2-2-1 network"):
        xor.plot_xor_network(mlp.MLP([2, 3, 1], "tanh", seed=0), X, T)
    with pytest.raises(ValueError, match="X must be"):
        xor.plot_xor_network(xor_network(), X, T[:2])


def test_xor_diagram_labels_do_not_overlap():
    fig = xor.plot_xor_network(xor_network(), X, T)
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().strip()]
    assert any(t.get_text().startswith("output\n1 unit\n") for t in texts)
    assert not any("1 units" in t.get_text() for t in texts)
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            assert not box_a.overlaps(box_b), f"labels {a!r} and {b!r} overlap"


def test_plot_error_vs_k():
    ks = np.array([1.0, 2.0, 4.0])
    fig = xor.plot_error_vs_k(ks, [0.5, 0.3, 0.1], [0.5, 0.3, 0.1])
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="ks, measured and bound differ in shape"):
        xor.plot_error_vs_k(ks, [0.5], [0.5, 0.3, 0.1])


def test_soft_xor_explorer_static_frames(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    fr = xor.soft_xor_explorer(xor_network(), X, T, ks=[1, 4, 16], initial=4)
    assert fr.n_frames == fr.n_distinct == 3 and len(fr._links) == 1
    assert [len(fr.view.children), fr.view.selected_index] == [3, 1]
    page = fr.frame_html(k=16)
    err = xor.max_error(soften(xor_network(), 16), X, T)
    assert f"<b>{err:.2g}</b>" in page and 'alt="Output of the XOR network' in page
    fig, _ = fr.render_frame(k=1)
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)


def test_soft_xor_explorer_live_updates_artists(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "0")
    fr = xor.soft_xor_explorer(xor_network(), X, T)
    fig, _ = fr.render_frame()
    image = fig.axes[0].images[0]
    fr.set(k=2.5)  # between the precomputed values
    assert "k = 2.5:" in fr.view.value
    assert fig.axes[0].images[0] is image  # the same artists, new data
    H = soften(xor_network(), 2.5).hidden(X, 1)
    assert np.allclose(fig.axes[1].collections[1].get_offsets(), H[T == 1])
