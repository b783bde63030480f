"""How long the after-the-run commands take for a class: similarity, class report, gradebook.

The class is exercise 4's test class (tests/grader/classrun.py: three honest styles, two
honest mistakes, a planted copy, untouched notebooks), repeated with each copy's names
renamed (seeded), to N submissions.  The class report and the gradebook read a synthetic
``results.jsonl`` of N records (6 checks each, seeded scores and mistake labels).  Nothing
is graded here: ``bench_grading.py`` measures grading.

Usage::

    .venv/bin/python benchmarks/bench_class.py [--n 50 200 500]

Writes ``benchmarks/results/class.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import copydetect  # noqa: E402, F401  (imported before timing: it loads matplotlib)
import matplotlib.figure  # noqa: E402, F401
import nbformat  # noqa: E402

from autograde.classreport import write_class_report  # noqa: E402
from autograde.gradebook import export_gradebook  # noqa: E402
from autograde.similarity import write_similarity_report  # noqa: E402
from tests.grader.classrun import EXERCISE, write_submissions  # noqa: E402

MISTAKES = ["missing transpose", "missing sigma'(z)", "not averaging over the batch", None]


def make_class(n: int, folder: Path, rng: np.random.Generator) -> Path:
    """``n`` notebooks: the test class's answers, each copy with its own variable names."""
    base = write_submissions(folder / "_base")
    sources = sorted(base.glob("*.ipynb"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        nb = nbformat.read(sources[i % len(sources)], as_version=4)
        suffix = "".join(rng.choice(list("abcdefgh"), 3))
        for c in nb.cells:
            if c.cell_type == "code" and "YOUR CODE" not in c.source:
                c.source = re.sub(r"\b(Z_bar|H_bar|Y_bar|dz|dy|err|pre|act)\b", rf"\1_{suffix}",
                                  c.source)  # fmt: skip
        nbformat.write(nb, folder / f"s{i:04d}.ipynb")
    return folder


def make_results(n: int, out: Path, rng: np.random.Generator) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w") as f:
        for i in range(n):
            checks = []
            for k in range(6):
                score = float(rng.choice([0.0, 0.5, 1.0]))
                mistake = None if score == 1.0 else MISTAKES[int(rng.integers(len(MISTAKES)))]
                checks.append({"name": f"c{k}", "question": f"q{k // 3 + 1}", "score": score,
                               "max_score": 1.0, "message": "m", "mistake": mistake})  # fmt: skip
            rec = {"student": f"s{i:04d}", "file": None, "notebook_choice": None, "status": "ok",
                   "total": sum(c["score"] for c in checks), "max_total": 6.0, "questions": {},
                   "checks": checks, "seconds": 1.0, "notes": []}  # fmt: skip
            f.write(json.dumps(rec) + "\n")
    with (out / "roster.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"])
        w.writerows([f"Student {i}", f"s{i:04d}", str(i), f"s{i}@u", "L1"] for i in range(n))
    return out


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[50, 200, 500])
    a = ap.parse_args()
    rows = []
    for n in a.n:
        with tempfile.TemporaryDirectory() as tmp:
            rng = np.random.default_rng(n)
            subs = make_class(n, Path(tmp) / "subs", rng)
            out = make_results(n, Path(tmp) / "out", rng)
            sim = timed(lambda: write_similarity_report(subs, out / "instructor",  # noqa: B023
                                                        [EXERCISE / "student.ipynb"]))  # fmt: skip
            rep = timed(lambda: write_class_report(out))  # noqa: B023
            gb = timed(lambda: export_gradebook(out, out / "roster.csv", out / "c.csv"))  # noqa: B023
        rows.append((n, n * (n - 1) // 2, sim, rep, gb))
        print(f"n={n}: similarity {sim:.1f} s, class report {rep:.2f} s, gradebook {gb:.2f} s")
    lines = [
        "# After-the-run commands: time against class size",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
        "one process (similarity is single-threaded); load average "
        f"{os.getloadavg()[0]:.1f} at the end.",
        "",
        "| submissions | pairs | similarity report (s) | class report (s) | gradebook (s) |",
        "|---:|---:|---:|---:|---:|",
        *(f"| {n} | {p} | {s:.1f} | {r:.2f} | {g:.2f} |" for n, p, s, r, g in rows),
        "",
    ]
    (HERE / "results" / "class.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
