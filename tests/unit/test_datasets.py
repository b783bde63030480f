"""Tests of mlp.datasets: pattern A/B, toy sets, digits, IDX files."""

import gzip

import numpy as np
import pytest

import mlp
from mlp import datasets as D


def test_xor_data_unchanged():
    X, t = D.xor_data()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(t, [0, 1, 1, 0])


def test_pattern_translations():
    T = D.pattern_translations([1, 1, 0, 1], n=6)
    assert T.shape == (6, 6)
    np.testing.assert_array_equal(T[0], [1, 1, 0, 1, 0, 0])
    np.testing.assert_array_equal(T[3], [1, 0, 0, 1, 1, 0])
    with pytest.raises(ValueError, match="pattern must be 1-D with 1 to 6 pixels"):
        D.pattern_translations(np.ones(7), n=6)


def test_pattern_ab_properties():
    X, t = D.pattern_ab()
    assert X.shape == (32, 16) and t.shape == (32,)
    np.testing.assert_array_equal(np.bincount(t), [16, 16])
    # both classes average to (0.25, ..., 0.25): the lecture's convexity argument
    np.testing.assert_allclose(X[t == 0].mean(0), 0.25)
    np.testing.assert_allclose(X[t == 1].mean(0), 0.25)
    # no translation of A is a translation of B
    A = {tuple(r) for r in X[t == 0]}
    B = {tuple(r) for r in X[t == 1]}
    assert len(A) == 16 and len(B) == 16 and not A & B


@pytest.mark.parametrize("maker", [D.make_circles, D.make_spirals, D.make_blobs, D.make_xor_clouds])
def test_toy_sets(maker):
    X, t = maker(101, noise=0.1, seed=0)
    assert X.shape == (101, 2) and t.shape == (101,)
    assert t.dtype == np.int64 and set(np.unique(t)) == {0, 1}
    X2, t2 = maker(101, noise=0.1, seed=0)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, maker(101, noise=0.1, seed=1)[0])
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        maker(10, noise=-1.0)
    with pytest.raises(ValueError, match="n must be an integer"):
        maker(1, noise=0.1)


def test_xor_clouds_labels_follow_quadrants():
    X, t = D.make_xor_clouds(400, noise=0.1, seed=0)
    np.testing.assert_array_equal(t, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_train_test_split():
    X = np.arange(20).reshape(10, 2)
    t = np.arange(10)
    Xtr, Xte, ttr, tte = D.train_test_split(X, t, 0.3, seed=0)
    assert Xtr.shape == (7, 2) and Xte.shape == (3, 2)
    np.testing.assert_array_equal(Xtr[:, 0] // 2, ttr)
    assert sorted(np.concatenate([ttr, tte])) == list(range(10))
    with pytest.raises(ValueError, match=r"X has shape \(10, 2\) but t has shape \(9,\)"):
        D.train_test_split(X, t[:-1])
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1"):
        D.train_test_split(X, t, 1.5)


def test_load_digits():
    X, t = D.load_digits()
    assert X.shape == (1797, 64) and t.shape == (1797,)
    assert X.dtype == np.float64 and 0.0 <= X.min() and X.max() == 1.0
    assert set(np.unique(t)) == set(range(10))
    raw, _ = D.load_digits(scale=False)
    assert raw.dtype == np.uint8 and raw.max() == 16
    Xtr, Xte, ttr, tte = mlp.load_digits_split(test_fraction=0.2, seed=0)
    assert Xte.shape == (359, 64) and Xtr.shape == (1438, 64)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, dtype, suffix):
    a = (np.arange(24).reshape(2, 3, 4) - (0 if dtype == np.uint8 else 5)).astype(dtype)
    p = tmp_path / f"a-idx3{suffix}"
    D.write_idx(p, a)
    b = D.read_idx(p)
    assert b.dtype == np.dtype(dtype) and b.shape == (2, 3, 4)
    np.testing.assert_array_equal(a, b)


def test_idx_header_by_hand(tmp_path):
    p = tmp_path / "labels-idx1-ubyte"
    p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    np.testing.assert_array_equal(D.read_idx(p), [7, 2, 1])


def test_idx_errors(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(bytes([1, 2, 8, 1, 0, 0, 0, 1, 5]))
    with pytest.raises(ValueError, match="bad IDX magic number 01020801"):
        D.read_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]))
    with pytest.raises(ValueError, match=r"truncated IDX file: dims \(5,\)"):
        D.read_idx(short)
    hdr = tmp_path / "hdr"
    hdr.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(ValueError, match="truncated IDX header"):
        D.read_idx(hdr)
    code = tmp_path / "code"
    code.write_bytes(bytes([0, 0, 0x42, 1, 0, 0, 0, 0]))
    with pytest.raises(ValueError, match="unknown IDX dtype byte 0x42"):
        D.read_idx(code)


def test_load_mnist_from_tiny_files(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    D.write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(
        gzip.decompress(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 5]) + labels.tobytes()))
    )
    X, t = D.load_mnist(tmp_path, kind="test")
    assert X.shape == (5, 784) and X.max() <= 1.0
    np.testing.assert_allclose(X[2], images[2].ravel() / 255.0)
    np.testing.assert_array_equal(t, labels)
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        D.load_mnist(tmp_path, kind="train")
    with pytest.raises(ValueError, match="unknown kind"):
        D.load_mnist(tmp_path, kind="val")
