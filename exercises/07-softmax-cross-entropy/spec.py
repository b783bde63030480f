"""Grading spec: exercise 7, softmax and the cross-entropy loss, stable and exact.

Graded names: ``softmax(Z)``, ``cross_entropy(Z, T)`` and ``cross_entropy_grad(Z, T)`` for a
batch of logits ``Z`` of shape ``(B, K)`` (one example per row) and one-hot targets ``T`` of
the same shape: ``softmax`` over each row, ``L = -(1/B) sum_b sum_k T_bk log softmax(Z)_bk``
and its gradient ``Z_bar = (softmax(Z) - T) / B``.  References: the stable formulas with each
row's maximum taken out (they agree with :mod:`mlp.losses` to ~1e-13, and are more precise at
|z| = 1000, where ``z - logsumexp(z)`` rounds ``logsumexp`` to 1e-13).

Hidden checks (inputs from the grader's per-run seed), each worth points on two sets:

* moderate logits: 5 batches, entries N(0, 3^2), three of random shape (B in 2..8, K in
  3..7), a batch of one, and one with K = 2;
* large logits: 2 batches of 3..6 rows of 3..6 logits in [-1000, 1000] (with 1000, -1000
  and 710 among them; each row's runner-up within 3 of its maximum, so each row has two
  non-negligible probabilities; one target's probability underflows to 0, its loss is 2000),
  where ``exp`` overflows and ``log softmax`` must be computed as ``z - logsumexp(z)``.

Tolerances: softmax rtol 1e-10; loss rtol 1e-8 on moderate and 1e-10 on large logits;
gradient rtol 1e-10 / atol 1e-15, ``exact``: a centered difference (h = 1e-3 .. 1e-8) is off
by more on the moderate batches (``tests/test_exercise_07.py``), and a gradient right only
approximately earns nothing ("a numerical approximation").  Credit = fraction of batches
right.  An answer with NaN or infinity on large logits is named an overflow (or a log of 0).
Recognised: softmax over the wrong axis or over the whole batch; the loss summed instead of
averaged over the batch, averaged over the classes too, with the wrong sign, or with a
clipped log (log(p + eps), log(max(p, eps))); a gradient without ``- T``, not averaged, with
the wrong sign, of the logits instead of the probabilities, or with the softmax over the
wrong axis.
"""

from __future__ import annotations

import numpy as np

from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict

EXERCISE = "07-softmax-cross-entropy"
TITLE = "Exercise 7: softmax and cross-entropy, stable and exact"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "a numerically stable softmax",
    "q2": "the cross-entropy loss",
    "q3": "its gradient with respect to the logits",
}
GRADED_NAMES = ["softmax", "cross_entropy", "cross_entropy_grad"]
DIFFICULTY, MINUTES = "medium", 40
CHAPTER = "lecture2/08-chain-rule-and-graphs.ipynb"
TEACHES = (
    "softmax and cross-entropy computed without overflow or log 0, and the error signal "
    "y - t of their combination, derived and averaged over a batch"
)
ALLOWS = (
    "numpy only; not mlp's softmax, log-softmax or losses, nor numerical, automatic, "
    "symbolic or complex-step differentiation"
)
SM_RTOL, SM_ATOL = 1e-10, 1e-15
L_RTOL_MODERATE, L_RTOL_LARGE, L_ATOL = 1e-8, 1e-10, 1e-12
G_RTOL, G_ATOL = 1e-10, 1e-15
CLIP_EPS = (1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-16, 1e-20, 1e-30, 1e-100)

_ALL = ("q1", "q2", "q3")
_MINE = "softmax and cross-entropy must be your own"
_GRAD = "the gradient must be derived, not computed numerically or by a library"
FORBID = [
    Forbid("mlp.softmax", _ALL, f"mlp.softmax is Q1's answer: {_MINE}"),
    Forbid("mlp.log_softmax", _ALL, f"mlp's log-softmax is stable for you: {_MINE}"),
    Forbid("mlp.logsumexp", _ALL, f"mlp's logsumexp is stable for you: {_MINE}"),
    Forbid("mlp.activations", _ALL, f"mlp.activations holds softmax and log-softmax: {_MINE}"),
    Forbid("mlp.losses", _ALL, f"mlp.losses holds the cross-entropy and its gradient: {_MINE}"),
    Forbid("mlp.softmax_cross_entropy", _ALL, f"it is Q2's answer: {_MINE}"),
    Forbid("mlp.softmax_cross_entropy_grad", _ALL, f"it is Q3's answer: {_MINE}"),
    Forbid("mlp.MLP", _ALL, f"mlp's MLP computes softmax cross-entropy: {_MINE}"),
    Forbid("mlp.network", _ALL, f"mlp.network holds mlp's MLP: {_MINE}"),
    Forbid("mlp.layers", _ALL, f"mlp's layers compute the losses: {_MINE}"),
    Forbid("mlp.train", _ALL, f"mlp.train computes the losses: {_MINE}"),
    Forbid("mlp.lecture_graphs", _ALL, f"mlp's lecture graphs hold a softmax: {_MINE}"),
    Forbid("mlp.linear_models", _ALL, f"mlp's linear models hold a logsumexp: {_MINE}"),
    Forbid("mlp.graph", ("q3",), f"mlp.graph backpropagates for you: {_GRAD}"),
    Forbid("mlp.numerical_gradient", ("q3",), f"a numerical gradient: {_GRAD}"),
    Forbid("mlp.gradcheck", ("q3",), f"a numerical gradient: {_GRAD}"),
    *(
        Forbid(m, _ALL, f"{m} defines softmax and cross-entropy and differentiates them: {_MINE}")
        for m in ("torch", "jax", "tensorflow", "scipy")
    ),
    Forbid("autograd", ("q3",), f"automatic differentiation: {_GRAD}"),
    Forbid("sympy", ("q3",), f"symbolic differentiation: {_GRAD}"),
    Forbid("@complex", ("q3",), f"complex-step differentiation is numerical: {_GRAD}"),
    Forbid("@dynamic", _ALL, "dynamic imports and exec could hide a shortcut"),
]  # fmt: skip

# ------------------------------------------------------------------------------ references


def log_softmax(Z):
    """Each row's log softmax, (z - m) - log sum exp(z - m) with m the row maximum."""
    Z = np.asarray(Z, dtype=float)
    S = Z - Z.max(axis=1, keepdims=True)
    return S - np.log(np.exp(S).sum(axis=1, keepdims=True))


def ref_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def ref_loss_and_grad(Z, T):
    """The mean cross-entropy of softmax(Z) with targets T, and its gradient (P - T) / B."""
    Z, T = np.asarray(Z, dtype=float), np.asarray(T, dtype=float)
    B = Z.shape[0]
    return float(-np.sum(T * log_softmax(Z)) / B), (ref_softmax(Z) - T) / B


def _softmax_axis0(Z):
    return ref_softmax(np.asarray(Z, dtype=float).T).T


def _softmax_batch(Z):
    Z = np.asarray(Z, dtype=float)
    e = np.exp(Z - Z.max())
    return e / e.sum()


SM_MISTAKES = {
    "wrong axis": "the softmax taken over the wrong axis: each row (one example) must sum to 1",
    "whole batch": "the softmax normalised over the whole batch: each row must sum to 1 on its own",
}
L_MISTAKES = {
    "not averaged": "the loss summed over the batch, not averaged: divide by B",
    "over classes": "the loss averaged over the classes too: only the batch is averaged "
    "(sum over k, mean over b)",
    "sign": "a sign error: the cross-entropy is -sum t log y, and it is >= 0",
}
CLIPPED = (
    "a clipped log, {form}: it turns log 0 into log({eps:g}), but the loss of a row whose "
    "target logit lies far below its largest is about their difference; compute log softmax "
    "as z - logsumexp(z) instead"
)
CLIP_FORMS = {"p + eps": "log(p + {eps:g})", "max": "log(max(p, {eps:g}))"}


def clipped_text(form: str, eps: float) -> str:
    return CLIPPED.format(form=CLIP_FORMS[form].format(eps=eps), eps=eps)


G_MISTAKES = {
    "forgot t": "the targets are not subtracted: the error signal is (y - t) / B",
    "not averaged": "the gradient not averaged over the batch: the loss is a mean, so divide by B",
    "sign": "a sign error: the error signal is (y - t) / B, not (t - y) / B",
    "logits": "(z - t) / B is the squared error's signal on the logits; here it is "
    "(softmax(z) - t) / B",
    "wrong axis": "the softmax taken over the wrong axis: each row (one example) must sum to 1",
}
NONFINITE = {
    "q1": "an overflow: exp(z) is inf for z > 709, and inf / inf is NaN; subtract each row's "
    "maximum first (softmax does not change)",
    "q2": "an overflow or a log of 0: exp overflows at large logits, and a probability that "
    "rounds to 0 has log -inf; compute log softmax as z - logsumexp(z), with the row maximum "
    "taken out of the logsumexp",
    "q3": "an overflow: exp(z) is inf for z > 709; subtract each row's maximum first",
}


def softmax_mistakes(Z):
    out = {SM_MISTAKES["wrong axis"]: _softmax_axis0(Z)}
    if np.shape(Z)[0] > 1:  # for one example, the whole batch is its row
        out[SM_MISTAKES["whole batch"]] = _softmax_batch(Z)
    return out


def loss_mistakes(Z, T):
    Z, T = np.asarray(Z, dtype=float), np.asarray(T, dtype=float)
    B, K = Z.shape
    loss, _ = ref_loss_and_grad(Z, T)
    out = {L_MISTAKES["over classes"]: loss / K, L_MISTAKES["sign"]: -loss}
    if B > 1:  # for one example, the sum is the mean
        out[L_MISTAKES["not averaged"]] = loss * B
    P = ref_softmax(Z)
    with np.errstate(all="ignore"):
        for eps in CLIP_EPS:
            for form, logp in (("p + eps", np.log(P + eps)), ("max", np.log(np.maximum(P, eps)))):
                v = float(-np.sum(T * logp) / B)
                if abs(v - loss) > L_ATOL + L_RTOL_MODERATE * abs(loss):
                    out[clipped_text(form, eps)] = v
    return out


def grad_mistakes(Z, T):
    Z, T = np.asarray(Z, dtype=float), np.asarray(T, dtype=float)
    B = Z.shape[0]
    P = ref_softmax(Z)
    out = {
        G_MISTAKES["forgot t"]: P / B,
        G_MISTAKES["sign"]: (T - P) / B,
        G_MISTAKES["logits"]: (Z - T) / B,
        G_MISTAKES["wrong axis"]: (_softmax_axis0(Z) - T) / B,
    }
    if B > 1:  # for one example, the sum is the mean
        out[G_MISTAKES["not averaged"]] = P - T
    return out


def _keys(mistakes: dict) -> dict:
    return {text: key for key, text in mistakes.items()}


# ------------------------------------------------------------------------------ inputs


def _onehot(rng, B, K):
    return np.eye(K)[rng.integers(0, K, size=B)]


def moderate_batches(rng, shapes):
    return [(rng.normal(scale=3.0, size=(B, K)), _onehot(rng, B, K)) for B, K in shapes]


def _moderate_shapes(rng):
    shapes = [(int(rng.integers(2, 9)), int(rng.integers(3, 8))) for _ in range(3)]
    return [*shapes, (1, int(rng.integers(3, 7))), (int(rng.integers(3, 7)), 2)]


def large_batch(rng, B, K):
    """B >= 3 rows of K >= 3 logits in [-1000, 1000], with 1000, 710 and -1000 among them and
    each row's runner-up within 3 of its maximum.  The first row's target is its logit -1000,
    2000 below its maximum (probability 0 in floating point, loss 2000); the second row's
    target is its runner-up; the others are random."""
    Z = rng.uniform(-1000, 1000, size=(B, K))
    for b in range(B):
        order = np.argsort(Z[b])
        Z[b, order[-2]] = Z[b, order[-1]] - rng.uniform(0.0, 3.0)
    Z[0] = rng.uniform(-1000, 990, size=K)
    Z[0, 0], Z[0, 1], Z[0, 2] = 1000.0, -1000.0, 1000.0 - rng.uniform(0.0, 3.0)
    Z[1] = rng.uniform(-1000, 700, size=K)
    Z[1, 1], Z[1, 0] = 710.0, 710.0 - rng.uniform(0.0, 3.0)
    Z[2, np.argmin(Z[2])] = -1000.0
    labels = rng.integers(0, K, size=B)
    labels[0], labels[1] = 1, 0
    return Z, np.eye(K)[labels]


def _named_nonfinite(check: Check, question: str) -> Check:
    """The case check, with an answer that is NaN or infinity named an overflow."""
    base = check.judge

    def judge(outputs):
        v = base(outputs)
        if v.fraction < 1 and "NaN or infinity" in v.message and v.mistake is None:
            return Verdict(v.fraction, f"{v.message} Looks like {NONFINITE[question]}.",
                           mistake="overflow")  # fmt: skip
        return v

    out = Check(check.name, check.question, check.points, check.description, judge)
    object.__setattr__(out, "data", check.data)
    return out


# ------------------------------------------------------------------------------ plans


def _plan(moderate, large, what):
    reqs: list[Request] = []
    sm = {"moderate": [], "large": []}
    ls = {"moderate": [], "large": []}
    gr = {"moderate": [], "large": []}
    names = {}
    for i, (Z, T) in enumerate([*moderate, *large]):
        kind = "moderate" if i < len(moderate) else "large"
        reqs += [Request(f"sm{i}", "softmax", "call", (Z,)),
                 Request(f"ce{i}", "cross_entropy", "call", (Z, T)),
                 Request(f"gr{i}", "cross_entropy_grad", "call", (Z, T))]  # fmt: skip
        names.update({f"sm{i}": "softmax", f"ce{i}": "cross_entropy",
                      f"gr{i}": "cross_entropy_grad"})  # fmt: skip
        loss, grad = ref_loss_and_grad(Z, T)
        sm[kind].append(Case(f"sm{i}", "softmax(Z)", ref_softmax(Z), mistakes=softmax_mistakes(Z)))
        ls[kind].append(Case(f"ce{i}", "cross_entropy(Z, T)", loss, mistakes=loss_mistakes(Z, T)))
        gr[kind].append(Case(f"gr{i}", "cross_entropy_grad(Z, T)", grad,
                             mistakes=grad_mistakes(Z, T)))  # fmt: skip
    lkeys = _keys(L_MISTAKES)
    lkeys.update({clipped_text(f, e): "clipped log" for f in CLIP_FORMS for e in CLIP_EPS})
    n_m, n_l = len(moderate), len(large)
    dm = f"{n_m} batches of {what}, logits N(0, 9) (a batch of one, K = 2)"
    dl = f"{n_l} batches of {what}, logits up to |z| = 1000"
    sm_opts = {"rtol": SM_RTOL, "atol": SM_ATOL, "names": names,
               "mistake_keys": _keys(SM_MISTAKES)}  # fmt: skip
    g_opts = {"rtol": G_RTOL, "atol": G_ATOL, "names": names, "mistake_keys": _keys(G_MISTAKES),
              "exact": True}  # fmt: skip
    checks = [
        case_check("softmax, moderate logits", "q1", 1.5, f"{dm}; rtol 1e-10",
                   sm["moderate"], **sm_opts),
        _named_nonfinite(case_check("softmax, large logits", "q1", 1, f"{dl}; rtol 1e-10",
                                    sm["large"], **sm_opts), "q1"),
        case_check("cross_entropy, moderate logits", "q2", 1.5, f"{dm}; rtol 1e-8",
                   ls["moderate"], rtol=L_RTOL_MODERATE, atol=L_ATOL, names=names,
                   mistake_keys=lkeys),
        _named_nonfinite(case_check("cross_entropy, large logits", "q2", 1, f"{dl}; rtol 1e-10",
                                    ls["large"], rtol=L_RTOL_LARGE, atol=L_ATOL, names=names,
                                    mistake_keys=lkeys), "q2"),
        case_check("cross_entropy_grad, moderate logits", "q3", 2,
                   f"{dm}; rtol 1e-10 (exact formulas only)", gr["moderate"], **g_opts),
        _named_nonfinite(case_check("cross_entropy_grad, large logits", "q3", 1,
                                    f"{dl}; rtol 1e-10", gr["large"], **g_opts), "q3"),
    ]  # fmt: skip
    return Plan(reqs, checks)


def build(rng: np.random.Generator) -> Plan:
    moderate = moderate_batches(rng, _moderate_shapes(rng))
    large = [large_batch(rng, int(rng.integers(3, 7)), int(rng.integers(3, 7))) for _ in range(2)]
    return _plan(moderate, large, "hidden inputs")


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s plan: the same checks on public batches (two moderate, one of them a
    batch of one, and one with large logits)."""
    moderate = moderate_batches(rng, [(4, 3), (1, 5)])
    large = [large_batch(rng, 3, 4)]
    return _plan(moderate, large, "public inputs")
