"""Grading spec: exercise 3, the chain rule on computation graphs.

Graded names: ``logistic_ls_loss(w, b, x, t)``, ``logistic_ls_grads(w, b, x, t)`` (returns
``(w_bar, b_bar)``), ``f_forward(t)`` and ``f_backward(t)`` (returns a dict with ``x_bar``,
``y_bar``, ``t_bar``) for the lecture's f(x, y) = y + exp(x y), x = cos t, y = t^2.

Hidden checks (inputs from the grader's per-run seed), each graded as a function on 8
random scalar inputs: (w, b, x) with |z| = |wx + b| in [2.5, 6] and t the label far from
sigma(z); t in +-[1, 2.5].  rtol 1e-11 / atol 1e-13, credit = fraction of inputs right.  Exact
formulas agree with the reference to about 1e-14 there; a centered difference is off by
1e-9 or more for every step size, and a derivative check where any answer is right only
approximately earns nothing ("a numerical approximation").  Feedback names a recognised
mistake: the missing sigma'(z) factor, the missing x in w_bar, a sign error, or following
only one of the two paths from t to f.
"""

from __future__ import annotations

import numpy as np

from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import Plan, Request

EXERCISE = "03-chain-rule"
TITLE = "Exercise 3: the chain rule on computation graphs"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "logistic least squares: loss and derivatives",
    "q2": "f(x, y) = y + exp(xy) with x = cos t, y = t^2",
}
GRADED_NAMES = ["logistic_ls_loss", "logistic_ls_grads", "f_forward", "f_backward"]
RTOL, ATOL = 1e-11, 1e-13  # exact formulas agree to ~1e-14 here; finite differences do not
N_CASES = 8
BARS = ("x_bar", "y_bar", "t_bar")
DIFFICULTY, MINUTES = "easy", 30
CHAPTER = "lecture2/08-chain-rule-and-graphs.ipynb"
TEACHES = "the chain rule as error signals, on a chain and on a graph that fans out"
ALLOWS = "numpy and mlp.sigmoid / mlp.sigmoid_prime; no numerical or automatic differentiation"
_EXACT = "this exercise asks for the derivative by the chain rule"
FORBID = [
    Forbid("@complex", ("q1", "q2"), f"complex-step differentiation is numerical: {_EXACT}"),
    *(
        Forbid(m, ("q1", "q2"), f"{m} differentiates for you: {_EXACT}")
        for m in ("sympy", "torch", "jax", "autograd", "tensorflow")
    ),  # fmt: skip
    Forbid("mlp.numerical_gradient", ("q1", "q2"), f"a numerical gradient: {_EXACT}"),
    Forbid("mlp.gradcheck", ("q1", "q2"), f"a numerical gradient: {_EXACT}"),
    Forbid("mlp.graph", ("q1", "q2"), f"mlp.graph backpropagates for you: {_EXACT}"),
    Forbid("@dynamic", ("q1", "q2"), "dynamic imports and exec could hide a shortcut"),
]


MISTAKES = {  # the feedback naming a recognised mistake -> its key for class reports
    "missing the factor sigma'(z) (y_bar was used as z_bar)": "missing sigma'(z)",
    "a sign error (y_bar should be y - t)": "sign",
    "w_bar is missing the factor x (dz/dw = x)": "missing x in w_bar",
    "only the path through x was followed (the multivariate chain rule sums over every "
    "path from t to f)": "one path only (x)",
    "only the path through y was followed (the multivariate chain rule sums over every "
    "path from t to f)": "one path only (y)",
    "a sign error in dx/dt (d cos t / dt = -sin t)": "sign of d cos t / dt",
}
MISTAKE_KEYS = list(MISTAKES)


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def ls_loss(w, b, x, t):
    return 0.5 * (sigma(w * x + b) - t) ** 2


def ls_grads(w, b, x, t):
    z = w * x + b
    z_bar = (sigma(z) - t) * sigma(z) * (1 - sigma(z))
    return z_bar * x, z_bar


def ls_mistakes(w, b, x, t):
    z = w * x + b
    y_bar = sigma(z) - t
    z_bar = y_bar * sigma(z) * (1 - sigma(z))
    return {
        MISTAKE_KEYS[0]: (y_bar * x, y_bar),
        MISTAKE_KEYS[1]: (-z_bar * x, -z_bar),
        MISTAKE_KEYS[2]: (z_bar, None),
    }


def f_value(t):
    x, y = np.cos(t), t**2
    return y + np.exp(x * y)


def f_bars(t):
    x, y = np.cos(t), t**2
    x_bar = y * np.exp(x * y)
    y_bar = 1 + x * np.exp(x * y)
    return {"x_bar": x_bar, "y_bar": y_bar, "t_bar": x_bar * -np.sin(t) + y_bar * 2 * t}


def f_mistakes(t):
    x, y = np.cos(t), t**2
    x_bar, y_bar = y * np.exp(x * y), 1 + x * np.exp(x * y)
    return {
        MISTAKE_KEYS[3]: x_bar * -np.sin(t),
        MISTAKE_KEYS[4]: y_bar * 2 * t,
        MISTAKE_KEYS[5]: x_bar * np.sin(t) + y_bar * 2 * t,
    }


def _ls_case(rng):
    """(w, b, x, t) with |z| in [2.5, 6] and t the far label: the loss is large and its
    gradient small, where a centered difference loses the digits an exact formula keeps."""
    x = float(rng.choice([-1, 1]) * rng.uniform(0.5, 3))
    z = float(rng.choice([-1, 1]) * rng.uniform(2.5, 6))
    w = float(rng.normal(0, 1.5))
    return w, z - w * x, x, 0.0 if z > 0 else 1.0


def build(rng: np.random.Generator) -> Plan:
    reqs: list[Request] = []
    loss, grads, fwd, bars = [], {0: [], 1: []}, [], {k: [] for k in BARS}
    for i in range(N_CASES):
        a = _ls_case(rng)
        reqs += [Request(f"ls_loss{i}", "logistic_ls_loss", "call", a),
                 Request(f"ls_grads{i}", "logistic_ls_grads", "call", a)]  # fmt: skip
        loss.append(Case(f"ls_loss{i}", "logistic_ls_loss", ls_loss(*a)))
        wrong = ls_mistakes(*a)
        for k in (0, 1):
            named = {m: (None if v[k] is None else v[k]) for m, v in wrong.items()}
            grads[k].append(Case(f"ls_grads{i}", ("w_bar", "b_bar")[k], ls_grads(*a)[k],
                                 pick=k, mistakes=named))  # fmt: skip
    for i in range(N_CASES):
        t = float(rng.choice([-1, 1]) * rng.uniform(1.0, 2.5))
        reqs += [Request(f"f_fwd{i}", "f_forward", "call", (t,)),
                 Request(f"f_bwd{i}", "f_backward", "call", (t,))]  # fmt: skip
        fwd.append(Case(f"f_fwd{i}", "f_forward", f_value(t)))
        for k in BARS:
            named = f_mistakes(t) if k == "t_bar" else {}
            bars[k].append(Case(f"f_bwd{i}", k, f_bars(t)[k], pick=k, mistakes=named))
    names = {f"{p}{i}": n for i in range(N_CASES) for p, n in (
        ("ls_loss", "logistic_ls_loss"), ("ls_grads", "logistic_ls_grads"),
        ("f_fwd", "f_forward"), ("f_bwd", "f_backward"))}  # fmt: skip
    opts = {"rtol": RTOL, "atol": ATOL, "names": names, "mistake_keys": MISTAKES}
    d1, d2 = f"{N_CASES} (w, b, x, t) with |z| in [2.5, 6]", f"{N_CASES} t with |t| in [1, 2.5]"
    tol = f"; rtol {RTOL:g} (exact formulas only)"
    checks = [
        case_check("loss", "q1", 1, d1 + tol, loss, **opts),
        case_check("w_bar", "q1", 1.5, d1 + tol, grads[0], exact=True, **opts),
        case_check("b_bar", "q1", 1.5, d1 + tol, grads[1], exact=True, **opts),
        case_check("f(t)", "q2", 1, d2 + tol, fwd, **opts),
        case_check("x_bar", "q2", 1, d2 + tol, bars["x_bar"], exact=True, **opts),
        case_check("y_bar", "q2", 1, d2 + tol, bars["y_bar"], exact=True, **opts),
        case_check("t_bar = df/dt", "q2", 2, d2 + tol, bars["t_bar"], exact=True, **opts),
    ]
    return Plan(reqs, checks)
