"""Hard-threshold networks as logic: the XOR network, softening thresholds into sigmoids,
and the lecture's network for any Boolean function.

Every builder returns an ordinary :class:`mlp.network.MLP`. Inputs are batches ``(B, D)``
of bits, one example per row.

Conventions of the truth tables
-------------------------------
Boolean truth tables
    A function of ``D`` binary inputs is given by its ``2**D`` outputs, listed in the order
    of :func:`binary_inputs`: row ``i`` holds the bits of ``i`` with ``x_1`` the most
    significant, so for ``D = 2`` the order is (0,0), (0,1), (1,0), (1,1), as in
    :func:`mlp.datasets.xor_data`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlp._checks import as_float_array, finite_number, one_of, positive_int
from mlp.network import MLP

Array = np.ndarray

__all__ = ["binary_inputs", "boolean_function_network", "soften", "xor_network"]


# ---- the XOR network and softening thresholds into sigmoids --------------------------------


def xor_network() -> MLP:
    """The lecture's hand-designed XOR network with hard thresholds.

    ``h_1 = I[x_1 + x_2 - 0.5 > 0]`` (OR), ``h_2 = I[x_1 + x_2 - 1.5 > 0]`` (AND),
    ``y = I[h_1 - h_2 - 0.5 > 0]`` (OR and not AND, which is XOR).

    Examples
    --------
    >>> xor_network().forward([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel()
    array([0., 1., 1., 0.])
    """
    return MLP.from_params(
        [
            (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5])),
            (np.array([[1.0, -1.0]]), np.array([-0.5])),
        ],
        ["step", "step"],
    )


def soften(net: MLP, k: float) -> MLP:
    """Replace every hard-threshold layer by a sigmoid layer with weights and biases times ``k``.

    Because ``sigma(k z) -> I[z > 0]`` as ``k -> inf`` for every ``z != 0``, the softened
    network converges to ``net`` on every input where no threshold unit sits exactly at
    ``z = 0``. Layers with other activations are copied unchanged.

    Parameters
    ----------
    net
        Any :class:`~mlp.network.MLP`.
    k
        The scale ``k > 0``.

    Returns
    -------
    MLP
        A new network (``net`` is not modified).
    """
    k = finite_number(k, "k")
    params = []
    acts = []
    for (W, b), act in zip(net.params(), net.activations, strict=True):
        scale = k if act == "step" else 1.0
        params.append((W * scale, b * scale))
        acts.append("sigmoid" if act == "step" else act)
    return MLP.from_params(params, acts, dtype=net.dtype)


# ---- Boolean functions ---------------------------------------------------------------------


def binary_inputs(D: int) -> Array:
    """All ``2**D`` binary input vectors, shape ``(2**D, D)``; row ``i`` is ``i`` in binary.

    ``x_1`` is the most significant bit, so ``binary_inputs(2)`` is
    ``[[0, 0], [0, 1], [1, 0], [1, 1]]``.
    """
    D = positive_int(D, "D")
    if D > 20:
        raise ValueError(f"D = {D} would need 2**{D} rows; use D <= 20")
    i = np.arange(2**D)[:, None]
    return ((i >> np.arange(D - 1, -1, -1)) & 1).astype(float)


def boolean_function_network(
    truth_table: Sequence[float] | Array, *, output: str = "identity", prune: bool = False
) -> MLP:
    """The lecture's ``2**D``-hidden-unit network computing any function of ``D`` binary inputs.

    Hidden unit ``j`` responds to exactly one input pattern ``p`` (row ``j`` of
    :func:`binary_inputs`): its weights are ``+1`` where ``p_i = 1`` and ``-1`` where
    ``p_i = 0``, its bias is ``0.5 - sum(p)``, so its pre-activation is ``0.5`` at ``x = p``
    and at most ``-0.5`` at every other binary input. The output adds the table's values of
    the units that fire.

    Parameters
    ----------
    truth_table
        The ``2**D`` outputs ``t(p)``, in the order of :func:`binary_inputs`. With
        ``output="identity"`` they may be any real numbers.
    output
        ``"identity"`` (linear output, ``y = sum_p t(p) h_p``, the lecture's choice) or
        ``"step"`` (``y = I[sum_p t(p) h_p - 0.5 > 0]``, needs a 0/1 table).
    prune
        If True, keep only the units of patterns with ``t(p) != 0`` (at least one unit).

    Returns
    -------
    MLP
        Sizes ``[D, 2**D, 1]`` (fewer units if pruned), activations ``["step", output]``.

    Examples
    --------
    >>> net = boolean_function_network([0, 1, 1, 0])  # XOR
    >>> net.sizes
    [2, 4, 1]
    >>> net.forward(binary_inputs(2)).ravel()
    array([0., 1., 1., 0.])
    """
    t = as_float_array(truth_table, "truth_table").ravel()
    n = t.size
    D = int(round(np.log2(n))) if n > 0 else 0
    if n < 2 or 2**D != n:
        raise ValueError(f"truth_table must have 2**D entries (D >= 1), got {n}")
    one_of(output, ("identity", "step"), "output")
    if output == "step" and not np.all((t == 0) | (t == 1)):
        raise ValueError("output='step' needs a truth_table of zeros and ones")
    P = binary_inputs(D)
    keep = np.flatnonzero(t != 0) if prune else np.arange(n)
    if keep.size == 0:
        keep = np.array([0])
    P = P[keep]
    W1 = 2 * P - 1
    b1 = 0.5 - P.sum(axis=1)
    W2 = t[keep][None, :]
    b2 = np.array([-0.5 if output == "step" else 0.0])
    return MLP.from_params([(W1, b1), (W2, b2)], ["step", output])
