"""Networks submitted as data: validate ``[(W1, b1), (W2, b2), ...]`` and run them here.

The child only sends the weights; the grader evaluates the network with its own numpy and
:mod:`mlp`'s activations, so a submission cannot influence how its network is evaluated.
"""

from __future__ import annotations

import numpy as np

from autograde.spec import as_array, failure_text

MAX_PARAMS = 200_000
CHUNK_ELEMENTS = 1 << 21  # floats per intermediate array while judging (16 MB)
MAX_WORK = 4_000_000_000  # multiply-adds to judge one network on one set of points


class BadNetwork(ValueError):
    """The submitted parameters do not describe a fully connected network."""


def parse_params(name: str, out, n_in: int, n_out: int, max_layers: int = 6):
    """Check ``out`` is a list of ``(W, b)`` with ``W`` of shape (M, N) chaining from
    ``n_in`` inputs to ``n_out`` outputs; return the list of float arrays."""
    fail = failure_text(name, out)
    if fail:
        raise BadNetwork(fail)
    if type(out) is not list or not out:
        raise BadNetwork(f"`{name}` should be a non-empty list of (W, b) pairs.")
    if len(out) > max_layers:
        raise BadNetwork(f"`{name}` has {len(out)} layers; at most {max_layers} are allowed.")
    params = []
    n = n_in
    total = 0
    for i, layer in enumerate(out, 1):
        if type(layer) is not list or len(layer) != 2:
            raise BadNetwork(f"layer {i} of `{name}` should be a pair (W, b).")
        W, b = as_array(layer[0]), as_array(layer[1])
        if W is None or b is None:
            raise BadNetwork(f"layer {i} of `{name}`: W and b must be arrays of numbers.")
        if W.ndim == 1 and n == 1:
            W = W.reshape(-1, 1)
        if b.ndim == 0:
            b = b.reshape(1)
        if W.ndim != 2 or b.ndim != 1:
            raise BadNetwork(
                f"layer {i} of `{name}`: W must be 2-D (M, N) and b 1-D (M,), "
                f"got shapes {W.shape} and {b.shape}."
            )
        if W.shape[1] != n:
            raise BadNetwork(
                f"layer {i} of `{name}`: W has shape {W.shape} but the layer gets {n} inputs "
                "(W has shape (outputs, inputs), as in the lecture)."
            )
        if b.shape[0] != W.shape[0]:
            raise BadNetwork(f"layer {i} of `{name}`: b has shape {b.shape}, W {W.shape}.")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise BadNetwork(f"layer {i} of `{name}` contains NaN or infinity.")
        total += W.size + b.size
        if total > MAX_PARAMS:
            raise BadNetwork(f"`{name}` has more than {MAX_PARAMS} parameters.")
        params.append((W, b))
        n = W.shape[0]
    if n != n_out:
        raise BadNetwork(f"`{name}` has {n} outputs, expected {n_out}.")
    return params


def parse_activations(name: str, out, n_layers: int, allowed_hidden, allowed_output):
    """Check a list of activation names, one per layer."""
    fail = failure_text(name, out)
    if fail:
        raise BadNetwork(fail)
    if type(out) is not list or not all(isinstance(a, str) for a in out):
        raise BadNetwork(f"`{name}` should be a list of activation names (strings).")
    if len(out) != n_layers:
        raise BadNetwork(f"`{name}` has {len(out)} names for {n_layers} layers.")
    for a in out[:-1]:
        if a not in allowed_hidden:
            raise BadNetwork(
                f"hidden activation {a!r} in `{name}` is not allowed here "
                f"(use one of {sorted(allowed_hidden)})."
            )
    if out[-1] not in allowed_output:
        raise BadNetwork(
            f"output activation {out[-1]!r} in `{name}` is not allowed here "
            f"(use one of {sorted(allowed_output)})."
        )
    return list(out)


def forward(params, activations, X: np.ndarray) -> np.ndarray:
    """Evaluate the network on a batch ``X`` (rows are examples) with :class:`mlp.MLP`.

    Bounded whatever was submitted: the rows are evaluated in chunks so that no
    intermediate array exceeds ``CHUNK_ELEMENTS`` floats, and a network whose
    evaluation would cost more than ``MAX_WORK`` multiply-adds is refused
    (:class:`BadNetwork`, judged 0 with that reason) before anything is computed.
    """
    from mlp import MLP

    X = np.asarray(X, dtype=np.float64)
    n_weights = sum(int(W.size) for W, _ in params)
    if n_weights * X.shape[0] > MAX_WORK:
        raise BadNetwork(
            f"the network is too large to judge: {n_weights} weights on {X.shape[0]} points "
            f"is more than {MAX_WORK:.0e} multiply-adds."
        )
    widest = max([X.shape[1], *(W.shape[0] for W, _ in params)])
    rows = max(1, CHUNK_ELEMENTS // widest)
    try:
        net = MLP.from_params(params, activations, dtype=np.float64)
        with np.errstate(all="ignore"):
            Y = np.concatenate([net.forward(X[i : i + rows]) for i in range(0, len(X), rows)])
    except (ValueError, TypeError, FloatingPointError, OverflowError) as e:
        raise BadNetwork(f"the network cannot be evaluated: {e}") from None
    if not np.all(np.isfinite(Y)):
        raise BadNetwork("the network produces NaN or infinity on some input.")
    return Y


def hidden_units(params) -> int:
    """Total number of hidden units (every layer's outputs except the last)."""
    return int(sum(W.shape[0] for W, _ in params[:-1]))
