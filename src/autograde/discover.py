"""Find the submissions in a folder: who submitted what, and which notebook is graded.

A submission is ``name.ipynb`` (student ``name``) or a folder ``name/`` holding notebooks
(student ``name``; :func:`choose_notebook` picks the one graded).  Nothing is followed out
of the submissions folder: a symbolic link (a student folder or a notebook) is refused with
a status, never read.  Student ids are unique: a second ``dupe`` becomes ``dupe #2`` (never
the name of another submission), and the submission is told so.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path


def exercises_root() -> Path:
    """The ``exercises/`` folder: $AUTOGRADE_EXERCISES, ./exercises, or the repository's."""
    env = os.environ.get("AUTOGRADE_EXERCISES")
    if env:
        return Path(env)
    here = Path.cwd() / "exercises"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "exercises"


def find_exercise(name: str, root: Path | None = None) -> Path:
    """Resolve ``01``, ``xor-feature-map`` or ``01-xor-feature-map`` to its folder."""
    root = root or exercises_root()
    dirs = sorted(p for p in root.iterdir() if (p / "spec.py").is_file())
    for p in dirs:
        if name in (p.name, p.name.split("-", 1)[0], p.name.split("-", 1)[-1]):
            return p
    known = ", ".join(p.name for p in dirs)
    raise SystemExit(f"unknown exercise {name!r}; known: {known}")


REFUSED_LINK = "refused (symbolic link)"
REFUSED_CHOICE = "refused (which notebook?)"
REFUSED_OUTSIDE = "refused (outside the submissions folder)"


@dataclasses.dataclass
class Submission:
    """One student's submission: the notebook to grade, or why there is none."""

    student: str
    source: str  # the entry's name inside the submissions folder
    notebook: Path | None
    choice: str  # how the notebook was chosen (shown in the feedback)
    refused: str | None = None  # a status when there is nothing to grade
    notes: list[str] = dataclasses.field(default_factory=list)


def code_sources(path: Path) -> list[str] | None:
    """The code cells' sources of a notebook file, or None if it is not a readable notebook."""
    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
        out = []
        for c in nb["cells"]:
            if c.get("cell_type") == "code":
                src = c.get("source", "")
                out.append("".join(src) if isinstance(src, list) else str(src))
        return out
    except Exception:  # noqa: BLE001 - anything unreadable is simply "not untouched"
        return None


def choose_notebook(
    folder: Path, expected: str, released: list[str] | None
) -> tuple[Path | None, str]:
    """The notebook to grade in a folder submission, and a sentence saying why.

    The rule (the one place it is written): the only notebook of the folder; else the
    spec's ``NOTEBOOK`` name (``expected``); else the only notebook that is not untouched
    (its code differs from the released student notebook, ``released`` = its code cells);
    else none (``None``: the caller refuses the submission).  Symbolic links are never
    candidates.
    """
    nbs = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    names = ", ".join(p.name for p in nbs)
    if len(nbs) == 1:
        return nbs[0], f"graded {nbs[0].name}, the only notebook in the folder."
    if not nbs:
        return None, "the folder holds no notebook (.ipynb)."
    for p in nbs:
        if p.name == expected:
            return p, f"graded {p.name} (the exercise's notebook name); the folder held {names}."
    touched = [p for p in nbs if released is None or code_sources(p) != released]
    if len(touched) == 1:
        return touched[0], (
            f"graded {touched[0].name}, the only notebook that differs from the released "
            f"one; the folder held {names}."
        )
    return None, (
        f"the folder holds {len(nbs)} notebooks ({names}), none named {expected} and "
        f"{len(touched)} changed from the released notebook: submit one notebook, or name "
        f"it {expected}."
    )


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _entry(p: Path, folder: Path, expected: str, released) -> Submission | None:
    src = p.name
    if p.is_symlink():
        stem = p.stem if p.suffix == ".ipynb" else p.name
        why = "The submission is a symbolic link; links are refused, never followed."
        return Submission(stem, src, None, "not graded: a symbolic link.", REFUSED_LINK, [why])
    if p.is_file() and p.suffix == ".ipynb":
        if not _inside(p, folder):
            return Submission(p.stem, src, None, "not graded.", REFUSED_OUTSIDE)
        return Submission(p.stem, src, p, f"graded the file {p.name}.")
    if not p.is_dir() or p.name.startswith(".") or not any(p.glob("*.ipynb")):
        return None
    links = sorted(q.name for q in p.glob("*.ipynb") if q.is_symlink())
    if links:
        why = f"The folder holds symbolic links ({', '.join(links)}); links are refused."
        return Submission(p.name, src, None, "not graded: a symbolic link.", REFUSED_LINK, [why])
    nb, why = choose_notebook(p, expected, released)
    if nb is None:
        return Submission(p.name, src, None, why, REFUSED_CHOICE, [f"Not graded: {why}"])
    if not _inside(nb, folder):
        return Submission(p.name, src, None, "not graded.", REFUSED_OUTSIDE)
    return Submission(p.name, src, nb, why)


def find_submissions(
    folder: Path, expected: str = "student.ipynb", released: list[str] | None = None
) -> list[Submission]:
    """Every submission in ``folder``, in name order, with unique student ids."""
    subs = []
    for p in sorted(folder.iterdir(), key=lambda q: q.name):
        s = _entry(p, folder, expected, released)
        if s is not None:
            subs.append(s)
    taken = {s.student for s in subs}
    seen: set[str] = set()
    for s in subs:
        if s.student in seen:
            k = 2
            while f"{s.student} #{k}" in taken:
                k += 1
            new = f"{s.student} #{k}"
            s.notes.append(
                f"Another submission is also named {s.student!r}; this one ({s.source}) is "
                f"listed as {new!r}."
            )
            s.student = new
            taken.add(new)
        seen.add(s.student)
    return subs
