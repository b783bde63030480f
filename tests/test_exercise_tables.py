"""The book's exercise tables are made from the specs, and every exercise is reachable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograde.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "exercises").glob("[0-9][0-9]-*/spec.py"))


def test_tables_are_up_to_date():
    p = subprocess.run([sys.executable, "tools/exercise_table.py", "--check"], cwd=ROOT,
                       capture_output=True, text=True)  # fmt: skip
    assert p.returncode == 0, p.stdout + p.stderr


def test_at_least_eleven_exercises():
    assert len(SPECS) >= 11


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.parent.name)
def test_exercise_is_described_linked_and_in_the_toc(path):
    s = load_spec(path)
    assert s.DIFFICULTY in ("easy", "medium", "hard")
    assert 5 <= s.MINUTES <= 180
    assert s.TEACHES and s.ALLOWS
    assert {q for f in getattr(s, "FORBID", []) for q in f.questions} <= set(s.QUESTIONS)
    assert s.CHAPTER.startswith("lecture2/")
    chapter = ROOT / s.CHAPTER
    assert chapter.exists(), s.CHAPTER
    assert f"exercises/{s.EXERCISE}/student" in (ROOT / "_toc.yml").read_text()
    assert s.EXERCISE in chapter.read_text(), f"{s.CHAPTER} does not link {s.EXERCISE}"


def _solution_lines(path: Path) -> set[str]:
    import nbformat

    from autograde.release import secret_lines

    sol = nbformat.read(path.with_name("solution.ipynb"), as_version=4)
    # lines of code worth copying: not comments, not a bare `return x` or a short assignment
    return {ln for ln in secret_lines(sol) if len(ln) >= 25 and not ln.startswith("#")}


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.parent.name)
def test_no_answer_appears_verbatim_in_a_chapter(path):
    import nbformat

    chapters = {
        ln.strip()
        for p in sorted((ROOT / "lecture2").glob("*.ipynb"))
        for c in nbformat.read(p, as_version=4).cells
        for ln in c.source.split("\n")
    }
    copied = sorted(ln for ln in _solution_lines(path) if ln in chapters)
    assert not copied, f"{path.parent.name}: solution lines found in a chapter: {copied[:5]}"
