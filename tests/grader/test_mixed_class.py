"""A class of 60 graded in ONE run: honest students (written the way students write:
magics, help, shell escapes, folders), honest mistakes and attacks side by side.  Nobody's
score depends on a neighbour: every submission gets exactly the points it earns, and the
run's files are complete for all of them."""

from __future__ import annotations

import json

import pytest

from autograde.grade import grade_folder
from autograde.sandbox import Limits
from tests.grader import corpus
from tests.grader.corpus import E4, Entry, edit, insert_after, prepend, replace
from tests.grader.test_corpus import check_outputs

LIMITS = Limits(wall_seconds=90, cpu_seconds=8, cell_seconds=3, call_seconds=2)
STYLES = [  # how honest students leave their notebooks
    lambda: replace(E4, "solution", {}),
    lambda: prepend(E4, "solution", "%matplotlib inline\n!pip install numpy"),
    lambda: edit(E4, "solution", "q2-solution", lambda s: "%%time\n" + s),
    lambda: insert_after(E4, "solution", "q1-solution", "forward?"),
    lambda: insert_after(E4, "solution", "q2-test", "%timeit backward(X, T, W1, b1, W2, b2)"),
]
ATTACKS = {  # corpus entries of exercise 4 that need nothing but themselves
    "attack-patch-numpy", "attack-lying-eq", "attack-hooks", "attack-hooks-after-answers",
    "attack-deleted-tests", "attack-edited-tests", "attack-stubborn-loop",
    "stubborn-loop-then-solution", "infinite-loop-in-backward", "attack-sys-exit",
    "attack-os-exit", "os-exit-then-solution", "background-processes", "attack-memory-bomb",
    "memory-bomb-then-solution", "giant-output-solution", "not-json", "empty-file",
    "surrogate-exception", "surrogate-in-graded-error", "non-utf8-name", "huge-numbers",
    "linked-folder", "dupe-folder", "dupe-2-file", "dupe-file", "formula-name", "host-paths",
}  # fmt: skip
MISTAKES = {"missing-sigma-prime", "sigma-prime-of-h", "b-not-summed", "sign-error",
            "no-batch-mean", "w1-transposed", "student-untouched", "missing-backward"}  # fmt: skip


def mixed_class() -> list[Entry]:
    by_name = {e.name: e for e in corpus.entries() if e.exercise == E4}
    honest = []
    for i in range(24):
        path = f"honest-{i:02d}/work.ipynb" if i % 3 == 0 else None
        honest.append(
            Entry(E4, f"honest-{i:02d}", STYLES[i % len(STYLES)](), total=8, status="ok",
                  path=path)
        )  # fmt: skip
    picked = [by_name[n] for n in sorted(MISTAKES | ATTACKS)]
    return honest + picked


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    entries = mixed_class()
    subs = root / E4
    real = corpus.entries
    corpus.entries = lambda: entries  # write() writes exactly this class
    try:
        corpus.write(root)
    finally:
        corpus.entries = real
    out = root / "out"
    res = grade_folder(E4, subs, out, jobs=2, seed=7, limits=LIMITS, quiet=True)
    return entries, out, {g.student: g for g in res}


def test_sixty_submissions_in_one_run(graded_class):
    entries, out, res = graded_class
    assert len(entries) == 60 and set(res) == {e.sid for e in entries}
    check_outputs(out, res, 8)
    run = json.loads((out / "run.json").read_text())
    print(f"\nmixed class of {len(res)}: graded in {run['seconds']} s with 2 jobs")


@pytest.mark.parametrize("entry", mixed_class(), ids=lambda e: e.name)
def test_each_gets_what_it_earns(graded_class, entry):
    _, out, res = graded_class
    g = res[entry.sid]
    assert g.status not in ("grader error", "grader timeout (machine busy)"), g.notes
    if entry.total is not None:
        assert g.total == pytest.approx(entry.total, abs=1e-3), (g.notes, g.checks)
    if entry.max_total is not None:
        assert g.total <= entry.max_total + 1e-9
    for q, p in (entry.points or {}).items():
        assert g.questions[q] == pytest.approx(p, abs=1e-3), (g.notes, g.checks)
    if entry.status is not None:
        assert g.status == entry.status, g.notes
