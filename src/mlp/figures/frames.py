"""Interactive figures that keep working in the static HTML book.

An :class:`Explorer` shows a matplotlib figure controlled by sliders or toggle buttons.
It runs in one of two modes:

``"live"`` (a notebook with a running kernel: JupyterLab, Binder, Colab)
    Moving a control calls ``draw(fig, **values)`` again and shows the new picture.
``"static"`` (the book build, where ``MLP_STATIC_WIDGETS=1``)
    Every combination of control values is drawn once, when the page is built, into a
    ``widgets.Stack`` of pictures. Each control's ``index`` is ``jslink``-ed to the stacks in
    the browser, so moving it switches pictures with no kernel at all. With several controls
    the stacks are nested: the first control picks a child of the outer stack, the second a
    child of the stacks one level down, and so on.

The drawing function is the same in both modes, so what a reader sees in the book is
exactly what the live notebook computes at those values.

Examples
--------
>>> import numpy as np
>>> def draw(fig, k):
...     ax = fig.gca() if fig.axes else fig.add_subplot()
...     ax.clear()
...     z = np.linspace(-5, 5, 200)
...     ax.plot(z, 1 / (1 + np.exp(-k * z)))
...     return f"steepness k = {k}"
>>> ex = Explorer(draw, {"k": [1, 2, 4, 8]}, alt="a sigmoid curve", mode="static")
>>> ex.n_frames
4
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

STATIC_ENV = "MLP_STATIC_WIDGETS"
"""Environment variable that selects the static mode (the book build sets it to ``1``)."""


def static_mode() -> bool:
    """Whether interactive figures should be precomputed (``MLP_STATIC_WIDGETS=1``)."""
    return os.environ.get(STATIC_ENV, "") == "1"


@dataclass
class Control:
    """One control of an :class:`Explorer`.

    Parameters
    ----------
    name
        The keyword passed to ``draw``.
    values
        The values the static book precomputes, in order. Numbers give a slider; strings
        give toggle buttons.
    description
        The label shown next to the control (defaults to ``name``).
    live_step
        Slider step in live mode (defaults to the spacing of ``values``); live sliders may
        move between the precomputed values.
    """

    name: str
    values: Sequence[Any]
    description: str | None = None
    live_step: float | None = None
    _labels: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.values) == 0:
            raise ValueError(f"control {self.name!r} needs at least one value")
        self.values = list(self.values)
        self._labels = [_fmt(v) for v in self.values]

    @property
    def is_numeric(self) -> bool:
        """True when every value is a number (a slider), False for choices (buttons)."""
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in self.values)

    @property
    def label(self) -> str:
        return self.description or self.name


def _evenly_spaced(values: Sequence[float]) -> bool:
    """True when the values are increasing by one constant step (a slider's grid)."""
    if len(values) < 3:
        return True
    steps = [b - a for a, b in itertools.pairwise(values)]
    return all(abs(d - steps[0]) <= 1e-9 * max(1.0, abs(steps[0])) for d in steps) and steps[0] > 0


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def figure_to_png(fig: Figure, *, dpi: float | None = None, fast: bool = False) -> bytes:
    """Render a figure to PNG bytes (``fast=True`` trades size for encoding speed)."""
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {"format": "png", "dpi": dpi or fig.dpi}
    if fast:
        kwargs["pil_kwargs"] = {"compress_level": 1}
    fig.savefig(buf, **kwargs)
    return buf.getvalue()


def _frame_html(png: bytes, alt: str, text: str | None) -> str:
    data = base64.b64encode(png).decode("ascii")
    img = (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto">'
    )
    caption = f'<div class="mlp-frame-text">{text}</div>' if text else ""
    return f'<div class="mlp-frame">{img}{caption}</div>'


class Explorer:
    """A matplotlib figure driven by controls, live in Jupyter and precomputed in the book.

    Parameters
    ----------
    draw
        ``draw(fig, **values) -> str | None``. Draws the state for the given control values
        on the persistent figure ``fig`` (clear and redraw, or update artists for speed).
        It may return a short HTML text shown under the figure (a score, the weights...).
    controls
        Either a mapping ``name -> values`` or a sequence of :class:`Control`.
    alt
        Alternative text of the picture, a string or ``alt(**values) -> str``.
    mode
        ``"live"``, ``"static"`` or ``"auto"`` (static when ``MLP_STATIC_WIDGETS=1``).
    figsize, dpi
        Size of the figure; keep the dpi modest so that precomputed pages stay small.
    initial
        Starting values (defaults to the first value of every control).
    """

    def __init__(
        self,
        draw: Callable[..., str | None],
        controls: Mapping[str, Sequence[Any]] | Sequence[Control],
        *,
        alt: str | Callable[..., str],
        mode: str = "auto",
        figsize: tuple[float, float] = (6.0, 3.6),
        dpi: float = 80,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        if mode not in {"auto", "live", "static"}:
            raise ValueError(f"mode must be 'auto', 'live' or 'static', got {mode!r}")
        if isinstance(controls, Mapping):
            controls = [Control(name, values) for name, values in controls.items()]
        self.controls: list[Control] = list(controls)
        if not self.controls:
            raise ValueError("an Explorer needs at least one control")
        names = [c.name for c in self.controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be distinct, got {names}")
        self.draw = draw
        self.alt = alt
        self.dpi = dpi
        self.mode = ("static" if static_mode() else "live") if mode == "auto" else mode
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.values: dict[str, Any] = {c.name: c.values[0] for c in self.controls}
        for key, value in (initial or {}).items():
            if key not in self.values:
                raise ValueError(f"initial value for unknown control {key!r}; controls: {names}")
            self.values[key] = value
        self._widgets: dict[str, widgets.Widget] = {}
        self.view = widgets.HTML()
        self.widget = self._build_static() if self.mode == "static" else self._build_live()

    # -- rendering -------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        """Number of precomputed states (the product of the controls' value counts)."""
        n = 1
        for c in self.controls:
            n *= len(c.values)
        return n

    def _alt(self, values: Mapping[str, Any]) -> str:
        return self.alt(**values) if callable(self.alt) else self.alt

    def render(self, *, fast: bool = False, **values: Any) -> tuple[bytes, str | None]:
        """Draw the state for ``values`` and return ``(png_bytes, text)`` (headless use)."""
        unknown = set(values) - set(self.values)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; controls: {list(self.values)}")
        state = {**self.values, **values}
        text = self.draw(self.fig, **state)
        return figure_to_png(self.fig, dpi=self.dpi, fast=fast), text

    def frame_html(self, *, fast: bool = False, **values: Any) -> str:
        """The HTML (picture plus text) shown for ``values``."""
        state = {**self.values, **values}
        png, text = self.render(fast=fast, **state)
        return _frame_html(png, self._alt(state), text)

    # -- live mode -------------------------------------------------------------------
    def _make_live_control(self, c: Control) -> widgets.Widget:
        style = {"description_width": "initial"}
        value = self.values[c.name]
        if not c.is_numeric:
            return widgets.ToggleButtons(
                options=c.values, value=value, description=c.label, style=style
            )
        lo, hi = min(c.values), max(c.values)
        spacing = (hi - lo) / max(len(c.values) - 1, 1)
        if c.live_step is None and not _evenly_spaced(c.values):
            # uneven values (epochs 0, 5, 20, 100...) are states, not points on a scale:
            # the live slider offers exactly them, as the static one does
            options = list(zip(c._labels, c.values, strict=True))
            return widgets.SelectionSlider(
                options=options, value=value, description=c.label, style=style
            )
        step = c.live_step if c.live_step is not None else (spacing or 1)
        if all(isinstance(v, int) for v in c.values) and float(step).is_integer():
            return widgets.IntSlider(
                value=value, min=lo, max=hi, step=int(step), description=c.label, style=style
            )
        return widgets.FloatSlider(
            value=value,
            min=lo,
            max=hi,
            step=step,
            description=c.label,
            style=style,
            readout_format=".3g",
        )

    def _build_live(self) -> widgets.Widget:
        note = widgets.HTML(
            '<p class="mlp-mode">Live figure: it is recomputed each time you move a control.</p>'
        )
        boxes = []
        for c in self.controls:
            w = self._make_live_control(c)
            w.observe(self._on_change, names="value")
            self._widgets[c.name] = w
            boxes.append(w)
        self.view.value = self.frame_html(fast=True)
        return widgets.VBox([widgets.VBox(boxes), self.view, note])

    def _on_change(self, change: dict[str, Any]) -> None:
        for name, w in self._widgets.items():
            self.values[name] = w.value
        self.view.value = self.frame_html(fast=True)

    def set(self, **values: Any) -> None:
        """Move controls programmatically (as a reader would), then refresh the view."""
        for name, value in values.items():
            if name not in self._widgets:
                raise ValueError(f"unknown control {name!r}; controls: {list(self._widgets)}")
            c = next(c for c in self.controls if c.name == name)
            w = self._widgets[name]
            if self.mode == "static":
                if value not in c.values:
                    raise ValueError(
                        f"{name}={value!r} is not one of the precomputed values {c.values}"
                    )
                w.index = c.values.index(value)
            else:
                w.value = value
            self.values[name] = value

    # -- static mode -----------------------------------------------------------------
    def _make_static_control(self, c: Control, index: int) -> widgets.Widget:
        style = {"description_width": "initial"}
        options = list(zip(c._labels, range(len(c.values)), strict=True))
        if c.is_numeric:
            return widgets.SelectionSlider(
                options=options,
                index=index,
                description=c.label,
                style=style,
                continuous_update=True,
            )
        return widgets.ToggleButtons(options=options, index=index, description=c.label, style=style)

    def _build_static(self) -> widgets.Widget:
        start = [
            c.values.index(self.values[c.name]) if self.values[c.name] in c.values else 0
            for c in self.controls
        ]
        stacks_at_depth: list[list[widgets.Stack]] = [[] for _ in self.controls]

        def build(depth: int, prefix: dict[str, Any]) -> widgets.Widget:
            c = self.controls[depth]
            children = []
            for v in c.values:
                state = {**prefix, c.name: v}
                if depth + 1 < len(self.controls):
                    children.append(build(depth + 1, state))
                else:
                    children.append(widgets.HTML(self.frame_html(**{**self.values, **state})))
            stack = widgets.Stack(children, selected_index=start[depth])
            stacks_at_depth[depth].append(stack)
            return stack

        root = build(0, {})
        boxes = []
        self._links = []
        for depth, c in enumerate(self.controls):
            w = self._make_static_control(c, start[depth])
            self._widgets[c.name] = w
            boxes.append(w)
            for stack in stacks_at_depth[depth]:
                self._links.append(widgets.jslink((w, "index"), (stack, "selected_index")))
        self.view = root
        note = widgets.HTML(
            f'<p class="mlp-mode">Precomputed figure: the {self.n_frames} states were drawn when '
            "this page was built, and the controls switch between them in your browser. Open "
            "the notebook (Binder or JupyterLab) to recompute it live at any value.</p>"
        )
        return widgets.VBox([widgets.VBox(boxes), root, note])

    def frame_grid(self) -> list[dict[str, Any]]:
        """Every combination of control values, in the order the static stacks hold them."""
        names = [c.name for c in self.controls]
        return [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(c.values for c in self.controls))
        ]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


__all__ = ["STATIC_ENV", "Control", "Explorer", "figure_to_png", "static_mode"]
