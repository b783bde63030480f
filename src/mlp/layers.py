"""Layers of a multilayer perceptron: a fully connected :class:`Linear` layer and an
elementwise :class:`Activation` layer.

Each layer keeps, in ``forward``, exactly what its ``backward`` needs, and the two
methods sit side by side. In the lecture's notation, for one example (column vectors)::

    forward                      backward (error signals, "bars")
    z = W x + b                  W_bar = z_bar x^T,  b_bar = z_bar,  x_bar = W^T z_bar
    h = f(z)                     z_bar = h_bar * f'(z)

With a minibatch ``X`` of shape ``(B, N)`` (one example per row) the same rules read
``Z = X @ W.T + b``, ``W_bar = Z_bar.T @ X`` (the sum over the batch of ``z_bar x^T``),
``b_bar = Z_bar.sum(0)`` and ``X_bar = Z_bar @ W``.

Public ``forward``/``backward`` methods validate their input and accept a single
example ``(N,)`` as well as a batch ``(B, N)``. The private ``_forward``/``_backward``
methods skip validation; :class:`mlp.network.MLP` and :func:`mlp.train.sgd` use them after
validating the whole input once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp._checks import as_float_array
from mlp.activations import get_activation

Array = np.ndarray

__all__ = ["Activation", "Linear"]


def _float_dtype(dtype: object) -> np.dtype:
    """Return ``dtype`` as a numpy floating dtype, or raise a clear error."""
    dt = np.dtype(dtype)
    if not np.issubdtype(dt, np.floating):
        raise TypeError(f"dtype must be a floating type such as np.float64, got {dt}")
    return dt


class Linear:
    """A fully connected layer ``z = W x + b``.

    Parameters
    ----------
    W
        Weights of shape ``(M, N)``: ``N`` inputs, ``M`` outputs (the lecture's convention).
    b
        Biases of shape ``(M,)``.
    dtype
        Floating dtype of the parameters; by default that of ``W`` and ``b`` (float64
        for integer input). The arrays are copied.

    Attributes
    ----------
    W, b : numpy.ndarray
        The parameters (live arrays: assigning to ``layer.W[...]`` changes the layer).
    W_bar, b_bar : numpy.ndarray or None
        The error signals ``dL/dW`` and ``dL/db`` (summed over the batch), set by
        :meth:`backward`; ``None`` before the first backward pass.
    x : numpy.ndarray or None
        The input of the last forward pass, shape ``(B, N)``, kept for the backward pass.

    Examples
    --------
    >>> layer = Linear([[1.0, 1.0], [1.0, 1.0]], [-0.5, -1.5])
    >>> layer.forward([1.0, 0.0])
    array([ 0.5, -0.5])
    """

    def __init__(self, W: object, b: object, *, dtype: object = None) -> None:
        W_arr = as_float_array(W, "W")
        b_arr = as_float_array(b, "b")
        if W_arr.ndim != 2:
            raise ValueError(f"W must be 2-D with shape (M, N), got shape {W_arr.shape}")
        if b_arr.ndim != 1:
            raise ValueError(f"b must be 1-D with shape (M,), got shape {b_arr.shape}")
        if b_arr.shape[0] != W_arr.shape[0]:
            raise ValueError(
                f"b has shape {b_arr.shape} but W has shape {W_arr.shape}: "
                f"b needs one bias per output, shape ({W_arr.shape[0]},)"
            )
        if W_arr.shape[0] == 0 or W_arr.shape[1] == 0:
            raise ValueError(f"W must have at least one row and column, got shape {W_arr.shape}")
        dt = _float_dtype(np.result_type(W_arr, b_arr) if dtype is None else dtype)
        self.W: Array = np.array(W_arr, dtype=dt, copy=True)
        self.b: Array = np.array(b_arr, dtype=dt, copy=True)
        self.W_bar: Array | None = None
        self.b_bar: Array | None = None
        self.x: Array | None = None

    @classmethod
    def random(
        cls,
        n_in: int,
        n_out: int,
        seed: int | np.random.Generator = 0,
        scale: float | None = None,
        *,
        dtype: object = np.float64,
    ) -> Linear:
        """A layer with random weights and zero biases.

        Parameters
        ----------
        n_in, n_out
            Number of inputs ``N`` and outputs ``M``; ``W`` has shape ``(n_out, n_in)``.
        seed
            Seed (or a ``numpy.random.Generator``) for the weights.
        scale
            Standard deviation of the normal weights. Default: Xavier/Glorot,
            ``sqrt(2 / (n_in + n_out))``.
        dtype
            Floating dtype of the parameters.
        """
        for name, v in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if scale is None:
            scale = float(np.sqrt(2.0 / (n_in + n_out)))
        elif not np.isfinite(scale) or scale < 0:
            raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")
        rng = np.random.default_rng(seed)
        W = rng.normal(0.0, scale, size=(int(n_out), int(n_in)))
        return cls(W, np.zeros(int(n_out)), dtype=dtype)

    @property
    def n_in(self) -> int:
        """Number of inputs ``N``."""
        return self.W.shape[1]

    @property
    def n_out(self) -> int:
        """Number of outputs ``M``."""
        return self.W.shape[0]

    @property
    def dtype(self) -> np.dtype:
        """The parameters' dtype."""
        return self.W.dtype

    def __repr__(self) -> str:
        return f"Linear(n_in={self.n_in}, n_out={self.n_out}, dtype={self.dtype})"

    # ---- forward and backward, side by side --------------------------------------------

    def forward(self, x: object) -> Array:
        """Compute ``z = W x + b`` for one example ``(N,)`` or a batch ``(B, N)``.

        Keeps ``x`` for :meth:`backward`. Returns ``(M,)`` or ``(B, M)``.
        """
        x = as_float_array(x, "x")
        if x.ndim not in (1, 2) or x.shape[-1] != self.n_in:
            raise ValueError(
                f"W has shape {self.W.shape} but x has shape {x.shape}: "
                f"expected ({self.n_in},) or (B, {self.n_in})"
            )
        x = x.astype(self.dtype, copy=False)
        if x.ndim == 1:
            return self._forward(x[None, :])[0]
        return self._forward(x)

    def _forward(self, x: Array) -> Array:
        # z = W x + b, one example per row of x
        self.x = x
        return x @ self.W.T + self.b

    def backward(self, z_bar: object) -> Array:
        """Given ``z_bar = dL/dz``, set ``W_bar``, ``b_bar`` and return ``x_bar``.

        ``z_bar`` must have the shape of the last forward output: ``(M,)`` or ``(B, M)``.
        """
        if self.x is None:
            raise RuntimeError("call forward before backward: the layer has no stored input")
        z_bar = as_float_array(z_bar, "z_bar")
        single = z_bar.ndim == 1
        z2 = z_bar[None, :] if single else z_bar
        expected = (self.x.shape[0], self.n_out)
        if z2.shape != expected:
            shown = (self.n_out,) if single and self.x.shape[0] == 1 else expected
            raise ValueError(
                f"z_bar has shape {z_bar.shape} but the last forward output had shape {shown}"
            )
        x_bar = self._backward(z2.astype(self.dtype, copy=False))
        return x_bar[0] if single else x_bar

    def _backward(self, z_bar: Array, need_x_bar: bool = True) -> Array | None:
        # W_bar = z_bar x^T (summed over the batch), b_bar = z_bar, x_bar = W^T z_bar
        self.W_bar = z_bar.T @ self.x
        self.b_bar = z_bar.sum(axis=0)
        return z_bar @ self.W if need_x_bar else None


# ---- fast, validation-free activation kernels ------------------------------------------
# Each kernel returns (f(z), f'(z) computed from z and f(z)); they give bit-identical
# results to mlp.activations but skip its input checks (the network checks its input once).


def _sigmoid_fast(z: Array) -> Array:
    # exp form, overflow free: e = exp(-|z|) <= 1, sigma = 1/(1+e) for z >= 0, e/(1+e) else
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)
    num = np.where(z >= 0, 1.0, e).astype(z.dtype, copy=False)
    e += 1.0
    return np.divide(num, e, out=num)


def _sigmoid_prime_from(z: Array, h: Array) -> Array:
    return h * (1.0 - h)  # sigma'(z) = sigma(z) (1 - sigma(z))


def _tanh_fast(z: Array) -> Array:
    return np.tanh(z)


def _tanh_prime_from(z: Array, h: Array) -> Array:
    return 1.0 - h * h


def _relu_fast(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _relu_prime_from(z: Array, h: Array) -> Array:
    return (z > 0).astype(z.dtype)


def _identity_fast(z: Array) -> Array:
    return z


def _identity_prime_from(z: Array, h: Array) -> Array:
    return np.ones_like(z)


def _step_fast(z: Array) -> Array:
    return (z > 0).astype(z.dtype)


def _step_prime_from(z: Array, h: Array) -> Array:
    return np.zeros_like(z)


_FAST: dict[str, tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]] = {
    "sigmoid": (_sigmoid_fast, _sigmoid_prime_from),
    "tanh": (_tanh_fast, _tanh_prime_from),
    "relu": (_relu_fast, _relu_prime_from),
    "identity": (_identity_fast, _identity_prime_from),
    "step": (_step_fast, _step_prime_from),
}


class Activation:
    """An elementwise activation layer ``h = f(z)``.

    Parameters
    ----------
    name
        One of the names in :data:`mlp.activations.ACTIVATIONS`
        (``"step"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"identity"``).

    Attributes
    ----------
    name : str
        The activation's name.
    f, f_prime : callable
        The activation and its derivative, from :func:`mlp.activations.get_activation`.
    z, h : numpy.ndarray or None
        Input and output of the last forward pass, kept for the backward pass.
    """

    def __init__(self, name: str) -> None:
        self.f, self.f_prime = get_activation(name)
        self.name = name
        self._f_fast, self._f_prime_from = _FAST.get(name, (self.f, lambda z, h: self.f_prime(z)))
        self.z: Array | None = None
        self.h: Array | None = None

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"

    # ---- forward and backward, side by side --------------------------------------------

    def forward(self, z: object) -> Array:
        """Compute ``h = f(z)`` elementwise and keep ``z`` for :meth:`backward`."""
        z = as_float_array(z, "z")
        return self._forward(z)

    def _forward(self, z: Array) -> Array:
        # h = f(z)
        self.z = z
        self.h = self._f_fast(z)
        return self.h

    def backward(self, h_bar: object) -> Array:
        """Given ``h_bar = dL/dh``, return ``z_bar = h_bar * f'(z)``."""
        if self.z is None:
            raise RuntimeError("call forward before backward: the layer has no stored input")
        h_bar = as_float_array(h_bar, "h_bar")
        if h_bar.shape != self.z.shape:
            raise ValueError(
                f"h_bar has shape {h_bar.shape} but the last forward output had shape "
                f"{self.z.shape}"
            )
        return self._backward(h_bar.astype(self.z.dtype, copy=False))

    def _backward(self, h_bar: Array) -> Array:
        # z_bar = h_bar * f'(z)   (elementwise: f acts on each unit separately)
        if self.name == "identity":
            return h_bar
        return h_bar * self._f_prime_from(self.z, self.h)
