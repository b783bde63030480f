"""mlp.figures.backward_visits: the backward pass grouped by node, keyed by node."""

from __future__ import annotations

import numpy as np
import pytest

from mlp import graph, lecture_graphs
from mlp.figures.backward_visits import backward_visits, number_format
from mlp.lecture_graphs import mlp_scalar_graph


def _children(output: graph.Node) -> dict[int, list[graph.Node]]:
    kids: dict[int, list[graph.Node]] = {}
    for n in graph.topological_order(output):
        for p in n.parents:
            kids.setdefault(id(p), []).append(n)
    return kids


def small_mlp_graph(seed: int = 0) -> tuple[graph.Node, dict[str, graph.Node]]:
    rng = np.random.default_rng(seed)
    x, t = rng.normal(size=2), rng.normal(size=2)
    W1, b1, W2, b2 = (rng.normal(size=s) for s in ((3, 2), 3, (2, 3), 2))
    return mlp_scalar_graph(x, t, W1, b1, W2, b2)


@pytest.mark.parametrize("order", ["layers", "trace"])
def test_visits_are_a_reverse_topological_order_keyed_by_node(order: str) -> None:
    f, nodes = lecture_graphs.lecture_fxy_graph(0.7)
    visits = backward_visits(f, order=order)
    assert list(visits)[0] is f and visits[f].index == 0
    assert all(visits[n].node is n for n in nodes.values())
    assert [v.index for v in visits.values()] == list(range(len(visits)))
    kids = _children(f)
    for v in visits.values():
        for c in kids.get(id(v.node), []):
            assert visits[c].index < v.index, (c.name, v.label)


@pytest.mark.parametrize("order", ["layers", "trace"])
def test_each_bar_is_the_sum_of_received_messages(order: str) -> None:
    L, _ = small_mlp_graph()
    for v in backward_visits(L, order=order).values():
        if v.index == 0:
            assert v.bar == 1.0 and not v.received and not v.senders
        else:
            assert np.isclose(v.bar, sum(s.contribution for s in v.received), rtol=1e-13)
            for s in v.received:
                assert np.isclose(s.contribution, s.node_bar * s.local)


def test_senders_and_receivers_are_the_nodes_named_in_the_messages() -> None:
    L, _ = small_mlp_graph(1)
    visits = backward_visits(L)
    for v in visits.values():
        assert [s.node for s in v.received] == [visits[c].label for c in v.senders]
        assert [s.parent for s in v.sent] == [visits[p].label for p in v.receivers]
        assert all(p in v.node.parents for p in v.receivers)
        # every message sent is received: the parent's inbox holds it
        for s, p in zip(v.sent, v.receivers, strict=True):
            assert s in visits[p].received


def test_orders_give_the_same_bars_as_graph_backward() -> None:
    f, nodes = lecture_graphs.lecture_fxy_graph(1.3)
    graph.backward(f)
    expected = {n: n.bar for n in nodes.values()}
    for order in ("layers", "trace"):
        visits = backward_visits(f, order=order)
        for n, b in expected.items():
            assert np.isclose(visits[n].bar, b, rtol=1e-14)


def test_layers_order_goes_column_by_column() -> None:
    L, nodes = small_mlp_graph()
    labels = [v.label for v in backward_visits(L).values()]
    assert labels.index("y1") < labels.index("h1") < labels.index("z1") < labels.index("x1")


def test_fork_at_t_in_the_lecture_example() -> None:
    f, nodes = lecture_graphs.lecture_fxy_graph(1.0)
    visits = backward_visits(f)
    t = visits[nodes["t"]]
    assert t is list(visits.values())[-1] and t.label == "t" and t.is_fork
    assert set(t.senders) == {nodes["x"], nodes["y"]}
    x, y = np.cos(1.0), 1.0
    expected = y * np.exp(x * y) * (-np.sin(1.0)) + (1 + x * np.exp(x * y)) * 2
    assert np.isclose(t.bar, expected)
    text = t.equation("text")
    assert text.startswith("bar(t) = ") and "dx/dt" in text and "dy/dt" in text
    assert text.endswith(f"= {expected:.4g}")
    assert "∂" in t.equation("html") and "\\frac" in t.equation("tex")
    assert visits[f].equation() == "bar(f) = 1"
    uni = t.equation("unicode")
    assert (
        uni.startswith("t\u0305 = ")
        and "x\u0305 · ∂x/∂t" in uni
        and uni.endswith(f"= {expected:.4g}")
    )


def test_number_format() -> None:
    num = number_format(3)
    assert num(None) == "?" and num(-0.0) == "0" and num(1.23456) == "1.23"


def test_bad_arguments() -> None:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    with pytest.raises(ValueError, match="fmt"):
        backward_visits(f)[f].equation("latex")
    with pytest.raises(TypeError, match="output must be a Node"):
        backward_visits(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="order"):
        backward_visits(f, order="random")
    a, b = graph.Node(1.0, name="a"), graph.Node(2.0, name="a")
    with pytest.raises(ValueError, match="two nodes are named 'a'"):
        backward_visits((a * b).named("out"))
