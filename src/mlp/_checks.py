"""Input validation shared by every module of :mod:`mlp`.

Each helper raises an error whose message names the argument that is wrong and says how.
"""

from __future__ import annotations

import numpy as np


def as_float_array(x: object, name: str) -> np.ndarray:
    """Return ``x`` as a float ndarray, or raise an error that names ``name``.

    Parameters
    ----------
    x
        An array-like of numbers.
    name
        The argument's name, used in error messages.

    Raises
    ------
    TypeError
        If ``x`` is not numeric (strings, objects, booleans are refused).
    ValueError
        If ``x`` contains NaN or infinity.
    """
    arr = np.asarray(x)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()  # one cheap pass: a NaN or an infinity anywhere makes it non-finite
    if not np.isfinite(total) and not np.all(np.isfinite(arr)):  # (or a huge finite sum)
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(f"{name} contains NaN or infinity (first at index {where})")
    return arr


def positive_int(v: object, name: str, *, minimum: int = 1) -> int:
    """Return ``v`` as an ``int`` if it is an integer ``>= minimum`` (1 by default).

    Raises
    ------
    ValueError
        Naming ``name``: "must be a positive integer" (or "an integer >= minimum").
        Booleans and floats are refused, even ``2.0``.
    """
    if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {what}, got {v!r}")
    return int(v)


def finite_number(v: object, name: str, *, positive: bool = True) -> float:
    """Return ``v`` as a ``float`` if it is a finite number ``> 0`` (or ``>= 0``).

    Parameters
    ----------
    v
        The value to check.
    name
        The argument's name, used in error messages.
    positive
        True: require ``v > 0``; False: require ``v >= 0``.

    Raises
    ------
    TypeError
        If ``v`` is not a real number (booleans and strings are refused).
    ValueError
        If ``v`` is NaN, infinite, negative, or zero when ``positive``.
    """
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {v!r}")
    x = float(v)
    if not np.isfinite(x) or x < 0 or (positive and x == 0):
        raise ValueError(
            f"{name} must be a finite number {'> 0' if positive else '>= 0'}, got {v!r}"
        )
    return x


def one_of(value: object, choices: object, what: str) -> str:
    """Return ``value`` if it is one of ``choices`` (names, e.g. a dict's keys).

    Raises
    ------
    ValueError
        "unknown {what} {value!r}; choose one of: a, b, c" (the choices sorted).
    """
    names = list(choices)  # type: ignore[call-overload]
    if not isinstance(value, str) or value not in names:
        known = ", ".join(sorted(names))
        raise ValueError(f"unknown {what} {value!r}; choose one of: {known}")
    return value


def float_dtype(dtype: object) -> np.dtype:
    """Return ``dtype`` as a numpy floating dtype (``np.float64``, ``np.float32``...).

    Raises
    ------
    TypeError
        If it is not a floating type.
    """
    dt = np.dtype(dtype)
    if not np.issubdtype(dt, np.floating):
        raise TypeError(f"dtype must be a floating type such as np.float64, got {dt}")
    return dt


def as_rows(
    x: object, name: str, width: int, dtype: np.dtype, owner: str
) -> tuple[np.ndarray, bool]:
    """Validate one example ``(width,)`` or a batch ``(B, width)`` of inputs.

    Returns the batch as a 2-D array ``(B, width)`` of ``dtype`` (one example becomes
    ``(1, width)``) and whether ``x`` was a single example. ``owner`` names what expects the
    input in the error message, e.g. ``"the network (W1 has shape (50, 784))"``.
    """
    arr = as_float_array(x, name)
    if arr.ndim not in (1, 2) or arr.shape[-1] != width:
        raise ValueError(
            f"{name} has shape {arr.shape} but {owner} expects ({width},) or (B, {width})"
        )
    single = arr.ndim == 1
    arr = arr.astype(dtype, copy=False)
    return (arr[None, :] if single else arr), single


def matching_bar(
    bar: object, name: str, out_shape: tuple[int, ...], single: bool, dtype: np.dtype
) -> np.ndarray:
    """Validate an error signal against the shape of the last forward output.

    ``out_shape`` is the output's shape as computed (``(B, M)``); if ``single`` the caller
    saw one example and the bar must have shape ``(M,)``. Returns the bar with shape
    ``out_shape`` and the given dtype.
    """
    arr = as_float_array(bar, name)
    shown = out_shape[1:] if single else out_shape
    if arr.shape != shown:
        raise ValueError(
            f"{name} has shape {arr.shape} but the last forward output had shape {shown}"
        )
    return arr.reshape(out_shape).astype(dtype, copy=False)
