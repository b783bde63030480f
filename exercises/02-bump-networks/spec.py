"""Grading spec: exercise 2, the indicator of an interval with hard-threshold and ReLU units.

Each student's interval [a, c] comes from their student id (:mod:`autograde.variants.ex02`;
the common one, with ids off, is the lecture's [1, 2]); below, 1 and 2 stand for a and c.

Graded names: ``step_params``, ``step_activations``, ``relu_params``, ``relu_activations``,
``relu_bump(a, c, delta)``.  Networks are sent back as weights only; the grader evaluates
them itself with :class:`mlp.MLP` (1 input, 1 output, at most 6 layers).

Hidden checks (inputs from the grader's per-run seed):

* exact: hidden layers ``step``, output ``step`` or ``identity``; on 2,000 random points of
  [a - 3, c + 4] at least 1e-6 away from a and c, the output must equal the indicator (|err| <=
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

from autograde import variants
from autograde.cases import Case, case_check
from autograde.nets import BadNetwork, forward, hidden_units, parse_activations, parse_params
from autograde.shortcuts import Forbid
from autograde.spec import Check, Plan, Request, Verdict, failure_text

EXERCISE = "02-bump-networks"
TITLE = "Exercise 2: the indicator of an interval as a network"
NOTEBOOK = "student.ipynb"
QUESTIONS = {
    "q1": "exactly, with hard-threshold units",
    "q2": "approximately, with ReLU units",
    "q3": "any interval: relu_bump(a, c, delta)",
}
GRADED_NAMES = ["step_params", "step_activations", "relu_params", "relu_activations", "relu_bump"]

EDGE = 0.05
TOL = 0.01
VARIANTS = True  # the interval [a, c] is the student's own
DIFFICULTY, MINUTES = "easy", 35
CHAPTER = "lecture2/06-universality.ipynb"
TEACHES = "reading a network as a sum of unit responses: the exact and approximate bump"
ALLOWS = "numpy and mlp.MLP to test; not mlp's universality or bump builders"
_OWN = "the construction asked for by hand must be yours"
FORBID = [
    *(
        Forbid(m, ("q1", "q2", "q3"), f"{m} builds bumps for you: {_OWN}")
        for m in ("mlp.universality", "mlp.bump_networks", "mlp.towers")
    ),  # fmt: skip
    Forbid("mlp.sgd", ("q1", "q2", "q3"), f"training finds weights for you: {_OWN}"),
    Forbid("mlp.train", ("q1", "q2", "q3"), f"training finds weights for you: {_OWN}"),
    Forbid("@dynamic", ("q1", "q2", "q3"), "dynamic imports and exec could hide a shortcut"),
]


def interval(out) -> tuple[float, float]:
    """The interval of the student being judged."""
    nums = variants.numbers(EXERCISE, out.get(variants.STUDENT, ""))
    return nums["a"], nums["c"]


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
    u_exact = rng.uniform(0, 1, size=2000)  # placed on each student's interval
    u_approx = np.concatenate([np.linspace(0, 1, 9001), rng.uniform(0, 1, size=2000)])

    def points(u, a, c):
        x = a - 3 + u * (c - a + 7)
        return x[(np.abs(x - a) > 1e-6) & (np.abs(x - c) > 1e-6)]

    def judge_exact(out):
        a, c = interval(out)
        x_exact = points(u_exact, a, c)
        try:
            params, acts = _network(
                out, "step_params", "step_activations", {"step"}, {"step", "identity"}
            )
            y = forward(params, acts, x_exact[:, None])[:, 0]
        except BadNetwork as e:
            return Verdict(0, str(e))
        ok = np.abs(y - indicator(x_exact, a, c)) <= 1e-9
        if ok.all():
            return Verdict(1, f"exact on all {ok.size} hidden points.")
        wrong = x_exact[~ok]
        where = []
        if np.any(wrong < a):
            where.append(f"left of {a:g}")
        if np.any((wrong > a) & (wrong < c)):
            where.append(f"inside ({a:g}, {c:g})")
        if np.any(wrong > c):
            where.append(f"right of {c:g}")
        return Verdict(
            ok.mean(),
            f"right on {ok.mean():.1%} of the hidden points; wrong {', '.join(where)}.",
        )

    memo: dict[int, tuple] = {}  # judge_approx and judge_units evaluate one network once

    def approx_error(out):
        a, c = interval(out)
        key = (id(out["relu_params"]), a, c)
        entry = memo.get(key)
        if entry is None:
            try:
                params, acts = _network(
                    out, "relu_params", "relu_activations", {"relu"}, {"identity"}
                )
                x_approx = a - 3 + u_approx * (c - a + 7)
                entry = (out["relu_params"], params, sup_error(params, acts, x_approx, a, c, EDGE))
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


def public(rng: np.random.Generator) -> Plan:
    """``check()``'s checks: the student's networks on their own interval (any id: the
    expressions use the student's numbers a and c), and relu_bump on three public intervals."""
    reqs = [Request(n, n, "value") for n in GRADED_NAMES[:4]]
    q1 = [Case("step_params", "your hard-threshold network, off the edges",
               value="net(step_params, step_activations, off_edges(a, c, 1e-6))",
               expr="indicator(off_edges(a, c, 1e-6), a, c)")]  # fmt: skip
    q2 = [Case("relu_params", f"your ReLU network, {EDGE} away from the edges",
               value=f"net(relu_params, relu_activations, off_edges(a, c, {EDGE}))",
               expr=f"indicator(off_edges(a, c, {EDGE}), a, c)")]  # fmt: skip
    q3 = []
    for i in range(3):
        a = float(np.round(rng.uniform(-4, 4), 2))
        c, d = (
            float(np.round(a + rng.uniform(0.5, 3), 2)),
            float(np.round(rng.uniform(0.05, 0.2), 2)),
        )
        reqs.append(Request(f"bump{i}", "relu_bump", "call", (a, c, d)))
        q3.append(Case(f"bump{i}", f"relu_bump({a:g}, {c:g}, {d:g})",
                       value=f"net(bump{i}, ['relu', 'identity'], off_edges({a}, {c}, {d}))",
                       expr=f"indicator(off_edges({a}, {c}, {d}), {a}, {c})"))  # fmt: skip
    names = {f"bump{i}": "relu_bump" for i in range(3)}
    return Plan(reqs, [
        case_check("exact indicator", "q1", 3, "your interval", q1, rtol=0, atol=1e-9),
        case_check("sup error", "q2", 2, "your interval", q2, rtol=0, atol=TOL),
        case_check("intervals", "q3", 3, "3 public intervals", q3, rtol=0, atol=TOL, names=names),
    ])  # fmt: skip
