"""Tests of mlp.figures.quiz: quizzes are Frames whose frames are feedback."""

import pytest

from mlp.figures.quiz import UNANSWERED, choice, numeric


def test_choice_has_an_unanswered_state_and_feedback_per_option():
    q = choice(
        {"A": "a is the shape of x", "B": "same shape as W", "C": "a scalar"}, "B", mode="static"
    )
    assert q.n_frames == 4 and q.n_distinct == 4
    assert q.values == {"answer": UNANSWERED}
    assert "Choose an answer" in q.frame_html()
    assert "mlp-quiz-right" in q.frame_html(answer="B") and "same shape as W" in q.frame_html(
        answer="B"
    )
    for wrong in ("A", "C"):
        page = q.frame_html(answer=wrong)
        assert "mlp-quiz-wrong" in page and q.render(answer=wrong) != q.render(answer="B")
    assert "mlp-mode" not in q.widget.to_html()  # a quiz carries no figure note
    q.set(answer="C")
    assert q.values["answer"] == "C"


def test_choice_live_mode_updates_the_feedback():
    q = choice({"A": "no", "B": "yes"}, ["B"], mode="live")
    q.set(answer="A")
    assert "mlp-quiz-wrong" in q.view.value
    q.set(answer="B")
    assert "mlp-quiz-right" in q.view.value


def test_choice_escapes_feedback_and_rejects_bad_specs():
    q = choice({"A": "<script>x</script>", "B": "ok"}, "B", mode="static")
    assert "<script>" not in q.frame_html(answer="A")
    with pytest.raises(ValueError, match="must be among the options"):
        choice({"A": "x"}, "B", mode="static")
    with pytest.raises(ValueError, match="reserved"):
        choice({UNANSWERED: "x", "B": "y"}, "B", mode="static")


def test_numeric_tolerance_and_hints():
    n = numeric([0.5, 1.0, 1.5, 2.0], 1.5, tol=0.01, mode="static")
    assert n.n_frames == 5 and n.controls[0].labels[0] == UNANSWERED
    assert "mlp-quiz-open" in n.frame_html() and "mlp-quiz" in n.frame_html(value=0.5)
    assert "mlp-quiz-right" in n.frame_html(value=1.5)
    assert "Too low" in n.frame_html(value=1.0) and "Too high" in n.frame_html(value=2.0)
    custom = numeric([1, 2], 2, tol=0, feedback=lambda v: f"{v} forgets the bias", mode="live")
    assert "forgets the bias" in custom.frame_html(value=1)
    with pytest.raises(ValueError, match="within"):
        numeric([1, 2], 5, tol=0.5, mode="static")
    with pytest.raises(ValueError, match="non-negative"):
        numeric([1, 2], 1, tol=-1, mode="static")
