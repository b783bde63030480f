"""Tests of mlp.figures.graph_drawing: a computation graph drawn with values and error signals."""

import matplotlib

matplotlib.use("Agg")

from mlp import graph as g  # noqa: E402
from mlp import lecture_graphs  # noqa: E402
from mlp.figures.graph_drawing import draw_graph  # noqa: E402


def test_draw_graph() -> None:
    L, n = lecture_graphs.logistic_least_squares_graph(2.0, -1.0, 1.5, 1.0)
    g.backward(L)
    ax = draw_graph(L, highlight="z")
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("z\n2\n") and "z\u0305 = -0.0125" in t for t in texts)
    assert "×" in texts and "*" not in texts  # the product is not drawn as an "x"
    assert ax.get_title() and ax.get_xlabel()
    assert not any(t.startswith("0.5\n") for t in texts)  # constants hidden
    ax2 = draw_graph(L, show_bar=False, show_constants=True, highlight=[n["w"]])
    assert "0.5" in [t.get_text() for t in ax2.texts]  # a constant shows its value
    matplotlib.pyplot.close("all")


def test_one_layout_puts_parents_left_of_children() -> None:
    import numpy as np

    from mlp.figures.graph_drawing import graph_figsize, graph_layout
    from mlp.lecture_graphs import mlp_scalar_graph

    rng = np.random.default_rng(1)
    x, t = rng.normal(size=2), rng.normal(size=2)
    W1, b1, W2, b2 = (rng.normal(size=s) for s in ((3, 2), 3, (2, 3), 2))
    L, _ = mlp_scalar_graph(x, t, W1, b1, W2, b2)
    pos = graph_layout(L)
    for n in g.topological_order(L):
        for par in n.parents:
            if id(par) in pos:
                assert pos[id(par)][0] < pos[id(n)][0]
    assert len(set(pos.values())) == len(pos)  # no two nodes on top of each other
    w, h = graph_figsize(L)
    assert 5 <= w <= 12 and 3 <= h <= 12
    # constants (the 0.5 of the squared error) are placed only when asked for
    L2, _ = lecture_graphs.logistic_least_squares_graph(2.0, -1.0, 1.5, 1.0)
    assert set(graph_layout(L2)) < set(graph_layout(L2, constants=True))


def test_draw_graph_uses_the_shared_layout() -> None:
    from mlp.figures.graph_drawing import graph_layout

    L, n = lecture_graphs.logistic_least_squares_graph(2.0, -1.0, 1.5, 1.0)
    g.backward(L)
    ax = draw_graph(L)
    pos = graph_layout(L)
    box_centres = {
        (round(t.get_position()[0], 6), round(t.get_position()[1], 6))
        for t in ax.texts
        if "\n" in t.get_text()
    }
    assert box_centres == {(round(x, 6), round(y, 6)) for x, y in pos.values()}
    matplotlib.pyplot.close("all")
