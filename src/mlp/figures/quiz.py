"""Self-check quizzes that answer back: in a kernel, and in the static book with no kernel.

A quiz is a :class:`~mlp.figures.frames.Frames` figure whose one control is the reader's
answer and whose frames are the feedback, so it responds in the static HTML exactly as a
figure does (the feedback for every answer is precomputed and linked to the buttons in the
browser). The question and its options stay in the chapter's markdown, where their math is
typeset; the quiz shows the answer buttons and the feedback. Write feedback in plain text
with Unicode mathematics (σ′(z), W̄⁽¹⁾, ᵀ): it is shown inside a widget.

Examples
--------
>>> q = choice(
...     {"A": "No: that is the shape of x.", "B": "Right: W̄ has the shape of W."},
...     answer="B",
...     mode="static",
... )
>>> q.n_frames  # the unanswered state and one per option
3
>>> "Right" in q.frame_html(answer="B") and "mlp-quiz-wrong" in q.frame_html(answer="A")
True
>>> n = numeric([0.1, 0.25, 0.5, 1.0], answer=0.25, tol=1e-9, mode="static")
>>> n.n_frames  # the unanswered "?" and one per value
5
>>> "mlp-quiz-right" in n.frame_html(value=0.25)
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

from mlp.figures.frames import Control, Frames

__all__ = ["UNANSWERED", "choice", "numeric"]

UNANSWERED = "?"
"""No answer chosen yet (the first position of every quiz's control)."""


def _verdict(right: bool, text: str) -> str:
    mark, word, cls = (
        ("✔", "Right.", "mlp-quiz-right") if right else ("✘", "Not quite.", "mlp-quiz-wrong")
    )
    return (
        f'<div class="mlp-quiz {cls}" role="status"><b>{mark} {word}</b> {html.escape(text)}</div>'
    )


def _prompt(text: str) -> str:
    return f'<div class="mlp-quiz mlp-quiz-open" role="status">{html.escape(text)}</div>'


def choice(
    options: Mapping[str, str],
    answer: str | Sequence[str],
    *,
    label: str = "Your answer",
    prompt: str = "Choose an answer to see whether it is right, and why.",
    mode: str = "auto",
) -> Frames:
    """A multiple-choice quiz: one button per option, feedback for each.

    Parameters
    ----------
    options
        Option label (``"A"``, ``"B"``... as in the markdown above the quiz) to the
        feedback shown when it is chosen: why it is right, or what mistake it reflects.
    answer
        The right option(s).
    label, prompt
        The control's label, and the text shown before any answer.
    mode
        As for :class:`~mlp.figures.frames.Frames`.
    """
    right = {answer} if isinstance(answer, str) else set(answer)
    if not options or not right or not right <= set(options):
        raise ValueError(f"answer {sorted(right)} must be among the options {list(options)}")
    if UNANSWERED in options:
        raise ValueError(f"{UNANSWERED!r} is reserved for the unanswered state")

    def render(answer: str) -> str:
        if answer == UNANSWERED:
            return _prompt(prompt)
        return _verdict(answer in right, options[answer])

    control = Control("answer", [UNANSWERED, *options], label)
    return Frames(render, [control], alt="quiz feedback", mode=mode, note=False)


def numeric(
    values: Sequence[float],
    answer: float,
    *,
    tol: float,
    feedback: Callable[[float], str] | None = None,
    label: str = "Your answer",
    mode: str = "auto",
) -> Frames:
    """A numeric quiz: a slider over ``values``; within ``tol`` of ``answer`` is right.

    The slider starts at an extra first position, ``?`` (no answer yet).
    ``feedback(value)`` explains a wrong value (default: higher or lower).
    """
    if tol < 0:
        raise ValueError(f"tol must be non-negative, got {tol}")
    if not any(abs(v - answer) <= tol for v in values):
        raise ValueError(f"no value of {list(values)} is within {tol} of the answer {answer}")

    unanswered = min(values) - 1.0  # the "?" position, below every value

    def render(value: float) -> str:
        if value == unanswered:
            return _prompt("Move the slider to your answer to see whether it is right.")
        if abs(value - answer) <= tol:
            return _verdict(True, f"{value:g} is within {tol:g} of the answer.")
        hint = feedback(value) if feedback else ("Too high." if value > answer else "Too low.")
        return _verdict(False, hint)

    labels = [UNANSWERED, *(f"{v:g}" for v in values)]
    control = Control("value", [unanswered, *values], label, labels=labels)
    return Frames(render, [control], alt="quiz", mode=mode, note=False)
