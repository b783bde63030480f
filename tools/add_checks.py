"""One-off: give a solution notebook its ``check("qK")`` lines and re-execute it.

``python tools/add_checks.py exercises/04-backprop-mlp`` adds, if absent, a ``checker`` cell
(the two checker lines) after the ``setup`` cell and a ``qK-check`` cell after each
``qK-solution`` cell, then executes the notebook in place (outputs for nbval) and releases
the student notebook.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from autograde import publish

LINES = 'from autograde.checking import checker\n\ncheck = checker("{ex}")\n'


def add(ex_dir: Path) -> None:
    path = ex_dir / "solution.ipynb"
    nb = nbformat.read(path, as_version=4)
    cells = []
    ids = {c.get("id") for c in nb.cells}
    if any("checker(" in c.source for c in nb.cells if c.cell_type == "code"):
        ids.add("checker")  # the notebook already makes its check function
    for c in nb.cells:
        cells.append(c)
        cid = c.get("id", "")
        if cid == "setup" and "checker" not in ids:
            cells.append(new_code_cell(LINES.format(ex=ex_dir.name).rstrip(), id="checker"))
        if cid.endswith("-solution") and f"{cid[:-9]}-check" not in ids:
            q = cid[: -len("-solution")]
            cells.append(new_code_cell(f'check("{q}")', id=f"{q}-check"))
    nb.cells = cells
    publish.write(ex_dir)  # the public checks the executed check() lines read
    where = {"metadata": {"path": str(ex_dir)}}
    NotebookClient(nb, timeout=600, kernel_name="python3", resources=where).execute()
    nbformat.write(nb, path)
    subprocess.run([sys.executable, "-m", "autograde", "release", ex_dir.name], check=True)


if __name__ == "__main__":
    for a in sys.argv[1:]:
        add(Path(a))
