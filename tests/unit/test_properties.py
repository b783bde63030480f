"""Property-based tests (hypothesis) of shapes and invariants of mlp."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlp import activations as A
from mlp.gradcheck import relative_error
from mlp.layers import Linear
from mlp.losses import softmax_cross_entropy, softmax_cross_entropy_grad, squared_error
from mlp.network import MLP

floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=floats))
def test_softmax_rows_sum_to_one(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = A.softmax(z)
    assert p.shape == z.shape
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=floats))
def test_sigmoid_in_unit_interval(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = A.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + A.sigmoid(-z), 1.0, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    batch=st.integers(1, 5),
    act=st.sampled_from(["sigmoid", "tanh", "relu", "identity"]),
    seed=st.integers(0, 1000),
)
def test_mlp_shapes(sizes, batch, act, seed):
    net = MLP(sizes, act, seed=seed)
    X = np.random.default_rng(seed).normal(size=(batch, sizes[0]))
    y = net.forward(X)
    assert y.shape == (batch, sizes[-1])
    x_bar = net.backward(np.ones_like(y))
    assert x_bar.shape == X.shape
    for (W, b), (Wb, bb) in zip(net.params(), net.grads(), strict=True):
        assert W.shape == Wb.shape and b.shape == bb.shape
    assert net.predict(X).shape == (batch,)


@settings(max_examples=40, deadline=None)
@given(
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 5),
    batch=st.integers(1, 4),
    seed=st.integers(0, 100),
)
def test_linear_gradient_is_sum_over_batch(n_in, n_out, batch, seed):
    rng = np.random.default_rng(seed)
    layer = Linear.random(n_in, n_out, seed=seed)
    X, Z_bar = rng.normal(size=(batch, n_in)), rng.normal(size=(batch, n_out))
    layer.forward(X)
    layer.backward(Z_bar)
    total = np.zeros_like(layer.W)
    for i in range(batch):
        layer.forward(X[i])
        layer.backward(Z_bar[i])
        total += layer.W_bar
    assert relative_error(total, Z_bar.T @ X, normwise=True) < 1e-12


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 5)), elements=floats))
def test_cross_entropy_nonnegative_and_grad_rows_sum_to_zero(z):
    labels = np.arange(z.shape[0]) % z.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert softmax_cross_entropy(z, labels) >= 0
        g = softmax_cross_entropy_grad(z, labels)
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 4)), elements=floats))
def test_squared_error_zero_iff_equal(y):
    assert squared_error(y, y) == 0.0
    assert squared_error(y, y + 1.0) == pytest.approx(0.5 * y.shape[1], rel=1e-9)
