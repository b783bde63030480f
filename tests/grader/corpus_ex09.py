"""Corpus entries for exercise 9 (softplus: stable forward, analytic derivative, training).

Expected points hold for every hidden seed: the honest mistakes in Q1/Q2 fail every hidden
array of the check they fail (each array mixes many values), and the training entries give
their Q3 points only where the outcome does not depend on the data drawn.
"""

from __future__ import annotations

from autograde.spec import load_spec
from tests.grader import corpus_kit as kit
from tests.grader.corpus import EXERCISES, Entry

E9 = "09-new-activation"
FULL9 = 8
Q = {"q1": 2, "q2": 3, "q3": 3}


def notebook(which="solution", edits=None, after=(), append=()):
    """The solution (or ``which``) notebook, edited; see corpus_kit.notebook."""
    return kit.notebook(E9, which, edits=edits, after=after, append=append)


NAIVE_SOFTPLUS = "def softplus(z):\n    return np.log(1 + np.exp(z))\n"
RELU_SOFTPLUS = "def softplus(z):\n    return np.maximum(z, 0.0)\n"
NO_ABS = "def softplus(z):\n    return np.maximum(z, 0.0) + np.log1p(np.exp(-z))\n"
PRIME = "def softplus_prime(z):\n    return {}\n"
ZERO_INIT = """
_train = train_softplus_net

def train_softplus_net(X, t, seed):
    n, d = X.shape
    W1, b1, W2, b2 = np.zeros((16, d)), np.zeros(16), np.zeros((1, 16)), np.zeros(1)
    t = np.asarray(t, dtype=float).reshape(n, 1)
    for _ in range(1000):
        Z = X @ W1.T + b1
        Hid = softplus(Z)
        S_bar = (sigmoid(Hid @ W2.T + b2) - t) / n
        Z_bar = (S_bar @ W2) * softplus_prime(Z)
        W2 -= 0.5 * (S_bar.T @ Hid)
        b2 -= 0.5 * S_bar.sum(axis=0)
        W1 -= 0.5 * (Z_bar.T @ X)
        b1 -= 0.5 * Z_bar.sum(axis=0)
    return W1, b1, W2, b2
"""
DIVERGED = """
def train_softplus_net(X, t, seed):
    W1 = np.full((4, 2), np.nan)
    return W1, np.zeros(4), np.zeros((1, 4)), np.zeros(1)
"""
TORCH_SOFTPLUS = """
import torch

def softplus(z):
    return torch.nn.functional.softplus(torch.tensor(z)).numpy()
"""
COMPLEX_STEP = """
def softplus_prime(z):
    z = np.asarray(z, dtype=float)
    return np.log1p(np.exp(z + 1e-30j)).imag / 1e-30
"""
MLP_TRAINING = """
from mlp import MLP, sgd

def train_softplus_net(X, t, seed):
    net = MLP([2, 16, 1], ["relu", "identity"], seed=seed)
    sgd(net, X, t, loss="squared_error", epochs=200, lr=0.1)
    (W1, b1), (W2, b2) = net.params()
    return W1, b1, W2, b2 - 0.5
"""
USES = {
    "torch": "import torch",
    "jax": "import jax",
    "tensorflow": "import tensorflow",
    "autograd": "import autograd.numpy as anp",
    "sympy": "from sympy import diff",
    "@complex": "_z = complex(1, 2)",
    "mlp.MLP": "from mlp import MLP",
    "mlp.network": "from mlp.network import MLP as _M",
    "mlp.layers": "import mlp.layers",
    "mlp.train": "from mlp.train import sgd",
    "mlp.graph": "from mlp import graph",
    "sklearn": "from sklearn.neural_network import MLPClassifier",
    "@dynamic": "_f = eval('softplus')",
}


def entries() -> list[Entry]:
    es = [
        Entry(E9, "solution", notebook(), total=FULL9, status="ok"),
        Entry(E9, "student-untouched", notebook("student"), total=0, status="ok",
              feedback=("not implemented yet",)),
        # Q1: log(1 + exp(z)) as written: right for moderate z, inf at large z
        Entry(E9, "naive-softplus", notebook(after=[("q1-solution", NAIVE_SOFTPLUS)]),
              points={"q1": 1, "q2": 3, "q3": 3}, feedback=("an overflow",)),
        Entry(E9, "relu-softplus", notebook(after=[("q1-solution", RELU_SOFTPLUS)]),
              points={"q1": 0, "q2": 3}, feedback=("is ReLU",)),
        Entry(E9, "no-abs-softplus", notebook(after=[("q1-solution", NO_ABS)]),
              points={"q1": 0, "q2": 3}, feedback=("the exponent must be -|z|",)),
        # Q2: the derivative's classic mistakes
        Entry(E9, "prime-is-softplus",
              notebook(after=[("q2-solution", PRIME.format("softplus(z)"))]),
              points={"q1": 2, "q2": 0}, feedback=("given as softplus itself",)),
        Entry(E9, "prime-sigmoid-prime",
              notebook(after=[("q2-solution",
                               PRIME.format("sigmoid(z) * (1 - sigmoid(z))"))]),
              points={"q1": 2, "q2": 0}, feedback=("one derivative too far",)),
        Entry(E9, "prime-sign",
              notebook(after=[("q2-solution", PRIME.format("1 / (1 + np.exp(z))"))]),
              points={"q1": 2, "q2": 0}, feedback=("a sign",)),
        Entry(E9, "prime-naive-exp",
              notebook(after=[("q2-solution", PRIME.format("np.exp(z) / (1 + np.exp(z))"))]),
              points={"q1": 2, "q2": 2, "q3": 3}, feedback=("an overflow",)),
        # a centered difference is not precise enough, even with a good step
        Entry(E9, "prime-numerical",
              notebook(after=[("q2-solution",
                               PRIME.format("(softplus(z + 1e-5) - softplus(z - 1e-5)) / 2e-5"))]),
              points={"q1": 2, "q2": 0, "q3": 3}, feedback=("numerical approximation",)),
        # Q3: a symmetric start is never broken; a diverged training
        Entry(E9, "zero-init", notebook(after=[("q3-solution", ZERO_INIT)]),
              points={"q1": 2, "q2": 3, "q3": 0}, feedback=("the same weights",)),
        Entry(E9, "diverged", notebook(after=[("q3-solution", DIVERGED)]),
              points={"q1": 2, "q2": 3, "q3": 0}, feedback=("the training diverged",)),
        # realistic shortcuts
        Entry(E9, "shortcut-torch-softplus", notebook(after=[("q1-solution", TORCH_SOFTPLUS)]),
              total=0, feedback=("earns nothing", "torch")),
        Entry(E9, "shortcut-complex-step", notebook(after=[("q2-solution", COMPLEX_STEP)]),
              points={"q1": 2, "q2": 0, "q3": 3}, feedback=("earns nothing", "complex")),
        Entry(E9, "shortcut-mlp-training", notebook(after=[("q3-solution", MLP_TRAINING)]),
              points={"q1": 2, "q2": 3, "q3": 0}, feedback=("earns nothing", "mlp.MLP")),
    ]  # fmt: skip
    es += kit.forbidden_uses(E9, load_spec(EXERCISES / E9 / "spec.py").FORBID, USES, Q)
    return es
