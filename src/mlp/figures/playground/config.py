"""The playground's configuration: one table of settings, and the input features.

Every setting of the playground is one field of :class:`PlaygroundConfig`, declared once with
:func:`setting`: its name, default, the *kind* of value it holds, its key in the share string and
the label of its control. That table (:data:`SETTINGS`) is all that the validation, the share
string (:meth:`PlaygroundConfig.to_string`, :meth:`PlaygroundConfig.from_string`) and the live
widget's controls (:mod:`mlp.figures.playground.widget`) read; nothing lists the settings again.

A kind knows how to check a value (:meth:`Kind.check`), write it (:meth:`Kind.format`) and read
it back (:meth:`Kind.parse`): :class:`Choice`, :class:`Int`, :class:`Number`, and the two
sequences :class:`FeatureSet` (the input features) and :class:`Widths` (the hidden layers).

Each input feature is one expression in ``x1`` and ``x2`` (:class:`Feature`): the same text is
evaluated to compute the feature and written into the exported code of a trained network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

Array = np.ndarray

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "FEATURES",
    "LEARNING_RATES",
    "LOSSES",
    "MAX_LAYERS",
    "MAX_UNITS",
    "REGULARIZATIONS",
    "REGULARIZATION_RATES",
    "SETTINGS",
    "Choice",
    "Feature",
    "FeatureSet",
    "Int",
    "Kind",
    "Number",
    "PlaygroundConfig",
    "Setting",
    "Widths",
    "compute_features",
    "setting",
]

MAX_LAYERS = 6
MAX_UNITS = 8

# ---- the input features -----------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    """One input feature: its label and its numpy expression in ``x1`` and ``x2``.

    Examples
    --------
    >>> Feature("x₁x₂", "x1 * x2")(np.array([2.0]), np.array([3.0]))
    array([6.])
    """

    label: str
    expr: str

    def __call__(self, x1: Array, x2: Array) -> Array:
        """The feature's values at the points ``(x1, x2)`` (the expression, evaluated)."""
        return eval(self.expr, {"np": np}, {"x1": x1, "x2": x2})  # noqa: S307 - our constants


FEATURES: dict[str, Feature] = {
    "x1": Feature("x₁", "x1"),
    "x2": Feature("x₂", "x2"),
    "x1sq": Feature("x₁²", "x1 * x1"),
    "x2sq": Feature("x₂²", "x2 * x2"),
    "x1x2": Feature("x₁x₂", "x1 * x2"),
    "sinx1": Feature("sin x₁", "np.sin(x1)"),
    "sinx2": Feature("sin x₂", "np.sin(x2)"),
}
"""Each input feature by key, in the Playground's order."""


def compute_features(X: object, features: tuple[str, ...] | list[str]) -> Array:
    """The network's input: the selected features of points ``X`` ``(B, 2)`` -> ``(B, F)``."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (B, 2), got {X.shape}")
    for f in features:
        if f not in FEATURES:
            raise ValueError(f"features: unknown feature {f!r}; choose from {', '.join(FEATURES)}")
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[f](x1, x2) for f in features])


# ---- the values a setting can take --------------------------------------------------------

DATASETS: dict[str, str] = {
    "circle": "a disc of blue inside a ring of orange",
    "xor": "four clouds; blue where x₁ and x₂ have opposite signs",
    "gauss": "two Gaussian clusters",
    "spiral": "two interleaved spirals",
}

ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity", "step")
"""The hidden-layer activations, the Playground's four (``identity`` is its "linear") plus the
hard threshold ``step``, whose zero derivative shows why gradient descent cannot train it."""

LOSSES = ("squared_error", "cross_entropy")
REGULARIZATIONS = ("none", "L1", "L2")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def _is_int(v: object) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool)


class Kind:
    """What a setting holds: how to check a value, write it and read it back."""

    def check(self, name: str, value: Any) -> Any:
        """The value, validated and normalized (raises ``TypeError``/``ValueError``)."""
        return value

    def format(self, value: Any) -> str:
        """The value as text in the share string."""
        return str(value)

    def parse(self, text: str) -> Any:
        """The value written by ``format`` (raises ``ValueError``)."""
        return text


@dataclass(frozen=True)
class Choice(Kind):
    """One of named options (``value -> label``); ``aliases`` are other names accepted."""

    options: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    buttons: bool = False  # shown as toggle buttons (else a menu)

    def check(self, name: str, value: Any) -> Any:
        if value not in self.options:
            raise ValueError(f"{name} must be one of {', '.join(self.options)}; got {value!r}")
        return value

    def parse(self, text: str) -> str:
        return self.aliases.get(text, text)


@dataclass(frozen=True)
class Int(Kind):
    """An integer from ``lo`` to ``hi`` (no upper bound when ``hi`` is None)."""

    lo: int
    hi: int | None = None
    step: int = 1  # of the control's slider

    def check(self, name: str, value: Any) -> int:
        if not _is_int(value):
            raise TypeError(f"{name} must be an integer, got {value!r}")
        if value < self.lo or (self.hi is not None and value > self.hi):
            where = f"from {self.lo} to {self.hi}" if self.hi is not None else f">= {self.lo}"
            raise ValueError(f"{name} must be {where}, got {value}")
        return int(value)

    def parse(self, text: str) -> int:
        return int(text)


@dataclass(frozen=True)
class Number(Kind):
    """A finite number, ``> 0`` if ``positive`` else ``>= 0``; ``menu`` lists the usual ones."""

    positive: bool
    menu: tuple[float, ...] = ()

    def check(self, name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise TypeError(f"{name} must be a number, got {value!r}")
        v = float(value)
        if not np.isfinite(v) or v < 0 or (self.positive and v == 0):
            raise ValueError(f"{name} must be a finite number {'> 0' if self.positive else '>= 0'}")
        return v

    def format(self, value: float) -> str:
        return str(int(value)) if float(value).is_integer() else repr(float(value))

    def parse(self, text: str) -> float:
        return float(text)


class FeatureSet(Kind):
    """A non-empty selection of :data:`FEATURES`, kept in their order."""

    def check(self, name: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            raise TypeError(f"{name} must be a sequence of feature keys, not one string")
        feats = tuple(value)
        if not feats:
            raise ValueError(f"{name} must select at least one input feature")
        for f in feats:
            if f not in FEATURES:
                raise ValueError(
                    f"{name}: unknown feature {f!r}; choose from {', '.join(FEATURES)}"
                )
        if len(set(feats)) != len(feats):
            raise ValueError(f"{name} lists a feature twice: {feats}")
        # the Playground's order, so that equal selections give equal configs
        return tuple(f for f in FEATURES if f in feats)

    def format(self, value: tuple[str, ...]) -> str:
        return ",".join(value)

    def parse(self, text: str) -> tuple[str, ...]:
        return tuple(v for v in text.split(",") if v)


class Widths(Kind):
    """Hidden-layer widths: at most ``MAX_LAYERS`` layers of 1 to ``MAX_UNITS`` units."""

    def check(self, name: str, value: Any) -> tuple[int, ...]:
        if isinstance(value, int | str):
            raise TypeError(f"{name} must be a sequence of layer widths, e.g. (4, 2) or ()")
        widths = tuple(value)
        if len(widths) > MAX_LAYERS:
            raise ValueError(f"{name} has {len(widths)} layers; at most {MAX_LAYERS} are allowed")
        for i, h in enumerate(widths):
            if not _is_int(h) or not 1 <= h <= MAX_UNITS:
                raise ValueError(f"{name}[{i}] must be an integer from 1 to {MAX_UNITS}, got {h!r}")
        return tuple(int(h) for h in widths)

    def format(self, value: tuple[int, ...]) -> str:
        return ",".join(map(str, value))

    def parse(self, text: str) -> tuple[int, ...]:
        return tuple(int(v) for v in text.split(",") if v)


# ---- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One row of the table: a config field, its kind, share-string key and control label.

    ``label`` is ``None`` for a setting the live widget does not offer.
    """

    name: str
    key: str
    kind: Kind
    label: str | None


def setting(default: Any, key: str, kind: Kind, label: str | None) -> Any:
    """Declare a field of :class:`PlaygroundConfig` with its row of the table."""
    return field(default=default, metadata={"setting": Setting("", key, kind, label)})


_LOSS_LABELS = {"squared_error": "squared error", "cross_entropy": "softmax cross-entropy"}
_ACT_LABELS = {a: "linear" if a == "identity" else a for a in ACTIVATIONS}


def _named(values: tuple[str, ...] | Mapping[str, str]) -> dict[str, str]:
    return {v: v for v in values}


@dataclass(frozen=True)
class PlaygroundConfig:
    """Every setting of the playground; frozen, so a configuration is a value.

    Parameters
    ----------
    dataset
        ``"circle"``, ``"xor"``, ``"gauss"`` or ``"spiral"`` (see ``DATASETS``).
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

    dataset: str = setting("circle", "data", Choice(_named(DATASETS), buttons=True), "data")
    noise: int = setting(0, "noise", Int(0, 50, step=5), "noise %")
    train_percent: int = setting(50, "train", Int(10, 90, step=10), "train %")
    n_points: int = setting(500, "points", Int(20, 5000), None)
    features: tuple[str, ...] = setting(("x1", "x2"), "features", FeatureSet(), "features")
    hidden: tuple[int, ...] = setting((4, 2), "hidden", Widths(), "hidden layers")
    activation: str = setting(
        "tanh", "act", Choice(_ACT_LABELS, aliases={"linear": "identity"}), "activation"
    )
    loss: str = setting("squared_error", "loss", Choice(_LOSS_LABELS), "loss")
    lr: float = setting(0.03, "lr", Number(True, LEARNING_RATES), "learning rate")
    batch_size: int = setting(10, "batch", Int(1, 30), "batch size")
    regularization: str = setting("none", "reg", Choice(_named(REGULARIZATIONS)), "regularization")
    reg_rate: float = setting(0.0, "rate", Number(False, REGULARIZATION_RATES), "rate")
    seed: int = setting(0, "seed", Int(0), "seed")

    def __post_init__(self) -> None:
        for s in SETTINGS:
            object.__setattr__(self, s.name, s.kind.check(s.name, getattr(self, s.name)))

    # ---- the share string ------------------------------------------------------------
    def to_string(self) -> str:
        """The whole configuration as a short ``key=value&...`` string (see :meth:`from_string`).

        Examples
        --------
        >>> PlaygroundConfig(dataset="xor", hidden=()).to_string()
        'data=xor&noise=0&train=50&points=500&features=x1,x2&hidden=&act=tanh&loss=squared_error&lr=0.03&batch=10&reg=none&rate=0&seed=0'
        """
        return "&".join(f"{s.key}={s.kind.format(getattr(self, s.name))}" for s in SETTINGS)

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
        by_key = {st.key: st for st in SETTINGS}
        kwargs: dict[str, Any] = {}
        for part in s.split("&") if s else []:
            if "=" not in part:
                raise ValueError(f"config string: {part!r} is not of the form key=value")
            key, value = (p.strip() for p in part.split("=", 1))
            if key not in by_key:
                raise ValueError(f"config string: unknown key {key!r}; keys: {', '.join(by_key)}")
            st = by_key[key]
            if st.name in kwargs:
                raise ValueError(f"config string: key {key!r} appears twice")
            try:
                kwargs[st.name] = st.kind.parse(value)
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


SETTINGS: tuple[Setting, ...] = tuple(
    replace(f.metadata["setting"], name=f.name) for f in fields(PlaygroundConfig)
)
"""One :class:`Setting` per field of :class:`PlaygroundConfig`, in order (the table of settings)."""
