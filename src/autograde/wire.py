"""Strict decoding of what a sandboxed child sends back.

The child's output is untrusted: it is produced by a process that ran student code.  It is
parsed here as JSON lines (no pickles, no object hooks), and every value is rebuilt from
plain JSON types only: numbers become ``float``, ``{"__nd__": shape, "d": flat}`` becomes a
fresh ``numpy.ndarray`` of dtype float64 built by the grader's own numpy, strings and
nested lists/dicts are kept, and anything else is :class:`Unsupported`.  No object created
by student code ever reaches the comparison.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np

MAX_ELEMENTS = 1_000_000


@dataclasses.dataclass(frozen=True)
class Unsupported:
    """A value the child could not (or would not) send as plain data."""

    what: str


@dataclasses.dataclass(frozen=True)
class Failure:
    """A graded name that produced no value: missing, raised, timed out."""

    kind: str  # "missing", "not callable", "timeout", "exception", "absent"
    message: str


class WireError(ValueError):
    """The data does not follow the schema."""


def _number(x) -> float:
    """A JSON number as a float; integers too large for a float become infinity (judged)."""
    if type(x) is bool or type(x) not in (int, float):
        raise WireError(f"expected a number, got {type(x).__name__}")
    try:
        return float(x)
    except OverflowError:  # a 400-digit integer: a value (wrong), not a grader error
        return math.inf if x > 0 else -math.inf


def decode_value(v, depth: int = 0, budget: list[int] | None = None):
    """Rebuild one value from its JSON form, refusing anything outside the schema."""
    if budget is None:
        budget = [MAX_ELEMENTS]
    if depth > 10:
        raise WireError("nested too deeply")
    t = type(v)
    if v is None or t is bool:
        return v
    if t in (int, float):
        return _number(v)
    if t is list:
        return [decode_value(x, depth + 1, budget) for x in v]
    if t is dict:
        if set(v) == {"__nd__", "d"}:
            shape, data = v["__nd__"], v["d"]
            if type(shape) is not list or not all(
                type(s) is int and 0 <= s <= MAX_ELEMENTS for s in shape
            ):
                raise WireError("bad array shape")
            n = math.prod(shape)
            if type(data) is not list or len(data) != n or n > budget[0]:
                raise WireError("bad array data")
            budget[0] -= n
            return np.array([_number(x) for x in data], dtype=np.float64).reshape(shape)
        if set(v) == {"__map__"} and type(v["__map__"]) is dict:
            return {str(k): decode_value(x, depth + 1, budget) for k, x in v["__map__"].items()}
        if set(v) == {"__str__"} and type(v["__str__"]) is str:
            return str(v["__str__"])
        if set(v) == {"__unsupported__"} and type(v["__unsupported__"]) is str:
            return Unsupported(v["__unsupported__"][:200])
    raise WireError(f"unexpected {t.__name__}")


@dataclasses.dataclass
class ChildReport:
    """Everything decoded from one child's results stream."""

    notebook_error: str | None = None
    cells: dict[int, str | None] = dataclasses.field(default_factory=dict)
    started: list[int] = dataclasses.field(default_factory=list)
    heads: dict[int, str] = dataclasses.field(default_factory=dict)
    results: dict[str, object] = dataclasses.field(default_factory=dict)
    done: bool = False
    bad_lines: int = 0


def parse_results(text: str, keys: set[str]) -> ChildReport:
    """Parse the JSON-lines stream; the first well-formed result for each key wins."""
    rep = ChildReport()
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            ev = json.loads(line)
            if type(ev) is not dict:
                raise WireError("not an object")
            kind = ev.get("event")
            if kind == "notebook_error":
                rep.notebook_error = str(ev.get("msg", ""))[:500]
            elif kind == "cell_start":
                rep.started.append(int(ev["i"]))
                rep.heads[int(ev["i"])] = str(ev.get("head", ""))[:60]
            elif kind == "cell_end":
                err = ev.get("error")
                rep.cells[int(ev["i"])] = None if err is None else str(err)[:500]
            elif kind == "result":
                key = ev["key"]
                if type(key) is not str or key not in keys or key in rep.results:
                    continue
                if "error" in ev:
                    msg = str(ev["error"])[:500]
                    if msg == "missing":
                        rep.results[key] = Failure("missing", msg)
                    elif msg == "not callable":
                        rep.results[key] = Failure("not callable", msg)
                    elif msg == "timeout":
                        rep.results[key] = Failure("timeout", msg)
                    else:
                        rep.results[key] = Failure("exception", msg)
                else:
                    rep.results[key] = decode_value(ev["value"])
            elif kind == "done":
                rep.done = True
        except (ValueError, KeyError, TypeError, RecursionError, OverflowError):
            rep.bad_lines += 1
    return rep


def encode_arg(x) -> object:
    """Encode one hidden input for the child, in the same encoding the child answers with:
    arrays as ``{"__nd__": shape, "d": flat}``, integers as ``{"__int__": n}``."""
    if isinstance(x, np.ndarray):
        return {"__nd__": list(x.shape), "d": [float(v) for v in x.ravel()]}
    if isinstance(x, bool):
        return x
    if isinstance(x, int | np.integer):
        return {"__int__": int(x)}
    if isinstance(x, float | np.floating):
        return float(x)
    if isinstance(x, str):
        return x
    raise TypeError(f"cannot send {type(x).__name__} to the child")
