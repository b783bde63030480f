"""The sigmoid-to-step and bump-builder figures of the universality chapter (on Frames).

* :class:`SigmoidStep`: a steepness slider showing ``sigma(k (x - s))`` (and a ReLU ramp)
  approach the hard threshold ``I[x > s]``.
* :class:`BumpBuilder`: one bump made of hard-threshold, sigmoid or ReLU units, with each
  hidden unit's contribution, their sum, and the weights ``W^(1), b^(1), W^(2), b^(2)`` of
  the MLP they form.

The design challenge is in :mod:`mlp.figures.bump_challenge`. Each figure object holds the
drawing, ``draw(fig, **values) -> html``, and its :class:`~mlp.figures.frames.Frames`
(``.frames``: display it), which decides live or precomputed. The drawing keeps one
persistent figure and only updates its artists' data (:mod:`mlp.figures.fast_redraw`), so a
live update stays well under 50 ms (``benchmarks/bench_widgets.py``). Every curve is
computed by ``MLP.forward`` of the network that :mod:`mlp.universality` builds, so the
picture and the printed weights cannot disagree.

Examples
--------
>>> b = BumpBuilder(mode="live")
>>> b.frames.set(unit="relu", height=0.5)
>>> b.net.sizes
[1, 4, 1]
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from mlp.activations import relu, sigmoid
from mlp.bump_networks import UNITS, bump_network, hidden_contributions
from mlp.figures.fast_redraw import fixed_axes, freeze_static, side_legend
from mlp.figures.frames import Control, Frames, on_figure, static_mode
from mlp.network import MLP

__all__ = [
    "AXES_RECT",
    "DPI",
    "EDGES",
    "FIGSIZE",
    "POSITIONS",
    "STATIC_BUMP",
    "STEEPNESS",
    "UNIT_COLOURS",
    "UNIT_LABELS",
    "BumpBuilder",
    "SigmoidStep",
    "freeze_static",
    "weights_html",
]

UNIT_COLOURS = {"step": "#1f77b4", "sigmoid": "#ff7f0e", "relu": "#2ca02c"}
"""One colour per unit type, shared by every figure of the chapter."""

UNIT_LABELS = {"step": "hard threshold", "sigmoid": "sigmoid", "relu": "ReLU"}
"""Readable names of the unit types."""

FIGSIZE, DPI = (5.0, 2.6), 70
"""Size and resolution of the chapter's interactive figures (small frames for the book)."""

AXES_RECT = (0.14, 0.18, 0.55, 0.7)
"""The plot's position in the figure; the legend sits to its right."""


STEEPNESS = (
    1,
    1.25,
    1.6,
    2,
    2.5,
    3.2,
    4,
    5,
    6.4,
    8,
    10,
    12.5,
    16,
    20,
    25,
    32,
    40,
    50,
    64,
    80,
    100,
    128,
)
"""The 22 steepnesses the static sigmoid-to-step figure offers (three per doubling)."""

POSITIONS = tuple(round(0.25 + 0.025 * i, 3) for i in range(21))
"""Its step positions, 0.25 to 0.75 in steps of 0.025."""

EDGES = (
    tuple(round(0.1 + 0.02 * i, 2) for i in range(20)),
    tuple(round(0.52 + 0.02 * i, 2) for i in range(20)),
)
"""The static bump builder's left edges (0.1 to 0.48) and right edges (0.52 to 0.9)."""

STATIC_BUMP = {"steepness": 10, "height": 1.0}
"""What the static bump builder keeps fixed (its sliders move the edges)."""


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
"""Digits to superscript digits, for layer numbers written as in the lecture: W⁽¹⁾."""


def weights_html(net: MLP, precision: int = 3) -> str:
    """The parameters of a network as a compact monospace HTML block.

    One line per layer: ``W⁽ˡ⁾`` (rows are units) and ``b⁽ˡ⁾``, rounded to ``precision``
    significant digits, followed by the activation.
    """
    lines = []
    with np.printoptions(precision=precision, suppress=True, linewidth=200, threshold=100):
        for i, ((W, b), act) in enumerate(zip(net.params(), net.activations, strict=True), 1):
            w_txt = np.array2string(np.round(W, 6), separator=", ").replace("\n", "")
            b_txt = np.array2string(np.round(b, 6), separator=", ")
            sup = f"⁽{str(i).translate(SUPERSCRIPT)}⁾"
            lines.append(f"W{sup} = {w_txt}   b{sup} = {b_txt}   [{act}]")
    body = html.escape("\n".join(lines))
    return f'<pre class="mlp-weights" style="font-size:0.8em;margin:0.2em 0">{body}</pre>'


class SigmoidStep:
    """A sigmoid ``sigma(k (x - s))`` and a ReLU ramp approaching the step ``I[x > s]``.

    Parameters
    ----------
    steepness, position
        The values the static book precomputes (live sliders move in steps of 1 and 0.01
        between the smallest and largest).
    mode
        ``"live"``, ``"static"`` or ``"auto"`` (see :class:`mlp.figures.frames.Frames`).
    delta
        Half-width of the window around ``s`` excluded from the reported gap.
    """

    def __init__(
        self,
        steepness: Sequence[float] = STEEPNESS,
        position: Sequence[float] = POSITIONS,
        *,
        mode: str = "auto",
        delta: float = 0.05,
    ) -> None:
        self.x = np.linspace(0.0, 1.0, 401)
        self.delta = float(delta)
        self._fig: Figure | None = None
        self.frames = Frames(
            on_figure(self.draw, figsize=FIGSIZE, dpi=DPI),
            [
                Control("steepness", steepness, "steepness k", live_step=1),
                Control("position", position, "step position s", live_step=0.01),
            ],
            alt=lambda steepness, position: (
                f"A sigmoid with steepness {steepness} and a ReLU ramp compared with a hard "
                f"threshold at x = {position}"
            ),
            initial={"steepness": steepness[min(6, len(steepness) - 1)]},
            mode=mode,
        )

    def gap(self, steepness: float) -> float:
        """Largest gap ``|sigma(k (x - s)) - I[x > s]|`` for ``|x - s| >= delta``.

        The sigmoid is monotone, so the gap is largest at ``|x - s| = delta``: ``sigma(-k delta)``.
        """
        return float(sigmoid(-steepness * self.delta))

    def _setup(self, fig: Figure) -> None:
        ax = fixed_axes(fig, AXES_RECT)
        (self._step,) = ax.plot([], [], color=UNIT_COLOURS["step"], lw=2)
        (self._sig,) = ax.plot([], [], color=UNIT_COLOURS["sigmoid"], lw=2)
        (self._relu,) = ax.plot([], [], color=UNIT_COLOURS["relu"], lw=1.5, ls="--")
        self._band = ax.axvspan(0.45, 0.55, color="0.9", zorder=0)
        ax.set(xlim=(0, 1), ylim=(-0.08, 1.08), xlabel="$x$", ylabel="unit output")
        side_legend(
            ax,
            [
                ("hard threshold", {"color": UNIT_COLOURS["step"], "lw": 2}),
                ("sigmoid", {"color": UNIT_COLOURS["sigmoid"], "lw": 2}),
                ("ReLU step\n(2 units)", {"color": UNIT_COLOURS["relu"], "lw": 1.5, "ls": "--"}),
                (f"|x - s| < {self.delta:g}", {"color": "0.9", "lw": 6}),
            ],
        )
        ax.set_title("A sigmoid σ(k (x − s)) approaching a step", fontsize=10)
        freeze_static(fig, [self._step, self._sig, self._relu, self._band])
        self._fig = fig

    def draw(self, fig: Figure, steepness: float, position: float) -> str:
        """Draw the three curves for ``k = steepness`` and ``s = position``; return the text."""
        if self._fig is not fig:
            self._setup(fig)
        k, s, x = float(steepness), float(position), self.x
        z = k * (x - s)
        self._step.set_data([0, s, s, 1], [0, 0, 1, 1])
        self._sig.set_data(x, sigmoid(z))
        self._relu.set_data(x, relu(z + 0.5) - relu(z - 0.5))
        self._band.set_x(s - self.delta)
        self._band.set_width(2 * self.delta)
        return (
            f"weight <i>w</i> = <i>k</i> = {k:g}, bias <i>b</i> = &minus;<i>k s</i> = "
            f"{-k * s:.3g}, step position &minus;<i>b</i>/<i>w</i> = {s:.2f}. "
            f"Outside |<i>x</i> &minus; <i>s</i>| &lt; {self.delta:g} the sigmoid is within "
            f"<b>{self.gap(k):.2g}</b> of the hard threshold."
        )


class BumpBuilder:
    """One bump from two steps: choose the unit type, the step positions, steepness and height.

    The plot shows each hidden unit's contribution ``W^(2)_{1j} h_j(x)`` (thin lines) and
    the network output, their sum (thick line); the text prints the MLP's weights.
    A ReLU bump has four hidden units whose individual contributions are ramps that leave
    the plot; only their signed sum is a bump (a trapezoid).

    Parameters
    ----------
    units, left, right, steepness, height
        The controls' values (live sliders move continuously between the smallest and
        largest value).
    static_edges
        The left and right edges the static book precomputes, at steepness and height
        ``STATIC_BUMP`` (each edge slider at 20 places).
    mode
        ``"live"``, ``"static"`` or ``"auto"``.
    """

    def __init__(
        self,
        units: Sequence[str] = UNITS,
        left: Sequence[float] = (0.2, 0.4),
        right: Sequence[float] = (0.6, 0.8),
        steepness: Sequence[float] = (10, 40),
        height: Sequence[float] = (1.0, -0.5),
        *,
        static_edges: tuple[Sequence[float], Sequence[float]] = EDGES,
        mode: str = "auto",
    ) -> None:
        self.x = np.linspace(0.0, 1.0, 401)
        self.net: MLP | None = None
        self._fig: Figure | None = None
        controls = [
            Control("unit", units, "unit type"),
            Control("left", left, "step up at", live_step=0.01),
            Control("right", right, "step down at", live_step=0.01),
            Control("steepness", steepness, "steepness k", live_step=1),
            Control("height", height, "height h", live_step=0.05),
        ]
        draw, fixed = self.draw, {}
        if mode == "static" or (mode == "auto" and static_mode()):
            # every edge at 20 places: the product with two more sliders would be too big to
            # precompute, so the static figure keeps the steepness and height fixed
            controls = controls[:1] + [
                Control(c.name, edges, c.description)
                for c, edges in zip(controls[1:3], static_edges, strict=True)
            ]
            fixed = dict(STATIC_BUMP)
            draw = functools.partial(self.draw, **fixed)
        self.frames = Frames(
            on_figure(draw, figsize=FIGSIZE, dpi=DPI),
            controls,
            alt=lambda unit, left, right, **more: (
                f"A bump of height {more.get('height', fixed.get('height'))} between x = {left} "
                f"and x = {right} made of {UNIT_LABELS[unit]} units with steepness "
                f"{more.get('steepness', fixed.get('steepness'))}, with each hidden unit's "
                "contribution drawn thin and their sum thick"
            ),
            mode=mode,
        )

    @staticmethod
    def network(unit: str, left: float, right: float, steepness: float, height: float) -> MLP:
        """The MLP of the bump: up at ``left``, down at ``right``, output weight ``height``."""
        return bump_network([[left, right]], [height], unit=unit, steepness=steepness)

    def _setup(self, fig: Figure) -> None:
        ax = fixed_axes(fig, AXES_RECT)
        ax.axhline(0, color="0.6", lw=0.8)
        styles = ["--", ":", "-.", (0, (1, 3))]
        self._parts = [ax.plot([], [], lw=1, ls=ls, color="0.35")[0] for ls in styles]
        (self._sum,) = ax.plot([], [], lw=2.5)
        self._marks = [ax.axvline(0, color="0.7", lw=0.8, ls=":") for _ in range(2)]
        ax.set(xlim=(0, 1), ylim=(-1.35, 1.35), xlabel="$x$", ylabel="contribution to $y$")
        handles = side_legend(
            ax,
            [
                ("hidden unit\ncontributions", {"color": "0.35", "lw": 1, "ls": "--"}),
                ("output y\n(their sum)", {"color": "0.35", "lw": 2.5}),
            ],
        )
        self._sum_handle = handles[1]
        ax.set_title("A bump: a step up plus a step down", fontsize=10)
        freeze_static(fig, [*self._parts, self._sum, *self._marks, self._sum_handle])
        self._fig = fig

    def draw(
        self, fig: Figure, unit: str, left: float, right: float, steepness: float, height: float
    ) -> str:
        """Draw the bump for these control values; return the weights as HTML."""
        if self._fig is not fig:
            self._setup(fig)
        net = self.net = self.network(unit, float(left), float(right), float(steepness), height)
        parts = hidden_contributions(net, self.x)
        for j, line in enumerate(self._parts):
            line.set_visible(j < parts.shape[1])
            if j < parts.shape[1]:
                line.set_data(self.x, parts[:, j])
        self._sum.set_data(self.x, net.forward(self.x[:, None])[:, 0])
        for artist in (self._sum, self._sum_handle):
            artist.set_color(UNIT_COLOURS[unit])
        for mark, pos in zip(self._marks, (left, right), strict=True):
            mark.set_xdata([pos, pos])
        note = (
            " Each ReLU alone is an unbounded ramp (it leaves the plot); only their signed sum "
            "is the trapezoid."
            if unit == "relu"
            else ""
        )
        return (
            f"<b>{UNIT_LABELS[unit]} units.</b> "
            f"The MLP 1-{net.sizes[1]}-1 with activations [{unit}, identity] that draws this bump "
            f"(<i>y</i> = W⁽²⁾ {unit}(W⁽¹⁾<i>x</i> + b⁽¹⁾) + b⁽²⁾):{note}" + weights_html(net)
        )
