"""``check("q2")``: an exercise's public checks, run in the student's own kernel.

In a student notebook::

    from autograde.checking import checker
    check = checker("04-backprop-mlp")
    ...
    check("q2")

runs question q2's public checks on the functions and values the notebook has defined and
prints what the grader would say about them: which check passes, what is wrong (shape,
NaN, how far off) and the recognised mistake ("a missing transpose"), never a reference
value.  The checks are the spec's own (exported by ``python -m autograde release`` to
``autograde/public/<exercise>.json``), built from public inputs, not the grader's hidden
ones.  It also warns when the notebook uses a shortcut the exercise does not allow.

It is a help, never the grade: grading runs the notebook again in the sandbox, on hidden
inputs, with every check.  It needs only numpy and works offline (JupyterLab, Binder, Colab).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from importlib import resources
from typing import Any

import numpy as np

from autograde import shortcuts, variants
from autograde.cases import check_from_json, judge_data
from autograde.wire import Failure, decode_value

NOTE = "A help, not your grade: the grader checks your answers again, on its own inputs."


def load(exercise: str) -> dict:
    """The exercise's public checks (raises a clear error for an unknown exercise)."""
    path = resources.files("autograde") / "public" / f"{exercise}.json"
    if not path.is_file():
        raise ValueError(f"no public checks for exercise {exercise!r} (is mlp up to date?)")
    return json.loads(path.read_text(encoding="utf-8"))


def _answer(req: dict, ns: dict) -> Any:
    """The student's answer to one request, as the grader would receive it."""
    from autograde._child import _decode_arg, _encode

    name = req["name"]
    if name not in ns:
        return Failure("missing", "")
    obj = ns[name]
    try:
        if req["kind"] == "call":
            if not callable(obj):
                return Failure("not callable", "")
            obj = obj(*[_decode_arg(a, np) for a in req["args"]])
        return decode_value(_encode(obj, np))
    except Exception as e:  # noqa: BLE001 - the student's error is feedback, not a crash
        return Failure("error", f"{type(e).__name__}: {str(e)[:300]}")


def _history(ns: dict) -> list[str]:
    cells = ns.get("In")
    return [c for c in cells if isinstance(c, str)] if isinstance(cells, list) else []


def shortcut_warnings(data: dict, question: str, ns: dict) -> list[str]:
    """What the notebook's code (as run in this kernel) uses that the question forbids."""
    forbids = [
        shortcuts.Forbid(f["name"], tuple(f["questions"]), f["reason"])
        for f in data["forbid"]
        if question in f["questions"]
    ]
    if not forbids:
        return []
    from autograde._child import _transform

    given = set(data.get("provided", []))
    own = [_transform(s) for s in _history(ns) if shortcuts.digest(s) not in given]
    found = shortcuts.scan(own, forbids)
    return list(dict.fromkeys(found.get(question, [])))


def run_check(data: dict, question: str, ns: dict) -> list[tuple[str, float, str]]:
    """``[(check name, fraction, feedback), ...]`` for one question's public checks."""
    if question not in data["questions"]:
        raise ValueError(f"no question {question!r}; this exercise has {list(data['questions'])}")
    outputs = {r["key"]: _answer(r, ns) for r in data["requests"]}
    numbers = {}
    if data["variants"]:
        sid = ns.get("STUDENT_ID", "")
        numbers = variants.numbers(data["exercise"], sid if isinstance(sid, str) else "")
    results = []
    for d in data["checks"]:
        if d["question"] == question:
            c = check_from_json(d)
            v = judge_data(c.data, outputs, numbers, what="public cases")
            results.append((c.name, v.fraction, v.message))
    return results


def report(data: dict, question: str, ns: dict) -> str:
    """The text ``check(question)`` prints."""
    results = run_check(data, question, ns)
    title = data["questions"][question]
    n_ok = sum(f >= 1.0 for _, f, _ in results)
    lines = [f"{question} ({title}): {n_ok} of {len(results)} public checks pass."]
    if not results:
        lines = [f"{question} ({title}): no public check for this question; the grader checks it."]
    for name, fraction, msg in results:
        lines.append(f"  {'ok ' if fraction >= 1.0 else 'NO '} {name}: {msg}")
    for w in shortcut_warnings(data, question, ns):
        lines.append(f"  NO  shortcut: your notebook {w} The grader gives this question 0.")
    lines.append(NOTE)
    return "\n".join(lines)


def _while_grading(question: str) -> None:
    return None


def checker(exercise: str) -> Callable[[str], None]:
    """The ``check`` function of an exercise's notebook."""
    if os.environ.get("AUTOGRADE_GRADING") == "1":  # inside the grader: the grade decides
        return _while_grading
    data = load(exercise)

    def check(question: str) -> None:
        """Run ``question``'s public checks on what this notebook defines; print the result."""
        ns = sys._getframe(1).f_globals
        print(report(data, question, ns))

    return check
