"""mlp.figures.playground.widget: the live trainer, driven headless."""

from __future__ import annotations

import ipywidgets as widgets
from hypothesis import given, settings

from mlp.figures.playground.config import SETTINGS, PlaygroundConfig
from mlp.figures.playground.presets import PRESETS
from mlp.figures.playground.widget import PlaygroundWidget, make_control

from .test_playground_config import configs

SMALL = PlaygroundConfig(dataset="xor", noise=10, n_points=120, hidden=(3,), lr=0.1)
BLOW_UP = SMALL.replace(
    features=("x1sq", "x2sq", "x1x2"),
    hidden=(8, 8),
    activation="identity",
    loss="cross_entropy",
    lr=10.0,
)


@given(configs)
@settings(max_examples=30, deadline=None)
def test_each_control_shows_its_setting(c):
    for s in SETTINGS:
        if s.label is not None:
            assert make_control(s, getattr(c, s.name)).value == getattr(c, s.name)


def test_every_shown_setting_has_a_control_and_nothing_else():
    w = PlaygroundWidget(SMALL, resolution=20)
    assert list(w.controls) == [s.name for s in SETTINGS if s.label is not None]
    assert "n_points" not in w.controls
    assert not hasattr(w, "_syncing")


def test_widget_buttons_play_and_reset():
    w = PlaygroundWidget(SMALL, resolution=20)
    w.step_button.click()
    assert w.pg.step_count == 1 and "error signals" in w.view.value
    w.play.value += 1  # what the Play widget does every interval
    assert w.pg.epoch == 1 and "· weights" in w.view.value
    w.play.value += 1
    assert w.pg.epoch == 2
    w.play.value = 0  # the Play widget's stop button rewinds its value: no training
    assert w.pg.epoch == 2
    w.reset_button.click()
    assert w.pg.step_count == 0 and w.pg.history.epoch == [0]
    w.show_test.value = True
    assert 'stroke="#000" stroke-width="6.6"' in w.view.value


def test_widget_controls_change_the_config():
    w = PlaygroundWidget(SMALL, resolution=20)
    w.controls["dataset"].widget.value = "spiral"
    assert w.pg.config.dataset == "spiral"
    w.controls["features"].buttons["sinx1"].value = True
    assert w.pg.config.features == ("x1", "x2", "sinx1")
    layers = w.controls["hidden"]
    layers.n_layers.value = 3
    assert w.pg.config.hidden == (3, 4, 4)
    assert layers.widths[2].layout.display == "" and layers.widths[3].layout.display == "none"
    layers.widths[1].value = 8
    assert w.pg.config.hidden == (3, 8, 4)
    w.controls["loss"].widget.value = "cross_entropy"
    assert w.pg.net.n_out == 2
    assert w.share.value == w.pg.config.to_string()
    for b in w.controls["features"].buttons.values():
        b.value = False
    assert "at least one" in w.message.value
    assert w.pg.config.features  # the last valid config stays


def test_widget_presets_share_strings_and_code():
    w = PlaygroundWidget(resolution=20)
    w.preset.value = "xor-product"
    assert w.pg.config == PRESETS["xor-product"].config
    assert w.controls["features"].buttons["x1x2"].value
    assert w.controls["hidden"].n_layers.value == 0
    assert "linearly separable" in w.preset_note.value
    w.share.value = "data=gauss&hidden=2&lr=0.05&seed=4"
    w.load_button.click()
    assert w.pg.config.seed == 4 and w.controls["seed"].value == 4
    assert w.controls["lr"].value == 0.05  # not one of the usual rates, yet shown
    shown = {name: c.value for name, c in w.controls.items()}
    assert all(getattr(w.pg.config, name) == v for name, v in shown.items())
    w.share.value = "data=moons"
    w.load_button.click()
    assert "dataset" in w.message.value and w.pg.config.dataset == "gauss"
    w.code_button.click()
    assert "mlp.MLP.from_params" in w.code.value


def test_widget_pauses_when_the_loss_blows_up():
    w = PlaygroundWidget(BLOW_UP, resolution=20)
    w.play.playing = True
    for _ in range(60):
        w.play.value += 1
        if not w.play.playing:
            break
    assert not w.play.playing and "paused" in w.message.value
    w.step_button.click()
    assert "lr" in w.message.value


def test_widget_is_one_box():
    w = PlaygroundWidget(SMALL, resolution=20)
    assert isinstance(w.widget, widgets.VBox) and w.view in w.widget.children
