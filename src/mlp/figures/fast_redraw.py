"""Fast redraws of one persistent matplotlib figure, for live figures under 50 ms per update.

Text layout is the slow part of a matplotlib redraw. A live figure therefore keeps one
figure, with fixed-position axes (:func:`fixed_axes`: no layout engine on each redraw),
updates only its artists' data, and draws its static parts once into a bitmap
(:func:`freeze_static`). :func:`side_legend` is a legend made of plain artists, so one
sample line can be recoloured without redrawing the legend.

Examples
--------
>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(3, 2), dpi=50)
>>> ax = fixed_axes(fig, [0.15, 0.2, 0.5, 0.7])
>>> (line,) = ax.plot([0, 1], [0, 1])
>>> samples = side_legend(ax, [("data", {"color": "C0"})])
>>> freeze_static(fig, [line])
>>> [a.get_visible() for a in ax.get_children() if a is not line][:3]
[False, False, False]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure

__all__ = ["fixed_axes", "freeze_static", "side_legend"]


def fixed_axes(fig: Figure, rect: Sequence[float]) -> Any:
    """Clear ``fig`` and give it one Axes at ``rect`` (figure fractions), with no layout engine."""
    fig.clear()
    fig._mlp_frozen = None  # no frozen background (yet): see freeze_static
    fig.set_layout_engine(None)
    return fig.add_axes(rect)


def side_legend(ax: Any, entries: Sequence[tuple[str, dict[str, Any]]]) -> list[Any]:
    """A legend to the right of ``ax`` made of plain artists: one line sample and label each.

    ``entries`` are ``(label, line style)`` pairs. Returns the sample lines, so a figure can
    recolour one without redrawing the labels.
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
    later ``savefig`` only draws the bitmap and the few dynamic artists. Only valid while the
    figure is saved at its own dpi and its axes limits do not change. Call it once, after
    building the figure and before the first update.

    Parameters
    ----------
    fig
        The figure (for :func:`mlp.figures.frames.on_figure`, the one passed to ``draw``).
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
    # what the static book stores once (mlp.figures.light_frames): the background, and
    # the artists each frame draws over it
    fig._mlp_frozen = (background, list(dynamic))


class _Bitmap(Artist):
    """A full-figure RGBA bitmap drawn pixel for pixel (no resampling, unlike ``figimage``)."""

    def __init__(self, rgba: np.ndarray) -> None:
        super().__init__()
        self._rows_bottom_up = np.ascontiguousarray(rgba[::-1])  # Agg's draw_image wants this
        self.set_zorder(-10)

    def draw(self, renderer: Any) -> None:
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self._rows_bottom_up)
        gc.restore()
