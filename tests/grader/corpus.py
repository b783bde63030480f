"""A corpus of submissions for the grader's tests: honest answers, wrong answers, attacks.

Each entry is built from an exercise's committed solution or student notebook, so the
corpus follows the exercises when they change.  ``python tests/grader/corpus.py OUT`` writes
the corpus as notebooks to look at or to grade by hand:
``python -m autograde grade 04 OUT/04-backprop-mlp --out /tmp/grades``.

An entry is ``Entry(exercise, name, build, expect)`` where ``expect`` says what the grader
must give: exact points per question (``points``), an upper bound (``max_total``), a status,
and text that must appear in the feedback.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"


@dataclasses.dataclass
class Entry:
    exercise: str
    name: str
    build: Callable[[], str | bytes]
    total: float | None = None  # exact expected total
    max_total: float | None = None  # upper bound (attacks: no undeserved points)
    points: dict[str, float] | None = None  # exact per question
    status: str | None = None
    feedback: tuple[str, ...] = ()  # substrings the feedback must contain
    needs_bwrap: bool = False
    path: str | bytes | None = None  # where to write it (default: <name>.ipynb); may be a
    # folder path "who/x.ipynb" or a non-UTF-8 byte name
    student: str | None = None  # the student id the grader must give it (default: name)
    symlink_to: Path | None = None  # write a symbolic link to this path instead
    extra: dict[str, Callable[[], str | bytes]] = dataclasses.field(default_factory=dict)
    not_in_feedback: tuple[str, ...] = ()  # substrings the feedback must NOT contain
    own_id: bool = True  # write the entry's id into STUDENT_ID (False: keep the notebook's)

    @property
    def sid(self) -> str:
        return self.name if self.student is None else self.student


def _nb(exercise: str, which: str) -> nbformat.NotebookNode:
    return nbformat.read(EXERCISES / exercise / f"{which}.ipynb", as_version=4)


def _text(nb) -> str:
    return nbformat.writes(nb)


def _cell(nb, cid):
    for c in nb.cells:
        if c.get("id") == cid:
            return c
    raise KeyError(cid)


def replace(exercise, which, edits: dict[str, str], append: tuple[str, ...] = ()):
    """The notebook with the sources of cells (by id) replaced and code cells appended."""

    def build():
        nb = copy.deepcopy(_nb(exercise, which))
        for cid, src in edits.items():
            _cell(nb, cid).source = src
        for i, src in enumerate(append):
            nb.cells.append(new_code_cell(src, id=f"extra-{i}"))
        return _text(nb)

    return build


def prepend(exercise, which, *srcs: str):
    def build():
        nb = copy.deepcopy(_nb(exercise, which))
        nb.cells[0:0] = [new_code_cell(s, id=f"pre-{i}") for i, s in enumerate(srcs)]
        return _text(nb)

    return build


def insert_after(exercise, which, cid: str, src: str):
    def build():
        nb = copy.deepcopy(_nb(exercise, which))
        i = next(k for k, c in enumerate(nb.cells) if c.get("id") == cid)
        nb.cells.insert(i + 1, new_code_cell(src, id="inserted"))
        return _text(nb)

    return build


def edit(exercise, which, cid: str, fn: Callable[[str], str]):
    """The notebook with one cell's source transformed by ``fn``."""

    def build():
        nb = copy.deepcopy(_nb(exercise, which))
        _cell(nb, cid).source = fn(_cell(nb, cid).source)
        return _text(nb)

    return build


def raw(data: str | bytes):
    return lambda: data


E1, E2, E3, E4, E5 = (
    "01-xor-feature-map",
    "02-bump-networks",
    "03-chain-rule",
    "04-backprop-mlp",
    "05-pattern-ab",
)
FULL = {E1: 9, E2: 9, E3: 9, E4: 8, E5: 5}
ALL_EXERCISES = sorted(p.parent.name for p in EXERCISES.glob("[0-9][0-9]-*/spec.py"))


def full_marks(exercise: str) -> float:
    """The points of an exercise, from its spec."""
    import numpy as np

    from autograde.spec import load_spec

    plan = load_spec(EXERCISES / exercise / "spec.py").build(np.random.default_rng(0))
    return sum(c.points for c in plan.checks)


# ---- honest wrong answers for exercise 4 ---------------------------------------------------

BACKWARD = """
def backward(X, T, W1, b1, W2, b2):
    Z, Hid, Y = forward(X, W1, b1, W2, b2)
    Y_bar = {y_bar}
    W2_bar = Y_bar.T @ Hid
    b2_bar = Y_bar.sum(axis=0)
    H_bar = {h_bar}
    Z_bar = {z_bar}
    W1_bar = {w1_bar}
    b1_bar = {b1_bar}
    return W1_bar, b1_bar, W2_bar, b2_bar
"""
RIGHT = dict(
    y_bar="(Y - T) / X.shape[0]",
    h_bar="Y_bar @ W2",
    z_bar="H_bar * sigmoid_prime(Z)",
    w1_bar="Z_bar.T @ X",
    b1_bar="Z_bar.sum(axis=0)",
)


def backward_with(**kw) -> str:
    return BACKWARD.format(**{**RIGHT, **kw})


from tests.grader.corpus_code import (  # noqa: E402 - after the helpers they use
    BACKGROUND,
    EXIT,
    GIANT_OUTPUT,
    HOOKS,
    LIAR,
    MEMORY_BOMB,
    OS_EXIT,
    PATCH_NUMPY,
    READ_FILES,
    STUBBORN_LOOP,
)


def _huge_output():
    nb = copy.deepcopy(_nb(E4, "solution"))
    blob = "0123456789" * 100_000  # 1 MB per output, 8 MB total
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = [nbformat.v4.new_output("stream", name="stdout", text=blob)]
    return _text(nb)


def entries() -> list[Entry]:
    es: list[Entry] = []
    for ex, full in FULL.items():
        es.append(Entry(ex, "solution", replace(ex, "solution", {}), total=full, status="ok"))
        es.append(
            Entry(
                ex,
                "student-untouched",
                replace(ex, "student", {}),
                total=0,
                status="ok",
                feedback=("not implemented yet",) if ex in (E1, E3, E4) else ("not defined",),
            )
        )
    # exercise 1: phi and classify right, weights for OR: (1, 1) misclassified -> 3 of 4 points
    es.append(
        Entry(
            E1,
            "weights-for-or",
            replace(E1, "solution", {"q3-solution": "w = np.array([1.0, 1.0, 0.0])\nb = -0.5"}),
            points={"q1": 2, "q2": 2, "q3": 2.25, "q4": 2},
            feedback=("3 of 4 points correct", "(1, 1)"),
        )
    )
    # exercise 2: ReLU bump with 8 units (half the units point), and a bad approximation
    eight = (
        "s = 0.01\nrelu_params = [(np.ones((8, 1)), np.tile([-(a - s), -a, -c, -(c + s)], 2)),"
        " (np.array([[1, -1, -1, 1] * 2]) / (2 * s), np.zeros(1))]\n"
        'relu_activations = ["relu", "identity"]'
    )
    es.append(
        Entry(
            E2,
            "eight-units",
            replace(E2, "solution", {"q2-solution": eight}),
            points={"q1": 3, "q2": 2.5, "q3": 3},
            feedback=("8 hidden units",),
        )
    )
    wide = eight.replace("s = 0.01", "s = 0.25")  # ramps too wide: error 0.2 at the edge zone
    es.append(Entry(E2, "wide-ramps", replace(E2, "solution", {"q2-solution": wide}),
                    max_total=8, feedback=("sup error",)))  # fmt: skip
    # exercise 3: missing sigma' in the logistic gradients; only one path in t_bar
    es.append(
        Entry(
            E3,
            "no-sigma-prime",
            insert_after(
                E3,
                "solution",
                "q1-solution",
                "def logistic_ls_grads(w, b, x, t):\n    y = sigmoid(w * x + b)\n"
                "    return (y - t) * x, (y - t)\n",
            ),
            points={"q1": 1, "q2": 5},
            feedback=("missing the factor sigma'(z)",),
        )
    )
    es.append(
        Entry(
            E3,
            "one-path",
            insert_after(
                E3,
                "solution",
                "q2-solution",
                "_fb = f_backward\ndef f_backward(t):\n    d = _fb(t)\n"
                "    d['t_bar'] = d['x_bar'] * -np.sin(t)\n    return d\n",
            ),
            points={"q1": 4, "q2": 3},
            feedback=("only the path through x",),
        )
    )
    # exercise 4: the classic backprop mistakes
    wrong = {
        "missing-transpose": (dict(h_bar="Y_bar @ W2.T"), "missing transpose"),
        "missing-sigma-prime": (dict(z_bar="H_bar"), "missing sigma'(z)"),
        "sigma-prime-of-h": (dict(z_bar="H_bar * sigmoid_prime(Hid)"), "sigma' taken at h"),
        "b-not-summed": (dict(b1_bar="Z_bar"), "not summing over the batch"),
        "sign-error": (dict(y_bar="(T - Y) / X.shape[0]"), "sign error"),
        "no-batch-mean": (dict(y_bar="(Y - T)"), "averaged over the batch"),
        "w1-transposed": (dict(w1_bar="X.T @ Z_bar"), "transposed"),
    }
    # exact points that hold for every seed (the shapes always include B = 1, a square case
    # and batches with B >= 2); None: only "less than full marks" is asserted
    expected_points = {
        "missing-transpose": None,  # crashes unless H == K: depends on the random shapes
        "missing-sigma-prime": {"q1": 3, "q2": 2.5},  # W2_bar, b2_bar right; W1, b1 never
        "sigma-prime-of-h": {"q1": 3, "q2": 2.5},
        "b-not-summed": {"q1": 3, "q2": 4},  # b1_bar has the wrong shape, even for B = 1
        "sign-error": {"q1": 3, "q2": 0},
        "no-batch-mean": {"q1": 3, "q2": 5 / 6},  # right only for the batch of one
        "w1-transposed": {"q1": 3, "q2": 3.5},
    }
    for name, (kw, text) in wrong.items():
        es.append(
            Entry(
                E4,
                name,
                insert_after(E4, "solution", "q2-solution", backward_with(**kw)),
                points=expected_points[name],
                max_total=FULL[E4] - 0.5,
                feedback=(text,),
            )
        )
    # exercise 4: attacks on a notebook with wrong (zero) answers -- must score 0
    zero_answers = (
        "def forward(X, W1, b1, W2, b2):\n    return 0, 0, 0\n"
        "def squared_error(Y, T):\n    return 0.0\n"
        "def backward(X, T, W1, b1, W2, b2):\n    return 0, 0, 0, 0\n"
    )
    es += [
        Entry(E4, "attack-patch-numpy",
              replace(E4, "student", {}, append=(PATCH_NUMPY, zero_answers)), total=0),
        Entry(E4, "attack-lying-eq", replace(E4, "student", {}, append=(LIAR,)), total=0,
              feedback=("returned object of type Liar",)),
        Entry(E4, "attack-hooks", replace(E4, "student", {}, append=(zero_answers, HOOKS)),
              total=0),
        Entry(E4, "attack-hooks-after-answers",  # hooks cannot turn wrong into right
              replace(E4, "student", {}, append=(HOOKS, zero_answers)), total=0),
        Entry(E4, "attack-deleted-tests", _without_tests(E4, "student"), total=0),
        Entry(E4, "attack-edited-tests",
              replace(E4, "student", {"q1-test": "assert True", "q2-test": "pass"}), total=0),
        Entry(E4, "attack-read-solutions", replace(E4, "student", {}, append=(READ_FILES,)),
              total=0, needs_bwrap=True),
        Entry(E4, "attack-stubborn-loop", replace(E4, "student", {}, append=(STUBBORN_LOOP,)),
              total=0, status="ok", feedback=("did not finish in time", "second time")),
        Entry(E4, "stubborn-loop-then-solution",  # rerun without the looping cell: deserved
              prepend(E4, "solution", STUBBORN_LOOP), total=FULL[E4],
              feedback=("did not finish in time",)),
        Entry(E4, "stubborn-loops-everywhere",  # a second runaway cell: timeout, answers lost
              replace(E4, "solution", {"q1-test": STUBBORN_LOOP, "q2-test": STUBBORN_LOOP}),
              max_total=0, status="timeout", feedback=("did not finish within",)),
        Entry(E4, "infinite-loop-cell",  # caught by the per-cell limit; the answers count
              prepend(E4, "solution", "while True:\n    pass"), total=FULL[E4],
              feedback=("timeout",)),
        Entry(E4, "infinite-loop-in-backward",
              insert_after(E4, "solution", "q2-solution",
                           "def backward(X, T, W1, b1, W2, b2):\n    while True:\n        pass"),
              points={"q1": 3, "q2": 0}, feedback=("did not finish within the time limit",)),
        Entry(E4, "attack-sys-exit", prepend(E4, "solution", EXIT), total=FULL[E4],
              feedback=("SystemExit",)),
        Entry(E4, "attack-os-exit", prepend(E4, "student", OS_EXIT), total=0,
              feedback=("ended the process",)),
        Entry(E4, "os-exit-then-solution", prepend(E4, "solution", OS_EXIT), total=FULL[E4],
              feedback=("ended the process",)),
        Entry(E4, "os-exit-at-the-end", replace(E4, "solution", {}, append=(OS_EXIT,)),
              total=FULL[E4]),
        Entry(E4, "background-processes", prepend(E4, "solution", BACKGROUND), total=FULL[E4]),
        Entry(E4, "attack-memory-bomb", prepend(E4, "student", MEMORY_BOMB), total=0,
              feedback=("MemoryError",)),
        Entry(E4, "memory-bomb-then-solution", prepend(E4, "solution", "x = bytearray(10**11)"),
              total=FULL[E4], feedback=("MemoryError",)),
        Entry(E4, "giant-output-solution", prepend(E4, "solution", GIANT_OUTPUT),
              total=FULL[E4], status="ok"),
        Entry(E4, "huge-stored-outputs", _huge_output, total=FULL[E4], status="ok"),
        Entry(E4, "stderr-solution",
              prepend(E4, "solution", "import sys\nprint('warning!', file=sys.stderr)"),
              total=FULL[E4]),
        Entry(E4, "not-json", raw(b"{\"cells\": [ this is not json"), total=0,
              status="invalid notebook"),
        Entry(E4, "not-a-notebook", raw('{"cells": 5}'), total=0, status="invalid notebook"),
        Entry(E4, "empty-file", raw(b""), total=0, status="invalid notebook"),
        Entry(E4, "missing-backward",
              replace(E4, "solution", {"q2-solution": "def back_ward(X, T, W1, b1, W2, b2):\n"
                                                      "    return None"}),
              points={"q1": 3, "q2": 0}, feedback=("`backward` is not defined",)),
        Entry(E4, "magics", prepend(E4, "solution", "%matplotlib inline\n!ls /", "%%timeit\n1"),
              total=FULL[E4]),
    ]  # fmt: skip
    es += [
        Entry(E1, "attack-patch-numpy", replace(E1, "student", {}, append=(PATCH_NUMPY,)), total=0),
        Entry(E1, "attack-liar-weights", replace(E1, "student", {}, append=(
            LIAR + "\nw = Liar()\nb = Liar()\nphi = classify = margin = lambda *a: Liar()",)),
            total=0),
        Entry(E5, "attack-liar-network", replace(E5, "student", {}, append=(
            LIAR + "\nab_params = [(Liar(), Liar())]\nab_activations = Liar()",)), total=0),
        Entry(E5, "linear-model", replace(E5, "solution", {"q1-solution":
            "ab_params = [(np.ones((1, 16)), np.zeros(1))]\nab_activations = ['sigmoid']"}),
            total=0),
    ]  # fmt: skip
    from tests.grader.corpus_issue13 import issue13_entries
    from tests.grader.corpus_shortcuts import shortcut_entries

    return es + issue13_entries() + shortcut_entries() + exercise_entries()


def exercise_entries() -> list[Entry]:
    """The entries of the exercises with a corpus module of their own (corpus_exNN.py)."""
    import importlib

    out: list[Entry] = []
    for path in sorted(Path(__file__).parent.glob("corpus_ex[0-9][0-9].py")):
        out += importlib.import_module(f"tests.grader.{path.stem}").entries()
    return out


def _without_tests(exercise, which):
    def build():
        nb = copy.deepcopy(_nb(exercise, which))
        nb.cells = [c for c in nb.cells if "test" not in c.get("metadata", {}).get("tags", [])]
        return _text(nb)

    return build


def write(out: Path, only: str | None = None) -> dict[str, list[Entry]]:
    """Write every entry under ``out/<exercise>/`` (``<name>.ipynb`` or its ``path``);
    return the entries by exercise."""
    by_ex: dict[str, list[Entry]] = {}
    for e in entries():
        if only and e.exercise != only:
            continue
        d = out / e.exercise
        d.mkdir(parents=True, exist_ok=True)
        rel = e.path if e.path is not None else f"{e.name}.ipynb"
        path = d / (os.fsdecode(rel) if isinstance(rel, bytes) else rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        if e.symlink_to is not None:
            (path if e.path else d / e.name).symlink_to(e.symlink_to)
        else:
            _put(path, with_own_id(e.build(), e.sid) if e.own_id else e.build())
        for rel_extra, build in e.extra.items():
            _put(d / rel_extra, build())
        by_ex.setdefault(e.exercise, []).append(e)
    return by_ex


def with_own_id(data: str | bytes, sid: str) -> str | bytes:
    """The notebook with ``STUDENT_ID`` set to the id it is submitted under (as a student
    fills in the first cell); anything that is not such a notebook is left as it is."""
    try:
        nb = nbformat.reads(data, as_version=4)
        cell = next(c for c in nb.cells if c.get("id") == "student-id")
    except Exception:  # noqa: BLE001 - raw bytes, broken JSON, no id cell: written as built
        return data
    cell.source = f"STUDENT_ID = {sid!r}"
    return _text(nb)


def _put(path: Path, data: str | bytes) -> None:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)


if __name__ == "__main__":
    write(Path(sys.argv[1]))
