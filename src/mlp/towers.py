"""Towers: two-input networks that are sums of towers on a grid of rectangles.

A tower is the two-dimensional bump of the universality argument. A wall along ``x_1``
(a bump in ``x_1``, any ``x_2``) plus a wall along ``x_2`` is 2 on their crossing, 1 on the
arms and 0 elsewhere, so a second-layer step at 1.5 keeps the crossing: two hidden layers,
activations ``[unit, unit, "identity"]``. Inputs are ``(B, 2)``, one point per row. Unit
types and steepness follow ``mlp.bump_networks``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlp._checks import as_float_array, finite_number, one_of
from mlp.bump_networks import UNITS, step_units
from mlp.network import MLP

Array = np.ndarray

__all__ = ["SECOND_LAYER_STEEPNESS", "towers_network"]

SECOND_LAYER_STEEPNESS = {"step": 1.0, "sigmoid": 20.0, "relu": 2.0}
"""Default ``steepness2`` of :func:`towers_network`, per unit type."""


def towers_network(
    x_edges: Sequence[float] | Array,
    y_edges: Sequence[float] | Array,
    heights: Sequence[Sequence[float]] | Array,
    *,
    unit: str = "step",
    steepness: float = 10.0,
    steepness2: float | None = None,
) -> MLP:
    """A 2-H1-H2-1 network that is a sum of towers on a grid of rectangles.

    The tower on ``[x_i, x_{i+1}] x [y_j, y_{j+1}]`` is built in two stages. The first
    hidden layer holds one step (one unit; two for ReLU) at every edge ``x_i`` along
    ``x_1`` and every edge ``y_j`` along ``x_2``. The sum of the ``x``-bump and the
    ``y``-bump, ``s_ij = step(x_i) - step(x_{i+1}) + step(y_j) - step(y_{j+1})``, is 2 on the
    rectangle, 1 on the cross-shaped arms and 0 elsewhere, so a second-layer step at
    ``s_ij = 1.5`` keeps only the rectangle. The output adds ``heights[i, j]`` times each
    tower.

    Parameters
    ----------
    x_edges, y_edges
        Strictly increasing edges, ``n_x + 1`` and ``n_y + 1`` numbers.
    heights
        Tower heights, shape ``(n_x, n_y)``.
    unit
        ``"step"``, ``"sigmoid"`` or ``"relu"``, used in both hidden layers.
    steepness
        ``k`` of the first layer (in units of ``x``).
    steepness2
        ``k`` of the second layer (in units of ``s``, whose levels are 0, 1, 2). By default
        20 for sigmoids (error ``sigma(-10)`` on the flat parts) and 2 for ReLU (the ramp
        spans ``s`` in ``[1.25, 1.75]``, so the output is exact where ``s`` is 0, 1 or 2).

    Returns
    -------
    MLP
        Sizes ``[2, u (n_x + n_y + 2), u n_x n_y, 1]`` with ``u = 2`` for ReLU and 1 otherwise;
        activations ``[unit, unit, "identity"]``.
    """
    one_of(unit, UNITS, "unit")
    k = finite_number(steepness, "steepness")
    k2 = SECOND_LAYER_STEEPNESS[unit] if steepness2 is None else steepness2
    k2 = finite_number(k2, "steepness2")
    xe, ye = _increasing(x_edges, "x_edges"), _increasing(y_edges, "y_edges")
    H = as_float_array(heights, "heights")
    if H.shape != (xe.size - 1, ye.size - 1):
        raise ValueError(
            f"heights has shape {H.shape} but the edges make a grid of "
            f"{(xe.size - 1, ye.size - 1)} rectangles"
        )
    W1, b1, (sx, sy) = _edge_steps((xe, ye), k, unit)
    # layer 2: for every rectangle, a step of s_ij at 1.5, where s_ij is the x-bump plus the
    # y-bump (row i of sx combines layer-1 units into the step at x_i); output: heights
    w2, b2, v2 = step_units(1.5, k2, unit)
    W2_rows, b2_all, W3 = [], [], []
    for i in range(xe.size - 1):
        for j in range(ye.size - 1):
            s = sx[i] - sx[i + 1] + sy[j] - sy[j + 1]
            for wi, bi, vi in zip(w2, b2, v2, strict=True):
                W2_rows.append(wi * s)
                b2_all.append(bi)
                W3.append(H[i, j] * vi)
    return MLP.from_params(
        [(W1, b1), (np.array(W2_rows), np.array(b2_all)), (np.array(W3)[None, :], np.array([0.0]))],
        [unit, unit, "identity"],
    )


def _increasing(edges: object, name: str) -> Array:
    arr = as_float_array(edges, name).ravel()
    if arr.size < 2 or not np.all(np.diff(arr) > 0):
        raise ValueError(f"{name} must be at least 2 strictly increasing numbers")
    return arr


def _edge_steps(
    axes_edges: tuple[Array, Array], k: float, unit: str
) -> tuple[Array, Array, list[Array]]:
    """Layer 1: a step (one unit, two for ReLU) at every edge along each input axis.

    Returns ``W1`` ``(n1, 2)``, ``b1`` ``(n1,)`` and, per axis, a matrix ``(n_edges, n1)``
    whose row ``i`` combines the layer-1 units into the unit step at edge ``i``.
    """
    rows: list[list[float]] = []
    b1: list[float] = []
    where: list[list[tuple[int, list[float]]]] = [[], []]  # (first unit, output weights)
    for axis, edges in enumerate(axes_edges):
        for e in edges:
            w, b, v = step_units(float(e), k, unit)
            where[axis].append((len(b1), v))
            for wi, bi in zip(w, b, strict=True):
                rows.append([wi, 0.0] if axis == 0 else [0.0, wi])
                b1.append(bi)
    steps = []
    for axis_where in where:
        M = np.zeros((len(axis_where), len(b1)))
        for i, (start, v) in enumerate(axis_where):
            M[i, start : start + len(v)] = v
        steps.append(M)
    return np.array(rows), np.array(b1), steps
