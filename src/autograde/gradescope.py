"""A Gradescope autograder for one exercise: build the zip, and run it inside Gradescope.

``python -m autograde gradescope NN --out DIR`` writes ``DIR/autograder-NN.zip`` holding
``setup.sh`` and ``run_autograder`` at its root, plus what they need (Gradescope unpacks
the zip into ``/autograder/source/``):

``autograder.json``
    the exercise, the fixed per-assignment seed (so every regrade draws the same hidden
    inputs), the per-submission limits, and the visibility an instructor chose;
``exercises/NN-name/``
    the grading spec and the released student notebook (to recognise an untouched
    submission); never the solution notebook;
``pkg/``
    the ``mlp`` and ``autograde`` packages, installed by ``setup.sh`` with the pinned runtime.

On Gradescope, ``run_autograder`` calls ``python -m autograde gradescope-run``, which copies
the uploaded notebooks into one student folder, grades that folder with the same code and
the same notebook-choice rule as folder grading (:func:`autograde.grade.grade_folder`), and
writes ``/autograder/results/results.json``: one test per check, the chosen visibility,
``execution_time`` and the run's notes as ``output``.  Whatever goes wrong, a
``results.json`` is written (score 0 and the reason), never nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
# what the grader and the submissions run with on Gradescope (pyproject.toml's runtime
# dependencies, read from the repository the zip is built from, plus IPython, whose input
# transformer the child runner uses to run cells as Jupyter does)
RUNTIME_EXTRA = ("ipython",)
SUBMISSION_LIMITS = {
    "wall_seconds": 300.0,
    "cpu_seconds": 240,
    "memory_bytes": 512 << 20,
    "cell_seconds": 60.0,
    "call_seconds": 20.0,
}

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# bubblewrap: the filesystem/network sandbox (where the container allows namespaces);
# libseccomp2: the fallback sandbox's filter (no sockets) where it does not (Docker);
# python3.11 or newer: the runtime (Ubuntu 22.04 has it in universe, 24.04 ships 3.12)
apt-get install -y -q --no-install-recommends bubblewrap libseccomp2 ca-certificates \
  python3-venv
PY=""
for v in python3.13 python3.12 python3.11; do command -v $v >/dev/null && PY=$v && break; done
if [ -z "$PY" ]; then
  apt-get install -y -q --no-install-recommends python3.11 python3.11-venv; PY=python3.11
fi
$PY -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q {runtime}
/autograder/venv/bin/pip install -q --no-deps /autograder/source/pkg
# the grader's own files: readable by root only (the submission runs as an unprivileged
# user where the sandbox can switch to one)
chmod -R go-rwx /autograder/source
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission.  AUTOGRADER_ROOT and AUTOGRADER_PYTHON exist
# for testing the autograder outside Gradescope; on Gradescope both take their defaults.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
export AUTOGRADE_EXERCISES="$ROOT/source/exercises"
cd "$ROOT/source"
exec "$PY" -I -m autograde gradescope-run --root "$ROOT"
"""


def runtime_requirements() -> list[str]:
    """The pinned runtime for ``setup.sh``: ``name==version`` for each package."""
    import importlib.metadata as md
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():
        deps = list(tomllib.loads(pyproject.read_text())["project"]["dependencies"])
    else:  # an installed copy: the versions this grader runs with
        deps = [f"{n}=={md.version(n)}" for n in ("numpy", "matplotlib", "ipywidgets")]
    names = {d.split("==")[0].lower() for d in deps}
    deps += [f"{n}=={md.version(n)}" for n in RUNTIME_EXTRA if n not in names]
    bad = [d for d in deps if "==" not in d]
    if bad:
        raise ValueError(f"runtime requirements must be pinned with ==: {bad}")
    return deps


def limits_for(spec, config: dict):
    """The spec's limits with the autograder's per-submission limits on top."""
    import dataclasses

    from autograde.grade import spec_limits

    return dataclasses.replace(spec_limits(spec), **config.get("limits", {}))


def assignment_seed(exercise: str, salt: str = "") -> int:
    """A fixed seed for one assignment: the same zip always draws the same hidden inputs."""
    digest = hashlib.sha256(f"{exercise}\0{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def build_zip(
    exercise_dir: Path,
    out: Path,
    *,
    seed: int | None = None,
    visibility: str = "after_published",
    stdout_visibility: str = "hidden",
) -> Path:
    """Write the autograder zip for ``exercise_dir`` into folder ``out``; return its path."""
    for name, v in (("visibility", visibility), ("stdout_visibility", stdout_visibility)):
        if v not in VISIBILITIES:
            raise ValueError(f"{name} {v!r} is not one of {', '.join(VISIBILITIES)}")
    for need in ("spec.py", "student.ipynb"):
        if not (exercise_dir / need).is_file():
            raise FileNotFoundError(f"{exercise_dir / need} is missing (run autograde release)")
    config = {
        "exercise": exercise_dir.name,
        "seed": assignment_seed(exercise_dir.name) if seed is None else int(seed),
        "visibility": visibility,
        "stdout_visibility": stdout_visibility,
        "limits": SUBMISSION_LIMITS,
        # bubblewrap where the container lets it make namespaces, else the fallback mode
        # (leased uid, seccomp, rlimits, cgroup): never "none"
        "sandbox": "auto",
    }
    src = Path(__file__).resolve().parents[1]  # .../src
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"autograder-{exercise_dir.name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        _add(z, "setup.sh", SETUP_SH.format(runtime=" ".join(runtime_requirements())), 0o755)
        _add(z, "run_autograder", RUN_AUTOGRADER, 0o755)
        _add(z, "autograder.json", json.dumps(config, indent=2) + "\n")
        for need in ("spec.py", "student.ipynb"):
            data = (exercise_dir / need).read_text()
            _add(z, f"exercises/{exercise_dir.name}/{need}", data)
        _add(z, "pkg/pyproject.toml", _PKG_PYPROJECT)
        for pkg in ("mlp", "autograde"):
            for f in sorted((src / pkg).rglob("*")):
                if f.is_file() and "__pycache__" not in f.parts:
                    rel = f.relative_to(src).as_posix()
                    _add(z, f"pkg/src/{rel}", f.read_bytes())
    return path


_PKG_PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "lecture2-mlp"
version = "0.1.0"
requires-python = ">=3.11"

[tool.setuptools.packages.find]
where = ["src"]

[tool.setuptools.package-data]
mlp = ["data/*.npz"]
"""


def _add(z: zipfile.ZipFile, name: str, data: str | bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def collect_submission(submission: Path, dest: Path) -> list[str]:
    """Copy the uploaded notebooks (regular files, any folder depth) into ``dest``.

    Returns notes about what was skipped.  Symlinks are never followed.  Two uploads with
    one file name in different folders keep both, renamed visibly.
    """
    notes: list[str] = []
    dest.mkdir(parents=True, exist_ok=True)
    for p in sorted(submission.rglob("*")):
        if p.is_symlink():
            notes.append(f"skipped a symbolic link: {p.relative_to(submission)}")
            continue
        if not (p.is_file() and p.suffix == ".ipynb"):
            continue
        if any(part.startswith(".") for part in p.relative_to(submission).parts):
            continue  # .ipynb_checkpoints and the like
        name, k = p.name, 1
        while (dest / name).exists():
            k += 1
            name = f"{p.stem} ({k}){p.suffix}"
        shutil.copyfile(p, dest / name)
    return notes


def _failure(message: str, seconds: float) -> dict:
    return {"score": 0.0, "output": message, "execution_time": round(seconds, 2), "tests": []}


def gradescope_results(graded: dict, config: dict, notes: list[str], seconds: float) -> dict:
    """Gradescope's ``results.json`` from the folder grader's per-student results.json."""
    vis = config.get("visibility", "after_published")
    tests = [{**t, "visibility": vis} for t in graded.get("tests", [])]
    output = graded.get("output", "")
    if notes:
        output += "\n" + "\n".join(notes)
    return {
        "score": graded.get("score", 0.0),
        "output": output,
        "execution_time": round(seconds, 2),
        "visibility": vis,
        "stdout_visibility": config.get("stdout_visibility", "hidden"),
        "extra_data": graded.get("extra_data", {}),
        "tests": tests,
    }


def run(root: Path) -> int:
    """Grade ``root/submission`` and write ``root/results/results.json`` (Gradescope's run)."""
    t0 = time.monotonic()
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    try:
        config = json.loads((root / "source" / "autograder.json").read_text())
        doc = _grade(root, config, t0)
    except Exception as e:  # noqa: BLE001 - the student must get a result, never nothing
        why = f"The autograder failed ({type(e).__name__}); please tell your instructor."
        doc = _failure(why + " Your submission was not graded.", time.monotonic() - t0)
        print(f"gradescope-run: {type(e).__name__}: {e}", file=sys.stderr)
    results.write_text(json.dumps(doc, indent=2, ensure_ascii=True) + "\n")
    return 0


def _grade(root: Path, config: dict, t0: float) -> dict:
    from autograde.grade import find_exercise, grade_folder
    from autograde.spec import load_spec

    spec = load_spec(find_exercise(config["exercise"]) / "spec.py")  # loaded once
    limits = limits_for(spec, config)
    who = roster_id(root)  # per-student numbers: the id Gradescope knows, else the notebook's
    ids = "roster" if who else "notebook"
    who = who or "submission"
    with tempfile.TemporaryDirectory(prefix="gradescope-") as tmp:
        subs = Path(tmp) / "submissions"
        notes = collect_submission(root / "submission", subs / who)
        if not any((subs / who).iterdir()):
            return _failure("No notebook (.ipynb file) was found in your submission.",
                            time.monotonic() - t0)  # fmt: skip
        out = Path(tmp) / "out"
        grade_folder(
            config["exercise"], subs, out, jobs=1, seed=config["seed"], limits=limits,
            quiet=True, spec=spec, ids=config.get("ids", ids), **_sandbox_arg(config),
        )  # fmt: skip
        files = json.loads((out / "run.json").read_text()).get("files", {})
        name = files.get(who, who)
        graded = json.loads((out / "gradescope" / name / "results.json").read_text())
        return gradescope_results(graded, config, notes, time.monotonic() - t0)


def roster_id(root: Path) -> str | None:
    """The submitter's student id from Gradescope's ``submission_metadata.json`` (its
    ``sid``, else its email), or None when there is none (then the notebook's id is used)."""
    try:
        meta = json.loads((root / "submission_metadata.json").read_text())
        user = (meta.get("users") or [{}])[0]
        sid = user.get("sid") or user.get("email")
    except (OSError, ValueError, AttributeError, IndexError):
        return None
    return str(sid).strip()[:100] if sid and str(sid).strip() else None


def _sandbox_arg(config: dict) -> dict:
    mode = os.environ.get("AUTOGRADE_SANDBOX") or config.get("sandbox")  # env: for tests
    return {"sandbox": mode} if mode else {}
