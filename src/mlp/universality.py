"""Expressive power by construction: steps, bumps, towers, Boolean functions, approximation.

Every builder here returns an ordinary :class:`mlp.network.MLP`, so a construction can be
printed (``net.describe()``), evaluated (``net.forward(X)``) and rebuilt from source
(``net.to_code()``) like any trained network.

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
Towers (two inputs)
    :func:`towers_network` adds a second hidden layer: a wall along ``x_1`` plus a wall along
    ``x_2`` is 2 on their crossing, 1 on the arms and 0 elsewhere, and a second-layer step at
    1.5 keeps the crossing (two hidden layers, activations ``[unit, unit, "identity"]``).
Boolean truth tables
    A function of ``D`` binary inputs is given by its ``2**D`` outputs, listed in the order
    of :func:`binary_inputs`: row ``i`` holds the bits of ``i`` with ``x_1`` the most
    significant, so for ``D = 2`` the order is (0,0), (0,1), (1,0), (1,1), as in
    :func:`mlp.datasets.xor_data`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mlp._checks import as_float_array
from mlp.network import MLP

Array = np.ndarray

UNITS = ("step", "sigmoid", "relu")
"""The hidden unit types a bump network can be built from."""

UNITS_PER_STEP = {"step": 1, "sigmoid": 1, "relu": 2}
"""Hidden units needed for one step (a bump needs twice as many)."""

__all__ = [
    "UNITS",
    "UNITS_PER_STEP",
    "approximate_function",
    "approximate_function_2d",
    "binary_inputs",
    "boolean_function_network",
    "bump_layout",
    "bump_network",
    "fit_heights",
    "hidden_contributions",
    "indicator_l1_error",
    "soften",
    "step_network",
    "sup_error",
    "towers_network",
    "xor_network",
]


# ---- checks --------------------------------------------------------------------------------


def _check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    return unit


def _check_steepness(steepness: float, name: str = "steepness") -> float:
    if isinstance(steepness, bool) or not isinstance(steepness, int | float | np.number):
        raise TypeError(f"{name} must be a positive number, got {steepness!r}")
    k = float(steepness)
    if not np.isfinite(k) or k <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {steepness!r}")
    return k


def _check_1d_input(net: MLP, name: str = "net") -> None:
    if net.n_in != 1 or net.n_out != 1 or len(net.linears) != 2:
        raise ValueError(
            f"{name} must be a 1-H-1 network (one hidden layer, scalar input and output), "
            f"got sizes {net.sizes}"
        )


# ---- steps and bumps -----------------------------------------------------------------------


def _step_units(s: float, k: float, unit: str) -> tuple[list[float], list[float], list[float]]:
    """Weights, biases and output weights of the hidden units making one unit step at ``s``."""
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
    _check_unit(unit)
    k = _check_steepness(steepness)
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
                continue
            w, b, v = _step_units(float(pos), k, unit)
            w1 += w
            b1 += b
            w2 += [sign * hi * vi for vi in v]
    W1 = np.array(w1).reshape(-1, 1)
    W2 = np.array(w2).reshape(1, -1)
    return MLP.from_params([(W1, np.array(b1)), (W2, np.array([float(bias)]))], [unit, "identity"])


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
    _check_1d_input(net)
    X = as_float_array(x, "x").reshape(-1, 1)
    H = net.hidden(X, 1)
    return H * net.linears[1].W[0]


# ---- the XOR network and softening thresholds into sigmoids --------------------------------


def xor_network() -> MLP:
    """The lecture's hand-designed XOR network with hard thresholds.

    ``h_1 = I[x_1 + x_2 - 0.5 > 0]`` (OR), ``h_2 = I[x_1 + x_2 - 1.5 > 0]`` (AND),
    ``y = I[h_1 - h_2 - 0.5 > 0]`` (OR and not AND, which is XOR).

    Examples
    --------
    >>> xor_network().forward([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel()
    array([0., 1., 1., 0.])
    """
    return MLP.from_params(
        [
            (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5])),
            (np.array([[1.0, -1.0]]), np.array([-0.5])),
        ],
        ["step", "step"],
    )


def soften(net: MLP, k: float) -> MLP:
    """Replace every hard-threshold layer by a sigmoid layer with weights and biases times ``k``.

    Because ``sigma(k z) -> I[z > 0]`` as ``k -> inf`` for every ``z != 0``, the softened
    network converges to ``net`` on every input where no threshold unit sits exactly at
    ``z = 0``. Layers with other activations are copied unchanged.

    Parameters
    ----------
    net
        Any :class:`~mlp.network.MLP`.
    k
        The scale ``k > 0``.

    Returns
    -------
    MLP
        A new network (``net`` is not modified).
    """
    k = _check_steepness(k, "k")
    params = []
    acts = []
    for (W, b), act in zip(net.params(), net.activations, strict=True):
        scale = k if act == "step" else 1.0
        params.append((W * scale, b * scale))
        acts.append("sigmoid" if act == "step" else act)
    return MLP.from_params(params, acts, dtype=net.dtype)


# ---- Boolean functions ---------------------------------------------------------------------


def binary_inputs(D: int) -> Array:
    """All ``2**D`` binary input vectors, shape ``(2**D, D)``; row ``i`` is ``i`` in binary.

    ``x_1`` is the most significant bit, so ``binary_inputs(2)`` is
    ``[[0, 0], [0, 1], [1, 0], [1, 1]]``.
    """
    if isinstance(D, bool) or not isinstance(D, int | np.integer) or D < 1:
        raise ValueError(f"D must be a positive integer, got {D!r}")
    if D > 20:
        raise ValueError(f"D = {D} would need 2**{D} rows; use D <= 20")
    i = np.arange(2**D)[:, None]
    return ((i >> np.arange(D - 1, -1, -1)) & 1).astype(float)


def boolean_function_network(
    truth_table: Sequence[float] | Array, *, output: str = "identity", prune: bool = False
) -> MLP:
    """The lecture's ``2**D``-hidden-unit network computing any function of ``D`` binary inputs.

    Hidden unit ``j`` responds to exactly one input pattern ``p`` (row ``j`` of
    :func:`binary_inputs`): its weights are ``+1`` where ``p_i = 1`` and ``-1`` where
    ``p_i = 0``, its bias is ``0.5 - sum(p)``, so its pre-activation is ``0.5`` at ``x = p``
    and at most ``-0.5`` at every other binary input. The output adds the table's values of
    the units that fire.

    Parameters
    ----------
    truth_table
        The ``2**D`` outputs ``t(p)``, in the order of :func:`binary_inputs`. With
        ``output="identity"`` they may be any real numbers.
    output
        ``"identity"`` (linear output, ``y = sum_p t(p) h_p``, the lecture's choice) or
        ``"step"`` (``y = I[sum_p t(p) h_p - 0.5 > 0]``, needs a 0/1 table).
    prune
        If True, keep only the units of patterns with ``t(p) != 0`` (at least one unit).

    Returns
    -------
    MLP
        Sizes ``[D, 2**D, 1]`` (fewer units if pruned), activations ``["step", output]``.

    Examples
    --------
    >>> net = boolean_function_network([0, 1, 1, 0])  # XOR
    >>> net.sizes
    [2, 4, 1]
    >>> net.forward(binary_inputs(2)).ravel()
    array([0., 1., 1., 0.])
    """
    t = as_float_array(truth_table, "truth_table").ravel()
    n = t.size
    D = int(round(np.log2(n))) if n > 0 else 0
    if n < 2 or 2**D != n:
        raise ValueError(f"truth_table must have 2**D entries (D >= 1), got {n}")
    if output not in ("identity", "step"):
        raise ValueError(f"output must be 'identity' or 'step', got {output!r}")
    if output == "step" and not np.all((t == 0) | (t == 1)):
        raise ValueError("output='step' needs a truth_table of zeros and ones")
    P = binary_inputs(D)
    keep = np.flatnonzero(t != 0) if prune else np.arange(n)
    if keep.size == 0:
        keep = np.array([0])
    P = P[keep]
    W1 = 2 * P - 1
    b1 = 0.5 - P.sum(axis=1)
    W2 = t[keep][None, :]
    b2 = np.array([-0.5 if output == "step" else 0.0])
    return MLP.from_params([(W1, b1), (W2, b2)], ["step", output])


# ---- approximating functions with bumps ----------------------------------------------------


def sup_error(
    net: MLP, f: Callable[[Array], Array], a: float, b: float, *, n_eval: int = 2001
) -> float:
    """The largest ``|net(x) - f(x)|`` over ``n_eval`` equally spaced points of ``[a, b]``."""
    _check_1d_input(net)
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
    _check_1d_input(net)
    if net.activations[1] != "identity":
        raise ValueError("fit_heights needs a linear ('identity') output layer")
    x = np.linspace(a, b, n_fit)[:, None]
    H = net.hidden(x, 1)
    A = np.column_stack([H, np.ones(len(x))])
    coef, *_ = np.linalg.lstsq(A, np.asarray(f(x[:, 0]), dtype=float), rcond=None)
    (W1, b1), _ = net.params()
    return MLP.from_params([(W1, b1), (coef[None, :-1], coef[-1:])], net.activations)


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
    if isinstance(n_bumps, bool) or not isinstance(n_bumps, int | np.integer) or n_bumps < 2:
        raise ValueError(f"n_bumps must be an integer >= 2, got {n_bumps!r}")
    centres = np.linspace(a, b, int(n_bumps))
    w = (b - a) / (n_bumps - 1)
    return centres, np.concatenate([centres - w / 2, [centres[-1] + w / 2]])


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
    _check_unit(unit)
    if heights not in ("sample", "lstsq"):
        raise ValueError(f"heights must be 'sample' or 'lstsq', got {heights!r}")
    centres, edges = bump_layout(a, b, n_bumps)
    w = centres[1] - centres[0]
    k = 20.0 / w if steepness is None else _check_steepness(steepness)
    h = np.asarray(f(centres), dtype=float)
    if heights == "lstsq":
        h = _fit_bump_heights(edges, unit, k, f, a, b)
    net = bump_network(edges, h, unit=unit, steepness=k)
    return net, sup_error(net, f, a, b, n_eval=n_eval)


def _fit_bump_heights(
    edges: Array, unit: str, k: float, f: Callable[[Array], Array], a: float, b: float
) -> Array:
    """Least-squares bump heights on 2001 points of ``[a, b]`` (each bump keeps its shape)."""
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
    _check_unit(unit)
    k = _check_steepness(steepness)
    if unit == "step":
        return 0.0
    if unit == "sigmoid":
        return float(4 * (np.log(2) - np.log1p(np.exp(-k))) / k)
    if k < 1:
        raise ValueError(f"the ReLU formula needs steepness >= 1 (ramps apart), got {k}")
    return 1 / (2 * k)


# ---- two inputs: towers --------------------------------------------------------------------


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
    _check_unit(unit)
    k = _check_steepness(steepness)
    k2 = (
        {"step": 1.0, "sigmoid": 20.0, "relu": 2.0}[unit]
        if steepness2 is None
        else _check_steepness(steepness2, "steepness2")
    )
    edges = []
    for name, e in (("x_edges", x_edges), ("y_edges", y_edges)):
        arr = as_float_array(e, name).ravel()
        if arr.size < 2 or not np.all(np.diff(arr) > 0):
            raise ValueError(f"{name} must be at least 2 strictly increasing numbers")
        edges.append(arr)
    xe, ye = edges
    H = as_float_array(heights, "heights")
    if H.shape != (xe.size - 1, ye.size - 1):
        raise ValueError(
            f"heights has shape {H.shape} but the edges make a grid of "
            f"{(xe.size - 1, ye.size - 1)} rectangles"
        )
    # layer 1: a step at every edge; coef[a][i] maps layer-1 units to step i along axis a
    W1_rows: list[list[float]] = []
    b1: list[float] = []
    coef: list[list[tuple[int, Array]]] = [[], []]
    for axis, axis_edges in enumerate((xe, ye)):
        for e in axis_edges:
            w, b, v = _step_units(float(e), k, unit)
            start = len(b1)
            for wi, bi in zip(w, b, strict=True):
                row = [0.0, 0.0]
                row[axis] = wi
                W1_rows.append(row)
                b1.append(bi)
            coef[axis].append((start, np.array(v)))
    n1 = len(b1)

    def step_vector(axis: int, i: int) -> Array:
        start, v = coef[axis][i]
        out = np.zeros(n1)
        out[start : start + v.size] = v
        return out

    # layer 2: for every rectangle, a step of s_ij at 1.5; output: heights
    w2, b2, v2 = _step_units(1.5, k2, unit)
    W2_rows, b2_all, W3 = [], [], []
    for i in range(xe.size - 1):
        for j in range(ye.size - 1):
            s = (
                step_vector(0, i)
                - step_vector(0, i + 1)
                + step_vector(1, j)
                - step_vector(1, j + 1)
            )
            for wi, bi, vi in zip(w2, b2, v2, strict=True):
                W2_rows.append(wi * s)
                b2_all.append(bi)
                W3.append(H[i, j] * vi)
    return MLP.from_params(
        [
            (np.array(W1_rows), np.array(b1)),
            (np.array(W2_rows), np.array(b2_all)),
            (np.array(W3)[None, :], np.array([0.0])),
        ],
        [unit, unit, "identity"],
    )


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
    :func:`bump_layout` along each axis). ``steepness`` defaults to ``20 / w``.

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
        The network (:func:`towers_network`) and its error.
    """
    if metric not in ("sup", "mean"):
        raise ValueError(f"metric must be 'sup' or 'mean', got {metric!r}")
    centres, edges = bump_layout(0.0, 1.0, n)
    w = centres[1] - centres[0]
    k = 20.0 / w if steepness is None else _check_steepness(steepness)
    c1, c2 = np.meshgrid(centres, centres, indexing="ij")
    net = towers_network(edges, edges, np.asarray(f(c1, c2), dtype=float), unit=unit, steepness=k)
    g = np.linspace(0.0, 1.0, n_eval)
    g1, g2 = np.meshgrid(g, g, indexing="ij")
    y = net.forward(np.column_stack([g1.ravel(), g2.ravel()]))[:, 0]
    gap = np.abs(y - np.asarray(f(g1, g2), dtype=float).ravel())
    return net, float(gap.max() if metric == "sup" else gap.mean())
