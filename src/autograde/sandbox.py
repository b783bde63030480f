"""Run one submission in a separate, locked-down process.

What is guaranteed where (see book/instructor-guide.md, which states what was measured):

``bwrap`` mode (bubblewrap available, the default when it works)
    The child sees only read-only system directories (``/usr``), the Python installation,
    the virtual environment, the ``mlp`` package, the runner script and the hidden inputs.
    ``/`` and ``/dev`` are read-only; the only writable places are ``/tmp``, ``/dev/shm`` and
    the working directory, each a tmpfs of ``Limits.tmpfs_bytes``.  No network, a private
    PID namespace (it cannot see or signal the grader), no capabilities, dies with the
    grader.  The repository, the solutions, the specs, the other submissions and the
    grader's output directory do not exist inside.
``none`` mode (no bubblewrap: a warning is printed and recorded)
    Only the limits, the clean environment, the separate process and the private working
    directory hold; the child *can* read any file its user can read and use the network.

In both modes (where the machine allows, see :mod:`autograde.cgroups` and
:mod:`autograde.limits`): a cgroup per submission caps the memory (tmpfs and shared memory
included), the tasks and the CPU share of all its processes together; a uid of its own
(when the grader is root) makes ``RLIMIT_NPROC`` count its processes; per-process rlimits
(address space, CPU, file size, open files).  The time charged is the CPU the submission
used; a wall-clock backstop catches one that does not run, and says whether the machine was
to blame (:attr:`RunResult.timeout_cause`).  What was in force is in
:attr:`RunResult.mechanisms`, what was not (and why) in :attr:`RunResult.degraded`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograde.cgroups import Cgroup
from autograde.limits import Limits, kill_uid, lease_uid, preexec, uid_cpu_seconds
from autograde.mounts import bwrap_command

__all__ = ["Limits", "RunResult", "bwrap_works", "resolve_mode", "run_submission"]

CHILD_SCRIPT = Path(__file__).with_name("_child.py")
POLL_SECONDS = 0.1
MACHINE_FRACTION = 0.5  # backstop with less CPU used than this share of the budget: "machine"

# Switches to the leased uid inside the sandbox, after bubblewrap (run as root) has made the
# mounts, then runs the child; the uid switch leaves the child with no capabilities at all.
_LAUNCH = (
    "import os,sys;u=int(sys.argv[1]);os.setgroups([]);os.setgid(u);os.setuid(u);"
    "os.execv(sys.argv[2],sys.argv[2:])"
)


@dataclasses.dataclass
class RunResult:
    """What came back from one sandboxed run (all of it untrusted data, except the
    measurements, which the grader made)."""

    results_text: str
    stdout: str
    stderr: str
    returncode: int | None
    timed_out: bool
    seconds: float
    mode: str
    cpu_seconds: float = 0.0
    timeout_cause: str | None = None  # None, "cpu" or "machine"
    mechanisms: tuple[str, ...] = ()
    degraded: tuple[str, ...] = ()  # "mechanism: why it was not in force"
    peak_tasks: int | None = None
    peak_memory_bytes: int | None = None


@functools.cache
def bwrap_works() -> bool:
    """True when ``bwrap`` exists and can create the namespaces the sandbox needs."""
    if shutil.which("bwrap") is None:
        return False
    with lease_uid() as uid:
        cmd = bwrap_command(Limits(), uid is not None, [], [])
        if uid is not None:
            cmd += [sys.executable, "-I", "-S", "-c", _LAUNCH, str(uid)]
        cmd += [sys.executable, "-I", "-c", "pass"]
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=20, start_new_session=True)
        except (OSError, subprocess.SubprocessError):
            return False
    return p.returncode == 0


@functools.cache
def _uid_runs_python(uid: int) -> str | None:
    """None if ``uid`` can run this Python outside a sandbox, else the reason it cannot."""
    try:
        p = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _LAUNCH, str(uid), sys.executable, "-I", "-c",
             "import numpy"],
            capture_output=True, timeout=60, start_new_session=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as e:
        return f"{type(e).__name__}: {e}"
    if p.returncode == 0:
        return None
    last = p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return f"uid {uid} cannot run {sys.executable} ({last[0][:200]})"


def resolve_mode(requested: str = "auto") -> tuple[str, str | None]:
    """Return ``(mode, warning)`` for ``auto``/``bwrap``/``none``."""
    if requested == "none":
        return "none", "sandbox disabled (--sandbox none): submissions can read your files"
    if bwrap_works():
        return "bwrap", None
    msg = (
        "bubblewrap (bwrap) is not available or cannot create namespaces here: grading "
        "WITHOUT the filesystem/network sandbox. Resource limits still apply, but a "
        "submission can read any file this user can read (solutions, specs) and use the "
        "network. Install bubblewrap (apt-get install bubblewrap) and grade as root or with "
        "unprivileged user namespaces enabled."
    )
    if requested == "bwrap":
        raise RuntimeError(msg)
    return "none", msg


@functools.cache
def _mpl_cache() -> Path | None:
    """Build matplotlib's font cache once per grading process (else every child rebuilds it,
    about a second each).  Returns the cache file, or None if matplotlib is unavailable."""
    import atexit

    try:  # the grader's own cache, if matplotlib has built one already
        import matplotlib

        found = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
        if found:
            return found[-1]
    except Exception:  # noqa: BLE001 - no matplotlib, or an unusable cache dir
        pass
    d = Path(tempfile.mkdtemp(prefix="autograde-mpl-"))
    atexit.register(shutil.rmtree, d, True)
    env = {"MPLCONFIGDIR": str(d), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}
    try:
        subprocess.run(
            [sys.executable, "-I", "-c", "import matplotlib.font_manager"],
            env=env,
            capture_output=True,
            timeout=120,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(d.glob("fontlist-*.json"))
    return files[0] if files else None


def _child_env() -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/mpl",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MLP_STATIC_WIDGETS": "1",
    }


@dataclasses.dataclass
class _Plan:
    """How to start one child: the command, its directory and environment, what is in force."""

    cmd: list[str]
    cwd: str | None
    env: dict[str, str]
    uid: int | None
    mechanisms: list[str]
    degraded: list[str]


def _stage(tmp: Path, notebook: Path, requests_file: Path) -> Path:
    """Copy what the child reads into ``tmp/stage`` (readable by any uid; ``tmp`` itself is
    only traversable, and the results file in it stays the grader's)."""
    stage = tmp / "stage"
    stage.mkdir()
    shutil.copyfile(notebook, stage / "submission.ipynb")
    shutil.copyfile(requests_file, stage / "requests.json")
    shutil.copyfile(CHILD_SCRIPT, stage / "child.py")
    font_cache = _mpl_cache()
    if font_cache is not None:
        shutil.copyfile(font_cache, stage / font_cache.name)
    for p in stage.iterdir():
        p.chmod(0o644)
    stage.chmod(0o755)
    tmp.chmod(0o711)
    return stage


def _bwrap_plan(stage: Path, limits: Limits, uid: int | None, child_args: list[str]) -> _Plan:
    env = _child_env()
    binds = [(stage / "submission.ipynb", "/submission/submission.ipynb"),
             (stage / "requests.json", "/grader/requests.json"),
             (stage / "child.py", "/grader/child.py")]  # fmt: skip
    binds += [(f, f"/tmp/mpl/{f.name}") for f in stage.glob("fontlist-*.json")]
    cmd = bwrap_command(limits, uid is not None, binds, ["/tmp/mpl"])
    cmd += ["--chdir", "/submission", "--clearenv"]
    for k, v in env.items():
        cmd += ["--setenv", k, v]
    if uid is not None:
        cmd += [sys.executable, "-I", "-S", "-c", _LAUNCH, str(uid)]
    cmd += [sys.executable, "-I", "-B", "/grader/child.py",
            "--notebook", "/submission/submission.ipynb",
            "--requests", "/grader/requests.json", *child_args]  # fmt: skip
    mech = ["bwrap", f"tmpfs:{limits.tmpfs_bytes}", "read-only-root"]
    return _Plan(cmd, None, env, uid, mech, [])


def _plain_plan(tmp: Path, stage: Path, uid: int | None, child_args: list[str]) -> _Plan:
    work = tmp / "work"
    (work / "mpl").mkdir(parents=True)
    shutil.copyfile(stage / "submission.ipynb", work / "submission.ipynb")
    for f in stage.glob("fontlist-*.json"):
        shutil.copyfile(f, work / "mpl" / f.name)
    degraded = ["bwrap: not in use (the child can read this user's files, use the network)",
                "tmpfs: not in use (disk use bounded only by the file-size limit)"]  # fmt: skip
    if uid is not None and (why := _uid_runs_python(uid)) is not None:
        degraded.append(f"uid: {why}")
        uid = None
    if uid is not None:
        for p in (work, work / "mpl", *work.rglob("*")):
            os.chown(p, uid, uid)
    env = {**_child_env(), "HOME": str(work), "MPLCONFIGDIR": str(work / "mpl")}
    cmd = [sys.executable, "-I", "-S", "-c", _LAUNCH, str(uid)] if uid is not None else []
    cmd += [sys.executable, "-I", "-B", str(stage / "child.py"), "--notebook",
            str(work / "submission.ipynb"), "--requests", str(stage / "requests.json"),
            *child_args]  # fmt: skip
    return _Plan(cmd, str(work), env, uid, [], degraded)


def _drain(stream, cap: int, sink: list[bytes]) -> None:
    """Read a pipe to the end, keeping the first ``cap`` bytes (so the child never blocks)."""
    kept = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        if kept < cap:
            sink.append(chunk[: cap - kept])
            kept += len(sink[-1])
    stream.close()


def _cpu_used(cg: Cgroup, uid: int | None, seen: float) -> float:
    """CPU seconds used so far by the submission (never less than what was seen before)."""
    cpu = cg.cpu_seconds()
    if cpu is None and uid is not None:
        cpu = uid_cpu_seconds(uid)
    return max(seen, cpu or 0.0)


def _watch(proc: subprocess.Popen, cg: Cgroup, uid: int | None, limits: Limits):
    """Wait for the child; kill it when its CPU budget or the wall backstop runs out.

    Returns ``(cpu_seconds, timeout_cause)``."""
    t0 = time.monotonic()
    cpu = 0.0
    while True:
        try:
            proc.wait(timeout=POLL_SECONDS)
            return _cpu_used(cg, uid, cpu), None
        except subprocess.TimeoutExpired:
            pass
        cpu = _cpu_used(cg, uid, cpu)
        if cpu >= limits.cpu_seconds:
            return cpu, "cpu"
        if time.monotonic() - t0 >= limits.wall_seconds:
            starved = cpu < MACHINE_FRACTION * limits.cpu_seconds
            return cpu, "machine" if starved else "cpu"


def _kill_all(proc: subprocess.Popen, cg: Cgroup, uid: int | None) -> None:
    """Kill the child, its process group, everything in its cgroup and everything of its uid."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, 9)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    cg.kill()
    if uid is not None:
        kill_uid(uid)
    proc.wait()


def _execute(plan: _Plan, limits: Limits, res_fd: int, cg: Cgroup):
    """Start the child, drain its output, watch its CPU; returns what the run produced."""
    out: list[bytes] = []
    err: list[bytes] = []
    try:
        proc = subprocess.Popen(
            plan.cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=plan.cwd,
            env=plan.env,
            pass_fds=(res_fd,),
            preexec_fn=functools.partial(preexec, limits, cg.join_files(), plan.uid),
            close_fds=True,
        )
    finally:
        os.close(res_fd)
    try:
        readers = [threading.Thread(target=_drain, args=(s, limits.output_bytes, sink),
                                    daemon=True)
                   for s, sink in ((proc.stdout, out), (proc.stderr, err))]  # fmt: skip
        for th in readers:
            th.start()
        cpu, cause = _watch(proc, cg, plan.uid, limits)
    finally:  # also reaps anything the submission left running
        _kill_all(proc, cg, plan.uid)
    for th in readers:
        th.join(timeout=5)
    cpu = _cpu_used(cg, plan.uid, cpu)
    return proc.returncode, b"".join(out), b"".join(err), cpu, cause


def run_submission(
    notebook: Path,
    requests_file: Path,
    limits: Limits,
    mode: str,
    skip_cells: tuple[int, ...] = (),
) -> RunResult:
    """Execute one notebook in a sandboxed child and collect its raw output."""
    t0 = time.monotonic()
    child_args = ["--cell-timeout", str(limits.cell_seconds),
                  "--call-timeout", str(limits.call_seconds),
                  "--skip-cells", ",".join(str(i) for i in skip_cells)]  # fmt: skip
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="autograde-")))
        uid = stack.enter_context(lease_uid())
        cg = Cgroup.create(limits.memory_bytes, limits.tasks, limits.cpu_cores)
        stack.callback(cg.close)
        results_path = tmp / "results.jsonl"
        res_fd = os.open(results_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        child_args = ["--results-fd", str(res_fd), *child_args]
        try:
            stage = _stage(tmp, notebook, requests_file)
            if mode == "bwrap":
                plan = _bwrap_plan(stage, limits, uid, child_args)
            else:
                plan = _plain_plan(tmp, stage, uid, child_args)
        except BaseException:
            os.close(res_fd)
            raise
        rc, out, err, cpu, cause = _execute(plan, limits, res_fd, cg)
        peak_tasks, peak_mem = cg.peak()
        with open(results_path, "rb") as f:
            data = f.read(limits.results_bytes)
        mechanisms = [*plan.mechanisms, *cg.mechanisms, "rlimits", "cpu-charged"]
        if plan.uid is not None:
            mechanisms += [f"uid:{plan.uid}", "rlimit-nproc"]
        degraded = [*plan.degraded, *cg.missing]
        if uid is None:
            degraded.append("uid: the grader is not root, so the child keeps its uid")
    return RunResult(
        results_text=data.decode("utf-8", "replace"),
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
        returncode=rc,
        timed_out=cause is not None,
        seconds=time.monotonic() - t0,
        mode=mode,
        cpu_seconds=round(cpu, 3),
        timeout_cause=cause,
        mechanisms=tuple(mechanisms),
        degraded=tuple(degraded),
        peak_tasks=peak_tasks,
        peak_memory_bytes=peak_mem,
    )
