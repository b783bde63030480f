"""Confinement that holds without bubblewrap (as inside Docker, where namespaces are blocked).

Three pieces, applied to the child between ``fork`` and ``exec`` by the sandbox's
``fallback`` mode:

* :func:`deny_syscalls` installs a seccomp filter (through the system's ``libseccomp``,
  present on Debian and Ubuntu, Gradescope's images included) that makes ``socket()``
  fail, so the submission has no network of any kind, and refuses the calls a submission
  could use to reach other processes or to change its confinement (``ptrace``,
  ``process_vm_readv``, ``mount``, ``unshare``, ``setns``, ``bpf``, ...).  It sets
  ``no_new_privs`` first, which also stops set-uid programs from regaining privileges.
* the child runs as an unprivileged uid (``nobody``), so files readable only by the grader
  (mode 0700/0600) are out of its reach; :func:`readable_by_others` lists the grader files
  that would still be readable, and the sandbox refuses to grade until they are not.
* resource limits and the cgroup (in :mod:`autograde.sandbox`) as in every mode.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import stat
from pathlib import Path

# syscalls refused with EPERM (socket with EACCES); names unknown to the kernel are skipped
DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
    "chroot", "unshare", "setns", "bpf", "perf_event_open", "userfaultfd", "keyctl",
    "add_key", "request_key", "kexec_load", "open_by_handle_at", "io_uring_setup",
    "personality", "acct", "swapon", "swapoff", "reboot", "init_module", "finit_module",
)  # fmt: skip
_ALLOW = 0x7FFF0000  # SCMP_ACT_ALLOW
_PR_SET_NO_NEW_PRIVS = 38


def _errno_action(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)  # SCMP_ACT_ERRNO(code)


def _libseccomp() -> ctypes.CDLL:
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    lib = ctypes.CDLL(name, use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                     ctypes.c_uint]  # fmt: skip
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    return lib


def seccomp_available() -> bool:
    """True when libseccomp can be loaded (the filter itself is tested by the sandbox)."""
    try:
        _libseccomp()
    except OSError:
        return False
    return True


def deny_syscalls(denied: tuple[str, ...] = DENIED) -> None:
    """Install the filter in the calling process (irreversible; inherited by children).

    Raises
    ------
    OSError
        If libseccomp is missing or the kernel refuses the filter: the caller must then
        not run the submission in this mode.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    lib = _libseccomp()
    ctx = lib.seccomp_init(_ALLOW)
    if not ctx:
        raise OSError(errno.ENOMEM, "seccomp_init failed")
    try:
        rules = [("socket", errno.EACCES)] + [(n, errno.EPERM) for n in denied]
        for name, code in rules:
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            if nr < 0:  # not a syscall on this architecture
                continue
            rc = lib.seccomp_rule_add(ctx, _errno_action(code), nr, 0)
            if rc < 0:
                raise OSError(-rc, f"seccomp_rule_add({name}) failed")
        rc = lib.seccomp_load(ctx)
        if rc < 0:
            raise OSError(-rc, "seccomp_load failed")
    finally:
        lib.seccomp_release(ctx)


def readable_by_others(paths: list[Path]) -> list[Path]:
    """The files under ``paths`` that a user who is neither owner nor group could read.

    A file is readable by others when it has the ``o+r`` bit and every directory above it
    has ``o+x``.  Used to refuse a ``fallback`` run that would expose the solutions, the
    specs or the grader's output to the submission's unprivileged uid.
    """
    found: list[Path] = []
    for top in paths:
        top = Path(top).resolve()
        if not top.exists():
            continue
        if not _dirs_traversable(top.parent):
            continue
        files = [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file()]
        for f in files:
            if f.stat().st_mode & stat.S_IROTH and _dirs_traversable(f.parent, stop=top):
                found.append(f)
    return found


def _dirs_traversable(d: Path, stop: Path | None = None) -> bool:
    """True when others may pass through ``d`` and every directory above it."""
    for p in (d, *d.parents):
        if not os.stat(p).st_mode & stat.S_IXOTH:
            return False
        if stop is not None and p == stop.parent:
            break
    return True
