"""Tests of mlp.figures.backprop_stepper: the grouped backward pass, the graphs, the stepper."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mlp  # noqa: E402
from mlp import graph, lecture_graphs  # noqa: E402
from mlp.figures.backprop_stepper import (  # noqa: E402
    backward_stepper,
    backward_visits,
    draw_backward_state,
    graph_figsize,
    graph_layout,
    label_html,
    label_tex,
    label_unicode,
)
from mlp.lecture_graphs import mlp_scalar_graph, multiclass_logistic_graph  # noqa: E402


def _children(output: graph.Node) -> dict[int, list[graph.Node]]:
    kids: dict[int, list[graph.Node]] = {}
    for n in graph.topological_order(output):
        for p in n.parents:
            kids.setdefault(id(p), []).append(n)
    return kids


def _random_mlp(seed: int, N: int = 2, H: int = 3, K: int = 2) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=N),
        "t": rng.normal(size=K),
        "W1": rng.normal(size=(H, N)),
        "b1": rng.normal(size=H),
        "W2": rng.normal(size=(K, H)),
        "b2": rng.normal(size=K),
    }


# ---- backward_visits ------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["layers", "trace"])
def test_visits_are_a_reverse_topological_order(order: str) -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(0.7)
    visits = backward_visits(f, order=order)
    assert visits[0].node is f
    position = {id(v.node): i for i, v in enumerate(visits)}
    kids = _children(f)
    for v in visits:
        for c in kids.get(id(v.node), []):
            assert position[id(c)] < position[id(v.node)], (c.name, v.label)


@pytest.mark.parametrize("order", ["layers", "trace"])
def test_each_bar_is_the_sum_of_received_messages(order: str) -> None:
    p = _random_mlp(0)
    L, _ = mlp_scalar_graph(p["x"], p["t"], p["W1"], p["b1"], p["W2"], p["b2"])
    for v in backward_visits(L, order=order):
        if v.index == 0:
            assert v.bar == 1.0 and not v.received
        else:
            assert np.isclose(v.bar, sum(s.contribution for s in v.received), rtol=1e-13)
            for s in v.received:
                assert np.isclose(s.contribution, s.node_bar * s.local)


def test_orders_give_the_same_bars_as_graph_backward() -> None:
    f, nodes = lecture_graphs.lecture_fxy_graph(1.3)
    graph.backward(f)
    expected = {k: n.bar for k, n in nodes.items()}
    for order in ("layers", "trace"):
        bars = {v.label: v.bar for v in backward_visits(f, order=order)}
        for k, b in expected.items():
            assert np.isclose(bars[k], b, rtol=1e-14)


def test_fork_at_t_in_the_lecture_example() -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    visits = backward_visits(f)
    t = visits[-1]
    assert t.label == "t" and t.is_fork
    assert sorted(s.node for s in t.received) == ["x", "y"]
    x, y = np.cos(1.0), 1.0
    expected = y * np.exp(x * y) * (-np.sin(1.0)) + (1 + x * np.exp(x * y)) * 2
    assert np.isclose(t.bar, expected)
    text = t.equation("text")
    assert text.startswith("bar(t) = ") and "dx/dt" in text and "dy/dt" in text
    assert "∂" in t.equation("html") and "\\frac" in t.equation("tex")


def test_equation_rejects_unknown_format() -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    with pytest.raises(ValueError, match="fmt"):
        backward_visits(f)[0].equation("latex")


def test_duplicate_names_are_refused() -> None:
    a, b = graph.Node(1.0, name="a"), graph.Node(2.0, name="a")
    out = (a * b).named("out")
    with pytest.raises(ValueError, match="two nodes are named 'a'"):
        backward_visits(out)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="output must be a Node"):
        backward_visits(3.0)  # type: ignore[arg-type]
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    with pytest.raises(ValueError, match="order"):
        backward_visits(f, order="random")


# ---- the lecture's graphs against the vectorized library ----------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_scalar_mlp_graph_matches_mlp_backward(seed: int, activation: str) -> None:
    p = _random_mlp(seed)
    L, nodes = mlp_scalar_graph(p["x"], p["t"], p["W1"], p["b1"], p["W2"], p["b2"], activation)
    graph.backward(L)
    net = mlp.MLP.from_params([(p["W1"], p["b1"]), (p["W2"], p["b2"])], [activation, "identity"])
    y = net.forward(p["x"])
    assert np.isclose(L.value, mlp.squared_error(y, p["t"]))
    x_bar = net.backward(mlp.squared_error_grad(y, p["t"]))
    (W1b, b1b), (W2b, b2b) = net.grads()
    for prefix, arr in [("w1_", W1b), ("b1_", b1b), ("w2_", W2b), ("b2_", b2b)]:
        for idx in np.ndindex(arr.shape):
            key = prefix + "".join(str(i + 1) for i in idx)
            assert np.isclose(nodes[key].bar, arr[idx], rtol=1e-12, atol=1e-14), key
    for j, xb in enumerate(x_bar, start=1):
        assert np.isclose(nodes[f"x{j}"].bar, xb, rtol=1e-12, atol=1e-14)


def test_scalar_mlp_graph_shape_errors_name_the_argument() -> None:
    p = _random_mlp(0)
    with pytest.raises(ValueError, match="W1 has shape"):
        mlp_scalar_graph(p["x"], p["t"], p["W1"].T, p["b1"], p["W2"], p["b2"])
    with pytest.raises(ValueError, match="b1 has shape"):
        mlp_scalar_graph(p["x"], p["t"], p["W1"], p["b1"][:2], p["W2"], p["b2"])
    with pytest.raises(ValueError, match="W2 has shape"):
        mlp_scalar_graph(p["x"], p["t"], p["W1"], p["b1"], p["W2"].T, p["b2"])
    with pytest.raises(ValueError, match="activation"):
        mlp_scalar_graph(p["x"], p["t"], p["W1"], p["b1"], p["W2"], p["b2"], "softplus")


@pytest.mark.parametrize("seed", range(4))
def test_multiclass_graph_matches_softmax_cross_entropy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, W, b = rng.normal(size=2), rng.normal(size=(3, 2)), rng.normal(size=3)
    t = rng.dirichlet(np.ones(3))
    L, nodes = multiclass_logistic_graph(x, t, W, b)
    graph.backward(L)
    z = W @ x + b
    assert np.isclose(L.value, mlp.softmax_cross_entropy(z[None], t[None]))
    z_bar = np.array([nodes[f"z{k}"].bar for k in (1, 2, 3)])
    assert np.allclose(z_bar, mlp.softmax(z) - t, atol=1e-14)
    W_bar = np.array([[nodes[f"w{k}{j}"].bar for j in (1, 2)] for k in (1, 2, 3)])
    assert np.allclose(W_bar, np.outer(z_bar, x), atol=1e-14)


def test_multiclass_graph_checks_targets() -> None:
    with pytest.raises(ValueError, match="t must be probabilities"):
        multiclass_logistic_graph([1.0], [0.5, 0.6], [[1.0], [2.0]], [0.0, 0.0])
    with pytest.raises(ValueError, match="W has shape"):
        multiclass_logistic_graph([1.0], [0.5, 0.5], [[1.0, 2.0]], [0.0, 0.0])


# ---- labels and layout ----------------------------------------------------------------------


def test_labels() -> None:
    assert label_tex("w1_12") == "w^{(1)}_{12}"
    assert label_tex("z2") == "z_{2}"
    assert label_tex("L") == "\\mathcal{L}"
    assert label_tex("exp(xy)") == "\\mathrm{exp(xy)}"
    assert label_html("b2_1") == "<i>b</i><sup>(2)</sup><sub>1</sub>"
    assert label_html("a<b") == "a&lt;b"
    assert label_unicode("w1_12") == "w⁽¹⁾₁₂"
    assert label_unicode("z2", bar=True) == "z\u0305₂"
    assert label_unicode("L") == "ℒ"


def test_layout_puts_parents_left_of_children() -> None:
    p = _random_mlp(1)
    L, _ = mlp_scalar_graph(p["x"], p["t"], p["W1"], p["b1"], p["W2"], p["b2"])
    pos = graph_layout(L)
    for n in graph.topological_order(L):
        for par in n.parents:
            assert pos[id(par)][0] < pos[id(n)][0]
    assert len(set(pos.values())) == len(pos)  # no two nodes on top of each other
    w, h = graph_figsize(L)
    assert 5 <= w <= 12 and 3 <= h <= 12


# ---- drawing and the stepper ----------------------------------------------------------------


def test_draw_backward_state_shows_known_and_unknown_bars() -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    visits = backward_visits(f)
    fig, ax = plt.subplots()
    draw_backward_state(f, visits, 2, ax)
    texts = [t.get_text() for t in ax.texts]
    assert any("= ?" in s for s in texts)  # nodes not reached yet
    assert any("+ …" in s for s in texts)  # y has heard from f but not from xy
    assert "Step 2 of 6" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
    fig, ax = plt.subplots()
    draw_backward_state(f, visits, len(visits), ax, show_current=False)
    assert not any("= ?" in t.get_text() for t in ax.texts)
    assert "every error signal" in ax.get_title()
    plt.close(fig)
    with pytest.raises(ValueError, match="k must be an integer from 0 to 6"):
        draw_backward_state(f, visits, 7)


def test_stepper_static_frames_and_links() -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    ex = backward_stepper(f, mode="static", dpi=40)
    assert ex.n_frames == len(ex.visits) + 1 == 7
    assert len(ex._links) == 1  # one slider linked to one stack
    stack = ex.view
    assert len(stack.children) == 7
    last = stack.children[-1].value
    assert 'class="mlp-frame"' in last and "Step 6 of 6" in last and "fork" in last
    assert "alt=" in last and "visiting t" in last


def test_stepper_live_moves() -> None:
    L, _ = lecture_graphs.logistic_least_squares_graph(2.0, -1.0, 1.5, 1.0)
    ex = backward_stepper(L, mode="live", dpi=40)
    assert "Step 0 of" in ex.view.value
    ex.set(step=3)
    assert "Step 3 of" in ex.view.value
