"""Checks as data: one vocabulary for the grader's hidden checks and the student's ``check()``.

A :class:`Case` says what one answer should be: the answer to request ``key`` (element
``pick`` of it when the answer is a tuple or a dict) equals ``ref`` within the check's
tolerances.  ``mistakes`` maps the feedback naming a recognised mistake ("a missing
transpose") to the value that mistake gives, so a wrong answer can be named without quoting
the right one.  Instead of a fixed ``ref``, a case may give ``expr``, an expression over the
student's own answers (by request key) and the exercise's numbers (``numbers``), for answers
worked by hand, where a public check can only say whether each value follows from the ones
before it.

:func:`case_check` turns cases into a :class:`~autograde.spec.Check`; a check built this way
is plain data (:func:`check_to_json`), so the same check judges a submission in the grader
(hidden inputs) and in the student's kernel (public inputs, :mod:`autograde.checking`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograde.spec import Check, Verdict, as_array, compare, failure_text
from autograde.wire import decode_value, encode_arg


@dataclasses.dataclass(frozen=True)
class Case:
    """One answer to judge: ``key``'s answer (its ``pick`` element) against ``ref``/``expr``."""

    key: str
    label: str
    ref: Any = None
    pick: int | str | None = None
    mistakes: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    expr: str | None = None
    value: str | None = None  # judge this expression over the answers instead of key's answer


class _Bad:
    def __init__(self, msg: str) -> None:
        self.msg = msg


def picked(out, pick, name: str):
    """Element ``pick`` of a decoded tuple/dict answer, the answer itself, or a _Bad."""
    if pick is None or failure_text(name, out):
        return out
    if isinstance(pick, int):
        if type(out) is list and len(out) > pick:
            return out[pick]
        return _Bad(f"`{name}` should return a tuple with at least {pick + 1} items.")
    if type(out) is dict and pick in out:
        return out[pick]
    return _Bad(f"`{name}` should return a dict with the key {pick!r}.")


_FUNCS = {
    "np": np,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float))),
    "relu": lambda z: np.maximum(np.asarray(z, dtype=float), 0.0),
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "outer": np.outer,
    "indicator": lambda x, a, c: ((x >= a) & (x <= c)).astype(float),
    "off_edges": lambda a, c, d: _off_edges(a, c, d),
    "pattern_ab": lambda: _pattern_ab(),
}


def _off_edges(a: float, c: float, d: float) -> np.ndarray:
    """4,001 points around [a, c], without those within ``d`` of an edge."""
    x = np.linspace(a - 3, c + 3, 4001)
    return x[(np.abs(x - a) > d) & (np.abs(x - c) > d)]


def _numbers(numbers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: np.asarray(v, dtype=float) if isinstance(v, list) else v for k, v in numbers.items()}


def net(params, activations, x):
    """A submitted network (weights and activation names, as data) evaluated here on the
    column ``x``: how a check judges a network without running the student's code."""
    from autograde.nets import forward, parse_activations, parse_params

    x = np.asarray(x, dtype=float)
    x = x.reshape(-1, 1) if x.ndim == 1 else x
    p = parse_params("the network's parameters", params, x.shape[1], 1)
    kinds = {"relu", "step", "sigmoid", "identity", "tanh"}
    acts = parse_activations("the activations", activations, len(p), kinds, kinds)
    return forward(p, acts, x)[:, 0]


def _pattern_ab() -> np.ndarray:
    from mlp.datasets import pattern_ab

    return pattern_ab()[0]


def answer_of(value: str, outputs: Mapping[str, Any], numbers: Mapping[str, Any]):
    """The answer a ``Case.value`` expression makes of the student's answers, or a _Bad."""
    from autograde.nets import BadNetwork

    code = compile(value, "<value>", "eval")
    names: dict[str, Any] = {**_FUNCS, "net": net, **_numbers(numbers)}
    for k in code.co_names:
        if k in outputs:
            fail = failure_text(k, outputs[k])
            if fail:
                return _Bad(fail)
            arr = as_array(outputs[k])
            names[k] = outputs[k] if arr is None else arr
    try:
        with np.errstate(all="ignore"):
            return np.asarray(eval(code, {"__builtins__": {}}, names), dtype=float)  # noqa: S307
    except BadNetwork as e:
        return _Bad(str(e))
    except Exception as e:  # noqa: BLE001 - a malformed answer is feedback
        return _Bad(f"could not evaluate your answer ({type(e).__name__}).")


def evaluate(expr: str, outputs: Mapping[str, Any], numbers: Mapping[str, Any]):
    """The value of ``expr`` over the answers and the numbers, or None if it cannot be formed
    (an answer it depends on is missing or not numbers)."""
    names: dict[str, Any] = {**_FUNCS, **_numbers(numbers)}
    for k, v in outputs.items():
        arr = as_array(v)
        if arr is not None:
            names[k] = arr
    try:
        with np.errstate(all="ignore"):
            return np.asarray(eval(expr, {"__builtins__": {}}, names), dtype=float)  # noqa: S307
    except Exception:  # noqa: BLE001 - an expression over a wrong answer may not form
        return None


def _near(arr, ref, rtol, atol) -> bool:
    ref = np.asarray(ref, dtype=float)
    return arr.shape == ref.shape and bool(np.all(np.abs(arr - ref) <= atol + rtol * np.abs(ref)))


def diagnose(out, mistakes: Mapping[str, Any], rtol: float, atol: float) -> str | None:
    """The first recognised mistake whose value the answer matches, else None."""
    arr = None if isinstance(out, _Bad) else as_array(out)
    if arr is None:
        return None
    for msg, value in mistakes.items():
        if value is not None and _near(np.squeeze(arr), np.squeeze(value), rtol, atol):
            return msg
    return None


def judge_cases(
    cases: Sequence[Case],
    outputs: Mapping[str, Any],
    *,
    rtol: float,
    atol: float,
    names: Mapping[str, str],
    mistake_keys: Mapping[str, str],
    numbers: Mapping[str, Any] | None = None,
    what: str = "inputs",
    exact: bool = False,
) -> Verdict:
    """Fraction of cases right; feedback: the first failure and the first named mistake.

    ``exact``: the answer is a formula, exact up to rounding; one answer that is right only
    approximately (within 1e-4 but not within the tolerance) is a numerical approximation
    such as a finite difference, and the check earns nothing.
    """
    msgs, diag, approx = [], None, 0
    for c in cases:
        name = names.get(c.key, c.key)
        if c.value is None:
            item = picked(outputs.get(c.key), c.pick, name)
        else:
            item = answer_of(c.value, outputs, numbers or {})
        ref = c.ref if c.expr is None else evaluate(c.expr, outputs, numbers or {})
        if isinstance(item, _Bad):
            m = item.msg
        elif ref is None:
            m = f"`{c.label}` could not be checked (an answer it depends on is missing)."
        else:
            m = compare(c.label, item, np.asarray(ref, dtype=float), rtol=rtol, atol=atol,
                        squeeze=True)  # fmt: skip
        msgs.append(m)
        if m and diag is None:
            diag = diagnose(item, c.mistakes, rtol, atol)
        if m and exact and ref is not None and diagnose(item, {"~": ref}, 1e-4, 1e-9):
            approx += 1
    if approx:
        return Verdict(
            0.0,
            (
                f"{approx} of {len(msgs)} answers are right only approximately (to about 1e-6, not "
                f"to rounding): that is a numerical approximation such as a finite difference, and "
                f"this question asks for the exact derivative."
            ),
            mistake="numerical approximation",
        )
    n_ok = sum(m is None for m in msgs)
    text = f"right on {n_ok} of {len(msgs)} {what}."
    first = next((m for m in msgs if m), None)
    if first:
        text += f" {first}"
    if diag:
        text += f" Looks like {diag}."
    return Verdict(n_ok / max(len(msgs), 1), text, mistake=mistake_keys.get(diag))


def case_check(
    name: str,
    question: str,
    points: float,
    description: str,
    cases: Sequence[Case],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    names: Mapping[str, str] | None = None,
    mistake_keys: Mapping[str, str] | None = None,
    numbers: Mapping[str, Any] | None = None,
    exact: bool = False,
) -> Check:
    """A :class:`Check` judged by :func:`judge_cases`; it carries its cases as data.

    ``names`` maps a request key to the graded name shown in feedback (default: the key);
    ``mistake_keys`` maps a mistake's feedback to the short key used in class reports.
    """
    data = {
        "cases": tuple(cases),
        "rtol": rtol,
        "atol": atol,
        "names": dict(names or {}),
        "mistake_keys": dict(mistake_keys or {}),
        "numbers": dict(numbers or {}),
        "exact": exact,
    }
    judge = functools.partial(judge_data, data)
    check = Check(name, question, points, description, judge)
    object.__setattr__(check, "data", data)
    return check


def judge_data(data: dict, outputs: Mapping[str, Any], numbers=None, what="hidden inputs"):
    return judge_cases(
        data["cases"], outputs, rtol=data["rtol"], atol=data["atol"], names=data["names"],
        mistake_keys=data["mistake_keys"], numbers=numbers or data["numbers"], what=what,
        exact=data.get("exact", False),
    )  # fmt: skip


# ------------------------------------------------------------------------------- as data


def _enc(x):
    if x is None:
        return None
    if isinstance(x, np.ndarray | float | int | np.generic):
        return encode_arg(np.asarray(x, dtype=float))
    if isinstance(x, list | tuple):
        return encode_arg(np.asarray(x, dtype=float))
    raise TypeError(f"a case value must be numbers, not {type(x).__name__}")


def _dec(v):
    return None if v is None else decode_value(v)


def check_to_json(check: Check) -> dict | None:
    """A case check as plain JSON data (None for a check with a hand-written judge)."""
    data = getattr(check, "data", None)
    if data is None:
        return None
    cases = [
        {
            "key": c.key,
            "label": c.label,
            "ref": _enc(c.ref),
            "pick": c.pick,
            "expr": c.expr,
            "value": c.value,
            "mistakes": {m: _enc(v) for m, v in c.mistakes.items() if v is not None},
        }
        for c in data["cases"]
    ]
    return {
        "name": check.name,
        "question": check.question,
        "points": check.points,
        "description": check.description,
        "rtol": data["rtol"],
        "atol": data["atol"],
        "names": data["names"],
        "mistake_keys": data["mistake_keys"],
        "exact": data.get("exact", False),
        "cases": cases,
    }


def check_from_json(d: dict) -> Check:
    """The check :func:`check_to_json` wrote."""
    cases = [
        Case(
            c["key"],
            c["label"],
            _dec(c["ref"]),
            c["pick"],
            {m: _dec(v) for m, v in c["mistakes"].items()},
            c["expr"],
            c.get("value"),
        )
        for c in d["cases"]
    ]
    return case_check(
        d["name"], d["question"], d["points"], d["description"], cases, rtol=d["rtol"],
        atol=d["atol"], names=d["names"], mistake_keys=d["mistake_keys"],
        exact=d.get("exact", False),
    )  # fmt: skip


def finite(x) -> bool:
    """True for a finite number (helper for specs)."""
    return isinstance(x, float | int) and math.isfinite(x)
