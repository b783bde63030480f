"""Activation functions and their derivatives.

Every activation ``f`` comes with its derivative ``f_prime`` evaluated at the same
pre-activation ``z``, because backpropagation needs ``z_bar = h_bar * f'(z)``.
All functions work elementwise on arrays of any shape; :func:`softmax` works on the
last axis, so it takes a single vector ``(K,)`` or a batch ``(B, K)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp._checks import as_float_array

Array = np.ndarray


def step(z: Array) -> Array:
    """Hard threshold ``I[z > 0]``: 1 where ``z > 0``, else 0."""
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def step_prime(z: Array) -> Array:
    """Derivative of :func:`step`: 0 everywhere it exists (so gradient descent cannot train it)."""
    z = as_float_array(z, "z")
    return np.zeros_like(z)


def sigmoid(z: Array) -> Array:
    """Logistic function ``1 / (1 + exp(-z))``, stable for large ``|z|``.

    For ``z >= 0`` it evaluates ``1 / (1 + exp(-z))`` and for ``z < 0`` the equal
    ``exp(z) / (1 + exp(z))``, so ``exp`` never overflows (no warning at ``z = -1000``).
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z: Array) -> Array:
    """Derivative of :func:`sigmoid`: ``sigma(z) * (1 - sigma(z))``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    """Hyperbolic tangent, ``2 sigma(2z) - 1``."""
    return np.tanh(as_float_array(z, "z"))


def tanh_prime(z: Array) -> Array:
    """Derivative of :func:`tanh`: ``1 - tanh(z)^2``."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z: Array) -> Array:
    """Rectified linear unit ``max(0, z)``."""
    z = as_float_array(z, "z")
    return np.maximum(z, 0.0)


def relu_prime(z: Array) -> Array:
    """Derivative of :func:`relu`: 1 where ``z > 0``, else 0 (we take 0 at the kink)."""
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def identity(z: Array) -> Array:
    """The identity, for linear layers (``f(z) = z``)."""
    return as_float_array(z, "z").copy()


def identity_prime(z: Array) -> Array:
    """Derivative of :func:`identity`: 1 everywhere."""
    return np.ones_like(as_float_array(z, "z"))


def softmax(z: Array) -> Array:
    """Softmax over the last axis: ``exp(z_k) / sum_j exp(z_j)``.

    Subtracts the row maximum first, so it never overflows.

    Parameters
    ----------
    z
        Logits of shape ``(K,)`` or ``(B, K)``.

    Returns
    -------
    numpy.ndarray
        Probabilities of the same shape; each row sums to 1.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"softmax needs at least one logit on the last axis, got shape {z.shape}")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "step": (step, step_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "identity": (identity, identity_prime),
}
"""Each activation's name mapped to ``(f, f_prime)``."""


def get_activation(name: str) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    """Return ``(f, f_prime)`` for an activation name such as ``"sigmoid"``.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; choose one of: {known}") from None
