"""Colab: the first cell of every notebook installs ``mlp`` where it is missing.

Colab's launch button opens a chapter or exercise notebook in a runtime that has numpy,
matplotlib and ipywidgets but not this repository's package. ``tools/nbtool.py colab-cell``
gives every notebook the same first cell: ``import mlp``, and only when that fails a
``%pip install`` from the repository URL of _config.yml (or from ``$MLP_INSTALL_FROM``).

* fast: every chapter, exercise solution and student notebook starts with exactly the cell
  the tool generates today, and the tool is idempotent;
* slow: in a new virtual environment with only numpy, matplotlib, ipywidgets and ipykernel
  (installed by pip from its configured index or cache, nothing else), a notebook made of
  that cell and then ``import mlp`` runs, with ``MLP_INSTALL_FROM`` pointing at a copy of
  this repository on disk, so no network is needed. The same cell, run where ``mlp`` is
  installed, prints nothing.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.binder.test_binder_env import _pins, _run, fresh_venv
from tests.browser.helpers import REPO, chapter_notebooks

_spec = importlib.util.spec_from_file_location("nbtool", REPO / "tools" / "nbtool.py")
nbtool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtool)

NOTEBOOKS = chapter_notebooks() + sorted((REPO / "exercises").glob("*/*.ipynb"))


def _id(path: Path) -> str:
    return path.relative_to(REPO).with_suffix("").as_posix()


def test_the_cell_reads_the_one_repository_url() -> None:
    url = nbtool.repository_url()
    cell = nbtool.colab_cell(url)
    assert f'"git+{url}"' in cell.source
    assert nbtool.COLAB_ENV in cell.source and "%pip install" in cell.source
    assert cell.metadata["tags"] == ["remove-cell"] and cell.source.startswith("# Colab")
    assert cell.source.count("\n") < 12, "the first cell should stay short"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_first_cell_is_the_generated_colab_cell(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    want = nbtool.colab_cell(nbtool.repository_url())
    first = nb.cells[0] if nb.cells else None
    fix = f"run `python tools/nbtool.py colab-cell {path.relative_to(REPO)}`"
    assert first is not None and first.cell_type == "code", f"no colab cell first: {fix}"
    assert first.get("id") == want.id, f"first cell is {first.get('id')!r}: {fix}"
    assert first.source == want.source, f"the colab cell is out of date: {fix}"
    assert first.metadata.get("tags") == ["remove-cell"], f"tags {first.metadata}: {fix}"
    assert not first.get("outputs"), "the colab cell prints nothing where mlp is installed"
    assert [c.get("id") for c in nb.cells].count(want.id) == 1


def test_tool_inserts_then_updates_in_place(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "nb.ipynb"
    nbtool.write(nb, path)
    run = [sys.executable, str(REPO / "tools" / "nbtool.py"), "colab-cell", str(path)]
    subprocess.run(run, check=True, capture_output=True)
    once = path.read_text(encoding="utf-8")
    subprocess.run(run, check=True, capture_output=True)
    assert path.read_text(encoding="utf-8") == once, "a second run changed the notebook"
    got = nbformat.reads(once, as_version=4)
    assert [c.get("id") for c in got.cells][0] == nbtool.COLAB_ID
    assert [c.source for c in got.cells[1:]] == ["# Title", "x = 1"]
    # an old URL is rewritten in place (the cell is moved first if it was not), never duplicated
    stale = copy.deepcopy(got)
    stale.cells[0].source = stale.cells[0].source.replace("https://", "https://old.example/")
    stale.cells.append(stale.cells.pop(0))
    assert nbtool.add_colab_cell(stale, nbtool.repository_url())
    assert [c.source for c in stale.cells] == [c.source for c in got.cells]
    assert not nbtool.add_colab_cell(stale, nbtool.repository_url())


# exercise 4's check line, offline, from the package the Colab cell installed
CHECK_IN_COLAB = """from autograde.checking import checker
from mlp import sigmoid

check = checker("04-backprop-mlp")


def forward(X, W1, b1, W2, b2):
    Z = X @ W1.T + b1
    return Z, sigmoid(Z), sigmoid(Z) @ W2.T + b2


def backward(X, T, W1, b1, W2, b2):
    Z, H, Y = forward(X, W1, b1, W2, b2)
    Y_bar = (Y - T) / len(X)
    Z_bar = Y_bar @ W2
    return Z_bar.T @ X, Z_bar.sum(0), Y_bar.T @ H, Y_bar.sum(0)


check("q2")
"""


def _execute(nb: nbformat.NotebookNode, kernels: Path, cwd: Path) -> None:
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    ksm = KernelSpecManager(kernel_dirs=[str(kernels)])
    km = KernelManager(kernel_name="fresh", kernel_spec_manager=ksm)
    NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(cwd)}}).execute()


@pytest.mark.slow
def test_colab_cell_installs_mlp_in_a_fresh_environment(tmp_path: Path, record_property) -> None:
    """Only numpy, matplotlib, ipywidgets and ipykernel installed: the cell makes mlp work."""
    repo, env, py = fresh_venv(tmp_path)
    pins = _pins((REPO / "binder" / "requirements.txt").read_text().splitlines())
    wanted = ["numpy", "matplotlib", "ipywidgets", "ipykernel"]
    _run([py, "-m", "pip", "install", "-q", *(f"{n}=={pins[n]}" for n in wanted)], env=env)
    missing = "import importlib.util as u; print(u.find_spec('mlp') is None)"
    assert _run([py, "-c", missing], env=env, cwd=tmp_path).stdout.strip() == "True"

    kernels = tmp_path / "kernels" / "fresh"
    kernels.mkdir(parents=True)
    kernel_env = {
        "MLP_INSTALL_FROM": str(repo),  # a copy of the repository on disk: no network
        "MLP_STATIC_WIDGETS": "",
        "PYTHONPATH": "",
        "PYTHONNOUSERSITE": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    spec = {
        "argv": [py, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh environment",
        "language": "python",
        "env": kernel_env,
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbtool.colab_cell(nbtool.repository_url()),
        nbformat.v4.new_code_cell(
            "import mlp\nimport numpy as np\n\n"
            "print(mlp.__file__)\nprint(float(mlp.sigmoid(np.zeros(4)).sum()), callable(mlp.MLP))"
        ),
        nbformat.v4.new_code_cell(CHECK_IN_COLAB),  # the installed package checks answers
    ]
    start = time.perf_counter()
    _execute(nb, kernels.parent, tmp_path)
    record_property("install_seconds", round(time.perf_counter() - start, 1))
    checked = "".join(o.get("text", "") for o in nb.cells[2].outputs if o.get("text"))
    assert "2 of 4 public checks pass" in checked and "missing sigma'(z)" in checked, checked
    text = "".join(o.get("text", "") for o in nb.cells[1].outputs if o.output_type == "stream")
    where, result = text.strip().split("\n")[-2:]
    assert env["VIRTUAL_ENV"] in where and "site-packages" in where, f"mlp imported from {where}"
    assert result == "2.0 True"

    # the same kernel environment, now with mlp installed: the cell prints nothing
    again = nbformat.v4.new_notebook()
    again.cells = [nbtool.colab_cell(nbtool.repository_url())]
    _execute(again, kernels.parent, tmp_path)
    assert again.cells[0].outputs == [], f"output where mlp is installed: {again.cells[0].outputs}"
