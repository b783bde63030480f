"""Data sets for the lecture, all generated or shipped offline.

Every data set is returned as inputs ``X`` of shape ``(n, N)``, one example per row, and
targets ``t`` of shape ``(n,)`` (int labels for classification).
"""

from __future__ import annotations

import numpy as np

from mlp._checks import finite_number, one_of, positive_int


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The four points of XOR and their targets.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(4, 2)``: the inputs ``(0,0), (0,1), (1,0), (1,1)``, one per row.
    t : numpy.ndarray
        Shape ``(4,)``: the targets ``x1 XOR x2`` = ``0, 1, 1, 0``.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = np.array([0.0, 1.0, 1.0, 0.0])
    return X, t


# ---- pattern A / pattern B: a task no linear classifier can solve --------------------------

PATTERN_A = np.array([1, 1, 1, 0, 1], dtype=np.float64)
"""The lecture's pattern A, four "on" pixels ``1 1 1 0 1`` (then zeros up to 16 pixels)."""

PATTERN_B = np.array([1, 0, 1, 1, 1], dtype=np.float64)
"""The lecture's pattern B, ``1 0 1 1 1``: the mirror image of A, not a translation."""


def pattern_translations(pattern: object, n: int = 16) -> np.ndarray:
    """All ``n`` cyclic shifts (translations with wrap-around) of a 1-D pattern.

    Parameters
    ----------
    pattern
        A 1-D array of at most ``n`` pixels; it is padded with zeros to length ``n``.
    n
        Number of pixels of an image.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, n)``: row ``k`` is the pattern shifted right by ``k`` pixels.
    """
    n = positive_int(n, "n")
    p = np.asarray(pattern, dtype=np.float64)
    if p.ndim != 1 or p.shape[0] == 0 or p.shape[0] > n:
        raise ValueError(f"pattern must be 1-D with 1 to {n} pixels, got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("pattern contains NaN or infinity")
    full = np.zeros(n)
    full[: p.shape[0]] = p
    return np.stack([np.roll(full, k) for k in range(n)])


def pattern_ab() -> tuple[np.ndarray, np.ndarray]:
    """The lecture's "troubling example": all translations of patterns A and B.

    Pattern A is ``1 1 1 0 1`` and pattern B ``1 0 1 1 1`` (each followed by zeros, 16
    pixels, see :data:`PATTERN_A`, :data:`PATTERN_B`). Both have four "on" pixels, so the
    average of all 16 translations of either is ``(0.25, ..., 0.25)``: by convexity no
    linear classifier separates them, yet they are not translations of each other (B is
    A mirrored), so a network with a hidden layer can.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(32, 16)``: the 16 translations of A, then the 16 of B.
    t : numpy.ndarray
        Shape ``(32,)``, int: 0 for A, 1 for B.
    """
    X = np.vstack([pattern_translations(PATTERN_A), pattern_translations(PATTERN_B)])
    t = np.repeat(np.array([0, 1], dtype=np.int64), 16)
    return X, t


# ---- 2-D toy data sets (as in the TensorFlow playground) ----------------------------------


def _check_toy(n: object, noise: object, n_classes: int = 2) -> tuple[int, float]:
    return positive_int(n, "n", minimum=n_classes), finite_number(noise, "noise", positive=False)


def _split_counts(n: int, k: int) -> list[int]:
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def make_circles(
    n: int = 200, noise: float = 0.1, seed: int | np.random.Generator = 0, factor: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 outside (radius 1), class 1 inside (``factor``).

    Returns ``X`` of shape ``(n, 2)`` and int labels ``t`` of shape ``(n,)``; Gaussian noise
    of standard deviation ``noise`` is added to each coordinate.
    """
    n, noise = _check_toy(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be between 0 and 1, got {factor!r}")
    rng = np.random.default_rng(seed)
    n0, n1 = _split_counts(n, 2)
    ang = rng.uniform(0, 2 * np.pi, size=n)
    r = np.concatenate([np.ones(n0), np.full(n1, factor)])
    X = np.column_stack([r * np.cos(ang), r * np.sin(ang)]) + rng.normal(0, noise, (n, 2))
    t = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    return X, t


def make_spirals(
    n: int = 200, noise: float = 0.1, seed: int | np.random.Generator = 0, turns: float = 1.5
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals (class 0 and 1), each making ``turns`` turns.

    Returns ``X`` of shape ``(n, 2)`` (roughly within ``[-1, 1]^2``) and int labels ``(n,)``.
    """
    n, noise = _check_toy(n, noise)
    if not (np.isfinite(turns) and turns > 0):
        raise ValueError(f"turns must be a number > 0, got {turns!r}")
    rng = np.random.default_rng(seed)
    Xs, ts = [], []
    for c, m in enumerate(_split_counts(n, 2)):
        s = np.sqrt(rng.uniform(0.0, 1.0, m))  # radius; sqrt spreads points evenly
        ang = 2 * np.pi * turns * s + np.pi * c
        Xs.append(np.column_stack([s * np.cos(ang), s * np.sin(ang)]))
        ts.append(np.full(m, c, dtype=np.int64))
    X = np.vstack(Xs) + rng.normal(0, noise, (n, 2))
    return X, np.concatenate(ts)


def make_blobs(
    n: int = 200, noise: float = 0.5, seed: int | np.random.Generator = 0, n_classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs, one per class, centred evenly on the circle of radius 2.

    ``noise`` is the standard deviation of each blob. Returns ``X`` ``(n, 2)`` and int labels
    ``(n,)`` in ``0 .. n_classes-1``.
    """
    n_classes = positive_int(n_classes, "n_classes", minimum=2)
    n, noise = _check_toy(n, noise, n_classes)
    rng = np.random.default_rng(seed)
    Xs, ts = [], []
    for c, m in enumerate(_split_counts(n, n_classes)):
        ang = 2 * np.pi * c / n_classes + np.pi / 4
        centre = 2.0 * np.array([np.cos(ang), np.sin(ang)])
        Xs.append(centre + rng.normal(0, noise, (m, 2)))
        ts.append(np.full(m, c, dtype=np.int64))
    return np.vstack(Xs), np.concatenate(ts)


def make_xor_clouds(
    n: int = 200, noise: float = 0.2, seed: int | np.random.Generator = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clouds at ``(+-1, +-1)``; label 1 where ``x1 * x2 < 0`` (XOR).

    Returns ``X`` ``(n, 2)`` and int labels ``(n,)``; labels follow the cloud's centre.
    """
    n, noise = _check_toy(n, noise, 4)
    rng = np.random.default_rng(seed)
    centres = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    labels = np.array([0, 1, 1, 0], dtype=np.int64)
    Xs, ts = [], []
    for c, m in enumerate(_split_counts(n, 4)):
        Xs.append(centres[c] + rng.normal(0, noise, (m, 2)))
        ts.append(np.full(m, labels[c], dtype=np.int64))
    return np.vstack(Xs), np.concatenate(ts)


def train_test_split(
    X: object, t: object, test_fraction: float = 0.2, seed: int | np.random.Generator = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Randomly split a data set into a training and a test part.

    Returns
    -------
    X_train, X_test, t_train, t_test : numpy.ndarray
        The test part has ``round(test_fraction * n)`` examples (at least 1, at most
        ``n - 1``).
    """
    X = np.asarray(X)
    t = np.asarray(t)
    if X.ndim == 0 or t.ndim == 0 or X.shape[0] != t.shape[0]:
        raise ValueError(
            f"X has shape {X.shape} but t has shape {t.shape}: need one target per row of X"
        )
    n = X.shape[0]
    if n < 2:
        raise ValueError(f"need at least 2 examples to split, got {n}")
    if not (isinstance(test_fraction, int | float) and 0 < test_fraction < 1):
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    n_test = min(max(int(round(test_fraction * n)), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], t[train], t[test]


# ---- 8x8 handwritten digits (shipped) ---------------------------------------------------


def load_digits(scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits: 1797 images, labels 0-9.

    Source: the test part of the UCI "Optical Recognition of Handwritten Digits" data set
    (E. Alpaydin and C. Kaynak, 1998, https://doi.org/10.24432/C50P49, licence CC BY 4.0),
    as bundled with scikit-learn (``sklearn/datasets/data/digits.csv.gz``). 32x32 bitmaps
    were divided into 4x4 blocks and the "on" pixels counted, giving integers 0..16. It is
    shipped in ``mlp/data/digits.npz``, so no download is needed.

    Parameters
    ----------
    scale
        If True (default), return float64 pixels divided by 16 (in ``[0, 1]``); else the
        raw uint8 counts 0..16.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(1797, 64)``: one image per row, row-major 8x8 (``X[i].reshape(8, 8)``).
    t : numpy.ndarray
        Shape ``(1797,)``, int64 labels 0..9.
    """
    from importlib.resources import files

    with files("mlp").joinpath("data/digits.npz").open("rb") as fh, np.load(fh) as d:
        X = d["images"]
        t = d["labels"].astype(np.int64)
    return (X.astype(np.float64) / 16.0 if scale else X), t


def load_digits_split(
    test_fraction: float = 0.2, seed: int | np.random.Generator = 0, scale: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`load_digits` split by :func:`train_test_split`.

    Returns ``X_train, X_test, t_train, t_test``.
    """
    X, t = load_digits(scale=scale)
    return train_test_split(X, t, test_fraction=test_fraction, seed=seed)


# ---- the IDX format of MNIST -----------------------------------------------------------

_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path: object) -> np.ndarray:
    """Read an IDX file (the format of the MNIST files), gzip-compressed or not.

    The format: two zero bytes, a dtype byte (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then each
    dimension as a big-endian uint32, then the data in C order, big-endian.

    Raises
    ------
    ValueError
        On a bad magic number, an unknown dtype byte, or a truncated file (the message
        names the file and what was expected).
    """
    import gzip
    from pathlib import Path

    p = Path(path)  # type: ignore[arg-type]
    raw = p.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4:
        raise ValueError(f"{p}: truncated IDX file ({len(raw)} bytes, the header needs 4)")
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(
            f"{p}: bad IDX magic number {raw[:4].hex()} (it must start with two zero bytes)"
        )
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise ValueError(f"{p}: unknown IDX dtype byte 0x{code:02x}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{p}: truncated IDX header ({len(raw)} bytes, expected {header})")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dt = _IDX_DTYPES[code]
    need = header + int(np.prod(dims, dtype=np.int64)) * dt.itemsize
    if len(raw) != need:
        what = "truncated" if len(raw) < need else "too long"
        raise ValueError(
            f"{p}: {what} IDX file: dims {dims} of {dt.name} need {need} bytes, got {len(raw)}"
        )
    data = np.frombuffer(raw, dtype=dt, offset=header).reshape(dims)
    return data.astype(dt.newbyteorder("="))


def write_idx(path: object, array: object, compress: bool | None = None) -> None:
    """Write an array as an IDX file (gzip-compressed if ``compress`` or the path ends in .gz).

    The dtype must be one IDX supports (uint8, int8, int16, int32, float32, float64).
    """
    import gzip
    from pathlib import Path

    a = np.asarray(array)
    codes = {dt.newbyteorder("="): c for c, dt in _IDX_DTYPES.items()}
    if a.dtype.newbyteorder("=") not in codes:
        raise TypeError(f"array has dtype {a.dtype}, which IDX cannot store")
    code = codes[a.dtype.newbyteorder("=")]
    if a.ndim > 255:
        raise ValueError(f"array has {a.ndim} dimensions; IDX allows at most 255")
    data = (
        bytes([0, 0, code, a.ndim])
        + np.asarray(a.shape, dtype=">u4").tobytes()
        + np.ascontiguousarray(a).astype(_IDX_DTYPES[code]).tobytes()
    )
    p = Path(path)  # type: ignore[arg-type]
    if compress or (compress is None and p.suffix == ".gz"):
        data = gzip.compress(data)
    p.write_bytes(data)


def load_mnist(path_dir: object, kind: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST (or Fashion-MNIST) from the standard IDX files in a folder.

    Looks for ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` (``kind="train"``)
    or ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (``kind="test"``), each
    optionally ending in ``.gz``. Nothing is downloaded.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(n, 784)``, float64 pixels in ``[0, 1]``.
    t : numpy.ndarray
        Shape ``(n,)``, int64 labels.
    """
    from pathlib import Path

    prefixes = {"train": "train", "test": "t10k", "t10k": "t10k"}
    prefix = prefixes[one_of(kind, prefixes, "kind")]
    d = Path(path_dir)  # type: ignore[arg-type]

    def find(stem: str) -> Path:
        for name in (stem, stem + ".gz", stem.replace("-idx", ".idx")):
            if (d / name).exists():
                return d / name
        raise FileNotFoundError(f"{d}: no {stem} or {stem}.gz (MNIST files for kind={kind!r})")

    images = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{d}: images have shape {images.shape} and labels {labels.shape}; expected "
            "(n, rows, cols) and (n,)"
        )
    X = images.reshape(images.shape[0], -1).astype(np.float64) / 255.0
    return X, labels.astype(np.int64)
