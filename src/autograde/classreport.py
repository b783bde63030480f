"""What to reteach: a one-page class report of a grading run.

``write_class_report(out_dir)`` reads the run (:mod:`autograde.runout`) and writes, into
``out_dir``:

* ``class-report.html``: the score distribution, for each check how many passed, partly
  passed and failed, and the recognised mistakes with how many students made each, as plots
  (matplotlib, embedded as base64 PNG: the page makes no outside request) and tables;
* ``class-checks.csv``: one row per check (question, check, points, passed, partial,
  failed, mean points);
* ``class-mistakes.csv``: one row per recognised mistake (label, students, checks).

When the run has no mistake labels (output written before ``results.jsonl``), the report
lists instead the commonest messages of failed checks, with numbers replaced by ``#``.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from autograde.runout import Record, load_results, run_info

HTML_NAME, CHECKS_CSV, MISTAKES_CSV = "class-report.html", "class-checks.csv", "class-mistakes.csv"


def check_table(records: list[Record]) -> list[dict]:
    """Per check, in the order of the run: passed (full points), partial, failed, mean."""
    rows: dict[tuple[str, str], dict] = {}
    for r in records:
        for c in r["checks"]:
            key = (c["question"], c["name"])
            row = rows.setdefault(
                key,
                {"question": key[0], "check": key[1], "points": float(c["max_score"])}
                | {"passed": 0, "partial": 0, "failed": 0, "sum": 0.0},
            )
            score, mx = float(c["score"]), float(c["max_score"])
            kind = "passed" if score >= mx - 1e-9 else ("partial" if score > 0 else "failed")
            row[kind] += 1
            row["sum"] += score
    out = []
    for row in rows.values():
        n = row["passed"] + row["partial"] + row["failed"]
        out.append({**{k: v for k, v in row.items() if k != "sum"}, "mean": row["sum"] / n})
    return out


def mistake_table(records: list[Record]) -> list[dict]:
    """Recognised mistakes: label, number of students who made it, the checks it showed in."""
    students: dict[str, set[str]] = defaultdict(set)
    checks: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for c in r["checks"]:
            label = c.get("mistake")
            if label:
                students[label].add(r["student"])
                checks[label].add(f"{c['question']}: {c['name']}" if c["question"] else c["name"])
    rows = [
        {"mistake": m, "students": len(s), "checks": "; ".join(sorted(checks[m]))}
        for m, s in students.items()
    ]
    return sorted(rows, key=lambda row: (-row["students"], row["mistake"]))


def common_failures(records: list[Record], top: int = 10) -> list[tuple[str, int]]:
    """The commonest messages of checks that lost points (numbers replaced by ``#``)."""
    count: Counter[str] = Counter()
    for r in records:
        seen = set()
        for c in r["checks"]:
            if float(c["score"]) < float(c["max_score"]) - 1e-9 and c.get("message"):
                msg = re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "#", str(c["message"]))[:200]
                seen.add(f"{c['name']}: {msg}")
        count.update(seen)
    return count.most_common(top)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _plots(records: list[Record], checks: list[dict], mistakes: list[dict]) -> list[tuple]:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    totals = [float(r["total"]) for r in records]
    top = max([float(r["max_total"] or 0) for r in records] + totals + [1.0])
    fig = Figure(figsize=(6, 3))
    ax = fig.add_subplot()
    ax.hist(totals, bins=min(20, max(5, int(top) + 1)), range=(0, top), color="#4c72b0")
    ax.set(title="Score distribution", xlabel=f"total points (of {top:g})", ylabel="students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    out = [("Histogram of the students' total scores", _png(fig))]
    if checks:
        fig = Figure(figsize=(7, 0.45 * len(checks) + 1.2))
        ax = fig.add_subplot()
        labels = [f"{c['question']}: {c['check']}" for c in checks][::-1]
        left = [0.0] * len(checks)
        for kind, colour in (("passed", "#55a868"), ("partial", "#dd8452"), ("failed", "#c44e52")):
            vals = [c[kind] for c in checks][::-1]
            ax.barh(labels, vals, left=left, color=colour, label=kind)
            left = [a + b for a, b in zip(left, vals, strict=True)]
        ax.set(title="Checks: passed, partly passed, failed", xlabel="students")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize="small")
        out.append(
            ("Bar chart: for each check, how many students passed, partly, failed", _png(fig))
        )
    if mistakes:
        fig = Figure(figsize=(7, 0.45 * len(mistakes) + 1.2))
        ax = fig.add_subplot()
        ax.barh(
            [m["mistake"][:60] for m in mistakes][::-1], [m["students"] for m in mistakes][::-1]
        )
        ax.set(title="Recognised mistakes", xlabel="students who made it")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        out.append(("Bar chart: how many students made each recognised mistake", _png(fig)))
    return out


def _table(head: list[str], rows: list[list]) -> str:
    e = html.escape
    cells = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in r) + "</tr>" for r in rows)
    return "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>" + cells + "</table>"


def _summary(records: list[Record], info: dict) -> str:
    totals = [float(r["total"]) for r in records]
    mx = max((float(r["max_total"] or 0) for r in records), default=0.0)
    status = Counter(r["status"] for r in records)
    full = sum(t >= mx - 1e-9 for t in totals) if mx else 0
    parts = [
        f"{len(records)} submissions",
        f"median {statistics.median(totals):g} / {mx:g}" if totals else "no scores",
        f"mean {statistics.fmean(totals):.2f}" if totals else "",
        f"{full} with full marks",
        ("status: " + ", ".join(f"{k} {v}" for k, v in sorted(status.items()))) if status else "",
    ]
    if info.get("sandbox") == "none":
        parts.append("graded WITHOUT a sandbox (--sandbox none)")
    return html.escape("; ".join(p for p in parts if p) + ".")


CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:.2em .6em}
img{max-width:100%}"""


def write_class_report(out_dir: Path) -> Path:
    """Write the class report of the grading run in ``out_dir``; return the HTML's path.

    Parameters
    ----------
    out_dir : Path
        A grading run's output folder (``results.jsonl``, or ``grades.csv`` and
        ``gradescope/``).

    Returns
    -------
    Path
        ``out_dir / "class-report.html"`` (the CSVs are written beside it).
    """
    out_dir = Path(out_dir)
    records, info = load_results(out_dir), run_info(out_dir)
    checks, mistakes = check_table(records), mistake_table(records)
    _write_csvs(out_dir, checks, mistakes)
    title = f"Class report: {info.get('exercise', out_dir.name)}"
    body = [f"<h1>{html.escape(title)}</h1>", f"<p>{_summary(records, info)}</p>"]
    for alt, data in _plots(records, checks, mistakes):
        body.append(f'<p><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></p>')
    body.append("<h2>Checks</h2>")
    head = ["question", "check", "points", "passed", "partial", "failed", "mean points"]
    rows = [[c["question"], c["check"], f"{c['points']:g}", c["passed"], c["partial"]]
            + [c["failed"], f"{c['mean']:.2f}"] for c in checks]  # fmt: skip
    body.append(_table(head, rows))
    body.append("<h2>Recognised mistakes</h2>")
    if mistakes:
        rows = [[m["mistake"], m["students"], m["checks"]] for m in mistakes]
        body.append(_table(["mistake", "students", "seen in"], rows))
    else:
        body.append("<p>No recognised mistakes in this run's results.</p>")
        failures = common_failures(records)
        if failures:
            body.append("<h2>Commonest messages of failed checks</h2>")
            body.append(_table(["check: message", "students"], [list(f) for f in failures]))
    page = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}"
        f"</title><style>{CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )
    path = out_dir / HTML_NAME
    path.write_text(page, encoding="utf-8")
    return path


def _write_csvs(out_dir: Path, checks: list[dict], mistakes: list[dict]) -> None:
    with (out_dir / CHECKS_CSV).open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["question", "check", "points", "passed", "partial", "failed", "mean"])
        for c in checks:
            w.writerow([c["question"], c["check"], f"{c['points']:g}", c["passed"]]
                       + [c["partial"], c["failed"], f"{c['mean']:.4f}"])  # fmt: skip
    with (out_dir / MISTAKES_CSV).open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["mistake", "students", "checks"])
        for m in mistakes:
            w.writerow([m["mistake"], m["students"], m["checks"]])
