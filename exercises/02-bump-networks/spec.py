"""Grading spec: exercise 2, the indicator of [1, 2] with hard-threshold and ReLU units.

Graded names: ``step_params``, ``step_activations``, ``relu_params``, ``relu_activations``,
``relu_bump(a, c, delta)``.  Networks are sent back as weights only; the grader evaluates
them itself with :class:`mlp.MLP` (1 input, 1 output, at most 6 layers).

Hidden checks (inputs from the grader's per-run seed):

* exact: hidden layers ``step``, output ``step`` or ``identity``; on 2,000 random points of
  [-3, 6] at least 1e-6 away from 1 and 2, the output must equal the indicator (|err| <=
  1e-9).  Credit = fraction of points right.
* approx: hidden ``relu``, output ``identity``; sup error on a 9,001-point grid of [-3, 6]
  plus 2,000 random points, excluding |x - 1| <= 0.05 and |x - 2| <= 0.05.  Full credit at
  sup error <= 0.01, none at >= 0.5, linear in between.
* units: only if the sup error is <= 0.01: full credit for <= 4 hidden units, half for <= 8.
* relu_bump: 4 random intervals [a, c] (a in [-5, 5], width in [0.5, 4]) and edge widths
  delta in [0.02, 0.2]; each network must be within 0.01 of the indicator away from the edges.
"""

from __future__ import annotations

import numpy as np

from autograde.nets import BadNetwork, forward, hidden_units, parse_activations, parse_params
from autograde.spec import Check, Plan, Request, Verdict, failure_text

EXERCISE = "02-bump-networks"
TITLE = "Exercise 2: the indicator of [1, 2] as a network"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "exactly, with hard-threshold units",
    "q2": "approximately, with ReLU units",
    "q3": "any interval: relu_bump(a, c, delta)",
}
GRADED_NAMES = ["step_params", "step_activations", "relu_params", "relu_activations", "relu_bump"]

EDGE = 0.05
TOL = 0.01


def indicator(x, a=1.0, c=2.0):
    return ((x >= a) & (x <= c)).astype(float)


def sup_error(params, acts, x, a, c, delta):
    keep = (np.abs(x - a) > delta) & (np.abs(x - c) > delta)
    y = forward(params, acts, x[keep, None])[:, 0]
    return float(np.max(np.abs(y - indicator(x[keep], a, c))))


def _network(out, pname, aname, hidden, output):
    params = parse_params(pname, out[pname], 1, 1)
    acts = parse_activations(aname, out[aname], len(params), hidden, output)
    return params, acts


def build(rng: np.random.Generator) -> Plan:
    reqs = [
        Request("step_params", "step_params", "value"),
        Request("step_activations", "step_activations", "value"),
        Request("relu_params", "relu_params", "value"),
        Request("relu_activations", "relu_activations", "value"),
    ]
    x_exact = rng.uniform(-3, 6, size=2000)
    x_exact = x_exact[(np.abs(x_exact - 1) > 1e-6) & (np.abs(x_exact - 2) > 1e-6)]
    x_approx = np.concatenate([np.linspace(-3, 6, 9001), rng.uniform(-3, 6, size=2000)])

    def judge_exact(out):
        try:
            params, acts = _network(
                out, "step_params", "step_activations", {"step"}, {"step", "identity"}
            )
            y = forward(params, acts, x_exact[:, None])[:, 0]
        except BadNetwork as e:
            return Verdict(0, str(e))
        ok = np.abs(y - indicator(x_exact)) <= 1e-9
        if ok.all():
            return Verdict(1, f"exact on all {ok.size} hidden points.")
        wrong = x_exact[~ok]
        where = []
        if np.any(wrong < 1):
            where.append("left of 1")
        if np.any((wrong > 1) & (wrong < 2)):
            where.append("inside (1, 2)")
        if np.any(wrong > 2):
            where.append("right of 2")
        return Verdict(
            ok.mean(),
            f"right on {ok.mean():.1%} of the hidden points; wrong {', '.join(where)}.",
        )

    memo: dict[int, tuple] = {}  # judge_approx and judge_units evaluate one network once

    def approx_error(out):
        key = id(out["relu_params"])
        entry = memo.get(key)
        if entry is None:
            try:
                params, acts = _network(
                    out, "relu_params", "relu_activations", {"relu"}, {"identity"}
                )
                entry = (out["relu_params"], params, sup_error(params, acts, x_approx, 1, 2, EDGE))
            except BadNetwork as e:
                entry = (out["relu_params"], e, None)
            if len(memo) > 4:  # the plan serves the whole class: keep only the latest few
                memo.clear()
            memo[key] = entry
        _, params, err = entry
        if isinstance(params, BadNetwork):
            raise params
        return params, err

    def judge_approx(out):
        try:
            _, err = approx_error(out)
        except BadNetwork as e:
            return Verdict(0, str(e))
        frac = float(np.clip((0.5 - err) / (0.5 - TOL), 0, 1))
        if err <= TOL:
            return Verdict(1, f"sup error away from the edges {err:.2e} <= {TOL}.")
        return Verdict(frac, f"sup error away from the edges is {err:.3f}; needs <= {TOL}.")

    def judge_units(out):
        try:
            params, err = approx_error(out)
        except BadNetwork as e:
            return Verdict(0, str(e))
        n = hidden_units(params)
        if err > TOL:
            return Verdict(0, "units count only once the approximation is within 0.01.")
        if n <= 4:
            return Verdict(1, f"{n} hidden units: as compact as it gets.")
        if n <= 8:
            return Verdict(0.5, f"{n} hidden units; 4 are enough (think: two ramps).")
        return Verdict(0, f"{n} hidden units; 4 are enough (think: two ramps).")

    cases = []
    for i in range(4):
        a = float(rng.uniform(-5, 5))
        c = a + float(rng.uniform(0.5, 4))
        delta = float(rng.uniform(0.02, 0.2))
        reqs.append(Request(f"bump{i}", "relu_bump", "call", (a, c, delta)))
        grid = np.concatenate([np.linspace(a - 3, c + 3, 6001), rng.uniform(a - 3, c + 3, 1000)])
        cases.append((f"bump{i}", a, c, delta, grid))

    def judge_bump(out):
        msgs = []
        for key, a, c, delta, grid in cases:
            fail = failure_text("relu_bump(a, c, delta)", out[key])
            if fail:
                msgs.append(fail)
                continue
            try:
                params = parse_params("relu_bump(a, c, delta)", out[key], 1, 1)
                acts = ["relu"] * (len(params) - 1) + ["identity"]
                err = sup_error(params, acts, grid, a, c, delta)
            except BadNetwork as e:
                msgs.append(str(e))
                continue
            msgs.append(None if err <= TOL else f"sup error {err:.3f} away from the edges.")
        n_ok = sum(m is None for m in msgs)
        bad = next((f"case {i + 1}: {m}" for i, m in enumerate(msgs) if m), "")
        return Verdict(n_ok / len(msgs), f"{n_ok} of {len(msgs)} hidden intervals right. {bad}")

    checks = [
        Check("exact indicator", "q1", 3, "step units; 2,000 random points, exact", judge_exact),
        Check("sup error", "q2", 2, f"relu units; sup error <= {TOL} off the edges", judge_approx),
        Check("number of units", "q2", 1, "<= 4 hidden units (half credit <= 8)", judge_units),
        Check("random intervals", "q3", 3, "4 random (a, c, delta); sup error <= 0.01", judge_bump),
    ]
    return Plan(reqs, checks)
