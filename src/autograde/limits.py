"""Per-submission limits: the numbers, an unprivileged uid per sandbox, and the child's set-up.

* :class:`Limits` holds every limit of one submission.
* :func:`lease_uid` gives each running sandbox its own unused uid (only when the grader runs
  as root), held with a lock file so that two graders on one machine never share one: the
  kernel counts ``RLIMIT_NPROC`` per real uid, so a uid of its own bounds one submission's
  processes without touching anyone else's, and ``kill_uid`` can end every one of them.
* the rlimits and the nice value are set by the child itself (:mod:`autograde.zygote`).
* :func:`uid_cpu_seconds` measures the CPU a submission used when there is no cgroup.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from autograde.cgroups import kill_until_gone

UID_BASE = 64100  # leased uids: UID_BASE .. UID_BASE + UID_COUNT - 1 (no passwd entries)
UID_COUNT = 200
NICE = 10  # sandboxes run below the grader itself


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits for one submission (all of its processes together, where the
    machine allows it: see :mod:`autograde.cgroups`).

    ``cpu_seconds`` is the time a submission is charged for: the CPU all its processes used.
    ``wall_seconds`` is only a backstop for a submission that does not use its CPU (it
    waits, or the machine is too busy to run it); keep it generous.
    """

    wall_seconds: float = 180.0
    cpu_seconds: int = 60
    memory_bytes: int = 2 << 30  # per process (address space) and, with cgroups, in total
    file_bytes: int = 16 << 20
    tmpfs_bytes: int = 64 << 20  # each writable mount: /tmp, /dev/shm, the working dir
    open_files: int = 256
    tasks: int = 8  # processes and threads of the submission together (an honest one: 3)
    cpu_cores: float = 1.0  # CPU share (cfs quota) of one submission
    cell_seconds: float = 20.0
    call_seconds: float = 10.0
    output_bytes: int = 64 << 10
    results_bytes: int = 32 << 20
    notebook_bytes: int = 32 << 20

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not v > 0:
                raise ValueError(f"Limits.{f.name} must be a positive number, got {v!r}")


def _lock_dir() -> Path:
    for d in (Path("/run/lock/autograde"), Path(tempfile.gettempdir()) / "autograde-locks"):
        try:
            d.mkdir(mode=0o700, parents=True, exist_ok=True)
            return d
        except OSError:
            continue
    raise OSError("no directory for uid lock files")


@contextlib.contextmanager
def lease_uid() -> Iterator[int | None]:
    """An unused uid held for the duration of one run, or None when not running as root."""
    if os.geteuid() != 0:
        yield None
        return
    d = _lock_dir()
    for uid in range(UID_BASE, UID_BASE + UID_COUNT):
        fd = os.open(d / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        try:
            kill_uid(uid)  # whatever a crashed grader left behind with this uid
            yield uid
        finally:
            kill_uid(uid)
            os.close(fd)
        return
    raise RuntimeError(f"all {UID_COUNT} sandbox uids from {UID_BASE} are in use")


def stray_processes() -> dict[int, list[int]]:
    """``{uid: pids}`` of sandbox uids that no grader holds but that still own processes."""
    d = _lock_dir()
    out: dict[int, list[int]] = {}
    for uid in range(UID_BASE, UID_BASE + UID_COUNT):
        pids = uid_processes(uid)
        if not pids:
            continue
        fd = os.open(d / f"uid-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # leased: a grader is running a submission with it
        finally:
            os.close(fd)
        out[uid] = sorted(pids)
    return out


def _proc_stat(pid: str) -> tuple[int, float] | None:
    """``(real uid, CPU seconds of the process and its reaped children)`` of one pid."""
    try:
        st = os.stat(f"/proc/{pid}")
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return st.st_uid, ticks / os.sysconf("SC_CLK_TCK")


def uid_processes(uid: int) -> dict[int, float]:
    """``{pid: CPU seconds}`` of every process owned by ``uid``."""
    out = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            s = _proc_stat(pid)
            if s is not None and s[0] == uid:
                out[int(pid)] = s[1]
    return out


def uid_cpu_seconds(uid: int) -> float:
    """CPU used by the live processes of ``uid`` (including the children they reaped)."""
    return sum(uid_processes(uid).values())


def kill_uid(uid: int, deadline: float = 10.0) -> None:
    """SIGKILL every process of ``uid`` until none is left (the uid is leased: all ours)."""
    kill_until_gone(lambda: uid_processes(uid), time.monotonic() + deadline)


def exit_reason(run) -> str:
    """Why the child's process ended, in words (for the student's notes)."""
    rc = run.returncode
    if rc is None:
        return "it was not started"
    if rc < 0:
        import signal

        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        hint = {
            "SIGXCPU": "CPU time limit",
            "SIGKILL": "killed: CPU or memory limit",
            "SIGSEGV": "segmentation fault",
        }.get(name, "killed by a signal")
        return f"{name}, {hint}"
    if rc == 0:
        return "it exited, e.g. os._exit() or sys.exit() outside a cell"
    return f"exit status {rc}"
