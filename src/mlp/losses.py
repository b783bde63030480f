"""Loss functions, averaged over the batch, with their gradients (error signals).

* squared error: ``L = mean_b 1/2 ||y_b - t_b||^2``, ``y_bar = (y - t) / B``;
* softmax cross-entropy on logits ``z``: ``L = mean_b -sum_k t_bk log softmax(z_b)_k``,
  with the fused gradient ``z_bar = (softmax(z) - t) / B``.

Targets of the cross-entropy may be one-hot ``(B, K)`` or integer labels ``(B,)``. A single
example (``(K,)`` outputs) counts as a batch of one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp._checks import as_float_array

Array = np.ndarray

__all__ = [
    "LOSSES",
    "accuracy",
    "get_loss",
    "one_hot",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "squared_error",
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


def _labels(t: object, K: int, name: str = "t") -> Array:
    """Return integer labels as int64, checking they lie in ``0 .. K-1``."""
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
    if isinstance(K, bool) or not isinstance(K, int | np.integer) or K < 1:
        raise ValueError(f"K must be a positive integer, got {K!r}")
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"labels must have shape (B,), got shape {arr.shape}")
    lab = _labels(arr, int(K), "labels")
    out = np.zeros((lab.shape[0], int(K)))
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


def squared_error(y: object, t: object) -> float:
    """Squared error averaged over the batch: ``mean_b 1/2 ||y_b - t_b||^2``.

    Parameters
    ----------
    y, t
        Outputs and targets of the same shape, ``(K,)`` or ``(B, K)``.
    """
    y2, t2 = _se_inputs(y, t)
    d = y2 - t2
    return float(0.5 * np.sum(d * d) / y2.shape[0])


def squared_error_grad(y: object, t: object) -> Array:
    """Gradient of :func:`squared_error`: ``y_bar = (y - t) / B``, shaped like ``y``."""
    y_arr = np.asarray(y)
    y2, t2 = _se_inputs(y, t)
    g = (y2 - t2) / y2.shape[0]
    return g.reshape(y_arr.shape)


def _ce_inputs(z: object, t: object) -> tuple[Array, Array, bool]:
    """Return logits (B, K), integer labels (B,) or one-hot (B, K), and whether ``z`` was 1-D."""
    z_arr = as_float_array(z, "z")
    single = z_arr.ndim == 1
    z2 = _as_batch(z_arr, "z")
    B, K = z2.shape
    t_arr = np.asarray(t)
    if single and t_arr.ndim == 0:
        return z2, _labels(t_arr[None], K), single
    if single and t_arr.ndim == 1 and t_arr.shape == (K,):
        t_arr = t_arr[None, :]  # one example with a one-hot target
    if t_arr.ndim == 1:
        if t_arr.shape[0] != B:
            raise ValueError(
                f"z has shape {z2.shape} but t has shape {t_arr.shape}: "
                f"expected labels ({B},) or one-hot ({B}, {K})"
            )
        return z2, _labels(t_arr, K), single
    t2 = as_float_array(t_arr, "t")
    _check_same_shape(z2, t2, "z")
    return z2, t2, single


def _log_softmax(z: Array) -> Array:
    # log softmax(z) = z - logsumexp(z), with the row max subtracted so exp never overflows
    m = z.max(axis=1, keepdims=True)
    s = z - m
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


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
    """
    z2, t2, _ = _ce_inputs(z, t)
    logp = _log_softmax(z2)
    B = z2.shape[0]
    if t2.ndim == 1:
        return float(-logp[np.arange(B), t2].sum() / B)
    return float(-np.sum(t2 * logp) / B)


def softmax_cross_entropy_grad(z: object, t: object) -> Array:
    """Fused gradient of :func:`softmax_cross_entropy`: ``(softmax(z) - t) / B``."""
    z2, t2, single = _ce_inputs(z, t)
    B = z2.shape[0]
    g = np.exp(_log_softmax(z2))
    if t2.ndim == 1:
        g[np.arange(B), t2] -= 1.0
    else:
        g -= t2
    g /= B
    return g[0] if single else g


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
        t_lab = _labels(t_arr, max(K, 2))
    else:
        raise ValueError(f"t must have shape (B,) or (B, K), got shape {t_arr.shape}")
    pred = y.argmax(axis=1) if K > 1 else (y[:, 0] > 0.5).astype(np.int64)
    return float(np.mean(pred == t_lab))


LOSSES: dict[str, tuple[Callable[[object, object], float], Callable[[object, object], Array]]] = {
    "squared_error": (squared_error, squared_error_grad),
    "cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
}
"""Each loss name mapped to ``(loss, grad)``; ``grad`` returns the output's error signal."""


def get_loss(name: str) -> tuple[Callable[[object, object], float], Callable[..., Array]]:
    """Return ``(loss, grad)`` for ``"squared_error"`` or ``"cross_entropy"``."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(LOSSES))
        raise ValueError(f"unknown loss {name!r}; choose one of: {known}") from None


# ---- fused, validation-free versions for the training loop ------------------------------


def _ce_fused(z: Array, labels: Array) -> tuple[float, Array, int]:
    """Loss, ``z_bar`` and the number of correct predictions for logits and int labels."""
    B = z.shape[0]
    rows = np.arange(B)
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    # loss = mean_b (logsumexp(z_b) - z_b[t_b])
    loss = float(np.mean(np.log(s[:, 0]) + m[:, 0] - z[rows, labels]))
    e /= s  # softmax(z)
    e[rows, labels] -= 1.0
    e /= B
    correct = int(np.count_nonzero(z.argmax(axis=1) == labels))
    return loss, e, correct


def _se_fused(y: Array, t: Array, lab: Array | None) -> tuple[float, Array, int]:
    """Loss, ``y_bar`` and the number of correct predictions for squared error."""
    B = y.shape[0]
    d = y - t
    loss = float(0.5 * np.einsum("ij,ij->", d, d) / B)
    d /= B
    if lab is None:
        correct = 0
    elif y.shape[1] == 1:
        correct = int(np.count_nonzero((y[:, 0] > 0.5) == (lab == 1)))
    else:
        correct = int(np.count_nonzero(y.argmax(axis=1) == lab))
    return loss, d, correct
