"""The notebooks in JupyterLab, as a student uses them: open, Run All, move the sliders.

* every chapter of _toc.yml: Run All, the kernel goes idle, no cell shows an error; each live
  interactive figure (mlp.figures.frames.Frames) recomputes its picture when a control moves;
* an exercise: the student notebook's public tests fail (NotImplementedError: nothing is
  implemented yet), the solution notebook runs clean with every public test passing.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest

from tests.browser.helpers import REPO, chapter_notebooks, probe
from tests.lab.labdriver import PANEL, code_cell_outputs, open_notebook, run_all, run_cell_by_cell

pytestmark = [pytest.mark.lab, pytest.mark.slow]

EXERCISES = sorted((REPO / "exercises").glob("*/student.ipynb"))


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


SHOWN_JS = probe("shownFrame")  # the same probe as the static book's tests


def _wait_changed(page, output, before: str, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if output.evaluate(SHOWN_JS) != before:
            return True
        page.wait_for_timeout(100)
    return False


def _settled(page, output) -> str:
    """The shown frame once it stops changing (a move may trigger several recomputations)."""
    last = output.evaluate(SHOWN_JS)
    while True:
        page.wait_for_timeout(400)
        now = output.evaluate(SHOWN_JS)
        if now == last:
            return now
        last = now


def _move(page, output, control, kind: str) -> bool:
    before = _settled(page, output)
    if kind == "slider":
        handle = control.locator(".noUi-handle")
        now = float(handle.get_attribute("aria-valuenow") or 0)
        hi = float(handle.get_attribute("aria-valuemax") or 0)
        handle.focus()
        page.keyboard.press("ArrowLeft" if now >= hi else "ArrowRight")
        return _wait_changed(page, output, before)
    buttons = control.locator("button:not(.mod-active)")
    for i in range(buttons.count()):
        buttons.nth(i).click()
        if _wait_changed(page, output, before):
            return True
    return False


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_chapter_runs_in_jupyterlab(lab, lab_context, path: Path, record_property) -> None:
    cells = _code_cells(path)
    if not cells:
        pytest.skip(f"{path.name} has no code cell yet (placeholder chapter)")
    page = open_notebook(lab_context, lab, _rel(path))
    try:
        seconds = run_all(page)
        record_property("run_all_seconds", round(seconds, 1))
        outputs = code_cell_outputs(page)
        assert len(outputs) == len(cells)
        errors = [(i, o["errors"][0][-800:]) for i, o in enumerate(outputs) if o["errors"]]
        assert not errors, f"{path.name}: error output in code cell(s): {errors}"
        not_run = [i for i, o in enumerate(outputs) if not re.search(r"\d", o["prompt"])]
        assert not not_run, f"{path.name}: code cells that did not run: {not_run}"

        figures = page.locator(f"{PANEL} .jp-OutputArea-output").filter(
            has=page.locator(".mlp-frame"), has_not=page.locator(".mlp-quiz")
        )  # a quiz (feedback frames, no figure note) is checked in the static book
        for i in range(figures.count()):
            output = figures.nth(i)
            output.scroll_into_view_if_needed()
            assert "Live figure" in (output.inner_text() or ""), (
                f"{path.name}: figure #{i} is not in live mode in a kernel"
            )
            controls = [
                ("slider", output.locator(".widget-slider").nth(j))
                for j in range(output.locator(".widget-slider").count())
            ]
            controls += [
                ("toggle", output.locator(".widget-toggle-buttons").nth(j))
                for j in range(output.locator(".widget-toggle-buttons").count())
            ]
            assert controls, f"{path.name}: figure #{i} has no control"
            for kind, control in controls:
                label = control.locator(".widget-label").first.text_content()
                assert _move(page, output, control, kind), (
                    f"{path.name}: moving {kind} {label!r} of figure #{i} did not change the "
                    "live picture (an exception in the callback shows in JupyterLab's log "
                    "console, not in the cell)"
                )
    finally:
        page.close()
        lab.shutdown_kernels()


@pytest.mark.skipif(not EXERCISES, reason="no exercise notebooks yet (exercises/NN-name/)")
def test_student_exercise_public_tests_fail(lab, lab_context) -> None:
    student = EXERCISES[0]
    cells = _code_cells(student)
    is_test = ["test" in c.metadata.get("tags", []) for c in cells]
    assert any(is_test), f"{_rel(student)} has no public test cell (tag 'test')"
    n_cells = len(nbformat.read(student, as_version=4).cells)
    page = open_notebook(lab_context, lab, _rel(student))
    try:
        run_cell_by_cell(page, n_cells)
        outputs = code_cell_outputs(page)
        assert len(outputs) == len(cells)
        names = []
        for i, (out, test) in enumerate(zip(outputs, is_test, strict=True)):
            found = [re.findall(r"^(\w+(?:Error|Exception))\b", e, re.M) for e in out["errors"]]
            ename = found[0][-1] if found and found[0] else None
            if test:
                assert ename, f"{_rel(student)}: public test in code cell {i} passed unsolved"
                names.append(ename)
            elif ename:
                # only the cells the student has to fill in may fail, and only this way
                assert ename == "NotImplementedError", f"code cell {i}: {out['errors'][0][-400:]}"
        # a test fails on the unimplemented function it calls, or on the name that an
        # unimplemented answer cell never got to define
        assert set(names) <= {"NotImplementedError", "NameError"}, names
        assert "NotImplementedError" in names, names
    finally:
        page.close()
        lab.shutdown_kernels()


@pytest.mark.skipif(not EXERCISES, reason="no exercise notebooks yet (exercises/NN-name/)")
def test_solution_exercise_passes(lab, lab_context) -> None:
    solution = EXERCISES[0].with_name("solution.ipynb")
    cells = _code_cells(solution)
    page = open_notebook(lab_context, lab, _rel(solution))
    try:
        run_all(page)
        outputs = code_cell_outputs(page)
        errors = [(i, o["errors"][0][-400:]) for i, o in enumerate(outputs) if o["errors"]]
        assert not errors, f"{_rel(solution)}: errors: {errors}"
        tests = [i for i, c in enumerate(cells) if "test" in c.metadata.get("tags", [])]
        assert tests and all(re.search(r"\d", outputs[i]["prompt"]) for i in tests)
    finally:
        page.close()
        lab.shutdown_kernels()


# A student's exercise 4, written the way people get it wrong: sigma' forgotten in backward.
STUDENT_FORWARD = """def forward(X, W1, b1, W2, b2):
    Z = X @ W1.T + b1
    H = sigmoid(Z)
    return Z, H, H @ W2.T + b2


def squared_error(Y, T):
    return 0.5 * np.sum((Y - T) ** 2) / len(Y)
"""
STUDENT_BACKWARD = """def backward(X, T, W1, b1, W2, b2):
    Z, H, Y = forward(X, W1, b1, W2, b2)
    Y_bar = (Y - T) / len(X)
    Z_bar = Y_bar @ W2          # forgot sigma'(z)
    return Z_bar.T @ X, Z_bar.sum(0), Y_bar.T @ H, Y_bar.sum(0)
"""


def _outputs_text(page) -> list[str]:
    return page.evaluate(
        """(panel) => [...document.querySelector(panel).querySelectorAll('.jp-CodeCell')]
           .map(c => [...c.querySelectorAll('.jp-OutputArea-output')]
                     .map(o => o.innerText).join('\\n'))""",
        PANEL,
    )


def test_check_line_names_the_mistake_in_jupyterlab(lab, lab_context) -> None:
    """One line per question tells a student in JupyterLab what is wrong, before grading."""
    nb = nbformat.read(REPO / "exercises/04-backprop-mlp/student.ipynb", as_version=4)
    for c in nb.cells:
        if c.get("id") == "q1-solution":
            c.source = STUDENT_FORWARD
        if c.get("id") == "q2-solution":
            c.source = STUDENT_BACKWARD
    path = REPO / "artifacts" / "lab" / "ex04-forgot-sigma-prime.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    page = open_notebook(lab_context, lab, _rel(path))
    try:
        run_all(page)
        cells = [c for c in nb.cells if c.cell_type == "code"]
        texts = dict(zip((c.get("id") for c in cells), _outputs_text(page), strict=True))
        assert "2 of 2 public checks pass" in texts["q1-check"], texts["q1-check"]
        q2 = texts["q2-check"]
        assert "2 of 4 public checks pass" in q2 and "missing sigma'(z)" in q2, q2
        assert "not your grade" in q2
    finally:
        page.close()
        lab.shutdown_kernels()
