"""Tests of mlp._checks, the validators every core module shares."""

import numpy as np
import pytest

from mlp import _checks as C


def test_positive_int():
    assert C.positive_int(3, "n") == 3 and C.positive_int(np.int64(2), "n") == 2
    assert C.positive_int(5, "n", minimum=5) == 5
    for bad in (0, -1, 2.0, True, "3", None):
        with pytest.raises(ValueError, match="n must be a positive integer"):
            C.positive_int(bad, "n")
    with pytest.raises(ValueError, match="n_bumps must be an integer >= 2, got 1"):
        C.positive_int(1, "n_bumps", minimum=2)


def test_finite_number():
    assert C.finite_number(0.5, "lr") == 0.5 and C.finite_number(0, "l2", positive=False) == 0.0
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        C.finite_number(0, "lr")
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        C.finite_number(-1.0, "l2", positive=False)
    with pytest.raises(ValueError, match="lr must be a finite number"):
        C.finite_number(np.inf, "lr")
    with pytest.raises(TypeError, match="lr must be a number"):
        C.finite_number("0.1", "lr")


def test_one_of_lists_the_choices():
    assert C.one_of("b", {"a": 1, "b": 2}, "loss") == "b"
    with pytest.raises(ValueError, match=r"unknown loss 'c'; choose one of: a, b$"):
        C.one_of("c", {"b": 2, "a": 1}, "loss")
    with pytest.raises(ValueError, match="unknown loss 3"):
        C.one_of(3, ("a",), "loss")


def test_float_dtype_and_as_rows():
    assert C.float_dtype(np.float32) == np.float32
    with pytest.raises(TypeError, match="dtype must be a floating type"):
        C.float_dtype(np.int64)
    X, single = C.as_rows([1, 2], "x", 2, np.dtype(np.float32), "the layer")
    assert single and X.shape == (1, 2) and X.dtype == np.float32
    with pytest.raises(ValueError, match=r"x has shape \(3,\) but the layer expects \(2,\)"):
        C.as_rows([1, 2, 3], "x", 2, np.dtype(np.float64), "the layer")


def test_matching_bar():
    bar = C.matching_bar([1.0, 2.0], "y_bar", (1, 2), True, np.dtype(np.float64))
    assert bar.shape == (1, 2)
    with pytest.raises(ValueError, match=r"y_bar has shape \(2,\) but the last forward output"):
        C.matching_bar([1.0, 2.0], "y_bar", (3, 2), False, np.dtype(np.float64))
