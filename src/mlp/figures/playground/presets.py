"""The playground's presets: configurations that each make one point of the lecture.

:data:`PRESETS` maps a key to a :class:`Preset` (title, one-line explanation, configuration,
and how many epochs make the point); :func:`as_config` turns a preset key, a share string or a
configuration into a :class:`~mlp.figures.playground.config.PlaygroundConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlp.figures.playground.config import PlaygroundConfig

__all__ = ["PRESETS", "Preset", "as_config"]


@dataclass(frozen=True)
class Preset:
    """A configuration that makes one point, with its one-line explanation.

    ``epochs`` is how long the chapter (and the tests) train it before checking its point.
    """

    key: str
    title: str
    explanation: str
    config: PlaygroundConfig
    epochs: int


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in [
        Preset(
            "xor-linear",
            "XOR, inputs x₁ and x₂, no hidden layer",
            "A linear classifier draws one straight boundary, so it cannot separate XOR's "
            "diagonal clouds; gradient descent settles on predicting ½ almost everywhere.",
            PlaygroundConfig(dataset="xor", noise=10, features=("x1", "x2"), hidden=(), lr=0.03),
            50,
        ),
        Preset(
            "xor-product",
            "XOR with the feature x₁x₂, no hidden layer",
            "Add the feature x₁x₂ and XOR becomes linearly separable: the sign of x₁x₂ is "
            "the label, and the same linear classifier gets every point right.",
            PlaygroundConfig(
                dataset="xor", noise=10, features=("x1", "x2", "x1x2"), hidden=(), lr=0.03
            ),
            50,
        ),
        Preset(
            "xor-deep-linear",
            "XOR, two hidden layers of linear units",
            "Layers without a nonlinearity compose to one linear map, so even a deep linear "
            "network is still a linear classifier and fails on XOR.",
            PlaygroundConfig(
                dataset="xor", noise=10, hidden=(8, 8), activation="identity", lr=0.01
            ),
            50,
        ),
        Preset(
            "xor-hidden",
            "XOR, one hidden layer of 4 tanh units",
            "With a nonlinear hidden layer the network learns its own features from x₁ and "
            "x₂ and solves XOR without being given x₁x₂.",
            PlaygroundConfig(dataset="xor", noise=10, hidden=(4,), activation="tanh", lr=0.3),
            50,
        ),
        Preset(
            "xor-threshold",
            "XOR with hard-threshold hidden units",
            "A threshold unit's derivative is zero, so no error signal reaches the hidden "
            "weights: they never move, and only the output layer learns.",
            PlaygroundConfig(dataset="xor", noise=10, hidden=(4,), activation="step", lr=0.03),
            50,
        ),
        Preset(
            "spiral-shallow",
            "Spiral, one hidden layer of 8 units",
            "Eight units (the most a Playground layer has) in a single layer give too few "
            "bends for two interleaved spirals.",
            PlaygroundConfig(
                dataset="spiral", hidden=(8,), activation="tanh", lr=0.3, batch_size=20
            ),
            200,
        ),
        Preset(
            "spiral-deep",
            "Spiral, four hidden layers of 8 units",
            "Stacking layers of the same width composes bends upon bends, and the spirals "
            "come apart.",
            PlaygroundConfig(
                dataset="spiral", hidden=(8, 8, 8, 8), activation="tanh", lr=0.3, batch_size=20
            ),
            200,
        ),
    ]
}
"""The lecture's points, each a :class:`Preset` (key -> preset)."""


def as_config(config: PlaygroundConfig | str | None = None, **changes: Any) -> PlaygroundConfig:
    """A configuration from a config, a preset key, a share string or ``None`` (the defaults).

    ``changes`` override settings, e.g. ``as_config("xor-linear", lr=0.1)``.

    Examples
    --------
    >>> as_config("xor-product").features
    ('x1', 'x2', 'x1x2')
    >>> as_config("data=gauss&hidden=2", seed=4).seed
    4
    """
    if config is None:
        cfg = PlaygroundConfig()
    elif isinstance(config, PlaygroundConfig):
        cfg = config
    elif isinstance(config, str):
        cfg = PRESETS[config].config if config in PRESETS else PlaygroundConfig.from_string(config)
    else:
        raise TypeError(
            f"config must be a PlaygroundConfig, a config string or a preset key, got {config!r}"
        )
    return cfg.replace(**changes) if changes else cfg
