"""A control group per sandboxed submission: memory, tasks and CPU capped for all its processes.

The grader nests one group per submission under the cgroup it runs in itself (so whatever
limits the machine puts on the grader still hold), in each hierarchy that offers a
controller it needs:

* cgroup v1 (``/sys/fs/cgroup/{memory,pids,cpu,cpuacct}``): ``memory.limit_in_bytes``
  (process memory, shared memory and tmpfs pages together), ``pids.max`` (processes and
  threads), ``cpu.shares`` + ``cpu.cfs_quota_us`` (CPU share), ``cpuacct.usage`` (CPU used);
* cgroup v2: ``memory.max``, ``pids.max``, ``cpu.max``, ``cpu.stat`` -- only the controllers
  already enabled for the grader's own group (the grader never changes its parent).

A controller that cannot be used is reported with the reason (:attr:`Cgroup.missing`), and
the sandbox falls back to per-process limits for it.  :meth:`Cgroup.close` kills every
process left in the group and removes it.
"""

from __future__ import annotations

import functools
import itertools
import os
import signal
import time
from collections.abc import Callable, Iterable
from pathlib import Path

CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
_counter = itertools.count()


def _mounts() -> tuple[dict[str, Path], Path | None]:
    """``({v1 controller: mount point}, v2 mount point or None)`` from /proc/self/mountinfo."""
    v1: dict[str, Path] = {}
    v2 = None
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return v1, None
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        if tail[0] == "cgroup2" and v2 is None:
            v2 = Path(fields[4])
        elif tail[0] == "cgroup":
            for opt in tail[2].split(","):
                if opt in CONTROLLERS:
                    v1.setdefault(opt, Path(fields[4]))
    return v1, v2


def _own_paths() -> dict[str, str]:
    """The grader's own cgroup per hierarchy: ``{controller or "": path}``."""
    out: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        _, ctrls, path = line.split(":", 2)
        for c in ctrls.split(",") if ctrls else [""]:
            out[c] = path
    return out


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


class Cgroup:
    """One submission's control group(s); use :meth:`create`, then :meth:`close`."""

    def __init__(self) -> None:
        self.dirs: dict[str, Path] = {}  # controller -> group directory
        self.version: dict[str, int] = {}
        self.missing: list[str] = []  # "controller: reason"

    @classmethod
    def create(cls, memory_bytes: int, tasks: int, cpu_cores: float) -> Cgroup:
        """Make the groups and set the limits; never raises (failures land in ``missing``)."""
        cg = cls()
        v1, v2 = _mounts()
        own = _own_paths()
        name = f"autograde-{os.getpid()}-{next(_counter)}"
        period = 100_000
        settings = {
            "memory": [("memory.limit_in_bytes", str(memory_bytes))],
            "pids": [("pids.max", str(tasks))],
            "cpu": [("cpu.shares", "1024"), ("cpu.cfs_period_us", str(period)),
                    ("cpu.cfs_quota_us", str(max(1000, int(cpu_cores * period))))],
            "cpuacct": [],
        }  # fmt: skip
        v2_settings = {
            "memory": [("memory.max", str(memory_bytes)), ("memory.swap.max", "0")],
            "pids": [("pids.max", str(tasks))],
            "cpu": [("cpu.max", f"{max(1000, int(cpu_cores * period))} {period}")],
            "cpuacct": [],  # cpu.stat is in every v2 group
        }
        for ctrl in CONTROLLERS:
            if ctrl in v1 and ctrl in own:
                cg._make(ctrl, 1, v1[ctrl] / own[ctrl].lstrip("/") / name, settings[ctrl])
            elif v2 is not None and "" in own:
                cg._make_v2(ctrl, v2 / own[""].lstrip("/"), name, v2_settings[ctrl])
            else:
                cg.missing.append(f"{ctrl}: no cgroup hierarchy offers it here")
        return cg

    def _make(self, ctrl: str, version: int, d: Path, settings) -> None:
        _remove_stale(d.parent)
        try:
            if d not in self.dirs.values():
                d.mkdir()
            for fname, value in settings:
                if fname == "memory.swap.max" and not (d / fname).exists():
                    continue
                _write(d / fname, value)
        except OSError as e:
            self.missing.append(f"{ctrl}: {d}: {e.strerror or e}")
            if d not in self.dirs.values():
                _rmdir(d)
            return
        self.dirs[ctrl] = d
        self.version[ctrl] = version

    def _make_v2(self, ctrl: str, parent: Path, name: str, settings) -> None:
        try:
            enabled = (parent / "cgroup.subtree_control").read_text().split()
        except OSError as e:
            self.missing.append(f"{ctrl}: {parent}: {e.strerror or e}")
            return
        if ctrl != "cpuacct" and ctrl not in enabled:
            self.missing.append(f"{ctrl}: not enabled for the grader's cgroup v2 group")
            return
        self._make(ctrl, 2, parent / name, settings)

    @property
    def mechanisms(self) -> tuple[str, ...]:
        """E.g. ``("cgroup-v1:memory", "cgroup-v1:pids", ...)``."""
        return tuple(f"cgroup-v{self.version[c]}:{c}" for c in CONTROLLERS if c in self.dirs)

    def join_files(self) -> list[str]:
        """The ``cgroup.procs`` files a new process writes its pid to (one per directory)."""
        return sorted({str(d / "cgroup.procs") for d in self.dirs.values()})

    def cpu_seconds(self) -> float | None:
        """CPU time used by every process that was ever in the group, or None if unknown."""
        d = self.dirs.get("cpuacct")
        try:
            if d is not None and self.version["cpuacct"] == 1:
                return int((d / "cpuacct.usage").read_text()) / 1e9
            if d is not None:
                for line in (d / "cpu.stat").read_text().splitlines():
                    if line.startswith("usage_usec "):
                        return int(line.split()[1]) / 1e6
        except (OSError, ValueError):
            pass
        return None

    def peak(self) -> tuple[int | None, int | None]:
        """``(most tasks at once, most memory bytes at once)`` when the kernel records them."""
        out: list[int | None] = []
        for ctrl, files in (("pids", ("pids.peak",)),
                            ("memory", ("memory.max_usage_in_bytes", "memory.peak"))):  # fmt: skip
            d, val = self.dirs.get(ctrl), None
            for fname in files if d is not None else ():
                try:
                    val = int((d / fname).read_text())
                    break
                except (OSError, ValueError):
                    continue
            out.append(val)
        return out[0], out[1]

    def pids(self) -> set[int]:
        """Every process currently in any of the groups."""
        found: set[int] = set()
        for d in self.dirs.values():
            try:
                found |= {int(p) for p in (d / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return found

    def kill(self, deadline: float = 10.0) -> bool:
        """SIGKILL every process in the groups until none is left; True when empty."""
        end = time.monotonic() + deadline
        for d in self.dirs.values():
            if (d / "cgroup.kill").exists():
                try:
                    _write(d / "cgroup.kill", "1")
                except OSError:
                    pass
        return kill_until_gone(self.pids, end)

    def close(self) -> None:
        """Kill what is left, then remove the groups (retrying while the last tasks exit)."""
        self.kill()
        for d in set(self.dirs.values()):
            _rmdir(d)
        self.dirs.clear()


@functools.cache
def _remove_stale(parent: Path) -> None:
    """Once per grader and hierarchy: remove the groups of graders that are gone (killed
    before they could remove theirs); their processes, if any, are killed first."""
    for d in parent.glob("autograde-*-*"):
        pid = d.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
            stale = Cgroup()
            stale.dirs = {"": d}
            stale.close()


def _rmdir(d: Path, tries: int = 100) -> None:
    for _ in range(tries):
        try:
            d.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def kill_until_gone(find: Callable[[], Iterable[int]], end: float) -> bool:
    """SIGKILL every pid ``find()`` returns, again and again until it returns none or the
    monotonic clock passes ``end``; True when none is left."""
    while time.monotonic() < end:
        left = list(find())
        if not left:
            return True
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.02)
    return not list(find())
