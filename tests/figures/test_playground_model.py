"""mlp.figures.playground.data, .model and .runs: data, training state, L1, presets, runs."""

from __future__ import annotations

import numpy as np
import pytest

import mlp
from mlp.figures.playground.config import FEATURES, PlaygroundConfig
from mlp.figures.playground.data import BOX, grid_points, make_playground_data
from mlp.figures.playground.model import Playground, l1_penalty, l1_proximal_step
from mlp.figures.playground.presets import PRESETS
from mlp.figures.playground.runs import Run, preset_runs

SMALL = PlaygroundConfig(dataset="xor", noise=10, n_points=120, hidden=(3,), lr=0.1)
# linear units, large features and logits: the cross-entropy overflows within an epoch
BLOW_UP = SMALL.replace(
    features=("x1sq", "x2sq", "x1x2"),
    hidden=(8, 8),
    activation="identity",
    loss="cross_entropy",
    lr=10.0,
)

# ---- data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["circle", "xor", "gauss", "spiral"])
def test_data_lie_in_the_box_and_split_as_asked(dataset):
    c = PlaygroundConfig(dataset=dataset, noise=30, train_percent=70, n_points=200, seed=3)
    X_tr, t_tr, X_te, t_te = make_playground_data(c)
    assert X_tr.shape == (140, 2) and X_te.shape == (60, 2)
    assert np.abs(np.vstack([X_tr, X_te])).max() <= BOX
    assert set(np.concatenate([t_tr, t_te]).tolist()) == {0, 1}
    again = make_playground_data(c)
    assert all(np.array_equal(a, b) for a, b in zip(again, (X_tr, t_tr, X_te, t_te), strict=True))


def test_grid_row_zero_is_the_top_edge():
    g = grid_points(4)
    assert g.shape == (16, 2)
    assert g[0, 1] > 0 and g[-1, 1] < 0 and g[0, 0] < 0 and g[3, 0] > 0
    with pytest.raises(ValueError, match="resolution"):
        grid_points(1)


# ---- a step --------------------------------------------------------------------------------


def test_a_step_is_train_step_on_one_minibatch():
    pg = Playground(SMALL)
    before = pg.net.copy()
    loss = pg.step()
    idx = pg.last_batch
    assert len(idx) == SMALL.batch_size
    ref = before.copy()
    ref_loss = mlp.train_step(ref, pg.F_train[idx], pg.t_train[idx], "squared_error", lr=0.1)
    assert loss == ref_loss
    for (W, b), (Wr, br), (W0, _), (Wg, _) in zip(
        pg.net.params(), ref.params(), before.params(), pg.last_grads, strict=True
    ):
        assert np.array_equal(W, Wr) and np.array_equal(b, br)
        np.testing.assert_allclose(W, W0 - 0.1 * Wg, atol=1e-15)


def test_last_grads_are_the_gradient_of_the_minibatch_loss():
    pg = Playground(SMALL.replace(activation="sigmoid", loss="cross_entropy"))
    net0 = pg.net.copy()
    pg.step()
    Fb, tb = pg.F_train[pg.last_batch], pg.t_train[pg.last_batch]
    W1 = net0.params()[0][0]

    def loss_at(W):
        net = net0.copy()
        net.params()[0][0][...] = W
        return mlp.softmax_cross_entropy(net.forward(Fb), tb)

    num = mlp.numerical_gradient(loss_at, W1.copy())
    assert mlp.relative_error(pg.last_grads[0][0], num) < 1e-6


def test_l2_adds_its_gradient():
    rate = 0.05
    plain, regd = Playground(SMALL), Playground(SMALL.replace(regularization="L2", reg_rate=rate))
    W = regd.net.params()[0][0].copy()
    plain.step()
    regd.step()
    np.testing.assert_allclose(regd.last_grads[0][0], plain.last_grads[0][0] + rate * W, atol=1e-14)
    np.testing.assert_allclose(regd.net.params()[0][0], W - 0.1 * regd.last_grads[0][0])


def test_l1_step_is_the_gradient_step_then_the_proximal_step():
    rate, lr = 0.05, SMALL.lr
    plain, regd = Playground(SMALL), Playground(SMALL.replace(regularization="L1", reg_rate=rate))
    before = regd.net.copy()
    loss_plain, loss = plain.step(), regd.step()
    assert np.array_equal(plain.last_batch, regd.last_batch)
    assert loss == pytest.approx(
        loss_plain + rate * sum(np.abs(W).sum() for W, _ in before.params())
    )
    for (W0, _), (W, b), (Wp, bp), (W_bar, _) in zip(
        before.params(), regd.net.params(), plain.net.params(), regd.last_grads, strict=True
    ):
        # the data step W0 - lr W0_bar (the plain run), then W <- sign(W) max(|W| - lr rate, 0)
        np.testing.assert_array_equal(W, np.sign(Wp) * np.maximum(np.abs(Wp) - lr * rate, 0))
        assert np.array_equal(b, bp)  # biases are not penalized
        np.testing.assert_allclose(W, W0 - lr * W_bar, atol=1e-15)  # W_bar includes the penalty


def test_l1_functions_in_isolation():
    net = mlp.MLP.from_params([(np.array([[0.3, -0.02, -1.0]]), np.array([0.7]))], ["identity"])
    assert l1_penalty(net, 2.0) == pytest.approx(2 * 1.32) and l1_penalty(net, 0.0) == 0.0
    net.linears[0].W_bar, net.linears[0].b_bar = np.zeros((1, 3)), np.zeros(1)
    l1_proximal_step(net, lr=0.5, rate=0.1)
    np.testing.assert_allclose(net.params()[0][0], [[0.25, 0.0, -0.95]])
    np.testing.assert_allclose(net.grads()[0][0], [[0.1, -0.04, -0.1]])
    assert net.params()[0][1][0] == 0.7


def test_l1_drives_useless_weights_to_zero():
    c = PlaygroundConfig(dataset="gauss", features=tuple(FEATURES), hidden=(), lr=0.1, n_points=200)
    plain, l1 = Playground(c), Playground(c.replace(regularization="L1", reg_rate=0.03))
    plain.train(30)
    l1.train(30)
    assert np.abs(l1.net.params()[0][0]).sum() < 0.5 * np.abs(plain.net.params()[0][0]).sum()
    assert (l1.net.params()[0][0] == 0).sum() >= 3  # exact zeros: the proximal step


# ---- epochs, history, snapshots ----------------------------------------------------------------


def test_epochs_history_and_reset():
    pg = Playground(SMALL)
    assert pg.steps_per_epoch == 6  # 60 training points, batches of 10
    w0 = pg.net.params()[0][0].copy()
    pg.train(3)
    assert pg.epoch == 3 and pg.step_count == 18
    assert pg.history.epoch == [0, 1, 2, 3] and pg.history.step == [0, 6, 12, 18]
    assert len(pg.history.test_loss) == 4
    pg.reset()
    assert pg.epoch == 0 and pg.history.epoch == [0]
    assert np.array_equal(pg.net.params()[0][0], w0)
    with pytest.raises(ValueError, match="epochs"):
        pg.train(-1)
    with pytest.raises(ValueError, match="split"):
        pg.evaluate("validation")


def test_same_config_same_run():
    a, b = Playground(SMALL), Playground(SMALL.to_string())
    a.train(4)
    b.train(4)
    assert a.history == b.history
    assert all(
        np.array_equal(p[0], q[0]) for p, q in zip(a.net.params(), b.net.params(), strict=True)
    )


def test_restoring_a_snapshot_continues_the_same_run():
    a = Playground(SMALL)
    snaps = a.run([0, 2])
    a.train(3)
    b = Playground(SMALL)
    b.restore(snaps[1])
    b.train(3)
    assert a.history == b.history
    assert np.array_equal(a.net.params()[-1][0], b.net.params()[-1][0])
    with pytest.raises(ValueError, match="ascending"):
        a.run([3, 1])


def test_set_config_keeps_data_unless_the_data_change():
    pg = Playground(SMALL)
    X = pg.X_train
    pg.set_config(lr=0.3)
    assert pg.X_train is X and pg.config.lr == 0.3
    pg.set_config(dataset="circle")
    assert pg.X_train is not X


def test_too_large_a_learning_rate_raises():
    pg = Playground(BLOW_UP)
    with pytest.raises(FloatingPointError, match="lr"):
        pg.train(50)


# ---- maps: the network's own forward pass ----------------------------------------------------


def test_maps_have_the_playground_resolutions_and_are_the_forward_pass():
    pg = Playground(SMALL.replace(hidden=(3, 2)))
    pg.train(1)
    m = pg.decision_map()
    assert m.shape == (100, 100) and 0 <= m.min() and m.max() <= 1
    maps = pg.hidden_maps()
    assert [a.shape for a in maps] == [(2, 10, 10), (3, 10, 10), (2, 10, 10), (1, 10, 10)]
    g = grid_points(10)
    for layer in (1, 2, 3):
        np.testing.assert_array_equal(maps[layer].reshape(-1, 100).T, pg.net.hidden(g, layer))
    np.testing.assert_array_equal(pg.probability(g), pg.net.forward(g)[:, 0])
    # 10,000 grid points go through the forward pass in chunks: the same as in one piece
    np.testing.assert_array_equal(m.ravel(), pg.net.forward(grid_points(100))[:, 0])


def test_cross_entropy_probability_is_the_softmax():
    pg = Playground(SMALL.replace(loss="cross_entropy"))
    pg.train(2)
    g = grid_points(5)
    np.testing.assert_allclose(pg.probability(g), mlp.softmax(pg.net.forward(g))[:, 1])


def test_a_diverged_network_can_still_be_drawn():
    pg = Playground(SMALL.replace(activation="identity", hidden=(8, 8)))
    for W, _ in pg.net.params():
        W *= 1e200
    with np.errstate(all="raise"):
        m = pg.decision_map(10)
    assert np.isfinite(m).all()


def test_network_code_rebuilds_the_trained_network_exactly():
    pg = Playground(SMALL.replace(features=("x1", "x2", "x1x2", "sinx1")))
    pg.train(2)
    ns: dict = {}
    exec(pg.network_code("trained"), ns)  # noqa: S102 - our own generated code
    X = grid_points(7)
    assert np.array_equal(ns["features"](X), pg.grid_features(7))
    assert np.array_equal(ns["trained"].forward(ns["features"](X)), pg.net.forward(pg.features(X)))
    assert PlaygroundConfig.from_string(ns["CONFIG"]) == pg.config
    assert "W^(1) shape (3, 4)" in pg.describe()
    assert "np.column_stack([x1, x2, x1 * x2, np.sin(x1)])" in pg.network_code()


# ---- the presets make their points ------------------------------------------------------------


def test_xor_needs_the_product_feature_or_a_hidden_layer():
    lin, prod = Playground("xor-linear"), Playground("xor-product")
    deep_lin, hid = Playground("xor-deep-linear"), Playground("xor-hidden")
    for pg in (lin, prod, deep_lin, hid):
        pg.train(PRESETS["xor-linear"].epochs)
    assert lin.accuracy("train") < 0.8 and deep_lin.accuracy("train") < 0.8
    assert prod.accuracy("train") == 1.0 and prod.accuracy("test") == 1.0
    assert hid.accuracy("train") == 1.0


def test_threshold_units_get_no_error_signal():
    pg = Playground("xor-threshold")
    W1 = pg.net.params()[0][0].copy()
    pg.train(20)
    assert np.array_equal(pg.net.params()[0][0], W1)
    assert not pg.last_grads[0][0].any()
    assert pg.last_grads[1][0].any()  # the output layer does learn
    assert pg.accuracy("train") < 1.0


@pytest.mark.slow
def test_spiral_deep_beats_shallow_in_the_same_epochs():
    shallow, deep = Playground("spiral-shallow"), Playground("spiral-deep")
    shallow.train(PRESETS["spiral-deep"].epochs)
    deep.train(PRESETS["spiral-deep"].epochs)
    assert deep.accuracy("test") > 0.9 > 0.8 > shallow.accuracy("test")


# ---- runs ------------------------------------------------------------------------------------


def test_a_run_reaches_any_epoch_on_the_same_run_and_trains_lazily():
    run = Run("xor-hidden", [0, 5])
    assert "snapshots" not in vars(run)  # nothing trained yet
    pg = run.at(7)
    direct = Playground("xor-hidden")
    direct.train(7)
    assert pg.history == direct.history
    assert run.at(5).epoch == 5 and run.snapshots[1].epoch == 5
    with pytest.raises(ValueError, match="epoch must be"):
        Run(SMALL, [2]).at(1)
    with pytest.raises(ValueError, match="at least one"):
        Run(SMALL, [])


def test_preset_runs():
    runs = preset_runs(["xor-linear", "xor-product"], [0, 1])
    assert list(runs) == ["xor-linear", "xor-product"]
    assert runs["xor-product"].config == PRESETS["xor-product"].config
    assert list(preset_runs()) == list(PRESETS)
    with pytest.raises(ValueError, match="unknown preset"):
        preset_runs(["nope"])
