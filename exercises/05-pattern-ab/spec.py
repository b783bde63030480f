"""Grading spec: exercise 5, a network that tells pattern A from pattern B in every translation.

Graded names: ``ab_params`` (``[(W1, b1), ...]``, 16 inputs, 1 output, at most 6 layers) and
``ab_activations`` (hidden: step, sigmoid, tanh or relu; output: sigmoid, step or identity).
The grader evaluates the network itself with :class:`mlp.MLP` on all 32 translations from
:func:`mlp.datasets.pattern_ab` (t = 0 for A, 1 for B); the prediction is B when the output
exceeds 0.5.

Checks: accuracy -- 4 points times max(0, 2 * accuracy - 1), so a constant or linear-style
guess (50 %) earns nothing; margin -- 1 point if every output is at least 0.1 away from 0.5 on
the correct side.  The inputs are fixed (the task is all translations), so this exercise has
no random part.

The network is asked for by hand: its weights must be readable (every weight and bias a
multiple of 0.05, as a person writes them); trained weights, the library's builders and
training code earn nothing (FORBID, and the readable-weights rule for training written out
by hand).
"""

from __future__ import annotations

import numpy as np

from autograde.cases import Case, case_check
from autograde.nets import BadNetwork, forward, parse_activations, parse_params
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict

EXERCISE = "05-pattern-ab"
TITLE = "Exercise 5: pattern A versus pattern B, in every translation"
NOTEBOOK = "student.ipynb"
QUESTIONS = {"q1": "a network that separates all translations"}
GRADED_NAMES = ["ab_params", "ab_activations"]
HIDDEN = {"step", "sigmoid", "tanh", "relu"}
OUTPUT = {"sigmoid", "step", "identity"}
DIFFICULTY, MINUTES = "medium", 40
CHAPTER = "lecture2/05-xor-network.ipynb"
TEACHES = "designing hidden units as feature detectors, where no linear classifier can work"
ALLOWS = "numpy and mlp.MLP to test; no training and no library builders"
_HAND = "this question asks for a network designed by hand"
FORBID = [
    *(
        Forbid(m, ("q1",), f"{m} finds or builds the weights for you: {_HAND}")
        for m in (
            "mlp.sgd",
            "mlp.train_step",
            "mlp.train",
            "mlp.universality",
            "mlp.boolean_networks",
            "torch",
        )
    ),  # fmt: skip
    Forbid("@dynamic", ("q1",), "dynamic imports and exec could hide a shortcut"),
]
STEP = 0.05  # readable weights: multiples of this


def readable(params) -> bool:
    """True if every weight and bias is a multiple of STEP (what a person writes down)."""
    for W, b in params:
        for a in (W, b):
            k = np.asarray(a, dtype=float) / STEP
            if not np.all(np.abs(k - np.round(k)) <= 1e-6):
                return False
    return True


def _outputs(out):
    from mlp.datasets import pattern_ab

    X, t = pattern_ab()
    params = parse_params("ab_params", out["ab_params"], 16, 1)
    acts = parse_activations("ab_activations", out["ab_activations"], len(params), HIDDEN, OUTPUT)
    if not readable(params):
        raise BadNetwork(
            f"the weights are not all multiples of {STEP}: they look trained, and {_HAND}."
        )
    return forward(params, acts, X)[:, 0], t


def build(rng: np.random.Generator) -> Plan:
    reqs = [Request("ab_params", "ab_params", "value")]
    reqs.append(Request("ab_activations", "ab_activations", "value"))

    def judge_acc(out):
        try:
            y, t = _outputs(out)
        except BadNetwork as e:
            return Verdict(0, str(e))
        pred = (y > 0.5).astype(int)
        acc = float(np.mean(pred == t))
        wrong_a = int(np.sum((pred != t) & (t == 0)))
        wrong_b = int(np.sum((pred != t) & (t == 1)))
        msg = f"{int(acc * 32)} of 32 translations right"
        if wrong_a or wrong_b:
            msg += f" ({wrong_a} A's called B, {wrong_b} B's called A)"
        return Verdict(max(0.0, 2 * acc - 1), msg + ".")

    def judge_margin(out):
        try:
            y, t = _outputs(out)
        except BadNetwork as e:
            return Verdict(0, str(e))
        signed = np.where(t == 1, y - 0.5, 0.5 - y)
        if np.all(signed >= 0.1):
            return Verdict(1, "every output is at least 0.1 from the threshold 0.5.")
        return Verdict(0, f"{int(np.sum(signed < 0.1))} outputs are within 0.1 of 0.5 or wrong.")

    checks = [
        Check("accuracy", "q1", 4, "all 32 translations; 4 * max(0, 2 acc - 1)", judge_acc),
        Check("margin", "q1", 1, "every output >= 0.1 from 0.5 on the right side", judge_margin),
    ]
    return Plan(reqs, checks)


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s check: the student's network on all 32 images (the task is public)."""
    from mlp.datasets import pattern_ab

    reqs = [Request("ab_params", "ab_params", "value"),
            Request("ab_activations", "ab_activations", "value")]  # fmt: skip
    case = Case("ab_params", "your network's predictions (B = 1) on the 32 images",
                value="1.0 * (net(ab_params, ab_activations, pattern_ab()) > 0.5)",
                ref=pattern_ab()[1].astype(float))  # fmt: skip
    return Plan(reqs, [case_check("accuracy", "q1", 4, "all 32 images", [case], atol=0.5)])
