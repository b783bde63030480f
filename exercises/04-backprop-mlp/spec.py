"""Grading spec: exercise 4, vectorized backprop for the two-layer sigmoid MLP.

Graded names: ``forward(X, W1, b1, W2, b2) -> (Z, H, Y)``, ``squared_error(Y, T)``,
``backward(X, T, W1, b1, W2, b2) -> (W1_bar, b1_bar, W2_bar, b2_bar)``.  Batches are rows;
``Z = X W1^T + b1``, ``H = sigma(Z)``, ``Y = H W2^T + b2``, loss = mean over the batch of
``1/2 ||y - t||^2`` (CONTRIBUTING.md).

Hidden checks (inputs from the grader's per-run seed): 6 networks and batches with random
shapes (B, N, H, K) -- four random ones with B in 2..9, N in 2..7, H in 2..8, K in 1..4, one
with B = 1 and one square case N = H = K = B = 3 where a missing transpose does not raise --
entries N(0, 1).  The reference is computed by the grader with :class:`mlp.MLP` and
:func:`mlp.losses.squared_error_grad`; rtol 1e-6, atol 1e-9; credit = fraction of cases right.
When a wrong gradient matches a known mistake the feedback names it: a missing transpose,
a missing sigma'(z) (or sigma' taken at h), not summing over the batch, not averaging over
the batch, a sign error.
"""

from __future__ import annotations

import numpy as np

from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict, as_array, compare, failure_text

EXERCISE = "04-backprop-mlp"
TITLE = "Exercise 4: backpropagation for a two-layer MLP"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "forward pass and loss",
    "q2": "backward pass (vectorized)",
}
GRADED_NAMES = ["forward", "squared_error", "backward"]
RTOL, ATOL = 1e-6, 1e-9
GRADS = ("W1_bar", "b1_bar", "W2_bar", "b2_bar")
DIFFICULTY, MINUTES = "medium", 45
CHAPTER = "lecture2/09-backpropagation.ipynb"
TEACHES = "the vectorized forward and backward pass of a two-layer MLP, summed over a batch"
ALLOWS = "numpy, mlp.sigmoid and mlp.sigmoid_prime; not mlp's MLP, graph or numerical gradient"
_OWN = "the backward pass must be your own"
FORBID = [
    Forbid("mlp.MLP", ("q1", "q2"), "mlp's MLP computes the forward and backward pass"),
    Forbid("mlp.network", ("q1", "q2"), "mlp.network holds mlp's MLP"),
    Forbid("mlp.graph", ("q2",), f"mlp.graph backpropagates through a graph: {_OWN}"),
    Forbid("mlp.numerical_gradient", ("q2",), f"a numerical gradient is not backprop: {_OWN}"),
    Forbid("mlp.gradcheck", ("q2",), f"a numerical gradient is not backprop: {_OWN}"),
    *(
        Forbid(m, ("q2",), f"{m}'s automatic differentiation: {_OWN}")
        for m in ("torch", "jax", "autograd", "tensorflow")
    ),  # fmt: skip
    Forbid("@dynamic", ("q1", "q2"), "dynamic imports and exec could hide a shortcut"),
]


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_forward(X, W1, b1, W2, b2):
    from mlp import MLP

    net = MLP.from_params([(W1, b1), (W2, b2)], ["sigmoid", "identity"], dtype=np.float64)
    Y = net.forward(X)
    Z = X @ W1.T + b1
    return Z, _sig(Z), Y


def ref_backward(X, T, W1, b1, W2, b2):
    from mlp import MLP
    from mlp.losses import squared_error_grad

    net = MLP.from_params([(W1, b1), (W2, b2)], ["sigmoid", "identity"], dtype=np.float64)
    Y = net.forward(X)
    net.backward(squared_error_grad(Y, T))
    (W1_bar, b1_bar), (W2_bar, b2_bar) = net.grads()
    return tuple(np.array(a, dtype=np.float64) for a in (W1_bar, b1_bar, W2_bar, b2_bar))


def variant_backward(X, T, W1, b1, W2, b2, mistake):
    """The gradients as computed with one common mistake (numpy, for diagnosis only)."""
    B = X.shape[0]
    Z = X @ W1.T + b1
    H = _sig(Z)
    Y = H @ W2.T + b2
    Y_bar = (Y - T) / B
    if mistake == "sign":
        Y_bar = -Y_bar
    if mistake == "no_mean":
        Y_bar = Y - T
    W2_bar, b2_bar = Y_bar.T @ H, Y_bar.sum(0)
    if mistake == "transpose_h":
        if W2.shape[0] != W2.shape[1]:
            return None
        H_bar = Y_bar @ W2.T
    else:
        H_bar = Y_bar @ W2
    if mistake == "no_sigma_prime":
        Z_bar = H_bar
    elif mistake == "sigma_prime_of_h":
        Z_bar = H_bar * _sig(H) * (1 - _sig(H))
    else:
        Z_bar = H_bar * H * (1 - H)
    return Z_bar.T @ X, Z_bar.sum(0), W2_bar, b2_bar


MISTAKES = {
    "sign": "a sign error: y_bar = dL/dy is (y - t) / B, not (t - y) / B",
    "no_mean": "the loss is averaged over the batch, so y_bar = (Y - T) / B: divide by B",
    "transpose_h": "a missing transpose: h_bar = W2^T y_bar, i.e. H_bar = Y_bar @ W2 for a batch",
    "no_sigma_prime": "a missing sigma'(z): z_bar = h_bar * sigma'(z)",
    "sigma_prime_of_h": "sigma' taken at h instead of z: sigma'(z) = h (1 - h)",
}


LOSS_MISTAKES = {  # feedback -> (mistake key, feedback)
    t: (k, t)
    for k, t in (
        ("loss not averaged", "the loss is averaged over the batch (divide the sum by B)"),
        ("loss without 1/2", "the loss has a factor 1/2"),
    )
}


def diagnose(name, arr, ref, variants, B) -> tuple[str, str] | None:
    """``(mistake key, feedback)`` for the common mistake that ``arr`` matches, if any."""

    def close(a, r):
        return a.shape == r.shape and bool(np.all(np.abs(a - r) <= ATOL + RTOL * np.abs(r)))

    if arr.ndim == 2 and ref.ndim == 2 and close(arr, ref.T) and ref.shape[0] != ref.shape[1]:
        return (
            "transposed",
            f"{name} is transposed: it must have the shape of the parameter, {ref.shape}",
        )
    if arr.ndim == 2 and ref.ndim == 1 and arr.shape == (B, ref.shape[0]):
        if close(arr.sum(0), ref):
            return "batch not summed", (
                f"not summing over the batch: {name} is the sum over examples (shape {ref.shape})"
            )
        if close(arr.mean(0), ref * 0 + arr.mean(0)) and close(arr.sum(0) / B, ref):
            return "batch averaged", f"averaging instead of summing over the batch for {name}"
    if close(arr, ref / B):
        return "averaged twice", (
            f"{name} is averaged twice: y_bar already carries the 1/B, so sum over the batch"
        )
    if close(arr, -ref):
        return "sign", MISTAKES["sign"]
    for key, var in variants.items():
        if var is not None and close(arr, var):
            return key, MISTAKES[key]
    return None


def _shapes(rng):
    cases = []
    for _ in range(4):
        cases.append(
            (
                int(rng.integers(2, 10)),
                int(rng.integers(2, 8)),
                int(rng.integers(2, 9)),
                int(rng.integers(1, 5)),
            )
        )
    cases.append((1, int(rng.integers(2, 6)), int(rng.integers(2, 6)), int(rng.integers(1, 4))))
    cases.append((3, 3, 3, 3))
    return cases


def build(rng: np.random.Generator) -> Plan:
    reqs: list[Request] = []
    cases = []
    for i, (B, N, H, K) in enumerate(_shapes(rng)):
        X = rng.normal(size=(B, N))
        T = rng.normal(size=(B, K))
        W1, b1 = rng.normal(size=(H, N)), rng.normal(size=H)
        W2, b2 = rng.normal(size=(K, H)), rng.normal(size=K)
        reqs.append(Request(f"fwd{i}", "forward", "call", (X, W1, b1, W2, b2)))
        Y = ref_forward(X, W1, b1, W2, b2)[2]
        Yp = Y + rng.normal(scale=0.5, size=Y.shape)  # loss on an independent Y
        reqs.append(Request(f"loss{i}", "squared_error", "call", (Yp, T)))
        reqs.append(Request(f"bwd{i}", "backward", "call", (X, T, W1, b1, W2, b2)))
        args = (X, T, W1, b1, W2, b2)
        cases.append(
            {
                "i": i,
                "B": B,
                "fwd": ref_forward(X, W1, b1, W2, b2),
                "loss": 0.5 * np.sum((Yp - T) ** 2) / B,
                "loss_variants": {
                    "the loss is averaged over the batch (divide the sum by B)": 0.5
                    * np.sum((Yp - T) ** 2),
                    "the loss has a factor 1/2": np.sum((Yp - T) ** 2) / B,
                },
                "bwd": ref_backward(*args),
                "variants": {m: variant_backward(*args, m) for m in MISTAKES},
            }
        )

    def judge_forward(out):
        msgs = []
        for c in cases:
            o = out[f"fwd{c['i']}"]
            fail = failure_text("forward", o)
            if fail:
                msgs.append(fail)
                continue
            if type(o) is not list or len(o) != 3:
                msgs.append("`forward` should return the tuple (Z, H, Y).")
                continue
            m = None
            for name, a, r in zip(("Z", "H", "Y"), o, c["fwd"], strict=True):
                m = compare(name, a, r, rtol=RTOL, atol=ATOL)
                if m:
                    break
            msgs.append(m)
        return _verdict(msgs, [])

    def judge_loss(out):
        msgs, diags = [], []
        for c in cases:
            o = out[f"loss{c['i']}"]
            m = compare("squared_error(Y, T)", o, c["loss"], rtol=RTOL, atol=ATOL, squeeze=True)
            msgs.append(m)
            arr = as_array(o) if m else None
            if arr is not None and arr.size == 1:
                for text, v in c["loss_variants"].items():
                    if abs(float(arr.reshape(-1)[0]) - v) <= ATOL + RTOL * abs(v):
                        diags.append(LOSS_MISTAKES[text])
        return _verdict(msgs, diags)

    def judge_grad(k):
        name = GRADS[k]

        def judge(out):
            msgs, diags = [], []
            for c in cases:
                o = out[f"bwd{c['i']}"]
                fail = failure_text("backward", o)
                if fail:
                    msgs.append(fail)
                    continue
                if type(o) is not list or len(o) != 4:
                    msgs.append("`backward` should return (W1_bar, b1_bar, W2_bar, b2_bar).")
                    continue
                ref = c["bwd"][k]
                m = compare(name, o[k], ref, rtol=RTOL, atol=ATOL)
                msgs.append(m)
                arr = as_array(o[k]) if m else None
                if arr is not None and np.all(np.isfinite(arr)):
                    variants = {
                        key: (None if v is None else v[k]) for key, v in c["variants"].items()
                    }
                    d = diagnose(name, arr, ref, variants, c["B"])
                    if d:
                        diags.append(d)
            return _verdict(msgs, diags)

        return judge

    desc = "6 random networks/batches (incl. B = 1 and N = H = K = 3); rtol 1e-6"
    checks = [
        Check("forward (Z, H, Y)", "q1", 2, desc, judge_forward),
        Check("squared_error", "q1", 1, "6 random (Y, T); rtol 1e-6", judge_loss),
        Check("W2_bar", "q2", 1.5, desc, judge_grad(2)),
        Check("b2_bar", "q2", 1, desc, judge_grad(3)),
        Check("W1_bar", "q2", 1.5, desc, judge_grad(0)),
        Check("b1_bar", "q2", 1, desc, judge_grad(1)),
    ]
    return Plan(reqs, checks)


def _verdict(msgs, diags) -> Verdict:
    n_ok = sum(m is None for m in msgs)
    text = f"right on {n_ok} of {len(msgs)} hidden cases."
    first = next(((i, m) for i, m in enumerate(msgs) if m), None)
    if first:
        text += f" Case {first[0] + 1}: {first[1]}"
    mistake = None
    if diags:
        mistake, common = max(sorted(set(diags)), key=diags.count)
        text += f" Likely mistake: {common}."
    return Verdict(n_ok / len(msgs), text, mistake=mistake)


def public(rng: np.random.Generator) -> Plan:
    """The checks ``check("q1")`` / ``check("q2")`` run in the student's kernel: the same
    references and recognised mistakes as the hidden checks, on three public networks (one
    square, where a missing transpose does not raise)."""
    reqs, fwd, loss, grads = [], [], [], {k: [] for k in range(4)}
    for i, (B, N, H, K) in enumerate([(4, 3, 5, 2), (1, 2, 3, 1), (3, 3, 3, 3)]):
        X, T = rng.normal(size=(B, N)), rng.normal(size=(B, K))
        args = (X, T, rng.normal(size=(H, N)), rng.normal(size=H),
                rng.normal(size=(K, H)), rng.normal(size=K))  # fmt: skip
        reqs += [Request(f"fwd{i}", "forward", "call", (X, *args[2:])),
                 Request(f"loss{i}", "squared_error", "call", (X[:, :1] + T, T)),
                 Request(f"bwd{i}", "backward", "call", args)]  # fmt: skip
        Z, Hh, Y = ref_forward(X, *args[2:])
        fwd += [
            Case(f"fwd{i}", n, r, pick=j)
            for j, (n, r) in enumerate(zip("ZHY", (Z, Hh, Y), strict=True))
        ]
        d = X[:, :1] + T - T
        ssq = np.sum(d**2)
        wrong = {LOSS_TEXT[0]: 0.5 * ssq, LOSS_TEXT[1]: ssq / B}
        loss.append(Case(f"loss{i}", "squared_error(Y, T)", 0.5 * ssq / B, mistakes=wrong))
        ref, var = ref_backward(*args), {m: variant_backward(*args, m) for m in MISTAKES}
        for k in range(4):
            named = {MISTAKES[m]: None if v is None else v[k] for m, v in var.items()}
            named[MISTAKES["sign"]] = -ref[k]
            if ref[k].ndim == 2 and ref[k].shape[0] != ref[k].shape[1]:
                named[f"{GRADS[k]} is transposed: it must have the shape of the parameter"] = ref[
                    k
                ].T
            named[f"{GRADS[k]} is averaged twice: y_bar already carries the 1/B"] = ref[k] / B
            grads[k].append(Case(f"bwd{i}", GRADS[k], ref[k], pick=k, mistakes=named))
    names = {f"{p}{i}": n for i in range(3) for p, n in
             (("fwd", "forward"), ("loss", "squared_error"), ("bwd", "backward"))}  # fmt: skip
    keys = {**{v: k for k, v in MISTAKES.items()}, **{t: k for k, (k, t) in LOSS_MISTAKES.items()}}
    opts = {"rtol": RTOL, "atol": ATOL, "names": names, "mistake_keys": keys}
    checks = [case_check("forward (Z, H, Y)", "q1", 2, "3 public networks", fwd, **opts),
              case_check("squared_error", "q1", 1, "3 public (Y, T)", loss, **opts)]  # fmt: skip
    checks += [case_check(GRADS[k], "q2", 1, "3 public networks", grads[k], **opts)
               for k in (2, 3, 0, 1)]  # fmt: skip
    return Plan(reqs, checks)


LOSS_TEXT = list(LOSS_MISTAKES)
