"""Tests of mlp.gradcheck: finite differences, relative error, backprop vs numbers."""

import numpy as np
import pytest

from mlp import gradcheck as G
from mlp.activations import FORMULAS
from mlp.network import MLP


def test_numerical_gradient_of_quadratic_and_restores_x():
    x = np.array([1.0, -2.0, 3.0])
    x0 = x.copy()
    g = G.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_allclose(g, 2 * x0, rtol=1e-9)
    np.testing.assert_array_equal(x, x0)


def test_numerical_gradient_errors():
    with pytest.raises(TypeError, match="x must be a float numpy array"):
        G.numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        G.numerical_gradient(lambda v: 0.0, np.ones(2), h=0.0)


def test_relative_error_definitions():
    a, b = np.array([1.0, 0.0]), np.array([1.1, 0.0])
    assert G.relative_error(a, b) == pytest.approx(0.1 / 2.1)
    assert G.relative_error(a, b, normwise=True) == pytest.approx(0.1 / 2.1)
    assert G.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    a, b = np.array([1.0, 1e-3]), np.array([1.0, 2e-3])
    assert G.relative_error(a, b) == pytest.approx(1 / 3)
    assert G.relative_error(a, b, normwise=True) < 1e-3
    with pytest.raises(ValueError, match=r"a has shape \(2,\) but b has shape \(3,\)"):
        G.relative_error(np.ones(2), np.ones(3))


def test_verdict_thresholds():
    assert G.GREAT < G.SUSPICIOUS < G.WRONG
    assert G.verdict(1e-9).startswith("great")
    assert G.verdict(1e-6).startswith("ok with kinks")
    assert G.verdict(1e-4).startswith("probably wrong")
    assert G.verdict(0.5).startswith("wrong")
    assert G.verdict(float("nan")).startswith("not a number")


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "identity"])
@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
def test_backprop_matches_finite_differences(act, loss):
    rng = np.random.default_rng(0)
    net = MLP([4, 5, 3, 3], act, seed=1)
    X = rng.normal(size=(6, 4))
    T = rng.integers(0, 3, 6) if loss == "cross_entropy" else rng.normal(size=(6, 3))
    errs = G.check_mlp_gradients(net, X, T, loss, normwise=False)  # strict: elementwise
    assert list(errs) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert max(errs.values()) < 1e-7, errs
    assert max(G.check_mlp_gradients(net, X, T, loss).values()) < 1e-8


def test_relu_away_from_kinks():
    rng = np.random.default_rng(2)
    net = MLP([3, 6, 2], "relu", seed=3)
    X = rng.normal(size=(4, 3))
    z = X @ net.linears[0].W.T + net.linears[0].b
    assert np.min(np.abs(z)) > 1e-3  # no pre-activation within h of the kink
    errs = G.check_mlp_gradients(net, X, rng.normal(size=(4, 2)), "squared_error", normwise=False)
    assert max(errs.values()) < 1e-7, errs


def test_a_wrong_gradient_is_caught(monkeypatch):
    rng = np.random.default_rng(0)
    net = MLP([3, 4, 1], ["sigmoid", "identity"], seed=0)
    X, T = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    sigma, _ = FORMULAS["sigmoid"]
    monkeypatch.setitem(FORMULAS, "sigmoid", (sigma, lambda z, h: h))  # sigma instead of sigma'
    errs = G.check_mlp_gradients(net, X, T, "squared_error")
    assert errs["W1"] > G.WRONG and errs["W2"] < G.GREAT


def test_check_needs_float64():
    net = MLP([2, 2, 1], "tanh", dtype=np.float32)
    with pytest.raises(ValueError, match="need a float64 network, this one is float32"):
        G.check_mlp_gradients(net, np.ones((1, 2)), np.ones((1, 1)))


def test_trained_digits_network_passes_default_check():
    import mlp

    Xtr, Xte, ttr, tte = mlp.load_digits_split(seed=0)
    net = MLP([64, 16, 10], ["sigmoid", "identity"], seed=0)
    mlp.sgd(net, Xtr[:400], ttr[:400], lr=0.5, epochs=5, batch_size=16)
    errs = G.check_mlp_gradients(net, Xte[:5], tte[:5], "cross_entropy")
    assert max(errs.values()) < G.GREAT, errs
