"""The Canvas gradebook and the late policy, from a real grading run of exercise 4.

The class (tests/grader/classrun.py) scores ana, ben, cai, pat 8/8, dee and eve 0, fay 5.5 and
gus 3.8333.  Times are fixed strings: no test reads the clock.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from autograde.gradebook import CANVAS_COLUMNS, RosterError, export_gradebook, safe_cell
from autograde.late import (
    LatePolicy,
    LatePolicyError,
    make_policy,
    parse_time,
    times_from_csv,
    times_from_files,
    times_from_gradescope,
)
from autograde.runout import RunOutputError, load_results
from tests.grader.classrun import ROOT

ROSTER = [
    ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"),
    ("    Points Possible", "", "", "", ""),
    ("Ana Alves", "ana", "1001", "ana@u", "L0101"),
    ("Ben Brown", "ben", "1002", "ben@u", "L0101"),
    ('=HYPERLINK("http://x")', "cai", "1003", "cai@u", "L0201"),
    ("Dee Diaz", "dee", "1004", "dee@u", "L0201"),
    ("Fay Fox", "fay", "1006", "fay@u", "L0101"),
    ("Gus Gray", "gus", "1007", "gus@u", "L0101"),
    ("Zoe Zhu", "zoe", "1099", "zoe@u", "L0201"),  # on the roster, no submission
]  # eve and pat submitted but are not on the roster


def write_csv(path, rows):
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def read(path):
    with path.open(newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def roster(tmp_path):
    return write_csv(tmp_path / "roster.csv", ROSTER)


def test_results_of_a_real_run_are_read_from_grades_csv(class_run):
    recs = {r["student"]: r for r in load_results(class_run[1])}
    assert sorted(recs) == ["ana", "ben", "cai", "dee", "eve", "fay", "gus", "pat"]
    assert recs["fay"]["total"] == 5.5 and recs["fay"]["max_total"] == 8
    assert len(recs["ana"]["checks"]) == 6 and recs["ana"]["questions"] == {"q1": 3, "q2": 5}


def test_canvas_csv_joins_the_roster(run_copy, roster, tmp_path):
    _, out = run_copy
    gb = export_gradebook(out, roster, tmp_path / "canvas.csv", assignment="Exercise 4 (77)")
    rows = read(gb.canvas_csv)
    assert tuple(rows[0]) == (*CANVAS_COLUMNS, "Exercise 4 (77)")
    by_id = {r[1]: r for r in rows[1:]}
    assert list(by_id) == ["ana", "ben", "cai", "dee", "fay", "gus", "zoe"]  # roster order
    assert by_id["ana"] == ["Ana Alves", "ana", "1001", "ana@u", "L0101", "8"]
    assert by_id["fay"][-1] == "5.5" and by_id["dee"][-1] == "0" and by_id["zoe"][-1] == ""
    assert by_id["cai"][0] == '\'=HYPERLINK("http://x")'  # not a formula in a spreadsheet
    assert gb.not_on_roster == ["eve", "pat"] and gb.no_submission == ["zoe"]
    detail = {r[0]: r for r in read(gb.detail_csv)[1:]}
    assert detail["pat"][1:4] == ["no", "ok", "8"]
    assert detail["zoe"][1:4] == ["yes", "no submission", ""]


def test_missing_submission_can_be_zero(run_copy, roster, tmp_path):
    gb = export_gradebook(run_copy[1], roster, tmp_path / "c.csv", missing="zero")
    assert {r[1]: r[-1] for r in read(gb.canvas_csv)[1:]}["zoe"] == "0"
    with pytest.raises(ValueError, match="missing must be"):
        export_gradebook(run_copy[1], roster, tmp_path / "c.csv", missing="none")


def test_safe_cell():
    assert [safe_cell(s) for s in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "ok", None)] == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "ok",
        "",
    ]


def test_roster_errors_name_the_problem(run_copy, tmp_path):
    out = run_copy[1]
    no_id = write_csv(tmp_path / "r1.csv", [("Student", "Section"), ("Ana", "L1")])
    with pytest.raises(
        RosterError, match=r"r1.csv has no id column \(ID, id.*; its columns: Student, Section"
    ):
        export_gradebook(out, no_id, tmp_path / "c.csv")
    with pytest.raises(RosterError, match="r2.csv has no column 'Login'"):
        export_gradebook(out, write_csv(tmp_path / "r2.csv", ROSTER), tmp_path / "c.csv",
                         id_column="Login")  # fmt: skip
    dup = write_csv(tmp_path / "r3.csv", [("ID",), ("ana",), ("ana",)])
    with pytest.raises(RosterError, match="line 3: ID 'ana' repeats line 2"):
        export_gradebook(out, dup, tmp_path / "c.csv")
    empty = write_csv(tmp_path / "r4.csv", [("ID", "Student"), ("", "Ana")])
    with pytest.raises(RosterError, match="line 2: empty 'ID'"):
        export_gradebook(out, empty, tmp_path / "c.csv")


def test_roster_matched_on_another_column(run_copy, tmp_path):
    rows = [("Student", "ID", "SIS Login ID"), ("Ana", "555", "ana")]
    gb = export_gradebook(run_copy[1], write_csv(tmp_path / "r.csv", rows), tmp_path / "c.csv",
                          id_column="SIS Login ID")  # fmt: skip
    assert read(gb.canvas_csv)[1] == ["Ana", "555", "", "ana", "", "8"]


# ---- the late policy -----------------------------------------------------------------------

DUE = "2026-10-01T23:59:00-04:00"  # = 2026-10-02 03:59 UTC


def test_days_late_and_penalty_fraction_with_cap_and_grace():
    p = make_policy(DUE, per_day="10%", cap="25%", grace_minutes=15)
    due = p.due
    assert due == datetime(2026, 10, 2, 3, 59, tzinfo=UTC)
    at = [due, due + timedelta(minutes=15), due + timedelta(minutes=16),
          due + timedelta(hours=24), due + timedelta(hours=24, seconds=1),
          due + timedelta(days=9)]  # fmt: skip
    assert [p.penalty(t, 8) for t in at] == [(0, 0), (0, 0), (1, 0.8), (1, 0.8), (2, 1.6), (9, 2)]


def test_penalty_in_points_and_flat_cap():
    pts = make_policy("2026-10-01T12:00Z", per_day="1.5")
    assert not pts.fraction and pts.penalty(pts.due + timedelta(hours=50), 8) == (3, 4.5)
    flat = make_policy("2026-10-01T12:00Z", cap="2")
    assert flat.penalty(flat.due + timedelta(days=4), 8) == (4, 2)
    assert flat.penalty(flat.due - timedelta(days=4), 8) == (0, 0)


def test_bad_policy_input_is_a_clear_error():
    with pytest.raises(LatePolicyError, match="unknown timezone 'Mars/Olympus'"):
        make_policy("2026-10-01T23:59", per_day="10%", tz="Mars/Olympus")
    with pytest.raises(LatePolicyError, match=r"due date: 'next friday' does not parse"):
        make_policy("next friday", per_day="10%", tz="UTC")
    with pytest.raises(LatePolicyError, match="due date: '2026-10-01T23:59' has no timezone"):
        make_policy("2026-10-01T23:59", per_day="10%")
    with pytest.raises(LatePolicyError, match="penalty per day: 'ten' is not a number"):
        make_policy(DUE, per_day="ten")
    with pytest.raises(LatePolicyError, match="needs a penalty per day, a cap, or both"):
        make_policy(DUE)
    with pytest.raises(LatePolicyError, match="both be % or both points"):
        make_policy(DUE, per_day="10%", cap="3")
    with pytest.raises(LatePolicyError, match="at most 1"):
        make_policy(DUE, per_day="150%")
    with pytest.raises(LatePolicyError, match="has no timezone"):
        LatePolicy(datetime(2026, 1, 1), per_day=0.1)


def test_times_from_csv(tmp_path):
    f = write_csv(tmp_path / "t.csv", [("student", "submitted_at"), ("ana", "2026-10-01T20:00"),
                                       ("fay", "2026-10-03T09:00:00+00:00")])  # fmt: skip
    t = times_from_csv(f, "America/Toronto")
    assert t == {"ana": datetime(2026, 10, 2, 0, 0, tzinfo=UTC),
                 "fay": datetime(2026, 10, 3, 9, 0, tzinfo=UTC)}  # fmt: skip
    bad = write_csv(tmp_path / "b.csv", [("student", "submitted_at"), ("ana", "2026-10-01T20:00"),
                                         ("ben", "yesterday")])  # fmt: skip
    with pytest.raises(LatePolicyError, match=r"b.csv line 3: 'yesterday' does not parse"):
        times_from_csv(bad, "UTC")
    with pytest.raises(LatePolicyError, match=r"b.csv line 2: .* has no timezone"):
        times_from_csv(bad)
    cols = write_csv(tmp_path / "c.csv", [("name", "time"), ("ana", "2026-10-01T20:00Z")])
    with pytest.raises(LatePolicyError, match="needs the columns 'student' and 'submitted_at'"):
        times_from_csv(cols)


def test_times_from_gradescope_metadata(tmp_path):
    meta = [
        {"created_at": "2026-10-01T22:00:00.123456-07:00", "users": [
            {"email": "fay@u.edu", "name": "Fay Fox", "sid": "1006"},
            {"email": "gus@u.edu", "name": "Gus Gray", "sid": None}]},
        {"created_at": "2026-09-30T10:00:00Z", "users": [{"email": "x@u", "sid": "ana"}]},
    ]  # fmt: skip
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    t = times_from_gradescope(tmp_path / "meta.json", {"fay", "gus", "ana"})
    assert t == {"fay": datetime(2026, 10, 2, 5, 0, 0, 123456, tzinfo=UTC),
                 "gus": datetime(2026, 10, 2, 5, 0, 0, 123456, tzinfo=UTC),
                 "ana": datetime(2026, 9, 30, 10, tzinfo=UTC)}  # fmt: skip
    (tmp_path / "subs" / "ben").mkdir(parents=True)
    (tmp_path / "subs" / "ben" / "submission_metadata.json").write_text(
        json.dumps({"created_at": "2026-10-05T00:00:00+00:00", "users": []})
    )
    assert times_from_gradescope(tmp_path / "subs") == {"ben": datetime(2026, 10, 5, tzinfo=UTC)}
    (tmp_path / "bad.json").write_text(json.dumps({"created_at": "soon", "users": []}))
    with pytest.raises(LatePolicyError, match="bad.json submission 1 created_at: 'soon'"):
        times_from_gradescope(tmp_path / "bad.json")


def test_times_from_file_modification_times(tmp_path):
    (tmp_path / "ana.ipynb").write_text("{}")
    (tmp_path / "ben").mkdir()
    (tmp_path / "ben" / "hw.ipynb").write_text("{}")
    stamp = datetime(2026, 10, 3, 12, tzinfo=UTC).timestamp()
    os.utime(tmp_path / "ana.ipynb", (stamp, stamp))
    os.utime(tmp_path / "ben" / "hw.ipynb", (stamp + 60, stamp + 60))
    assert times_from_files(tmp_path) == {
        "ana": datetime(2026, 10, 3, 12, tzinfo=UTC),
        "ben": datetime(2026, 10, 3, 12, 1, tzinfo=UTC),
    }


def test_late_policy_in_the_gradebook_and_the_feedback(run_copy, roster, tmp_path):
    _, out = run_copy
    times = {"ana": parse_time("2026-10-02T03:59:00Z"), "ben": parse_time("2026-10-02T04:10Z"),
             "fay": parse_time("2026-10-03T05:00Z"), "gus": parse_time("2026-10-20T00:00Z"),
             "pat": parse_time("2026-10-02T05:00Z")}  # fmt: skip
    policy = make_policy(DUE, per_day="10%", cap="30%", grace_minutes=15)
    for _ in range(2):  # running twice replaces the note, never stacks it
        gb = export_gradebook(out, roster, tmp_path / "c.csv", policy=policy, times=times)
    scores = {r[1]: r[-1] for r in read(gb.canvas_csv)[1:]}
    assert scores == {"ana": "8", "ben": "8", "cai": "8", "dee": "0", "fay": "3.9", "gus": "1.4333",
                      "zoe": ""}  # fmt: skip
    detail = {r[0]: r for r in read(gb.detail_csv)[1:]}
    assert detail["fay"][3:] == ["5.5", "8", "2026-10-03T05:00:00+00:00", "2", "1.6", "3.9"]
    assert detail["gus"][6:] == ["18", "2.4", "1.4333"]
    assert detail["pat"][6:] == ["1", "0.8", "7.2"]  # not on the roster, still penalised
    assert sorted(gb.no_time) == ["cai", "dee", "eve"]
    fb = (out / "feedback" / "fay.md").read_text()
    assert fb.startswith("# Exercise 4") and fb.count("## Submission time") == 1
    assert "Late by 2 days: 1.6 point(s) deducted, score 5.5 -> **3.9 / 8**." in fb
    assert "On time: no late penalty." in (out / "feedback" / "ben.md").read_text()
    assert "Submission time" not in (out / "feedback" / "cai.md").read_text()


def test_policy_without_times_is_refused(run_copy, roster, tmp_path):
    with pytest.raises(ValueError, match="needs the submission times"):
        export_gradebook(run_copy[1], roster, tmp_path / "c.csv", policy=make_policy(DUE, cap="1"))


def test_results_jsonl_is_preferred(tmp_path, roster):
    out = tmp_path / "out"
    out.mkdir()
    rec = {"student": "ana", "file": "ana.ipynb", "notebook_choice": "only", "status": "ok",
           "total": 4.5, "max_total": 10, "questions": {"q1": 4.5}, "checks": [], "seconds": 1.0,
           "notes": []}  # fmt: skip
    (out / "results.jsonl").write_text(json.dumps(rec) + "\n\n")
    gb = export_gradebook(out, roster, tmp_path / "c.csv", assignment="A")
    assert {r[1]: r[-1] for r in read(gb.canvas_csv)[1:]}["ana"] == "4.5"
    (out / "results.jsonl").write_text(json.dumps(rec) + "\n{not json\n")
    with pytest.raises(RunOutputError, match="results.jsonl line 2 is not valid JSON"):
        load_results(out)
    (out / "results.jsonl").write_text(json.dumps({"student": "x"}) + "\n")
    with pytest.raises(RunOutputError, match="line 1 lacks the key.s. total, checks"):
        load_results(out)
    with pytest.raises(RunOutputError, match="neither results.jsonl nor grades.csv"):
        load_results(tmp_path)


def test_gradebook_command(run_copy, roster, tmp_path):
    _, out = run_copy
    times = write_csv(tmp_path / "t.csv", [("student", "submitted_at"),
                                           ("fay", "2026-10-02T23:00")])  # fmt: skip
    cmd = [sys.executable, "-m", "autograde", "gradebook", str(out), "--roster", str(roster),
           "--assignment", "Ex 4", "--due", "2026-10-01T23:59", "--timezone", "America/Toronto",
           "--per-day", "10%", "--times-csv", str(times), "--strict"]  # fmt: skip
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, p.stderr  # --strict: eve and pat are not on the roster
    assert "2 submission(s) not on the roster: eve, pat" in p.stderr
    assert "1 roster student(s) without a submission: zoe" in p.stderr
    rows = read(out / "canvas-gradebook.csv")
    assert rows[0][-1] == "Ex 4" and {r[1]: r[-1] for r in rows[1:]}["fay"] == "4.7"
    note = (out / "feedback" / "fay.md").read_text()
    assert "Submitted 2026-10-02 23:00 EDT; due 2026-10-01 23:59 EDT." in note
    bad = subprocess.run([*cmd[:-1], "--timezone", "Nowhere/City"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and "error: unknown timezone 'Nowhere/City'" in bad.stderr
    alone = subprocess.run(cmd[:7] + ["--per-day", "10%"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)  # fmt: skip
    assert alone.returncode == 2 and "need --due" in alone.stderr
