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
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(f"{name} contains NaN or infinity (first at index {where})")
    return arr
