"""Activation functions and their derivatives, each written once.

Every activation ``f`` comes with its derivative ``f'`` evaluated at the same
pre-activation ``z``, because backpropagation needs ``z_bar = h_bar * f'(z)``. The table
:data:`FORMULAS` holds each pair side by side, as formulas on float arrays without input
checks. The derivative takes both ``z`` and ``h = f(z)``, because the backward pass has
both and ``sigma'(z) = h (1 - h)`` and ``tanh'(z) = 1 - h^2`` need no second ``exp``.

The public functions :func:`sigmoid`, :func:`sigmoid_prime`, ... check their input
(numeric, finite) and then apply the formula. Everything works elementwise on arrays of
any shape; :func:`softmax` and :func:`log_softmax` work on the last axis, so they take one
vector ``(K,)`` or a batch ``(B, K)``.

The two formulas that need care with floating point live here and nowhere else:

* :func:`stable_sigmoid`: ``1 / (1 + e^-z)`` never overflows;
* :func:`logsumexp` (and :func:`log_softmax` built on it): the row maximum is subtracted
  before ``exp``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp._checks import as_float_array, one_of

Array = np.ndarray

__all__ = [
    "ACTIVATIONS",
    "FORMULAS",
    "get_activation",
    "identity",
    "identity_prime",
    "log_softmax",
    "logsumexp",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "stable_sigmoid",
    "step",
    "step_prime",
    "tanh",
    "tanh_prime",
]

# ---- the two numerically careful formulas (float arrays in, no input checks) -------------


def stable_sigmoid(z: Array) -> Array:
    """Logistic function ``sigma(z) = 1 / (1 + exp(-z))`` of a float array, without checks.

    For ``z >= 0`` it evaluates ``1 / (1 + e)`` and for ``z < 0`` the equal ``e / (1 + e)``,
    with ``e = exp(-|z|)`` in ``(0, 1]``, so ``exp`` never overflows (no warning at
    ``z = -1000``). The dtype of ``z`` is kept. Every sigmoid in ``mlp`` is this one.

    Examples
    --------
    >>> stable_sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def logsumexp(z: Array) -> Array:
    """``log sum_k exp(z_k)`` over the last axis of a float array, without checks.

    The maximum ``m`` of each row is subtracted first,
    ``logsumexp(z) = m + log sum_k exp(z_k - m)``, so ``exp`` never overflows. The last
    axis is kept with length 1 (``(B, K) -> (B, 1)``), ready to broadcast against ``z``.

    Examples
    --------
    >>> logsumexp(np.array([1000.0, 1000.0]))  # 1000 + log 2, no overflow
    array([1000.69314718])
    """
    m = z.max(axis=-1, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


def log_softmax(z: Array) -> Array:
    """``log softmax(z)_k = z_k - logsumexp(z)`` over the last axis, without checks."""
    return z - logsumexp(z)


# ---- each activation: forward f(z) and derivative f'(z) from (z, h), side by side --------

# fmt: off
FORMULAS: dict[str, tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]] = {
    # name      h = f(z)                             f'(z), given z and h = f(z)
    "step":     (lambda z: (z > 0).astype(z.dtype),  lambda z, h: np.zeros_like(z)),
    "sigmoid":  (stable_sigmoid,                     lambda z, h: h * (1.0 - h)),
    "tanh":     (np.tanh,                            lambda z, h: 1.0 - h * h),
    "relu":     (lambda z: np.maximum(z, 0.0),       lambda z, h: (z > 0).astype(z.dtype)),
    "identity": (lambda z: z,                        lambda z, h: np.ones_like(z)),
}
# fmt: on
"""Each activation's name mapped to ``(f, f_prime_from)``: float arrays in, no checks.

``f(z)`` is the activation and ``f_prime_from(z, h)`` its derivative at ``z``, given
``h = f(z)`` too. The layers of :mod:`mlp.layers` use these after validating once."""


def _checked(name: str, derivative: bool, doc: str) -> Callable[[object], Array]:
    """The public, checked form of ``f`` (or ``f'``) for one entry of :data:`FORMULAS`.

    It validates ``z`` (numeric and finite, see ``mlp._checks.as_float_array``), then
    applies the formula; the result is always a new array, never the caller's.
    """

    def checked(z: object) -> Array:
        z = as_float_array(z, "z")
        f, f_prime_from = FORMULAS[name]
        h = f(z)
        if derivative:
            return f_prime_from(z, h)
        return h.copy() if h is z else h

    checked.__name__ = checked.__qualname__ = f"{name}_prime" if derivative else name
    checked.__doc__ = doc
    return checked


# the public activations and derivatives: z is checked, then the formula is applied
step = _checked("step", False, "Hard threshold ``I[z > 0]``: 1 where ``z > 0``, else 0.")
step_prime = _checked(
    "step",
    True,
    "Derivative of :func:`step`: 0 wherever it exists (gradient descent cannot train it).",
)
sigmoid = _checked(
    "sigmoid",
    False,
    """Logistic function ``1 / (1 + exp(-z))``, stable for large ``|z|`` (:func:`stable_sigmoid`).

    Examples
    --------
    >>> sigmoid([0.0, -1000.0])
    array([0.5, 0. ])
    """,
)
sigmoid_prime = _checked(
    "sigmoid", True, "Derivative of :func:`sigmoid`: ``sigma(z) (1 - sigma(z))``."
)
tanh = _checked("tanh", False, "Hyperbolic tangent, ``2 sigma(2z) - 1``.")
tanh_prime = _checked("tanh", True, "Derivative of :func:`tanh`: ``1 - tanh(z)^2``.")
relu = _checked("relu", False, "Rectified linear unit ``max(0, z)``.")
relu_prime = _checked(
    "relu", True, "Derivative of :func:`relu`: 1 where ``z > 0``, else 0 (0 at the kink)."
)
identity = _checked("identity", False, "The identity ``f(z) = z``, for linear layers (a copy).")
identity_prime = _checked("identity", True, "Derivative of :func:`identity`: 1 everywhere.")


def softmax(z: Array) -> Array:
    """Softmax over the last axis: ``exp(z_k) / sum_j exp(z_j) = exp(log_softmax(z))_k``.

    Computed through :func:`logsumexp`, so it never overflows.

    Parameters
    ----------
    z
        Logits of shape ``(K,)`` or ``(B, K)``.

    Returns
    -------
    numpy.ndarray
        Probabilities of the same shape; each row sums to 1.

    Examples
    --------
    >>> softmax([0.0, 0.0, 1000.0])
    array([0., 0., 1.])
    """
    z = as_float_array(z, "z")
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"softmax needs at least one logit on the last axis, got shape {z.shape}")
    return np.exp(log_softmax(z))


ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "step": (step, step_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "identity": (identity, identity_prime),
}
"""Each activation's name mapped to the checked pair ``(f, f_prime)``."""


def get_activation(name: str) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    """Return ``(f, f_prime)`` for an activation name such as ``"sigmoid"``.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    return ACTIVATIONS[one_of(name, ACTIVATIONS, "activation")]
