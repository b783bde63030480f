"""Expressive power by construction: approximating functions with bumps and towers.

The universality argument of the lecture, as code. The pieces live in their own modules:

* :mod:`mlp.bump_networks`: steps and bumps from one hidden layer;
* :mod:`mlp.towers`: towers on a grid, for two inputs;
* :mod:`mlp.boolean_networks`: the XOR network, softened thresholds, and a network for any
  Boolean function.

This module approximates a function ``f`` on an interval (or the unit square) by a sum
of bumps (towers) and measures the error. Every builder returns an ordinary
:class:`mlp.network.MLP`.

Conventions (stated in full in ``mlp.bump_networks``): a unit that steps up at
``x = s`` with steepness ``k`` has weight ``w = k`` and bias ``b = -k s``; a ReLU step is a
ramp of width ``1 / k`` made of two ReLUs; a bump of height ``h`` on ``[l, r]`` is
``h * (step at l - step at r)``; inputs are ``(B, 1)`` (``(B, 2)`` for towers).
See ``mlp.boolean_networks`` for the order of Boolean truth tables.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp._checks import finite_number, one_of
from mlp.bump_networks import (
    UNITS,
    bump_layout,
    bump_network,
    check_1h1,
    hidden_contributions,
)
from mlp.network import MLP
from mlp.towers import towers_network

Array = np.ndarray

__all__ = [
    "approximate_function",
    "approximate_function_2d",
    "fit_bump_heights",
    "fit_heights",
    "indicator_l1_error",
    "sup_error",
]


# ---- approximating functions with bumps ----------------------------------------------------


def sup_error(
    net: MLP, f: Callable[[Array], Array], a: float, b: float, *, n_eval: int = 2001
) -> float:
    """The largest ``|net(x) - f(x)|`` over ``n_eval`` equally spaced points of ``[a, b]``."""
    check_1h1(net)
    x = np.linspace(a, b, n_eval)
    return float(np.max(np.abs(net.forward(x[:, None])[:, 0] - np.asarray(f(x), dtype=float))))


def fit_heights(
    net: MLP, f: Callable[[Array], Array], a: float, b: float, *, n_fit: int = 2001
) -> MLP:
    """Refit the output layer (``W^(2)``, ``b^(2)``) of a 1-H-1 net to ``f`` by least squares.

    With the hidden layer fixed, the output is linear in ``W^(2)`` and ``b^(2)``: this is
    linear regression on the hidden features, solved exactly on ``n_fit`` points of
    ``[a, b]``. Returns a new network; the hidden layer is copied unchanged.
    """
    check_1h1(net)
    if net.activations[1] != "identity":
        raise ValueError("fit_heights needs a linear ('identity') output layer")
    x = np.linspace(a, b, n_fit)[:, None]
    H = net.hidden(x, 1)
    A = np.column_stack([H, np.ones(len(x))])
    coef, *_ = np.linalg.lstsq(A, np.asarray(f(x[:, 0]), dtype=float), rcond=None)
    (W1, b1), _ = net.params()
    return MLP.from_params([(W1, b1), (coef[None, :-1], coef[-1:])], net.activations)


def approximate_function(
    f: Callable[[Array], Array],
    a: float,
    b: float,
    n_bumps: int,
    unit: str = "step",
    steepness: float | None = None,
    *,
    heights: str = "sample",
    n_eval: int = 2001,
) -> tuple[MLP, float]:
    """Approximate ``f`` on ``[a, b]`` by a sum of ``n_bumps`` adjacent bumps.

    The bump centres are the ``n_bumps`` equally spaced points ``c_i`` from ``a`` to ``b``
    (spacing ``w = (b - a) / (n_bumps - 1)``), and bump ``i`` covers ``[c_i - w/2, c_i + w/2]``,
    so the outermost edges lie half a bump outside ``[a, b]`` and the ends are covered.

    Parameters
    ----------
    f
        The target, vectorized: ``f(x)`` for a 1-D array ``x``.
    a, b
        The interval, ``a < b``.
    n_bumps
        Number of bumps (``>= 2``); the network has ``2 * n_bumps`` hidden units
        (``4 * n_bumps`` for ReLU).
    unit
        ``"step"``, ``"sigmoid"`` or ``"relu"``.
    steepness
        ``k``; by default ``20 / w``, which keeps every transition narrow compared with a
        bump as ``n_bumps`` grows (a fixed ``k`` stops the error from shrinking once bumps
        get narrower than the transitions).
    heights
        ``"sample"``: ``h_i = f(c_i)`` (the construction in the proof); ``"lstsq"``: the
        ``n_bumps`` heights minimizing the squared error on ``[a, b]`` (every bump keeps its
        shape; compare :func:`fit_heights`, which frees every output weight).
    n_eval
        Number of points of ``[a, b]`` on which the error is measured.

    Returns
    -------
    (MLP, float)
        The network and its sup error ``max |net(x) - f(x)|`` on the ``n_eval`` points.
    """
    one_of(unit, UNITS, "unit")
    one_of(heights, ("sample", "lstsq"), "heights")
    centres, edges = bump_layout(a, b, n_bumps)
    w = centres[1] - centres[0]
    k = finite_number(20.0 / w if steepness is None else steepness, "steepness")
    h = np.asarray(f(centres), dtype=float)
    if heights == "lstsq":
        h = fit_bump_heights(edges, unit, k, f, a, b)
    net = bump_network(edges, h, unit=unit, steepness=k)
    return net, sup_error(net, f, a, b, n_eval=n_eval)


def fit_bump_heights(
    edges: Array, unit: str, k: float, f: Callable[[Array], Array], a: float, b: float
) -> Array:
    """Least-squares heights of adjacent bumps, fitted to ``f`` on 2001 points of ``[a, b]``.

    Each bump keeps its shape (``edges``, ``unit``, steepness ``k`` as for
    :func:`~mlp.bump_networks.bump_network`); only the ``len(edges) - 1`` heights are
    chosen, to minimise the squared error. Used by ``approximate_function(..., heights="lstsq")``.
    """
    n = len(edges) - 1
    x = np.linspace(a, b, 2001)
    C = hidden_contributions(bump_network(edges, np.ones(n), unit=unit, steepness=k), x)
    per_bump = C.reshape(len(x), n, -1).sum(axis=2)  # (B, n): bump i evaluated at every x
    h, *_ = np.linalg.lstsq(per_bump, np.asarray(f(x), dtype=float), rcond=None)
    return h


def indicator_l1_error(unit: str, steepness: float) -> float:
    """Exact ``integral |net(x) - I[1 <= x <= 2]| dx`` for ``bump_network([1, 2], [1], ...)``.

    Each edge contributes the area between a unit step and its smooth version:
    ``int |sigma(k z) - I[z > 0]| dz = 2 ln 2 / k`` for a sigmoid, ``1 / (4 k)`` for a
    centred ReLU ramp of width ``1 / k``, and 0 for hard thresholds. For sigmoids the two
    edges' tails overlap slightly, which removes ``4 ln(1 + e^{-k}) / k`` in total, so

    * ``"step"``: ``0``;
    * ``"sigmoid"``: ``4 (ln 2 - ln(1 + e^{-k})) / k``;
    * ``"relu"``: ``1 / (2 k)`` (for ``k >= 1``, when the two ramps do not overlap).
    """
    one_of(unit, UNITS, "unit")
    k = finite_number(steepness, "steepness")
    if unit == "step":
        return 0.0
    if unit == "sigmoid":
        return float(4 * (np.log(2) - np.log1p(np.exp(-k))) / k)
    if k < 1:
        raise ValueError(f"the ReLU formula needs steepness >= 1 (ramps apart), got {k}")
    return 1 / (2 * k)


def approximate_function_2d(
    f: Callable[[Array, Array], Array],
    n: int,
    unit: str = "step",
    steepness: float | None = None,
    *,
    metric: str = "sup",
    n_eval: int = 201,
) -> tuple[MLP, float]:
    """Approximate ``f(x1, x2)`` on ``[0, 1]^2`` by ``n * n`` towers with heights ``f(centre)``.

    The tower centres form an ``n x n`` grid from 0 to 1 in each direction (the layout of
    :func:`~mlp.bump_networks.bump_layout` along each axis). ``steepness`` defaults to ``20 / w``.

    With sigmoid or ReLU units the towers leave narrow holes at the grid's corners: there
    both one-dimensional bumps are half on, their sum is 1 for all four neighbouring
    towers, and the second layer switches all four off. The largest error therefore stays
    near ``max |f|`` however many towers are used; the mean error still shrinks.

    Parameters
    ----------
    metric
        ``"sup"`` (largest error) or ``"mean"`` (mean absolute error) on an
        ``n_eval x n_eval`` grid of ``[0, 1]^2``.

    Returns
    -------
    (MLP, float)
        The network (:func:`~mlp.towers.towers_network`) and its error.
    """
    one_of(metric, ("sup", "mean"), "metric")
    centres, edges = bump_layout(0.0, 1.0, n)
    w = centres[1] - centres[0]
    k = finite_number(20.0 / w if steepness is None else steepness, "steepness")
    c1, c2 = np.meshgrid(centres, centres, indexing="ij")
    net = towers_network(edges, edges, np.asarray(f(c1, c2), dtype=float), unit=unit, steepness=k)
    g = np.linspace(0.0, 1.0, n_eval)
    g1, g2 = np.meshgrid(g, g, indexing="ij")
    y = net.forward(np.column_stack([g1.ravel(), g2.ravel()]))[:, 0]
    gap = np.abs(y - np.asarray(f(g1, g2), dtype=float).ravel())
    return net, float(gap.max() if metric == "sup" else gap.mean())
