"""The student notebooks are generated from the solutions, up to date, and leak nothing."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograde import release as R

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(p for p in (ROOT / "exercises").iterdir() if (p / "solution.ipynb").is_file())


def test_at_least_five_exercises_each_with_spec_and_student():
    assert len(EXERCISES) >= 5
    for ex in EXERCISES:
        assert (ex / "spec.py").is_file() and (ex / "student.ipynb").is_file()


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda p: p.name)
def test_student_notebook_up_to_date_and_without_solutions(ex):
    assert R.check(ex) == []


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda p: p.name)
def test_solution_notebook_executed_with_outputs_and_markers(ex):
    nb = nbformat.read(ex / "solution.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "execute the solution notebook"
    assert any(R.BEGIN in c.source for c in code)
    student = nbformat.read(ex / "student.ipynb", as_version=4)
    assert [c.id for c in student.cells] == [c.id for c in nb.cells]  # stable cell ids
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


def test_check_release_command_passes():
    p = subprocess.run(
        [sys.executable, "-m", "autograde", "check-release"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr


def _copy_exercise(tmp_path: Path) -> Path:
    ex = tmp_path / "exercises" / EXERCISES[0].name
    ex.mkdir(parents=True)
    for name in ("solution.ipynb", "student.ipynb", "spec.py"):
        (ex / name).write_bytes((EXERCISES[0] / name).read_bytes())
    return ex


def test_stale_student_notebook_is_detected(tmp_path):
    ex = _copy_exercise(tmp_path)
    nb = nbformat.read(ex / "solution.ipynb", as_version=4)
    nb.cells[0].source += "\n\nA new sentence."
    nbformat.write(nb, ex / "solution.ipynb")
    assert any("out of date" in p for p in R.check(ex))
    R.release(ex)
    assert R.check(ex) == []


def test_leaked_solution_line_is_detected(tmp_path):
    ex = _copy_exercise(tmp_path)
    sol = nbformat.read(ex / "solution.ipynb", as_version=4)
    secret = sorted(R.secret_lines(sol))[0]
    student = nbformat.read(ex / "student.ipynb", as_version=4)
    cell = next(c for c in student.cells if c.cell_type == "code")
    cell.source += "\n" + secret
    (ex / "student.ipynb").write_text(R.render(student))
    problems = R.check(ex)
    assert any("solution line" in p for p in problems)


def test_release_replaces_regions_and_clears_outputs():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x * 42\n    ### END SOLUTION",
            id="a",
        ),
        nbformat.v4.new_markdown_cell(
            "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", id="b"
        ),
    ]
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    nb.cells[0].execution_count = 3
    student, hidden = R.make_student(nb)
    assert student.cells[0].source == (
        "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    )
    assert student.cells[1].source == "Why?\nYOUR ANSWER HERE"
    assert student.cells[0].outputs == [] and student.cells[0].execution_count is None
    assert [c.id for c in student.cells] == ["a", "b"]
    assert "    return x * 42" in hidden
    assert R.secret_lines(nb) == {"return x * 42", "Because."}


@pytest.mark.parametrize(
    "src",
    [
        "### BEGIN SOLUTION\nx = 1",
        "x = 1\n### END SOLUTION",
        "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
    ],
)
def test_unbalanced_markers_are_an_error(src):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, id="a")]
    with pytest.raises(R.ReleaseError):
        R.make_student(copy.deepcopy(nb))
