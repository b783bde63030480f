"""Figures of chapter 4: one forward pass, the gradient signal of a layer, learned features.

A hidden layer ``h = f(W1 x + b1)`` is drawn three ways: the activations of one example
(:func:`plot_forward_pass`); the pre-activations of a whole layer against ``f`` and ``f'``,
to see saturated and dead units (:func:`signal_explorer`); and, for a network with two
hidden units, the data at their hidden coordinates next to the input plane, as training
goes on (:func:`feature_explorer`). Conventions are those of ``mlp``: ``Z`` and ``H``
are ``(B, M)`` arrays, one example per row and one unit per column.

Examples
--------
>>> import numpy as np
>>> Z = np.array([[-1.0, 2.0], [-3.0, 0.5]])  # 2 examples, 2 units
>>> saturation(Z, "relu")  # half the z have relu'(z) = 0; unit 1 is dead
(0.5, 1)
>>> net = mlp.MLP.from_params(
...     [(np.eye(2), np.zeros(2)), (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.0, 1.0]))],
...     ["tanh", "identity"],
... )
>>> w, b = output_line(net)  # class 1 where z2 - z1 = -h1 + h2 + 1 > 0
>>> w.tolist(), b
([-1.0, 1.0], 1.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

import mlp
from mlp import linear_models as lm
from mlp._checks import as_float_array
from mlp.figures.frames import Control, Frames, on_figure
from mlp.figures.plots import plot_decision_regions

Array = np.ndarray

__all__ = [
    "draw_features",
    "draw_signal",
    "feature_explorer",
    "output_line",
    "plot_forward_pass",
    "plot_line",
    "saturation",
    "signal_explorer",
]

CLASS_STYLES = [("#1f77b4", "o"), ("#d62728", "s")]
"""Colour and marker of class 0 and class 1 in the hidden-space scatter plots."""


def plot_forward_pass(
    x: object,
    h: object,
    y: object,
    label: int | None = None,
    image_shape: tuple[int, int] = (28, 28),
) -> Figure:
    """Draw one forward pass: the input image, the hidden activations, the output probabilities.

    Parameters
    ----------
    x
        The input, ``prod(image_shape)`` pixels.
    h
        The hidden activations (values in ``[0, 1]`` for sigmoid units).
    y
        The output probabilities ``softmax(z)``, one per class.
    label
        The true class, shown in the first title.
    image_shape
        How to reshape ``x`` into a picture.
    """
    import matplotlib.pyplot as plt

    x = as_float_array(x, "x").ravel()
    h, y = as_float_array(h, "h").ravel(), as_float_array(y, "y").ravel()
    if x.size != image_shape[0] * image_shape[1]:
        raise ValueError(f"x has {x.size} pixels but image_shape is {image_shape}")
    fig, axes = plt.subplots(
        1, 3, figsize=(10, 3.2), layout="constrained", gridspec_kw={"width_ratios": [1, 1.6, 1.2]}
    )
    axes[0].imshow(x.reshape(image_shape), cmap="Greys")
    known = "" if label is None else f" (label {label})"
    axes[0].set(title=f"input x: {x.size} pixels{known}", xlabel="pixel column", ylabel="pixel row")
    axes[1].bar(np.arange(1, h.size + 1), h, color="#1f77b4")
    axes[1].set(
        title=f"hidden layer h = σ(W⁽¹⁾x + b⁽¹⁾): {h.size} units",
        xlabel="hidden unit j",
        ylabel="activation h_j",
        ylim=(0, 1),
    )
    axes[2].bar(np.arange(y.size), y, color="#ff7f0e")
    axes[2].set(
        title="output y = softmax(z)",
        xlabel="digit k",
        ylabel="probability y_k",
        xticks=range(y.size),
        ylim=(0, 1),
    )
    return fig


def saturation(Z: object, activation: str, threshold: float = 0.01) -> tuple[float, int]:
    """How much of a layer's gradient signal ``f'(z)`` is (almost) gone.

    Parameters
    ----------
    Z
        Pre-activations ``(B, M)``: ``B`` examples, ``M`` units.
    activation
        The name of ``f`` (``"sigmoid"``, ``"tanh"``, ``"relu"``...).
    threshold
        ``f'(z)`` below this counts as a vanished signal.

    Returns
    -------
    (float, int)
        The fraction of the ``B * M`` pre-activations with ``f'(z) < threshold``, and the
        number of **dead** units: columns with ``f'(z) = 0`` for every example.
    """
    Z = as_float_array(Z, "Z")
    if Z.ndim != 2:
        raise ValueError(f"Z must be a (B, M) array of pre-activations, got shape {Z.shape}")
    fp = mlp.get_activation(activation)[1](Z)
    return float(np.mean(fp < threshold)), int(np.sum(np.all(fp == 0, axis=0)))


def draw_signal(fig: Figure, Z0: Array, activation: str, bias: float) -> str:
    """Histogram of ``Z0 + bias`` under ``f`` and ``f'``; returns the saturation counts.

    Used by :func:`signal_explorer`; ``fig`` is cleared and redrawn.
    """
    fig.clear()
    ax = fig.add_subplot()
    f, fp = mlp.get_activation(activation)
    Z = Z0 + bias
    small, dead = saturation(Z, activation)
    z = np.linspace(-10, 10, 401)
    scale = 10 if activation == "relu" else 1  # ReLU grows without bound: draw it / 10
    ax.hist(
        Z.ravel(),
        bins=60,
        range=(-10, 10),
        density=True,
        color="0.75",
        label="pre-activations z (density)",
    )
    ax.plot(z, f(z) / scale, lw=2, label=f"{activation}(z)" + (" / 10" if scale > 1 else ""))
    ax.plot(z, fp(z), lw=2, ls="--", label=f"{activation}'(z)")
    ax.set(
        xlim=(-10, 10),
        ylim=(-1.1, 1.3),
        xlabel="pre-activation z",
        ylabel="value / density",
        title=f"{activation} units, all biases shifted by {bias:g}",
    )
    ax.legend(loc="upper left", fontsize=7)
    return (
        f"{small:.0%} of the pre-activations have f′(z) &lt; 0.01; "
        f"<b>{dead} of {Z.shape[1]} units dead</b> (f′(z) = 0 for every image)"
    )


def signal_explorer(
    Z0: object,
    activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
    biases: Sequence[float] = (-8.0, -4.0, 0.0, 4.0, 8.0),
    initial: Mapping[str, Any] | None = None,
) -> Frames:
    """Pre-activations of a layer against ``f`` and ``f'``, for each activation and bias shift.

    Parameters
    ----------
    Z0
        Pre-activations ``(B, M)`` of a layer with zero bias.
    activations, biases
        The values of the two controls (``len(activations) * len(biases)`` frames).
    initial
        Starting values, by default ReLU and the bias shift closest to 0.
    """
    Z0 = as_float_array(Z0, "Z0")
    if Z0.ndim != 2:
        raise ValueError(f"Z0 must be a (B, M) array of pre-activations, got shape {Z0.shape}")
    biases = [float(b) for b in biases]
    start = {"activation": activations[-1], "bias": min(biases, key=abs)}
    B, M = Z0.shape

    def alt(activation: str, bias: float) -> str:
        return (
            f"Histogram of the pre-activations of {M} {activation} units on {B} examples "
            f"with biases shifted by {bias}, with the activation and its derivative"
        )

    return Frames(
        on_figure(lambda fig, **v: draw_signal(fig, Z0, **v), figsize=(5.6, 3.4), dpi=65),
        [Control("activation", list(activations), "f"), Control("bias", biases, "bias shift")],
        initial={**start, **(initial or {})},
        alt=alt,
    )


def output_line(net: mlp.MLP) -> tuple[Array, float]:
    """The output layer as a line ``w^T h + b = 0`` in the space of the last hidden layer.

    With one output unit the line is ``z = 0``; with two (softmax) outputs it is
    ``z2 - z1 = 0``, where the predicted class changes from 0 to 1.
    """
    if net.n_out not in (1, 2):
        raise ValueError(f"net must have 1 or 2 outputs for a line, got {net.n_out}")
    W, b = net.params()[-1]
    if net.n_out == 1:
        return W[0].copy(), float(b[0])
    return W[1] - W[0], float(b[1] - b[0])


def plot_line(ax: Any, w: Array, b: float, lim: tuple[float, float], **style: Any) -> None:
    """Draw the line ``w[0] x + w[1] y + b = 0`` across ``lim`` (nothing if ``w = 0``)."""
    s = np.linspace(lim[0], lim[1], 50)
    if abs(w[1]) >= abs(w[0]) and abs(w[1]) > 1e-12:
        ax.plot(s, -(w[0] * s + b) / w[1], **style)
    elif abs(w[0]) > 1e-12:
        ax.plot(-(w[1] * s + b) / w[0], s, **style)


def draw_features(fig: Figure, net: mlp.MLP, X: Array, t: Array, epoch: int) -> str:
    """Input plane with decision regions, and hidden plane with the output layer's line.

    Used by :func:`feature_explorer`; ``net`` must have 2 inputs, 2 hidden units (tanh,
    values in ``[-1, 1]``) and 2 outputs. Returns how many points the line separates.
    """
    fig.clear()
    ax_in, ax_h = fig.subplots(1, 2)
    acc = float(np.mean(net.predict(X) == t))
    title = f"input space, epoch {epoch}: {acc:.0%} correct"
    plot_decision_regions(net.predict, X, t, ax=ax_in, resolution=100, margin=0.3, title=title)
    H = net.hidden(X, layer=1)
    for k, (colour, marker) in enumerate(CLASS_STYLES):
        ax_h.scatter(
            *H[t == k].T,
            s=18,
            c=colour,
            marker=marker,
            edgecolors="k",
            linewidths=0.4,
            label=f"class {k}",
        )
    w, b = output_line(net)
    lim = (-1.1, 1.1)  # tanh units: the square [-1, 1]^2 with a margin
    plot_line(ax_h, w, b, lim, color="k", lw=1.5, label="output layer's line")
    ax_h.set(xlim=lim, ylim=lim, xlabel="hidden unit h₁", ylabel="hidden unit h₂")
    ax_h.set_title(f"hidden space, epoch {epoch}")
    ax_h.legend(loc="center", fontsize=7)
    right = lm.count_correct(H, t, w, b)
    return f"epoch {epoch}: the output layer's line separates <b>{right} of {len(t)}</b> points"


def feature_explorer(
    snapshots: Mapping[int, mlp.MLP], X: object, t: object, initial: int | None = None
) -> Frames:
    """A slider through training: input plane and hidden plane of a 2-2-2 network.

    Parameters
    ----------
    snapshots
        ``{epoch: copy of the network after that many epochs}``, epochs increasing.
    X, t
        The 2-D points ``(n, 2)`` and their 0/1 labels.
    initial
        The epoch shown first (default: the last).
    """
    if not snapshots:
        raise ValueError("snapshots must hold at least one {epoch: network}")
    for epoch, net in snapshots.items():
        if [net.n_in, net.params()[0][0].shape[0], net.n_out] != [2, 2, 2]:
            raise ValueError(f"snapshots[{epoch}] must be a 2-2-2 network, got {net}")
    X, t = as_float_array(X, "X"), np.asarray(t)
    if X.ndim != 2 or X.shape[1] != 2 or t.shape != (len(X),):
        raise ValueError(f"X must be (n, 2) and t (n,), got {X.shape} and {t.shape}")
    epochs = list(snapshots)

    def draw(fig: Figure, epoch: int) -> str:
        return draw_features(fig, snapshots[epoch], X, t, epoch)

    return Frames(
        on_figure(draw, figsize=(9, 4), dpi=65),
        [Control("epoch", epochs, "epoch")],
        initial={"epoch": epochs[-1] if initial is None else initial},
        alt=lambda epoch: (
            f"{len(t)} points in the input plane and in the 2-D hidden space of a 2-2-2 "
            f"tanh network after {epoch} epochs"
        ),
    )
