"""The pieces of the sandbox's fallback mode (no bubblewrap): the seccomp filter and the
check that the grader's files are out of an unprivileged submission's reach."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograde import confine

needs_seccomp = pytest.mark.skipif(not confine.seccomp_available(), reason="no libseccomp")

PROBE = r"""
import ctypes, errno, socket
import numpy as np
out = {}
for fam, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_DGRAM),
                  (socket.AF_UNIX, socket.SOCK_STREAM)):
    try:
        socket.socket(fam, kind)
        out[int(fam)] = "open"
    except PermissionError:
        out[int(fam)] = "refused"
a, b = socket.socketpair()  # local, connects nowhere: allowed
a.send(b"x"); assert b.recv(1) == b"x"
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.unshare(0x10000000)  # CLONE_NEWUSER
out["unshare"] = (rc, ctypes.get_errno() == errno.EPERM)
out["numpy"] = float(np.ones(3).sum())
print(out)
"""


@needs_seccomp
def test_filter_closes_the_network_and_namespaces_but_not_numpy():
    p = subprocess.run(
        [sys.executable, "-I", "-c", PROBE],
        preexec_fn=confine.deny_syscalls,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    out = eval(p.stdout)  # noqa: S307 - our own probe's dict
    assert out[2] == out[10] == out[1] == "refused"
    assert out["unshare"] == (-1, True)
    assert out["numpy"] == 3.0


@needs_seccomp
def test_without_the_filter_the_probe_sees_a_network():
    p = subprocess.run([sys.executable, "-I", "-c", PROBE], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert eval(p.stdout)[2] == "open"  # noqa: S307 - the control: the probe can tell


@pytest.fixture
def open_dir():
    """A folder others may enter (pytest's own tmp_path sits under a 0700 folder)."""
    d = Path(tempfile.mkdtemp(dir="/tmp"))
    yield d
    shutil.rmtree(d)


def test_readable_by_others(open_dir):
    tmp_path = open_dir
    secret = tmp_path / "exercises" / "04" / "solution.ipynb"
    secret.parent.mkdir(parents=True)
    secret.write_text("{}")
    spec = secret.with_name("spec.py")
    spec.write_text("")
    os.chmod(tmp_path, 0o755)
    os.chmod(secret, 0o644)
    os.chmod(spec, 0o600)
    assert confine.readable_by_others([tmp_path / "exercises"]) == [secret]
    os.chmod(secret.parent, 0o750)  # a closed folder protects what is inside
    assert confine.readable_by_others([tmp_path / "exercises"]) == []
    os.chmod(secret.parent, 0o755)
    os.chmod(tmp_path, 0o700)  # so does a closed folder above
    assert confine.readable_by_others([tmp_path / "exercises"]) == []
