"""Exercise 10 (backward pass through L layers): the spec's references, its networks, and
that its recognised mistakes fail the cases the corpus (tests/grader/corpus_ex10.py) says."""

from __future__ import annotations

import numpy as np
import pytest

from autograde.checking import _answer
from autograde.spec import load_spec
from tests.grader.corpus import EXERCISES
from tests.grader.corpus_kit import run_cells

SPEC = load_spec(EXERCISES / "10-backward-l-layers" / "spec.py")
SEEDS = range(12)


def _solution_namespace() -> dict:
    """The solution's functions, run from its notebook."""
    return run_cells(SPEC.EXERCISE, ("setup", "grading", "q1-solution", "q2-solution"))


def _loss(params, acts, X, T):
    return 0.5 * np.sum((SPEC.ref_forward(params, acts, X)[1][-1] - T) ** 2) / len(X)


def test_spec_fields():
    plan = SPEC.build(np.random.default_rng(0))
    assert sum(c.points for c in plan.checks) == 7
    assert {r.name for r in plan.requests} <= set(SPEC.GRADED_NAMES)


@pytest.mark.parametrize("seed", [0, 1])
def test_reference_is_the_gradient(seed):
    """mlp's backward pass agrees with centered differences, and the spec's own numpy
    backward pass (used for the mistakes) agrees with mlp's."""
    rng = np.random.default_rng(seed)
    for params, acts, X, T in SPEC.networks(rng, [(3, [2, 4, 3, 2]), (2, [3, 1]), (1, [2] * 5)]):
        ref = SPEC.ref_backward(params, acts, X, T)
        mine, _ = SPEC.variant_backward(params, acts, X, T)
        for (W_bar, b_bar), (W_m, b_m), (W, b) in zip(ref, mine, params, strict=True):
            np.testing.assert_allclose(W_m, W_bar, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(b_m, b_bar, rtol=1e-12, atol=1e-14)
            for p, g in ((W, W_bar), (b, b_bar)):
                num = np.zeros_like(p)
                for idx in np.ndindex(p.shape):
                    old = p[idx]
                    p[idx] = old + 1e-6
                    up = _loss(params, acts, X, T)
                    p[idx] = old - 1e-6
                    num[idx] = (up - _loss(params, acts, X, T)) / 2e-6
                    p[idx] = old
                np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
def test_networks_have_the_promised_structure(seed):
    rng = np.random.default_rng(seed)
    nets = SPEC.networks(rng, SPEC._shapes(rng))
    depths = [len(p) for p, _, _, _ in nets]
    batches = [X.shape[0] for _, _, X, _ in nets]
    assert len(nets) == 8 and depths[0] == 1 and all(2 <= d <= 6 for d in depths[1:])
    assert batches.count(1) == 1 and batches[2] == 1
    assert all(W.shape == (3, 3) for W, _ in nets[1][0]) and depths[1] == 4
    for params, acts, X, T in nets:
        assert acts[-1] == "identity" and set(acts[:-1]) <= {"sigmoid", "relu"}
        assert len(params) == 1 or "sigmoid" in acts
        assert all(1 <= W.shape[0] <= 7 and 1 <= W.shape[1] <= 7 for W, _ in params)
        _, z_bars = SPEC.variant_backward(params, acts, X, T)
        assert all(np.any(z) for z in z_bars)


def _fails(var, ref, layers, pick):
    a = SPEC._cat([var[k][pick] for k in layers])
    r = SPEC._cat([ref[k][pick] for k in layers])
    return a.shape != r.shape or not np.allclose(a, r, rtol=SPEC.RTOL, atol=SPEC.ATOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_mistakes_fail_the_same_cases_on_every_seed(seed):
    """The corpus's exact credit: which of (output W, output b, hidden W, hidden b) each
    mistake fails, on every network (the batch of one excepted where it is said)."""
    rng = np.random.default_rng(seed)
    expect = {  # mistake: fails (out W, out b, hidden W, hidden b); B = 1 passes 1/B ones
        "no prime": (False, False, True, True),
        "prime at h": (False, False, True, True),
        "own output": (True, False, True, False),
        "b not summed": (False, True, False, True),
        "no mean": (True, True, True, True),
    }
    for params, acts, X, T in SPEC.networks(rng, SPEC._shapes(rng)):
        L, B = len(params), X.shape[0]
        ref = SPEC.ref_backward(params, acts, X, T)
        for m, fails in expect.items():
            var = SPEC.variant_backward(params, acts, X, T, m)[0]
            if B == 1 and m in ("no mean", "b not summed"):
                fails = (False, False, False, False)
            got = (_fails(var, ref, [L - 1], 0), _fails(var, ref, [L - 1], 1))
            if L > 1:
                hid = list(range(L - 1))
                got += (_fails(var, ref, hid, 0), _fails(var, ref, hid, 1))
            else:
                fails = fails[:2]
            assert got == fails, (m, L, B)


@pytest.mark.parametrize("seed", [0, 5])
def test_solution_earns_full_marks_in_process(seed):
    ns = _solution_namespace()
    plan = SPEC.build(np.random.default_rng(seed))
    outputs = {r.key: _answer(r.to_json(), ns) for r in plan.requests}
    for c in plan.checks:
        v = c.judge(outputs)
        assert v.fraction == 1.0, (c.name, v.message)


def test_square_case_names_a_missing_transpose():
    ns = _solution_namespace()
    ns["backward"] = lambda params, acts, X, T: SPEC.variant_backward(
        params, acts, X, T, "transpose"
    )[0]
    plan = SPEC.build(np.random.default_rng(3))
    outputs = {r.key: _answer(r.to_json(), ns) for r in plan.requests}
    v = next(c for c in plan.checks if c.name == "hidden layers' W_bar").judge(outputs)
    assert v.fraction < 1 and v.mistake == "transpose"
