"""Exercise 11 (your own training loop for the digits): the hidden images are new and
labelled as their digits, and the solution's network earns full marks on every seed; the
corpus (tests/grader/corpus_ex11.py) is graded in tests/grader/test_corpus.py."""

from __future__ import annotations

import time

import numpy as np
import pytest

from autograde.checking import _answer
from autograde.spec import load_spec
from tests.grader.corpus import EXERCISES
from tests.grader.corpus_kit import run_cells

SPEC = load_spec(EXERCISES / "11-digits-training-loop" / "spec.py")


@pytest.fixture(scope="module")
def solution_ns() -> dict:
    start = time.process_time()
    ns = run_cells(SPEC.EXERCISE, ("setup", "q1-solution"))
    ns["cpu"] = time.process_time() - start
    return ns


def test_spec_fields():
    assert sum(c.points for c in SPEC.build(np.random.default_rng(0)).checks) == 5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hidden_images_are_new_and_come_from_the_held_out_digits(seed):
    from mlp.datasets import load_digits, load_digits_split

    X, t = SPEC.hidden_digits(np.random.default_rng(seed))
    _, X_test, _, t_test = load_digits_split(test_fraction=0.2, seed=0)
    assert X.shape == (3 * len(X_test), 64) and np.array_equal(t, np.tile(t_test, 3))
    assert X.min() >= 0 and X.max() <= 1 and np.allclose(X * 16, np.round(X * 16))
    shipped = {row.tobytes() for row in load_digits()[0]}
    assert not any(row.tobytes() in shipped for row in X)
    # one count away from the digit it comes from, pixel by pixel
    assert np.max(np.abs(X - np.tile(X_test, (3, 1)))) <= 1 / 16 + 1e-12
    other = SPEC.hidden_digits(np.random.default_rng(seed + 100))[0]
    assert not np.array_equal(X, other)


def test_solution_trains_fast_and_earns_full_marks(solution_ns):
    assert solution_ns["cpu"] < 10
    for seed in range(4):
        plan = SPEC.build(np.random.default_rng(seed))
        outputs = {r.key: _answer(r.to_json(), solution_ns) for r in plan.requests}
        for c in plan.checks:
            v = c.judge(outputs)
            assert v.fraction == 1.0, (seed, c.name, v.message)


def test_refused_networks(solution_ns):
    plan = SPEC.build(np.random.default_rng(0))
    W1, b1 = solution_ns["digits_params"][0]
    for params, acts, text in (
        ([(np.zeros((10, 64)), np.zeros(10))], ["identity"], "at least one hidden layer"),
        (solution_ns["digits_params"], ["sigmoid", "sigmoid"], "output activation"),
        ([(W1, b1), (np.zeros((64, 10)), np.zeros(10))], ["sigmoid", "identity"], "(outputs"),
    ):
        outputs = {"digits_params": [[W, b] for W, b in params], "digits_activations": acts}
        for c in plan.checks:
            v = c.judge(outputs)
            assert v.fraction == 0 and text in v.message, v.message
