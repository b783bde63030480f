"""A TensorFlow-Playground-like trainer for 2-D classification, built on :class:`~mlp.network.MLP`.

This module is the *model* of the playground: what is trained and how. It has no widgets
(the view lives in :mod:`mlp.figures.playground.view`), so everything here runs headless and is
tested like any other code.

* :class:`PlaygroundConfig` holds every setting of the Playground (data set, noise,
  train/test split, input features, hidden layers, activation, loss, learning rate, batch
  size, regularization, seed) and round-trips through a short shareable string
  (:meth:`PlaygroundConfig.to_string`, :meth:`PlaygroundConfig.from_string`).
* :class:`Playground` is the training state: the data, the input features, an
  :class:`~mlp.network.MLP`, and a history of train/test losses. :meth:`Playground.step` is one
  minibatch update made by :func:`mlp.train.train_step`, the very function the chapters
  teach; :meth:`Playground.train` runs whole epochs.
* :data:`PRESETS` are configurations that each make one point of the lecture.

Conventions: the points live in the square ``[-6, 6]^2`` as in the TensorFlow Playground
(the data sets of :mod:`mlp.datasets` are scaled up to it), labels are ``0`` (orange) and
``1`` (blue), and the network's input is the row of selected features, shape ``(B, F)``.
With ``loss="squared_error"`` the network has one sigmoid output ``y`` (the probability of
class 1) fitted to ``t`` in ``{0, 1}``; with ``loss="cross_entropy"`` it has two linear
outputs (logits) followed by softmax cross-entropy.

Regularization: ``"L2"`` is the weight decay of :func:`mlp.train.train_step`
(``rate/2 * sum ||W||^2``); ``"L1"`` adds ``rate * sum |W|``, whose (sub)gradient
``rate * sign(W)`` this module adds after the step (biases are never penalized).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from mlp.activations import get_activation
from mlp.datasets import make_blobs, make_circles, make_spirals, make_xor_clouds, train_test_split
from mlp.network import MLP
from mlp.train import evaluate, train_step

Array = np.ndarray

__all__ = [
    "ACTIVATIONS",
    "BOX",
    "DATASETS",
    "FEATURES",
    "LEARNING_RATES",
    "LOSSES",
    "MAX_LAYERS",
    "MAX_UNITS",
    "PRESETS",
    "Playground",
    "PlaygroundConfig",
    "PlaygroundHistory",
    "Preset",
    "REGULARIZATIONS",
    "REGULARIZATION_RATES",
    "Snapshot",
    "compute_features",
    "make_playground_data",
]

BOX = 6.0
"""The points and the decision map cover the square ``[-BOX, BOX]^2``."""

_CHUNK = 2048  # rows per matrix product when evaluating grids (see Playground._outputs)

MAX_LAYERS = 6
MAX_UNITS = 8

DATASETS: dict[str, str] = {
    "circle": "a disc of blue inside a ring of orange",
    "xor": "four clouds; blue where x₁ and x₂ have opposite signs",
    "gauss": "two Gaussian clusters",
    "spiral": "two interleaved spirals",
}

FEATURES: dict[str, tuple[str, Callable[[Array, Array], Array]]] = {
    "x1": ("x₁", lambda x1, x2: x1),
    "x2": ("x₂", lambda x1, x2: x2),
    "x1sq": ("x₁²", lambda x1, x2: x1 * x1),
    "x2sq": ("x₂²", lambda x1, x2: x2 * x2),
    "x1x2": ("x₁x₂", lambda x1, x2: x1 * x2),
    "sinx1": ("sin x₁", lambda x1, x2: np.sin(x1)),
    "sinx2": ("sin x₂", lambda x1, x2: np.sin(x2)),
}
"""Each input feature's key, its label, and how it is computed from ``(x1, x2)``."""

ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity", "step")
"""The hidden-layer activations, the Playground's four (``identity`` is its "linear") plus the
hard threshold ``step``, whose zero derivative shows why gradient descent cannot train it."""

LOSSES = ("squared_error", "cross_entropy")
REGULARIZATIONS = ("none", "L1", "L2")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

# how each data set is drawn from mlp.datasets and scaled into the box (native units -> box)
_DATA: dict[str, tuple[Callable[..., tuple[Array, Array]], float, float]] = {
    # name: (generator, scale, base noise std in native units)
    "circle": (make_circles, 5.0, 0.0),
    "xor": (make_xor_clouds, 3.0, 0.15),
    "gauss": (make_blobs, 1.5, 0.3),
    "spiral": (make_spirals, 5.0, 0.0),
}

# keys of the share string, in order, with the config field each one holds
_KEYS = {
    "data": "dataset",
    "noise": "noise",
    "train": "train_percent",
    "points": "n_points",
    "features": "features",
    "hidden": "hidden",
    "act": "activation",
    "loss": "loss",
    "lr": "lr",
    "batch": "batch_size",
    "reg": "regularization",
    "rate": "reg_rate",
    "seed": "seed",
}


def _fmt_num(v: float) -> str:
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


@dataclass(frozen=True)
class PlaygroundConfig:
    """Every setting of the playground; frozen, so a configuration is a value.

    Parameters
    ----------
    dataset
        ``"circle"``, ``"xor"``, ``"gauss"`` or ``"spiral"``.
    noise
        Noise level in percent, 0 to 50 (as the Playground's slider): the standard
        deviation of the Gaussian noise is ``noise / 100`` in the data set's native units
        (plus a base spread for ``xor`` and ``gauss``).
    train_percent
        Percentage of the points used for training, 10 to 90; the rest is the test set.
    n_points
        Number of points generated (the Playground uses 500).
    features
        Keys of :data:`FEATURES` used as the network's inputs, at least one.
    hidden
        Widths of the hidden layers: at most ``MAX_LAYERS`` layers of 1 to
        ``MAX_UNITS`` units; ``()`` is no hidden layer (a linear classifier).
    activation
        Activation of every hidden layer, one of :data:`ACTIVATIONS`.
    loss
        ``"squared_error"`` (one sigmoid output) or ``"cross_entropy"`` (two logits).
    lr
        Learning rate (> 0).
    batch_size
        Minibatch size, 1 to 30.
    regularization
        ``"none"``, ``"L1"`` or ``"L2"``.
    reg_rate
        Strength of the regularization (>= 0).
    seed
        Seed of the data, the split, the initial weights and the minibatch order.
    """

    dataset: str = "circle"
    noise: int = 0
    train_percent: int = 50
    n_points: int = 500
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    loss: str = "squared_error"
    lr: float = 0.03
    batch_size: int = 10
    regularization: str = "none"
    reg_rate: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        def choice(name: str, allowed: tuple[str, ...] | Mapping[str, Any]) -> None:
            v = getattr(self, name)
            if v not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {v!r}")

        def integer(name: str, lo: int, hi: int | None) -> None:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer):
                raise TypeError(f"{name} must be an integer, got {v!r}")
            if v < lo or (hi is not None and v > hi):
                where = f"from {lo} to {hi}" if hi is not None else f">= {lo}"
                raise ValueError(f"{name} must be {where}, got {v}")
            object.__setattr__(self, name, int(v))

        def number(name: str, positive: bool) -> None:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
                raise TypeError(f"{name} must be a number, got {v!r}")
            v = float(v)
            if not np.isfinite(v) or v < 0 or (positive and v == 0):
                raise ValueError(f"{name} must be a finite number {'> 0' if positive else '>= 0'}")
            object.__setattr__(self, name, v)

        choice("dataset", DATASETS)
        integer("noise", 0, 50)
        integer("train_percent", 10, 90)
        integer("n_points", 20, 5000)
        if isinstance(self.features, str):
            raise TypeError("features must be a sequence of feature keys, not one string")
        feats = tuple(self.features)
        if not feats:
            raise ValueError("features must select at least one input feature")
        for f in feats:
            if f not in FEATURES:
                raise ValueError(
                    f"features: unknown feature {f!r}; choose from {', '.join(FEATURES)}"
                )
        if len(set(feats)) != len(feats):
            raise ValueError(f"features lists a feature twice: {feats}")
        # keep the Playground's order so that equal selections give equal configs
        object.__setattr__(self, "features", tuple(f for f in FEATURES if f in feats))
        if isinstance(self.hidden, int | str):
            raise TypeError("hidden must be a sequence of layer widths, e.g. (4, 2) or ()")
        hid = tuple(self.hidden)
        if len(hid) > MAX_LAYERS:
            raise ValueError(f"hidden has {len(hid)} layers; at most {MAX_LAYERS} are allowed")
        for i, h in enumerate(hid):
            if (
                isinstance(h, bool)
                or not isinstance(h, int | np.integer)
                or not 1 <= h <= MAX_UNITS
            ):
                raise ValueError(f"hidden[{i}] must be an integer from 1 to {MAX_UNITS}, got {h!r}")
        object.__setattr__(self, "hidden", tuple(int(h) for h in hid))
        choice("activation", ACTIVATIONS)
        choice("loss", LOSSES)
        number("lr", positive=True)
        integer("batch_size", 1, 30)
        choice("regularization", REGULARIZATIONS)
        number("reg_rate", positive=False)
        integer("seed", 0, None)

    # ---- the share string ------------------------------------------------------------
    def to_string(self) -> str:
        """The whole configuration as a short ``key=value&...`` string (see :meth:`from_string`).

        Examples
        --------
        >>> PlaygroundConfig(dataset="xor", hidden=()).to_string()
        'data=xor&noise=0&train=50&points=500&features=x1,x2&hidden=&act=tanh&loss=squared_error&lr=0.03&batch=10&reg=none&rate=0&seed=0'
        """
        parts = []
        for key, name in _KEYS.items():
            v = getattr(self, name)
            if name in ("features", "hidden"):
                text = ",".join(str(x) for x in v)
            elif isinstance(v, float):
                text = _fmt_num(v)
            else:
                text = str(v)
            parts.append(f"{key}={text}")
        return "&".join(parts)

    @classmethod
    def from_string(cls, text: str) -> PlaygroundConfig:
        """Parse a string made by :meth:`to_string`; missing keys take their defaults.

        A leading ``#`` or ``?`` and surrounding whitespace are ignored, so a pasted URL
        fragment works too. ``act=linear`` is read as ``identity`` (the Playground's name).

        Raises
        ------
        ValueError
            For an unknown key, a repeated key, or a value that does not parse; the message
            names the key.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        s = text.strip().lstrip("#?").strip()
        kwargs: dict[str, Any] = {}
        if not s:
            return cls()
        for part in s.split("&"):
            if "=" not in part:
                raise ValueError(f"config string: {part!r} is not of the form key=value")
            key, value = (p.strip() for p in part.split("=", 1))
            if key not in _KEYS:
                raise ValueError(f"config string: unknown key {key!r}; keys: {', '.join(_KEYS)}")
            name = _KEYS[key]
            if name in kwargs:
                raise ValueError(f"config string: key {key!r} appears twice")
            try:
                if name == "features":
                    kwargs[name] = tuple(v for v in value.split(",") if v)
                elif name == "hidden":
                    kwargs[name] = tuple(int(v) for v in value.split(",") if v)
                elif name in ("noise", "train_percent", "n_points", "batch_size", "seed"):
                    kwargs[name] = int(value)
                elif name in ("lr", "reg_rate"):
                    kwargs[name] = float(value)
                elif name == "activation":
                    kwargs[name] = "identity" if value == "linear" else value
                else:
                    kwargs[name] = value
            except ValueError:
                raise ValueError(f"config string: cannot read {key}={value!r}") from None
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as err:
            raise ValueError(f"config string: {err}") from None

    def replace(self, **changes: Any) -> PlaygroundConfig:
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)

    @property
    def sizes(self) -> list[int]:
        """The layer widths of the network (features, hidden layers, outputs)."""
        n_out = 1 if self.loss == "squared_error" else 2
        return [len(self.features), *self.hidden, n_out]

    @property
    def activations(self) -> list[str]:
        """The activation of each layer (the hidden activation, then the output's)."""
        out = "sigmoid" if self.loss == "squared_error" else "identity"
        return [self.activation] * len(self.hidden) + [out]


@dataclass(frozen=True)
class Preset:
    """A configuration that makes one point, with its one-line explanation.

    ``epochs`` is how long the chapter (and the tests) train it before checking its point.
    """

    key: str
    title: str
    explanation: str
    config: PlaygroundConfig
    epochs: int


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in [
        Preset(
            "xor-linear",
            "XOR, inputs x₁ and x₂, no hidden layer",
            "A linear classifier draws one straight boundary, so it cannot separate XOR's "
            "diagonal clouds; gradient descent settles on predicting ½ almost everywhere.",
            PlaygroundConfig(dataset="xor", noise=10, features=("x1", "x2"), hidden=(), lr=0.03),
            50,
        ),
        Preset(
            "xor-product",
            "XOR with the feature x₁x₂, no hidden layer",
            "Add the feature x₁x₂ and XOR becomes linearly separable: the sign of x₁x₂ is "
            "the label, and the same linear classifier gets every point right.",
            PlaygroundConfig(
                dataset="xor", noise=10, features=("x1", "x2", "x1x2"), hidden=(), lr=0.03
            ),
            50,
        ),
        Preset(
            "xor-deep-linear",
            "XOR, two hidden layers of linear units",
            "Layers without a nonlinearity compose to one linear map, so even a deep linear "
            "network is still a linear classifier and fails on XOR.",
            PlaygroundConfig(
                dataset="xor", noise=10, hidden=(8, 8), activation="identity", lr=0.01
            ),
            50,
        ),
        Preset(
            "xor-hidden",
            "XOR, one hidden layer of 4 tanh units",
            "With a nonlinear hidden layer the network learns its own features from x₁ and "
            "x₂ and solves XOR without being given x₁x₂.",
            PlaygroundConfig(dataset="xor", noise=10, hidden=(4,), activation="tanh", lr=0.3),
            50,
        ),
        Preset(
            "xor-threshold",
            "XOR with hard-threshold hidden units",
            "A threshold unit's derivative is zero, so no error signal reaches the hidden "
            "weights: they never move, and only the output layer learns.",
            PlaygroundConfig(dataset="xor", noise=10, hidden=(4,), activation="step", lr=0.03),
            50,
        ),
        Preset(
            "spiral-shallow",
            "Spiral, one hidden layer of 8 units",
            "Eight units (the most a Playground layer has) in a single layer give too few "
            "bends for two interleaved spirals.",
            PlaygroundConfig(
                dataset="spiral", hidden=(8,), activation="tanh", lr=0.3, batch_size=20
            ),
            200,
        ),
        Preset(
            "spiral-deep",
            "Spiral, four hidden layers of 8 units",
            "Stacking layers of the same width composes bends upon bends, and the spirals "
            "come apart.",
            PlaygroundConfig(
                dataset="spiral", hidden=(8, 8, 8, 8), activation="tanh", lr=0.3, batch_size=20
            ),
            200,
        ),
    ]
}
"""The lecture's points, each a :class:`Preset` (key -> preset)."""


# ---- data and features -------------------------------------------------------------------


def make_playground_data(config: PlaygroundConfig) -> tuple[Array, Array, Array, Array]:
    """The points of a configuration, split: ``X_train, t_train, X_test, t_test``.

    Drawn with :mod:`mlp.datasets` from ``config.seed``, scaled into ``[-BOX, BOX]^2``.
    """
    gen, scale, base = _DATA[config.dataset]
    std = base + config.noise / 100.0
    X, t = gen(n=config.n_points, noise=std, seed=config.seed)
    X = np.clip(X * scale, -BOX, BOX)
    test_fraction = 1.0 - config.train_percent / 100.0
    X_tr, X_te, t_tr, t_te = train_test_split(X, t, test_fraction=test_fraction, seed=config.seed)
    return X_tr, t_tr, X_te, t_te


def compute_features(X: object, features: tuple[str, ...] | list[str]) -> Array:
    """The network's input: the selected features of points ``X`` ``(B, 2)`` -> ``(B, F)``."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (B, 2), got {X.shape}")
    x1, x2 = X[:, 0], X[:, 1]
    cols = []
    for f in features:
        if f not in FEATURES:
            raise ValueError(f"features: unknown feature {f!r}; choose from {', '.join(FEATURES)}")
        cols.append(FEATURES[f][1](x1, x2))
    return np.column_stack(cols)


def grid_points(resolution: int) -> Array:
    """Centres of a ``resolution x resolution`` grid over the box, row 0 at the top.

    Returns ``(resolution**2, 2)`` points; reshaping a value per point to
    ``(resolution, resolution)`` gives an image whose row ``i`` is ``x2 = +BOX`` at ``i = 0``.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    c = (np.arange(resolution) + 0.5) / resolution * 2 * BOX - BOX
    g1, g2 = np.meshgrid(c, c[::-1])
    return np.column_stack([g1.ravel(), g2.ravel()])


# ---- training state ---------------------------------------------------------------------


@dataclass
class PlaygroundHistory:
    """Losses and accuracies over the whole train and test sets, one entry per record.

    A record is taken at reset (epoch 0) and after every completed epoch. Losses are the
    data loss only (no regularization penalty), as the Playground shows them.
    """

    epoch: list[int] = field(default_factory=list)
    step: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)

    def copy(self) -> PlaygroundHistory:
        return copy.deepcopy(self)

    def up_to(self, epoch: int) -> PlaygroundHistory:
        """The records with ``epoch <= epoch``."""
        k = sum(1 for e in self.epoch if e <= epoch)
        return PlaygroundHistory(*(list(getattr(self, f.name)[:k]) for f in fields(self)))


@dataclass
class Snapshot:
    """The state after some epochs: parameters and history (see :meth:`Playground.restore`)."""

    epoch: int
    step: int
    params: list[tuple[Array, Array]]
    history: PlaygroundHistory
    order_state: dict[str, Any] = field(default_factory=dict, repr=False)
    order: Array | None = field(default=None, repr=False)
    pos: int = 0


class Playground:
    """The playground's training state.

    Parameters
    ----------
    config
        A :class:`PlaygroundConfig`, a share string, a preset key, or ``None`` (defaults).
    **changes
        Settings that override ``config`` (e.g. ``Playground("xor-linear", lr=0.1)``).

    Attributes
    ----------
    config : PlaygroundConfig
    net : mlp.network.MLP
        The network; its input is the selected features.
    X_train, t_train, X_test, t_test : numpy.ndarray
        The points ``(n, 2)`` and labels ``(n,)``.
    F_train, F_test : numpy.ndarray
        The points' features, the network's input.
    history : PlaygroundHistory
    step_count : int
        Minibatch updates since the last reset.
    epoch : int
        Completed passes over the training set since the last reset.
    last_batch : numpy.ndarray or None
        Indices (into the training set) of the last minibatch.
    last_grads : list of tuple or None
        The error signals ``(W_bar, b_bar)`` of each layer at the last step, regularization
        included: the step moved every parameter by ``-lr`` times these.

    Examples
    --------
    >>> pg = Playground("xor-product")
    >>> pg.train(30)
    >>> pg.accuracy("test")
    1.0
    """

    def __init__(self, config: PlaygroundConfig | str | None = None, **changes: Any) -> None:
        self.config = _as_config(config, **changes)
        self._grid_cache: dict[int, tuple[Array, Array]] = {}
        self._load_data()
        self.reset()

    # ---- setup ------------------------------------------------------------------------
    def _load_data(self) -> None:
        c = self.config
        self.X_train, self.t_train, self.X_test, self.t_test = make_playground_data(c)
        self.F_train = compute_features(self.X_train, c.features)
        self.F_test = compute_features(self.X_test, c.features)
        self._grid_cache.clear()

    def reset(self) -> None:
        """New initial weights from the seed; forget the history (the data stay)."""
        c = self.config
        self.net = MLP(c.sizes, c.activations, seed=c.seed)
        self._act_fns = [get_activation(a)[0] for a in c.activations]
        self._order_rng = np.random.default_rng([c.seed, 1])
        self._order = self._order_rng.permutation(len(self.t_train))
        self._pos = 0
        self.step_count = 0
        self.epoch = 0
        self.last_batch: Array | None = None
        self.last_grads: list[tuple[Array, Array]] | None = None
        self.last_loss: float | None = None
        self.history = PlaygroundHistory()
        self._record()

    def set_config(self, config: PlaygroundConfig | str | None = None, **changes: Any) -> None:
        """Switch to another configuration and reset (new data only if the data changed)."""
        new = _as_config(config if config is not None else self.config, **changes)
        data_keys = ("dataset", "noise", "train_percent", "n_points", "seed", "features")
        same_data = all(getattr(new, k) == getattr(self.config, k) for k in data_keys)
        self.config = new
        if not same_data:
            self._load_data()
        self.reset()

    @property
    def steps_per_epoch(self) -> int:
        """Minibatches in one pass over the training set."""
        n, b = len(self.t_train), self.config.batch_size
        return -(-n // b)

    # ---- training ---------------------------------------------------------------------
    def step(self) -> float:
        """One minibatch update with :func:`mlp.train.train_step`; returns the batch loss.

        The loss is measured before the update and includes the regularization penalty.
        ``last_batch`` and ``last_grads`` describe this step afterwards.
        """
        c = self.config
        idx = self._order[self._pos : self._pos + c.batch_size]
        l2 = c.reg_rate if c.regularization == "L2" else 0.0
        l1 = c.reg_rate if c.regularization == "L1" else 0.0
        signs = [np.sign(lin.W) for lin in self.net.linears] if l1 else None
        penalty = l1 * sum(float(np.abs(lin.W).sum()) for lin in self.net.linears) if l1 else 0.0
        loss = train_step(self.net, self.F_train[idx], self.t_train[idx], c.loss, c.lr, l2)
        if signs is not None:
            # L1: the penalty l1 * sum |W| has (sub)gradient l1 * sign(W), taken before the step
            for lin, s in zip(self.net.linears, signs, strict=True):
                lin.W -= c.lr * l1 * s
                lin.W_bar += l1 * s
            loss += penalty
        self.last_batch = idx
        self.last_grads = [(W_bar.copy(), b_bar.copy()) for W_bar, b_bar in self.net.grads()]
        self.last_loss = float(loss)
        self.step_count += 1
        self._pos += c.batch_size
        if self._pos >= len(self.t_train):
            self.epoch += 1
            self._order = self._order_rng.permutation(len(self.t_train))
            self._pos = 0
            self._record()
        return float(loss)

    def train(self, epochs: int = 1) -> None:
        """Run minibatch steps until ``epochs`` more epochs are complete.

        Raises
        ------
        FloatingPointError
            If the loss becomes NaN or infinite (the learning rate is too large).
        """
        if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
        target = self.epoch + int(epochs)
        while self.epoch < target:
            self.step()

    def _record(self) -> None:
        h = self.history
        tr_loss, tr_acc = self.evaluate("train")
        te_loss, te_acc = self.evaluate("test")
        h.epoch.append(self.epoch)
        h.step.append(self.step_count)
        h.train_loss.append(tr_loss)
        h.test_loss.append(te_loss)
        h.train_accuracy.append(tr_acc)
        h.test_accuracy.append(te_acc)

    # ---- measuring --------------------------------------------------------------------
    def evaluate(self, split: str = "train") -> tuple[float, float]:
        """Data loss and accuracy on ``"train"`` or ``"test"`` (with :func:`mlp.train.evaluate`)."""
        F, t = self._split(split)
        loss, acc = evaluate(self.net, F, t, self.config.loss)
        return float(loss), float(acc)

    def accuracy(self, split: str = "train") -> float:
        """Fraction of correctly classified points of ``"train"`` or ``"test"``."""
        return self.evaluate(split)[1]

    def _split(self, split: str) -> tuple[Array, Array]:
        if split == "train":
            return self.F_train, self.t_train
        if split == "test":
            return self.F_test, self.t_test
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")

    def probability(self, X: object) -> Array:
        """The network's probability of class 1 (blue) at points ``X`` ``(B, 2)``."""
        return self._prob_from_output(self._outputs(compute_features(X, self.config.features))[-1])

    def _outputs(self, F: Array, last_only: bool = False) -> list[Array]:
        """Every layer's activations ``[h^(1), ..., y]`` for inputs ``F``, in row chunks.

        With ``last_only`` the list holds only the output ``y``. The chunks keep each matrix
        product small: OpenBLAS runs small products on one thread, which on a busy machine
        is far faster than a large multithreaded one.
        """
        chunks: list[list[Array]] = []
        params = [(lin.W, lin.b) for lin in self.net.linears]
        for s in range(0, F.shape[0], _CHUNK):
            h = F[s : s + _CHUNK]
            outs = []
            for (W, b), f in zip(params, self._act_fns, strict=True):
                # h^(l) = f(W^(l) h^(l-1) + b^(l)), one point per row; a diverged network's
                # overflow is clipped to huge finite values, so it can still be drawn
                with np.errstate(over="ignore", invalid="ignore"):
                    z = h @ W.T + b
                if not np.isfinite(z).all():
                    z = np.nan_to_num(z, nan=0.0, posinf=1e300, neginf=-1e300)
                h = f(z)
                if not last_only:
                    outs.append(h)
            chunks.append(outs if not last_only else [h])
        if len(chunks) == 1:
            return chunks[0]
        return [np.concatenate([c[i] for c in chunks]) for i in range(len(chunks[0]))]

    def _prob_from_output(self, y: Array) -> Array:
        if self.config.loss == "squared_error":
            return np.clip(y[:, 0], 0.0, 1.0)
        z = y - y.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e[:, 1] / e.sum(axis=1)

    def _grid(self, resolution: int) -> tuple[Array, Array]:
        if resolution not in self._grid_cache:
            pts = grid_points(resolution)
            self._grid_cache[resolution] = (pts, compute_features(pts, self.config.features))
        return self._grid_cache[resolution]

    def decision_map(self, resolution: int = 100) -> Array:
        """Probability of class 1 over a grid of the box, shape ``(resolution, resolution)``.

        Row 0 is the top edge (``x2 = +6``), column 0 the left edge (``x1 = -6``); the
        Playground draws its output at resolution 100.
        """
        _, F = self._grid(resolution)
        return self._prob_from_output(self._outputs(F, last_only=True)[0]).reshape(
            resolution, resolution
        )

    def hidden_maps(self, resolution: int = 10) -> list[Array]:
        """Every unit's output over a grid of the box, layer by layer.

        Returns a list: entry 0 holds the input features ``(F, r, r)``, entry ``l`` the
        activations ``h^(l)`` of hidden layer ``l`` ``(N_l, r, r)``; the last entry is the
        output layer (``(1, r, r)`` or ``(2, r, r)``). The Playground draws these small maps
        at resolution 10.
        """
        _, F = self._grid(resolution)
        r = resolution
        return [F.T.reshape(-1, r, r)] + [h.T.reshape(-1, r, r) for h in self._outputs(F)]

    # ---- showing the network ------------------------------------------------------------
    def describe(self, precision: int = 3) -> str:
        """The trained network printed as the :class:`~mlp.network.MLP` it is (its weights)."""
        c = self.config
        head = (
            f"inputs: {', '.join(FEATURES[f][0] for f in c.features)}  "
            f"(features {', '.join(c.features)})\n"
            f"trained {self.epoch} epochs ({self.step_count} minibatch steps) from config\n"
            f"  {c.to_string()}\n"
        )
        return head + self.net.describe(precision=precision)

    def network_code(self, name: str = "net") -> str:
        """Python source that rebuilds the trained network exactly, with its features.

        The code defines ``name`` (an :class:`~mlp.network.MLP` with bit-identical parameters, via
        :meth:`~mlp.network.MLP.to_code`) and ``features(X)``, which maps points ``(B, 2)`` to the
        network's input; ``name.forward(features(X))`` is the trained network's output.
        """
        c = self.config
        exprs = {
            "x1": "x1",
            "x2": "x2",
            "x1sq": "x1 * x1",
            "x2sq": "x2 * x2",
            "x1x2": "x1 * x2",
            "sinx1": "np.sin(x1)",
            "sinx2": "np.sin(x2)",
        }
        cols = ", ".join(exprs[f] for f in c.features)
        lines = [
            "# A network trained in the mlp playground: "
            f"{self.epoch} epochs, {self.step_count} steps.",
            "# Rebuild the same run with mlp.figures.playground.model.Playground(CONFIG)"
            " and .train(epochs).",
            f"CONFIG = {c.to_string()!r}",
            "",
            self.net.to_code(name).rstrip("\n"),
            "",
            "",
            "def features(X):",
            '    """Points (B, 2) -> the network\'s input (B, F)."""',
            "    X = np.asarray(X, dtype=float)",
            "    x1, x2 = X[:, 0], X[:, 1]",
            f"    return np.column_stack([{cols}])",
            "",
        ]
        return "\n".join(lines)

    # ---- snapshots ----------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The current parameters and history (copies)."""
        params = [(W.copy(), b.copy()) for W, b in self.net.params()]
        return Snapshot(
            self.epoch,
            self.step_count,
            params,
            self.history.copy(),
            copy.deepcopy(self._order_rng.bit_generator.state),
            self._order.copy(),
            self._pos,
        )

    def restore(self, snap: Snapshot) -> None:
        """Go back to a :meth:`snapshot` of this configuration.

        The minibatch order is restored too, so training on from a restored snapshot gives
        exactly the run that continued from it.
        """
        self.net.set_params(snap.params)
        if snap.order is not None:
            self._order_rng.bit_generator.state = copy.deepcopy(snap.order_state)
            self._order = snap.order.copy()
            self._pos = snap.pos
        self.epoch = snap.epoch
        self.step_count = snap.step
        self.history = snap.history.copy()
        self.last_batch = None
        self.last_grads = None

    def run(self, epochs: list[int] | tuple[int, ...]) -> list[Snapshot]:
        """Reset, train, and take a :meth:`snapshot` at each of the given epochs (ascending)."""
        marks = [int(e) for e in epochs]
        if marks != sorted(marks) or (marks and marks[0] < 0):
            raise ValueError(f"epochs must be non-negative and ascending, got {epochs!r}")
        self.reset()
        out = []
        for e in marks:
            self.train(e - self.epoch)
            out.append(self.snapshot())
        return out


def _as_config(config: PlaygroundConfig | str | None, **changes: Any) -> PlaygroundConfig:
    if config is None:
        cfg = PlaygroundConfig()
    elif isinstance(config, PlaygroundConfig):
        cfg = config
    elif isinstance(config, str):
        cfg = PRESETS[config].config if config in PRESETS else PlaygroundConfig.from_string(config)
    else:
        raise TypeError(
            f"config must be a PlaygroundConfig, a config string or a preset key, got {config!r}"
        )
    return cfg.replace(**changes) if changes else cfg
