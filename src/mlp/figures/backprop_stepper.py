"""Step through the backward pass of a computation graph, one node at a time.

:func:`draw_backward_state` draws the graph as it is after ``k`` visits of
:func:`mlp.figures.backward_visits.backward_visits` (finished error signals, partial sums
still waiting for messages, and the messages the current node has just received), on the
layout of :func:`mlp.figures.graph_drawing.graph_layout`; :func:`backward_stepper` makes it
a :class:`mlp.figures.frames.Frames` figure with a "backward step" slider, live in Jupyter
and precomputed in the static book.

Only the public attributes of :class:`mlp.graph.Node` are used (``value``, ``bar``,
``parents``). The pictures use plain Unicode labels
(:func:`~mlp.figures.graph_labels.label_unicode`), which matplotlib does not have to parse
as math in every frame.

Examples
--------
>>> from mlp.lecture_graphs import lecture_fxy_graph
>>> f, nodes = lecture_fxy_graph(1.0)
>>> stepper = backward_stepper(f, mode="static", dpi=30)
>>> stepper.n_frames  # step 0 (the forward values) and one step per node
7
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mlp.figures.backward_visits import NodeVisit, backward_visits, number_format
from mlp.figures.frames import Control, Frames, on_figure
from mlp.figures.graph_drawing import draw_edges, draw_node, fit_axes, graph_figsize, graph_layout
from mlp.figures.graph_labels import bar_html, label_html, label_unicode
from mlp.graph import Node

__all__ = ["backward_stepper", "backward_visits", "draw_backward_state", "step_text"]

Visits = Mapping[Node, NodeVisit]

_DONE, _CURRENT, _PARTIAL, _WAITING = "#cfe8cf", "#ffd166", "#fde2c4", "#ffffff"
_RED = "#c1121f"
_BOX = (0.43, 0.34)  # half width and half height of a node box


def _partial_sums(done: list[NodeVisit]) -> tuple[dict[Node, float], dict[Node, int]]:
    """Messages already sent into each node by the finished visits: their sum and count."""
    total: dict[Node, float] = {}
    count: dict[Node, int] = {}
    for v in done:
        for s, parent in zip(v.sent, v.receivers, strict=True):
            total[parent] = total.get(parent, 0.0) + float(s.contribution)  # type: ignore[arg-type]
            count[parent] = count.get(parent, 0) + 1
    return total, count


def _draw_messages(ax: Any, current: NodeVisit, pos: Any, digits: int, fontsize: float) -> None:
    """The messages the current node has received: red arrows from its children, with values."""
    from matplotlib.patches import FancyArrowPatch

    bw, num = _BOX[0], number_format(digits)
    cx, cy = pos[id(current.node)]
    for s, child in zip(current.received, current.senders, strict=True):
        x1, y1 = pos[id(child)]
        ax.add_patch(
            FancyArrowPatch(
                (x1 - bw, y1), (cx + bw, cy), arrowstyle="-|>", mutation_scale=12, color=_RED,
                lw=2.0, shrinkA=0, shrinkB=0,
            )
        )  # fmt: skip
        # label nearer the child end, where the arrows have not yet converged
        mx, my = 0.65 * (x1 - bw) + 0.35 * (cx + bw), 0.65 * y1 + 0.35 * cy
        ax.text(
            mx, my + 0.08, num(s.contribution), color=_RED, fontsize=fontsize, ha="center",
            va="bottom", fontweight="bold",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )  # fmt: skip


def _node_state(
    v: NodeVisit, k: int, finished: set[Node], partial: tuple[dict, dict], digits: int
) -> tuple[str, str]:
    """The face colour and text of node ``v`` after ``k`` visits."""
    num = number_format(digits)
    text = f"{label_unicode(v.label)} = {num(v.node.value)}"
    bar = label_unicode(v.label, bar=True)
    total, count = partial
    if k == 0:
        return _WAITING, text
    if v.node in finished:
        return _DONE, f"{text}\n{bar} = {num(v.bar)}"
    if v.node in total:  # a partial sum: "+ ..." while messages are still to come
        more = " + …" if count[v.node] < len(v.received) else ""
        return _PARTIAL, f"{text}\n{bar} = {num(total[v.node])}{more}"
    return _WAITING, f"{text}\n{bar} = ?"


def _check_visits(output: Node, visits: Visits, k: Any) -> dict[int, tuple[float, float]]:
    n_steps = len(visits)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k <= n_steps:
        raise ValueError(f"k must be an integer from 0 to {n_steps}, got {k!r}")
    pos = graph_layout(output)
    if set(pos) != {id(n) for n in visits}:
        raise ValueError("visits do not match this output: run backward_visits(output) again")
    return pos


def draw_backward_state(
    output: Node,
    visits: Visits,
    k: int,
    ax: Any = None,
    *,
    title: str | None = None,
    digits: int = 3,
    fontsize: float = 9.5,
    show_current: bool = True,
) -> Any:
    """Draw the graph after ``k`` steps of the backward pass.

    Step 0 is the end of the forward pass (values only). After step ``k >= 1`` the first
    ``k`` visits are finished (green, with their error signal), the ``k``-th is the current
    one (yellow), the messages it has just received are red arrows labelled with their
    values ``bar(child) * d child / d node``, and nodes that have received messages but have
    not yet been visited are orange, showing the partial sum (followed by ``+ …`` while
    some messages are still to come).

    Parameters
    ----------
    output
        The graph's output (the one :func:`backward_visits` was run on).
    visits
        ``backward_visits(output)``.
    k
        Number of visits done, ``0 .. len(visits)``.
    ax
        A matplotlib Axes (a new figure is made if None).
    title
        The Axes title (default: says which step this is).
    digits
        Significant digits of the printed numbers.
    fontsize
        Font size of the node text.
    show_current
        Highlight the current node and its incoming messages (False gives a plain picture
        of the finished pass when ``k == len(visits)``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    pos = _check_visits(output, visits, k)
    order = list(visits.values())
    current = order[k - 1] if k and show_current else None
    partial = _partial_sums(order[:k])
    finished = {v.node for v in order[:k]}
    if ax is None:
        _, ax = plt.subplots(figsize=graph_figsize(output))
    draw_edges(ax, output, pos, _BOX[0], arrows=False)
    if current is not None:
        _draw_messages(ax, current, pos, digits, fontsize)
    for v in order:
        face, text = _node_state(v, int(k), finished, partial, digits)
        is_current = current is not None and v is current
        face = _CURRENT if is_current else face
        draw_node(ax, pos[id(v.node)], text, _BOX, face=face, highlight=is_current,
                  fontsize=fontsize)  # fmt: skip
    fit_axes(
        ax, pos, (0.55, 0.6), xlabel="forward pass: left to right;  backward pass: right to left",
        ylabel="nodes of the graph",
    )  # fmt: skip
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    if title is None:
        title = (
            "After the backward pass: every error signal" if k == len(order) and not show_current
            else f"Step 0 of {len(order)}: forward pass done, values saved" if current is None
            else f"Step {k} of {len(order)}: visit {label_unicode(current.label)}"
        )  # fmt: skip
    ax.set_title(title)
    return ax


def step_text(visits: Visits, k: int, digits: int = 3) -> str:
    """The HTML under step ``k`` of the stepper: the current node's chain-rule sum and messages."""
    order, num = list(visits.values()), number_format(digits)
    n = len(order)
    if k == 0:
        return (
            f"<b>Step 0 of {n}.</b> The forward pass has computed and saved every value. "
            "Move the slider to run the backward pass one node at a time."
        )
    v = order[k - 1]
    parts = [f"<b>Step {k} of {n}: visit {label_html(v.label)}.</b> "]
    if v.index == 0:
        parts.append(f"{bar_html(v.label)} = 1: the loss's derivative with respect to itself.")
    elif not v.received:
        parts.append(f"{bar_html(v.label)} = 0: nothing depends on it.")
    else:
        fork = (
            f" It feeds {len(v.received)} children (a fork), so its error signal is the "
            "<b>sum</b> of their messages:"
            if v.is_fork
            else " It feeds one child, so its error signal is that child's message:"
        )
        parts.append(fork + "<br>" + v.equation("html", digits))
    if v.sent:
        msgs = ", ".join(
            f"{label_html(s.parent)}: {num(s.node_bar)} · {num(s.local)} = {num(s.contribution)}"  # type: ignore[arg-type]
            for s in v.sent
        )
        parts.append(f"<br>It now sends to its parents {bar_html(v.label)} · ∂/∂parent: {msgs}.")
    elif v.index > 0:
        parts.append("<br>It has no parents: an input or a parameter, the end of a path.")
    return "".join(parts)


def backward_stepper(
    output: Node,
    *,
    alt: str | None = None,
    mode: str = "auto",
    figsize: tuple[float, float] | None = None,
    dpi: float = 72,
    digits: int = 3,
    fontsize: float = 9.5,
    initial: int = 0,
    order: str = "layers",
) -> Frames:
    """An interactive backward pass: a slider steps through the nodes one at a time.

    Step 0 shows the forward values; step ``k`` shows the graph after the backward pass
    has visited ``k`` nodes (:func:`draw_backward_state`), with the chain-rule sum of the
    current node written out under the picture (:func:`step_text`).

    Parameters
    ----------
    output
        The graph's output node (the loss).
    alt
        Alternative text prefix for the pictures (the step is appended).
    mode
        ``"auto"``, ``"live"`` or ``"static"`` (see :class:`mlp.figures.frames.Frames`).
    figsize
        Figure size in inches (default: from the graph's size).
    dpi
        Resolution; keep it modest, every step is one picture in the static book.
    digits
        Significant digits of the printed numbers.
    fontsize
        Font size of the node text.
    initial
        The step shown first.
    order
        The visiting order, ``"layers"`` or ``"trace"`` (see :func:`backward_visits`).

    Returns
    -------
    mlp.figures.frames.Frames
        One control, ``"step"``, from 0 to the number of nodes.
    """
    visits = backward_visits(output, order=order)
    steps = list(visits.values())
    prefix = alt or "Computation graph during the backward pass"

    def draw(fig: Any, step: int) -> str:
        fig.clear()
        # a fixed axes box: a layout engine would measure every node's text in each frame
        fig.set_layout_engine(None)
        w_in, h_in = fig.get_size_inches()
        bottom, top = 0.45 / h_in, 0.4 / h_in  # room for the x label and the title
        ax = fig.add_axes((0.3 / w_in, bottom, 1 - 0.35 / w_in, 1 - bottom - top))
        draw_backward_state(output, visits, int(step), ax, digits=digits, fontsize=fontsize)
        return step_text(visits, int(step), digits)

    def alt_text(step: int) -> str:
        if step == 0:
            return f"{prefix}: step 0, forward values only"
        v = steps[int(step) - 1]
        equation = v.equation("unicode", digits)
        label = label_unicode(v.label)
        return f"{prefix}: step {step} of {len(steps)}, visiting {label}; {equation}"

    return Frames(
        on_figure(draw, figsize=figsize or graph_figsize(output), dpi=dpi),
        [Control("step", list(range(len(steps) + 1)), "backward step")],
        alt=alt_text,
        mode=mode,
        initial={"step": initial},
    )
