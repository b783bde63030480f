"""The reading path of the chapters: short visible code, and self-check quizzes.

A reader of the book sees the code cells that are not collapsed or removed; verification
and figure-building cells carry ``hide-input``, ``remove-input``, ``remove-cell`` (or
``hide-cell``) and still run. Read from the chapter notebooks with nbformat:

* chapters 1-7: no visible code cell longer than 15 lines (chapters 8-10 may show the whole
  backward pass they teach);
* all chapters together: at most 900 visible lines of code;
* every chapter: at least three quizzes (calls of ``quiz.choice(`` or ``quiz.numeric(`` in
  its code cells).

Each check is also run on a synthetic notebook that breaks it, so none passes vacuously.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.browser.helpers import REPO, chapter_notebooks

HIDDEN_TAGS = {"hide-input", "remove-input", "remove-cell", "hide-cell"}
MAX_CELL_LINES = 15  # chapters 1 to LAST_SHORT_CHAPTER
LAST_SHORT_CHAPTER = 7
MAX_TOTAL_LINES = 900  # over all chapters
MIN_QUIZZES = 3
QUIZ_CALL = re.compile(r"\bquiz\.(?:choice|numeric)\(")

CHAPTERS = chapter_notebooks()


def _id(path: Path) -> str:
    return path.stem


def chapter_number(path: Path) -> int:
    m = re.match(r"(\d+)-", path.name)
    assert m, f"{path.name}: a chapter's file name starts with its number (01-...)"
    return int(m.group(1))


def visible_code_cells(nb: nbformat.NotebookNode) -> list[tuple[str, int]]:
    """(cell id, number of lines) of every code cell a reader sees with its code."""
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        lines = cell.source.rstrip().splitlines()
        if lines:
            cells.append((cell.get("id") or f"cell {i}", len(lines)))
    return cells


def long_cells(path: Path, nb: nbformat.NotebookNode | None = None) -> list[str]:
    """The visible code cells over the per-cell budget (none checked after chapter 7)."""
    if chapter_number(path) > LAST_SHORT_CHAPTER:
        return []
    nb = nb or nbformat.read(path, as_version=4)
    return [
        f"{path.name}: visible code cell {cid!r} has {n} lines (at most {MAX_CELL_LINES}; "
        "collapse checks and figure code with the hide-input or remove-input tag)"
        for cid, n in visible_code_cells(nb)
        if n > MAX_CELL_LINES
    ]


def total_visible_lines(notebooks: dict[Path, nbformat.NotebookNode]) -> dict[str, int]:
    return {p.name: sum(n for _, n in visible_code_cells(nb)) for p, nb in notebooks.items()}


def quiz_count(nb: nbformat.NotebookNode) -> int:
    return sum(len(QUIZ_CALL.findall(c.source)) for c in nb.cells if c.cell_type == "code")


def too_few_quizzes(path: Path, nb: nbformat.NotebookNode | None = None) -> list[str]:
    n = quiz_count(nb or nbformat.read(path, as_version=4))
    if n >= MIN_QUIZZES:
        return []
    return [f"{path.name}: {n} quiz(zes), at least {MIN_QUIZZES} (quiz.choice / quiz.numeric)"]


def test_the_chapters_are_found() -> None:
    assert len(CHAPTERS) == 10, [p.name for p in CHAPTERS]
    assert all(p.parent == REPO / "lecture2" for p in CHAPTERS)


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_no_long_visible_code_cell(path: Path) -> None:
    problems = long_cells(path)
    assert not problems, "\n".join(problems)


def test_total_visible_code_over_all_chapters() -> None:
    counts = total_visible_lines({p: nbformat.read(p, as_version=4) for p in CHAPTERS})
    total = sum(counts.values())
    assert total <= MAX_TOTAL_LINES, (
        f"{total} visible lines of code in the chapters (at most {MAX_TOTAL_LINES}): {counts}"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=_id)
def test_at_least_three_quizzes(path: Path) -> None:
    problems = too_few_quizzes(path)
    assert not problems, "\n".join(problems)


# The checks fail when they should -------------------------------------------------------


def _notebook(*cells: tuple[str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for i, (source, tags) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        cell["id"] = f"c{i}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("# A chapter"))
    return nb


def _write(tmp_path: Path, name: str, nb: nbformat.NotebookNode) -> Path:
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_a_long_visible_cell_is_caught(tmp_path: Path) -> None:
    long_code = "\n".join(f"x{i} = {i}" for i in range(MAX_CELL_LINES + 1))
    short_code = "\n".join(f"x{i} = {i}" for i in range(MAX_CELL_LINES))
    bad = _write(tmp_path, "03-bad.ipynb", _notebook((short_code, []), (long_code, [])))
    problems = long_cells(bad)
    assert len(problems) == 1 and "'c1'" in problems[0] and "16 lines" in problems[0]
    # collapsed or removed, the same cell is within budget; trailing blank lines do not count
    for tag in ("hide-input", "remove-input", "remove-cell"):
        ok = _write(tmp_path, f"03-{tag}.ipynb", _notebook((long_code, [tag])))
        assert long_cells(ok) == []
    padded = _write(tmp_path, "03-padded.ipynb", _notebook((short_code + "\n\n\n", [])))
    assert long_cells(padded) == []
    # from chapter 8 on, the backward pass may be shown whole
    assert long_cells(_write(tmp_path, "08-long.ipynb", _notebook((long_code, [])))) == []


def test_too_much_visible_code_is_caught(tmp_path: Path) -> None:
    cell = "\n".join(f"y{i} = {i}" for i in range(10))
    per_chapter = MAX_TOTAL_LINES // 10 // 10 + 1  # cells of 10 lines: just over 90 per chapter
    books = {
        tmp_path / f"{k:02d}-c.ipynb": _notebook(*[(cell, [])] * per_chapter) for k in range(1, 11)
    }
    assert sum(total_visible_lines(books).values()) > MAX_TOTAL_LINES
    hidden = {p: _notebook(*[(cell, ["hide-input"])] * per_chapter) for p in books}
    assert sum(total_visible_lines(hidden).values()) == 0


def test_too_few_quizzes_are_caught(tmp_path: Path) -> None:
    one = 'quiz.choice({"A": "no", "B": "yes"}, answer="B")'
    two = "quiz.numeric([1, 2, 3], answer=2, tol=0)"
    nb = _notebook(("from mlp.figures import quiz", []), (one, ["remove-input"]), (two, []))
    nb.cells.append(nbformat.v4.new_markdown_cell("quiz.choice( in prose is not a quiz"))
    path = _write(tmp_path, "05-quizzes.ipynb", nb)
    assert quiz_count(nb) == 2 and too_few_quizzes(path) != []
    nb.cells.append(nbformat.v4.new_code_cell(one))
    assert quiz_count(nb) == 3 and too_few_quizzes(path, nb) == []
