"""Update latency of the expressive-power figures (``mlp.figures.bumps``, chapters 05-06), headless.

One live update of a figure is what happens when a reader moves a slider in Jupyter:
``Frames.frame_html(fast=True)`` recomputes the network, updates the persistent figure's
artists and encodes a PNG (compression level 1). The target is a median under 50 ms.

For each widget the benchmark cycles through control values the way a drag does (each call
changes one control), and reports the median and 90th percentile of

* ``update``: ``Frames.frame_html(fast=True)``, the whole live callback;
* ``draw``: ``Frames.render_frame``, the drawing alone (network + artists' data, no
  rasterizing);
* ``static frame``: ``Frames.frame_html()``, what the book build pays per frame.

The softened-XOR figure of chapter 05 is timed too when that chapter defines
``xor_explorer`` as a :class:`~mlp.figures.frames.Frames` (it is skipped otherwise).

As a reference it times, interleaved with the bump builder's update, the naive way of
redrawing the same picture: a new constrained-layout figure per update, every artist
created again, default PNG compression (what ``interactive_output`` + ``plt.show`` does).

Usage::

    .venv/bin/python benchmarks/bench_widgets.py [--reps N]

Writes the table to ``benchmarks/results/widgets.md``.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from mlp.bump_networks import hidden_contributions
from mlp.figures.bump_challenge import DesignChallenge
from mlp.figures.bumps import UNIT_COLOURS, BumpBuilder, SigmoidStep
from mlp.figures.frames import Frames

HERE = Path(__file__).resolve().parent
TARGET_MS = 50.0


def drag(widget_values: dict[str, list], n: int) -> list[dict]:
    """``n`` successive states, each moving one control to its next value (like a drag)."""
    names = list(widget_values)
    state = {k: v[0] for k, v in widget_values.items()}
    out = []
    for i in range(n):
        name = names[i % len(names)]
        vals = widget_values[name]
        state[name] = vals[(vals.index(state[name]) + 1) % len(vals)]
        out.append(dict(state))
    return out


def timeit(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def stats(ms: list[float]) -> tuple[float, float]:
    return statistics.median(ms), float(np.percentile(ms, 90))


def naive_bump(unit: str, left: float, right: float, steepness: float, height: float) -> bytes:
    """The bump builder's picture redrawn from scratch (the slow reference)."""
    net = BumpBuilder.network(unit, left, right, steepness, height)
    x = np.linspace(0, 1, 401)
    fig = Figure(figsize=(5.0, 2.6), dpi=70, layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0, color="0.6", lw=0.8)
    for j, part in enumerate(hidden_contributions(net, x).T):
        ax.plot(x, part, lw=1, ls="--", color="0.35", label="hidden units" if j == 0 else None)
    ax.plot(x, net.forward(x[:, None])[:, 0], lw=2.5, color=UNIT_COLOURS[unit], label="output")
    for pos in (left, right):
        ax.axvline(pos, color="0.7", lw=0.8, ls=":")
    ax.set(xlim=(0, 1), ylim=(-1.35, 1.35), xlabel="$x$", ylabel="contribution to $y$")
    ax.set_title(f"{unit} units: a bump from {net.sizes[1]} hidden units", fontsize=10)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=70)
    return buf.getvalue()


def chapter_frames(notebook: Path, name: str) -> Frames | None:
    """Run a chapter's code cells (live mode, Agg) until ``name`` exists; return it.

    None when the chapter fails to run that far or ``name`` is not a :class:`Frames`.
    """
    import warnings

    import matplotlib.pyplot as plt
    import nbformat

    plt.switch_backend("agg")
    env: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plt.show() on Agg
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            try:
                exec(compile(cell.source, str(notebook), "exec"), env)
            except Exception as exc:  # the chapter is not on this API: skip its figure
                print(f"{notebook.name}: {type(exc).__name__}: {exc}; skipped", file=sys.stderr)
                return None
            plt.close("all")
            if name in env:
                return env[name] if isinstance(env[name], Frames) else None
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=60, help="updates timed per widget")
    parser.add_argument("--out", default=str(HERE / "results" / "widgets.md"))
    args = parser.parse_args(argv)

    os.environ.pop("MLP_STATIC_WIDGETS", None)  # live mode everywhere
    xor = chapter_frames(HERE.parent / "lecture2" / "05-xor-network.ipynb", "xor_explorer")
    sig = SigmoidStep(mode="live")
    bump = BumpBuilder(mode="live")
    chal = DesignChallenge(mode="live")
    cases = {
        "softened XOR, k (chapter 05)": (xor, {"k": [0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32]}),
        "sigmoid to step": (
            sig.frames,
            {"steepness": [1, 3, 7, 16, 40, 90, 128], "position": [0.3, 0.42, 0.5, 0.61, 0.7]},
        ),
        "bump builder": (
            bump.frames,
            {
                "unit": ["step", "sigmoid", "relu"],
                "left": [0.2, 0.25, 0.31, 0.4],
                "right": [0.6, 0.66, 0.73, 0.8],
                "steepness": [10, 17, 26, 40],
                "height": [1.0, 0.6, -0.2, -0.5],
            },
        ),
        "design challenge (live view: height sliders)": (
            chal.live_frames,
            {"unit": ["step", "sigmoid", "relu"]}
            | {f"h{i}": [0.1, 0.35, 0.62, 0.9] for i in range(1, 7)},
        ),
    }
    rows = []
    naive_ms: list[float] = []
    fast_bump_ms: list[float] = []
    for name, (frames, values) in cases.items():
        if frames is None:
            continue
        states = drag(values, args.reps)
        for s in states[:5]:  # warm up (font cache, first layout)
            frames.frame_html(fast=True, **s)
        update, draw, static = [], [], []
        for s in states:
            update.append(timeit(lambda s=s, fr=frames: fr.frame_html(fast=True, **s)))
            draw.append(timeit(lambda s=s, fr=frames: fr.render_frame(**s)))
            if name == "bump builder":
                naive_ms.append(timeit(lambda s=s, fr=frames: naive_bump(**{**fr.values, **s})))
                fast_bump_ms.append(update[-1])
        for s in states[: max(10, args.reps // 4)]:
            static.append(timeit(lambda s=s, fr=frames: fr.frame_html(**s)))
        rows.append((name, stats(update), stats(draw), stats(static)))
        print(f"{name}: update median {rows[-1][1][0]:.1f} ms", flush=True)

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    lines = [
        "# Widget update latency (expressive-power chapters)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `benchmarks/bench_widgets.py` "
        f"({args.reps} updates per widget, each moving one control as a drag does), "
        f"Python {platform.python_version()}, matplotlib {matplotlib.__version__}, "
        f"{os.cpu_count()} CPUs, load average at the end {load[0]:.1f} "
        "(the machine is shared; medians are robust to that, the 90th percentiles less so).",
        "",
        "| widget | live update: median / p90 (ms) | draw only: median / p90 (ms) "
        "| static frame: median (ms) | under 50 ms? |",
        "|---|---|---|---|---|",
    ]
    for name, (um, u90), (dm, d90), (sm, _s90) in rows:
        ok = "yes" if um < TARGET_MS else "**no**"
        lines.append(f"| {name} | {um:.1f} / {u90:.1f} | {dm:.2f} / {d90:.2f} | {sm:.1f} | {ok} |")
    nm, n90 = stats(naive_ms)
    fm, _ = stats(fast_bump_ms)
    lines += [
        "",
        "Reference, interleaved with the bump builder's updates: redrawing the same picture "
        f"from scratch (new constrained-layout figure, default PNG compression) takes "
        f"**{nm:.1f} ms** median ({n90:.1f} ms p90), {nm / fm:.1f} times the widget's update.",
        "",
        "*Live update* is `Frames.frame_html(fast=True)`: the network is rebuilt with "
        "`mlp.universality`, the persistent figure's artists get new data (`set_data`), and "
        "only those artists are drawn over a bitmap of the static parts (axes, ticks, labels, "
        "legend text) rendered once; the PNG is encoded with compression level 1. *Draw only* "
        "is `Frames.render_frame`, the drawing without rasterizing. *Static frame* is what the "
        "book build pays per precomputed frame (default PNG compression).",
        "",
    ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(r[1][0] < TARGET_MS for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
