"""Fixtures shared by the whole test suite.

``book_html``: the built HTML book, built once per session with exactly the command of
``make book`` (into ``_build``, reusing the execution cache, with the same rule for when to
start afresh: ``tools/book_cache.py``), or taken from the directory in the environment
variable ``BOOK_HTML``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.book_cache import prepare

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def build_book(root: Path, out: Path | None = None, *, env_extra: dict | None = None):
    """Run the book build the way ``make book`` does; return the completed process."""
    # the cache rule of `make book` (tools/book_cache.py): after a change to mlp or to the
    # build's configuration, start from fresh pages (and, for mlp, re-execute the chapters)
    prepare(root, (out or root) / "_build")
    cmd = [str(VENV_BIN / "jupyter-book"), "build", "-W", "-n", "--keep-going", str(root)]
    if out is not None:
        cmd += ["--path-output", str(out)]
    env = {**os.environ, "MLP_STATIC_WIDGETS": "1", **(env_extra or {})}
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="session")
def book_build():
    """The result of building the whole book (skipped when BOOK_HTML names a prebuilt one)."""
    if os.environ.get("BOOK_HTML"):
        return None
    return build_book(REPO)


@pytest.fixture(scope="session")
def book_html(book_build) -> Path:
    """Path to the built HTML book (``_build/html`` after a successful build)."""
    if book_build is None:
        html = Path(os.environ["BOOK_HTML"])
    else:
        assert book_build.returncode == 0, (
            "the book build failed:\n" + book_build.stdout[-6000:] + book_build.stderr[-6000:]
        )
        html = REPO / "_build" / "html"
    assert (html / "index.html").exists(), f"no built book at {html}"
    os.environ["BOOK_HTML"] = str(html)
    return html
