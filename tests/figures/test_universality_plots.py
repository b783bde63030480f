"""mlp.figures.universality_plots: the chapter's static figures draw the numbers they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mlp.bump_networks import UNITS, bump_network  # noqa: E402
from mlp.figures import universality_plots as up  # noqa: E402
from mlp.towers import towers_network  # noqa: E402


def titled(fig) -> bool:
    return all(
        ax.get_title() and ax.get_xlabel() for ax in fig.axes if ax.get_label() != "<colorbar>"
    )


def test_bumps_by_unit_plots_each_network() -> None:
    nets = {u: bump_network([1, 2], [1], unit=u, steepness=10) for u in UNITS}
    fig = up.plot_bumps_by_unit(nets, 10)
    assert len(fig.axes) == 3 and titled(fig)
    x, y = fig.axes[2].lines[1].get_data()
    np.testing.assert_allclose(y, nets["relu"].forward(np.asarray(x)[:, None])[:, 0])
    plt.close(fig)


def test_error_and_rate_plots() -> None:
    ks = np.array([1, 10, 100])
    area = {"sigmoid": np.array([1.0, 0.1, 0.01]), "relu": np.array([0.2, 0.02, 0.002])}
    far = {"sigmoid": np.array([0.5, 0.1, 1e-5]), "relu": np.array([0.3, 0.0, 0.0])}
    fig = up.plot_bump_errors(ks, area, far)
    assert titled(fig)
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), area["sigmoid"])
    plt.close(fig)
    ns = np.array([4, 8, 16])
    fig = up.plot_approximation_rates(ns, {"hard threshold": 1 / ns}, {"hard threshold": -1.0})
    assert titled(fig) and "slope -1.0" in fig.axes[0].get_legend().get_texts()[0].get_text()
    plt.close(fig)


def test_towers_plot() -> None:
    towers = {
        u: towers_network([0.3, 0.6], [0.2, 0.7], [[1.0]], unit=u, steepness=40) for u in UNITS
    }
    images = {u: np.full((4, 4), i / 2) for i, u in enumerate(UNITS)}
    fig = up.plot_towers(images, towers)
    assert len(fig.axes) == 4 and fig.get_suptitle()  # three panels and a colour bar
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), images["sigmoid"].T)
    plt.close(fig)
