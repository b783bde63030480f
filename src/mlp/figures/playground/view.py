"""The picture of the playground: one state of a playground model drawn as inline SVG.

:func:`render_html` draws the input features and every hidden unit as small maps of their
output over the plane, the weights as edges (thickness ``|w|``, blue positive, orange negative)
or, after a single step, the error signals ``W_bar`` on the edges; the output's decision map
with the data; and the loss curves. It is plain string building plus tiny palette PNGs
(:func:`map_png`), so a redraw takes a few milliseconds. :func:`render_img` wraps the same
picture as an ``<img>`` with alt text, the form the precomputed frames hold.

Every number drawn comes from the model (:class:`~mlp.figures.playground.model.Playground`):
the maps from :meth:`~mlp.figures.playground.model.Playground.hidden_maps` and
:meth:`~mlp.figures.playground.model.Playground.decision_map`, which run the network's own
forward pass.
"""

from __future__ import annotations

import base64
import html
import struct
import zlib
from typing import Any

import numpy as np

from mlp.figures.playground.config import FEATURES, PlaygroundConfig
from mlp.figures.playground.data import BOX
from mlp.figures.playground.model import Playground, PlaygroundHistory

Array = np.ndarray

__all__ = ["alt_text", "map_png", "render_html", "render_img"]

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
_HEAD_Y = _MID - 4.5 * _GAP - 8  # the column headings

_STYLE = (
    "<style>.p0{fill:#f59322}.p1{fill:#0877bd}.tr{stroke:#fff;stroke-width:.8}"
    ".te{stroke:#000;stroke-width:1}.nb{fill:none;stroke:#555;stroke-width:1}"
    "text{fill:#222}.mu{fill:#666}.b,.o{stroke-opacity:.75;fill:none}.b{stroke:#0877bd}"
    ".o{stroke:#f59322}.z{stroke:#bbb;fill:none}.d{fill:none;stroke-linecap:round}</style>"
)


def _layout(c: PlaygroundConfig) -> tuple[list[float], list[list[float]]]:
    """The x of each column (inputs, hidden layers, output) and the y of each node in it."""
    n = len(c.hidden)
    cols = [_IN_X + (_OUT_X - _IN_X) * i / (n + 1) for i in range(n + 2)]
    widths = [len(c.features), *c.hidden, 1]  # one output node, even for two logits
    return cols, [[_MID + (i - (w - 1) / 2) * _GAP for i in range(w)] for w in widths]


def _element(tag: str, attrs: str, tip: str, tooltips: bool) -> str:
    """An SVG element, with its hover text ``tip`` if ``tooltips``."""
    if not tooltips:
        return f"<{tag} {attrs}/>"
    return f"<{tag} {attrs}><title>{html.escape(tip)}</title></{tag}>"


def _text(x: float, y: float, text: str, attrs: str = "") -> str:
    return f'<text x="{_f(x)}" y="{_f(y)}"{attrs}>{text}</text>'


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
    parts = [
        *_header(pg, show),
        *_edges(pg, show, tooltips),
        *_nodes(pg, node_resolution, tooltips),
        *_output_map(pg, resolution, discretize),
        *_points(pg, show, show_test),
        *_loss_curves(pg.history),
        *_footer(pg, show),
        "</svg>",
    ]
    return "".join(parts)


def alt_text(pg: Playground) -> str:
    """A one-sentence description of the picture of ``pg`` (its alt text)."""
    c, h = pg.config, pg.history
    return (
        f"Playground: {c.dataset} data, network {'-'.join(map(str, c.sizes))} "
        f"({c.activation} hidden units), epoch {pg.epoch}, train accuracy "
        f"{h.train_accuracy[-1]:.0%}, test accuracy {h.test_accuracy[-1]:.0%}"
    )


def _header(pg: Playground, show: str) -> list[str]:
    title = f"Epoch {pg.epoch} · {pg.step_count} steps · " + (
        "error signals W̄ of the last minibatch step" if show == "gradients" else "weights"
    )
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" '
        f'style="width:100%;max-width:{_W}px;height:auto;font-family:sans-serif;font-size:11px" '
        f'role="img" aria-label="{html.escape(alt_text(pg), quote=True)}">',
        _STYLE,
        _text(10, 16, html.escape(title), ' font-size="13" font-weight="bold"'),
    ]


def _edges(pg: Playground, show: str, tooltips: bool) -> list[str]:
    """One path per weight: its thickness and colour from ``W`` or from ``W_bar``."""
    weights = [W for W, _ in pg.net.params()]
    if show == "gradients":
        mats = [W_bar for W_bar, _ in pg.last_grads]  # type: ignore[union-attr]
        top = max(float(np.abs(m).max()) for m in mats) or 1.0
    else:
        mats, top = weights, 5.0
    cols, ys = _layout(pg.config)
    ys = [[_f(y) for y in col] for col in ys]  # as text once: the edges reuse them
    out = []
    for layer, (M, W) in enumerate(zip(mats, weights, strict=True)):
        if layer + 1 == len(mats) and pg.net.n_out == 2:
            # two softmax outputs: class 1's logit weights minus class 0's decide the class
            M, W = M[1:] - M[:1], W[1:] - W[:1]
        widths = (0.4 + 6.0 * np.minimum(np.abs(M) / top, 1.0)).tolist()
        x0, x1 = _f(cols[layer] + _NODE / 2), _f(cols[layer + 1] - _NODE / 2)
        for j, (row, w_row) in enumerate(zip(M.tolist(), W.tolist(), strict=True)):
            for i, (v, w) in enumerate(zip(row, w_row, strict=True)):
                tip = f"W^({layer + 1})[{j + 1},{i + 1}] = {w:.4g}"
                tip += f", error signal W̄ = {v:.4g}" if show == "gradients" else ""
                attrs = (
                    f'class="{"b" if v > 0 else "o" if v < 0 else "z"}" '
                    f'd="M{x0} {ys[layer][i]}L{x1} {ys[layer + 1][j]}" '
                    f'stroke-width="{widths[j][i]:.1f}"'
                )
                out.append(_element("path", attrs, tip, tooltips))
    return out


def _node(x: float, y: float, img: Array, tip: str, tooltips: bool) -> str:
    """A unit: the small map of its output over the plane, framed."""
    x0, y0 = _f(x - _NODE / 2), _f(y - _NODE / 2)
    return (
        f'<image x="{x0}" y="{y0}" width="{_NODE}" height="{_NODE}" '
        f'href="{_data_uri(map_png(img))}" preserveAspectRatio="none"/>'
        + _element(
            "rect", f'class="nb" x="{x0}" y="{y0}" width="{_NODE}" height="{_NODE}"', tip, tooltips
        )
    )


def _nodes(pg: Playground, resolution: int, tooltips: bool) -> list[str]:
    """The columns of units: input features, hidden layers, output, with their headings."""
    c, maps = pg.config, pg.hidden_maps(resolution)
    cols, ys = _layout(c)
    out = []
    for i, f in enumerate(c.features):
        m, label = maps[0][i], FEATURES[f].label
        scaled = m / (float(np.abs(m).max()) or 1.0)
        out.append(_node(cols[0], ys[0][i], scaled, f"input {label}", tooltips))
        out.append(_text(cols[0] - _NODE / 2 - 5, ys[0][i] + 4, label, ' text-anchor="end"'))
    out.append(_text(cols[0], _HEAD_Y, "features", ' text-anchor="middle"'))
    for layer, width in enumerate(c.hidden, start=1):
        biases = pg.net.params()[layer - 1][1]
        for j in range(width):
            tip = f"h^({layer})_{j + 1}, b = {float(biases[j]):.4g}"
            out.append(_node(cols[layer], ys[layer][j], maps[layer][j], tip, tooltips))
        out.append(_text(cols[layer], _HEAD_Y, f"layer {layer}", ' text-anchor="middle"'))
        out.append(
            _text(cols[layer], _HEAD_Y + 13, f"{width} {c.activation}", ' class="mu" '
                  'text-anchor="middle"')
        )  # fmt: skip
    y = maps[-1].reshape(maps[-1].shape[0], -1).T  # the output layer, one row per grid point
    prob = pg.to_probability(y).reshape(resolution, resolution)
    out.append(_node(cols[-1], ys[-1][0], prob * 2 - 1, "output: probability of blue", tooltips))
    out.append(_text(cols[-1], _HEAD_Y, "output", ' text-anchor="middle"'))
    return out


def _output_map(pg: Playground, resolution: int, discretize: bool) -> list[str]:
    """The decision map, P(blue) over the plane, with its axes."""
    png = map_png(pg.decision_map(resolution) * 2 - 1, discretize=discretize)
    out = [
        _text(_MAP_X + _MAP / 2, _MAP_Y - 8, "Output: P(blue) over the plane",
              ' text-anchor="middle" font-weight="bold"'),
        f'<image x="{_MAP_X}" y="{_MAP_Y}" width="{_MAP}" height="{_MAP}" '
        f'href="{_data_uri(png)}" preserveAspectRatio="none"/>',
    ]  # fmt: skip
    for v in (-BOX, 0.0, BOX):
        x, y = _to_px(np.array([[v, v]]))
        out.append(_text(x[0], _MAP_Y + _MAP + 12, _f(v), ' text-anchor="middle"'))
        out.append(_text(_MAP_X - 4, y[0] + 4, _f(v), ' text-anchor="end"'))
    out.append(_text(_MAP_X + _MAP / 2, _MAP_Y + _MAP + 25, "x₁", ' text-anchor="middle"'))
    out.append(_text(_MAP_X - 22, _MAP_Y + _MAP / 2, "x₂", ' text-anchor="middle"'))
    return out


def _to_px(X: Array) -> tuple[Array, Array]:
    """Points of the box ``(B, 2)`` -> pixel coordinates on the decision map."""
    px = _MAP_X + (X[:, 0] + BOX) / (2 * BOX) * _MAP
    py = _MAP_Y + (BOX - X[:, 1]) / (2 * BOX) * _MAP
    return px, py


def _points(pg: Playground, show: str, show_test: bool) -> list[str]:
    """The data on the map (and, after a step, its minibatch ringed), then the map's frame."""
    sets = [(pg.X_train, pg.t_train, "#fff")]
    if show_test:
        sets.append((pg.X_test, pg.t_test, "#000"))
    # each point is a zero-length round-capped stroke: a white (train) or black (test) dot
    # under a coloured one; all the halos first, so that no halo covers a neighbour's colour
    layers = []
    for X, t, halo in sets:
        px, py = _to_px(X)
        for lab in (0, 1):
            pts = zip(px[t == lab], py[t == lab], strict=True)
            d = "".join(f"M{x:.1f} {y:.1f}h0" for x, y in pts)
            layers.append((d, halo, _HEX["blue" if lab else "orange"]))
    out = [f'<path class="d" d="{d}" stroke="{halo}" stroke-width="6.6"/>' for d, halo, _ in layers]
    out += [f'<path class="d" d="{d}" stroke="{col}" stroke-width="4.8"/>' for d, _, col in layers]
    if show == "gradients" and pg.last_batch is not None:
        px, py = _to_px(pg.X_train[pg.last_batch])
        out += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="none" stroke="#000" '
            'stroke-width="1.5"/>'
            for x, y in zip(px, py, strict=True)
        ]
    out.append(
        f'<rect x="{_MAP_X}" y="{_MAP_Y}" width="{_MAP}" height="{_MAP}" fill="none" '
        'stroke="#555"/>'
    )
    return out


def _loss_curves(h: PlaygroundHistory) -> list[str]:
    """The train (black) and test (grey, dashed) loss after every epoch."""
    lx, ly, lw, lh = _MAP_X, _MAP_Y + _MAP + 52, _MAP, 70
    out = [
        _text(lx, ly - 6, f"loss: train {h.train_loss[-1]:.3f} (black), "
              f"test {h.test_loss[-1]:.3f} (grey)"),
        f'<rect x="{lx}" y="{ly}" width="{lw}" height="{lh}" fill="none" stroke="#999"/>',
    ]  # fmt: skip
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
        out.append(
            f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.4"{dash}/>'
        )
    out.append(_text(lx, ly + lh + 12, "0"))
    out.append(_text(lx + lw, ly + lh + 12, f"epoch {h.epoch[-1]}", ' text-anchor="end"'))
    return out


def _footer(pg: Playground, show: str) -> list[str]:
    """The accuracies and the training settings, and the legend of the edges."""
    c, h = pg.config, pg.history
    reg = f" · {c.regularization} {c.reg_rate:g}" if c.regularization != "none" else ""
    summary = (
        f"accuracy: train {h.train_accuracy[-1]:.0%}, test {h.test_accuracy[-1]:.0%} · "
        f"loss {c.loss.replace('_', ' ')} · lr {c.lr:g} · batch {c.batch_size}{reg}"
    )
    legend = (
        "edges: |W̄| (thickest = largest), blue W̄ &gt; 0, orange W̄ &lt; 0, grey W̄ = 0; "
        "ringed: the minibatch"
        if show == "gradients"
        else "edges: |w| (thicker = larger), blue w &gt; 0, orange w &lt; 0"
    )
    return [_text(10, _H - 10, summary), _text(10, _H - 26, legend, ' class="mu"')]


def render_img(pg: Playground, **kwargs: Any) -> str:
    """The picture of :func:`render_html` as an ``<img>`` (an SVG data URI) with alt text.

    Used for the precomputed frames of the static book: an image carries its alt text, and
    its SVG is isolated from the page (hover texts are left out: an image has none).
    """
    svg = render_html(pg, **{**kwargs, "tooltips": False})
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" '
        f'alt="{html.escape(alt_text(pg), quote=True)}" '
        f'style="width:100%;max-width:{_W}px;height:auto">'
    )
