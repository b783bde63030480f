"""Everything the grader writes about a submission, made safe before it is written.

Text that comes from a child or a file name may hold lone surrogates or invalid bytes, host
paths and spreadsheet formulas.  :func:`clean` makes any text encodable (lone surrogates
become ``\\udc80`` escapes), :func:`scrub` replaces host paths (the Python environment,
the course packages, the submissions folder, temporary folders) by placeholders, and
:func:`csv_cell` keeps a cell from being read as a formula.  Writers: feedback markdown,
Gradescope ``results.json``, one line of ``results.jsonl``, the logs and ``grades.csv``.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
NONE_NOTE = ("Graded WITHOUT a sandbox (--sandbox none): the notebook could read the "
             "grader's files and use the network.")  # fmt: skip
_TMP = re.compile(r"/tmp/(autograde|pytest)[\w./-]*")


def clean(text) -> str:
    """``text`` as a string that encodes as UTF-8 (lone surrogates and bad bytes escaped)."""
    s = text if isinstance(text, str) else str(text)
    try:  # a file name's undecodable bytes (surrogateescape) shown as the bytes: caf\xe9
        b = s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        b = s.encode("utf-8", "backslashreplace")
    return b.decode("utf-8", "backslashreplace")


def _host_roots() -> list[tuple[str, str]]:
    roots = {
        os.path.realpath(sys.prefix): "<python>",
        sys.prefix: "<python>",
        os.path.realpath(sys.base_prefix): "<python>",
        sys.base_prefix: "<python>",
        str(Path(__file__).resolve().parents[1]): "<packages>",
        str(Path(__file__).resolve().parents[2]): "<course>",
        os.path.realpath(tempfile.gettempdir()) + "/": "<tmp>/",
    }
    try:
        import mlp

        roots[str(Path(mlp.__file__).resolve().parent)] = "<mlp>"
    except ImportError:
        pass
    home = os.path.expanduser("~")
    if home not in ("/", ""):
        roots[home] = "~"
    return sorted(roots.items(), key=lambda kv: -len(kv[0]))


_ROOTS = _host_roots()


def scrub(text, extra: tuple[str, ...] = ()) -> str:
    """``clean(text)`` with host paths replaced by placeholders (``<python>``, ``<mlp>``...)."""
    s = clean(text)
    for path in extra:
        if path and len(path) > 1:
            s = s.replace(clean(path), "<submissions>")
    s = _TMP.sub("<tmp>", s)
    for path, name in _ROOTS:
        if len(path) > 1:
            s = s.replace(path, name)
    return s


def csv_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never evaluates as a formula."""
    s = clean(value)
    return "'" + s if s.startswith(_FORMULA) else s


def write_text(path: Path, text: str) -> None:
    path.write_text(clean(text), encoding="utf-8")


def feedback_markdown(spec, g) -> str:
    """The student's feedback page."""
    lines = [f"# {spec.TITLE}: feedback for {g.student}", ""]
    if getattr(g, "sandbox", "") == "none":
        lines += [f"> {NONE_NOTE}", ""]
    lines.append(f"**Score: {g.total:g} / {g.max_total:g}**  (status: {g.status})")
    lines += ["", f"Notebook: {g.notebook_choice}", ""]
    for q, title in spec.QUESTIONS.items():
        qmax = sum(c.max_score for c in g.checks if c.question == q)
        lines.append(f"## {q}: {title} — {g.questions[q]:g} / {qmax:g}")
        for c in g.checks:
            if c.question != q:
                continue
            mark = "PASS" if c.score >= c.max_score else ("PARTIAL" if c.score > 0 else "FAIL")
            lines.append(f"- [{mark}] {c.name} ({c.score:g}/{c.max_score:g}): {c.message}")
        lines.append("")
    if g.notes:
        lines.append("## Notes on running your notebook")
        lines += [f"- {n}" for n in g.notes[:20]]
        lines.append("")
    return "\n".join(lines)


def gradescope_json(spec, g) -> dict:
    """Gradescope's ``results.json`` for one submission."""
    mode = getattr(g, "sandbox", "")
    warn = NONE_NOTE + " " if mode == "none" else ""
    return {
        "score": g.total,
        "output": warn + f"{spec.TITLE}: status {g.status}. " + " ".join(g.notes[:5]),
        "extra_data": {"sandbox": mode},
        "tests": [
            {"name": f"{c.question}: {c.name}", "score": c.score, "max_score": c.max_score,
             "output": c.message}
            for c in g.checks
        ],
    }  # fmt: skip


def result_record(g) -> dict:
    """One line of ``results.jsonl`` (the keys a class report reads: keep them exactly)."""
    return {
        "student": g.student,
        "file": g.file,
        "notebook_choice": g.notebook_choice,
        "status": g.status,
        "total": g.total,
        "max_total": g.max_total,
        "questions": dict(g.questions),
        "checks": [
            {"name": c.name, "question": c.question, "score": c.score,
             "max_score": c.max_score, "message": c.message, "mistake": c.mistake}
            for c in g.checks
        ],
        "seconds": round(g.seconds, 3),
        "notes": list(g.notes),
        "sandbox": getattr(g, "sandbox", ""),
    }  # fmt: skip


def dumps(obj) -> str:
    """JSON text with every string made encodable first."""
    return json.dumps(_cleaned(obj), ensure_ascii=False)


def _cleaned(obj):
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, dict):
        return {clean(k): _cleaned(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_cleaned(v) for v in obj]
    return obj


def write_one(spec, g, out: Path, name: str) -> None:
    """The feedback page, the Gradescope file and the logs of one submission."""
    write_text(out / "feedback" / f"{name}.md", feedback_markdown(spec, g))
    gs = out / "gradescope" / name
    gs.mkdir(exist_ok=True)
    write_text(gs / "results.json", json.dumps(json.loads(dumps(gradescope_json(spec, g))),
                                               indent=2) + "\n")  # fmt: skip
    write_text(out / "logs" / f"{name}.stdout.txt", g.stdout)
    write_text(out / "logs" / f"{name}.stderr.txt", g.stderr)


def write_csv(path: Path, qids: list[str], results) -> None:
    """``grades.csv``: one row per submission, in student order."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", *qids, "total", "status", "sandbox"])
        for g in results:
            w.writerow(
                [csv_cell(g.student), *(f"{g.questions.get(q, 0):g}" for q in qids),
                 f"{g.total:g}", csv_cell(g.status), csv_cell(getattr(g, "sandbox", ""))]
            )  # fmt: skip


def write_jsonl(path: Path, results) -> None:
    """``results.jsonl``: one JSON object per submission."""
    write_text(path, "".join(dumps(result_record(g)) + "\n" for g in results))


def write_run(spec, plan, out: Path, results, files: dict, info: dict, t0: float) -> None:
    """``grades.csv``, ``results.jsonl`` and ``run.json`` of a whole run."""
    results = sorted(results, key=lambda g: g.student)
    write_csv(out / "grades.csv", list(spec.QUESTIONS), results)
    write_jsonl(out / "results.jsonl", results)
    run_info = {
        "exercise": spec.EXERCISE,
        **info,
        "submissions": len(results),
        "seconds": round(time.monotonic() - t0, 2),
        "max_points": sum(c.points for c in plan.checks),
        "files": files,  # student -> name of their feedback/gradescope/log files
    }
    write_text(out / "run.json", dumps(run_info) + "\n")
