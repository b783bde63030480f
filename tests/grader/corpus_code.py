"""Source code the corpus puts in submissions: attacks, and the ways students write."""

from __future__ import annotations

# ---- attacks -------------------------------------------------------------------------------

PATCH_NUMPY = """
import numpy as np, numpy.testing, builtins
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.ndarray.__eq__ = None  # may fail: numpy types are immutable
"""

LIAR = """
import numpy as np

class Liar:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, *a, **k): return np.zeros(3)
    def __float__(self): return 0.0
    shape = (3, 3)

class LiarArray(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)

def forward(X, W1, b1, W2, b2):
    return Liar(), Liar(), Liar()

def squared_error(Y, T):
    return Liar()

def backward(X, T, W1, b1, W2, b2):
    return tuple(np.zeros(p.shape).view(LiarArray) for p in (W1, b1, W2, b2))
"""

HOOKS = """
import atexit, builtins, json, os, sys

# IPython hooks (there is no IPython kernel in the grader: this cell just errors)
try:
    get_ipython().events.register("post_run_cell", lambda r: setattr(r, "error_in_exec", None))
except NameError:
    pass
sys.excepthook = lambda *a: None
atexit.register(lambda: print('{"event": "done", "score": 100}'))

# hook the runner: pretend every answer is a perfect array, and write fake result lines on
# every file descriptor that might be the results channel
_real_dumps = json.dumps
def fake_dumps(obj, *a, **k):
    if isinstance(obj, dict) and obj.get("event") == "result":
        obj = {"event": "result", "key": obj.get("key"), "value": {"__nd__": [1], "d": [0.0]}}
    return _real_dumps(obj, *a, **k)
json.dumps = fake_dumps
for fd in range(3, 64):
    try:
        os.write(fd, b'{"event": "result", "key": "bwd0", "value": [1, 2, 3, 4]}\\n')
    except OSError:
        pass
try:
    import autograde  # not importable in the sandbox
    autograde.spec.compare = lambda *a, **k: None
except ImportError:
    pass
builtins.__import__ = builtins.__import__
"""

READ_FILES = r"""
import glob, os
found = []
for pattern in ["/work/*/exercises/*/*", "/work/*/*/exercises/*/*", "/*/exercises/*/*",
                "/root/*", "/tmp/*", "../*", "../../*", "/work/main/src/autograde/*",
                "/work/main/tests/grader/*", "/proc/1/root/work/*/exercises/*/*"]:
    try:
        found += glob.glob(pattern)[:20]
    except Exception:
        pass
print("ROOT", sorted(os.listdir("/")))
print("HOME", os.environ.get("HOME"), "ENV", sorted(os.environ))
print("FOUND", sorted(found))
import json
for path in found:
    if path.endswith("solution.ipynb") and "04" in path:
        nb = json.load(open(path))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                exec("".join(cell["source"]))
try:
    import urllib.request
    urllib.request.urlopen("http://pypi.org", timeout=2)
    print("NETWORK OK")
except Exception as e:
    print("NO NETWORK", type(e).__name__)
"""

STUBBORN_LOOP = """
while True:
    try:
        while True:
            pass
    except BaseException:
        pass
"""

MEMORY_BOMB = """
import numpy as np
chunks = []
try:
    while True:
        chunks.append(np.empty(256 << 20, dtype=np.uint8))
except MemoryError:
    print("bomb stopped after", len(chunks), "chunks of 256 MB")
big = np.ones(3 << 27)  # 3 GB, every page touched
"""

GIANT_OUTPUT = """
import os, sys
line = "spam " * 2000 + "\\n"
for _ in range(20000):
    sys.stdout.write(line)
    sys.stderr.write(line)
os.write(1, b"x" * (64 << 20))
"""

BACKGROUND = """
import os, subprocess, time
subprocess.Popen(["sleep", "987654"], start_new_session=True)
if os.fork() == 0:
    while True:
        time.sleep(1)
"""

EXIT = "import sys\nsys.exit(3)\n"
OS_EXIT = "import os\nos._exit(0)\n"


# ---- issue 13: honest notebooks written as students write them, names, encodings --------

BLACK_CONTINUATION = """
def same_shapes(a, b, c, d):
    return (
        a.shape
        != b.shape
        or c.shape
        != d.shape
    )
"""

FORGED_NUMBERS = """
import os
lines = [b'{"event": "cell_start", "i": 1e999, "head": "x"}',
         b'{"event": "cell_end", "i": %d, "error": null}' % (10**400)]
lines += [b'{"event": "result", "key": "loss%d", "value": 1e999}' % i for i in range(3)]
lines += [b'{"event": "result", "key": "loss%d", "value": %d}' % (i, 10**400) for i in range(3, 6)]
lines += [b'{"event": "result", "key": "fwd0", "value": NaN}']
for fd in range(3, 64):
    try:
        os.write(fd, b"\\n".join(lines) + b"\\n")
    except OSError:
        pass
"""

HOST_PATHS = """
import numpy
try:
    from mlp import no_such_name
except ImportError as e:
    where = str(e)
raise RuntimeError(where + " and " + numpy.__file__ + " in " + __import__("os").getcwd())
"""


def _wide_relu(units: int) -> str:
    """A correct ReLU bump (4 units) padded with ``units - 4`` units that output nothing."""
    return (
        f"s, n = 0.01, {units}\n"
        "W1 = np.ones((n, 1))\n"
        "b1 = np.zeros(n)\n"
        "b1[:4] = [-(a - s), -a, -c, -(c + s)]\n"
        "W2 = np.zeros((1, n))\n"
        "W2[0, :4] = np.array([1, -1, -1, 1]) / s\n"
        "relu_params = [(W1, b1), (W2, np.zeros(1))]\n"
        'relu_activations = ["relu", "identity"]\n'
    )
