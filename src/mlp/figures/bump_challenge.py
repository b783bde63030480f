"""Nielsen's function design challenge, for hard-threshold, sigmoid and ReLU units.

``N`` adjacent bumps cover ``[0, 1]`` (:func:`mlp.bump_networks.bump_layout`); the reader sets
their heights to match a target curve, and a score (the mean absolute error) says when the
challenge is won. In a kernel, :class:`DesignChallenge` offers one slider per height and a
"show the network" toggle (its richer live view, passed to
:class:`~mlp.figures.frames.Frames` as ``live=``). The precomputed book cannot hold every
combination of ``N`` free heights, so there the reader chooses the unit type, the number of
bumps and the rule that sets the heights (the target at each centre, or least squares).

Examples
--------
>>> c = DesignChallenge(mode="static", units=("relu",), static_n_bumps=(6,))
>>> c.frames.n_frames
2
>>> bool(c.score(c.network("relu", c.heights("relu", 6, "least squares"))) < c.threshold)
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from mlp.bump_networks import UNITS, UNITS_PER_STEP, bump_layout, bump_network
from mlp.figures.bumps import (
    AXES_RECT,
    DPI,
    FIGSIZE,
    UNIT_COLOURS,
    UNIT_LABELS,
    weights_html,
)
from mlp.figures.fast_redraw import fixed_axes, freeze_static, side_legend
from mlp.figures.frames import Control, Frames, on_figure
from mlp.network import MLP
from mlp.universality import approximate_function

__all__ = ["HEIGHT_RULES", "DesignChallenge", "challenge_target"]

Array = np.ndarray

HEIGHT_RULES = ("target at centres", "least squares")
"""How the static challenge sets the heights."""


def challenge_target(x: Array) -> Array:
    """The challenge's target on ``[0, 1]``: ``0.5 + 0.3 sin(2 pi x) + 0.1 cos(5 pi x)``."""
    x = np.asarray(x, dtype=float)
    return 0.5 + 0.3 * np.sin(2 * np.pi * x) + 0.1 * np.cos(5 * np.pi * x)


class DesignChallenge:
    """The function design challenge: a target, ``N`` bumps, a score and a threshold.

    Bump ``i`` has steepness ``relative_steepness / w`` for bump width ``w``. The score is the
    mean absolute error between the network and the target on ``n_eval`` points of
    ``[0, 1]``; the challenge is won when it is below ``threshold``.

    Parameters
    ----------
    target
        The function to approximate on ``[0, 1]`` (vectorized).
    n_bumps
        ``N``, the number of bumps the live reader controls.
    threshold
        Success when the mean absolute error is below this.
    relative_steepness
        Steepness of every unit times the bump width.
    static_n_bumps
        The numbers of bumps the precomputed version offers.
    units
        The unit types offered.
    mode
        ``"live"``, ``"static"`` or ``"auto"`` (see :class:`mlp.figures.frames.Frames`).
    n_eval
        Number of points of ``[0, 1]`` the score uses.

    Attributes
    ----------
    frames : Frames
        The figure to display: precomputed, or in a kernel the richer :meth:`live_view`.
    live_frames : Frames or None
        The height sliders' figure, once :meth:`live_view` has been built.
    """

    def __init__(
        self,
        target: Callable[[Array], Array] = challenge_target,
        *,
        n_bumps: int = 6,
        threshold: float = 0.06,
        relative_steepness: float = 6.0,
        static_n_bumps: Sequence[int] = (3, 6, 12, 24),
        units: Sequence[str] = UNITS,
        mode: str = "auto",
        n_eval: int = 501,
    ) -> None:
        self.target, self.units = target, list(units)
        self.n_bumps, self.threshold = int(n_bumps), float(threshold)
        self.relative_steepness = float(relative_steepness)
        self.x = np.linspace(0.0, 1.0, n_eval)
        self.t = np.asarray(target(self.x), dtype=float)
        self.centres, _ = bump_layout(0.0, 1.0, self.n_bumps)
        self.net: MLP | None = None
        self.last_score: float | None = None
        self.live_frames: Frames | None = None
        self._fig: Figure | None = None
        self.show_net: widgets.ToggleButton | None = None  # the live view's (made there)
        self.net_view: widgets.HTML | None = None
        self.frames = Frames(
            on_figure(self.draw_static, figsize=FIGSIZE, dpi=DPI),
            [
                Control("unit", self.units, "unit type"),
                Control("n_bumps", [int(n) for n in static_n_bumps], "number of bumps N"),
                Control("rule", HEIGHT_RULES, "heights"),
            ],
            alt=lambda unit, n_bumps, rule: (
                f"The target curve and a sum of {n_bumps} bumps of {UNIT_LABELS[unit]} "
                f"units whose heights are set by: {rule}"
            ),
            mode=mode,
            live=self.live_view,
        )

    # -- the construction ------------------------------------------------------------------
    def steepness(self, n_bumps: int) -> float:
        """``relative_steepness / w`` for ``n_bumps`` bumps of width ``w = 1 / (n_bumps - 1)``."""
        return self.relative_steepness * (n_bumps - 1)

    def network(self, unit: str, heights: Sequence[float] | Array) -> MLP:
        """The MLP whose output is the sum of ``len(heights)`` bumps of ``unit`` units."""
        h = np.asarray(heights, dtype=float).ravel()
        _, edges = bump_layout(0.0, 1.0, h.size)
        return bump_network(edges, h, unit=unit, steepness=self.steepness(h.size))

    def heights(self, unit: str, n_bumps: int, rule: str) -> Array:
        """Heights set by ``rule``: the target at each centre, or the least-squares fit."""
        if rule == "target at centres":
            return np.asarray(self.target(bump_layout(0.0, 1.0, n_bumps)[0]), dtype=float)
        if rule == "least squares":
            k = self.steepness(n_bumps)
            net, _ = approximate_function(self.target, 0, 1, n_bumps, unit, k, heights="lstsq")
            # W^(2) holds +h_i first among each bump's 2 (ReLU: 4) hidden units
            return net.params()[1][0][0, :: 2 * UNITS_PER_STEP[unit]].copy()
        raise ValueError(f"rule must be one of {HEIGHT_RULES}, got {rule!r}")

    def score(self, net: MLP) -> float:
        """Mean absolute error between ``net`` and the target on ``[0, 1]``."""
        return float(np.mean(np.abs(net.forward(self.x[:, None])[:, 0] - self.t)))

    # -- drawing ---------------------------------------------------------------------------
    def _setup(self, fig: Figure) -> None:
        ax = fixed_axes(fig, AXES_RECT)
        ax.plot(self.x, self.t, color="black", lw=1.5, ls="--")
        (self._out,) = ax.plot([], [], lw=2.5)
        (self._bars,) = ax.plot([], [], "o", ms=4, color="0.4")
        ax.set(xlim=(0, 1), ylim=(-0.1, 1.1), xlabel="$x$", ylabel="$y$")
        handles = side_legend(
            ax,
            [
                ("target", {"color": "black", "lw": 1.5, "ls": "--"}),
                ("network\noutput", {"color": "0.35", "lw": 2.5}),
                ("bump heights", {"color": "0.4", "marker": "o", "ms": 4, "ls": "none"}),
            ],
        )
        self._out_handle = handles[1]
        ax.set_title("Function design challenge: match the dashed curve", fontsize=10)
        freeze_static(fig, [self._out, self._bars, self._out_handle])
        self._fig = fig

    def _draw(self, fig: Figure, unit: str, heights: Array) -> str:
        """Draw the bumps of these heights; return the score's text."""
        if self._fig is not fig:
            self._setup(fig)
        self.net = net = self.network(unit, heights)
        self.last_score = err = self.score(net)
        self._out.set_data(self.x, net.forward(self.x[:, None])[:, 0])
        for artist in (self._out, self._out_handle):
            artist.set_color(UNIT_COLOURS[unit])
        self._bars.set_data(bump_layout(0.0, 1.0, len(heights))[0], heights)
        what = f"{UNIT_LABELS[unit]} units, {len(heights)} bumps: "
        if err < self.threshold:
            return (
                f'{what}<b style="color:#2a7a2a">Success:</b> mean absolute error {err:.3f} is '
                f"below the threshold {self.threshold:g}."
            )
        return f"{what}<b>Mean absolute error {err:.3f}</b>; the goal is below {self.threshold:g}."

    def draw_static(self, fig: Figure, unit: str, n_bumps: int, rule: str) -> str:
        """Precomputed frame: ``n_bumps`` bumps with heights set by ``rule``."""
        text = self._draw(fig, unit, self.heights(unit, int(n_bumps), rule))
        return (
            f"{text} {self.net.sizes[1]} hidden units."  # type: ignore[union-attr]
            "<details><summary>Show the network</summary>"
            + weights_html(self.net)  # type: ignore[arg-type]
            + "</details>"
        )

    def draw_live(self, fig: Figure, unit: str, **heights: float) -> str:
        """Live frame: ``heights`` are ``h1=..., h2=..., ...`` (one per bump)."""
        h = np.array([heights[f"h{i + 1}"] for i in range(len(heights))], dtype=float)
        text = self._draw(fig, unit, h)
        self._refresh_net_view()
        return text

    def live_view(self) -> widgets.Widget:
        """The richer live figure: one slider per height, and the network on demand."""
        names = [f"h{i + 1}" for i in range(self.n_bumps)]
        self.live_frames = Frames(
            on_figure(self.draw_live, figsize=FIGSIZE, dpi=DPI),
            [Control("unit", self.units, "unit type")]
            + [Control(h, [0.0, 1.0], f"height {h}", live_step=0.01) for h in names],
            alt="The target curve and the sum of bumps with the chosen heights",
            initial=dict.fromkeys(names, 0.5),
            mode="live",
        )
        self.show_net = widgets.ToggleButton(value=False, description="show the network")
        self.net_view = widgets.HTML()
        self.show_net.observe(lambda _: self._refresh_net_view(), names="value")
        return widgets.VBox([self.live_frames.widget, self.show_net, self.net_view])

    def _refresh_net_view(self) -> None:
        if self.show_net is None or self.net_view is None:
            return  # no live view yet (the static book has none)
        if self.show_net.value and self.net is not None:
            self.net_view.value = (
                f"The MLP 1-{self.net.sizes[1]}-1 behind the picture:" + weights_html(self.net)
            )
        else:
            self.net_view.value = ""
