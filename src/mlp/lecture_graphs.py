"""The lecture's example computation graphs, built from :mod:`mlp.graph` nodes.

Each builder returns the output node and a dict of the named nodes, so a chapter can call
:func:`mlp.graph.backward` and read any error signal ``node.bar`` by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mlp._checks import one_of
from mlp.activations import log_softmax
from mlp.graph import Node, cos, exp, relu, sigmoid, square, tanh

__all__ = [
    "lecture_fxy_graph",
    "logistic_least_squares_graph",
    "mlp_scalar_graph",
    "multiclass_logistic_graph",
]


# ---- the univariate and multivariate examples ------------------------------------------


def logistic_least_squares_graph(
    w: float, b: float, x: float, t: float
) -> tuple[Node, dict[str, Node]]:
    """The lecture's univariate logistic least-squares model as a graph.

    ``z = w x + b``, ``y = sigma(z)``, ``L = 1/2 (y - t)^2``. After ``backward(L)``,
    ``w.bar = (sigma(wx+b) - t) sigma'(wx+b) x`` and ``b.bar = (sigma(wx+b) - t) sigma'(wx+b)``.

    Returns
    -------
    L : Node
        The loss.
    nodes : dict
        The named nodes ``w, b, x, t, wx, z, y, y-t, (y-t)^2, L``.
    """
    wn, bn, xn, tn = (Node(v, name=k) for k, v in (("w", w), ("b", b), ("x", x), ("t", t)))
    wx = (wn * xn).named("wx")
    z = (wx + bn).named("z")
    y = sigmoid(z).named("y")
    d = (y - tn).named("y-t")
    sq = square(d).named("(y-t)^2")
    L = (0.5 * sq).named("L")
    nodes = {"w": wn, "b": bn, "x": xn, "t": tn, "wx": wx, "z": z, "y": y, "y-t": d}
    return L, nodes | {"(y-t)^2": sq, "L": L}


def lecture_fxy_graph(t: float) -> tuple[Node, dict[str, Node]]:
    """The lecture's multivariate chain-rule example as a graph.

    ``x = cos t``, ``y = t^2``, ``f = y + e^{xy}``. After ``backward(f)``,
    ``t.bar = df/dt = y e^{xy} (-sin t) + (1 + x e^{xy}) 2t``: ``t`` forks into ``x`` and
    ``y``, and its bar is the sum of the two paths' terms.

    Returns
    -------
    f : Node
        The output.
    nodes : dict
        The named nodes ``t, x, y, xy, exp(xy), f``.
    """
    tn = Node(t, name="t")
    x = cos(tn).named("x")
    y = (tn**2).named("y")
    xy = (x * y).named("xy")
    e = exp(xy).named("exp(xy)")
    f = (y + e).named("f")
    return f, {"t": tn, "x": x, "y": y, "xy": xy, "exp(xy)": e, "f": f}


# ---- the lecture's MLP as a scalar graph --------------------------------------------------


def mlp_scalar_graph(
    x: Sequence[float],
    t: Sequence[float],
    W1: Any,
    b1: Any,
    W2: Any,
    b2: Any,
    activation: str = "sigmoid",
) -> tuple[Node, dict[str, Node]]:
    """The lecture's two-layer MLP on one example, with every weight a node.

    Forward pass (squared error, identity output, as in the lecture)::

        z_i = sum_j w1_ij x_j + b1_i      h_i = sigma(z_i)
        y_k = sum_i w2_ki h_i + b2_k      L = 1/2 sum_k (y_k - t_k)^2

    Each ``z_i`` and ``y_k`` is one node whose parents are its weights, its inputs and its
    bias, so after the backward pass ``w1_ij.bar = bar(z_i) x_j`` and
    ``h_i.bar = sum_k bar(y_k) w2_ki`` appear as single chain-rule steps.

    Parameters
    ----------
    x, t
        The input ``(N,)`` and target ``(K,)``.
    W1, b1, W2, b2
        Weights ``(H, N)``, ``(H,)``, ``(K, H)``, ``(K,)`` (the lecture's shapes).
    activation
        ``"sigmoid"``, ``"tanh"`` or ``"relu"`` for the hidden layer.

    Returns
    -------
    L : Node
        The loss.
    nodes : dict
        Nodes by name: ``x1 .. xN``, ``w1_ij``, ``b1_i``, ``z_i``, ``h_i``, ``w2_ki``,
        ``b2_k``, ``y_k`` (indices from 1, as in the lecture) and ``L``.
    """
    acts = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}
    one_of(activation, acts, "activation")
    x_a, t_a, layers = _check_shapes(x, t, [("W1", W1, "b1", b1), ("W2", W2, "b2", b2)])
    (W1_a, b1_a), (W2_a, b2_a) = layers
    nodes, xs = _input_nodes(x_a)
    zs = _affine_layer(W1_a, b1_a, xs, ("w1_", "b1_", "z"), nodes)
    hs = [acts[activation](z).named(f"h{i + 1}") for i, z in enumerate(zs)]
    nodes.update({h.name: h for h in hs})
    ys = _affine_layer(W2_a, b2_a, hs, ("w2_", "b2_", "y"), nodes)
    # L = 1/2 sum_k (y_k - t_k)^2;  dL/dy_k = y_k - t_k
    diffs = [y.value - float(tk) for y, tk in zip(ys, t_a, strict=True)]
    L = Node(
        0.5 * sum(d * d for d in diffs),
        tuple(ys),
        "½Σ(y-t)²",
        name="L",
        local=tuple(diffs),
        rules=tuple(f"{y.name} - t{k + 1}" for k, y in enumerate(ys)),
    )
    nodes["L"] = L
    return L, nodes


def _check_shapes(
    x: Sequence[float], t: Sequence[float], layers: list[tuple[str, Any, str, Any]]
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """``x``, ``t`` and each layer's ``(W, b)`` as float arrays, their shapes checked.

    ``layers`` lists ``(W name, W, b name, b)``; each ``W`` must take the previous layer's
    outputs (``x`` for the first), and the last must have one output per entry of ``t``.
    The graphs are drawn node by node, so at most 9 units a layer are allowed.
    """
    x_a, t_a = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    if x_a.ndim != 1 or t_a.ndim != 1:
        raise ValueError(f"x and t must be 1-D, got shapes {x_a.shape} and {t_a.shape}")
    n_prev, out = x_a.shape[0], []
    for k, (wname, W, bname, b) in enumerate(layers):
        W_a, b_a = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
        last = k == len(layers) - 1
        n = t_a.shape[0] if last else (W_a.shape[0] if W_a.ndim == 2 else 0)
        if W_a.shape != (n, n_prev):
            need = f"({n}, {n_prev})" if last else f"(H, {n_prev})"
            raise ValueError(f"{wname} has shape {W_a.shape}: need {need}")
        if b_a.shape != (n,):
            raise ValueError(f"{bname} has shape {b_a.shape} but {wname} has {n} rows: need ({n},)")
        out.append((W_a, b_a))
        n_prev = n
    if max(x_a.shape[0], *(W_a.shape[0] for W_a, _ in out)) > 9:
        raise ValueError("these graphs are for small teaching examples (at most 9 units a layer)")
    return x_a, t_a, out


def _input_nodes(x: np.ndarray) -> tuple[dict[str, Node], list[Node]]:
    """The input nodes ``x1, x2, ...`` and a dict of named nodes holding them."""
    xs = [Node(float(v), name=f"x{j + 1}") for j, v in enumerate(x)]
    return {n.name: n for n in xs}, xs


def _affine(ws: list[Node], xs: list[Node], b: Node, name: str) -> Node:
    # v = sum_j w_j x_j + b;  dv/dw_j = x_j,  dv/dx_j = w_j,  dv/db = 1
    value = sum(w.value * x.value for w, x in zip(ws, xs, strict=True)) + b.value
    parents = (*ws, *xs, b)
    local = (*(x.value for x in xs), *(w.value for w in ws), 1.0)
    rules = (*(x.name for x in xs), *(w.name for w in ws), "1")
    return Node(value, parents, "Σ", name=name, local=local, rules=rules)


def _affine_layer(
    W: np.ndarray, b: np.ndarray, inputs: list[Node], names: tuple[str, str, str], nodes: dict
) -> list[Node]:
    """One node per output ``k``: ``sum_j W[k, j] inputs[j] + b[k]``, every weight a node.

    ``names = (w, b, out)`` are the name prefixes, e.g. ``("w1_", "b1_", "z")`` gives
    ``w1_11, b1_1, z1``; every node made is added to ``nodes`` by name.
    """
    wname, bname, outname = names
    outs = []
    for k in range(W.shape[0]):
        ws = [Node(float(W[k, j]), name=f"{wname}{k + 1}{j + 1}") for j in range(W.shape[1])]
        bk = Node(float(b[k]), name=f"{bname}{k + 1}")
        out = _affine(ws, inputs, bk, f"{outname}{k + 1}")
        nodes.update({n.name: n for n in (*ws, bk, out)})
        outs.append(out)
    return outs


def multiclass_logistic_graph(
    x: Sequence[float], t: Sequence[float], W: Any, b: Any
) -> tuple[Node, dict[str, Node]]:
    """Multiclass logistic regression on one example, as a graph that fans out.

    ``z_k = sum_j w_kj x_j + b_k``, ``y = softmax(z)``, ``L = -sum_k t_k log y_k``.
    Every ``y_k`` depends on *every* ``z_j`` (through the softmax's denominator), so a
    weight such as ``w_11`` reaches the loss along ``K`` paths
    ``w_11 -> z_1 -> y_k -> L``, and ``bar(z_1) = sum_k bar(y_k) dy_k/dz_1``.

    Parameters
    ----------
    x
        The input ``(N,)``.
    t
        The target distribution ``(K,)``: one-hot, or any probabilities summing to 1.
    W, b
        Weights ``(K, N)`` and biases ``(K,)``.

    Returns
    -------
    L : Node
        The loss.
    nodes : dict
        Nodes by name: ``x1 ..``, ``w11 ..`` (``w_kj`` as ``"w" + k + j``), ``b1 ..``,
        ``z1 ..``, ``y1 ..`` and ``L``.
    """
    x_a, t_a, [(W_a, b_a)] = _check_shapes(x, t, [("W", W, "b", b)])
    if np.any(t_a < 0) or not np.isclose(t_a.sum(), 1.0):
        raise ValueError(f"t must be probabilities summing to 1, got {t_a.tolist()}")
    nodes, xs = _input_nodes(x_a)
    zs = _affine_layer(W_a, b_a, xs, ("w", "b", "z"), nodes)
    logy = log_softmax(np.array([z.value for z in zs]))
    y = np.exp(logy)
    K, ys = len(zs), []
    for k in range(K):
        # y_k = softmax(z)_k;  dy_k/dz_j = y_k (1[k = j] - y_j)
        local = tuple(float(y[k] * ((k == j) - y[j])) for j in range(K))
        rules = tuple(
            f"y{k + 1}(1-y{k + 1})" if j == k else f"-y{k + 1} y{j + 1}" for j in range(K)
        )
        yk = Node(float(y[k]), tuple(zs), "softmax", name=f"y{k + 1}", local=local, rules=rules)
        nodes[yk.name] = yk
        ys.append(yk)
    # L = -sum_k t_k log y_k;  dL/dy_k = -t_k / y_k
    L = Node(
        float(-np.sum(t_a * logy)),
        tuple(ys),
        "-Σ t log y",
        name="L",
        local=tuple(float(-t_a[k] / y[k]) for k in range(K)),
        rules=tuple(f"-t{k + 1}/y{k + 1}" for k in range(K)),
    )
    nodes["L"] = L
    return L, nodes
