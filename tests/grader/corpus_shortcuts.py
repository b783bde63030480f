"""Corpus entries for shortcuts (issue 16): an answer that skips the skill earns nothing for
the question whose skill it skips, whether written plainly or hidden; honest code that merely
looks similar keeps its points."""

from __future__ import annotations

from tests.grader.corpus import E2, E3, E4, E5, Entry, insert_after, replace

TORCH_BACKWARD = """
import torch


def backward(X, T, W1, b1, W2, b2):
    ps = [torch.tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
    Z = torch.tensor(X) @ ps[0].T + ps[1]
    Y = torch.sigmoid(Z) @ ps[2].T + ps[3]
    (0.5 * ((Y - torch.tensor(T)) ** 2).sum() / X.shape[0]).backward()
    return tuple(p.grad.numpy() for p in ps)
"""

MLP_BACKWARD = """
import mlp


def backward(X, T, W1, b1, W2, b2):
    net = mlp.MLP.from_params([(W1, b1), (W2, b2)], ["sigmoid", "identity"])
    Y = net.forward(X)
    net.backward((Y - T) / X.shape[0])
    (a, b), (c, d) = net.grads()
    return a, b, c, d
"""

HIDDEN_TORCH = """
import importlib

torch = importlib.import_module("tor" + "ch")
"""

NUMERICAL = """
from mlp import numerical_gradient as ng


def backward(X, T, W1, b1, W2, b2):
    def loss(*ps):
        return squared_error(forward(X, *ps)[2], T)

    return tuple(ng(lambda: loss(W1, b1, W2, b2), p) for p in (W1, b1, W2, b2))
"""

# torch imported inside a %%time cell: the magic's body is code too
TIMED_TORCH = "%%time\nimport torch\nx = torch.zeros(1)"

# the same names, honestly: a comment and a string mentioning torch, a local named MLP
HONEST_LOOKALIKE = """
# (no torch here: "import torch" is only text)
note = "import torch"
MLP = "my own notes about mlp.MLP"
"""


# exercise 3 by centered differences, at the textbook step and at the "best" step
def _fd(h: float) -> str:
    return f"""
def logistic_ls_grads(w, b, x, t, h={h}):
    L = logistic_ls_loss
    return ((L(w + h, b, x, t) - L(w - h, b, x, t)) / (2 * h),
            (L(w, b + h, x, t) - L(w, b - h, x, t)) / (2 * h))


def f_backward(t, h={h}):
    x, y = np.cos(t), t**2
    g = lambda x, y: y + np.exp(x * y)
    return {{"x_bar": (g(x + h, y) - g(x - h, y)) / (2 * h),
            "y_bar": (g(x, y + h) - g(x, y - h)) / (2 * h),
            "t_bar": (f_forward(t + h) - f_forward(t - h)) / (2 * h)}}
"""


COMPLEX_STEP = """
def logistic_ls_grads(w, b, x, t):
    L = lambda w, b: 0.5 * (1 / (1 + np.exp(-(w * x + b))) - t) ** 2
    return L(w + 1e-30j, b).imag / 1e-30, L(w, b + 1e-30j).imag / 1e-30
"""

SYMPY = """
import sympy as sp

_w, _b, _x, _t = sp.symbols("w b x t")
_L = (1 / (1 + sp.exp(-(_w * _x + _b))) - _t) ** 2 / 2
_gw, _gb = (sp.lambdify((_w, _b, _x, _t), sp.diff(_L, v)) for v in (_w, _b))


def logistic_ls_grads(w, b, x, t):
    return _gw(w, b, x, t), _gb(w, b, x, t)
"""


def _ex3_entries() -> list[Entry]:
    """Exercise 3 asks for derivatives by the chain rule: numerical ones earn nothing for the
    derivative checks (the loss and f(t) themselves are still right)."""
    fd = {"q1": 1, "q2": 1}  # loss and f(t) right; every derivative check 0
    return [
        Entry(E3, f"finite-differences-{name}", insert_after(E3, "solution", "q2-solution", _fd(h)),
              points=fd, feedback=("numerical approximation",))
        for name, h in (("1e-6", 1e-6), ("1e-5", 1e-5), ("1e-4", 1e-4))
    ] + [
        Entry(E3, "complex-step", insert_after(E3, "solution", "q1-solution", COMPLEX_STEP),
              points={"q1": 0, "q2": 0}, feedback=("complex-step differentiation",)),
        Entry(E3, "sympy", insert_after(E3, "solution", "q1-solution", SYMPY),
              points={"q1": 0, "q2": 0}, feedback=("uses `sympy`",)),
    ]  # fmt: skip


BUILDER = """
from mlp.bump_networks import bump_network

_net = bump_network([a, c], [1.0], unit="step")
step_params = [(layer.W, layer.b) for layer in _net.layers]
"""


def _ex2_entries() -> list[Entry]:
    """Exercise 2: per-student intervals, and the library's bump builder."""
    return [
        # someone else's notebook (made for 'ada', interval [0.5, 1]) submitted as
        # 'someone-elses-id' (interval [-1.5, 0]): flagged, judged on the submitter's interval;
        # relu_bump(a, c, delta) works for any interval, so Q3 keeps its points
        Entry(E2, "someone-elses-id", replace(E2, "solution", {}), own_id=False,
              max_total=5.5, feedback=("[flag]", "'ada'")),
        Entry(E2, "library-builder", replace(E2, "solution", {}, append=(BUILDER,)),
              points={"q1": 0, "q2": 0, "q3": 0}, feedback=("uses `mlp.bump_networks",)),
    ]  # fmt: skip


SGD_AB = """
from mlp import MLP, sgd

_net = MLP([16, 16, 1], ["sigmoid", "sigmoid"], seed=0)
sgd(_net, X, t[:, None].astype(float), epochs=300, lr=2.0, batch_size=32, seed=0)
ab_params = [(layer.W, layer.b) for layer in _net.layers]
ab_activations = ["sigmoid", "sigmoid"]
"""

OWN_LOOP_AB = """
_rng = np.random.default_rng(0)
_W1, _b1 = _rng.normal(0, 0.5, (24, 16)), np.zeros(24)
_W2, _b2 = _rng.normal(0, 0.5, (1, 24)), np.zeros(1)
_T = t[:, None].astype(float)
for _ in range(3000):
    _H = np.tanh(X @ _W1.T + _b1)
    _Y = 1 / (1 + np.exp(-(_H @ _W2.T + _b2)))
    _Zb = (_Y - _T) / len(X)
    _Hb = (_Zb @ _W2) * (1 - _H**2)
    _W2 -= 2.0 * _Zb.T @ _H
    _b2 -= 2.0 * _Zb.sum(0)
    _W1 -= 2.0 * _Hb.T @ X
    _b1 -= 2.0 * _Hb.sum(0)
ab_params = [(_W1, _b1), (_W2, _b2)]
ab_activations = ["tanh", "sigmoid"]
"""


def _ex5_entries() -> list[Entry]:
    """Exercise 5 asks for a design: training, with the library or by hand, earns nothing."""
    return [
        Entry(E5, "trained-with-sgd", replace(E5, "solution", {}, append=(SGD_AB,)),
              total=0, feedback=("uses `mlp.sgd`",)),
        Entry(E5, "trained-by-own-loop", replace(E5, "solution", {}, append=(OWN_LOOP_AB,)),
              total=0, feedback=("look trained",)),
    ]  # fmt: skip


def shortcut_entries() -> list[Entry]:
    sol = {"q1": 3, "q2": 0}
    return _ex2_entries() + _ex3_entries() + _ex5_entries() + [
        Entry(E4, "shortcut-torch", replace(E4, "solution", {}, append=(TORCH_BACKWARD,)),
              points=sol, feedback=("earns nothing", "uses `torch`")),
        Entry(E4, "shortcut-mlp-backward", replace(E4, "solution", {}, append=(MLP_BACKWARD,)),
              points={"q1": 0, "q2": 0}, feedback=("uses `mlp.MLP`",)),
        Entry(E4, "shortcut-hidden-import", replace(E4, "solution", {}, append=(HIDDEN_TORCH,)),
              points={"q1": 0, "q2": 0}, feedback=("uses `importlib`",)),
        Entry(E4, "shortcut-numerical-gradient",
              replace(E4, "solution", {}, append=(NUMERICAL,)), points=sol,
              feedback=("uses `mlp.numerical_gradient`",)),
        Entry(E4, "shortcut-torch-in-magic", replace(E4, "solution", {}, append=(TIMED_TORCH,)),
              points=sol, feedback=("uses `torch`",)),
        Entry(E4, "honest-lookalike", replace(E4, "solution", {}, append=(HONEST_LOOKALIKE,)),
              total=8, status="ok"),
    ]  # fmt: skip
