"""Grading spec: exercise 12, one shared detector for pattern A versus B (a first convolution).

Graded names: ``conv1d_circular(x, w)`` and ``shared_detector``, a dict with keys ``"w"``
(the filter, 5 weights), ``"b"`` (its bias), ``"activation"`` (``"step"``, ``"relu"``,
``"sigmoid"`` or ``"tanh"``), ``"pool"`` (``"max"`` or ``"sum"``), ``"v"`` and ``"c"`` (the
output unit's weight and bias).

**Q1** ``conv1d_circular(x, w)``: for a 1-D ``x`` of ``n`` pixels and a filter ``w`` of ``m <=
n`` weights, the ``n`` hidden inputs ``z[k] = sum_j w[j] x[(k + j) mod n]`` (the filter laid
on the image with its first weight on pixel ``k``, wrapping around).  6 hidden cases from
the grader's seed: one with ``n = 16``, ``m = 5``, one with ``m = 1`` (``n`` in 5..20), and
four with ``m`` in 2..5, ``n`` in 5..20 (a 1-weight filter hides every mistake below, so
exactly one case has one: a mistake's credit is the same on every seed); entries N(0, 1);
rtol 1e-9.  Recognised: the filter flipped (mathematical
convolution), no wrap-around (zeros past the end), the result shifted, only the ``n - m + 1``
positions without wrap-around.

**Q2** ``shared_detector``: the grader builds the network itself from the single filter --
``z = conv1d_circular(x, w) + b`` with its own ``conv1d_circular``, ``h = activation(z)``,
``p = max(h)`` or ``sum(h)``, the output ``v p + c`` -- and says B when ``v p + c > 0`` (a
sigmoid output above 1/2).  The student's code is never run for Q2, so the hidden layer is
weight-shared by construction: the 16 hidden units are the one filter at the 16 shifts.
Checks: all 32 translations of :func:`mlp.datasets.pattern_ab` (4 points times
``max(0, 2 acc - 1)``, as in exercise 5: a guess earns nothing), and the same network on
all translations of A and B in images of 9 and of 24 pixels (1 point: a detector that is
local generalizes to any image size; a bias that lets blank windows fire does not).  No
random part.
"""

from __future__ import annotations

import numpy as np

from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict, as_array, failure_text

EXERCISE = "12-weight-sharing"
TITLE = "Exercise 12: one shared detector for every translation"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "the filter at every shift: circular correlation",
    "q2": "a weight-shared network for pattern A versus B",
}
GRADED_NAMES = ["conv1d_circular", "shared_detector"]
DIFFICULTY, MINUTES = "medium", 40
CHAPTER = "lecture2/05-xor-network.ipynb"
TEACHES = (
    "weight sharing: one feature detector applied at every position, pooled, classifies "
    "every translation with 8 parameters (a preview of convolution)"
)
ALLOWS = "numpy and mlp's activation functions and datasets; not mlp's network builders"
RTOL, ATOL = 1e-9, 1e-12
ACTIVATIONS = ("step", "relu", "sigmoid", "tanh")
POOLS = ("max", "sum")
_OWN = "this question asks for your own detector"
FORBID = [
    Forbid("mlp.universality", ("q2",), f"mlp.universality builds networks for you: {_OWN}"),
    Forbid("mlp.boolean_networks", ("q2",), f"mlp.boolean_networks builds detectors: {_OWN}"),
    Forbid("mlp.bump_networks", ("q2",), f"mlp.bump_networks builds networks for you: {_OWN}"),
    Forbid("torch", ("q1", "q2"), f"PyTorch's convolutions and training: {_OWN}"),
    Forbid("scipy", ("q1",), "scipy's correlate computes Q1: the shifts must be your own"),
    Forbid("@dynamic", ("q1", "q2"), "dynamic imports and exec could hide a shortcut"),
]

# ---------------------------------------------------------------------------- Q1


def ref_conv(x, w):
    """``z[k] = sum_j w[j] x[(k + j) mod n]``."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return sum(w[j] * np.roll(x, -j) for j in range(len(w)))


CONV_MISTAKES = {
    "flipped": "the filter flipped: z[k] = sum_j w[j] x[k - j] is convolution in the "
    "mathematical sense; here the filter's first weight sits on pixel k, z[k] = sum_j w[j] "
    "x[k + j]",
    "no wrap": "no wrap-around: past the last pixel the image continues at pixel 0 "
    "(index modulo n)",
    "centred": "the filter centred on pixel k: here its first weight sits on pixel k, "
    "z[k] = sum_j w[j] x[k + j]",
    "valid": "only the n - m + 1 positions where the filter fits without wrapping around: "
    "the image is a circle, so there are n positions",
}


def conv_mistakes(x, w):
    n, m = len(x), len(w)
    flipped = sum(w[j] * np.roll(x, j) for j in range(m))
    padded = np.concatenate([x, np.zeros(m)])
    no_wrap = np.array([padded[k : k + m] @ w for k in range(n)])
    ref = ref_conv(x, w)
    return {
        CONV_MISTAKES["flipped"]: flipped,
        CONV_MISTAKES["no wrap"]: no_wrap,
        CONV_MISTAKES["centred"]: np.roll(ref, m // 2) if m > 1 else None,
        CONV_MISTAKES["valid"]: ref[: n - m + 1] if m > 1 else None,
    }


def _conv_cases(rng, shapes, what):
    reqs, cases = [], []
    for i, (n, m) in enumerate(shapes):
        x, w = rng.normal(size=n), rng.normal(size=m)
        reqs.append(Request(f"conv{i}", "conv1d_circular", "call", (x, w)))
        cases.append(Case(f"conv{i}", "conv1d_circular(x, w)", ref_conv(x, w),
                          mistakes=conv_mistakes(x, w)))  # fmt: skip
    names = {f"conv{i}": "conv1d_circular" for i in range(len(shapes))}
    keys = {v: k for k, v in CONV_MISTAKES.items()}
    check = case_check("conv1d_circular", "q1", 3, f"{len(shapes)} {what} (x, w); rtol 1e-9",
                       cases, rtol=RTOL, atol=ATOL, names=names, mistake_keys=keys)  # fmt: skip
    return reqs, check


# ---------------------------------------------------------------------------- Q2


class BadDetector(ValueError):
    """``shared_detector`` does not describe one filter, a pooling and an output unit."""


def _number(d, key):
    a = as_array(d.get(key))
    if a is None or a.size != 1 or not np.isfinite(a).all():
        raise BadDetector(f'shared_detector["{key}"] should be one number.')
    return float(a.reshape(-1)[0])


def parse_detector(out) -> dict:
    """The detector as plain data, or :class:`BadDetector` with what is wrong."""
    fail = failure_text("shared_detector", out)
    if fail:
        raise BadDetector(fail)
    if type(out) is not dict:
        raise BadDetector(
            "`shared_detector` should be a dict with the keys "
            '"w", "b", "activation", "pool", "v" and "c".'
        )
    missing = [k for k in ("w", "b", "activation", "pool", "v", "c") if k not in out]
    if missing:
        raise BadDetector(f"`shared_detector` has no key {', '.join(map(repr, missing))}.")
    w = as_array(out["w"])
    if w is None or w.ndim != 1 or w.size != 5 or not np.isfinite(w).all():
        raise BadDetector(
            'shared_detector["w"] should be the filter: 5 numbers, one per pixel it sees.'
        )
    act, pool = out["activation"], out["pool"]
    if act not in ACTIVATIONS:
        raise BadDetector(f'shared_detector["activation"] should be one of {list(ACTIVATIONS)}.')
    if pool not in POOLS:
        raise BadDetector('shared_detector["pool"] should be "max" or "sum".')
    return {"w": w, "b": _number(out, "b"), "activation": act, "pool": pool,
            "v": _number(out, "v"), "c": _number(out, "c")}  # fmt: skip


def _act(name, z):
    if name == "step":
        return (z > 0).astype(float)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    return np.tanh(z)


def detector_scores(d: dict, X: np.ndarray) -> np.ndarray:
    """``v p + c`` for every row of ``X``: the network the grader builds from the filter."""
    with np.errstate(all="ignore"):
        Z = np.stack([ref_conv(x, d["w"]) + d["b"] for x in X])
        H = _act(d["activation"], Z)
        p = H.max(axis=1) if d["pool"] == "max" else H.sum(axis=1)
        return d["v"] * p + d["c"]


def translations(n: int):
    """All translations of A and B in images of ``n`` pixels; t = 1 for B."""
    from mlp.datasets import PATTERN_A, PATTERN_B, pattern_translations

    X = np.vstack([pattern_translations(PATTERN_A, n), pattern_translations(PATTERN_B, n)])
    return X, np.repeat([0, 1], n)


def _judge_acc(out) -> Verdict:
    from mlp.datasets import pattern_ab

    try:
        d = parse_detector(out["shared_detector"])
    except BadDetector as e:
        return Verdict(0, str(e))
    X, t = pattern_ab()
    s = detector_scores(d, X)
    if not np.all(np.isfinite(s)):
        return Verdict(0, "the network's output is NaN or infinite on some image.")
    pred = (s > 0).astype(int)
    acc = float(np.mean(pred == t))
    wrong_a = int(np.sum((pred != t) & (t == 0)))
    wrong_b = int(np.sum((pred != t) & (t == 1)))
    msg = f"{int(round(acc * 32))} of 32 translations right"
    if wrong_a or wrong_b:
        msg += f" ({wrong_a} A's called B, {wrong_b} B's called A)"
    if acc == 0.5 and len(set(pred)) == 1:
        msg += "; the network gives every image the same answer"
    return Verdict(max(0.0, 2 * acc - 1), msg + ".")


def _judge_sizes(out) -> Verdict:
    try:
        d = parse_detector(out["shared_detector"])
    except BadDetector as e:
        return Verdict(0, str(e))
    bad = []
    for n in (9, 24):
        X, t = translations(n)
        s = detector_scores(d, X)
        n_wrong = int(np.sum(~np.isfinite(s)) + np.sum((s > 0).astype(int) != t))
        if n_wrong:
            bad.append(f"{n_wrong} of {2 * n} wrong in images of {n} pixels")
    if not bad:
        return Verdict(1, "every translation right in images of 9 and of 24 pixels too.")
    hint = (
        " A shared, local detector does not depend on the image size; if yours does, look "
        "at what it gives on a blank window (all pixels 0) and at what pooling adds up."
    )
    return Verdict(0, "; ".join(bad) + "." + hint)


def _detector_plan():
    reqs = [Request("shared_detector", "shared_detector", "value")]
    checks = [
        Check("all 32 translations", "q2", 4,
              "the grader's network from your filter; 4 * max(0, 2 acc - 1)", _judge_acc),
        Check("other image sizes", "q2", 1,
              "the same network on all translations in 9- and 24-pixel images", _judge_sizes),
    ]  # fmt: skip
    return reqs, checks


def build(rng: np.random.Generator) -> Plan:
    shapes = [(16, 5), (int(rng.integers(5, 21)), 1)]
    for _ in range(4):
        m = int(rng.integers(2, 6))
        shapes.append((int(rng.integers(max(m, 5), 21)), m))
    reqs, conv = _conv_cases(rng, shapes, "hidden")
    dreqs, dchecks = _detector_plan()
    return Plan(reqs + dreqs, [conv, *dchecks])


def _public_value() -> str:
    """An expression over ``shared_detector`` that gives its predictions on pattern_ab().

    (``np.max(H, axis=1)``, not ``H.max(axis=1)``: an array method with keywords imports
    inside numpy, which the check's builtin-free evaluation does not allow.)"""
    rolls = " + ".join(f"d['w'][{j}] * np.roll(X, -{j}, axis=1)" for j in range(5))
    acts = "{'step': 1.0 * (Z > 0), 'relu': relu(Z), 'sigmoid': sigmoid(Z), 'tanh': tanh(Z)}"
    pooled = "{'max': np.max(H, axis=1), 'sum': np.sum(H, axis=1)}[d['pool']]"
    expr = f"1.0 * (d['v'] * {pooled} + d['c'] > 0)"
    return (
        expr.replace("H", f"{acts}[d['activation']]")
        .replace("Z", f"({rolls} + d['b'])")
        .replace("X", "pattern_ab()")
        .replace("d[", "shared_detector[")
    )


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s plan: Q1 on 4 public cases; Q2 on the 32 images (the task is public),
    with the network built from the filter by the check itself."""
    from mlp.datasets import pattern_ab

    reqs, conv = _conv_cases(rng, [(16, 5), (7, 3), (6, 1), (5, 5)], "public")
    reqs.append(Request("shared_detector", "shared_detector", "value"))
    case = Case("shared_detector", "your network's predictions (B = 1) on the 32 images",
                ref=pattern_ab()[1].astype(float), value=_public_value())  # fmt: skip
    acc = case_check("all 32 translations", "q2", 4, "all 32 images", [case], atol=0.5)
    return Plan(reqs, [conv, acc])
