"""The command line an instructor types: grade a folder, get the CSV and the feedback."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_grade_command(tmp_path):
    subs = tmp_path / "submissions"
    (subs / "bob").mkdir(parents=True)
    ex = ROOT / "exercises" / "05-pattern-ab"
    (subs / "alice.ipynb").write_bytes((ex / "solution.ipynb").read_bytes())
    (subs / "bob" / "my work.ipynb").write_bytes((ex / "student.ipynb").read_bytes())
    (subs / "notes.txt").write_text("ignored")
    out = tmp_path / "grades"
    p = subprocess.run(
        [sys.executable, "-m", "autograde", "grade", "pattern-ab", str(subs), "--out", str(out),
         "--jobs", "2", "--seed", "7", "--timeout", "30", "--cell-timeout", "5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [(r["student"], r["q1"], r["total"]) for r in rows] == [
        ("alice", "5", "5"),
        ("bob", "0", "0"),
    ]
    assert json.loads((out / "run.json").read_text())["seed"] == 7
    assert json.loads((out / "gradescope" / "alice" / "results.json").read_text())["score"] == 5
    assert "not defined" in (out / "feedback" / "bob.md").read_text()


def test_unknown_exercise_is_a_clear_error(tmp_path):
    p = subprocess.run(
        [sys.executable, "-m", "autograde", "grade", "99", str(tmp_path), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert p.returncode != 0 and "unknown exercise '99'" in p.stderr


def test_fallback_refuses_a_world_readable_repository(tmp_path):
    """``--sandbox fallback`` grading the repository's exercises, which other users can read
    here, stops with the chmod to run (exit 3) instead of exposing the solutions."""
    from autograde import confine, sandbox

    if sandbox.fallback_unavailable() is None and not confine.readable_by_others(
        [ROOT / "exercises"]
    ):
        pytest.skip("this checkout's exercises are already closed to other users")
    (tmp_path / "subs").mkdir()
    p = subprocess.run(
        [sys.executable, "-m", "autograde", "grade", "05", str(tmp_path / "subs"), "--out",
         str(tmp_path / "out"), "--sandbox", "fallback"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert p.returncode == 3, p.stderr
    assert "chmod -R go-rwx" in p.stderr or "fallback mode cannot be used" in p.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_regrades_without_a_seed_draw_the_same_inputs(tmp_path):
    from autograde.grade import default_seed, grade_folder

    subs = tmp_path / "subs"
    subs.mkdir()
    ex = ROOT / "exercises" / "05-pattern-ab"
    (subs / "alice.ipynb").write_bytes((ex / "solution.ipynb").read_bytes())
    seeds = []
    for k in range(2):
        grade_folder("05", subs, tmp_path / f"out{k}", quiet=True)
        seeds.append(json.loads((tmp_path / f"out{k}" / "run.json").read_text())["seed"])
    assert seeds == [default_seed("05-pattern-ab")] * 2
