"""Corpus entries for the cases of issue 13: encodings, Jupyter syntax, notebook choice,
links, names, strings as numbers, a network too large to judge naively, host paths."""

from __future__ import annotations

import sys

import nbformat

from tests.grader.corpus import (
    E1,
    E2,
    E4,
    E5,
    EXERCISES,
    ROOT,
    Entry,
    _text,
    backward_with,
    edit,
    insert_after,
    prepend,
    raw,
    replace,
)
from tests.grader.corpus_code import BLACK_CONTINUATION, FORGED_NUMBERS, HOST_PATHS, _wide_relu


def issue13_entries() -> list[Entry]:
    sol4, stu4 = replace(E4, "solution", {}), replace(E4, "student", {})
    empty = raw(_text(nbformat.v4.new_notebook()))
    return [
        Entry(E4, "surrogate-exception",
              prepend(E4, "solution", 'raise ValueError("\\udc80 boom")'), total=8,
              status="ok", feedback=("boom",)),
        Entry(E4, "surrogate-in-graded-error",
              insert_after(E4, "solution", "q2-solution",
                           "def backward(*a):\n    raise ValueError('bad \\udc80 grad')"),
              points={"q1": 3, "q2": 0}, status="ok", feedback=("bad", "grad")),
        Entry(E4, "non-utf8-name", sol4, path=b"caf\xe9.ipynb", student="caf\\xe9", total=8),
        Entry(E4, "huge-numbers", replace(E4, "solution", {}, append=(FORGED_NUMBERS,)),
              points={"q1": 5 / 3, "q2": 5}, status="ok",  # fwd0 forged as NaN: 5 of 6
              feedback=("NaN or infinity",)),
        Entry(E4, "cell-magic-time", edit(E4, "solution", "q2-solution", lambda s: "%%time\n" + s),
              total=8, status="ok"),
        Entry(E4, "black-continuation",
              insert_after(E4, "solution", "q2-solution", BLACK_CONTINUATION), total=8),
        Entry(E4, "help-syntax", insert_after(E4, "solution", "q1-solution", "sigmoid_prime?"),
              total=8, not_in_feedback=("SyntaxError",)),
        Entry(E4, "untitled-and-student", sol4, path="untitled-and-student/student.ipynb",
              extra={"untitled-and-student/Untitled.ipynb": empty}, total=8,
              feedback=("graded student.ipynb",)),
        Entry(E4, "one-changed-of-two", sol4, path="one-changed-of-two/my-work.ipynb",
              extra={"one-changed-of-two/copy.ipynb": stu4}, total=8,
              feedback=("graded my-work.ipynb, the only notebook that differs",)),
        Entry(E4, "two-changed", sol4, path="two-changed/a.ipynb",
              extra={"two-changed/b.ipynb": empty}, total=0,
              status="refused (which notebook?)", feedback=("holds 2 notebooks",)),
        Entry(E4, "linked-folder", sol4, symlink_to=EXERCISES / E4, total=0,
              status="refused (symbolic link)"),
        Entry(E4, "linked-notebook", sol4, path="linked-notebook.ipynb",
              symlink_to=EXERCISES / E4 / "solution.ipynb", total=0,
              status="refused (symbolic link)"),
        Entry(E4, "dupe-folder", sol4, path="dupe/x.ipynb", student="dupe", total=8),
        Entry(E4, "dupe-2-file", stu4, path="dupe (2).ipynb", student="dupe (2)", total=0),
        Entry(E4, "dupe-file", insert_after(E4, "solution", "q2-solution",
                                            backward_with(y_bar="(T - Y) / X.shape[0]")),
              path="dupe.ipynb", student="dupe #2", points={"q1": 3, "q2": 0},
              feedback=("also named 'dupe'",)),
        Entry(E4, "formula-name", sol4, path="=2+3.ipynb", student="=2+3", total=8),
        Entry(E4, "host-paths", prepend(E4, "solution", HOST_PATHS), total=8,
              feedback=("no_such_name",),
              not_in_feedback=(sys.prefix, str(ROOT), "/tmp/")),
        Entry(E1, "weights-as-strings",
              replace(E1, "solution", {"q3-solution": 'w = ["1", "1", "-2"]\nb = "-0.5"'}),
              points={"q1": 2, "q2": 2, "q3": 0, "q4": 2}, feedback=("not strings",)),
        Entry(E5, "weights-as-strings", replace(E5, "solution", {}, append=(
            "ab_params = [([[str(v) for v in row] for row in W.tolist()], "
            "[str(v) for v in b.tolist()]) for W, b in ab_params]",)), total=0,
            feedback=("arrays of numbers",)),
        Entry(E2, "wide-network", replace(E2, "solution", {}, append=(_wide_relu(66_664),)),
              points={"q1": 3, "q2": 2, "q3": 3}, feedback=("66664 hidden units",)),
        Entry(E2, "too-wide-network", replace(E2, "solution", {}, append=(_wide_relu(70_000),)),
              points={"q1": 3, "q2": 0, "q3": 3}, feedback=("more than 200000 parameters",)),
    ]  # fmt: skip
