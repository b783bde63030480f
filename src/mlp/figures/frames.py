"""The one mechanism behind every interactive figure: controls, a render function, frames.

A :class:`Frames` figure is given controls (sliders or buttons, each with the values the
static book precomputes) and a *render function* from control values to a **frame**: a
matplotlib ``Figure``, an SVG string, or an HTML string, optionally with a short HTML text
shown under it (``render(**values) -> frame`` or ``-> (frame, text)``). It runs in one of
two modes, chosen here and nowhere else:

``"live"`` (a notebook with a running kernel: JupyterLab, Binder, Colab)
    Moving a control calls ``render`` again and shows the new frame. A figure that offers
    more in a kernel (the playground's training buttons) passes ``live=`` a function that
    builds that richer widget instead.
``"static"`` (the book build, where ``MLP_STATIC_WIDGETS=1``)
    Every combination of control values is rendered once, when the page is built, into a
    stack of frames, saved as widget state by :mod:`mlp.figures.static_widgets` (one output,
    no kernel comms). Each control's ``index`` is linked to the stacks, and the page's
    ``static_widgets.js`` switches frames in the browser with no kernel. With several controls the
    stacks are nested: the first control picks a child of the outer stack, the second a
    child one level down, and so on. Identical frames are stored once.

The render function is the same in both modes, so the book shows exactly what the live
notebook computes at those values. :func:`on_figure` adapts a ``draw(fig, **values)``
function that updates one persistent matplotlib figure (fast in live mode).

Examples
--------
>>> import numpy as np
>>> def draw(fig, k):
...     ax = fig.gca() if fig.axes else fig.add_subplot()
...     ax.clear()
...     z = np.linspace(-5, 5, 200)
...     ax.plot(z, 1 / (1 + np.exp(-k * z)))
...     return f"steepness k = {k}"
>>> fr = Frames(on_figure(draw), {"k": [1, 2, 4, 8]}, alt="a sigmoid curve", mode="static")
>>> fr.n_frames
4
>>> Frames(lambda k: f"<b>{k}</b>", {"k": [1, 2]}, alt="k", mode="static").frame_html(k=2)
'<div class="mlp-frame"><b>2</b></div>'
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from mlp.figures import static_widgets as static
from mlp.figures.light_frames import overlay_svg, palette_png

__all__ = ["STATIC_ENV", "Control", "Frames", "figure_to_png", "on_figure", "static_mode"]

STATIC_ENV = "MLP_STATIC_WIDGETS"
"""Environment variable that selects the static mode (the book build sets it to ``1``)."""

_STYLE = {"description_width": "initial"}


def static_mode() -> bool:
    """Whether interactive figures should be precomputed (``MLP_STATIC_WIDGETS=1``)."""
    return os.environ.get(STATIC_ENV, "") == "1"


@dataclass
class Control:
    """One control: a name, the values the static book precomputes, and a label.

    Numbers give a slider, anything else toggle buttons. ``live_step`` lets a live slider
    move between the precomputed values (defaults to their spacing; unevenly spaced values,
    such as epochs 0, 5, 20, 100, are offered exactly, as in the book). ``labels`` names
    the values on the control (default: the values themselves); a slider with labels
    offers exactly its values.
    """

    name: str
    values: Sequence[Any]
    description: str | None = None
    live_step: float | None = None
    labels: Sequence[str] | None = None
    named: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.values) == 0:
            raise ValueError(f"control {self.name!r} needs at least one value")
        self.values = list(self.values)
        self.named = self.labels is not None
        if self.labels is None:
            self.labels = [f"{v:.3g}" if isinstance(v, float) else str(v) for v in self.values]
        if len(self.labels) != len(self.values):
            raise ValueError(
                f"control {self.name!r} has {len(self.values)} values but {len(self.labels)} labels"
            )
        self.labels = list(self.labels)

    @property
    def is_numeric(self) -> bool:
        """True when every value is a number (a slider), False for choices (buttons)."""
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in self.values)

    @property
    def label(self) -> str:
        """The text shown next to the control."""
        return self.description or self.name

    def live_widget(self, value: Any) -> widgets.Widget:
        """The control as a kernel-backed widget starting at ``value``."""
        if not self.is_numeric:
            return widgets.ToggleButtons(
                options=self.values, value=value, description=self.label, style=_STYLE
            )
        lo, hi, n = min(self.values), max(self.values), len(self.values)
        steps = [b - a for a, b in itertools.pairwise(self.values)]
        even = all(abs(d - steps[0]) <= 1e-9 * max(1.0, abs(steps[0])) for d in steps)
        if self.named or (self.live_step is None and not (even and (n < 2 or steps[0] > 0))):
            options = list(zip(self.labels, self.values, strict=True))
            return widgets.SelectionSlider(
                options=options, value=value, description=self.label, style=_STYLE
            )
        step = self.live_step or ((hi - lo) / max(n - 1, 1)) or 1
        if all(isinstance(v, int) for v in self.values) and float(step).is_integer():
            return widgets.IntSlider(
                value=value, min=lo, max=hi, step=int(step), description=self.label, style=_STYLE
            )
        return widgets.FloatSlider(
            value=value, min=lo, max=hi, step=step, description=self.label, style=_STYLE,
            readout_format=".3g",
        )  # fmt: skip

    def static_widget(self, index: int) -> static.Model:
        """The control of the static book, whose ``index`` the browser links to the stacks."""
        make = static.SelectionSlider if self.is_numeric else static.ToggleButtons
        return make(self.labels, index=index, description=self.label)


def figure_to_png(fig: Figure, *, dpi: float | None = None, fast: bool = False) -> bytes:
    """Render a figure to PNG bytes (``fast=True`` trades size for encoding speed)."""
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {"format": "png", "dpi": dpi or fig.dpi}
    if fast:
        kwargs["pil_kwargs"] = {"compress_level": 1}
    fig.savefig(buf, **kwargs)
    return buf.getvalue()


def on_figure(
    draw: Callable[..., str | None], *, figsize: tuple[float, float] = (6.0, 3.6), dpi: float = 80
) -> Callable[..., tuple[Figure, str | None]]:
    """A render function that calls ``draw(fig, **values)`` on one persistent figure.

    ``draw`` may clear and redraw, or update its artists' data (the fast way in live mode);
    it may return a short HTML text shown under the figure.
    """
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")

    def render(**values: Any) -> tuple[Figure, str | None]:
        return fig, draw(fig, **values)

    return render


def _frame_html(
    frame: Any, alt: str, text: str | None, fast: bool, defs: dict[str, str] | None = None
) -> str:
    """A frame as HTML. ``defs`` (the static book) asks for the light form: an SVG over a
    background it adds to ``defs`` (stored once per figure), or a palette PNG."""
    if isinstance(frame, Figure):
        overlay = overlay_svg(frame, alt) if defs is not None else None
        if overlay is not None:
            key, defs[key], body = overlay
        else:
            png = palette_png(frame) if defs is not None else figure_to_png(frame, fast=fast)
            data = base64.b64encode(png).decode("ascii")
            body = (
                f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
                'style="max-width:100%;height:auto">'
            )
    elif isinstance(frame, str):
        body = frame
    else:
        raise TypeError(f"a frame must be a matplotlib Figure or an SVG/HTML string, got {frame!r}")
    caption = f'<div class="mlp-frame-text">{text}</div>' if text else ""
    return f'<div class="mlp-frame">{body}{caption}</div>'


_LIVE_NOTE = "Live figure: it is recomputed each time you move a control."
_STATIC_NOTE = (
    "Precomputed figure: the {n} states were drawn when this page was built, and the "
    "controls switch between them in your browser. Open the notebook (Binder or JupyterLab) "
    "to recompute it live{more}."
)


class Frames:
    """An interactive figure: controls plus ``render(**values)``, live or precomputed.

    Parameters
    ----------
    render
        ``render(**values) -> frame`` or ``-> (frame, text)``; a frame is a matplotlib
        ``Figure``, an SVG string or an HTML string.
    controls
        A mapping ``name -> values`` or a sequence of :class:`Control`.
    alt
        Alternative text of a figure frame: a string or ``alt(**values) -> str``.
    initial
        Starting values (default: each control's first value).
    mode
        ``"live"``, ``"static"`` or ``"auto"`` (static when ``MLP_STATIC_WIDGETS=1``).
    live
        Optional ``live() -> widget``: a richer view shown instead in live mode.
    note
        Whether to say under the figure how it responds (live or precomputed); a quiz,
        whose frames are feedback rather than pictures, leaves it out.
    """

    def __init__(
        self,
        render: Callable[..., Any],
        controls: Mapping[str, Sequence[Any]] | Sequence[Control],
        *,
        alt: str | Callable[..., str],
        initial: Mapping[str, Any] | None = None,
        mode: str = "auto",
        live: Callable[[], widgets.Widget] | None = None,
        note: bool = True,
    ) -> None:
        if mode not in {"auto", "live", "static"}:
            raise ValueError(f"mode must be 'auto', 'live' or 'static', got {mode!r}")
        if isinstance(controls, Mapping):
            controls = [Control(name, values) for name, values in controls.items()]
        self.controls: list[Control] = list(controls)
        names = [c.name for c in self.controls]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"a figure needs at least one control, with distinct names: {names}")
        self.render, self.alt = render, alt
        self.mode = ("static" if static_mode() else "live") if mode == "auto" else mode
        self.values: dict[str, Any] = {c.name: c.values[0] for c in self.controls}
        for key, value in (initial or {}).items():
            if key not in self.values:
                raise ValueError(f"initial value for unknown control {key!r}; controls: {names}")
            self.values[key] = value
        self.controls_by_name = dict(zip(names, self.controls, strict=True))
        self._widgets: dict[str, Any] = {}  # ipywidgets (live) or static models
        self.view: Any = widgets.HTML() if self.mode == "live" else None
        self.n_distinct = 0
        self.backgrounds: static.Model | None = None  # the static frames' shared backgrounds
        self.richer_live, self.note = live is not None, note
        if self.mode == "static":
            self.widget = self._build_static(live is not None)
        else:
            self.widget = live() if live is not None else self._build_live()

    @property
    def n_frames(self) -> int:
        """Number of precomputed states (the product of the controls' value counts)."""
        n = 1
        for c in self.controls:
            n *= len(c.values)
        return n

    def frame_grid(self) -> list[dict[str, Any]]:
        """Every combination of control values, in the order the static stacks hold them."""
        combos = itertools.product(*(c.values for c in self.controls))
        return [dict(zip(self.controls_by_name, combo, strict=True)) for combo in combos]

    def render_frame(self, **values: Any) -> tuple[Any, str | None]:
        """``(frame, text)`` for ``values`` (missing controls keep their current value)."""
        unknown = set(values) - set(self.values)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; controls: {list(self.values)}")
        out = self.render(**{**self.values, **values})
        return out if isinstance(out, tuple) else (out, None)

    def frame_html(
        self, *, fast: bool = False, defs: dict[str, str] | None = None, **values: Any
    ) -> str:
        """The HTML (frame plus text) shown for ``values``; with ``defs``, the light form
        of the static book (see :mod:`mlp.figures.light_frames`)."""
        state = {**self.values, **values}
        frame, text = self.render_frame(**state)
        alt = self.alt(**state) if callable(self.alt) else self.alt
        return _frame_html(frame, alt, text, fast, defs)

    def set(self, **values: Any) -> None:
        """Move controls programmatically (as a reader would); the view follows."""
        if self.mode == "live" and self.richer_live:
            raise ValueError(
                "this figure shows its richer live view (live=...) in a kernel, without these "
                f"controls {list(self.controls_by_name)}; move the live view's own controls"
            )
        for name, value in values.items():
            c = self.controls_by_name.get(name)
            if c is None or name not in self._widgets:
                raise ValueError(f"unknown control {name!r}; controls: {list(self._widgets)}")
            if self.mode == "static":
                if value not in c.values:
                    raise ValueError(f"{name}={value!r} is not one of the precomputed {c.values}")
                self._widgets[name].index = c.values.index(value)
            else:
                self._widgets[name].value = value
            self.values[name] = value

    def _build_live(self) -> widgets.Widget:
        for c in self.controls:
            w = c.live_widget(self.values[c.name])
            w.observe(self._on_change, names="value")
            self._widgets[c.name] = w
        self.view.value = self.frame_html(fast=True)
        return self._assemble(_LIVE_NOTE)

    def _on_change(self, change: dict[str, Any]) -> None:
        self.values.update({name: w.value for name, w in self._widgets.items()})
        self.view.value = self.frame_html(fast=True)

    def _build_static(self, richer_live: bool) -> static.StaticView:
        start = [c.values.index(self.values[c.name]) for c in self.controls]
        stacks: list[list[static.Model]] = [[] for _ in self.controls]
        seen: dict[str, static.Model] = {}  # identical frames are stored once
        defs: dict[str, str] = {}  # the shared backgrounds of the frames

        def build(depth: int, prefix: dict[str, Any]) -> static.Model:
            c, children = self.controls[depth], []
            for v in c.values:
                state = {**prefix, c.name: v}
                if depth + 1 < len(self.controls):
                    children.append(build(depth + 1, state))
                else:
                    page = self.frame_html(defs=defs, **state)
                    children.append(seen.setdefault(page, static.HTML(page)))
            stacks[depth].append(static.Stack(children, selected_index=start[depth]))
            return stacks[depth][-1]

        self.view = build(0, {})
        self.n_distinct = len(seen)
        self._links = []
        for depth, c in enumerate(self.controls):
            self._widgets[c.name] = w = c.static_widget(start[depth])
            self._links += [static.Link((w, "index"), (s, "selected_index")) for s in stacks[depth]]
        if defs:  # the backgrounds, once, before the frames that use them
            self.backgrounds = static.HTML("".join(defs.values()))
        more = ", with more to do" if richer_live else " at any value"
        note = _STATIC_NOTE.format(n=self.n_frames, more=more)
        root = self._assemble(note, static, [self.backgrounds] if defs else [])
        return static.StaticView(root, self._links)

    def _assemble(self, note: str, kind: Any = widgets, before: list | None = None) -> Any:
        """The controls, ``before`` and the view, and (unless ``note=False``) how the figure
        responds, boxed by ``kind``: ``ipywidgets`` (live) or :mod:`mlp.figures.static_widgets`."""
        parts = [kind.VBox(list(self._widgets.values())), *(before or []), self.view]
        if self.note:
            parts.append(kind.HTML(f'<p class="mlp-mode">{note}</p>'))
        return kind.VBox(parts)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
