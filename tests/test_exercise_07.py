"""Exercise 7 (softmax and cross-entropy): the spec's references (against plain formulas and
finite differences), the precision no finite difference reaches, the recognised mistakes and
the large logits.  Its corpus (tests/grader/corpus_ex07.py) is graded in
tests/grader/test_corpus.py."""

from __future__ import annotations

import numpy as np
import pytest

from autograde.spec import load_spec
from tests.grader.corpus import EXERCISES

SPEC = load_spec(EXERCISES / "07-softmax-cross-entropy" / "spec.py")


def _plain_loss(Z, T):
    """The loss in long double-free plain numpy, for moderate logits only."""
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return -np.sum(T * np.log(P)) / Z.shape[0]


def _centered(Z, T, h):
    g = np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[idx] += h
        Zm[idx] -= h
        g[idx] = (SPEC.ref_loss_and_grad(Zp, T)[0] - SPEC.ref_loss_and_grad(Zm, T)[0]) / (2 * h)
    return g


def _within(a, r, rtol, atol):
    a, r = np.asarray(a, dtype=float), np.asarray(r, dtype=float)
    return a.shape == r.shape and bool(np.all(np.abs(a - r) <= atol + rtol * np.abs(r)))


def _plan_cases(seed):
    plan = SPEC.build(np.random.default_rng(seed))
    args = {r.key: r.args for r in plan.requests}
    return plan, args


def test_spec_fields():
    assert not getattr(SPEC, "VARIANTS", False)
    plan = SPEC.build(np.random.default_rng(0))
    assert sum(c.points for c in plan.checks) == 8
    assert {r.name for r in plan.requests} == set(SPEC.GRADED_NAMES)


def test_forbidden_names_cover_mlps_ready_made_functions():
    import mlp.activations
    import mlp.losses

    names = {f.name for f in SPEC.FORBID}
    assert {"mlp.softmax", "mlp.log_softmax", "mlp.logsumexp", "mlp.activations", "mlp.losses",
            "mlp.softmax_cross_entropy", "mlp.softmax_cross_entropy_grad"} <= names  # fmt: skip
    from autograde import shortcuts

    uses = [
        "from mlp.losses import cross_entropy_and_grad",
        "from mlp.linear_models import logsumexp",
        "from mlp.activations import log_softmax",
        "import mlp\nmlp.softmax(1)",
    ]
    for src in uses:
        assert shortcuts.scan([src], SPEC.FORBID).get("q1"), src
    assert hasattr(mlp.activations, "log_softmax") and hasattr(mlp.losses, "cross_entropy_and_grad")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_references_match_mlp_plain_formulas_and_finite_differences(seed):
    from mlp.losses import cross_entropy_and_grad

    for Z, T in SPEC.moderate_batches(np.random.default_rng(seed), [(5, 4), (1, 3), (3, 2)]):
        P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(SPEC.ref_softmax(Z), P, rtol=1e-13)
        loss, grad = SPEC.ref_loss_and_grad(Z, T)
        np.testing.assert_allclose(loss, _plain_loss(Z, T), rtol=1e-13)
        mlp_loss, mlp_grad = cross_entropy_and_grad(Z.copy(), T.copy())
        np.testing.assert_allclose(loss, mlp_loss, rtol=1e-13)
        np.testing.assert_allclose(grad, mlp_grad, rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(grad, (P - T) / Z.shape[0], rtol=1e-12, atol=1e-16)
        num = _centered(Z, T, 1e-5)
        assert np.linalg.norm(num - grad) <= 1e-8 * np.linalg.norm(grad)


def test_large_logits_are_finite_and_right():
    rng = np.random.default_rng(3)
    for _ in range(20):
        Z, T = SPEC.large_batch(rng, int(rng.integers(3, 7)), int(rng.integers(3, 7)))
        assert {1000.0, 710.0, -1000.0} <= set(Z.ravel())
        P = SPEC.ref_softmax(Z)
        loss, grad = SPEC.ref_loss_and_grad(Z, T)
        assert np.all(np.isfinite(P)) and np.isfinite(loss) and np.all(np.isfinite(grad))
        np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
        assert np.all(np.sort(P, axis=1)[:, -2] > 0.04)  # two non-negligible probabilities
        # the first row's target has probability 0 in floating point, its loss is 2000
        assert P[0] @ T[0] == 0 and -SPEC.log_softmax(Z)[0] @ T[0] == pytest.approx(2000, abs=1)
        with np.errstate(all="ignore"):
            naive = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
            naive_loss = -np.sum(T * np.log(P)) / Z.shape[0]
        assert not np.all(np.isfinite(naive)) and not np.isfinite(naive_loss)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_a_centered_difference_misses_the_gradient_precision(seed):
    """On the moderate hidden batches a centered difference is off by more than the
    tolerance for every step size, yet within 1e-4: it is named a numerical approximation."""
    plan, args = _plan_cases(seed)
    moderate = [args[f"gr{i}"] for i in range(5)]
    for h in (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8):
        off = 0
        for Z, T in moderate:
            ref = SPEC.ref_loss_and_grad(Z, T)[1]
            num = _centered(Z, T, h)
            off += not _within(num, ref, SPEC.G_RTOL, SPEC.G_ATOL)
        assert off >= 3, (seed, h, off)
        outputs = {f"gr{i}": _centered(Z, T, h) for i, (Z, T) in enumerate(moderate)}
        check = next(c for c in plan.checks if c.name == "cross_entropy_grad, moderate logits")
        v = check.judge(outputs)
        assert v.fraction == 0, (h, v)
        if 1e-7 <= h <= 1e-4:
            assert v.mistake == "numerical approximation", (h, v)


@pytest.mark.parametrize("seed", [0, 1])
def test_mistakes_are_distinguishable_and_named(seed):
    plan, args = _plan_cases(seed)
    checks = {c.name: c for c in plan.checks}
    sm_checks = [c for c in plan.checks if c.name.startswith("softmax")]
    for (Z,) in (args[f"sm{i}"] for i in range(7)):
        ref = SPEC.ref_softmax(Z)
        for text, v in SPEC.softmax_mistakes(Z).items():
            assert not _within(v, ref, SPEC.SM_RTOL, SPEC.SM_ATOL), text
    for i in range(7):
        Z, T = args[f"gr{i}"]
        loss, grad = SPEC.ref_loss_and_grad(Z, T)
        for text, v in SPEC.grad_mistakes(Z, T).items():
            assert not _within(v, grad, SPEC.G_RTOL, SPEC.G_ATOL), text
        for text, v in SPEC.loss_mistakes(Z, T).items():
            if "summed" in text and Z.shape[0] == 1:
                continue
            assert not _within(v, loss, SPEC.L_RTOL_LARGE, SPEC.L_ATOL), text
    # a softmax over the wrong axis is named, and costs every batch
    out = {f"sm{i}": SPEC.softmax_mistakes(args[f"sm{i}"][0])[SPEC.SM_MISTAKES["wrong axis"]]
           for i in range(7)}  # fmt: skip
    for c in sm_checks:
        v = c.judge(out)
        assert v.fraction == 0 and v.mistake == "wrong axis", v
    # a gradient without the mean is right only for the batch of one
    out = {f"gr{i}": SPEC.ref_softmax(args[f"gr{i}"][0]) - args[f"gr{i}"][1] for i in range(7)}
    v = checks["cross_entropy_grad, moderate logits"].judge(out)
    assert v.fraction == pytest.approx(1 / 5) and v.mistake == "not averaged"


def test_an_unstable_softmax_is_named_an_overflow():
    plan, args = _plan_cases(0)
    with np.errstate(all="ignore"):
        out = {f"sm{i}": np.exp(args[f"sm{i}"][0]) / np.exp(args[f"sm{i}"][0]).sum(1, keepdims=True)
               for i in range(7)}  # fmt: skip
    checks = {c.name: c for c in plan.checks}
    assert checks["softmax, moderate logits"].judge(out).fraction == 1
    v = checks["softmax, large logits"].judge(out)
    assert (
        v.fraction == 0 and v.mistake == "overflow" and "subtract each row's maximum" in v.message
    )


def test_a_clipped_log_is_named():
    plan, args = _plan_cases(0)
    out = {}
    for i in range(7):
        Z, T = args[f"ce{i}"]
        out[f"ce{i}"] = float(-np.sum(T * np.log(SPEC.ref_softmax(Z) + 1e-12)) / Z.shape[0])
    v = next(c for c in plan.checks if c.name == "cross_entropy, large logits").judge(out)
    assert v.fraction == 0 and v.mistake == "clipped log" and "log(p + 1e-12)" in v.message
