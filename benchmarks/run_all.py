"""Run every benchmark in this folder, one after the other: ``make bench``.

Each ``bench_*.py`` script measures one thing side by side with its reference in the same
run and writes a markdown table to ``benchmarks/results/``. Benchmarks are never timed
assertions in the tests; they report, and the README quotes their tables.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    chosen = [s for s in scripts if not argv or any(a in s.stem for a in argv)]
    failed = []
    for script in chosen:
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"=== {script.name}: exit {code} in {time.perf_counter() - start:.0f} s", flush=True)
        if code:
            failed.append(script.name)
    print("\nresults:", *sorted(p.name for p in (HERE / "results").glob("*.md")), sep="\n  ")
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
