"""Grading spec: exercise 9, a new activation function: softplus.

Graded names: ``softplus(z)``, ``softplus_prime(z)`` and ``train_softplus_net(X, t, seed)``
(returns ``(W1, b1, W2, b2)``).  ``mlp`` defines no softplus (nor leaky ReLU), so there is no
library attribute to forbid for Q1; the libraries that do define one (PyTorch, JAX,
TensorFlow) are forbidden.

**Q1** ``softplus(z) = log(1 + e^z)`` elementwise: 3 arrays of moderate ``z`` (uniform in
[-30, 30], with 0) at rtol 1e-9 / atol 1e-12 (``log(1 + exp(z))`` written plainly passes
here), and 2 arrays of large ``|z|`` (both signs, 50 <= |z| <= 1000, with +-1000 and 710,
where ``exp`` overflows, and two values in [-5, 5] so that ReLU cannot pass) at the same
tolerance: ``softplus(1000)`` is 1000, not inf.  A non-finite answer at large ``|z|`` is
named an overflow.  Recognised: ReLU, ``softplus(-z)``, ``max(z, 0) + log(1 + e^(-z))``
without the absolute value.

**Q2** ``softplus_prime(z) = sigma(z)``: moderate ``z`` (3 arrays, uniform in [-30, 30],
with 0) at rtol 1e-12 / atol 1e-15, a precision a centered difference cannot reach (its
truncation error ``h^2/6 |f'''/f'|`` or its round-off ``~1e-16 softplus(z) / h`` exceeds it
for every h on these inputs: ``tests/test_exercise_09.py``), while every analytic form
(``mlp.sigmoid``, ``1 / (1 + e^-z)``, ``(1 + tanh(z/2)) / 2``) passes; the checks are
``exact``: an answer right only to ~1e-6 is named a numerical approximation and earns
nothing.  Large ``|z|`` (2 arrays of both signs, with two moderate values each), where
``e^z / (1 + e^z)`` gives NaN: named an overflow.  Recognised: softplus itself given as its
derivative, sigma(z) (1 - sigma(z)) (a derivative too far), sigma(-z) (a sign), e^z (the
chain rule through log forgotten), ReLU's derivative.  ``mlp.numerical_gradient`` is
allowed: for the notebook's own gradient check, where it belongs.

**Q3** ``train_softplus_net(X, t, seed)``: a network with one softplus hidden layer (any
width) and one output score ``s = h W2^T + b2``, trained with the student's own loop; the
grader calls it on 2 hidden training sets of 200 points (``mlp.make_circles`` noise 0.1 and
``mlp.make_xor_clouds`` noise 0.25, hidden seeds) and evaluates the returned weights itself,
with its own softplus, on 400 fresh points of the same distribution: accuracy >= 0.9 earns
the case, >= 0.8 half of it (the solution reaches >= 0.97 on every seed tried; a linear
model cannot pass either set).  Recognised: weights with NaN/inf (diverged), hidden units
that are all the same (a symmetric initialisation, e.g. zeros, is never broken), wrong
shapes.  No public check: ``check("q3")`` says the grader checks it, and the notebook's test
cell measures the accuracy on public data.
"""

from __future__ import annotations

import numpy as np

from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict, as_array, failure_text

EXERCISE = "09-new-activation"
TITLE = "Exercise 9: a new activation function, softplus"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "softplus, without overflow",
    "q2": "its derivative, analytic",
    "q3": "train a network with it",
}
GRADED_NAMES = ["softplus", "softplus_prime", "train_softplus_net"]
DIFFICULTY, MINUTES = "medium", 45
CHAPTER = "lecture2/09-backpropagation.ipynb"
TEACHES = (
    "adding an activation function: a numerically stable forward, its analytic derivative "
    "checked numerically, and a network trained with it"
)
ALLOWS = (
    "numpy and mlp's functions (mlp.sigmoid, mlp.numerical_gradient for the gradient check, "
    "the datasets); not PyTorch, JAX, TensorFlow, sympy or complex numbers, and for the "
    "training not mlp's MLP, layers or training loop"
)
SP_RTOL, SP_ATOL = 1e-9, 1e-12
D_RTOL, D_ATOL = 1e-12, 1e-15
PASS_ACC, HALF_ACC = 0.9, 0.8

_AD = "the derivative must be derived, not computed by a library"
FORBID = [
    *(
        Forbid(m, ("q1", "q2", "q3"), f"{m} defines softplus and differentiates it: {_AD}")
        for m in ("torch", "jax", "tensorflow")
    ),
    Forbid("autograd", ("q2", "q3"), f"automatic differentiation: {_AD}"),
    Forbid("sympy", ("q2",), f"symbolic differentiation: {_AD}"),
    Forbid("@complex", ("q2",), "complex-step differentiation is not an analytic derivative"),
    Forbid("mlp.MLP", ("q3",), "mlp's MLP trains the network: the training loop must be yours"),
    Forbid("mlp.network", ("q3",), "mlp.network holds mlp's MLP: the training loop must be yours"),
    Forbid("mlp.layers", ("q3",), "mlp's layers backpropagate: the training loop must be yours"),
    Forbid("mlp.train", ("q3",), "mlp.train is a training loop: the training loop must be yours"),
    Forbid("mlp.graph", ("q3",), "mlp.graph backpropagates: the training loop must be yours"),
    Forbid("sklearn", ("q3",), "scikit-learn's networks: the training loop must be yours"),
    Forbid("@dynamic", ("q1", "q2", "q3"), "dynamic imports and exec could hide a shortcut"),
]


# ------------------------------------------------------------------------------ references


def ref_softplus(z):
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def ref_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


SP_MISTAKES = {
    "relu": "max(z, 0) is ReLU; softplus is its smooth version log(1 + e^z)",
    "sign": "a sign: that is log(1 + e^(-z)) = softplus(-z)",
    "no abs": "max(z, 0) + log(1 + e^(-z)) is right only for z >= 0: the exponent must be -|z|",
}
D_MISTAKES = {
    "softplus": "the derivative of softplus given as softplus itself",
    "sigmoid prime": "sigma(z) (1 - sigma(z)) is the derivative of the sigmoid, one derivative "
    "too far",
    "sign": "a sign: that is sigma(-z) = 1 / (1 + e^z)",
    "exp": "e^z alone: the chain rule through log(1 + u) also divides by 1 + e^z",
    "step": "the step I[z > 0] is ReLU's derivative, not softplus's",
}
OVERFLOW = {
    "q1": "an overflow: e^z is inf for z > 709, so log(1 + e^z) is inf; rewrite it so that exp "
    "only sees z <= 0",
    "q2": "an overflow: e^z / (1 + e^z) is inf / inf = NaN for z > 709; write it so that exp "
    "only sees z <= 0",
}


def softplus_mistakes(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(all="ignore"):
        no_abs = np.maximum(z, 0.0) + np.log1p(np.exp(-z))
    return {
        SP_MISTAKES["relu"]: np.maximum(z, 0.0),
        SP_MISTAKES["sign"]: ref_softplus(-z),
        SP_MISTAKES["no abs"]: no_abs if np.all(np.isfinite(no_abs)) else None,
    }


def prime_mistakes(z):
    z = np.asarray(z, dtype=float)
    s = ref_sigmoid(z)
    with np.errstate(all="ignore"):
        e = np.exp(z)
    return {
        D_MISTAKES["softplus"]: ref_softplus(z),
        D_MISTAKES["sigmoid prime"]: s * (1 - s),
        D_MISTAKES["sign"]: ref_sigmoid(-z),
        D_MISTAKES["exp"]: e if np.all(np.isfinite(e)) else None,
        D_MISTAKES["step"]: (z > 0).astype(float),
    }


def forward_score(params, X):
    """The score s = softplus(X W1^T + b1) W2^T + b2 of returned weights, (n,)."""
    W1, b1, W2, b2 = params
    return ref_softplus(X @ W1.T + b1) @ W2.reshape(-1) + b2.reshape(-1)[0]


# ------------------------------------------------------------------------------ checks


def _named_overflow(check: Check, question: str) -> Check:
    """The case check, with an answer that is NaN/inf at large |z| named an overflow."""
    base = check.judge

    def judge(outputs):
        v = base(outputs)
        if v.fraction < 1 and "NaN or infinity" in v.message and v.mistake is None:
            return Verdict(v.fraction, f"{v.message} Looks like {OVERFLOW[question]}.",
                           mistake="overflow")  # fmt: skip
        return v

    out = Check(check.name, check.question, check.points, check.description, judge)
    object.__setattr__(out, "data", check.data)
    return out


def _params(out):
    """``(W1, b1, W2, b2)`` as arrays of consistent shapes, or feedback on why not."""
    fail = failure_text("train_softplus_net", out)
    if fail:
        return None, fail
    if type(out) is not list or len(out) != 4:
        return None, "`train_softplus_net` should return the tuple (W1, b1, W2, b2)."
    arrs = [as_array(a) for a in out]
    if any(a is None for a in arrs):
        return None, "`train_softplus_net` should return four arrays of numbers."
    W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in arrs)
    if W1.ndim != 2 or W1.shape[1] != 2:
        return None, f"W1 has shape {W1.shape}; it should be (H, 2) for 2-D inputs."
    Hh = W1.shape[0]
    if b1.shape != (Hh,) or W2.size != Hh or W2.ndim > 2 or b2.size != 1:
        return None, (
            f"the shapes do not fit together: W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, "
            f"b2 {b2.shape}; expected (H, 2), (H,), (1, H) and (1,)."
        )
    if not all(np.all(np.isfinite(a)) for a in (W1, b1, W2, b2)):
        return None, (
            "the weights contain NaN or infinity: the training diverged (a step size too "
            "large, or an overflow in softplus or the sigmoid)."
        )
    return (W1, b1, W2, b2), None


def judge_training(key: str, X_test, t_test, what: str):
    def judge(outputs) -> Verdict:
        params, why = _params(outputs.get(key))
        if params is None:
            mistake = "diverged" if why and "diverged" in why else None
            return Verdict(0.0, why or "", mistake=mistake)
        with np.errstate(all="ignore"):
            acc = float(np.mean((forward_score(params, X_test) > 0) == (t_test > 0.5)))
        W1 = params[0]
        same = W1.shape[0] > 1 and np.allclose(W1, W1[:1]) and np.allclose(params[1], params[1][0])
        note = (
            " All hidden units have the same weights: an initialisation where they are equal "
            "(zeros, or one value) is never broken by gradient descent, so the layer acts as "
            "one unit."
            if same
            else ""
        )
        text = f"test accuracy {acc:.3f} on fresh points of {what} (needs {PASS_ACC})."
        if acc >= PASS_ACC:
            return Verdict(1.0, text)
        frac = 0.5 if acc >= HALF_ACC else 0.0
        return Verdict(frac, text + note, mistake="symmetric units" if same else None)

    return judge


# ------------------------------------------------------------------------------ plans

MODERATE = [(10,), (4, 5), (7,)]


def _moderate(rng, shape):
    z = rng.uniform(-30, 30, size=shape)
    z.flat[0] = 0.0
    return z


def _large(rng):
    big = np.concatenate([[1000.0, 710.0], rng.uniform(50, 1000, size=3)])
    z = np.concatenate([big, -big[::-1] * rng.uniform(0.9, 1.0, size=5)])
    z[-1] = -1000.0
    return rng.permutation(np.concatenate([z, rng.uniform(-5, 5, size=2)]))


def _plan(zs_mod, zs_large, datasets, what):
    reqs, sp_mod, sp_big, d_mod, d_big = [], [], [], [], []
    for i, z in enumerate(zs_mod + zs_large):
        big = i >= len(zs_mod)
        reqs.append(Request(f"sp{i}", "softplus", "call", (z,)))
        reqs.append(Request(f"d{i}", "softplus_prime", "call", (z,)))
        (sp_big if big else sp_mod).append(
            Case(f"sp{i}", "softplus(z)", ref_softplus(z), mistakes=softplus_mistakes(z))
        )
        (d_big if big else d_mod).append(
            Case(f"d{i}", "softplus_prime(z)", ref_sigmoid(z), mistakes=prime_mistakes(z))
        )
    names = {
        **{f"sp{i}": "softplus" for i in range(len(reqs))},
        **{f"d{i}": "softplus_prime" for i in range(len(reqs))},
    }
    sp_keys = {v: k for k, v in SP_MISTAKES.items()}
    d_keys = {v: k for k, v in D_MISTAKES.items()}
    sp = {"rtol": SP_RTOL, "atol": SP_ATOL, "names": names, "mistake_keys": sp_keys}
    d = {"rtol": D_RTOL, "atol": D_ATOL, "names": names, "mistake_keys": d_keys, "exact": True}
    n_mod, n_big = len(zs_mod), len(zs_large)
    checks = [
        case_check("softplus, moderate z", "q1", 1,
                   f"{n_mod} arrays of {what}, z in [-30, 30]; rtol 1e-9", sp_mod, **sp),
        _named_overflow(case_check(
            "softplus, large |z|", "q1", 1,
            f"{n_big} arrays of {what}, 50 <= |z| <= 1000; rtol 1e-9", sp_big, **sp), "q1"),
        case_check("softplus_prime, moderate z", "q2", 2,
                   f"{n_mod} arrays of {what}, z in [-30, 30]; rtol 1e-12 (analytic precision)",
                   d_mod, **d),
        _named_overflow(case_check(
            "softplus_prime, large |z|", "q2", 1,
            f"{n_big} arrays of {what}, 50 <= |z| <= 1000; rtol 1e-12", d_big, **d), "q2"),
    ]  # fmt: skip
    for k, (name, X, t, X_test, t_test, seed) in enumerate(datasets):
        reqs.append(Request(f"train{k}", "train_softplus_net", "call", (X, t, seed)))
        checks.append(
            Check(
                f"training on {name}",
                "q3",
                1.5,
                f"200 {what} points of {name}; accuracy on 400 fresh ones >= {PASS_ACC}",
                judge_training(f"train{k}", X_test, t_test, name),
            )  # fmt: skip
        )
    return Plan(reqs, checks)


def _datasets(rng):
    from mlp import make_circles, make_xor_clouds

    out = []
    for name, make, noise in (
        ("circles", make_circles, 0.1),
        ("XOR clouds", make_xor_clouds, 0.25),
    ):
        s_train, s_test, s_init = (int(v) for v in rng.integers(0, 2**31, size=3))
        X, t = make(200, noise, seed=s_train)
        X_test, t_test = make(400, noise, seed=s_test)
        out.append((name, X, t.astype(float), X_test, t_test.astype(float), s_init))
    return out


def build(rng: np.random.Generator) -> Plan:
    zs_mod = [_moderate(rng, s) for s in MODERATE]
    zs_large = [_large(rng), _large(rng)]
    return _plan(zs_mod, zs_large, _datasets(rng), "hidden inputs")


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s plan: Q1 and Q2 on public arrays (the training is judged by the grader
    only: its check is a threshold, not a case)."""
    zs_mod = [_moderate(rng, (6,)), _moderate(rng, (2, 3))]
    zs_large = [np.array([1000.0, -1000.0, 710.0, -710.0, 60.0, -60.0, 1.5])]
    return _plan(zs_mod, zs_large, [], "public inputs")
