"""Per-submission limits (issue #13 items 3 and 4): each mechanism alone, then a class.

Unit tests run one small notebook with :func:`autograde.sandbox.run_submission` and check
what the child could do (the child prints it; the grader's own measurements are in the
``RunResult``).  The class test grades 20 honest submissions beside a fork bomb, a thread
bomb, a 1,000-process CPU hog and a shared-memory + tmpfs filler in ONE
``python -m autograde grade ... --jobs 2`` run, sampling the machine while it runs.
No test asserts a duration.
"""

from __future__ import annotations

import contextlib
import csv
import os
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from autograde import sandbox
from autograde.cgroups import Cgroup, _own_paths
from autograde.limits import UID_BASE, Limits, stray_processes
from autograde.sandbox import bwrap_works, run_submission
from tests.grader.corpus import E4, FULL, ROOT, prepend, replace

_probe = Cgroup.create(64 << 20, 8, 1.0)
HAVE = {c.split(":")[1] for c in _probe.mechanisms}  # the controllers this machine offers
_probe.close()
ROOT_USER = os.geteuid() == 0

needs_bwrap = pytest.mark.skipif(not bwrap_works(), reason="needs bubblewrap")


def needs(*ctrls):
    missing = [c for c in ctrls if c not in HAVE]
    return pytest.mark.skipif(bool(missing), reason=f"no cgroup controller {missing}")


def run(tmp_path: Path, code: str, mode: str = "bwrap", **limits) -> sandbox.RunResult:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    (tmp_path / "n.ipynb").write_text(nbformat.writes(nb))
    (tmp_path / "r.json").write_text("[]")
    lim = Limits(**{"wall_seconds": 60, "cpu_seconds": 20, "cell_seconds": 60, **limits})
    return run_submission(tmp_path / "n.ipynb", tmp_path / "r.json", lim, mode)


def leftovers() -> tuple[dict[int, list[int]], list[str]]:
    """Processes of sandbox uids no grader holds, and cgroups of graders no longer running
    (or of this one, between runs)."""
    groups = []
    for ctrl, path in _own_paths().items():
        base = Path("/sys/fs/cgroup") / (ctrl or "unified") / path.lstrip("/")
        for d in base.glob("autograde-*-*"):
            pid = int(d.name.split("-")[1])
            if pid == os.getpid() or not Path(f"/proc/{pid}").exists():
                groups.append(str(d))
    return stray_processes(), groups


@pytest.fixture(autouse=True)
def nothing_left_behind():
    yield
    strays, groups = leftovers()
    assert not groups, groups
    assert not strays, strays


FORK = """
import os, time
n = 0
for _ in range(200):
    try:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
    except OSError as e:
        err = e
print("forked", n, type(err).__name__)
"""

THREADS = """
import threading, time
n = 0
try:
    for _ in range(200):
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        n += 1
except RuntimeError as e:
    print("threads", n, e)
"""


@needs_bwrap
@pytest.mark.parametrize("code, word", [(FORK, "forked"), (THREADS, "threads")])
def test_tasks_are_capped_per_submission(tmp_path, code, word):
    r = run(tmp_path, code, tasks=8)
    count = int(r.stdout.split(word)[1].split()[0])
    assert count < 8, r.stdout
    if r.peak_tasks is not None:
        assert r.peak_tasks <= 8


@needs_bwrap
@pytest.mark.skipif(not ROOT_USER, reason="a uid of its own needs a root grader")
def test_rlimit_nproc_alone_caps_a_fork_bomb(tmp_path, monkeypatch):
    """Without any cgroup, the leased uid's RLIMIT_NPROC still bounds the processes."""
    empty = Cgroup()
    empty.missing = ["all: disabled by the test"]
    monkeypatch.setattr(sandbox.Cgroup, "create", classmethod(lambda cls, *a: empty))
    r = run(tmp_path, FORK, tasks=8)
    assert "rlimit-nproc" in r.mechanisms and not any("cgroup" in m for m in r.mechanisms)
    assert "all: disabled by the test" in r.degraded
    assert int(r.stdout.split("forked")[1].split()[0]) < 8, r.stdout


@needs_bwrap
@needs("pids")
def test_pids_cgroup_alone_caps_a_fork_bomb(tmp_path, monkeypatch):
    """Without the uid of its own (uid 65534 in a user namespace maps to root outside, where
    RLIMIT_NPROC does not apply), the pids cgroup still bounds the processes."""

    @contextlib.contextmanager
    def no_uid():
        yield None

    monkeypatch.setattr(sandbox, "lease_uid", no_uid)
    r = run(tmp_path, FORK, tasks=8)
    assert "rlimit-nproc" not in r.mechanisms and "cgroup-v1:pids" in r.mechanisms
    assert int(r.stdout.split("forked")[1].split()[0]) < 8, r.stdout


MEMORY = """
import os, time
kids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        block = bytearray(b"\\1") * (120 << 20)  # every page touched
        time.sleep(3)
        os._exit(0)
    kids.append(pid)
held = sum(os.waitpid(p, 0)[1] == 0 for p in kids)
print("held", held)
"""


@needs_bwrap
@needs("memory")
@pytest.mark.parametrize("cap_mb, most", [(300, 3), (2048, 4)])
def test_memory_is_capped_summed_over_children(tmp_path, cap_mb, most):
    """Four children of 120 MB each: under a 300 MB cap at most two can hold theirs (the
    others are killed); under 2 GB all four do, so the test can tell."""
    r = run(tmp_path, MEMORY, memory_bytes=cap_mb << 20)
    held = int(r.stdout.split("held")[1].split()[0]) if "held" in r.stdout else 0
    assert held <= most and (held == 4) == (most == 4), r.stdout + r.stderr
    assert r.peak_memory_bytes is not None and r.peak_memory_bytes <= cap_mb << 20


FILL = """
import os
for d in {dirs}:
    n = 0
    try:
        while n < 100:
            with open(os.path.join(d, f"fill-{{n}}"), "wb") as f:
                f.write(b"\\1" * (4 << 20))
            n += 1
        print(d, "unbounded")
    except OSError as e:
        print(d, n * 4, "MB", e.strerror)
"""


@needs_bwrap
def test_every_writable_place_is_a_sized_tmpfs(tmp_path):
    r = run(tmp_path, FILL.format(dirs=["/tmp", "/dev/shm", "/submission", "/", "/dev"]),
            tmpfs_bytes=32 << 20)  # fmt: skip
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    for d in ("/tmp", "/dev/shm", "/submission"):
        assert lines[d].endswith("No space left on device"), r.stdout
        assert int(lines[d].split()[0]) <= 32
    for d in ("/", "/dev"):
        assert lines[d] == "0 MB Read-only file system", r.stdout


@needs_bwrap
@needs("memory")
@pytest.mark.parametrize("cap_mb, fits", [(100, False), (2048, True)])
def test_tmpfs_pages_count_against_the_memory_cap(tmp_path, cap_mb, fits):
    """Shared memory and tmpfs files are memory: /dev/shm and /tmp full (64 MB each) do not
    fit in a 100 MB cap together (the writes fail or the process is killed), in 2 GB they do."""
    r = run(tmp_path, FILL.format(dirs=["/dev/shm", "/tmp"]), tmpfs_bytes=64 << 20,
            memory_bytes=cap_mb << 20)  # fmt: skip
    assert ("/tmp 64 MB" in r.stdout) == fits, r.stdout
    assert r.peak_memory_bytes is not None and r.peak_memory_bytes <= cap_mb << 20


BUSY = "while True:\n    pass\n"


@needs_bwrap
def test_a_busy_loop_is_charged_by_its_cpu(tmp_path):
    r = run(tmp_path, BUSY, cpu_seconds=2, wall_seconds=120)
    assert r.timed_out and r.timeout_cause == "cpu"
    assert r.cpu_seconds >= 2


@needs_bwrap
@needs("cpu")
def test_a_starved_submission_blames_the_machine(tmp_path):
    """At 1% of a CPU (the machine "too busy") the wall backstop fires long before the
    submission has used its CPU budget: the cause is the machine, not the student."""
    r = run(tmp_path, BUSY, cpu_seconds=20, wall_seconds=4, cpu_cores=0.01)
    assert r.timed_out and r.timeout_cause == "machine"
    assert r.cpu_seconds < 10


@pytest.mark.parametrize("mode", ["bwrap", "fallback", "none"])
def test_a_run_that_finishes_has_no_timeout(tmp_path, mode):
    if mode == "bwrap" and not bwrap_works():
        pytest.skip("needs bubblewrap")
    r = run(tmp_path, "import os\nprint(6 * 7, *os.getresuid())", mode=mode)
    assert r.stdout.split()[0] == "42" and not r.timed_out and r.timeout_cause is None
    assert r.mechanisms and all(":" in d for d in r.degraded)
    uids = {int(u) for u in r.stdout.split()[1:]}
    leased = [int(m.split(":")[1]) for m in r.mechanisms if m.startswith("uid:")]
    if leased:  # the child's real, effective and saved uid: the leased one, never root
        assert uids == {leased[0]} and leased[0] >= UID_BASE
    else:
        assert any(d.startswith("uid:") for d in r.degraded)
    if mode != "bwrap":
        assert any(d.startswith("bwrap:") for d in r.degraded)


def test_bad_limits_are_refused():
    with pytest.raises(ValueError, match="Limits.tasks"):
        Limits(tasks=0)
    with pytest.raises(ValueError, match="Limits.cpu_cores"):
        Limits(cpu_cores=float("nan"))


# ---- a class with attackers, graded in one run --------------------------------------------

FORK_BOMB = """
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""

THREAD_BOMB = """
import threading
def spin():
    while True:
        pass
while True:
    try:
        threading.Thread(target=spin, daemon=True).start()
    except RuntimeError:
        pass
"""

CPU_HOG = """
import os
for _ in range(1000):
    try:
        pid = os.fork()
    except OSError:
        continue
    if pid == 0:
        os.setsid()  # each in its own session: its own scheduler autogroup
        while True:
            pass
while True:
    pass
"""

FILLER = (
    FILL.format(dirs=["/dev/shm", "/tmp", "."])
    + """
import mmap
maps = []
try:
    while True:
        m = mmap.mmap(-1, 64 << 20)  # shared anonymous memory
        m.write(b"\\1" * (64 << 20))
        maps.append(m)
except (OSError, MemoryError, ValueError) as e:
    print("shared", 64 * len(maps), "MB", e)
while True:
    pass
"""
)

ATTACKS = {"fork-bomb": FORK_BOMB, "thread-bomb": THREAD_BOMB, "cpu-hog": CPU_HOG,
           "shm-filler": FILLER}  # fmt: skip
JOBS = 2


def descendants(root: int) -> list[int]:
    """``root`` and every process below it (orphans in a sandbox are reparented to its
    PID namespace's init, which is below the grader)."""
    children: dict[int, list[int]] = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(p))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def runnable_tasks(root: int) -> int:
    """Threads in state R (running or waiting for a CPU) of the submissions below ``root``."""
    n = 0
    for pid in descendants(root):
        try:
            if os.stat(f"/proc/{pid}").st_uid < UID_BASE:  # the grader's and workers' own
                continue
            for t in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{t}/stat") as f:
                    n += f.read().rsplit(")", 1)[1].split()[0] == "R"
        except OSError:
            continue
    return n


class Sampler(threading.Thread):
    """Samples every 0.2 s: runnable tasks of the grading run, and of the whole machine."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.ours: list[int] = []
        self.machine: list[int] = []  # the kernel's count of runnable tasks, everyone's
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            self.ours.append(runnable_tasks(self.root))
            self.machine.append(int(Path("/proc/loadavg").read_text().split()[3].split("/")[0]))


def median(xs: list[int]) -> float:
    return sorted(xs)[len(xs) // 2]


@needs_bwrap
@needs("memory", "pids", "cpu", "cpuacct")
def test_a_class_beside_attackers(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(20):
        extra = (f"print('honest student {i}')",)
        (subs / f"honest-{i:02d}.ipynb").write_text(replace(E4, "solution", {}, extra)())
    for k, (name, code) in enumerate(ATTACKS.items()):
        (subs / f"honest-{5 * k + 2:02d}-{name}.ipynb").write_text(prepend(E4, "student", code)())
    p = subprocess.Popen(
        [sys.executable, "-m", "autograde", "grade", E4, str(subs), "--out", str(tmp_path / "out"),
         "--jobs", str(JOBS), "--seed", "7", "--timeout", "6"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    sampler = Sampler(p.pid)
    sampler.start()
    try:
        _, err = p.communicate(timeout=600)
    finally:
        p.kill()
        sampler.stop.set()
        sampler.join()
    assert p.returncode == 0, err
    print(f"runnable sandbox tasks: median {median(sampler.ours)}, max {max(sampler.ours)}; "
          f"machine: median {median(sampler.machine)}, max {max(sampler.machine)}")  # fmt: skip
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "out/grades.csv").open())}
    assert len(rows) == 24
    for student, row in rows.items():
        feedback = (tmp_path / "out/feedback" / f"{student}.md").read_text()
        if student[len("honest-00") :]:
            assert float(row["total"]) == 0, feedback
            # stopped by a limit, said by the status (e.g. the busy machine) or in a note
            noted = any(t in feedback for t in ("did not finish", "ended the process"))
            assert row["status"] != "ok" or noted, feedback
        else:
            assert float(row["total"]) == FULL[E4] and row["status"] == "ok", feedback
    # every submission's tasks are capped (8 by default), so at most JOBS * 8 of them can be
    # runnable (measured: median 8-9, max 16 with warm workers; before: load past 900)
    assert 0 < max(sampler.ours) <= JOBS * Limits().tasks
