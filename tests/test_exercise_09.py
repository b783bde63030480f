"""Exercise 9 (softplus): the spec's references and precision, the training threshold, and
its corpus (tests/grader/corpus_ex09.py) is graded in tests/grader/test_corpus.py."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

import mlp
from autograde import shortcuts
from autograde.spec import load_spec
from tests.grader.corpus import EXERCISES
from tests.grader.corpus_kit import run_cells

SPEC = load_spec(EXERCISES / "09-new-activation" / "spec.py")
SEED = 20240116


def _solution_namespace() -> dict:
    """The solution's functions, run from its notebook."""
    return run_cells(SPEC.EXERCISE, ("setup", "q1-solution", "q2-solution", "q3-solution"))


def _checks(plan, question):
    return [c for c in plan.checks if c.question == question]


def test_spec_fields_and_mlp_has_no_softplus():
    assert not any(hasattr(mlp, n) for n in ("softplus", "leaky_relu", "softplus_prime"))
    assert not getattr(SPEC, "VARIANTS", False)
    plan = SPEC.build(np.random.default_rng(0))
    assert sum(c.points for c in plan.checks) == 8


def test_references():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(SPEC.ref_softplus(z), np.log1p(np.exp(z)), rtol=1e-14)
    assert SPEC.ref_softplus(np.array([1000.0]))[0] == 1000.0
    assert SPEC.ref_softplus(np.array([-1000.0]))[0] == 0.0
    h = 1e-6
    num = (SPEC.ref_softplus(z + h) - SPEC.ref_softplus(z - h)) / (2 * h)
    np.testing.assert_allclose(SPEC.ref_sigmoid(z), num, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(SPEC.ref_sigmoid(z), mlp.sigmoid(z), rtol=1e-15)


def _judge(check, key_answers):
    return check.judge(key_answers)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_centered_difference_fails_q2_and_the_analytic_forms_pass(seed):
    plan = SPEC.build(np.random.default_rng(seed))
    calls = {r.key: r.args[0] for r in plan.requests if r.name == "softplus_prime"}
    moderate, large = _checks(plan, "q2")
    analytic = {
        "mlp.sigmoid": mlp.sigmoid,
        "1 / (1 + exp(-z))": lambda z: 1 / (1 + np.exp(-z)),
        "tanh form": lambda z: 0.5 * (1 + np.tanh(z / 2)),
    }
    with np.errstate(all="ignore"):
        for name, f in analytic.items():
            assert _judge(moderate, {k: f(z) for k, z in calls.items()}).fraction == 1, name
        assert _judge(large, {k: mlp.sigmoid(z) for k, z in calls.items()}).fraction == 1
        for h in (1e-3, 1e-4, 1e-5, 1e-6, 1e-7):
            num = {k: (SPEC.ref_softplus(z + h) - SPEC.ref_softplus(z - h)) / (2 * h)
                   for k, z in calls.items()}  # fmt: skip
            assert _judge(moderate, num).fraction == 0, h
        naive = {k: np.exp(z) / (1 + np.exp(z)) for k, z in calls.items()}
        v = _judge(large, naive)
    assert v.fraction == 0 and v.mistake == "overflow"


@pytest.mark.parametrize("seed", [0, 1])
def test_q1_tolerance_accepts_plain_stable_forms_and_names_overflow(seed):
    plan = SPEC.build(np.random.default_rng(seed))
    calls = {r.key: r.args[0] for r in plan.requests if r.name == "softplus"}
    moderate, large = _checks(plan, "q1")
    with np.errstate(all="ignore"):
        plain = {k: np.log(1 + np.exp(z)) for k, z in calls.items()}
        stable = {k: np.logaddexp(0, z) for k, z in calls.items()}
    assert _judge(moderate, plain).fraction == 1 and _judge(moderate, stable).fraction == 1
    assert _judge(large, stable).fraction == 1
    v = _judge(large, plain)
    assert v.fraction == 0 and v.mistake == "overflow"
    relu = {k: np.maximum(z, 0) for k, z in calls.items()}
    assert _judge(large, relu).fraction == 0


def test_training_threshold_holds_for_the_solution_and_not_for_a_linear_model():
    ns = _solution_namespace()
    for seed in range(6):
        plan = SPEC.build(np.random.default_rng(seed))
        reqs = {r.key: r.args for r in plan.requests if r.name == "train_softplus_net"}
        outputs = {k: list(ns["train_softplus_net"](*a)) for k, a in reqs.items()}
        for c in _checks(plan, "q3"):
            assert c.judge(outputs).fraction == 1, (seed, c.name, c.judge(outputs).message)
        # logistic regression on the raw inputs, written as a one-unit "network" whose
        # softplus is nearly linear: no better than a line, so it cannot pass either set
        linear = {}
        for k, (X, t, _) in reqs.items():
            w, b = np.zeros(2), 0.0
            for _ in range(500):
                g = mlp.sigmoid(X @ w + b) - t
                w, b = w - 0.5 * X.T @ g / len(t), b - 0.5 * g.mean()
            # softplus(z + 50) - 50 = z for |z| small: the network is the linear model
            linear[k] = [w[None, :], np.array([50.0]), np.ones((1, 1)), np.array([b - 50.0])]
        for c in _checks(plan, "q3"):
            assert c.judge(linear).fraction < 1, (seed, c.name)


def test_the_solution_notebook_uses_no_forbidden_name():
    nb = nbformat.read(EXERCISES / SPEC.EXERCISE / "solution.ipynb", as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code" and "%pip" not in c.source]
    assert shortcuts.scan(sources, SPEC.FORBID) == {}
