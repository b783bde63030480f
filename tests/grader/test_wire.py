"""The grader rebuilds answers from plain JSON only: nothing a submission sends can lie."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograde.spec import Verdict, compare, fraction_passed
from autograde.wire import Failure, Unsupported, WireError, decode_value, parse_results


def test_arrays_are_rebuilt_as_fresh_float_arrays():
    v = decode_value({"__nd__": [2, 2], "d": [1, 2.5, 3, 4]})
    assert type(v) is np.ndarray and v.dtype == np.float64 and v.shape == (2, 2)


@pytest.mark.parametrize(
    "bad",
    [
        {"__nd__": [2], "d": [1, "2"]},  # strings are not numbers (np.array would convert)
        {"__nd__": [2], "d": [1, True]},  # booleans are not numbers
        {"__nd__": [3], "d": [1, 2]},  # size mismatch
        {"__nd__": [-1], "d": []},
        {"__nd__": [1], "d": [1], "extra": 1},
        {"__class__": "Liar"},
        {"__map__": 5},
    ],
)
def test_malformed_values_are_refused(bad):
    with pytest.raises(WireError):
        decode_value(bad)


def test_nested_values_and_markers():
    v = decode_value([{"__nd__": [1], "d": [1]}, 2, {"__map__": {"a": {"__str__": "x"}}}])
    assert isinstance(v[0], np.ndarray) and v[1] == 2.0 and v[2] == {"a": "x"}
    assert decode_value({"__unsupported__": "object of type Liar"}) == Unsupported(
        "object of type Liar"
    )


def test_parse_results_first_answer_wins_and_garbage_is_counted():
    lines = [
        json.dumps({"event": "result", "key": "a", "value": 1.0}),
        json.dumps({"event": "result", "key": "a", "value": 2.0}),
        json.dumps({"event": "result", "key": "zzz", "value": 2.0}),  # not requested
        "not json at all",
        json.dumps({"event": "result", "key": "b", "error": "timeout"}),
        json.dumps({"event": "result", "key": "c", "value": {"__nd__": [1], "d": ["1"]}}),
        json.dumps({"event": "done"}),
    ]
    rep = parse_results("\n".join(lines), {"a", "b", "c"})
    assert rep.results["a"] == 1.0 and rep.done
    assert rep.results["b"] == Failure("timeout", "timeout")
    assert "c" not in rep.results and rep.bad_lines == 2


def test_compare_messages_and_partial_credit():
    ref = np.arange(6.0).reshape(2, 3)
    assert compare("W", ref.copy(), ref) is None
    assert "shape (3, 2), expected (2, 3)" in compare("W", ref.T.copy(), ref)
    assert "NaN" in compare("W", np.full((2, 3), np.nan), ref)
    assert "not implemented" in compare("W", Failure("exception", "NotImplementedError: "), ref)
    v = fraction_passed([None, "x", None, None])
    assert isinstance(v, Verdict) and v.fraction == 0.75
    assert Verdict(float("nan")).fraction == 0 and Verdict(7).fraction == 1
