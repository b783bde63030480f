"""Grading spec: exercise 3, the chain rule on computation graphs.

Graded names: ``logistic_ls_loss(w, b, x, t)``, ``logistic_ls_grads(w, b, x, t)`` (returns
``(w_bar, b_bar)``), ``f_forward(t)`` and ``f_backward(t)`` (returns a dict with ``x_bar``,
``y_bar``, ``t_bar``) for the lecture's f(x, y) = y + exp(x y), x = cos t, y = t^2.

Hidden checks (inputs from the grader's per-run seed), each graded as a function on 8
random scalar inputs (w, b, x ~ N(0, 1.5^2), t in {0, 1} or uniform [0, 1]; t ~ U(-2, 2)),
rtol 1e-6 / atol 1e-9, credit = fraction of inputs right.  Feedback names a recognised
mistake: the missing sigma'(z) factor, the missing x in w_bar, a sign error, or following
only one of the two paths from t to f.
"""

from __future__ import annotations

import numpy as np

from autograde.spec import Check, Plan, Request, Verdict, as_array, compare, failure_text

EXERCISE = "03-chain-rule"
TITLE = "Exercise 3: the chain rule on computation graphs"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "logistic least squares: loss and derivatives",
    "q2": "f(x, y) = y + exp(xy) with x = cos t, y = t^2",
}
GRADED_NAMES = ["logistic_ls_loss", "logistic_ls_grads", "f_forward", "f_backward"]
RTOL, ATOL = 1e-6, 1e-9
N_CASES = 8


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


def _item(out, i, n, name):
    """Element i of an n-tuple answer, or the answer itself if it is a failure."""
    if failure_text(name, out):
        return out
    if type(out) is list and len(out) == n:
        return out[i]
    return _Bad(f"`{name}` should return a tuple of {n} numbers.")


class _Bad:
    def __init__(self, msg):
        self.msg = msg


def _cmp(name, out, ref):
    if isinstance(out, _Bad):
        return out.msg
    return compare(name, out, np.asarray(ref), rtol=RTOL, atol=ATOL, squeeze=True)


def _diagnose(out, variants) -> str | None:
    arr = None if isinstance(out, _Bad) else as_array(out)
    if arr is None or arr.size != 1:
        return None
    v = float(arr.reshape(-1)[0])
    for msg, ref in variants.items():
        if ref is not None and abs(v - float(ref)) <= ATOL + RTOL * abs(float(ref)):
            return msg
    return None


def _cases_verdict(msgs, diag):
    n_ok = sum(m is None for m in msgs)
    text = f"right on {n_ok} of {len(msgs)} hidden inputs."
    first = next((m for m in msgs if m), None)
    if first:
        text += f" {first}"
    if diag:
        text += f" Looks like {diag}."
    return Verdict(n_ok / len(msgs), text, mistake=MISTAKES.get(diag))


def build(rng: np.random.Generator) -> Plan:
    reqs: list[Request] = []
    ls_cases = []
    for i in range(N_CASES):
        w, b, x = (float(v) for v in rng.normal(0, 1.5, size=3))
        t = float(rng.integers(0, 2)) if i % 2 == 0 else float(rng.uniform(0, 1))
        reqs.append(Request(f"ls_loss{i}", "logistic_ls_loss", "call", (w, b, x, t)))
        reqs.append(Request(f"ls_grads{i}", "logistic_ls_grads", "call", (w, b, x, t)))
        ls_cases.append((i, (w, b, x, t)))
    f_cases = []
    for i in range(N_CASES):
        t = float(rng.uniform(-2, 2))
        reqs.append(Request(f"f_fwd{i}", "f_forward", "call", (t,)))
        reqs.append(Request(f"f_bwd{i}", "f_backward", "call", (t,)))
        f_cases.append((i, t))

    def judge_loss(out):
        msgs = [_cmp("logistic_ls_loss", out[f"ls_loss{i}"], ls_loss(*a)) for i, a in ls_cases]
        return _cases_verdict(msgs, None)

    def judge_ls_grad(which):
        def judge(out):
            msgs, diag = [], None
            for i, a in ls_cases:
                item = _item(out[f"ls_grads{i}"], which, 2, "logistic_ls_grads")
                m = _cmp(f"{('w_bar', 'b_bar')[which]}", item, ls_grads(*a)[which])
                msgs.append(m)
                if m and diag is None:
                    diag = _diagnose(item, {k: v[which] for k, v in ls_mistakes(*a).items()})
            return _cases_verdict(msgs, diag)

        return judge

    def judge_f(out):
        msgs = [_cmp("f_forward", out[f"f_fwd{i}"], f_value(t)) for i, t in f_cases]
        return _cases_verdict(msgs, None)

    def judge_bar(key):
        def judge(out):
            msgs, diag = [], None
            for i, t in f_cases:
                o = out[f"f_bwd{i}"]
                if not failure_text("f_backward", o):
                    if type(o) is not dict or key not in o:
                        o = _Bad(f"`f_backward(t)` should return a dict with key {key!r}.")
                    else:
                        o = o[key]
                m = _cmp(key, o, f_bars(t)[key])
                msgs.append(m)
                if m and diag is None and key == "t_bar":
                    diag = _diagnose(o, f_mistakes(t))
            return _cases_verdict(msgs, diag)

        return judge

    checks = [
        Check("loss", "q1", 1, "8 random (w, b, x, t); rtol 1e-6", judge_loss),
        Check("w_bar", "q1", 1.5, "8 random (w, b, x, t); rtol 1e-6", judge_ls_grad(0)),
        Check("b_bar", "q1", 1.5, "8 random (w, b, x, t); rtol 1e-6", judge_ls_grad(1)),
        Check("f(t)", "q2", 1, "8 random t in [-2, 2]; rtol 1e-6", judge_f),
        Check("x_bar", "q2", 1, "8 random t; rtol 1e-6", judge_bar("x_bar")),
        Check("y_bar", "q2", 1, "8 random t; rtol 1e-6", judge_bar("y_bar")),
        Check("t_bar = df/dt", "q2", 2, "8 random t; rtol 1e-6", judge_bar("t_bar")),
    ]
    return Plan(reqs, checks)
