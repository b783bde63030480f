"""Notebook chores: strip outputs, write a notebook from a percent-format script, and give a
notebook the cell that installs ``mlp`` where it is missing (Colab).

Usage::

    python tools/nbtool.py strip lecture2/*.ipynb      # remove outputs, counts, volatile metadata
    python tools/nbtool.py check lecture2/*.ipynb      # exit 1 if any notebook has outputs
    python tools/nbtool.py from-py chapter.py out.ipynb
    python tools/nbtool.py colab-cell lecture2/*.ipynb exercises/*/solution.ipynb

``colab-cell`` inserts, as the first cell, a code cell (id ``colab-install``, tagged
``remove-cell`` so the book never shows it) that imports ``mlp`` and, only when that fails,
installs it with ``%pip`` from the repository named by ``repository.url`` in _config.yml (read
when the tool runs), or from ``$MLP_INSTALL_FROM`` when that is set (a local path or a
``git+file://`` URL: the tests use it to install without a network). Where mlp is installed
the cell prints nothing. Run again, it rewrites that cell in place (after a change of URL) and
changes nothing else; each notebook keeps the JSON layout it had.

A percent script separates cells with ``# %%`` (code) and ``# %% [markdown]`` (markdown,
every line starting with ``# ``). ``# %% tags=["remove-input"]`` sets cell tags. Cell ids
are derived from the notebook name and cell position, so regenerating keeps them stable.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import yaml

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}
REPO = Path(__file__).resolve().parents[1]
COLAB_ID = "colab-install"
COLAB_TAGS = ["remove-cell"]
COLAB_ENV = "MLP_INSTALL_FROM"
# --no-deps: Colab already has numpy, matplotlib and ipywidgets, and reinstalling them at the
# project's exact pins would force a restart of the runtime; mlp itself is pure Python.
COLAB_TEMPLATE = """\
# Colab, or any kernel without `mlp`: install this module's package (prints nothing otherwise).
try:
    import mlp  # noqa: F401
except ImportError:
    import os

    _mlp_source = os.environ.get(
        "{env}", "git+{url}"
    )
    %pip install -q --no-deps "{{_mlp_source}}"
"""


def _stable_ids(nb: nbformat.NotebookNode, stem: str) -> None:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:24]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{slug}-{i:03d}"


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove outputs, execution counts and volatile metadata, in place."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        meta = cell.get("metadata", {})
        for key in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            meta.pop(key, None)
    nb.metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": LANGUAGE_INFO,
        **{k: v for k, v in nb.metadata.items() if k in ("mystnb",)},
    }
    return nb


def has_outputs(nb: nbformat.NotebookNode) -> bool:
    return any(
        c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
        for c in nb.cells
    )


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


def from_py(src: Path) -> nbformat.NotebookNode:
    text = src.read_text(encoding="utf-8")
    chunks = re.split(r"^# %%(.*)$", text, flags=re.M)
    nb = nbformat.v4.new_notebook()
    for header, body in zip(chunks[1::2], chunks[2::2], strict=True):
        body = body.strip("\n")
        tags = []
        m = re.search(r"tags=\[([^\]]*)\]", header)
        if m:
            tags = [t.strip().strip("\"'") for t in m.group(1).split(",") if t.strip()]
        if "[markdown]" in header:
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in body.splitlines()]
            cell = nbformat.v4.new_markdown_cell("\n".join(lines))
        else:
            cell = nbformat.v4.new_code_cell(body)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def repository_url(config: Path = REPO / "_config.yml") -> str:
    """The one repository URL of the project: ``repository.url`` in _config.yml."""
    url = (yaml.safe_load(config.read_text(encoding="utf-8")).get("repository") or {}).get("url")
    if not url or not re.match(r"https://\S+$", url):
        raise ValueError(f"{config}: repository.url must be an https URL, got {url!r}")
    return url.rstrip("/")


def colab_cell(url: str) -> nbformat.NotebookNode:
    """The first cell every chapter and exercise notebook carries (see the module docstring)."""
    cell = nbformat.v4.new_code_cell(COLAB_TEMPLATE.format(env=COLAB_ENV, url=url).rstrip("\n"))
    cell["id"] = COLAB_ID
    cell.metadata["tags"] = list(COLAB_TAGS)
    return cell


def add_colab_cell(nb: nbformat.NotebookNode, url: str) -> bool:
    """Make ``colab_cell(url)`` the notebook's first cell, in place; return whether it changed.

    A cell with the id ``colab-install`` anywhere in the notebook is that cell: it is updated
    (source and tags) and moved first, never duplicated.
    """
    want = colab_cell(url)
    found = [i for i, c in enumerate(nb.cells) if c.get("id") == COLAB_ID]
    if found == [0] and nb.cells[0].cell_type == "code":
        cell = nb.cells[0]
        tags = cell.metadata.get("tags", [])
        if cell.source == want.source and tags == COLAB_TAGS and not cell.get("outputs"):
            return False
        cell.source = want.source
        cell.metadata["tags"] = list(COLAB_TAGS)
        cell.outputs = []
        cell.execution_count = None
        return True
    for i in reversed(found):
        del nb.cells[i]
    nb.cells.insert(0, want)
    return True


def _write_like(nb: nbformat.NotebookNode, path: Path, before: str) -> None:
    """Write ``nb`` in the JSON layout the file had: ours (sorted keys, see :func:`write`) or
    nbformat's own (the exercise notebooks, as ``python -m autograde release`` writes them)."""
    ours = json.dumps(nbformat.reads(before, as_version=4), indent=1, ensure_ascii=False,
                      sort_keys=True) + "\n"  # fmt: skip
    if before == ours:
        write(nb, path)
    else:
        text = nbformat.writes(nb, version=4)
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[0], [Path(a) for a in argv[1:]]
    if cmd == "from-py":
        nb = strip(from_py(args[0]))
        _stable_ids(nb, args[1].stem)
        nbformat.validate(nb)
        write(nb, args[1])
        return 0
    if cmd == "colab-cell":
        url = repository_url()
        for path in args:
            before = path.read_text(encoding="utf-8")
            nb = nbformat.reads(before, as_version=4)
            if add_colab_cell(nb, url):
                nbformat.validate(nb)
                _write_like(nb, path, before)
                print(f"{path}: colab cell written")
        return 0
    bad = []
    for path in args:
        nb = nbformat.read(path, as_version=4)
        if cmd == "strip":
            strip(nb)
            write(nb, path)
        elif cmd == "check" and has_outputs(nb):
            bad.append(str(path))
    if bad:
        print("notebooks with stored outputs (run `make strip`):", *bad, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
