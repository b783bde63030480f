"""Grade the corpus (tests/grader/corpus.py) and check every submission's score and reason.

One grading run per exercise (parallel, 2 jobs, short limits so the attacks that run into a
limit finish quickly); the tests then read the run's CSV, feedback, results.json and logs.
"""

from __future__ import annotations

import csv
import dataclasses
import json

import pytest

from autograde.grade import grade_folder
from autograde.sandbox import Limits, bwrap_works
from tests.grader.corpus import ALL_EXERCISES, entries, full_marks, write

# CPU limits charge the submission; the wall-clock backstop is generous (a shared machine)
LIMITS = Limits(wall_seconds=90, cpu_seconds=8, cell_seconds=3, call_seconds=2)
SEED = 20240116
ENTRIES = entries()


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """{exercise: (out_dir, {student: Graded})}, graded lazily once per exercise."""
    cache = {}
    root = tmp_path_factory.mktemp("corpus")
    subs = write(root)

    def get(exercise):
        if exercise not in cache:
            out = root / f"out-{exercise}"
            res = grade_folder(
                exercise, root / exercise, out, jobs=2, seed=SEED, limits=LIMITS, quiet=True
            )
            cache[exercise] = (out, {g.student: g for g in res})
        return cache[exercise]

    get.entries = subs
    return get


def feedback_of(out, student: str) -> str:
    """The feedback page of one student, found through run.json's file map."""
    files = json.loads((out / "run.json").read_text())["files"]
    return (out / "feedback" / f"{files[student]}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.exercise[:2]}-{e.name}" for e in ENTRIES])
def test_corpus_entry(graded, entry):
    if entry.needs_bwrap and not bwrap_works():
        pytest.skip("needs bubblewrap: without it a submission CAN read the solutions")
    out, res = graded(entry.exercise)
    g = res[entry.sid]
    feedback = feedback_of(out, entry.sid)
    assert g.status != "grader error", g.stderr
    if entry.total is not None:
        assert g.total == pytest.approx(entry.total, abs=1e-3), feedback
    if entry.max_total is not None:
        assert g.total <= entry.max_total + 1e-9, feedback
    if entry.points is not None:
        for q, p in entry.points.items():
            assert g.questions[q] == pytest.approx(p, abs=1e-3), feedback
    if entry.status is not None:
        assert g.status == entry.status, feedback
    for text in entry.feedback:
        assert text in feedback, feedback
    for text in entry.not_in_feedback:
        assert text not in feedback, feedback
    # every submission finishes within its limits: at most two runs (the second without a
    # runaway cell), each within the wall-clock limit, plus process start-up slack
    assert g.seconds <= 2 * LIMITS.wall_seconds + 10


@pytest.mark.parametrize("exercise", ALL_EXERCISES)
def test_outputs_of_a_run(graded, exercise):
    out, res = graded(exercise)
    check_outputs(out, res, full_marks(exercise))
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == SEED and run["max_points"] == full_marks(exercise)
    expected = {e.sid for e in graded.entries[exercise]}
    assert set(res) == expected  # every submission has a row, no name twice


def check_outputs(out, res, full) -> None:
    """grades.csv, results.jsonl, feedback and results.json: complete and well-formed."""
    raw = (out / "grades.csv").read_bytes().decode("utf-8")  # strict: encodable text only
    rows = list(csv.DictReader(raw.splitlines()))
    unformula = [r["student"][1:] if r["student"][:1] == "'" else r["student"] for r in rows]
    assert sorted(unformula) == sorted(res) and len(set(unformula)) == len(rows)
    assert not any(r["student"][:1] in "=+-@\t\r" for r in rows if r["student"])
    run = json.loads((out / "run.json").read_bytes().decode("utf-8"))
    files = run["files"]
    assert len(set(files.values())) == len(files) == len(res)
    lines = (out / "results.jsonl").read_bytes().decode("utf-8").splitlines()
    records = {r["student"]: r for r in map(json.loads, lines)}
    assert set(records) == set(res)
    for student, g in res.items():
        r = records[student]
        assert set(r) == set(RECORD_KEYS)
        assert r["total"] == pytest.approx(g.total) and r["max_total"] == full
        assert r["status"] == g.status and r["notebook_choice"]
        for c in r["checks"]:
            assert set(c) == {"name", "question", "score", "max_score", "message", "mistake"}
        gs = json.loads((out / "gradescope" / files[student] / "results.json").read_bytes())
        assert set(gs) >= {"score", "tests"}
        assert gs["score"] == pytest.approx(sum(t["score"] for t in gs["tests"]), abs=1e-3)
        assert sum(t["max_score"] for t in gs["tests"]) == full
        for t in gs["tests"]:
            assert set(t) >= {"name", "score", "max_score", "output"}
            assert 0 <= t["score"] <= t["max_score"]
        text = (out / "feedback" / f"{files[student]}.md").read_bytes().decode("utf-8")
        assert f"Score: {g.total:g} / {full:g}" in text


RECORD_KEYS = ("student", "file", "notebook_choice", "status", "total", "max_total",
               "questions", "checks", "seconds", "notes", "sandbox")  # fmt: skip


def test_sandbox_hides_solutions_and_network(graded):
    if not bwrap_works():
        pytest.skip("needs bubblewrap")
    out, _ = graded("04-backprop-mlp")
    log = (out / "logs" / "attack-read-solutions.stdout.txt").read_text()
    found = next(line for line in log.splitlines() if line.startswith("FOUND"))
    assert "solution" not in found and "spec" not in found and "exercises" not in found
    assert "NO NETWORK" in log


def test_no_process_outlives_its_submission(graded):
    graded("04-backprop-mlp")
    from pathlib import Path

    leftovers = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"987654" in cmd:
            leftovers.append(proc.name)
    assert not leftovers


def test_output_is_capped(graded):
    out, res = graded("04-backprop-mlp")
    assert (out / "logs" / "giant-output-solution.stdout.txt").stat().st_size <= 64 << 10
    assert res["giant-output-solution"].total == full_marks("04-backprop-mlp")


def test_feedback_reveals_no_reference_values(graded):
    """Feedback quotes errors and shapes, never the hidden reference numbers."""
    import numpy as np

    from autograde.grade import find_exercise
    from autograde.spec import load_spec

    spec = load_spec(find_exercise("04") / "spec.py")
    plan = spec.build(np.random.default_rng(SEED))
    out, _ = graded("04-backprop-mlp")
    text = "\n".join(p.read_text() for p in (out / "feedback").glob("*.md"))
    # no reference value (forward outputs, gradients), printed to 3 decimals, appears
    values = set()
    for r in plan.requests:
        if r.name == "backward":
            refs = spec.ref_backward(*r.args)
        elif r.name == "forward":
            refs = spec.ref_forward(*r.args)
        else:
            continue
        values |= {f"{v:.3f}" for a in refs for v in np.ravel(a) if abs(v) > 0.01}
    assert values
    leaked = [v for v in values if v in text]
    assert not leaked


def test_none_mode_is_named_in_every_report(tmp_path, capsys):
    write(tmp_path / "c", only="01-xor-feature-map")
    sub = tmp_path / "subs"
    sub.mkdir()
    for name in ("solution", "student-untouched"):
        (sub / f"{name}.ipynb").write_bytes(
            (tmp_path / "c" / "01-xor-feature-map" / f"{name}.ipynb").read_bytes()
        )
    res = grade_folder(
        "01",
        sub,
        tmp_path / "out",
        sandbox="none",
        seed=1,
        limits=dataclasses.replace(LIMITS),
        quiet=True,
    )
    assert {g.student: g.total for g in res} == {"solution": 9, "student-untouched": 0}
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["sandbox"] == "none" and "could read its files" in run["warning"]
    assert "WARNING: SANDBOX DISABLED" in capsys.readouterr().err
    # every report says so: the CSV, results.jsonl, each feedback page and results.json
    out = tmp_path / "out"
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [r["sandbox"] for r in rows] == ["none", "none"]
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["sandbox"] for r in records] == ["none", "none"]
    for name in ("solution", "student-untouched"):
        assert "Graded WITHOUT a sandbox" in (out / "feedback" / f"{name}.md").read_text()
        gs = json.loads((out / "gradescope" / name / "results.json").read_text())
        assert gs["extra_data"] == {"sandbox": "none"}
        assert gs["output"].startswith("Graded WITHOUT a sandbox")


def test_solution_full_marks_for_another_seed(tmp_path):
    sub = tmp_path / "subs"
    sub.mkdir()
    from tests.grader.corpus import EXERCISES

    for ex in ALL_EXERCISES:  # submitted as 'ada', the id in every solution's first cell
        d = sub / ex
        d.mkdir()
        (d / "ada.ipynb").write_bytes((EXERCISES / ex / "solution.ipynb").read_bytes())
    for ex in ALL_EXERCISES:
        res = grade_folder(ex, sub / ex, tmp_path / f"out-{ex}", seed=None, quiet=True)
        full = full_marks(ex)
        assert res[0].total == full, (tmp_path / f"out-{ex}" / "run.json").read_text()
        assert not any("[flag]" in n for n in res[0].notes), res[0].notes
