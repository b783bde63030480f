"""Tests of mlp.figures.graph_drawing: a computation graph drawn with values and error signals."""

import matplotlib

matplotlib.use("Agg")

from mlp import graph as g  # noqa: E402
from mlp import lecture_graphs  # noqa: E402
from mlp.figures.graph_drawing import draw_graph  # noqa: E402


def test_draw_graph():
    L, n = lecture_graphs.logistic_least_squares_graph(2.0, -1.0, 1.5, 1.0)
    g.backward(L)
    ax = draw_graph(L, highlight="z")
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("z\n") and "bar" in t for t in texts)
    assert ax.get_title() and ax.get_xlabel()
    assert not any(t.startswith("0.5\n") for t in texts)  # constants hidden
    ax2 = draw_graph(L, show_bar=False, show_constants=True, highlight=[n["w"]])
    assert any(t.startswith("0.5\n") for t in (t.get_text() for t in ax2.texts))
    matplotlib.pyplot.close("all")
