"""Warm workers (zygotes): one per job slot, started once, forking a child per submission.

A worker is ``python zygote.py`` (:mod:`autograde.zygote`), started inside bubblewrap in
``bwrap`` mode (as root it keeps ``CAP_SYS_ADMIN``, ``CAP_SETUID`` and ``CAP_SETGID``, which
its children need to mount their own tmpfs and switch to their leased uid, and which they
lose with that switch), or as a plain process in ``fallback`` and ``none`` mode.  It imports
numpy, matplotlib and IPython once (about a second), so a submission costs a ``fork``
instead of a Python start and those imports (2-3 s with matplotlib).

:func:`lease` hands out an idle worker of a mode (starting one when none is idle);
:func:`close_all` ends them (the grader calls it after a run; also at exit).  A worker that
died is replaced at the next lease.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from autograde.limits import Limits
from autograde.mounts import bwrap_command, python_executable

HERE = Path(__file__).parent
FILES = {"zygote.py": HERE / "zygote.py", "child.py": HERE / "_child.py",
         "confine.py": HERE / "confine.py", "blocker.py": HERE / "_blocker.py"}  # fmt: skip
START_SECONDS = 120.0


class WorkerError(RuntimeError):
    """The worker could not be started or stopped answering (never the student's fault)."""


def child_env() -> dict[str, str]:
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
        "AUTOGRADE_GRADING": "1",  # a notebook's check() lines do nothing while grading
    }


def import_paths() -> list[str]:
    """Folders the worker puts first on ``sys.path``: where the grader's ``mlp`` lives."""
    try:
        import mlp

        return [str(Path(mlp.__file__).resolve().parents[1])]
    except ImportError:
        return []


@functools.cache
def mpl_cache() -> Path | None:
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


class Worker:
    """One zygote and the socket to it."""

    def __init__(self, mode: str, font_cache: Path | None) -> None:
        self.mode = mode
        self.stage = Path(tempfile.mkdtemp(prefix="autograde-worker-"))
        for name, src in FILES.items():
            shutil.copyfile(src, self.stage / name)
        (self.stage / "mpl").mkdir()
        if font_cache is not None:
            shutil.copyfile(font_cache, self.stage / "mpl" / font_cache.name)
        for p in self.stage.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = open(self.stage / "worker.log", "wb")  # noqa: SIM115 - closed in close()
        try:
            self.proc = _in_spawner(lambda: subprocess.Popen(
                self._command(theirs.fileno()), stdin=subprocess.DEVNULL, stdout=self.log,
                stderr=self.log, env=self._env(), pass_fds=(theirs.fileno(),),
                start_new_session=True, cwd=self.stage,
            ))  # fmt: skip
        finally:
            theirs.close()
        self.preloaded = self._await_ready()

    def _env(self) -> dict[str, str]:
        env = child_env()
        if self.mode != "bwrap":
            env.update(HOME=str(self.stage), MPLCONFIGDIR=str(self.stage / "mpl"))
        return env

    def _command(self, fd: int) -> list[str]:
        paths = os.pathsep.join(import_paths())
        if self.mode != "bwrap":
            return [sys.executable, "-I", "-B", str(self.stage / "zygote.py"), str(fd), paths,
                    "--die-with-parent"]  # fmt: skip
        binds = [(self.stage / n, f"/grader/{n}") for n in FILES]
        binds += [(f, f"/tmp/mpl/{f.name}") for f in (self.stage / "mpl").iterdir()]
        # the children mount their own tmpfs, then switch uid (and lose every capability)
        cmd = bwrap_command(Limits(), os.geteuid() == 0, binds, ["/tmp/mpl"],
                            caps=("CAP_SYS_ADMIN",))  # fmt: skip
        cmd += ["--chdir", "/grader"]
        return [*cmd, python_executable(), "-I", "-B", "/grader/zygote.py", str(fd), paths]

    def _await_ready(self) -> list[str]:
        self.sock.settimeout(START_SECONDS)
        try:
            msg = self.sock.recv(1 << 16)
        except OSError as e:
            self.close()
            raise WorkerError(f"the {self.mode} worker did not start ({e})") from e
        finally:
            self.sock.settimeout(None)
        if not msg:
            tail = self.read_log()
            self.close()
            raise WorkerError(f"the {self.mode} worker did not start: {tail}")
        return json.loads(msg)["ready"]

    def read_log(self) -> str:
        try:
            return (self.stage / "worker.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def start(self, job: dict, fds: list[int]) -> int:
        """Send one job; returns the child's pid (in the worker's PID namespace)."""
        try:
            socket.send_fds(self.sock, [json.dumps(job).encode()], fds)
            msg = self.sock.recv(1 << 16)
        except OSError as e:
            raise WorkerError(f"the worker stopped answering ({e})") from e
        if not msg:
            raise WorkerError(f"the worker ended: {self.read_log()}")
        return json.loads(msg)["pid"]

    def wait(self, timeout: float) -> tuple[bool, int | None]:
        """``(ended, return code)`` of the current child, waiting at most ``timeout``."""
        self.sock.settimeout(timeout)
        try:
            msg = self.sock.recv(1 << 16)
        except TimeoutError:
            return False, None
        except OSError:
            return True, None
        finally:
            self.sock.settimeout(None)
        return True, json.loads(msg)["rc"] if msg else None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.send(b'{"kill": 1}')

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        proc = getattr(self, "proc", None)
        if proc is not None:  # it ends when its socket closes (and is reaped with its CPU)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, 9)
            proc.kill()
            proc.wait()
        self.log.close()
        shutil.rmtree(self.stage, ignore_errors=True)


_spawns: queue.Queue = queue.Queue()
_spawner: threading.Thread | None = None


def _spawn_loop() -> None:
    while True:
        start, box, done = _spawns.get()
        try:
            box.append(start())
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box.append(e)
        done.set()


def _in_spawner(start):
    """Run ``start`` (a Popen) in one long-lived thread: a worker dies with the thread that
    started it (bubblewrap's --die-with-parent, the zygote's parent-death signal), so no
    worker may be started by a grading pool's thread, which ends with the pool."""
    global _spawner
    with _lock:
        if _spawner is None:
            _spawner = threading.Thread(target=_spawn_loop, name="autograde-spawner",
                                        daemon=True)  # fmt: skip
            _spawner.start()
    box: list = []
    done = threading.Event()
    _spawns.put((start, box, done))
    done.wait()
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


_idle: dict[str, list[Worker]] = {}
_all: list[Worker] = []
_lock = threading.Lock()


@contextlib.contextmanager
def lease(mode: str, font_cache: Path | None = None) -> Iterator[Worker]:
    """An idle worker of ``mode`` for one submission (a new one if none is idle)."""
    with _lock:
        idle = _idle.setdefault(mode, [])
        w = idle.pop() if idle else None
    while w is not None and not w.alive():
        _discard(w)
        with _lock:
            w = idle.pop() if idle else None
    if w is None:
        w = Worker(mode, font_cache)
        with _lock:
            _all.append(w)
    ok = False
    try:
        yield w
        ok = True
    finally:
        if ok and w.alive():
            with _lock:
                _idle[mode].append(w)
        else:
            _discard(w)


def _discard(w: Worker) -> None:
    with _lock:
        if w in _all:
            _all.remove(w)
    w.close()


def close_all() -> None:
    """End every worker (idle or not: call it when no grading is running)."""
    with _lock:
        workers = list(_all)
        _all.clear()
        _idle.clear()
    for w in workers:
        w.close()


atexit.register(close_all)
