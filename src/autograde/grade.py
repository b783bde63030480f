"""Grade a folder of submitted notebooks for one exercise.

For each submission: run its code in a sandboxed child (:mod:`autograde.sandbox`), decode
the plain data it sends back (:mod:`autograde.wire`), and judge it here with the spec's
checks.  Writes ``grades.csv``, ``feedback/<student>.md``, ``gradescope/<student>/results.json``,
``logs/<student>.{stdout,stderr}.txt`` and ``run.json`` (seed, sandbox mode, timings).
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import json
import re
import secrets
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

from autograde.sandbox import Limits, RunResult, resolve_mode, run_submission
from autograde.spec import Plan, Verdict, load_spec
from autograde.wire import ChildReport, Failure, parse_results

_SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclasses.dataclass
class Graded:
    """One submission's outcome."""

    student: str
    checks: list[tuple[str, str, float, float, str]]  # name, question, score, max, message
    questions: dict[str, float]
    total: float
    status: str
    notes: list[str]
    seconds: float
    stdout: str = ""
    stderr: str = ""


def exercises_root() -> Path:
    """The ``exercises/`` folder: $AUTOGRADE_EXERCISES, ./exercises, or the repository's."""
    import os

    env = os.environ.get("AUTOGRADE_EXERCISES")
    if env:
        return Path(env)
    here = Path.cwd() / "exercises"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "exercises"


def find_exercise(name: str, root: Path | None = None) -> Path:
    """Resolve ``01``, ``xor-feature-map`` or ``01-xor-feature-map`` to its folder."""
    root = root or exercises_root()
    dirs = sorted(p for p in root.iterdir() if (p / "spec.py").is_file())
    for p in dirs:
        if name in (p.name, p.name.split("-", 1)[0], p.name.split("-", 1)[-1]):
            return p
    known = ", ".join(p.name for p in dirs)
    raise SystemExit(f"unknown exercise {name!r}; known: {known}")


def find_submissions(folder: Path) -> list[tuple[str, Path]]:
    """``name.ipynb`` files (student = stem) and ``name/*.ipynb`` folders (student = name)."""
    subs: list[tuple[str, Path]] = []
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.suffix == ".ipynb":
            subs.append((p.stem, p))
        elif p.is_dir() and not p.name.startswith("."):
            nbs = sorted(q for q in p.glob("*.ipynb") if q.is_file())
            if nbs:
                subs.append((p.name, nbs[0]))
    return subs


def safe_name(student: str) -> str:
    return _SAFE.sub("_", student)[:100] or "_"


def judge(
    spec,
    plan: Plan,
    student: str,
    run: RunResult | None,
    error: str | None,
    limits: Limits | None = None,
) -> Graded:
    """Turn a child's raw output into points and feedback (runs in the grader's process)."""
    keys = {r.key for r in plan.requests}
    notes: list[str] = []
    status = "ok"
    rep = ChildReport()
    if error is not None:
        status = "rejected"
        notes.append(error)
    elif run is not None:
        rep = parse_results(run.results_text, keys)
        if rep.notebook_error:
            status = "invalid notebook"
            notes.append(f"Your file could not be read as a notebook ({rep.notebook_error}).")
        elif run.timed_out:
            status = "timeout"
            last = rep.started[-1] if rep.started else None
            where = f" while code cell {last} was running" if last else ""
            wall = (limits or spec_limits(spec)).wall_seconds
            notes.append(
                f"Your notebook did not finish within {wall:g} s"
                f"{where}; answers not collected by then score 0."
            )
        elif not rep.done:
            status = "crashed"
            last = rep.started[-1] if rep.started else None
            where = f" during code cell {last}" if last and last not in rep.cells else ""
            why = _exit_reason(run)
            notes.append(
                f"The process running your notebook stopped early{where} ({why}); "
                "answers not collected by then score 0."
            )
        for i, err in sorted(rep.cells.items()):
            if err:
                head = rep.heads.get(i, "")
                notes.append(f"code cell {i} (`{head}`) raised {err}")
        if rep.bad_lines:
            notes.append(f"{rep.bad_lines} malformed result line(s) were ignored.")
    outputs = {}
    for r in plan.requests:
        if r.key in rep.results:
            outputs[r.key] = rep.results[r.key]
        else:
            outputs[r.key] = Failure("absent", status if status != "ok" else "no answer")
    checks = []
    questions = {q: 0.0 for q in spec.QUESTIONS}
    for c in plan.checks:
        try:
            v = c.judge(outputs)
            if not isinstance(v, Verdict):
                raise TypeError("judge did not return a Verdict")
        except Exception as e:  # noqa: BLE001 - a bad answer must never stop the run
            v = Verdict(0.0, f"could not judge this answer ({type(e).__name__}).")
            notes.append(f"[grader] check {c.name}: {type(e).__name__}: {e}")
        score = c.points * v.fraction
        checks.append((c.name, c.question, round(score, 6), c.points, v.message))
        questions[c.question] += score
    total = round(sum(questions.values()), 4)
    questions = {q: round(s, 4) for q, s in questions.items()}
    return Graded(
        student=student,
        checks=checks,
        questions=questions,
        total=total,
        status=status,
        notes=notes,
        seconds=run.seconds if run else 0.0,
        stdout=run.stdout if run else "",
        stderr=run.stderr if run else "",
    )


def _exit_reason(run: RunResult) -> str:
    rc = run.returncode
    if rc is None:
        return "it was not started"
    if rc < 0:
        import signal

        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        hint = {
            "SIGXCPU": "CPU time limit",
            "SIGKILL": "killed: CPU or memory limit",
            "SIGSEGV": "segmentation fault",
        }.get(name, "killed by a signal")
        return f"{name}, {hint}"
    if rc == 0:
        return "it exited, e.g. os._exit() or sys.exit() outside a cell"
    return f"exit status {rc}"


def spec_limits(spec) -> Limits:
    return getattr(spec, "LIMITS", Limits())


def grade_one(spec, plan, requests_file, student, path, limits, mode) -> Graded:
    t0 = time.monotonic()
    try:
        if path.is_symlink() or not path.is_file():
            return judge(spec, plan, student, None, "The submission is not a regular file.")
        if path.stat().st_size > limits.notebook_bytes:
            return judge(
                spec,
                plan,
                student,
                None,
                f"The notebook is larger than {limits.notebook_bytes >> 20} MB "
                "(clear its outputs and resubmit).",
            )
        run = run_submission(path, requests_file, limits, mode)
        first = parse_results(run.results_text, {r.key for r in plan.requests})
        stuck = [i for i in first.started if i not in first.cells]
        retry_note = None
        if not first.notebook_error and (run.timed_out or not first.done) and stuck:
            # The process died or hung inside a cell: run once more without that cell, so
            # one runaway cell does not cost the answers defined elsewhere.
            cell = stuck[-1]
            what = "did not finish in time" if run.timed_out else "ended the process"
            retry_note = (
                f"code cell {cell} (`{first.heads.get(cell, '')}`) {what}; your notebook was "
                "run a second time without that cell."
            )
            seconds = run.seconds
            run = run_submission(path, requests_file, limits, mode, skip_cells=(cell,))
            run.seconds += seconds
        g = judge(spec, plan, student, run, None, limits)
        if retry_note:
            g.notes.insert(0, retry_note)
        return g
    except Exception as e:  # noqa: BLE001
        g = judge(spec, plan, student, None, f"[grader error] {type(e).__name__}: {e}")
        g.status = "grader error"
        g.seconds = time.monotonic() - t0
        g.stderr = traceback.format_exc()
        return g


def feedback_markdown(spec, g: Graded) -> str:
    lines = [f"# {spec.TITLE}: feedback for {g.student}", ""]
    max_total = sum(c[3] for c in g.checks)
    lines.append(f"**Score: {g.total:g} / {max_total:g}**  (status: {g.status})")
    lines.append("")
    for q, title in spec.QUESTIONS.items():
        qmax = sum(c[3] for c in g.checks if c[1] == q)
        lines.append(f"## {q}: {title} — {g.questions[q]:g} / {qmax:g}")
        for name, cq, score, mx, msg in g.checks:
            if cq != q:
                continue
            mark = "PASS" if score >= mx else ("PARTIAL" if score > 0 else "FAIL")
            lines.append(f"- [{mark}] {name} ({score:g}/{mx:g}): {msg}")
        lines.append("")
    if g.notes:
        lines.append("## Notes on running your notebook")
        lines += [f"- {n}" for n in g.notes[:20]]
        lines.append("")
    return "\n".join(lines)


def gradescope_json(spec, g: Graded) -> dict:
    return {
        "score": g.total,
        "output": f"{spec.TITLE}: status {g.status}. " + " ".join(g.notes[:5]),
        "tests": [
            {"name": f"{q}: {name}", "score": score, "max_score": mx, "output": msg}
            for name, q, score, mx, msg in g.checks
        ],
    }


def grade_folder(
    exercise: str,
    submissions: Path,
    out: Path,
    *,
    jobs: int = 2,
    seed: int | None = None,
    sandbox: str = "auto",
    limits: Limits | None = None,
    quiet: bool = False,
) -> list[Graded]:
    """Grade every submission in ``submissions``; write the CSV, feedback and JSON to ``out``."""
    ex_dir = find_exercise(exercise)
    spec = load_spec(ex_dir / "spec.py")
    limits = limits or spec_limits(spec)
    mode, warning = resolve_mode(sandbox)
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)
    if seed is None:
        seed = secrets.randbits(63)
    plan = spec.build(np.random.default_rng(seed))
    subs = find_submissions(submissions)
    names: dict[str, int] = {}
    unique = []
    for student, path in subs:  # alice.ipynb and alice/x.ipynb: keep both, visibly
        names[student] = names.get(student, 0) + 1
        unique.append((student if names[student] == 1 else f"{student} ({names[student]})", path))
    subs = unique
    files: dict[str, str] = {}
    for student, _ in subs:  # "a b" and "a_b" must not share a feedback file
        base, k = safe_name(student), 1
        while (base if k == 1 else f"{base}_{k}") in files.values():
            k += 1
        files[student] = base if k == 1 else f"{base}_{k}"
    out.mkdir(parents=True, exist_ok=True)
    for d in ("feedback", "gradescope", "logs"):
        (out / d).mkdir(exist_ok=True)
    t0 = time.monotonic()
    results: list[Graded] = []
    with tempfile.TemporaryDirectory(prefix="autograde-run-") as tmp:
        requests_file = Path(tmp) / "requests.json"
        requests_file.write_text(json.dumps([r.to_json() for r in plan.requests]))
        requests_file.chmod(0o644)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futs = {
                pool.submit(grade_one, spec, plan, requests_file, s, p, limits, mode): s
                for s, p in subs
            }
            for fut in concurrent.futures.as_completed(futs):
                g = fut.result()
                results.append(g)
                _write_one(spec, g, out, files[g.student])
                if not quiet:
                    print(f"{g.student}: {g.total:g} ({g.status}, {g.seconds:.1f} s)")
    results.sort(key=lambda g: g.student)
    qids = list(spec.QUESTIONS)
    with open(out / "grades.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", *qids, "total", "status"])
        for g in results:
            w.writerow(
                [g.student, *(f"{g.questions[q]:g}" for q in qids), f"{g.total:g}", g.status]
            )
    run_info = {
        "exercise": spec.EXERCISE,
        "seed": seed,
        "sandbox": mode,
        "warning": warning,
        "jobs": jobs,
        "submissions": len(results),
        "seconds": round(time.monotonic() - t0, 2),
        "limits": dataclasses.asdict(limits),
        "max_points": sum(c.points for c in plan.checks),
        "files": files,  # student -> name of their feedback/gradescope/log files
    }
    (out / "run.json").write_text(json.dumps(run_info, indent=2) + "\n")
    return results


def _write_one(spec, g: Graded, out: Path, name: str) -> None:
    (out / "feedback" / f"{name}.md").write_text(feedback_markdown(spec, g))
    gs = out / "gradescope" / name
    gs.mkdir(exist_ok=True)
    (gs / "results.json").write_text(json.dumps(gradescope_json(spec, g), indent=2) + "\n")
    (out / "logs" / f"{name}.stdout.txt").write_text(g.stdout)
    (out / "logs" / f"{name}.stderr.txt").write_text(g.stderr)
