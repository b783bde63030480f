"""Loss functions, averaged over the batch, with their gradients (error signals).

* squared error: ``L = mean_b 1/2 ||y_b - t_b||^2``, ``y_bar = (y - t) / B``;
* softmax cross-entropy on logits ``z``: ``L = mean_b -sum_k t_bk log softmax(z_b)_k``,
  with the fused gradient ``z_bar = (softmax(z) - t) / B``.

Targets of the cross-entropy may be one-hot ``(B, K)`` or integer labels ``(B,)``. A single
example (``(K,)`` outputs) counts as a batch of one.

Each loss is computed once, with its gradient, by a function on validated batches:
:func:`squared_error_and_grad` and :func:`cross_entropy_and_grad` (no input checks; the
training loop of :mod:`mlp.train` calls them through :data:`LOSS_AND_GRAD`). The checked
functions :func:`squared_error`, :func:`squared_error_grad`, ... validate their input and
call them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp._checks import as_float_array, one_of, positive_int
from mlp.activations import log_softmax

Array = np.ndarray

__all__ = [
    "LOSSES",
    "LOSS_AND_GRAD",
    "accuracy",
    "as_labels",
    "cross_entropy_and_grad",
    "get_loss",
    "one_hot",
    "predicted_labels",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "squared_error",
    "squared_error_and_grad",
    "squared_error_grad",
]


def _as_batch(y: object, name: str) -> Array:
    y = as_float_array(y, name)
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2:
        raise ValueError(f"{name} must have shape (K,) or (B, K), got shape {y.shape}")
    if y.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (shape {y.shape}); a loss needs B >= 1")
    if y.shape[1] == 0:
        raise ValueError(f"{name} has no outputs (shape {y.shape})")
    return y


def as_labels(t: object, K: int, name: str = "t") -> Array:
    """Return class labels ``t`` as int64, checking they are integers in ``0 .. K-1``.

    Raises
    ------
    TypeError
        If ``t`` is not numeric.
    ValueError
        If a label is not a whole number or lies outside ``0 .. K-1``; the message names
        ``name`` and the first bad label.
    """
    t = np.asarray(t)
    if t.dtype == object or not (
        np.issubdtype(t.dtype, np.integer) or np.issubdtype(t.dtype, np.floating)
    ):
        raise TypeError(f"{name} must hold integer class labels, got dtype {t.dtype}")
    if np.issubdtype(t.dtype, np.floating):
        if not np.all(np.isfinite(t)) or np.any(t != np.round(t)):
            raise ValueError(f"{name} must hold integer class labels, got non-integer values")
    labels = t.astype(np.int64)
    if labels.size:
        lo, hi = labels.min(), labels.max()
        if lo < 0 or hi >= K:
            bad = int(lo) if lo < 0 else int(hi)
            raise ValueError(f"{name} contains label {bad}, outside 0 .. {K - 1} for K={K} classes")
    return labels


def one_hot(labels: object, K: int) -> Array:
    """One-hot encode integer labels.

    Parameters
    ----------
    labels
        Integer labels of shape ``(B,)`` in ``0 .. K-1``.
    K
        Number of classes.

    Returns
    -------
    numpy.ndarray
        Float array ``(B, K)`` with a single 1 in each row.

    Examples
    --------
    >>> one_hot([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    K = positive_int(K, "K")
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"labels must have shape (B,), got shape {arr.shape}")
    lab = as_labels(arr, K, "labels")
    out = np.zeros((lab.shape[0], K))
    out[np.arange(lab.shape[0]), lab] = 1.0
    return out


def _check_same_shape(y: Array, t: Array, yname: str, tname: str = "t") -> None:
    if y.shape != t.shape:
        raise ValueError(
            f"{yname} has shape {y.shape} but {tname} has shape {t.shape}; they must match "
            "exactly (no broadcasting of (N,) against (N, 1))"
        )


def _se_inputs(y: object, t: object) -> tuple[Array, Array]:
    y_arr = as_float_array(y, "y")
    t_arr = as_float_array(t, "t")
    _check_same_shape(y_arr, t_arr, "y")
    if y_arr.ndim == 0:
        raise ValueError("y must have shape (K,) or (B, K), got a scalar")
    return _as_batch(y_arr, "y"), _as_batch(t_arr, "t")


def squared_error_and_grad(y: Array, t: Array) -> tuple[float, Array]:
    """Squared error and its gradient for batches ``(B, K)`` of one dtype, without checks.

    ``L = mean_b 1/2 ||y_b - t_b||^2`` and ``y_bar = dL/dy = (y - t) / B``.
    """
    B = y.shape[0]
    d = y - t
    loss = float(0.5 * np.einsum("ij,ij->", d, d) / B)
    d /= B
    return loss, d


def squared_error(y: object, t: object) -> float:
    """Squared error averaged over the batch: ``mean_b 1/2 ||y_b - t_b||^2``.

    Parameters
    ----------
    y, t
        Outputs and targets of the same shape, ``(K,)`` or ``(B, K)``.
    """
    return squared_error_and_grad(*_se_inputs(y, t))[0]


def squared_error_grad(y: object, t: object) -> Array:
    """Gradient of :func:`squared_error`: ``y_bar = (y - t) / B``, shaped like ``y``."""
    y_arr = np.asarray(y)
    return squared_error_and_grad(*_se_inputs(y, t))[1].reshape(y_arr.shape)


def _ce_inputs(z: object, t: object) -> tuple[Array, Array, bool]:
    """Return logits (B, K), integer labels (B,) or one-hot (B, K), and whether ``z`` was 1-D."""
    z_arr = as_float_array(z, "z")
    single = z_arr.ndim == 1
    z2 = _as_batch(z_arr, "z")
    B, K = z2.shape
    t_arr = np.asarray(t)
    if single and t_arr.ndim == 0:
        return z2, as_labels(t_arr[None], K), single
    if single and t_arr.ndim == 1 and t_arr.shape == (K,):
        t_arr = t_arr[None, :]  # one example with a one-hot target
    if t_arr.ndim == 1:
        if t_arr.shape[0] != B:
            raise ValueError(
                f"z has shape {z2.shape} but t has shape {t_arr.shape}: "
                f"expected labels ({B},) or one-hot ({B}, {K})"
            )
        return z2, as_labels(t_arr, K), single
    t2 = as_float_array(t_arr, "t")
    _check_same_shape(z2, t2, "z")
    return z2, t2, single


def cross_entropy_and_grad(z: Array, t: Array) -> tuple[float, Array]:
    """Softmax cross-entropy of logits ``(B, K)`` and its gradient, without checks.

    ``L = mean_b -sum_k t_bk log softmax(z_b)_k`` (with :func:`mlp.activations.log_softmax`,
    so it never overflows) and the fused gradient ``z_bar = (softmax(z) - t) / B``.
    ``t`` is either int labels ``(B,)`` (``t_bk = 1`` for ``k = t_b``) or targets ``(B, K)``.
    """
    B = z.shape[0]
    logp = log_softmax(z)
    z_bar = np.exp(logp)  # softmax(z)
    if t.ndim == 1:
        rows = np.arange(B)
        loss = -logp[rows, t].sum() / B
        z_bar[rows, t] -= 1.0
    else:
        loss = -np.sum(t * logp) / B
        z_bar -= t
    z_bar /= B
    return float(loss), z_bar


def softmax_cross_entropy(z: object, t: object) -> float:
    """Softmax cross-entropy of logits, averaged over the batch.

    ``L = mean_b -sum_k t_bk log softmax(z_b)_k``, computed stably with log-sum-exp.

    Parameters
    ----------
    z
        Logits ``(B, K)`` (or ``(K,)`` for one example): the network output *before* any
        softmax, i.e. with an ``"identity"`` output activation.
    t
        Integer labels ``(B,)`` in ``0 .. K-1`` or one-hot targets ``(B, K)``.

    Examples
    --------
    >>> round(softmax_cross_entropy([[0.0, 0.0]], [1]), 6)  # log 2
    0.693147
    """
    z2, t2, _ = _ce_inputs(z, t)
    return cross_entropy_and_grad(z2, t2)[0]


def softmax_cross_entropy_grad(z: object, t: object) -> Array:
    """Fused gradient of :func:`softmax_cross_entropy`: ``(softmax(z) - t) / B``."""
    z2, t2, single = _ce_inputs(z, t)
    g = cross_entropy_and_grad(z2, t2)[1]
    return g[0] if single else g


def predicted_labels(y: Array) -> Array:
    """Predicted classes of outputs ``(B, K)``: the argmax, or ``y > 0.5`` if ``K = 1``."""
    return y.argmax(axis=1) if y.shape[1] > 1 else (y[:, 0] > 0.5).astype(np.int64)


def accuracy(y_or_z: object, t: object) -> float:
    """Fraction of correctly classified examples.

    Parameters
    ----------
    y_or_z
        Network outputs ``(B, K)`` with ``K > 1`` (the argmax is the prediction), or
        ``(B,)``/``(B, 1)`` for a single output (``y > 0.5`` predicts class 1).
    t
        Integer labels ``(B,)``, one-hot targets ``(B, K)``, or 0/1 targets ``(B, 1)``.
    """
    y = as_float_array(y_or_z, "y_or_z")
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[0] == 0:
        raise ValueError(f"y_or_z must have shape (B,) or (B, K) with B >= 1, got {y.shape}")
    B, K = y.shape
    t_arr = np.asarray(t)
    if t_arr.ndim == 2:
        _check_same_shape(y, t_arr, "y_or_z")
        t_lab = t_arr.argmax(axis=1) if K > 1 else (t_arr[:, 0] > 0.5).astype(np.int64)
    elif t_arr.ndim == 1:
        if t_arr.shape[0] != B:
            raise ValueError(f"y_or_z has shape {y.shape} but t has shape {t_arr.shape}")
        t_lab = as_labels(t_arr, max(K, 2))
    else:
        raise ValueError(f"t must have shape (B,) or (B, K), got shape {t_arr.shape}")
    return float(np.mean(predicted_labels(y) == t_lab))


LOSSES: dict[str, tuple[Callable[[object, object], float], Callable[[object, object], Array]]] = {
    "squared_error": (squared_error, squared_error_grad),
    "cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
}
"""Each loss name mapped to ``(loss, grad)``; ``grad`` returns the output's error signal."""


LOSS_AND_GRAD: dict[str, Callable[[Array, Array], tuple[float, Array]]] = {
    "squared_error": squared_error_and_grad,
    "cross_entropy": cross_entropy_and_grad,
}
"""Each loss name mapped to its unchecked ``(loss, output error signal)`` function."""


def get_loss(name: str) -> tuple[Callable[[object, object], float], Callable[..., Array]]:
    """Return ``(loss, grad)`` for ``"squared_error"`` or ``"cross_entropy"``."""
    return LOSSES[one_of(name, LOSSES, "loss")]
