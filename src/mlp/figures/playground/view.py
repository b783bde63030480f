"""The view of the playground: pictures of a playground model, and its widgets.

* :func:`render_html` draws one state as inline SVG: the input features and every hidden
  unit as small maps of their output over the plane, the weights as edges (thickness
  ``|w|``, blue positive, orange negative) or, after a single step, the error signals
  ``W_bar`` on the edges; the output's decision map with the data; the loss curves. It is
  plain string building plus tiny palette PNGs, so a redraw takes a few milliseconds.
* :class:`PlaygroundWidget` is the live trainer for a running kernel: every control of
  the TensorFlow Playground, play / pause (an ``ipywidgets.Play`` drives the steps, no
  background thread), step (one minibatch, showing its error signals), reset, presets,
  the configuration as a share string, and "show the network" as ``mlp`` code.
* :class:`PresetTour` is the static-book version: each preset's run precomputed, a preset
  toggle times an epoch slider, built on :class:`mlp.figures.frames.Explorer`, so it scrubs in the
  browser with no kernel.
"""

from __future__ import annotations

import base64
import html
import re
import struct
import zlib
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from mlp.figures.frames import Control, Explorer, static_mode
from mlp.figures.playground.model import (
    ACTIVATIONS,
    BOX,
    DATASETS,
    FEATURES,
    LEARNING_RATES,
    MAX_LAYERS,
    MAX_UNITS,
    PRESETS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    Playground,
    PlaygroundConfig,
    Snapshot,
)

Array = np.ndarray

__all__ = [
    "TOUR_EPOCHS",
    "PlaygroundWidget",
    "PresetTour",
    "map_png",
    "playground_widget",
    "render_html",
    "render_img",
]

ORANGE = np.array([245, 147, 34])
BLUE = np.array([8, 119, 189])
GREY = np.array([232, 234, 235])
_HEX = {"orange": "#f59322", "blue": "#0877bd"}
_LEVELS = 33


def _palette(levels: int = _LEVELS) -> Array:
    """``levels`` colours from orange (-1) through light grey (0) to blue (+1)."""
    s = np.linspace(-1.0, 1.0, levels)[:, None]
    neg = GREY + (ORANGE - GREY) * (-s)
    pos = GREY + (BLUE - GREY) * s
    return np.where(s < 0, neg, pos).round().astype(np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


_PLTE = _chunk(b"PLTE", _palette().tobytes())
_IEND = _chunk(b"IEND", b"")


def map_png(values: Array, *, discretize: bool = False) -> bytes:
    """A PNG (8-bit palette, one pixel per value) of a 2-D array ``values`` in ``[-1, 1]``.

    -1 is orange, 0 light grey, +1 blue, as in the TensorFlow Playground; values outside
    are clipped. The PNG is written directly with ``zlib`` (a few microseconds for the
    small maps), not through an imaging library.
    """
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=float)), -1.0, 1.0)
    if v.ndim != 2:
        raise ValueError(f"values must be a 2-D array, got shape {v.shape}")
    if discretize:
        v = np.where(v >= 0, 1.0, -1.0)
    idx = np.rint((v + 1.0) * 0.5 * (_LEVELS - 1)).astype(np.uint8)
    h, w = idx.shape
    rows = np.zeros((h, w + 1), dtype=np.uint8)  # each row starts with filter type 0
    rows[:, 1:] = idx
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)  # 8-bit, colour type 3 (palette)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _PLTE
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + _IEND
    )


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


# layout of the picture (pixels)
_W, _H = 840, 440
_NODE = 30
_GAP = 42
_MID = 235
_MAP_X, _MAP_Y, _MAP = 585, 40, 220
_IN_X, _OUT_X = 95, 520


def _column_x(n_hidden: int) -> list[float]:
    cols = [float(_IN_X)]
    for i in range(n_hidden):
        cols.append(_IN_X + (_OUT_X - _IN_X) * (i + 1) / (n_hidden + 1))
    cols.append(float(_OUT_X))
    return cols


def _node_y(n: int) -> list[float]:
    return [_MID + (i - (n - 1) / 2) * _GAP for i in range(n)]


def render_html(
    pg: Playground,
    *,
    show: str = "weights",
    resolution: int = 100,
    node_resolution: int = 10,
    show_test: bool = False,
    discretize: bool = False,
    tooltips: bool = True,
) -> str:
    """Draw the playground's current state as an HTML snippet (inline SVG).

    Parameters
    ----------
    pg
        The playground to draw.
    show
        ``"weights"`` (edge thickness ``|w|``, colour its sign) or ``"gradients"``: the
        error signals ``W_bar`` of the last step on the edges (thickness relative to the
        largest, colour the sign of ``W_bar``) and that step's minibatch ringed on the map.
    resolution, node_resolution
        Grid sizes of the output's decision map and of each unit's small map (the
        Playground uses 100 and 10).
    show_test
        Draw the test points (black outline) as well as the training points.
    discretize
        Show the output as two colours (the predicted class) instead of a probability.
    tooltips
        Add hover text with each weight's value (makes the HTML larger).
    """
    if show not in ("weights", "gradients"):
        raise ValueError(f"show must be 'weights' or 'gradients', got {show!r}")
    if show == "gradients" and pg.last_grads is None:
        show = "weights"  # no step taken yet: nothing to show but the weights
    c = pg.config
    net = pg.net
    maps = pg.hidden_maps(node_resolution)
    cols = _column_x(len(c.hidden))
    out: list[str] = []
    add = out.append
    h = pg.history
    e = pg.epoch
    acc_tr, acc_te = h.train_accuracy[-1], h.test_accuracy[-1]
    label = (
        f"Playground: {c.dataset} data, network {'-'.join(map(str, c.sizes))} "
        f"({c.activation} hidden units), epoch {e}, train accuracy {acc_tr:.0%}, "
        f"test accuracy {acc_te:.0%}"
    )
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" '
        f'style="width:100%;max-width:{_W}px;height:auto;font-family:sans-serif;font-size:11px" '
        f'role="img" aria-label="{html.escape(label, quote=True)}">'
    )
    add(
        "<style>.p0{fill:#f59322}.p1{fill:#0877bd}.tr{stroke:#fff;stroke-width:.8}"
        ".te{stroke:#000;stroke-width:1}.nb{fill:none;stroke:#555;stroke-width:1}"
        "text{fill:#222}.mu{fill:#666}.b,.o{stroke-opacity:.75;fill:none}.b{stroke:#0877bd}"
        ".o{stroke:#f59322}.z{stroke:#bbb;fill:none}.d{fill:none;stroke-linecap:round}</style>"
    )
    title = f"Epoch {e} · {pg.step_count} steps · " + (
        "error signals W̄ of the last minibatch step" if show == "gradients" else "weights"
    )
    add(f'<text x="10" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>')

    # ---- edges ----------------------------------------------------------------------
    positions = [_node_y(len(c.features))] + [_node_y(n) for n in c.hidden] + [_node_y(1)]
    if show == "gradients":
        mats = [g[0] for g in pg.last_grads]  # type: ignore[union-attr]
        gmax = max(float(np.abs(m).max()) for m in mats) or 1.0
    else:
        mats = [W for W, _ in net.params()]
        gmax = 5.0
    n_out = net.n_out
    # coordinates as strings once: the edges reuse them
    xs = [(_f(x + _NODE / 2), _f(x - _NODE / 2)) for x in cols]
    ys = [[_f(y) for y in col] for col in positions]
    for layer, M in enumerate(mats):
        x0, x1 = xs[layer][0], xs[layer + 1][1]
        ys0, ys1 = ys[layer], ys[layer + 1]
        Wl = net.params()[layer][0]
        last = layer + 1 == len(mats)
        if last and n_out == 2:
            # two softmax outputs: draw class 1's logit weights minus class 0's, which is
            # what decides the class
            M, Wl = M[1:] - M[:1], Wl[1:] - Wl[:1]
        widths = 0.4 + 6.0 * np.minimum(np.abs(M) / gmax, 1.0)
        for j in range(1 if last else M.shape[0]):
            for i in range(M.shape[1]):
                v = float(M[j, i])
                colour = "b" if v > 0 else "o" if v < 0 else "z"
                d = f"M{x0} {ys0[i]}L{x1} {ys1[j]}"
                if tooltips:
                    tip = f"W^({layer + 1})[{j + 1},{i + 1}] = {float(Wl[j, i]):.4g}"
                    if show == "gradients":
                        tip += f", error signal W̄ = {v:.4g}"
                    add(
                        f'<path class="{colour}" d="{d}" stroke-width="{widths[j, i]:.1f}">'
                        f"<title>{html.escape(tip)}</title></path>"
                    )
                else:
                    add(f'<path class="{colour}" d="{d}" stroke-width="{widths[j, i]:.1f}"/>')

    # ---- nodes with their small maps -------------------------------------------------
    def node(x: float, y: float, img: Array, tip: str) -> None:
        add(
            f'<image x="{_f(x - _NODE / 2)}" y="{_f(y - _NODE / 2)}" width="{_NODE}" '
            f'height="{_NODE}" href="{_data_uri(map_png(img))}" preserveAspectRatio="none"/>'
        )
        add(
            f'<rect class="nb" x="{_f(x - _NODE / 2)}" y="{_f(y - _NODE / 2)}" '
            f'width="{_NODE}" height="{_NODE}">'
            + (f"<title>{html.escape(tip)}</title>" if tooltips else "")
            + "</rect>"
        )

    for i, f in enumerate(c.features):
        m = maps[0][i]
        scale = float(np.abs(m).max()) or 1.0
        y = positions[0][i]
        node(cols[0], y, m / scale, f"input {FEATURES[f][0]}")
        add(
            f'<text x="{_f(cols[0] - _NODE / 2 - 5)}" y="{_f(y + 4)}" text-anchor="end">'
            f"{FEATURES[f][0]}</text>"
        )
    head_y = f"{_MID - 4.5 * _GAP - 8:.0f}"
    add(f'<text x="{_f(cols[0])}" y="{head_y}" text-anchor="middle">features</text>')
    for layer, width in enumerate(c.hidden, start=1):
        for j in range(width):
            b = float(net.params()[layer - 1][1][j])
            node(
                cols[layer],
                positions[layer][j],
                maps[layer][j],
                f"h^({layer})_{j + 1}, b = {b:.4g}",
            )
        add(
            f'<text x="{_f(cols[layer])}" y="{_MID - 4.5 * _GAP - 8:.0f}" text-anchor="middle">'
            f"layer {layer}</text>"
        )
        add(
            f'<text class="mu" x="{_f(cols[layer])}" y="{_MID - 4.5 * _GAP + 5:.0f}" '
            f'text-anchor="middle">{width} {c.activation}</text>'
        )
    out_small = maps[-1][0] * 2 - 1 if n_out == 1 else _softmax1(maps[-1]) * 2 - 1
    node(cols[-1], positions[-1][0], out_small, "output: probability of blue")
    add(f'<text x="{_f(cols[-1])}" y="{head_y}" text-anchor="middle">output</text>')

    # ---- the output's decision map with the data ---------------------------------------
    prob = pg.decision_map(resolution)
    add(
        f'<text x="{_MAP_X + _MAP / 2}" y="{_MAP_Y - 8}" text-anchor="middle" '
        f'font-weight="bold">Output: P(blue) over the plane</text>'
    )
    add(
        f'<image x="{_MAP_X}" y="{_MAP_Y}" width="{_MAP}" height="{_MAP}" '
        f'href="{_data_uri(map_png(prob * 2 - 1, discretize=discretize))}" '
        f'preserveAspectRatio="none"/>'
    )

    def to_px(X: Array) -> tuple[Array, Array]:
        px = _MAP_X + (X[:, 0] + BOX) / (2 * BOX) * _MAP
        py = _MAP_Y + (BOX - X[:, 1]) / (2 * BOX) * _MAP
        return px, py

    sets = [(pg.X_train, pg.t_train, "tr")]
    if show_test:
        sets.append((pg.X_test, pg.t_test, "te"))
    # each point is a zero-length round-capped stroke: a white (train) or black (test) dot
    # under a coloured one; all the halos first, so that no halo covers a neighbour's colour
    layers = []
    for X, t, cls in sets:
        px, py = to_px(X)
        for lab in (0, 1):
            pts = zip(px[t == lab], py[t == lab], strict=True)
            d = "".join(f"M{x:.1f} {y:.1f}h0" for x, y in pts)
            layers.append((d, "#fff" if cls == "tr" else "#000", _HEX["blue" if lab else "orange"]))
    for d, halo, _ in layers:
        add(f'<path class="d" d="{d}" stroke="{halo}" stroke-width="6.6"/>')
    for d, _, colour in layers:
        add(f'<path class="d" d="{d}" stroke="{colour}" stroke-width="4.8"/>')
    if show == "gradients" and pg.last_batch is not None:
        px, py = to_px(pg.X_train[pg.last_batch])
        for x, y in zip(px, py, strict=True):
            add(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="none" stroke="#000" '
                'stroke-width="1.5"/>'
            )
    add(
        f'<rect x="{_MAP_X}" y="{_MAP_Y}" width="{_MAP}" height="{_MAP}" fill="none" '
        'stroke="#555"/>'
    )
    for v in (-BOX, 0.0, BOX):
        x = _MAP_X + (v + BOX) / (2 * BOX) * _MAP
        y = _MAP_Y + (BOX - v) / (2 * BOX) * _MAP
        add(f'<text x="{_f(x)}" y="{_MAP_Y + _MAP + 12}" text-anchor="middle">{_f(v)}</text>')
        add(f'<text x="{_MAP_X - 4}" y="{_f(y + 4)}" text-anchor="end">{_f(v)}</text>')
    add(f'<text x="{_MAP_X + _MAP / 2}" y="{_MAP_Y + _MAP + 25}" text-anchor="middle">x₁</text>')
    add(f'<text x="{_MAP_X - 22}" y="{_MAP_Y + _MAP / 2}" text-anchor="middle">x₂</text>')

    # ---- loss curves ----------------------------------------------------------------------
    lx, ly, lw, lh = _MAP_X, _MAP_Y + _MAP + 52, _MAP, 70
    add(
        f'<text x="{lx}" y="{ly - 6}">loss: train {h.train_loss[-1]:.3f} (black), '
        f"test {h.test_loss[-1]:.3f} (grey)</text>"
    )
    add(f'<rect x="{lx}" y="{ly}" width="{lw}" height="{lh}" fill="none" stroke="#999"/>')
    top = max(max(h.train_loss), max(h.test_loss), 1e-12)
    emax = max(h.epoch[-1], 1)
    for values, colour, dash in (
        (h.test_loss, "#999", ' stroke-dasharray="3,2"'),
        (h.train_loss, "#000", ""),
    ):
        pts = " ".join(
            f"{lx + ep / emax * lw:.1f},{ly + lh - v / top * lh:.1f}"
            for ep, v in zip(h.epoch, values, strict=True)
        )
        add(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.4"{dash}/>')
    add(f'<text x="{lx}" y="{ly + lh + 12}">0</text>')
    add(f'<text x="{lx + lw}" y="{ly + lh + 12}" text-anchor="end">epoch {h.epoch[-1]}</text>')
    add(
        f'<text x="10" y="{_H - 10}">accuracy: train {acc_tr:.0%}, test {acc_te:.0%} · '
        f"loss {c.loss.replace('_', ' ')} · lr {c.lr:g} · batch {c.batch_size}"
        + (f" · {c.regularization} {c.reg_rate:g}" if c.regularization != "none" else "")
        + "</text>"
    )
    legend = (
        "edges: |W̄| (thickest = largest), blue W̄ &gt; 0, orange W̄ &lt; 0, grey W̄ = 0; "
        "ringed: the minibatch"
        if show == "gradients"
        else "edges: |w| (thicker = larger), blue w &gt; 0, orange w &lt; 0"
    )
    add(f'<text class="mu" x="10" y="{_H - 26}">{legend}</text>')
    add("</svg>")
    return "".join(out)


def render_img(pg: Playground, **kwargs: Any) -> str:
    """The picture of :func:`render_html` as an ``<img>`` (an SVG data URI) with alt text.

    Used for the precomputed frames of the static book: an image is what
    :mod:`mlp.figures.frames` frames hold, it carries its alt text, and its SVG is isolated from the
    page (hover texts are left out: an image has none).
    """
    svg = render_html(pg, **{**kwargs, "tooltips": False})
    alt = re.search(r'aria-label="([^"]*)"', svg)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{alt.group(1) if alt else ""}" '
        f'style="width:100%;max-width:{_W}px;height:auto">'
    )


def _softmax1(z: Array) -> Array:
    """Probability of class 1 from two logit maps ``(2, r, r)``."""
    return 1.0 / (1.0 + np.exp(np.clip(z[0] - z[1], -500, 500)))


# ---- the live widget -------------------------------------------------------------------------


class PlaygroundWidget:
    """The live playground: controls, play / pause / step / reset, and the picture.

    Parameters
    ----------
    config
        Starting configuration: a :class:`PlaygroundConfig`, a share string
        or a preset key.
    resolution, node_resolution
        Grid sizes of the decision map and of the units' small maps.
    interval
        Milliseconds between two ticks while playing; each tick trains one epoch.

    Notes
    -----
    Playing is driven by an ``ipywidgets.Play`` widget: the browser increments its value
    every ``interval`` ms and the kernel trains one epoch per change, so no thread runs in
    the background and a test can drive it by setting ``play.value``.
    """

    def __init__(
        self,
        config: PlaygroundConfig | str | None = None,
        *,
        resolution: int = 100,
        node_resolution: int = 10,
        interval: int = 200,
    ) -> None:
        self.pg = Playground(config)
        self.resolution = resolution
        self.node_resolution = node_resolution
        self.show = "weights"
        self._syncing = False
        c = self.pg.config
        style = {"description_width": "initial"}
        small = widgets.Layout(width="auto")
        self.preset = widgets.Dropdown(
            options=[("(choose a preset)", "")] + [(p.title, k) for k, p in PRESETS.items()],
            value="",
            description="preset",
            style=style,
        )
        self.preset_note = widgets.HTML()
        ctl: dict[str, widgets.Widget] = {
            "dataset": widgets.ToggleButtons(
                options=list(DATASETS), value=c.dataset, description="data", style=style
            ),
            "noise": widgets.IntSlider(
                value=c.noise, min=0, max=50, step=5, description="noise %", style=style
            ),
            "train_percent": widgets.IntSlider(
                value=c.train_percent, min=10, max=90, step=10, description="train %", style=style
            ),
            "batch_size": widgets.IntSlider(
                value=c.batch_size, min=1, max=30, description="batch size", style=style
            ),
            "activation": widgets.Dropdown(
                options=[("linear" if a == "identity" else a, a) for a in ACTIVATIONS],
                value=c.activation,
                description="activation",
                style=style,
            ),
            "loss": widgets.Dropdown(
                options=[
                    ("squared error", "squared_error"),
                    ("softmax cross-entropy", "cross_entropy"),
                ],
                value=c.loss,
                description="loss",
                style=style,
            ),
            "lr": widgets.Dropdown(
                options=[(f"{v:g}", v) for v in LEARNING_RATES],
                value=c.lr if c.lr in LEARNING_RATES else LEARNING_RATES[5],
                description="learning rate",
                style=style,
            ),
            "regularization": widgets.Dropdown(
                options=list(REGULARIZATIONS),
                value=c.regularization,
                description="regularization",
                style=style,
            ),
            "reg_rate": widgets.Dropdown(
                options=[(f"{v:g}", v) for v in REGULARIZATION_RATES],
                value=c.reg_rate if c.reg_rate in REGULARIZATION_RATES else 0.0,
                description="rate",
                style=style,
            ),
            "seed": widgets.BoundedIntText(
                value=c.seed,
                min=0,
                max=10**6,
                description="seed",
                style=style,
                layout=widgets.Layout(width="150px"),
            ),
        }
        self.controls = ctl
        self.feature_buttons = {
            f: widgets.ToggleButton(value=f in c.features, description=label, layout=small)
            for f, (label, _) in FEATURES.items()
        }
        self.n_layers = widgets.IntSlider(
            value=len(c.hidden), min=0, max=MAX_LAYERS, description="hidden layers", style=style
        )
        self.widths = [
            widgets.IntSlider(
                value=c.hidden[i] if i < len(c.hidden) else 4,
                min=1,
                max=MAX_UNITS,
                description=f"units in layer {i + 1}",
                style=style,
            )
            for i in range(MAX_LAYERS)
        ]
        self.play = widgets.Play(
            value=0,
            min=0,
            max=10**9,
            step=1,
            interval=interval,
            description="play / pause",
            show_repeat=False,
        )
        auto = widgets.Layout(width="auto")
        self.step_button = widgets.Button(
            description="step one minibatch", icon="step-forward", layout=auto
        )
        self.reset_button = widgets.Button(description="reset", icon="undo", layout=auto)
        self.show_test = widgets.Checkbox(value=False, description="show test data")
        self.discretize = widgets.Checkbox(value=False, description="discretize output")
        self.share = widgets.Text(
            value=c.to_string(),
            description="share",
            style=style,
            layout=widgets.Layout(width="95%"),
        )
        self.load_button = widgets.Button(description="load pasted config", layout=auto)
        self.code_button = widgets.Button(description="show the network", layout=auto)
        self.code = widgets.HTML()
        self.message = widgets.HTML()
        self.view = widgets.HTML()

        for w in ctl.values():
            w.observe(self._on_config, names="value")
        for w in [*self.feature_buttons.values(), self.n_layers, *self.widths]:
            w.observe(self._on_config, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.load_button.on_click(lambda _: self.load(self.share.value))
        self.code_button.on_click(lambda _: self.show_network())
        for w in (self.show_test, self.discretize):
            w.observe(lambda _: self.refresh(), names="value")
        self._sync_widths()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.preset, self.preset_note]),
                widgets.HBox([self.play, self.step_button, self.reset_button, self.message]),
                self.view,
                widgets.HBox([self.show_test, self.discretize]),
                ctl["dataset"],
                widgets.HBox([ctl["noise"], ctl["train_percent"], ctl["batch_size"]]),
                widgets.HBox([widgets.Label("features"), *self.feature_buttons.values()]),
                widgets.HBox([self.n_layers, ctl["activation"], ctl["loss"]]),
                widgets.HBox(self.widths[:3]),
                widgets.HBox(self.widths[3:]),
                widgets.HBox([ctl["lr"], ctl["regularization"], ctl["reg_rate"], ctl["seed"]]),
                widgets.HBox([self.share, self.load_button]),
                widgets.HBox([self.code_button]),
                self.code,
            ]
        )
        self.refresh()

    # ---- actions (also what the buttons call) --------------------------------------------
    def refresh(self) -> None:
        """Redraw the picture from the current state."""
        self.view.value = render_html(
            self.pg,
            show=self.show,
            resolution=self.resolution,
            node_resolution=self.node_resolution,
            show_test=self.show_test.value,
            discretize=self.discretize.value,
        )

    def tick(self) -> None:
        """One tick of play: train one epoch and redraw with the weights on the edges."""
        self.show = "weights"
        try:
            self.pg.train(1)
        except FloatingPointError as err:
            self.play.playing = False
            self.message.value = f'<span style="color:#b00">{html.escape(str(err))}; paused</span>'
        self.refresh()

    def step(self) -> None:
        """One minibatch update; the picture shows its error signals on the edges."""
        self.show = "gradients"
        try:
            self.pg.step()
        except FloatingPointError as err:
            self.message.value = f'<span style="color:#b00">{html.escape(str(err))}</span>'
        self.refresh()

    def reset(self) -> None:
        """New initial weights from the seed (the Playground's reset)."""
        self.pg.reset()
        self.show = "weights"
        self.message.value = ""
        self.refresh()

    def load(self, text: str) -> None:
        """Load a configuration (share string or preset key) and reset."""
        try:
            cfg = PRESETS[text].config if text in PRESETS else PlaygroundConfig.from_string(text)
        except ValueError as err:
            self.message.value = f'<span style="color:#b00">{html.escape(str(err))}</span>'
            return
        self._apply(cfg)

    def show_network(self) -> None:
        """Print the trained network as mlp code that rebuilds it."""
        self.code.value = (
            "<details open><summary>the trained network as the mlp.MLP it is</summary><pre>"
            + html.escape(self.pg.describe())
            + "</pre><p>Python that rebuilds it exactly:</p><pre>"
            + html.escape(self.pg.network_code())
            + "</pre></details>"
        )

    # ---- control plumbing -----------------------------------------------------------------
    def _config_from_controls(self) -> PlaygroundConfig:
        ctl = self.controls
        feats = tuple(f for f, b in self.feature_buttons.items() if b.value)
        hidden = tuple(w.value for w in self.widths[: self.n_layers.value])
        return self.pg.config.replace(
            dataset=ctl["dataset"].value,
            noise=ctl["noise"].value,
            train_percent=ctl["train_percent"].value,
            batch_size=ctl["batch_size"].value,
            activation=ctl["activation"].value,
            loss=ctl["loss"].value,
            lr=ctl["lr"].value,
            regularization=ctl["regularization"].value,
            reg_rate=ctl["reg_rate"].value,
            seed=ctl["seed"].value,
            features=feats,
            hidden=hidden,
        )

    def _on_config(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._sync_widths()
        try:
            cfg = self._config_from_controls()
        except (TypeError, ValueError) as err:
            self.message.value = f'<span style="color:#b00">{html.escape(str(err))}</span>'
            return
        self._apply(cfg, from_controls=True)

    def _on_preset(self, change: dict[str, Any]) -> None:
        key = change["new"]
        if key:
            self._apply(PRESETS[key].config)
            self.preset_note.value = f"<i>{html.escape(PRESETS[key].explanation)}</i>"

    def _on_tick(self, change: dict[str, Any]) -> None:
        if change["new"] > change["old"]:  # the stop button rewinds the value: no tick
            self.tick()

    def _apply(self, cfg: PlaygroundConfig, from_controls: bool = False) -> None:
        self.pg.set_config(cfg)
        self.show = "weights"
        self.message.value = ""
        self.code.value = ""
        if not from_controls:
            self._sync_controls()
            self.preset_note.value = ""
        self.share.value = cfg.to_string()
        self.refresh()

    def _sync_controls(self) -> None:
        c = self.pg.config
        self._syncing = True
        try:
            for name, w in self.controls.items():
                v = getattr(c, name)
                options = [o[1] if isinstance(o, tuple) else o for o in getattr(w, "options", [v])]
                if v in options or not hasattr(w, "options"):
                    w.value = v
            for f, b in self.feature_buttons.items():
                b.value = f in c.features
            self.n_layers.value = len(c.hidden)
            for i, wd in enumerate(self.widths):
                if i < len(c.hidden):
                    wd.value = c.hidden[i]
            self._sync_widths()
        finally:
            self._syncing = False

    def _sync_widths(self) -> None:
        for i, wd in enumerate(self.widths):
            wd.layout.display = "" if i < self.n_layers.value else "none"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def playground_widget(config: PlaygroundConfig | str | None = None, **kwargs: Any) -> Any:
    """The live :class:`PlaygroundWidget` in a kernel; in the static book, a note instead.

    In the static book (``MLP_STATIC_WIDGETS=1``) the controls could not train anything, so
    this returns an ``ipywidgets.HTML`` with the starting picture and a pointer to the
    precomputed :class:`PresetTour` and to a live session.
    """
    if not static_mode():
        return PlaygroundWidget(config, **kwargs)
    pg = Playground(config)
    return widgets.HTML(
        '<div class="mlp-playground-static" style="width:100%;white-space:normal">'
        + render_img(pg, resolution=50)
        + '<p class="mlp-mode">The live playground (play, pause, step, every control) needs '
        "a running Python kernel: open this page in Binder or JupyterLab. Below, the presets' "
        "runs are precomputed and you can scrub through their epochs.</p></div>"
    )


# ---- the precomputed tour of the presets ----------------------------------------------------

TOUR_EPOCHS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 300)
"""Epochs at which :class:`PresetTour` keeps each preset's state."""


class PresetTour(Explorer):
    """Each preset's training run, scrubbed by epoch: live in a kernel, precomputed in the book.

    Built on :class:`mlp.figures.frames.Explorer` with two controls, ``preset`` (toggle buttons) and
    ``epoch`` (a slider). Every preset is trained once up front and its state kept at
    ``epochs``; in the static book those states are drawn into frames that the controls
    switch in the browser. In a kernel the epoch slider moves by one epoch, and a state
    between the kept ones is reached by training on from the one before (the minibatch
    order is part of a :class:`~mlp.playground.Snapshot`, so it is the same run).

    Parameters
    ----------
    presets
        Keys of :data:`mlp.figures.playground.model.PRESETS` (default: all).
    epochs
        Epochs to keep, ascending (default :data:`TOUR_EPOCHS`).
    resolution, node_resolution
        Grid sizes of the decision map and of the small maps (kept small: page size).
    mode
        As for :class:`~mlp.figures.frames.Explorer`.
    """

    def __init__(
        self,
        presets: Sequence[str] | None = None,
        epochs: Sequence[int] = TOUR_EPOCHS,
        *,
        resolution: int = 50,
        node_resolution: int = 10,
        mode: str = "auto",
    ) -> None:
        keys = list(presets) if presets is not None else list(PRESETS)
        for k in keys:
            if k not in PRESETS:
                raise ValueError(f"presets: unknown preset {k!r}; choose from {', '.join(PRESETS)}")
        self.epochs = [int(e) for e in epochs]
        self.resolution = resolution
        self.node_resolution = node_resolution
        self.playgrounds: dict[str, Playground] = {}
        self.snapshots: dict[str, list[Snapshot]] = {}
        for k in keys:
            pg = Playground(PRESETS[k].config)
            self.snapshots[k] = pg.run(self.epochs)
            self.playgrounds[k] = pg
        super().__init__(
            self._draw_unused,
            [
                Control("preset", keys, "preset"),
                Control("epoch", self.epochs, "epoch", live_step=1),
            ],
            alt=self._alt_text,
            mode=mode,
        )

    @staticmethod
    def _draw_unused(fig: Any, **values: Any) -> None:  # pragma: no cover - never called
        raise RuntimeError("PresetTour draws SVG, not matplotlib")

    def _alt_text(self, preset: str, epoch: int) -> str:
        return f"{PRESETS[preset].title}, epoch {epoch}"

    def state(self, preset: str, epoch: int) -> Playground:
        """The playground of ``preset`` put in its state after ``epoch`` epochs."""
        pg = self.playgrounds[preset]
        snaps = self.snapshots[preset]
        before = [s for s in snaps if s.epoch <= epoch]
        if not before:
            raise ValueError(f"epoch must be >= {snaps[0].epoch}, got {epoch}")
        pg.restore(before[-1])
        pg.train(int(epoch) - before[-1].epoch)
        return pg

    def frame_html(self, *, fast: bool = False, **values: Any) -> str:
        """The HTML (picture and caption) of one (preset, epoch) state."""
        state = {**self.values, **values}
        preset, epoch = state["preset"], int(round(state["epoch"]))
        pg = self.state(preset, epoch)
        p = PRESETS[preset]
        svg = render_img(pg, resolution=self.resolution, node_resolution=self.node_resolution)
        caption = (
            f"<b>{html.escape(p.title)}.</b> {html.escape(p.explanation)}<br>"
            f"Epoch {epoch}: train accuracy {pg.history.train_accuracy[-1]:.0%}, "
            f"test accuracy {pg.history.test_accuracy[-1]:.0%}. "
            f'Config: <code style="word-break:break-all">{html.escape(p.config.to_string())}</code>'
        )
        return (
            f'<div class="mlp-frame" style="width:100%;white-space:normal">{svg}'
            f'<div class="mlp-frame-text">{caption}</div></div>'
        )
