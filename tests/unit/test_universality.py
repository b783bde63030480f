"""The constructions of mlp.universality, verified numerically.

Hard-threshold constructions are checked exactly; sigmoid and ReLU ones against error
bounds derived in the docstrings (and in chapters 05 and 06).
"""

from __future__ import annotations

import numpy as np
import pytest

from mlp import MLP, sigmoid
from mlp.boolean_networks import binary_inputs, boolean_function_network, soften, xor_network
from mlp.bump_networks import UNITS, bump_layout, bump_network, hidden_contributions, step_network
from mlp.towers import towers_network
from mlp.universality import (
    approximate_function,
    approximate_function_2d,
    fit_heights,
    indicator_l1_error,
    sup_error,
)

XOR = np.array([0.0, 1.0, 1.0, 0.0])


def smooth(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * x) + 0.5 * x


# ---- XOR -------------------------------------------------------------------------------------


def test_xor_network_is_the_lectures_and_exact() -> None:
    net = xor_network()
    assert isinstance(net, MLP)
    assert net.activations == ["step", "step"]
    (W1, b1), (W2, b2) = net.params()
    np.testing.assert_array_equal(W1, [[1, 1], [1, 1]])
    np.testing.assert_array_equal(b1, [-0.5, -1.5])
    np.testing.assert_array_equal(W2, [[1, -1]])
    np.testing.assert_array_equal(b2, [-0.5])
    X = binary_inputs(2)
    np.testing.assert_array_equal(net.forward(X).ravel(), XOR)
    # hidden units are OR and AND
    H = net.hidden(X, 1)
    np.testing.assert_array_equal(H[:, 0], [0, 1, 1, 1])
    np.testing.assert_array_equal(H[:, 1], [0, 0, 0, 1])


def test_soften_xor_converges_monotonically() -> None:
    X = binary_inputs(2)
    errors = [
        np.abs(soften(xor_network(), k).forward(X).ravel() - XOR).max()
        for k in [1, 2, 5, 10, 20, 40]
    ]
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))
    assert errors[-1] < 1e-8
    # soften does not modify the original and keeps non-step layers
    net = xor_network()
    soft = soften(net, 3.0)
    assert net.activations == ["step", "step"] and soft.activations == ["sigmoid", "sigmoid"]
    np.testing.assert_array_equal(soft.params()[0][0], 3.0 * net.params()[0][0])


def test_soften_rejects_bad_k() -> None:
    with pytest.raises(ValueError, match="k"):
        soften(xor_network(), 0)
    with pytest.raises(TypeError, match="k"):
        soften(xor_network(), "big")


# ---- Boolean functions -----------------------------------------------------------------------


def test_binary_inputs_order() -> None:
    np.testing.assert_array_equal(binary_inputs(2), [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert binary_inputs(6).shape == (64, 6)
    with pytest.raises(ValueError, match="D"):
        binary_inputs(0)


@pytest.mark.parametrize("D", [1, 2, 3, 4, 5, 6])
def test_boolean_network_exact_for_random_functions(D: int) -> None:
    rng = np.random.default_rng(D)
    X = binary_inputs(D)
    for _ in range(20):
        t = rng.integers(0, 2, size=2**D).astype(float)
        net = boolean_function_network(t)
        assert net.sizes == [D, 2**D, 1]  # the lecture's unit count
        np.testing.assert_array_equal(net.forward(X).ravel(), t)
        net_step = boolean_function_network(t, output="step")
        np.testing.assert_array_equal(net_step.forward(X).ravel(), t)
        pruned = boolean_function_network(t, prune=True)
        assert pruned.sizes[1] == max(1, int(t.sum()))
        np.testing.assert_array_equal(pruned.forward(X).ravel(), t)
        # every hidden unit fires on exactly one input pattern
        H = net.hidden(X, 1)
        np.testing.assert_array_equal(H, np.eye(2**D))


def test_boolean_network_real_valued_and_softened() -> None:
    t = np.array([0.3, -1.0, 2.5, 0.0, 1.0, 1.0, 0.0, 4.0])
    net = boolean_function_network(t)
    np.testing.assert_allclose(net.forward(binary_inputs(3)).ravel(), t)
    # every hidden pre-activation is +0.5 on its pattern and <= -0.5 elsewhere, so the
    # softened network errs by at most sum|t| * sigma(-k/2) per input
    for k in [5.0, 20.0]:
        err = np.abs(soften(net, k).forward(binary_inputs(3)).ravel() - t).max()
        assert err <= np.abs(t).sum() * float(sigmoid(-k / 2)) + 1e-12


def test_boolean_network_errors() -> None:
    with pytest.raises(ValueError, match="2\\*\\*D"):
        boolean_function_network([0, 1, 1])
    with pytest.raises(ValueError, match="output"):
        boolean_function_network([0, 1], output="relu")
    with pytest.raises(ValueError, match="zeros and ones"):
        boolean_function_network([0, 0.5], output="step")


# ---- steps and bumps -------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS)
def test_step_position_is_minus_b_over_w(unit: str) -> None:
    net = step_network(0.3, unit=unit, steepness=40.0)
    (W1, b1), _ = net.params()
    if unit == "relu":
        np.testing.assert_allclose(-(b1 - [0.5, -0.5]) / W1[:, 0], [0.3, 0.3])
    else:
        np.testing.assert_allclose(-b1 / W1[:, 0], [0.3])
    y = net.forward(np.array([[0.3 - 0.2], [0.3 + 0.2]])).ravel()
    np.testing.assert_allclose(y, [0, 1], atol=sigmoid(-40 * 0.2) + 1e-12)


def test_indicator_exact_with_hard_thresholds() -> None:
    net = bump_network([1, 2], [1], unit="step", steepness=1)
    assert net.sizes == [1, 2, 1] and net.activations == ["step", "identity"]
    x = np.linspace(-3, 6, 9001)
    inside = (x > 1) & (x <= 2)  # I[x-1>0] - I[x-2>0]
    np.testing.assert_array_equal(net.forward(x[:, None]).ravel(), inside.astype(float))


def test_relu_bump_is_a_trapezoid_of_four_units() -> None:
    k = 10.0
    net = bump_network([1, 2], [1], unit="relu", steepness=k)
    assert net.sizes == [1, 4, 1]
    x = np.linspace(-1, 4, 5001)
    y = net.forward(x[:, None]).ravel()
    # exactly 1 on [1 + 1/2k, 2 - 1/2k], exactly 0 outside [1 - 1/2k, 2 + 1/2k]
    inner = (x >= 1 + 0.5 / k) & (x <= 2 - 0.5 / k)
    outer = (x <= 1 - 0.5 / k) | (x >= 2 + 0.5 / k)
    np.testing.assert_allclose(y[inner], 1, atol=1e-12)
    np.testing.assert_allclose(y[outer], 0, atol=1e-12)
    assert np.all((y >= -1e-12) & (y <= 1 + 1e-12))


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("k", [1.0, 3.0, 10.0, 100.0])
def test_indicator_l1_error_matches_integral(unit: str, k: float) -> None:
    net = bump_network([1, 2], [1], unit=unit, steepness=k)
    x = np.linspace(-60, 63, 400_001)
    y = net.forward(x[:, None]).ravel()
    t = ((x >= 1) & (x <= 2)).astype(float)
    numeric = np.trapezoid(np.abs(y - t), x)
    assert numeric == pytest.approx(indicator_l1_error(unit, k), abs=2e-3, rel=1e-3)


@pytest.mark.parametrize("k", [5.0, 20.0, 80.0])
def test_sigmoid_bump_error_away_from_edges(k: float) -> None:
    """Outside delta-neighbourhoods of the edges, |error| <= 2 sigma(-k delta)."""
    net = bump_network([1, 2], [1], unit="sigmoid", steepness=k)
    delta = 0.2
    x = np.linspace(-2, 5, 7001)
    far = (np.abs(x - 1) >= delta) & (np.abs(x - 2) >= delta)
    err = np.abs(net.forward(x[far, None]).ravel() - ((x[far] > 1) & (x[far] < 2)))
    assert err.max() <= 2 * float(sigmoid(-k * delta)) + 1e-12


def test_bump_network_layouts_agree() -> None:
    edges = [0.0, 0.3, 0.6, 1.0]
    heights = [0.2, -0.4, 0.9]
    a = bump_network(edges, heights, unit="sigmoid", steepness=30)
    pairs = [[0.0, 0.3], [0.3, 0.6], [0.6, 1.0]]
    b = bump_network(pairs, heights, unit="sigmoid", steepness=30)
    x = np.linspace(-0.5, 1.5, 101)[:, None]
    np.testing.assert_allclose(a.forward(x), b.forward(x))
    # a reversed pair is a negative bump
    c = bump_network([[0.6, 0.3]], [1.0], unit="step", steepness=1)
    np.testing.assert_array_equal(c.forward([[0.2], [0.45], [0.8]]).ravel(), [0, -1, 0])


def test_hidden_contributions_sum_to_output() -> None:
    net = bump_network([0.1, 0.5, 0.9], [0.7, 0.3], unit="relu", steepness=20, bias=0.25)
    x = np.linspace(0, 1, 57)
    parts = hidden_contributions(net, x)
    assert parts.shape == (57, 8)
    np.testing.assert_allclose(parts.sum(1) + 0.25, net.forward(x[:, None]).ravel())
    with pytest.raises(ValueError, match="1-H-1"):
        hidden_contributions(xor_network(), x)


def test_bump_network_errors() -> None:
    with pytest.raises(ValueError, match="unit"):
        bump_network([0, 1], [1], unit="tanh")
    with pytest.raises(ValueError, match="steepness"):
        bump_network([0, 1], [1], steepness=-1)
    with pytest.raises(ValueError, match="increasing"):
        bump_network([0, 1, 0.5], [1, 1])
    with pytest.raises(ValueError, match="heights has 1"):
        bump_network([0, 1, 2], [1])
    with pytest.raises(ValueError, match="shape"):
        bump_network(np.zeros((2, 3)), [1, 1])


# ---- approximating functions -----------------------------------------------------------------


def test_bump_layout() -> None:
    centres, edges = bump_layout(0, 1, 5)
    np.testing.assert_allclose(centres, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(edges, [-0.125, 0.125, 0.375, 0.625, 0.875, 1.125])
    with pytest.raises(ValueError, match="n_bumps"):
        bump_layout(0, 1, 1)
    with pytest.raises(ValueError, match="a < b"):
        bump_layout(1, 0, 3)


@pytest.mark.parametrize("unit", UNITS)
def test_approximation_error_shrinks_like_one_over_n(unit: str) -> None:
    # f is Lipschitz with L = 2 pi + 0.5; a staircase through the samples errs by <= L w / 2
    L = 2 * np.pi + 0.5
    errors = []
    for n in [5, 10, 20, 40, 80]:
        net, err = approximate_function(smooth, 0, 1, n, unit)
        assert isinstance(net, MLP) and net.activations == [unit, "identity"]
        assert net.sizes[1] == (4 if unit == "relu" else 2) * n
        assert err == pytest.approx(sup_error(net, smooth, 0, 1))
        w = 1 / (n - 1)
        assert err <= L * w / 2 + 0.01
        errors.append(err)
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))


def test_least_squares_heights_never_worse_in_l2() -> None:
    x = np.linspace(0, 1, 2001)
    for unit in UNITS:
        sampled, _ = approximate_function(smooth, 0, 1, 8, unit)
        fitted, _ = approximate_function(smooth, 0, 1, 8, unit, heights="lstsq")
        l2 = [np.mean((n.forward(x[:, None]).ravel() - smooth(x)) ** 2) for n in (sampled, fitted)]
        assert l2[1] <= l2[0] + 1e-12


def test_fit_heights_is_least_squares_on_hidden_features() -> None:
    net, _ = approximate_function(smooth, 0, 1, 6, "relu", steepness=5.0)
    fitted = fit_heights(net, smooth, 0, 1)
    np.testing.assert_array_equal(fitted.params()[0][0], net.params()[0][0])
    x = np.linspace(0, 1, 2001)
    mse = [np.mean((n.forward(x[:, None]).ravel() - smooth(x)) ** 2) for n in (net, fitted)]
    assert mse[1] < mse[0]


def test_relu_ramps_as_wide_as_bumps_interpolate_linearly() -> None:
    """With k = 1/w, adjacent ReLU trapezoids add up to piecewise-linear interpolation."""
    for n in [5, 9, 17]:
        centres, _ = bump_layout(0, 1, n)
        w = centres[1] - centres[0]
        net, _ = approximate_function(smooth, 0, 1, n, "relu", steepness=1 / w)
        x = np.linspace(0, 1, 1001)
        np.testing.assert_allclose(
            net.forward(x[:, None]).ravel(), np.interp(x, centres, smooth(centres)), atol=1e-12
        )


def test_approximate_function_errors() -> None:
    with pytest.raises(ValueError, match="heights"):
        approximate_function(smooth, 0, 1, 4, heights="best")
    with pytest.raises(ValueError, match="n_bumps"):
        approximate_function(smooth, 0, 1, 1)
    with pytest.raises(ValueError, match="unit"):
        approximate_function(smooth, 0, 1, 4, unit="tanh")


# ---- two inputs: towers ----------------------------------------------------------------------


def _grid(n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = (np.arange(n) + 0.5) / n  # cell centres: no point lies exactly on an edge
    a, b = np.meshgrid(g, g, indexing="ij")
    return a, b, np.column_stack([a.ravel(), b.ravel()])


@pytest.mark.parametrize("unit", UNITS)
def test_single_tower(unit: str) -> None:
    net = towers_network([0.3, 0.6], [0.2, 0.7], [[0.8]], unit=unit, steepness=50)
    u = 2 if unit == "relu" else 1
    assert net.sizes == [2, 4 * u, u, 1] and net.activations == [unit, unit, "identity"]
    a, b, X = _grid()
    y = net.forward(X)[:, 0].reshape(a.shape)
    inside = (a > 0.3) & (a <= 0.6) & (b > 0.2) & (b <= 0.7)
    target = 0.8 * inside
    if unit == "step":
        np.testing.assert_array_equal(y, target)
    else:
        d = np.minimum(
            np.minimum(np.abs(a - 0.3), np.abs(a - 0.6)),
            np.minimum(np.abs(b - 0.2), np.abs(b - 0.7)),
        )
        far = d >= 0.05  # beyond the first layer's transitions
        tol = 1e-12 if unit == "relu" else 0.8 * 2e-3
        assert np.abs(y - target)[far].max() <= tol


def test_towers_sum_and_errors() -> None:
    heights = np.array([[1.0, 2.0], [3.0, 4.0]])
    net = towers_network([0, 0.5, 1], [0, 0.5, 1], heights, unit="step", steepness=1)
    pts = np.array([[0.25, 0.25], [0.25, 0.75], [0.75, 0.25], [0.75, 0.75], [1.5, 0.5]])
    np.testing.assert_array_equal(net.forward(pts)[:, 0], [1, 2, 3, 4, 0])
    with pytest.raises(ValueError, match="heights has shape"):
        towers_network([0, 1], [0, 1], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="x_edges"):
        towers_network([1, 0], [0, 1], [[1.0]])


def test_approximate_function_2d() -> None:
    def f(x1, x2):
        return 0.5 + 0.3 * np.sin(2 * np.pi * x1) * np.cos(np.pi * x2)

    sup = [approximate_function_2d(f, n, "step", n_eval=101)[1] for n in (4, 8, 16)]
    assert sup[0] > sup[1] > sup[2] and sup[2] < 0.07
    for unit in ("sigmoid", "relu"):
        mean = [approximate_function_2d(f, n, unit, metric="mean", n_eval=101)[1] for n in (4, 8)]
        assert mean[1] < mean[0]
        # the corner holes keep the largest error near max |f| (documented behaviour)
        assert approximate_function_2d(f, 8, unit, n_eval=101)[1] > 0.4
    with pytest.raises(ValueError, match="metric"):
        approximate_function_2d(f, 4, metric="median")


def test_universality_defines_what_it_exports() -> None:
    """Each name lives in one module: universality exports only its own functions."""
    import mlp.universality as U

    assert U.__all__ and all(getattr(U, name).__module__ == U.__name__ for name in U.__all__)
