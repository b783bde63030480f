"""Exercise 8 (a gradient checker, and a planted bug): the spec's references, its recognised
mistakes, the per-student bugs. Its corpus (tests/grader/corpus_ex08.py) is graded with all
the others in tests/grader/test_corpus.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograde import shortcuts, variants
from autograde.spec import load_spec
from autograde.variants import ex08
from tests.grader.corpus import EXERCISES

SPEC = load_spec(EXERCISES / "08-gradient-checker" / "spec.py")
SEED = 20240116


def _args(seed, B=5, N=3, H=4, K=3):
    return SPEC._bw_args(np.random.default_rng(seed), B, N, H, K)


def _numerical(args, h):
    X, T, *ps = (np.array(a, dtype=float) for a in args)
    out = []
    for p in ps:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = SPEC.loss(X, T, *ps)
            p[idx] = old - h
            down = SPEC.loss(X, T, *ps)
            p[idx] = old
            g[idx] = (up - down) / (2 * h)
        out.append(g)
    return out


def _within(a, r, rtol, atol):
    return a.shape == r.shape and bool(np.all(np.abs(a - r) <= atol + rtol * np.abs(r)))


def test_spec_fields():
    assert SPEC.VARIANTS  # the fields every spec has: tests/test_exercise_tables.py
    plan = SPEC.build(np.random.default_rng(0))
    assert sum(c.points for c in plan.checks) == 8
    assert {r.name for r in plan.requests} <= set(SPEC.GRADED_NAMES)


@pytest.mark.parametrize("shape", [(5, 3, 4, 3), (1, 2, 3, 4), (3, 3, 3, 3)])
def test_backward_reference_matches_numerical_and_the_spec_variant(shape):
    args = _args(1, *shape)
    ref = SPEC.ref_backward(*args)
    mine = SPEC.variant_backward(*args, None)
    for r, m, n in zip(ref, mine, _numerical(args, 1e-6), strict=True):
        np.testing.assert_allclose(r, m, rtol=1e-13, atol=1e-15)
        assert np.linalg.norm(r - n) <= 1e-7 * max(1.0, np.linalg.norm(r))


def test_mistakes_are_distinguishable_from_the_answer():
    args = _args(2)
    ref = SPEC.ref_backward(*args)
    for m in SPEC.BW_MISTAKES:
        var = SPEC.variant_backward(*args, m)
        if var is not None:
            assert any(not np.allclose(v, r) for v, r in zip(var, ref, strict=True)), m
    name, x, theta, eps = SPEC._ng_inputs(np.random.default_rng(3), [(3, 4)])[0]
    g, after = SPEC.ref_numerical_grad(name, x, theta, eps)
    assert np.array_equal(after, x)
    for m in SPEC.NG_MISTAKES:
        assert not np.allclose(SPEC.ref_numerical_grad(name, x, theta, eps, m)[0], g,
                               rtol=SPEC.NG_RTOL, atol=SPEC.NG_ATOL), m  # fmt: skip


@pytest.mark.parametrize("name", list(ex08.TEST_FUNCTIONS))
def test_q1_reference_is_a_centered_difference_not_far_from_the_gradient(name):
    rng = np.random.default_rng(4)
    x, theta = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    fine = SPEC.ref_numerical_grad(name, x, theta, 1e-5)[0]
    coarse = SPEC.ref_numerical_grad(name, x, theta, 1e-2)[0]
    # the judged eps matters: the grader compares with the centered difference for the same
    # eps (1e-4 .. 1e-2), which differs from the exact gradient by O(eps^2)
    assert np.allclose(fine, coarse, rtol=1e-2, atol=1e-3)
    assert not np.allclose(fine, coarse, rtol=SPEC.NG_RTOL, atol=SPEC.NG_ATOL)


def test_relative_error_reference():
    a = np.array([3.0, 4.0])
    assert SPEC.ref_relative_error(a, a) == 0.0
    assert SPEC.ref_relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert SPEC.ref_relative_error(a, -a) == 1.0
    assert SPEC.ref_relative_error(a, np.zeros(2)) == 1.0


def test_a_numerical_gradient_cannot_pass_q3_but_other_correct_codes_do():
    """rtol 1e-12 / atol 1e-14: vectorized, einsum and per-example codes pass; centered
    differences (h = 1e-4 .. 1e-6) fail on every hidden case."""

    def per_example(X, T, W1, b1, W2, b2):
        g = [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]
        for x, t in zip(X, T, strict=True):
            h = np.tanh(W1 @ x + b1)
            s = W2 @ h + b2
            p = np.exp(s) / np.exp(s).sum()  # no max subtracted: fine at these sizes
            sb = (p - t) / X.shape[0]
            zb = (W2.T @ sb) * (1 - h * h)
            for k, v in enumerate((np.outer(zb, x), zb, np.outer(sb, h), sb)):
                g[k] += v
        return g

    for seed in range(3):
        plan_rng = np.random.default_rng(seed)
        for shape in SPEC._bw_shapes(plan_rng):
            args = SPEC._bw_args(plan_rng, *shape)
            ref = SPEC.ref_backward(*args)
            for a, r in zip(per_example(*args), ref, strict=True):
                assert _within(a, r, SPEC.BW_RTOL, SPEC.BW_ATOL)
            for h in (1e-4, 1e-5, 1e-6):
                assert not all(_within(a, r, SPEC.BW_RTOL, SPEC.BW_ATOL)
                               for a, r in zip(_numerical(args, h), ref, strict=True))  # fmt: skip


def test_every_planted_bug_changes_exactly_one_gradient():
    seen = set()
    for i in range(200):
        nums = variants.numbers(SPEC.EXERCISE, f"student{i}")
        wrong = SPEC.wrong_parameters(nums)
        assert wrong == [ex08._planted(nums)[0]], i
        seen.add(ex08._planted(nums))
        # and the checker finds it on the student's own (square) network: relative error
        # of the wrong gradient far above a centered difference's
        arr = {k: np.asarray(v, dtype=float) for k, v in nums.items() if k != "tag"}
        args = tuple(arr[k] for k in ("X", "T", "W1", "b1", "W2", "b2"))
        got = ex08.make_backward(nums)(*args)
        num = _numerical(args, 1e-6)
        k = ex08.PARAMS.index(wrong[0])
        g, n = np.asarray(got[k]), num[k]
        assert g.shape != n.shape or np.linalg.norm(g - n) > 1e-3 * np.linalg.norm(n)
    assert seen == set(ex08.BUGS)


def test_numbers_are_plain_data_and_hide_the_bug():
    nums = variants.numbers(SPEC.EXERCISE, "ada")
    json.dumps(nums)
    assert set(nums) == {"X", "T", "W1", "b1", "W2", "b2", "tag"}
    assert variants.numbers(SPEC.EXERCISE, "ada") == nums
    assert variants.numbers(SPEC.EXERCISE, " ADA ") == nums


def test_bug_in_judge_reads_the_graded_id():
    for sid in ("ada", "bob", "carol"):
        right = SPEC.wrong_parameters(variants.numbers(SPEC.EXERCISE, sid))[0]
        out = {variants.STUDENT: sid, "bug_in": right}
        assert SPEC.judge_bug(out).fraction == 1.0
        assert SPEC.judge_bug({**out, "bug_in": right.lower() + "_bar"}).fraction == 1.0
        other = next(p for p in ex08.PARAMS if p != right)
        v = SPEC.judge_bug({**out, "bug_in": other})
        assert v.fraction == 0.0 and v.mistake == "wrong parameter"
        assert right not in v.message.replace(other, "")  # the answer is not told


def test_the_solution_notebook_uses_no_forbidden_name():
    import nbformat

    nb = nbformat.read(EXERCISES / SPEC.EXERCISE / "solution.ipynb", as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code" and "%pip" not in c.source]
    assert shortcuts.scan(sources, SPEC.FORBID) == {}
