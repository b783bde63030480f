"""Steps and bumps built from hidden units: the 1-H-1 networks of the universality argument.

Every builder returns an ordinary :class:`mlp.network.MLP`, so a construction can be
printed (``net.describe()``), evaluated (``net.forward(X)``) and rebuilt from source
(``net.to_code()``) like any trained network. Inputs are ``(B, 1)``, one point per row.

Conventions
-----------
Unit types
    ``"step"`` (hard threshold ``I[z > 0]``), ``"sigmoid"`` and ``"relu"``; the output layer
    of a bump network is linear (``"identity"``), as in the lecture.
Steepness ``k`` and step position ``s``
    A threshold or sigmoid unit that steps up at ``x = s`` has weight ``w = k`` and bias
    ``b = -k s``, so ``s = -b / w``. Scaling ``w`` and ``b`` together moves nothing but makes
    the sigmoid ``sigma(k (x - s))`` steeper; its slope at ``s`` is ``k / 4``. A step unit
    computes the same function for every ``k > 0``.
    A ReLU step is the difference of two ReLUs,
    ``relu(k (x - s) + 1/2) - relu(k (x - s) - 1/2)``: a ramp from 0 to 1 of width ``1 / k``
    centred at ``s`` (slope ``k``). A ReLU bump therefore uses four units (a trapezoid).
Bumps
    A bump of height ``h`` on ``[l, r]`` is ``h * (step at l - step at r)``: two hidden
    units (four for ReLU) whose output weights are ``+h`` and ``-h``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlp._checks import as_float_array, finite_number, one_of, positive_int
from mlp.network import MLP

Array = np.ndarray

UNITS = ("step", "sigmoid", "relu")
"""The hidden unit types a bump network can be built from."""

UNITS_PER_STEP = {"step": 1, "sigmoid": 1, "relu": 2}
"""Hidden units needed for one step (a bump needs twice as many)."""

__all__ = [
    "UNITS",
    "UNITS_PER_STEP",
    "bump_layout",
    "bump_network",
    "check_1h1",
    "hidden_contributions",
    "step_network",
    "step_units",
]


def check_1h1(net: MLP, name: str = "net") -> MLP:
    """Return ``net`` if it is a 1-H-1 network (one hidden layer, scalar input and output).

    Raises
    ------
    ValueError
        Otherwise, naming its sizes.
    """
    if net.n_in != 1 or net.n_out != 1 or len(net.linears) != 2:
        raise ValueError(
            f"{name} must be a 1-H-1 network (one hidden layer, scalar input and output), "
            f"got sizes {net.sizes}"
        )
    return net


# ---- steps and bumps -----------------------------------------------------------------------


def step_units(s: float, k: float, unit: str) -> tuple[list[float], list[float], list[float]]:
    """The hidden units making one unit step at ``s`` with steepness ``k``.

    Returns their input weights, biases and output weights: one unit ``w = k``,
    ``b = -k s`` (output weight 1) for step and sigmoid units; two for ReLU (output
    weights ``+1, -1``), see the module conventions.
    """
    if unit == "relu":
        # relu(k(x - s) + 1/2) - relu(k(x - s) - 1/2): a ramp of width 1/k centred at s
        return [k, k], [-k * s + 0.5, -k * s - 0.5], [1.0, -1.0]
    return [k], [-k * s], [1.0]


def step_network(
    position: float = 0.0, *, unit: str = "sigmoid", steepness: float = 10.0, height: float = 1.0
) -> MLP:
    """A 1-H-1 network whose output steps from 0 up to ``height`` at ``x = position``.

    Parameters
    ----------
    position
        The step position ``s = -b / w``.
    unit
        ``"step"``, ``"sigmoid"`` or ``"relu"`` (see the module conventions).
    steepness
        ``k > 0``: the hidden weight ``w = k`` and bias ``b = -k s``.
    height
        The output weight (the size of the step).

    Returns
    -------
    MLP
        ``H = 1`` hidden unit (``2`` for ReLU), activations ``[unit, "identity"]``.

    Examples
    --------
    >>> net = step_network(0.5, unit="step")
    >>> net.forward([[0.4], [0.6]]).ravel()
    array([0., 1.])
    """
    return bump_network([position, np.inf], [height], unit=unit, steepness=steepness)


def bump_network(
    edges: Sequence[float] | Array,
    heights: Sequence[float] | Array,
    *,
    unit: str = "step",
    steepness: float = 10.0,
    bias: float = 0.0,
) -> MLP:
    """A 1-H-1 network that is a sum of bumps (the lecture's universality construction).

    Parameters
    ----------
    edges
        Either ``n + 1`` increasing numbers ``e_0 < e_1 < ... < e_n`` (bump ``i`` covers
        ``[e_i, e_{i+1}]``: adjacent bumps) or an array of shape ``(n, 2)`` of
        ``(left, right)`` pairs (bumps anywhere, overlapping or not; a pair with
        ``left > right`` steps up at ``left`` and down at ``right``, which is a bump of
        height ``-h`` on ``[right, left]``). A right edge of ``inf`` gives a step that never
        comes down (its units are left out).
    heights
        ``n`` bump heights ``h_i`` (any sign).
    unit
        Hidden unit type: ``"step"``, ``"sigmoid"`` or ``"relu"``.
    steepness
        ``k > 0``, shared by every hidden unit (see the module conventions). A step unit's
        function does not depend on it, but its printed weights do.
    bias
        The output bias ``b^(2)`` (a constant added everywhere).

    Returns
    -------
    MLP
        Activations ``[unit, "identity"]``. Each bump contributes two hidden units (four for
        ReLU): ``W^(1)`` has shape ``(H, 1)``, ``b^(1)`` shape ``(H,)``, ``W^(2)`` shape
        ``(1, H)`` with entries ``+h_i, -h_i`` (``+h_i, -h_i, -h_i, +h_i`` for ReLU), and
        ``b^(2) = [bias]``.

    Raises
    ------
    ValueError
        If ``unit`` is unknown, ``steepness`` is not positive, a 1-D ``edges`` is not
        strictly increasing, a left edge is infinite, or ``heights`` has the wrong length.

    Examples
    --------
    The lecture's exercise, 1 on ``[1, 2]`` and 0 elsewhere, with hard thresholds:

    >>> net = bump_network([1, 2], [1], unit="step", steepness=1)
    >>> net.forward([[0.5], [1.5], [2.5]]).ravel()
    array([0., 1., 0.])
    """
    one_of(unit, UNITS, "unit")
    k = finite_number(steepness, "steepness")
    pairs = _edge_pairs(edges)
    h = as_float_array(heights, "heights").ravel()
    if h.size != len(pairs):
        raise ValueError(
            f"heights has {h.size} values but edges describe {len(pairs)} bumps (one height each)"
        )
    w1: list[float] = []
    b1: list[float] = []
    w2: list[float] = []
    for (left, right), hi in zip(pairs, h, strict=True):
        for pos, sign in ((left, 1.0), (right, -1.0)):
            if np.isinf(pos):
                continue  # a step that never comes down
            w, b, v = step_units(float(pos), k, unit)
            w1 += w
            b1 += b
            w2 += [sign * hi * vi for vi in v]
    W1 = np.array(w1).reshape(-1, 1)
    W2 = np.array(w2).reshape(1, -1)
    return MLP.from_params([(W1, np.array(b1)), (W2, np.array([float(bias)]))], [unit, "identity"])


def _edge_pairs(edges: Sequence[float] | Array) -> Array:
    """``(left, right)`` pairs ``(n, 2)`` from ``n + 1`` increasing edges or from pairs."""
    e = np.asarray(edges, dtype=float)
    if e.ndim == 1:
        if e.size < 2:
            raise ValueError(f"edges needs at least 2 numbers (one bump), got {e.tolist()}")
        if np.any(np.isnan(e)) or not np.all(np.diff(e) > 0):
            raise ValueError(f"edges must be strictly increasing, got {e.tolist()}")
        pairs = np.column_stack([e[:-1], e[1:]])
    elif e.ndim == 2 and e.shape[1] == 2:
        pairs = e
        if np.any(np.isnan(pairs)):
            raise ValueError(f"edges contains NaN: {e.tolist()}")
    else:
        raise ValueError(f"edges must have shape (n + 1,) or (n, 2), got shape {e.shape}")
    if np.any(np.isinf(pairs[:, 0])):
        raise ValueError("left edges must be finite (a right edge may be inf)")
    return pairs


def hidden_contributions(net: MLP, x: object) -> Array:
    """Each hidden unit's contribution ``W^(2)_{1j} h_j(x)`` to the output of a 1-H-1 net.

    Parameters
    ----------
    net
        A network with one input, one hidden layer and one output.
    x
        Input points, shape ``(B,)`` or ``(B, 1)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(B, H)``. Summing over the columns and adding ``b^(2)`` gives the output
        (when the output activation is the identity).
    """
    check_1h1(net)
    X = as_float_array(x, "x").reshape(-1, 1)
    H = net.hidden(X, 1)
    return H * net.linears[1].W[0]


def bump_layout(a: float, b: float, n_bumps: int) -> tuple[Array, Array]:
    """Centres and edges of ``n_bumps`` adjacent bumps covering ``[a, b]``.

    The centres are ``n_bumps`` equally spaced points from ``a`` to ``b`` (spacing
    ``w = (b - a) / (n_bumps - 1)``); bump ``i`` covers ``[c_i - w/2, c_i + w/2]``.

    Returns
    -------
    centres : numpy.ndarray
        Shape ``(n_bumps,)``.
    edges : numpy.ndarray
        Shape ``(n_bumps + 1,)``.
    """
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise ValueError(f"need finite a < b, got a={a!r}, b={b!r}")
    n_bumps = positive_int(n_bumps, "n_bumps", minimum=2)
    centres = np.linspace(a, b, n_bumps)
    w = (b - a) / (n_bumps - 1)
    return centres, np.concatenate([centres - w / 2, [centres[-1] + w / 2]])
