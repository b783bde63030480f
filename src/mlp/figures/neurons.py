"""Figures of the chapter "From neurons to networks" (chapter 3).

* :class:`LeakyIntegrateAndFire`: the leaky integrate-and-fire neuron with a constant input
  (voltage, firing period, spike count), and :func:`lif_frames`, its voltage over time with
  a slider for the input current;
* :func:`plot_orders_of_magnitude`: counts on a logarithmic bar chart (brain vs network);
* :func:`draw_neuron_schematic` and :func:`draw_artificial_neuron`: the two neuron diagrams;
* :func:`neuron_output_frames`: one neuron's output over the input plane, with controls for
  its activation and bias (computed by :meth:`mlp.network.MLP.forward`);
* :func:`plot_weight_images`: each output neuron's weight vector drawn as an image.

Examples
--------
>>> lif = LeakyIntegrateAndFire(tau=10.0, v_th=1.0, R=1.0)
>>> round(lif.period(2.0), 3)  # tau * log(2 / (2 - 1)) = 10 log 2
6.931
>>> lif.spike_count(0.9, duration=100.0), lif.spike_count(2.0, duration=100.0)
(0, 14)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from mlp._checks import as_float_array
from mlp.activations import get_activation
from mlp.figures.frames import Control, Frames, on_figure
from mlp.figures.plots import new_axes
from mlp.linear_models import linear_scores
from mlp.network import MLP

Array = np.ndarray

__all__ = [
    "LeakyIntegrateAndFire",
    "draw_artificial_neuron",
    "draw_neuron_schematic",
    "lif_frames",
    "neuron_output_frames",
    "plot_orders_of_magnitude",
    "plot_weight_images",
]


@dataclass(frozen=True)
class LeakyIntegrateAndFire:
    """A leaky integrate-and-fire neuron driven by a constant current ``I``.

    The voltage obeys ``tau dv/dt = -v + R I`` from rest (0) and resets to 0 when it
    reaches ``v_th``, so between spikes ``v(t) = R I (1 - exp(-t / tau))`` and the neuron
    fires every ``T = tau log(R I / (R I - v_th))`` (never when ``R I <= v_th``).

    Attributes
    ----------
    tau : float
        Membrane time constant (ms).
    v_th : float
        Firing threshold.
    R : float
        Membrane resistance.
    """

    tau: float = 10.0
    v_th: float = 1.0
    R: float = 1.0

    def __post_init__(self) -> None:
        for name in ("tau", "v_th", "R"):
            if not float(getattr(self, name)) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")

    def period(self, current: float) -> float:
        """Time between spikes, ``inf`` if ``R I`` never reaches the threshold."""
        drive = self.R * current
        return (
            float(self.tau * np.log(drive / (drive - self.v_th))) if drive > self.v_th else np.inf
        )

    def voltage(self, time: object, current: float) -> Array:
        """The membrane voltage at the times ``time`` (ms), resetting after each spike."""
        time = as_float_array(time, "time")
        T = self.period(current)
        since_spike = np.mod(time, T) if np.isfinite(T) else time
        return self.R * current * (1 - np.exp(-since_spike / self.tau))

    def spike_count(self, current: float, duration: float) -> int:
        """How many spikes the neuron fires in ``duration`` ms."""
        T = self.period(current)
        return int(duration // T) if np.isfinite(T) else 0


def lif_frames(
    model: LeakyIntegrateAndFire,
    currents: Sequence[float],
    duration: float = 100.0,
    initial: Mapping[str, float] | None = None,
) -> Frames:
    """The voltage of ``model`` over ``duration`` ms, its spikes, and a slider for ``I``.

    The text under each frame reads ``input I = ...: <b>k spikes</b> in ... ms``.
    """
    if not duration > 0:
        raise ValueError(f"duration must be positive, got {duration!r}")
    time_ms = np.linspace(0, duration, 2001)
    top = 2.1 * model.v_th

    def draw(fig: Figure, current: float) -> str:
        fig.clear()
        ax = fig.add_subplot()
        n, T = model.spike_count(current, duration), model.period(current)
        ax.plot(
            time_ms,
            model.voltage(time_ms, current),
            color="#6a3d9a",
            lw=1.5,
            label="membrane voltage v(t)",
        )
        ax.axhline(model.v_th, color="#e31a1c", ls="--", label="threshold")
        ax.vlines([k * T for k in range(1, n + 1)], model.v_th, 0.76 * top, color="k", lw=1)
        ax.set(
            xlim=(0, duration),
            ylim=(0, top),
            xlabel="time (ms)",
            ylabel=f"voltage (threshold = {model.v_th:g})",
            title=f"Input current I = {current:g}: {n} spikes in {duration:g} ms",
        )
        ax.legend(loc="upper left", fontsize=8, ncols=2)
        return f"input I = {current:g}: <b>{n} spikes</b> in {duration:g} ms"

    alt = lambda current: (  # noqa: E731
        f"Voltage of a leaky integrate-and-fire neuron over {duration:g} ms for input "
        f"current {current}, with its spikes"
    )
    controls = [Control("current", currents, "input I")]
    return Frames(on_figure(draw, figsize=(6, 3), dpi=70), controls, alt=alt, initial=initial)


def plot_orders_of_magnitude(counts: Mapping[str, float], title: str, ax: Any = None) -> Any:
    """Horizontal bars of ``counts`` on a logarithmic axis, each labelled with its value."""
    values = as_float_array(list(counts.values()), "counts")
    if values.size == 0 or np.any(values <= 0):
        raise ValueError(f"counts must be positive numbers, got {dict(counts)}")
    ax = new_axes(ax, figsize=(7, 2.8))
    colours = ["#8fb3d9", "#1f77b4", "#f2a36b", "#d95f02"] * len(values)
    bars = ax.barh(list(counts), values, color=colours[: len(values)])
    ax.set_xscale("log")
    ax.set_xlim(1, values.max() * 100)
    for bar, v in zip(bars, values, strict=True):
        ax.text(v * 1.6, bar.get_y() + bar.get_height() / 2, f"{v:.3g}", va="center", fontsize=8)
    ax.set(xlabel="count (log scale)", ylabel="", title=title)
    return ax


def _annotate(
    ax: Any, notes: Sequence[tuple[str, tuple[float, float], tuple[float, float]]]
) -> None:
    for text, xy, xytext in notes:
        ax.annotate(
            text,
            xy=xy,
            xytext=xytext,
            fontsize=10,
            ha="center",
            arrowprops={"arrowstyle": "->", "color": "0.3"},
        )


def draw_neuron_schematic(ax: Any = None) -> Any:
    """A schematic biological neuron: dendrites, cell body, axon, synapses (not to scale)."""
    from matplotlib.patches import Circle

    ax = new_axes(ax, figsize=(8, 3.2))
    purple = "#6a3d9a"
    for angle in np.linspace(2.0, 4.3, 6):  # dendrites: branching lines to the left
        end = 1.3 * np.array([np.cos(angle), np.sin(angle)])
        ax.plot([0, end[0]], [0, end[1]], color=purple, lw=2.5)
        for da in (-0.35, 0.35):
            tip = end + 0.5 * np.array([np.cos(angle + da), np.sin(angle + da)])
            ax.plot([end[0], tip[0]], [end[1], tip[1]], color=purple, lw=1.5)
    ax.add_patch(Circle((0, 0), 0.45, color="#cab2d6", ec=purple, lw=2, zorder=3))
    ax.plot([0.45, 5.2], [0, 0], color=purple, lw=3)  # axon
    for dy in (-0.45, 0.0, 0.45):  # axon terminals
        ax.plot([5.2, 5.8], [0, dy], color=purple, lw=1.8)
        ax.add_patch(Circle((5.85, dy), 0.07, color=purple))
    ax.plot([6.05, 7.4], [0.0, 0.1], color="#33a02c", lw=2.5)  # the next neuron's dendrite
    ax.plot([6.05, 7.0], [0.45, 0.9], color="#33a02c", lw=2)
    ax.text(7.45, 0.05, "next neuron", color="#33a02c", fontsize=9, va="center")
    _annotate(
        ax,
        [
            ("dendrites", (-1.3, 0.9), (-2.0, 1.5)),
            ("cell body", (0, -0.3), (-0.4, -1.4)),
            ("axon", (2.8, 0), (2.8, -1.0)),
            ("synapse", (5.95, 0), (5.7, -1.2)),
        ],
    )
    ax.annotate(
        "",
        xy=(4.6, 0.5),
        xytext=(1.2, 0.5),
        arrowprops={"arrowstyle": "->", "color": "#e31a1c", "lw": 1.5},
    )
    ax.text(2.9, 0.62, "the signal travels this way", color="#e31a1c", fontsize=9, ha="center")
    ax.set(
        xlim=(-2.6, 8.8),
        ylim=(-1.7, 1.8),
        aspect="equal",
        title="Schematic of a neuron (not to scale)",
    )
    ax.set_axis_off()
    return ax


def draw_artificial_neuron(n_inputs: int = 3, ax: Any = None) -> Any:
    """The artificial neuron: inputs and a constant 1, weights and bias, sum, activation."""
    from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

    if not isinstance(n_inputs, int) or not 1 <= n_inputs <= 5:
        raise ValueError(f"n_inputs must be an integer from 1 to 5, got {n_inputs!r}")
    ax = new_axes(ax, figsize=(6.5, 3.2))
    names = [(f"$x_{i}$", f"$w_{i}$") for i in range(1, n_inputs + 1)] + [("$1$", "$b$")]
    ys = np.linspace(0.4 * len(names), -0.4 * len(names), len(names))
    arrow = {"arrowstyle": "->", "mutation_scale": 12, "color": "0.3"}
    for (name, weight), y in zip(names, ys, strict=True):
        ax.add_patch(Circle((0, y), 0.22, fc="#d9ecff", ec="0.2", zorder=3))
        ax.text(0, y, name, ha="center", va="center", fontsize=12, zorder=4)
        ax.add_patch(FancyArrowPatch((0.25, y), (2.25, 0), **arrow))
        ax.text(1.05, y * 0.62 + 0.12, weight, fontsize=11, color="#1f77b4")
    ax.add_patch(Circle((2.55, 0), 0.32, fc="#ffe8cc", ec="0.2", zorder=3))
    ax.text(2.55, 0, r"$\Sigma$", ha="center", va="center", fontsize=15, zorder=4)
    ax.add_patch(FancyArrowPatch((2.9, 0), (3.6, 0), **arrow))
    ax.text(3.25, 0.12, "$z$", fontsize=11, ha="center")
    ax.add_patch(Rectangle((3.62, -0.3), 0.6, 0.6, fc="#eeeeee", ec="0.2"))
    ax.text(3.92, 0, "$f$", ha="center", va="center", fontsize=14)
    ax.add_patch(FancyArrowPatch((4.25, 0), (5.0, 0), **arrow))
    ax.text(5.1, 0, r"$y = f(\sum_i w_i x_i + b)$", va="center", fontsize=12)
    ax.set(
        xlim=(-0.4, 7.6),
        ylim=(ys[-1] - 0.4, ys[0] + 0.4),
        aspect="equal",
        title="The artificial neuron: weighted sum, bias, activation",
    )
    ax.set_axis_off()
    return ax


def neuron_output_frames(
    w: object,
    activations: Sequence[str],
    biases: Sequence[float],
    initial: Mapping[str, Any] | None = None,
    extent: float = 2.0,
) -> Frames:
    """One neuron ``y = f(w^T x + b)`` over the square ``[-extent, extent]^2``, as a heat map.

    Toggles pick the activation ``f`` and sliders the bias ``b``; the output is computed by
    the one-neuron :class:`~mlp.network.MLP`. The white line is ``z = 0``, the white arrow
    the direction of ``w``.
    """
    w = as_float_array(w, "w").reshape(-1)
    if w.shape != (2,) or not np.any(w):
        raise ValueError(f"w must have 2 entries, not both 0, got {w}")
    g = np.linspace(-extent, extent, 121)
    Gx, Gy = np.meshgrid(g, g)
    grid = np.column_stack([Gx.ravel(), Gy.ravel()])
    zmax = np.abs(w).sum() * extent + max(abs(b) for b in biases)  # colour range of identity

    def draw(fig: Figure, activation: str, bias: float) -> str:
        fig.clear()
        ax = fig.add_subplot()
        neuron = MLP.from_params([(w[None, :], [bias])], [activation])
        out = neuron.forward(grid).reshape(Gx.shape)
        lo, hi = (-zmax, zmax) if activation == "identity" else (0.0, 1.0)
        im = ax.imshow(
            out,
            extent=(-extent, extent, -extent, extent),
            origin="lower",
            cmap="viridis",
            vmin=lo,
            vmax=hi,
        )
        fig.colorbar(im, ax=ax, label=f"y = {activation}(z)")
        ax.contour(Gx, Gy, linear_scores(grid, w, bias).reshape(Gx.shape), levels=[0], colors="w")
        ax.arrow(0, 0, *(0.4 * extent * w / np.linalg.norm(w)), color="w", width=0.015 * extent)
        title = f"{activation} neuron, w = ({w[0]:g}, {w[1]:g}), b = {bias:g}"
        ax.set(xlabel="x₁", ylabel="x₂", title=title)
        y0 = get_activation(activation)[0](np.zeros(1))[0]
        return f"white line: z = 0 (where y = {y0:g}); white arrow: direction of w"

    controls = [Control("activation", activations, "f"), Control("bias", biases, "b")]
    alt = lambda activation, bias: (  # noqa: E731
        f"Output of one {activation} neuron with weights ({w[0]:g}, {w[1]:g}) and bias {bias} "
        f"over the square from {-extent:g} to {extent:g}"
    )
    return Frames(on_figure(draw, figsize=(4.8, 3.8), dpi=65), controls, alt=alt, initial=initial)


def plot_weight_images(W: object, shape: tuple[int, int], title: str) -> Figure:
    """Each row of ``W`` (one output neuron) drawn as an image of ``shape`` (red > 0, blue < 0)."""
    import matplotlib.pyplot as plt

    W = as_float_array(W, "W")
    if W.ndim != 2 or W.shape[1] != shape[0] * shape[1]:
        n = shape[0] * shape[1]
        raise ValueError(f"W must have shape (K, {n}) for images of shape {shape}, got {W.shape}")
    cols = min(5, W.shape[0])
    rows = -(-W.shape[0] // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols, 1.9 * rows), layout="constrained")
    lim = np.abs(W).max() or 1.0
    for k, ax in enumerate(np.atleast_1d(axes).flat):
        ax.set(xticks=[], yticks=[])
        if k < W.shape[0]:
            ax.imshow(W[k].reshape(shape), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(f"neuron {k}")
        else:
            ax.set_axis_off()
    fig.suptitle(title)
    fig.supxlabel("pixel column")
    fig.supylabel("pixel row")
    return fig
