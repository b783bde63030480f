"""The multilayer perceptron :class:`MLP`: a stack of :class:`~mlp.layers.Linear` and
:class:`~mlp.layers.Activation` layers.

Forward pass (lecture numbering, layer ``l = 1 .. L``, ``h^(0) = x``)::

    z^(l) = W^(l) h^(l-1) + b^(l)        h^(l) = f_l(z^(l))         y = h^(L)

Backward pass, from ``y_bar = dL/dy`` down to ``x_bar``::

    z_bar^(l) = h_bar^(l) * f_l'(z^(l))
    W_bar^(l) = z_bar^(l) h^(l-1)^T      b_bar^(l) = z_bar^(l)      h_bar^(l-1) = W^(l)^T z_bar^(l)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlp._checks import as_float_array
from mlp.activations import ACTIVATIONS
from mlp.layers import Activation, Linear, _float_dtype

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
        ``[Linear, Activation, Linear, Activation, ...]``, one pair per layer.
    linears : list of Linear
        The fully connected layers; ``linears[l - 1]`` holds ``W^(l)``, ``b^(l)``.
    sizes : list of int
        The layer widths.
    activations : list of str
        The activation name of each layer.

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
        dt = _float_dtype(dtype)
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
        if dtype is None:
            all32 = all(lin.dtype == np.float32 for lin in linears)
            dtype = np.float32 if all32 else np.float64
        dt = _float_dtype(dtype)
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
        self.linears: list[Linear] = linears
        self._acts: list[Activation] = [Activation(a) for a in acts]
        self.layers: list[Linear | Activation] = [
            layer for pair in zip(linears, self._acts, strict=True) for layer in pair
        ]
        self.sizes: list[int] = [linears[0].n_in] + [lin.n_out for lin in linears]
        self.activations: list[str] = list(acts)
        self._last_batch: int | None = None
        self._last_single = False

    # ---- basic properties ----------------------------------------------------------------

    @property
    def dtype(self) -> np.dtype:
        """Floating dtype of the parameters."""
        return self.linears[0].dtype

    @property
    def n_in(self) -> int:
        """Number of inputs ``N_0``."""
        return self.sizes[0]

    @property
    def n_out(self) -> int:
        """Number of outputs ``N_L``."""
        return self.sizes[-1]

    @property
    def n_params(self) -> int:
        """Total number of weights and biases."""
        return sum(lin.W.size + lin.b.size for lin in self.linears)

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, activations={self.activations}, dtype={self.dtype.name})"

    # ---- input validation ----------------------------------------------------------------

    def _check_input(self, X: object, name: str = "X") -> tuple[Array, bool]:
        """Validate ``X`` (NaN, width) and return it as a 2-D array of the net's dtype."""
        X = as_float_array(X, name)
        if X.ndim not in (1, 2) or X.shape[-1] != self.n_in:
            raise ValueError(
                f"{name} has shape {X.shape} but the network expects ({self.n_in},) or "
                f"(B, {self.n_in}) (W1 has shape {self.linears[0].W.shape})"
            )
        single = X.ndim == 1
        X = X.astype(self.dtype, copy=False)
        return (X[None, :] if single else X), single

    # ---- forward and backward, side by side ----------------------------------------------

    def forward(self, X: object) -> Array:
        """Run the network on one example ``(N_0,)`` or a batch ``(B, N_0)``.

        Returns the output ``y = h^(L)`` (after the output activation), of shape
        ``(N_L,)`` or ``(B, N_L)``. Keeps every intermediate value for :meth:`backward`.

        Raises
        ------
        ValueError
            If ``X`` has the wrong width or contains NaN/infinity.
        """
        X2, single = self._check_input(X)
        y = self._forward(X2)
        self._last_single = single
        return y[0] if single else y

    def _forward(self, X: Array) -> Array:
        # h^(0) = x;  z^(l) = W^(l) h^(l-1) + b^(l);  h^(l) = f_l(z^(l))
        h = X
        for lin, act in zip(self.linears, self._acts, strict=True):
            h = act._forward(lin._forward(h))
        self._last_batch = X.shape[0]
        return h

    def backward(self, y_bar: object) -> Array:
        """Backpropagate ``y_bar = dL/dy`` through the network.

        Fills ``W_bar`` and ``b_bar`` of every :class:`~mlp.layers.Linear` layer (see
        :meth:`grads`) and returns ``x_bar = dL/dx``, shaped like the last input.

        Parameters
        ----------
        y_bar
            Error signal of the output, shaped like the last :meth:`forward` output.
        """
        if self._last_batch is None:
            raise RuntimeError("call forward before backward: the network has no stored values")
        y_bar = as_float_array(y_bar, "y_bar")
        expected = (self.n_out,) if self._last_single else (self._last_batch, self.n_out)
        if y_bar.shape != expected:
            raise ValueError(
                f"y_bar has shape {y_bar.shape} but the last forward output had shape {expected}"
            )
        y2 = y_bar[None, :] if self._last_single else y_bar
        x_bar = self._backward(y2.astype(self.dtype, copy=False), need_x_bar=True)
        return x_bar[0] if self._last_single else x_bar

    def _backward(self, y_bar: Array, need_x_bar: bool = False) -> Array | None:
        # h_bar^(L) = y_bar; for l = L .. 1:
        #   z_bar^(l) = h_bar^(l) * f_l'(z^(l));  W_bar^(l) = z_bar^(l) h^(l-1)^T;
        #   b_bar^(l) = z_bar^(l);                h_bar^(l-1) = W^(l)^T z_bar^(l)
        h_bar = y_bar
        n = len(self.linears)
        for i in range(n - 1, -1, -1):
            z_bar = self._acts[i]._backward(h_bar)
            h_bar = self.linears[i]._backward(z_bar, need_x_bar=need_x_bar or i > 0)
        return h_bar

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
            W = as_float_array(W, f"W{i}")
            b = as_float_array(b, f"b{i}")
            if W.shape != lin.W.shape:
                raise ValueError(f"W{i} has shape {W.shape} but the network's is {lin.W.shape}")
            if b.shape != lin.b.shape:
                raise ValueError(f"b{i} has shape {b.shape} but the network's is {lin.b.shape}")
            new.append((W, b))
        for (W, b), lin in zip(new, self.linears, strict=True):
            lin.W[...] = W
            lin.b[...] = b

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
        output. Returns an int array ``(B,)`` (or an int for a single example).
        """
        X2, single = self._check_input(X)
        y = self._forward(X2)
        labels = (y[:, 0] > 0.5).astype(np.int64) if self.n_out == 1 else y.argmax(axis=1)
        return int(labels[0]) if single else labels

    def hidden(self, X: object, layer: int = 1) -> Array:
        """Activations ``h^(layer)`` of a layer, for a batch ``(B, N_0)`` or one example.

        ``layer`` counts from 1 as in the lecture (``h^(1)`` is the first hidden layer);
        ``layer = L`` gives the output. Useful to plot the features a network learned.
        """
        L = len(self.linears)
        if (
            isinstance(layer, bool)
            or not isinstance(layer, int | np.integer)
            or not (1 <= layer <= L)
        ):
            raise ValueError(f"layer must be an integer from 1 to {L}, got {layer!r}")
        X2, single = self._check_input(X)
        h = X2
        for lin, act in zip(self.linears[:layer], self._acts[:layer], strict=True):
            h = act._forward(lin._forward(h))
        h = h.copy()
        self._forward(X2)  # leave the stored state consistent with a full forward pass
        return h[0] if single else h

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
                lines.append(
                    f"layer {i}: h^({i}) = {self.activations[i - 1]}(W^({i}) h^({i - 1}) + b^({i}))"
                )
                lines.append(f"  W^({i}) shape {lin.W.shape}:")
                lines += ["    " + row for row in np.array2string(lin.W).splitlines()]
                lines.append(f"  b^({i}) shape {lin.b.shape}:")
                lines += ["    " + row for row in np.array2string(lin.b).splitlines()]
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

        out = ["import numpy as np", "", "import mlp", "", f"{name} = mlp.MLP.from_params("]
        out.append("    [")
        for lin in self.linears:
            out.append(f"        (np.array({fmt(lin.W)}), np.array({fmt(lin.b)})),")
        out.append("    ],")
        out.append(f"    activations={self.activations!r},")
        out.append(f"    dtype=np.{self.dtype.name},")
        out.append(")")
        return "\n".join(out) + "\n"


def _check_sizes(sizes: object) -> list[int]:
    try:
        sizes_list = list(sizes)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"sizes must be a list of integers, got {sizes!r}") from None
    if len(sizes_list) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {sizes_list}")
    out = []
    for i, s in enumerate(sizes_list):
        if isinstance(s, bool) or not isinstance(s, int | np.integer) or s < 1:
            raise ValueError(f"sizes[{i}] must be a positive integer, got {s!r}")
        out.append(int(s))
    return out


def _check_activations(activations: object, n_layers: int) -> list[str]:
    if isinstance(activations, str):
        acts = [activations] * (n_layers - 1) + ["identity"]
    else:
        try:
            acts = list(activations)  # type: ignore[call-overload]
        except TypeError:
            raise TypeError(
                f"activations must be a name or a list of names, got {activations!r}"
            ) from None
        if len(acts) != n_layers:
            raise ValueError(
                f"activations has {len(acts)} names but the network has {n_layers} layers "
                f"(one activation per layer, output included)"
            )
    for a in acts:
        if a not in ACTIVATIONS:
            known = ", ".join(sorted(ACTIVATIONS))
            raise ValueError(f"unknown activation {a!r}; choose one of: {known}")
    return acts
