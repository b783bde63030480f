"""Corpus entries for shortcuts (issue 16): an answer that skips the skill earns nothing for
the question whose skill it skips, whether written plainly or hidden; honest code that merely
looks similar keeps its points."""

from __future__ import annotations

from tests.grader.corpus import E4, Entry, replace

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


def shortcut_entries() -> list[Entry]:
    sol = {"q1": 3, "q2": 0}
    return [
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
