"""Gradient checking: compare backprop's gradients with centered finite differences.

The centered difference ``(f(x + h) - f(x - h)) / (2h)`` has error ``O(h^2)``, so with
``h = 1e-5`` in float64 a correct gradient typically agrees to a relative error of
about ``1e-8`` to ``1e-10``. Rules of thumb (after CS231n, "Gradient checks")
for the relative error ``|a - b| / max(|a| + |b|, eps)``:

* ``< 1e-7``: great, the gradient is right (:data:`GREAT`);
* ``< 1e-5``: fine for networks with kinks (ReLU, step), suspicious otherwise
  (:data:`SUSPICIOUS`);
* ``< 1e-3``: usually a bug unless the function has kinks right at ``x``;
* ``> 1e-3``: wrong (:data:`WRONG`).

Gradient checks need float64: in float32 round-off dominates the difference.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp._checks import as_float_array, finite_number, one_of
from mlp.losses import LOSSES
from mlp.network import MLP

Array = np.ndarray

__all__ = [
    "GREAT",
    "SUSPICIOUS",
    "WRONG",
    "check_mlp_gradients",
    "numerical_gradient",
    "relative_error",
    "verdict",
]

GREAT = 1e-7
"""Relative errors below this mean the gradient is right."""

SUSPICIOUS = 1e-5
"""Relative errors below this are acceptable with kinks (ReLU), suspicious otherwise."""

WRONG = 1e-3
"""Relative errors above this mean the gradient is wrong."""


def numerical_gradient(f: Callable[[Array], float], x: Array, h: float = 1e-5) -> Array:
    """Centered-difference gradient of a scalar function ``f`` at ``x``.

    Each element ``x[i]`` is perturbed in place to ``x[i] + h`` and ``x[i] - h`` and then
    restored, so ``f`` may read ``x`` through a shared reference (e.g. a network's live
    weight array).

    Parameters
    ----------
    f
        A function of the array ``x`` returning a float.
    x
        A float array (modified during the call, restored afterwards).
    h
        Step size.

    Returns
    -------
    numpy.ndarray
        ``df/dx`` with the shape of ``x``.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"x must be a float numpy array (it is perturbed in place), got {type(x).__name__}"
            + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else "")
        )
    h = finite_number(h, "h")
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = x[i]
        try:
            x[i] = old + h
            f_plus = float(f(x))
            x[i] = old - h
            f_minus = float(f(x))
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: object, b: object, eps: float = 1e-12, *, normwise: bool = False) -> float:
    """Relative error between two gradients.

    Elementwise (default): ``max_i |a_i - b_i| / max(|a_i| + |b_i|, eps)``.
    Normwise: ``||a - b|| / max(||a|| + ||b||, eps)``.

    Parameters
    ----------
    a, b
        Arrays of the same shape.
    eps
        Guard against dividing by zero when both are (nearly) zero.
    normwise
        Use the norm-wise formula, which ignores tiny elements' round-off.
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}")
    if a.size == 0:
        return 0.0
    if normwise:
        den = max(float(np.linalg.norm(a) + np.linalg.norm(b)), eps)
        return float(np.linalg.norm(a - b) / den)
    den = np.maximum(np.abs(a) + np.abs(b), eps)
    return float(np.max(np.abs(a - b) / den))


def verdict(rel_err: float) -> str:
    """A plain-words reading of a relative error (see the thresholds above)."""
    if not np.isfinite(rel_err):
        return "not a number: the gradient or the loss is NaN/infinite"
    if rel_err < GREAT:
        return "great: the gradient is right"
    if rel_err < SUSPICIOUS:
        return "ok with kinks (ReLU/step), suspicious otherwise"
    if rel_err < WRONG:
        return "probably wrong (unless x sits on a kink)"
    return "wrong: the gradient has a bug"


def check_mlp_gradients(
    net: MLP,
    X: object,
    T: object,
    loss: str = "squared_error",
    h: float = 1e-5,
    *,
    normwise: bool = True,
) -> dict[str, float]:
    """Relative error between backprop and finite differences for every parameter.

    Parameters
    ----------
    net
        A float64 network (its parameters are perturbed and restored).
    X, T
        A small batch of inputs and targets (as for the loss functions in
        :mod:`mlp.losses`; the loss is applied to the network output).
    loss
        ``"squared_error"`` or ``"cross_entropy"``.
    h
        Finite-difference step.
    normwise
        Passed to :func:`relative_error`. The default (True) compares each parameter
        array as a whole: elementwise relative errors of entries whose gradient is tiny
        (say ``< 1e-8``, common in a trained network or for always-zero pixels) measure
        only the finite difference's round-off, ``~ 1e-16 |L| / h``, and can exceed
        :data:`GREAT` although backprop is right. ``normwise=False`` gives the stricter
        CS231n-style elementwise maximum.

    Returns
    -------
    dict
        ``{"W1": err, "b1": err, "W2": ...}`` in the lecture's numbering.
    """
    one_of(loss, LOSSES, "loss")
    if net.dtype != np.float64:
        raise ValueError(
            f"gradient checks need a float64 network, this one is {net.dtype.name}; "
            "use net.astype(np.float64)"
        )
    loss_fn, grad_fn = LOSSES[loss]
    X2, _ = net.as_batch(X)
    T_arr = np.asarray(T)
    if loss == "squared_error" and T_arr.ndim == 1 and net.n_out == 1:
        T_arr = T_arr[:, None]
    y = net.forward(X2)
    net.backward(grad_fn(y, T_arr))
    analytic = [(Wb.copy(), bb.copy()) for Wb, bb in net.grads()]

    def f(_: Array) -> float:
        return loss_fn(net.forward(X2, check=False), T_arr)

    out: dict[str, float] = {}
    for i, ((W, b), (Wb, bb)) in enumerate(zip(net.params(), analytic, strict=True), start=1):
        out[f"W{i}"] = relative_error(Wb, numerical_gradient(f, W, h), normwise=normwise)
        out[f"b{i}"] = relative_error(bb, numerical_gradient(f, b, h), normwise=normwise)
    net.forward(X2)
    return out
