"""Node labels of a computation graph as TeX, HTML or plain Unicode, in the lecture's notation.

Labels follow :func:`mlp.graph.node_labels` and :mod:`mlp.lecture_graphs`: ``"w1_12"`` is the
weight ``w^(1)_12`` of layer 1, ``"z2"`` is ``z_2``, ``"L"`` is the loss. An error signal
``bar(v)`` is written with an overline.

Examples
--------
>>> label_tex("w1_12")
'w^{(1)}_{12}'
>>> label_html("z2")
'<i>z</i><sub>2</sub>'
>>> label_unicode("w1_12")
'w⁽¹⁾₁₂'
>>> bar_text("y")
'bar(y)'
>>> op_symbol("*"), op_symbol("sigmoid")
('×', 'σ')
"""

from __future__ import annotations

import html
import re

__all__ = [
    "bar_html",
    "bar_tex",
    "bar_text",
    "bar_unicode",
    "label_html",
    "label_tex",
    "label_unicode",
    "op_symbol",
]

_LAYERED = re.compile(r"^([A-Za-z]+)(\d)_(\d+)$")  # w1_12: weight of layer 1, row 1, column 2
_INDEXED = re.compile(r"^([A-Za-z]+)(\d+)$")  # z2
_TEX_SAFE = re.compile(r"^[A-Za-z0-9()+\-*/.,^ ]+$")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_OVERLINE = "\u0305"  # combining overline
# how an operation is written above its node: "*" in a small font reads as the letter x
_OPS = {"*": "×", "-": "−", "/": "÷", "sigmoid": "σ", "square": "(·)²", "neg": "−(·)"}


def _parts(label: str) -> tuple[str, str | None, str | None]:
    """``(symbol, layer, index)``: ``"w1_12"`` gives ``("w", "1", "12")``, ``"z2"`` gives
    ``("z", None, "2")``, any other label ``(label, None, None)``."""
    m = _LAYERED.match(label)
    if m:
        return m[1], m[2], m[3]
    m = _INDEXED.match(label)
    return (m[1], None, m[2]) if m else (label, None, None)


def label_tex(label: str) -> str:
    """A node label as matplotlib/LaTeX math (without the dollars).

    ``"w1_12"`` becomes ``w^{(1)}_{12}``, ``"z2"`` becomes ``z_{2}``; other labels are
    set upright (``"exp(xy)"`` becomes ``\\mathrm{exp(xy)}``).
    """
    base, layer, index = _parts(label)
    if index is not None:
        return base + (f"^{{({layer})}}" if layer else "") + f"_{{{index}}}"
    if len(label) == 1 and label.isalpha():
        return "\\mathcal{L}" if label == "L" else label
    if _TEX_SAFE.match(label):
        return r"\mathrm{" + label.replace(" ", r"\ ") + "}"
    return r"\mathrm{?}"


def label_html(label: str) -> str:
    """A node label as HTML (``"w1_12"`` becomes ``w<sup>(1)</sup><sub>12</sub>``)."""
    base, layer, index = _parts(label)
    if index is not None:
        return f"<i>{base}</i>" + (f"<sup>({layer})</sup>" if layer else "") + f"<sub>{index}</sub>"
    if label == "L":
        return "ℒ"
    return f"<i>{html.escape(label)}</i>" if len(label) == 1 else html.escape(label)


def label_unicode(label: str, bar: bool = False) -> str:
    """A node label as plain Unicode text (``"w1_12"`` becomes ``w⁽¹⁾₁₂``).

    With ``bar=True`` the symbol gets an overline (a combining character), the lecture's
    error-signal notation. Figures use this rather than math text, which matplotlib would
    have to parse again in every frame of a stepper.
    """
    base, layer, index = _parts(label)
    rest = (f"({layer})".translate(_SUP) if layer else "") + (index or "").translate(_SUB)
    if label == "L":
        base = "ℒ"
    if bar:
        base = "".join(ch + _OVERLINE for ch in base)
    return base + rest


def op_symbol(op: str) -> str:
    """How the operation ``op`` of a node is written in a figure: ``"*"`` becomes ``"×"``
    (an asterisk in a small font reads as the letter x), ``"sigmoid"`` becomes ``"σ"``."""
    return _OPS.get(op, op)


def bar_unicode(label: str) -> str:
    """The error signal of ``label`` as plain Unicode: ``"z1"`` becomes ``z̄₁``."""
    return label_unicode(label, bar=True)


def bar_text(label: str) -> str:
    """The error signal of ``label`` as plain text: ``bar(label)``."""
    return f"bar({label})"


def bar_html(label: str) -> str:
    """The error signal of ``label`` as HTML: the label with an overline."""
    return f'<span style="text-decoration:overline">{label_html(label)}</span>'


def bar_tex(label: str) -> str:
    """The error signal of ``label`` as TeX: ``\\overline{...}``."""
    return r"\overline{" + label_tex(label) + "}"
