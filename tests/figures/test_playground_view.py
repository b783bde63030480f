"""mlp.figures.playground.view: the picture of one state (inline SVG and palette PNGs)."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from mlp.figures.playground.config import PlaygroundConfig
from mlp.figures.playground.model import Playground
from mlp.figures.playground.view import alt_text, map_png, render_html, render_img

SMALL = PlaygroundConfig(dataset="xor", noise=10, n_points=120, hidden=(3,), lr=0.1)


def test_map_png_is_a_valid_palette_png():
    v = np.array([[-1.0, 0.0], [1.0, 3.0]])
    img = Image.open(io.BytesIO(map_png(v)))
    assert img.mode == "P" and img.size == (2, 2)
    rgb = np.asarray(img.convert("RGB"))
    assert tuple(rgb[0, 0]) == (245, 147, 34) and tuple(rgb[1, 0]) == (8, 119, 189)
    assert tuple(rgb[0, 1]) == (232, 234, 235) and tuple(rgb[1, 1]) == (8, 119, 189)
    two = np.asarray(Image.open(io.BytesIO(map_png(v * 0.1, discretize=True))).convert("RGB"))
    assert tuple(two[0, 1]) == (8, 119, 189)  # 0 counts as blue when discretized
    with pytest.raises(ValueError, match="2-D"):
        map_png(np.zeros(3))


def test_render_shows_weights_or_error_signals():
    pg = Playground(SMALL)
    svg = render_html(pg)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="Playground: xor data' in svg and "W^(1)[1,1] = " in svg
    assert svg.count("<title>W^(") == 2 * 3 + 3 * 1  # one edge per weight
    assert render_html(pg, show="gradients") == svg  # no step yet: weights
    pg.step()
    g = render_html(pg, show="gradients")
    assert "error signals" in g and "error signal W̄ = " in g
    assert g.count('r="5.5"') == SMALL.batch_size  # the minibatch is ringed
    assert "<title>" not in render_html(pg, tooltips=False)
    with pytest.raises(ValueError, match="show"):
        render_html(pg, show="biases")


def test_render_has_a_title_axes_and_the_settings():
    pg = Playground(SMALL.replace(loss="cross_entropy", regularization="L2", reg_rate=0.01))
    svg = render_html(pg, show_test=True, discretize=True)
    assert "Output: P(blue) over the plane" in svg and ">x₁</text>" in svg and ">x₂</text>" in svg
    assert "loss cross entropy" in svg and "L2 0.01" in svg
    assert svg.count('stroke="#000" stroke-width="6.6"') == 2  # test points, both classes
    # two logits: one edge per hidden unit into the output (class 1's weights minus class 0's)
    assert svg.count("W^(2)[") == 3


def test_render_img_is_the_svg_with_its_alt_text():
    pg = Playground(SMALL)
    img = render_img(pg, resolution=20)
    m = re.fullmatch(
        r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)" style="[^"]+">', img
    )
    assert m and m.group(2) == alt_text(pg)
    svg = base64.b64decode(m.group(1)).decode()
    assert svg == render_html(pg, resolution=20, tooltips=False)
