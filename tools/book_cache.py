"""When a book build must start afresh: the one rule ``make book`` and the tests' build use.

Sphinx rewrites only the pages whose source changed, and the execution cache
(``_build/.jupyter_cache``) only notices changed notebooks. So, compared with the last
built ``_build/html/index.html``:

* a change to ``src/mlp`` (every chapter imports it) re-executes every chapter: the HTML,
  the doctrees and the execution cache go;
* a change to the build's own configuration (``_config.yml``, ``_toc.yml``, ``book/_ext``,
  ``book/_static``) rewrites every page: the HTML and the doctrees go.

Usage::

    python tools/book_cache.py [--root .] [--build _build]   # say what went, if anything

``tests/conftest.py`` imports :func:`prepare`; the ``book`` target of the Makefile runs this
file.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

CONFIG = ("_config.yml", "_toc.yml", "book/_ext", "book/_static")


def _files(path: Path, pattern: str = "*"):
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from (p for p in path.rglob(pattern) if p.is_file())


def _newer(paths, than: float) -> bool:
    return any(p.stat().st_mtime > than for p in paths)


def stale(root: Path, build: Path) -> str | None:
    """``"mlp"``, ``"config"`` or ``None``: what changed since ``build/html`` was written."""
    index = build / "html" / "index.html"
    if not index.exists():
        return None
    built = index.stat().st_mtime
    if _newer(_files(root / "src" / "mlp", "*.py"), built):
        return "mlp"
    if any(_newer(_files(root / c), built) for c in CONFIG):
        return "config"
    return None


def prepare(root: Path, build: Path | None = None) -> str | None:
    """Remove what a change since the last build makes stale; return the reason, if any."""
    build = build or root / "_build"
    reason = stale(root, build)
    if reason:
        shutil.rmtree(build / "html", ignore_errors=True)
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
    if reason == "mlp":
        shutil.rmtree(build / ".jupyter_cache", ignore_errors=True)
    return reason


MESSAGES = {
    "mlp": "mlp changed: re-executing every chapter",
    "config": "build configuration changed: rewriting every page",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's root folder")
    parser.add_argument("--build", type=Path, help="its build folder (default ROOT/_build)")
    args = parser.parse_args(argv)
    reason = prepare(args.root, args.build)
    if reason:
        print(MESSAGES[reason])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
