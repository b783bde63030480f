"""mlp: the mathematics of CSC413 Lecture 2 as a small, readable numpy library.

Conventions (see CONTRIBUTING.md): a weight matrix ``W`` has shape ``(M, N)`` as in the
lecture (``z = W x + b``); a minibatch ``X`` has shape ``(B, N)``, one example per row;
error signals use the lecture's bar notation (``y_bar``, ``z_bar``, ``W_bar``...).

This package is the mathematics only (numpy and the standard library). Everything drawn or
interactive lives in :mod:`mlp.figures`, which ``import mlp`` does not load.
"""

from mlp import graph, lecture_graphs
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
from mlp.datasets import (
    load_digits,
    load_digits_split,
    load_mnist,
    make_blobs,
    make_circles,
    make_spirals,
    make_xor_clouds,
    pattern_ab,
    pattern_translations,
    read_idx,
    train_test_split,
    write_idx,
    xor_data,
)
from mlp.gradcheck import check_mlp_gradients, numerical_gradient, relative_error, verdict
from mlp.layers import Activation, Linear
from mlp.losses import (
    LOSSES,
    accuracy,
    one_hot,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    squared_error,
    squared_error_grad,
)
from mlp.network import MLP
from mlp.train import History, evaluate, sgd, train_step

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
    # network core
    "Activation",
    "History",
    "LOSSES",
    "Linear",
    "MLP",
    "accuracy",
    "check_mlp_gradients",
    "evaluate",
    "load_digits",
    "load_digits_split",
    "load_mnist",
    "make_blobs",
    "make_circles",
    "make_spirals",
    "make_xor_clouds",
    "numerical_gradient",
    "one_hot",
    "pattern_ab",
    "pattern_translations",
    "read_idx",
    "relative_error",
    "sgd",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "squared_error",
    "squared_error_grad",
    "train_step",
    "train_test_split",
    "verdict",
    "write_idx",
    "graph",
    "lecture_graphs",
]
