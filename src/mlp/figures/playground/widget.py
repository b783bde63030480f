"""The live playground for a running kernel: :class:`PlaygroundWidget`.

A control for every setting of the configuration table
(:data:`~mlp.figures.playground.config.SETTINGS`, made by :func:`make_control`), play / pause
(an ``ipywidgets.Play`` drives the steps, no background thread), step (one minibatch, showing
its error signals), reset, presets, the configuration as a share string, and "show the
network" as ``mlp`` code. It is the live view of
:func:`~mlp.figures.playground.tour.playground_widget`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from mlp.figures.playground.config import (
    FEATURES,
    MAX_LAYERS,
    MAX_UNITS,
    SETTINGS,
    Choice,
    FeatureSet,
    Int,
    Number,
    PlaygroundConfig,
    Setting,
    Widths,
)
from mlp.figures.playground.model import Playground
from mlp.figures.playground.presets import PRESETS, as_config
from mlp.figures.playground.view import render_html

__all__ = ["PlaygroundWidget", "make_control"]

_STYLE = {"description_width": "initial"}
_AUTO = {"width": "auto"}  # a Layout per widget, made with it (none at import)


# ---- one control per setting, made from the table -------------------------------------------


class _Simple:
    """A setting shown by one ipywidget whose ``value`` is the setting's value."""

    def __init__(self, widget: widgets.Widget) -> None:
        self.widget = widget

    @property
    def value(self) -> Any:
        return self.widget.value

    def observe(self, handler: Any) -> None:
        self.widget.observe(handler, names="value")


class _FeatureToggles:
    """The input features as toggle buttons; the value is the tuple of selected keys."""

    def __init__(self, label: str, value: tuple[str, ...]) -> None:
        self.buttons = {
            k: widgets.ToggleButton(value=k in value, description=f.label, layout=_AUTO)
            for k, f in FEATURES.items()
        }
        self.widget = widgets.HBox([widgets.Label(label), *self.buttons.values()])

    @property
    def value(self) -> tuple[str, ...]:
        return tuple(k for k, b in self.buttons.items() if b.value)

    def observe(self, handler: Any) -> None:
        for b in self.buttons.values():
            b.observe(handler, names="value")


class _LayerSliders:
    """The hidden layers: a slider for their number, and one for each layer's width."""

    def __init__(self, label: str, value: tuple[int, ...]) -> None:
        self.n_layers = widgets.IntSlider(
            value=len(value), min=0, max=MAX_LAYERS, description=label, style=_STYLE
        )
        self.widths = [
            widgets.IntSlider(
                value=value[i] if i < len(value) else 4, min=1, max=MAX_UNITS,
                description=f"units in layer {i + 1}", style=_STYLE,
            )
            for i in range(MAX_LAYERS)
        ]  # fmt: skip
        self.n_layers.observe(lambda _: self._show_widths(), names="value")
        self._show_widths()
        half = MAX_LAYERS // 2
        rows = [widgets.HBox(self.widths[:half]), widgets.HBox(self.widths[half:])]
        self.widget = widgets.VBox([self.n_layers, *rows])

    def _show_widths(self) -> None:
        for i, w in enumerate(self.widths):
            w.layout.display = "" if i < self.n_layers.value else "none"

    @property
    def value(self) -> tuple[int, ...]:
        return tuple(w.value for w in self.widths[: self.n_layers.value])

    def observe(self, handler: Any) -> None:
        for w in [self.n_layers, *self.widths]:
            w.observe(handler, names="value")


def _menu(values: Sequence[float], value: float) -> list[tuple[str, float]]:
    """The usual values of a number, with ``value`` among them even if unusual."""
    return [(f"{v:g}", v) for v in sorted({*values, value})]


def make_control(s: Setting, value: Any) -> _Simple | _FeatureToggles | _LayerSliders:
    """The control of one setting of the table, showing ``value``.

    Its ``value`` is the setting's value, ``observe(handler)`` calls ``handler`` on every
    change, and ``widget`` is what is displayed. The kind of the setting picks the control.
    """
    k, common = s.kind, {"description": s.label, "style": _STYLE}
    if isinstance(k, FeatureSet):
        return _FeatureToggles(s.label or s.name, value)
    if isinstance(k, Widths):
        return _LayerSliders(s.label or s.name, value)
    if isinstance(k, Choice):
        options = [(label, v) for v, label in k.options.items()]
        cls = widgets.ToggleButtons if k.buttons else widgets.Dropdown
        return _Simple(cls(options=options, value=value, **common))
    if isinstance(k, Number):
        return _Simple(widgets.Dropdown(options=_menu(k.menu, value), value=value, **common))
    if isinstance(k, Int) and k.hi is not None:
        w = widgets.IntSlider(value=value, min=k.lo, max=k.hi, step=k.step, **common)
        return _Simple(w)
    if isinstance(k, Int):
        return _Simple(widgets.IntText(value=value, layout=widgets.Layout(width="150px"), **common))
    raise TypeError(f"no control for a setting of kind {type(k).__name__}")


# ---- the live trainer -----------------------------------------------------------------------


def _error(err: object) -> str:
    return f'<span style="color:#b00">{html.escape(str(err))}</span>'


class PlaygroundWidget:
    """The live playground: controls, play / pause / step / reset, and the picture.

    The controls are made from the configuration table, and show the configuration: a
    change of a control builds a new configuration from all of them (an invalid one is
    reported and not applied); loading a preset or a share string builds the controls
    again from the loaded configuration.

    Parameters
    ----------
    config
        Starting configuration: a :class:`~mlp.figures.playground.config.PlaygroundConfig`,
        a share string or a preset key.
    resolution, node_resolution
        Grid sizes of the decision map and of the units' small maps.
    interval
        Milliseconds between two ticks while playing; each tick trains one epoch.

    Notes
    -----
    Playing is driven by an ``ipywidgets.Play`` widget: the browser increments its value
    every ``interval`` ms and the kernel trains one epoch per change, so no thread runs in
    the background and a test can drive it by setting ``play.value``.
    """

    def __init__(
        self,
        config: PlaygroundConfig | str | None = None,
        *,
        resolution: int = 100,
        node_resolution: int = 10,
        interval: int = 200,
    ) -> None:
        self.pg = Playground(config)
        self.resolution, self.node_resolution = resolution, node_resolution
        self.show = "weights"
        self.preset = widgets.Dropdown(
            options=[("(choose a preset)", "")] + [(p.title, k) for k, p in PRESETS.items()],
            value="", description="preset", style=_STYLE,
        )  # fmt: skip
        self.preset_note, self.message, self.code = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.view = widgets.HTML()
        self.play = widgets.Play(
            value=0, min=0, max=10**9, step=1, interval=interval, description="play / pause",
            show_repeat=False,
        )  # fmt: skip
        self.step_button = widgets.Button(description="step one minibatch", icon="step-forward")
        self.reset_button = widgets.Button(description="reset", icon="undo", layout=_AUTO)
        self.show_test = widgets.Checkbox(value=False, description="show test data")
        self.discretize = widgets.Checkbox(value=False, description="discretize output")
        self.share = widgets.Text(
            description="share", style=_STYLE, layout=widgets.Layout(width="95%")
        )
        self.load_button = widgets.Button(description="load pasted config", layout=_AUTO)
        self.code_button = widgets.Button(description="show the network", layout=_AUTO)
        self.settings = widgets.Box(layout=widgets.Layout(flex_flow="row wrap"))
        self.controls: dict[str, Any] = {}
        self._connect()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.preset, self.preset_note]),
                widgets.HBox([self.play, self.step_button, self.reset_button, self.message]),
                self.view,
                widgets.HBox([self.show_test, self.discretize]),
                self.settings,
                widgets.HBox([self.share, self.load_button]),
                widgets.HBox([self.code_button]),
                self.code,
            ]
        )
        self._apply(self.pg.config, rebuild=True)

    def _connect(self) -> None:
        self.preset.observe(self._on_preset, names="value")
        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.load_button.on_click(lambda _: self.load(self.share.value))
        self.code_button.on_click(lambda _: self.show_network())
        for w in (self.show_test, self.discretize):
            w.observe(lambda _: self.refresh(), names="value")

    # ---- actions (also what the buttons call) --------------------------------------------
    def refresh(self) -> None:
        """Redraw the picture from the current state."""
        self.view.value = render_html(
            self.pg,
            show=self.show,
            resolution=self.resolution,
            node_resolution=self.node_resolution,
            show_test=self.show_test.value,
            discretize=self.discretize.value,
        )

    def tick(self) -> None:
        """One tick of play: train one epoch and redraw with the weights on the edges."""
        self.show = "weights"
        try:
            self.pg.train(1)
        except FloatingPointError as err:
            self.play.playing = False
            self.message.value = _error(f"{err}; paused")
        self.refresh()

    def step(self) -> None:
        """One minibatch update; the picture shows its error signals on the edges."""
        self.show = "gradients"
        try:
            self.pg.step()
        except FloatingPointError as err:
            self.message.value = _error(err)
        self.refresh()

    def reset(self) -> None:
        """New initial weights from the seed (the Playground's reset)."""
        self.pg.reset()
        self.show = "weights"
        self.message.value = ""
        self.refresh()

    def load(self, text: str) -> None:
        """Load a configuration (share string or preset key) and reset."""
        try:
            cfg = as_config(text)
        except ValueError as err:
            self.message.value = _error(err)
            return
        self._apply(cfg, rebuild=True)

    def show_network(self) -> None:
        """Print the trained network as mlp code that rebuilds it."""
        self.code.value = (
            "<details open><summary>the trained network as the mlp.MLP it is</summary><pre>"
            + html.escape(self.pg.describe())
            + "</pre><p>Python that rebuilds it exactly:</p><pre>"
            + html.escape(self.pg.network_code())
            + "</pre></details>"
        )

    # ---- the configuration and its controls -------------------------------------------------
    def _on_control(self, change: dict[str, Any]) -> None:
        try:
            cfg = self.pg.config.replace(**{n: c.value for n, c in self.controls.items()})
        except (TypeError, ValueError) as err:
            self.message.value = _error(err)
            return
        self._apply(cfg)

    def _on_preset(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self._apply(PRESETS[change["new"]].config, rebuild=True)
            self.preset_note.value = f"<i>{html.escape(PRESETS[change['new']].explanation)}</i>"

    def _on_tick(self, change: dict[str, Any]) -> None:
        if change["new"] > change["old"]:  # the stop button rewinds the value: no tick
            self.tick()

    def _apply(self, cfg: PlaygroundConfig, rebuild: bool = False) -> None:
        """Switch to ``cfg`` and reset; ``rebuild`` makes the controls again to show it."""
        self.pg.set_config(cfg)
        self.show = "weights"
        self.message.value = self.code.value = self.preset_note.value = ""
        if rebuild:
            shown = [s for s in SETTINGS if s.label is not None]
            self.controls = {s.name: make_control(s, getattr(cfg, s.name)) for s in shown}
            for c in self.controls.values():
                c.observe(self._on_control)
            self.settings.children = [c.widget for c in self.controls.values()]
        self.share.value = cfg.to_string()
        self.refresh()
