"""Tests of mlp.network.MLP: construction, forward/backward, parameters, printing."""

import numpy as np
import pytest

import mlp
from mlp.losses import squared_error_grad
from mlp.network import MLP

XOR_PARAMS = [([[1.0, 1.0], [1.0, 1.0]], [-0.5, -1.5]), ([[1.0, -1.0]], [-0.5])]


def test_construction_and_attributes():
    net = MLP([784, 50, 10], ["sigmoid", "identity"], seed=0)
    assert net.sizes == [784, 50, 10]
    assert net.activations == ["sigmoid", "identity"]
    assert len(net.layers) == 4 and len(net.linears) == 2
    assert net.linears[0].W.shape == (50, 784) and net.linears[1].b.shape == (10,)
    assert (
        repr(net) == "MLP(sizes=[784, 50, 10], activations=['sigmoid', 'identity'], dtype=float64)"
    )
    assert net.n_params == 784 * 50 + 50 + 50 * 10 + 10


def test_string_activation_means_hidden_then_identity():
    net = MLP([2, 3, 3, 1], "relu")
    assert net.activations == ["relu", "relu", "identity"]


def test_seed_determinism_and_dtype():
    a = MLP([3, 4, 2], "tanh", seed=5)
    b = MLP([3, 4, 2], "tanh", seed=5)
    c = MLP([3, 4, 2], "tanh", seed=6)
    np.testing.assert_array_equal(a.linears[0].W, b.linears[0].W)
    assert not np.array_equal(a.linears[0].W, c.linears[0].W)
    net32 = MLP([3, 4, 2], "tanh", dtype=np.float32)
    assert net32.forward(np.ones((2, 3))).dtype == np.float32
    assert net32.astype(np.float64).dtype == np.float64


def test_xor_network_from_params():
    net = MLP.from_params(XOR_PARAMS, ["step", "step"])
    X, t = mlp.xor_data()
    np.testing.assert_array_equal(net.forward(X).ravel(), t)
    np.testing.assert_array_equal(net.predict(X), t.astype(int))
    np.testing.assert_array_equal(net.hidden(X, 1), [[0, 0], [1, 0], [1, 0], [1, 1]])
    assert net.predict(X[1]) == 1


def test_forward_backward_by_hand():
    # the lecture's two-layer network with squared error, written out with the bar rules
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 2], ["sigmoid", "identity"], seed=2)
    X = rng.normal(size=(5, 3))
    T = rng.normal(size=(5, 2))
    (W1, b1), (W2, b2) = net.params()
    z = X @ W1.T + b1
    h = 1 / (1 + np.exp(-z))
    y = h @ W2.T + b2
    np.testing.assert_allclose(net.forward(X), y, rtol=1e-14)
    y_bar = (y - T) / 5
    x_bar = net.backward(squared_error_grad(net.forward(X), T))
    W2_bar = y_bar.T @ h
    h_bar = y_bar @ W2
    z_bar = h_bar * h * (1 - h)
    (gW1, gb1), (gW2, gb2) = net.grads()
    np.testing.assert_allclose(gW2, W2_bar, rtol=1e-12)
    np.testing.assert_allclose(gb2, y_bar.sum(0), rtol=1e-12)
    np.testing.assert_allclose(gW1, z_bar.T @ X, rtol=1e-12)
    np.testing.assert_allclose(gb1, z_bar.sum(0), rtol=1e-12)
    np.testing.assert_allclose(x_bar, z_bar @ W1, rtol=1e-12)


def test_single_example_forward_backward():
    net = MLP([3, 4, 2], "tanh", seed=0)
    x = np.array([0.1, -0.2, 0.3])
    y = net.forward(x)
    assert y.shape == (2,)
    assert net.backward(np.ones(2)).shape == (3,)
    np.testing.assert_allclose(net.forward(x[None])[0], y)


def test_params_are_live_and_set_params():
    net = MLP([2, 2, 1], "sigmoid")
    net.linears[0].W[...] = 0.0
    assert np.all(net.params()[0][0] == 0.0)
    W_ref = net.params()[0][0]
    net.set_params(XOR_PARAMS)
    assert net.params()[0][0] is W_ref
    np.testing.assert_array_equal(W_ref, [[1, 1], [1, 1]])
    with pytest.raises(ValueError, match=r"W2 has shape \(2, 2\) but the network's is \(1, 2\)"):
        net.set_params([XOR_PARAMS[0], (np.ones((2, 2)), [0.0])])
    with pytest.raises(ValueError, match="params has 1 layers but the network has 2"):
        net.set_params(XOR_PARAMS[:1])


def test_copy_is_independent():
    net = MLP([2, 3, 1], "relu")
    twin = net.copy()
    twin.linears[0].W += 1
    assert not np.array_equal(net.linears[0].W, twin.linears[0].W)


def test_describe_and_to_code_round_trip():
    net = MLP([3, 5, 2], ["tanh", "identity"], seed=4)
    text = net.describe()
    assert "W^(1) shape (5, 3)" in text and "b^(2) shape (2,)" in text
    ns: dict = {}
    exec(net.to_code(), ns)
    rebuilt = ns["net"]
    for (W, b), (W2, b2) in zip(net.params(), rebuilt.params(), strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    assert rebuilt.activations == net.activations
    net32 = MLP([2, 3, 1], "sigmoid", seed=1, dtype=np.float32)
    ns = {}
    exec(net32.to_code("n32"), ns)
    assert ns["n32"].dtype == np.float32
    np.testing.assert_array_equal(ns["n32"].linears[0].W, net32.linears[0].W)


def test_input_errors():
    net = MLP([4, 3, 2], "relu")
    with pytest.raises(
        ValueError,
        match=r"X has shape \(2, 5\) but the network \(W1 has shape \(3, 4\)\) expects \(4,\) or",
    ):
        net.forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match="X contains NaN"):
        net.forward(np.array([[1.0, np.nan, 0.0, 0.0]]))
    with pytest.raises(RuntimeError, match="forward before backward"):
        MLP([4, 3, 2], "relu").backward(np.ones((1, 2)))
    net.forward(np.ones((3, 4)))
    with pytest.raises(
        ValueError, match=r"y_bar has shape \(2, 2\) but the last forward output had shape \(3, 2\)"
    ):
        net.backward(np.ones((2, 2)))
    with pytest.raises(ValueError, match="layer must be an integer from 1 to 2"):
        net.hidden(np.ones((1, 4)), 0)


@pytest.mark.parametrize(
    ("sizes", "acts", "match"),
    [
        ([3], "relu", "at least an input and an output"),
        ([3, 0, 2], "relu", r"sizes\[1\] must be a positive integer"),
        ([3, 4, 2], ["relu"], "activations has 1 names but the network has 2 layers"),
        ([3, 4, 2], ["relu", "softplus"], "unknown activation 'softplus'"),
    ],
)
def test_constructor_errors(sizes, acts, match):
    with pytest.raises(ValueError, match=match):
        MLP(sizes, acts)


def test_from_params_errors():
    with pytest.raises(ValueError, match=r"W2 has shape \(1, 3\) but layer 1 has 2 outputs"):
        MLP.from_params([XOR_PARAMS[0], (np.ones((1, 3)), [0.0])], "step")
    with pytest.raises(ValueError, match=r"layer 1 \(W1, b1\): b has shape \(3,\)"):
        MLP.from_params([(np.ones((2, 2)), np.ones(3))], "step")
    with pytest.raises(ValueError, match="non-empty list"):
        MLP.from_params([], "step")


def test_layers_are_the_only_state_and_the_rest_are_views():
    net = MLP([3, 4, 2], ["tanh", "identity"], seed=0)
    assert [type(layer).__name__ for layer in net.layers] == [
        "Linear",
        "Activation",
        "Linear",
        "Activation",
    ]
    assert net.linears[1] is net.layers[2]
    net.layers[1].name = "relu"  # the views follow the layers
    assert net.activations == ["relu", "identity"] and net.sizes == [3, 4, 2]


def test_hidden_runs_one_forward_pass_and_leaves_the_state_of_forward(monkeypatch):
    net = MLP([3, 5, 4, 2], "tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(6, 3))
    calls = []
    original = mlp.layers.Linear.forward

    def counting(self, x, *, check=True):
        calls.append(self)
        return original(self, x, check=check)

    monkeypatch.setattr(mlp.layers.Linear, "forward", counting)
    H2 = net.hidden(X, 2)
    assert len(calls) == 3  # each linear layer once
    W1, b1 = net.params()[0]
    W2, b2 = net.params()[1]
    np.testing.assert_allclose(H2, np.tanh(np.tanh(X @ W1.T + b1) @ W2.T + b2))
    y_bar = np.ones((6, 2))
    net.backward(y_bar)  # the stored values are those of a full forward pass on X
    ref = net.copy()
    ref.forward(X)
    ref.backward(y_bar)
    for (Wa, ba), (Wb, bb) in zip(net.grads(), ref.grads(), strict=True):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)
    assert net.hidden(X[0], 1).shape == (5,)


def test_unchecked_fast_path_gives_the_same_numbers():
    net = MLP([3, 4, 2], "sigmoid", seed=1)
    X = np.random.default_rng(1).normal(size=(5, 3))
    X2, single = net.as_batch(X)
    assert not single and X2.dtype == net.dtype
    y = net.forward(X)
    np.testing.assert_array_equal(net.forward(X2, check=False), y)
    assert net.backward(np.ones_like(y), check=False, need_x_bar=False) is None
    fast = [(W.copy(), b.copy()) for W, b in net.grads()]
    x_bar = net.backward(np.ones_like(y))
    assert x_bar.shape == X.shape
    for (Wa, ba), (Wb, bb) in zip(fast, net.grads(), strict=True):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)
