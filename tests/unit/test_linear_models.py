"""Tests of mlp.linear_models: linear classifiers, logistic regression, feature maps."""

import math
import warnings

import numpy as np
import pytest

import mlp
from mlp import linear_models as lm


def test_scores_predict_count():
    X, t = mlp.xor_data()
    np.testing.assert_allclose(lm.linear_scores(X, [1.0, 1.0], -0.5), [-0.5, 0.5, 0.5, 1.5])
    np.testing.assert_array_equal(lm.linear_predict(X, [1.0, 1.0], -0.5), [0, 1, 1, 1])
    assert lm.count_correct(X, t, [1.0, 1.0], -0.5) == 3
    with pytest.raises(ValueError, match=r"w has shape \(3,\) but X has 2 features"):
        lm.linear_scores(X, [1.0, 1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="b must be a single number"):
        lm.linear_scores(X, [1.0, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"t has shape \(3,\) but X has 4 rows"):
        lm.count_correct(X, t[:3], [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="binary targets"):
        lm.count_correct(X, [0, 1, 2, 0], [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match=r"X must be a batch of shape \(B, N\)"):
        lm.linear_scores([1.0, 2.0], [1.0, 1.0], 0.0)


def test_logistic_regression_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    t = (rng.random(20) > 0.5).astype(float)
    w0, b0 = rng.normal(size=3), 0.3
    # one step from (w0, b0) with lr=1 moves by minus the gradient
    fit = lm.fit_logistic_regression(X, t, lr=1.0, epochs=1, w0=w0, b0=b0)
    grad_w, grad_b = w0 - fit.w, b0 - fit.b

    def E(w, b):
        return lm._bce_from_scores(X @ w + b, t)

    h = 1e-6
    num_w = [(E(w0 + h * e, b0) - E(w0 - h * e, b0)) / (2 * h) for e in np.eye(3)]
    num_b = (E(w0, b0 + h) - E(w0, b0 - h)) / (2 * h)
    np.testing.assert_allclose(grad_w, num_w, rtol=1e-6, atol=1e-9)
    assert abs(grad_b - num_b) < 1e-8
    assert fit.loss[0] == pytest.approx(E(w0, b0))


def test_logistic_regression_separable_and_not():
    X, t = mlp.make_blobs(100, noise=0.3, seed=0)
    fit = lm.fit_logistic_regression(X, t, lr=0.5, epochs=300)
    assert fit.accuracy == 1.0
    assert fit.loss[-1] < fit.loss[0] == pytest.approx(math.log(2))
    np.testing.assert_array_equal(fit.predict(X), t)
    assert np.all((fit.proba(X) > 0.5) == (t == 1))
    # pattern A/B: w = 0, b = 0 is a stationary point, hence (convexity) the optimum
    Xp, tp = mlp.pattern_ab()
    fit = lm.fit_logistic_regression(Xp, tp, epochs=50)
    np.testing.assert_array_equal(fit.w, 0.0)
    assert fit.b == 0.0 and fit.accuracy == 0.5
    # from a random start it falls back towards log 2
    w0 = np.random.default_rng(1).normal(size=16)
    fit = lm.fit_logistic_regression(Xp, tp, lr=1.0, epochs=3000, w0=w0, b0=1.0)
    assert fit.loss[-1] < fit.loss[0] and fit.loss[-1] == pytest.approx(math.log(2), abs=1e-3)
    assert fit.accuracy < 1.0


def test_logistic_regression_rejects_bad_arguments():
    X, t = mlp.xor_data()
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        lm.fit_logistic_regression(X, t, lr=0)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        lm.fit_logistic_regression(X, t, epochs=0)
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        lm.fit_logistic_regression(X, t, l2=-1.0)
    with pytest.raises(ValueError, match=r"w has shape \(3,\)"):
        lm.fit_logistic_regression(X, t, w0=np.zeros(3))


def test_convex_combination():
    P = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(lm.convex_combination(P, [0.5, 0.25, 0.25]), [0.5, 1.0])
    with pytest.raises(ValueError, match="non-negative"):
        lm.convex_combination(P, [1.5, -0.25, -0.25])
    with pytest.raises(ValueError, match="sum to 1"):
        lm.convex_combination(P, [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="need one weight per point"):
        lm.convex_combination(P, [0.5, 0.5])


def test_xor_features_make_xor_separable():
    X, t = mlp.xor_data()
    F = lm.xor_features(X)
    np.testing.assert_array_equal(F, [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 1]])
    assert lm.count_correct(F, t, [1.0, 1.0, -2.0], -0.5) == 4
    with pytest.raises(ValueError, match="needs 2 features"):
        lm.xor_features(np.zeros((4, 3)))


def test_polynomial_features_and_count():
    X = np.array([[2.0, 3.0]])
    np.testing.assert_array_equal(lm.polynomial_features(X, 2), [[2, 3, 4, 6, 9]])
    assert lm.n_monomials(2, 2) == 5
    assert lm.n_monomials(784, 2) == 308_504
    for n, d in [(3, 1), (4, 3), (5, 2)]:
        assert lm.polynomial_features(np.ones((1, n)), d).shape == (1, lm.n_monomials(n, d))
    with pytest.raises(ValueError, match="degree must be a positive integer"):
        lm.n_monomials(3, 0)
    with pytest.raises(ValueError, match="the basis grows too fast"):
        lm.polynomial_features(np.zeros((10, 784)), 3)


def test_proba_is_stable_for_huge_scores():
    fit = lm.LogisticFit(w=np.array([1.0]), b=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old 1 / (1 + exp(-z)) warned below z = -709
        p = fit.proba(np.array([[-1000.0], [0.0], [1000.0]]))
    np.testing.assert_array_equal(p, [0.0, 0.5, 1.0])


def test_binary_cross_entropy_is_finite_for_huge_scores():
    z, t = np.array([-1000.0, 1000.0]), np.array([1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lm._bce_from_scores(z, t) == pytest.approx(1000.0)
