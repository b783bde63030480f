"""Grading spec: exercise 11, your own training loop for the 8x8 digits, judged on hidden digits.

Graded names: ``digits_params`` (``[(W1, b1), ...]``: 64 inputs, 10 outputs, 2 to 6
layers: at least one hidden layer, since softmax regression alone also reaches 95 %) and
``digits_activations`` (hidden: sigmoid, relu or tanh; output: identity).  The grader never
runs the student's code on its data: it evaluates the submitted weights itself
(:func:`autograde.nets.forward`, i.e. :class:`mlp.MLP` in the grader's process) and predicts
the digit with the largest output.

**What "a split the student never sees" means here.**  ``mlp`` ships every one of its 1,797
digits (``mlp/data/digits.npz``, the test part of UCI optdigits), so no original image can be
kept from a student; and changing ``mlp``'s data set would change the chapters that use it.
The hidden images are therefore *new images*, made in this spec from the 359 digits the
notebook sets aside as its test set (``mlp.load_digits_split(test_fraction=0.2, seed=0)``,
the chapter's split; the notebook trains on the other 1,438): three copies of each, every
pixel count (0..16) moved up or down by one with probability 1/2 each way (clipped to
0..16), drawn from the grader's per-run seed, then scaled to [0, 1] as ``load_digits`` does.
1,077 images, new at every run, none in the package (the chance that one equals a shipped
image is about 1e-8), with the labels of the digits they come from (a one-count change in
a few 4x4 blocks does not change a digit).  A network trained on the training part only, as
the notebook says, is judged on digits it has never seen, slightly perturbed: the solution's
network scores 0.970..0.973 on them (test split: 0.969), for every seed tried.  What it
cannot rule out: a student who trains on the notebook's test part as well has seen the
digits the hidden images come from (their score rises by about one point); the notebook
says not to, and the intro says the hidden images are not in ``mlp``'s data.

Checks (Q1, 5 points): accuracy on the hidden images, 4 points times
``clip((acc - 0.80) / 0.15, 0, 1)`` (full marks from 95 %, nothing below 80 %); every digit
learned, 1 point if each digit's recall on the hidden images is at least 0.85 (the solution's
worst digit: 0.91).  A network that is not ``64 -> ... -> 10`` with the allowed activations
earns nothing, with the reason.  No public check (a threshold on hidden images, not a
case): the notebook's test cell measures the test accuracy.
"""

from __future__ import annotations

import numpy as np

from autograde.nets import BadNetwork, forward, parse_activations, parse_params
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict

EXERCISE = "11-digits-training-loop"
TITLE = "Exercise 11: your own training loop for handwritten digits"
NOTEBOOK = "student.ipynb"
QUESTIONS = {"q1": "a digit classifier trained by your own loop"}
GRADED_NAMES = ["digits_params", "digits_activations"]
DIFFICULTY, MINUTES = "medium", 60
CHAPTER = "lecture2/10-training-on-digits.ipynb"
TEACHES = (
    "a complete training loop written from scratch (forward pass, backward pass, minibatch "
    "updates) that generalizes to digits it has not seen"
)
ALLOWS = (
    "numpy and mlp's activations, softmax, losses, one_hot and digits loader; not mlp's "
    "MLP, layers or training functions, PyTorch, JAX, TensorFlow, autograd or scikit-learn"
)
HIDDEN = {"sigmoid", "relu", "tanh"}
OUTPUT = {"identity"}
FULL_ACC, ZERO_ACC, RECALL = 0.95, 0.80, 0.85
COPIES = 3
_OWN = "the training loop must be your own"
FORBID = [
    Forbid("mlp.MLP", ("q1",), f"mlp's MLP computes the forward and backward pass: {_OWN}"),
    Forbid("mlp.network", ("q1",), f"mlp.network holds mlp's MLP: {_OWN}"),
    Forbid("mlp.layers", ("q1",), f"mlp's layers compute the backward pass: {_OWN}"),
    Forbid("mlp.train", ("q1",), f"mlp.train is a training loop: {_OWN}"),
    Forbid("mlp.sgd", ("q1",), f"mlp.sgd is a training loop: {_OWN}"),
    Forbid("mlp.train_step", ("q1",), f"mlp.train_step is a training step: {_OWN}"),
    Forbid("mlp.graph", ("q1",), f"mlp.graph backpropagates for you: {_OWN}"),
    *(
        Forbid(m, ("q1",), f"{m} trains networks for you: {_OWN}")
        for m in ("torch", "jax", "tensorflow", "autograd", "sklearn")
    ),  # fmt: skip
    Forbid("@dynamic", ("q1",), "dynamic imports and exec could hide a shortcut"),
]


def hidden_digits(rng: np.random.Generator, copies: int = COPIES):
    """The hidden images (see the module docstring) and their labels."""
    from mlp.datasets import load_digits_split

    _, X_test, _, t_test = load_digits_split(test_fraction=0.2, seed=0, scale=False)
    counts = np.tile(X_test.astype(float), (copies, 1))
    moves = rng.choice([-1.0, 1.0], size=counts.shape) * (rng.random(counts.shape) < 0.5)
    return np.clip(counts + moves, 0, 16) / 16.0, np.tile(t_test, copies)


def predictions(out, X: np.ndarray) -> np.ndarray:
    """The digits the submitted network predicts for the rows of ``X`` (or BadNetwork)."""
    params = parse_params("digits_params", out["digits_params"], 64, 10)
    if len(params) < 2:
        raise BadNetwork(
            "`digits_params` has one layer: that is softmax regression, a linear model; this "
            "exercise asks for a network with at least one hidden layer."
        )
    acts = parse_activations("digits_activations", out["digits_activations"], len(params),
                             HIDDEN, OUTPUT)  # fmt: skip
    return np.argmax(forward(params, acts, X), axis=1)


SCALE_HINT = (
    " The grader gives your network the pixels as mlp.load_digits returns them, in [0, 1];"
    " if you trained on rescaled or centred pixels, fold that change into W1 and b1."
)


def _judges(X, t):
    def pred(out):  # no cache: one plan judges every submission of a run
        try:
            return predictions(out, X)
        except BadNetwork as e:
            return e

    def judge_acc(out) -> Verdict:
        p = pred(out)
        if isinstance(p, BadNetwork):
            return Verdict(0, str(p), mistake="bad network")
        acc = float(np.mean(p == t))
        frac = (acc - ZERO_ACC) / (FULL_ACC - ZERO_ACC)
        msg = f"accuracy {acc:.1%} on {len(t)} hidden digits (full marks from {FULL_ACC:.0%})."
        if acc < FULL_ACC:
            msg += SCALE_HINT if acc < 0.9 else ""
            if len(set(p.tolist())) == 1:
                msg += " Your network predicts the same digit for every image."
        return Verdict(frac, msg, mistake=None if acc >= FULL_ACC else "low accuracy")

    def judge_recall(out) -> Verdict:
        p = pred(out)
        if isinstance(p, BadNetwork):
            return Verdict(0, str(p))
        recall = [float(np.mean(p[t == d] == d)) for d in range(10)]
        weak = [d for d in range(10) if recall[d] < RECALL]
        if not weak:
            return Verdict(1, f"every digit recognised at least {RECALL:.0%} of the time.")
        names = ", ".join(f"{d} ({recall[d]:.0%})" for d in weak)
        return Verdict(0, f"digits recognised less than {RECALL:.0%} of the time: {names}.")

    return judge_acc, judge_recall


def build(rng: np.random.Generator) -> Plan:
    X, t = hidden_digits(rng)
    judge_acc, judge_recall = _judges(X, t)
    reqs = [Request("digits_params", "digits_params", "value"),
            Request("digits_activations", "digits_activations", "value")]  # fmt: skip
    n = len(t)
    checks = [
        Check("accuracy on hidden digits", "q1", 4,
              f"{n} hidden digits; 4 * clip((acc - 0.80) / 0.15, 0, 1)", judge_acc),
        Check("every digit learned", "q1", 1,
              f"each digit's recall on the {n} hidden digits >= {RECALL}", judge_recall),
    ]  # fmt: skip
    return Plan(reqs, checks)


def public(rng: np.random.Generator) -> Plan:
    """No public check: the grade is a threshold on hidden images (the notebook's test cell
    measures the accuracy on the public test split instead)."""
    reqs = [Request("digits_params", "digits_params", "value")]
    return Plan(reqs, [])
