"""Read a grading run's output folder (what ``python -m autograde grade ... --out OUT`` wrote).

The gradebook, the similarity report and the class report consume only this folder, never the
grader's internals.  One record per submission, with the keys of ``OUT/results.jsonl``::

    {"student", "file", "notebook_choice", "status", "total", "max_total",
     "questions": {qid: points},
     "checks": [{"name", "question", "score", "max_score", "message", "mistake"}],
     "seconds", "notes"}

When ``results.jsonl`` is absent (older runs), the records are rebuilt from ``grades.csv``,
``run.json`` and ``gradescope/<file>/results.json``; then ``file`` and ``seconds`` are
``None``, and ``mistake`` is the text after "Likely mistake:" in the check's message (the
grader's wording today), else ``None``.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path
from typing import Any

Record = dict[str, Any]
KEYS = (
    "student",
    "file",
    "notebook_choice",
    "status",
    "total",
    "max_total",
    "questions",
    "checks",
    "seconds",
    "notes",
)


class RunOutputError(ValueError):
    """The output folder is missing or holds something that is not a grading run's output."""


def run_info(out_dir: Path) -> dict[str, Any]:
    """The run's ``run.json`` (exercise, seed, max_points, files...), or ``{}`` if absent."""
    p = Path(out_dir) / "run.json"
    if not p.is_file():
        return {}
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as e:
        raise RunOutputError(f"{p} is not valid JSON ({e})") from None


def feedback_name(out_dir: Path, student: str) -> str:
    """The base name of ``student``'s files under feedback/ and gradescope/."""
    files = run_info(out_dir).get("files") or {}
    if student in files:
        return files[student]
    return re.sub(r"[^A-Za-z0-9._@+-]+", "_", student)[:100] or "_"  # the grader's rule


def load_results(out_dir: Path) -> list[Record]:
    """Every submission of the run in ``out_dir``, sorted by student.

    Parameters
    ----------
    out_dir : Path
        The folder a grading run wrote (``--out``).

    Returns
    -------
    list of dict
        One record per submission with the keys in :data:`KEYS`.

    Raises
    ------
    RunOutputError
        If the folder holds neither ``results.jsonl`` nor ``grades.csv``, or a line or row
        is malformed (the message names the file and line).
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise RunOutputError(f"{out_dir} is not a folder (expected a grading run's --out folder)")
    jsonl = out_dir / "results.jsonl"
    if jsonl.is_file():
        records = _read_jsonl(jsonl)
    elif (out_dir / "grades.csv").is_file():
        records = _read_legacy(out_dir)
    else:
        raise RunOutputError(
            f"{out_dir} holds neither results.jsonl nor grades.csv: is it a grading run's --out?"
        )
    return sorted(records, key=lambda r: r["student"])


def _read_jsonl(path: Path) -> list[Record]:
    records = []
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise RunOutputError(f"{path} line {i} is not valid JSON ({e})") from None
        if not isinstance(rec, dict):
            raise RunOutputError(f"{path} line {i} is not a JSON object")
        missing = [k for k in ("student", "total", "checks") if k not in rec]
        if missing:
            raise RunOutputError(f"{path} line {i} lacks the key(s) {', '.join(missing)}")
        for k in KEYS:
            rec.setdefault(k, None)
        for c in rec["checks"]:
            c.setdefault("mistake", None)
        if rec["max_total"] is None:
            rec["max_total"] = sum(float(c["max_score"]) for c in rec["checks"])
        records.append(rec)
    return records


def _read_legacy(out_dir: Path) -> list[Record]:
    info = run_info(out_dir)
    path = out_dir / "grades.csv"
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    records = []
    for i, row in enumerate(rows, 2):
        if "student" not in row or "total" not in row:
            raise RunOutputError(f"{path} has no 'student' and 'total' columns")
        qids = [k for k in row if k not in ("student", "total", "status", "sandbox")]
        try:
            questions = {q: float(row[q]) for q in qids}
            total = float(row["total"])
        except (TypeError, ValueError):
            raise RunOutputError(f"{path} line {i}: a score is not a number") from None
        checks = _legacy_checks(out_dir, row["student"])
        max_total = info.get("max_points")
        if max_total is None:
            max_total = sum(c["max_score"] for c in checks)
        records.append(
            {
                "student": row["student"],
                "file": None,
                "notebook_choice": None,
                "status": row.get("status") or "ok",
                "total": total,
                "max_total": float(max_total),
                "questions": questions,
                "checks": checks,
                "seconds": None,
                "notes": [],
            }
        )
    return records


def _legacy_checks(out_dir: Path, student: str) -> list[dict[str, Any]]:
    p = out_dir / "gradescope" / feedback_name(out_dir, student) / "results.json"
    if not p.is_file():
        return []
    tests = json.loads(p.read_text()).get("tests", [])
    checks = []
    for t in tests:
        question, _, name = str(t.get("name", "")).partition(": ")
        checks.append(
            {
                "name": name or question,
                "question": question if name else "",
                "score": float(t.get("score", 0)),
                "max_score": float(t.get("max_score", 0)),
                "message": str(t.get("output", "")),
                "mistake": legacy_mistake(str(t.get("output", ""))),
            }
        )
    return checks


_LIKELY = re.compile(r"Likely mistake: (.+?)\.?\s*$", re.S)


def legacy_mistake(message: str) -> str | None:
    """The mistake a feedback message names after "Likely mistake:", if any."""
    m = _LIKELY.search(message)
    return m.group(1).strip() if m else None


def exercise_folder(out_dir: Path, exercise: str | None = None) -> Path | None:
    """The exercise folder of the run (``run.json``'s exercise, or ``exercise``), if found.

    Looks in ``$AUTOGRADE_EXERCISES``, ``./exercises`` and the repository's ``exercises/``.
    """
    name = exercise or run_info(out_dir).get("exercise")
    if not name:
        return None
    roots = [os.environ.get("AUTOGRADE_EXERCISES"), Path.cwd() / "exercises"]
    roots.append(Path(__file__).resolve().parents[2] / "exercises")
    for root in roots:
        if not root or not Path(root).is_dir():
            continue
        for p in sorted(Path(root).iterdir()):
            if (p / "spec.py").is_file() and name in (p.name, p.name.split("-", 1)[0]):
                return p
    return None
