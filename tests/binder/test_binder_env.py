"""Binder: a fresh environment built from the Binder configuration alone runs every notebook.

repo2docker installs ``binder/requirements.txt`` and then runs ``binder/postBuild`` from the
repository root. The slow test does the same in a new virtual environment (nothing else
installed; pip's cache may be reused) over a copy of the repository, then executes every
chapter of _toc.yml and every exercise solution in a kernel of that environment, in live
mode (no MLP_STATIC_WIDGETS), as a Binder user would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import nbformat
import pytest

from tests.browser.helpers import REPO, chapter_notebooks

BINDER = REPO / "binder"
SOLUTIONS = sorted((REPO / "exercises").glob("*/solution.ipynb"))
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "_build", "node_modules", "artifacts", "build", "__pycache__",
    "*.egg-info", ".pytest_cache", ".ruff_cache", ".hypothesis", ".ipynb_checkpoints", "vendor",
)  # fmt: skip


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert m, f"not an exact pin: {line!r}"
        pins[m.group(1).lower()] = m.group(2)
    return pins


def test_requirements_pin_exactly_the_runtime_set() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = _pins(project["dependencies"])
    book = _pins([d for d in project["optional-dependencies"]["book"] if "[" not in d])
    runtime["ipykernel"] = book["ipykernel"]
    binder = _pins((BINDER / "requirements.txt").read_text().splitlines())
    assert binder == runtime, f"binder/requirements.txt {binder} != runtime set {runtime}"


def test_postbuild_installs_the_package() -> None:
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    assert "pip install --no-deps -e ." in post.read_text()


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kwargs)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def fresh_venv(tmp: Path) -> tuple[Path, dict, str]:
    """A copy of the repository in ``tmp/repo`` and an empty venv in ``tmp/venv``.

    Returns the copy, the environment that runs the venv (nothing of ours on the path),
    and the venv's python.
    """
    repo, venv = tmp / "repo", tmp / "venv"
    shutil.copytree(REPO, repo, ignore=COPY_IGNORE)
    base_python = getattr(sys, "_base_executable", sys.executable)
    _run([base_python, "-m", "venv", str(venv)])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYTHONNOUSERSITE="1",
    )
    return repo, env, str(venv / "bin" / "python")


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory) -> dict:
    """A copy of the repository and a new venv with only what the Binder files install."""
    tmp = tmp_path_factory.mktemp("binder")
    start = time.perf_counter()
    repo, env, py = fresh_venv(tmp)
    _run([py, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"], cwd=repo, env=env)
    _run(["bash", "binder/postBuild"], cwd=repo, env=env)
    seconds = time.perf_counter() - start
    kernels = tmp / "kernels" / "binder"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [py, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Binder environment",
        "language": "python",
        "env": {"MLP_STATIC_WIDGETS": "", "PYTHONPATH": "", "PYTHONNOUSERSITE": "1"},
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    return {"repo": repo, "python": py, "env": env, "kernels": kernels.parent, "seconds": seconds}


@pytest.mark.slow
def test_environment_has_only_the_binder_packages(binder_env, record_property) -> None:
    record_property("env_build_seconds", round(binder_env["seconds"], 1))
    py, env = binder_env["python"], binder_env["env"]
    _run([py, "-m", "pip", "check"], env=env)
    code = (
        "import importlib.util, mlp, numpy, matplotlib, ipywidgets; "
        "print(mlp.__file__); print(numpy.__version__, matplotlib.__version__, "
        "ipywidgets.__version__); "
        "print(all(importlib.util.find_spec(m) is None for m in ('torch', 'jupyter_book', "
        "'pytest', 'playwright')))"
    )
    out = _run([py, "-c", code], env=env, cwd=binder_env["kernels"]).stdout.split("\n")
    assert out[0].startswith(str(binder_env["repo"])), f"mlp imported from {out[0]}"
    pins = _pins((BINDER / "requirements.txt").read_text().splitlines())
    assert out[1].split() == [pins["numpy"], pins["matplotlib"], pins["ipywidgets"]]
    assert out[2] == "True", "a test/build-only package is importable in the Binder env"


NOTEBOOKS = [p for p in chapter_notebooks() if any(
    c.cell_type == "code" for c in nbformat.read(p, as_version=4).cells
)] + SOLUTIONS  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=lambda p: p.relative_to(REPO).with_suffix("").as_posix()
)
def test_notebook_runs_in_the_binder_env(binder_env, path: Path, record_property) -> None:
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    copy = binder_env["repo"] / path.relative_to(REPO)
    nb = nbformat.read(copy, as_version=4)
    ksm = KernelSpecManager(kernel_dirs=[str(binder_env["kernels"])])
    km = KernelManager(kernel_name="binder", kernel_spec_manager=ksm)
    client = NotebookClient(
        nb, km=km, timeout=300, resources={"metadata": {"path": str(copy.parent)}}
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the traceback, on the first error
    record_property("seconds", round(time.perf_counter() - start, 1))
