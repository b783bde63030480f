"""Training speed of ``mlp`` against PyTorch CPU and a per-example backprop loop.

Task: one epoch of a 784-50-10 network (sigmoid hidden layer, softmax cross-entropy),
plain SGD with minibatches of 100 and learning rate 0.1, over 60,000 random MNIST-shaped
examples (seeded), in float64 and float32. The three implementations

(a) ``mlp.sgd`` (vectorised over the minibatch),
(b) a per-example loop in the style of Nielsen's ``network.py`` (column vectors, one
    backward pass per example, gradients summed over the minibatch; defined below, not part
    of ``mlp``), timed on a subset of the epoch and scaled up to 60,000 examples,
(c) PyTorch CPU (``nn.Linear`` + ``nn.Sigmoid``, ``cross_entropy``, ``optim.SGD``) with the
    same number of threads,

start from the same weights and visit the minibatches in the same order; they are run
interleaved, ``--reps`` times each, and the medians are reported. Before timing, a
correctness check trains (a) and (c) for one epoch in float64 and compares the weights.

A second, smaller number is reported too (it used to be a wall-clock assertion in the unit
tests, which have no timing assertions now): the chapter-sized run of ``mlp.sgd`` on the
8x8 digits, 64-32-10, 40 epochs of minibatches of 16 with a validation set, as in
``tests/unit/test_train.py::test_digits_reach_95_percent_quickly``.

Usage::

    .venv/bin/python benchmarks/bench_training.py [--quick] [--threads N] [--reps R]

Writes the table to ``benchmarks/results/training.md``.
"""

from __future__ import annotations

import argparse
import os
import sys

# The thread count must be fixed before numpy/torch load their BLAS.
_parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_parser.add_argument("--quick", action="store_true", help="3 reps, smaller loop subset")
_parser.add_argument("--threads", type=int, default=1, help="BLAS/torch threads (default 1)")
_parser.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 3)")
_parser.add_argument("--out", default=None, help="markdown output path")
ARGS = _parser.parse_args()
THREADS = max(1, ARGS.threads)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import mlp  # noqa: E402
from mlp.activations import stable_sigmoid  # noqa: E402

N_EXAMPLES = 60_000
SIZES = [784, 50, 10]
BATCH = 100
LR = 0.1
SEED = 0
HERE = Path(__file__).resolve().parent


def make_data(dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """Random MNIST-shaped data: pixels uniform in [0, 1], labels 0..9 (seeded)."""
    rng = np.random.default_rng(SEED)
    X = rng.random((N_EXAMPLES, 784)).astype(dtype)
    t = rng.integers(0, 10, N_EXAMPLES)
    return X, t


def initial_params(dtype: type) -> list[tuple[np.ndarray, np.ndarray]]:
    net = mlp.MLP(SIZES, ["sigmoid", "identity"], seed=SEED, dtype=dtype)
    return [(W.copy(), b.copy()) for W, b in net.params()]


def epoch_order() -> np.ndarray:
    """The minibatch order mlp.sgd(seed=SEED) uses for its first epoch."""
    return np.random.default_rng(SEED).permutation(N_EXAMPLES)


# ---- (a) mlp -------------------------------------------------------------------------------


def run_mlp(X: np.ndarray, t: np.ndarray, params: list) -> tuple[float, list]:
    net = mlp.MLP.from_params(params, ["sigmoid", "identity"], dtype=X.dtype)
    start = time.perf_counter()
    mlp.sgd(net, X, t, loss="cross_entropy", lr=LR, epochs=1, batch_size=BATCH, seed=SEED)
    return time.perf_counter() - start, net.params()


# ---- (b) a per-example loop in the style of Nielsen's network.py ---------------------------


def run_loop(X: np.ndarray, t: np.ndarray, params: list, n_batches: int) -> tuple[float, list]:
    """Per-example backprop on the first ``n_batches`` minibatches; returns (seconds, params)."""
    (W1, b1), (W2, b2) = [(W.copy(), b.copy()[:, None]) for W, b in params]
    order = epoch_order()
    eye = np.eye(10, dtype=X.dtype)
    start = time.perf_counter()
    for k in range(n_batches):
        idx = order[k * BATCH : (k + 1) * BATCH]
        nW1, nb1 = np.zeros_like(W1), np.zeros_like(b1)
        nW2, nb2 = np.zeros_like(W2), np.zeros_like(b2)
        for i in idx:
            x = X[i][:, None]  # a column vector (784, 1)
            # forward
            z1 = W1 @ x + b1
            h = stable_sigmoid(z1)
            z2 = W2 @ h + b2
            p = np.exp(z2 - z2.max())
            p /= p.sum()
            # backward (bar notation), one example
            z2_bar = p - eye[t[i]][:, None]
            nW2 += z2_bar @ h.T
            nb2 += z2_bar
            h_bar = W2.T @ z2_bar
            z1_bar = h_bar * h * (1 - h)
            nW1 += z1_bar @ x.T
            nb1 += z1_bar
        W1 -= (LR / len(idx)) * nW1
        b1 -= (LR / len(idx)) * nb1
        W2 -= (LR / len(idx)) * nW2
        b2 -= (LR / len(idx)) * nb2
    elapsed = time.perf_counter() - start
    return elapsed, [(W1, b1[:, 0]), (W2, b2[:, 0])]


# ---- the digits run of the unit tests, timed -------------------------------------------------


def run_digits() -> tuple[float, float]:
    """Seconds and final validation accuracy of the 64-32-10 digits run (40 epochs)."""
    Xtr, Xte, ttr, tte = mlp.load_digits_split(test_fraction=0.2, seed=0)
    net = mlp.MLP([64, 32, 10], ["sigmoid", "identity"], seed=0)
    start = time.perf_counter()
    h = mlp.sgd(net, Xtr, ttr, lr=0.5, epochs=40, batch_size=16, seed=0, X_val=Xte, T_val=tte)
    return time.perf_counter() - start, h.val_accuracy[-1]


# ---- (c) PyTorch ---------------------------------------------------------------------------


def run_torch(torch, X_t, t_t, order_t, params: list) -> tuple[float, list]:  # noqa: ANN001
    nn = torch.nn
    dtype = X_t.dtype
    model = nn.Sequential(nn.Linear(784, 50), nn.Sigmoid(), nn.Linear(50, 10)).to(dtype)
    with torch.no_grad():
        for lin, (W, b) in zip((model[0], model[2]), params, strict=True):
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.functional.cross_entropy
    start = time.perf_counter()
    for s in range(0, N_EXAMPLES, BATCH):
        idx = order_t[s : s + BATCH]
        xb, tb = X_t[idx], t_t[idx]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), tb)
        loss.backward()
        opt.step()
    elapsed = time.perf_counter() - start
    out = [
        (lin.weight.detach().numpy().copy(), lin.bias.detach().numpy().copy())
        for lin in (model[0], model[2])
    ]
    return elapsed, out


def max_diff(a: list, b: list) -> float:
    return max(
        float(np.max(np.abs(x - y)))
        for pa, pb in zip(a, b, strict=True)
        for x, y in zip(pa, pb, strict=True)
    )


def threadpool_info(torch) -> str:  # noqa: ANN001
    lines = [f"threads requested: {THREADS} (OMP/OPENBLAS/MKL_NUM_THREADS, torch.set_num_threads)"]
    lines.append(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    try:
        import threadpoolctl

        for pool in threadpoolctl.threadpool_info():
            api, version, n = pool.get("internal_api"), pool.get("version"), pool.get("num_threads")
            lines.append(f"{api} {version} threads={n}")
    except ImportError:
        cfg = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
        blas = cfg.get("Build Dependencies", {}).get("blas", {}) if isinstance(cfg, dict) else {}
        lines.append(f"numpy BLAS: {blas.get('name', '?')} {blas.get('version', '')}".strip())
    if torch is not None:
        lines.append(f"torch threads: {torch.get_num_threads()}")
    return "; ".join(lines)


def main() -> int:
    quick = ARGS.quick
    reps = ARGS.reps or (3 if quick else 5)
    loop_batches = 10 if quick else 30  # 1,000 or 3,000 examples, scaled up to 60,000
    scale = (N_EXAMPLES // BATCH) / loop_batches
    try:
        import torch

        torch.set_num_threads(THREADS)
    except ImportError:  # pragma: no cover - torch is a test dependency
        torch = None
        print("torch is not installed: PyTorch column skipped")

    load_before = _loadavg()
    order = epoch_order()
    rows = []
    for dtype in (np.float64, np.float32):
        X, t = make_data(dtype)
        params = initial_params(dtype)
        if torch is not None:
            X_t, t_t = torch.from_numpy(X), torch.from_numpy(t)
            order_t = torch.from_numpy(order)
        # correctness first (not timed): same start, same order -> same weights
        _, p_mlp = run_mlp(X, t, params)
        diff_torch = float("nan")
        if torch is not None:
            _, p_torch = run_torch(torch, X_t, t_t, order_t, params)
            diff_torch = max_diff(p_mlp, p_torch)
        _, p_loop = run_loop(X, t, params, 3)
        ref = mlp.MLP.from_params(params, ["sigmoid", "identity"], dtype=dtype)
        for k in range(3):
            idx = order[k * BATCH : (k + 1) * BATCH]
            mlp.train_step(ref, X[idx], t[idx], "cross_entropy", LR)
        diff_loop = max_diff(ref.params(), p_loop)
        print(
            f"{np.dtype(dtype).name}: max |W_mlp - W_torch| after one epoch = {diff_torch:.2e}; "
            f"max |W_mlp - W_loop| after 3 minibatches = {diff_loop:.2e}",
            flush=True,
        )
        times: dict[str, list[float]] = {"mlp": [], "torch": [], "loop": []}
        for r in range(reps):  # interleaved
            times["mlp"].append(run_mlp(X, t, params)[0])
            if torch is not None:
                times["torch"].append(run_torch(torch, X_t, t_t, order_t, params)[0])
            times["loop"].append(run_loop(X, t, params, loop_batches)[0] * scale)
            print(
                f"  rep {r + 1}/{reps}: mlp {times['mlp'][-1]:.3f} s"
                + (f", torch {times['torch'][-1]:.3f} s" if times["torch"] else "")
                + f", loop {times['loop'][-1]:.2f} s (scaled)",
                flush=True,
            )
        med = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}
        rows.append((np.dtype(dtype).name, med, diff_torch, diff_loop))

    digits = [run_digits() for _ in range(reps)]
    digits_s = statistics.median(d[0] for d in digits)
    digits_acc = digits[0][1]
    print(f"digits 64-32-10, 40 epochs: median {digits_s:.2f} s, val accuracy {digits_acc:.3f}")

    head = [
        "| dtype | mlp (s) | PyTorch (s) | per-example loop (s, scaled) | mlp / PyTorch | "
        "loop / mlp | weights vs PyTorch |",
        "|---|---|---|---|---|---|---|",
    ]
    body = []
    ok = True
    for name, med, dt_, _ in rows:
        r_torch = med["mlp"] / med["torch"]
        r_loop = med["loop"] / med["mlp"]
        ok &= bool(r_torch <= 0.8 or np.isnan(r_torch)) and r_loop >= 10
        body.append(
            f"| {name} | {med['mlp']:.3f} | {med['torch']:.3f} | {med['loop']:.2f} | "
            f"{r_torch:.2f}x | {r_loop:.0f}x | max diff {dt_:.1e} |"
        )
    table = "\n".join(head + body)
    cpu = _cpu_name()
    command = (
        ".venv/bin/python benchmarks/bench_training.py"
        + (" --quick" if quick else "")
        + f" --threads {THREADS} --reps {reps}"
    )
    info = threadpool_info(torch)
    versions = f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else "")
    md = f"""# Training speed: mlp vs PyTorch vs a per-example loop

One epoch of 784-50-10 (sigmoid hidden layer, softmax cross-entropy), SGD with minibatches
of 100 and lr 0.1, over 60,000 random MNIST-shaped examples; float64 and float32. Medians of
{reps} interleaved repetitions. All three start from the same weights and use the same
minibatch order. The per-example loop (Nielsen's network.py style, column vectors) is timed on
{loop_batches * BATCH:,} examples and scaled by {scale:g} to a full epoch. mlp's time includes
its one-off validation of the whole data set.

{table}

Targets: mlp <= 0.8x PyTorch, per-example loop >= 10x slower than mlp:
**{"met" if ok else "NOT met"}**.

Chapter-sized run (the 8x8 digits, 64-32-10 sigmoid, 40 epochs of minibatches of 16, with a
validation set; formerly a wall-clock assertion in the unit tests): median
**{digits_s:.2f} s** over {reps} runs, validation accuracy {digits_acc:.3f}.

Environment: {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}, {cpu}, {os.cpu_count()} cores,
Python {platform.python_version()}, {versions}. {info}.
Load average (1 min) before/after the run: {load_before} / {_loadavg()} (other jobs on the
machine make the times noisy; the medians of interleaved runs are meant to absorb that).

Command: `{command}`
"""
    out = Path(ARGS.out) if ARGS.out else HERE / "results" / "training.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(md)
    print()
    print(table)
    print(f"\ntargets {'met' if ok else 'NOT met'}; written to {out}")
    return 0


def _loadavg() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
