"""Grading spec: exercise 10, the backward pass of an MLP of any depth.

Graded names (through the notebook's given grading cell, which turns the arrays the grader
sends into the student's arguments): ``forward(params, activations, X) -> (Zs, Hs)`` and
``backward(params, activations, X, T) -> [(W_bar, b_bar), ...]``, where ``params`` is a
list of ``(W, b)`` with ``W^(l)`` of shape ``(M_l, M_{l-1})`` (the lecture's convention),
``activations`` a list of one name per layer (hidden: ``"sigmoid"`` or ``"relu"``, output:
``"identity"``), ``X`` a batch ``(B, N)``, one example per row, and the loss the mean over the
batch of ``1/2 ||y - t||^2``.  ``Zs = [Z^(1), ..., Z^(L)]``, ``Hs = [X, H^(1), ..., H^(L)]``.

Hidden checks (inputs from the grader's per-run seed): 8 networks, entries N(0, 1):

1. depth 1 (``L = 1``: no hidden layer, linear regression), ``B`` in 2..8, ``N, K`` in 1..7;
2. a square network: ``L = 4``, every width 3 and ``B = 3``, where a missing transpose, a
   wrong layer's input and a wrong layer's activation run without an error;
3. a batch of one, ``L`` in 2..6;
4. to 8. ``L`` in 2..6, ``B`` in 2..8, every width in 1..7.

Hidden activations are drawn per layer from sigmoid and ReLU with at least one sigmoid per
network (for ReLU, ``relu'(h) = relu'(z)``: only a sigmoid tells a derivative taken at ``h``
from one taken at ``z``), and a network is drawn again if some layer's error signal is zero
everywhere (dead ReLUs would hide a mistake below them).  So every recognised mistake fails
the same cases on every seed, and its partial credit does not depend on the seed.

Q1 (2 points): the output ``Y = Hs[-1]`` on the 8 networks.  Q2 (5 points): the output
layer's ``W_bar`` (1) and ``b_bar`` (1) on the 8 networks, and the hidden layers' ``W_bar``
(2) and ``b_bar`` (1), each flattened and concatenated in layer order, on the 7 networks with
``L >= 2``.  References: :class:`mlp.MLP` with :func:`mlp.losses.squared_error_grad`; rtol
1e-6, atol 1e-9; credit = fraction of networks right.  Recognised (named in the feedback): a
missing transpose, a missing activation derivative, the derivative taken at ``h`` instead of
``z``, the activation derivative of the wrong layer, ``W_bar`` built from the layer's own
output instead of its input, ``b_bar`` not summed over the batch, a missing or doubled
``1/B``, a sign error, a transposed ``W_bar``.
"""

from __future__ import annotations

import re

import numpy as np

from autograde.cases import Case, case_check
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict, failure_text

EXERCISE = "10-backward-l-layers"
TITLE = "Exercise 10: backpropagation through L layers"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "forward pass of an L-layer MLP",
    "q2": "backward pass of an L-layer MLP",
}
GRADED_NAMES = ["forward_for_grader", "backward_for_grader"]
DIFFICULTY, MINUTES = "hard", 60
CHAPTER = "lecture2/09-backpropagation.ipynb"
TEACHES = (
    "backpropagation as a loop over layers: the error signal of one layer from the next, "
    "for any depth, widths and activations"
)
ALLOWS = (
    "numpy and mlp's activation functions and their derivatives; not mlp's MLP, layers, "
    "graph or numerical gradients, nor PyTorch, JAX or autograd"
)
RTOL, ATOL = 1e-6, 1e-9
HIDDEN_ACTS = ("sigmoid", "relu")
_OWN = "the backward pass must be your own"
FORBID = [
    Forbid("mlp.MLP", ("q1", "q2"), "mlp's MLP computes the forward and backward pass"),
    Forbid("mlp.network", ("q1", "q2"), "mlp.network holds mlp's MLP"),
    Forbid("mlp.layers", ("q1", "q2"), "mlp's layers compute the forward and backward pass"),
    Forbid("mlp.train", ("q2",), f"mlp.train computes gradients with mlp's MLP: {_OWN}"),
    Forbid("mlp.graph", ("q2",), f"mlp.graph backpropagates through a graph: {_OWN}"),
    Forbid("mlp.numerical_gradient", ("q2",), f"a numerical gradient is not backprop: {_OWN}"),
    Forbid("mlp.check_mlp_gradients", ("q2",), f"it runs mlp's own backward pass: {_OWN}"),
    Forbid("mlp.gradcheck", ("q2",), f"a numerical gradient is not backprop: {_OWN}"),
    *(
        Forbid(m, ("q1", "q2"), f"{m}'s automatic differentiation: {_OWN}")
        for m in ("torch", "jax", "autograd", "tensorflow")
    ),  # fmt: skip
    Forbid("@dynamic", ("q1", "q2"), "dynamic imports and exec could hide a shortcut"),
]

# ---------------------------------------------------------------------------- references


def _act(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "relu":
        return np.maximum(z, 0.0)
    return z


def _act_prime(name, z):
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1.0 - s)
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def ref_forward(params, activations, X):
    """``(Zs, Hs)`` computed with :class:`mlp.MLP` (its output) and numpy (the rest)."""
    from mlp import MLP

    net = MLP.from_params(params, activations, dtype=np.float64)
    Y = net.forward(X)
    Zs, Hs = [], [X]
    for (W, b), a in zip(params, activations, strict=True):
        Zs.append(Hs[-1] @ W.T + b)
        Hs.append(_act(a, Zs[-1]))
    assert np.allclose(Hs[-1], Y, rtol=1e-12, atol=1e-12)
    return Zs, Hs


def ref_backward(params, activations, X, T):
    """``[(W_bar, b_bar), ...]`` from :class:`mlp.MLP`'s own backward pass."""
    from mlp import MLP
    from mlp.losses import squared_error_grad

    net = MLP.from_params(params, activations, dtype=np.float64)
    Y = net.forward(X)
    net.backward(squared_error_grad(Y, T))
    return [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in net.grads()]


MISTAKES = {
    "transpose": "a missing transpose: h_bar^(l-1) = W^(l)T z_bar^(l), i.e. "
    "H_bar = Z_bar @ W for a batch",
    "no prime": "a missing activation derivative: z_bar = h_bar * act'(z)",
    "prime at h": "the activation derivative taken at h instead of z: z_bar = h_bar * act'(z)",
    "wrong layer prime": "off-by-one layer indexing: layer l's z_bar uses the derivative of "
    "another layer's activation (activations[l] belongs to params[l])",
    "own output": "off-by-one layer indexing: W_bar^(l) = z_bar^(l) h^(l-1)T uses the layer's "
    "input h^(l-1), not its output h^(l)",
    "no mean": "the loss is averaged over the batch, so y_bar = (Y - T) / B: divide by B",
    "mean twice": "the batch averaged twice: y_bar already carries the 1/B, so W_bar and "
    "b_bar sum over the examples",
    "b not summed": "b_bar not summed over the batch: it has the shape of b",
    "sign": "a sign error: y_bar = (Y - T) / B, not (T - Y) / B",
    "W transposed": "W_bar is transposed: it has the shape of W, (outputs, inputs)",
}
FORWARD_MISTAKES = {
    "output activation": "the output layer is the identity: no activation after W^(L)",
    "acts shifted": "off-by-one layer indexing: layer l uses its own activation, "
    "activations[l] with params[l]",
}


def variant_backward(params, activations, X, T, mistake=None):
    """The gradients with one common mistake (numpy), as lists; None if it would raise."""
    B = X.shape[0]
    acts = list(activations)
    if mistake == "wrong layer prime":  # z_bar of layer l uses the activation of layer l+1
        prime_acts = acts[1:] + acts[-1:]
    else:
        prime_acts = acts
    Zs, Hs = [], [X]
    for (W, b), a in zip(params, acts, strict=True):
        Zs.append(Hs[-1] @ W.T + b)
        Hs.append(_act(a, Zs[-1]))
    Y = Hs[-1]
    bar = (Y - T) / B
    if mistake == "no mean":
        bar = Y - T
    if mistake == "sign":
        bar = -bar
    L = len(params)
    out = [None] * L
    Z_bars = [None] * L
    for k in range(L - 1, -1, -1):
        if k < L - 1:  # bar is h_bar of layer k
            if mistake == "no prime":
                Z_bar = bar
            elif mistake == "prime at h":
                Z_bar = bar * _act_prime(prime_acts[k], Hs[k + 1])
            else:
                Z_bar = bar * _act_prime(prime_acts[k], Zs[k])
        else:
            Z_bar = bar * _act_prime(acts[k], Zs[k])  # identity at the output
        Z_bars[k] = Z_bar
        inp = Hs[k + 1] if mistake == "own output" else Hs[k]
        W_bar = Z_bar.T @ inp
        b_bar = Z_bar if mistake == "b not summed" else Z_bar.sum(axis=0)
        if mistake == "mean twice":
            W_bar, b_bar = W_bar / B, b_bar / B
        if mistake == "W transposed":
            W_bar = W_bar.T
        out[k] = (W_bar, b_bar)
        if k > 0:
            W = params[k][0]
            if mistake == "transpose":
                if W.shape[0] != W.shape[1]:
                    return None
                bar = Z_bar @ W.T
            else:
                bar = Z_bar @ W
    return out, Z_bars


def variant_forward(params, activations, X, mistake):
    acts = list(activations)
    if mistake == "output activation":
        acts = acts[:-1] + [acts[-2] if len(acts) > 1 else "sigmoid"]
    if mistake == "acts shifted":
        acts = acts[-1:] + acts[:-1]
    H = X
    for (W, b), a in zip(params, acts, strict=True):
        H = _act(a, H @ W.T + b)
    return H


# ---------------------------------------------------------------------------- networks


def _network(rng, B, widths, square=False):
    """Params, activations, X, T for layer widths ``[N, M_1, ..., K]``; None if a layer's
    error signal is zero everywhere (drawn again by the caller)."""
    L = len(widths) - 1
    params = [
        (rng.normal(size=(widths[i + 1], widths[i])), rng.normal(size=widths[i + 1]))
        for i in range(L)
    ]
    acts = [str(rng.choice(HIDDEN_ACTS)) for _ in range(L - 1)]
    if L > 1 and "sigmoid" not in acts:
        acts[int(rng.integers(0, L - 1))] = "sigmoid"
    acts.append("identity")
    X = rng.normal(size=(B, widths[0]))
    T = rng.normal(size=(B, widths[-1]))
    _, z_bars = variant_backward(params, acts, X, T)
    if any(not np.any(z) for z in z_bars):
        return None
    return params, acts, X, T


def _shapes(rng):
    def widths(L):
        return [int(w) for w in rng.integers(1, 8, size=L + 1)]

    out = [(int(rng.integers(2, 9)), widths(1)), (3, [3] * 5)]
    out.append((1, widths(int(rng.integers(2, 7)))))
    for _ in range(5):
        out.append((int(rng.integers(2, 9)), widths(int(rng.integers(2, 7)))))
    return out


def networks(rng, shapes):
    nets = []
    for B, w in shapes:
        while True:
            n = _network(rng, B, w)
            if n is not None:
                nets.append(n)
                break
    return nets


def _flat_args(params, acts, X, T=None):
    flat = [a for W, b in params for a in (W, b)]
    head = (X,) if T is None else (X, T)
    return (*head, " ".join(acts), *flat)


def _cat(arrs):
    return np.concatenate([np.ravel(a) for a in arrs])


def _named(var, pick, layers):
    """``{feedback: value}`` of each mistake for W_bar (pick 0) or b_bar (1) of ``layers``."""
    return {MISTAKES[m]: _cat([v[k][pick] for k in layers]) for m, v in var.items() if v}


# ---------------------------------------------------------------------------- plans


def _plan(nets, what) -> Plan:
    reqs, fwd, out_W, out_b, hid_W, hid_b = [], [], [], [], [], []
    for i, (params, acts, X, T) in enumerate(nets):
        L = len(params)
        reqs.append(Request(f"fwd{i}", "forward_for_grader", "call", _flat_args(params, acts, X)))
        reqs.append(Request(f"bwd{i}", "backward_for_grader", "call",
                            _flat_args(params, acts, X, T)))  # fmt: skip
        Y = ref_forward(params, acts, X)[1][-1]
        fmist = {FORWARD_MISTAKES[m]: variant_forward(params, acts, X, m) for m in FORWARD_MISTAKES}
        fwd.append(Case(f"fwd{i}", "Y = Hs[-1]", Y, value=f"fwd{i}[1][-1]", mistakes=fmist))
        ref = ref_backward(params, acts, X, T)
        var = {m: variant_backward(params, acts, X, T, m) for m in MISTAKES}
        var = {m: (None if v is None else v[0]) for m, v in var.items()}
        top = [L - 1]
        out_W.append(Case(f"bwd{i}", "W_bar of the output layer", ref[-1][0],
                          value=f"bwd{i}[{L - 1}][0]", mistakes=_named(var, 0, top)))  # fmt: skip
        out_b.append(Case(f"bwd{i}", "b_bar of the output layer", ref[-1][1],
                          value=f"bwd{i}[{L - 1}][1]", mistakes=_named(var, 1, top)))  # fmt: skip
        if L > 1:
            layers = list(range(L - 1))
            Ws = " ".join(f"np.ravel(bwd{i}[{k}][0])," for k in layers)
            bs = " ".join(f"np.ravel(bwd{i}[{k}][1])," for k in layers)
            hid_W.append(Case(f"bwd{i}", f"W_bar of hidden layers 1..{L - 1} (flattened)",
                              _cat([ref[k][0] for k in layers]),
                              value=f"np.concatenate([{Ws}])",
                              mistakes=_named(var, 0, layers)))  # fmt: skip
            hid_b.append(Case(f"bwd{i}", f"b_bar of hidden layers 1..{L - 1} (flattened)",
                              _cat([ref[k][1] for k in layers]),
                              value=f"np.concatenate([{bs}])",
                              mistakes=_named(var, 1, layers)))  # fmt: skip
    names = {**{f"fwd{i}": "forward" for i in range(len(nets))},
             **{f"bwd{i}": "backward" for i in range(len(nets))}}  # fmt: skip
    keys = {**{v: k for k, v in MISTAKES.items()}, **{v: k for k, v in FORWARD_MISTAKES.items()}}
    opts = {"rtol": RTOL, "atol": ATOL, "names": names, "mistake_keys": keys}
    n, nh = len(nets), len(hid_W)
    checks = [
        case_check("output Y", "q1", 2, f"{n} {what} networks, depth 1..6; rtol 1e-6", fwd,
                   **opts),
        case_check("output layer W_bar", "q2", 1, f"{n} {what} networks; rtol 1e-6", out_W,
                   **opts),
        case_check("output layer b_bar", "q2", 1, f"{n} {what} networks; rtol 1e-6", out_b,
                   **opts),
        case_check("hidden layers' W_bar", "q2", 2,
                   f"{nh} {what} networks with hidden layers; rtol 1e-6", hid_W, **opts),
        case_check("hidden layers' b_bar", "q2", 1,
                   f"{nh} {what} networks with hidden layers; rtol 1e-6", hid_b, **opts),
    ]  # fmt: skip
    return Plan(reqs, [_with_structure(c, nets) for c in checks])


def structure_problem(out, L: int, B: int) -> str | None:
    """Feedback for a ``backward`` answer that is not L pairs (W_bar, b_bar), else None."""
    if failure_text("backward", out):
        return None
    if type(out) is not list:
        return "`backward` should return a list of pairs (W_bar, b_bar), one per layer."
    if len(out) != L:
        return (
            f"`backward` returned {len(out)} items for a network of {L} layers: one pair "
            "(W_bar, b_bar) per layer, the first layer first."
        )
    if any(type(p) is not list or len(p) != 2 for p in out):
        return "each item of `backward`'s list should be a pair (W_bar, b_bar)."
    return None


def _with_structure(check: Check, nets) -> Check:
    """The case check, naming the function (not the request) in its feedback, with a clear
    word when ``backward`` does not return L pairs."""
    base = check.judge

    def judge(outputs) -> Verdict:
        v = base(outputs)
        if v.fraction >= 1:
            return v
        msg = re.sub(r"`fwd\d+`", "`forward`", re.sub(r"`bwd\d+`", "`backward`", v.message))
        for i, (params, _, X, _) in enumerate(nets):
            why = structure_problem(outputs.get(f"bwd{i}"), len(params), X.shape[0])
            if why and check.question == "q2":
                msg = f"{msg} {why}"
                break
        return Verdict(v.fraction, msg, mistake=v.mistake)

    out = Check(check.name, check.question, check.points, check.description, judge)
    object.__setattr__(out, "data", check.data)
    return out


def build(rng: np.random.Generator) -> Plan:
    return _plan(networks(rng, _shapes(rng)), "hidden")


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s plan: the same checks on 4 public networks (depth 1, square, a batch of
    one, and a deep narrow one)."""
    shapes = [(4, [3, 2]), (3, [3, 3, 3, 3]), (1, [2, 4, 3, 1]), (5, [4, 5, 2, 6, 1, 3])]
    return _plan(networks(rng, shapes), "public")
