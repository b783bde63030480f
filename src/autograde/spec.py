"""The vocabulary of an exercise's grading spec (``exercises/NN-name/spec.py``).

A spec module defines

``EXERCISE`` (str), ``TITLE`` (str), ``NOTEBOOK`` (the student notebook's file name),
``QUESTIONS``
    ``{question_id: title}`` in the order of the CSV columns;
``GRADED_NAMES``
    the names the child reads from the submission's namespace;
``LIMITS`` (optional)
    a :class:`autograde.sandbox.Limits`;
``build(rng) -> Plan``
    draws the hidden inputs from ``rng`` (a :class:`numpy.random.Generator` seeded by the
    grader per run) and returns the requests for the child and the checks that judge the
    answers.  Everything a check needs (reference values, tolerances, feedback text) lives
    in the spec and in the grader's process only.

A check's ``judge(outputs)`` receives the decoded answers (plain floats/arrays/lists, or a
:class:`~autograde.wire.Failure`/:class:`~autograde.wire.Unsupported`) and returns a
:class:`Verdict`: a fraction in [0, 1] and feedback that never quotes a reference value.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from autograde.wire import Failure, Unsupported, encode_arg


@dataclasses.dataclass(frozen=True)
class Request:
    """Ask the child for ``name(*args)`` (kind ``call``) or the value of ``name``."""

    key: str
    name: str
    kind: str = "call"
    args: tuple = ()

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "args": [encode_arg(a) for a in self.args],
        }


@dataclasses.dataclass(frozen=True)
class Verdict:
    """A check's result: the fraction of its points earned and what to tell the student."""

    fraction: float
    message: str = ""
    mistake: str | None = None  # a recognised mistake, named for class reports

    def __post_init__(self):
        f = float(self.fraction)
        if not math.isfinite(f):
            f = 0.0
        object.__setattr__(self, "fraction", min(1.0, max(0.0, f)))


@dataclasses.dataclass(frozen=True)
class Check:
    """One graded property, worth ``points`` of question ``question``."""

    name: str
    question: str
    points: float
    description: str
    judge: Callable[[dict], Verdict]


@dataclasses.dataclass
class Plan:
    """The requests for the child and the checks, built from one hidden seed."""

    requests: list[Request]
    checks: list[Check]
    ids: str = "roster"  # whose per-student numbers judge a submission (autograde.integrity)


def load_spec(path: Path) -> ModuleType:
    """Import an exercise's ``spec.py`` (instructor code, run in the grader's process)."""
    spec = importlib.util.spec_from_file_location(f"autograde_spec_{path.parent.name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for attr in ("EXERCISE", "TITLE", "QUESTIONS", "GRADED_NAMES", "build"):
        if not hasattr(mod, attr):
            raise AttributeError(f"{path} does not define {attr}")
    return mod


# --------------------------------------------------------------------------- judging helpers


def failure_text(name: str, out) -> str | None:
    """Feedback for an answer that is not a value at all, or None if it is a value."""
    if isinstance(out, Failure):
        if out.kind == "missing":
            return (
                f"`{name}` is not defined after running your notebook (renamed, deleted, or "
                "its cell raised an error before defining it)."
            )
        if out.kind == "not callable":
            return f"`{name}` should be a function."
        if out.kind == "timeout":
            return f"`{name}` did not finish within the time limit (an infinite loop?)."
        if out.kind == "absent":
            return f"no answer for `{name}`: {out.message}"
        msg = out.message
        if msg.startswith("NotImplementedError"):
            return f"`{name}` is not implemented yet (it raises NotImplementedError)."
        return f"`{name}` raised {msg}"
    if isinstance(out, Unsupported):
        return f"`{name}` returned {out.what}; expected numbers or numpy arrays."
    return None


def kind_of(out) -> str:
    """A short description of a decoded answer's type, for feedback ("text", "a list", ...)."""
    if type(out) is str or (type(out) is list and any(type(x) is str for x in out)):
        return "it contains text: numbers must be numbers, not strings"
    if type(out) is dict:
        return "a dict"
    if type(out) is list:
        return "a list that is not an array of numbers"
    return type(out).__name__


def as_array(out) -> np.ndarray | None:
    """A float array from a decoded answer (array, number or nested list), else None."""
    if isinstance(out, np.ndarray):
        return out
    if type(out) is float:
        return np.array(out)
    if type(out) is list:
        if not _all_numbers(out):  # strings or objects where numbers belong: refused
            return None
        try:
            arr = np.array(out, dtype=np.float64)
        except (ValueError, TypeError):
            return None
        return arr
    return None


def _all_numbers(out, depth: int = 0) -> bool:
    """True if a decoded nested list holds only numbers (floats, booleans) and arrays."""
    if depth > 10:
        return False
    if type(out) in (float, bool) or isinstance(out, np.ndarray):
        return True
    if type(out) is list:
        return all(_all_numbers(x, depth + 1) for x in out)
    return False


def compare(
    name: str,
    out,
    ref: np.ndarray,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    squeeze: bool = False,
) -> str | None:
    """None if ``out`` matches ``ref`` (shape and values), else feedback without ``ref``."""
    fail = failure_text(name, out)
    if fail:
        return fail
    arr = as_array(out)
    if arr is None:
        return f"`{name}` returned something that is not an array of numbers ({kind_of(out)})."
    ref = np.asarray(ref, dtype=np.float64)
    if squeeze:
        arr, ref = np.squeeze(arr), np.squeeze(ref)
    if arr.shape != ref.shape:
        return f"`{name}` has shape {arr.shape}, expected {ref.shape}."
    if not np.all(np.isfinite(arr)):
        return f"`{name}` contains NaN or infinity."
    err = np.abs(arr - ref)
    tol = atol + rtol * np.abs(ref)
    if np.all(err <= tol):
        return None
    n_bad = int(np.sum(err > tol))
    rel = float(np.linalg.norm(arr - ref) / max(float(np.linalg.norm(ref)), 1e-300))
    where = f"{n_bad} of {err.size} entries" if err.size > 1 else "the value"
    return f"`{name}` is wrong: {where} off, relative error {rel:.1e}."


def fraction_passed(messages: Sequence[str | None]) -> Verdict:
    """Partial credit: the fraction of cases whose message is None; feedback lists failures."""
    n = len(messages)
    bad = [(i, m) for i, m in enumerate(messages) if m is not None]
    if not bad:
        return Verdict(1.0, f"passed all {n} hidden cases.")
    lines = [f"passed {n - len(bad)} of {n} hidden cases."]
    seen = set()
    for i, m in bad:
        if m in seen:
            continue
        seen.add(m)
        lines.append(f"case {i + 1}: {m}")
        if len(seen) >= 3:
            break
    return Verdict((n - len(bad)) / n, " ".join(lines))
