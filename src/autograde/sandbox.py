"""Run one submission in a separate, locked-down process.

Each submission runs in its own child, forked from a warm worker (:mod:`autograde.workers`,
:mod:`autograde.zygote`) that has imported numpy, matplotlib and IPython; the child confines
itself before running a line of the notebook.  Modes (see book/instructor-guide.md, which
states what was measured):

``bwrap`` (bubblewrap can make namespaces here; ``auto`` picks it first)
    The child sees only read-only system directories (``/usr``), the Python installation,
    the virtual environment, the ``mlp`` package and its own notebook and hidden inputs.
    ``/`` and ``/dev`` are read-only; the only writable places are ``/tmp``, ``/dev/shm`` and
    the working directory, each a fresh tmpfs of ``Limits.tmpfs_bytes`` of its own.  No
    network, a PID namespace per worker, no capabilities, dies with the grader.
``fallback`` (no bubblewrap, as inside Docker; ``auto`` picks it second; needs root)
    The child runs as a uid of its own and cannot read the grader's files, which must be
    closed to other users (:func:`check_closed` refuses to grade otherwise); the seccomp
    filter of :mod:`autograde.confine` refuses every socket and ``ptrace``, ``mount``,
    ``unshare``...; a private working directory.  The rest of the machine is visible.
``none`` (only when asked for by name; every report says so)
    As ``fallback`` without the seccomp filter and the check: the child can read any file
    its user can read and use the network.

In every mode (where the machine allows, see :mod:`autograde.cgroups` and
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

from autograde import confine, workers, zygote
from autograde.cgroups import Cgroup
from autograde.limits import NICE, Limits, kill_uid, lease_uid, uid_cpu_seconds, uid_processes
from autograde.mounts import bwrap_command, python_executable
from autograde.workers import child_env

__all__ = [
    "Limits",
    "RunResult",
    "SandboxUnavailable",
    "bwrap_works",
    "check_closed",
    "resolve_mode",
    "run_submission",
]

POLL_SECONDS = 0.1
MACHINE_FRACTION = 0.5  # backstop with less CPU used than this share of the budget: "machine"
IDLE_FRACTION = 0.25  # ... unless it waited for a CPU less than this share of the wall: "idle"


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
    timeout_cause: str | None = None  # None, "cpu", "idle" or "machine"
    mechanisms: tuple[str, ...] = ()
    degraded: tuple[str, ...] = ()  # "mechanism: why it was not in force"
    peak_tasks: int | None = None
    peak_memory_bytes: int | None = None


class SandboxUnavailable(RuntimeError):
    """The requested (or, with ``auto``, any safe) sandbox cannot be made on this machine."""


@functools.cache
def bwrap_works() -> bool:
    """True when ``bwrap`` exists and can create the namespaces the sandbox needs."""
    if shutil.which("bwrap") is None:
        return False
    cmd = bwrap_command(Limits(), os.geteuid() == 0, [], [], caps=("CAP_SYS_ADMIN",))
    cmd += [python_executable(), "-I", "-c", "pass"]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=20, start_new_session=True)
    except (OSError, subprocess.SubprocessError):
        return False
    return p.returncode == 0


@functools.cache
def fallback_unavailable() -> str | None:
    """None when the ``fallback`` mode can be used here, else why not."""
    if os.geteuid() != 0:
        return ("the grader is not root, so a submission cannot run as a uid of its own and "
                "could read every file the grader can read")  # fmt: skip
    try:
        probe = [sys.executable, "-I", "-c", "import socket; socket.socket()"]
        p = subprocess.run(probe, preexec_fn=confine.deny_syscalls, capture_output=True,
                           timeout=60)  # fmt: skip
    except (OSError, subprocess.SubprocessError) as e:
        return f"the seccomp filter cannot be installed ({type(e).__name__}: {e})"
    if p.returncode == 0 or b"PermissionError" not in p.stderr:
        return "the seccomp filter does not close sockets here"
    return None


MODES = ("auto", "bwrap", "fallback", "none")
NONE_WARNING = ("SANDBOX DISABLED (--sandbox none): submissions ran as the grader's user and "
                "could read its files (solutions, specs) and use the network")  # fmt: skip
_NO_BWRAP = ("bubblewrap (bwrap) is not installed or cannot create namespaces here (as "
             "inside Docker)")  # fmt: skip


def resolve_mode(requested: str = "auto") -> tuple[str, str | None]:
    """``(mode, warning)`` for ``auto``/``bwrap``/``fallback``/``none``.

    ``auto`` picks ``bwrap``, else ``fallback``, else raises :class:`SandboxUnavailable`:
    ``none`` is only ever used when asked for by name."""
    if requested not in MODES:
        raise ValueError(f"unknown sandbox mode {requested!r} (one of {', '.join(MODES)})")
    if requested == "none":
        return "none", NONE_WARNING
    if requested in ("auto", "bwrap") and bwrap_works():
        return "bwrap", None
    if requested == "bwrap":
        raise SandboxUnavailable(f"--sandbox bwrap: {_NO_BWRAP}.")
    why = fallback_unavailable()
    if why is not None:
        raise SandboxUnavailable(
            f"no safe sandbox: {_NO_BWRAP}, and the fallback mode cannot be used: {why}. "
            "Install bubblewrap, or grade as root on a machine with libseccomp; "
            "--sandbox none grades without protection (every report will say so)."
        )
    note = None if requested == "fallback" else f"{_NO_BWRAP}: grading in fallback mode"
    return "fallback", note


def check_closed(mode: str, protect: list[Path]) -> None:
    """In ``fallback`` mode, refuse to grade while a file under ``protect`` (the exercises
    with their solutions and specs, the submissions, the output) is readable by others."""
    if mode != "fallback":
        return
    found = confine.readable_by_others(protect)
    if found:
        tops = sorted({str(t) for t in protect for f in found if Path(t).resolve() in
                       (f, *f.parents)})  # fmt: skip
        shown = ", ".join(str(f) for f in found[:5]) + (" ..." if len(found) > 5 else "")
        raise SandboxUnavailable(
            f"fallback mode: {len(found)} file(s) the submissions must not read are readable "
            f"by other users ({shown}). Close them first: chmod -R go-rwx {' '.join(tops)}"
        )


def _job(mode: str, limits: Limits, uid: int | None, cwd: str, args: list[str]) -> dict:
    """What the worker's child needs to confine itself (:func:`autograde.zygote.confine_child`)."""
    env = child_env()
    if mode != "bwrap":
        env.update(HOME=cwd, MPLCONFIGDIR=f"{cwd}/mpl", TMPDIR=cwd)
    return {
        "uid": uid, "nice": NICE, "args": args, "env": env,
        "cwd": "/submission" if mode == "bwrap" else cwd,
        "tmpfs": ["/tmp", "/dev/shm", "/submission"] if mode == "bwrap" else [],
        "tmpfs_bytes": limits.tmpfs_bytes, "make_dirs": [env["MPLCONFIGDIR"]],
        "memory_bytes": limits.memory_bytes, "cpu_seconds": limits.cpu_seconds,
        "file_bytes": limits.file_bytes, "open_files": limits.open_files,
        "tasks": limits.tasks, "seccomp": mode != "none", "reap_namespace": mode == "bwrap",
    }  # fmt: skip


def _mode_mechanisms(mode: str, limits: Limits) -> tuple[list[str], list[str]]:
    """``(mechanisms, degraded)`` that the mode itself brings."""
    if mode == "bwrap":
        return ["bwrap", f"tmpfs:{limits.tmpfs_bytes}", "read-only-root", "seccomp"], []
    shared = (
        "tmpfs: not in use (/tmp and /dev/shm are the machine's; files bounded only by "
        "the file-size limit, the uid's files removed after the run)"
    )
    if mode == "fallback":
        return ["fallback", "seccomp", "private-workdir"], [
            "bwrap: not in use (fallback: the grader's files are closed to the uid, "
            "sockets refused by seccomp; the rest of the machine is visible)",
            shared,
        ]
    return [], [
        "bwrap: not in use (--sandbox none: the child can read this user's files "
        "and use the network)",
        shared,
        "seccomp: not in use (--sandbox none)",
    ]


def _workdir(tmp: Path, uid: int | None) -> str:
    """The child's private working directory (fallback and none mode)."""
    work = tmp / "work"
    work.mkdir(mode=0o700)
    if uid is not None:
        os.chown(work, uid, uid)
    tmp.chmod(0o711)
    return str(work)


def _remove_files_of(uid: int, dirs=("/tmp", "/dev/shm", "/var/tmp")) -> None:
    """Remove what the uid left in the machine's shared temporary folders."""
    for d in dirs:
        with contextlib.suppress(OSError):
            for entry in os.scandir(d):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_uid != uid:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)


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


def _watch(worker: workers.Worker, cg: Cgroup, uid: int | None, limits: Limits):
    """Wait for the child; stop when its CPU budget or the wall backstop runs out.

    Returns ``(ended, return code, cpu_seconds, timeout_cause)``."""
    t0 = time.monotonic()
    cpu = 0.0
    while True:
        ended, rc = worker.wait(POLL_SECONDS)
        if ended:
            return True, rc, _cpu_used(cg, uid, cpu), None
        cpu = _cpu_used(cg, uid, cpu)
        if cpu >= limits.cpu_seconds:
            return False, None, cpu, "cpu"
        if time.monotonic() - t0 >= limits.wall_seconds:
            return False, None, cpu, _backstop_cause(cg, uid, cpu, limits)


def _backstop_cause(cg: Cgroup, uid: int | None, cpu: float, limits: Limits) -> str:
    """Why the wall backstop fired: ``cpu`` (it computed), ``machine`` (it was ready to run
    but waited for a CPU: other programs' load), ``idle`` (it neither computed nor waited
    for a CPU: it slept, or blocked on input)."""
    if cpu >= MACHINE_FRACTION * limits.cpu_seconds:
        return "cpu"
    pids = cg.pids() or (set(uid_processes(uid)) if uid is not None else set())
    if pids and _run_delay(pids) < IDLE_FRACTION * limits.wall_seconds:
        return "idle"
    return "machine"


def _run_delay(pids) -> float:
    """Seconds the processes' live threads spent runnable, waiting for a CPU (schedstat)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for t in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                    total += int(f.read().split()[1])
    return total / 1e9


def _stop(worker: workers.Worker, cg: Cgroup, uid: int | None, ended: bool, rc):
    """Kill the child (if it still runs) and everything it left; returns its return code."""
    if not ended:
        worker.kill()
    cg.kill()
    if uid is not None:
        kill_uid(uid)
    if not ended:
        ended, rc = worker.wait(30.0)
        if not ended:
            raise workers.WorkerError("the worker did not report its child's end")
    return rc


def _execute(worker, job: dict, fds: list[int], limits: Limits, cg: Cgroup, uid):
    """Run one job in the worker, drain its output, watch its CPU."""
    out: list[bytes] = []
    err: list[bytes] = []
    pipes = [os.pipe(), os.pipe()]
    try:
        worker.start(job, [*fds[:3], pipes[0][1], pipes[1][1], *fds[3:]])
    finally:
        for fd in [*fds, pipes[0][1], pipes[1][1]]:
            os.close(fd)
    readers = [threading.Thread(target=_drain, args=(open(r, "rb", buffering=0),  # noqa: SIM115
                                                    limits.output_bytes, sink), daemon=True)
               for (r, _), sink in zip(pipes, (out, err), strict=True)]  # fmt: skip
    for th in readers:
        th.start()
    ended, rc, cpu, cause = False, None, 0.0, None
    try:
        ended, rc, cpu, cause = _watch(worker, cg, uid, limits)
    finally:  # also reaps anything the submission left running
        rc = _stop(worker, cg, uid, ended, rc)
    for th in readers:
        th.join(timeout=5)
    return rc, b"".join(out), b"".join(err), _cpu_used(cg, uid, cpu), cause


def _open_inputs(notebook: Path, requests_file: Path, results: Path, cg: Cgroup) -> list[int]:
    """Descriptors the child gets: notebook, requests, results, then its cgroups' procs."""
    fds: list[int] = []
    try:
        fds.append(os.open(notebook, os.O_RDONLY | os.O_NOFOLLOW))
        fds.append(os.open(requests_file, os.O_RDONLY))
        fds.append(os.open(results, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        fds += [os.open(f, os.O_WRONLY) for f in cg.join_files()]
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return fds


def run_submission(
    notebook: Path,
    requests_file: Path,
    limits: Limits,
    mode: str,
    skip_cells: tuple[int, ...] = (),
) -> RunResult:
    """Execute one notebook in a confined child of a warm worker; collect its raw output."""
    t0 = time.monotonic()
    child_args = ["--cell-timeout", str(limits.cell_seconds),
                  "--call-timeout", str(limits.call_seconds),
                  "--skip-cells", ",".join(str(i) for i in skip_cells)]  # fmt: skip
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="autograde-")))
        uid = stack.enter_context(lease_uid())
        if uid is not None and mode != "bwrap":
            stack.callback(_remove_files_of, uid)
        cg = Cgroup.create(limits.memory_bytes, limits.tasks, limits.cpu_cores)
        stack.callback(cg.close)
        cwd = _workdir(tmp, uid) if mode != "bwrap" else "/submission"
        job = _job(mode, limits, uid, cwd, child_args)
        worker = stack.enter_context(workers.lease(mode, workers.mpl_cache()))
        fds = _open_inputs(notebook, requests_file, tmp / "results.jsonl", cg)
        rc, out, err, cpu, cause = _execute(worker, job, fds, limits, cg, uid)
        with open(tmp / "results.jsonl", "rb") as f:
            data = f.read(limits.results_bytes)
        if rc == zygote.SETUP_FAILED and not data:
            raise workers.WorkerError("the sandbox could not be set up: "
                                      + err.decode("utf-8", "replace")[-1500:])  # fmt: skip
        peak_tasks, peak_mem = cg.peak()
        mechanisms, degraded = _mode_mechanisms(mode, limits)
        mechanisms += [*cg.mechanisms, "rlimits", "cpu-charged", "warm-worker"]
        if uid is not None:
            mechanisms += [f"uid:{uid}", "rlimit-nproc"]
        else:
            degraded.append("uid: the grader is not root, so the child keeps its uid")
        degraded += cg.missing
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
