"""Minibatch stochastic gradient descent for an :class:`~mlp.network.MLP`.

One step on a minibatch ``(X_b, T_b)``: forward pass, loss, backward pass, then for every
layer ``W <- W - lr * W_bar`` and ``b <- b - lr * b_bar``.

:func:`sgd` validates the whole data set once, then runs a fast loop that skips the
per-call checks of :meth:`MLP.forward <mlp.network.MLP.forward>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlp._checks import as_float_array
from mlp.losses import LOSSES, _ce_fused, _labels, _se_fused
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
    """Validate targets once; return (targets for the fused loss, int labels or None).

    For ``"cross_entropy"`` targets become integer labels ``(B,)``. For
    ``"squared_error"`` they become floats ``(B, K)``: a 1-D ``T`` is a column for a
    one-output network, and integer labels are one-hot encoded for ``K > 1`` outputs.
    """
    K = net.n_out
    T_arr = np.asarray(T)
    if n is not None and (T_arr.ndim == 0 or T_arr.shape[0] != n):
        raise ValueError(
            f"{name} has shape {T_arr.shape} but the inputs have {n} examples: need {n} targets"
        )
    if loss == "cross_entropy":
        if K < 2:
            raise ValueError(
                "loss='cross_entropy' needs a network with at least 2 outputs (softmax over "
                f"one logit is constant); this network has {K}. Use 2 outputs or "
                "loss='squared_error'"
            )
        if T_arr.ndim == 1:
            lab = _labels(T_arr, K, name)
        elif T_arr.ndim == 2 and T_arr.shape[1] == K:
            T_f = as_float_array(T_arr, name)
            if not np.all((T_f == 0) | (T_f == 1)) or not np.all(T_f.sum(axis=1) == 1):
                raise ValueError(f"{name} must be one-hot (one 1 per row) for cross_entropy")
            lab = T_f.argmax(axis=1)
        else:
            raise ValueError(
                f"{name} has shape {T_arr.shape} but the network has {K} outputs: "
                f"expected labels (B,) or one-hot (B, {K})"
            )
        return lab, lab
    # squared error
    if T_arr.ndim == 1 and K == 1:
        T_f = as_float_array(T_arr, name)[:, None]
    elif T_arr.ndim == 1 and np.issubdtype(T_arr.dtype, np.integer):
        lab = _labels(T_arr, K, name)
        T_f = np.zeros((lab.shape[0], K))
        T_f[np.arange(lab.shape[0]), lab] = 1.0
    elif T_arr.ndim == 2 and T_arr.shape[1] == K:
        T_f = as_float_array(T_arr, name)
    else:
        want = "(B,) or (B, 1)" if K == 1 else f"(B, {K}) targets or integer labels (B,)"
        raise ValueError(
            f"{name} has shape {T_arr.shape} but the network has {K} outputs: expected {want}"
        )
    T_f = T_f.astype(net.dtype, copy=False)
    # accuracy makes sense when the targets are classes: 0/1 (one output) or one-hot
    if K == 1:
        lab = T_f[:, 0].astype(np.int64) if np.all((T_f == 0) | (T_f == 1)) else None
    elif np.all((T_f == 0) | (T_f == 1)) and np.all(T_f.sum(axis=1) == 1):
        lab = T_f.argmax(axis=1)
    else:
        lab = None
    return T_f, lab


def _fused(loss: str) -> Any:
    if loss == "cross_entropy":
        return lambda y, t, lab: _ce_fused(y, t)
    return _se_fused


def _check_loss(loss: str) -> None:
    if loss not in LOSSES:
        known = ", ".join(sorted(LOSSES))
        raise ValueError(f"unknown loss {loss!r}; choose one of: {known}")


def _check_number(name: str, v: object, *, positive: bool = True) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {v!r}")
    v = float(v)
    if not np.isfinite(v) or v < 0 or (positive and v == 0):
        raise ValueError(f"{name} must be a finite number {'> 0' if positive else '>= 0'}, got {v}")
    return v


def _check_int(name: str, v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def _update(net: MLP, lr: float, l2: float, bufs: list[Array] | None = None) -> None:
    # W <- W - lr * (W_bar + l2 W);  b <- b - lr * b_bar   (in place: params() stay live)
    for i, lin in enumerate(net.linears):
        if l2:
            lin.W_bar += l2 * lin.W
        if bufs is None:
            lin.W -= lr * lin.W_bar
        else:  # reuse a scratch array instead of allocating lr * W_bar every step
            lin.W -= np.multiply(lin.W_bar, lr, out=bufs[i])
        lin.b -= lr * lin.b_bar


def _l2_penalty(net: MLP, l2: float) -> float:
    if not l2:
        return 0.0
    return 0.5 * l2 * sum(float(np.sum(lin.W * lin.W)) for lin in net.linears)


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
    _check_loss(loss)
    lr = _check_number("lr", lr)
    l2 = _check_number("l2", l2, positive=False)
    X2, _ = net._check_input(Xb, "Xb")
    Tt, lab = _prepare_targets(net, Tb, loss, "Tb", X2.shape[0])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        y = net._forward(X2)
        value, y_bar, _ = _fused(loss)(y, Tt, lab)
        value += _l2_penalty(net, l2)
        if not np.isfinite(value):
            raise FloatingPointError(
                f"loss became NaN or infinite; try a smaller learning rate (lr={lr})"
            )
        net._backward(y_bar, need_x_bar=False)
        _update(net, lr, l2)
    return value


def evaluate(net: MLP, X: object, T: object, loss: str = "cross_entropy") -> tuple[float, float]:
    """Loss and accuracy of ``net`` on a data set (accuracy NaN for non-class targets)."""
    _check_loss(loss)
    X2, _ = net._check_input(X)
    Tt, lab = _prepare_targets(net, T, loss, "T", X2.shape[0])
    return _evaluate(net, X2, Tt, lab, loss)


def _evaluate(net: MLP, X: Array, Tt: Array, lab: Array | None, loss: str) -> tuple[float, float]:
    total, correct = 0.0, 0
    n = X.shape[0]
    fused = _fused(loss)
    chunk = 4096
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in range(0, n, chunk):
            Xc = X[s : s + chunk]
            v, _, c = fused(
                net._forward(Xc), Tt[s : s + chunk], None if lab is None else lab[s : s + chunk]
            )
            total += v * Xc.shape[0]
            correct += c
    acc = correct / n if lab is not None else float("nan")
    return total / n, acc


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
    progress: bool = False,
    l2: float = 0.0,
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
    progress
        Show an ``ipywidgets.IntProgress`` bar (in a notebook).
    l2
        Weight decay: adds ``l2/2 * sum_l ||W^(l)||^2`` to the loss (biases excluded).

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
    _check_loss(loss)
    lr = _check_number("lr", lr)
    l2 = _check_number("l2", l2, positive=False)
    epochs = _check_int("epochs", epochs)
    batch_size = _check_int("batch_size", batch_size)
    X2, single = net._check_input(X)
    if single:
        raise ValueError(
            f"X must be a batch (n, {net.n_in}), got one example of shape {X2.shape[1:]}"
        )
    n = X2.shape[0]
    if n == 0:
        raise ValueError("X is empty: need at least one training example")
    Tt, lab = _prepare_targets(net, T, loss, "T", n)
    if (X_val is None) != (T_val is None):
        raise ValueError("give both X_val and T_val, or neither")
    if X_val is not None:
        Xv, _ = net._check_input(X_val, "X_val")
        Tv, labv = _prepare_targets(net, T_val, loss, "T_val", Xv.shape[0])
    X2 = np.ascontiguousarray(X2)
    fused = _fused(loss)
    rng = np.random.default_rng(seed)
    hist = History()
    bar = _progress_bar(epochs) if progress else None
    bufs = [np.empty_like(lin.W) for lin in net.linears]
    for e in range(1, epochs + 1):
        order = rng.permutation(n)
        total, correct = 0.0, 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for k, start in enumerate(range(0, n, batch_size), start=1):
                idx = order[start : start + batch_size]
                Xb = X2[idx]
                y = net._forward(Xb)
                value, y_bar, c = fused(y, Tt[idx], None if lab is None else lab[idx])
                if l2:
                    value += _l2_penalty(net, l2)
                if not np.isfinite(value):
                    raise FloatingPointError(
                        f"loss became NaN at epoch {e}, minibatch {k}; "
                        f"try a smaller learning rate (lr={lr})"
                    )
                net._backward(y_bar, need_x_bar=False)
                _update(net, lr, l2, bufs)
                total += value * idx.shape[0]
                correct += c
        hist.epoch.append(e)
        hist.loss.append(total / n)
        hist.accuracy.append(correct / n if lab is not None else float("nan"))
        if X_val is not None:
            vl, va = _evaluate(net, Xv, Tv, labv, loss)
            hist.val_loss.append(vl)
            hist.val_accuracy.append(va)
        if bar is not None:
            bar.value = e
            bar.description = f"loss {hist.loss[-1]:.3g}"
    return hist


def _progress_bar(epochs: int) -> Any:
    try:
        import ipywidgets
        from IPython.display import display
    except ImportError:  # pragma: no cover - ipywidgets is a runtime dependency
        return None
    bar = ipywidgets.IntProgress(value=0, min=0, max=epochs, description="training")
    display(bar)
    return bar
