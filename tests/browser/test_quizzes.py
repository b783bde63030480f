"""Every self-check quiz of every chapter answers back in the static book, in Chromium.

A quiz (``mlp.figures.quiz``) is a frames figure: its control is the reader's answer (toggle
buttons for ``quiz.choice``, a slider for ``quiz.numeric``) and its precomputed frames are the
feedback, ``.mlp-quiz-right`` or ``.mlp-quiz-wrong``, linked to the control in the browser.
For each chapter page:

* it shows at least three quizzes, as many as its notebook has ``quiz.choice(`` /
  ``quiz.numeric(`` calls;
* for a multiple-choice quiz, clicking each option's button changes the feedback shown, to
  ``.mlp-quiz-right`` for the right option(s) and ``.mlp-quiz-wrong`` for the others, with that
  option's own feedback text (the right options and texts are read from the notebook's call
  when they are literals; otherwise at least one option must be right and one wrong);
* for a numeric quiz, each position of the slider shows a verdict, right exactly where the
  value is within the tolerance of the answer (when the call's arguments are literals), and
  the right and wrong verdicts read differently.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from tests.browser.helpers import INIT_JS, REPO, chapter_notebooks, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MIN_QUIZZES = 3
CHAPTERS = [p.relative_to(REPO).with_suffix("").as_posix() for p in chapter_notebooks()]
UNANSWERED = "?"  # mlp.figures.quiz.UNANSWERED: the first button, no answer chosen

# The feedback a reader sees in one quiz (a .widget-subarea holding .mlp-quiz frames): the
# visible .mlp-quiz element's verdict class and text.
SHOWN_JS = """(area) => {
  const shown = [...area.querySelectorAll('.mlp-quiz')].filter(e => e.offsetParent !== null);
  if (shown.length !== 1) return {n: shown.length, kind: '', text: ''};
  const e = shown[0];
  const kind = e.classList.contains('mlp-quiz-right') ? 'right'
    : e.classList.contains('mlp-quiz-wrong') ? 'wrong'
    : e.classList.contains('mlp-quiz-open') ? 'open' : 'other';
  return {n: 1, kind, text: e.innerText.replace(/\\s+/g, ' ').trim()};
}"""


@dataclass
class SourceQuiz:
    """A ``quiz.choice``/``quiz.numeric`` call of the notebook, with what is literal in it."""

    kind: str  # "choice" or "numeric"
    options: dict[str, str] | None = None  # choice: label -> feedback
    right: set[str] | None = None  # choice: the right labels
    values: list[float] | None = None  # numeric
    answer: float | None = None
    tol: float | None = None


def _literal(node: ast.AST | None):
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def source_quizzes(path: Path) -> list[SourceQuiz]:
    """The quiz calls of a chapter notebook's code cells, in order."""
    from IPython.core.inputtransformer2 import TransformerManager

    quizzes = []
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "quiz." not in cell.source:
            continue
        tree = ast.parse(TransformerManager().transform_cell(cell.source))
        calls = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name)
            and n.func.value.id == "quiz"
            and n.func.attr in ("choice", "numeric")
        ]
        for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
            kw = {k.arg: k.value for k in call.keywords}
            args = list(call.args) + [None, None]
            if call.func.attr == "choice":
                options = _literal(args[0] or kw.get("options"))
                answer = _literal(args[1] or kw.get("answer"))
                right = {answer} if isinstance(answer, str) else answer
                quizzes.append(
                    SourceQuiz(
                        "choice",
                        options=options if isinstance(options, dict) else None,
                        right=set(right) if isinstance(right, list | tuple | set) else None,
                    )
                )
            else:
                values = _literal(args[0] or kw.get("values"))
                quizzes.append(
                    SourceQuiz(
                        "numeric",
                        values=list(values) if isinstance(values, list | tuple) else None,
                        answer=_literal(args[1] or kw.get("answer")),
                        tol=_literal(kw.get("tol")),
                    )
                )
    return quizzes


@pytest.fixture(scope="module", params=CHAPTERS, ids=lambda d: d.split("/")[-1])
def chapter(request, chromium, site) -> Iterator[tuple[str, object]]:
    """One chapter page, loaded once in a fresh browser context."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(INIT_JS)
    doc = request.param
    response = page.goto(f"{site}{doc}.html", wait_until="load")
    assert response is not None and response.ok, (
        f"{doc}.html answered {response and response.status}"
    )
    wait_ready(page)
    yield doc, page
    context.close()


def _quiz_areas(page) -> list:
    areas = page.locator(".widget-subarea")
    return [areas.nth(i) for i in range(areas.count()) if areas.nth(i).locator(".mlp-quiz").count()]


def _shown(area) -> dict:
    return area.evaluate(SHOWN_JS)


def _wait_changed(page, area, before: dict, timeout: float = 2.0) -> dict:
    deadline = time.monotonic() + timeout
    now = _shown(area)
    while (now["kind"], now["text"]) == (before["kind"], before["text"]):
        if time.monotonic() > deadline:
            break
        page.wait_for_timeout(50)
        now = _shown(area)
    return now


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_each_chapter_has_at_least_three_quizzes(chapter) -> None:
    doc, page = chapter
    n_page = len(_quiz_areas(page))
    n_source = len(source_quizzes(REPO / f"{doc}.ipynb"))
    assert n_page >= MIN_QUIZZES, f"{doc}: {n_page} quiz(zes) on the page, at least {MIN_QUIZZES}"
    assert n_page == n_source, f"{doc}: {n_source} quiz calls in the notebook, {n_page} shown"


def _check_choice(doc: str, i: int, page, area, quiz: SourceQuiz | None) -> None:
    where = f"{doc}, quiz #{i + 1}"
    buttons = area.locator(".widget-toggle-buttons button")
    labels = [(buttons.nth(j).text_content() or "").strip() for j in range(buttons.count())]
    assert labels and labels[0] == UNANSWERED, f"{where}: buttons {labels}, first must be '?'"
    first = _shown(area)
    assert first == {"n": 1, "kind": "open", "text": first["text"]}, (
        f"{where}: before any answer it should show the open prompt, shows {first}"
    )
    if quiz and quiz.options:
        assert labels[1:] == list(quiz.options), f"{where}: buttons {labels[1:]}"
    verdicts = {}
    before = first
    for j, label in enumerate(labels[1:], start=1):
        buttons.nth(j).click()
        now = _wait_changed(page, area, before)
        assert now["n"] == 1, f"{where}: after choosing {label}, {now['n']} feedback boxes shown"
        assert (now["kind"], now["text"]) != (before["kind"], before["text"]), (
            f"{where}: choosing {label} did not change the feedback ({before['text'][:80]!r})"
        )
        assert now["kind"] in ("right", "wrong"), f"{where}: choosing {label} shows {now}"
        verdicts[label] = now["kind"]
        if quiz and quiz.right is not None:
            want = "right" if label in quiz.right else "wrong"
            assert now["kind"] == want, f"{where}: option {label} shows {now['kind']}, not {want}"
        if quiz and quiz.options:
            assert _norm(quiz.options[label]) in now["text"], (
                f"{where}: option {label} shows {now['text'][:120]!r}, not its own feedback"
            )
        before = now
    kinds = set(verdicts.values())
    assert kinds == {"right", "wrong"}, f"{where}: every option is {kinds}: {verdicts}"


def _check_numeric(doc: str, i: int, page, area, quiz: SourceQuiz | None) -> None:
    where = f"{doc}, quiz #{i + 1}"
    handle = area.locator(".widget-slider input[type=range]")
    assert handle.count() == 1, f"{where}: a numeric quiz has one slider, found {handle.count()}"
    lo = int(float(handle.get_attribute("min") or 0))
    hi = int(float(handle.get_attribute("max") or 0))
    handle.focus()
    for _ in range(hi - lo):  # to the first position
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(100)
    seen: dict[int, dict] = {}
    for step in range(hi - lo + 1):
        if step:
            handle.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(50)
        index = int(float(handle.input_value() or 0)) - lo
        now = _shown(area)
        # position 0 is "?" (no answer yet): it asks; every other position gives a verdict
        expected = ("open",) if index == 0 else ("right", "wrong")
        assert now["n"] == 1 and now["kind"] in expected, f"{where}: position {index}: {now}"
        if index:
            seen[index - 1] = now  # the value's position in the quiz's list of values
    assert len(seen) == hi - lo, f"{where}: the slider visited positions {sorted(seen)} only"
    rights = {k for k, s in seen.items() if s["kind"] == "right"}
    assert rights and len(rights) < len(seen), f"{where}: right at {sorted(rights)} of {len(seen)}"
    right_texts = {seen[k]["text"] for k in rights}
    wrong_texts = {s["text"] for k, s in seen.items() if k not in rights}
    assert not right_texts & wrong_texts, f"{where}: a right and a wrong answer read the same"
    if quiz and quiz.values is not None and quiz.answer is not None and quiz.tol is not None:
        want = {k for k, v in enumerate(quiz.values) if abs(v - quiz.answer) <= quiz.tol}
        assert rights == want, f"{where}: right at positions {sorted(rights)}, not {sorted(want)}"


def test_every_answer_shows_its_feedback(chapter) -> None:
    doc, page = chapter
    areas = _quiz_areas(page)
    assert len(areas) >= MIN_QUIZZES, f"{doc}: {len(areas)} quiz(zes) on the page"
    quizzes = source_quizzes(REPO / f"{doc}.ipynb")
    matched = len(quizzes) == len(areas)  # then the i-th call is the i-th quiz on the page
    for i, area in enumerate(areas):
        area.scroll_into_view_if_needed()
        quiz = quizzes[i] if matched else None
        if area.locator(".widget-toggle-buttons").count():
            assert quiz is None or quiz.kind == "choice", f"{doc}, quiz #{i + 1}: not a choice"
            _check_choice(doc, i, page, area, quiz)
        else:
            assert quiz is None or quiz.kind == "numeric", f"{doc}, quiz #{i + 1}: not numeric"
            _check_numeric(doc, i, page, area, quiz)
