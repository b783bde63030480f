"""Tests of mlp.losses: values, fused gradients, stability, errors."""

import warnings

import numpy as np
import pytest

from mlp import losses as L


def test_squared_error_value_and_grad():
    y = np.array([[1.0, 2.0], [0.0, 0.0]])
    t = np.array([[0.0, 0.0], [1.0, 1.0]])
    # mean over B=2 of 1/2 ||y-t||^2 = (0.5 * 5 + 0.5 * 2) / 2
    assert L.squared_error(y, t) == pytest.approx(1.75)
    np.testing.assert_allclose(L.squared_error_grad(y, t), (y - t) / 2)
    assert L.squared_error(np.array([3.0]), np.array([1.0])) == pytest.approx(2.0)


def test_squared_error_refuses_column_vs_vector():
    with pytest.raises(ValueError, match=r"y has shape \(4,\) but t has shape \(4, 1\)"):
        L.squared_error(np.zeros(4), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="empty batch"):
        L.squared_error(np.zeros((0, 2)), np.zeros((0, 2)))


def test_cross_entropy_labels_and_one_hot_agree():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 4))
    lab = np.array([0, 1, 2, 3, 0, 1])
    T = L.one_hot(lab, 4)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(6), lab]))
    assert L.softmax_cross_entropy(z, lab) == pytest.approx(expected, rel=1e-12)
    assert L.softmax_cross_entropy(z, T) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(z, lab), (p - T) / 6, atol=1e-15)
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(z, T), (p - T) / 6, atol=1e-15)


def test_cross_entropy_single_example():
    z = np.array([1.0, 2.0, 3.0])
    assert L.softmax_cross_entropy(z, 2) == pytest.approx(L.softmax_cross_entropy(z[None], [2]))
    assert L.softmax_cross_entropy_grad(z, 2).shape == (3,)
    assert L.softmax_cross_entropy(z, np.array([0.0, 0.0, 1.0])) == pytest.approx(
        L.softmax_cross_entropy(z, 2)
    )


def test_cross_entropy_stable_at_1000():
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert L.softmax_cross_entropy(z, [0, 1]) == pytest.approx(0.0)
        assert L.softmax_cross_entropy(z, [1, 0]) == pytest.approx(2000.0)
        g = L.softmax_cross_entropy_grad(z, [1, 0])
    np.testing.assert_allclose(g, [[0.5, -0.5], [-0.5, 0.5]])


def test_cross_entropy_errors():
    z = np.zeros((3, 4))
    with pytest.raises(ValueError, match="label 4, outside 0 .. 3 for K=4"):
        L.softmax_cross_entropy(z, [0, 1, 4])
    with pytest.raises(ValueError, match="label -1"):
        L.softmax_cross_entropy(z, [0, -1, 2])
    with pytest.raises(ValueError, match=r"z has shape \(3, 4\) but t has shape \(2,\)"):
        L.softmax_cross_entropy(z, [0, 1])
    with pytest.raises(ValueError, match=r"z has shape \(3, 4\) but t has shape \(3, 3\)"):
        L.softmax_cross_entropy(z, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="empty batch"):
        L.softmax_cross_entropy(np.zeros((0, 4)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="non-integer"):
        L.softmax_cross_entropy(z, [0.5, 1, 2])


def test_one_hot_and_accuracy():
    np.testing.assert_array_equal(L.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="label 3"):
        L.one_hot([3], 3)
    z = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert L.accuracy(z, [1, 0, 0]) == pytest.approx(2 / 3)
    assert L.accuracy(z, L.one_hot([1, 0, 1], 2)) == 1.0
    assert L.accuracy(np.array([[0.2], [0.7]]), np.array([[0.0], [1.0]])) == 1.0
    assert L.accuracy(np.array([0.2, 0.7]), np.array([1, 1])) == 0.5


def test_losses_dict():
    assert set(L.LOSSES) == {"squared_error", "cross_entropy"}
    assert L.LOSSES["cross_entropy"][1] is L.softmax_cross_entropy_grad
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        L.get_loss("hinge")
