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

``forward`` and ``backward`` validate their input and accept a single example ``(N,)`` as
well as a batch ``(B, N)``. With ``check=False`` they skip every check and take batches
``(B, N)`` of the layer's dtype only: :class:`mlp.network.MLP` validates its input once and
then runs its layers this way.
"""

from __future__ import annotations

import numpy as np

from mlp._checks import as_float_array, as_rows, float_dtype, matching_bar, positive_int
from mlp.activations import FORMULAS, get_activation

Array = np.ndarray

__all__ = ["Activation", "Linear"]


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
        dt = float_dtype(np.result_type(W_arr, b_arr) if dtype is None else dtype)
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
        n_in, n_out = positive_int(n_in, "n_in"), positive_int(n_out, "n_out")
        if scale is None:
            scale = float(np.sqrt(2.0 / (n_in + n_out)))
        elif not np.isfinite(scale) or scale < 0:
            raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")
        rng = np.random.default_rng(seed)
        W = rng.normal(0.0, scale, size=(n_out, n_in))
        return cls(W, np.zeros(n_out), dtype=dtype)

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

    def forward(self, x: object, *, check: bool = True) -> Array:
        """Compute ``z = W x + b`` for one example ``(N,)`` or a batch ``(B, N)``.

        Keeps ``x`` for :meth:`backward`. Returns ``(M,)`` or ``(B, M)``. With
        ``check=False``, ``x`` must be a batch ``(B, N)`` of the layer's dtype (not checked).
        """
        if check:
            owner = f"the layer (W has shape {self.W.shape})"
            x, single = as_rows(x, "x", self.n_in, self.dtype, owner)
            z = self.forward(x, check=False)
            return z[0] if single else z
        # z = W x + b, one example per row of x
        self.x = x
        return x @ self.W.T + self.b

    def backward(
        self, z_bar: object, *, check: bool = True, need_x_bar: bool = True
    ) -> Array | None:
        """Given ``z_bar = dL/dz``, set ``W_bar``, ``b_bar`` and return ``x_bar``.

        ``z_bar`` must have the shape of the last forward output: ``(M,)`` or ``(B, M)``.
        With ``check=False`` it must be ``(B, M)`` of the layer's dtype (not checked), and
        ``need_x_bar=False`` skips computing ``x_bar`` (the first layer's is not needed).
        """
        if check:
            if self.x is None:
                raise RuntimeError("call forward before backward: the layer has no stored input")
            single = np.ndim(z_bar) == 1 and self.x.shape[0] == 1
            out_shape = (self.x.shape[0], self.n_out)
            z_bar = matching_bar(z_bar, "z_bar", out_shape, single, self.dtype)
            x_bar = self.backward(z_bar, check=False)
            return x_bar[0] if single else x_bar
        # W_bar = z_bar x^T (summed over the batch), b_bar = z_bar, x_bar = W^T z_bar
        self.W_bar = z_bar.T @ self.x
        self.b_bar = z_bar.sum(axis=0)
        return z_bar @ self.W if need_x_bar else None


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
        self.z: Array | None = None
        self.h: Array | None = None

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"

    # ---- forward and backward, side by side --------------------------------------------

    def forward(self, z: object, *, check: bool = True) -> Array:
        """Compute ``h = f(z)`` elementwise and keep ``z`` and ``h`` for :meth:`backward`.

        With ``check=False``, ``z`` must be a float array (not checked).
        """
        if check:
            z = as_float_array(z, "z")
        # h = f(z), by the formula of mlp.activations.FORMULAS
        self.z = z
        self.h = FORMULAS[self.name][0](z)
        return self.h

    def backward(self, h_bar: object, *, check: bool = True) -> Array:
        """Given ``h_bar = dL/dh``, return ``z_bar = h_bar * f'(z)``.

        With ``check=False``, ``h_bar`` must have the shape and dtype of the last output.
        """
        if check:
            if self.z is None:
                raise RuntimeError("call forward before backward: the layer has no stored input")
            h_bar = matching_bar(h_bar, "h_bar", self.z.shape, False, self.z.dtype)
        # z_bar = h_bar * f'(z)   (elementwise: f acts on each unit separately)
        return h_bar * FORMULAS[self.name][1](self.z, self.h)
