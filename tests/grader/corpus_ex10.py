"""Corpus entries for exercise 10 (the backward pass of an MLP of any depth).

Expected points hold for every hidden seed: the 8 networks always have the same structure
(one of depth 1, one square, one batch of one, five random; 7 with hidden layers), every
network with hidden layers has a sigmoid one, and no layer's error signal is zero, so each
honest mistake below fails the same networks whatever the seed.  Only the missing transpose
depends on the shapes drawn (it raises unless the layers it touches are square).
"""

from __future__ import annotations

from autograde.spec import load_spec
from tests.grader import corpus_kit as kit
from tests.grader.corpus import EXERCISES, Entry

E10 = "10-backward-l-layers"
FULL10 = 7
Q = {"q1": 2, "q2": 5}


def notebook(which="solution", edits=None, after=(), append=()):
    """The solution (or ``which``) notebook, edited; see corpus_kit.notebook."""
    return kit.notebook(E10, which, edits=edits, after=after, append=append)


BACKWARD = """
def backward(params, activations, X, T):
    Zs, Hs = forward(params, activations, X)
    grads = [None] * len(params)
    H_bar = {y_bar}
    for k in reversed(range(len(params))):
        _, f_prime = ACT[activations[k]]
        Z_bar = {z_bar}
        grads[k] = ({w_bar}, {b_bar})
        H_bar = {h_bar}
    return grads
"""
RIGHT = dict(
    y_bar="(Hs[-1] - T) / X.shape[0]",
    z_bar="H_bar * f_prime(Zs[k])",
    w_bar="Z_bar.T @ Hs[k]",
    b_bar="Z_bar.sum(axis=0)",
    h_bar="Z_bar @ params[k][0]",
)


def backward_with(**kw) -> str:
    return BACKWARD.format(**{**RIGHT, **kw})


MLP_BACKWARD = """
from mlp import MLP
from mlp.losses import squared_error_grad

def backward(params, activations, X, T):
    net = MLP.from_params(params, activations)
    net.backward(squared_error_grad(net.forward(X), T))
    return net.grads()
"""
NUMERICAL_BACKWARD = """
from mlp import numerical_gradient

def backward(params, activations, X, T):
    def loss():
        return 0.5 * np.sum((forward(params, activations, X)[1][-1] - T) ** 2) / len(X)
    return [(numerical_gradient(lambda _: loss(), W), numerical_gradient(lambda _: loss(), b))
            for W, b in params]
"""
USES = {
    "mlp.MLP": "from mlp import MLP",
    "mlp.network": "import mlp.network",
    "mlp.layers": "from mlp.layers import Linear",
    "mlp.train": "from mlp.train import train_step",
    "mlp.graph": "from mlp import graph",
    "mlp.numerical_gradient": "from mlp import numerical_gradient",
    "mlp.check_mlp_gradients": "from mlp import check_mlp_gradients",
    "mlp.gradcheck": "import mlp.gradcheck",
    "torch": "import torch",
    "jax": "import jax",
    "autograd": "import autograd.numpy as anp",
    "tensorflow": "import tensorflow as tf",
    "@dynamic": "_f = eval('backward')",
}


def _wrong(name, kw, points, text, max_total=None):
    return Entry(E10, name, notebook(after=[("q2-solution", backward_with(**kw))]),
                 points=points, max_total=max_total, feedback=(text,))  # fmt: skip


def entries() -> list[Entry]:
    es = [
        Entry(E10, "solution", notebook(), total=FULL10, status="ok"),
        Entry(E10, "student-untouched", notebook("student"), total=0, status="ok",
              feedback=("not implemented yet",)),
        # hidden layers wrong, the output layer right: 1 + 1 of Q2's 5 points
        _wrong("missing-activation-derivative", dict(z_bar="H_bar"), {"q1": 2, "q2": 2},
               "a missing activation derivative"),
        _wrong("derivative-at-h", dict(z_bar="H_bar * f_prime(Hs[k + 1])"),
               {"q1": 2, "q2": 2}, "taken at h instead of z"),
        # W_bar from the layer's output: every W_bar wrong, every b_bar right
        _wrong("off-by-one-input", dict(w_bar="Z_bar.T @ Hs[k + 1]"), {"q1": 2, "q2": 2},
               "off-by-one layer indexing"),
        # b_bar of shape (B, M): right only for the batch of one (1 of 8, 1 of 7 networks)
        _wrong("b-not-summed", dict(b_bar="Z_bar"), {"q1": 2, "q2": 1 + 1 / 8 + 2 + 1 / 7},
               "b_bar not summed over the batch"),
        # no 1/B: right only for the batch of one
        _wrong("no-batch-mean", dict(y_bar="Hs[-1] - T"),
               {"q1": 2, "q2": 1 / 8 + 1 / 8 + 2 / 7 + 1 / 7}, "averaged over the batch"),
        # raises unless the layers are square: its points depend on the shapes drawn
        _wrong("missing-transpose", dict(h_bar="Z_bar @ params[k][0].T"), None,
               "a missing transpose", max_total=FULL10 - 3),
        # realistic shortcuts
        Entry(E10, "shortcut-mlp-backward", notebook(after=[("q2-solution", MLP_BACKWARD)]),
              total=0, feedback=("earns nothing", "mlp.MLP")),
        Entry(E10, "shortcut-numerical-gradient",
              notebook(after=[("q2-solution", NUMERICAL_BACKWARD)]),
              points={"q1": 2, "q2": 0}, feedback=("earns nothing", "numerical")),
    ]  # fmt: skip
    es += kit.forbidden_uses(E10, load_spec(EXERCISES / E10 / "spec.py").FORBID, USES, Q)
    return es
