"""Drawing a computation graph (:mod:`mlp.graph`): one layout, node boxes and edges.

:func:`graph_layout` places the nodes (inputs left, output right, few crossings); both the
static picture :func:`draw_graph` and the backward-pass stepper
(:mod:`mlp.figures.backprop_stepper`) draw on it, with :func:`draw_edges`, :func:`draw_node`
and :func:`fit_axes`.

Examples
--------
>>> from mlp.lecture_graphs import logistic_least_squares_graph
>>> L, nodes = logistic_least_squares_graph(w=2.0, b=-1.0, x=1.5, t=1.0)
>>> pos = graph_layout(L)
>>> pos[id(nodes["w"])][0] < pos[id(nodes["z"])][0] < pos[id(L)][0]
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from mlp.figures.graph_labels import label_unicode, op_symbol
from mlp.graph import Node, node_labels, topological_order

__all__ = ["draw_edges", "draw_graph", "draw_node", "fit_axes", "graph_figsize", "graph_layout"]

Positions = dict[int, tuple[float, float]]


def _columns(nodes: Sequence[Node], children: dict[int, list[Node]]) -> dict[int, int]:
    """Column of each node: one right of its deepest parent; a leaf just left of its consumer."""
    ids = {id(n) for n in nodes}
    col: dict[int, int] = {}
    for n in nodes:
        ps = [col[id(p)] for p in n.parents if id(p) in ids]
        col[id(n)] = 1 + max(ps) if ps else 0
    for n in nodes:
        if not any(id(p) in ids for p in n.parents) and children[id(n)]:
            col[id(n)] = min(col[id(c)] for c in children[id(n)]) - 1
    shift = min(col.values())
    return {k: c - shift for k, c in col.items()}


def graph_layout(output: Node, *, constants: bool = False) -> Positions:
    """Positions ``{id(node): (x, y)}`` for drawing the graph left (inputs) to right (output).

    A computed node sits one column right of its deepest parent. A leaf (an input or a
    parameter) sits one column left of its first consumer, so that weights appear next to
    the unit they feed. Within a column, nodes are ordered by the mean height of the nodes
    they connect to (two sweeps), which keeps crossings few. Columns are 1 apart, rows 1
    apart. Constants from Python numbers are left out unless ``constants`` is True.
    """
    order = [n for n in topological_order(output) if constants or n.op != "const"]
    ids = {id(n) for n in order}
    children: dict[int, list[Node]] = {id(n): [] for n in order}
    for n in order:
        for p in n.parents:
            if id(p) in ids and n not in children[id(p)]:
                children[id(p)].append(n)
    col = _columns(order, children)
    cols: dict[int, list[Node]] = {}
    for n in order:
        cols.setdefault(col[id(n)], []).append(n)
    ypos: dict[int, float] = {}

    def place(nodes: list[Node]) -> None:
        for i, n in enumerate(nodes):
            ypos[id(n)] = (len(nodes) - 1) / 2.0 - i

    def height(n: Node) -> float:
        nb = [p for p in n.parents if id(p) in ids] + children[id(n)]
        return -float(np.mean([ypos[id(m)] for m in nb])) if nb else 0.0

    for nodes in cols.values():
        place(nodes)
    for _ in range(2):  # barycentre sweeps: order each column by its neighbours' heights
        for c in sorted(cols):
            cols[c].sort(key=height)
            place(cols[c])
    return {id(n): (float(col[id(n)]), ypos[id(n)]) for n in order}


def graph_figsize(output: Node, *, constants: bool = False) -> tuple[float, float]:
    """A figure size (inches) that fits :func:`graph_layout` of ``output`` at font size ~9."""
    pos = graph_layout(output, constants=constants)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return (max(5.0, 1.45 * (max(xs) + 1)), max(3.0, 0.75 * (max(ys) - min(ys) + 2) + 0.8))


def draw_edges(ax: Any, output: Node, pos: Positions, half_width: float, arrows: bool) -> None:
    """Draw every forward edge (parent to child) between node boxes of ``half_width``.

    ``arrows=False`` draws plain lines in one collection (cheap in every frame of a stepper).
    """
    from matplotlib.collections import LineCollection

    segments = [
        ((pos[id(p)][0] + half_width, pos[id(p)][1]), (pos[id(n)][0] - half_width, pos[id(n)][1]))
        for n in topological_order(output)
        if id(n) in pos
        for p in n.parents
        if id(p) in pos
    ]
    if not arrows:
        ax.add_collection(LineCollection(segments, colors="0.35", linewidths=1.3, zorder=0))
        return
    for start, end in segments:
        ax.annotate(
            "", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": "0.25", "lw": 1.4}
        )


def draw_node(
    ax: Any,
    xy: tuple[float, float],
    text: str,
    size: tuple[float, float],
    *,
    face: str,
    highlight: bool = False,
    fontsize: float = 9.0,
) -> None:
    """A rounded box of half-size ``size`` centred at ``xy``, with ``text`` inside.

    A highlighted node (the current step) gets a thick red edge.
    """
    from matplotlib.patches import FancyBboxPatch

    (x, y), (bw, bh) = xy, size
    ax.add_patch(
        FancyBboxPatch(
            (x - bw, y - bh), 2 * bw, 2 * bh, boxstyle="round,pad=0.02", facecolor=face,
            edgecolor="#c1121f" if highlight else "0.3", lw=2.2 if highlight else 0.9,
        )
    )  # fmt: skip
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def fit_axes(
    ax: Any, pos: Positions, pad: tuple[float, float], *, xlabel: str, ylabel: str
) -> None:
    """Fit the axes limits around ``pos`` (``pad`` in x and y), hide the frame, set the labels."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - pad[0], max(xs) + pad[0])
    ax.set_ylim(min(ys) - pad[1], max(ys) + pad[1])
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _highlighted(highlight: Node | str | Iterable[Node | str] | None) -> tuple[set[int], set[str]]:
    items = [] if highlight is None else highlight
    items = [items] if isinstance(items, Node | str) else list(items)
    return {id(h) for h in items if isinstance(h, Node)}, {h for h in items if isinstance(h, str)}


_OVERLINE = "\u0305"


def _node_text(n: Node, label: str, show_bar: bool) -> str:
    """A node box's text: its name and value, then its error signal (``z̄ = -0.0125``)."""
    head = f"{n.value:.4g}" if n.op == "const" else f"{label_unicode(label)}\n{n.value:.4g}"
    return head + (f"\n{label_unicode(label, bar=True)} = {n.bar:.3g}" if show_bar else "")


def draw_graph(
    output: Node,
    ax: Any = None,
    show_bar: bool = True,
    highlight: Node | str | Iterable[Node | str] | None = None,
    show_constants: bool = False,
    title: str | None = None,
) -> Any:
    """Draw the computation graph of ``output`` with matplotlib (no graphviz).

    Nodes are placed by :func:`graph_layout`: inputs on the left, the output on the right;
    each shows its name, value and (optionally) bar, with its operation above it.

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

    pos = graph_layout(output, constants=show_constants)
    labels = node_labels(output)
    if ax is None:
        _, ax = plt.subplots(figsize=graph_figsize(output, constants=show_constants))
    hl_ids, hl_names = _highlighted(highlight)
    shown = [n for n in topological_order(output) if id(n) in pos]
    draw_edges(ax, output, pos, 0.37, arrows=True)
    texts = {id(n): _node_text(n, labels[id(n)], show_bar) for n in shown}
    # font size so the longest line fits its box (box width = 0.72 of a column)
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    box_pt = 0.72 * width_pt / (max(p[0] for p in pos.values()) + 1)
    visible = [line.replace(_OVERLINE, "") for t in texts.values() for line in t.split("\n")]
    longest = max([len(line) for line in visible] + [6])
    fontsize = float(min(9.0, max(5.0, box_pt / (0.62 * longest))))
    for n in shown:
        lab, (x, y), text = labels[id(n)], pos[id(n)], texts[id(n)]
        is_hl = id(n) in hl_ids or lab in hl_names
        face = "#ffd166" if is_hl else ("#d9ecff" if not n.parents else "#eeeeee")
        draw_node(ax, (x, y), text, (0.36, 0.3), face=face, highlight=is_hl, fontsize=fontsize)
        if n.op and n.op != "const":
            ax.text(
                x,
                y + 0.36,
                op_symbol(n.op),
                ha="center",
                va="bottom",
                fontsize=fontsize,
                color="0.2",
            )
    fit_axes(
        ax, pos, (0.5, 0.65), xlabel="depth in the graph (inputs left, output right)",
        ylabel="nodes",
    )  # fmt: skip
    columns = sorted({p[0] for p in pos.values()})
    ax.set_xticks(columns, [f"{int(c)}" for c in columns])
    ax.set_title(title or ("Computation graph" + (" with error signals" if show_bar else "")))
    return ax
