"""The playground: config strings, training state, presets, pictures, widgets (headless)."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import mlp
from mlp.figures.playground.model import (
    BOX,
    FEATURES,
    LEARNING_RATES,
    PRESETS,
    Playground,
    PlaygroundConfig,
    compute_features,
    grid_points,
    make_playground_data,
)
from mlp.figures.playground.view import (
    PlaygroundWidget,
    PresetTour,
    map_png,
    playground_widget,
    render_html,
)

SMALL = PlaygroundConfig(dataset="xor", noise=10, n_points=120, hidden=(3,), lr=0.1)
# linear units, large features and logits: the cross-entropy overflows within an epoch
BLOW_UP = SMALL.replace(
    features=("x1sq", "x2sq", "x1x2"),
    hidden=(8, 8),
    activation="identity",
    loss="cross_entropy",
    lr=10.0,
)

# ---- configuration and share string -----------------------------------------------------


def test_default_config_round_trips_and_reads_like_a_url_fragment():
    c = PlaygroundConfig()
    s = c.to_string()
    assert s.startswith("data=circle&noise=0&train=50")
    assert PlaygroundConfig.from_string(s) == c
    assert PlaygroundConfig.from_string("#" + s) == c
    assert PlaygroundConfig.from_string("") == c
    assert len(s) < 150


def test_missing_keys_take_defaults_and_linear_means_identity():
    c = PlaygroundConfig.from_string("data=spiral&hidden=8,8&act=linear")
    assert c.dataset == "spiral" and c.hidden == (8, 8) and c.activation == "identity"
    assert c.lr == PlaygroundConfig().lr


@given(
    dataset=st.sampled_from(["circle", "xor", "gauss", "spiral"]),
    noise=st.integers(0, 50),
    train=st.integers(10, 90),
    feats=st.sets(st.sampled_from(list(FEATURES)), min_size=1),
    hidden=st.lists(st.integers(1, 8), max_size=6),
    act=st.sampled_from(["relu", "tanh", "sigmoid", "identity", "step"]),
    loss=st.sampled_from(["squared_error", "cross_entropy"]),
    lr=st.one_of(st.sampled_from(LEARNING_RATES), st.floats(1e-6, 10)),
    batch=st.integers(1, 30),
    reg=st.sampled_from(["none", "L1", "L2"]),
    rate=st.floats(0, 10),
    seed=st.integers(0, 10**6),
)
@settings(max_examples=60, deadline=None)
def test_every_config_round_trips_through_its_string(
    dataset, noise, train, feats, hidden, act, loss, lr, batch, reg, rate, seed
):
    c = PlaygroundConfig(
        dataset=dataset,
        noise=noise,
        train_percent=train,
        features=tuple(feats),
        hidden=tuple(hidden),
        activation=act,
        loss=loss,
        lr=lr,
        batch_size=batch,
        regularization=reg,
        reg_rate=rate,
        seed=seed,
    )
    assert PlaygroundConfig.from_string(c.to_string()) == c


@pytest.mark.parametrize(
    "text, words",
    [
        ("data=moons", "dataset"),
        ("hidden=9", "hidden[0]"),
        ("hidden=1,1,1,1,1,1,1", "at most 6"),
        ("features=x3", "x3"),
        ("features=", "at least one"),
        ("lr=0", "lr"),
        ("lr=fast", "lr"),
        ("batch=31", "batch_size"),
        ("colour=red", "unknown key 'colour'"),
        ("seed=1&seed=2", "twice"),
        ("noise", "key=value"),
    ],
)
def test_bad_strings_raise_naming_the_setting(text, words):
    with pytest.raises(ValueError, match="config string") as err:
        PlaygroundConfig.from_string(text)
    assert words in str(err.value)


def test_config_validates_and_orders_features():
    c = PlaygroundConfig(features=["x1x2", "x1"])
    assert c.features == ("x1", "x1x2")
    with pytest.raises(TypeError, match="features"):
        PlaygroundConfig(features="x1")
    with pytest.raises(ValueError, match="activation"):
        PlaygroundConfig(activation="gelu")
    with pytest.raises(TypeError, match="seed"):
        PlaygroundConfig(seed=1.5)
    assert PlaygroundConfig(loss="cross_entropy").sizes == [2, 4, 2, 2]
    assert PlaygroundConfig(hidden=()).activations == ["sigmoid"]


# ---- data and features ------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["circle", "xor", "gauss", "spiral"])
def test_data_lie_in_the_box_and_split_as_asked(dataset):
    c = PlaygroundConfig(dataset=dataset, noise=30, train_percent=70, n_points=200, seed=3)
    X_tr, t_tr, X_te, t_te = make_playground_data(c)
    assert X_tr.shape == (140, 2) and X_te.shape == (60, 2)
    assert np.abs(np.vstack([X_tr, X_te])).max() <= BOX
    assert set(np.concatenate([t_tr, t_te]).tolist()) == {0, 1}
    again = make_playground_data(c)
    assert all(np.array_equal(a, b) for a, b in zip(again, (X_tr, t_tr, X_te, t_te), strict=True))


def test_features_are_the_named_functions_of_the_point():
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    F = compute_features(X, list(FEATURES))
    x1, x2 = X.T
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(F, expected)
    with pytest.raises(ValueError, match="shape"):
        compute_features(np.ones((3, 3)), ["x1"])


def test_grid_row_zero_is_the_top_edge():
    g = grid_points(4)
    assert g.shape == (16, 2)
    assert g[0, 1] > 0 and g[-1, 1] < 0 and g[0, 0] < 0 and g[3, 0] > 0


# ---- training state -----------------------------------------------------------------------------


def test_a_step_is_train_step_on_one_minibatch():
    pg = Playground(SMALL)
    before = [(W.copy(), b.copy()) for W, b in pg.net.params()]
    idx = pg._order[: SMALL.batch_size].copy()
    ref = mlp.MLP.from_params(before, SMALL.activations)
    ref_loss = mlp.train_step(ref, pg.F_train[idx], pg.t_train[idx], "squared_error", lr=0.1)
    loss = pg.step()
    assert loss == ref_loss
    assert np.array_equal(pg.last_batch, idx)
    for (W, b), (Wr, br), (W0, _), (Wg, _) in zip(
        pg.net.params(), ref.params(), before, pg.last_grads, strict=True
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


@pytest.mark.parametrize("reg", ["L1", "L2"])
def test_regularization_adds_its_gradient(reg):
    rate = 0.05
    plain = Playground(SMALL)
    regd = Playground(SMALL.replace(regularization=reg, reg_rate=rate))
    W = regd.net.params()[0][0].copy()
    plain.step()
    regd.step()
    extra = rate * (np.sign(W) if reg == "L1" else W)
    np.testing.assert_allclose(regd.last_grads[0][0], plain.last_grads[0][0] + extra, atol=1e-14)
    np.testing.assert_allclose(regd.net.params()[0][0], W - 0.1 * regd.last_grads[0][0])


def test_l1_drives_useless_weights_to_zero():
    c = PlaygroundConfig(dataset="gauss", features=tuple(FEATURES), hidden=(), lr=0.1, n_points=200)
    plain, l1 = Playground(c), Playground(c.replace(regularization="L1", reg_rate=0.03))
    plain.train(30)
    l1.train(30)
    assert np.abs(l1.net.params()[0][0]).sum() < 0.5 * np.abs(plain.net.params()[0][0]).sum()


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


def test_maps_have_the_playground_resolutions():
    pg = Playground(SMALL.replace(hidden=(3, 2)))
    m = pg.decision_map()
    assert m.shape == (100, 100) and 0 <= m.min() and m.max() <= 1
    maps = pg.hidden_maps()
    assert [a.shape for a in maps] == [(2, 10, 10), (3, 10, 10), (2, 10, 10), (1, 10, 10)]
    # the maps are the network's outputs at the grid points
    g = grid_points(10)
    np.testing.assert_allclose(maps[-1][0].ravel(), pg.net.forward(g)[:, 0])
    np.testing.assert_allclose(pg.probability(g), maps[-1][0].ravel())


def test_cross_entropy_probability_is_the_softmax():
    pg = Playground(SMALL.replace(loss="cross_entropy"))
    pg.train(2)
    g = grid_points(5)
    np.testing.assert_allclose(pg.probability(g), mlp.softmax(pg.net.forward(g))[:, 1])


def test_network_code_rebuilds_the_trained_network_exactly():
    pg = Playground(SMALL.replace(features=("x1", "x2", "x1x2", "sinx1")))
    pg.train(2)
    ns: dict = {}
    exec(pg.network_code("trained"), ns)  # noqa: S102 - our own generated code
    X = grid_points(7)
    assert np.array_equal(ns["trained"].forward(ns["features"](X)), pg.net.forward(pg._grid(7)[1]))
    assert PlaygroundConfig.from_string(ns["CONFIG"]) == pg.config
    assert "W^(1) shape (3, 4)" in pg.describe()


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


# ---- pictures ------------------------------------------------------------------------------------


def test_map_png_is_a_valid_palette_png():
    v = np.array([[-1.0, 0.0], [1.0, 3.0]])
    img = Image.open(io.BytesIO(map_png(v)))
    assert img.mode == "P" and img.size == (2, 2)
    rgb = np.asarray(img.convert("RGB"))
    assert tuple(rgb[0, 0]) == (245, 147, 34) and tuple(rgb[1, 0]) == (8, 119, 189)
    assert tuple(rgb[0, 1]) == (232, 234, 235) and tuple(rgb[1, 1]) == (8, 119, 189)
    with pytest.raises(ValueError, match="2-D"):
        map_png(np.zeros(3))


def test_render_shows_weights_or_error_signals():
    pg = Playground(SMALL)
    svg = render_html(pg)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="Playground: xor data' in svg and "W^(1)[1,1] = " in svg
    assert render_html(pg, show="gradients") == svg  # no step yet: weights
    pg.step()
    g = render_html(pg, show="gradients")
    assert "error signals" in g and "error signal W̄ = " in g
    assert g.count('r="5.5"') == SMALL.batch_size  # the minibatch is ringed
    assert "<title>" not in render_html(pg, tooltips=False)
    with pytest.raises(ValueError, match="show"):
        render_html(pg, show="biases")


# ---- the live widget, driven headless ------------------------------------------------------------


def test_widget_buttons_play_and_reset():
    w = PlaygroundWidget(SMALL, resolution=20)
    w.step_button.click()
    assert w.pg.step_count == 1 and "error signals" in w.view.value
    w.play.value += 1  # what the Play widget does every interval
    assert w.pg.epoch == 1 and "· weights" in w.view.value
    w.play.value += 1
    assert w.pg.epoch == 2
    w.play.value = 0  # the Play widget's stop button rewinds its value: no training
    assert w.pg.epoch == 2
    w.reset_button.click()
    assert w.pg.step_count == 0 and w.pg.history.epoch == [0]


def test_widget_controls_change_the_config():
    w = PlaygroundWidget(SMALL, resolution=20)
    w.controls["dataset"].value = "spiral"
    assert w.pg.config.dataset == "spiral"
    w.feature_buttons["sinx1"].value = True
    assert w.pg.config.features == ("x1", "x2", "sinx1")
    w.n_layers.value = 3
    assert w.pg.config.hidden == (3, 4, 4)
    assert w.widths[2].layout.display == "" and w.widths[3].layout.display == "none"
    w.widths[1].value = 8
    assert w.pg.config.hidden == (3, 8, 4)
    w.controls["loss"].value = "cross_entropy"
    assert w.pg.net.n_out == 2
    assert w.share.value == w.pg.config.to_string()
    for b in w.feature_buttons.values():
        b.value = False
    assert "at least one" in w.message.value
    assert w.pg.config.features  # the last valid config stays


def test_widget_presets_share_strings_and_code():
    w = PlaygroundWidget(resolution=20)
    w.preset.value = "xor-product"
    assert w.pg.config == PRESETS["xor-product"].config
    assert w.feature_buttons["x1x2"].value and w.n_layers.value == 0
    assert "linearly separable" in w.preset_note.value
    w.share.value = "data=gauss&hidden=2&lr=0.3&seed=4"
    w.load_button.click()
    assert w.pg.config.seed == 4 and w.controls["seed"].value == 4 and w.controls["lr"].value == 0.3
    w.share.value = "data=moons"
    w.load_button.click()
    assert "dataset" in w.message.value and w.pg.config.dataset == "gauss"
    w.code_button.click()
    assert "mlp.MLP.from_params" in w.code.value


def test_widget_pauses_when_the_loss_blows_up():
    w = PlaygroundWidget(BLOW_UP, resolution=20)
    w.play.playing = True
    for _ in range(60):
        w.play.value += 1
        if not w.play.playing:
            break
    assert not w.play.playing and "paused" in w.message.value


def test_static_mode_shows_a_picture_and_a_note(monkeypatch):
    monkeypatch.setenv("MLP_STATIC_WIDGETS", "1")
    w = playground_widget(SMALL)
    assert "data:image/svg+xml" in w.value and "needs a running Python kernel" in w.value
    monkeypatch.setenv("MLP_STATIC_WIDGETS", "0")
    assert isinstance(playground_widget(SMALL, resolution=20), PlaygroundWidget)


# ---- the preset tour ---------------------------------------------------------------------------


def test_tour_static_frames_are_linked_to_the_controls():
    tour = PresetTour(["xor-linear", "xor-product"], epochs=[0, 2, 5], mode="static")
    assert tour.n_frames == 6
    assert len(tour._links) == 1 + 2  # preset -> outer stack, epoch -> one stack per preset
    html_ = tour.frame_html(preset="xor-product", epoch=5)
    assert html_.startswith('<div class="mlp-frame"') and "Epoch 5:" in html_
    img = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html_)
    svg = base64.b64decode(img.group(1)).decode()
    assert svg.startswith("<svg") and "epoch 5" in img.group(2)
    with pytest.raises(ValueError, match="unknown preset"):
        PresetTour(["nope"])


def test_tour_live_reaches_any_epoch_on_the_same_run():
    tour = PresetTour(["xor-hidden"], epochs=[0, 5], mode="live")
    pg = tour.state("xor-hidden", 7)
    direct = Playground("xor-hidden")
    direct.train(7)
    assert pg.history == direct.history
    tour.set(epoch=3)
    assert "Epoch 3:" in tour.view.value
