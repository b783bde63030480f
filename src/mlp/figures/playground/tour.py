"""The playground's precomputed figures, on :class:`~mlp.figures.frames.Frames`.

* :func:`playground_widget`: the playground itself. Its frames are a run of the starting
  configuration at some epochs; its live view is the trainer
  :class:`~mlp.figures.playground.widget.PlaygroundWidget`.
* :func:`preset_tour`: the presets' runs, a preset toggle times an epoch slider.

Both render a state as the picture of :func:`~mlp.figures.playground.view.render_img` with a
caption. Which mode a figure runs in (live in a kernel, precomputed in the book) is decided by
:class:`~mlp.figures.frames.Frames` alone.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from mlp.figures.frames import Control, Frames
from mlp.figures.playground.config import PlaygroundConfig
from mlp.figures.playground.model import Playground
from mlp.figures.playground.presets import PRESETS
from mlp.figures.playground.runs import Run, preset_runs
from mlp.figures.playground.view import render_img
from mlp.figures.playground.widget import PlaygroundWidget

__all__ = ["PLAY_EPOCHS", "TOUR_EPOCHS", "playground_widget", "preset_tour"]

TOUR_EPOCHS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 300)
"""Epochs at which :func:`preset_tour` keeps each preset's run (by default)."""

PLAY_EPOCHS = (0, 1, 2, 5, 10, 20, 50)
"""Epochs of the starting configuration that :func:`playground_widget` precomputes."""


def _run_frame(
    pg: Playground, resolution: int, node_resolution: int, intro: str = ""
) -> tuple[str, str]:
    """A frame (the picture as an image) and its caption for one state of a run.

    The caption (``intro``, then the epoch's accuracies and the configuration) wraps: an
    HTML widget's text does not wrap by default.
    """
    h = pg.history
    caption = (
        f"{intro}Epoch {pg.epoch}: train accuracy {h.train_accuracy[-1]:.0%}, test accuracy "
        f"{h.test_accuracy[-1]:.0%}. Config: "
        f'<code style="word-break:break-all">{html.escape(pg.config.to_string())}</code>'
    )
    picture = render_img(pg, resolution=resolution, node_resolution=node_resolution)
    return picture, f'<span style="white-space:normal">{caption}</span>'


def playground_widget(
    config: PlaygroundConfig | str | None = None,
    *,
    epochs: Sequence[int] = PLAY_EPOCHS,
    resolution: int = 50,
    mode: str = "auto",
    **live: Any,
) -> Frames:
    """The playground: the live trainer in a kernel, a scrubbed run in the book.

    A :class:`~mlp.figures.frames.Frames` with one control, the epoch: its frames are the
    starting configuration trained to ``epochs`` (at decision-map ``resolution``), and its
    live view is a :class:`~mlp.figures.playground.widget.PlaygroundWidget` made with
    ``config`` and the keyword arguments ``live``.
    """
    run = Run(config, epochs)
    return Frames(
        lambda epoch: _run_frame(run.at(epoch), resolution, 10),
        [Control("epoch", run.epochs, "epoch", live_step=1)],
        alt=lambda epoch: f"the playground at epoch {epoch}",
        mode=mode,
        live=lambda: PlaygroundWidget(config, **live).widget,
    )


def preset_tour(
    runs: Mapping[str, Run] | Sequence[str] | None = None,
    *,
    epochs: Sequence[int] = TOUR_EPOCHS,
    resolution: int = 50,
    node_resolution: int = 10,
    mode: str = "auto",
) -> Frames:
    """Each preset's training run, scrubbed by epoch: a preset toggle times an epoch slider.

    Parameters
    ----------
    runs
        The presets' runs (see :func:`~mlp.figures.playground.runs.preset_runs`, keyed by
        preset, all kept at the same epochs), or preset keys to run at ``epochs`` (default:
        every preset).
    resolution, node_resolution
        Grid sizes of the decision map and of the small maps (kept small: page size).
    mode
        As for :class:`~mlp.figures.frames.Frames`. In a kernel the epoch slider moves by
        one epoch, and a state between the kept ones is trained on from the one before.
    """
    if not isinstance(runs, Mapping):
        runs = preset_runs(runs, epochs)
    kept = {tuple(r.epochs) for r in runs.values()}
    if len(kept) != 1:
        raise ValueError(f"the runs of a tour must keep the same epochs, got {sorted(kept)}")

    def render(preset: str, epoch: int) -> tuple[str, str]:
        p = PRESETS[preset]
        intro = f"<b>{html.escape(p.title)}.</b> {html.escape(p.explanation)}<br>"
        return _run_frame(runs[preset].at(epoch), resolution, node_resolution, intro)

    return Frames(
        render,
        [
            Control("preset", list(runs), "preset"),
            Control("epoch", list(kept.pop()), "epoch", live_step=1),
        ],
        alt=lambda preset, epoch: f"{PRESETS[preset].title}, epoch {epoch}",
        mode=mode,
    )
