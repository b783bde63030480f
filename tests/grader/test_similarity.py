"""The copied-work report on exercise 4's class: a planted pair among honest solutions.

``pat`` copied ``ana`` with every name changed, the definitions reordered and the solution
cells swapped; ``ben`` and ``cai`` wrote their own; ``dee`` and ``eve`` handed in the released
notebook untouched (tests/grader/classrun.py).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import nbformat
import pytest

from autograde.similarity import (
    SimilarityError,
    compare_notebooks,
    find_notebooks,
    notebook_code,
    write_similarity_report,
)
from tests.grader.classrun import EXERCISE, HONEST, ROOT, notebook

BOILERPLATE = [EXERCISE / "student.ipynb"]


@pytest.fixture(scope="module")
def ranked(class_run):
    subs, _ = class_run
    pairs, own = compare_notebooks(find_notebooks(subs), BOILERPLATE)
    return {frozenset((p.a, p.b)): p for p in pairs}, pairs, own


def test_planted_pair_ranks_first_well_above_honest_pairs(ranked):
    by_pair, pairs, _ = ranked
    assert {pairs[0].a, pairs[0].b} == {"ana", "pat"}
    planted = pairs[0].score
    honest = [by_pair[frozenset((a, b))].score for a in HONEST for b in HONEST if a < b]
    honest += [by_pair[frozenset(("pat", s))].score for s in HONEST if s != "ana"]
    assert planted >= 0.6 and max(honest) <= 0.35 and planted > 2 * max(honest)
    assert pairs[0].html_a.count("<mark>") >= 2  # the shared code is highlighted


def test_released_code_is_subtracted(ranked, class_run):
    by_pair, _, own = ranked
    assert own["dee"] == own["eve"] == 0 and min(own[s] for s in HONEST) > 100
    assert all(p.score == 0 for k, p in by_pair.items() if k & {"dee", "eve"})
    # without subtracting it, the two untouched notebooks look like copies of each other
    subs, _ = class_run
    raw = {s: subs / f"{s}.ipynb" for s in ("dee", "eve", "ana")}
    pairs, _ = compare_notebooks(raw, [])
    assert {pairs[0].a, pairs[0].b} == {"dee", "eve"} and pairs[0].score > 0.9


def test_report_files(class_run, tmp_path):
    subs, out = class_run
    csv_path, html_path, pairs = write_similarity_report(subs, tmp_path / "inst", BOILERPLATE)
    rows = list(csv.DictReader(csv_path.open()))
    assert len(rows) == 28 == len(pairs)  # 8 submissions, every pair once
    assert (rows[0]["rank"], {rows[0]["student_a"], rows[0]["student_b"]}) == ("1", {"ana", "pat"})
    assert rows[0]["flagged"] == "yes" and sum(r["flagged"] == "yes" for r in rows) == 1
    page = html_path.read_text()
    assert "instructor only" in page and "dee, eve" in page
    listed = sum(float(r["score"]) > 0 for r in rows)
    assert page.count("<tr") == 1 + listed and f"{28 - listed} more pairs" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # no outside request
    # nothing of it reaches the students' feedback
    assert not any("similar" in f.read_text().lower() for f in (out / "feedback").glob("*.md"))


def test_student_code_is_escaped_in_the_html(tmp_path):
    evil = "def forward(X, W1, b1, W2, b2):\n    s = '<script>alert(1)</script>'\n    return X\n"
    for name in ("x", "y"):
        nbformat.write(notebook(evil * 3, None), tmp_path / f"{name}.ipynb")
    _, html_path, pairs = write_similarity_report(tmp_path, tmp_path / "inst", BOILERPLATE)
    assert pairs[0].score > 0.9
    page = html_path.read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_magics_and_shell_lines_are_commented(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%matplotlib inline\n!pip install x\nx = 1"),
                nbformat.v4.new_markdown_cell("text")]  # fmt: skip
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert notebook_code(tmp_path / "a.ipynb") == "# %matplotlib inline\n# !pip install x\nx = 1\n"


def test_bad_input_is_named(tmp_path):
    (tmp_path / "a.ipynb").write_text("not json")
    (tmp_path / "b.ipynb").write_text("{}")
    with pytest.raises(SimilarityError, match=r"a.ipynb is not a readable notebook"):
        write_similarity_report(tmp_path, tmp_path / "inst", [])
    (tmp_path / "a.ipynb").unlink()
    with pytest.raises(SimilarityError, match="holds 1 notebook.s.: nothing to compare"):
        write_similarity_report(tmp_path, tmp_path / "inst", [])


def test_similarity_command(class_run, tmp_path):
    subs, out = class_run
    dest = tmp_path / "inst"
    cmd = [sys.executable, "-m", "autograde", "similarity", str(out), str(subs), "--dest",
           str(dest)]  # fmt: skip
    p = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr  # the exercise is found from run.json
    assert "28 pairs, 1 at or above 50%" in p.stdout
    assert (dest / "similarity.html").is_file() and (dest / "similarity.csv").is_file()
    (tmp_path / "run.json").write_text("{}")
    (tmp_path / "grades.csv").write_text("student,total\n")
    p = subprocess.run([*cmd[:4], str(tmp_path), str(subs)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert p.returncode == 2 and "pass --exercise NN or --boilerplate" in p.stderr
    again = [*cmd[:4], str(tmp_path), str(subs), "--exercise", "04", "--dest", str(dest)]
    p = subprocess.run(again, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr


def test_the_notebook_the_grader_chose_is_compared(class_run, tmp_path):
    subs, _ = class_run
    folder = tmp_path / "subs"
    for name in ("ana", "pat"):  # two notebooks each: the grader graded the second one
        (folder / name).mkdir(parents=True)
        (folder / name / "a-draft.ipynb").write_bytes((subs / "dee.ipynb").read_bytes())
        (folder / name / "final.ipynb").write_bytes((subs / f"{name}.ipynb").read_bytes())
    (folder / "ben.ipynb").write_bytes((subs / "ben.ipynb").read_bytes())
    records = [{"student": "ana", "file": "ana/final.ipynb"},
               {"student": "pat", "file": str(folder / "pat" / "final.ipynb")},
               {"student": "ben", "file": None}]  # fmt: skip
    _, _, pairs = write_similarity_report(folder, tmp_path / "i", BOILERPLATE, records=records)
    assert {pairs[0].a, pairs[0].b} == {"ana", "pat"} and pairs[0].score > 0.6
    _, _, first = write_similarity_report(folder, tmp_path / "j", BOILERPLATE)
    assert first[0].score == 0  # by the folder rule alone: the drafts, untouched notebooks


def test_pairs_skipped_by_the_index_really_share_nothing(class_run, monkeypatch):
    import itertools

    import autograde.similarity as sim

    subs, _ = class_run
    fast, _ = compare_notebooks(find_notebooks(subs), BOILERPLATE)
    every = lambda prints: set(itertools.combinations(sorted(prints), 2))  # noqa: E731
    monkeypatch.setattr(sim, "_pairs_sharing_a_fingerprint", every)
    slow, _ = compare_notebooks(find_notebooks(subs), BOILERPLATE)
    assert [(p.a, p.b, p.share_a, p.share_b, p.tokens) for p in fast] == [
        (p.a, p.b, p.share_a, p.share_b, p.tokens) for p in slow
    ]
