"""Command line for what comes after a grading run (``python -m autograde CMD``).

``gradebook OUT --roster R``   Canvas CSV (+ detail CSV), optional late policy
``similarity OUT SUBS``        ranked similar pairs, HTML + CSV in ``OUT/instructor/``
``report OUT``                 the class report (``OUT/class-report.html`` + CSVs)

Each command reads only the run's output folder (and, for similarity, the submissions).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

COMMANDS = ("gradebook", "similarity", "report")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m autograde", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gradebook", help="Canvas-importable CSV from a grading run")
    g.add_argument("out", type=Path, help="the grading run's --out folder")
    g.add_argument("--roster", type=Path, required=True, help="roster CSV (Canvas export works)")
    g.add_argument("--dest", type=Path, help="CSV to write (default OUT/canvas-gradebook.csv)")
    g.add_argument("--assignment", help="assignment column header, e.g. 'Exercise 4 (1234)'")
    g.add_argument("--id-column", help="roster column the submissions are named by")
    g.add_argument("--missing", choices=["blank", "zero"], default="blank")
    g.add_argument("--strict", action="store_true", help="exit 1 if a submission is unmatched")
    g.add_argument("--due", help="due date, ISO 8601 (enables the late policy)")
    g.add_argument("--timezone", help="IANA timezone of times written without an offset")
    g.add_argument("--per-day", help="penalty per started day late: '10%%' or points")
    g.add_argument("--cap", help="largest total penalty: '50%%' or points")
    g.add_argument("--grace-minutes", type=float, default=0.0)
    src = g.add_mutually_exclusive_group()
    src.add_argument("--times-csv", type=Path, help="CSV with student,submitted_at")
    src.add_argument("--times-gradescope", type=Path, help="submission_metadata.json or folder")
    src.add_argument("--times-files", type=Path, help="submissions folder: use file times")
    g.add_argument("--no-feedback-notes", action="store_true")
    s = sub.add_parser("similarity", help="pairs of suspiciously similar submissions")
    s.add_argument("out", type=Path, help="the grading run's --out folder")
    s.add_argument("submissions", type=Path, help="the folder of notebooks that was graded")
    s.add_argument("--exercise", help="exercise (default: from OUT/run.json)")
    s.add_argument("--boilerplate", type=Path, nargs="*", help="released notebooks to subtract")
    s.add_argument("--dest", type=Path, help="folder to write (default OUT/instructor)")
    s.add_argument("--top", type=int, default=10, help="pairs shown with highlighted code")
    s.add_argument("--flag", type=float, default=0.5, help="score from which a pair is shaded")
    r = sub.add_parser("report", help="class report: score distribution, checks, mistakes")
    r.add_argument("out", type=Path)
    return p


def gradebook_command(a: argparse.Namespace) -> int:
    """Run ``gradebook``: write the CSVs, print what did not match."""
    from autograde import late
    from autograde.gradebook import export_gradebook
    from autograde.runout import load_results

    policy = times = None
    if a.due:
        policy = late.make_policy(a.due, per_day=a.per_day, cap=a.cap,
                                  grace_minutes=a.grace_minutes, tz=a.timezone)  # fmt: skip
        if a.times_csv:
            times = late.times_from_csv(a.times_csv, a.timezone)
        elif a.times_gradescope:
            students = {r["student"] for r in load_results(a.out)}
            times = late.times_from_gradescope(a.times_gradescope, students)
        elif a.times_files:
            times = late.times_from_files(a.times_files)
        else:
            raise ValueError("--due needs --times-csv, --times-gradescope or --times-files")
    elif a.per_day or a.cap or a.times_csv or a.times_gradescope or a.times_files:
        raise ValueError("--per-day, --cap and --times-* need --due")
    gb = export_gradebook(a.out, a.roster, a.dest or a.out / "canvas-gradebook.csv",
                          assignment=a.assignment, id_column=a.id_column, missing=a.missing,
                          policy=policy, times=times,
                          feedback_notes=not a.no_feedback_notes)  # fmt: skip
    late_n = sum(e.days_late > 0 for e in gb.entries)
    print(f"wrote {gb.canvas_csv} and {gb.detail_csv}"
          + (f" ({late_n} late)" if policy else ""))  # fmt: skip
    unmatched = [
        ("submission(s) not on the roster", gb.not_on_roster),
        ("roster student(s) without a submission", gb.no_submission),
        ("submission(s) without a known time (not penalised)", gb.no_time),
    ]
    for what, names in unmatched:
        if names:
            print(f"{len(names)} {what}: {', '.join(names)}", file=sys.stderr)
    return 1 if a.strict and gb.not_on_roster else 0


def similarity_command(a: argparse.Namespace) -> int:
    """Run ``similarity``: compare the submissions, released code subtracted."""
    from autograde.runout import exercise_folder, load_results
    from autograde.similarity import write_similarity_report

    bp = a.boilerplate
    if bp is None:
        ex = exercise_folder(a.out, a.exercise)
        if ex is None or not (ex / "student.ipynb").is_file():
            raise ValueError(
                "cannot find the exercise's student.ipynb to subtract: pass --exercise NN or "
                "--boilerplate NOTEBOOK (or --boilerplate with no file to subtract nothing)"
            )
        bp = [ex / "student.ipynb"]
    csv_path, html_path, pairs = write_similarity_report(
        a.submissions, a.dest or a.out / "instructor", bp, top=a.top, flag=a.flag,
        records=load_results(a.out),
    )  # fmt: skip
    flagged = sum(p.score >= a.flag for p in pairs)
    print(f"{len(pairs)} pairs, {flagged} at or above {a.flag:.0%}: {html_path}, {csv_path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (one of :data:`COMMANDS` first) and run it; errors exit 2 with a message."""
    a = _parser().parse_args(argv)
    try:
        if a.cmd == "gradebook":
            return gradebook_command(a)
        if a.cmd == "similarity":
            return similarity_command(a)
        from autograde.classreport import write_class_report

        print(write_class_report(a.out))
        return 0
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
