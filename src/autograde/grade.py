"""Grade a folder of submitted notebooks for one exercise.

For each submission: run its code in a sandboxed child (:mod:`autograde.sandbox`), decode
the plain data it sends back (:mod:`autograde.wire`), and judge it here with the spec's
checks.  Writes ``grades.csv``, ``feedback/<student>.md``, ``gradescope/<student>/results.json``,
``logs/<student>.{stdout,stderr}.txt`` and ``run.json`` (seed, sandbox mode, timings).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType

import numpy as np

from autograde import integrity, reports, variants, workers
from autograde.discover import (  # noqa: F401 - exercises_root, find_exercise: the CLI's
    Submission,
    code_sources,
    exercises_root,
    find_exercise,
    find_submissions,
)
from autograde.limits import exit_reason
from autograde.sandbox import Limits, RunResult, check_closed, resolve_mode, run_submission
from autograde.spec import Plan, Verdict, load_spec
from autograde.wire import ChildReport, Failure, parse_results

_SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")
MACHINE_TIMEOUT = "grader timeout (machine busy)"


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """One check's outcome for one submission."""

    name: str
    question: str
    score: float
    max_score: float
    message: str
    mistake: str | None = None


@dataclasses.dataclass
class Graded:
    """One submission's outcome."""

    student: str
    checks: list[CheckResult]
    questions: dict[str, float]
    total: float
    status: str
    notes: list[str]
    seconds: float
    stdout: str = ""
    stderr: str = ""
    file: str = ""
    notebook_choice: str = ""
    max_total: float = 0.0
    timeout_cause: str | None = None
    cpu_seconds: float = 0.0  # CPU of the submission's processes (its cgroup, or its uid)
    sandbox: str = ""  # the run's sandbox mode, written into every report


def safe_name(student: str) -> str:
    """A file name for a student's feedback, logs and Gradescope folder."""
    return _SAFE.sub("_", reports.clean(student))[:100] or "_"


def _run_notes(rep: ChildReport, run: RunResult, limits: Limits) -> tuple[str, list[str]]:
    """The status and the notes on how the run went (no scores)."""
    status, notes = "ok", []
    cause = getattr(run, "timeout_cause", None)
    if rep.notebook_error:
        status = "invalid notebook"
        notes.append(f"Your file could not be read as a notebook ({rep.notebook_error}).")
    elif run.timed_out and cause == "machine":
        status = MACHINE_TIMEOUT
        notes.append(
            "The grading machine was too busy to finish running this notebook in time; this "
            "is NOT the student's fault: regrade this submission."
        )
    elif run.timed_out:
        status = "timeout"
        last = rep.started[-1] if rep.started else None
        where = f" while code cell {last} was running" if last else ""
        budget = (
            f"its CPU time budget of {limits.cpu_seconds:g} s"
            if cause == "cpu"
            else f"{limits.wall_seconds:g} s (it was waiting, not computing: e.g. time.sleep)"
        )
        notes.append(
            f"Your notebook did not finish within {budget}{where}; answers not collected by "
            "then score 0."
        )
    elif not rep.done:
        status = "crashed"
        last = rep.started[-1] if rep.started else None
        where = f" during code cell {last}" if last and last not in rep.cells else ""
        notes.append(
            f"The process running your notebook stopped early{where} ({exit_reason(run)}); "
            "answers not collected by then score 0."
        )
    for i, err in sorted(rep.cells.items()):
        if err:
            notes.append(f"code cell {i} (`{rep.heads.get(i, '')}`) raised {err}")
    if rep.bad_lines:
        notes.append(f"{rep.bad_lines} malformed result line(s) were ignored.")
    return status, notes


def _score(spec, plan: Plan, outputs: dict, notes: list[str]):
    checks, questions = [], {q: 0.0 for q in spec.QUESTIONS}
    for c in plan.checks:
        try:
            v = c.judge(outputs)
            if not isinstance(v, Verdict):
                raise TypeError("judge did not return a Verdict")
        except Exception as e:  # noqa: BLE001 - a bad answer must never stop the run
            v = Verdict(0.0, f"could not judge this answer ({type(e).__name__}).")
            notes.append(f"[grader] check {c.name}: {type(e).__name__}: {e}")
        score = c.points * v.fraction
        mistake = getattr(v, "mistake", None)
        checks.append(
            CheckResult(c.name, c.question, round(score, 6), c.points, v.message, mistake)
        )
        questions[c.question] += score
    return checks, questions


def judge(
    spec,
    plan: Plan,
    student: str,
    run: RunResult | None,
    error: str | None,
    limits: Limits | None = None,
    status: str = "rejected",
) -> Graded:
    """Turn a child's raw output into points and feedback (runs in the grader's process)."""
    notes: list[str] = []
    rep = ChildReport()
    if error is not None:
        notes.append(error)
    elif run is not None:
        rep = parse_results(run.results_text, {r.key for r in plan.requests})
        status, notes = _run_notes(rep, run, limits or spec_limits(spec))
    outputs = {
        r.key: rep.results.get(r.key, Failure("absent", status if status != "ok" else "no answer"))
        for r in plan.requests
    }
    outputs[variants.STUDENT] = integrity.grading_id(spec, plan.ids, student, outputs)
    flag = integrity.id_note(spec, plan.ids, student, outputs) if run is not None else None
    notes += [flag] if flag else []
    checks, questions = _score(spec, plan, outputs, notes)
    return Graded(
        student=student,
        checks=checks,
        questions={q: round(v, 4) for q, v in questions.items()},
        total=round(sum(questions.values()), 4),
        status=status,
        notes=notes,
        seconds=run.seconds if run else 0.0,
        stdout=run.stdout if run else "",
        stderr=run.stderr if run else "",
        max_total=sum(c.points for c in plan.checks),
        timeout_cause=getattr(run, "timeout_cause", None) if run else None,
        cpu_seconds=getattr(run, "cpu_seconds", 0.0) if run else 0.0,
    )


def spec_limits(spec) -> Limits:
    return getattr(spec, "LIMITS", Limits())


def _run_and_retry(spec, plan, requests_file, path: Path, limits, mode, student) -> Graded:
    run = run_submission(path, requests_file, limits, mode)
    first = parse_results(run.results_text, {r.key for r in plan.requests})
    stuck = [i for i in first.started if i not in first.cells]
    machine = getattr(run, "timeout_cause", None) == "machine"
    retry_note = None
    if not first.notebook_error and (run.timed_out or not first.done) and stuck and not machine:
        # The process died or hung inside a cell: run once more without that cell, so
        # one runaway cell does not cost the answers defined elsewhere.
        cell = stuck[-1]
        what = "did not finish in time" if run.timed_out else "ended the process"
        retry_note = (
            f"code cell {cell} (`{first.heads.get(cell, '')}`) {what}; your notebook was "
            "run a second time without that cell."
        )
        seconds, cpu = run.seconds, run.cpu_seconds
        run = run_submission(path, requests_file, limits, mode, skip_cells=(cell,))
        run.seconds, run.cpu_seconds = run.seconds + seconds, run.cpu_seconds + cpu
    g = judge(spec, plan, student, run, None, limits)
    if retry_note:
        g.notes.insert(0, retry_note)
    integrity.refuse_shortcuts(spec, g, code_sources(path))
    return g


def grade_one(spec, plan, requests_file, sub: Submission, limits, mode, root=None) -> Graded:
    """Grade one submission; whatever happens, return a Graded (0 points and a reason)."""
    t0 = time.monotonic()
    try:
        path = sub.notebook
        if sub.refused or path is None:
            g = judge(spec, plan, "", None, "Not graded: " + sub.choice, status=sub.refused)
        elif path.is_symlink() or not path.is_file():
            g = judge(spec, plan, "", None, "The submission is not a regular file.")
        elif path.stat().st_size > limits.notebook_bytes:
            msg = (
                f"The notebook is larger than {limits.notebook_bytes >> 20} MB "
                "(clear its outputs and resubmit)."
            )
            g = judge(spec, plan, "", None, msg)
        else:
            g = _run_and_retry(spec, plan, requests_file, path, limits, mode, sub.student)
    except Exception as e:  # noqa: BLE001 - one submission never stops the run
        g = _grader_error(spec, plan, e)
        g.seconds = time.monotonic() - t0
    return _finish(g, sub, root)


def _grader_error(spec, plan, e: BaseException) -> Graded:
    g = judge(spec, plan, "", None, f"[grader error] {type(e).__name__}: {e}")
    g.status = "grader error"
    g.stderr = traceback.format_exc()
    return g


def _finish(g: Graded, sub: Submission, root) -> Graded:
    """Name the submission and make every text in it safe to write (no host paths)."""
    extra = (str(root), str(Path(root).resolve())) if root else ()
    g.student = reports.clean(sub.student)
    g.file = reports.clean(sub.source)
    g.notebook_choice = reports.scrub(sub.choice, extra)
    g.notes = [reports.scrub(n, extra) for n in [*sub.notes, *g.notes]]
    g.status = reports.clean(g.status)
    g.checks = [
        dataclasses.replace(
            c, message=reports.scrub(c.message, extra),
            mistake=None if c.mistake is None else reports.clean(c.mistake),
        )
        for c in g.checks
    ]  # fmt: skip
    g.stdout, g.stderr = reports.clean(g.stdout), reports.scrub(g.stderr, extra)
    return g


def _unique_files(subs: list[Submission]) -> dict[str, str]:
    files: dict[str, str] = {}
    used: set[str] = set()
    for s in subs:  # "a b" and "a_b" must not share a feedback file
        base, k = safe_name(s.student), 1
        while (base if k == 1 else f"{base}_{k}") in used:
            k += 1
        files[s.student] = base if k == 1 else f"{base}_{k}"
        used.add(files[s.student])
    return files


def _write_safely(spec, plan, g: Graded, out: Path, name: str) -> Graded:
    """Write one submission's files; if that fails, it gets 0 and a reason, the run goes on."""
    try:
        reports.write_one(spec, g, out, name)
        return g
    except Exception as e:  # noqa: BLE001
        bad = _grader_error(spec, plan, e)
        bad.student, bad.file, bad.notebook_choice = g.student, g.file, g.notebook_choice
        bad.notes = [reports.scrub(n) for n in bad.notes]
        bad.stderr = reports.clean(bad.stderr)
        reports.write_one(spec, bad, out, name)
        return bad


def _pool(spec, plan, requests_file, subs, limits, mode, jobs, root) -> list[Graded]:
    results: dict[str, Graded] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futs = {
            pool.submit(grade_one, spec, plan, requests_file, s, limits, mode, root): s
            for s in subs
        }
        for fut in concurrent.futures.as_completed(futs):
            s = futs[fut]
            try:
                results[s.student] = fut.result()
            except Exception as e:  # noqa: BLE001 - belt and braces: grade_one never raises
                results[s.student] = _finish(_grader_error(spec, plan, e), s, root)
    return [results[s.student] for s in subs]


def _regrade_machine_timeouts(spec, plan, requests_file, subs, graded, limits, mode, root):
    """A run the busy machine cut short is regraded alone, after the pool has finished."""
    for k, (s, g) in enumerate(zip(subs, graded, strict=True)):
        if g.status != MACHINE_TIMEOUT:
            continue
        again = grade_one(spec, plan, requests_file, s, limits, mode, root)
        again.seconds += g.seconds
        if again.status == MACHINE_TIMEOUT:
            again.notes.append(
                "It was regraded alone after the class and the machine was still too busy: "
                "regrade it later. The student's work was not judged."
            )
        else:
            again.notes.insert(0, "Regraded alone: the first run was cut short by a busy machine.")
        graded[k] = again


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
    spec: ModuleType | None = None,
    ids: str = "roster",
) -> list[Graded]:
    """Grade every submission in ``submissions``; write the CSV, feedback and JSON to ``out``.

    ``spec`` is the exercise's loaded spec module (loaded here from ``exercise`` if None);
    ``ids`` whose per-student numbers judge a submission (:mod:`autograde.integrity`).
    """
    if spec is None:
        spec = load_spec(find_exercise(exercise) / "spec.py")
    limits = limits or spec_limits(spec)
    mode, warning = resolve_mode(sandbox)
    out.mkdir(parents=True, exist_ok=True)
    if mode == "fallback":  # the grader's own output: closed to the submissions' uids
        out.chmod(0o700)
    check_closed(mode, [Path(spec.__file__).resolve().parents[1], submissions, out])
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)
    seed = default_seed(spec.EXERCISE) if seed is None else seed
    plan = integrity.with_id_request(spec, spec.build(np.random.default_rng(seed)))
    plan.ids = ids
    released = code_sources(Path(spec.__file__).with_name("student.ipynb"))
    subs = find_submissions(submissions, getattr(spec, "NOTEBOOK", "student.ipynb"), released)
    files = _unique_files(subs)
    for d in ("feedback", "gradescope", "logs"):
        (out / d).mkdir(exist_ok=True)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="autograde-run-") as tmp:
        requests_file = Path(tmp) / "requests.json"
        integrity.write_job(spec, plan, requests_file)
        args = (spec, plan, requests_file)
        try:
            results = _pool(*args, subs, limits, mode, jobs, submissions)
            _regrade_machine_timeouts(*args, subs, results, limits, mode, submissions)
        finally:
            workers.close_all()
    for g in results:
        g.sandbox = mode
    results = [
        _write_safely(spec, plan, g, out, files[s.student])
        for s, g in zip(subs, results, strict=True)
    ]
    if not quiet:
        for g in results:
            print(reports.clean(f"{g.student}: {g.total:g} ({g.status}, {g.seconds:.1f} s)"))
    info = {"seed": seed, "sandbox": mode, "warning": warning, "jobs": jobs,
            "limits": dataclasses.asdict(limits)}  # fmt: skip
    reports.write_run(spec, plan, out, results, files, info, t0)
    return results


def default_seed(exercise: str) -> int:
    """The hidden-input seed when none is given: fixed per exercise, so a regrade draws the
    same inputs (the Gradescope zip uses the same one)."""
    digest = hashlib.sha256(f"{exercise}\0".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1
