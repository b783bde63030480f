"""Figures for the lecture: decision regions, activations, loss curves, network diagrams.

Every function draws on a given matplotlib Axes (or makes a new figure), gives it a
title and labelled axes, and returns the Axes (:func:`plot_linear_classifier` returns its
count of correct points); none calls ``plt.show()``. Predictions come from the core
(:mod:`mlp.linear_models`, :class:`mlp.network.MLP`), never from formulas written here.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import mlp
>>> X, t = mlp.xor_data()
>>> plot_linear_classifier([1.0, 1.0], -0.5, X, t, mark_errors=True)
3
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mlp._checks import as_float_array
from mlp.activations import get_activation
from mlp.linear_models import linear_predict

Array = np.ndarray
Limits = tuple[float, float, float, float]

__all__ = [
    "CLASS_COLOURS",
    "check_points",
    "draw_network",
    "new_axes",
    "plot_activation",
    "plot_decision_regions",
    "plot_history",
    "plot_linear_classifier",
    "scatter_classes",
]

CLASS_COLOURS = (
    "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf".split()
)
"""One colour per class label (class 0 blue, class 1 red, ...), shared by every figure."""

_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]


def new_axes(ax: Any = None, figsize: tuple[float, float] = (5.0, 4.0)) -> Any:
    """``ax`` itself, or the Axes of a new (pyplot) figure of size ``figsize``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def check_points(X: object, t: object) -> tuple[Array, Array]:
    """Validate 2-D points ``X`` of shape ``(n, 2)`` and integer labels ``t`` of shape ``(n,)``.

    Raises
    ------
    ValueError
        Naming ``X`` or ``t`` when a shape is wrong.
    """
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) (2-D points), got shape {X.shape}")
    t = np.asarray(t)
    if t.shape != (X.shape[0],):
        raise ValueError(f"X has shape {X.shape} but t has shape {t.shape}: need ({X.shape[0]},)")
    return X, t.astype(np.int64)


def scatter_classes(ax: Any, X: Array, t: Array, size: float = 28, prefix: str = "class") -> None:
    """Plot points ``X`` coloured and shaped by their label ``t``, one legend entry per class."""
    for k in np.unique(t):
        m = t == k
        ax.scatter(
            X[m, 0], X[m, 1], s=size, c=CLASS_COLOURS[int(k) % 10], marker=_MARKERS[int(k) % 10],
            edgecolors="k", linewidths=0.5, label=f"{prefix} {int(k)}", zorder=3,
        )  # fmt: skip


def _limits(X: Array, margin: float, limits: Limits | None) -> tuple[Array, Array]:
    if limits is None:
        return X.min(axis=0) - margin, X.max(axis=0) + margin
    x0, x1, y0, y1 = (float(v) for v in limits)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"limits must be (xmin, xmax, ymin, ymax) with min < max, got {limits}")
    return np.array([x0, y0]), np.array([x1, y1])


def plot_decision_regions(
    predict_fn: Callable[[Array], Array],
    X: object,
    t: object,
    ax: Any = None,
    resolution: int = 200,
    title: str = "Decision regions",
    margin: float = 0.5,
    limits: Limits | None = None,
    size: float = 28,
) -> Any:
    """Shade the plane by predicted class and plot the labelled points on top.

    Parameters
    ----------
    predict_fn
        Maps points ``(m, 2)`` to integer class labels ``(m,)`` (e.g. ``net.predict``).
    X, t
        Points ``(n, 2)`` and their integer labels ``(n,)``.
    ax
        Axes to draw on; a new figure if None.
    resolution
        Grid points per axis.
    title
        Axes title.
    margin
        Extra space around the points.
    limits
        ``(xmin, xmax, ymin, ymax)`` of the shaded square, instead of the points' range
        plus ``margin``.
    size
        Marker size of the points.
    """
    X, t = check_points(X, t)
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    from matplotlib.colors import ListedColormap

    ax = new_axes(ax)
    lo, hi = _limits(X, margin, limits)
    g0, g1 = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    pred = np.asarray(predict_fn(grid)).reshape(-1)
    if pred.shape[0] != grid.shape[0]:
        raise ValueError(
            f"predict_fn returned {pred.shape[0]} labels for {grid.shape[0]} grid points"
        )
    K = int(max(pred.max(), t.max())) + 1
    cmap = ListedColormap(CLASS_COLOURS[:K] if K <= 10 else CLASS_COLOURS)
    ax.imshow(
        pred.reshape(g0.shape), extent=(lo[0], hi[0], lo[1], hi[1]), origin="lower",
        cmap=cmap, vmin=-0.5, vmax=K - 0.5, alpha=0.25, interpolation="nearest", aspect="auto",
    )  # fmt: skip
    scatter_classes(ax, X, t, size=size)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_activation(name: str, ax: Any = None, z_range: tuple[float, float] = (-5.0, 5.0)) -> Any:
    """Plot an activation function ``f`` and its derivative ``f'``."""
    f, fp = get_activation(name)
    ax = new_axes(ax)
    z = np.linspace(z_range[0], z_range[1], 401)
    ax.plot(z, f(z), lw=2, label=f"{name}(z)")
    ax.plot(z, fp(z), lw=2, ls="--", label=f"{name}'(z)")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("pre-activation z")
    ax.set_ylabel("value")
    ax.set_title(f"Activation: {name} and its derivative")
    ax.legend(loc="best")
    return ax


def plot_history(history: Any, ax: Any = None) -> Any:
    """Plot the training (and validation) loss per epoch of a :class:`mlp.train.History`.

    Accuracy, when recorded, goes on a second y-axis.
    """
    ax = new_axes(ax)
    if not history.epoch:
        raise ValueError("history is empty: train for at least one epoch")
    ax.plot(history.epoch, history.loss, "-o", ms=3, label="training loss")
    if history.val_loss:
        ax.plot(history.epoch, history.val_loss, "-s", ms=3, label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("Training curves")
    lines, labels = ax.get_legend_handles_labels()
    acc = np.asarray(history.accuracy, dtype=float)
    if acc.size and np.all(np.isfinite(acc)):
        ax2 = ax.twinx()
        ax2.plot(history.epoch, acc, ":", color="C2", label="training accuracy")
        if history.val_accuracy:
            ax2.plot(
                history.epoch, history.val_accuracy, ":", color="C3", label="validation accuracy"
            )
        ax2.set_ylabel("accuracy")
        ax2.set_ylim(0, 1.02)
        l2, lab2 = ax2.get_legend_handles_labels()
        lines, labels = lines + l2, labels + lab2
    ax.legend(lines, labels, loc="center right", fontsize=8)
    return ax


# ---- network diagrams ---------------------------------------------------------------------


def _network_params(net_or_params: Any) -> list[tuple[Array, Array]]:
    if hasattr(net_or_params, "params"):
        return net_or_params.params()
    params = [
        (as_float_array(W, f"W{i}"), as_float_array(b, f"b{i}"))
        for i, (W, b) in enumerate(net_or_params, start=1)
    ]
    if not params:
        raise ValueError("net_or_params has no layers")
    return params


def _unit_positions(sizes: list[int]) -> list[list[tuple[float, float]]]:
    """``(x, y)`` of every unit, layer by layer, top to bottom (squeezed when a layer is big)."""
    squeeze = 30.0 / max(sizes) if max(sizes) > 30 else 1.0
    pos = []
    for li, n in enumerate(sizes):
        ys = np.linspace(-(n - 1) / 2, (n - 1) / 2, n) if n > 1 else np.zeros(1)
        pos.append([(float(li), float(y)) for y in ys[::-1] * squeeze])
    return pos


def _draw_edges(ax: Any, params: list, pos: list, label_edges: bool) -> None:
    from matplotlib.collections import LineCollection

    wmax = max(float(np.max(np.abs(W))) for W, _ in params) or 1.0
    for li, (W, _b) in enumerate(params):
        segs, colours, widths = [], [], []
        for j in range(W.shape[0]):
            for i in range(W.shape[1]):
                (x0, y0), (x1, y1) = pos[li][i], pos[li + 1][j]
                w = float(W[j, i])
                segs.append([(x0, y0), (x1, y1)])
                colours.append("#1f77b4" if w >= 0 else "#d62728")
                widths.append(0.3 + 3.0 * abs(w) / wmax)
                if label_edges:
                    fx = 0.3 if W.shape[0] > 1 else 0.5
                    ax.text(
                        x0 + fx * (x1 - x0), y0 + fx * (y1 - y0), f"{w:.3g}", fontsize=7,
                        ha="center", va="center", zorder=4,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
                    )  # fmt: skip
        ax.add_collection(
            LineCollection(segs, colors=colours, linewidths=widths, alpha=0.8, zorder=1)
        )


def _draw_units(ax: Any, params: list, pos: list, show_biases: bool) -> None:
    from matplotlib.patches import Ellipse

    r = 0.05 if max(len(layer) for layer in pos) > 30 else 0.12
    for li, layer in enumerate(pos):
        face = "#d9ecff" if li == 0 else ("#ffe8cc" if li == len(pos) - 1 else "#eeeeee")
        for ui, (x, y) in enumerate(layer):
            ax.add_patch(Ellipse((x, y), 2 * r, 4.4 * r, facecolor=face, edgecolor="0.2", zorder=3))
            if show_biases and li > 0:
                bias = params[li - 1][1][ui]
                ax.text(x + 1.6 * r, y + r, f"b={bias:.3g}", fontsize=7, va="bottom", zorder=5)


def _label_layers(ax: Any, sizes: list[int], pos: list, activations: Sequence[str] | None) -> None:
    names = ["input"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
    ymin = min(y for layer in pos for _, y in layer)
    for li, n in enumerate(sizes):
        text = f"{names[li]}\n{n} units"
        if activations is not None and li > 0:
            text += f"\n{activations[li - 1]}"
        ax.text(li, ymin - 0.6, text, ha="center", va="top", fontsize=8)
    last = len(sizes) - 1
    ticks = ["$x$"] + [f"$h^{{({k})}}$" for k in range(1, last)] + ["$y$"]
    ax.set(xlim=(-0.5, last + 0.5), ylim=(ymin - 1.6, -ymin + 0.6), aspect="auto", yticks=[])
    ax.set_xticks(range(len(sizes)), ticks)
    ax.set_xlabel("layer")
    ax.set_ylabel("units")


def draw_network(
    net_or_params: Any,
    ax: Any = None,
    show_weights: bool = True,
    activations: Sequence[str] | None = None,
    title: str | None = None,
) -> Any:
    """Draw a network as layers of units joined by weighted edges.

    Edge colour is the weight's sign (blue positive, red negative) and thickness its size;
    with ``show_weights`` and few edges, the values are written on the edges and the
    biases next to the units.

    Parameters
    ----------
    net_or_params
        An :class:`mlp.network.MLP` or a list ``[(W1, b1), (W2, b2), ...]``.
    ax
        Axes to draw on; a new figure if None.
    show_weights
        Label edges with weights (only when there are at most 40 edges, to stay readable)
        and units with biases (only when no layer has more than 30 units).
    activations
        Activation names, shown under each layer (taken from the MLP if given one).
    title
        Axes title.
    """
    params = _network_params(net_or_params)
    if hasattr(net_or_params, "activations"):
        activations = activations or net_or_params.activations
    sizes = [params[0][0].shape[1]] + [W.shape[0] for W, _ in params]
    ax = new_axes(ax, figsize=(1.8 * len(sizes) + 1, max(3.0, 0.6 * max(sizes) + 1)))
    pos = _unit_positions(sizes)
    n_edges = sum(W.size for W, _ in params)
    _draw_edges(ax, params, pos, label_edges=show_weights and n_edges <= 40)
    _draw_units(ax, params, pos, show_biases=show_weights and max(sizes) <= 30)
    _label_layers(ax, sizes, pos, activations)
    ax.set_title(title or "Network " + "-".join(map(str, sizes)) + " (blue > 0, red < 0)")
    return ax


# ---- a linear classifier ------------------------------------------------------------------


def _boundary_line(ax: Any, w: Array, b: float, lo: Array, hi: Array, label: str) -> None:
    """The line ``w^T x + b = 0`` across the box ``lo..hi`` (nothing when ``w = 0``)."""
    if abs(w[1]) >= abs(w[0]) and w[1] != 0:
        xs = np.array([lo[0], hi[0]])
        ax.plot(xs, -(w[0] * xs + b) / w[1], "k-", lw=2, label=label)
    elif w[0] != 0:
        ys = np.array([lo[1], hi[1]])
        ax.plot(-(w[1] * ys + b) / w[0], ys, "k-", lw=2, label=label)


def plot_linear_classifier(
    w: object,
    b: float,
    X: object,
    t: object,
    ax: Any = None,
    title: str | None = None,
    *,
    limits: Limits | None = None,
    mark_errors: bool = False,
    resolution: int = 200,
    size: float = 28,
) -> int:
    """Draw a linear classifier ``y = I[w^T x + b > 0]`` on 2-D points.

    Shades the half-plane predicted as class 1 (red) and class 0 (blue), draws the decision
    line ``w^T x + b = 0`` and plots the points (labels 0/1).

    Parameters
    ----------
    w, b
        Weights (2 entries) and bias.
    X, t
        Points ``(n, 2)`` and their labels ``(n,)``.
    ax
        Axes to draw on; a new figure if None.
    title
        Axes title (default: the count of correct points).
    limits
        ``(xmin, xmax, ymin, ymax)`` of the picture (default: the points plus 0.5).
    mark_errors
        Ring the misclassified points in black.
    resolution, size
        Grid points per axis of the shading; marker size of the points.

    Returns
    -------
    int
        The number of correctly classified points.
    """
    w = as_float_array(w, "w").reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"w must have 2 entries for 2-D points, got shape {w.shape}")
    b = float(b)
    X, t = check_points(X, t)
    pred = linear_predict(X, w, b)
    correct = int(np.sum(pred == t))
    title = title or f"Linear classifier: {correct}/{len(t)} correct"
    ax = plot_decision_regions(
        lambda P: linear_predict(P, w, b), X, t, ax, resolution, title, limits=limits, size=size
    )
    lo, hi = _limits(X, 0.5, limits)
    _boundary_line(ax, w, b, lo, hi, label="$w^T x + b = 0$")
    if mark_errors and np.any(pred != t):
        wrong = X[pred != t]
        ax.scatter(
            wrong[:, 0], wrong[:, 1], s=4 * size + 200, facecolors="none", edgecolors="k",
            linewidths=2, zorder=4, label="misclassified",
        )  # fmt: skip
    ax.legend(loc="best", fontsize=8, markerscale=min(1.0, (40 / size) ** 0.5))
    return correct
