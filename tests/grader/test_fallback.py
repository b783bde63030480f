"""The sandbox without bubblewrap (as inside Docker): the ``fallback`` mode, and ``auto``
never falling back to ``none``.

Bubblewrap is made unavailable by monkeypatching :func:`autograde.sandbox.bwrap_works`.  A
class of honest submissions, odd notebooks and attackers of exercise 4 is graded in
fallback mode against a private copy of the exercises: the attackers read nothing of the
solutions, the specs, the other submissions or the output, open no socket, and leave no
process or file behind; the honest ones get the same scores as under bubblewrap.  No test
asserts a duration.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograde import sandbox, zygote
from autograde.grade import grade_folder
from autograde.limits import Limits, stray_processes
from autograde.sandbox import SandboxUnavailable, bwrap_works, resolve_mode
from autograde.spec import load_spec
from tests.grader.corpus import E4, EXERCISES, FULL, entries, prepend

ROOT_USER = os.geteuid() == 0
needs_fallback = pytest.mark.skipif(
    not ROOT_USER or sandbox.fallback_unavailable() is not None,
    reason=f"fallback mode unavailable: {sandbox.fallback_unavailable()}",
)
HONEST = ("solution", "student-untouched", "sign-error", "w1-transposed", "no-batch-mean",
          "not-json", "magics", "giant-output-solution", "attack-sys-exit")  # fmt: skip

ATTACK = r"""
import os, socket
import colorsys, wave  # stdlib modules no worker preloads: importable (under a closed /root)
print("import-ok", colorsys.__name__, wave.__name__)
def probe(path):
    try:
        with open(path, "rb") as f:
            return "READ " + repr(f.read(60))
    except OSError as e:
        return "DENIED " + type(e).__name__
for label, path in {targets!r}.items():
    print("probe", label, probe(path))
for label, path in {folders!r}.items():
    try:
        print("probe", label, "LISTED", os.listdir(path)[:3])
    except OSError as e:
        print("probe", label, "DENIED", type(e).__name__)
for fam, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_DGRAM),
                  (socket.AF_UNIX, socket.SOCK_STREAM), (socket.AF_NETLINK, socket.SOCK_RAW)):
    try:
        s = socket.socket(fam, kind)
        print("probe socket", int(fam), "OPEN")
        s.connect(("127.0.0.1", 22))
    except OSError as e:
        print("probe socket", int(fam), "DENIED", type(e).__name__)
with open("/tmp/left-behind", "w") as f:
    f.write("x")
"""
FORK_BOMB = (
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
)
SLEEPER = "import time\ntime.sleep(600)"


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)


@needs_fallback
def test_auto_without_bwrap_picks_fallback_never_none(no_bwrap):
    assert resolve_mode("auto")[0] == "fallback"
    assert resolve_mode("fallback") == ("fallback", None)
    with pytest.raises(SandboxUnavailable, match="bwrap"):
        resolve_mode("bwrap")


def test_auto_refuses_when_no_sandbox_is_safe(no_bwrap, monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "fallback_unavailable", lambda: "the grader is not root")
    for mode in ("auto", "fallback"):
        with pytest.raises(SandboxUnavailable, match="--sandbox none"):
            resolve_mode(mode)
    assert resolve_mode("none")[0] == "none"  # only by its name
    subs = tmp_path / "subs"
    subs.mkdir()
    with pytest.raises(SandboxUnavailable):
        grade_folder("04", subs, tmp_path / "out", quiet=True)
    assert not (tmp_path / "out" / "grades.csv").exists()


@needs_fallback
def test_fallback_refuses_grader_files_readable_by_others(no_bwrap, tmp_path):
    """The repository's exercises are world-readable (mode 0644 under 0755 folders): a
    submission running as another uid could read the solutions, so grading is refused."""
    open_dir = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        shutil.copytree(EXERCISES / E4, open_dir / "exercises" / E4)
        os.chmod(open_dir, 0o755)
        spec = load_spec(open_dir / "exercises" / E4 / "spec.py")
        subs = tmp_path / "subs"
        subs.mkdir()
        with pytest.raises(SandboxUnavailable, match="chmod -R go-rwx") as e:
            grade_folder(E4, subs, tmp_path / "out", spec=spec, quiet=True)
        assert "spec.py" in str(e.value) or "solution.ipynb" in str(e.value)
        os.chmod(open_dir / "exercises", 0o700)  # closed: now it grades
        assert grade_folder(E4, subs, tmp_path / "out", spec=spec, quiet=True) == []
    finally:
        shutil.rmtree(open_dir)


def _class(tmp_path: Path) -> tuple[Path, Path, dict[str, Path]]:
    """A private copy of the exercises, and the class: honest, odd and attacking notebooks."""
    private = tmp_path / "private"
    shutil.copytree(EXERCISES / E4, private / "exercises" / E4)
    subs = tmp_path / "subs"
    subs.mkdir()
    by_name = {e.name: e for e in entries() if e.exercise == E4}
    for name in HONEST:
        data = by_name[name].build()
        (subs / f"{name}.ipynb").write_bytes(data if isinstance(data, bytes) else data.encode())
    ex = private / "exercises" / E4
    targets = {"spec": ex / "spec.py", "solution": ex / "solution.ipynb",
               "other-submission": subs / "solution.ipynb",
               "output": tmp_path / "out" / "grades.csv",
               "shadow": Path("/etc/shadow")}  # fmt: skip
    folders = {"subs-folder": subs, "exercises-folder": ex, "out-folder": tmp_path / "out"}
    attack = ATTACK.format(targets={k: str(v) for k, v in targets.items()},
                           folders={k: str(v) for k, v in folders.items()})  # fmt: skip
    for name, code in {"attack-probe": attack, "fork-bomb": FORK_BOMB,
                       "sleeping-cell": SLEEPER}.items():  # fmt: skip
        (subs / f"{name}.ipynb").write_text(prepend(E4, "student", code)())
    return ex, subs, targets


def _grade(ex: Path, subs: Path, out: Path, mode: str) -> dict[str, dict]:
    spec = load_spec(ex / "spec.py")
    limits = Limits(wall_seconds=8, cpu_seconds=6, cell_seconds=5, call_seconds=5)
    grade_folder(E4, subs, out, jobs=2, seed=3, sandbox=mode, limits=limits, quiet=True,
                 spec=spec)  # fmt: skip
    return {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}


@needs_fallback
def test_a_class_without_bwrap(monkeypatch, tmp_path):
    ex, subs, targets = _class(tmp_path)
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)
    rows = _grade(ex, subs, tmp_path / "out", "auto")
    monkeypatch.undo()
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["sandbox"] == "fallback" and {r["sandbox"] for r in rows.values()} == {"fallback"}
    log = (tmp_path / "out" / "logs" / "attack-probe.stdout.txt").read_text()
    probes = [line.split(" ", 2)[1:] for line in log.splitlines() if line.startswith("probe ")]
    assert len(probes) == len(targets) + 3 + 4, log
    assert "import-ok colorsys wave" in log
    for what, result in probes:
        assert "DENIED" in result.split()[:2] and "READ" not in result, (what, result)
    for name, row in rows.items():
        if name in ("attack-probe", "fork-bomb", "sleeping-cell"):
            assert float(row["total"]) == 0, name
        elif name in ("solution", "giant-output-solution", "magics"):
            assert float(row["total"]) == FULL[E4], name
    # a cell that sleeps is the notebook's timeout (not the busy machine's, which would not
    # be retried): the notebook is run again without it
    assert rows["sleeping-cell"]["status"] == "ok"
    feedback = (tmp_path / "out" / "feedback" / "sleeping-cell.md").read_text()
    assert "did not finish in time" in feedback and "without that cell" in feedback
    assert not stray_processes()
    left = [p for d in ("/tmp", "/dev/shm") for p in Path(d).iterdir()
            if p.name == "left-behind"]  # fmt: skip
    assert not left
    if bwrap_works():  # the same class under bubblewrap: the same scores
        again = _grade(ex, subs, tmp_path / "out-bwrap", "bwrap")
        assert {k: v["total"] for k, v in again.items()} == {k: v["total"] for k, v in rows.items()}


@pytest.mark.skipif(not ROOT_USER, reason="needs capabilities to drop")
def test_a_child_without_a_uid_of_its_own_drops_its_capabilities():
    """In a user namespace (no uid to switch to) the child empties its capability sets."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            zygote.drop_capabilities()
            caps = [ln for ln in open("/proc/self/status") if ln.startswith(("CapEff", "CapPrm"))]
            os.write(w, "".join(caps).encode())
        finally:
            os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    caps = dict(line.split(":") for line in os.read(r, 4096).decode().splitlines())
    assert {k: int(v, 16) for k, v in caps.items()} == {"CapEff": 0, "CapPrm": 0}


def test_a_sleeping_cell_is_not_blamed_on_the_machine(tmp_path):
    """The wall backstop fires with little CPU used; the child did not wait for a CPU either
    (it slept), so the cause is ``idle``: the notebook's timeout, not the busy machine's."""
    nb = tmp_path / "n.ipynb"
    nb.write_text(prepend(E4, "student", "import time\ntime.sleep(600)")())
    (tmp_path / "r.json").write_text("[]")
    mode = "bwrap" if bwrap_works() else "none"
    lim = Limits(wall_seconds=3, cpu_seconds=20, cell_seconds=60)
    r = sandbox.run_submission(nb, tmp_path / "r.json", lim, mode)
    assert r.timed_out and r.timeout_cause == "idle" and r.cpu_seconds < 10
