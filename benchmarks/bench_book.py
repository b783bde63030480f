"""The book as its readers and students meet it: build times, page weight and speed, Run All.

Measures, on this machine, side by side in one run:

* the whole book's clean build (fresh output folder, every notebook executed) and the cached
  rebuild right after it (nothing changed), with the command of ``make book``;
* per page of _toc.yml, served from 127.0.0.1 gzip-encoded (as GitHub Pages serves it): the
  bytes transferred (and uncompressed) and the time until the page is interactive in
  Chromium (widgets rendered; math shows: typeset when the book was built, or, where a page
  loads MathJax, after its first typesetting), median of 3 cold loads;
* per chapter, its own weight (the gzipped HTML plus the images it links; the theme's files,
  shared by every page, left out), and per interactive figure its precomputed frames and
  their bytes per frame (gzipped with the figure's other frames, as the page ships them);
* per chapter, JupyterLab's Run All time (live widgets, no MLP_STATIC_WIDGETS).

Writes ``benchmarks/results/book.md``. Budgets (issue #18): every page interactive within
1 s and transferring at most 2.5 MB, every chapter's own weight at most 1.2 MB, every slider
of a continuous figure at 20 places or more, and the universality chapter at least 384 frames.
Usage: ``.venv/bin/python benchmarks/bench_book.py [--skip-build | --html DIR] [--skip-lab]``
(``--html``, or the environment variable ``BOOK_HTML``, measures a book built elsewhere).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    INIT_JS,
    chapter_notebooks,
    serve,
    toc_docs,
    wait_ready,
)

MAX_PAGE_BYTES = 2_500_000  # everything a cold load transfers
MAX_OWN_BYTES = 1_200_000  # a chapter's gzipped HTML plus its images
MAX_READY_MS = 1000
MIN_UNIVERSALITY_FRAMES = 4 * 96  # four times the frames of the chapter before issue #18
RESULTS = REPO / "benchmarks" / "results" / "book.md"


def build(out: Path) -> tuple[float, str]:
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", "-W", "-n", "--keep-going"]
    cmd += [".", "--path-output", str(out)]
    env = {**os.environ, "MLP_STATIC_WIDGETS": "1"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        if not (out / "_build" / "html" / "index.html").exists():
            raise SystemExit(f"book build failed (exit {proc.returncode})")
        # -W --keep-going: every page was written, but a warning makes the exit status 1
        return seconds, f"exit {proc.returncode}: {proc.stdout.count('WARNING')} warnings"
    return seconds, "ok"


def measure_pages(html: Path, loads: int = 3) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(html) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for doc in toc_docs():
            times, sent, raw = [], 0, 0
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.add_init_script(INIT_JS)
                page.goto(f"{base}{doc}.html", wait_until="load")
                times.append(wait_ready(page))
                page.wait_for_timeout(300)
                sent, raw = page.evaluate(
                    """() => performance.getEntriesByType('navigation')
                         .concat(performance.getEntriesByType('resource'))
                         .reduce((s, e) => [s[0] + e.transferSize, s[1] + e.decodedBodySize],
                                 [0, 0])"""
                )
                context.close()
            rows.append({"doc": doc, "sent": sent, "raw": raw, "ms": statistics.median(times)})
            print(f"{doc}: {sent / 1e6:.2f} MB, {statistics.median(times):.0f} ms", flush=True)
        browser.close()
    return rows


def _figures(state: dict) -> list[list[str]]:
    """The frames of each interactive figure of a page (quizzes left out), one list each."""
    from tests.book.widgetstate import is_quiz_stack, models

    stacks = models(state, "StackModel")
    inner = {c.removeprefix("IPY_MODEL_") for st in stacks.values() for c in st["children"]}

    def below(model_id: str) -> list[str]:
        model = state[model_id]["state"]
        if 'class="mlp-frame"' in str(model.get("value", "")):
            return [model["value"]]
        kids = [c.removeprefix("IPY_MODEL_") for c in model.get("children", [])]
        return [f for k in kids if k in state for f in below(k)]

    tops = [st for st in stacks if st not in inner and not is_quiz_stack(state, st)]
    return [below(st) for st in tops]


def chapter_weights(html: Path) -> list[dict]:
    """Per chapter: its own bytes (gzipped HTML plus linked images) and its figures' frames."""
    import gzip
    import re

    from tests.book.widgetstate import widget_state

    rows = []
    for path in sorted((html / "lecture2").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        images = set(re.findall(r'<img[^>]* src="(?!data:)([^"]+)"', text))
        image_bytes = sum((path.parent / i).stat().st_size for i in images)
        figures = []
        for found in _figures(widget_state(text, str(path))):
            shipped = len(gzip.compress("".join(found).encode(), compresslevel=6))
            figures.append({"frames": len(found), "bytes": shipped / len(found)})
        own = len(gzip.compress(text.encode(), compresslevel=6)) + image_bytes
        rows.append({"doc": path.stem, "own": own, "figures": figures})
    return rows


def weight_lines(rows: list[dict]) -> list[str]:
    lines = [
        "## Chapter weight and frames",
        "",
        "Own weight: the chapter's HTML gzipped (level 6, as served) plus the images it links; "
        "the theme's scripts, styles and fonts, the same for every page, are not counted. "
        "Frames: each interactive figure's precomputed frames (quizzes left out); bytes per "
        "frame: the figure's frames gzipped together, divided by their number. Budgets: "
        f"{MAX_OWN_BYTES / 1e6:.1f} MB own weight; the universality chapter at least "
        f"{MIN_UNIVERSALITY_FRAMES} frames.",
        "",
        "| chapter | own weight (MB) | frames per figure | bytes per frame (gzipped) | "
        "within budget |",
        "|---|---:|---|---|:---:|",
    ]
    for r in rows:
        frames = ", ".join(str(f["frames"]) for f in r["figures"]) or "-"
        per = ", ".join(f"{f['bytes']:.0f}" for f in r["figures"]) or "-"
        ok = r["own"] <= MAX_OWN_BYTES
        if "universality" in r["doc"]:
            ok = ok and sum(f["frames"] for f in r["figures"]) >= MIN_UNIVERSALITY_FRAMES
        verdict = "yes" if ok else "**no**"
        lines.append(f"| {r['doc']} | {r['own'] / 1e6:.3f} | {frames} | {per} | {verdict} |")
    return [*lines, ""]


def measure_lab() -> list[tuple[str, float | None]]:
    import nbformat
    from playwright.sync_api import sync_playwright

    from tests.lab.labdriver import jupyterlab, open_notebook, run_all

    rows = []
    with jupyterlab() as lab, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        for path in chapter_notebooks():
            nb = nbformat.read(path, as_version=4)
            if not any(c.cell_type == "code" for c in nb.cells):
                rows.append((path.stem, None))
                continue
            page = open_notebook(context, lab, path.relative_to(REPO).as_posix())
            seconds = run_all(page)
            page.close()
            lab.shutdown_kernels()
            rows.append((path.stem, seconds))
            print(f"{path.stem}: Run All {seconds:.1f} s", flush=True)
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-build", action="store_true", help="measure _build/html as is")
    parser.add_argument("--html", type=Path, default=os.environ.get("BOOK_HTML") or None,
                        help="measure this built book (default: BOOK_HTML); no build")  # fmt: skip
    parser.add_argument("--skip-lab", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    lines = [
        "# The book: build, pages, JupyterLab",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} "
        f"cores ({platform.machine()}, Python {platform.python_version()}), load average "
        f"{load_before[0]:.1f} at the start (the machine is shared: other work slows every "
        "number below). Reproduce with `.venv/bin/python benchmarks/bench_book.py`.",
        "",
    ]
    if args.html or args.skip_build:
        html = Path(args.html or REPO / "_build" / "html")
    else:
        tmp = Path(tempfile.mkdtemp(prefix="mlp-bench-book-"))
        clean, clean_status = build(tmp)
        cached, cached_status = build(tmp)
        html = tmp / "_build" / "html"
        lines += [
            "## Build (`jupyter-book build -W -n --keep-going .`, MLP_STATIC_WIDGETS=1)",
            "",
            "| build | seconds | status |",
            "|---|---:|---|",
            f"| clean (new output folder, every notebook executed) | {clean:.0f} | "
            f"{clean_status} |",
            f"| cached rebuild (nothing changed) | {cached:.0f} | {cached_status} |",
            "",
        ]
        print(f"clean build {clean:.0f} s, cached rebuild {cached:.0f} s", flush=True)
    lines += weight_lines(chapter_weights(html))
    pages = measure_pages(html)
    lines += [
        "## Pages in Chromium from 127.0.0.1",
        "",
        "Transferred: every request of a cold load, gzip-encoded as GitHub Pages serves it "
        "(uncompressed in brackets). Interactive: time from navigation until every widget is "
        "rendered and the math shows (typeset when the book was built, so no page waits for "
        "MathJax; one that loaded it would count until its first typesetting), median of 3 "
        "cold loads. "
        f"Budgets: {MAX_PAGE_BYTES / 1e6:.1f} MB and {MAX_READY_MS / 1000:.0f} s.",
        "",
        "| page | transferred (MB) | interactive (ms) | within budget |",
        "|---|---:|---:|:---:|",
    ]
    for r in pages:
        ok = r["sent"] <= MAX_PAGE_BYTES and r["ms"] <= MAX_READY_MS
        lines.append(
            f"| {r['doc']} | {r['sent'] / 1e6:.2f} ({r['raw'] / 1e6:.1f}) | {r['ms']:.0f} | "
            f"{'yes' if ok else '**no**'} |"
        )
    lines.append("")
    if not args.skip_lab:
        lab = measure_lab()
        lines += [
            "## JupyterLab: Run All per chapter (live widgets)",
            "",
            "From the menu click to an idle kernel with every cell run, in a real JupyterLab "
            "4 driven by Chromium; each chapter's kernel starts before the click.",
            "",
            "| chapter | Run All (s) |",
            "|---|---:|",
        ]
        lines += [f"| {name} | {'placeholder' if s is None else f'{s:.1f}'} |" for name, s in lab]
        lines.append("")
    lines.append(f"Load average at the end: {os.getloadavg()[0]:.1f}.")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
