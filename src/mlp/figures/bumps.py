"""The three interactive figures of the "Expressive power" chapters, on
:class:`~mlp.figures.frames.Explorer`.

* :class:`SigmoidStep`: a steepness slider showing ``sigma(k (x - s))`` (and a ReLU ramp)
  approach the hard threshold ``I[x > s]``.
* :class:`BumpBuilder`: one bump made of hard-threshold, sigmoid or ReLU units, with each
  hidden unit's contribution, their sum, and the weights ``W^(1), b^(1), W^(2), b^(2)`` of
  the MLP they form.
* :class:`DesignChallenge`: a target function, ``N`` bumps, a live error score with a
  success threshold, and the network behind the picture.

Each widget keeps one persistent figure and updates its artists' data (``set_data``) instead
of redrawing from scratch, so a live update (recompute, redraw, PNG) stays well under 50 ms
(``benchmarks/bench_widgets.py``). Each drawing function is a plain method
``draw(fig, **values) -> html`` that can be called headless, which is how the tests and the
benchmark drive them. Every curve shown is computed by ``MLP.forward`` of the network that
:mod:`mlp.universality` builds, so the picture and the printed weights cannot disagree.

In the static book (``MLP_STATIC_WIDGETS=1``) every state is precomputed by
:class:`mlp.figures.frames.Explorer`; the controls' value lists below keep each widget within about
150 frames. The challenge cannot precompute every combination of ``N`` free heights, so its
static version lets the reader choose the unit type, the number of bumps and how the heights
are set (the target's value at each centre, or least squares); the live version adds one
slider per height.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from mlp.activations import relu, sigmoid
from mlp.figures.frames import Control, Explorer
from mlp.network import MLP
from mlp.universality import (
    UNITS,
    _fit_bump_heights,
    bump_layout,
    bump_network,
    hidden_contributions,
)

Array = np.ndarray

UNIT_COLOURS = {"step": "#1f77b4", "sigmoid": "#ff7f0e", "relu": "#2ca02c"}
"""One colour per unit type, shared by every figure of the chapter."""

UNIT_LABELS = {"step": "hard threshold", "sigmoid": "sigmoid", "relu": "ReLU"}
"""Readable names of the unit types."""

__all__ = [
    "UNIT_COLOURS",
    "UNIT_LABELS",
    "BumpBuilder",
    "DesignChallenge",
    "SigmoidStep",
    "challenge_target",
    "freeze_static",
    "weights_html",
]


def weights_html(net: MLP, precision: int = 3) -> str:
    """The parameters of a network as a compact monospace HTML block.

    One line per layer: ``W^(l)`` (rows are units) and ``b^(l)``, rounded to ``precision``
    significant digits, followed by the activation.
    """
    lines = []
    with np.printoptions(precision=precision, suppress=True, linewidth=200, threshold=100):
        for i, ((W, b), act) in enumerate(zip(net.params(), net.activations, strict=True), 1):
            w_txt = np.array2string(np.round(W, 6), separator=", ").replace("\n", "")
            b_txt = np.array2string(np.round(b, 6), separator=", ")
            lines.append(f"W({i}) = {w_txt}   b({i}) = {b_txt}   [{act}]")
    body = html.escape("\n".join(lines))
    return f'<pre class="mlp-weights" style="font-size:0.8em;margin:0.2em 0">{body}</pre>'


def _new_axes(fig: Figure, rect: Sequence[float]) -> Any:
    """Fixed-position axes: no layout engine runs on each redraw (that is the slow part)."""
    fig.clear()
    fig.set_layout_engine(None)
    return fig.add_axes(rect)


def _side_legend(ax: Any, entries: Sequence[tuple[str, dict[str, Any]]]) -> list[Any]:
    """A legend to the right of ``ax`` made of plain artists: one line sample and label each.

    Returns the sample lines, so a widget can recolour one without redrawing the labels.
    """
    lines = []
    for i, (label, style) in enumerate(entries):
        y = 0.9 - 0.16 * i
        xs = [1.10] if style.get("ls") == "none" else [1.04, 1.16]
        lines.append(ax.plot(xs, [y] * len(xs), transform=ax.transAxes, clip_on=False, **style)[0])
        ax.text(1.19, y, label, transform=ax.transAxes, va="center", fontsize=8)
    return lines


def freeze_static(fig: Figure, dynamic: Sequence[Any]) -> None:
    """Draw everything but ``dynamic`` once, into a bitmap placed behind the axes.

    The static artists (axes frame, ticks, labels, legend text) are then hidden, so each
    later ``savefig`` only draws the bitmap and the few dynamic artists: text layout is
    the slow part of a matplotlib redraw. Only valid while the figure is saved at its own
    dpi and its axes limits do not change (true for every widget here). Call it once, after
    building the figure and before the first update; any drawing callback of an
    :class:`~mlp.figures.frames.Explorer` can use it.

    Parameters
    ----------
    fig
        The figure (for an Explorer, the ``fig`` passed to its drawing function).
    dynamic
        The artists that change between updates (lines, images, texts...), and any static
        artist that must appear on top of one of them (dynamic artists are drawn over the
        bitmap).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    dynamic_ids = {id(a) for a in dynamic}
    for a in dynamic:
        a.set_visible(False)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    background = np.asarray(canvas.buffer_rgba()).copy()
    for a in dynamic:
        a.set_visible(True)
    for ax in fig.axes:
        for child in ax.get_children():
            if id(child) not in dynamic_ids:
                child.set_visible(False)
    fig.patch.set_visible(False)
    fig.add_artist(_Bitmap(background))


class _Bitmap(Artist):
    """A full-figure RGBA bitmap drawn pixel for pixel (no resampling, unlike ``figimage``)."""

    def __init__(self, rgba: Array) -> None:
        super().__init__()
        self._rows_bottom_up = np.ascontiguousarray(rgba[::-1])  # Agg's draw_image wants this
        self.set_zorder(-10)

    def draw(self, renderer: Any) -> None:
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self._rows_bottom_up)
        gc.restore()


# ---- sigmoid to step -----------------------------------------------------------------------


class SigmoidStep:
    """A sigmoid ``sigma(k (x - s))`` and a ReLU ramp approaching the step ``I[x > s]``.

    Parameters
    ----------
    steepness, position
        The values the static book precomputes (live sliders move continuously between the
        smallest and largest).
    mode
        ``"live"``, ``"static"`` or ``"auto"`` (see :class:`mlp.figures.frames.Explorer`).
    delta
        Half-width of the window around ``s`` excluded from the reported gap.
    """

    def __init__(
        self,
        steepness: Sequence[float] = (1, 2, 4, 8, 16, 32, 64, 128),
        position: Sequence[float] = (0.3, 0.5, 0.7),
        *,
        mode: str = "auto",
        delta: float = 0.05,
    ) -> None:
        self.x = np.linspace(0.0, 1.0, 401)
        self.delta = float(delta)
        self._fig: Figure | None = None
        controls = [
            Control("steepness", list(steepness), "steepness k", live_step=1),
            Control("position", list(position), "step position s", live_step=0.01),
        ]
        self.explorer = Explorer(
            self.draw,
            controls,
            alt=lambda steepness, position: (
                f"A sigmoid with steepness {steepness} and a ReLU ramp compared with a hard "
                f"threshold at x = {position}"
            ),
            mode=mode,
            figsize=(5.0, 2.6),
            dpi=70,
            initial={"steepness": list(steepness)[2] if len(steepness) > 2 else steepness[0]},
        )

    def gap(self, steepness: float) -> float:
        """Largest ``|sigma(k (x - s)) - I[x > s]|`` over ``|x - s| >= delta``: ``sigma(-k delta)``.

        Parameters
        ----------
        steepness
            ``k``.
        """
        return float(sigmoid(-steepness * self.delta))

    def _setup(self, fig: Figure) -> None:
        ax = _new_axes(fig, [0.14, 0.18, 0.55, 0.7])
        (self._step,) = ax.plot([], [], color=UNIT_COLOURS["step"], lw=2)
        (self._sig,) = ax.plot([], [], color=UNIT_COLOURS["sigmoid"], lw=2)
        (self._relu,) = ax.plot([], [], color=UNIT_COLOURS["relu"], lw=1.5, ls="--")
        self._band = ax.axvspan(0.45, 0.55, color="0.9", zorder=0)
        ax.set(xlim=(0, 1), ylim=(-0.08, 1.08), xlabel="$x$", ylabel="unit output")
        _side_legend(
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

    def _ipython_display_(self) -> None:
        self.explorer._ipython_display_()


# ---- bump builder --------------------------------------------------------------------------


class BumpBuilder:
    """One bump from two steps: choose the unit type, the step positions, steepness and height.

    The plot shows each hidden unit's contribution ``W^(2)_{1j} h_j(x)`` (thin lines) and
    the network output, their sum (thick line); the text prints the MLP's weights.
    A ReLU bump has four hidden units whose individual contributions are ramps that leave
    the plot; only their signed sum is a bump (a trapezoid).

    Parameters
    ----------
    units, left, right, steepness, height
        The values the static book precomputes for each control (live sliders move
        continuously between the smallest and largest value).
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
        mode: str = "auto",
    ) -> None:
        self.x = np.linspace(0.0, 1.0, 401)
        self.net: MLP | None = None
        self._fig: Figure | None = None
        controls = [
            Control("unit", list(units), "unit type"),
            Control("left", list(left), "step up at", live_step=0.01),
            Control("right", list(right), "step down at", live_step=0.01),
            Control("steepness", list(steepness), "steepness k", live_step=1),
            Control("height", list(height), "height h", live_step=0.05),
        ]
        self.explorer = Explorer(
            self.draw,
            controls,
            alt=lambda unit, left, right, steepness, height: (
                f"A bump of height {height} between x = {left} and x = {right} made of "
                f"{UNIT_LABELS[unit]} units with steepness {steepness}, with each hidden unit's "
                "contribution drawn thin and their sum thick"
            ),
            mode=mode,
            figsize=(5.0, 2.6),
            dpi=70,
        )

    @staticmethod
    def network(unit: str, left: float, right: float, steepness: float, height: float) -> MLP:
        """The MLP of the bump: up at ``left``, down at ``right``, output weight ``height``."""
        return bump_network([[left, right]], [height], unit=unit, steepness=steepness)

    def _setup(self, fig: Figure) -> None:
        ax = _new_axes(fig, [0.14, 0.18, 0.55, 0.7])
        ax.axhline(0, color="0.6", lw=0.8)
        styles = ["--", ":", "-.", (0, (1, 3))]
        self._parts = [ax.plot([], [], lw=1, ls=ls, color="0.35")[0] for ls in styles]
        (self._sum,) = ax.plot([], [], lw=2.5)
        self._marks = [ax.axvline(0, color="0.7", lw=0.8, ls=":") for _ in range(2)]
        ax.set(xlim=(0, 1), ylim=(-1.35, 1.35), xlabel="$x$", ylabel="contribution to $y$")
        handles = _side_legend(
            ax,
            [
                ("hidden unit\ncontributions", {"color": "0.35", "lw": 1, "ls": "--"}),
                ("output y\n(their sum)", {"color": "0.35", "lw": 2.5}),
            ],
        )
        self._sum_handle = handles[1]
        ax.set_title("A bump: a step up plus a step down", fontsize=10)
        dynamic = [*self._parts, self._sum, *self._marks, self._sum_handle]
        freeze_static(fig, dynamic)
        self._fig = fig

    def draw(
        self, fig: Figure, unit: str, left: float, right: float, steepness: float, height: float
    ) -> str:
        """Draw the bump for these control values; return the weights as HTML."""
        if self._fig is not fig:
            self._setup(fig)
        net = self.network(unit, float(left), float(right), float(steepness), float(height))
        self.net = net
        x = self.x
        parts = hidden_contributions(net, x)
        for j, line in enumerate(self._parts):
            if j < parts.shape[1]:
                line.set_data(x, parts[:, j])
                line.set_visible(True)
            else:
                line.set_visible(False)
        self._sum.set_data(x, net.forward(x[:, None])[:, 0])
        self._sum.set_color(UNIT_COLOURS[unit])
        self._sum_handle.set_color(UNIT_COLOURS[unit])
        for mark, pos in zip(self._marks, (left, right), strict=True):
            mark.set_xdata([pos, pos])
        H = net.sizes[1]
        note = (
            " Each ReLU alone is an unbounded ramp (it leaves the plot); only their signed sum "
            "is the trapezoid."
            if unit == "relu"
            else ""
        )
        return (
            f"<b>{UNIT_LABELS[unit]} units.</b> "
            f"The MLP 1-{H}-1 with activations [{unit}, identity] that draws this bump "
            f"(<i>y</i> = W(2) {unit}(W(1) <i>x</i> + b(1)) + b(2)):{note}" + weights_html(net)
        )

    def _ipython_display_(self) -> None:
        self.explorer._ipython_display_()


# ---- function design challenge -------------------------------------------------------------


def challenge_target(x: Array) -> Array:
    """The challenge's target on ``[0, 1]``: ``0.5 + 0.3 sin(2 pi x) + 0.1 cos(5 pi x)``."""
    x = np.asarray(x, dtype=float)
    return 0.5 + 0.3 * np.sin(2 * np.pi * x) + 0.1 * np.cos(5 * np.pi * x)


HEIGHT_RULES = ("target at centres", "least squares")
"""How the static challenge sets the heights."""


class DesignChallenge:
    """Nielsen's function design challenge, for hard-threshold, sigmoid and ReLU units.

    ``N`` adjacent bumps cover ``[0, 1]`` (:func:`mlp.universality.bump_layout`), with
    steepness ``relative_steepness / w`` for bump width ``w``. The score is the mean absolute
    error between the network and the target on ``n_eval`` points of ``[0, 1]``; the
    challenge is won when it is below ``threshold``.

    Live mode: one slider per height plus the unit type, a "show the network" toggle.
    Static mode: the unit type, the number of bumps and the rule that sets the heights;
    the network is in a "Show the network" disclosure under each picture.

    Parameters
    ----------
    target
        The function to approximate on ``[0, 1]`` (vectorized).
    n_bumps
        ``N``, the number of bumps the live reader controls.
    threshold
        Success when the mean absolute error is below this.
    static_n_bumps
        The numbers of bumps the static version offers.
    mode
        ``"live"``, ``"static"`` or ``"auto"``.
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
        self.target = target
        self.n_bumps = int(n_bumps)
        self.threshold = float(threshold)
        self.relative_steepness = float(relative_steepness)
        self.x = np.linspace(0.0, 1.0, n_eval)
        self.t = np.asarray(target(self.x), dtype=float)
        self.net: MLP | None = None
        self.last_score: float | None = None
        self._fig: Figure | None = None
        self.show_net = widgets.ToggleButton(value=False, description="show the network")
        self.net_view = widgets.HTML()
        self.show_net.observe(lambda _: self._refresh_net_view(), names="value")
        centres, _ = bump_layout(0.0, 1.0, self.n_bumps)
        if mode == "auto":
            from mlp.figures.frames import static_mode

            mode = "static" if static_mode() else "live"
        self.mode = mode
        if mode == "live":
            controls = [Control("unit", list(units), "unit type")] + [
                Control(f"h{i + 1}", [0.0, 1.0], f"height h{i + 1}", live_step=0.01)
                for i in range(self.n_bumps)
            ]
            self.explorer = Explorer(
                self.draw_live,
                controls,
                alt=lambda **v: "The target curve and the sum of bumps with the chosen heights",
                mode="live",
                figsize=(5.0, 2.6),
                dpi=70,
                initial={f"h{i + 1}": 0.5 for i in range(self.n_bumps)},
            )
            self.widget: widgets.Widget = widgets.VBox(
                [self.explorer.widget, self.show_net, self.net_view]
            )
        else:
            controls = [
                Control("unit", list(units), "unit type"),
                Control("n_bumps", [int(n) for n in static_n_bumps], "number of bumps N"),
                Control("rule", list(HEIGHT_RULES), "heights"),
            ]
            self.explorer = Explorer(
                self.draw_static,
                controls,
                alt=lambda unit, n_bumps, rule: (
                    f"The target curve and a sum of {n_bumps} bumps of {UNIT_LABELS[unit]} "
                    f"units whose heights are set by: {rule}"
                ),
                mode=mode,
                figsize=(5.0, 2.6),
                dpi=70,
            )
            self.widget = self.explorer.widget
        self.centres = centres

    # -- the construction ------------------------------------------------------------------
    def network(self, unit: str, heights: Sequence[float] | Array) -> MLP:
        """The MLP whose output is the sum of ``len(heights)`` bumps of ``unit`` units."""
        h = np.asarray(heights, dtype=float).ravel()
        _, edges = bump_layout(0.0, 1.0, h.size)
        k = self.relative_steepness * (h.size - 1)  # relative_steepness / w, w = 1/(N - 1)
        return bump_network(edges, h, unit=unit, steepness=k)

    def heights(self, unit: str, n_bumps: int, rule: str) -> Array:
        """Heights set by ``rule``: the target at each centre, or the least-squares fit."""
        centres, edges = bump_layout(0.0, 1.0, n_bumps)
        if rule == "target at centres":
            return np.asarray(self.target(centres), dtype=float)
        if rule == "least squares":
            k = self.relative_steepness * (n_bumps - 1)
            return _fit_bump_heights(edges, unit, k, self.target, 0.0, 1.0)
        raise ValueError(f"rule must be one of {HEIGHT_RULES}, got {rule!r}")

    def score(self, net: MLP) -> float:
        """Mean absolute error between ``net`` and the target on ``[0, 1]``."""
        return float(np.mean(np.abs(net.forward(self.x[:, None])[:, 0] - self.t)))

    # -- drawing ---------------------------------------------------------------------------
    def _setup(self, fig: Figure) -> None:
        ax = _new_axes(fig, [0.14, 0.18, 0.55, 0.7])
        ax.plot(self.x, self.t, color="black", lw=1.5, ls="--")
        (self._out,) = ax.plot([], [], lw=2.5)
        (self._bars,) = ax.plot([], [], "o", ms=4, color="0.4")
        ax.set(xlim=(0, 1), ylim=(-0.1, 1.1), xlabel="$x$", ylabel="$y$")
        handles = _side_legend(
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

    def _draw(self, fig: Figure, unit: str, heights: Array) -> tuple[MLP, float]:
        if self._fig is not fig:
            self._setup(fig)
        net = self.network(unit, heights)
        y = net.forward(self.x[:, None])[:, 0]
        err = float(np.mean(np.abs(y - self.t)))
        centres, _ = bump_layout(0.0, 1.0, len(heights))
        self._out.set_data(self.x, y)
        self._out.set_color(UNIT_COLOURS[unit])
        self._out_handle.set_color(UNIT_COLOURS[unit])
        self._bars.set_data(centres, heights)
        self.net, self.last_score = net, err
        return net, err

    def _score_html(self, err: float, unit: str, n_bumps: int) -> str:
        what = f"{UNIT_LABELS[unit]} units, {n_bumps} bumps: "
        if err < self.threshold:
            return (
                f'{what}<b style="color:#2a7a2a">Success:</b> mean absolute error {err:.3f} is '
                f"below the threshold {self.threshold:g}."
            )
        return f"{what}<b>Mean absolute error {err:.3f}</b>; the goal is below {self.threshold:g}."

    def draw_live(self, fig: Figure, unit: str, **heights: float) -> str:
        """Live drawing: ``heights`` are ``h1=..., h2=..., ...`` (one per bump)."""
        h = np.array([heights[f"h{i + 1}"] for i in range(len(heights))], dtype=float)
        _, err = self._draw(fig, unit, h)
        self._refresh_net_view()
        return self._score_html(err, unit, h.size)

    def draw_static(self, fig: Figure, unit: str, n_bumps: int, rule: str) -> str:
        """Static drawing: ``n_bumps`` bumps with heights set by ``rule``."""
        h = self.heights(unit, int(n_bumps), rule)
        net, err = self._draw(fig, unit, h)
        return (
            self._score_html(err, unit, int(n_bumps))
            + f" {net.sizes[1]} hidden units.<details><summary>Show the network</summary>"
            + weights_html(net)
            + "</details>"
        )

    def _refresh_net_view(self) -> None:
        if self.show_net.value and self.net is not None:
            self.net_view.value = (
                f"The MLP 1-{self.net.sizes[1]}-1 behind the picture:" + weights_html(self.net)
            )
        else:
            self.net_view.value = ""

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
