"""Corpus entries for exercise 6 (a forward and backward pass by hand).

Exercise 6 has per-student numbers: each entry's notebook carries the id it is filed under
(``STUDENT_ID`` = the entry's name), except the entries that test the id itself.  The
solution computes every value from the numbers of its own id, so it is right under any id.
Each value is judged against the exact one for the id: a wrong value earns nothing for its
line, and every value computed from it is wrong too.
"""

from __future__ import annotations

import numpy as np

from autograde import variants
from autograde.spec import load_spec
from tests.grader import corpus_kit as kit
from tests.grader.corpus import EXERCISES, Entry

E6 = "06-by-hand-pass"
FULL6 = 10
Q = {"q1": 4, "q2": 3, "q3": 3}
SPEC = load_spec(EXERCISES / E6 / "spec.py")


def notebook(sid: str | None, which="solution", edits=None, after=(), append=()):
    """6's notebook with STUDENT_ID = sid (None: as it is); see corpus_kit.notebook."""
    return kit.notebook(E6, which, sid=sid, edits=edits, after=after, append=append)


# ---- honest mistakes (a question's solution cell as a student might write it) --------------

Q1 = """
z = W1 @ x + b1
h = sigmoid(z)
y = {y}
loss = 0.5 * np.sum((y - t) ** 2)
"""
Q2 = """
y_bar = {y_bar}
W2_bar = np.outer(y_bar, h)
b2_bar = y_bar
h_bar = {h_bar}
"""
Q3 = """
z_bar = {z_bar}
W1_bar = {w1_bar}
b1_bar = z_bar
"""
RIGHT = {
    "y": "W2 @ h + b2",
    "y_bar": "y - t",
    "h_bar": "W2.T @ y_bar",
    "z_bar": "h_bar * sigmoid_prime(z)",
    "w1_bar": "np.outer(z_bar, x)",
}


def with_(**kw) -> dict[str, str]:
    """The three solution cells, with some expressions replaced."""
    f = {**RIGHT, **kw}
    return {"q1-solution": Q1.format(**f), "q2-solution": Q2.format(**f),
            "q3-solution": Q3.format(**f)}  # fmt: skip


def typed(sid: str) -> dict[str, str]:
    """The solution cells with every value typed as a number rounded to 4 decimals, each
    computed from the rounded values before it (as on paper)."""
    n = {k: np.asarray(v, dtype=float) for k, v in variants.numbers(E6, sid).items()}

    def r(v):
        return np.round(np.asarray(v, dtype=float), 4)

    z = r(n["W1"] @ n["x"] + n["b1"])
    h = r(1 / (1 + np.exp(-z)))
    y = r(n["W2"] @ h + n["b2"])
    loss = r(0.5 * np.sum((y - n["t"]) ** 2))
    y_bar = r(y - n["t"])
    W2_bar, h_bar = r(np.outer(y_bar, h)), r(n["W2"].T @ y_bar)
    z_bar = r(h_bar * h * (1 - h))
    W1_bar = r(np.outer(z_bar, n["x"]))

    def lit(v):
        return repr(np.asarray(v).tolist())

    return {
        "q1-solution": f"z = {lit(z)}\nh = {lit(h)}\ny = {lit(y)}\nloss = {float(loss)!r}",
        "q2-solution": f"y_bar = {lit(y_bar)}\nW2_bar = {lit(W2_bar)}\nb2_bar = {lit(y_bar)}\n"
        f"h_bar = {lit(h_bar)}",
        "q3-solution": f"z_bar = {lit(z_bar)}\nW1_bar = {lit(W1_bar)}\nb1_bar = {lit(z_bar)}",
    }


# ---- shortcuts -----------------------------------------------------------------------------

TORCH_BACKWARD = """
import torch

ps = [torch.tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
zt = ps[0] @ torch.tensor(x) + ps[1]
zt.retain_grad()
ht = torch.sigmoid(zt)
ht.retain_grad()
yt = ps[2] @ ht + ps[3]
yt.retain_grad()
(0.5 * ((yt - torch.tensor(t)) ** 2).sum()).backward()
y_bar, h_bar, z_bar = yt.grad.numpy(), ht.grad.numpy(), zt.grad.numpy()
W1_bar, b1_bar, W2_bar, b2_bar = (p.grad.numpy() for p in ps)
"""
MLP_PASS = """
from mlp import MLP

net = MLP.from_params([(W1, b1), (W2, b2)], ["sigmoid", "identity"], dtype=np.float64)
y = net.forward(x[None, :])[0]
"""
# one line that uses each forbidden name (appended to the solution)
USES = {
    "mlp.MLP": "from mlp import MLP",
    "mlp.network": "import mlp.network",
    "mlp.layers": "from mlp.layers import Linear",
    "mlp.graph": "import mlp.graph",
    "mlp.lecture_graphs": "from mlp.lecture_graphs import mlp_scalar_graph",
    "mlp.numerical_gradient": "import mlp\n_ = mlp.numerical_gradient",
    "mlp.gradcheck": "from mlp.gradcheck import verdict",
    "torch": "import torch",
    "jax": "import jax.numpy as jnp",
    "autograd": "from autograd import grad",
    "tensorflow": "import tensorflow as tf",
    "sympy": "import sympy",
    "@complex": "_h = 1e-20j",
    "@dynamic": "exec('_x = 1')",
}


def entries() -> list[Entry]:
    text = SPEC.MISTAKES
    es = [
        Entry(E6, "ada", notebook(None), total=FULL6, status="ok", not_in_feedback=("[flag]",)),
        # the solution under another id: its own numbers, full marks
        Entry(E6, "bob", notebook("bob"), total=FULL6, not_in_feedback=("[flag]",)),
        # ada's notebook submitted as carol: graded with carol's numbers, flagged, no points
        Entry(E6, "carol", notebook(None), total=0, own_id=False,
              feedback=("[flag]", "graded with the numbers of 'carol'",
                        "It does follow from your z")),
        Entry(E6, "student-untouched", notebook(None, "student"), total=0, status="ok",
              own_id=False, feedback=("`z` is not defined", "[flag]")),
        # values typed by hand with four decimals, rounded at every step: full marks
        Entry(E6, "typed-values", notebook("typed-values", edits=typed("typed-values")),
              total=FULL6),
        # the classic mistakes: the value where it happens and every value after it are wrong
        Entry(E6, "forgot-sigma-prime",
              notebook("forgot-sigma-prime", edits=with_(z_bar="h_bar")),
              points={"q1": 4, "q2": 3, "q3": 0}, feedback=(text["no sigma'"],)),
        Entry(E6, "sigma-prime-at-h",
              notebook("sigma-prime-at-h", edits=with_(z_bar="h_bar * sigmoid_prime(h)")),
              points={"q1": 4, "q2": 3, "q3": 0}, feedback=(text["sigma' at h"],)),
        Entry(E6, "missing-transpose",
              notebook("missing-transpose", edits=with_(h_bar="W2 @ y_bar")),
              points={"q1": 4, "q2": 2, "q3": 0}, feedback=(text["missing transpose"],)),
        Entry(E6, "sign-of-y-bar", notebook("sign-of-y-bar", edits=with_(y_bar="t - y")),
              points={"q1": 4, "q2": 0, "q3": 0}, feedback=(text["sign"],)),
        Entry(E6, "forgot-b2", notebook("forgot-b2", edits=with_(y="W2 @ h")),
              points={"q1": 2, "q2": 0, "q3": 0}, feedback=(text["no b2"],)),
        Entry(E6, "w1-bar-transposed",
              notebook("w1-bar-transposed", edits=with_(w1_bar="np.outer(x, z_bar)")),
              points={"q1": 4, "q2": 3, "q3": 2}, feedback=(text["W1_bar transposed"],)),
        # realistic shortcuts
        Entry(E6, "shortcut-torch",
              notebook("shortcut-torch", edits={"q3-solution": TORCH_BACKWARD}),
              points={"q1": 4, "q2": 0, "q3": 0}, feedback=("earns nothing", "torch")),
        Entry(E6, "shortcut-mlp", notebook("shortcut-mlp", append=(MLP_PASS,)),
              total=0, feedback=("earns nothing", "mlp.MLP")),
    ]  # fmt: skip
    # every forbidden name, used once, costs exactly the questions it names
    es += kit.forbidden_uses(E6, SPEC.FORBID, USES, Q, with_sid=True)
    return es
