"""Run one submission in a separate, locked-down process.

What is guaranteed where (see book/instructor-guide.md):

``bwrap`` mode (bubblewrap available, the default when it works)
    The child sees only read-only system directories (``/usr``), the Python installation,
    the virtual environment, the ``mlp`` package, the runner script and the hidden inputs;
    its working directory and ``/tmp`` are private size-limited tmpfs mounts holding a copy
    of that one submission.  It has no network, a private PID namespace (it cannot see or
    signal the grader), no capabilities, runs as uid 65534 inside a user namespace, and
    dies with the grader.  The repository, the solutions, the specs, the other submissions
    and the grader's output directory do not exist inside.
``none`` mode (no bubblewrap: a warning is printed and recorded)
    Only the resource limits, the clean environment, the separate process and the private
    temporary working directory hold.  The child runs as the grader's user and *can* read
    any file that user can read (solutions included) and use the network.

In both modes: address-space, CPU-time, file-size and open-file limits (setrlimit), a
wall-clock limit enforced by killing the process group, output capped and captured by the
grader, and results that come back only as JSON lines on a file descriptor.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

CHILD_SCRIPT = Path(__file__).with_name("_child.py")


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits for one submission."""

    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 2 << 30
    file_bytes: int = 16 << 20
    tmpfs_bytes: int = 64 << 20
    open_files: int = 256
    cell_seconds: float = 20.0
    call_seconds: float = 10.0
    output_bytes: int = 64 << 10
    results_bytes: int = 32 << 20
    notebook_bytes: int = 32 << 20


@dataclasses.dataclass
class RunResult:
    """What came back from one sandboxed run (all of it untrusted data)."""

    results_text: str
    stdout: str
    stderr: str
    returncode: int | None
    timed_out: bool
    seconds: float
    mode: str


@functools.cache
def bwrap_works() -> bool:
    """True when ``bwrap`` exists and can create the namespaces the sandbox needs."""
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    try:
        p = subprocess.run(
            [exe, *_bwrap_mounts(), "--unshare-all", "--unshare-user", "--uid", "65534",
             "--die-with-parent", sys.executable, "-I", "-c", "pass"],
            capture_output=True,
            timeout=20,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return False
    return p.returncode == 0


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


def _python_roots() -> list[str]:
    """Directories the child's Python needs: base prefix, venv, and editable ``mlp``."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            roots.add(os.path.realpath(p))
    try:
        import mlp  # the student-facing package; the child may import it

        roots.add(os.path.dirname(os.path.realpath(mlp.__file__)))
    except ImportError:
        pass
    # keep only the outermost directories
    out: list[str] = []
    for r in sorted(roots, key=len):
        if not any(r == o or r.startswith(o.rstrip("/") + "/") for o in out):
            out.append(r)
    return out


def _bwrap_mounts() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for d in ("/lib", "/lib64", "/bin", "/sbin"):
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for r in _python_roots():
        if not r.startswith("/usr/"):
            args += ["--ro-bind", r, r]
    args += ["--proc", "/proc", "--dev", "/dev"]
    return args


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


def _child_env(mode: str) -> dict[str, str]:
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


def _preexec(limits: Limits) -> None:  # runs in the child between fork and exec
    os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = int(limits.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


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


def run_submission(
    notebook: Path,
    requests_file: Path,
    limits: Limits,
    mode: str,
    skip_cells: tuple[int, ...] = (),
) -> RunResult:
    """Execute one notebook in a sandboxed child and collect its raw output."""
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="autograde-") as tmp:
        tmp = Path(tmp)
        results_path = tmp / "results.jsonl"
        res_fd = os.open(results_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        env = _child_env(mode)
        runner_args = [
            "--results-fd", str(res_fd),
            "--cell-timeout", str(limits.cell_seconds),
            "--call-timeout", str(limits.call_seconds),
            "--skip-cells", ",".join(str(i) for i in skip_cells),
        ]  # fmt: skip
        if mode == "bwrap":
            cmd = [
                shutil.which("bwrap") or "bwrap",
                # /tmp first: the Python environment may itself live under /tmp (a CI
                # clone), and a later tmpfs would hide it
                "--size", str(limits.tmpfs_bytes), "--tmpfs", "/tmp",
                *_bwrap_mounts(),
                "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
                "--cap-drop", "ALL", "--die-with-parent", "--new-session",
                "--size", str(limits.tmpfs_bytes), "--tmpfs", "/submission",
                "--ro-bind", str(notebook), "/submission/submission.ipynb",
                "--ro-bind", str(requests_file), "/grader/requests.json",
                "--ro-bind", str(CHILD_SCRIPT), "/grader/child.py",
                "--chdir", "/submission", "--clearenv",
            ]  # fmt: skip
            font_cache = _mpl_cache()
            if font_cache is not None:
                cmd += ["--dir", "/tmp/mpl", "--ro-bind", str(font_cache),
                        f"/tmp/mpl/{font_cache.name}"]  # fmt: skip
            for k, v in env.items():
                cmd += ["--setenv", k, v]
            cmd += [
                sys.executable, "-I", "-B", "/grader/child.py",
                "--notebook", "/submission/submission.ipynb",
                "--requests", "/grader/requests.json",
                *runner_args,
            ]  # fmt: skip
            cwd = None
        else:
            work = tmp / "work"
            work.mkdir()
            (work / "mpl").mkdir()
            font_cache = _mpl_cache()
            if font_cache is not None:
                shutil.copyfile(font_cache, work / "mpl" / font_cache.name)
            shutil.copyfile(notebook, work / "submission.ipynb")
            shutil.copyfile(CHILD_SCRIPT, tmp / "child.py")
            env = {**env, "HOME": str(work), "MPLCONFIGDIR": str(work / "mpl")}
            cmd = [
                sys.executable, "-I", "-B", str(tmp / "child.py"),
                "--notebook", str(work / "submission.ipynb"),
                "--requests", str(requests_file),
                *runner_args,
            ]  # fmt: skip
            cwd = str(work)
        proc = None
        out_chunks: list[bytes] = []
        err_chunks: list[bytes] = []
        timed_out = False
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env=env,
                pass_fds=(res_fd,),
                preexec_fn=functools.partial(_preexec, limits),
                close_fds=True,
            )
            os.close(res_fd)
            res_fd = -1
            readers = [
                threading.Thread(
                    target=_drain, args=(proc.stdout, limits.output_bytes, out_chunks)
                ),
                threading.Thread(
                    target=_drain, args=(proc.stderr, limits.output_bytes, err_chunks)
                ),
            ]
            for th in readers:
                th.daemon = True
                th.start()
            try:
                proc.wait(timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(proc)
                proc.wait()
            for th in readers:
                th.join(timeout=5)
        finally:
            if res_fd >= 0:
                os.close(res_fd)
            if proc is not None:
                # also reaps anything the submission left running in its process group
                _kill_group(proc)
                proc.wait()
        size = results_path.stat().st_size
        with open(results_path, "rb") as f:
            data = f.read(min(size, limits.results_bytes))
        return RunResult(
            results_text=data.decode("utf-8", "replace"),
            stdout=b"".join(out_chunks).decode("utf-8", "replace"),
            stderr=b"".join(err_chunks).decode("utf-8", "replace"),
            returncode=proc.returncode if proc is not None else None,
            timed_out=timed_out,
            seconds=time.monotonic() - t0,
            mode=mode,
        )


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
