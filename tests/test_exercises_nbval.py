"""The solution notebooks reproduce their committed outputs (strict nbval, sanitized)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_solution_notebooks_pass_nbval():
    solutions = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("exercises/*/solution.ipynb"))
    assert len(solutions) >= 5
    p = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", *solutions,
         "--nbval-sanitize-with", "exercises/nbval-sanitize.cfg"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert p.returncode == 0, p.stdout[-5000:] + p.stderr[-2000:]
