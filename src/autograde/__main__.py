"""Command line: ``python -m autograde {release,check-release,grade,describe,gradescope}``.

After a run: ``python -m autograde {gradebook,similarity,report} --help``."""

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
    g.add_argument("--seed", type=int, default=None,
                   help="hidden-input seed (default: fixed per exercise)")  # fmt: skip
    g.add_argument(
        "--sandbox",
        choices=["auto", "bwrap", "fallback", "none"],
        default="auto",
        help="auto: bwrap, else fallback, else an error (none: only by name)",
    )
    g.add_argument("--timeout", type=float, help="wall-clock seconds per submission")
    g.add_argument("--cell-timeout", type=float, help="CPU seconds per code cell")
    g.add_argument("--memory-mb", type=int, help="memory limit per submission")
    g.add_argument(
        "--ids",
        choices=["roster", "notebook", "off"],
        default="roster",
        help="per-student numbers: of the file/folder name (flag mismatches), of the "
        "notebook's STUDENT_ID, or off (the common numbers for everyone)",
    )
    g.add_argument("--quiet", action="store_true")
    z = sub.add_parser("gradescope", help="build the Gradescope autograder zip for an exercise")
    z.add_argument("exercise")
    z.add_argument("--out", type=Path, required=True, help="folder for autograder-NN.zip")
    z.add_argument("--seed", type=int, help="hidden-input seed (default: fixed per exercise)")
    z.add_argument("--visibility", default="after_published", help="visibility of the tests")
    zr = sub.add_parser("gradescope-run", help="(inside Gradescope) grade /autograder/submission")
    zr.add_argument("--root", type=Path, default=Path("/autograder"))
    return p


def _gradescope(a, root: Path) -> int:
    from autograde import gradescope as GS
    from autograde.grade import find_exercise

    if a.cmd == "gradescope-run":
        return GS.run(a.root)
    zpath = GS.build_zip(find_exercise(a.exercise, root), a.out, seed=a.seed,
                         visibility=a.visibility)  # fmt: skip
    print(f"wrote {zpath}")
    return 0


def _describe(spec) -> None:
    plan = spec.build(np.random.default_rng(0))
    print(f"{spec.EXERCISE}: {spec.TITLE}")
    print(f"graded names: {', '.join(spec.GRADED_NAMES)}")
    if hasattr(spec, "DIFFICULTY"):
        print(f"{spec.DIFFICULTY}, about {spec.MINUTES} minutes; taught in {spec.CHAPTER}")
        print(f"teaches: {spec.TEACHES}\nallows: {spec.ALLOWS}")
    if getattr(spec, "VARIANTS", False):
        print("per-student numbers: from STUDENT_ID (grade --ids roster|notebook|off)")
    from autograde.shortcuts import describe

    for line in describe(getattr(spec, "FORBID", [])):
        print(f"forbidden: {line}")
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
    from autograde.sandbox import SandboxUnavailable

    try:
        res = G.grade_folder(
            ex.name, a.submissions, a.out, jobs=a.jobs, seed=a.seed, sandbox=a.sandbox,
            limits=limits, quiet=a.quiet, spec=spec, ids=a.ids,
        )  # fmt: skip
    except SandboxUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    print(f"graded {len(res)} submissions -> {a.out / 'grades.csv'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    # gradebook, similarity, report: after a run, reading its output (autograde.classcli)
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("gradebook", "similarity", "report"):
        from autograde.classcli import main as class_main

        return class_main(args)
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
    if a.cmd in ("gradescope", "gradescope-run"):
        return _gradescope(a, root)
    return 2


if __name__ == "__main__":
    sys.exit(main())
