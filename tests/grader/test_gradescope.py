"""The Gradescope autograder, simulated here: build the zip, unpack it into a folder laid out
like ``/autograder``, run ``run_autograder`` against corpus submissions, validate every
``results.json`` against Gradescope's format, and compare the scores with folder grading."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograde import gradescope as GS
from autograde import sandbox as sandbox_mod
from autograde.grade import find_exercise, grade_folder
from autograde.spec import load_spec
from tests.grader.corpus import EXERCISES, write

pytestmark = pytest.mark.slow

# Gradescope's results.json, as its autograder documentation specifies it
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["tests"],
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": {"enum": list(GS.VISIBILITIES)},
        "stdout_visibility": {"enum": list(GS.VISIBILITIES)},
        "extra_data": {"type": "object"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "output": {"type": "string"},
                    "visibility": {"enum": list(GS.VISIBILITIES)},
                },
            },
        },
    },
}
EXERCISE = "04-backprop-mlp"
NAMES = [
    "solution",
    "student-untouched",
    "sign-error",
    "w1-transposed",
    "attack-lying-eq",
    "attack-read-solutions",
]


def unpack(zpath: Path, root: Path) -> None:
    """Lay the zip out as Gradescope does: its contents in ``source/``; the scripts stay there."""
    with zipfile.ZipFile(zpath) as z:
        z.extractall(root / "source")
    for d in ("submission", "results"):
        (root / d).mkdir(parents=True)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    os.chmod(root / "run_autograder", 0o755)
    meta = {"id": 1, "created_at": "2026-12-01T10:00:00.000000-05:00", "assignment": {
        "due_date": "2026-12-02T23:59:00.000000-05:00", "title": EXERCISE},
        "users": [{"email": "s@example.edu", "id": 7, "name": "S"}]}  # fmt: skip
    (root / "submission_metadata.json").write_text(json.dumps(meta))


def python_of_the_zip(root: Path) -> Path:
    """A Python that imports ``mlp`` and ``autograde`` from the zip (``pkg/src``), as the one
    ``setup.sh`` installs does, whatever this machine's venv has installed in editable mode."""
    w = root / "python"
    w.write_text(
        '#!/usr/bin/env bash\nargs=(); for a in "$@"; do [ "$a" = -I ] || args+=("$a"); done\n'
        f'PYTHONPATH="{root}/source/pkg/src" exec {sys.executable} -s "${{args[@]}}"\n'
    )
    w.chmod(0o755)
    return w


def run_autograder(root: Path, sandbox: str | None = None) -> dict:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root),
           "AUTOGRADER_PYTHON": str(python_of_the_zip(root))}  # fmt: skip
    if sandbox:
        env["AUTOGRADE_SANDBOX"] = sandbox
    p = subprocess.run(
        ["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    doc = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(doc, RESULTS_SCHEMA)
    return doc


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gradescope")
    zpath = GS.build_zip(find_exercise(EXERCISE), tmp / "zip")
    corpus = tmp / "corpus"
    write(corpus, only=EXERCISE)
    return tmp, zpath, corpus


def test_zip_holds_what_gradescope_needs_and_no_solution(built):
    _, zpath, _ = built
    with zipfile.ZipFile(zpath) as z:
        names = set(z.namelist())
        cfg = json.loads(z.read("autograder.json"))
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in z.infolist()}
    assert {"setup.sh", "run_autograder"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert not [n for n in names if n.endswith("solution.ipynb")]
    assert f"exercises/{EXERCISE}/spec.py" in names
    assert cfg["seed"] == GS.assignment_seed(EXERCISE)  # fixed: every regrade is identical
    assert cfg["limits"]["memory_bytes"] <= 512 << 20  # well under Gradescope's 768 MB
    setup = GS.SETUP_SH
    assert "http" not in setup and all("==" in r for r in GS.runtime_requirements())
    p = subprocess.run(["bash", "-n", "-c", setup], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("sandbox", [None, "fallback"])
def test_scores_match_folder_grading(built, sandbox):
    """The zip's own sandbox choice (bubblewrap here) and the fallback mode it uses inside
    Docker give the folder grader's scores (the fallback without the attack that reads this
    machine's repository checkouts: only the grader's own files are closed)."""
    if sandbox == "fallback" and sandbox_mod.fallback_unavailable():
        pytest.skip(sandbox_mod.fallback_unavailable())
    tmp, zpath, corpus = built
    names = [n for n in NAMES if not (sandbox and n == "attack-read-solutions")]
    cfg = json.loads(zipfile.ZipFile(zpath).read("autograder.json"))
    subs = tmp / f"subs-{sandbox}"
    subs.mkdir()
    for n in names:
        shutil.copy(corpus / EXERCISE / f"{n}.ipynb", subs / f"{n}.ipynb")
    limits = GS.limits_for(load_spec(find_exercise(EXERCISE) / "spec.py"), cfg)
    res = grade_folder(
        EXERCISE,
        subs,
        tmp / f"folder-out-{sandbox}",
        jobs=2,
        seed=cfg["seed"],
        limits=limits,
        quiet=True,
    )
    folder = {g.student: g.total for g in res}
    for n in names:
        root = tmp / f"root-{n}-{sandbox}"
        unpack(zpath, root)
        shutil.copy(corpus / EXERCISE / f"{n}.ipynb", root / "submission" / "answer.ipynb")
        doc = run_autograder(root, sandbox)
        assert doc["extra_data"]["sandbox"] == (sandbox or sandbox_mod.resolve_mode()[0])
        assert doc["score"] == pytest.approx(folder[n], abs=1e-6), (n, doc["output"])
        assert len(doc["tests"]) > 1 and all(t["visibility"] == "after_published"
                                             for t in doc["tests"])  # fmt: skip
        assert doc["score"] == pytest.approx(sum(t["score"] for t in doc["tests"]), abs=1e-3)
    assert folder["solution"] == 8 and folder["student-untouched"] == 0


def test_two_uploaded_notebooks_use_the_folder_rule(built):
    tmp, zpath, corpus = built
    root = tmp / "root-two"
    unpack(zpath, root)
    ex = EXERCISES / EXERCISE
    shutil.copy(ex / "student.ipynb", root / "submission" / "Untitled.ipynb")
    (root / "submission" / "work").mkdir()
    shutil.copy(corpus / EXERCISE / "solution.ipynb", root / "submission" / "work" / "hw.ipynb")
    doc = run_autograder(root)
    assert doc["score"] == 8, doc["output"]


def test_an_empty_submission_gets_a_result_not_a_crash(built):
    tmp, zpath, _ = built
    root = tmp / "root-empty"
    unpack(zpath, root)
    (root / "submission" / "notes.txt").write_text("forgot the notebook")
    doc = run_autograder(root)
    assert doc["score"] == 0 and "No notebook" in doc["output"]


def test_bad_visibility_is_refused(tmp_path):
    with pytest.raises(ValueError, match="visibility 'public' is not one of"):
        GS.build_zip(find_exercise(EXERCISE), tmp_path, visibility="public")
