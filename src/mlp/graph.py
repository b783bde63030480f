"""A scalar computation graph with backpropagation, small enough to read in one sitting.

Every :class:`Node` holds a ``value`` (computed in the forward pass) and a ``bar``, the
lecture's error signal ``bar(v) = dL/dv`` (filled in by :func:`backward`). Each operation
below computes its forward value and records its *local derivatives*
``d(out)/d(parent)`` right next to it. :func:`backward` then applies the multivariate chain
rule in reverse topological order.

Example: the lecture's logistic least-squares model ``z = wx + b``, ``y = sigma(z)``,
``L = 1/2 (y - t)^2``:

>>> w, b, x, t = Node(2.0, name="w"), Node(-1.0, name="b"), Node(1.5, name="x"), Node(1.0, name="t")
>>> z = (w * x + b).named("z")
>>> y = sigmoid(z).named("y")
>>> L = (0.5 * square(y - t)).named("L")
>>> backward(L)
>>> round(w.bar, 6)  # (sigma(wx+b) - t) sigma'(wx+b) x
-0.018773
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlp.activations import stable_sigmoid

__all__ = [
    "Node",
    "Step",
    "backward",
    "cos",
    "exp",
    "log",
    "node_labels",
    "relu",
    "sigmoid",
    "sin",
    "square",
    "tanh",
    "topological_order",
    "trace_backward",
]


class Node:
    """A scalar in a computation graph.

    Parameters
    ----------
    value
        The number this node holds.
    parents
        The nodes it is computed from (empty for an input).
    op
        The operation's symbol, e.g. ``"*"`` or ``"exp"`` (``""`` for an input,
        ``"const"`` for a constant that came from a Python number).
    name
        A label for printing and drawing, e.g. ``"z"``.
    local
        The local derivatives ``d(self)/d(parent)``, one per parent, at the current values.
    rules
        The same derivatives as formulas (strings), for teaching displays.

    Attributes
    ----------
    bar : float
        ``dL/d(self)`` after :func:`backward` (0 before).
    """

    __array_ufunc__ = None  # numpy scalars defer to Node's operators (np.float64(2) * node)

    def __init__(
        self,
        value: float,
        parents: tuple[Node, ...] = (),
        op: str = "",
        name: str = "",
        local: tuple[float, ...] = (),
        rules: tuple[str, ...] = (),
    ) -> None:
        if not _is_number(value):
            raise TypeError(f"value must be a number, got {value!r}")
        if len(local) != len(parents):
            raise ValueError(f"need one local derivative per parent: {len(parents)} parents")
        self.value = float(value)
        self.bar = 0.0
        self.parents = tuple(parents)
        self.op = op
        self.name = name
        self.local = tuple(float(v) for v in local)
        self.rules = tuple(rules) if rules else tuple("" for _ in parents)

    def named(self, name: str) -> Node:
        """Set the node's name and return the node (for chaining)."""
        self.name = name
        return self

    def __repr__(self) -> str:
        label = self.name or (self.op if self.op else "input")
        return f"Node({label}: value={self.value:.6g}, bar={self.bar:.6g})"

    # ---- operators: forward value and local derivatives side by side -------------------

    def __add__(self, other: object) -> Node:
        a, b = self, _node(other)
        # v = a + b;   dv/da = 1,  dv/db = 1
        return Node(a.value + b.value, (a, b), "+", local=(1.0, 1.0), rules=("1", "1"))

    def __radd__(self, other: object) -> Node:
        return _node(other) + self

    def __sub__(self, other: object) -> Node:
        a, b = self, _node(other)
        # v = a - b;   dv/da = 1,  dv/db = -1
        return Node(a.value - b.value, (a, b), "-", local=(1.0, -1.0), rules=("1", "-1"))

    def __rsub__(self, other: object) -> Node:
        return _node(other) - self

    def __mul__(self, other: object) -> Node:
        a, b = self, _node(other)
        # v = a b;     dv/da = b,  dv/db = a
        return Node(
            a.value * b.value,
            (a, b),
            "*",
            local=(b.value, a.value),
            rules=(_lab(b), _lab(a)),
        )

    def __rmul__(self, other: object) -> Node:
        return _node(other) * self

    def __truediv__(self, other: object) -> Node:
        a, b = self, _node(other)
        if b.value == 0:
            raise ZeroDivisionError(f"division by {_lab(b)} = 0")
        # v = a / b;   dv/da = 1/b,  dv/db = -a/b^2
        return Node(
            a.value / b.value,
            (a, b),
            "/",
            local=(1.0 / b.value, -a.value / b.value**2),
            rules=(f"1/{_lab(b)}", f"-{_lab(a)}/{_lab(b)}^2"),
        )

    def __rtruediv__(self, other: object) -> Node:
        return _node(other) / self

    def __pow__(self, p: object) -> Node:
        if isinstance(p, Node) or isinstance(p, bool) or not isinstance(p, int | float):
            raise TypeError(f"the exponent must be a Python number, got {p!r}")
        a = self
        # v = a^p;     dv/da = p a^(p-1)
        return Node(
            a.value**p,
            (a,),
            f"**{p:g}",
            local=(p * a.value ** (p - 1),),
            rules=(f"{p:g} {_lab(a)}^{p - 1:g}",),
        )

    def __neg__(self) -> Node:
        # v = -a;      dv/da = -1
        return Node(-self.value, (self,), "neg", local=(-1.0,), rules=("-1",))


def _is_number(x: object) -> bool:
    """A real number (Python or numpy scalar), not a bool or a string."""
    if isinstance(x, bool | str | bytes):
        return False
    return isinstance(x, int | float) or (hasattr(x, "__float__") and getattr(x, "ndim", 0) == 0)


def _node(x: object) -> Node:
    if isinstance(x, Node):
        return x
    if not _is_number(x):
        raise TypeError(f"cannot use {x!r} in a computation graph: need a Node or a number")
    return Node(float(x), op="const", name=f"{float(x):g}")


def _lab(n: Node) -> str:
    return n.name or (f"{n.value:g}" if n.op == "const" else "v")


# ---- functions: forward value and local derivative side by side --------------------------


def exp(a: object) -> Node:
    """``v = e^a``; ``dv/da = e^a``."""
    a = _node(a)
    v = math.exp(a.value)
    return Node(v, (a,), "exp", local=(v,), rules=(f"exp({_lab(a)})",))


def log(a: object) -> Node:
    """``v = log a``; ``dv/da = 1/a`` (``a > 0``)."""
    a = _node(a)
    if a.value <= 0:
        raise ValueError(f"log needs a positive argument, {_lab(a)} = {a.value}")
    return Node(math.log(a.value), (a,), "log", local=(1.0 / a.value,), rules=(f"1/{_lab(a)}",))


def sin(a: object) -> Node:
    """``v = sin a``; ``dv/da = cos a``."""
    a = _node(a)
    return Node(
        math.sin(a.value), (a,), "sin", local=(math.cos(a.value),), rules=(f"cos({_lab(a)})",)
    )


def cos(a: object) -> Node:
    """``v = cos a``; ``dv/da = -sin a``."""
    a = _node(a)
    return Node(
        math.cos(a.value), (a,), "cos", local=(-math.sin(a.value),), rules=(f"-sin({_lab(a)})",)
    )


def sigmoid(a: object) -> Node:
    """``v = sigma(a) = 1/(1+e^-a)``; ``dv/da = sigma(a)(1 - sigma(a))``."""
    a = _node(a)
    s = float(stable_sigmoid(np.float64(a.value)))  # the one sigmoid formula, on a scalar
    return Node(
        s, (a,), "sigmoid", local=(s * (1.0 - s),), rules=(f"σ({_lab(a)})(1-σ({_lab(a)}))",)
    )


def tanh(a: object) -> Node:
    """``v = tanh a``; ``dv/da = 1 - tanh(a)^2``."""
    a = _node(a)
    v = math.tanh(a.value)
    return Node(v, (a,), "tanh", local=(1.0 - v * v,), rules=(f"1-tanh({_lab(a)})^2",))


def relu(a: object) -> Node:
    """``v = max(0, a)``; ``dv/da = 1 if a > 0 else 0``."""
    a = _node(a)
    return Node(
        max(0.0, a.value),
        (a,),
        "relu",
        local=(1.0 if a.value > 0 else 0.0,),
        rules=(f"I[{_lab(a)}>0]",),
    )


def square(a: object) -> Node:
    """``v = a^2``; ``dv/da = 2a``."""
    a = _node(a)
    return Node(a.value**2, (a,), "square", local=(2.0 * a.value,), rules=(f"2 {_lab(a)}",))


# ---- backpropagation -------------------------------------------------------------------


def topological_order(output: Node) -> list[Node]:
    """Every node the output depends on, parents before children (the output last)."""
    if not isinstance(output, Node):
        raise TypeError(f"output must be a Node, got {type(output).__name__}")
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(output, False)]
    while stack:  # iterative depth-first search, so deep graphs do not hit the recursion limit
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for p in reversed(node.parents):
            if id(p) not in seen:
                stack.append((p, False))
    return order


def backward(output: Node) -> None:
    """Fill in ``bar = d output / d node`` for every node the output depends on.

    Multivariate chain rule: if ``v`` feeds children ``c_1, ..., c_k`` then

    ``bar(v) = sum_i bar(c_i) * d c_i / d v``,

    so the nodes are visited in reverse topological order (every child before its
    parents), starting from ``bar(output) = 1``, and each child *adds* its term
    ``bar(child) * local`` to the parent's bar (``+=``: the sum at forks). Earlier bars are
    reset to 0 first.
    """
    _backprop(output, record=False)


@dataclass(frozen=True)
class Step:
    """One step of :func:`trace_backward`.

    ``kind == "visit"``: the backward pass reaches ``node``, whose ``bar`` is now final.
    ``kind == "add"``: the chain-rule term ``contribution = node_bar * local`` is added to
    ``parent``'s bar, which becomes ``parent_bar``.
    """

    kind: str
    node: str
    node_bar: float
    parent: str | None = None
    local: float | None = None
    rule: str = ""
    contribution: float | None = None
    parent_bar: float | None = None

    @property
    def text(self) -> str:
        """The step in words, in the lecture's bar notation."""
        if self.kind == "visit":
            return f"visit {self.node}: bar({self.node}) = {self.node_bar:.6g}"
        rule = f" [= {self.rule}]" if self.rule else ""
        return (
            f"bar({self.parent}) += bar({self.node}) * d{self.node}/d{self.parent}{rule}"
            f" = {self.node_bar:.6g} * {self.local:.6g} = {self.contribution:.6g}"
            f"  ->  bar({self.parent}) = {self.parent_bar:.6g}"
        )


def node_labels(output: Node) -> dict[int, str]:
    """A label for every node: its name, or ``v1, v2, ...`` in topological order."""
    labels: dict[int, str] = {}
    k = 0
    for n in topological_order(output):
        if n.name:
            labels[id(n)] = n.name
        else:
            k += 1
            labels[id(n)] = f"v{k}"
    return labels


def trace_backward(output: Node) -> list[Step]:
    """Run :func:`backward` and record every step, in order.

    Returns
    -------
    list of Step
        For each node in reverse topological order, a ``"visit"`` step, followed by one
        ``"add"`` step per parent (constants from Python numbers are skipped in the record,
        though their bars are computed). The chapter on backprop steps through this list.
    """
    return _backprop(output, record=True)


def _backprop(output: Node, record: bool) -> list[Step]:
    order = topological_order(output)
    labels = node_labels(output) if record else {}
    for n in order:
        n.bar = 0.0
    output.bar = 1.0
    steps: list[Step] = []
    for n in reversed(order):
        if record and n.op != "const":
            steps.append(Step("visit", labels[id(n)], n.bar))
        for p, local, rule in zip(n.parents, n.local, n.rules, strict=True):
            term = n.bar * local
            p.bar += term  # sum over children: the multivariate chain rule
            if record and p.op != "const":
                steps.append(
                    Step(
                        "add",
                        labels[id(n)],
                        n.bar,
                        parent=labels[id(p)],
                        local=local,
                        rule=rule,
                        contribution=term,
                        parent_bar=p.bar,
                    )
                )
    return steps
