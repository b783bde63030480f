"""The grading specs: references agree with mlp and with numerical derivatives, mistakes
are recognisable, and every spec is complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograde.spec import Plan, load_spec

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "exercises").glob("*/spec.py"))


def spec(name):
    return load_spec(next(p for p in SPECS if p.parent.name.startswith(name)))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.parent.name)
def test_spec_is_complete(path):
    s = load_spec(path)
    assert s.EXERCISE == path.parent.name
    for seed in (0, 1):
        plan = s.build(np.random.default_rng(seed))
        assert isinstance(plan, Plan)
        keys = [r.key for r in plan.requests]
        assert len(keys) == len(set(keys))
        assert {r.name for r in plan.requests} <= set(s.GRADED_NAMES)
        assert {c.question for c in plan.checks} == set(s.QUESTIONS)
        assert all(c.points > 0 and c.description for c in plan.checks)
        for r in plan.requests:
            r.to_json()  # hidden inputs are plain data


def test_hidden_inputs_depend_on_the_seed():
    s = spec("04")
    a = s.build(np.random.default_rng(1)).requests[0].args[0]
    b = s.build(np.random.default_rng(2)).requests[0].args[0]
    assert a.shape != b.shape or not np.allclose(a, b)


def _numerical(f, params, eps=1e-6):
    out = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = f()
            p[idx] = old - eps
            down = f()
            p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        out.append(g)
    return out


@pytest.mark.parametrize("shape", [(5, 4, 3, 2), (1, 3, 2, 1), (3, 3, 3, 3)])
def test_backprop_reference_matches_mlp_and_numerical(shape):
    s = spec("04")
    B, N, H, K = shape
    rng = np.random.default_rng(0)
    X, T = rng.normal(size=(B, N)), rng.normal(size=(B, K))
    W1, b1, W2, b2 = (rng.normal(size=sh) for sh in [(H, N), (H,), (K, H), (K,)])
    ref = s.ref_backward(X, T, W1, b1, W2, b2)
    mine = s.variant_backward(X, T, W1, b1, W2, b2, None)
    num = _numerical(
        lambda: 0.5 * np.sum((s.ref_forward(X, W1, b1, W2, b2)[2] - T) ** 2) / B, [W1, b1, W2, b2]
    )
    for r, m, n in zip(ref, mine, num, strict=True):
        np.testing.assert_allclose(r, m, rtol=1e-12, atol=1e-14)
        assert np.linalg.norm(r - n) <= 1e-7 * max(1.0, np.linalg.norm(r))
    if B > 1:
        for key in s.MISTAKES:
            var = s.variant_backward(X, T, W1, b1, W2, b2, key)
            if var is not None:
                assert any(not np.allclose(v, r) for v, r in zip(var, ref, strict=True)), key


def test_chain_rule_reference_matches_numerical():
    s = spec("03")
    for t in (-1.3, 0.2, 1.7):
        h = 1e-6
        num = (s.f_value(t + h) - s.f_value(t - h)) / (2 * h)
        assert abs(s.f_bars(t)["t_bar"] - num) < 1e-6
    w, b, x, tt = 0.4, -0.2, 1.5, 1.0
    num_w = (s.ls_loss(w + h, b, x, tt) - s.ls_loss(w - h, b, x, tt)) / (2 * h)
    assert abs(s.ls_grads(w, b, x, tt)[0] - num_w) < 1e-8


def test_describe_lists_names_points_and_checks():
    p = subprocess.run(
        [sys.executable, "-m", "autograde", "describe", "04"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "graded names: forward, squared_error, backward" in p.stdout
    assert "W1_bar" in p.stdout and "(5 points)" in p.stdout
