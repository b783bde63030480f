"""How long the autograder takes for a class: 50, 200 and 1,000 submissions of every exercise.

The class is built from the grader's test corpus (tests/grader/corpus.py): 60 % correct
solutions, 20 % honest mistakes (the backprop mistakes, or a bad ReLU network), 12 %
untouched student notebooks, and 8 % odd submissions (giant printed output, ``sys.exit`` in a
cell, stderr noise, invalid JSON) -- but no infinite loops, which would only measure the
time limit.  Each submission is graded in its own confined child of a warm worker (the
sandbox ``auto`` picks) exactly as ``python -m autograde grade EXERCISE DIR --out OUT --jobs 2``
does.  Besides the wall time, the CPU seconds per submission (the grader's own, from
``getrusage``, plus each child's, from its cgroup), which other programs' load inflates much
less.

Usage::

    .venv/bin/python benchmarks/bench_grading.py [--n 50 200 1000] [--jobs 2]
                                                  [--exercises 01 02 ...] [--sandbox auto]

Writes ``benchmarks/results/grading.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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
from tests.grader.corpus import entries, full_marks, with_own_id  # noqa: E402

MIX = {"solution": 0.60, "wrong": 0.20, "student-untouched": 0.12, "odd": 0.08}
# honest mistakes of the corpus (never the attacks, loops or crashes)
HONEST = {
    "missing-transpose", "missing-sigma-prime", "sigma-prime-of-h", "b-not-summed",
    "sign-error", "no-batch-mean", "w1-transposed", "eight-units", "wide-ramps",
    "weights-for-or", "no-sigma-prime", "one-path", "linear-model", "missing-backward",
}  # fmt: skip
ODD = {"giant-output-solution", "attack-sys-exit", "stderr-solution", "not-json", "magics"}


def _odd_name(name: str) -> bool:
    return any(w in name for w in ("attack", "shortcut", "loop", "bomb", "exit", "someone"))


def make_class(exercise: str, n: int, folder: Path) -> dict[str, int]:
    """Write n submissions for one exercise into folder; return how many of each kind."""
    full = find_exercise(exercise).name
    by_name = {e.name: e for e in entries() if e.exercise == full}
    top = full_marks(full)
    # the solution: its own entry, or (exercises with per-student numbers) the first entry
    # graded under its own id with full marks
    solution = by_name.get("solution") or next(
        e for e in by_name.values() if e.own_id and e.total == top
    )
    wrong = [by_name[name] for name in sorted(HONEST) if name in by_name] or [
        e
        for name, e in sorted(by_name.items())
        if (e.points or e.total is not None or e.max_total is not None)
        and e.own_id and e.total != top and name != "student-untouched" and not _odd_name(name)
    ]  # fmt: skip
    odd = [by_name[name] for name in sorted(ODD) if name in by_name] or [solution]
    pools = {
        "solution": [solution],
        "wrong": wrong or [solution],
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
            data = with_own_id(data, path.stem)  # as each student fills in the first cell
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data)
            i += 1
    return counts


def _cpu() -> float:
    """CPU seconds of this process and of every reaped descendant (workers, children)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(exercise: str, n: int, jobs: int, sandbox: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        subs = tmp / "subs"
        subs.mkdir()
        counts = make_class(exercise, n, subs)
        load0 = os.getloadavg()[0]
        cpu0 = _cpu()
        t0 = time.perf_counter()
        res = grade_folder(exercise, subs, tmp / "out", jobs=jobs, seed=1, sandbox=sandbox,
                           quiet=True)  # fmt: skip
        wall = time.perf_counter() - t0
        # the grader's own CPU, and each submission's (its cgroup's, measured by the grader)
        cpu = _cpu() - cpu0 + sum(g.cpu_seconds for g in res)
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
        "cpu_per": cpu / max(1, len(res)),
        "full": sum(g.total >= g.max_total > 0 for g in res),  # a sanity check of the run
        "median": statistics.median(per),
        "p95": per[int(0.95 * (len(per) - 1))],
        "max": per[-1],
        "counts": counts,
        "statuses": statuses,
        "load": (load0, load1),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, nargs="+", default=[50, 200, 1000])
    p.add_argument("--jobs", type=int, default=2)
    every = sorted(p.name[:2] for p in (ROOT / "exercises").glob("[0-9][0-9]-*"))
    p.add_argument("--exercises", nargs="+", default=every)
    p.add_argument("--sandbox", default="auto", help="auto, bwrap, fallback or none")
    p.add_argument("--out", type=Path, default=HERE / "results" / "grading.md")
    a = p.parse_args()
    mode, warning = resolve_mode(a.sandbox)
    rows = []
    for ex in a.exercises:
        for n in a.n:
            r = run(ex, n, a.jobs, mode)
            rows.append(r)
            load = f"load {r['load'][0]:.1f}/{r['load'][1]:.1f}"
            print(f"{r['exercise']}: {r['n']} in {r['wall']:.1f} s, {r['cpu_per']:.2f} CPU s "
                  f"each, {r['full']} full marks ({mode}, {load})", flush=True)  # fmt: skip
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(_report(a, mode, rows, warning)) + "\n")
    print(f"wrote {a.out}")
    return 0


def _report(a, mode: str, rows: list[dict], warning: str | None) -> list[str]:
    lines = [
        "# Grading time for a class",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
        f"with `benchmarks/bench_grading.py --n {' '.join(map(str, a.n))} --jobs {a.jobs}`, "
        f"sandbox `{mode}`, while other programs were running on the machine (see the load).",
        "",
        "Each submission runs in its own confined child, forked from a warm worker that has "
        "imported numpy, matplotlib and IPython (one worker per job); the class mix is 60 % "
        "solutions, 20 % honest mistakes, 12 % untouched student notebooks, 8 % odd "
        "submissions (giant output, sys.exit, stderr, invalid JSON), no infinite loops.",
        "",
        "| exercise | submissions | total wall time | CPU s per submission | per submission: "
        "median | p95 | load avg before/after | full marks | statuses |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['exercise']} | {r['n']} | **{r['wall']:.1f} s** | {r['cpu_per']:.2f} "
            f"| {r['median']:.2f} s | {r['p95']:.2f} s "
            f"| {r['load'][0]:.1f} / {r['load'][1]:.1f} | {r['full']} "
            f"| {', '.join(f'{k}: {v}' for k, v in sorted(r['statuses'].items()))} |"
        )
    lines += [
        "",
        "CPU seconds per submission: the grader's own CPU (`getrusage`) plus each child's "
        "(its cgroup's `cpuacct.usage`), divided by the class size (the workers' one-off "
        "start, about a second each, is not in it). Per-submission times are wall-clock times of "
        "one run, measured while the other job runs; a load average above the core count means "
        "other programs were competing for the CPU and the wall times are pessimistic.",
        "",
        "Before the warm workers (every submission started its own Python and imported numpy "
        "and matplotlib): 200 submissions of 02-bump-networks took 304.1 s (median 2.84 s "
        "each, load 6.9 / 13.5), of 04-backprop-mlp 41.6 s (load 7.9 / 6.9).",
    ]
    if warning:
        lines += ["", f"Warning: {warning}"]
    return lines


if __name__ == "__main__":
    sys.exit(main())
