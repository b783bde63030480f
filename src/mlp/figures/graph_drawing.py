"""Drawing a computation graph (:mod:`mlp.graph`) with matplotlib."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mlp.graph import Node, node_labels, topological_order

__all__ = ["draw_graph"]


# ---- drawing -----------------------------------------------------------------------------


def draw_graph(
    output: Node,
    ax: Any = None,
    show_bar: bool = True,
    highlight: Node | str | Iterable[Node | str] | None = None,
    show_constants: bool = False,
    title: str | None = None,
) -> Any:
    """Draw the computation graph of ``output`` with matplotlib (no graphviz).

    Nodes are placed in columns by depth (longest path from an input; each input sits just
    before its first consumer), inputs on the left and the output on the right; each shows
    its name, value and (optionally) bar.

    Parameters
    ----------
    output
        The graph's output node.
    ax
        A matplotlib Axes; a new figure is made if None.
    show_bar
        Also print each node's ``bar``.
    highlight
        Node(s) or name(s) to draw in a highlight colour (e.g. the current step).
    show_constants
        Also draw constants that came from Python numbers (e.g. the 0.5 in ``0.5 * d``).
    title
        The Axes title (default: "Computation graph").

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    order = topological_order(output)
    labels = node_labels(output)
    shown = [n for n in order if show_constants or n.op != "const"]
    shown_ids = {id(n) for n in shown}
    depth: dict[int, int] = {}
    for n in order:
        ps = [depth[id(p)] for p in n.parents if id(p) in shown_ids]
        depth[id(n)] = 1 + max(ps) if ps else 0
    # move each input right next to its first consumer (e.g. t next to y - t)
    child_depths: dict[int, list[int]] = {}
    for n in shown:
        for p in n.parents:
            child_depths.setdefault(id(p), []).append(depth[id(n)])
    for n in shown:
        if not n.parents and id(n) in child_depths:
            depth[id(n)] = min(child_depths[id(n)]) - 1
    cols: dict[int, list[Node]] = {}
    for n in shown:
        cols.setdefault(depth[id(n)], []).append(n)
    pos: dict[int, tuple[float, float]] = {}
    for d, nodes in cols.items():
        for i, n in enumerate(nodes):
            pos[id(n)] = (float(d), (len(nodes) - 1) / 2.0 - i)
    hl: set[int] = set()
    hl_names: set[str] = set()
    if highlight is not None:
        items = [highlight] if isinstance(highlight, Node | str) else list(highlight)
        for h in items:
            if isinstance(h, Node):
                hl.add(id(h))
            else:
                hl_names.add(h)
    if ax is None:
        ncol = max(cols) + 1
        nrow = max(len(v) for v in cols.values())
        _, ax = plt.subplots(
            figsize=(max(4.0, 2.0 * ncol), max(2.8, 1.4 * nrow + 1.0)), layout="constrained"
        )
    # font size so the longest label fits its box (box width = 0.54 of a column)
    ncols = max(cols) + 1
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    box_pt = 0.54 * width_pt / (ncols + 0.0)
    longest = max(len(labels[id(n)]) for n in shown)
    longest = max(longest, 10 if show_bar else 6)
    fontsize = float(min(9.0, max(5.0, box_pt / (0.62 * longest))))
    for n in shown:
        x1, y1 = pos[id(n)]
        for p in n.parents:
            if id(p) not in pos:
                continue
            x0, y0 = pos[id(p)]
            ax.annotate(
                "",
                xy=(x1 - 0.28, y1),
                xytext=(x0 + 0.28, y0),
                arrowprops={"arrowstyle": "->", "color": "0.4", "lw": 1.2},
            )
    for n in shown:
        x, y = pos[id(n)]
        lab = labels[id(n)]
        is_hl = id(n) in hl or lab in hl_names
        text = f"{lab}\n{n.value:.4g}"
        if show_bar:
            text += f"\nbar {n.bar:.3g}"
        face = "#ffd166" if is_hl else ("#d9ecff" if not n.parents else "#eeeeee")
        box = FancyBboxPatch(
            (x - 0.27, y - 0.3),
            0.54,
            0.6,
            boxstyle="round,pad=0.02",
            facecolor=face,
            edgecolor="#c1121f" if is_hl else "0.3",
            lw=2 if is_hl else 1,
        )
        ax.add_patch(box)
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)
        if n.op and n.op != "const":
            ax.text(
                x, y + 0.36, n.op, ha="center", va="bottom", fontsize=fontsize - 1, color="0.35"
            )
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.7)
    ax.set_xticks(sorted(set(xs)))
    ax.set_xticklabels([f"{int(d)}" for d in sorted(set(xs))])
    ax.set_yticks([])
    ax.set_xlabel("depth in the graph (inputs left, output right)")
    ax.set_ylabel("nodes")
    ax.set_title(title or ("Computation graph" + (" with error signals" if show_bar else "")))
    return ax
