"""The static figures of the universality chapter: bumps by unit type, error rates, towers.

Each function draws numbers the chapter has computed (and asserted) into a new pyplot
figure and returns it; the chapter's cell is the call and ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from mlp.bump_networks import UNITS
from mlp.figures.bumps import UNIT_COLOURS, UNIT_LABELS
from mlp.network import MLP
from mlp.universality import indicator_l1_error

__all__ = ["plot_approximation_rates", "plot_bump_errors", "plot_bumps_by_unit", "plot_towers"]

Array = np.ndarray


def plot_bumps_by_unit(nets: Mapping[str, MLP], k: float) -> Figure:
    """One panel per unit type: the bump network ``nets[unit]`` against ``I[1 <= x <= 2]``."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.0), sharey=True)
    xs = np.linspace(0, 3, 1201)
    target = ((xs >= 1) & (xs <= 2)).astype(float)
    for ax, unit in zip(axes, UNITS, strict=True):
        ax.plot(xs, target, color="black", lw=1, ls="--", label="target $f$")
        y = nets[unit].forward(xs[:, None])[:, 0]
        ax.plot(xs, y, color=UNIT_COLOURS[unit], lw=2.5, label="network output")
        title = f"{UNIT_LABELS[unit]} units, k = {k} ({nets[unit].sizes[1]} hidden)"
        ax.set(title=title, xlabel="$x$")
    axes[0].set_ylabel("$y$")
    axes[0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_bump_errors(ks: Array, area: Mapping[str, Array], far: Mapping[str, Array]) -> Figure:
    """Area error (measured and :func:`~mlp.universality.indicator_l1_error`) and far error
    of the sigmoid and ReLU bumps against the steepness ``ks``."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for unit in ("sigmoid", "relu"):
        name, colour = UNIT_LABELS[unit], UNIT_COLOURS[unit]
        formula = [indicator_l1_error(unit, k) for k in ks]
        axes[0].loglog(ks, area[unit], "o", color=colour, label=f"{name}, measured")
        axes[0].loglog(ks, formula, "-", color=colour, lw=1, label=f"{name}, formula")
        nonzero = far[unit] > 0
        axes[1].semilogy(ks[nonzero], far[unit][nonzero], "o-", color=colour, label=name)
    zeros = ks[far["relu"] == 0]
    axes[1].plot(zeros, np.full(zeros.size, 2e-6), "v", color=UNIT_COLOURS["relu"], ms=8,
                 label="ReLU: exactly 0")  # fmt: skip
    axes[0].set(xlabel="steepness $k$", ylabel=r"$\int |y - f|\,dx$",
                title="Area between network and target")  # fmt: skip
    axes[1].set(xlabel="steepness $k$", ylabel=r"max $|y - f|$, $\geq 0.1$ from the jumps",
                title="Largest error away from the jumps", ylim=(1e-6, 2))  # fmt: skip
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


_RATE_STYLES = {
    "hard threshold": {"color": UNIT_COLOURS["step"], "marker": "o"},
    "sigmoid, k = 20/w": {"color": UNIT_COLOURS["sigmoid"], "marker": "s"},
    "ReLU, k = 20/w": {"color": UNIT_COLOURS["relu"], "marker": "^"},
    "ReLU, k = 1/w": {"color": UNIT_COLOURS["relu"], "marker": "v", "ls": "--"},
    "sigmoid, fixed k = 50": {"color": UNIT_COLOURS["sigmoid"], "marker": "x", "ls": ":"},
}


def plot_approximation_rates(
    ns: Array, sup: Mapping[str, Array], slopes: Mapping[str, float]
) -> Figure:
    """Sup error against the number of bumps, log-log, one line per variant of ``sup``."""
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    for name, e in sup.items():
        ax.loglog(ns, e, label=f"{name} (slope {slopes[name]:+.1f})", **_RATE_STYLES.get(name, {}))
    ax.set(xlabel="number of bumps $N$", ylabel=r"max$_{x \in [0,1]}$ $|y(x) - f(x)|$",
           title="Approximating $f$ by sums of bumps")  # fmt: skip
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_towers(images: Mapping[str, Array], towers: Mapping[str, MLP]) -> Figure:
    """Each unit type's tower ``images[unit]`` (on the unit square) seen from above."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), layout="constrained")
    for ax, u in zip(axes, UNITS, strict=True):
        im = ax.imshow(images[u].T, origin="lower", extent=(0, 1, 0, 1), vmin=0, vmax=1,
                       cmap="viridis")  # fmt: skip
        ax.set(xlabel="$x_1$", ylabel="$x_2$")
        sizes = towers[u].sizes
        ax.set_title(f"{UNIT_LABELS[u]}: {sizes[1]} + {sizes[2]} hidden units", fontsize=10)
    fig.colorbar(im, ax=axes, shrink=0.8, label="output $y$")
    fig.suptitle("One tower on $[0.3, 0.6] \\times [0.2, 0.7]$, seen from above")
    return fig
