"""Command line: ``python -m autograde {release,check-release,grade,describe}``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m autograde", description=__doc__)
    p.add_argument("--exercises", type=Path, help="the exercises/ folder (default: found)")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("release", help="regenerate student.ipynb from solution.ipynb")
    r.add_argument("exercise", nargs="*", help="exercises (default: all)")
    c = sub.add_parser("check-release", help="fail if a student notebook is stale or leaks")
    c.add_argument("exercise", nargs="*")
    d = sub.add_parser("describe", help="print an exercise's graded names, points and checks")
    d.add_argument("exercise")
    g = sub.add_parser("grade", help="grade a folder of submissions for one exercise")
    g.add_argument("exercise")
    g.add_argument("submissions", type=Path)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--jobs", type=int, default=2)
    g.add_argument("--seed", type=int, default=None, help="hidden-input seed (default: random)")
    g.add_argument("--sandbox", choices=["auto", "bwrap", "none"], default="auto")
    g.add_argument("--timeout", type=float, help="wall-clock seconds per submission")
    g.add_argument("--cell-timeout", type=float, help="CPU seconds per code cell")
    g.add_argument("--memory-mb", type=int, help="memory limit per submission")
    g.add_argument("--quiet", action="store_true")
    return p


def _describe(spec) -> None:
    plan = spec.build(np.random.default_rng(0))
    print(f"{spec.EXERCISE}: {spec.TITLE}")
    print(f"graded names: {', '.join(spec.GRADED_NAMES)}")
    for q, title in spec.QUESTIONS.items():
        pts = sum(ch.points for ch in plan.checks if ch.question == q)
        print(f"\n{q} ({pts:g} points): {title}")
        for ch in plan.checks:
            if ch.question == q:
                print(f"  - {ch.name} [{ch.points:g}]: {ch.description}")


def _grade(a, ex: Path) -> int:
    from autograde import grade as G
    from autograde.spec import load_spec

    spec = load_spec(ex / "spec.py")  # loaded once, passed down
    limits = G.spec_limits(spec)
    changes = {}
    if a.timeout:
        changes.update(wall_seconds=a.timeout, cpu_seconds=int(a.timeout) + 1)
    if a.cell_timeout:
        changes["cell_seconds"] = a.cell_timeout
    if a.memory_mb:
        changes["memory_bytes"] = a.memory_mb << 20
    limits = dataclasses.replace(limits, **changes) if changes else limits
    if not a.submissions.is_dir():
        print(f"{a.submissions} is not a folder", file=sys.stderr)
        return 2
    res = G.grade_folder(
        ex.name, a.submissions, a.out, jobs=a.jobs, seed=a.seed, sandbox=a.sandbox,
        limits=limits, quiet=a.quiet, spec=spec,
    )  # fmt: skip
    print(f"graded {len(res)} submissions -> {a.out / 'grades.csv'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from autograde import grade as G
    from autograde import release as R
    from autograde.spec import load_spec

    a = _parser().parse_args(argv)
    if a.exercises:
        import os

        os.environ["AUTOGRADE_EXERCISES"] = str(a.exercises)
    root = G.exercises_root()

    def selected(names):
        if names:
            return [G.find_exercise(n, root) for n in names]
        return sorted(q for q in root.iterdir() if (q / "solution.ipynb").is_file())

    if a.cmd == "release":
        for ex in selected(a.exercise):
            print(R.release(ex))
        return 0
    if a.cmd == "check-release":
        problems = [msg for ex in selected(a.exercise) for msg in R.check(ex)]
        for msg in problems:
            print(msg, file=sys.stderr)
        return 1 if problems else 0
    if a.cmd == "describe":
        _describe(load_spec(G.find_exercise(a.exercise, root) / "spec.py"))
        return 0
    if a.cmd == "grade":
        return _grade(a, G.find_exercise(a.exercise, root))
    return 2


if __name__ == "__main__":
    sys.exit(main())
