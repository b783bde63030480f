"""Grading spec: exercise 6, a forward and backward pass by hand.

Each student's network (a 3-2-2 MLP: ``z = W1 x + b1``, ``h = sigma(z)``, ``y = W2 h + b2``,
``L = 1/2 ||y - t||^2``) and its input and target come from the student id
(:mod:`autograde.variants.ex06`; with ids off, everyone gets ``COMMON``).

Graded names: the values ``z, h, y, loss`` (Q1), ``y_bar, W2_bar, b2_bar, h_bar`` (Q2) and
``z_bar, W1_bar, b1_bar`` (Q3), as numbers, lists or numpy arrays (a column ``(2, 1)`` is
accepted for a vector).  Each value is one check, judged against the exact value for the
numbers of the id the submission is graded as (``outputs[autograde.variants.STUDENT]``),
within ``RTOL``/``ATOL`` = 1e-3/1e-3 (values typed with four decimals pass).  A wrong value
earns nothing for its check; the feedback names a recognised mistake (a forgotten bias, sigma
not applied or applied to the output, no 1/2 in the loss, a sign error in y_bar, a transposed
gradient, a missing transpose in h_bar, a forgotten sigma', sigma' taken at h or written
z (1 - z)), also when it reached the value from further up, and says when a wrong value does
follow from the student's own earlier values (the first wrong one is further up).  The
numbers make every recognised mistake change its value by many tolerances
(``tests/test_exercise_06.py``).

``public(rng)``: ``check("qK")`` cannot know the answers for an id, so each public case is an
expression over the student's earlier values and numbers: the value must follow from them.
"""

from __future__ import annotations

import functools

import numpy as np

from autograde import variants
from autograde.cases import Case, case_check, diagnose, evaluate
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict, compare

EXERCISE = "06-by-hand-pass"
TITLE = "Exercise 6: a forward and backward pass by hand"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "forward pass and loss",
    "q2": "backward through the output layer",
    "q3": "backward through the hidden layer",
}
VALUES = {  # graded name -> (question, points)
    "z": ("q1", 1),
    "h": ("q1", 1),
    "y": ("q1", 1),
    "loss": ("q1", 1),
    "y_bar": ("q2", 0.5),
    "W2_bar": ("q2", 1),
    "b2_bar": ("q2", 0.5),
    "h_bar": ("q2", 1),
    "z_bar": ("q3", 1.5),
    "W1_bar": ("q3", 1),
    "b1_bar": ("q3", 0.5),
}
GRADED_NAMES = list(VALUES)
VARIANTS = True
RTOL, ATOL = 1e-3, 1e-3
DIFFICULTY, MINUTES = "easy", 30
CHAPTER = "lecture2/09-backpropagation.ipynb"
TEACHES = (
    "the forward and backward pass of a small MLP carried out number by number, every "
    "error signal written down"
)
ALLOWS = (
    "pencil, numpy arithmetic, mlp.sigmoid and mlp.sigmoid_prime; not mlp's MLP, layers, "
    "graph or numerical gradient, nor PyTorch, JAX, autograd, sympy or complex numbers"
)
_OWN = "every value must be worked out step by step"
_ALL = ("q1", "q2", "q3")
FORBID = [
    Forbid("mlp.MLP", _ALL, f"mlp's MLP computes the forward and backward pass: {_OWN}"),
    Forbid("mlp.network", _ALL, f"mlp.network holds mlp's MLP: {_OWN}"),
    Forbid("mlp.layers", _ALL, f"mlp's layers compute the pass: {_OWN}"),
    Forbid("mlp.graph", _ALL, f"mlp.graph computes the pass on a graph: {_OWN}"),
    Forbid("mlp.lecture_graphs", _ALL, f"mlp's lecture graphs compute the pass: {_OWN}"),
    Forbid("mlp.numerical_gradient", ("q2", "q3"), f"a numerical gradient is not backprop: {_OWN}"),
    Forbid("mlp.gradcheck", ("q2", "q3"), f"a numerical gradient is not backprop: {_OWN}"),
    *(
        Forbid(m, ("q2", "q3"), f"{m} differentiates for you: {_OWN}")
        for m in ("torch", "jax", "autograd", "tensorflow", "sympy")
    ),
    Forbid("@complex", ("q2", "q3"), f"complex-step differentiation is numerical: {_OWN}"),
    Forbid("@dynamic", _ALL, "dynamic imports and exec could hide a shortcut"),
]  # fmt: skip

# ------------------------------------------------------------------------------ references


def _sig(v):
    return 1.0 / (1.0 + np.exp(-np.asarray(v, dtype=float)))


def _arrays(nums: dict) -> dict:
    return {k: np.asarray(v, dtype=float) for k, v in nums.items()}


def passes(nums: dict, mistake: str | None = None) -> dict:
    """Every value of the pass for ``nums``, or as one common mistake computes them."""
    n = _arrays(nums)
    x, W1, b1, W2, b2, t = (n[k] for k in ("x", "W1", "b1", "W2", "b2", "t"))
    z = W1 @ x + (0.0 if mistake == "no b1" else b1)
    h = z if mistake == "no sigma" else _sig(z)
    y = W2 @ h + (0.0 if mistake == "no b2" else b2)
    if mistake == "sigmoid output":
        y = _sig(y)
    loss = np.sum((y - t) ** 2) * (1.0 if mistake == "no half" else 0.5)
    y_bar = {"sign": t - y, "factor 2": 2 * (y - t)}.get(mistake, y - t)
    W2_bar = np.outer(h, y_bar) if mistake == "W2_bar transposed" else np.outer(y_bar, h)
    b2_bar = y_bar
    h_bar = W2 @ y_bar if mistake == "missing transpose" else W2.T @ y_bar
    deriv = {
        "no sigma'": np.ones_like(z),
        "sigma' at h": _sig(h) * (1 - _sig(h)),
        "z(1-z)": z * (1 - z),
    }.get(mistake, _sig(z) * (1 - _sig(z)))
    z_bar = h_bar * deriv
    W1_bar = np.outer(x, z_bar) if mistake == "W1_bar transposed" else np.outer(z_bar, x)
    return {
        "z": z,
        "h": h,
        "y": y,
        "loss": float(loss),
        "y_bar": y_bar,
        "W2_bar": W2_bar,
        "b2_bar": b2_bar,
        "h_bar": h_bar,
        "z_bar": z_bar,
        "W1_bar": W1_bar,
        "b1_bar": z_bar,
    }


MISTAKES = {  # key -> feedback naming it
    "no b1": "a forgotten bias: z = W1 x + b1",
    "no sigma": "sigma not applied: h = sigma(z)",
    "no b2": "a forgotten bias: y = W2 h + b2",
    "sigmoid output": "sigma applied to the output: this network's output layer is linear",
    "no half": "the loss without its 1/2: L = 1/2 ||y - t||^2",
    "sign": "a sign error: y_bar = dL/dy = y - t, not t - y",
    "factor 2": "y_bar = 2 (y - t): the 1/2 of the loss cancels the 2 of the square",
    "W2_bar transposed": "W2_bar transposed: W2_bar = y_bar h^T has the shape of W2 (one row "
    "per output)",
    "missing transpose": "a missing transpose: h_bar = W2^T y_bar, not W2 y_bar",
    "no sigma'": "a forgotten sigma'(z): z_bar = h_bar * sigma'(z)",
    "sigma' at h": "sigma' taken at h instead of z: sigma'(z) = h (1 - h), not sigma'(h)",
    "z(1-z)": "sigma'(z) written as z (1 - z): it is h (1 - h) with h = sigma(z)",
    "W1_bar transposed": "W1_bar transposed: W1_bar = z_bar x^T has the shape of W1 (one row "
    "per hidden unit)",
}
MISTAKE_KEYS = {text: key for key, text in MISTAKES.items()}

# what each value is, as an expression over the earlier values (by graded name) and the
# numbers: what check() can judge without knowing an id's answers
EXPRS = {
    "z": "W1 @ x + b1",
    "h": "sigmoid(np.ravel(z))",
    "y": "W2 @ np.ravel(h) + b2",
    "loss": "0.5 * np.sum((np.ravel(y) - t) ** 2)",
    "y_bar": "np.ravel(y) - t",
    "W2_bar": "np.outer(y_bar, h)",
    "b2_bar": "np.ravel(y_bar)",
    "h_bar": "W2.T @ np.ravel(y_bar)",
    "z_bar": "np.ravel(h_bar) * sigmoid(np.ravel(z)) * (1 - sigmoid(np.ravel(z)))",
    "W1_bar": "np.outer(z_bar, x)",
    "b1_bar": "np.ravel(z_bar)",
}
BASE = {"z": "W1 x + b1", "h": "your z", "y": "your h", "loss": "your y", "y_bar": "your y",
        "W2_bar": "your y_bar and h", "b2_bar": "your y_bar", "h_bar": "your y_bar",
        "z_bar": "your h_bar and z", "W1_bar": "your z_bar", "b1_bar": "your z_bar"}  # fmt: skip


@functools.lru_cache(maxsize=256)
def _reference(sid: str) -> tuple[dict, dict]:
    """``(values, {name: {feedback: the value a mistake gives}})`` for a student id."""
    nums = variants.numbers(EXERCISE, sid)
    ref = passes(nums)
    wrong: dict[str, dict] = {name: {} for name in VALUES}
    for key, text in MISTAKES.items():
        var = passes(nums, key)
        for name in VALUES:
            if not _same(var[name], ref[name]):
                wrong[name].setdefault(text, var[name])
    return ref, wrong


def _same(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def judge_value(name: str):
    def judge(outputs) -> Verdict:
        sid = outputs.get(variants.STUDENT, "")
        ref, wrong = _reference(sid if isinstance(sid, str) else "")
        out = outputs.get(name)
        msg = compare(name, out, np.asarray(ref[name]), rtol=RTOL, atol=ATOL, squeeze=True)
        if msg is None:
            return Verdict(1.0, f"right (within {ATOL:g} + {RTOL:g} relative).")
        diag = diagnose(out, wrong[name], RTOL, ATOL)
        if diag:
            msg += f" Looks like {diag}."
        own = evaluate(EXPRS[name], outputs, variants.numbers(EXERCISE, sid))
        if name != "z" and own is not None and diagnose(out, {"ok": own}, RTOL, ATOL):
            msg += (
                f" It does follow from {BASE[name]}: this step is right, and the first wrong "
                "value is further up."
            )
        return Verdict(0.0, msg, mistake=MISTAKE_KEYS.get(diag))

    return judge


def build(rng: np.random.Generator) -> Plan:
    """No hidden inputs: every check judges a value against the exact one for the id."""
    reqs = [Request(name, name, "value") for name in VALUES]
    desc = f"the exact value for your numbers, within {ATOL:g} + {RTOL:g} relative"
    checks = [Check(name, q, p, desc, judge_value(name)) for name, (q, p) in VALUES.items()]
    return Plan(reqs, checks)


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s plan: each value must follow from the earlier ones and the numbers."""
    reqs = [Request(name, name, "value") for name in VALUES]
    checks = [
        case_check(
            name, q, p, f"follows from {BASE[name]}", [Case(name, name, expr=EXPRS[name])],
            rtol=RTOL, atol=ATOL,
        )
        for name, (q, p) in VALUES.items()
    ]  # fmt: skip
    return Plan(reqs, checks)
