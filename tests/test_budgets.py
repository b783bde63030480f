"""The layout's budgets and boundaries (CONTRIBUTING.md, "Budgets and boundaries").

* every module under ``src/`` (``mlp`` and ``autograde``) has at most 400 lines;
* every function or method has at most 60 lines of code (docstrings, blank lines and
  comment-only lines are not counted; a nested function counts towards its outer one too);
* the ``mlp`` core (``src/mlp/*.py``, not ``src/mlp/figures/``) imports none of matplotlib,
  ipywidgets, IPython or ``mlp.figures``, anywhere in the module (imports inside functions
  included), and ``import mlp`` loads none of them (checked in a fresh interpreter);
* no module of ``src/mlp`` imports another module's private name (``from mlp.x import _y``).

A file over a budget is two ideas: split it. Each check is a function returning the
violations as sentences naming the file, the function and the count; the last tests feed
each check a bad module written to ``tmp_path`` to show that it can fail.
"""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
FORBIDDEN_IN_CORE = ("matplotlib", "ipywidgets", "IPython", "mlp.figures")
NOT_LOADED_BY_CORE = ("matplotlib", "ipywidgets", "IPython")


def _rel(path: Path, root: Path = SRC) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return str(path)


def modules(root: Path) -> list[Path]:
    """Every ``.py`` file under ``root``, sorted."""
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def core_modules(package: Path) -> list[Path]:
    """The core of a package: its own ``*.py`` files, not those of its subpackages."""
    return sorted(package.glob("*.py"))


def module_name(path: Path, src: Path = SRC) -> str:
    """``src/mlp/figures/plots.py`` -> ``mlp.figures.plots`` (a package is its ``__init__``)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# ---- the checks -----------------------------------------------------------------------------


def module_too_long(path: Path, limit: int = MAX_MODULE_LINES) -> list[str]:
    n = len(path.read_text(encoding="utf-8").splitlines())
    if n <= limit:
        return []
    return [f"{_rel(path)} has {n} lines (budget {limit}): it holds two ideas, split it"]


def _code_lines(source: str) -> set[int]:
    """Line numbers holding code: a token other than a comment or a line break (a string
    spanning several lines counts on each of them)."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    skip |= {tokenize.ENCODING, tokenize.ENDMARKER}
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(tree):
        if isinstance(node, kinds) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def _functions(tree: ast.AST, prefix: str = ""):
    """(qualified name, node) of every function and method, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}{node.name}"
            yield name, node
            yield from _functions(node, f"{name}.<locals>.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    code = _code_lines(source) - _docstring_lines(tree)
    found = []
    for name, node in _functions(tree):
        n = len(code & set(range(node.lineno, node.end_lineno + 1)))
        if n > limit:
            found.append(
                f"{_rel(path)}: {name} (line {node.lineno}) has {n} lines of code (budget {limit})"
            )
    return found


def _imported_modules(path: Path, src: Path = SRC):
    """(line, absolute module name) of every import in the file, wherever it stands.

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a submodule); relative
    imports are resolved against the file's package.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path, src).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                base_name = ".".join(base + ([node.module] if node.module else []))
            else:
                base_name = node.module or ""
            yield node.lineno, base_name
            for alias in node.names:
                yield node.lineno, f"{base_name}.{alias.name}"


def forbidden_imports(
    path: Path, forbidden: tuple[str, ...] = FORBIDDEN_IN_CORE, src: Path = SRC
) -> list[str]:
    hits: dict[tuple[int, str], str] = {}
    for line, name in _imported_modules(path, src):
        for f in forbidden:
            if name == f or name.startswith(f + "."):
                hits.setdefault((line, f), name)
    return [
        f"{_rel(path)}:{line}: imports {name}: the mlp core never imports {', '.join(forbidden)}"
        for (line, _), name in sorted(hits.items())
    ]


def private_imports(path: Path, package: str = "mlp", src: Path = SRC) -> list[str]:
    """``from other.module import _name`` where the module is another one of ``package``.

    A private submodule (``from mlp import _checks``) is a module, not a private name.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path, src)
    mine = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = mine[: len(mine) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        if source == me or not (source == package or source.startswith(package + ".")):
            continue
        folder = src.joinpath(*source.split("."))
        for alias in node.names:
            name = alias.name
            private = name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
            submodule = (folder / f"{name}.py").exists() or (folder / name).is_dir()
            if private and not submodule:
                found.append(
                    f"{_rel(path)}:{node.lineno}: imports the private name {name} of {source} "
                    "(make it public, or move it where both modules can use it)"
                )
    return found


def loaded_by_import(
    package: str, src: Path = SRC, watch: tuple[str, ...] = NOT_LOADED_BY_CORE
) -> list[str]:
    """The modules of ``watch`` that a fresh interpreter has loaded after ``import package``
    and the import of every core module of it."""
    names = [package] + [
        module_name(p, src) for p in core_modules(src / package) if p.name != "__init__.py"
    ]
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"watch = {watch!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules"
        " if any(m == w or m.startswith(w + '.') for w in watch))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---- the budgets of src/ --------------------------------------------------------------------

ALL = modules(SRC)
MLP = modules(SRC / "mlp")
CORE = core_modules(SRC / "mlp")


def _ids(paths: list[Path]) -> list[str]:
    return [_rel(p) for p in paths]


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_module_within_400_lines(path: Path) -> None:
    problems = module_too_long(path)
    assert not problems, problems[0]


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_functions_within_60_lines_of_code(path: Path) -> None:
    problems = long_functions(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CORE, ids=_ids(CORE))
def test_core_imports_no_figures_and_no_display_library(path: Path) -> None:
    problems = forbidden_imports(path)
    assert not problems, "\n".join(problems)


def test_import_mlp_loads_no_display_library() -> None:
    loaded = loaded_by_import("mlp")
    assert not loaded, f"import mlp (and its core modules) loaded {loaded}"


@pytest.mark.parametrize("path", MLP, ids=_ids(MLP))
def test_no_private_name_imported_from_another_module(path: Path) -> None:
    problems = private_imports(path)
    assert not problems, "\n".join(problems)


def test_the_checks_see_every_module() -> None:
    assert {p.name for p in CORE} >= {"activations.py", "network.py", "__init__.py"}
    assert SRC / "mlp" / "figures" / "frames.py" in MLP and SRC / "mlp" / "figures" not in CORE
    assert any(p.parts[-2] == "autograde" for p in ALL)
    assert not any("figures" in p.relative_to(SRC).parts for p in CORE)


# ---- each check can fail --------------------------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """Write a package ``mlp`` (core + figures) under ``tmp_path/src``; return that src."""
    src = tmp_path / "src"
    for rel, text in {"mlp/__init__.py": "", "mlp/figures/__init__.py": "", **files}.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return src


def test_a_long_module_fails(tmp_path: Path) -> None:
    src = _package(tmp_path, {"mlp/big.py": "x = 1\n" * 401, "mlp/ok.py": "x = 1\n" * 400})
    assert module_too_long(src / "mlp/ok.py") == []
    (problem,) = module_too_long(src / "mlp/big.py")
    assert "big.py has 401 lines (budget 400)" in problem


def _function(n_code: int, *, padding: bool) -> str:
    body = [f"    x{i} = {i}" for i in range(n_code - 2)]
    if padding:  # none of this counts: a docstring, blank lines, comment-only lines
        body = ['    """A docstring', "", "    of several lines.", '    """', "", "    # a comment"]
        body += [f"    x{i} = {i}  # a comment after code counts" for i in range(n_code - 2)]
        body += ["", "    # another comment", ""]
    return "\n".join(["def f(a,", "      b):", *body]) + "\n"


def test_a_long_function_fails_and_only_code_lines_count(tmp_path: Path) -> None:
    ok = _function(60, padding=True)
    long = _function(61, padding=False)
    method = "class Net:\n" + textwrap.indent(_function(61, padding=True), "    ")
    nested = "def outer():\n" + textwrap.indent(_function(70, padding=False), "    ")
    src = _package(
        tmp_path, {"mlp/ok.py": ok, "mlp/a.py": long, "mlp/b.py": method, "mlp/c.py": nested}
    )
    assert long_functions(src / "mlp/ok.py") == []
    assert long_functions(src / "mlp/a.py") == [
        f"{_rel(src / 'mlp/a.py')}: f (line 1) has 61 lines of code (budget 60)"
    ]
    (problem,) = long_functions(src / "mlp/b.py")
    assert "Net.f (line 2) has 61 lines of code" in problem
    problems = long_functions(src / "mlp/c.py")
    assert [p.split(": ", 1)[1].split(" (")[0] for p in problems] == ["outer", "outer.<locals>.f"]
    assert "outer (line 1) has 71 lines of code" in problems[0]


@pytest.mark.parametrize(
    "statement",
    [
        "import matplotlib.pyplot as plt",
        "from IPython.display import display",
        "import ipywidgets",
        "from mlp.figures import plots",
        "from mlp.figures.frames import Explorer",
        "from .figures import plots",
        "from . import figures",
        "import mlp.figures.plots",
    ],
)
def test_a_core_module_importing_display_code_fails(tmp_path: Path, statement: str) -> None:
    text = f'"""Bad."""\n\n\ndef draw():\n    """Imports lazily."""\n    {statement}\n'
    src = _package(tmp_path, {"mlp/bad.py": text, "mlp/good.py": "import numpy as np\n"})
    assert forbidden_imports(src / "mlp/good.py", src=src) == []
    (problem,) = forbidden_imports(src / "mlp/bad.py", src=src)
    assert "bad.py:6: imports" in problem


def test_a_private_name_from_another_module_fails(tmp_path: Path) -> None:
    files = {
        "mlp/_checks.py": "def check(x):\n    return x\n",
        "mlp/layers.py": "def _dtype(x):\n    return x\n",
        "mlp/fine.py": "from mlp import _checks\nfrom mlp._checks import check\n"
        "from mlp import __doc__\nfrom numpy import _NoValue\n",
        "mlp/bad.py": "from mlp.layers import Linear, _dtype\n",
        "mlp/figures/bad.py": "def f():\n    from ..layers import _dtype\n",
    }
    src = _package(tmp_path, files)
    assert private_imports(src / "mlp/fine.py", src=src) == []
    (problem,) = private_imports(src / "mlp/bad.py", src=src)
    assert "bad.py:1: imports the private name _dtype of mlp.layers" in problem
    (problem,) = private_imports(src / "mlp/figures/bad.py", src=src)
    assert "figures/bad.py:2: imports the private name _dtype of mlp.layers" in problem


def test_an_import_that_loads_a_display_library_fails(tmp_path: Path) -> None:
    src = _package(
        tmp_path,
        {
            "mlp/__init__.py": "from mlp import core\n",
            "mlp/core.py": "import json\n",
            "mlp/figures/__init__.py": "import matplotlib\n",
        },
    )
    assert loaded_by_import("mlp", src) == []
    (src / "mlp/core.py").write_text("import json\nfrom mlp import figures\n")
    assert "matplotlib" in loaded_by_import("mlp", src)
