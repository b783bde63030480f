"""The API reference documents every public module of `mlp`, on two pages (core, figures)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_public_module_has_an_automodule_entry() -> None:
    pages = {
        p: (REPO / "book" / p).read_text(encoding="utf-8") for p in ("api.md", "api-figures.md")
    }
    documented = {
        m: p for p, text in pages.items() for m in re.findall(r"automodule:: ([\w.]+)", text)
    }
    src = REPO / "src"
    modules = {
        ".".join(path.relative_to(src).with_suffix("").parts)
        for path in (src / "mlp").rglob("*.py")
        if not any(part.startswith("_") for part in path.relative_to(src / "mlp").parts)
    }
    missing = sorted(m for m in modules if m not in documented and not m.endswith("playground"))
    assert not missing, f"modules with no API entry: {missing}"
    # the core's page holds no figures module, and the figures' page only figures modules
    assert all(not m.startswith("mlp.figures") for m, p in documented.items() if p == "api.md")
    assert all(m.startswith("mlp.figures") for m, p in documented.items() if p != "api.md")
