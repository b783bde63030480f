"""mlp.figures.playground.tour: the playground and the preset tour as Frames."""

from __future__ import annotations

import base64
import re

import ipywidgets as widgets
import pytest

from mlp.figures.frames import Frames
from mlp.figures.playground.model import Playground
from mlp.figures.playground.runs import preset_runs
from mlp.figures.playground.tour import PLAY_EPOCHS, playground_widget, preset_tour

SMALL = "data=xor&noise=10&points=120&hidden=3&lr=0.1"


def test_tour_static_frames_are_linked_to_the_controls():
    tour = preset_tour(["xor-linear", "xor-product"], epochs=[0, 2, 5], mode="static")
    assert isinstance(tour, Frames) and tour.n_frames == 6
    assert len(tour._links) == 1 + 2  # preset -> outer stack, epoch -> one stack per preset
    html_ = tour.frame_html(preset="xor-product", epoch=5)
    assert html_.startswith('<div class="mlp-frame"') and "Epoch 5:" in html_
    assert "linearly separable" in html_ and "white-space:normal" in html_
    img = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html_)
    svg = base64.b64decode(img.group(1)).decode()
    assert svg.startswith("<svg") and "epoch 5" in img.group(2)
    with pytest.raises(ValueError, match="unknown preset"):
        preset_tour(["nope"])


def test_tour_live_reaches_any_epoch_on_the_same_run():
    runs = preset_runs(["xor-hidden"], [0, 5])
    tour = preset_tour(runs, mode="live")
    tour.set(epoch=3)
    assert "Epoch 3:" in tour.view.value
    direct = Playground("xor-hidden")
    direct.train(3)
    assert runs["xor-hidden"].playground.history == direct.history


def test_tour_runs_must_keep_the_same_epochs():
    runs = {**preset_runs(["xor-linear"], [0, 1]), **preset_runs(["xor-product"], [0, 2])}
    with pytest.raises(ValueError, match="same epochs"):
        preset_tour(runs, mode="static")


def test_playground_widget_is_frames_of_a_run_in_the_book(monkeypatch):
    monkeypatch.setenv("MLP_STATIC_WIDGETS", "1")
    fr = playground_widget(SMALL, epochs=[0, 1, 3])
    assert isinstance(fr, Frames) and fr.mode == "static" and fr.n_frames == 3
    page = fr.frame_html(epoch=3)
    assert "Epoch 3:" in page and "data:image/svg+xml" in page
    notes = [c.value for c in fr.widget.root.children if c.model_name == "HTMLModel"]
    assert len(notes) == 1 and "Precomputed figure" in notes[0]  # the note of Frames
    assert "with more to do" in notes[0]


def test_playground_widget_is_the_trainer_in_a_kernel(monkeypatch):
    monkeypatch.setenv("MLP_STATIC_WIDGETS", "0")
    fr = playground_widget(SMALL, resolution=20)
    assert fr.mode == "live" and isinstance(fr.widget, widgets.VBox)
    assert any(isinstance(c, widgets.HBox) and any(isinstance(x, widgets.Play) for x in c.children)
               for c in fr.widget.children)  # fmt: skip
    assert PLAY_EPOCHS[0] == 0
