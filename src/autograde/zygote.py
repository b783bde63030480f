"""The warm worker: imports numpy, matplotlib (Agg) and IPython once, then forks one fresh,
separately confined child per submission.

Runs as a script inside the sandbox (bubblewrap's namespaces in ``bwrap`` mode, none in
``fallback`` and ``none`` mode), beside ``child.py`` (:mod:`autograde._child`) and
``confine.py`` (:mod:`autograde.confine`), as root where the grader is root.  It imports
nothing of :mod:`autograde` and holds no secret: no reference answer, no other submission
(the notebook reaches the child as a file descriptor the zygote never reads).

Protocol, over a ``SOCK_SEQPACKET`` socket to the grader (one JSON object per message):
the zygote sends ``{"ready": [...preloaded modules]}``; then for each job the grader sends
the job with its file descriptors (notebook, requests, results, stdout, stderr, then one
``cgroup.procs`` per cgroup), the zygote forks and answers ``{"pid": n}``, and when the
child has ended ``{"rc": returncode}``.  ``{"kill": 1}`` from the grader kills the child.

The child, before running a line of the submission: joins its cgroups (writing ``0`` to
the descriptors: itself), lowers its priority, in ``bwrap`` mode makes a mount namespace
of its own with fresh sized tmpfs on ``/tmp``, ``/dev/shm`` and ``/submission``, copies the
notebook and the requests into its working directory, makes the Python installation
importable through descriptors (:func:`reroute_imports`), sets the rlimits, switches to
the leased uid (all capabilities go), asks to be killed with the zygote, installs the
seccomp filter (no sockets, no ptrace, no mount, ...), and closes every other descriptor.
"""

import ctypes
import json
import os
import resource
import select
import signal
import socket
import stat
import sys
import traceback

PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "IPython.core.inputtransformer2",
           "mlp", "autograde.checking", "autograde.variants")  # fmt: skip
SETUP_FAILED = 119  # the child's exit status when its confinement could not be set up
CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND = 0x1, 0x2, 0x4, 0x20, 0x1000
MS_REC, MS_PRIVATE = 0x4000, 0x40000
O_PATH = getattr(os, "O_PATH", 0o10000000)
PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def preload(paths):
    """Import what submissions use (errors ignored: the child will report them itself)."""
    sys.path[:0] = [p for p in paths if p not in sys.path]
    sys.path.append(os.path.dirname(os.path.abspath(__file__)))  # child.py, confine.py
    done = []
    for name in PRELOAD:
        try:
            __import__(name)
            done.append(name)
        except Exception:  # noqa: BLE001, S112 - e.g. no matplotlib: the child will say so
            continue
    import blocker  # noqa: F401 - loaded before any fork, like the runner (a confined
    import child  # noqa: F401 - child may no longer read this folder)
    import confine

    try:
        confine._libseccomp()
    except OSError:
        pass
    return done


def _check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def private_tmpfs(dirs, size):
    """A mount namespace of the child's own, with a fresh tmpfs of ``size`` bytes on each
    of ``dirs`` (needs CAP_SYS_ADMIN, which the uid switch drops afterwards).

    The folders Python imports from that lie under one of ``dirs`` (a virtual environment
    in a clone under ``/tmp``) are held open first and bound back, read-only, at the same
    place: else the fresh ``/tmp`` would hide them and a lazy import (``numpy.random``)
    would fail in the submission."""
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate")
    held = [(p, os.open(p, O_PATH | os.O_DIRECTORY)) for p in _import_roots_under(dirs)]
    opts = f"size={int(size)},mode=1777".encode()
    for d in dirs:
        _check(_libc.mount(b"tmpfs", d.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, opts), d)
    for path, fd in held:
        os.makedirs(path, mode=0o755, exist_ok=True)
        via, to = f"/proc/self/fd/{fd}".encode(), path.encode()
        _check(_libc.mount(via, to, None, MS_BIND | MS_REC, None), f"bind {path}")
        ro = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
        _check(_libc.mount(None, to, None, ro, None), f"read-only {path}")
        os.close(fd)


def _import_roots_under(dirs):
    """The outermost folders of ``sys.path`` and of the loaded modules under one of ``dirs``."""
    found = {os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)}
    for mod in list(sys.modules.values()):
        try:  # a package's __path__ (a list, a namespace path; some modules fake one)
            where = [p for p in getattr(mod, "__path__", None) or [] if isinstance(p, str)]
        except TypeError:
            continue
        found.update(os.path.realpath(p) for p in where if os.path.isdir(p))
    under = sorted(p for p in found for d in dirs if p.startswith(d.rstrip("/") + "/"))
    out = []
    for p in under:
        if not any(p == o or p.startswith(o + "/") for o in out):
            out.append(p)
    return out


def drop_capabilities():
    """Empty the effective, permitted and inheritable sets (``capset``)."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # two {effective, permitted, inheritable}, all zero
    _check(_libc.capset(header, data), "capset")


def _open_to_others(path):
    """True when a user who is neither owner nor group can pass through every folder."""
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [path, *_parents(path)])


def _parents(path):
    out = []
    while path not in ("/", ""):
        path = os.path.dirname(path)
        out.append(path)
    return out


def reroute_imports():
    """Folders of ``sys.path`` that another uid cannot reach (the Python installation under
    a closed ``/root``, a closed repository) are opened now and reached as
    ``/proc/self/fd/N``: the leased uid can import from them, and from nothing else there
    (``..`` above them is checked as usual).  Returns the descriptors to keep open."""
    moved = {}
    for p in sys.path:
        if p and os.path.isdir(p) and not _open_to_others(p):
            fd = os.open(p, os.O_RDONLY | os.O_DIRECTORY)
            moved[p.rstrip("/")] = f"/proc/self/fd/{fd}"
    if not moved:
        return []

    def new(path):
        for old, via in moved.items():
            if path == old or path.startswith(old + "/"):
                return via + path[len(old) :]
        return path

    sys.path[:] = [new(p) for p in sys.path]
    for mod in list(sys.modules.values()):
        where = getattr(mod, "__path__", None)
        if isinstance(where, list):
            where[:] = [new(p) if isinstance(p, str) else p for p in where]
    sys.path_importer_cache.clear()
    return [int(v.rsplit("/", 1)[1]) for v in moved.values()]


def _copy_in(fd, name):
    with os.fdopen(fd, "rb") as src, open(name, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def _rlimits(job):
    mem = job["memory_bytes"]
    with open("/proc/self/statm") as f:  # the zygote's imports are already mapped
        mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    setrl = resource.setrlimit
    setrl(resource.RLIMIT_AS, (mem + mapped, mem + mapped))
    cpu = int(job["cpu_seconds"]) + 1  # per process; the total is watched by the grader
    setrl(resource.RLIMIT_CPU, (cpu, cpu + 2))
    setrl(resource.RLIMIT_FSIZE, (job["file_bytes"], job["file_bytes"]))
    setrl(resource.RLIMIT_NOFILE, (job["open_files"], job["open_files"]))
    setrl(resource.RLIMIT_CORE, (0, 0))
    if job["uid"] is not None:  # counted per real uid: only meaningful for a uid of its own
        setrl(resource.RLIMIT_NPROC, (job["tasks"], job["tasks"]))


def confine_child(job, fds):
    """Everything between ``fork`` and the submission's first line; returns the results fd."""
    nb, req, res, out, err, *cgroups = fds
    os.setsid()
    for fd in cgroups:  # "0": the writing process itself
        os.write(fd, b"0")
        os.close(fd)
    os.setpriority(os.PRIO_PROCESS, 0, job["nice"])
    if job["tmpfs"]:
        private_tmpfs(job["tmpfs"], job["tmpfs_bytes"])
    uid = job["uid"]
    os.chdir(job["cwd"])
    keep = reroute_imports() if uid is not None else []
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)  # every capability goes with it
    else:  # no uid to switch to (a user namespace): drop the capabilities themselves
        drop_capabilities()
    os.umask(0o077)
    for d in job["make_dirs"]:
        os.makedirs(d, mode=0o700, exist_ok=True)
    _copy_in(nb, "submission.ipynb")
    _copy_in(req, "requests.json")
    _rlimits(job)
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    if job["seccomp"]:
        import confine

        confine.deny_syscalls()
    null = os.open("/dev/null", os.O_RDONLY)
    for src, dst in ((null, 0), (out, 1), (err, 2)):
        os.dup2(src, dst)
    _close_except({res, *keep})
    os.environ.clear()
    os.environ.update(job["env"])
    for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    return res


def _close_except(keep):
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def run_child(job, fds):
    """The forked child: confine, then run the notebook (never returns)."""
    try:
        try:
            res = confine_child(job, fds)
        except BaseException:  # noqa: BLE001 - not the student's fault: the grader says so
            os.write(fds[4], traceback.format_exc().encode())
            os._exit(SETUP_FAILED)
        import child

        argv = ["child", "--results-fd", str(res), "--notebook", "submission.ipynb",
                "--requests", "requests.json", *job["args"]]  # fmt: skip
        try:
            child.main(argv)
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
    finally:
        os._exit(0)


def reap_namespace():
    """Kill what the child left in this PID namespace (bwrap mode: ours alone)."""
    for p in os.listdir("/proc"):
        if p.isdigit() and int(p) not in (1, os.getpid()):
            try:
                os.kill(int(p), signal.SIGKILL)
            except OSError:
                pass


def wait_child(sock, pid, job):
    """Wait for the child, killing it when the grader asks; returns its return code."""
    while True:
        ready, _, _ = select.select([sock], [], [], 0.05)
        if ready:
            msg = sock.recv(1 << 16)
            if not msg or json.loads(msg).get("kill"):
                for kill in (os.killpg, os.kill):
                    try:
                        kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if job["reap_namespace"]:
                reap_namespace()
            return os.waitstatus_to_exitcode(status)
        if ready and not msg:
            sys.exit(0)  # the grader is gone


def serve(sock):
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 16, 64)
        except OSError:
            return
        if not msg:
            return
        job = json.loads(msg)
        pid = os.fork()
        if pid == 0:
            sock.close()
            run_child(job, fds)
        for fd in fds:
            os.close(fd)
        sock.send(json.dumps({"pid": pid}).encode())
        sock.send(json.dumps({"rc": wait_child(sock, pid, job)}).encode())


def main(argv):
    sock = socket.socket(fileno=int(argv[1]))
    if len(argv) > 3 and argv[3] == "--die-with-parent":
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    done = preload([p for p in argv[2].split(os.pathsep) if p])
    sock.send(json.dumps({"ready": done}).encode())
    serve(sock)


if __name__ == "__main__":
    main(sys.argv)
