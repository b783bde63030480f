"""Minibatch stochastic gradient descent for an :class:`~mlp.network.MLP`.

One step on a minibatch ``(X_b, T_b)`` (``_step``, shared by :func:`train_step` and
:func:`sgd`): forward pass, loss and its error signal ``y_bar``, backward pass, then for
every layer ``W <- W - lr * W_bar`` and ``b <- b - lr * b_bar``.

:func:`sgd` validates the whole data set once, then runs the steps with
``net.forward(..., check=False)`` and ``net.backward(..., check=False)``, which skip the
per-call checks. Inputs are ``(n, N_0)``, one example per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mlp._checks import as_float_array, finite_number, one_of, positive_int
from mlp.losses import LOSS_AND_GRAD, as_labels, one_hot, predicted_labels
from mlp.network import MLP

Array = np.ndarray

__all__ = ["History", "evaluate", "sgd", "train_step"]


@dataclass
class History:
    """What :func:`sgd` recorded, one entry per epoch.

    Attributes
    ----------
    epoch : list of int
        Epoch numbers, starting at 1.
    loss, accuracy : list of float
        Training loss and accuracy of the epoch: the averages over its minibatches,
        measured on each minibatch *before* its update (no extra pass over the data).
        Accuracy is NaN when the targets are not class labels (regression).
        With ``l2 > 0`` the loss includes the weight penalty.
    val_loss, val_accuracy : list of float
        Loss (without any weight penalty) and accuracy on ``(X_val, T_val)`` after the
        epoch; empty without a validation set.
    """

    epoch: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)


def _prepare_targets(
    net: MLP, T: object, loss: str, name: str = "T", n: int | None = None
) -> tuple[Array, Array | None]:
    """Validate targets once; return (targets for the loss, int labels or None).

    For ``"cross_entropy"`` targets become integer labels ``(B,)``. For
    ``"squared_error"`` they become floats ``(B, K)``: a 1-D ``T`` is a column for a
    one-output network, and integer labels are one-hot encoded for ``K > 1`` outputs.
    The labels (for the accuracy) are None when the targets are not classes.
    """
    K = net.n_out
    T_arr = np.asarray(T)
    if n is not None and (T_arr.ndim == 0 or T_arr.shape[0] != n):
        raise ValueError(
            f"{name} has shape {T_arr.shape} but the inputs have {n} examples: need {n} targets"
        )
    if loss == "cross_entropy" and K < 2:
        raise ValueError(
            "loss='cross_entropy' needs a network with at least 2 outputs (softmax over "
            f"one logit is constant); this network has {K}. Use 2 outputs or "
            "loss='squared_error'"
        )
    if T_arr.ndim == 1 and K == 1:
        T_f = as_float_array(T_arr, name)[:, None]
    elif T_arr.ndim == 1 and (loss == "cross_entropy" or np.issubdtype(T_arr.dtype, np.integer)):
        lab = as_labels(T_arr, K, name)
        return (lab, lab) if loss == "cross_entropy" else (one_hot(lab, K).astype(net.dtype), lab)
    elif T_arr.ndim == 2 and T_arr.shape[1] == K:
        T_f = as_float_array(T_arr, name).astype(net.dtype, copy=False)
    else:
        want = "(B,) or (B, 1)" if K == 1 else f"labels (B,) or (B, {K}) targets"
        raise ValueError(
            f"{name} has shape {T_arr.shape} but the network has {K} outputs: expected {want}"
        )
    # accuracy makes sense when the targets are classes: 0/1 (one output) or one-hot
    binary = np.all((T_f == 0) | (T_f == 1))
    if loss == "cross_entropy" and not (binary and np.all(T_f.sum(axis=1) == 1)):
        raise ValueError(f"{name} must be one-hot (one 1 per row) for cross_entropy")
    lab = None
    if K == 1 and binary:
        lab = T_f[:, 0].astype(np.int64)
    elif K > 1 and binary and np.all(T_f.sum(axis=1) == 1):
        lab = T_f.argmax(axis=1)
    return (lab, lab) if loss == "cross_entropy" else (T_f, lab)


_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}
"""numpy's floating-point warnings silenced while training (a NaN loss raises instead)."""


def _step(
    net: MLP, Xb: Array, Tb: Array, loss: str, lr: float, l2: float, where: str = ""
) -> tuple[float, Array]:
    """One gradient-descent step on a validated minibatch; returns (loss before, output y).

    ``W_bar`` includes the weight decay ``l2 W``, so ``net.grads()`` shows the step taken.
    Callers run it under ``np.errstate(**_QUIET)``: a diverging loss is reported by the
    ``FloatingPointError`` below, not by numpy's overflow warnings.
    """
    y = net.forward(Xb, check=False)
    value, y_bar = LOSS_AND_GRAD[loss](y, Tb)
    if l2:  # the penalty l2/2 sum_l ||W^(l)||^2 has gradient l2 W^(l)
        value += 0.5 * l2 * sum(float(np.sum(lin.W * lin.W)) for lin in net.linears)
    if not np.isfinite(value):
        raise FloatingPointError(
            f"loss became NaN or infinite{where}; try a smaller learning rate (lr={lr})"
        )
    net.backward(y_bar, check=False, need_x_bar=False)
    for lin in net.linears:  # W <- W - lr (W_bar + l2 W);  b <- b - lr b_bar  (in place)
        if l2:
            lin.W_bar += l2 * lin.W
        lin.W -= lr * lin.W_bar
        lin.b -= lr * lin.b_bar
    return value, y


def train_step(
    net: MLP, Xb: object, Tb: object, loss: str = "cross_entropy", lr: float = 0.1, l2: float = 0.0
) -> float:
    """One gradient-descent step on one minibatch; returns the minibatch loss before the step.

    Parameters
    ----------
    net
        The network, updated in place.
    Xb, Tb
        Inputs ``(B, N_0)`` and targets (see :func:`sgd`).
    loss
        ``"cross_entropy"`` (softmax on the network's output as logits) or
        ``"squared_error"``.
    lr
        Learning rate.
    l2
        Weight decay: adds ``l2/2 * sum_l ||W^(l)||^2`` to the loss (biases excluded).

    Raises
    ------
    FloatingPointError
        If the loss is NaN or infinite.
    """
    one_of(loss, LOSS_AND_GRAD, "loss")
    lr, l2 = finite_number(lr, "lr"), finite_number(l2, "l2", positive=False)
    X2, _ = net.as_batch(Xb, "Xb")
    Tt, _ = _prepare_targets(net, Tb, loss, "Tb", X2.shape[0])
    with np.errstate(**_QUIET):
        return _step(net, X2, Tt, loss, lr, l2)[0]


def evaluate(net: MLP, X: object, T: object, loss: str = "cross_entropy") -> tuple[float, float]:
    """Loss and accuracy of ``net`` on a data set (accuracy NaN for non-class targets)."""
    one_of(loss, LOSS_AND_GRAD, "loss")
    X2, _ = net.as_batch(X)
    Tt, lab = _prepare_targets(net, T, loss, "T", X2.shape[0])
    return _evaluate(net, X2, Tt, lab, loss)


def _evaluate(net: MLP, X: Array, Tt: Array, lab: Array | None, loss: str) -> tuple[float, float]:
    total, correct, n = 0.0, 0, X.shape[0]
    with np.errstate(**_QUIET):
        for s in range(0, n, 4096):  # in chunks, to keep the arrays small
            y = net.forward(X[s : s + 4096], check=False)
            total += LOSS_AND_GRAD[loss](y, Tt[s : s + 4096])[0] * y.shape[0]
            if lab is not None:
                correct += int(np.count_nonzero(predicted_labels(y) == lab[s : s + 4096]))
    return total / n, (correct / n if lab is not None else float("nan"))


def sgd(
    net: MLP,
    X: object,
    T: object,
    *,
    loss: str = "cross_entropy",
    lr: float = 0.1,
    epochs: int = 10,
    batch_size: int = 32,
    seed: int | np.random.Generator = 0,
    X_val: object = None,
    T_val: object = None,
    l2: float = 0.0,
    callback: Callable[[int, History], object] | None = None,
) -> History:
    """Train ``net`` in place with minibatch stochastic gradient descent.

    Each epoch visits the examples in a fresh random order (drawn from
    ``np.random.default_rng(seed)``; the data are gathered per minibatch with ``X[idx]``,
    never permuted as a whole) and takes one step per minibatch of ``batch_size`` rows
    (the last one may be smaller).

    Parameters
    ----------
    net
        The network to train (modified in place).
    X
        Inputs ``(n, N_0)``.
    T
        Targets. For ``loss="cross_entropy"``: integer labels ``(n,)`` or one-hot
        ``(n, K)``; the network's outputs are the logits (give it an ``"identity"`` output
        activation). For ``loss="squared_error"``: ``(n, K)`` targets; a 1-D ``T`` is read as
        a column for a one-output network, and integer labels ``(n,)`` are one-hot encoded
        when ``K > 1``.
    loss
        ``"cross_entropy"`` or ``"squared_error"``.
    lr
        Learning rate.
    epochs
        Number of passes over the data.
    batch_size
        Minibatch size ``B``.
    seed
        Seed of the shuffling.
    X_val, T_val
        Optional validation set, evaluated after every epoch.
    l2
        Weight decay: adds ``l2/2 * sum_l ||W^(l)||^2`` to the loss (biases excluded).
    callback
        Called as ``callback(epoch, history)`` after every epoch, e.g. to show progress
        (``mlp.figures.progress.progress_bar(epochs)`` returns one that draws a bar).

    Returns
    -------
    History
        Per-epoch training (and validation) loss and accuracy.

    Raises
    ------
    FloatingPointError
        If the loss becomes NaN or infinite; the message names the epoch and minibatch
        (both counted from 1) and the learning rate.
    """
    one_of(loss, LOSS_AND_GRAD, "loss")
    lr, l2 = finite_number(lr, "lr"), finite_number(l2, "l2", positive=False)
    epochs, batch_size = positive_int(epochs, "epochs"), positive_int(batch_size, "batch_size")
    X2, Tt, lab, val = _prepare_data(net, X, T, X_val, T_val, loss)
    n = X2.shape[0]
    rng = np.random.default_rng(seed)
    hist = History()
    for e in range(1, epochs + 1):
        order = rng.permutation(n)
        total, correct = 0.0, 0
        with np.errstate(**_QUIET):
            for k, start in enumerate(range(0, n, batch_size), start=1):
                idx = order[start : start + batch_size]
                where = f" at epoch {e}, minibatch {k}"
                value, y = _step(net, X2[idx], Tt[idx], loss, lr, l2, where)
                total += value * idx.shape[0]
                if lab is not None:  # measured on the minibatch before its update
                    correct += int(np.count_nonzero(predicted_labels(y) == lab[idx]))
        hist.epoch.append(e)
        hist.loss.append(total / n)
        hist.accuracy.append(correct / n if lab is not None else float("nan"))
        if val is not None:
            vl, va = _evaluate(net, *val, loss)
            hist.val_loss.append(vl)
            hist.val_accuracy.append(va)
        if callback is not None:
            callback(e, hist)
    return hist


def _prepare_data(
    net: MLP, X: object, T: object, X_val: object, T_val: object, loss: str
) -> tuple[Array, Array, Array | None, tuple | None]:
    """Validate the training (and validation) set once, for :func:`sgd`."""
    X2, single = net.as_batch(X)
    if single:
        raise ValueError(
            f"X must be a batch (n, {net.n_in}), got one example of shape {X2.shape[1:]}"
        )
    if X2.shape[0] == 0:
        raise ValueError("X is empty: need at least one training example")
    Tt, lab = _prepare_targets(net, T, loss, "T", X2.shape[0])
    if (X_val is None) != (T_val is None):
        raise ValueError("give both X_val and T_val, or neither")
    val = None
    if X_val is not None:
        Xv, _ = net.as_batch(X_val, "X_val")
        val = (Xv, *_prepare_targets(net, T_val, loss, "T_val", Xv.shape[0]))
    return np.ascontiguousarray(X2), Tt, lab, val
