"""Light precomputed frames: only what changes, drawn as SVG over one shared background.

A figure made fast with :func:`mlp.figures.fast_redraw.freeze_static` already knows which of
its artists change (its *dynamic* artists) and holds everything else as one bitmap. The
static book (:class:`mlp.figures.frames.Frames`) therefore stores that bitmap once per
figure, as a palette PNG in an SVG ``<defs>`` block, and each frame as a small SVG that
``<use>``-s it and draws the dynamic lines, markers and patches as paths (pixel
coordinates, one decimal, simplified as matplotlib simplifies them). A figure without a
frozen background, or with a dynamic artist this module does not draw (text, images), is
stored as a palette PNG instead (:func:`palette_png`): at most 256 colours, about a third
of the bytes of matplotlib's PNG.

Examples
--------
>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> from mlp.figures.fast_redraw import fixed_axes, freeze_static
>>> fig = Figure(figsize=(2, 1), dpi=50)
>>> ax = fixed_axes(fig, [0.1, 0.1, 0.8, 0.8])
>>> (line,) = ax.plot([0, 1], [0, 1])
>>> ax.set(xlim=(0, 1), ylim=(0, 1))
[(0.0, 1.0), (0.0, 1.0)]
>>> freeze_static(fig, [line])
>>> key, defs, svg = overlay_svg(fig, "a line")
>>> svg.count("<path"), f'id="mlpbg-{key}"' in defs
(1, True)
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
from typing import Any

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path

__all__ = ["overlay_svg", "palette_png"]


def palette_png(image: Figure | np.ndarray) -> bytes:
    """A PNG of at most 256 colours (no dithering) of a figure or an RGBA array."""
    from PIL import Image

    if isinstance(image, Figure):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(image)
        canvas.draw()
        image = np.asarray(canvas.buffer_rgba())
    im = Image.fromarray(np.ascontiguousarray(image), "RGBA")
    if im.getextrema()[3][0] == 255:  # opaque: quantize the colours alone
        pal = im.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    else:
        pal = im.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    pal.save(buf, format="png", optimize=True)
    return buf.getvalue()


def _num(v: float) -> str:
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _colour(rgba: Any, kind: str) -> str:
    r, g, b, a = to_rgba(rgba)
    if a == 0:
        return f'{kind}="none"'
    hexa = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
    return f'{kind}="{hexa}"' + (f' {kind}-opacity="{a:.3g}"' if a < 1 else "")


def _path_d(artist: Any, height: float, clip: tuple[float, ...] | None) -> str:
    """The artist's path in SVG pixel coordinates (y down), simplified and roughly clipped."""
    path = artist.get_transform().transform_path(artist.get_path())
    path = path.cleaned(remove_nans=True, clip=clip, simplify=True)
    out, prev = [], None
    for (x, y), code in zip(path.vertices, path.codes, strict=True):
        if code == Path.STOP:
            break
        cmd = "Z" if code == Path.CLOSEPOLY else ("M" if code == Path.MOVETO else "L")
        if cmd == "Z":
            out.append("Z")
        else:
            xy = f"{_num(x)} {_num(height - y)}"
            out.append(xy if cmd == prev == "L" else cmd + xy)
        prev = cmd
    return " ".join(out).replace(" M", "M").replace(" L", "L").replace(" Z", "Z")


def _line_svg(line: Line2D, height: float, scale: float, clip: Any) -> str | None:
    parts = []
    if line.get_linestyle() not in ("None", "", " ") and line.get_linewidth() > 0:
        d = _path_d(line, height, clip)
        width = _num(line.get_linewidth() * scale)
        style = f'{_colour(line.get_color(), "stroke")} stroke-width="{width}"'
        offset, dashes = line._dash_pattern  # (offset, on-off lengths in points)
        if dashes:
            style += f' stroke-dasharray="{" ".join(_num(v * scale) for v in dashes)}"'
        parts.append(f'<path d="{d}" fill="none" {style} stroke-linejoin="round"/>')
    marker = line.get_marker()
    if marker not in ("None", "", " ", None):
        if marker != "o":
            return None
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        r = _num(line.get_markersize() * scale / 2)
        fill = _colour(line.get_markerfacecolor(), "fill")
        edge = _colour(line.get_markeredgecolor(), "stroke")
        ew = _num(line.get_markeredgewidth() * scale)
        parts += [
            f'<circle cx="{_num(x)}" cy="{_num(height - y)}" r="{r}" {fill} {edge} '
            f'stroke-width="{ew}"/>'
            for x, y in xy
            if np.isfinite(x) and np.isfinite(y)
        ]
    return "".join(parts)


def _patch_svg(patch: Patch, height: float, scale: float, clip: Any) -> str:
    d = _path_d(patch, height, clip)
    lw = patch.get_linewidth() * scale
    edge = _colour(patch.get_edgecolor(), "stroke") if lw > 0 else 'stroke="none"'
    return (
        f'<path d="{d}" {_colour(patch.get_facecolor(), "fill")} {edge} stroke-width="{_num(lw)}"/>'
    )


def _artist_svg(artist: Any, height: float, scale: float, key: str) -> str | None:
    """One dynamic artist as SVG (``""`` when hidden), or ``None`` when it cannot be drawn."""
    if not artist.get_visible():
        return ""
    clipped = artist.get_clip_on() and artist.axes is not None
    clip = None
    if clipped:
        key = f"{key}-{artist.figure.axes.index(artist.axes)}"
        (x0, y0), (x1, y1) = artist.axes.bbox.get_points()
        pad = 10.0  # cut what lies far outside; the clip path does the exact clipping
        clip = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    if isinstance(artist, Line2D):
        body = _line_svg(artist, height, scale, clip)
    elif isinstance(artist, Patch):
        body = _patch_svg(artist, height, scale, clip)
    else:
        return None
    if body and clipped:
        return f'<g clip-path="url(#mlpclip-{key})">{body}</g>'
    return body


def overlay_svg(fig: Figure, alt: str) -> tuple[str, str, str] | None:
    """``(key, defs, svg)`` for a figure with a frozen background, else ``None``.

    ``defs`` (the background and the axes' clip rectangle, ids ending in ``key``) must be in
    the page once; ``svg`` is the frame: the background ``<use>``-d, the dynamic artists on it.
    """
    frozen = getattr(fig, "_mlp_frozen", None)
    if frozen is None:
        return None
    background, dynamic = frozen
    height, width = background.shape[:2]
    key, defs = _background_defs(fig, background)
    order = sorted(dynamic, key=lambda a: a.get_zorder())  # as matplotlib draws them
    bodies = [_artist_svg(a, height, fig.dpi / 72, key) for a in order]
    if any(b is None for b in bodies):
        return None
    label = html.escape(alt, quote=True)
    svg = (
        f'<svg class="mlp-overlay" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{label}"><use href="#mlpbg-{key}"/>'
        + "".join(bodies)
        + "</svg>"
    )
    return key, defs, svg


def _background_defs(fig: Figure, background: np.ndarray) -> tuple[str, str]:
    """``(key, defs)`` of a frozen background, computed once per background."""
    cached = getattr(fig, "_mlp_background_defs", None)
    if cached is not None and cached[0] is background:
        return cached[1], cached[2]
    height, width = background.shape[:2]
    png = palette_png(background)
    boxes = [ax.bbox.get_points() for ax in fig.axes]
    key = hashlib.sha1(png + repr(boxes).encode()).hexdigest()[:12]
    data = base64.b64encode(png).decode("ascii")
    defs = (
        f'<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
        f'<image id="mlpbg-{key}" width="{width}" height="{height}" '
        f'href="data:image/png;base64,{data}"/>'
        + "".join(
            f'<clipPath id="mlpclip-{key}-{i}"><rect x="{_num(x0)}" y="{_num(height - y1)}" '
            f'width="{_num(x1 - x0)}" height="{_num(y1 - y0)}"/></clipPath>'
            for i, ((x0, y0), (x1, y1)) in enumerate(boxes)
        )
        + "</defs></svg>"
    )
    fig._mlp_background_defs = (background, key, defs)
    return key, defs
