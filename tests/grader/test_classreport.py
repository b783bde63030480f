"""The class report ("what to reteach") of exercise 4's graded class, and of a results.jsonl.

In the class (tests/grader/classrun.py) ana, ben, cai and pat get 8/8, dee and eve submit the
released notebook (0), fay forgets sigma'(z) (q2's W1_bar and b1_bar fail) and gus forgets
the 1/B (every q2 gradient right only on the hidden case with B = 1: partial).
"""

from __future__ import annotations

import base64
import csv
import json
import re
import subprocess
import sys

import pytest

from autograde.classreport import check_table, common_failures, mistake_table, write_class_report
from autograde.runout import load_results
from tests.grader.classrun import ROOT


def read(path):
    return list(csv.DictReader(path.open(newline="")))


def test_report_of_a_real_run(run_copy):
    _, out = run_copy
    page_path = write_class_report(out)
    assert page_path == out / "class-report.html"
    checks = {(r["question"], r["check"]): r for r in read(out / "class-checks.csv")}
    assert list(checks) == [("q1", "forward (Z, H, Y)"), ("q1", "squared_error"),
                            ("q2", "W2_bar"), ("q2", "b2_bar"), ("q2", "W1_bar"),
                            ("q2", "b1_bar")]  # fmt: skip
    w1 = checks[("q2", "W1_bar")]
    assert (w1["points"], w1["passed"], w1["partial"], w1["failed"]) == ("1.5", "4", "1", "3")
    w2 = checks[("q2", "W2_bar")]
    assert (w2["passed"], w2["partial"], w2["failed"]) == ("5", "1", "2")
    assert checks[("q1", "squared_error")]["mean"] == f"{6 / 8:.4f}"
    mistakes = read(out / "class-mistakes.csv")
    by = {m["mistake"]: m for m in mistakes}
    # the grader's mistake labels (Verdict.mistake, carried in results.jsonl)
    assert by["no_sigma_prime"]["students"] == "1"
    assert by["no_sigma_prime"]["checks"] == "q2: W1_bar; q2: b1_bar"
    assert by["no_mean"]["students"] == "1"
    page = page_path.read_text()
    assert "8 submissions; median 6.75 / 8; mean 5.17" in page and "4 with full marks" in page


def test_plots_are_embedded_and_nothing_is_fetched(run_copy):
    page = write_class_report(run_copy[1]).read_text()
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3 and all(alt for alt, _ in images)
    assert all(base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n" for _, data in images)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "http" not in page.replace("data:image", "")


SYNTH = [  # what results.jsonl holds once the grader labels mistakes
    ("s1", 3, [("q1", "a", 2, 2, None), ("q2", "b", 1, 2, "missing transpose")]),
    ("s2", 1, [("q1", "a", 0, 2, "missing transpose"), ("q2", "b", 1, 2, "missing transpose")]),
    ("s3", 4, [("q1", "a", 2, 2, None), ("q2", "b", 2, 2, None)]),
    ("s4", 0, [("q1", "a", 0, 2, "missing sigma'(z)"), ("q2", "b", 0, 2, "<b>sign</b>")]),
]


@pytest.fixture
def synthetic(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    lines = []
    for student, total, checks in SYNTH:
        rec = {"student": student, "file": f"{student}.ipynb", "notebook_choice": "only",
               "status": "ok" if student != "s4" else "timeout", "total": total, "max_total": 4,
               "questions": {}, "seconds": 1.5, "notes": [],
               "checks": [{"name": n, "question": q, "score": s, "max_score": m,
                           "message": f"{n} scored {s}", "mistake": k}
                          for q, n, s, m, k in checks]}  # fmt: skip
        lines.append(json.dumps(rec))
    (out / "results.jsonl").write_text("\n".join(lines) + "\n")
    (out / "run.json").write_text(json.dumps({"exercise": "99-synthetic", "sandbox": "none"}))
    return out


def test_mistakes_from_results_jsonl(synthetic):
    recs = load_results(synthetic)
    assert mistake_table(recs) == [
        {"mistake": "missing transpose", "students": 2, "checks": "q1: a; q2: b"},
        {"mistake": "<b>sign</b>", "students": 1, "checks": "q2: b"},
        {"mistake": "missing sigma'(z)", "students": 1, "checks": "q1: a"},
    ]
    assert [(c["passed"], c["partial"], c["failed"]) for c in check_table(recs)] == [
        (2, 0, 2),
        (1, 2, 1),
    ]
    page = write_class_report(synthetic).read_text()
    assert "Class report: 99-synthetic" in page and "graded WITHOUT a sandbox" in page
    assert "status: ok 3, timeout 1" in page
    assert "<b>sign</b>" not in page and "&lt;b&gt;sign&lt;/b&gt;" in page  # labels escaped
    rows = read(synthetic / "class-mistakes.csv")
    assert [(r["mistake"], r["students"]) for r in rows][0] == ("missing transpose", "2")


def test_without_labels_the_commonest_failure_messages_are_listed(synthetic):
    text = (synthetic / "results.jsonl").read_text()
    (synthetic / "results.jsonl").write_text(re.sub(r'"mistake": "[^"]*"', '"mistake": null', text))
    recs = load_results(synthetic)
    assert mistake_table(recs) == []
    assert common_failures(recs) == [("b: b scored #", 3), ("a: a scored #", 2)]
    page = write_class_report(synthetic).read_text()
    assert "No recognised mistakes" in page and "Commonest messages of failed checks" in page


def test_report_command(run_copy, tmp_path):
    _, out = run_copy
    p = subprocess.run([sys.executable, "-m", "autograde", "report", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(out / "class-report.html")
    p = subprocess.run([sys.executable, "-m", "autograde", "report", str(tmp_path / "nope")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert p.returncode == 2 and "nope is not a folder" in p.stderr
