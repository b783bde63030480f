"""Chapters 8-10 (backpropagation) as built: math, figures, blocks, and the steppers' frames.

Reads ``lecture2/08-chain-rule-and-graphs.html``, ``09-backpropagation.html`` and
``10-training-on-digits.html`` from the built book (``BOOK_HTML``, default ``_build/html``;
the session fixture in ``tests/conftest.py`` builds it first) and checks

* the lecture's key formulas are on the page as math, and the page has no error output;
* the static figures are there, each followed by its italic "Figure:" description;
* the learning goals, the sphinx-proof blocks and the exercises with dropdown solutions;
* for every step-through backward pass (:func:`mlp.figures.backprop_stepper.backward_stepper`) and
  the filters explorer: one ``mlp-frame`` picture per step, all different, every step's
  chain-rule text, and a ``LinkModel`` joining each slider to its stack in the saved
  ``application/vnd.jupyter.widget-state+json`` script.

The expected frame counts are computed from the same graphs the chapters build, so a change
of a graph and a stale page cannot both pass.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import numpy as np
import pytest

from mlp import lecture_graphs
from mlp.figures.backprop_stepper import backward_visits
from mlp.lecture_graphs import mlp_scalar_graph
from tests.book.widgetstate import chapter_page, widget_state
from tests.book.widgetstate import check_links as _check_links
from tests.book.widgetstate import frames as _frames

MAX_PAGE_BYTES = 3_000_000
PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _n_steps_lls() -> int:
    L, _ = lecture_graphs.logistic_least_squares_graph(w=2.0, b=-1.0, x=1.5, t=1.0)
    return len(backward_visits(L))


def _n_steps_fxy() -> int:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    return len(backward_visits(f))


def _n_steps_mlp() -> int:
    # chapter 9's stepper: one input, two hidden units, two outputs
    L, _ = mlp_scalar_graph(
        np.zeros(1), np.zeros(2), np.zeros((2, 1)), np.zeros(2), np.zeros((2, 2)), np.zeros(2)
    )
    return len(backward_visits(L))


def _load(name: str) -> tuple[Path, str, dict]:
    path, text = chapter_page(name)
    return path, text, widget_state(text, str(path))


@pytest.fixture(scope="module")
def ch8() -> tuple[Path, str, dict]:
    return _load("08-chain-rule-and-graphs")


@pytest.fixture(scope="module")
def ch9() -> tuple[Path, str, dict]:
    return _load("09-backpropagation")


@pytest.fixture(scope="module")
def ch10() -> tuple[Path, str, dict]:
    return _load("10-training-on-digits")


def _math(text: str) -> str:
    """The TeX of all the math on a page (inline and display), HTML-unescaped.

    The build typesets every formula and keeps its TeX in ``data-latex`` (see
    book/_ext/prerender_math.js); every math element must have been typeset.
    """
    elements = re.findall(
        r'class="math notranslate nohighlight"[^>]*>(.*?)</(?:span|div)>', text, re.S
    )
    assert elements and all("<mjx-container" in e for e in elements), "math left untypeset"
    tex = re.findall(r'<mjx-container data-latex="([^"]*)"', "\n".join(elements))
    return html_lib.unescape("\n".join(tex))


def _plain(text: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))


def _check_page_basics(path: Path, text: str, formulas: list[str], min_figures: int) -> None:
    assert path.stat().st_size < MAX_PAGE_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    assert "Traceback" not in text and "output_error" not in text
    assert "Learning goals" in text and "Summary" in text and "Check your understanding" in text
    math = _math(text)
    assert math.count("\\bar") + math.count("\\overline") >= 5, "the bar notation is missing"
    compact = re.sub(r"\s+", "", math)
    for f in formulas:
        assert re.sub(r"\s+", "", f) in compact, f"formula {f!r} is not on {path.name}"
    # static figures: an image in a cell output, followed by its italic description
    images = re.findall(r'<img[^>]+src="[^"]*\.png"', text)
    assert len(images) >= min_figures, f"{path.name}: {len(images)} figures"
    assert len(re.findall(r"<em>Figure:", text)) >= min_figures


def _check_blocks(text: str, prf: dict[str, str], exercises: list[str]) -> None:
    for label, kind in prf.items():
        m = re.search(rf'<div class="([^"]*)" id="{label}"', text)
        assert m, f"no sphinx-proof block {label}"
        assert kind in m.group(1).split() and "proof" in m.group(1).split()
    for label in exercises:
        assert re.search(rf'<div class="[^"]*exercise[^"]*" id="{label}"', text), label
        m = re.search(rf'<div class="([^"]*solution[^"]*)" id="solution-{label}"', text) or (
            re.search(
                rf'<div class="([^"]*solution[^"]*)"[^>]*>\s*<p class="admonition-title">'
                rf'[^<]*<a[^>]*href="#{label}"',
                text,
            )
        )
        assert m, f"no solution for {label}"
        assert "dropdown" in m.group(1), f"the solution of {label} is not a dropdown"


def _check_stepper_frames(frames: list[str], n_steps: int) -> list[str]:
    """The frames of one stepper (those saying 'of n_steps'); check and return them."""
    mine = [f for f in frames if re.search(rf"Step \d+ of {n_steps}[.:]", f)]
    assert len(mine) == n_steps + 1, f"{len(mine)} frames for a stepper of {n_steps} steps"
    steps = sorted(int(re.search(r"Step (\d+) of", f).group(1)) for f in mine)
    assert steps == list(range(n_steps + 1))
    pngs = [PNG.search(f).group(1) for f in mine]
    assert len(set(pngs)) == len(pngs), "two steps show the same picture"
    for f in mine:
        alt = re.search(r'alt="([^"]*)"', f).group(1)
        assert "backward pass" in alt and "step" in alt
        if "Step 0 of" not in f:
            assert "text-decoration:overline" in f  # the bar notation in the step's sum
    return mine


# ---- chapter 8 ------------------------------------------------------------------------------


def test_chapter_8_page(ch8: tuple[Path, str, dict]) -> None:
    path, text, _ = ch8
    _check_page_basics(
        path,
        text,
        [
            r"\frac{d}{dt} f(x(t)) = \frac{df}{dx}\,\frac{dx}{dt}",
            r"\big(y e^{xy}\big)\cdot(-\sin t) + \big(1 + x e^{xy}\big)\cdot 2t",
            r"\bar z &= \bar y\,\sigma'(z)",
            r"\bar v = \sum_{i=1}^{m} \bar c_i \, \frac{\partial c_i}{\partial v}",
        ],
        min_figures=2,
    )
    _check_blocks(
        text,
        {
            "def-computation-graph": "definition",
            "def-error-signal": "definition",
            "thm-multivariate-chain-rule": "theorem",
        },
        ["ex-ch8-by-hand", "ex-ch8-square", "ex-ch8-paths"],
    )
    plain = _plain(text)
    assert "Rumelhart" in plain and "Grosse" in plain  # citations resolved


def test_chapter_8_steppers(ch8: tuple[Path, str, dict]) -> None:
    _, _, state = ch8
    frames = _frames(state)
    lls = _check_stepper_frames(frames, _n_steps_lls())
    fxy = _check_stepper_frames(frames, _n_steps_fxy())
    assert len(frames) == len(lls) + len(fxy)
    assert _check_links(state) == 2
    last_fxy = next(f for f in fxy if f"Step {_n_steps_fxy()} of" in f)
    assert "fork" in last_fxy and "<b>sum</b>" in last_fxy and "= 2.41" in last_fxy


# ---- chapter 9 ------------------------------------------------------------------------------


def test_chapter_9_page(ch9: tuple[Path, str, dict]) -> None:
    path, text, _ = ch9
    _check_page_basics(
        path,
        text,
        [
            r"\bar W^{(2)} &= \bar{\mathbf y}\,\mathbf h^\top",
            r"\bar{\mathbf h} &= W^{(2)\top}\,\bar{\mathbf y}",
            r"\bar{\mathbf z} &= \bar{\mathbf h} \circ \sigma'(\mathbf z)",
            r"\bar W^{(1)} &= \bar{\mathbf z}\,\mathbf x^\top",
            r"\bar h_i &= \sum_k \bar y_k\, w^{(2)}_{ki}",
            r"\bar w^{(1)}_{ij} &= \bar z_i\, x_j",
        ],
        min_figures=1,
    )
    _check_blocks(
        text,
        {"alg-backprop": "algorithm"},
        ["ex-ch9-shapes", "ex-ch9-tanh", "ex-ch9-cost"],
    )
    assert "Rumelhart" in _plain(text)


def test_chapter_9_stepper(ch9: tuple[Path, str, dict]) -> None:
    path, text, state = ch9
    frames = _frames(state)
    n = _n_steps_mlp()
    mine = _check_stepper_frames(frames, n)
    assert len(frames) == len(mine) == n + 1
    assert _check_links(state) == 1
    # every weight gets one message, h1, h2 and x1 are forks
    forks = [f for f in mine if "(a fork)" in f]
    assert len(forks) == 3
    assert "Precomputed figure" in _plain(text)


# ---- chapter 10 -----------------------------------------------------------------------------


def test_chapter_10_page(ch10: tuple[Path, str, dict]) -> None:
    path, text, _ = ch10
    _check_page_basics(path, text, [r"\operatorname{softmax}(\mathbf z)"], min_figures=3)
    _check_blocks(text, {}, ["ex-ch10-test", "ex-ch10-lr", "ex-ch10-mnist"])
    plain = _plain(text)
    m = re.search(r"test accuracy (\d+\.\d)% \((\d+) of 359\)", plain)
    assert m, "the test accuracy is not reported"
    assert float(m.group(1)) >= 95.0
    assert re.search(r"the vectorized version is about \d+ times faster", plain)
    for key in ("Lillicrap", "Pearlmutter", "Crick"):
        assert key in plain


def test_chapter_10_filters_explorer(ch10: tuple[Path, str, dict]) -> None:
    _, _, state = ch10
    frames = _frames(state)
    assert len(frames) == 7  # epochs 0, 1, 2, 5, 10, 20, 40
    pngs = [PNG.search(f).group(1) for f in frames]
    assert len(set(pngs)) == 7
    epochs = sorted(int(re.search(r"epoch (\d+):", f).group(1)) for f in frames)
    assert epochs == [0, 1, 2, 5, 10, 20, 40]
    assert _check_links(state) == 1
