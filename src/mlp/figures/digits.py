"""Figures of chapter 10: the digits, the training curves, the errors, the learned filters.

Images are rows of pixels (``(n, 64)`` for the 8x8 digits), as in :mod:`mlp.datasets`; a
first-layer weight matrix ``W1`` has one row of pixel weights per hidden unit, so each row
is drawn as an image (a *filter*). :func:`filters_explorer` shows the filters at recorded
epochs of training.

Examples
--------
>>> import numpy as np
>>> W1 = np.arange(3 * 4.0).reshape(3, 4)  # 3 units with 2x2 filters
>>> filter_mosaic(W1, cols=2, image_shape=(2, 2))
array([[ 0.,  1., nan,  4.,  5.],
       [ 2.,  3., nan,  6.,  7.],
       [nan, nan, nan, nan, nan],
       [ 8.,  9., nan, nan, nan],
       [10., 11., nan, nan, nan]])
>>> weight_change(2 * W1, W1)
1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from mlp._checks import as_float_array
from mlp.figures.frames import Control, Frames, on_figure

Array = np.ndarray

__all__ = [
    "draw_filters",
    "filter_mosaic",
    "filters_explorer",
    "plot_confusion",
    "plot_digit_examples",
    "plot_training_curves",
    "weight_change",
]


def plot_digit_examples(
    X: object, t: object, per_class: int = 2, image_shape: tuple[int, int] = (8, 8)
) -> Figure:
    """The first ``per_class`` images of each class, one column per class, label below."""
    import matplotlib.pyplot as plt

    X, t = as_float_array(X, "X"), np.asarray(t)
    if X.ndim != 2 or X.shape[1] != image_shape[0] * image_shape[1] or t.shape != (len(X),):
        raise ValueError(
            f"X must be (n, {image_shape[0] * image_shape[1]}) and t (n,), "
            f"got {X.shape} and {t.shape}"
        )
    classes = np.unique(t)
    fig, axes = plt.subplots(
        per_class, len(classes), figsize=(0.8 * len(classes), per_class), dpi=80, squeeze=False
    )
    for col, label in enumerate(classes):
        examples = X[t == label]
        for row in range(per_class):
            ax = axes[row, col]
            if row < len(examples):
                ax.imshow(examples[row].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1)
            ax.set(xticks=[], yticks=[])
        axes[-1, col].set_xlabel(str(label))
    for row in range(per_class):
        axes[row, 0].set_ylabel(f"example {row + 1}")
    size = "×".join(map(str, image_shape))
    fig.suptitle(f"{per_class} training images of each digit ({size} pixels)")
    return fig


def plot_training_curves(history: Any, title: str = "Training curves") -> Figure:
    """Loss (log scale) and accuracy per epoch, training and validation, side by side.

    ``history`` is an :class:`~mlp.train.History` with validation curves (``sgd(..., X_val=)``).
    """
    import matplotlib.pyplot as plt

    if not history.epoch or len(history.val_loss) != len(history.epoch):
        raise ValueError("history must hold training and validation curves for every epoch")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=80)
    for ax, curves in [
        (ax1, (history.loss, history.val_loss)),
        (ax2, (history.accuracy, history.val_accuracy)),
    ]:
        ax.plot(history.epoch, curves[0], "-o", ms=3, label="training")
        ax.plot(history.epoch, curves[1], "-s", ms=3, label="validation")
        ax.set_xlabel("epoch")
    ax1.set(ylabel="cross-entropy loss", title="Loss", yscale="log")
    ax2.set(ylabel="accuracy", title="Accuracy", ylim=(0.5, 1.0))
    ax1.legend()
    ax2.legend(loc="lower right")
    fig.suptitle(title)
    return fig


def plot_confusion(confusion: object, title: str = "Confusion matrix on the test set") -> Figure:
    """A confusion matrix (row: true class, column: predicted) with its non-zero counts."""
    import matplotlib.pyplot as plt

    C = np.asarray(confusion)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or not np.issubdtype(C.dtype, np.integer):
        raise ValueError(f"confusion must be a square matrix of counts, got {C.dtype} {C.shape}")
    fig, ax = plt.subplots(figsize=(4.4, 4), dpi=80)
    ax.imshow(C, cmap="Blues")
    for (i, j), n in np.ndenumerate(C):
        if n:
            ax.text(
                j,
                i,
                n,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if n > C.max() / 2 else "black",
            )
    K = range(C.shape[0])
    ax.set(xticks=K, yticks=K, xlabel="predicted digit", ylabel="true digit", title=title)
    return fig


def filter_mosaic(
    W1: object, cols: int = 10, image_shape: tuple[int, int] = (8, 8), gap: int = 1
) -> Array:
    """The rows of ``W1`` as image tiles in one picture, ``cols`` to a row, NaN between."""
    W1 = as_float_array(W1, "W1")
    h, w = image_shape
    if W1.ndim != 2 or W1.shape[1] != h * w:
        raise ValueError(f"W1 must have rows of {h * w} pixel weights, got shape {W1.shape}")
    rows = -(-len(W1) // cols)
    mosaic = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for i, row in enumerate(W1):
        r, c = divmod(i, cols)
        mosaic[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = row.reshape(
            image_shape
        )
    return mosaic


def weight_change(W: object, W0: object) -> float:
    """How far ``W`` has moved from ``W0``, relative to ``W0``: ``||W - W0|| / ||W0||``."""
    W, W0 = as_float_array(W, "W"), as_float_array(W0, "W0")
    if W.shape != W0.shape:
        raise ValueError(f"W and W0 must have the same shape, got {W.shape} and {W0.shape}")
    return float(np.linalg.norm(W - W0) / np.linalg.norm(W0))


def draw_filters(fig: Figure, snapshots: Mapping[int, Array], epoch: int, lim: float) -> str:
    """The first-layer filters of the latest snapshot at or before ``epoch``, 10 to a row.

    Used by :func:`filters_explorer`; colours run from ``-lim`` (red) to ``lim`` (blue).
    """
    epoch = max(e for e in snapshots if e <= epoch)  # a live slider may stop in between
    fig.clear()
    ax = fig.add_subplot()
    W1, first = snapshots[epoch], snapshots[min(snapshots)]
    im = ax.imshow(filter_mosaic(W1), cmap="RdBu", vmin=-lim, vmax=lim)
    rows = -(-len(W1) // 10)
    ax.set_xticks([4 + 9 * c for c in range(10)], [str(c + 1) for c in range(10)])
    ax.set_yticks(
        [4 + 9 * r for r in range(rows)], [f"{10 * r + 1}–{10 * r + 10}" for r in range(rows)]
    )
    ax.set(
        xlabel="position of the unit in its row",
        ylabel="hidden units",
        title=f"First-layer weights $W^{{(1)}}$ as 8×8 images, after {epoch} epochs",
    )
    fig.colorbar(im, ax=ax, shrink=0.8, label="weight")
    change = weight_change(W1, first)
    return f"epoch {epoch}: ‖W⁽¹⁾ − W⁽¹⁾ at start‖ / ‖W⁽¹⁾ at start‖ = {change:.2f}"


def filters_explorer(snapshots: Mapping[int, object], initial: int | None = None) -> Frames:
    """A slider through the recorded first-layer weights of a network on 8x8 digits.

    Parameters
    ----------
    snapshots
        ``{epoch: W1}``, epochs increasing from the start of training; each ``W1`` has one
        row of 64 pixel weights per hidden unit.
    initial
        The epoch shown first (default: the last).
    """
    if not snapshots:
        raise ValueError("snapshots must hold at least one {epoch: W1}")
    W = {int(e): as_float_array(W1, f"snapshots[{e}]") for e, W1 in snapshots.items()}
    for e, W1 in W.items():
        if W1.ndim != 2 or W1.shape[1] != 64:
            raise ValueError(f"snapshots[{e}] must have rows of 64 pixel weights, got {W1.shape}")
    epochs = list(W)
    lim = float(np.abs(W[epochs[-1]]).max())
    return Frames(
        on_figure(lambda fig, epoch: draw_filters(fig, W, epoch, lim), figsize=(7, 3.6), dpi=70),
        [Control("epoch", epochs, "epochs trained", live_step=1)],
        initial={"epoch": epochs[-1] if initial is None else initial},
        alt=lambda epoch: (
            f"The {len(W[epochs[-1]])} first-layer weight vectors drawn as 8 by 8 images after "
            f"{epoch} epochs of training, blue for positive and red for negative weights"
        ),
    )
