"""Tests of mlp.graph: the scalar computation graph reproduces the lecture's examples."""

import math

import numpy as np
import pytest

from mlp import graph as g
from mlp import lecture_graphs
from mlp.gradcheck import numerical_gradient


def sig(z):
    return 1 / (1 + math.exp(-z))


@pytest.mark.parametrize(("w", "b", "x", "t"), [(2.0, -1.0, 1.5, 1.0), (-0.3, 0.2, 4.0, 0.0)])
def test_logistic_least_squares_matches_closed_form(w, b, x, t):
    L, n = lecture_graphs.logistic_least_squares_graph(w, b, x, t)
    g.backward(L)
    s = sig(w * x + b)
    ds = s * (1 - s)
    assert L.value == pytest.approx(0.5 * (s - t) ** 2, rel=1e-15)
    assert n["w"].bar == pytest.approx((s - t) * ds * x, rel=1e-14)
    assert n["b"].bar == pytest.approx((s - t) * ds, rel=1e-14)
    # the structured way: y_bar = y - t, z_bar = y_bar sigma'(z), w_bar = z_bar x, b_bar = z_bar
    assert n["y"].bar == pytest.approx(s - t, rel=1e-14)
    assert n["z"].bar == pytest.approx(n["y"].bar * ds, rel=1e-14)
    assert n["w"].bar == pytest.approx(n["z"].bar * x, rel=1e-14)


@pytest.mark.parametrize("t", [0.0, 0.7, -1.3, 2.5])
def test_lecture_fxy_matches_closed_form(t):
    f, n = lecture_graphs.lecture_fxy_graph(t)
    g.backward(f)
    x, y = math.cos(t), t * t
    e = math.exp(x * y)
    assert f.value == pytest.approx(y + e, rel=1e-15)
    assert n["t"].bar == pytest.approx(y * e * (-math.sin(t)) + (1 + x * e) * 2 * t, abs=1e-13)
    # t_bar = x_bar dx/dt + y_bar dy/dt (the multivariate chain rule)
    assert n["t"].bar == pytest.approx(n["x"].bar * -math.sin(t) + n["y"].bar * 2 * t, abs=1e-13)


def test_trace_records_forks_and_sums():
    f, n = lecture_graphs.lecture_fxy_graph(0.7)
    steps = g.trace_backward(f)
    assert steps[0].kind == "visit" and steps[0].node == "f" and steps[0].node_bar == 1.0
    adds_to_t = [s for s in steps if s.kind == "add" and s.parent == "t"]
    assert {s.node for s in adds_to_t} == {"x", "y"}
    assert adds_to_t[-1].parent_bar == pytest.approx(n["t"].bar)
    assert sum(s.contribution for s in adds_to_t) == pytest.approx(n["t"].bar)
    adds_to_y = [s for s in steps if s.kind == "add" and s.parent == "y"]
    assert len(adds_to_y) == 2  # y feeds both f and xy
    visited = [s.node for s in steps if s.kind == "visit"]
    assert visited.index("y") > visited.index("xy")  # children before parents
    assert "bar(t) +=" in adds_to_t[0].text


def test_operators_against_finite_differences():
    def build(v):
        a, b = g.Node(v[0], name="a"), g.Node(v[1], name="b")
        out = (a * b - a / b + a**3 + 2.0 - b) / (1 + g.square(b))
        out = out + g.log(g.exp(a) + 1) * g.sin(b) - g.cos(a) + g.sigmoid(a * b) + g.tanh(b)
        out = out + g.relu(a) - (-b) + 3 * a + 1 / b
        return out, a, b

    v = np.array([0.8, -1.7])
    out, a, b = build(v)
    g.backward(out)
    num = numerical_gradient(lambda u: build(u)[0].value, v.copy())
    np.testing.assert_allclose([a.bar, b.bar], num, rtol=1e-8)


def test_backward_resets_and_same_node_twice():
    x = g.Node(3.0, name="x")
    y = x * x
    g.backward(y)
    g.backward(y)
    assert x.bar == 6.0
    assert (np.float64(2.0) * x).value == 6.0


def test_errors():
    with pytest.raises(TypeError, match="need a Node or a number"):
        g.Node(1.0) + "a"
    with pytest.raises(TypeError, match="exponent must be a Python number"):
        g.Node(2.0) ** g.Node(2.0)
    with pytest.raises(ValueError, match="log needs a positive argument"):
        g.log(g.Node(-1.0, name="u"))
    with pytest.raises(ZeroDivisionError):
        g.Node(1.0) / 0
