"""mlp: the mathematics of CSC413 Lecture 2 as a small, readable numpy library.

Conventions (see CONTRIBUTING.md): a weight matrix ``W`` has shape ``(M, N)`` as in the
lecture (``z = W x + b``); a minibatch ``X`` has shape ``(B, N)``, one example per row;
error signals use the lecture's bar notation (``y_bar``, ``z_bar``, ``W_bar``...).
"""

from mlp.activations import (
    ACTIVATIONS,
    get_activation,
    identity,
    identity_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    step,
    step_prime,
    tanh,
    tanh_prime,
)
from mlp.datasets import xor_data

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "get_activation",
    "identity",
    "identity_prime",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "step",
    "step_prime",
    "tanh",
    "tanh_prime",
    "xor_data",
]
