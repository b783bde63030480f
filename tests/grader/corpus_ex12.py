"""Corpus entries for exercise 12 (one shared detector for pattern A versus B).

Expected points hold for every hidden seed: Q1's six cases always include exactly one
1-weight filter (on which every recognised mistake is right) and five longer ones (on which
each is wrong), and Q2 has no random part.
"""

from __future__ import annotations

from autograde.spec import load_spec
from tests.grader import corpus_kit as kit
from tests.grader.corpus import EXERCISES, Entry

E12 = "12-weight-sharing"
FULL12 = 8
Q = {"q1": 3, "q2": 5}


def notebook(which="solution", edits=None, after=(), append=()):
    """The solution (or ``which``) notebook, edited; see corpus_kit.notebook."""
    return kit.notebook(E12, which, edits=edits, after=after, append=append)


CONV = """
def conv1d_circular(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n, m = len(x), len(w)
    return np.array([{term} for k in range({count})])
"""
FLIPPED = CONV.format(term="sum(w[j] * x[(k - j) % n] for j in range(m))", count="n")
NO_WRAP = CONV.format(term="sum(w[j] * x[k + j] for j in range(m) if k + j < n)", count="n")
CENTRED = CONV.format(term="sum(w[j] * x[(k + j - m // 2) % n] for j in range(m))", count="n")
VALID = CONV.format(term="sum(w[j] * x[k + j] for j in range(m))", count="n - m + 1")


def detector(w, b, activation, pool, v, c) -> str:
    return (
        f"shared_detector = {{'w': np.array({w}), 'b': {b}, 'activation': {activation!r}, "
        f"'pool': {pool!r}, 'v': {v}, 'c': {c}}}"
    )


B_TEMPLATE, A_TEMPLATE = "[1.0, -1.0, 1.0, 1.0, 1.0]", "[1.0, 1.0, 1.0, -1.0, 1.0]"
EXERCISE5 = """
templates_b = X[t == 1]
shared_detector = {'w': 2 * templates_b - 1, 'b': np.full(16, -3.5), 'activation': 'step',
                   'pool': 'max', 'v': 1.0, 'c': -0.5}
"""
USES = {
    "mlp.universality": "from mlp import universality",
    "mlp.boolean_networks": "from mlp.boolean_networks import *",
    "mlp.bump_networks": "import mlp.bump_networks",
    "torch": "import torch",
    "scipy": "from scipy.ndimage import correlate1d",
    "@dynamic": "_f = eval('conv1d_circular')",
}


def _q1(name, src, text):
    # right only on the one 1-weight filter: 1 of 6 cases
    return Entry(E12, name, notebook(after=[("q1-solution", src)]),
                 points={"q1": 0.5, "q2": 5}, feedback=(text,))  # fmt: skip


def _q2(name, src, q2, texts):
    return Entry(E12, name, notebook(edits={"q2-solution": src}),
                 points={"q1": 3, "q2": q2}, feedback=texts)  # fmt: skip


def entries() -> list[Entry]:
    es = [
        Entry(E12, "solution", notebook(), total=FULL12, status="ok"),
        Entry(E12, "student-untouched", notebook("student"), total=0, status="ok",
              feedback=("not implemented yet", "not defined")),
        _q1("conv-flipped", FLIPPED, "the filter flipped"),
        _q1("conv-no-wrap", NO_WRAP, "no wrap-around"),
        _q1("conv-centred", CENTRED, "the filter centred"),
        _q1("conv-valid-only", VALID, "only the n - m + 1 positions"),
        # another right answer: detect A, and say B when it is absent
        _q2("a-detector", detector(A_TEMPLATE, -3.5, "step", "max", -1.0, 0.5), 5, ()),
        # sum pooling of sigmoids: right at 16 pixels, but blank windows add up
        _q2("sigmoid-sum-pooling", detector(B_TEMPLATE, -3.5, "sigmoid", "sum", 1.0, -1.47),
            4, ("32 of 32", "in images of 24 pixels")),
        # the mirror image of B's template is A's: every image called the wrong class
        _q2("mirrored-filter", detector(A_TEMPLATE, -3.5, "step", "max", 1.0, -0.5), 0,
            ("16 A's called B, 16 B's called A",)),
        # a bias that no window reaches: one answer for everything
        _q2("bias-too-strict", detector(B_TEMPLATE, -4.5, "step", "max", 1.0, -0.5), 0,
            ("the same answer",)),
        # Exercise 5's 16 templates do not fit in one filter
        _q2("exercise-5-templates", EXERCISE5, 0, ("5 numbers",)),
    ]  # fmt: skip
    es += kit.forbidden_uses(E12, load_spec(EXERCISES / E12 / "spec.py").FORBID, USES, Q)
    return es
