"""The chapters' numbers as built: what the prose and the figures claim is on the page.

Reads ``lecture2/*.html`` in the built book (``BOOK_HTML``, default ``_build/html``): the
states the interactive figures promise, what their last frames show (no XOR explorer state
separates all four points; the feature map ends separable; the product feature solves XOR in
the playground; the chain rule's sum at the fork), and the results the chapters report
(chapter 10's test accuracy and speed-up). Each chapter also asserts its own numbers in its
cells, when the build executes it.
"""

from __future__ import annotations

import html as html_lib
import re

from mlp.figures.bump_challenge import DesignChallenge
from tests.book.chapters import (
    BUMP,
    SIGMOID,
    SPIRAL,
    XOR,
    n_steps_fxy,
    n_steps_mlp,
    page,
    stepper_frames,
    tour_runs,
)
from tests.book.widgetstate import explorer_grid, frames


def _plain(text: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))


def test_xor_explorer_never_reaches_four() -> None:
    _, _, state = page("01-limits-of-linear-models")
    counts = [int(re.search(r"<b>(\d) of 4</b>", f).group(1)) for f in frames(state)]
    assert len(counts) == 75 and max(counts) == 3


def test_feature_explorer_ends_separable() -> None:
    _, _, state = page("04-multilayer-perceptrons")
    found = frames(state)
    separated = [int(m.group(1)) for f in found if (m := re.search(r"<b>(\d+) of 200</b>", f))]
    assert len(separated) == 7 and max(separated) == 200 and min(separated) < 200


def test_grids_match_the_chapter() -> None:
    # the chapter text promises these numbers of states, and the design challenge's threshold
    assert explorer_grid(BUMP)[0] == 1200
    assert explorer_grid(SIGMOID)[0] == 462
    assert DesignChallenge(mode="live").threshold == 0.06
    plain = re.sub(r"\s+", " ", _plain(page("06-universality")[1]))
    assert "precomputes 1,200 states" in plain and "below 0.06" in plain


def test_six_bumps_win_the_design_challenge() -> None:
    _, _, state = page("06-universality")
    chal = [f for f in frames(state) if "Mean absolute error" in f or "Success" in f]
    assert sum("Success" in f for f in chal) >= 6  # six bumps win for every unit type


def test_playground_tours_end_where_the_chapter_says() -> None:
    _, _, state = page("07-playground")
    runs = tour_runs(state)
    last = {k: runs[k][-1] for k in XOR + SPIRAL}
    assert "train accuracy 100%, test accuracy 100%" in last["xor-product"]
    assert "train accuracy 100%" not in last["xor-linear"]


def test_chain_rule_sums_at_the_fork() -> None:
    _, _, state = page("08-chain-rule-and-graphs")
    n = n_steps_fxy()
    fxy = stepper_frames(frames(state), n)
    last_fxy = next(f for f in fxy if f"Step {n} of" in f)
    assert "fork" in last_fxy and "<b>sum</b>" in last_fxy and "= 2.41" in last_fxy


def test_backprop_stepper_has_two_forks() -> None:
    _, _, state = page("09-backpropagation")
    mine = stepper_frames(frames(state), n_steps_mlp())
    # the board example: every weight gets one message, x1 and x2 are forks
    forks = [f for f in mine if "(a fork)" in f]
    assert len(forks) == 2


def test_digits_accuracy_and_speed_up() -> None:
    _, text, _ = page("10-training-on-digits")
    plain = _plain(text)
    m = re.search(r"test accuracy (\d+\.\d)% \((\d+) of 359\)", plain)
    assert m, "the test accuracy is not reported"
    assert float(m.group(1)) >= 95.0
    assert re.search(r"the vectorized version is about \d+ times faster", plain)
