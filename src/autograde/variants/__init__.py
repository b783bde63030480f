"""Per-student numbers: the same numbers for a student id in the student's kernel and in the
grader.

An exercise whose numbers differ per student (the weights of a pass by hand, an interval, a
planted bug) has a module ``autograde.variants.exNN`` (NN its two-digit number) defining
``numbers(rng: numpy.random.Generator) -> dict``: plain data (floats, nested lists, short
strings), drawn from ``rng`` only.  The notebook's first cell sets ``STUDENT_ID``; the notebook
calls :func:`my_numbers` and the grader calls :func:`numbers` with the id it knows for the
submission (its file or folder name), so both see the same numbers.

An empty id gives the common numbers (the same for everyone; a module may name them
``COMMON``): what a course that turns variants off uses (``python -m autograde grade ...
--ids off``).

Nothing here is an answer: these modules make inputs, never reference results.
"""

from __future__ import annotations

import hashlib
import importlib
from typing import Any

import numpy as np

STUDENT = "__student__"  # the key under which a judge finds the id it must grade against
ID_REQUEST = "__student_id__"  # the request key for the notebook's own STUDENT_ID


def normalize(student_id: object) -> str:
    """The canonical form of an id: text, stripped, case-folded ('' for none)."""
    if student_id is None:
        return ""
    return str(student_id).strip().casefold()


def student_rng(exercise: str, student_id: object) -> np.random.Generator:
    """A generator seeded by the exercise and the (normalized) student id."""
    digest = hashlib.sha256(f"{exercise}\0{normalize(student_id)}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def has_variants(exercise: str) -> bool:
    """True if the exercise's numbers differ per student."""
    try:
        _module(exercise)
    except ModuleNotFoundError:
        return False
    return True


def _module(exercise: str):
    return importlib.import_module(f"autograde.variants.ex{exercise[:2]}")


def numbers(exercise: str, student_id: object) -> dict[str, Any]:
    """The numbers of ``exercise`` for ``student_id`` (an exercise folder name like
    ``"06-by-hand-pass"`` or its number ``"06"``)."""
    module = _module(exercise)
    if not normalize(student_id) and hasattr(module, "COMMON"):
        return dict(module.COMMON)
    return module.numbers(student_rng(exercise[:2], student_id))


def my_numbers(exercise: str, student_id: object) -> dict[str, Any]:
    """The numbers for the student id written in the notebook's first cell, as numpy arrays
    where they are lists (what a notebook works with)."""
    if not isinstance(student_id, str):
        raise TypeError(
            "STUDENT_ID should be text, like STUDENT_ID = 'ada123', not "
            f"{type(student_id).__name__}"
        )
    if not normalize(student_id):
        print(
            "STUDENT_ID is empty: you get the common numbers. If your instructor uses "
            "per-student numbers, write your id in the first cell and run the notebook again."
        )
    out = numbers(exercise, student_id)
    return {k: np.asarray(v, dtype=float) if isinstance(v, list) else v for k, v in out.items()}


def _load_all() -> None:
    """Import every exercise's module now: the grader's workers import this package before
    a submission runs, and a confined child may not be able to read the files later."""
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("ex"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_all()
