"""Latency of one live playground step: a minibatch update plus the full redraw.

What a reader waits for after pressing "step" (or at each tick of "play", per minibatch):
:meth:`mlp.figures.playground.model.Playground.step` (one :func:`mlp.train.train_step`) followed by
:func:`mlp.figures.playground.view.render_html` at the TensorFlow Playground's resolutions (the
output's decision map on a 100 x 100 grid, each unit's small map on 10 x 10), which is the
HTML the live widget sends to the browser. The widget's own message round trip is not
included (it is the same for any widget). Headless: no browser, no kernel.

Configurations: the Playground's default (2 features, 4-2 tanh), a spiral with four layers
of 8, and the largest network the Playground allows (7 features, 6 layers of 8). For each,
the steps are interleaved with the other configurations' steps (the machine is shared),
and the median and 90th percentile are reported, with "error signals" on the edges (the
step mode) and with weights (the play mode).

Usage: ``python benchmarks/bench_playground.py [--repeats N]``; writes
``benchmarks/results/playground.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from mlp.figures.playground.config import FEATURES, PlaygroundConfig
from mlp.figures.playground.model import Playground
from mlp.figures.playground.view import render_html

HERE = Path(__file__).resolve().parent
BUDGET_MS = 50.0

CONFIGS = {
    "default: circle, x1 x2, 4-2 tanh": PlaygroundConfig(),
    "spiral, x1 x2, 8-8-8-8 tanh": PlaygroundConfig(dataset="spiral", hidden=(8, 8, 8, 8), lr=0.1),
    "largest: 7 features, 6 x 8 relu": PlaygroundConfig(
        dataset="spiral", features=tuple(FEATURES), hidden=(8,) * 6, activation="relu", lr=0.01
    ),
}


def one_step(pg: Playground, show: str) -> tuple[float, float, int]:
    """Time (ms) of the update and of the redraw, and the HTML size (bytes)."""
    t0 = time.perf_counter()
    pg.step()
    t1 = time.perf_counter()
    page = render_html(pg, show=show, resolution=100, node_resolution=10)
    t2 = time.perf_counter()
    return (t1 - t0) * 1e3, (t2 - t1) * 1e3, len(page.encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200, help="steps per configuration")
    args = parser.parse_args()
    pgs = {name: Playground(c) for name, c in CONFIGS.items()}
    for pg in pgs.values():  # warm up caches (grid features, first PNG encodes)
        one_step(pg, "gradients")
    times: dict[tuple[str, str], list[tuple[float, float, int]]] = {
        (n, s): [] for n in pgs for s in ("gradients", "weights")
    }
    for _ in range(args.repeats):
        for name, pg in pgs.items():
            for show in ("gradients", "weights"):
                times[name, show].append(one_step(pg, show))
    rows = []
    worst = 0.0
    for (name, show), ts in times.items():
        a = np.array(ts)
        total = a[:, 0] + a[:, 1]
        med = float(np.median(total))
        worst = max(worst, med)
        rows.append(
            f"| {name} | {'error signals' if show == 'gradients' else 'weights'} | "
            f"{np.median(a[:, 0]):.2f} | {np.median(a[:, 1]):.1f} | **{med:.1f}** | "
            f"{np.percentile(total, 90):.1f} | {np.median(a[:, 2]) / 1024:.0f} |"
        )
        print(rows[-1], flush=True)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    text = "\n".join(
        [
            "# Playground step latency",
            "",
            "One live step = one minibatch update (`Playground.step`, i.e. `mlp.train.train_step`)"
            " + the full redraw (`render_html`: decision map 100 x 100, unit maps 10 x 10, edges,"
            " points, loss curves), called headless. Budget: "
            f"{BUDGET_MS:.0f} ms median. Each configuration ran {args.repeats} steps per mode,"
            " interleaved with the others.",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared; load average "
            f"{os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}, numpy "
            f"{np.__version__}, OPENBLAS_NUM_THREADS={threads}.",
            "",
            "| configuration | edges show | update ms | redraw ms | total ms (median) "
            "| total ms (p90) | HTML KiB |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Worst median: {worst:.1f} ms, "
            + ("within" if worst < BUDGET_MS else "OVER")
            + f" the {BUDGET_MS:.0f} ms budget.",
            "",
        ]
    )
    out = HERE / "results" / "playground.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(text)
    return 0 if worst < BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
