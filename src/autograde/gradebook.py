"""The gradebook: a grading run's scores as a CSV that Canvas imports, with a late policy.

``export_gradebook(out_dir, roster, dest)`` joins the run's submissions (see
:mod:`autograde.runout`) to a roster on the student id and writes ``dest`` with the columns
Canvas's gradebook import expects: ``Student, ID, SIS User ID, SIS Login ID, Section``, then
one column for the assignment (points after any late penalty).  Beside it,
``<dest stem>-detail.csv`` lists every student and every submission with the raw score, the
submission time, the days late, the penalty and the final score, and whether the submission
matched the roster.  The detail stays out of the Canvas file, where Canvas would read each
extra column as another assignment.

A submission whose student is not on the roster is listed in the result and the detail CSV
(never dropped silently); a student on the roster without a submission gets an empty cell or
0 (``missing``).  Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from pathlib import Path

from autograde.late import LatePolicy
from autograde.runout import feedback_name, load_results, run_info

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
ID_CANDIDATES = ("ID", "id", "student_id", "Student ID", "student", "SIS Login ID")
NOTE_MARK = "<!-- autograde:late-policy -->"


class RosterError(ValueError):
    """A roster that cannot be joined (no id column, empty or duplicate ids)."""


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell that no spreadsheet evaluates as a formula."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def read_roster(path: Path, id_column: str | None = None) -> tuple[str, list[dict[str, str]]]:
    """Read a roster CSV; return ``(id column, rows)``.

    Parameters
    ----------
    path : Path
        A CSV with a header row; Canvas's gradebook export works as is (its
        ``Points Possible`` row is skipped).
    id_column : str, optional
        The column holding the ids the submissions are named by; default the first of
        :data:`ID_CANDIDATES` present.

    Raises
    ------
    RosterError
        If the id column is missing, or an id is empty or repeated (the message names the
        file, the column and the line).
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        cols = [c.strip() for c in reader.fieldnames or []]
        rows = [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in reader]
    col = id_column or next((c for c in ID_CANDIDATES if c in cols), None)
    if col is None or col not in cols:
        want = f"column {id_column!r}" if id_column else f"id column ({', '.join(ID_CANDIDATES)})"
        raise RosterError(f"roster {path} has no {want}; its columns: {', '.join(cols) or 'none'}")
    kept, seen = [], {}
    for line, row in enumerate(rows, 2):
        if row.get("Student", "").strip().lower() == "points possible":
            continue
        sid = row.get(col, "")
        if not sid:
            raise RosterError(f"roster {path} line {line}: empty {col!r}")
        if sid in seen:
            raise RosterError(f"roster {path} line {line}: {col} {sid!r} repeats line {seen[sid]}")
        seen[sid] = line
        kept.append(row)
    return col, kept


@dataclasses.dataclass
class Entry:
    """One line of the detail CSV: a roster student, a submission, or both."""

    student: str
    on_roster: bool
    status: str = "no submission"
    raw: float | None = None
    max_points: float | None = None
    submitted_at: datetime | None = None
    days_late: int = 0
    penalty: float = 0.0

    @property
    def final(self) -> float | None:
        return None if self.raw is None else round(max(0.0, self.raw - self.penalty), 4)


@dataclasses.dataclass
class Gradebook:
    """What :func:`export_gradebook` wrote and what it could not match."""

    canvas_csv: Path
    detail_csv: Path
    entries: list[Entry]
    not_on_roster: list[str]  # submissions whose student is not on the roster
    no_submission: list[str]  # roster ids without a submission
    no_time: list[str]  # submissions with no known time under a late policy


def export_gradebook(
    out_dir: Path,
    roster: Path,
    dest: Path,
    *,
    assignment: str | None = None,
    id_column: str | None = None,
    missing: str = "blank",
    policy: LatePolicy | None = None,
    times: dict[str, datetime] | None = None,
    feedback_notes: bool = True,
) -> Gradebook:
    """Write the Canvas CSV and its detail CSV for the grading run in ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        The grading run's output folder.
    roster : Path
        The roster CSV (see :func:`read_roster`).
    dest : Path
        The Canvas CSV to write; the detail goes to ``<stem>-detail.csv`` beside it.
    assignment : str, optional
        The assignment column's header (Canvas matches ``Name (id)``); default the exercise.
    id_column : str, optional
        The roster column the submissions' student names match.
    missing : {"blank", "zero"}
        The cell of a roster student without a submission.
    policy, times : optional
        A :class:`~autograde.late.LatePolicy` and ``student -> submission time``.  A
        submission with no time under a policy is listed in ``no_time`` and not penalised.
    feedback_notes : bool
        Append (or replace) a short late-policy note in each student's feedback file.
    """
    if missing not in ("blank", "zero"):
        raise ValueError(f"missing must be 'blank' or 'zero', not {missing!r}")
    if policy is not None and times is None:
        raise ValueError("a late policy needs the submission times (times=...)")
    col, rows = read_roster(roster, id_column)
    records = {r["student"]: r for r in load_results(out_dir)}
    entries, no_time = _entries(rows, col, records, policy, times or {})
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    header = assignment or run_info(out_dir).get("exercise") or "Assignment"
    by_id = {e.student: e for e in entries}
    with dest.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*CANVAS_COLUMNS, safe_cell(header)])
        for row in rows:
            e = by_id[row[col]]
            cells = [row.get(c, "") for c in CANVAS_COLUMNS]
            cells[1] = cells[1] or row[col]
            score = e.final if e.final is not None else (0 if missing == "zero" else "")
            w.writerow([*(safe_cell(c) for c in cells), f"{score:g}" if score != "" else ""])
    detail = dest.with_name(dest.stem + "-detail.csv")
    _write_detail(detail, entries)
    if feedback_notes and policy is not None:
        for e in entries:
            if e.raw is not None and e.submitted_at is not None:
                add_feedback_note(out_dir, e.student, late_note(e, policy))
    return Gradebook(
        dest,
        detail,
        entries,
        not_on_roster=[e.student for e in entries if not e.on_roster],
        no_submission=[e.student for e in entries if e.raw is None],
        no_time=no_time,
    )


def _entries(rows, col, records, policy, times) -> tuple[list[Entry], list[str]]:
    ids = [r[col] for r in rows]
    entries = [Entry(s, True) for s in ids]
    entries += [Entry(s, False) for s in records if s not in set(ids)]
    no_time = []
    for e in entries:
        rec = records.get(e.student)
        if rec is None:
            continue
        e.status, e.raw = rec["status"], float(rec["total"])
        e.max_points = float(rec["max_total"])
        e.submitted_at = times.get(e.student)
        if policy is None:
            continue
        if e.submitted_at is None:
            no_time.append(e.student)
            continue
        e.days_late, e.penalty = policy.penalty(e.submitted_at, e.max_points)
    return entries, no_time


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _write_detail(path: Path, entries: list[Entry]) -> None:
    cols = ["student", "on_roster", "status", "raw", "max", "submitted_at", "days_late"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*cols, "penalty", "final"])
        for e in entries:
            when = e.submitted_at.isoformat() if e.submitted_at else ""
            w.writerow(
                [
                    safe_cell(e.student),
                    "yes" if e.on_roster else "no",
                    safe_cell(e.status),
                    _num(e.raw),
                    _num(e.max_points),
                    when,
                    e.days_late,
                    f"{e.penalty:g}",
                    _num(e.final),
                ]
            )


def late_note(e: Entry, policy: LatePolicy) -> str:
    """The markdown note a student reads about their submission time and any penalty."""
    due = policy.show(policy.due)
    when = policy.show(e.submitted_at) if e.submitted_at else "unknown"
    lines = ["## Submission time", "", f"Submitted {when}; due {due}."]
    if e.days_late == 0:
        lines.append("On time: no late penalty.")
    else:
        day = "day" if e.days_late == 1 else "days"
        lines.append(
            f"Late by {e.days_late} {day}: {e.penalty:g} point(s) deducted, "
            f"score {e.raw:g} -> **{e.final:g} / {e.max_points:g}**."
        )
    return "\n".join(lines) + "\n"


def add_feedback_note(out_dir: Path, student: str, note: str) -> Path | None:
    """Append ``note`` to ``student``'s feedback file, replacing an earlier note (idempotent)."""
    p = Path(out_dir) / "feedback" / f"{feedback_name(out_dir, student)}.md"
    if not p.is_file():
        return None
    text = p.read_text()
    text = text.split("\n" + NOTE_MARK, 1)[0].rstrip("\n")
    p.write_text(f"{text}\n\n{NOTE_MARK}\n{note}")
    return p
