"""The runner that executes ONE submission, inside the sandbox.

This file is copied (read-only) into the sandbox and run as a script by a fresh Python
(``python -I child.py ...``).  It imports nothing from :mod:`autograde` and nothing from the
course repository: inside the sandbox neither exists.  It only

1. parses the submitted notebook (invalid JSON is reported, not raised),
2. executes every code cell in order, each under a time limit, errors recorded and skipped,
3. evaluates the requests (``call`` a graded function on hidden inputs, or read a graded
   ``value``) each under a time limit, and
4. writes one JSON line per event to the results file descriptor.

Nothing here is trusted by the grader: student code runs in this same process and may
replace any of these functions.  The grader decodes the lines with a strict schema and
judges plain numbers in its own process, so the worst a submission can do is send wrong
numbers for itself.
"""

import builtins
import json
import math
import os
import re
import signal
import sys
import time
import traceback

MAX_STR = 2000
MAX_ELEMENTS = 1_000_000
STREAM_CAP = 1 << 20


class GradingTimeout(BaseException):  # noqa: N818 - not an error of the student's code
    """Raised by SIGALRM when a cell or a call runs past its time limit."""


def _on_alarm(signum, frame):
    raise GradingTimeout()


class _CappedStream:
    """A text stream that keeps writing to ``fd`` until ``cap`` bytes, then drops output."""

    def __init__(self, fd):
        self._fd = fd
        self._left = STREAM_CAP
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, s):
        if not isinstance(s, str):
            s = str(s)
        if self._left > 0:
            b = s.encode("utf-8", "replace")[: self._left]
            self._left -= len(b)
            try:
                os.write(self._fd, b)
            except OSError:
                self._left = 0
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def writable(self):
        return True


_MAGIC = re.compile(r"^(\s*)[%!].*$")


def _clean_source(src):
    """Drop IPython-only syntax: a ``%%`` cell magic skips the cell, line magics become pass."""
    if src.lstrip().startswith("%%"):
        return None
    return "\n".join(_MAGIC.sub(r"\1pass", line) for line in src.split("\n"))


def _encode(x, np, depth=0, budget=None):
    """Encode a result as plain JSON data, refusing everything that is not a number/array."""
    if budget is None:
        budget = [MAX_ELEMENTS]
    if depth > 8:
        return {"__unsupported__": "nesting deeper than 8"}
    t = type(x)
    if x is None:
        return None
    if t is bool:
        return x
    if t is int:
        return float(x) if abs(x) < 2**63 else {"__unsupported__": "int too large"}
    if t is float:
        return x
    if t is str:
        return {"__str__": x[:MAX_STR]}
    if t in (list, tuple):
        if len(x) > 10_000:
            return {"__unsupported__": f"{t.__name__} of length {len(x)}"}
        return [_encode(v, np, depth + 1, budget) for v in x]
    if t is dict:
        out = {}
        for k, v in list(x.items())[:1000]:
            if type(k) is not str:
                return {"__unsupported__": "dict with non-string keys"}
            out[k[:MAX_STR]] = _encode(v, np, depth + 1, budget)
        return {"__map__": out}
    if np is not None and isinstance(x, np.generic):
        if x.dtype.kind in "biuf":
            return x.item() if x.dtype.kind == "b" else float(x.item())
        return {"__unsupported__": f"numpy scalar of dtype {x.dtype}"}
    if np is not None and isinstance(x, np.ndarray):
        arr = np.ndarray.view(x, np.ndarray)
        if arr.dtype.kind not in "biuf":
            return {"__unsupported__": f"array of dtype {arr.dtype}"}
        if arr.size > budget[0]:
            return {"__unsupported__": f"array with {arr.size} elements"}
        budget[0] -= arr.size
        flat = [float(v) for v in arr.astype(float).ravel()]
        return {"__nd__": list(arr.shape), "d": flat}
    return {"__unsupported__": f"object of type {t.__name__}"[:200]}


def _describe(exc):
    """One line: the exception type and message (never the full traceback)."""
    if isinstance(exc, GradingTimeout):
        return "timeout"
    try:
        msg = str(exc)
    except BaseException:  # noqa: BLE001 - a lying __str__
        msg = "<unprintable>"
    return f"{type(exc).__name__}: {msg}"[:MAX_STR]


def main(argv):
    args = dict(zip(argv[1::2], argv[2::2], strict=False))
    out_fd = int(args["--results-fd"])
    cell_timeout = float(args["--cell-timeout"])
    call_timeout = float(args["--call-timeout"])
    skip = {int(i) for i in args.get("--skip-cells", "").split(",") if i}
    real_stdout = sys.stdout

    def emit(obj):
        try:
            line = json.dumps(obj, allow_nan=True) + "\n"
        except (TypeError, ValueError) as e:
            line = json.dumps({"event": "encode_error", "msg": str(e)[:200]}) + "\n"
        os.write(out_fd, line.encode())

    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    sys.stdout = _CappedStream(1)
    sys.stderr = _CappedStream(2)
    del real_stdout

    try:
        with open(args["--notebook"], "rb") as f:
            raw = f.read()
        nb = json.loads(raw.decode("utf-8"))
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise TypeError("'cells' is not a list")
    except BaseException as e:  # noqa: BLE001
        emit({"event": "notebook_error", "msg": _describe(e)})
        return
    del raw

    with open(args["--requests"], encoding="utf-8") as f:
        requests = json.load(f)

    try:
        import numpy as np
    except Exception:  # noqa: BLE001
        np = None

    ns = {"__name__": "__main__", "__builtins__": builtins}
    ns["display"] = lambda *a, **k: None
    code_index = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        code_index += 1
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if not isinstance(src, str):
            continue
        src = _clean_source(src)
        head = next((ln.strip() for ln in src.split("\n") if ln.strip()), "") if src else ""
        emit({"event": "cell_start", "i": code_index, "head": head[:60]})
        if src is None:
            emit({"event": "cell_end", "i": code_index, "error": "skipped: a %% cell magic"})
            continue
        if code_index in skip:
            emit({"event": "cell_end", "i": code_index, "error": "skipped on the second run"})
            continue
        err = None
        t0 = time.monotonic()
        try:
            signal.setitimer(signal.ITIMER_REAL, cell_timeout)
            try:
                exec(compile(src, f"<cell {code_index}>", "exec"), ns)  # noqa: S102
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException as e:  # noqa: BLE001 - SystemExit, KeyboardInterrupt included
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
            except BaseException:  # noqa: BLE001
                pass
            err = _describe(e)
        emit(
            {
                "event": "cell_end",
                "i": code_index,
                "error": err,
                "seconds": round(time.monotonic() - t0, 3),
            }
        )

    timed_out = set()
    for req in requests:
        key, name, kind = req["key"], req["name"], req["kind"]
        if name in timed_out:  # one infinite loop should not eat the whole time budget
            emit({"event": "result", "key": key, "error": "timeout"})
            continue
        try:
            signal.setitimer(signal.ITIMER_REAL, call_timeout)
            try:
                if name not in ns:
                    emit({"event": "result", "key": key, "error": "missing"})
                    continue
                obj = ns[name]
                if kind == "call":
                    if not callable(obj):
                        emit({"event": "result", "key": key, "error": "not callable"})
                        continue
                    call_args = [_decode_arg(a, np) for a in req["args"]]
                    val = obj(*call_args)
                else:
                    val = obj
                enc = _encode(val, np)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            emit({"event": "result", "key": key, "value": enc})
        except BaseException as e:  # noqa: BLE001
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
            except BaseException:  # noqa: BLE001
                pass
            if isinstance(e, GradingTimeout):
                timed_out.add(name)
            emit({"event": "result", "key": key, "error": _describe(e)})
    emit({"event": "done"})


def _decode_arg(a, np):
    """Rebuild one hidden input: ``{"nd": shape, "d": flat}`` is an array, else a number."""
    if isinstance(a, dict) and "nd" in a:
        arr = np.array(a["d"], dtype=float).reshape(a["nd"])
        return arr
    if isinstance(a, dict) and "int" in a:
        return int(a["int"])
    if isinstance(a, float) and not math.isfinite(a):
        return a
    return a


if __name__ == "__main__":
    try:
        main(sys.argv)
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    finally:
        os._exit(0)
