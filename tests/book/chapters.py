"""What each chapter's built page must hold: the expectations the tests of this folder share.

The tests are grouped by what they check (test_structure, test_math, test_static_widgets,
test_numbers, test_page_weight); this module says, per chapter, what they check it against,
and loads a built page once (``page``).
"""

from __future__ import annotations

import functools
import inspect
import re
from pathlib import Path

import numpy as np

from mlp import lecture_graphs
from mlp.bump_networks import UNITS
from mlp.figures.backprop_stepper import backward_visits
from mlp.figures.bump_challenge import HEIGHT_RULES, DesignChallenge
from mlp.figures.bumps import EDGES, SigmoidStep
from mlp.figures.playground.presets import PRESETS
from mlp.figures.playground.tour import PLAY_EPOCHS
from tests.book.widgetstate import chapter_page, models, widget_state

CHAPTERS = [
    "01-limits-of-linear-models",
    "02-feature-maps",
    "03-neurons",
    "04-multilayer-perceptrons",
    "05-xor-network",
    "06-universality",
    "07-playground",
    "08-chain-rule-and-graphs",
    "09-backpropagation",
    "10-training-on-digits",
]


@functools.cache
def page(name: str) -> tuple[Path, str, dict]:
    """(path, HTML, saved widget state) of a built chapter (skips if the book is not built)."""
    path, text = chapter_page(name)
    return path, text, widget_state(text, str(path))


# ---- chapters 1-4: every block exactly ------------------------------------------------------
# the sphinx-proof blocks by kind -> labels (exactly these), the number of proofs, the
# exercises (exactly these, each with a dropdown solution), the least number of static
# figures, and the value counts of every Frames figure's controls (in the order the chapter
# creates them)
EXACT = {
    "01-limits-of-linear-models": {
        "prf": {
            "definition": ["def-convex"],
            "lemma": ["lem-convex-combination", "lem-halfspace-convex"],
            "theorem": ["thm-xor", "thm-pattern-ab"],
            "proposition": ["prop-lr-constant"],
        },
        "proofs": 5,
        "exercises": [
            "ex-ab-difference",
            "ex-xnor",
            "ex-and",
            "ex-induction",
            "ex-three-pixels",
            "ex-lr-predicts",
        ],
        "figures": 3,
        "explorers": [[5, 5, 3]],
    },
    "02-feature-maps": {
        "prf": {"proposition": ["prop-xor-features"]},
        "proofs": 1,
        "exercises": ["ex-xor-try-it", "ex-one-feature", "ex-linear-feature", "ex-count-monomials"],
        "figures": 2,
        "explorers": [[2, 8], [2, 6]],
    },
    "03-neurons": {
        "prf": {},
        "proofs": 0,
        "exercises": ["ex-neuron-or", "ex-softmax-params", "ex-lif-period"],
        "figures": 6,
        "explorers": [[6], [3, 5]],
    },
    "04-multilayer-perceptrons": {
        "prf": {"proposition": ["prop-linear-collapse"]},
        "proofs": 1,
        "exercises": ["ex-shapes", "ex-sigmoid-bound", "ex-dead-relu", "ex-depth-xor"],
        "figures": 3,
        "explorers": [[3, 5], [7]],
    },
}

# ---- chapters 8-10: the named blocks, formulas, described figures, citations ----------------
LABELLED = {
    "08-chain-rule-and-graphs": {
        "prf": {
            "def-computation-graph": "definition",
            "def-error-signal": "definition",
            "thm-multivariate-chain-rule": "theorem",
            "prf-softmax-ce-grad": "lemma",
        },
        "exercises": [
            "ex-ch8-disadvantages",
            "ex-ch8-fxy",
            "ex-ch8-by-hand",
            "ex-ch8-square",
            "ex-ch8-paths",
        ],
        "formulas": [
            r"\frac{d}{dt} f(x(t)) = \frac{df}{dx}\,\frac{dx}{dt}",
            r"\big(y e^{xy}\big)\cdot(-\sin t) + \big(1 + x e^{xy}\big)\cdot 2t",
            r"\bar z &= \bar y\,\sigma'(z)",
            r"\bar v = \sum_{i=1}^{m} \bar c_i \, \frac{\partial c_i}{\partial v}",
        ],
        "figures": 2,
        "cited": ["Rumelhart", "Grosse"],
    },
    "09-backpropagation": {
        "prf": {"alg-backprop": "algorithm"},
        "exercises": [
            "ex-ch9-fd-cost",
            "ex-ch9-board",
            "ex-ch9-shapes",
            "ex-ch9-tanh",
            "ex-ch9-cost",
        ],
        "formulas": [
            r"\bar W^{(2)} &= \bar{\mathbf y}\,\mathbf h^\top",
            r"\bar{\mathbf h} &= W^{(2)\top}\,\bar{\mathbf y}",
            r"\bar{\mathbf z} &= \bar{\mathbf h} \circ \sigma'(\mathbf z)",
            r"\bar W^{(1)} &= \bar{\mathbf z}\,\mathbf x^\top",
            r"\bar h_i &= \sum_k \bar y_k\, w^{(2)}_{ki}",
            r"\bar w^{(1)}_{ij} &= \bar z_i\, x_j",
        ],
        "figures": 1,
        "cited": ["Rumelhart"],
    },
    "10-training-on-digits": {
        "prf": {},
        "exercises": ["ex-ch10-brain", "ex-ch10-test", "ex-ch10-lr", "ex-ch10-mnist"],
        "formulas": [r"\operatorname{softmax}(\mathbf z)"],
        "figures": 3,
        "cited": ["Lillicrap", "Pearlmutter", "Crick", "Martens"],
    },
}

# ---- every chapter: its own weight and its frames (issue #18) --------------------------------
# own weight: the HTML gzipped as served plus the images it links (bytes)
MAX_OWN_BYTES = dict.fromkeys(CHAPTERS, 1_200_000)
MAX_FRAMES_PER_FIGURE = 1200  # the frame budget of one interactive figure
MIN_UNIVERSALITY_FRAMES = 4 * 96  # four times the universality chapter's frames before #18
MIN_SLIDER_PLACES = 20  # each slider of a continuous figure's static version

# ---- chapters 5-6: the static grids, from the widget classes themselves ---------------------
# (the live constructors are cheap: no frames are drawn). A change of a widget's grid and a
# stale page cannot both pass.


def _counts(widget) -> list[int]:
    return [len(c.values) for c in widget.frames.controls]


SIGMOID = _counts(SigmoidStep(mode="live"))
BUMP = [len(UNITS), *(len(edges) for edges in EDGES)]  # unit type x left edge x right edge
_defaults = inspect.signature(DesignChallenge).parameters
CHALLENGE_STATIC = [  # unit type x number of bumps x height rule
    len(_defaults["units"].default),
    len(_defaults["static_n_bumps"].default),
    len(HEIGHT_RULES),
]
XOR_K = [7]  # the k slider of chapter 5

# ---- chapter 7: the preset tours ------------------------------------------------------------
XOR = ["xor-linear", "xor-product", "xor-deep-linear", "xor-hidden", "xor-threshold"]
SPIRAL = ["spiral-shallow", "spiral-deep"]
N_EPOCHS = 10  # epochs kept per preset in each tour (see the chapter)
N_PLAY = len(PLAY_EPOCHS)  # the playground's precomputed run, one frame per kept epoch


def tour_runs(state: dict) -> dict[str, list[str]]:
    """Preset key -> its frames, in the order of its Stack's children (the order in which the
    reader scrubs; the order of models in the saved state is not meaningful)."""
    runs = {}
    for stack in models(state, "StackModel").values():
        kids = [state[c.removeprefix("IPY_MODEL_")]["state"] for c in stack["children"]]
        if kids and all('class="mlp-frame"' in k.get("value", "") for k in kids):
            values = [k["value"] for k in kids]
            keys = [key for key in XOR + SPIRAL if PRESETS[key].title in values[0]]
            assert len(keys) <= 1, "a tour's stack mixes presets"
            if not keys:  # the playground's own run (no preset title)
                continue
            runs[keys[0]] = values
    return runs


# ---- chapters 8-9: the steppers' numbers of steps, from the graphs the chapters build -------


def n_steps_lls() -> int:
    L, _ = lecture_graphs.logistic_least_squares_graph(w=2.0, b=-1.0, x=1.5, t=1.0)
    return len(backward_visits(L))


def n_steps_fxy() -> int:
    f, _ = lecture_graphs.lecture_fxy_graph(1.0)
    return len(backward_visits(f))


def n_steps_mlp() -> int:
    # chapter 9's stepper: the board example, two inputs, two hidden units, one output
    L, _ = lecture_graphs.mlp_scalar_graph(
        np.zeros(2), np.zeros(1), np.zeros((2, 2)), np.zeros(2), np.zeros((1, 2)), np.zeros(1)
    )
    return len(backward_visits(L))


def stepper_frames(frames: list[str], n_steps: int) -> list[str]:
    """The frames of one stepper: those saying 'Step k of n_steps'."""
    return [f for f in frames if re.search(rf"Step \d+ of {n_steps}[.:]", f)]
