"""Exercise 12 (one shared detector): the spec's correlation, its mistakes, the network it
builds from a filter, and the public check's expression; the corpus
(tests/grader/corpus_ex12.py) is graded in tests/grader/test_corpus.py."""

from __future__ import annotations

import numpy as np
import pytest

from autograde.cases import answer_of
from autograde.checking import _answer
from autograde.spec import load_spec
from tests.grader.corpus import EXERCISES
from tests.grader.corpus_kit import run_cells

SPEC = load_spec(EXERCISES / "12-weight-sharing" / "spec.py")
SOLUTION = {"w": np.array([1.0, -1.0, 1.0, 1.0, 1.0]), "b": -3.5, "activation": "step",
            "pool": "max", "v": 1.0, "c": -0.5}  # fmt: skip


def _solution_namespace() -> dict:
    """The solution's functions, run from its notebook."""
    return run_cells(SPEC.EXERCISE, ("setup", "q1-solution", "q2-solution"))


def test_spec_fields_and_no_chapter_has_the_answer():
    assert sum(c.points for c in SPEC.build(np.random.default_rng(0)).checks) == 8
    for path in (EXERCISES.parent / "lecture2").glob("*.ipynb"):
        text = path.read_text()
        assert "conv1d_circular" not in text and "shared_detector" not in text


def test_correlation_by_its_definition():
    rng = np.random.default_rng(0)
    for n, m in ((16, 5), (5, 5), (7, 1), (9, 3)):
        x, w = rng.normal(size=n), rng.normal(size=m)
        z = [sum(w[j] * x[(k + j) % n] for j in range(m)) for k in range(n)]
        np.testing.assert_allclose(SPEC.ref_conv(x, w), z, rtol=1e-14)


@pytest.mark.parametrize("seed", range(10))
def test_exactly_one_short_filter_and_every_mistake_differs_elsewhere(seed):
    plan = SPEC.build(np.random.default_rng(seed))
    convs = [r.args for r in plan.requests if r.name == "conv1d_circular"]
    assert len(convs) == 6 and [len(w) for _, w in convs].count(1) == 1
    for x, w in convs:
        assert len(w) <= len(x) and 5 <= len(x) <= 20
        ref = SPEC.ref_conv(x, w)
        for value in SPEC.conv_mistakes(x, w).values():
            same = value is None or (
                np.shape(value) == ref.shape and np.allclose(value, ref, rtol=1e-9, atol=1e-12)
            )
            assert same == (len(w) == 1)


def test_solution_earns_full_marks_in_process():
    ns = _solution_namespace()
    plan = SPEC.build(np.random.default_rng(1))
    outputs = {r.key: _answer(r.to_json(), ns) for r in plan.requests}
    for c in plan.checks:
        v = c.judge(outputs)
        assert v.fraction == 1.0, (c.name, v.message)


def test_network_is_built_from_the_single_filter():
    X, t = SPEC.translations(16)
    assert np.array_equal((SPEC.detector_scores(SOLUTION, X) > 0).astype(int), t)
    with pytest.raises(SPEC.BadDetector, match="5 numbers"):
        SPEC.parse_detector({**SOLUTION, "w": np.ones((16, 16))})
    with pytest.raises(SPEC.BadDetector, match="no key"):
        SPEC.parse_detector({"w": SOLUTION["w"]})


@pytest.mark.parametrize("seed", range(5))
def test_public_expression_agrees_with_the_grader(seed):
    """check("q2") evaluates the network with an expression; it must agree with the
    grader's own evaluation for every activation and pooling."""
    from mlp.datasets import pattern_ab

    rng = np.random.default_rng(seed)
    X, _ = pattern_ab()
    for act in SPEC.ACTIVATIONS:
        for pool in SPEC.POOLS:
            d = {"w": rng.normal(size=5), "b": float(rng.normal()), "activation": act,
                 "pool": pool, "v": float(rng.normal()), "c": float(rng.normal())}  # fmt: skip
            got = answer_of(SPEC._public_value(), {"shared_detector": d}, {})
            want = (SPEC.detector_scores(d, X) > 0).astype(float)
            np.testing.assert_array_equal(got, want)
