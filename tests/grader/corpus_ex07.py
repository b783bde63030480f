"""Corpus entries for exercise 7 (softmax and cross-entropy, stable and exact).

Points per question: Q1 softmax 1.5 (5 moderate batches) + 1 (2 large), Q2 the loss 1.5 + 1,
Q3 the gradient 2 + 1; credit is the fraction of batches right.  The moderate batches always
include one batch of one example, so a mistake in the mean over the batch keeps 1/5 of the
moderate points.  A wrong answer is inserted after the solution cell it replaces, so the
functions defined later (the gradient calls ``softmax``) use it, as a student's would.
"""

from __future__ import annotations

from autograde.spec import load_spec
from tests.grader import corpus_kit as kit
from tests.grader.corpus import EXERCISES, Entry

E7 = "07-softmax-cross-entropy"
FULL7 = 8
Q = {"q1": 2.5, "q2": 2.5, "q3": 3}
SPEC = load_spec(EXERCISES / E7 / "spec.py")


def notebook(which="solution", edits=None, after=(), append=()):
    """The solution (or ``which``) notebook, edited; see corpus_kit.notebook."""
    return kit.notebook(E7, which, edits=edits, after=after, append=append)


# ---- honest mistakes -----------------------------------------------------------------------

UNSTABLE_SOFTMAX = """
def softmax(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
"""
WRONG_AXIS_SOFTMAX = """
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
"""
LOG_OF_SOFTMAX = """
def cross_entropy(Z, T):
    return float(-np.sum(T * np.log(softmax(Z))) / Z.shape[0])
"""
CLIPPED_LOG = """
def cross_entropy(Z, T):
    return float(-np.sum(T * np.log(softmax(Z) + 1e-12)) / Z.shape[0])
"""
SUMMED_LOSS = """
def cross_entropy(Z, T):
    S = Z - Z.max(axis=1, keepdims=True)
    return float(-np.sum(T * (S - np.log(np.exp(S).sum(axis=1, keepdims=True)))))
"""
GRAD = """
def cross_entropy_grad(Z, T):
    return {expr}
"""
NUMERICAL_GRAD = """
def cross_entropy_grad(Z, T, h=1e-6):
    G = np.zeros(np.shape(Z))
    for idx in np.ndindex(G.shape):
        Z_plus, Z_minus = np.array(Z, dtype=float), np.array(Z, dtype=float)
        Z_plus[idx] += h
        Z_minus[idx] -= h
        G[idx] = (cross_entropy(Z_plus, T) - cross_entropy(Z_minus, T)) / (2 * h)
    return G
"""

# ---- shortcuts -----------------------------------------------------------------------------

MLP_LOSSES = """
from mlp.losses import cross_entropy_and_grad

def cross_entropy(Z, T):
    return cross_entropy_and_grad(np.array(Z, dtype=float), np.array(T, dtype=float))[0]

def cross_entropy_grad(Z, T):
    return cross_entropy_and_grad(np.array(Z, dtype=float), np.array(T, dtype=float))[1]
"""
MLP_SOFTMAX = """
import mlp

def softmax(Z):
    return mlp.softmax(Z)
"""
TORCH_GRAD = """
import torch

def cross_entropy_grad(Z, T):
    Zt = torch.tensor(Z, requires_grad=True)
    loss = -(torch.tensor(T) * torch.log_softmax(Zt, dim=1)).sum() / Zt.shape[0]
    loss.backward()
    return Zt.grad.numpy()
"""
COMPLEX_STEP = """
def cross_entropy_grad(Z, T):
    G = np.zeros(np.shape(Z))
    for idx in np.ndindex(G.shape):
        Zc = np.array(Z, dtype=complex)
        Zc[idx] += 1e-30j
        S = Zc - Zc.real.max(axis=1, keepdims=True)
        val = -np.sum(T * (S - np.log(np.exp(S).sum(axis=1, keepdims=True)))) / G.shape[0]
        G[idx] = val.imag / 1e-30
    return G
"""
# one line that uses each forbidden name (appended to the solution)
USES = {
    "mlp.softmax": "import mlp\n_ = mlp.softmax",
    "mlp.log_softmax": "from mlp.activations import log_softmax",
    "mlp.logsumexp": "from mlp.linear_models import logsumexp",
    "mlp.activations": "import mlp.activations",
    "mlp.losses": "from mlp.losses import one_hot",
    "mlp.softmax_cross_entropy": "from mlp import softmax_cross_entropy",
    "mlp.softmax_cross_entropy_grad": "from mlp import softmax_cross_entropy_grad",
    "mlp.MLP": "from mlp import MLP",
    "mlp.network": "import mlp.network",
    "mlp.layers": "from mlp.layers import Linear",
    "mlp.train": "from mlp.train import sgd",
    "mlp.lecture_graphs": "import mlp.lecture_graphs",
    "mlp.linear_models": "import mlp.linear_models",
    "mlp.graph": "import mlp.graph",
    "mlp.numerical_gradient": "from mlp import numerical_gradient",
    "mlp.gradcheck": "from mlp.gradcheck import verdict",
    "torch": "import torch",
    "jax": "import jax.numpy as jnp",
    "tensorflow": "import tensorflow as tf",
    "scipy": "from scipy.special import softmax as _sm",
    "autograd": "from autograd import grad",
    "sympy": "import sympy",
    "@complex": "_h = 1e-20j",
    "@dynamic": "exec('_x = 1')",
}


def entries() -> list[Entry]:
    sm, ls, gr = SPEC.SM_MISTAKES, SPEC.L_MISTAKES, SPEC.G_MISTAKES
    es = [
        Entry(E7, "solution", notebook(), total=FULL7, status="ok"),
        Entry(E7, "student-untouched", notebook("student"), total=0, status="ok",
              feedback=("not implemented yet",)),
        # softmax: exp(Z) overflows at large logits, in Q1 and in the gradient that calls it
        Entry(E7, "unstable-softmax", notebook(after=[("q1-solution", UNSTABLE_SOFTMAX)]),
              points={"q1": 1.5, "q2": 2.5, "q3": 2}, feedback=("subtract each row's maximum",)),
        # softmax over the batch's columns: wrong everywhere, also in the gradient
        Entry(E7, "softmax-wrong-axis", notebook(after=[("q1-solution", WRONG_AXIS_SOFTMAX)]),
              points={"q1": 0, "q2": 2.5, "q3": 0}, feedback=(sm["wrong axis"],)),
        # the log of a stable softmax: right on moderate logits, log 0 on large ones
        Entry(E7, "log-of-softmax", notebook(after=[("q2-solution", LOG_OF_SOFTMAX)]),
              points={"q1": 2.5, "q2": 1.5, "q3": 3}, feedback=("a log of 0",)),
        # a clipped log: wrong on large logits, and on moderate ones where a target's
        # probability is small enough for the epsilon to show (for some hidden seeds)
        Entry(E7, "clipped-log", notebook(after=[("q2-solution", CLIPPED_LOG)]),
              points={"q1": 2.5, "q3": 3}, max_total=7, feedback=("log(p + 1e-12)",)),
        # the loss summed over the batch: right only for the batch of one
        Entry(E7, "loss-not-averaged", notebook(after=[("q2-solution", SUMMED_LOSS)]),
              points={"q1": 2.5, "q2": 0.3, "q3": 3}, feedback=(ls["not averaged"],)),
        Entry(E7, "grad-forgot-t",
              notebook(after=[("q3-solution", GRAD.format(expr="softmax(Z) / Z.shape[0]"))]),
              points={"q1": 2.5, "q2": 2.5, "q3": 0}, feedback=(gr["forgot t"],)),
        Entry(E7, "grad-not-averaged",
              notebook(after=[("q3-solution", GRAD.format(expr="softmax(Z) - T"))]),
              points={"q1": 2.5, "q2": 2.5, "q3": 0.4}, feedback=(gr["not averaged"],)),
        Entry(E7, "grad-sign",
              notebook(after=[("q3-solution", GRAD.format(expr="(T - softmax(Z)) / len(Z)"))]),
              points={"q1": 2.5, "q2": 2.5, "q3": 0}, feedback=(gr["sign"],)),
        # a centered difference passed off as the gradient: not precise enough
        Entry(E7, "numerical-grad", notebook(after=[("q3-solution", NUMERICAL_GRAD)]),
              points={"q1": 2.5, "q2": 2.5, "q3": 0}, feedback=("numerical approximation",)),
        # realistic shortcuts
        Entry(E7, "shortcut-mlp-losses", notebook(after=[("q3-solution", MLP_LOSSES)]),
              points={"q1": 0, "q2": 0, "q3": 0}, feedback=("earns nothing", "mlp.losses")),
        Entry(E7, "shortcut-mlp-softmax", notebook(after=[("q1-solution", MLP_SOFTMAX)]),
              total=0, feedback=("earns nothing", "mlp.softmax")),
        Entry(E7, "shortcut-torch-grad", notebook(after=[("q3-solution", TORCH_GRAD)]),
              total=0, feedback=("earns nothing", "torch")),
        Entry(E7, "shortcut-complex-step", notebook(after=[("q3-solution", COMPLEX_STEP)]),
              points={"q1": 2.5, "q2": 2.5, "q3": 0}, feedback=("earns nothing", "complex")),
    ]  # fmt: skip
    # every forbidden name, used once, costs exactly the questions it names
    es += kit.forbidden_uses(E7, SPEC.FORBID, USES, Q)
    return es
