"""The playground's data: the four 2-D data sets in the box ``[-6, 6]^2``, and grids over it.

The points are drawn by :mod:`mlp.datasets` and scaled into the square of the TensorFlow
Playground; labels are ``0`` (orange) and ``1`` (blue).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlp.datasets import make_blobs, make_circles, make_spirals, make_xor_clouds, train_test_split
from mlp.figures.playground.config import PlaygroundConfig

Array = np.ndarray

__all__ = ["BOX", "DATA_SETTINGS", "grid_points", "make_playground_data"]

BOX = 6.0
"""The points and the decision map cover the square ``[-BOX, BOX]^2``."""

# how each data set is drawn from mlp.datasets and scaled into the box (native units -> box)
_DATA: dict[str, tuple[Callable[..., tuple[Array, Array]], float, float]] = {
    # name: (generator, scale, base noise std in native units)
    "circle": (make_circles, 5.0, 0.0),
    "xor": (make_xor_clouds, 3.0, 0.15),
    "gauss": (make_blobs, 1.5, 0.3),
    "spiral": (make_spirals, 5.0, 0.0),
}


DATA_SETTINGS = ("dataset", "noise", "train_percent", "n_points", "seed", "features")
"""The settings that change the data (and the network's input); any other change keeps them."""


def make_playground_data(config: PlaygroundConfig) -> tuple[Array, Array, Array, Array]:
    """The points of a configuration, split: ``X_train, t_train, X_test, t_test``.

    Drawn with :mod:`mlp.datasets` from ``config.seed``, scaled into ``[-BOX, BOX]^2``.
    """
    gen, scale, base = _DATA[config.dataset]
    std = base + config.noise / 100.0
    X, t = gen(n=config.n_points, noise=std, seed=config.seed)
    X = np.clip(X * scale, -BOX, BOX)
    test_fraction = 1.0 - config.train_percent / 100.0
    X_tr, X_te, t_tr, t_te = train_test_split(X, t, test_fraction=test_fraction, seed=config.seed)
    return X_tr, t_tr, X_te, t_te


def grid_points(resolution: int) -> Array:
    """Centres of a ``resolution x resolution`` grid over the box, row 0 at the top.

    Returns ``(resolution**2, 2)`` points; reshaping a value per point to
    ``(resolution, resolution)`` gives an image whose row ``i`` is ``x2 = +BOX`` at ``i = 0``.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    c = (np.arange(resolution) + 0.5) / resolution * 2 * BOX - BOX
    g1, g2 = np.meshgrid(c, c[::-1])
    return np.column_stack([g1.ravel(), g2.ravel()])
