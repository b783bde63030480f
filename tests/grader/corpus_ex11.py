"""Corpus entries for exercise 11 (your own training loop for the digits).

The grade is an accuracy on hidden images drawn from the grader's seed, so exact points are
asserted only where they do not depend on it: full marks (the solution scores 0.969..0.973
on every seed tried, with its worst digit above 0.9), nothing (an untrained network, a
network the grader refuses, a shortcut), and for a training stopped too early an upper
bound with the named reason.
"""

from __future__ import annotations

import copy

from nbformat.v4 import new_code_cell

from autograde.spec import load_spec
from tests.grader import corpus_kit as kit
from tests.grader.corpus import EXERCISES, Entry, _cell, _nb, _text

E11 = "11-digits-training-loop"
FULL11 = 5
Q = {"q1": FULL11}


def notebook(which="solution", edits=None, append=(), solution_edit=None):
    """The notebook with cells replaced (by id), the solution's source edited, or cells
    appended."""

    def build():
        nb = copy.deepcopy(_nb(E11, which))
        for cid, src in (edits or {}).items():
            _cell(nb, cid).source = src
        if solution_edit:
            cell = _cell(nb, "q1-solution")
            for old, new in solution_edit:
                assert old in cell.source, old
                cell.source = cell.source.replace(old, new)
        for k, src in enumerate(append):
            nb.cells.append(new_code_cell(src, id=f"extra-{k}"))
        return _text(nb)

    return build


TRAINING = ("epochs=40, lr=0.5", "epochs=40, lr=0.5")
MLP_SGD = """
from mlp import MLP, sgd

net = MLP([64, 64, 10], ["sigmoid", "identity"], seed=0)
sgd(net, X_train, t_train, loss="cross_entropy", lr=0.5, epochs=40, batch_size=32, seed=0)
digits_params = net.params()
digits_activations = ["sigmoid", "identity"]
"""
SKLEARN = """
from sklearn.neural_network import MLPClassifier

clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=0).fit(X_train, t_train)
digits_params = [(W.T, b) for W, b in zip(clf.coefs_, clf.intercepts_)]
digits_activations = ["relu", "identity"]
"""
USES = {
    "mlp.MLP": "from mlp import MLP",
    "mlp.network": "import mlp.network",
    "mlp.layers": "from mlp.layers import Linear",
    "mlp.train": "from mlp.train import History",
    "mlp.sgd": "from mlp import sgd",
    "mlp.train_step": "from mlp import train_step",
    "mlp.graph": "from mlp import graph",
    "torch": "import torch",
    "jax": "import jax",
    "tensorflow": "import tensorflow as tf",
    "autograd": "import autograd.numpy as anp",
    "sklearn": "import sklearn",
    "@dynamic": "_f = eval('train')",
}


def entries() -> list[Entry]:
    es = [
        Entry(E11, "solution", notebook(), total=FULL11, status="ok"),
        Entry(E11, "student-untouched", notebook("student"), total=0, status="ok",
              feedback=("`digits_params` is not defined",)),
        # the weights before any training: about 10% right
        Entry(E11, "untrained", notebook(solution_edit=[(TRAINING[0], "epochs=0, lr=0.5")]),
              total=0, feedback=("accuracy", "full marks from 95%")),
        # three epochs: about 86-87% on every seed, a share of the accuracy points only
        Entry(E11, "stopped-too-early",
              notebook(solution_edit=[(TRAINING[0], "epochs=3, lr=0.5")]),
              max_total=2.5, feedback=("full marks from 95%", "less than 85% of the time")),
        # trained on standardised pixels, handed in as trained: the grader's pixels are [0, 1]
        Entry(E11, "standardised-not-folded",
              notebook(solution_edit=[("digits_params = train(X_train,",
                                       "mu, sd = X_train.mean(0), X_train.std(0) + 0.1\n"
                                       "digits_params = train((X_train - mu) / sd,")]),
              max_total=1, feedback=("fold that change into W1 and b1",)),
        # softmax regression reaches 95% too, but the exercise asks for a hidden layer
        Entry(E11, "no-hidden-layer",
              notebook(solution_edit=[("sizes=[64, 64, 10]", "sizes=[64, 10]"),
                                      ('["sigmoid", "identity"]', '["identity"]')]),
              total=0, feedback=("at least one hidden layer",)),
        # weights as (inputs, outputs): refused with the lecture's convention named
        Entry(E11, "weights-transposed",
              notebook(append=("digits_params = [(W.T, b) for W, b in digits_params]",)),
              total=0, feedback=("(outputs, inputs)",)),
        Entry(E11, "sigmoid-output",
              notebook(append=('digits_activations = ["sigmoid", "sigmoid"]',)),
              total=0, feedback=("output activation 'sigmoid'",)),
        # realistic shortcuts
        Entry(E11, "shortcut-mlp-sgd", notebook(edits={"q1-solution": MLP_SGD}), total=0,
              feedback=("earns nothing", "mlp.MLP")),
        Entry(E11, "shortcut-sklearn", notebook(edits={"q1-solution": SKLEARN}), total=0,
              feedback=("earns nothing", "sklearn")),
    ]  # fmt: skip
    es += kit.forbidden_uses(E11, load_spec(EXERCISES / E11 / "spec.py").FORBID, USES, Q)
    return es
