"""Data sets for the lecture, all generated or shipped offline."""

from __future__ import annotations

import numpy as np


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four points of XOR and their targets.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(4, 2)``: the inputs ``(0,0), (0,1), (1,0), (1,1)``, one per row.
    t : numpy.ndarray
        Shape ``(4,)``: the targets ``x1 XOR x2`` = ``0, 1, 1, 0``.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = np.array([0.0, 1.0, 1.0, 0.0])
    return X, t
