"""Linear classifiers, logistic regression and hand-made feature maps.

The first chapters of the lecture are about what a *linear* classifier

    y = sigma(w^T x + b)

can and cannot do. It predicts the positive class exactly when the score
``w^T x + b`` is positive, so its positive region is a half-space. This module holds the
small tools those chapters share:

* :func:`linear_scores`, :func:`linear_predict`, :func:`count_correct`: a linear
  classifier given by ``w`` (shape ``(N,)``) and ``b`` (a number), applied to a batch
  ``X`` of shape ``(B, N)``, one example per row;
* :func:`fit_logistic_regression`: full-batch gradient descent on the binary cross-entropy
  (logistic regression), deterministic (it starts from zero weights);
* :func:`convex_combination`: the weighted averages of the convexity argument;
* :func:`xor_features`, :func:`polynomial_features`, :func:`n_monomials`: the lecture's
  feature map ``psi(x) = (x1, x2, x1 x2)`` and the general polynomial basis whose size shows
  why hand-picked features do not scale.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from mlp._checks import as_float_array, finite_number, positive_int
from mlp.activations import logsumexp, stable_sigmoid

Array = np.ndarray

__all__ = [
    "LogisticFit",
    "convex_combination",
    "count_correct",
    "fit_logistic_regression",
    "linear_predict",
    "linear_scores",
    "n_monomials",
    "polynomial_features",
    "xor_features",
]


# ---- a linear classifier ------------------------------------------------------------------


def _check_batch(X: object, name: str = "X") -> Array:
    X = as_float_array(X, name)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a batch of shape (B, N), one example per row; got {X.shape}"
        )
    return X


def _check_wb(X: Array, w: object, b: object) -> tuple[Array, float]:
    w = as_float_array(w, "w")
    if w.ndim != 1 or w.shape[0] != X.shape[1]:
        raise ValueError(
            f"w has shape {w.shape} but X has {X.shape[1]} features: w needs shape ({X.shape[1]},)"
        )
    b_arr = as_float_array(b, "b")
    if b_arr.ndim != 0:
        raise ValueError(f"b must be a single number, got shape {b_arr.shape}")
    return w, float(b_arr)


def _check_binary(t: object, n: int) -> Array:
    t = as_float_array(t, "t")
    if t.shape != (n,):
        raise ValueError(f"t has shape {t.shape} but X has {n} rows: t needs shape ({n},)")
    if not np.all((t == 0) | (t == 1)):
        raise ValueError("t must hold binary targets 0 and 1")
    return t


def linear_scores(X: object, w: object, b: float) -> Array:
    """The scores ``z = w^T x + b`` of a batch, shape ``(B,)``.

    Parameters
    ----------
    X
        Inputs, shape ``(B, N)``.
    w
        Weights, shape ``(N,)``.
    b
        Bias, a number.
    """
    X = _check_batch(X)
    w, b = _check_wb(X, w, b)
    return X @ w + b


def linear_predict(X: object, w: object, b: float) -> Array:
    """Predicted classes ``I[w^T x + b > 0]`` as an int array ``(B,)``.

    Thresholding the score at 0 is the same as thresholding ``sigma(w^T x + b)`` at 1/2.
    """
    return (linear_scores(X, w, b) > 0).astype(np.int64)


def count_correct(X: object, t: object, w: object, b: float) -> int:
    """How many rows of ``X`` the classifier ``I[w^T x + b > 0]`` labels as ``t`` (0/1)."""
    X = _check_batch(X)
    t = _check_binary(t, X.shape[0])
    return int(np.sum(linear_predict(X, w, b) == t))


# ---- logistic regression ------------------------------------------------------------------


@dataclass
class LogisticFit:
    """Result of :func:`fit_logistic_regression`.

    Attributes
    ----------
    w : numpy.ndarray
        Weights, shape ``(N,)``.
    b : float
        Bias.
    loss : list of float
        Average binary cross-entropy on the training set, before each step and after the
        last one (``epochs + 1`` values).
    accuracy : float
        Training accuracy of the final classifier.
    """

    w: Array
    b: float
    loss: list[float] = field(default_factory=list)
    accuracy: float = float("nan")

    def predict(self, X: object) -> Array:
        """Predicted classes (0/1) for a batch ``(B, N)``."""
        return linear_predict(X, self.w, self.b)

    def proba(self, X: object) -> Array:
        """``sigma(w^T x + b)`` for a batch ``(B, N)`` (stable: no overflow for any score)."""
        return stable_sigmoid(linear_scores(X, self.w, self.b))


def _bce_from_scores(z: Array, t: Array) -> float:
    # -[t log sigma(z) + (1-t) log(1 - sigma(z))] = softplus(z) - t z, where
    # softplus(z) = log(1 + e^z) = logsumexp(0, z), computed without overflow
    softplus = logsumexp(np.stack([np.zeros_like(z), z], axis=-1))[..., 0]
    return float(np.mean(softplus - t * z))


def fit_logistic_regression(
    X: object,
    t: object,
    *,
    lr: float = 1.0,
    epochs: int = 1000,
    l2: float = 0.0,
    w0: object = None,
    b0: float = 0.0,
) -> LogisticFit:
    """Logistic regression by full-batch gradient descent on the binary cross-entropy.

    Minimises ``E(w, b) = mean_i [softplus(z_i) - t_i z_i] + l2/2 ||w||^2`` with
    ``z_i = w^T x_i + b``, starting from ``w = w0, b = b0`` (zeros by default). Its
    gradient is the lecture's error signal ``z_bar_i = (sigma(z_i) - t_i) / B``, giving
    ``w_bar = X^T z_bar`` and ``b_bar = sum_i z_bar_i``. No randomness is involved, so
    the result is reproducible.

    Parameters
    ----------
    X
        Inputs, shape ``(B, N)``.
    t
        Binary targets 0/1, shape ``(B,)``.
    lr
        Learning rate (> 0).
    epochs
        Number of gradient steps (>= 1).
    l2
        Weight decay on ``w`` (>= 0). On separable data without it the weights grow
        without bound (the loss only approaches 0).
    w0, b0
        Starting weights (shape ``(N,)``, default zeros) and bias (default 0).

    Returns
    -------
    LogisticFit
    """
    X = _check_batch(X)
    t = _check_binary(t, X.shape[0])
    lr, l2 = finite_number(lr, "lr"), finite_number(l2, "l2", positive=False)
    epochs = positive_int(epochs, "epochs")
    B, N = X.shape
    w = np.zeros(N) if w0 is None else _check_wb(X, w0, b0)[0].copy()
    b = _check_wb(X, w, b0)[1]
    losses = []
    for _ in range(epochs):
        z = X @ w + b
        losses.append(_bce_from_scores(z, t) + 0.5 * l2 * float(w @ w))
        z_bar = (stable_sigmoid(z) - t) / B  # the error signal of the score
        w_bar = X.T @ z_bar + l2 * w
        b_bar = float(z_bar.sum())
        w = w - lr * w_bar
        b = b - lr * b_bar
    z = X @ w + b
    losses.append(_bce_from_scores(z, t) + 0.5 * l2 * float(w @ w))
    acc = float(np.mean((z > 0) == (t == 1)))
    return LogisticFit(w=w, b=b, loss=losses, accuracy=acc)


# ---- convexity ----------------------------------------------------------------------------


def convex_combination(points: object, weights: object) -> Array:
    """The weighted average ``sum_i lambda_i x_i`` of the rows of ``points``.

    Parameters
    ----------
    points
        Shape ``(K, N)``: the points ``x_1 .. x_K``, one per row.
    weights
        Shape ``(K,)``: ``lambda_1 .. lambda_K``, non-negative and summing to 1.

    Raises
    ------
    ValueError
        If the weights are negative, do not sum to 1 (to 1e-9), or do not match the points.
    """
    P = _check_batch(points, "points")
    lam = as_float_array(weights, "weights")
    if lam.shape != (P.shape[0],):
        raise ValueError(
            f"weights has shape {lam.shape} but points has {P.shape[0]} rows: "
            f"need one weight per point, shape ({P.shape[0]},)"
        )
    if np.any(lam < 0):
        raise ValueError("weights must be non-negative for a convex combination")
    if abs(lam.sum() - 1.0) > 1e-9:
        raise ValueError(f"weights must sum to 1 for a convex combination, they sum to {lam.sum()}")
    return lam @ P


# ---- feature maps -------------------------------------------------------------------------


def xor_features(X: object) -> Array:
    """The lecture's feature map ``psi(x) = (x1, x2, x1 x2)`` for 2-D inputs.

    Parameters
    ----------
    X
        Shape ``(B, 2)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(B, 3)``.
    """
    X = _check_batch(X)
    if X.shape[1] != 2:
        raise ValueError(f"X has shape {X.shape}: xor_features needs 2 features per row")
    return np.column_stack([X[:, 0], X[:, 1], X[:, 0] * X[:, 1]])


def n_monomials(n_features: int, degree: int) -> int:
    """Number of monomials of degree 1..``degree`` in ``n_features`` variables.

    It is ``C(n_features + degree, degree) - 1`` (all monomials up to ``degree``, minus the
    constant, which the bias provides). For 784 pixels and degree 2 it is 308,504.
    """
    n_features, degree = positive_int(n_features, "n_features"), positive_int(degree, "degree")
    return math.comb(n_features + degree, degree) - 1


def polynomial_features(X: object, degree: int) -> Array:
    """All monomials of degree 1..``degree`` of the columns of ``X``.

    Columns are ordered by degree, then lexicographically by the multiset of feature
    indices; for 2 features and degree 2 they are ``x1, x2, x1^2, x1 x2, x2^2``.

    Parameters
    ----------
    X
        Shape ``(B, N)``.
    degree
        Highest total degree (>= 1).

    Returns
    -------
    numpy.ndarray
        Shape ``(B, n_monomials(N, degree))``.
    """
    X = _check_batch(X)
    N = X.shape[1]
    total = n_monomials(N, degree)
    if total * X.shape[0] > 50_000_000:
        raise ValueError(
            f"polynomial_features would build {total} features for {X.shape[0]} rows; "
            "that is the point: the basis grows too fast. Use fewer features or a lower degree"
        )
    cols = []
    for d in range(1, int(degree) + 1):
        for idx in itertools.combinations_with_replacement(range(N), d):
            cols.append(np.prod(X[:, list(idx)], axis=1))
    return np.column_stack(cols)
