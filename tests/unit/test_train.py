"""Tests of mlp.train: determinism, learning, NaN handling, validation."""

import numpy as np
import pytest

import mlp
from mlp.network import MLP
from mlp.train import History, evaluate, sgd, train_step


def test_same_seed_same_history():
    X, t = mlp.make_circles(200, noise=0.1, seed=0)
    runs = []
    for _ in range(2):
        net = MLP([2, 8, 2], "tanh", seed=1)
        runs.append((sgd(net, X, t, lr=0.5, epochs=5, batch_size=16, seed=3), net))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1].linears[0].W, runs[1][1].linears[0].W)
    net = MLP([2, 8, 2], "tanh", seed=1)
    assert sgd(net, X, t, lr=0.5, epochs=5, batch_size=16, seed=4) != runs[0][0]


def test_history_fields_and_validation_set():
    X, t = mlp.make_blobs(120, noise=0.5, seed=0)
    Xtr, Xte, ttr, tte = mlp.train_test_split(X, t, 0.25, seed=0)
    net = MLP([2, 4, 2], "relu", seed=0)
    h = sgd(net, Xtr, ttr, lr=0.1, epochs=3, X_val=Xte, T_val=tte)
    assert isinstance(h, History)
    assert h.epoch == [1, 2, 3]
    assert len(h.loss) == len(h.accuracy) == len(h.val_loss) == len(h.val_accuracy) == 3
    vl, va = evaluate(net, Xte, tte)
    assert vl == pytest.approx(h.val_loss[-1]) and va == h.val_accuracy[-1]


def test_xor_learns_with_squared_error():
    X, t = mlp.xor_data()
    net = MLP([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    h = sgd(net, X, t, loss="squared_error", lr=2.0, epochs=1500, batch_size=4)
    assert h.loss[-1] < h.loss[0]
    np.testing.assert_array_equal(net.predict(X), t.astype(int))
    assert h.accuracy[-1] == 1.0


def test_pattern_ab_learnable_by_hidden_layer():
    X, t = mlp.pattern_ab()
    net = MLP([16, 16, 2], "tanh", seed=0)
    sgd(net, X, t, lr=0.5, epochs=300, batch_size=8)
    assert mlp.accuracy(net.forward(X), t) == 1.0


def test_train_step_reduces_loss():
    X, t = mlp.make_xor_clouds(100, 0.2, seed=0)
    net = MLP([2, 8, 2], "relu", seed=0)
    first = train_step(net, X, t, "cross_entropy", lr=0.1)
    for _ in range(50):
        last = train_step(net, X, t, "cross_entropy", lr=0.1)
    assert last < first


def test_nan_raises_floating_point_error_naming_epoch():
    X, t = mlp.make_circles(100, 0.1, seed=0)
    net = MLP([2, 16, 1], ["identity", "identity"], seed=0)
    pattern = (
        r"loss became NaN or infinite at epoch 2, minibatch \d+; "
        r"try a smaller learning rate \(lr=50.0\)"
    )
    with pytest.raises(FloatingPointError, match=pattern):
        sgd(net, X, t, loss="squared_error", lr=50.0, epochs=5)


def test_float32_training():
    X, t = mlp.make_spirals(100, 0.05, seed=0)
    net = MLP([2, 8, 2], "tanh", seed=0, dtype=np.float32)
    h = sgd(net, X, t, epochs=2)
    assert net.linears[0].W.dtype == np.float32 and np.isfinite(h.loss[-1])


def test_l2_shrinks_weights():
    X, t = mlp.make_blobs(100, 0.5, seed=0)
    a, b = MLP([2, 8, 2], "relu", seed=0), MLP([2, 8, 2], "relu", seed=0)
    sgd(a, X, t, epochs=20, lr=0.1)
    sgd(b, X, t, epochs=20, lr=0.1, l2=0.1)
    assert np.linalg.norm(b.linears[0].W) < np.linalg.norm(a.linears[0].W)


def test_regression_accuracy_is_nan():
    X = np.linspace(-1, 1, 20)[:, None]
    net = MLP([1, 5, 1], "tanh", seed=0)
    h = sgd(net, X, np.sin(3 * X), loss="squared_error", epochs=2)
    assert np.isnan(h.accuracy[0])


def test_sgd_errors():
    X, t = mlp.make_blobs(20, 0.5, seed=0)
    net = MLP([2, 3, 2], "relu")
    with pytest.raises(ValueError, match="unknown loss"):
        sgd(net, X, t, loss="hinge")
    with pytest.raises(ValueError, match=r"T has shape \(19,\) but the inputs have 20 examples"):
        sgd(net, X, t[:-1])
    with pytest.raises(ValueError, match="T contains label 2, outside 0 .. 1"):
        sgd(net, X, t + 1)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        sgd(net, X, t, lr=-1.0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        sgd(net, X, t, batch_size=0)
    with pytest.raises(ValueError, match="needs a network with at least 2 outputs"):
        sgd(MLP([2, 3, 1], "relu"), X, t)
    with pytest.raises(ValueError, match=r"X has shape \(20, 3\)"):
        sgd(net, np.ones((20, 3)), t)
    with pytest.raises(ValueError, match="give both X_val and T_val"):
        sgd(net, X, t, X_val=X)


def test_digits_reach_95_percent_quickly():
    Xtr, Xte, ttr, tte = mlp.load_digits_split(test_fraction=0.2, seed=0)
    net = MLP([64, 32, 10], ["sigmoid", "identity"], seed=0)
    h = sgd(net, Xtr, ttr, lr=0.5, epochs=40, batch_size=16, seed=0, X_val=Xte, T_val=tte)
    assert h.val_accuracy[-1] > 0.95, h.val_accuracy[-5:]


def test_callback_sees_every_epoch():
    X, t = mlp.make_blobs(20, 0.5, seed=0)
    seen = []
    h = sgd(
        MLP([2, 3, 2], "relu"), X, t, epochs=3, callback=lambda e, h: seen.append((e, h.loss[-1]))
    )
    assert [e for e, _ in seen] == [1, 2, 3] and [v for _, v in seen] == h.loss


def test_progress_bar_callback_runs_outside_a_notebook():
    pytest.importorskip("ipywidgets")
    from mlp.figures.progress import progress_bar

    X, t = mlp.make_blobs(20, 0.5, seed=0)
    h = sgd(MLP([2, 3, 2], "relu"), X, t, epochs=2, callback=progress_bar(2))
    assert h.epoch == [1, 2]


def test_target_forms_give_the_same_training():
    X, t = mlp.make_blobs(60, 0.5, seed=0, n_classes=3)
    runs = []
    for T in (t, mlp.one_hot(t, 3)):
        net = MLP([2, 4, 3], "tanh", seed=0)
        runs.append(sgd(net, X, T, epochs=3, batch_size=100))  # one batch larger than n
    assert runs[0] == runs[1]
    a, b = MLP([2, 4, 3], "tanh", seed=0), MLP([2, 4, 3], "tanh", seed=0)
    ha = sgd(a, X, t, loss="squared_error", epochs=3)
    hb = sgd(b, X, mlp.one_hot(t, 3), loss="squared_error", epochs=3)
    assert ha == hb and 0 <= ha.accuracy[-1] <= 1


def test_sgd_steps_are_train_steps():
    X, t = mlp.make_blobs(12, 0.5, seed=0)
    a, b = MLP([2, 4, 2], "tanh", seed=0), MLP([2, 4, 2], "tanh", seed=0)
    h = sgd(a, X, t, lr=0.3, epochs=1, batch_size=5, seed=7, l2=0.01)
    order = np.random.default_rng(7).permutation(12)
    losses = [
        train_step(b, X[idx], t[idx], lr=0.3, l2=0.01) * len(idx)
        for idx in (order[:5], order[5:10], order[10:])
    ]
    assert h.loss[0] == pytest.approx(sum(losses) / 12, rel=1e-15)
    for (Wa, ba), (Wb, bb) in zip(a.params(), b.params(), strict=True):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)


def test_train_step_leaves_the_gradients_of_the_step():
    X, t = mlp.make_blobs(10, 0.5, seed=0)
    net = MLP([2, 3, 2], "relu", seed=0)
    W_before = net.params()[0][0].copy()
    train_step(net, X, t, lr=0.5, l2=0.1)
    W_bar = net.grads()[0][0]  # includes the weight decay l2 W
    np.testing.assert_allclose(net.params()[0][0], W_before - 0.5 * W_bar)
