"""The exercise tables of the book, made from the specs (one source for what each exercise
teaches, its difficulty, time, points and what it allows).

``python tools/exercise_table.py`` rewrites the tables between the markers
``<!-- exercises:students -->`` / ``<!-- exercises:instructors -->`` and ``<!-- end -->`` in
``book/exercises.md`` and ``book/instructor-guide.md``; ``--check`` fails when one is stale
(``tests/test_exercise_tables.py``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from nbtool import _write_like  # noqa: E402 - keeps each chapter's own JSON layout

from autograde.spec import load_spec  # noqa: E402

PAGES = {"students": ROOT / "book/exercises.md", "instructors": ROOT / "book/instructor-guide.md"}


def specs() -> list:
    return [load_spec(p) for p in sorted((ROOT / "exercises").glob("[0-9][0-9]-*/spec.py"))]


def _points(spec) -> float:
    return sum(c.points for c in spec.build(np.random.default_rng(0)).checks)


def _chapter(spec) -> str:
    stem = Path(spec.CHAPTER).with_suffix("").as_posix()
    return f"{{doc}}`{Path(stem).name.split('-', 1)[1].replace('-', ' ')} <../{stem}>`"


def students() -> str:
    rows = ["| # | exercise | what you practise | taught in | difficulty | time | points |",
            "|---|---|---|---|---|---|---|"]  # fmt: skip
    for s in specs():
        ex = s.EXERCISE
        link = f"{{doc}}`{s.TITLE.split(': ', 1)[-1]} <../exercises/{ex}/student>`"
        rows.append(f"| {ex[:2]} | {link} | {s.TEACHES} | {_chapter(s)} | {s.DIFFICULTY} | "
                    f"{s.MINUTES} min | {_points(s):g} |")  # fmt: skip
    return "\n".join(rows)


def instructors() -> str:
    rows = ["| # | teaches | difficulty, time | allows | earns nothing | per-student numbers |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for s in specs():
        forbid = ", ".join(f"`{f.name}`" for f in getattr(s, "FORBID", [])) or "—"
        var = "yes (from `STUDENT_ID`)" if getattr(s, "VARIANTS", False) else "no"
        rows.append(f"| {s.EXERCISE} | {s.TEACHES} | {s.DIFFICULTY}, {s.MINUTES} min | "
                    f"{s.ALLOWS} | {forbid} | {var} |")  # fmt: skip
    return "\n".join(rows)


def render(page: str, text: str) -> str:
    table = {"students": students, "instructors": instructors}[page]()
    pat = re.compile(rf"(<!-- exercises:{page} -->\n)(?:.*?\n)?(<!-- end -->)", re.S)
    if not pat.search(text):
        raise SystemExit(f"{PAGES[page]} has no <!-- exercises:{page} --> ... <!-- end --> block")
    return pat.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)


def chapter_cell(exs: list) -> str:
    """The markdown of a chapter's "Graded exercises" cell."""
    lines = ["## Graded exercises", "",
             "Practise this chapter's skill on an exercise the autograder marks; its notebook "
             "has a `check(...)` line under each answer that tells you what is wrong before you "
             "submit.", ""]  # fmt: skip
    for s in exs:
        link = f"{{doc}}`{s.TITLE} <../exercises/{s.EXERCISE}/student>`"
        lines.append(f"- {link} ({s.DIFFICULTY}, about {s.MINUTES} minutes): {s.TEACHES}.")
    return "\n".join(lines)


def chapters(check: bool) -> list[str]:
    """Give every chapter that teaches an exercise's skill a cell linking it."""
    import nbformat

    by_chapter: dict[str, list] = {}
    for s in specs():
        by_chapter.setdefault(s.CHAPTER, []).append(s)
    stale = []
    for rel, exs in sorted(by_chapter.items()):
        path = ROOT / rel
        before = path.read_text(encoding="utf-8")
        nb = nbformat.reads(before, as_version=4)
        cid = f"{path.stem}-graded-exercises"
        text = chapter_cell(exs)
        cell = next((c for c in nb.cells if c.get("id") == cid), None)
        if cell is not None and cell.source == text:
            continue
        stale.append(rel)
        if check:
            continue
        if cell is None:
            nb.cells.append(nbformat.v4.new_markdown_cell(text, id=cid))
        else:
            cell.source = text
        _write_like(nb, path, before)
    return stale


def main(argv: list[str]) -> int:
    stale = chapters("--check" in argv)
    for page, path in PAGES.items():
        text = path.read_text()
        new = render(page, text)
        if new != text:
            stale.append(str(path))
            if "--check" not in argv:
                path.write_text(new)
    if stale and "--check" in argv:
        print("stale exercise tables (run python tools/exercise_table.py):", *stale)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
