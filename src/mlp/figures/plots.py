"""Figures for the lecture: decision regions, activations, loss curves, network diagrams.

Every function draws on a given matplotlib Axes (or makes a new figure), gives it a
title and labelled axes, and returns the Axes; none calls ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mlp._checks import as_float_array
from mlp.activations import get_activation

Array = np.ndarray

__all__ = [
    "draw_network",
    "plot_activation",
    "plot_decision_regions",
    "plot_history",
    "plot_linear_classifier",
]

_CLASS_COLOURS = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]


def _axes(ax: Any, figsize: tuple[float, float] = (5.0, 4.0)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _check_points(X: object, t: object) -> tuple[Array, Array]:
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) (2-D points), got shape {X.shape}")
    t = np.asarray(t)
    if t.shape != (X.shape[0],):
        raise ValueError(f"X has shape {X.shape} but t has shape {t.shape}: need ({X.shape[0]},)")
    return X, t.astype(np.int64)


def _scatter_classes(ax: Any, X: Array, t: Array) -> None:
    markers = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
    for k in np.unique(t):
        m = t == k
        ax.scatter(
            X[m, 0],
            X[m, 1],
            s=28,
            c=_CLASS_COLOURS[int(k) % 10],
            marker=markers[int(k) % 10],
            edgecolors="k",
            linewidths=0.5,
            label=f"class {int(k)}",
            zorder=3,
        )


def plot_decision_regions(
    predict_fn: Callable[[Array], Array],
    X: object,
    t: object,
    ax: Any = None,
    resolution: int = 200,
    title: str = "Decision regions",
    margin: float = 0.5,
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
    """
    X, t = _check_points(X, t)
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    from matplotlib.colors import ListedColormap

    ax = _axes(ax)
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
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
    cmap = ListedColormap(_CLASS_COLOURS[:K] if K <= 10 else _CLASS_COLOURS)
    ax.pcolormesh(
        g0,
        g1,
        pred.reshape(g0.shape),
        cmap=cmap,
        vmin=-0.5,
        vmax=K - 0.5,
        alpha=0.25,
        shading="auto",
    )
    _scatter_classes(ax, X, t)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_activation(name: str, ax: Any = None, z_range: tuple[float, float] = (-5.0, 5.0)) -> Any:
    """Plot an activation function ``f`` and its derivative ``f'``."""
    f, fp = get_activation(name)
    ax = _axes(ax)
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
    ax = _axes(ax)
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
        Label edges with weights and units with biases (only when there are at most 40
        edges, to stay readable).
    activations
        Activation names, shown under each layer (taken from the MLP if given one).
    title
        Axes title.
    """
    if hasattr(net_or_params, "params"):
        params = net_or_params.params()
        activations = activations or net_or_params.activations
    else:
        params = [
            (as_float_array(W, f"W{i}"), as_float_array(b, f"b{i}"))
            for i, (W, b) in enumerate(net_or_params, start=1)
        ]
    if not params:
        raise ValueError("net_or_params has no layers")
    sizes = [params[0][0].shape[1]] + [W.shape[0] for W, _ in params]
    ax = _axes(ax, figsize=(1.8 * len(sizes) + 1, max(3.0, 0.6 * max(sizes) + 1)))
    big = max(sizes) > 30
    pos = []
    for li, n in enumerate(sizes):
        ys = np.linspace(-(n - 1) / 2, (n - 1) / 2, n) if n > 1 else np.zeros(1)
        if big:
            ys = ys * (30.0 / max(sizes))
        pos.append([(float(li), float(y)) for y in ys[::-1]])
    n_edges = sum(W.size for W, _ in params)
    label_edges = show_weights and n_edges <= 40
    wmax = max(float(np.max(np.abs(W))) for W, _ in params) or 1.0
    from matplotlib.collections import LineCollection

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
                        x0 + fx * (x1 - x0),
                        y0 + fx * (y1 - y0),
                        f"{w:.3g}",
                        fontsize=7,
                        ha="center",
                        va="center",
                        zorder=4,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
                    )
        ax.add_collection(
            LineCollection(segs, colors=colours, linewidths=widths, alpha=0.8, zorder=1)
        )
    r = 0.12 if not big else 0.05
    for li, layer in enumerate(pos):
        for ui, (x, y) in enumerate(layer):
            face = "#d9ecff" if li == 0 else ("#ffe8cc" if li == len(pos) - 1 else "#eeeeee")
            ax.add_patch(_circle((x, y), r, face))
            if show_weights and li > 0 and not big:
                ax.text(
                    x + 1.6 * r,
                    y + r,
                    f"b={params[li - 1][1][ui]:.3g}",
                    fontsize=7,
                    ha="left",
                    va="bottom",
                    zorder=5,
                )
    names = ["input"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
    ymin = min(y for layer in pos for _, y in layer)
    for li, n in enumerate(sizes):
        text = f"{names[li]}\n{n} units"
        if activations is not None and li > 0:
            text += f"\n{activations[li - 1]}"
        ax.text(li, ymin - 0.6, text, ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(ymin - 1.6, -ymin + 0.6)
    ax.set_aspect("auto")
    ax.set_xticks(range(len(sizes)))
    ax.set_xticklabels(
        [
            f"$h^{{({k})}}$" if 0 < k < len(sizes) - 1 else ("$x$" if k == 0 else "$y$")
            for k in range(len(sizes))
        ]
    )
    ax.set_yticks([])
    ax.set_xlabel("layer")
    ax.set_ylabel("units")
    ax.set_title(title or "Network " + "-".join(map(str, sizes)) + " (blue > 0, red < 0)")
    return ax


def _circle(xy: tuple[float, float], r: float, face: str) -> Any:
    from matplotlib.patches import Ellipse

    return Ellipse(xy, 2 * r, 2 * r * 2.2, facecolor=face, edgecolor="0.2", zorder=3)


def plot_linear_classifier(
    w: object, b: float, X: object, t: object, ax: Any = None, title: str | None = None
) -> int:
    """Draw a linear classifier ``y = I[w^T x + b > 0]`` on 2-D points.

    Draws the decision line ``w^T x + b = 0``, shades the half-plane predicted as class 1
    (and class 0), and plots the points.

    Returns
    -------
    int
        The number of correctly classified points (labels 0/1).
    """
    w = as_float_array(w, "w").reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"w must have 2 entries for 2-D points, got shape {w.shape}")
    b = float(b)
    X, t = _check_points(X, t)
    ax = _axes(ax)
    pred = (X @ w + b > 0).astype(np.int64)
    correct = int(np.sum(pred == t))
    lo = X.min(axis=0) - 0.5
    hi = X.max(axis=0) + 0.5
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    side = (w[0] * g0 + w[1] * g1 + b > 0).astype(float)
    from matplotlib.colors import ListedColormap

    ax.pcolormesh(
        g0,
        g1,
        side,
        cmap=ListedColormap(_CLASS_COLOURS[:2]),
        vmin=-0.5,
        vmax=1.5,
        alpha=0.2,
        shading="auto",
    )
    if np.any(w != 0):
        if abs(w[1]) > abs(w[0]):
            xs = np.array([lo[0], hi[0]])
            ax.plot(xs, -(w[0] * xs + b) / w[1], "k-", lw=2, label="$w^T x + b = 0$")
        else:
            ys = np.array([lo[1], hi[1]])
            ax.plot(-(w[1] * ys + b) / w[0], ys, "k-", lw=2, label="$w^T x + b = 0$")
    _scatter_classes(ax, X, t)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title or f"Linear classifier: {correct}/{len(t)} correct")
    ax.legend(loc="best", fontsize=8)
    return correct
