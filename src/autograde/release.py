"""Make the student notebook from the solution notebook, and check it is up to date.

In a code cell, every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is
replaced by ``raise NotImplementedError()`` at the marker's indentation; in a markdown cell
by ``YOUR ANSWER HERE``.  Outputs and execution counts are cleared, cell ids are kept (so
they are stable across releases), and the file is written deterministically.  Unbalanced
markers are an error: nothing is released silently with a solution in it.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from autograde import publish

STUDENT_ID_CELL = "student-id"
STUDENT_ID_LINE = re.compile(r'^(STUDENT_ID = )"[^"\n]*"(.*)$', re.M)
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"


class ReleaseError(ValueError):
    """The solution notebook's markers are malformed."""


def _strip_source(src: str, cell_type: str, where: str) -> tuple[str, list[str]]:
    out: list[str] = []
    hidden: list[str] = []
    inside = False
    for line in src.split("\n"):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if inside:
                raise ReleaseError(f"{where}: nested {BEGIN}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            if cell_type == "code":
                out.append(f"{indent}# YOUR CODE HERE")
                out.append(f"{indent}raise NotImplementedError()")
            else:
                out.append("YOUR ANSWER HERE")
            continue
        if stripped.startswith(END):
            if not inside:
                raise ReleaseError(f"{where}: {END} without {BEGIN}")
            inside = False
            continue
        if inside:
            hidden.append(line)
        else:
            out.append(line)
    if inside:
        raise ReleaseError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out), hidden


def make_student(solution: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[str]]:
    """Return the student notebook and the solution lines it must not contain."""
    nb = copy.deepcopy(solution)
    hidden: list[str] = []
    for i, cell in enumerate(nb.cells):
        where = f"cell {i} ({cell.get('id', '?')})"
        if cell.cell_type in ("code", "markdown"):
            cell.source, h = _strip_source(cell.source, cell.cell_type, where)
            hidden += h
        if cell.get("id") == STUDENT_ID_CELL:  # each student writes their own id
            cell.source = STUDENT_ID_LINE.sub(r'\1""\2', cell.source)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            meta = dict(cell.get("metadata", {}))
            meta.pop("execution", None)
            cell.metadata = nbformat.from_dict(meta)
    meta = dict(nb.metadata)
    meta.pop("widgets", None)
    nb.metadata = nbformat.from_dict(meta)
    return nb, hidden


def secret_lines(solution: nbformat.NotebookNode) -> set[str]:
    """Solution lines (stripped, non-blank) that do not also occur outside the regions."""
    student, hidden = make_student(solution)
    public = {ln.strip() for c in student.cells for ln in c.source.split("\n")}
    return {h.strip() for h in hidden if h.strip() and h.strip() not in public}


def render(nb: nbformat.NotebookNode) -> str:
    """The exact text a notebook is committed as."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def release(ex_dir: Path) -> Path:
    """Write ``student.ipynb`` next to ``solution.ipynb``; return its path."""
    sol = nbformat.read(ex_dir / "solution.ipynb", as_version=4)
    student, _ = make_student(sol)
    nbformat.validate(student)
    path = ex_dir / "student.ipynb"
    path.write_text(render(student))
    publish.write(ex_dir)
    return path


def check(ex_dir: Path) -> list[str]:
    """Problems with the committed student notebook (empty list when it is up to date)."""
    problems = publish.stale(ex_dir)
    sol = nbformat.read(ex_dir / "solution.ipynb", as_version=4)
    expected, _ = make_student(sol)
    path = ex_dir / "student.ipynb"
    if not path.exists():
        return [f"{path} is missing: run `python -m autograde release`"]
    text = path.read_text()
    if text != render(expected):
        problems.append(f"{path} is out of date: run `python -m autograde release`")
    try:
        committed = nbformat.reads(text, as_version=4)
    except Exception as e:  # noqa: BLE001
        return [*problems, f"{path} is not a valid notebook: {e}"]
    secrets_ = secret_lines(sol)
    for cell in committed.cells:
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            problems.append(f"{path}: cell {cell.get('id')} has outputs")
        for ln in cell.source.split("\n"):
            s = ln.strip()
            if s in secrets_ or BEGIN in s or END in s:
                problems.append(f"{path}: cell {cell.get('id')} contains a solution line: {s!r}")
    return problems
