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
"""

from __future__ import annotations

import numpy as np

from autograde.nets import BadNetwork, forward, parse_activations, parse_params
from autograde.spec import Check, Plan, Request, Verdict

EXERCISE = "05-pattern-ab"
TITLE = "Exercise 5: pattern A versus pattern B, in every translation"
NOTEBOOK = "student.ipynb"
QUESTIONS = {"q1": "a network that separates all translations"}
GRADED_NAMES = ["ab_params", "ab_activations"]
HIDDEN = {"step", "sigmoid", "tanh", "relu"}
OUTPUT = {"sigmoid", "step", "identity"}


def _outputs(out):
    from mlp.datasets import pattern_ab

    X, t = pattern_ab()
    params = parse_params("ab_params", out["ab_params"], 16, 1)
    acts = parse_activations("ab_activations", out["ab_activations"], len(params), HIDDEN, OUTPUT)
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
