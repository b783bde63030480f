"""The bubblewrap command line: what the sandboxed child sees, and which parts it can write.

Read-only: ``/usr`` (and the ``/lib``, ``/bin`` links), the Python installation, the virtual
environment, the ``mlp`` package, and the files the grader binds in.  Writable, each a
tmpfs of ``Limits.tmpfs_bytes``: ``/tmp``, ``/dev/shm`` and the working directory
``/submission``.  ``/`` and ``/dev`` are remounted read-only at the end, so no other place
can hold data.

As root, bubblewrap runs without a user namespace (it needs root's right to read the Python
installation wherever it lives, e.g. under ``/root``) and keeps only ``CAP_SETUID`` and
``CAP_SETGID``, with which the sandbox's first process switches to the uid leased for this
run (the capabilities vanish with the switch).  As any other user, bubblewrap makes a user
namespace and the child runs as uid 65534 inside it.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

from autograde.limits import Limits

_SYSTEM = ("/usr", "/lib", "/lib64", "/bin", "/sbin")


def python_roots() -> list[str]:
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
    # the notebooks' `check` and per-student numbers (autograde.checking, .variants); the
    # exercises' specs and solutions live outside the package and stay out of the sandbox
    roots.add(os.path.dirname(os.path.realpath(__file__)))
    # keep only the outermost directories
    out: list[str] = []
    for r in sorted(roots, key=len):
        if not any(r == o or r.startswith(o.rstrip("/") + "/") for o in out):
            out.append(r)
    return out


def python_executable() -> str:
    """This Python as the sandbox sees it: inside the virtual environment's real folder
    (the environment may be reached through a symbolic link that the sandbox lacks)."""
    venv_bin = os.path.join(os.path.realpath(sys.prefix), "bin")
    exe = os.path.join(venv_bin, os.path.basename(sys.executable))
    return exe if os.path.exists(exe) else sys.executable


def _parents(path: str, made: set[str]) -> list[str]:
    """``--dir`` arguments (mode 0755) for the missing ancestors of ``path``."""
    args: list[str] = []
    parts = Path(path).parent.parts[1:]
    for i in range(len(parts)):
        d = "/" + "/".join(parts[: i + 1])
        if d not in made:
            made.add(d)
            args += ["--perms", "0755", "--dir", d]
    return args


def _tmpfs(dest: str, size: int) -> list[str]:
    return ["--perms", "1777", "--size", str(size), "--tmpfs", dest]


def system_mounts(made: set[str]) -> list[str]:
    """Read-only system directories and the Python environment."""
    args = ["--ro-bind", "/usr", "/usr"]
    for d in _SYSTEM[1:]:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    made.update(_SYSTEM)
    for r in python_roots():
        if not r.startswith("/usr/"):
            args += [*_parents(r, made), "--ro-bind", r, r]
            made.add(r)
    return args


def bwrap_command(
    limits: Limits,
    as_root: bool,
    binds: list[tuple[Path, str]],
    writable_dirs: list[str],
    caps: tuple[str, ...] = (),
) -> list[str]:
    """Everything of the bubblewrap command before the program to run.

    ``binds`` are ``(host file, sandbox path)`` pairs mounted read-only; ``writable_dirs``
    are directories made inside ``/tmp`` (so they count against its size); ``caps`` are
    capabilities kept besides (as root) ``CAP_SETUID`` and ``CAP_SETGID``.
    """
    made = {"/tmp", "/submission"}
    # /tmp first: the Python environment may itself live under /tmp (a CI clone), and a
    # later tmpfs would hide it
    args = [shutil.which("bwrap") or "bwrap", *_tmpfs("/tmp", limits.tmpfs_bytes)]
    args += system_mounts(made)
    args += ["--proc", "/proc", "--dev", "/dev", *_tmpfs("/dev/shm", limits.tmpfs_bytes)]
    if as_root:
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL",
                 "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]  # fmt: skip
    else:
        args += ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
                 "--cap-drop", "ALL"]  # fmt: skip
    for cap in caps:
        args += ["--cap-add", cap]
    args += ["--die-with-parent", "--new-session"]
    args += _tmpfs("/submission", limits.tmpfs_bytes)
    for d in writable_dirs:
        args += [*_parents(d, made), "--perms", "1777", "--dir", d]
        made.add(d)
    for src, dest in binds:
        args += [*_parents(dest, made), "--ro-bind", str(src), dest]
    args += ["--remount-ro", "/dev", "--remount-ro", "/"]
    return args
