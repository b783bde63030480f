"""The examples in the docstrings of every module of ``mlp`` run and give what they show.

The modules are discovered (``pkgutil.walk_packages`` over the package), not listed: a new
module's examples run without anyone adding it here. The figures modules run their examples
with matplotlib's Agg backend and in live mode (``MLP_STATIC_WIDGETS`` unset), as in a
kernel; an example that wants the static mode sets the variable itself.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil
from types import ModuleType

import matplotlib
import pytest

import mlp

matplotlib.use("Agg")

MODULES = ["mlp"] + sorted(
    name
    for _, name, _ in pkgutil.walk_packages(mlp.__path__, prefix="mlp.")
    if not name.rsplit(".", 1)[-1].startswith("__")
)


@pytest.fixture(autouse=True)
def _live_mode_and_no_leftover_figures(monkeypatch):
    monkeypatch.delenv("MLP_STATIC_WIDGETS", raising=False)
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_every_module_is_collected() -> None:
    expected = {
        "mlp",
        "mlp.network",
        "mlp.graph",
        "mlp.universality",
        "mlp.lecture_graphs",
        "mlp.figures.frames",
        "mlp.figures.backprop_stepper",
        "mlp.figures.playground.model",
        "mlp.figures.playground.view",
    }
    assert expected <= set(MODULES), sorted(expected - set(MODULES))


def run_examples(module: ModuleType) -> tuple[int, int, str]:
    """Run every docstring example of ``module``: (failed, attempted, the failures' report)."""
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    for test in doctest.DocTestFinder().find(module, module.__name__):
        runner.run(test, out=report.write)  # each docstring in a copy of the module's globals
    failed, attempted = runner.summarize(verbose=False)
    return failed, attempted, report.getvalue()


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failed, attempted, report = run_examples(importlib.import_module(name))
    assert failed == 0, f"{name}: {failed} of {attempted} examples fail\n{report[-4000:]}"


def test_a_wrong_example_fails() -> None:
    module = ModuleType("fake")
    exec('def f():\n    """\n    >>> 1 + 1\n    3\n    """\n', module.__dict__)
    failed, attempted, report = run_examples(module)
    assert (failed, attempted) == (1, 1) and "Expected:\n    3\nGot:\n    2" in report
