"""The public checks of an exercise, as data for ``check()`` in the student's kernel.

``python -m autograde release`` writes ``src/autograde/public/<exercise>.json`` from the
spec: the requests and the case checks (:mod:`autograde.cases`) of the spec's public plan --
``spec.public(rng)`` if it defines one, else ``spec.build(rng)`` -- built from a public seed
that is not the grader's hidden seed.  Checks with a hand-written judge stay in the grader.
The file holds public inputs and what they should give (as a public ``assert`` would), never
the grader's hidden inputs; ``check-release`` fails when it is stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from autograde import integrity, variants
from autograde.cases import check_to_json
from autograde.spec import load_spec

PUBLIC_DIR = Path(__file__).with_name("public")


def public_seed(exercise: str) -> int:
    """The seed of the public inputs (the grader's default seed hashes ``exercise\\0``)."""
    digest = hashlib.sha256(f"{exercise}\0public".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def public_data(spec) -> dict:
    """The exercise's public checks as plain JSON data."""
    rng = np.random.default_rng(public_seed(spec.EXERCISE))
    plan = spec.public(rng) if hasattr(spec, "public") else spec.build(rng)
    checks = [d for d in (check_to_json(c) for c in plan.checks) if d is not None]
    return {
        "exercise": spec.EXERCISE,
        "title": spec.TITLE,
        "questions": dict(spec.QUESTIONS),
        "variants": bool(getattr(spec, "VARIANTS", False)),
        "forbid": [
            {"name": f.name, "questions": list(f.questions), "reason": f.reason}
            for f in getattr(spec, "FORBID", [])
        ],
        "provided": sorted(integrity.provided(spec)),
        "requests": [r.to_json() for r in plan.requests],
        "checks": checks,
    }


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def path_for(exercise: str) -> Path:
    return PUBLIC_DIR / f"{exercise}.json"


def write(ex_dir: Path) -> Path:
    spec = load_spec(ex_dir / "spec.py")
    PUBLIC_DIR.mkdir(exist_ok=True)
    path = path_for(spec.EXERCISE)
    path.write_text(render(public_data(spec)))
    return path


def stale(ex_dir: Path) -> list[str]:
    """Problems with the committed public checks of an exercise."""
    spec = load_spec(ex_dir / "spec.py")
    path = path_for(spec.EXERCISE)
    if not path.exists() or path.read_text() != render(public_data(spec)):
        return [f"{path} is out of date: run `python -m autograde release`"]
    if getattr(spec, "VARIANTS", False) and not variants.has_variants(spec.EXERCISE):
        return [f"{spec.EXERCISE} sets VARIANTS but autograde.variants has no module for it"]
    return []
