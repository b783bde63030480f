"""Grading spec: exercise 1, making XOR linearly separable with a feature map.

Graded names: ``phi(X)``, ``classify(X, w, b)``, ``w``, ``b``, ``margin(w, b)``.
Hidden checks (inputs drawn from the grader's per-run seed):

* phi: 4 random batches (B in 1..9, entries N(0, 2^2)) -> (B, 3) columns x1, x2, x1*x2;
  rtol 1e-9.  Partial credit per batch.
* classify: 4 random (w, b, X) -> I[phi(x) . w + b > 0] as (B,) 0/1; exact.
* weights: the grader applies the lecture's feature map to the four XOR points itself and
  checks each point's side of the hyperplane (|w . phi + b| must exceed 1e-9): 1/4 per point.
* margin: 5 random (w, b) -> min_i (2 t_i - 1)(w . phi(x_i) + b) / ||w||; rtol 1e-6.
"""

from __future__ import annotations

import numpy as np

from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import (
    Check,
    Plan,
    Request,
    Verdict,
    as_array,
    compare,
    failure_text,
    fraction_passed,
)

EXERCISE = "01-xor-feature-map"
TITLE = "Exercise 1: XOR with a feature map"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "feature map phi",
    "q2": "linear classifier on the features",
    "q3": "weights that separate XOR",
    "q4": "verify: the margin",
}
GRADED_NAMES = ["phi", "classify", "w", "b", "margin"]

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_T = np.array([0.0, 1.0, 1.0, 0.0])


def ref_phi(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X[:, 0], X[:, 1], X[:, 0] * X[:, 1]])


def ref_classify(X, w, b):
    return (ref_phi(X) @ w + b > 0).astype(float)


def ref_margin(w, b):
    s = (2 * XOR_T - 1) * (ref_phi(XOR_X) @ w + b)
    return float(np.min(s) / np.linalg.norm(w))


def build(rng: np.random.Generator) -> Plan:
    reqs: list[Request] = []
    checks: list[Check] = []

    phi_cases = []
    for i in range(4):
        X = rng.normal(0, 2, size=(int(rng.integers(1, 10)), 2))
        reqs.append(Request(f"phi{i}", "phi", "call", (X,)))
        phi_cases.append((f"phi{i}", ref_phi(X)))

    def judge_phi(out):
        return fraction_passed([compare("phi(X)", out[k], r, rtol=1e-9) for k, r in phi_cases])

    checks.append(
        Check("phi on random batches", "q1", 2, "phi(X) on 4 random batches, rtol 1e-9", judge_phi)
    )

    cls_cases = []
    for i in range(4):
        X = rng.normal(0, 2, size=(int(rng.integers(3, 12)), 2))
        w = rng.normal(size=3)
        b = float(rng.normal())
        reqs.append(Request(f"cls{i}", "classify", "call", (X, w, b)))
        cls_cases.append((f"cls{i}", ref_classify(X, w, b)))

    def judge_cls(out):
        return fraction_passed(
            [compare("classify(X, w, b)", out[k], r, rtol=0, atol=0) for k, r in cls_cases]
        )

    checks.append(
        Check("classify on random weights", "q2", 2, "4 random (w, b, X); exact 0/1", judge_cls)
    )

    reqs.append(Request("w", "w", "value"))
    reqs.append(Request("b", "b", "value"))

    def judge_weights(out):
        for name in ("w", "b"):
            fail = failure_text(name, out[name])
            if fail:
                return Verdict(0, fail)
        w, b = as_array(out["w"]), as_array(out["b"])
        if w is None or b is None:  # strings, dicts, objects: refused, never converted
            return Verdict(0, "`w` and `b` must be numbers / arrays of numbers (not strings).")
        w, b = w.reshape(-1), b.reshape(-1)
        if w.shape != (3,) or b.shape != (1,):
            return Verdict(0, f"`w` needs 3 entries and `b` one; got {w.size} and {b.size}.")
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            return Verdict(0, "`w` or `b` contains NaN or infinity.")
        z = ref_phi(XOR_X) @ w + b[0]
        ok = ((z > 1e-9) & (XOR_T == 1)) | ((z < -1e-9) & (XOR_T == 0))
        if ok.all():
            return Verdict(1, "all four XOR points are on the correct side.")
        bad = [f"({int(x[0])}, {int(x[1])})" for x, k in zip(XOR_X, ok, strict=True) if not k]
        return Verdict(
            ok.mean(),
            f"{ok.sum()} of 4 points correct; wrong (or on the boundary): {', '.join(bad)}.",
        )

    checks.append(
        Check(
            "w, b separate XOR",
            "q3",
            3,
            "the grader's phi on the 4 XOR points, strict side (|z| > 1e-9), 1/4 per point",
            judge_weights,
        )
    )

    m_cases = []
    for i in range(5):
        w = rng.normal(size=3)
        b = float(rng.normal())
        reqs.append(Request(f"margin{i}", "margin", "call", (w, b)))
        m_cases.append((f"margin{i}", np.array(ref_margin(w, b))))

    def judge_margin(out):
        return fraction_passed(
            [compare("margin(w, b)", out[k], r, rtol=1e-6, squeeze=True) for k, r in m_cases]
        )

    checks.append(
        Check("margin on random weights", "q4", 2, "5 random (w, b), rtol 1e-6", judge_margin)
    )
    return Plan(reqs, checks)


DIFFICULTY, MINUTES = "easy", 25
CHAPTER = "lecture2/02-feature-maps.ipynb"
TEACHES = "a feature map that makes XOR linearly separable, and the margin as a check"
ALLOWS = "numpy; not mlp's ready-made Boolean networks"
FORBID = [
    Forbid("mlp.boolean_networks", ("q3",), "it builds XOR networks: the weights must be yours"),
    Forbid("@dynamic", ("q1", "q2", "q3", "q4"), "dynamic imports and exec could hide a shortcut"),
]


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s checks: phi and classify on public batches, the student's w and b on the
    four XOR points, margin on public weights."""
    X = np.round(rng.normal(size=(6, 2)), 3)
    W = [np.round(rng.normal(size=3), 3) for _ in range(3)]
    B = [float(np.round(rng.normal(), 3)) for _ in range(3)]
    reqs = [Request("phi", "phi", "call", (X,)), Request("w", "w", "value"),
            Request("b", "b", "value")]  # fmt: skip
    reqs += [Request(f"cls{i}", "classify", "call", (X, W[i], B[i])) for i in range(3)]
    reqs += [Request(f"margin{i}", "margin", "call", (W[i], B[i])) for i in range(3)]
    xor = XOR_X.tolist()
    feats = f"np.column_stack([{xor}, np.prod({xor}, axis=1)])"
    names = {
        **{f"cls{i}": "classify" for i in range(3)},
        **{f"margin{i}": "margin" for i in range(3)},
    }
    checks = [
        case_check("phi(X)", "q1", 2, "6 public points", [Case("phi", "phi(X)", ref_phi(X))]),
        case_check("classify", "q2", 2, "3 public (w, b)", [
            Case(f"cls{i}", "classify(X, w, b)", ref_classify(X, W[i], B[i])) for i in range(3)],
            names=names),
        case_check("separates XOR", "q3", 3, "your w and b on the four points", [
            Case("w", "your w and b on the XOR points", value=f"1.0 * ({feats} @ w + b > 0)",
                 ref=XOR_T)]),
        case_check("margin", "q4", 2, "3 public (w, b)", [
            Case(f"margin{i}", "margin(w, b)", ref_margin(W[i], B[i])) for i in range(3)],
            names=names),
    ]  # fmt: skip
    return Plan(reqs, checks)
