"""Grading spec: exercise 8, a gradient checker, and a planted bug found with it.

Graded names: ``numerical_grad_on(name, x, theta, eps)``, ``relative_error(a, b)``,
``bug_in`` (a string) and ``fixed_backward(X, T, W1, b1, W2, b2)``.

**Q1, how a checker is graded.** The grader can send a notebook arrays, numbers and strings,
never a Python function, so it cannot call ``numerical_grad(f, x, eps)`` with an ``f`` of its
own.  The notebook's setup cell defines (given code, not an answer) the wrapper
``numerical_grad_on(name, x, theta, eps)``, which builds the scalar function
``f(x) = TEST_FUNCTIONS[name](x, theta)`` (:mod:`autograde.variants.ex08`: ``logsumexp`` of
``theta * x``, a cubic with a coupling term ``(sum x)^2 / 2``, and ``sin(theta . x) +
||x||^2 / 2``: every entry interacts with every other) and returns ``(numerical_grad(f, x,
eps), x)``.  The functions are public; what is hidden is ``theta``, ``x`` (shapes
``(n,)``, ``(m, n)`` and ``(a, b, c)``) and ``eps`` (log-uniform in [1e-4, 1e-2]).  The
reference is the centered difference with the *same* ``eps`` (not the exact gradient), at
rtol 1e-6 / atol 1e-8: a one-sided difference is off by about ``eps f'' / 2`` (>= 5e-5
relative here), dividing by ``eps`` instead of ``2 eps`` by a factor 2, so neither passes,
while any correct ordering of the arithmetic agrees to ~1e-11.  The returned ``x`` must be
the ``x`` sent (rtol 1e-12): a checker that leaves ``x`` perturbed fails that check and, because
later entries are then differentiated at a shifted point, the values too.  Recognised mistakes:
one-sided difference, ``/ eps``, ``x`` not restored, a whole row perturbed at once (``x[i]``
of a matrix).  ``relative_error(a, b) = ||a - b|| / (||a|| + ||b||)`` (norms over all
entries; 0 when both are zero) on 7 pairs: close, unrelated, equal, both zero, ``a = -b``,
``b = 0``; rtol 1e-9.  Recognised: dividing by one norm only, the elementwise maximum
instead of norms, no denominator, ``| ||a|| - ||b|| |`` in the numerator.

**Q2 (per-student).** Each student's ``autograde.variants.ex08.make_backward(nums)`` is the
backward pass of a tanh network with softmax cross-entropy, wrong for exactly one parameter
(sign, missing 1/B, transpose, batch mean instead of sum, bias not summed, missing tanh',
tanh' taken at z).  The judge rebuilds the student's buggy backward from the id it grades
against (``outputs[autograde.variants.STUDENT]``), compares it with the reference on the
student's own network and on a non-square one, and takes the parameter whose gradient
differs as the answer: the spec does not trust a table, it measures.  ``bug_in`` is accepted
as ``"W2"``, ``"w2"`` or ``"W2_bar"``.

**Q3.** ``fixed_backward`` returns ``(W1_bar, b1_bar, W2_bar, b2_bar)`` of the mean
cross-entropy of ``softmax(tanh(X W1^T + b1) W2^T + b2)`` with one-hot ``T``; 6 hidden
networks (4 random shapes, a batch of one, a square network where a missing transpose does
not raise; K >= 3 classes, so that no gradient has only two entries), inputs and weights
N(0, 1.5^2), reference :class:`mlp.MLP` with :func:`mlp.softmax_cross_entropy_grad`; rtol
1e-12 / atol 1e-14.  Correct implementations (vectorized, einsum, per-example loops, softmax
with or without the max subtracted) agree with the reference to ~1e-15; a centered
difference (h = 1e-4 .. 1e-6) is off by ~1e-11 and fails (``tests/test_exercise_08.py``); the
checks are ``exact``, so a numerical gradient passed off as a backward pass is named a
numerical approximation and earns nothing.  Recognised: a sign
error, no 1/B, a missing transpose, a missing tanh', tanh' at z, sigma' instead of tanh',
(S - T)/B instead of (softmax(S) - T)/B, a transposed gradient, a bias not summed.
"""

from __future__ import annotations

import numpy as np

from autograde import variants
from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict, failure_text
from autograde.variants import ex08

EXERCISE = "08-gradient-checker"
TITLE = "Exercise 8: a gradient checker, and a planted bug"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "a gradient checker",
    "q2": "find the planted bug",
    "q3": "a correct backward pass",
}
GRADED_NAMES = ["numerical_grad_on", "relative_error", "bug_in", "fixed_backward"]
VARIANTS = True
DIFFICULTY, MINUTES = "medium", 50
CHAPTER = "lecture2/09-backpropagation.ipynb"
TEACHES = (
    "checking a backward pass against centered differences, and using the check to locate "
    "and fix a wrong gradient"
)
ALLOWS = (
    "numpy, mlp.tanh, mlp.tanh_prime and mlp.softmax; not mlp's numerical gradient or "
    "gradient checks (Q1, Q2), no automatic, symbolic or complex-step differentiation (Q2, "
    "Q3), nor mlp's MLP, layers, graph or losses for the backward pass (Q3)"
)
GRADS = ("W1_bar", "b1_bar", "W2_bar", "b2_bar")
NG_RTOL, NG_ATOL = 1e-6, 1e-8
X_RTOL, X_ATOL = 1e-12, 1e-15
RE_RTOL, RE_ATOL = 1e-9, 1e-12
BW_RTOL, BW_ATOL = 1e-12, 1e-14

_MINE = "Q1 asks for your own checker, and Q2 is found with it"
_OWN = "the backward pass must be your own"
_AD = "the bug is found with your checker, and the backward pass is your own"
FORBID = [
    Forbid("mlp.numerical_gradient", ("q1", "q2"), f"mlp's numerical gradient: {_MINE}"),
    Forbid("mlp.gradcheck", ("q1", "q2"), f"mlp's gradient checks: {_MINE}"),
    Forbid("mlp.relative_error", ("q1",), f"mlp's relative error: {_MINE}"),
    Forbid("mlp.check_mlp_gradients", ("q1", "q2"), f"mlp's gradient checks: {_MINE}"),
    Forbid("mlp.MLP", ("q3",), f"mlp's MLP computes the backward pass: {_OWN}"),
    Forbid("mlp.network", ("q3",), f"mlp.network holds mlp's MLP: {_OWN}"),
    Forbid("mlp.layers", ("q3",), f"mlp's layers backpropagate: {_OWN}"),
    Forbid("mlp.graph", ("q3",), f"mlp.graph backpropagates through a graph: {_OWN}"),
    Forbid("mlp.losses", ("q3",), f"mlp.losses holds the loss gradients: {_OWN}"),
    Forbid(
        "mlp.softmax_cross_entropy_grad", ("q3",), f"it is the first step of Q3's answer: {_OWN}"
    ),
    *(
        Forbid(m, ("q2", "q3"), f"{m}'s automatic or symbolic differentiation: {_AD}")
        for m in ("torch", "jax", "autograd", "tensorflow", "sympy")
    ),  # fmt: skip
    Forbid("@complex", ("q2", "q3"), f"complex-step differentiation: {_AD}"),
    Forbid("@dynamic", ("q1", "q2", "q3"), "dynamic imports and exec could hide a shortcut"),
]


# ------------------------------------------------------------------------------ Q1 references


def ref_numerical_grad(name, x, theta, eps, mistake=None):
    """``(gradient, x afterwards)`` of the centered difference, or of a common mistake."""
    fn = ex08.TEST_FUNCTIONS[name]

    def f(v):
        return fn(v, theta)

    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    if mistake == "rows":
        if x.ndim < 2:
            return None
        for i in range(x.shape[0]):
            old = x[i].copy()
            x[i] = old + eps
            fp = f(x)
            x[i] = old - eps
            fm = f(x)
            x[i] = old
            g[i] = (fp - fm) / (2 * eps)
        return g, x
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = f(x)
        if mistake == "one-sided":
            x[idx] = old
            fm = f(x)
            g[idx] = (fp - fm) / eps
            continue
        x[idx] = old - eps
        fm = f(x)
        if mistake != "not restored":
            x[idx] = old
        g[idx] = (fp - fm) / (eps if mistake == "half" else 2 * eps)
    return g, x


NG_MISTAKES = {
    "one-sided": "a one-sided difference: (f(x + eps) - f(x)) / eps is only first-order accurate",
    "half": "dividing by eps instead of 2 eps (the two points are 2 eps apart)",
    "not restored": "x not restored after each entry (later entries see a shifted x)",
    "rows": "a whole row perturbed at once (for a matrix, x[i] is a row): one entry at a time",
}


def ref_relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else float(np.linalg.norm(a - b) / den)


def relative_error_mistakes(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    na, nb, nd = np.linalg.norm(a), np.linalg.norm(b), np.linalg.norm(a - b)
    with np.errstate(all="ignore"):
        elem = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-300)
        return {
            RE_MISTAKES["one norm"]: None if na == 0 else nd / na,
            RE_MISTAKES["one norm b"]: None if nb == 0 else nd / nb,
            RE_MISTAKES["elementwise"]: float(np.max(elem)),
            RE_MISTAKES["absolute"]: nd,
            RE_MISTAKES["norm difference"]: None if na + nb == 0 else abs(na - nb) / (na + nb),
        }


RE_MISTAKES = {
    "one norm": "dividing by ||a|| only (the relative error is symmetric: ||a|| + ||b||)",
    "one norm b": "dividing by ||b|| only (the relative error is symmetric: ||a|| + ||b||)",
    "elementwise": "the largest elementwise relative error instead of the norms",
    "absolute": "no denominator: ||a - b|| is the absolute error",
    "norm difference": "| ||a|| - ||b|| | instead of ||a - b||: two different vectors can have "
    "the same length",
}

# ------------------------------------------------------------------------------ Q3 references


def ref_backward(X, T, W1, b1, W2, b2):
    from mlp import MLP, softmax_cross_entropy_grad

    net = MLP.from_params([(W1, b1), (W2, b2)], ["tanh", "identity"], dtype=np.float64)
    S = net.forward(X)
    net.backward(softmax_cross_entropy_grad(S, T))
    (W1_bar, b1_bar), (W2_bar, b2_bar) = net.grads()
    return tuple(np.array(a, dtype=np.float64) for a in (W1_bar, b1_bar, W2_bar, b2_bar))


def loss(X, T, W1, b1, W2, b2):
    """Mean cross-entropy of softmax(tanh(X W1^T + b1) W2^T + b2) with one-hot T."""
    S = np.tanh(X @ W1.T + b1) @ W2.T + b2
    S = S - S.max(axis=1, keepdims=True)
    logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return float(-np.sum(T * logp) / X.shape[0])


def variant_backward(X, T, W1, b1, W2, b2, mistake):
    """The gradients as computed with one common mistake (for naming it only)."""
    n = X.shape[0]
    Z = X @ W1.T + b1
    Hid = np.tanh(Z)
    S = Hid @ W2.T + b2
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    S_bar = {"sign": (T - P) / n, "no_mean": P - T, "logits": (S - T) / n}.get(mistake, (P - T) / n)
    if mistake == "transpose_h":
        if W2.shape[0] != W2.shape[1]:
            return None
        H_bar = S_bar @ W2.T
    else:
        H_bar = S_bar @ W2
    deriv = {"no_tanh_prime": 1.0, "tanh_prime_of_z": 1 - Z**2, "sigmoid_prime": Hid * (1 - Hid)}
    Z_bar = H_bar * deriv.get(mistake, 1 - Hid**2)
    return Z_bar.T @ X, Z_bar.sum(0), S_bar.T @ Hid, S_bar.sum(0)


BW_MISTAKES = {
    "sign": "a sign error: the error signal of the logits is (softmax(S) - T) / B",
    "no_mean": "the loss is averaged over the batch, so the logits' error signal carries 1/B",
    "logits": "(S - T) / B is the squared-error signal; for softmax cross-entropy it is "
    "(softmax(S) - T) / B",
    "transpose_h": "a missing transpose: h_bar = W2^T s_bar, i.e. H_bar = S_bar @ W2 for a batch",
    "no_tanh_prime": "a missing tanh'(z): z_bar = h_bar * tanh'(z)",
    "tanh_prime_of_z": "tanh'(z) = 1 - tanh(z)^2 = 1 - h^2, not 1 - z^2",
    "sigmoid_prime": "sigma'(z) = h (1 - h) belongs to the sigmoid; tanh'(z) = 1 - h^2",
}


def _grad_mistakes(args, ref, k, B):
    """``{feedback: the value a mistake gives}`` for gradient k."""
    named = {}
    for m, text in BW_MISTAKES.items():
        v = variant_backward(*args, m)
        if v is not None:
            named[text] = v[k]
    named[BW_MISTAKES["sign"]] = -ref[k]
    if ref[k].ndim == 2 and ref[k].shape[0] != ref[k].shape[1]:
        named[f"{GRADS[k]} is transposed: it must have the shape of the parameter"] = ref[k].T
    named[f"{GRADS[k]} is averaged twice: the logits' error signal already carries the 1/B"] = (
        ref[k] / B
    )
    return named


def _bw_keys():
    keys = {v: k for k, v in BW_MISTAKES.items()}
    for g in GRADS:
        keys[f"{g} is transposed: it must have the shape of the parameter"] = "transposed"
        keys[f"{g} is averaged twice: the logits' error signal already carries the 1/B"] = (
            "averaged twice"
        )
    return keys


# ------------------------------------------------------------------------------ Q2 judge


def wrong_parameters(nums: dict) -> list[str]:
    """The parameters whose gradient the student's buggy backward gets wrong, measured on
    the student's network and on a non-square one (never read from a table)."""
    buggy = ex08.make_backward(nums)
    arr = {k: np.asarray(v, dtype=float) for k, v in nums.items() if k != "tag"}
    rng = np.random.default_rng(0)
    other = (rng.normal(size=(5, 3)), np.eye(2)[[0, 1, 1, 0, 1]], rng.normal(size=(4, 3)),
             rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=2))  # fmt: skip
    wrong = set()
    for args in ((arr["X"], arr["T"], arr["W1"], arr["b1"], arr["W2"], arr["b2"]), other):
        ref = ref_backward(*args)
        got = buggy(*args)
        for p, r, g in zip(ex08.PARAMS, ref, got, strict=True):
            g = np.asarray(g)
            if g.shape != r.shape or not np.allclose(g, r, rtol=1e-9, atol=1e-12):
                wrong.add(p)
    return sorted(wrong)


def _norm_param(s: str) -> str:
    s = s.strip()
    for suffix in ("_bar", "_BAR", "bar"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
    return s.upper().replace("_", "")


def judge_bug(outputs) -> Verdict:
    sid = outputs.get(variants.STUDENT, "")
    wrong = wrong_parameters(variants.numbers(EXERCISE, sid))
    out = outputs.get("bug_in")
    fail = failure_text("bug_in", out)
    if fail:
        return Verdict(0.0, fail)
    if type(out) is not str:
        return Verdict(0.0, '`bug_in` should be the name of a parameter, a string like "W1".')
    said = _norm_param(out)
    if said not in {p.upper() for p in ex08.PARAMS}:
        return Verdict(
            0.0, f"`bug_in` is {out[:40]!r}; it should be one of 'W1', 'b1', 'W2', 'b2'.",
            mistake="not a parameter",
        )  # fmt: skip
    if said in {p.upper() for p in wrong}:
        return Verdict(1.0, f"right: the planted bug is in the gradient of {out.strip()}.")
    return Verdict(
        0.0,
        f"`bug_in` = {out.strip()!r}, but the gradient of that parameter is right; compare "
        "every parameter's gradient with your numerical_grad on your network (`nums`, "
        "for your STUDENT_ID).",
        mistake="wrong parameter",
    )


# ------------------------------------------------------------------------------ plans


def _ng_inputs(rng, shapes):
    out = []
    names = list(ex08.TEST_FUNCTIONS)
    for i, shape in enumerate(shapes):
        name = names[i % len(names)]
        x = rng.normal(size=shape)
        theta = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        eps = float(10 ** rng.uniform(-4, -2))
        out.append((name, x, theta, eps))
    return out


def _re_inputs(rng):
    a = rng.normal(size=(3, 4))
    c = rng.normal(size=5)
    d = rng.normal(size=(2, 3))
    e = rng.normal(size=6)
    return [
        (a, a + 1e-3 * rng.normal(size=a.shape)),
        (c, rng.normal(size=5)),
        (d, d.copy()),
        (np.zeros(4), np.zeros(4)),
        (e, -e),
        (rng.normal(size=(2, 2)), np.zeros((2, 2))),
        (rng.normal(size=7), 3.0 * rng.normal(size=7)),
    ]


def _bw_shapes(rng):
    cases = [
        (
            int(rng.integers(2, 10)),
            int(rng.integers(2, 8)),
            int(rng.integers(2, 9)),
            int(rng.integers(3, 6)),
        )  # fmt: skip
        for _ in range(4)
    ]
    cases.append((1, int(rng.integers(2, 6)), int(rng.integers(2, 6)), int(rng.integers(3, 5))))
    cases.append((3, 3, 3, 3))
    return cases


def _bw_args(rng, B, N, Hh, K, scale=1.5):
    X = rng.normal(scale=scale, size=(B, N))
    T = np.eye(K)[rng.integers(0, K, size=B)]
    return (X, T, rng.normal(scale=scale, size=(Hh, N)), rng.normal(scale=scale, size=Hh),
            rng.normal(scale=scale, size=(K, Hh)), rng.normal(scale=scale, size=K))  # fmt: skip


def _plan(ng_in, re_in, bw_in, what, with_bug):
    reqs: list[Request] = []
    ng_cases, x_cases, re_cases = [], [], []
    for i, (name, x, theta, eps) in enumerate(ng_in):
        reqs.append(Request(f"ng{i}", "numerical_grad_on", "call", (name, x, theta, eps)))
        g, _ = ref_numerical_grad(name, x, theta, eps)
        named = {}
        for m, text in NG_MISTAKES.items():
            v = ref_numerical_grad(name, x, theta, eps, m)
            if v is not None:
                named[text] = v[0]
        ng_cases.append(Case(f"ng{i}", f"numerical_grad on {name}", g, pick=0, mistakes=named))
        x_cases.append(Case(f"ng{i}", "x after numerical_grad", x, pick=1,
                            mistakes={NG_MISTAKES["not restored"]: x - eps}))  # fmt: skip
    for i, (a, b) in enumerate(re_in):
        reqs.append(Request(f"re{i}", "relative_error", "call", (a, b)))
        re_cases.append(Case(f"re{i}", "relative_error(a, b)", ref_relative_error(a, b),
                             mistakes=relative_error_mistakes(a, b)))  # fmt: skip
    grads: dict[int, list[Case]] = {k: [] for k in range(4)}
    for i, args in enumerate(bw_in):
        reqs.append(Request(f"fb{i}", "fixed_backward", "call", args))
        ref = ref_backward(*args)
        for k in range(4):
            named = _grad_mistakes(args, ref, k, args[0].shape[0])
            grads[k].append(Case(f"fb{i}", GRADS[k], ref[k], pick=k, mistakes=named))
    names = {
        **{f"ng{i}": "numerical_grad_on" for i in range(len(ng_in))},
        **{f"re{i}": "relative_error" for i in range(len(re_in))},
        **{f"fb{i}": "fixed_backward" for i in range(len(bw_in))},
    }
    ng_keys = {v: k for k, v in NG_MISTAKES.items()}
    re_keys = {v: ("one norm" if k == "one norm b" else k) for k, v in RE_MISTAKES.items()}
    n_ng, n_re, n_bw = len(ng_in), len(re_in), len(bw_in)
    checks = [
        case_check("numerical_grad: centered differences", "q1", 2.5,
                   f"{n_ng} {what} (function, x of 1 to 3 axes, eps); rtol 1e-6",
                   ng_cases, rtol=NG_RTOL, atol=NG_ATOL, names=names, mistake_keys=ng_keys),
        case_check("numerical_grad leaves x as it was", "q1", 0.5,
                   f"the x of the {n_ng} {what}, after the call; rtol 1e-12",
                   x_cases, rtol=X_RTOL, atol=X_ATOL, names=names, mistake_keys=ng_keys),
        case_check("relative_error", "q1", 1,
                   f"{n_re} {what} (close, unrelated, equal, both zero, a = -b, b = 0); rtol 1e-9",
                   re_cases, rtol=RE_RTOL, atol=RE_ATOL, names=names, mistake_keys=re_keys),
    ]  # fmt: skip
    if with_bug:
        reqs.append(Request("bug_in", "bug_in", "value"))
        checks.append(
            Check("bug_in", "q2", 1, "the parameter your buggy backward gets wrong", judge_bug)
        )
    desc = f"{n_bw} {what} (a batch of one, a square network); rtol 1e-12, atol 1e-14"
    opts = {
        "rtol": BW_RTOL,
        "atol": BW_ATOL,
        "names": names,
        "mistake_keys": _bw_keys(),
        "exact": True,
    }
    checks += [case_check(GRADS[k], "q3", 0.75, desc, grads[k], **opts) for k in (2, 3, 0, 1)]
    return Plan(reqs, checks)


NG_SHAPES = [(5,), (3, 4), (2, 3, 2), (4, 3), (7,), (2, 2, 2)]


def build(rng: np.random.Generator) -> Plan:
    ng_in = _ng_inputs(rng, NG_SHAPES)
    re_in = _re_inputs(rng)
    bw_in = [_bw_args(rng, *s) for s in _bw_shapes(rng)]
    return _plan(ng_in, re_in, bw_in, "hidden inputs", with_bug=True)


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s plan: the same checks on public inputs (3 functions, 4 pairs, 3
    networks: non-square, a batch of one, square); ``bug_in`` is judged by the grader only."""
    ng_in = _ng_inputs(rng, [(4,), (2, 3), (2, 2, 2)])
    re_in = [_re_inputs(rng)[i] for i in (0, 3, 4, 5)]
    bw_in = [_bw_args(rng, *s) for s in [(4, 3, 5, 2), (1, 2, 3, 3), (3, 3, 3, 3)]]
    return _plan(ng_in, re_in, bw_in, "public inputs", with_bug=False)
