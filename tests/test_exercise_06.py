"""Exercise 6 (a forward and backward pass by hand): the per-student numbers, the spec's
references (against mlp and finite differences), its recognised mistakes and its public
checks.  Its corpus (tests/grader/corpus_ex06.py) is graded in tests/grader/test_corpus.py."""

from __future__ import annotations

import numpy as np
import pytest

from autograde import variants
from autograde.cases import evaluate, judge_data
from autograde.spec import load_spec
from autograde.variants import ex06
from tests.grader.corpus import EXERCISES

SPEC = load_spec(EXERCISES / "06-by-hand-pass" / "spec.py")
IDS = ["", "ada", "bob", "carol", *(f"s{i:04d}" for i in range(300))]
# where each recognised mistake first shows
FIRST = {"no b1": "z", "no sigma": "h", "no b2": "y", "sigmoid output": "y",
         "no half": "loss", "sign": "y_bar", "factor 2": "y_bar",
         "W2_bar transposed": "W2_bar", "missing transpose": "h_bar", "no sigma'": "z_bar",
         "sigma' at h": "z_bar", "z(1-z)": "z_bar", "W1_bar transposed": "W1_bar"}  # fmt: skip


def _nums(sid):
    return {k: np.asarray(v, dtype=float) for k, v in variants.numbers(SPEC.EXERCISE, sid).items()}


def test_spec_fields():
    assert SPEC.VARIANTS  # the fields every spec has: tests/test_exercise_tables.py
    plan = SPEC.build(np.random.default_rng(0))
    assert sum(c.points for c in plan.checks) == 10
    assert [r.name for r in plan.requests] == SPEC.GRADED_NAMES
    assert set(FIRST) == set(SPEC.MISTAKES)


def test_numbers_are_inputs_of_the_promised_kind():
    assert variants.numbers("06", "") == ex06.COMMON
    assert variants.numbers("06", "Ada ") == variants.numbers("06", "ada")
    assert variants.numbers("06", "ada") != variants.numbers("06", "bob")
    for sid in IDS:
        n = _nums(sid)
        assert set(n) == {"x", "W1", "b1", "W2", "b2", "t"}
        assert n["W1"].shape == (2, 3) and n["W2"].shape == (2, 2) and n["x"].shape == (3,)
        for k in ("W1", "b1", "W2", "b2", "t"):
            assert np.allclose(n[k] * 10, np.round(n[k] * 10)), (sid, k)  # one decimal
        assert np.allclose(n["x"] * 2, np.round(n["x"] * 2))
        assert np.all(n["b1"] != 0) and np.all(n["b2"] != 0)
        pre = np.abs(n["W1"] @ n["x"] + n["b1"])
        assert np.all((pre >= 0.3 - 1e-9) & (pre <= 2 + 1e-9)) and pre.max() >= 1.2 - 1e-9, sid
        assert abs(n["W2"][0, 1] - n["W2"][1, 0]) >= 0.5 - 1e-9, sid
        y = SPEC.passes(variants.numbers("06", sid))["y"]
        assert np.all(np.abs(y - n["t"]) >= 0.3) and (y[0] - n["t"][0]) * (y[1] - n["t"][1]) < 0


@pytest.mark.parametrize("sid", ["", "ada", "bob", "s0001"])
def test_reference_matches_mlp_and_finite_differences(sid):
    from mlp import MLP

    n = _nums(sid)
    ref = SPEC.passes(variants.numbers("06", sid))
    net = MLP.from_params([(n["W1"], n["b1"]), (n["W2"], n["b2"])], ["sigmoid", "identity"],
                          dtype=np.float64)  # fmt: skip
    Y = net.forward(n["x"][None, :])
    np.testing.assert_allclose(Y[0], ref["y"], rtol=1e-12)
    net.backward(Y - n["t"][None, :])  # y_bar for a batch of one
    (W1_bar, b1_bar), (W2_bar, b2_bar) = net.grads()
    for a, b in ((W1_bar, "W1_bar"), (b1_bar, "b1_bar"), (W2_bar, "W2_bar"), (b2_bar, "b2_bar")):
        np.testing.assert_allclose(a, ref[b], rtol=1e-10, atol=1e-12)

    def loss_from_h(h):
        return 0.5 * np.sum((n["W2"] @ h + n["b2"] - n["t"]) ** 2)

    def loss_from_z(z):
        return loss_from_h(1 / (1 + np.exp(-z)))

    eps = 1e-6
    for f, at, bar in ((loss_from_h, ref["h"], "h_bar"), (loss_from_z, ref["z"], "z_bar")):
        num = [(f(at + eps * e) - f(at - eps * e)) / (2 * eps) for e in np.eye(2)]
        np.testing.assert_allclose(num, ref[bar], rtol=1e-6, atol=1e-9)
    assert np.isclose(ref["loss"], 0.5 * np.sum((Y[0] - n["t"]) ** 2))


def test_every_mistake_is_clearly_wrong_where_it_first_shows():
    """For every id, each mistake changes the value where it happens by at least three
    tolerances: rounding to four decimals cannot make a mistake right, nor a right value look
    like a mistake."""
    for sid in IDS:
        nums = variants.numbers("06", sid)
        ref = SPEC.passes(nums)
        for m, name in FIRST.items():
            got, want = np.asarray(SPEC.passes(nums, m)[name]), np.asarray(ref[name])
            if got.shape != want.shape:
                continue
            margin = np.max(np.abs(got - want) / (SPEC.ATOL + SPEC.RTOL * np.abs(want)))
            assert margin >= 3, (sid, m, margin)


def _judge_all(outputs, sid):
    plan = SPEC.build(np.random.default_rng(0))
    outputs = {**outputs, variants.STUDENT: sid}
    return {c.name: c.judge(outputs) for c in plan.checks}


@pytest.mark.parametrize("sid", ["", "ada", "s0007"])
def test_reference_values_pass_and_mistakes_are_named(sid):
    ref = SPEC.passes(variants.numbers("06", sid))
    assert all(v.fraction == 1 for v in _judge_all(ref, sid).values())
    rounded = {k: np.round(np.asarray(v), 4).tolist() for k, v in ref.items()}  # as typed
    assert all(v.fraction == 1 for v in _judge_all(rounded, sid).values())
    for m, name in FIRST.items():
        verdicts = _judge_all(SPEC.passes(variants.numbers("06", sid), m), sid)
        assert verdicts[name].fraction == 0 and SPEC.MISTAKES[m] in verdicts[name].message, m
        assert verdicts[name].mistake == m


def test_another_ids_values_earn_nothing():
    ada = SPEC.passes(variants.numbers("06", "ada"))
    verdicts = _judge_all(ada, "bob")
    assert all(v.fraction == 0 for v in verdicts.values())
    assert "It does follow from your z" in verdicts["h"].message


@pytest.mark.parametrize("sid", ["", "ada", "s0042"])
def test_public_checks_follow_the_students_own_values(sid):
    """Each public expression gives the reference from the reference's earlier values, and
    follows a wrong earlier value instead of judging it again."""
    nums = variants.numbers("06", sid)
    ref = SPEC.passes(nums)
    for name, expr in SPEC.EXPRS.items():
        np.testing.assert_allclose(evaluate(expr, ref, nums), ref[name], rtol=1e-12)
    wrong = SPEC.passes(nums, "sign")  # from y_bar on, each value follows from the one before
    for name in ("W2_bar", "b2_bar", "h_bar", "z_bar", "W1_bar", "b1_bar"):
        np.testing.assert_allclose(evaluate(SPEC.EXPRS[name], wrong, nums), wrong[name])
    plan = SPEC.public(np.random.default_rng(0))
    assert all(judge_data(c.data, ref, nums).fraction == 1 for c in plan.checks)
    z_wrong = {**ref, "z": ref["z"] + 0.5}
    verdicts = {c.name: judge_data(c.data, z_wrong, nums) for c in plan.checks}
    assert verdicts["z"].fraction == 0 and verdicts["y"].fraction == 1


def test_public_checks_carry_no_answer():
    from autograde import publish

    data = publish.public_data(SPEC)
    assert data["variants"]
    for c in data["checks"]:
        for case in c["cases"]:
            assert case["ref"] is None and case["expr"] and not case["mistakes"]
