"""The static book's light frames (mlp.figures.light_frames): SVG over a shared background."""

from __future__ import annotations

import io
import re

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from mlp.figures.bumps import SigmoidStep
from mlp.figures.fast_redraw import fixed_axes, freeze_static
from mlp.figures.frames import Frames, on_figure
from mlp.figures.light_frames import overlay_svg, palette_png


def test_palette_png_has_at_most_256_colours_and_is_smaller() -> None:
    fig, _ = SigmoidStep(mode="live").frames.render_frame(steepness=8, position=0.5)
    fig._mlp_frozen = None  # draw the whole figure
    png = palette_png(fig)
    im = Image.open(io.BytesIO(png))
    assert im.mode == "P" and len(im.getcolors(256) or []) <= 256
    assert im.size == (350, 182)


def test_overlay_draws_only_the_dynamic_artists_over_one_background() -> None:
    w = SigmoidStep(mode="live")
    fig, _ = w.frames.render_frame(steepness=8, position=0.5)
    key, defs, svg = overlay_svg(fig, 'a "sigmoid"')
    # the frame: the shared background, then the band and three curves in zorder, clipped
    assert svg.count(f'<use href="#mlpbg-{key}"/>') == 1 and "data:image" not in svg
    assert svg.count("<path") == 4 and 'aria-label="a &quot;sigmoid&quot;"' in svg
    assert f'id="mlpbg-{key}"' in defs and f'id="mlpclip-{key}-0"' in defs
    assert 'stroke-dasharray="' in svg  # the dashed ReLU ramp
    # the background is the same for every frame; the paths differ
    _, defs2, svg2 = overlay_svg(w.frames.render_frame(steepness=64, position=0.3)[0], "x")
    assert defs2 == defs and svg2 != svg
    assert len(svg) < 2500  # a few hundred bytes gzipped, against ~15 kB for the PNG


def test_what_cannot_be_drawn_falls_back_to_a_palette_png() -> None:
    def draw(fig, k):
        ax = fixed_axes(fig, [0.1, 0.1, 0.8, 0.8])
        text = ax.text(0.5, 0.5, f"k = {k}")
        freeze_static(fig, [text])  # a dynamic text: not drawn by light_frames

    fr = Frames(on_figure(draw), {"k": [1, 2]}, alt="text", mode="static")
    assert fr.n_distinct == 2 and fr.backgrounds is None
    html = fr.view.children[0].value
    assert re.search(r'<img src="data:image/png;base64,', html)
    assert overlay_svg(Figure(), "plain") is None  # no frozen background


def test_static_frames_store_the_background_once() -> None:
    fr = SigmoidStep(steepness=(1, 4), position=(0.3, 0.5), mode="static").frames
    defs = fr.backgrounds
    assert defs.value.count("<image") == 1
    leaves = [s.value for stack in fr.view.children for s in stack.children]
    assert len(leaves) == 4 and all('<svg class="mlp-overlay"' in v for v in leaves)
    assert np.all(["data:image" not in v for v in leaves])
