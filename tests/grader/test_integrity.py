"""Shortcuts, the sandbox's blocks, per-student numbers and the notebook's check() (issue 16)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograde import checking, integrity, publish, shortcuts, variants
from autograde._child import _transform
from autograde.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
F = [
    shortcuts.Forbid("torch", ("q2",), "autograd"),
    shortcuts.Forbid("mlp.MLP", ("q2",), "the library's backward"),
    shortcuts.Forbid("@complex", ("q1",), "complex step"),
    shortcuts.Forbid("@dynamic", ("q1",), "hidden code"),
]


@pytest.mark.parametrize(
    ("code", "found"),
    [
        ("import torch.nn as nn", {"q2"}),
        ("from torch import tensor", {"q2"}),
        ("import mlp as m\nm.MLP", {"q2"}),
        ("import mlp\nmlp.train.MLP", {"q2"}),
        ("from mlp import *\nnet = MLP", {"q2"}),
        ("from mlp import *\nsigmoid(0.0)", set()),
        ("__import__('torch')", {"q2"}),
        ("import mlp\ngetattr(mlp, 'M' + 'LP')", {"q1"}),
        ("f(x + 1e-20j)", {"q1"}),
        ("y.imag", {"q1"}),
        ("exec(code)", {"q1"}),
        ("import sys\nsys.meta_path.clear()", {"q1"}),
        ("%time import torch", {"q2"}),
        ("%%time\nimport torch", {"q2"}),
        ("note = 'import torch'  # torch", set()),
        ("MLP = 'my notes'", set()),
        ("import numpy as np\nnp.exp(1.0)", set()),
    ],
)
def test_scan_finds_each_shortcut_and_nothing_else(code, found):
    assert set(shortcuts.scan([_transform(code)], F)) == found


def test_a_cell_that_does_not_parse_hides_nothing():
    assert shortcuts.scan(["def broken(:", "x = 1"], F) == {}


BLOCK = """
import sys
sys.path.insert(0, {here!r})
import mlp
from _blocker import block
block(["torch", "mlp.MLP", "mlp.graph"])
out = []
for stmt in ("import torch", "import torch.nn", "from mlp import MLP", "import mlp.graph",
             "from mlp.graph import Graph", "from mlp import sigmoid"):
    try:
        exec(stmt, {{}})
        out.append("ok")
    except ImportError:
        out.append("refused")
print(" ".join(out), hasattr(mlp, "MLP"))
"""


def test_the_sandbox_takes_forbidden_modules_and_attributes_away():
    here = str(ROOT / "src" / "autograde")
    p = subprocess.run([sys.executable, "-c", BLOCK.format(here=here)], capture_output=True,
                       text=True, check=True)  # fmt: skip
    assert p.stdout.split() == ["refused"] * 5 + ["ok", "False"]


def test_variants_are_per_student_and_normalized():
    a = variants.student_rng("06", " Ada ").normal(size=3)
    b = variants.student_rng("06", "ada").normal(size=3)
    c = variants.student_rng("06", "bob").normal(size=3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert not np.array_equal(a, variants.student_rng("08", "ada").normal(size=3))


class _Spec:
    VARIANTS = True


def test_whose_numbers_and_the_mismatch_flag():
    out = {variants.ID_REQUEST: "Bob"}
    assert integrity.grading_id(_Spec, "roster", "alice", out) == "alice"
    assert integrity.grading_id(_Spec, "notebook", "alice", out) == "Bob"
    assert integrity.grading_id(_Spec, "off", "alice", out) == ""
    assert "submitted as 'alice'" in integrity.id_note(_Spec, "roster", "alice", out)
    assert integrity.id_note(_Spec, "roster", "bob", out) is None
    assert integrity.id_note(_Spec, "notebook", "alice", out) is None
    assert "no STUDENT_ID" in integrity.id_note(_Spec, "roster", "alice", {})


def _ex04_namespace(edit=lambda s: s):
    nb = json.loads((ROOT / "exercises/04-backprop-mlp/solution.ipynb").read_text())
    src = "\n".join("".join(c["source"]) for c in nb["cells"]
                    if c.get("id", "").endswith("-solution"))  # fmt: skip
    ns: dict = {}
    exec("import numpy as np\nfrom mlp import sigmoid, sigmoid_prime\n" + edit(src), ns)  # noqa: S102
    return ns


def test_check_passes_the_solution_and_names_a_mistake():
    data = checking.load("04-backprop-mlp")
    ok = checking.report(data, "q2", _ex04_namespace())
    assert "4 of 4 public checks pass" in ok
    no_sigma = checking.report(
        data, "q2", _ex04_namespace(lambda s: s.replace("H_bar * sigmoid_prime(Z)", "H_bar"))
    )
    assert "W1_bar: right on 0 of 3" in no_sigma and "missing sigma'(z)" in no_sigma
    assert "W2_bar: right on 3 of 3" in no_sigma


def test_check_warns_about_a_shortcut_in_the_kernel_history():
    ns = _ex04_namespace()
    ns["In"] = ["", "import torch"]
    text = checking.report(checking.load("04-backprop-mlp"), "q2", ns)
    assert "shortcut: your notebook uses `torch`" in text


def test_check_never_quotes_reference_values():
    data = checking.load("04-backprop-mlp")
    ns = _ex04_namespace(lambda s: s.replace("/ X.shape[0]", "/ 7.0"))
    text = checking.report(data, "q2", ns)
    plan = load_spec(ROOT / "exercises/04-backprop-mlp/spec.py").public(
        np.random.default_rng(publish.public_seed("04-backprop-mlp"))
    )
    for check in plan.checks:
        for case in check.data["cases"]:
            for v in np.ravel(case.ref)[:3]:
                assert f"{v:.4f}" not in text


def test_check_does_nothing_while_grading(monkeypatch, capsys):
    monkeypatch.setenv("AUTOGRADE_GRADING", "1")
    checking.checker("04-backprop-mlp")("q2")
    assert capsys.readouterr().out == ""


def test_public_checks_are_not_the_hidden_ones():
    spec = load_spec(ROOT / "exercises/04-backprop-mlp/spec.py")
    from autograde.grade import default_seed

    assert publish.public_seed(spec.EXERCISE) != default_seed(spec.EXERCISE)
    hidden = spec.build(np.random.default_rng(default_seed(spec.EXERCISE)))
    public = publish.public_data(spec)
    hidden_x = {r.args[0].tobytes() for r in hidden.requests if r.args}
    for r in public["requests"]:
        x = np.array(r["args"][0]["d"], dtype=float)
        assert x.tobytes() not in hidden_x
