"""mlp.figures.playground.config and .presets: the table of settings, share strings, features."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlp.figures.playground.config import (
    ACTIVATIONS,
    DATASETS,
    FEATURES,
    LEARNING_RATES,
    SETTINGS,
    PlaygroundConfig,
    compute_features,
)
from mlp.figures.playground.presets import PRESETS, as_config


def test_the_table_is_the_dataclass():
    names = [f.name for f in dataclasses.fields(PlaygroundConfig)]
    assert [s.name for s in SETTINGS] == names
    keys = [s.key for s in SETTINGS]
    assert len(set(keys)) == len(keys)
    # the share string lists the settings in the table's order, under the table's keys
    text = PlaygroundConfig().to_string()
    assert [part.split("=")[0] for part in text.split("&")] == keys


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


configs = st.builds(
    PlaygroundConfig,
    dataset=st.sampled_from(list(DATASETS)),
    noise=st.integers(0, 50),
    train_percent=st.integers(10, 90),
    n_points=st.integers(20, 5000),
    features=st.sets(st.sampled_from(list(FEATURES)), min_size=1).map(tuple),
    hidden=st.lists(st.integers(1, 8), max_size=6).map(tuple),
    activation=st.sampled_from(ACTIVATIONS),
    loss=st.sampled_from(["squared_error", "cross_entropy"]),
    lr=st.one_of(st.sampled_from(LEARNING_RATES), st.floats(1e-6, 10)),
    batch_size=st.integers(1, 30),
    regularization=st.sampled_from(["none", "L1", "L2"]),
    reg_rate=st.floats(0, 10),
    seed=st.integers(0, 10**6),
)


@given(configs)
@settings(max_examples=60, deadline=None)
def test_every_config_round_trips_through_its_string(c):
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
    with pytest.raises(ValueError, match="twice"):
        PlaygroundConfig(features=("x1", "x1"))
    assert PlaygroundConfig(loss="cross_entropy").sizes == [2, 4, 2, 2]
    assert PlaygroundConfig(hidden=()).activations == ["sigmoid"]
    assert PlaygroundConfig(lr=1, noise=np.int64(5)).replace(seed=3) == PlaygroundConfig(
        lr=1.0, noise=5, seed=3
    )


def test_features_are_the_named_functions_of_the_point():
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    F = compute_features(X, list(FEATURES))
    x1, x2 = X.T
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(F, expected)
    with pytest.raises(ValueError, match="shape"):
        compute_features(np.ones((3, 3)), ["x1"])
    with pytest.raises(ValueError, match="unknown feature"):
        compute_features(X, ["x3"])


def test_a_feature_is_its_expression():
    x1, x2 = np.array([0.5, -2.0]), np.array([1.5, 3.0])
    for f in FEATURES.values():
        got = f(x1, x2)
        assert np.array_equal(got, eval(f.expr, {"np": np}, {"x1": x1, "x2": x2}))  # noqa: S307


def test_presets_and_as_config():
    assert all(key == p.key for key, p in PRESETS.items())
    assert as_config("xor-product") == PRESETS["xor-product"].config
    assert as_config(None) == PlaygroundConfig()
    assert as_config("data=gauss&hidden=2", seed=4).seed == 4
    assert as_config(PRESETS["xor-linear"].config, lr=0.1).lr == 0.1
    with pytest.raises(TypeError, match="preset key"):
        as_config(3)
    with pytest.raises(ValueError, match="dataset"):
        as_config("data=moons")
