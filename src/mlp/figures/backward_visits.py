"""The backward pass of a computation graph, grouped by node: what each visit receives and sends.

The backward pass of :func:`mlp.graph.backward` visits the nodes in reverse topological
order. When it reaches a node ``v``, every child ``c`` of ``v`` (every node computed *from*
``v``) has already sent its message ``bar(c) * dc/dv``, and ``bar(v)`` is their sum (the
multivariate chain rule; a node with several children is a *fork*). ``v`` then sends one
message to each of its parents.

:func:`backward_visits` runs :func:`mlp.graph.trace_backward` and returns one
:class:`NodeVisit` per node, **keyed by the node**, in visiting order.

Examples
--------
>>> from mlp.lecture_graphs import lecture_fxy_graph
>>> f, nodes = lecture_fxy_graph(1.0)
>>> visits = backward_visits(f)
>>> [v.label for v in visits.values()]
['f', 'exp(xy)', 'xy', 'y', 'x', 't']
>>> len(visits[nodes["t"]].received)  # t is a fork: it hears from x and from y
2
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlp.figures.graph_drawing import graph_layout
from mlp.figures.graph_labels import (
    bar_html,
    bar_tex,
    bar_text,
    bar_unicode,
    label_html,
    label_tex,
    label_unicode,
)
from mlp.graph import Node, Step, node_labels, topological_order, trace_backward

__all__ = ["NodeVisit", "backward_visits", "number_format"]


def number_format(digits: int) -> Callable[[float | None], str]:
    """A formatter to ``digits`` significant digits (``?`` for None, never ``-0``)."""

    def fmt(v: float | None) -> str:
        if v is None:
            return "?"
        return f"{0.0 if v == 0 else v:.{digits}g}"

    return fmt


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
    senders : tuple of Node
        The children that sent ``received`` (same order).
    sent : tuple of Step
        The messages this node sends to its parents.
    receivers : tuple of Node
        The parents that receive ``sent`` (same order).
    """

    index: int
    label: str
    node: Node
    received: tuple[Step, ...]
    senders: tuple[Node, ...]
    sent: tuple[Step, ...]
    receivers: tuple[Node, ...]

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

        ``bar(t) = bar(x) * dx/dt + bar(y) * dy/dt = (a) * (b) + (c) * (d) = e`` in ``"text"``;
        ``"html"`` writes the bars as overlines, ``"tex"`` as ``\\overline``, and
        ``"unicode"`` as plain Unicode for captions and printed text
        (``t̄ = x̄ · ∂x/∂t + ȳ · ∂y/∂t = ...``).
        """
        if fmt not in {"text", "html", "tex", "unicode"}:
            raise ValueError(f"fmt must be 'text', 'html', 'tex' or 'unicode', got {fmt!r}")
        me, num = self.label, number_format(digits)
        bar, dot, deriv = {
            "text": (bar_text, " * ", lambda c: f"d{c}/d{me}"),
            "unicode": (bar_unicode, " · ",
                        lambda c: f"∂{label_unicode(c)}/∂{label_unicode(me)}"),
            "html": (bar_html, " · ", lambda c: f"∂{label_html(c)}/∂{label_html(me)}"),
            "tex": (bar_tex, r" \cdot ", lambda c: rf"\frac{{\partial {label_tex(c)}}}"
                    rf"{{\partial {label_tex(me)}}}"),
        }[fmt]  # fmt: skip
        if not self.received:
            return f"{bar(me)} = {1 if self.index == 0 else 0}"
        symbolic = " + ".join(f"{bar(s.node)}{dot}{deriv(s.node)}" for s in self.received)
        numeric = " + ".join(f"({num(s.node_bar)}){dot}({num(s.local)})" for s in self.received)
        return f"{bar(me)} = {symbolic} = {numeric} = {num(self.bar)}"


def _nodes_by_label(output: Node) -> dict[str, Node]:
    """The trace's labels back to nodes (constants excluded); refuses a repeated name."""
    labels, by_label = node_labels(output), {}
    for n in topological_order(output):
        lab = labels[id(n)]
        if n.op != "const" and by_label.setdefault(lab, n) is not n:
            raise ValueError(
                f"two nodes are named {lab!r}; give every node of the graph a distinct name"
            )
    return by_label


def backward_visits(output: Node, order: str = "layers") -> dict[Node, NodeVisit]:
    """Run the backward pass on ``output`` and group its steps by node.

    Uses :func:`mlp.graph.trace_backward`, so every node's ``bar`` is filled in afterwards.

    Parameters
    ----------
    output
        The graph's output (the loss).
    order
        ``"trace"``: the order in which :func:`mlp.graph.trace_backward` visits the nodes
        (a depth-first reverse topological order). ``"layers"`` (default): column by column
        from the output back to the inputs, as laid out by
        :func:`mlp.figures.graph_drawing.graph_layout`, top to bottom within a column. Both
        are reverse topological orders (every node comes after all of its children), so
        every node's error signal is complete when it is visited; the second reads like the
        lecture's equations, one layer at a time.

    Returns
    -------
    dict
        One entry per node (constants from Python numbers excluded), in the order the
        backward pass visits them: the output first, the inputs last.

    Raises
    ------
    ValueError
        If two nodes share a name (the steps could not be told apart).
    """
    if not isinstance(output, Node):
        raise TypeError(f"output must be a Node, got {type(output).__name__}")
    if order not in {"layers", "trace"}:
        raise ValueError(f"order must be 'layers' or 'trace', got {order!r}")
    node = _nodes_by_label(output)
    steps = trace_backward(output)
    visit_order = [node[s.node] for s in steps if s.kind == "visit"]
    if order == "layers":
        pos, rank = graph_layout(output), {n: i for i, n in enumerate(visit_order)}
        visit_order.sort(key=lambda n: (-pos[id(n)][0], -pos[id(n)][1], rank[n]))
    received: dict[Node, list[Step]] = {n: [] for n in visit_order}
    sent: dict[Node, list[Step]] = {n: [] for n in visit_order}
    for s in steps:
        if s.kind == "add":
            received[node[s.parent]].append(s)  # type: ignore[index]
            sent[node[s.node]].append(s)
    position = {n: i for i, n in enumerate(visit_order)}
    label = {n: lab for lab, n in node.items()}
    visits = {}
    for i, n in enumerate(visit_order):
        inbox = sorted(received[n], key=lambda s: position[node[s.node]])  # senders' order
        outbox = sent[n]
        visits[n] = NodeVisit(
            i, label[n], n,
            tuple(inbox), tuple(node[s.node] for s in inbox),
            tuple(outbox), tuple(node[s.parent] for s in outbox),  # type: ignore[index]
        )  # fmt: skip
    return visits
