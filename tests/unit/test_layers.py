"""Tests of mlp.layers: shapes, the bar-notation backward rules, errors."""

import warnings

import numpy as np
import pytest

from mlp import activations as A
from mlp.layers import Activation, Linear


def test_linear_forward_shapes_and_values():
    W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = np.array([0.5, -0.5])
    layer = Linear(W, b)
    x = np.array([1.0, 0.0, -1.0])
    np.testing.assert_allclose(layer.forward(x), W @ x + b)
    X = np.stack([x, 2 * x])
    Z = layer.forward(X)
    assert Z.shape == (2, 2)
    np.testing.assert_allclose(Z, X @ W.T + b)


def test_linear_backward_matches_bar_rules():
    rng = np.random.default_rng(0)
    layer = Linear.random(4, 3, seed=1)
    X = rng.normal(size=(5, 4))
    layer.forward(X)
    Z_bar = rng.normal(size=(5, 3))
    X_bar = layer.backward(Z_bar)
    W_bar = sum(np.outer(Z_bar[i], X[i]) for i in range(5))  # sum_b z_bar x^T
    np.testing.assert_allclose(layer.W_bar, W_bar)
    np.testing.assert_allclose(layer.b_bar, Z_bar.sum(0))
    np.testing.assert_allclose(X_bar, Z_bar @ layer.W)


def test_linear_single_example_backward():
    layer = Linear([[1.0, 2.0]], [0.0])
    layer.forward(np.array([3.0, 4.0]))
    x_bar = layer.backward(np.array([2.0]))
    assert x_bar.shape == (2,)
    np.testing.assert_allclose(layer.W_bar, [[6.0, 8.0]])
    np.testing.assert_allclose(layer.b_bar, [2.0])


def test_linear_random_is_seeded_and_xavier():
    a, b = Linear.random(100, 50, seed=3), Linear.random(100, 50, seed=3)
    np.testing.assert_array_equal(a.W, b.W)
    assert a.W.shape == (50, 100) and a.b.shape == (50,)
    assert abs(a.W.std() - np.sqrt(2 / 150)) < 0.01
    assert Linear.random(3, 2, seed=0, dtype=np.float32).W.dtype == np.float32
    np.testing.assert_allclose(Linear.random(3, 2, seed=0, scale=0.0).W, 0.0)


@pytest.mark.parametrize(
    ("W", "b", "match"),
    [
        (np.ones(3), np.ones(3), r"W must be 2-D"),
        (np.ones((2, 3)), np.ones((2, 1)), r"b must be 1-D"),
        (np.ones((2, 3)), np.ones(3), r"b has shape \(3,\) but W has shape \(2, 3\)"),
        (np.array([[np.nan, 1.0]]), np.ones(1), r"W contains NaN"),
        (np.array([["a"]]), np.ones(1), r"W must be a numeric array"),
    ],
)
def test_linear_constructor_errors(W, b, match):
    with pytest.raises((ValueError, TypeError), match=match):
        Linear(W, b)


def test_linear_forward_errors():
    layer = Linear(np.ones((3, 4)), np.zeros(3))
    with pytest.raises(
        ValueError, match=r"x has shape \(2, 5\) but the layer \(W has shape \(3, 4\)\) expects"
    ):
        layer.forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match="x contains NaN"):
        layer.forward(np.array([1.0, np.nan, 0.0, 0.0]))
    with pytest.raises(RuntimeError, match="forward before backward"):
        Linear(np.ones((3, 4)), np.zeros(3)).backward(np.ones(3))
    layer.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"z_bar has shape \(5, 3\)"):
        layer.backward(np.ones((5, 3)))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity", "step"])
def test_activation_matches_reference(name):
    z = np.linspace(-5, 5, 39).reshape(3, 13)
    layer = Activation(name)
    f, fp = A.get_activation(name)
    np.testing.assert_array_equal(layer.forward(z), f(z))
    h_bar = np.arange(z.size, dtype=float).reshape(z.shape)
    np.testing.assert_allclose(layer.backward(h_bar), h_bar * fp(z), rtol=1e-15, atol=0)


def test_activation_sigmoid_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = Activation("sigmoid")
        h = layer.forward(np.array([-1000.0, 0.0, 1000.0]))
        np.testing.assert_allclose(h, [0.0, 0.5, 1.0])
        np.testing.assert_allclose(layer.backward(np.ones(3)), [0.0, 0.25, 0.0])
        h32 = layer.forward(np.array([-1000.0, 1000.0], dtype=np.float32))
        assert h32.dtype == np.float32


def test_activation_errors():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Activation("swish")
    layer = Activation("tanh")
    with pytest.raises(RuntimeError):
        layer.backward(np.ones(2))
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"h_bar has shape \(3, 2\)"):
        layer.backward(np.ones((3, 2)))


def test_softmax_and_sigmoid_at_plus_minus_1000_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = A.softmax(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]]))
        s = A.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_array_equal(s, [0.0, 1.0])
