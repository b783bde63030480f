"""Shortcuts that earn nothing: what an exercise forbids, found in a notebook's code.

An exercise's spec lists ``FORBID = [Forbid(name, questions, reason), ...]``.  ``name`` is a
dotted module (``"torch"``, ``"mlp.graph"``), a module attribute (``"mlp.MLP"``), or one of

``"@complex"``
    complex numbers (``1j``, ``complex(...)``, ``.imag``): complex-step differentiation;
``"@dynamic"``
    code that could hide a forbidden name from this reading: ``exec``, ``eval``,
    ``compile``, ``__import__``, ``importlib``, ``sys.modules``, ``sys.meta_path``,
    ``globals()``, ``getattr`` on a module.

:func:`scan` reads the code (parsed, never run) and returns, per question, the reasons it
earns nothing.  The grader runs it in its own process on the submitted notebook, and the
sandbox also makes the forbidden modules unimportable (:func:`runtime_blocks`), so a
shortcut is refused whether it is written plainly or hidden.  ``check()`` runs the same scan
on the student's kernel history, to warn before submitting.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
from collections.abc import Iterable, Sequence

DYNAMIC_CALLS = {"exec", "eval", "compile", "globals", "vars"}
NAMED_BY_TEXT = {"__import__": 0, "getattr": 1, "setattr": 1, "delattr": 1}  # arg naming it
DYNAMIC_MODULES = {"importlib", "imp", "runpy", "ctypes", "pickle", "marshal"}
DYNAMIC_ATTRS = {"modules", "meta_path", "path_hooks", "__dict__", "__getattribute__"}


@dataclasses.dataclass(frozen=True)
class Forbid:
    """``name`` earns nothing for ``questions``; ``reason`` is told to the student."""

    name: str
    questions: tuple[str, ...]
    reason: str


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def _uses(tree: ast.AST) -> set[str]:
    """Every dotted module/attribute name the code imports or reaches, plus the pseudo names
    ``@complex:<what>`` and ``@dynamic:<what>``."""
    used: set[str] = set()
    aliases: dict[str, str] = {}
    stars: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                used.add(a.name)
                if a.asname:
                    aliases[a.asname] = a.name
                else:
                    root = a.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom):
            mod = "." * node.level + (node.module or "")
            used.add(mod)
            for a in node.names:
                if a.name == "*":
                    stars.append(mod)
                    continue
                full = f"{mod}.{a.name}"
                used.add(full)
                aliases[a.asname or a.name] = full
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):  # a name a star import may have brought
            used.update(f"{mod}.{node.id}" for mod in stars)
        elif isinstance(node, ast.Attribute):
            name = _dotted(node, aliases)
            if name:
                used.add(name)
            if node.attr == "imag":
                used.add("@complex:.imag")
            if node.attr in DYNAMIC_ATTRS:
                used.add(f"@dynamic:.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, complex):
            used.add("@complex:a complex literal")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("run_line_magic", "run_cell_magic"):  # %time import torch
                used |= _magic_code(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "complex":
                used.add("@complex:complex()")
            if node.func.id in DYNAMIC_CALLS:
                used.add(f"@dynamic:{node.func.id}()")
            used |= _named_by_text(node, aliases)
    for name in list(used):
        if name.split(".")[0] in DYNAMIC_MODULES:
            used.add(f"@dynamic:{name.split('.')[0]}")
    return used


def _named_by_text(call: ast.Call, aliases: dict[str, str]) -> set[str]:
    """``__import__("torch")`` reaches torch, ``getattr(mlp, "MLP")`` mlp.MLP; the same with
    a computed name is dynamic (it could name anything)."""
    i = NAMED_BY_TEXT.get(call.func.id)
    if i is None or len(call.args) <= i:
        return set()
    arg = call.args[i]
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        return {f"@dynamic:{call.func.id}() with a computed name"}
    if i == 0:
        return {arg.value}
    if arg.value in DYNAMIC_ATTRS:
        return {f"@dynamic:.{arg.value}"}
    owner = _dotted(call.args[0], aliases)
    return {f"{owner}.{arg.value}"} if owner else set()


def _magic_code(call: ast.Call) -> set[str]:
    """The names used by the code a magic runs (its string arguments, parsed)."""
    used: set[str] = set()
    for arg in call.args[1:]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            try:
                used |= _uses(ast.parse(arg.value))
            except (SyntaxError, ValueError, RecursionError):
                pass
    return used


def _matches(forbidden: str, used: str) -> bool:
    if forbidden.startswith("@"):
        return used.startswith(forbidden + ":")
    if used == forbidden or used.startswith(forbidden + "."):
        return True
    # `mlp.MLP` is also reached as `mlp.network.MLP` or `mlp.train.MLP`
    root, _, attr = forbidden.partition(".")
    return bool(attr) and used.startswith(root + ".") and f".{attr}." in used[len(root) :] + "."


def parse_cells(sources: Iterable[str]) -> tuple[set[str], list[str]]:
    """The names used by the cells' code, and the cells that could not be parsed."""
    used: set[str] = set()
    unparsed = []
    for src in sources:
        try:
            used |= _uses(ast.parse(src))
        except (SyntaxError, ValueError, RecursionError):
            unparsed.append(src)
    return used, unparsed


def scan(sources: Iterable[str], forbids: Sequence[Forbid]) -> dict[str, list[str]]:
    """``{question: [reason, ...]}`` for every forbidden shortcut the code uses.

    ``sources`` are the notebook's code cells with IPython syntax already turned into Python
    (the grader uses the child's own transform).  A cell that does not parse is run by the
    grader as it is (its error is the student's); it hides nothing, so it is not counted here.
    """
    used, _ = parse_cells(sources)
    found: dict[str, list[str]] = {}
    for f in forbids:
        hits = sorted(u for u in used if _matches(f.name, u))
        if not hits:
            continue
        what = hits[0].split(":", 1)[1] if f.name.startswith("@") else hits[0]
        for q in f.questions:
            found.setdefault(q, []).append(f"uses `{what}`: {f.reason}")
    return found


def runtime_blocks(forbids: Sequence[Forbid]) -> list[str]:
    """The dotted names the sandboxed child makes unavailable (modules and attributes)."""
    return sorted({f.name for f in forbids if not f.name.startswith("@")})


def digest(source: str) -> str:
    """A cell's identity for "the exercise gave this cell" (whitespace at the ends ignored)."""
    return hashlib.sha256(source.strip().encode()).hexdigest()[:16]


def describe(forbids: Sequence[Forbid]) -> list[str]:
    """One line per forbidden shortcut, for ``describe`` and the instructor guide."""
    return [f"{f.name} (earns nothing for {', '.join(f.questions)}): {f.reason}" for f in forbids]
