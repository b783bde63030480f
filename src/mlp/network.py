"""The multilayer perceptron :class:`MLP`: a stack of :class:`~mlp.layers.Linear` and
:class:`~mlp.layers.Activation` layers.

Forward pass (lecture numbering, layer ``l = 1 .. L``, ``h^(0) = x``)::

    z^(l) = W^(l) h^(l-1) + b^(l)        h^(l) = f_l(z^(l))         y = h^(L)

Backward pass, from ``y_bar = dL/dy`` down to ``x_bar``::

    z_bar^(l) = h_bar^(l) * f_l'(z^(l))
    W_bar^(l) = z_bar^(l) h^(l-1)^T      b_bar^(l) = z_bar^(l)      h_bar^(l-1) = W^(l)^T z_bar^(l)

A minibatch ``X`` has shape ``(B, N_0)``, one example per row, and ``W^(l)`` has shape
``(N_l, N_{l-1})``. The network stores one list, ``layers = [Linear, Activation, Linear,
...]``; ``linears``, ``sizes`` and ``activations`` are read from it. Each layer keeps what
its backward step needs, so after :meth:`MLP.forward` the hidden activations ``h^(l)`` are
at hand (:meth:`MLP.hidden`) without a second pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlp._checks import as_float_array, as_rows, float_dtype, matching_bar, one_of, positive_int
from mlp.activations import ACTIVATIONS
from mlp.layers import Activation, Linear
from mlp.losses import predicted_labels

Array = np.ndarray

__all__ = ["MLP"]


class MLP:
    """A multilayer perceptron (a feed-forward network of fully connected layers).

    Parameters
    ----------
    sizes
        Layer widths ``[N_0, N_1, ..., N_L]``: ``N_0`` inputs, ``N_L`` outputs, e.g.
        ``[784, 50, 10]``.
    activations
        One activation name per layer (``len(sizes) - 1`` names), e.g.
        ``["sigmoid", "identity"]``. A single string such as ``"relu"`` means that
        activation for every *hidden* layer and ``"identity"`` for the output layer
        (the usual choice before a softmax cross-entropy or squared-error loss).
    seed
        Seed for the random initial weights (Xavier/Glorot normal, zero biases).
    dtype
        Floating dtype of the parameters (``np.float64`` or ``np.float32``). Inputs are
        converted to it.

    Attributes
    ----------
    layers : list
        ``[Linear, Activation, Linear, Activation, ...]``, one pair per layer: the network's
        only state. :attr:`linears`, :attr:`sizes` and :attr:`activations` are views of it.

    Examples
    --------
    >>> net = MLP([784, 50, 10], ["sigmoid", "identity"], seed=0)
    >>> net
    MLP(sizes=[784, 50, 10], activations=['sigmoid', 'identity'], dtype=float64)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: Sequence[str] | str,
        seed: int | np.random.Generator = 0,
        *,
        dtype: object = np.float64,
    ) -> None:
        sizes = _check_sizes(sizes)
        acts = _check_activations(activations, len(sizes) - 1)
        dt = float_dtype(dtype)
        rng = np.random.default_rng(seed)
        linears = [
            Linear.random(n_in, n_out, seed=rng, dtype=dt)
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
        ]
        self._build(linears, acts)

    @classmethod
    def from_params(
        cls,
        params: Sequence[tuple[object, object]],
        activations: Sequence[str] | str,
        *,
        dtype: object = None,
    ) -> MLP:
        """Build a network from given weights, e.g. a hand-designed one.

        Parameters
        ----------
        params
            ``[(W1, b1), (W2, b2), ...]`` with ``W^(l)`` of shape ``(N_l, N_{l-1})`` and
            ``b^(l)`` of shape ``(N_l,)``. The arrays are copied.
        activations
            As in :class:`MLP`.
        dtype
            Parameter dtype; by default float64 (or float32 if every array is float32).

        Examples
        --------
        The lecture's XOR network with hard-threshold units:

        >>> net = MLP.from_params(
        ...     [([[1, 1], [1, 1]], [-0.5, -1.5]), ([[1, -1]], [-0.5])], ["step", "step"]
        ... )
        >>> net.forward([[0, 0], [0, 1], [1, 0], [1, 1]]).ravel()
        array([0., 1., 1., 0.])
        """
        if isinstance(params, np.ndarray) or len(params) == 0:
            raise ValueError("params must be a non-empty list of (W, b) pairs")
        linears = []
        for i, pair in enumerate(params, start=1):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ValueError(f"params[{i - 1}] must be a pair (W{i}, b{i}), got {pair!r}")
            try:
                linears.append(Linear(pair[0], pair[1], dtype=None))
            except (ValueError, TypeError) as err:
                raise type(err)(f"layer {i} (W{i}, b{i}): {err}") from None
        all32 = all(lin.dtype == np.float32 for lin in linears)
        dt = float_dtype(dtype if dtype is not None else np.float32 if all32 else np.float64)
        for lin in linears:
            lin.W = lin.W.astype(dt, copy=False)
            lin.b = lin.b.astype(dt, copy=False)
        for i in range(1, len(linears)):
            prev, cur = linears[i - 1], linears[i]
            if cur.n_in != prev.n_out:
                raise ValueError(
                    f"W{i + 1} has shape {cur.W.shape} but layer {i} has {prev.n_out} "
                    f"outputs (W{i} has shape {prev.W.shape}): W{i + 1} needs {prev.n_out} columns"
                )
        acts = _check_activations(activations, len(linears))
        net = cls.__new__(cls)
        net._build(linears, acts)
        return net

    def _build(self, linears: list[Linear], acts: list[str]) -> None:
        self.layers: list[Linear | Activation] = [
            layer for lin, a in zip(linears, acts, strict=True) for layer in (lin, Activation(a))
        ]
        self._single = False  # whether the last checked forward pass saw one example

    # ---- views of the layers and basic properties ----------------------------------------

    @property
    def linears(self) -> list[Linear]:
        """The fully connected layers; ``linears[l - 1]`` holds ``W^(l)``, ``b^(l)``."""
        return self.layers[0::2]

    @property
    def sizes(self) -> list[int]:
        """The layer widths ``[N_0, N_1, ..., N_L]``."""
        return [self.n_in] + [lin.n_out for lin in self.linears]

    @property
    def activations(self) -> list[str]:
        """The activation name of each layer."""
        return [act.name for act in self.layers[1::2]]

    @property
    def dtype(self) -> np.dtype:
        """Floating dtype of the parameters."""
        return self.layers[0].W.dtype

    @property
    def n_in(self) -> int:
        """Number of inputs ``N_0``."""
        return self.layers[0].n_in

    @property
    def n_out(self) -> int:
        """Number of outputs ``N_L``."""
        return self.layers[-2].n_out

    @property
    def n_params(self) -> int:
        """Total number of weights and biases."""
        return sum(lin.W.size + lin.b.size for lin in self.linears)

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, activations={self.activations}, dtype={self.dtype.name})"

    # ---- forward and backward, side by side ----------------------------------------------

    def as_batch(self, X: object, name: str = "X") -> tuple[Array, bool]:
        """Validate inputs once: return ``X`` as ``(B, N_0)`` in the network's dtype.

        Also returns whether ``X`` was a single example ``(N_0,)``. The result can be fed
        to ``forward(..., check=False)``, which is how :mod:`mlp.train` avoids checking every
        minibatch again.

        Raises
        ------
        ValueError
            If ``X`` has the wrong width or contains NaN/infinity.
        """
        owner = f"the network (W1 has shape {self.layers[0].W.shape})"
        return as_rows(X, name, self.n_in, self.dtype, owner)

    def forward(self, X: object, *, check: bool = True) -> Array:
        """Run the network on one example ``(N_0,)`` or a batch ``(B, N_0)``.

        Returns the output ``y = h^(L)`` (after the output activation), of shape
        ``(N_L,)`` or ``(B, N_L)``. Keeps every intermediate value for :meth:`backward`.
        With ``check=False``, ``X`` must already be a batch as :meth:`as_batch` returns it.

        Raises
        ------
        ValueError
            If ``X`` has the wrong width or contains NaN/infinity.
        """
        if check:
            X, self._single = self.as_batch(X)
            y = self.forward(X, check=False)
            return y[0] if self._single else y
        # h^(0) = x;  z^(l) = W^(l) h^(l-1) + b^(l);  h^(l) = f_l(z^(l))
        h = X
        for layer in self.layers:
            h = layer.forward(h, check=False)
        return h

    def backward(
        self, y_bar: object, *, check: bool = True, need_x_bar: bool = True
    ) -> Array | None:
        """Backpropagate ``y_bar = dL/dy`` through the network.

        Fills ``W_bar`` and ``b_bar`` of every :class:`~mlp.layers.Linear` layer (see
        :meth:`grads`) and returns ``x_bar = dL/dx``, shaped like the last input.

        Parameters
        ----------
        y_bar
            Error signal of the output, shaped like the last :meth:`forward` output.
        check
            If False, ``y_bar`` must be ``(B, N_L)`` in the network's dtype (not checked).
        need_x_bar
            If False, skip the first layer's ``x_bar`` and return None (training needs
            only the parameters' error signals).
        """
        if check:
            if self.layers[0].x is None:
                raise RuntimeError("call forward before backward: the network has no stored values")
            out_shape = (self.layers[0].x.shape[0], self.n_out)
            y_bar = matching_bar(y_bar, "y_bar", out_shape, self._single, self.dtype)
            x_bar = self.backward(y_bar, check=False)
            return x_bar[0] if self._single else x_bar
        # h_bar^(L) = y_bar; for l = L .. 1:
        #   z_bar^(l) = h_bar^(l) * f_l'(z^(l));  W_bar^(l) = z_bar^(l) h^(l-1)^T;
        #   b_bar^(l) = z_bar^(l);                h_bar^(l-1) = W^(l)^T z_bar^(l)
        bar = y_bar
        for i in range(len(self.layers) - 1, 0, -1):
            bar = self.layers[i].backward(bar, check=False)
        return self.layers[0].backward(bar, check=False, need_x_bar=need_x_bar)

    # ---- parameters ----------------------------------------------------------------------

    def params(self) -> list[tuple[Array, Array]]:
        """The live parameter arrays ``[(W1, b1), (W2, b2), ...]`` (not copies)."""
        return [(lin.W, lin.b) for lin in self.linears]

    def grads(self) -> list[tuple[Array, Array]]:
        """The error signals ``[(W1_bar, b1_bar), ...]`` of the last :meth:`backward`."""
        if any(lin.W_bar is None for lin in self.linears):
            raise RuntimeError("no gradients yet: call forward and backward first")
        return [(lin.W_bar, lin.b_bar) for lin in self.linears]

    def param_names(self) -> list[str]:
        """Names ``["W1", "b1", "W2", "b2", ...]`` in the lecture's numbering."""
        return [f"{p}{i}" for i in range(1, len(self.linears) + 1) for p in ("W", "b")]

    def set_params(self, params: Sequence[tuple[object, object]]) -> None:
        """Copy new values into the parameters (in place, so live references stay valid).

        Raises
        ------
        ValueError
            If the number of layers or any shape differs; the message names the array.
        """
        if len(params) != len(self.linears):
            raise ValueError(
                f"params has {len(params)} layers but the network has {len(self.linears)}"
            )
        new = []
        for i, ((W, b), lin) in enumerate(zip(params, self.linears, strict=True), start=1):
            for name, value, live in ((f"W{i}", W, lin.W), (f"b{i}", b, lin.b)):
                arr = as_float_array(value, name)
                if arr.shape != live.shape:
                    raise ValueError(
                        f"{name} has shape {arr.shape} but the network's is {live.shape}"
                    )
                new.append((live, arr))
        for live, arr in new:  # only after every array passed its check
            live[...] = arr

    def copy(self) -> MLP:
        """An independent copy of the network (parameters copied; no stored forward values)."""
        return MLP.from_params(self.params(), self.activations, dtype=self.dtype)

    def astype(self, dtype: object) -> MLP:
        """A copy whose parameters have another floating dtype."""
        return MLP.from_params(self.params(), self.activations, dtype=dtype)

    # ---- using a trained network ---------------------------------------------------------

    def predict(self, X: object) -> Array:
        """Predicted class labels.

        Argmax over the outputs for a multi-output network; ``y > 0.5`` for a single
        output (:func:`mlp.losses.predicted_labels`). Returns an int array ``(B,)`` (or an
        int for a single example).
        """
        X2, single = self.as_batch(X)
        labels = predicted_labels(self.forward(X2, check=False))
        return int(labels[0]) if single else labels

    def hidden(self, X: object, layer: int = 1) -> Array:
        """Activations ``h^(layer)`` of a layer, for a batch ``(B, N_0)`` or one example.

        ``layer`` counts from 1 as in the lecture (``h^(1)`` is the first hidden layer);
        ``layer = L`` gives the output. Useful to plot the features a network learned.
        It runs :meth:`forward` once and returns a copy of what that layer kept.
        """
        L = len(self.layers) // 2
        ok = isinstance(layer, int | np.integer) and not isinstance(layer, bool)
        if not (ok and 1 <= layer <= L):
            raise ValueError(f"layer must be an integer from 1 to {L}, got {layer!r}")
        self.forward(X)
        h = self.layers[2 * layer - 1].h.copy()
        return h[0] if self._single else h

    # ---- printing ------------------------------------------------------------------------

    def describe(self, precision: int = 4) -> str:
        """A readable listing of every ``W^(l)`` and ``b^(l)`` with its shape.

        Parameters
        ----------
        precision
            Digits after the decimal point.
        """
        lines = [
            f"MLP {'-'.join(map(str, self.sizes))}, activations {self.activations}, "
            f"{self.n_params} parameters ({self.dtype.name})"
        ]
        with np.printoptions(precision=precision, suppress=True, threshold=200, linewidth=100):
            for i, lin in enumerate(self.linears, start=1):
                act = self.activations[i - 1]
                lines.append(f"layer {i}: h^({i}) = {act}(W^({i}) h^({i - 1}) + b^({i}))")
                for label, a in ((f"W^({i})", lin.W), (f"b^({i})", lin.b)):
                    lines.append(f"  {label} shape {a.shape}:")
                    lines += ["    " + row for row in np.array2string(a).splitlines()]
        return "\n".join(lines)

    def to_code(self, name: str = "net") -> str:
        """Python source that rebuilds this network with :meth:`MLP.from_params`.

        Numbers are written with ``repr`` precision, so ``exec`` of the source gives a
        network with bit-identical parameters, bound to the variable ``name``.
        """
        if not name.isidentifier():
            raise ValueError(f"name must be a Python identifier, got {name!r}")

        def fmt(a: Array) -> str:
            if a.ndim == 1:
                return "[" + ", ".join(repr(float(v)) for v in a) + "]"
            return "[" + ", ".join(fmt(row) for row in a) + "]"

        params = "".join(
            f"        (np.array({fmt(lin.W)}), np.array({fmt(lin.b)})),\n" for lin in self.linears
        )
        return (
            f"import numpy as np\n\nimport mlp\n\n{name} = mlp.MLP.from_params(\n    [\n{params}"
            f"    ],\n    activations={self.activations!r},\n    dtype=np.{self.dtype.name},\n)\n"
        )


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    sizes_list = list(sizes)
    if len(sizes_list) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {sizes_list}")
    return [positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes_list)]


def _check_activations(activations: Sequence[str] | str, n_layers: int) -> list[str]:
    if isinstance(activations, str):
        acts = [activations] * (n_layers - 1) + ["identity"]
    else:
        acts = list(activations)
        if len(acts) != n_layers:
            raise ValueError(
                f"activations has {len(acts)} names but the network has {n_layers} layers "
                f"(one activation per layer, output included)"
            )
    return [one_of(a, ACTIVATIONS, "activation") for a in acts]
