"""How long the autograder takes for a class: 200 submissions of one exercise, 2 jobs.

The class is built from the grader's test corpus (tests/grader/corpus.py): 60 % correct
solutions, 20 % honest mistakes (the backprop mistakes, or a bad ReLU network), 12 %
untouched student notebooks, and 8 % odd submissions (giant printed output, ``sys.exit`` in a
cell, stderr noise, invalid JSON) -- but no infinite loops, which would only measure the
time limit.  Each submission is graded in its own sandboxed process (bubblewrap when it
works) exactly as ``python -m autograde grade EXERCISE DIR --out OUT --jobs 2`` does.

Usage::

    .venv/bin/python benchmarks/bench_grading.py [--n 200] [--jobs 2] [--exercises 04 02]
                                                  [--compare-sandbox]

Writes ``benchmarks/results/grading.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from autograde.grade import find_exercise, grade_folder  # noqa: E402
from autograde.sandbox import resolve_mode  # noqa: E402
from tests.grader.corpus import entries  # noqa: E402

MIX = {"solution": 0.60, "wrong": 0.20, "student-untouched": 0.12, "odd": 0.08}
# honest mistakes of the corpus (never the attacks, loops or crashes)
HONEST = {
    "missing-transpose", "missing-sigma-prime", "sigma-prime-of-h", "b-not-summed",
    "sign-error", "no-batch-mean", "w1-transposed", "eight-units", "wide-ramps",
    "weights-for-or", "no-sigma-prime", "one-path", "linear-model", "missing-backward",
}  # fmt: skip
ODD = {"giant-output-solution", "attack-sys-exit", "stderr-solution", "not-json", "magics"}


def make_class(exercise: str, n: int, folder: Path) -> dict[str, int]:
    """Write n submissions for one exercise into folder; return how many of each kind."""
    full = find_exercise(exercise).name
    by_name = {e.name: e for e in entries() if e.exercise == full}
    wrong = [by_name[name] for name in sorted(HONEST) if name in by_name]
    odd = [by_name[name] for name in sorted(ODD) if name in by_name] or [by_name["solution"]]
    pools = {
        "solution": [by_name["solution"]],
        "wrong": wrong or [by_name["solution"]],
        "student-untouched": [by_name["student-untouched"]],
        "odd": odd,
    }
    counts = {k: round(v * n) for k, v in MIX.items()}
    counts["solution"] += n - sum(counts.values())
    cache: dict[str, str | bytes] = {}
    i = 0
    for kind, k in counts.items():
        for j in range(k):
            e = pools[kind][j % len(pools[kind])]
            data = cache.setdefault(e.name, e.build())
            path = folder / f"student{i:03d}-{e.name}.ipynb"
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data)
            i += 1
    return counts


def run(exercise: str, n: int, jobs: int, sandbox: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        subs = tmp / "subs"
        subs.mkdir()
        counts = make_class(exercise, n, subs)
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        res = grade_folder(exercise, subs, tmp / "out", jobs=jobs, seed=1, sandbox=sandbox,
                           quiet=True)  # fmt: skip
        wall = time.perf_counter() - t0
        load1 = os.getloadavg()[0]
        per = sorted(g.seconds for g in res)
        statuses: dict[str, int] = {}
        for g in res:
            statuses[g.status] = statuses.get(g.status, 0) + 1
        shutil.rmtree(tmp / "out", ignore_errors=True)
    return {
        "exercise": find_exercise(exercise).name,
        "n": len(res),
        "jobs": jobs,
        "sandbox": sandbox,
        "wall": wall,
        "median": statistics.median(per),
        "p95": per[int(0.95 * (len(per) - 1))],
        "max": per[-1],
        "counts": counts,
        "statuses": statuses,
        "load": (load0, load1),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--exercises", nargs="+", default=["04", "02"])
    p.add_argument("--compare-sandbox", action="store_true",
                   help="also grade the first exercise without bubblewrap (overhead)")  # fmt: skip
    p.add_argument("--out", type=Path, default=HERE / "results" / "grading.md")
    a = p.parse_args()
    mode, warning = resolve_mode("auto")
    rows = []
    for ex in a.exercises:
        r = run(ex, a.n, a.jobs, mode)
        rows.append(r)
        print(f"{r['exercise']}: {r['n']} submissions in {r['wall']:.1f} s ({mode}, {a.jobs} jobs)")
    if a.compare_sandbox and mode == "bwrap":
        r = run(a.exercises[0], a.n, a.jobs, "none")
        rows.append(r)
        print(f"{r['exercise']} without sandbox: {r['wall']:.1f} s")
    lines = [
        "# Grading time for a class",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
        f"with `benchmarks/bench_grading.py --n {a.n} --jobs {a.jobs}`.",
        "",
        "Each submission runs in its own sandboxed process (start-up of Python, numpy and the "
        "notebook's imports included); the class mix is 60 % solutions, 20 % honest mistakes, "
        "12 % untouched student notebooks, 8 % odd submissions (giant output, sys.exit, stderr, "
        "invalid JSON), no infinite loops.",
        "",
        "| exercise | submissions | jobs | sandbox | total wall time | per submission: median "
        "| p95 | max | load avg before/after | statuses |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['exercise']} | {r['n']} | {r['jobs']} | {r['sandbox']} | **{r['wall']:.1f} s** "
            f"| {r['median']:.2f} s | {r['p95']:.2f} s | {r['max']:.2f} s "
            f"| {r['load'][0]:.1f} / {r['load'][1]:.1f} "
            f"| {', '.join(f'{k}: {v}' for k, v in sorted(r['statuses'].items()))} |"
        )
    lines += [
        "",
        "Per-submission times are wall-clock times of one sandboxed run, measured while the "
        "other job runs; a load average above the core count means other programs were "
        "competing for the CPU and the times are pessimistic.",
    ]
    if warning:
        lines += ["", f"Warning: {warning}"]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
