"""Tests of mlp.figures.neurons: the leaky integrate-and-fire neuron and the neuron figures."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mlp  # noqa: E402
from mlp.figures import neurons  # noqa: E402
from mlp.figures.frames import STATIC_ENV  # noqa: E402
from tests.figures.framecheck import check_frame_axes, check_static  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture
def static(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")


def test_lif_model_fires_faster_with_more_input():
    lif = neurons.LeakyIntegrateAndFire(tau=10.0, v_th=1.0, R=1.0)
    assert lif.period(1.0) == np.inf and lif.spike_count(0.9, 100.0) == 0
    assert np.isclose(lif.period(2.0), 10 * np.log(2))
    # the voltage reaches the threshold exactly one period after each reset
    assert np.isclose(lif.voltage([lif.period(2.0) - 1e-9], 2.0)[0], 1.0)
    counts = [lif.spike_count(c, 100.0) for c in (1.1, 1.5, 2.0, 3.0)]
    assert counts == sorted(counts) and len(set(counts)) == 4
    with pytest.raises(ValueError, match="tau must be positive"):
        neurons.LeakyIntegrateAndFire(tau=0.0)


def test_lif_frames(static):
    lif = neurons.LeakyIntegrateAndFire()
    fr = neurons.lif_frames(lif, [0.5, 1.5, 3.0], initial={"current": 1.5})
    check_static(fr, [3])
    assert check_frame_axes(fr, current=0.5) == "input I = 0.5: <b>0 spikes</b> in 100 ms"
    assert "<b>9 spikes</b>" in check_frame_axes(fr, current=1.5)
    with pytest.raises(ValueError, match="duration must be positive"):
        neurons.lif_frames(lif, [1.0], duration=0)


def test_orders_of_magnitude():
    ax = neurons.plot_orders_of_magnitude({"weights": 39_760, "neurons": 86e9}, "Scale")
    assert ax.get_title() == "Scale" and ax.get_xlabel() and ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["weights", "neurons"]
    with pytest.raises(ValueError, match="counts must be positive"):
        neurons.plot_orders_of_magnitude({"none": 0}, "x")


def test_neuron_diagrams():
    ax = neurons.draw_neuron_schematic()
    assert ax.get_title() and {"dendrites", "axon", "synapse"} <= {t.get_text() for t in ax.texts}
    ax = neurons.draw_artificial_neuron(n_inputs=2)
    texts = {t.get_text() for t in ax.texts}
    assert ax.get_title() and {"$x_1$", "$x_2$", "$w_2$", "$b$"} <= texts and "$x_3$" not in texts
    with pytest.raises(ValueError, match="n_inputs must be an integer from 1 to 5"):
        neurons.draw_artificial_neuron(n_inputs=0)


def test_neuron_output_frames(static):
    fr = neurons.neuron_output_frames([1.5, 1.0], ["identity", "sigmoid"], [-1.0, 0.0])
    check_static(fr, [2, 2])
    assert "where y = 0.5" in check_frame_axes(fr, activation="sigmoid", bias=0.0)
    # the picture is the network's output: one neuron of mlp.MLP
    fig, _ = fr.render_frame(activation="sigmoid", bias=-1.0)
    image = fig.axes[0].images[0].get_array()
    neuron = mlp.MLP.from_params([([[1.5, 1.0]], [-1.0])], ["sigmoid"])
    assert np.isclose(image[0, 0], neuron.forward(np.array([[-2.0, -2.0]]))[0, 0])
    with pytest.raises(ValueError, match="w must have 2 entries"):
        neurons.neuron_output_frames([0.0, 0.0], ["sigmoid"], [0.0])


def test_weight_images():
    W = np.random.default_rng(0).normal(size=(7, 64))
    fig = neurons.plot_weight_images(W, shape=(8, 8), title="Weights")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 7 and shown[6].get_title() == "neuron 6"
    assert fig.get_suptitle() == "Weights" and fig.get_supxlabel() and fig.get_supylabel()
    with pytest.raises(ValueError, match=r"W must have shape \(K, 64\)"):
        neurons.plot_weight_images(np.ones((3, 10)), shape=(8, 8), title="x")
