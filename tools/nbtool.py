"""Notebook chores: strip outputs, and write a notebook from a percent-format script.

Usage::

    python tools/nbtool.py strip lecture2/*.ipynb      # remove outputs, counts, volatile metadata
    python tools/nbtool.py check lecture2/*.ipynb      # exit 1 if any notebook has outputs
    python tools/nbtool.py from-py chapter.py out.ipynb

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

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


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
