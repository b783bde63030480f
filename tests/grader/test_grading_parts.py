"""The grader's parts, without a sandbox: parsing, safe text, Jupyter syntax, notebook choice,
bounded judging and the regrade of runs a busy machine cut short."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from autograde import grade, nets, reports
from autograde.discover import choose_notebook, code_sources
from autograde.sandbox import Limits, RunResult
from autograde.spec import Verdict, as_array, compare
from autograde.wire import Failure, parse_results

CHILD = Path(grade.__file__).with_name("_child.py")


def _child():
    spec = importlib.util.spec_from_file_location("autograde_child_for_tests", CHILD)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_parser_judges_huge_and_odd_numbers_instead_of_raising():
    lines = [
        '{"event": "result", "key": "a", "value": 1e999}',
        '{"event": "result", "key": "b", "value": ' + "9" * 400 + "}",
        '{"event": "result", "key": "c", "value": NaN}',
        '{"event": "result", "key": "d", "value": {"__nd__": [2], "d": [1, -' + "9" * 400 + "]}}",
        '{"event": "cell_start", "i": 1e999, "head": "x"}',
        '{"event": "cell_end", "i": ' + "9" * 400 + ', "error": null}',
        '{"event": "done"}',
    ]
    rep = parse_results("\n".join(lines), {"a", "b", "c", "d"})
    assert rep.results["a"] == np.inf and rep.results["b"] == np.inf
    assert np.isnan(rep.results["c"]) and rep.results["d"][1] == -np.inf
    assert rep.bad_lines == 1 and rep.done  # the absurd cell number is only a bad line
    assert "NaN or infinity" in compare("a", rep.results["a"], np.array(1.0))


def test_strings_are_never_numbers():
    assert as_array(["1", "2"]) is None and as_array([["1.0"], [2.0]]) is None
    assert as_array([1.0, True]).tolist() == [1.0, 1.0]
    assert "not strings" in compare("w", ["1", "2"], np.ones(2))


def test_text_is_made_safe_before_it_is_written():
    assert reports.clean("\udc80 boom") == "\\x80 boom"
    assert reports.clean("caf\udce9") == "caf\\xe9" and reports.clean("\ud800") == "\\ud800"
    for bad in ("=2+3", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert reports.csv_cell(bad) == "'" + bad
    assert reports.csv_cell("alice") == "alice"
    import mlp

    text = reports.scrub(f"{Path(mlp.__file__).resolve()} {np.__file__} /tmp/autograde-x/y")
    assert "<mlp>" in text and "<python>" in text and "/tmp" not in text
    assert reports.scrub("/srv/class/alice.ipynb", ("/srv/class",)) == "<submissions>/alice.ipynb"


@pytest.mark.parametrize("which", ["ipython", "fallback"])
def test_cells_run_with_jupyter_semantics(which):
    child = _child()
    transform = child._transform if which == "ipython" else child._fallback_transform
    ns = {"get_ipython": lambda: shell}
    shell = child._Shell(ns)
    cells = [
        "%%time\nx = 1 + (2\n      != 3)\n",  # the body of a cell magic runs
        "x?\n??x\n",  # help is a no-op
        "!ls /\n%matplotlib inline\ny = x + 1",  # shell escapes and line magics do nothing
        "%time z = y * 2",  # a timed statement still runs
        "def f(a):\n    return (\n        a\n        != 2\n    )\n",  # valid: never rewritten
        "%%capture\nw = 5",
        "%%bash\nrm -rf /",  # a cell magic of another language: nothing runs
    ]
    for src in cells:
        exec(compile(transform(src), "<cell>", "exec"), ns)  # noqa: S102
    assert (ns["x"], ns["y"], ns["z"], ns["w"], ns["f"](2), ns["f"](3)) == (2, 3, 6, 5, False, True)
    valid = "a = [1,\n     2]\nb = (a\n     != [1])\nc = '!ls %time'  # x?\n"
    assert transform(valid) == valid


def test_cell_time_is_charged_by_cpu_not_wall_clock():
    src = CHILD.read_text()
    assert "ITIMER_PROF" in src and "ITIMER_REAL" not in src and "SIGALRM" not in src


def _nb(path: Path, codes: list[str]) -> Path:
    cells = [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in codes]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}))
    return path


def test_notebook_choice_rule(tmp_path):
    released = ["x = 1", "raise NotImplementedError()"]
    d = tmp_path / "a"
    d.mkdir()
    _nb(d / "Untitled.ipynb", [])
    _nb(d / "student.ipynb", ["x = 1", "y = 2"])
    assert choose_notebook(d, "student.ipynb", released)[0].name == "student.ipynb"
    (d / "student.ipynb").rename(d / "mine.ipynb")
    _nb(d / "copy.ipynb", released)
    nb, why = choose_notebook(d, "student.ipynb", released)
    assert nb is None and "3 notebooks" in why  # Untitled and mine are both changed
    (d / "Untitled.ipynb").unlink()
    nb, why = choose_notebook(d, "student.ipynb", released)
    assert nb.name == "mine.ipynb" and "only notebook that differs" in why
    (d / "link.ipynb").symlink_to(d / "copy.ipynb")
    assert choose_notebook(d, "link.ipynb", released)[0].name == "mine.ipynb"  # never a link
    assert code_sources(d / "copy.ipynb") == released


def test_verdict_mistake_is_optional():
    assert Verdict(1, "ok").mistake is None
    assert Verdict(0, "x", mistake="sign").mistake == "sign"


def test_networks_are_judged_in_bounded_chunks(monkeypatch):
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(300, 2)), rng.normal(size=300)), (rng.normal(size=(1, 300)),
              rng.normal(size=1))]  # fmt: skip
    X = rng.normal(size=(1000, 2))
    whole = nets.forward(params, ["relu", "identity"], X)
    monkeypatch.setattr(nets, "CHUNK_ELEMENTS", 300 * 7)  # 7 rows at a time
    assert np.allclose(nets.forward(params, ["relu", "identity"], X), whole, rtol=1e-12)
    monkeypatch.setattr(nets, "MAX_WORK", 1000)
    with pytest.raises(nets.BadNetwork, match="too large to judge"):
        nets.forward(params, ["relu", "identity"], X)


class _Run(RunResult):
    pass


def _fake_runs(monkeypatch, causes):
    calls = []

    def fake(path, requests_file, limits, mode, skip_cells=()):
        cause = causes[min(len(calls), len(causes) - 1)]
        calls.append(skip_cells)
        lines = ['{"event": "cell_start", "i": 1, "head": "import numpy as np"}']
        if cause is None:
            lines += ['{"event": "cell_end", "i": 1, "error": null}', '{"event": "done"}']
        run = _Run("\n".join(lines), "", "", -9 if cause else 0, cause is not None, 1.0, mode)
        run.timeout_cause, run.cpu_seconds = cause, 0.1
        return run

    monkeypatch.setattr(grade, "run_submission", fake)
    return calls


@pytest.mark.parametrize("causes", [["machine", "machine"], ["machine", None]])
def test_a_busy_machine_is_never_blamed_on_the_student(tmp_path, monkeypatch, causes):
    calls = _fake_runs(monkeypatch, causes)
    subs = tmp_path / "subs"
    subs.mkdir()
    _nb(subs / "alice.ipynb", ["import numpy as np"])
    out = tmp_path / "out"
    (g,) = grade.grade_folder("05", subs, out, jobs=2, seed=0, sandbox="none", quiet=True,
                              limits=Limits(wall_seconds=5))  # fmt: skip
    assert len(calls) == 2 and calls == [(), ()]  # regraded alone, never without a cell
    text = (out / "feedback" / "alice.md").read_text()
    assert "did not finish" not in text
    if causes[1] == "machine":
        assert g.status == grade.MACHINE_TIMEOUT and "NOT the student's fault" in text
        assert "regrade it later" in text
    else:
        assert g.status == "ok" and "Regraded alone" in text
    record = json.loads((out / "results.jsonl").read_text())
    assert record["status"] == g.status


def test_one_failing_write_loses_no_other_submission(tmp_path, monkeypatch):
    _fake_runs(monkeypatch, [None])
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("alice", "bob", "carol"):
        _nb(subs / f"{name}.ipynb", ["import numpy as np"])
    real = reports.feedback_markdown

    def explode(spec, g):
        if g.student == "bob" and g.status != "grader error":
            raise OSError("disk says no")
        return real(spec, g)

    monkeypatch.setattr(reports, "feedback_markdown", explode)
    res = grade.grade_folder("05", subs, tmp_path / "out", seed=0, sandbox="none", quiet=True)
    assert {g.student: g.status for g in res} == {
        "alice": "ok",
        "bob": "grader error",
        "carol": "ok",
    }
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert len(rows) == 4 and "disk says no" in (tmp_path / "out/feedback/bob.md").read_text()
    assert Failure("absent", "x").kind == "absent"
