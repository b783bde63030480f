"""Step through the backward pass of a computation graph, one node at a time.

The backward pass of :func:`mlp.graph.backward` visits the nodes in reverse topological
order. When it reaches a node ``v``, every child ``c`` of ``v`` (every node computed *from*
``v``) has already sent its message ``bar(c) * dc/dv``, and ``bar(v)`` is their sum (the
multivariate chain rule; a node with several children is a *fork*). ``v`` then sends one
message to each of its parents.

:func:`backward_visits` groups the steps recorded by :func:`mlp.graph.trace_backward` by
node; :func:`draw_backward_state` draws the graph as it is after ``k`` visits (finished
error signals, partial sums still waiting for messages, and the messages the current node
has just received); :func:`backward_stepper` wraps the drawing in an
:class:`mlp.figures.frames.Explorer` with a "backward step" slider that works live in Jupyter and,
precomputed, in the static HTML book.

:func:`mlp_scalar_graph` builds the lecture's two-layer MLP (one example, squared error)
as a scalar graph whose weights are nodes, so that the stepper shows the lecture's
equations ``bar(y_k) = y_k - t_k``, ``bar(w2_ki) = bar(y_k) h_i``,
``bar(h_i) = sum_k bar(y_k) w2_ki``, ``bar(z_i) = bar(h_i) sigma'(z_i)``,
``bar(w1_ij) = bar(z_i) x_j``.

Only the public attributes of :class:`mlp.graph.Node` are used (``value``, ``bar``,
``parents``, ``op``, ``name``, ``local``, ``rules``); the drawing is separate from
:func:`mlp.figures.graph_drawing.draw_graph` because a step-through picture needs three
kinds of error signal (final, partial, not yet reached) and highlighted edges.

Examples
--------
>>> from mlp.lecture_graphs import lecture_fxy_graph
>>> f, nodes = lecture_fxy_graph(1.0)
>>> visits = backward_visits(f)
>>> [v.label for v in visits]
['f', 'exp(xy)', 'xy', 'y', 'x', 't']
>>> len(visits[-1].received)  # t is a fork: it hears from x and from y
2
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlp.figures.frames import Control, Explorer
from mlp.graph import Node, Step, node_labels, topological_order, trace_backward

__all__ = [
    "NodeVisit",
    "backward_stepper",
    "backward_visits",
    "draw_backward_state",
    "graph_figsize",
    "graph_layout",
    "label_html",
    "label_tex",
    "label_unicode",
]


# ---- the backward pass, grouped by node ---------------------------------------------------


@dataclass(frozen=True)
class NodeVisit:
    """The backward pass arriving at one node.

    Attributes
    ----------
    index : int
        Position in the backward order (0 is the output).
    label : str
        The node's label (its name, or ``v1, v2, ...``; see :func:`mlp.graph.node_labels`).
    node : Node
        The node itself.
    received : tuple of Step
        The messages from the node's children, ``bar(child) * d child / d node``, in the
        order they were added; ``bar`` is their sum (1 for the output).
    sent : tuple of Step
        The messages this node sends to its parents.
    """

    index: int
    label: str
    node: Node
    received: tuple[Step, ...]
    sent: tuple[Step, ...]

    @property
    def bar(self) -> float:
        """The node's error signal once every message has arrived."""
        return self.node.bar

    @property
    def is_fork(self) -> bool:
        """True when the node feeds more than one child edge (its bar is a sum)."""
        return len(self.received) > 1

    def equation(self, fmt: str = "text", digits: int = 4) -> str:
        """The chain-rule sum that gives this node's error signal.

        Parameters
        ----------
        fmt
            ``"text"`` (plain, ``bar(z)``), ``"html"`` (an overline) or ``"tex"``.
        digits
            Significant digits of the numbers.

        Examples
        --------
        ``bar(t) = bar(x)·dx/dt + bar(y)·dy/dt = (a)(b) + (c)(d) = e``.
        """
        if fmt not in {"text", "html", "tex"}:
            raise ValueError(f"fmt must be 'text', 'html' or 'tex', got {fmt!r}")
        bar = {"text": _bar_text, "html": _bar_html, "tex": _bar_tex}[fmt]
        num = _num(digits)
        me = self.label
        if fmt == "tex":
            dot = r" \cdot "

            def deriv(c: str) -> str:
                return rf"\frac{{\partial {label_tex(c)}}}{{\partial {label_tex(me)}}}"
        elif fmt == "html":
            dot = " · "

            def deriv(c: str) -> str:
                return f"∂{label_html(c)}/∂{label_html(me)}"
        else:
            dot = " * "

            def deriv(c: str) -> str:
                return f"d{c}/d{me}"

        lhs = bar(me)
        if not self.received:
            return f"{lhs} = 1" if self.index == 0 else f"{lhs} = 0"
        symbolic = " + ".join(f"{bar(s.node)}{dot}{deriv(s.node)}" for s in self.received)
        numeric = " + ".join(f"({num(s.node_bar)}){dot}({num(s.local)})" for s in self.received)
        return f"{lhs} = {symbolic} = {numeric} = {num(self.bar)}"


def _num(digits: int) -> Any:
    def fmt(v: float | None) -> str:
        if v is None:
            return "?"
        v = 0.0 if v == 0 else v  # no "-0"
        return f"{v:.{digits}g}"

    return fmt


def backward_visits(output: Node, order: str = "layers") -> list[NodeVisit]:
    """Run the backward pass on ``output`` and group its steps by node.

    Uses :func:`mlp.graph.trace_backward`, so every node's ``bar`` is filled in afterwards.

    Parameters
    ----------
    output
        The graph's output (the loss).
    order
        ``"trace"``: the order in which :func:`mlp.graph.trace_backward` visits the nodes
        (a depth-first reverse topological order). ``"layers"`` (default): column by column
        from the output back to the inputs, as laid out by :func:`graph_layout`, top to
        bottom within a column. Both are reverse topological orders (every node comes after
        all of its children), so every node's error signal is complete when it is visited;
        the second reads like the lecture's equations, one layer at a time.

    Returns
    -------
    list of NodeVisit
        One entry per node (constants from Python numbers excluded), in the order the
        backward pass visits them: the output first, the inputs last.

    Raises
    ------
    ValueError
        If two nodes share a name (the steps could not be told apart).
    """
    if not isinstance(output, Node):
        raise TypeError(f"output must be a Node, got {type(output).__name__}")
    labels = node_labels(output)
    by_label: dict[str, Node] = {}
    for n in topological_order(output):
        if n.op == "const":
            continue
        lab = labels[id(n)]
        if lab in by_label and by_label[lab] is not n:
            raise ValueError(
                f"two nodes are named {lab!r}; give every node of the graph a distinct name"
            )
        by_label[lab] = n
    if order not in {"layers", "trace"}:
        raise ValueError(f"order must be 'layers' or 'trace', got {order!r}")
    steps = trace_backward(output)
    visit_order = [s.node for s in steps if s.kind == "visit"]
    if order == "layers":
        pos = graph_layout(output)
        rank = {lab: i for i, lab in enumerate(visit_order)}
        visit_order.sort(
            key=lambda lab: (-pos[id(by_label[lab])][0], -pos[id(by_label[lab])][1], rank[lab])
        )
    received: dict[str, list[Step]] = {lab: [] for lab in visit_order}
    sent: dict[str, list[Step]] = {lab: [] for lab in visit_order}
    for s in steps:
        if s.kind == "add":
            received[s.parent].append(s)  # type: ignore[index]
            sent[s.node].append(s)
    position = {lab: i for i, lab in enumerate(visit_order)}
    for lab in visit_order:  # messages in the order their senders were visited
        received[lab].sort(key=lambda s: position[s.node])
    return [
        NodeVisit(i, lab, by_label[lab], tuple(received[lab]), tuple(sent[lab]))
        for i, lab in enumerate(visit_order)
    ]


# ---- labels: "w1_12" -> w^(1)_12, "z2" -> z_2 -------------------------------------------------

_LAYERED = re.compile(r"^([A-Za-z]+)(\d)_(\d+)$")  # w1_12: weight of layer 1, row 1, column 2
_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")  # z2
_TEX_SAFE = re.compile(r"^[A-Za-z0-9()+\-*/.,^ ]+$")


def label_tex(label: str) -> str:
    """A node label as matplotlib/LaTeX math (without the dollars).

    ``"w1_12"`` becomes ``w^{(1)}_{12}``, ``"z2"`` becomes ``z_{2}``; other labels are
    set upright (``"exp(xy)"`` becomes ``\\mathrm{exp(xy)}``).
    """
    m = _LAYERED.match(label)
    if m:
        return f"{m[1]}^{{({m[2]})}}_{{{m[3]}}}"
    m = _INDEXED.match(label)
    if m:
        return f"{m[1]}_{{{m[2]}}}"
    if len(label) == 1 and label.isalpha():
        return "\\mathcal{L}" if label == "L" else label
    if _TEX_SAFE.match(label):
        return r"\mathrm{" + label.replace(" ", r"\ ") + "}"
    return r"\mathrm{?}"


def label_html(label: str) -> str:
    """A node label as HTML (``"w1_12"`` becomes ``w<sup>(1)</sup><sub>12</sub>``)."""
    m = _LAYERED.match(label)
    if m:
        return f"<i>{m[1]}</i><sup>({m[2]})</sup><sub>{m[3]}</sub>"
    m = _INDEXED.match(label)
    if m:
        return f"<i>{m[1]}</i><sub>{m[2]}</sub>"
    if label == "L":
        return "ℒ"
    return f"<i>{html.escape(label)}</i>" if len(label) == 1 else html.escape(label)


_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_OVERLINE = "\u0305"  # combining overline


def label_unicode(label: str, bar: bool = False) -> str:
    """A node label as plain Unicode text (``"w1_12"`` becomes ``w⁽¹⁾₁₂``).

    With ``bar=True`` the symbol gets an overline (a combining character), the lecture's
    error-signal notation. Figures use this rather than math text, which matplotlib would
    have to parse again in every frame of a stepper.
    """
    m = _LAYERED.match(label)
    if m:
        base, rest = m[1], f"({m[2]})".translate(_SUP) + m[3].translate(_SUB)
    elif (m := _INDEXED.match(label)) is not None:
        base, rest = m[1], m[2].translate(_SUB)
    elif label == "L":
        base, rest = "ℒ", ""
    else:
        base, rest = label, ""
    if bar:
        base = "".join(ch + _OVERLINE for ch in base)
    return base + rest


def _bar_text(label: str) -> str:
    return f"bar({label})"


def _bar_html(label: str) -> str:
    return f'<span style="text-decoration:overline">{label_html(label)}</span>'


def _bar_tex(label: str) -> str:
    return r"\overline{" + label_tex(label) + "}"


# ---- layout and drawing -------------------------------------------------------------------


def graph_layout(output: Node) -> dict[int, tuple[float, float]]:
    """Positions ``{id(node): (x, y)}`` for drawing the graph left (inputs) to right (output).

    A computed node sits one column right of its deepest parent. A leaf (an input or a
    parameter) sits one column left of its first consumer, so that weights appear next to
    the unit they feed. Within a column, nodes are ordered by the mean height of the nodes
    they connect to (two sweeps), which keeps crossings few. Constants are left out.
    """
    order = [n for n in topological_order(output) if n.op != "const"]
    ids = {id(n) for n in order}
    children: dict[int, list[Node]] = {id(n): [] for n in order}
    for n in order:
        for p in n.parents:
            if id(p) in ids and n not in children[id(p)]:
                children[id(p)].append(n)
    col: dict[int, int] = {}
    for n in order:
        ps = [col[id(p)] for p in n.parents if id(p) in ids]
        col[id(n)] = 1 + max(ps) if ps else 0
    for n in order:
        if not any(id(p) in ids for p in n.parents) and children[id(n)]:
            col[id(n)] = min(col[id(c)] for c in children[id(n)]) - 1
    shift = min(col.values())
    cols: dict[int, list[Node]] = {}
    for n in order:
        cols.setdefault(col[id(n)] - shift, []).append(n)
    ypos: dict[int, float] = {}

    def place(nodes: list[Node]) -> None:
        k = len(nodes)
        for i, n in enumerate(nodes):
            ypos[id(n)] = (k - 1) / 2.0 - i

    for nodes in cols.values():
        place(nodes)
    for _ in range(2):  # barycentre sweeps: order each column by its neighbours' heights
        for c in sorted(cols):

            def key(n: Node) -> float:
                nb = [p for p in n.parents if id(p) in ids] + children[id(n)]
                return -float(np.mean([ypos[id(m)] for m in nb])) if nb else 0.0

            cols[c].sort(key=key)
            place(cols[c])
    return {id(n): (float(col[id(n)] - shift), ypos[id(n)]) for n in order}


def graph_figsize(output: Node) -> tuple[float, float]:
    """A figure size (inches) that fits :func:`graph_layout` of ``output`` at font size ~9."""
    pos = graph_layout(output)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return (max(5.0, 1.45 * (max(xs) + 1)), max(3.0, 0.75 * (max(ys) - min(ys) + 2) + 0.8))


_DONE = "#cfe8cf"
_CURRENT = "#ffd166"
_PARTIAL = "#fde2c4"
_WAITING = "#ffffff"


def draw_backward_state(
    output: Node,
    visits: Sequence[NodeVisit],
    k: int,
    ax: Any = None,
    *,
    title: str | None = None,
    digits: int = 3,
    fontsize: float = 9.5,
    show_current: bool = True,
) -> Any:
    """Draw the graph after ``k`` steps of the backward pass.

    Step 0 is the end of the forward pass (values only). After step ``k >= 1`` the nodes
    ``visits[:k]`` are finished (green, with their error signal), the node ``visits[k-1]``
    is the current one (yellow), the messages it has just received are red arrows labelled
    with their values ``bar(child) * d child / d node``, and nodes that have received
    messages but have not yet been visited are orange, showing the partial sum (followed
    by ``+ …`` while some messages are still to come).

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
    from matplotlib.collections import LineCollection
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    n_steps = len(visits)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k <= n_steps:
        raise ValueError(f"k must be an integer from 0 to {n_steps}, got {k!r}")
    k = int(k)
    pos = graph_layout(output)
    labels = {id(v.node): v.label for v in visits}
    nodes = {id(v.node): v.node for v in visits}
    missing = set(pos) - set(nodes)
    if missing:
        raise ValueError("visits do not match this output: run backward_visits(output) again")
    num = _num(digits)
    done = {id(v.node) for v in visits[:k]}
    current = visits[k - 1] if k and show_current else None
    # partial sums: messages already sent into nodes that are not finished yet
    partial: dict[int, float] = {}
    got: dict[int, int] = {}
    for v in visits[:k]:
        for s in v.sent:
            pid = id(_by_label(visits, s.parent).node)  # type: ignore[arg-type]
            partial[pid] = partial.get(pid, 0.0) + float(s.contribution)  # type: ignore[arg-type]
            got[pid] = got.get(pid, 0) + 1
    if ax is None:
        _, ax = plt.subplots(figsize=graph_figsize(output))
    bw, bh = 0.43, 0.34  # half width and half height of a node box
    # forward edges (parent -> child), grey: one collection, cheap to draw in every frame
    segments = [
        [(pos[id(p)][0] + bw, pos[id(p)][1]), (pos[id(v.node)][0] - bw, pos[id(v.node)][1])]
        for v in visits
        for p in v.node.parents
        if id(p) in pos
    ]
    ax.add_collection(LineCollection(segments, colors="0.75", linewidths=0.8, zorder=0))
    # the messages the current node received: child -> node, red, with their values
    if current is not None:
        cx, cy = pos[id(current.node)]
        for s in current.received:
            child = _by_label(visits, s.node).node
            x1, y1 = pos[id(child)]
            ax.add_patch(
                FancyArrowPatch(
                    (x1 - bw, y1),
                    (cx + bw, cy),
                    arrowstyle="-|>",
                    mutation_scale=12,
                    color="#c1121f",
                    lw=2.0,
                    shrinkA=0,
                    shrinkB=0,
                )
            )
            # label nearer the child end, where the arrows have not yet converged
            mx, my = 0.65 * (x1 - bw) + 0.35 * (cx + bw), 0.65 * y1 + 0.35 * cy
            ax.text(
                mx,
                my + 0.08,
                num(s.contribution),
                color="#c1121f",
                fontsize=fontsize,
                ha="center",
                va="bottom",
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    for nid, n in nodes.items():
        x, y = pos[nid]
        lab = labels[nid]
        is_current = current is not None and nid == id(current.node)
        n_in = len(_by_label(visits, lab).received)
        # plain Unicode text (no math text, which would be parsed again in every frame)
        if k == 0:
            bar_parts: tuple[str, str] | None = None
        elif nid in done:
            face, bar_parts = _DONE, (label_unicode(lab, bar=True), f" = {num(n.bar)}")
        elif nid in partial:
            # a partial sum: "+ ..." while messages are still to come
            more = " + …" if got[nid] < n_in else ""
            face, bar_parts = (
                _PARTIAL,
                (label_unicode(lab, bar=True), f" = {num(partial[nid])}{more}"),
            )
        else:
            face, bar_parts = _WAITING, (label_unicode(lab, bar=True), " = ?")
        if k == 0 or (nid not in done and nid not in partial):
            face = _WAITING
        if is_current:
            face = _CURRENT
        ax.add_patch(
            FancyBboxPatch(
                (x - bw, y - bh),
                2 * bw,
                2 * bh,
                boxstyle="round,pad=0.02",
                facecolor=face,
                edgecolor="#c1121f" if is_current else "0.35",
                lw=2.2 if is_current else 0.9,
            )
        )
        lines = [f"{label_unicode(lab)} = {num(n.value)}"]
        if bar_parts is not None:
            lines.append(bar_parts[0] + bar_parts[1])
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=fontsize)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.55, max(xs) + 0.55)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("forward pass: left to right;  backward pass: right to left")
    ax.set_ylabel("nodes of the graph")
    if title is None:
        if k == n_steps and not show_current:
            title = "After the backward pass: every error signal"
        elif current is None:
            title = f"Step 0 of {n_steps}: forward pass done, values saved"
        else:
            title = f"Step {k} of {n_steps}: visit {label_unicode(current.label)}"
    ax.set_title(title)
    return ax


def _by_label(visits: Sequence[NodeVisit], label: str) -> NodeVisit:
    for v in visits:
        if v.label == label:
            return v
    raise KeyError(label)


def _step_text(visits: Sequence[NodeVisit], k: int, digits: int) -> str:
    n = len(visits)
    if k == 0:
        return (
            f"<b>Step 0 of {n}.</b> The forward pass has computed and saved every value. "
            "Move the slider to run the backward pass one node at a time."
        )
    v = visits[k - 1]
    num = _num(digits)
    parts = [f"<b>Step {k} of {n}: visit {label_html(v.label)}.</b> "]
    if v.index == 0:
        parts.append(f"{_bar_html(v.label)} = 1: the loss's derivative with respect to itself.")
    elif not v.received:
        parts.append(f"{_bar_html(v.label)} = 0: nothing depends on it.")
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
        parts.append(f"<br>It now sends to its parents {_bar_html(v.label)} · ∂/∂parent: {msgs}.")
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
) -> Explorer:
    """An interactive backward pass: a slider steps through the nodes one at a time.

    Step 0 shows the forward values; step ``k`` shows the graph after the backward pass
    has visited ``k`` nodes, with the chain-rule sum of the current node written out under
    the picture. Live in Jupyter; precomputed (one picture per step, linked to the slider
    in the browser) when ``MLP_STATIC_WIDGETS=1``.

    Parameters
    ----------
    output
        The graph's output node (the loss).
    alt
        Alternative text prefix for the pictures (the step is appended).
    mode
        Passed to :class:`mlp.figures.frames.Explorer` (``"auto"``, ``"live"`` or ``"static"``).
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
    mlp.figures.frames.Explorer
        Its control is named ``"step"``; ``explorer.visits`` holds the
        :func:`backward_visits` of the graph.
    """
    visits = backward_visits(output, order=order)
    n = len(visits)
    if figsize is None:
        figsize = graph_figsize(output)
    prefix = alt or "Computation graph during the backward pass"

    def draw(fig: Any, step: int) -> str:
        fig.clear()
        # a fixed axes box: constrained layout would measure every node's text each frame
        fig.set_layout_engine("none")
        w_in, h_in = fig.get_size_inches()
        bottom, top = 0.45 / h_in, 0.4 / h_in  # room for the x label and the title
        ax = fig.add_axes((0.3 / w_in, bottom, 1 - 0.35 / w_in, 1 - bottom - top))
        draw_backward_state(output, visits, int(step), ax, digits=digits, fontsize=fontsize)
        return _step_text(visits, int(step), digits)

    def alt_text(step: int) -> str:
        if step == 0:
            return f"{prefix}: step 0, forward values only"
        v = visits[int(step) - 1]
        return f"{prefix}: step {step} of {n}, visiting {v.label}; {v.equation('text', digits)}"

    ex = Explorer(
        draw,
        [Control("step", list(range(n + 1)), "backward step")],
        alt=alt_text,
        mode=mode,
        figsize=figsize,
        dpi=dpi,
        initial={"step": initial},
    )
    ex.visits = visits  # type: ignore[attr-defined]
    return ex
