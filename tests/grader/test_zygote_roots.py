"""A child's fresh /tmp must not hide the Python it imports from (a CI clone under /tmp).

The end-to-end case is the corpus run from a clone whose virtual environment lives under
``/tmp`` (every submission's lazy ``import numpy.random`` failed before the fix); this
checks the choice of folders the child binds back over its fresh tmpfs."""

from __future__ import annotations

import os
import sys

from autograde import zygote


def test_import_roots_under_a_fresh_tmpfs_are_the_outermost(tmp_path, monkeypatch) -> None:
    venv = tmp_path / "clone" / ".venv" / "lib" / "site-packages"
    src = tmp_path / "clone" / "src"
    for d in (venv / "numpy", src / "mlp"):
        d.mkdir(parents=True)
    elsewhere = tmp_path.parent  # a sys.path folder not under the mounted one
    monkeypatch.setattr(sys, "path", [str(venv), str(venv / "numpy"), str(src), str(elsewhere)])
    roots = zygote._import_roots_under([str(tmp_path)])
    assert roots == sorted(os.path.realpath(p) for p in (src, venv))
    assert zygote._import_roots_under([str(tmp_path / "other")]) == []


def test_a_module_with_a_strange_path_is_passed_over(monkeypatch) -> None:
    class Fake:  # torch._classes has a __path__ that cannot be iterated
        __path__ = object()

    monkeypatch.setitem(sys.modules, "fake_module_with_a_path", Fake())
    assert zygote._import_roots_under(["/nonexistent-root"]) == []
