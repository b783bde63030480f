"""Exercise 8 (gradient checker): the test functions of Q1 and each student's planted bug.

``numbers(rng)`` gives a student's small network (inputs ``X``, one-hot targets ``T`` and
weights, all square, ``N = H = K = 4``, so a transposed gradient has the right shape) and an
opaque ``tag``. :func:`make_backward` turns those numbers into the student's *buggy*
backward pass: right for three of the four parameters, wrong for one, in one of the ways a
backward pass usually goes wrong. Which one the tag selects is not written in the numbers;
the student finds it with their gradient checker.

The bug is opaque, not secret: this module is readable, like any library. It is an input
(a function to test), never a reference: the grader judges ``fixed_backward`` against its
own references in the spec.

``TEST_FUNCTIONS`` are the scalar functions on which the grader runs the student's
``numerical_grad`` (through the notebook's ``numerical_grad_on(name, x, theta, eps)``: the
grader can send arrays and numbers to a notebook, never a Python function).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

B, N, H, K = 6, 4, 4, 4
PARAMS = ("W1", "b1", "W2", "b2")

# (parameter whose gradient is wrong, how): the catalogue of planted bugs
BUGS: tuple[tuple[str, str], ...] = (
    ("W2", "sign"),
    ("W2", "no batch mean"),
    ("W2", "transpose"),
    ("b2", "sign"),
    ("b2", "batch mean"),
    ("b2", "not summed"),
    ("W1", "sign"),
    ("W1", "transpose"),
    ("W1", "no tanh'"),
    ("W1", "tanh' at z"),
    ("b1", "sign"),
    ("b1", "batch mean"),
    ("b1", "no tanh'"),
)


def _logsumexp(z):
    return np.log(np.sum(np.exp(z - np.max(z)))) + np.max(z)


TEST_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    # f(x; theta) for x and theta of the same (any) shape
    "logsumexp": lambda x, th: float(_logsumexp(th * x)),
    "cubic": lambda x, th: float(np.sum(th * x**3) / 3 + 0.5 * np.sum(x) ** 2),
    "sine": lambda x, th: float(np.sin(np.sum(th * x)) + 0.5 * np.sum(x * x)),
}


def numbers(rng: np.random.Generator) -> dict:
    """A student's network (plain lists) and the tag that selects the planted bug."""
    X = rng.normal(size=(B, N))
    labels = rng.permutation(np.arange(B) % K)
    T = np.eye(K)[labels]
    W1, b1 = rng.normal(size=(H, N)), rng.normal(scale=0.5, size=H)
    W2, b2 = rng.normal(size=(K, H)), rng.normal(scale=0.5, size=K)
    tag = f"{int(rng.integers(0, 16**6)):06x}"
    return {
        "X": X.tolist(),
        "T": T.tolist(),
        "W1": W1.tolist(),
        "b1": b1.tolist(),
        "W2": W2.tolist(),
        "b2": b2.tolist(),
        "tag": tag,
    }


def _planted(nums: dict) -> tuple[str, str]:
    """``(parameter, kind)`` of the bug that ``nums`` selects."""
    return BUGS[int(str(nums["tag"]), 16) % len(BUGS)]


def make_backward(nums: dict) -> Callable:
    """The student's buggy ``backward(X, T, W1, b1, W2, b2) -> (W1_bar, b1_bar, W2_bar,
    b2_bar)`` for the tanh network with softmax cross-entropy (mean over the batch)."""
    param, kind = _planted(nums)

    def backward(X, T, W1, b1, W2, b2):
        X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
        n = X.shape[0]
        Z = X @ W1.T + b1
        Hid = np.tanh(Z)
        S = Hid @ W2.T + b2
        P = np.exp(S - S.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        S_bar = (P - T) / n
        W2_bar = S_bar.T @ Hid
        b2_bar = S_bar.sum(axis=0)
        H_bar = S_bar @ W2
        Z_bar = H_bar * (1 - Hid**2)
        W1_bar = Z_bar.T @ X
        b1_bar = Z_bar.sum(axis=0)
        out = {"W1": W1_bar, "b1": b1_bar, "W2": W2_bar, "b2": b2_bar}
        if kind == "sign":
            out[param] = -out[param]
        elif kind == "no batch mean":
            out[param] = (P - T).T @ Hid
        elif kind == "transpose":
            out[param] = Hid.T @ S_bar if param == "W2" else X.T @ Z_bar
        elif kind == "batch mean":
            out[param] = (S_bar if param == "b2" else Z_bar).mean(axis=0)
        elif kind == "not summed":
            out[param] = S_bar
        elif kind == "no tanh'":
            out[param] = H_bar.T @ X if param == "W1" else H_bar.sum(axis=0)
        elif kind == "tanh' at z":
            out[param] = (H_bar * (1 - Z**2)).T @ X
        return tuple(out[p] for p in PARAMS)

    return backward
