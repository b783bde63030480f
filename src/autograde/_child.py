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
    """Raised by SIGPROF when a cell or a call uses more CPU time than its limit."""


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


# cell magics whose body is ordinary Python that Jupyter runs: their body runs here too
_RUN_BODY = {"time", "timeit", "capture", "prun", "debug", "python", "python3"}
_HELP = re.compile(r"^\s*(\?{1,2}[\w.*]+|[\w.*]+\?{1,2})\s*(#.*)?$")
_BRACKETS = re.compile(r"""("[^"\\]*(\\.[^"\\]*)*"|'[^'\\]*(\\.[^'\\]*)*'|#.*$)""")


class _Events:
    def register(self, *a, **k):
        pass

    unregister = register


class _Shell:
    """The part of ``get_ipython()`` that IPython's transformed cells call."""

    events = _Events()

    def __init__(self, ns):
        self._ns = ns

    def run_line_magic(self, name, line, *a, **k):
        if name in _RUN_BODY:  # %time x = f(): the statement runs, as in Jupyter
            exec(compile(_transform(line), "<line magic>", "exec"), self._ns)  # noqa: S102
        return None  # %matplotlib, %pinfo (help ``x?``), %load_ext ...: no-ops

    def run_cell_magic(self, name, line, body):
        if name in _RUN_BODY:  # %%time, %%capture ...: the body still runs, as in Jupyter
            exec(compile(_transform(body), "<cell magic>", "exec"), self._ns)  # noqa: S102

    def system(self, *a, **k):
        return None  # ``!cmd``: there is no shell in grading

    getoutput = system

    def __getattr__(self, name):
        raise AttributeError(f"get_ipython().{name} is not available when grading")


def _transform(src):
    """The cell as Python, as Jupyter would run it; valid Python is never rewritten."""
    try:
        compile(src, "<cell>", "exec")
        return src
    except SyntaxError:
        pass
    except BaseException:  # noqa: BLE001 - e.g. a null byte: reported when it runs
        return src
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except Exception:  # noqa: BLE001 - no IPython: a careful transformation of our own
        return _fallback_transform(src)
    try:
        return TransformerManager().transform_cell(src)
    except Exception:  # noqa: BLE001
        return _fallback_transform(src)


def _fallback_transform(src):
    """Without IPython: a ``%%`` magic runs its body (or nothing); a line magic, ``!cmd``
    and ``name?`` at the start of a statement (outside brackets) become ``pass``."""
    lines = src.split("\n")
    first = lines[0].strip()
    if first.startswith("%%"):
        name = first[2:].split(" ", 1)[0]
        return _fallback_transform("\n".join(lines[1:])) if name in _RUN_BODY else "pass"
    out, depth, cont = [], 0, False
    for line in lines:
        s = line.strip()
        magic = (
            s.startswith("%") or (s.startswith("!") and not s.startswith("!=")) or _HELP.match(s)
        )
        if depth == 0 and not cont and magic:
            indent = line[: len(line) - len(line.lstrip())]
            name, _, rest = s[1:].partition(" ")
            run = s.startswith("%") and name in _RUN_BODY and rest.strip()
            out.append(indent + (rest.strip() if run else "pass"))
            continue
        out.append(line)
        bare = _BRACKETS.sub("", line)
        depth = max(
            0, depth + sum(bare.count(c) for c in "([{") - sum(bare.count(c) for c in ")]}")
        )
        cont = bare.rstrip().endswith("\\")
    return "\n".join(out)


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


def _arm(seconds):
    """Start (or with 0, stop) the CPU-time alarm: ITIMER_PROF counts the CPU this process
    uses, so a loaded machine never times out an honest cell."""
    signal.setitimer(signal.ITIMER_PROF, seconds)


def _disarm():
    try:
        _arm(0)
    except BaseException:  # noqa: BLE001 - the alarm may fire while disarming
        pass


def _emitter(out_fd):
    def emit(obj):
        try:
            line = json.dumps(obj, allow_nan=True) + "\n"
        except (TypeError, ValueError) as e:
            line = json.dumps({"event": "encode_error", "msg": str(e)[:200]}) + "\n"
        os.write(out_fd, line.encode("utf-8", "backslashreplace"))

    return emit


def _read_cells(path, emit):
    try:
        with open(path, "rb") as f:
            raw = f.read()
        nb = json.loads(raw.decode("utf-8"))
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise TypeError("'cells' is not a list")
    except BaseException as e:  # noqa: BLE001
        emit({"event": "notebook_error", "msg": _describe(e)})
        return None
    return cells


def _sources(cells):
    """(code cell number, source) for every code cell, numbered from 1."""
    i = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        i += 1
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if isinstance(src, str):
            yield i, src


def _run_cells(cells, ns, emit, cell_timeout, skip):
    for i, src in _sources(cells):
        head = next((ln.strip() for ln in src.split("\n") if ln.strip()), "")
        emit({"event": "cell_start", "i": i, "head": head[:60]})
        if i in skip:
            emit({"event": "cell_end", "i": i, "error": "skipped on the second run"})
            continue
        err = None
        t0 = time.monotonic()
        try:
            code = compile(_transform(src), f"<cell {i}>", "exec")
            _arm(cell_timeout)
            try:
                exec(code, ns)  # noqa: S102
            finally:
                _arm(0)
        except BaseException as e:  # noqa: BLE001 - SystemExit, KeyboardInterrupt included
            _disarm()
            err = _describe(e)
        emit(
            {"event": "cell_end", "i": i, "error": err, "seconds": round(time.monotonic() - t0, 3)}
        )


def _answer(req, ns, np):
    """The value to send for one request, or raise _Refusal with the error to send."""
    name, kind = req["name"], req["kind"]
    if name not in ns:
        raise _Refusal("missing")
    obj = ns[name]
    if kind != "call":
        return _encode(obj, np)
    if not callable(obj):
        raise _Refusal("not callable")
    return _encode(obj(*[_decode_arg(a, np) for a in req["args"]]), np)


class _Refusal(Exception):  # noqa: N818
    pass


def _run_requests(requests, ns, np, emit, call_timeout):
    timed_out = set()
    for req in requests:
        key, name = req["key"], req["name"]
        if name in timed_out:  # one infinite loop should not eat the whole time budget
            emit({"event": "result", "key": key, "error": "timeout"})
            continue
        try:
            _arm(call_timeout)
            try:
                enc = _answer(req, ns, np)
            finally:
                _arm(0)
            emit({"event": "result", "key": key, "value": enc})
        except _Refusal as e:
            emit({"event": "result", "key": key, "error": str(e)})
        except BaseException as e:  # noqa: BLE001
            _disarm()
            if isinstance(e, GradingTimeout):
                timed_out.add(name)
            emit({"event": "result", "key": key, "error": _describe(e)})


def main(argv):
    args = dict(zip(argv[1::2], argv[2::2], strict=False))
    emit = _emitter(int(args["--results-fd"]))
    skip = {int(i) for i in args.get("--skip-cells", "").split(",") if i}
    signal.signal(signal.SIGPROF, _on_alarm)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    sys.stdout = _CappedStream(1)
    sys.stderr = _CappedStream(2)
    cells = _read_cells(args["--notebook"], emit)
    if cells is None:
        return
    with open(args["--requests"], encoding="utf-8") as f:
        job = json.load(f)
    requests = job["requests"] if isinstance(job, dict) else job
    if isinstance(job, dict) and job.get("block"):
        import blocker  # beside this file in the sandbox (autograde/_blocker.py)

        blocker.block(job["block"])
    try:
        import numpy as np
    except Exception:  # noqa: BLE001
        np = None
    main_module = type(sys)("__main__")  # a fresh __main__ (the worker's is not the notebook's)
    sys.modules["__main__"] = main_module
    ns = main_module.__dict__
    ns["__builtins__"] = builtins
    shell = _Shell(ns)
    ns["display"] = lambda *a, **k: None
    ns["get_ipython"] = lambda: shell
    _run_cells(cells, ns, emit, float(args["--cell-timeout"]), skip)
    _run_requests(requests, ns, np, emit, float(args["--call-timeout"]))
    emit({"event": "done"})


def _decode_arg(a, np):
    """Rebuild one hidden input: ``{"__nd__": shape, "d": flat}`` is an array (the encoding
    the answers use too), ``{"__int__": n}`` an integer, else a number."""
    if isinstance(a, dict) and "__nd__" in a:
        return np.array(a["d"], dtype=float).reshape(a["__nd__"])
    if isinstance(a, dict) and "__int__" in a:
        return int(a["__int__"])
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
