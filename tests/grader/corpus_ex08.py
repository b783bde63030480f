"""Corpus entries for exercise 8 (a gradient checker, and a planted bug).

Exercise 8 has per-student numbers: each entry's notebook carries the id it is filed under
(``STUDENT_ID`` = the entry's name), except the entries that test the id itself.  The solution
finds its bug with its own checker, so it is right under any id.

Expected points hold for every hidden seed (the hidden shapes always include a batch of one,
a square network and batches of two or more).
"""

from __future__ import annotations

from autograde.spec import load_spec
from tests.grader import corpus_kit as kit
from tests.grader.corpus import EXERCISES, Entry

E8 = "08-gradient-checker"
FULL8 = 8
Q = {"q1": 4, "q2": 1, "q3": 3}


def notebook(sid: str | None, which="solution", edits=None, after=(), append=()):
    """8's notebook with STUDENT_ID = sid (None: as it is); see corpus_kit.notebook."""
    return kit.notebook(E8, which, sid=sid, edits=edits, after=after, append=append)


# ---- honest mistakes -----------------------------------------------------------------------

CHECKER = """
def numerical_grad(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
{body}
    return grad
"""
ONE_SIDED = """\
        x[idx] = old + eps
        f_plus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f(x)) / eps"""
HALF = """\
        x[idx] = old + eps
        f_plus = f(x)
        x[idx] = old - eps
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / eps"""
NOT_RESTORED = """\
        x[idx] = old + eps
        f_plus = f(x)
        x[idx] = old - eps
        grad[idx] = (f_plus - f(x)) / (2 * eps)"""
REL_ONE_NORM = """
def relative_error(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(a))
"""
BACKWARD = """
def fixed_backward(X, T, W1, b1, W2, b2):
    Z = X @ W1.T + b1
    Hid = np.tanh(Z)
    S = Hid @ W2.T + b2
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    S_bar = {s_bar}
    H_bar = S_bar @ W2
    Z_bar = H_bar * {deriv}
    return Z_bar.T @ X, Z_bar.sum(axis=0), S_bar.T @ Hid, S_bar.sum(axis=0)
"""
RIGHT = {"s_bar": "(P - T) / X.shape[0]", "deriv": "(1 - Hid**2)"}
NUMERICAL_BACKWARD = """
def fixed_backward(X, T, W1, b1, W2, b2):
    ps = [np.array(p, dtype=float) for p in (W1, b1, W2, b2)]
    return tuple(numerical_grad(lambda _: loss(X, T, *ps), p) for p in ps)
"""


def backward_with(**kw) -> str:
    return BACKWARD.format(**{**RIGHT, **kw})


# ---- shortcuts -----------------------------------------------------------------------------

MLP_BACKWARD = """
from mlp import MLP, softmax_cross_entropy_grad

def fixed_backward(X, T, W1, b1, W2, b2):
    net = MLP.from_params([(W1, b1), (W2, b2)], ["tanh", "identity"], dtype=np.float64)
    net.backward(softmax_cross_entropy_grad(net.forward(X), T))
    (W1_bar, b1_bar), (W2_bar, b2_bar) = net.grads()
    return W1_bar, b1_bar, W2_bar, b2_bar
"""
TORCH_BACKWARD = """
import torch

def fixed_backward(X, T, W1, b1, W2, b2):
    ps = [torch.tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
    S = torch.tanh(torch.tensor(X) @ ps[0].T + ps[1]) @ ps[2].T + ps[3]
    loss = -(torch.tensor(T) * torch.log_softmax(S, dim=1)).sum() / X.shape[0]
    loss.backward()
    return tuple(p.grad.numpy() for p in ps)
"""
COMPLEX_STEP = """
def fixed_backward(X, T, W1, b1, W2, b2):
    out = []
    for k in range(4):
        ps = [np.array(p, dtype=complex) for p in (W1, b1, W2, b2)]
        g = np.zeros(ps[k].shape)
        for idx in np.ndindex(ps[k].shape):
            ps[k][idx] += 1e-30j
            S = np.tanh(X @ ps[0].T + ps[1]) @ ps[2].T + ps[3]
            S = S - S.real.max(axis=1, keepdims=True)
            val = -np.sum(T * (S - np.log(np.exp(S).sum(axis=1, keepdims=True)))) / X.shape[0]
            g[idx] = val.imag / 1e-30
            ps[k][idx] -= 1e-30j
        out.append(g)
    return tuple(out)
"""
MLP_CHECKER = """
from mlp import numerical_gradient

def numerical_grad(f, x, eps=1e-5):
    return numerical_gradient(f, x, eps)
"""
# one line that uses each forbidden name (appended to the solution)
USES = {
    "mlp.numerical_gradient": "import mlp\n_ = mlp.numerical_gradient",
    "mlp.gradcheck": "from mlp.gradcheck import verdict",
    "mlp.relative_error": "from mlp import relative_error as _re",
    "mlp.check_mlp_gradients": "from mlp import check_mlp_gradients",
    "mlp.MLP": "from mlp import MLP",
    "mlp.network": "import mlp.network",
    "mlp.layers": "from mlp.layers import Linear",
    "mlp.graph": "import mlp.graph",
    "mlp.losses": "from mlp.losses import softmax_cross_entropy",
    "mlp.softmax_cross_entropy_grad": "from mlp import softmax_cross_entropy_grad",
    "torch": "import torch",
    "jax": "import jax.numpy as jnp",
    "autograd": "from autograd import grad",
    "tensorflow": "import tensorflow as tf",
    "sympy": "import sympy",
    "@complex": "_h = 1e-20j",
    "@dynamic": "exec('_x = 1')",
}


def entries() -> list[Entry]:
    es = [
        Entry(E8, "ada", notebook(None), total=FULL8, status="ok",
              not_in_feedback=("[flag]",)),
        # the solution under another id: its own numbers, its own bug, full marks
        Entry(E8, "bob", notebook("bob"), total=FULL8, not_in_feedback=("[flag]",)),
        # ada's notebook submitted as carol: graded with carol's numbers (a bug in W2, not
        # ada's b1), flagged, and bug_in is wrong for carol
        Entry(E8, "carol", notebook(None), points={"q1": 4, "q2": 0, "q3": 3}, own_id=False,
              feedback=("[flag]", "graded with the numbers of 'carol'",
                        "the gradient of that parameter is right")),
        Entry(E8, "student-untouched", notebook(None, "student"), total=0, status="ok",
              own_id=False,
              feedback=("not implemented yet", "[flag]", "`bug_in` is not defined")),
        # Q1: the checker's classic mistakes (the bug is still found: the checker's error is
        # small next to the planted one)
        Entry(E8, "one-sided",
              notebook("one-sided", after=[("q1-solution", CHECKER.format(body=ONE_SIDED))]),
              points={"q1": 1.5, "q2": 1, "q3": 3}, feedback=("a one-sided difference",)),
        Entry(E8, "divided-by-eps",
              notebook("divided-by-eps", after=[("q1-solution", CHECKER.format(body=HALF))]),
              points={"q1": 1.5, "q2": 1, "q3": 3},
              feedback=("dividing by eps instead of 2 eps",)),
        Entry(E8, "x-not-restored",
              notebook("x-not-restored",
                       after=[("q1-solution", CHECKER.format(body=NOT_RESTORED))]),
              points={"q1": 1, "q2": 1, "q3": 3}, feedback=("x not restored",)),
        # relative_error divided by ||a||: right only for a = b and for b = 0 (2 of 7)
        Entry(E8, "relative-error-one-norm",
              notebook("relative-error-one-norm", after=[("q1-solution", REL_ONE_NORM)]),
              points={"q1": 3 + 2 / 7, "q2": 1, "q3": 3},
              feedback=("dividing by ||a|| only",)),
        # Q3: the backward pass's classic mistakes
        Entry(E8, "tanh-prime-of-z",
              notebook("tanh-prime-of-z",
                       after=[("q3-solution", backward_with(deriv="(1 - Z**2)"))]),
              points={"q1": 4, "q2": 1, "q3": 1.5}, feedback=("not 1 - z^2",)),
        Entry(E8, "no-batch-mean",
              notebook("no-batch-mean", after=[("q3-solution", backward_with(s_bar="P - T"))]),
              points={"q1": 4, "q2": 1, "q3": 0.5},  # right only for the batch of one
              feedback=("carries 1/B",)),
        Entry(E8, "squared-error-signal",
              notebook("squared-error-signal",
                       after=[("q3-solution", backward_with(s_bar="(S - T) / X.shape[0]"))]),
              points={"q1": 4, "q2": 1, "q3": 0}, feedback=("squared-error signal",)),
        # a numerical gradient passed off as a backward pass: not precise enough
        Entry(E8, "numerical-backward",
              notebook("numerical-backward", after=[("q3-solution", NUMERICAL_BACKWARD)]),
              points={"q1": 4, "q2": 1, "q3": 0}, feedback=("numerical approximation",)),
        # Q2: a wrong guess
        Entry(E8, "wrong-guess",
              notebook("wrong-guess", after=[("q2-solution",
                                              'bug_in = "W2" if bug_in != "W2" else "W1"')]),
              points={"q1": 4, "q2": 0, "q3": 3}, feedback=("the gradient of that parameter",)),
        Entry(E8, "bug-in-lowercase",
              notebook("bug-in-lowercase",
                       after=[("q2-solution", "bug_in = bug_in.lower() + '_bar'")]),
              total=FULL8),
        Entry(E8, "bug-in-not-a-name",
              notebook("bug-in-not-a-name", after=[("q2-solution", "bug_in = 3")]),
              points={"q1": 4, "q2": 0, "q3": 3}, feedback=("should be the name of a parameter",)),
        # realistic shortcuts
        Entry(E8, "shortcut-mlp-checker",
              notebook("shortcut-mlp-checker", after=[("q1-solution", MLP_CHECKER)]),
              points={"q1": 0, "q2": 0, "q3": 3},
              feedback=("earns nothing", "mlp.numerical_gradient")),
        Entry(E8, "shortcut-mlp-backward",
              notebook("shortcut-mlp-backward", after=[("q3-solution", MLP_BACKWARD)]),
              points={"q1": 4, "q2": 1, "q3": 0}, feedback=("earns nothing", "mlp.MLP")),
        Entry(E8, "shortcut-torch-backward",
              notebook("shortcut-torch-backward", after=[("q3-solution", TORCH_BACKWARD)]),
              points={"q1": 4, "q2": 0, "q3": 0}, feedback=("earns nothing", "torch")),
        Entry(E8, "shortcut-complex-step",
              notebook("shortcut-complex-step", after=[("q3-solution", COMPLEX_STEP)]),
              points={"q1": 4, "q2": 0, "q3": 0}, feedback=("earns nothing", "complex")),
    ]  # fmt: skip
    # every forbidden name, used once, costs exactly the questions it names
    es += kit.forbidden_uses(
        E8, load_spec(EXERCISES / E8 / "spec.py").FORBID, USES, Q, with_sid=True
    )
    return es
