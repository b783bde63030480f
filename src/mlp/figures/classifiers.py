"""Figures of the chapters on linear classifiers and feature maps (chapters 1 and 2).

Static figures return their Axes or Figure (drawn with pyplot, for a notebook cell);
interactive ones return a :class:`~mlp.figures.frames.Frames`, which decides by itself
whether it is live or precomputed.

* :func:`plot_class_segments`: the segments joining the two points of each class (XOR);
* :func:`linear_classifier_frames`: sliders for ``w1, w2, b`` of a linear classifier;
* :func:`plot_pattern_images`: the translations of patterns A and B as pixel grids;
* :func:`plot_loss_comparison`: loss curves against a constant floor (such as ``log 2``);
* :func:`feature_plane_frames`: the separating plane of a feature map in 3-D;
* :func:`polynomial_frames`: decision regions of logistic regression on polynomial features;
* :func:`plot_monomial_growth`: how many monomials a polynomial basis has.

Every prediction and count comes from :mod:`mlp.linear_models`.

Examples
--------
>>> import mlp
>>> X, t = mlp.xor_data()
>>> fr = linear_classifier_frames(X, t, [-1.0, 1.0], [-0.5, 0.5])
>>> fr.n_frames
8
>>> "of 4</b> points classified correctly" in fr.frame_html(w1=1.0, w2=1.0, b=-0.5)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from mlp._checks import as_float_array
from mlp.figures.frames import Control, Frames, on_figure
from mlp.figures.plots import (
    CLASS_COLOURS,
    check_points,
    new_axes,
    plot_decision_regions,
    plot_linear_classifier,
)
from mlp.linear_models import LogisticFit, count_correct, n_monomials, polynomial_features

Array = np.ndarray

__all__ = [
    "feature_plane_frames",
    "linear_classifier_frames",
    "plot_class_segments",
    "plot_loss_comparison",
    "plot_monomial_growth",
    "plot_pattern_images",
    "polynomial_frames",
]


def _scatter_targets(ax: Any, points: Array, t: Array, size: float) -> None:
    """Blue circles for target 0, red squares for target 1 (2-D or 3-D axes)."""
    for label, marker in [(0, "o"), (1, "s")]:
        pts = points[t == label]
        extra = {"depthshade": False} if points.shape[1] == 3 else {}
        ax.scatter(
            *pts.T,
            s=size,
            marker=marker,
            color=CLASS_COLOURS[label],
            edgecolors="k",
            zorder=4,
            label=f"t = {label}",
            **extra,
        )


def plot_class_segments(X: object, t: object, ax: Any = None) -> Any:
    """The two points of each class joined by a segment, with the segments' midpoints.

    For XOR the segment between the positives and the one between the negatives cross at
    their common midpoint ``(0.5, 0.5)``: the picture behind the convexity proof.

    Parameters
    ----------
    X, t
        Four points ``(4, 2)`` and their labels, two of class 0 and two of class 1.
    ax
        Axes to draw on; a new figure if None.
    """
    X, t = check_points(X, t)
    if sorted(t.tolist()) != [0, 0, 1, 1]:
        raise ValueError(f"t must label two points 0 and two points 1, got {t.tolist()}")
    ax = new_axes(ax, figsize=(6.4, 3.6))
    _scatter_targets(ax, X, t, size=160)
    for label, style, name in [(1, "-", "positives"), (0, "--", "negatives")]:
        (a, b) = X[t == label]
        ax.plot(
            *np.column_stack([a, b]),
            color=CLASS_COLOURS[label],
            lw=2,
            ls=style,
            label=f"segment between the {name}",
        )
    mids = {tuple(X[t == label].mean(axis=0)) for label in (0, 1)}
    for m in mids:
        where = "where they cross" if len(mids) == 1 else "a midpoint"
        ax.scatter(*m, s=80, color="k", zorder=5, label=f"{where}: ({m[0]:g}, {m[1]:g})")
    ax.set(
        xlabel="$x_1$",
        ylabel="$x_2$",
        title="XOR: the two classes' segments cross",
        xlim=(-0.25, 1.25),
        ylim=(-0.25, 1.25),
        aspect="equal",
    )
    # outside the axes, to the right: inside, it would cover one of the four points
    ax.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize=8, borderaxespad=0)
    return ax


def linear_classifier_frames(
    X: object,
    t: object,
    weights: Sequence[float],
    biases: Sequence[float],
    initial: Mapping[str, float] | None = None,
) -> Frames:
    """Sliders ``w1, w2, b`` over a linear classifier of 2-D points, counting correct points.

    Each frame is :func:`mlp.figures.plots.plot_linear_classifier` with the misclassified
    points ringed; the text under it reads ``<b>k of n</b> points classified correctly``.

    Parameters
    ----------
    X, t
        Points ``(n, 2)`` and their 0/1 labels.
    weights
        The values offered for ``w1`` and for ``w2``.
    biases
        The values offered for ``b``.
    initial
        Starting values, e.g. ``{"w1": 1.0, "w2": 1.0, "b": -0.5}``.
    """
    X, t = check_points(X, t)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    box = (lo[0], hi[0], lo[1], hi[1])

    def draw(fig: Figure, w1: float, w2: float, b: float) -> str:
        fig.clear()
        fig.set_layout_engine(None)  # a fixed layout (and no layout pass) draws frames faster
        ax = fig.add_axes((0.16, 0.13, 0.8, 0.78))
        right = count_correct(X, t, [w1, w2], b)
        title = f"w = ({w1:g}, {w2:g}), b = {b:g}: {right} of {len(t)} correct"
        plot_linear_classifier(
            [w1, w2], b, X, t, ax, title, limits=box, mark_errors=True, size=130, resolution=100
        )
        return f"<b>{right} of {len(t)}</b> points classified correctly"

    controls = [Control("w1", weights, "w₁"), Control("w2", weights, "w₂"), Control("b", biases)]
    alt = lambda w1, w2, b: (  # noqa: E731
        f"{len(t)} points with the line w1*x1 + w2*x2 + b = 0 and its two half-planes, "
        f"for w1={w1}, w2={w2}, b={b}"
    )
    return Frames(on_figure(draw, figsize=(4.2, 4.2), dpi=60), controls, alt=alt, initial=initial)


def plot_pattern_images(images: Mapping[str, object]) -> Figure:
    """One pixel grid per pattern: row ``k`` is the pattern shifted by ``k`` (black = on).

    Parameters
    ----------
    images
        Pattern name to its translations, a 0/1 array of shape ``(n_shifts, n_pixels)``.
    """
    import matplotlib.pyplot as plt

    arrays = {name: as_float_array(imgs, f"images[{name!r}]") for name, imgs in images.items()}
    if not arrays or any(a.ndim != 2 for a in arrays.values()):
        raise ValueError("images must map each pattern name to a 2-D array (shifts, pixels)")
    fig, axes = plt.subplots(1, len(arrays), figsize=(4 * len(arrays), 4.2), layout="constrained")
    for ax, (name, imgs) in zip(np.atleast_1d(axes), arrays.items(), strict=True):
        n_shift, n_pix = imgs.shape
        ax.imshow(imgs, cmap="Greys", vmin=0, vmax=1, aspect="equal")
        ax.set_xticks(np.arange(-0.5, n_pix, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, n_shift, 1), minor=True)
        ax.grid(which="minor", color="0.8", lw=0.5)
        ax.tick_params(which="minor", length=0)
        cols = np.arange(0, n_pix, 5)
        ax.set(
            title=f"Pattern {name}: all {n_shift} translations",
            xticks=cols,
            xticklabels=[str(c + 1) for c in cols],
            yticks=np.arange(0, n_shift, 5),
            xlabel=f"pixel (1 to {n_pix}, wraps around)",
            ylabel=f"translation (shift by 0 to {n_shift - 1})",
        )
    return fig


def plot_loss_comparison(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    floor: float,
    floor_label: str,
    title: str,
    ax: Any = None,
) -> Any:
    """Loss curves ``name -> (steps, losses)`` on one plot, with a dotted horizontal floor.

    Parameters
    ----------
    curves
        Each curve's steps and losses (same length).
    floor, floor_label
        A reference loss (such as ``log 2``, the constant classifier's) and its legend text.
    title
        Axes title.
    ax
        Axes to draw on; a new figure if None.
    """
    ax = new_axes(ax, figsize=(6, 3.4))
    for name, (steps, losses) in curves.items():
        if len(steps) != len(losses):
            raise ValueError(f"curves[{name!r}]: {len(steps)} steps but {len(losses)} losses")
        ax.plot(steps, losses, lw=2, label=name)
    ax.axhline(floor, color="0.4", ls=":", label=floor_label)
    ax.set(
        xlabel="gradient-descent step (whole training set)",
        ylabel="average cross-entropy",
        title=title,
        ylim=(0, None),
    )
    ax.legend(fontsize=8)
    return ax


def feature_plane_frames(
    F: object,
    t: object,
    planes: Mapping[str, tuple[object, float]],
    azimuths: Sequence[float],
    initial: Mapping[str, Any] | None = None,
) -> Frames:
    """Points in a 3-D feature space and a separating plane ``w^T phi + b = 0``, turnable.

    Parameters
    ----------
    F, t
        Feature vectors ``(n, 3)`` (``phi1, phi2, phi3 = x1 x2`` for XOR) and 0/1 labels.
    planes
        Name to ``(w, b)`` with ``w`` of shape ``(3,)`` and ``w[2] != 0``; a toggle picks one.
    azimuths
        The viewing angles (degrees) the slider offers.
    initial
        Starting values, e.g. ``{"azimuth": -60}``.
    """
    F = as_float_array(F, "F")
    if F.ndim != 2 or F.shape[1] != 3:
        raise ValueError(f"F must have shape (n, 3) (3 features), got shape {F.shape}")
    t = np.asarray(t).astype(np.int64)
    wb = {
        name: (as_float_array(w, f"planes[{name!r}]"), float(b)) for name, (w, b) in planes.items()
    }
    for name, (w, _) in wb.items():
        if w.shape != (3,) or w[2] == 0:
            raise ValueError(f"planes[{name!r}]: w must have 3 entries with w[2] != 0, got {w}")
    lo, hi = F.min(axis=0), F.max(axis=0)
    pad = 0.1 * (hi - lo)
    P1, P2 = np.meshgrid(*(np.linspace(lo[i] - pad[i], hi[i] + pad[i], 2) for i in (0, 1)))

    def draw(fig: Figure, weights: str, azimuth: float) -> str:
        fig.clear()
        ax = fig.add_subplot(projection="3d")
        w, b = wb[weights]
        P3 = -(w[0] * P1 + w[1] * P2 + b) / w[2]  # the plane w . phi + b = 0, solved for phi3
        ax.plot_surface(P1, P2, P3, color="0.6", alpha=0.35)
        _scatter_targets(ax, F, t, size=80)
        ax.set(
            xlabel="φ₁ = x₁",
            ylabel="φ₂ = x₂",
            zlabel="φ₃ = x₁x₂",
            zlim=(lo[2] - 2 * pad[2], hi[2] + 2 * pad[2]),
            title=f"{weights} plane, seen from azimuth {azimuth}°",
        )
        ax.view_init(elev=22, azim=azimuth)
        right = count_correct(F, t, w, b)
        terms = " ".join(f"{wi:+.2g} φ{i}" for i, wi in enumerate(w, 1)).lstrip("+")
        return f"plane {terms} {b:+.2g} = 0: {right} of {len(t)} points on the correct side"

    controls = [Control("weights", list(wb), "plane"), Control("azimuth", azimuths, "azimuth (°)")]
    alt = lambda weights, azimuth: (  # noqa: E731
        f"The points in the feature space (x1, x2, x1*x2) with the {weights} separating "
        f"plane, viewed from azimuth {azimuth} degrees"
    )
    render = on_figure(draw, figsize=(4.8, 4.4), dpi=65)
    return Frames(render, controls, alt=alt, initial=initial)


def polynomial_frames(
    data_sets: Mapping[str, tuple[object, object]], fits: Mapping[tuple[str, int], LogisticFit]
) -> Frames:
    """Decision regions of logistic regression on polynomial features: data set x degree.

    Parameters
    ----------
    data_sets
        Name to 2-D points and 0/1 labels ``(X, t)``.
    fits
        ``(name, degree)`` to the :class:`~mlp.linear_models.LogisticFit` trained on
        ``polynomial_features(X, degree)``, for every data set and the same degrees.
    """
    degrees = sorted({d for _, d in fits})
    missing = [(n, d) for n in data_sets for d in degrees if (n, d) not in fits]
    if missing or not degrees:
        raise ValueError(f"fits needs a fit for every data set and degree; missing {missing}")

    def draw(fig: Figure, data: str, degree: int) -> str:
        fig.clear()
        Xs, ts = data_sets[data]
        f = fits[(data, degree)]
        title = f"{data}, degree {degree}: {f.accuracy:.0%} correct"
        plot_decision_regions(
            lambda P: f.predict(polynomial_features(P, degree)),
            Xs,
            ts,
            ax=fig.add_subplot(),
            resolution=120,
            margin=0.3,
            title=title,
        )
        n = n_monomials(2, degree)
        return f"{n} features, training accuracy <b>{f.accuracy:.1%}</b>"

    controls = [Control("data", list(data_sets), "data set"), Control("degree", degrees)]
    alt = lambda data, degree: (  # noqa: E731
        f"Decision regions of logistic regression on degree-{degree} polynomial features "
        f"for the {data} data set"
    )
    return Frames(on_figure(draw, figsize=(4.6, 4.0), dpi=65), controls, alt=alt)


def plot_monomial_growth(
    sizes: Mapping[str, int], max_degree: int, reference: tuple[float, str], ax: Any = None
) -> Any:
    """How many monomials of degree 1 to ``d`` there are, against ``d`` (log scale).

    Parameters
    ----------
    sizes
        Name to number of inputs, one curve each.
    max_degree
        The largest degree shown.
    reference
        ``(count, label)`` of a dotted horizontal line, e.g. the weights of an MLP.
    ax
        Axes to draw on; a new figure if None.
    """
    if not isinstance(max_degree, int) or max_degree < 1:
        raise ValueError(f"max_degree must be an integer >= 1, got {max_degree!r}")
    ax = new_axes(ax, figsize=(6, 3.6))
    degrees = range(1, max_degree + 1)
    for (name, n), marker in zip(sizes.items(), "osD^v<>", strict=False):
        ax.semilogy(degrees, [n_monomials(n, d) for d in degrees], marker=marker, label=name)
    ax.axhline(reference[0], color="0.3", ls=":", label=reference[1])
    ax.set(
        xlabel="highest degree d of the monomials",
        ylabel="number of features (log scale)",
        title="All monomials up to degree d: the basis explodes",
    )
    ax.legend(fontsize=8)
    return ax
