"""Figures of chapter 5: the hand-designed XOR network and its softened (sigmoid) version.

The network is a 2-2-1 :class:`~mlp.network.MLP` (``mlp.boolean_networks.xor_network()``):
two hidden units whose lines cut the input square, and one output unit, a line in hidden space.
:func:`plot_xor_network` draws it in both spaces; :func:`soft_xor_explorer` shows the
network of ``mlp.boolean_networks.soften(net, k)`` as the scale ``k`` grows, and
:func:`plot_error_vs_k` its error at the four inputs against the bound of the chapter.

Examples
--------
>>> from mlp.boolean_networks import soften, xor_network
>>> X, t = mlp.xor_data()
>>> max_error(xor_network(), X, t)
0.0
>>> round(max_error(soften(xor_network(), 10), X, t), 4)
0.0076
>>> line_equation([1.0, 1.0], -0.5)
'$x_1 + x_2 = 0.5$'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

import mlp
from mlp._checks import as_float_array
from mlp.boolean_networks import soften
from mlp.figures.features import output_line, plot_line
from mlp.figures.frames import Control, Frames, on_figure
from mlp.figures.plots import draw_network

Array = np.ndarray

__all__ = [
    "draw_soft_xor",
    "line_equation",
    "max_error",
    "plot_error_vs_k",
    "plot_xor_network",
    "soft_xor_explorer",
]

LIM = (-0.25, 1.25)
"""The square drawn around the four binary inputs."""

CLASSES = [(0, "o", "tab:red"), (1, "s", "tab:green")]
"""Label, marker and colour of the negative and positive inputs."""


def max_error(net: mlp.MLP, X: object, t: object) -> float:
    """The largest ``|y - t|`` of a one-output network over the inputs ``X``."""
    t = np.asarray(t, dtype=float)
    y = net.forward(X)[:, 0]
    if y.shape != t.shape:
        raise ValueError(f"t must have one target per row of X, got shape {t.shape}")
    return float(np.abs(y - t).max())


def line_equation(w: Sequence[float], b: float, names: Sequence[str] = ("x_1", "x_2")) -> str:
    """``w[0] x_1 + w[1] x_2 + b = 0`` written as ``... = -b`` in LaTeX, unit weights bare."""
    terms = []
    for c, name in zip(w, names, strict=True):
        if c == 0:
            continue
        sign = "-" if c < 0 else ("+" if terms else "")
        size = "" if abs(c) == 1 else f"{abs(c):g}"
        terms.append(f"{sign} {size}{name}".strip() if terms else f"{sign}{size}{name}")
    return f"${' '.join(terms) or '0'} = {0.0 - b:g}$"


def _check_xor_inputs(net: mlp.MLP, X: object, t: object) -> tuple[Array, Array]:
    if [net.n_in, net.params()[0][0].shape[0], net.n_out] != [2, 2, 1]:
        raise ValueError(f"net must be a 2-2-1 network, got {net}")
    X, t = as_float_array(X, "X"), np.asarray(t)
    if X.ndim != 2 or X.shape[1] != 2 or t.shape != (len(X),):
        raise ValueError(f"X must be (n, 2) and t (n,), got {X.shape} and {t.shape}")
    return X, t


def _shade(ax: Any, positive: Any, n: int = 301) -> None:
    """Colour the square ``LIM`` green where ``positive(points)`` holds, red elsewhere."""
    g = np.linspace(*LIM, n)
    a, b = np.meshgrid(g, g)
    region = np.asarray(positive(np.column_stack([a.ravel(), b.ravel()])), dtype=float)
    ax.contourf(
        a, b, region.reshape(a.shape), levels=[-0.5, 0.5, 1.5], colors=["#f6d5d5", "#d5f0d5"]
    )


def _input_panel(ax: Any, net: mlp.MLP, X: Array, t: Array) -> None:
    _shade(ax, lambda P: net.forward(P)[:, 0] > 0.5)
    (W1, b1) = net.params()[0]
    for i, (colour, ls) in enumerate([("tab:purple", "-"), ("tab:brown", "--")]):
        label = f"$h_{i + 1}$: " + line_equation(W1[i], b1[i])
        plot_line(ax, W1[i], b1[i], LIM, color=colour, lw=1.5, ls=ls, label=label)
    for label, marker, colour in CLASSES:
        ax.scatter(*X[t == label].T, s=110, marker=marker, color=colour, zorder=3)
    ax.set(title="input space: the network's decision", xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(fontsize=7, loc="upper right")


def _hidden_panel(ax: Any, net: mlp.MLP, X: Array, t: Array, units: Sequence[str]) -> None:
    w, b = output_line(net)
    _shade(ax, lambda P: P @ w + b > 0)
    plot_line(ax, w, b, LIM, color="black", lw=1.5, label=line_equation(w, b, ("h_1", "h_2")))
    H = net.hidden(X, 1)
    for label, marker, colour in CLASSES:
        ax.scatter(
            *H[t == label].T, s=110, marker=marker, color=colour, zorder=3, label=f"t = {label}"
        )
    for (x1, x2), h in zip(X, H, strict=True):
        ax.annotate(
            f"from ({x1:.0f},{x2:.0f})",
            h,
            textcoords="offset points",
            xytext=(6, 8 if x1 <= x2 else -14),
            fontsize=7,
        )
    ax.set(
        title="hidden space: linearly separable",
        xlabel=f"$h_1$ ({units[0]})",
        ylabel=f"$h_2$ ({units[1]})",
    )
    ax.legend(fontsize=7, loc="upper left")


def _tidy_diagram(ax: Any) -> None:
    """Fit the 2-2-1 diagram's labels: hidden biases outside the units, "1 unit".

    ``draw_network`` writes a bias to the upper right of its unit, where in this small
    diagram the second hidden unit's bias meets the label of its outgoing weight.
    """
    from matplotlib.patches import Ellipse

    hidden = [p for p in ax.patches if isinstance(p, Ellipse) and p.center[0] == 1]
    for text in ax.texts:
        text.set_text(text.get_text().replace("\n1 units", "\n1 unit"))
        if not text.get_text().startswith("b="):
            continue
        x, y = text.get_position()
        for unit in hidden:  # the bias label of a hidden unit: above or below it
            (cx, cy), half = unit.center, unit.height / 2
            if 1 < x < 1.5 and cy < y < cy + half:
                above = cy >= 0
                text.set_position((cx, cy + (half + 0.04) * (1 if above else -1)))
                text.set_ha("center")
                text.set_va("bottom" if above else "top")


def plot_xor_network(
    net: mlp.MLP, X: object, t: object, units: Sequence[str] = ("OR", "AND")
) -> Figure:
    """The XOR network three ways: its weights, its decision in input space, hidden space.

    Parameters
    ----------
    net
        A 2-2-1 network (hard thresholds or sigmoids).
    X, t
        The inputs ``(n, 2)`` in ``[0, 1]^2`` and their 0/1 targets.
    units
        What the two hidden units compute, for the hidden axes' labels.
    """
    import matplotlib.pyplot as plt

    X, t = _check_xor_inputs(net, X, t)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), gridspec_kw={"width_ratios": [1.2, 1, 1]})
    draw_network(net, ax=axes[0], title="XOR network: weights and biases")
    _tidy_diagram(axes[0])
    _input_panel(axes[1], net, X, t)
    _hidden_panel(axes[2], net, X, t, units)
    for ax in axes[1:]:
        ax.set(xlim=LIM, ylim=LIM, aspect="equal")
    fig.tight_layout()
    return fig


def plot_error_vs_k(ks: object, measured: object, bound: object) -> Figure:
    """The softened network's largest error against the scale ``k``, with its bound (log y)."""
    import matplotlib.pyplot as plt

    ks, measured = as_float_array(ks, "ks"), as_float_array(measured, "measured")
    bound = as_float_array(bound, "bound")
    if not ks.shape == measured.shape == bound.shape:
        raise ValueError(
            f"ks, measured and bound differ in shape: {ks.shape}, {measured.shape}, {bound.shape}"
        )
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.semilogy(ks, measured, "o-", color="tab:orange", label="measured max error")
    ax.semilogy(ks, bound, "--", color="0.4", label=r"bound $\sigma(-k(0.5-2\varepsilon))$")
    ax.set(
        xlabel="scale $k$ of the weights and biases",
        ylabel="max error at the 4 inputs",
        title="Softened XOR network: error vs $k$",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _setup_soft_xor(fig: Figure, X: Array, t: Array) -> None:
    ax1, ax2 = fig.subplots(1, 2)
    lo, hi = -0.1, 1.1
    ax1.imshow(
        np.zeros((2, 2)),
        origin="lower",
        extent=(lo, hi, lo, hi),
        vmin=0,
        vmax=1,
        cmap="RdYlGn",
        interpolation="nearest",
    )
    for label, marker, colour in CLASSES:
        ax2.scatter(*X[t == label].T, s=80, marker=marker, color=colour, zorder=3)
        ax1.scatter(*X[t == label].T, s=60, marker=marker, color="black", zorder=3)
    ax1.set(xlabel="$x_1$", ylabel="$x_2$", title="output $y_k$ (green = 1)")
    ax2.set(
        xlim=(lo, hi),
        ylim=(lo, hi),
        xlabel="$h_1$",
        ylabel="$h_2$",
        title="the four inputs in hidden space",
    )


def draw_soft_xor(fig: Figure, net: mlp.MLP, X: Array, t: Array, k: float) -> str:
    """Output of ``soften(net, k)`` over the square, and the inputs in its hidden space.

    Used by :func:`soft_xor_explorer`: the axes are built on the first call, later calls
    only update the image and the points. Returns the largest error at the inputs.
    """
    if not fig.axes:
        _setup_soft_xor(fig, X, t)
    ax1, ax2 = fig.axes
    soft = soften(net, k)
    g = np.linspace(-0.1, 1.1, 121)
    a, b = np.meshgrid(g, g)
    ax1.images[0].set_data(
        soft.forward(np.column_stack([a.ravel(), b.ravel()]))[:, 0].reshape(a.shape)
    )
    H = soft.hidden(X, 1)
    for (label, _, _), points in zip(CLASSES, ax2.collections, strict=True):
        points.set_offsets(H[t == label])
    return f"k = {k:g}: largest error at the four inputs <b>{max_error(soft, X, t):.2g}</b>"


def soft_xor_explorer(
    net: mlp.MLP,
    X: object,
    t: object,
    ks: Sequence[float] = (0.5, 1, 2, 4, 8, 16, 32),
    initial: float = 4,
) -> Frames:
    """A slider for the scale ``k`` of the softened XOR network (one frame per ``k``).

    Parameters
    ----------
    net
        The threshold network (2-2-1), softened by ``mlp.boolean_networks.soften``.
    X, t
        The four inputs and their XOR targets.
    ks
        The precomputed scales; a live slider moves in steps of 0.5.
    initial
        The scale shown first.
    """
    X, t = _check_xor_inputs(net, X, t)
    return Frames(
        on_figure(lambda fig, k: draw_soft_xor(fig, net, X, t, k), figsize=(6.4, 3.0), dpi=70),
        [Control("k", list(ks), "scale k", live_step=0.5)],
        initial={"k": initial},
        alt=lambda k: (
            f"Output of the XOR network with sigmoids scaled by k = {k} over the unit "
            "square, and the four inputs in hidden space"
        ),
    )
