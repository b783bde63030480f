"""Exercise 6's numbers: a 3-2-2 network (sigmoid hidden layer, linear outputs), one input and
its target, for a forward and backward pass by hand.

Weights and biases are one-decimal numbers, inputs are multiples of 0.5.  They are drawn so
that each recognised mistake changes the numbers clearly: the hidden pre-activations are
moderate (``0.3 <= |W1 x + b1| <= 2``, one of them at least 1.2, where sigma' differs most
from its values elsewhere), every bias is nonzero, ``W2`` is clearly not symmetric, and each
target lies outside the range its output can reach, one above and one below (``|y_k - t_k|
>= 0.3`` whatever the hidden values are, with opposite signs).  Inputs only, never results.
"""

from __future__ import annotations

import numpy as np

N, M, K = 3, 2, 2  # inputs, hidden units, outputs

# everyone's numbers when ids are off (and for STUDENT_ID = "")
COMMON = {
    "x": [1.0, -1.0, 0.5],
    "W1": [[0.5, -1.0, 0.2], [1.0, 0.5, -0.6]],
    "b1": [-0.4, 0.3],
    "W2": [[1.0, -2.0], [-0.5, 1.5]],
    "b2": [0.5, -0.5],
    "t": [2.0, -1.5],
}


def _one_decimal(rng, lo: float, hi: float, size) -> np.ndarray:
    """Nonzero one-decimal numbers with lo <= |v| <= hi and a random sign."""
    mags = rng.integers(round(lo * 10), round(hi * 10) + 1, size=size) / 10
    return mags * rng.choice([-1.0, 1.0], size=size)


def _target(rng, w_row: np.ndarray, b: float, above: bool) -> float:
    """A one-decimal target at least 0.3 above (or below) every output the unit can give
    for hidden values in (0, 1)."""
    gap = float(rng.integers(3, 11)) / 10
    if above:
        return float(np.round(b + np.maximum(w_row, 0).sum() + gap, 1))
    return float(np.round(b + np.minimum(w_row, 0).sum() - gap, 1))


def numbers(rng: np.random.Generator) -> dict:
    """x (3,), W1 (2, 3), b1 (2,), W2 (2, 2), b2 (2,) and t (2,), as plain lists."""
    while True:
        x = rng.choice([-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0], size=N)
        W1 = _one_decimal(rng, 0.1, 1.5, (M, N))
        b1 = _one_decimal(rng, 0.1, 1.0, M)
        pre = np.abs(W1 @ x + b1)
        if np.all((pre >= 0.3) & (pre <= 2.0)) and pre.max() >= 1.2 and abs(pre[0] - pre[1]) >= 0.1:
            break
    big = int(np.argmax(pre))
    while True:
        W2 = _one_decimal(rng, 0.2, 2.0, (K, M))
        if (abs(W2[0, 1] - W2[1, 0]) >= 0.5 and abs(W2[0, 0] - W2[1, 1]) >= 0.2
                and W2[0, big] * W2[1, big] < 0):  # fmt: skip
            break
    b2 = _one_decimal(rng, 0.1, 1.0, K)
    first_above = bool(rng.random() < 0.5)
    t = np.array([_target(rng, W2[k], b2[k], above=first_above == (k == 0)) for k in range(K)])
    return {
        "x": x.tolist(),
        "W1": W1.tolist(),
        "b1": b1.tolist(),
        "W2": W2.tolist(),
        "b2": b2.tolist(),
        "t": t.tolist(),
    }
