"""mlp.lecture_graphs: the lecture's scalar graphs give the vectorized library's gradients."""

from __future__ import annotations

import numpy as np
import pytest

import mlp
from mlp import graph
from mlp.lecture_graphs import mlp_scalar_graph, multiclass_logistic_graph


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
