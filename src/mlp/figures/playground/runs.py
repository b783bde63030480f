"""Training runs kept for scrubbing: a configuration trained once, any epoch on demand.

The precomputed figures (the preset tour, the static playground) show a :class:`Run` at a few
epochs; in a kernel they reach any epoch of the same run.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from mlp.figures.playground.config import PlaygroundConfig
from mlp.figures.playground.model import Playground, Snapshot
from mlp.figures.playground.presets import PRESETS, as_config

__all__ = ["Run", "preset_runs"]


class Run:
    """A configuration trained once and kept at some epochs; any epoch of the run on demand.

    Nothing is trained until a state is asked for. :meth:`at` restores the last kept state
    at or before the epoch and trains on from it, which gives the same run (the minibatch
    order is part of a :class:`~mlp.figures.playground.model.Snapshot`).

    Parameters
    ----------
    config
        As for :class:`~mlp.figures.playground.model.Playground`.
    epochs
        The epochs at which the run is kept, ascending.

    Examples
    --------
    >>> run = Run("xor-product", [0, 10])
    >>> run.at(12).epoch, run.at(10).history.epoch[-1]
    (12, 10)
    """

    def __init__(self, config: PlaygroundConfig | str | None, epochs: Sequence[int]) -> None:
        self.config = as_config(config)
        self.epochs = [int(e) for e in epochs]
        if not self.epochs:
            raise ValueError("a run needs at least one epoch to keep")

    @functools.cached_property
    def playground(self) -> Playground:
        """The playground the run is trained on (:meth:`at` moves it to an epoch)."""
        return Playground(self.config)

    @functools.cached_property
    def snapshots(self) -> list[Snapshot]:
        """The states kept at ``epochs`` (trained on first use)."""
        return self.playground.run(self.epochs)

    def at(self, epoch: int) -> Playground:
        """The playground put in its state after ``epoch`` epochs of this run."""
        before = [s for s in self.snapshots if s.epoch <= epoch]
        if not before:
            raise ValueError(f"epoch must be >= {self.epochs[0]}, got {epoch}")
        pg = self.playground
        pg.restore(before[-1])
        pg.train(int(epoch) - before[-1].epoch)
        return pg


def preset_runs(keys: Sequence[str] | None = None, epochs: Sequence[int] = (0,)) -> dict[str, Run]:
    """A :class:`Run` of each preset, kept at ``epochs``.

    The default is every preset of :data:`~mlp.figures.playground.presets.PRESETS`.
    """
    keys = list(PRESETS) if keys is None else list(keys)
    for k in keys:
        if k not in PRESETS:
            raise ValueError(f"unknown preset {k!r}; choose from {', '.join(PRESETS)}")
    return {k: Run(PRESETS[k].config, epochs) for k in keys}
