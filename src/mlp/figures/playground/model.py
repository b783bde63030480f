"""The playground's training model: data, an :class:`~mlp.network.MLP`, and its training.

It has no widgets (the picture is :mod:`mlp.figures.playground.view`), so it runs headless.

* :class:`Playground` is the training state: the data, the input features, the network, and a
  history of train/test losses. :meth:`Playground.step` is one minibatch update made by
  :func:`mlp.train.train_step`, the very function the chapters teach; :meth:`Playground.train`
  runs whole epochs. Every picture of the network is computed by :meth:`mlp.network.MLP.forward`.

The network's input is the row of selected features of a point, shape ``(B, F)``. With
``loss="squared_error"`` it has one sigmoid output ``y`` (the probability of class 1, blue)
fitted to ``t`` in ``{0, 1}``; with ``loss="cross_entropy"`` two logits and softmax
cross-entropy.

Regularization (biases are never penalized): ``"L2"`` is the weight decay of
:func:`mlp.train.train_step` (``rate/2 * sum ||W||^2``, its gradient ``rate * W`` added to
``W_bar``). ``"L1"`` (``rate * sum |W|``) is applied as the TensorFlow Playground applies it:
after the gradient step on the data loss, :func:`l1_proximal_step` moves every weight
``lr * rate`` toward zero and stops it at zero (the proximal step of the L1 penalty).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlp.activations import softmax
from mlp.figures.playground.config import FEATURES, PlaygroundConfig, compute_features
from mlp.figures.playground.data import DATA_SETTINGS, grid_points, make_playground_data
from mlp.figures.playground.presets import as_config
from mlp.network import MLP
from mlp.train import evaluate, train_step

Array = np.ndarray

__all__ = ["Playground", "PlaygroundHistory", "Snapshot", "l1_penalty", "l1_proximal_step"]

_CHUNK = 2048  # grid rows per forward pass (see Playground.layer_outputs)


# ---- the L1 penalty, in one place -----------------------------------------------------------


def l1_penalty(net: MLP, rate: float) -> float:
    """The L1 penalty ``rate * sum_l sum |W^(l)|`` of a network (biases excluded)."""
    return rate * sum(float(np.abs(W).sum()) for W, _ in net.params()) if rate else 0.0


def l1_proximal_step(net: MLP, lr: float, rate: float) -> None:
    """Apply the L1 penalty after a gradient step: move each weight ``lr * rate`` toward 0.

    ``W <- sign(W) * max(|W| - lr * rate, 0)``: the proximal step of ``rate * sum |W|``. A
    weight closer to zero than ``lr * rate`` becomes exactly zero instead of crossing it (the
    TensorFlow Playground does the same). The move is added to ``W_bar`` divided by ``lr``, so
    that the whole step still moved every weight by ``-lr * W_bar``.

    Examples
    --------
    >>> net = MLP.from_params([(np.array([[0.5, 0.05, -2.0]]), np.zeros(1))], ["identity"])
    >>> net.linears[0].W_bar = np.zeros((1, 3))
    >>> l1_proximal_step(net, lr=0.1, rate=1.0)
    >>> net.params()[0][0]
    array([[ 0.4,  0. , -1.9]])
    >>> net.grads()[0][0]
    array([[ 1. ,  0.5, -1. ]])
    """
    for lin in net.linears:
        shrunk = np.sign(lin.W) * np.maximum(np.abs(lin.W) - lr * rate, 0.0)
        lin.W_bar += (lin.W - shrunk) / lr
        lin.W[...] = shrunk


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
        """An independent copy."""
        return copy.deepcopy(self)


@dataclass
class Snapshot:
    """The state after some epochs: parameters, history, minibatch order (see ``restore``)."""

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
        A :class:`~mlp.figures.playground.config.PlaygroundConfig`, a share string, a preset
        key, or ``None`` (defaults).
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
        self.config = as_config(config, **changes)
        self._grid_cache: dict[int, Array] = {}
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
        self._order_rng = np.random.default_rng([c.seed, 1])
        self._order = self._order_rng.permutation(len(self.t_train))
        self._pos = self.step_count = self.epoch = 0
        self.last_batch: Array | None = None
        self.last_grads: list[tuple[Array, Array]] | None = None
        self.last_loss: float | None = None
        self.history = PlaygroundHistory()
        self._record()

    def set_config(self, config: PlaygroundConfig | str | None = None, **changes: Any) -> None:
        """Switch to another configuration and reset (new data only if the data changed)."""
        new = as_config(config if config is not None else self.config, **changes)
        same_data = all(getattr(new, k) == getattr(self.config, k) for k in DATA_SETTINGS)
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
        With L1, :func:`l1_proximal_step` completes the step. ``last_batch`` and
        ``last_grads`` describe this step afterwards.
        """
        c = self.config
        idx = self._order[self._pos : self._pos + c.batch_size]
        l1 = c.reg_rate if c.regularization == "L1" else 0.0
        l2 = c.reg_rate if c.regularization == "L2" else 0.0
        penalty = l1_penalty(self.net, l1)  # before the update, as train_step's own loss
        loss = train_step(self.net, self.F_train[idx], self.t_train[idx], c.loss, c.lr, l2)
        if l1:
            l1_proximal_step(self.net, c.lr, l1)
        self.last_batch = idx
        self.last_grads = [(W_bar.copy(), b_bar.copy()) for W_bar, b_bar in self.net.grads()]
        self.last_loss = float(loss + penalty)
        self.step_count += 1
        self._pos += c.batch_size
        if self._pos >= len(self.t_train):
            self.epoch += 1
            self._order = self._order_rng.permutation(len(self.t_train))
            self._pos = 0
            self._record()
        return self.last_loss

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
        (tr_loss, tr_acc), (te_loss, te_acc) = self.evaluate("train"), self.evaluate("test")
        h.epoch.append(self.epoch)
        h.step.append(self.step_count)
        h.train_loss.append(tr_loss)
        h.test_loss.append(te_loss)
        h.train_accuracy.append(tr_acc)
        h.test_accuracy.append(te_acc)

    # ---- measuring --------------------------------------------------------------------
    def evaluate(self, split: str = "train") -> tuple[float, float]:
        """Data loss and accuracy on ``"train"`` or ``"test"`` (with :func:`mlp.train.evaluate`)."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        F, t = (self.F_train, self.t_train) if split == "train" else (self.F_test, self.t_test)
        loss, acc = evaluate(self.net, F, t, self.config.loss)
        return float(loss), float(acc)

    def accuracy(self, split: str = "train") -> float:
        """Fraction of correctly classified points of ``"train"`` or ``"test"``."""
        return self.evaluate(split)[1]

    def layer_outputs(self, F: Array, *, last_only: bool = False) -> list[Array]:
        """Every layer's activations ``[h^(1), ..., y]`` at inputs ``F``, by ``MLP.forward``.

        The rows go through :meth:`mlp.network.MLP.forward` in chunks, and each layer's
        output is read from its :class:`~mlp.layers.Activation` (its ``h``); with
        ``last_only`` the list holds only the output ``y``. Small chunks keep each matrix
        product small: OpenBLAS runs those on one thread, which on a busy machine is far
        faster. A diverged network's overflow is clipped to huge finite values, so that it
        can still be drawn.
        """
        acts = self.net.layers[-1:] if last_only else self.net.layers[1::2]
        chunks = []
        with np.errstate(over="ignore", invalid="ignore"):
            for s in range(0, F.shape[0], _CHUNK):
                self.net.forward(F[s : s + _CHUNK])
                chunks.append([a.h for a in acts])
        outs = [np.concatenate(layer) for layer in zip(*chunks, strict=True)]
        return [np.nan_to_num(h, nan=0.0, posinf=1e300, neginf=-1e300) for h in outs]

    def to_probability(self, y: Array) -> Array:
        """The probability of class 1 (blue) from the network's outputs ``y`` ``(B, n_out)``.

        The sigmoid output itself, or the softmax (:func:`mlp.activations.softmax`) of the
        two logits.
        """
        if self.config.loss == "squared_error":
            return np.clip(y[:, 0], 0.0, 1.0)
        return softmax(y)[:, 1]

    def probability(self, X: object) -> Array:
        """The network's probability of class 1 (blue) at points ``X`` ``(B, 2)``."""
        return self.to_probability(self.layer_outputs(self.features(X), last_only=True)[0])

    def features(self, X: object) -> Array:
        """The network's input at points ``X`` ``(B, 2)``: the configuration's features."""
        return compute_features(X, self.config.features)

    def grid_features(self, resolution: int) -> Array:
        """:meth:`features` of :func:`~mlp.figures.playground.data.grid_points`, cached."""
        if resolution not in self._grid_cache:
            self._grid_cache[resolution] = self.features(grid_points(resolution))
        return self._grid_cache[resolution]

    def decision_map(self, resolution: int = 100) -> Array:
        """Probability of class 1 over a grid of the box, shape ``(resolution, resolution)``.

        Row 0 is the top edge (``x2 = +6``), column 0 the left edge (``x1 = -6``); the
        Playground draws its output at resolution 100.
        """
        y = self.layer_outputs(self.grid_features(resolution), last_only=True)[0]
        return self.to_probability(y).reshape(resolution, resolution)

    def hidden_maps(self, resolution: int = 10) -> list[Array]:
        """Every unit's output over a grid of the box, layer by layer.

        Returns a list: entry 0 holds the input features ``(F, r, r)``, entry ``l`` the
        activations ``h^(l)`` of hidden layer ``l`` ``(N_l, r, r)``; the last entry is the
        output layer (``(1, r, r)`` or ``(2, r, r)``). The Playground draws these small maps
        at resolution 10.
        """
        F, r = self.grid_features(resolution), resolution
        return [h.T.reshape(-1, r, r) for h in [F, *self.layer_outputs(F)]]

    # ---- showing the network ------------------------------------------------------------
    def describe(self, precision: int = 3) -> str:
        """The trained network printed as the :class:`~mlp.network.MLP` it is (its weights)."""
        c = self.config
        head = (
            f"inputs: {', '.join(FEATURES[f].label for f in c.features)}  "
            f"(features {', '.join(c.features)})\n"
            f"trained {self.epoch} epochs ({self.step_count} minibatch steps) from config\n"
            f"  {c.to_string()}\n"
        )
        return head + self.net.describe(precision=precision)

    def network_code(self, name: str = "net") -> str:
        """Python source that rebuilds the trained network exactly, with its features.

        The code defines ``name`` (an :class:`~mlp.network.MLP` with bit-identical parameters,
        via :meth:`~mlp.network.MLP.to_code`) and ``features(X)``, which maps points ``(B, 2)``
        to the network's input, written with each feature's own expression;
        ``name.forward(features(X))`` is the trained network's output.
        """
        c = self.config
        cols = ", ".join(FEATURES[f].expr for f in c.features)
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
        """The current parameters, history and minibatch order (copies)."""
        params = [(W.copy(), b.copy()) for W, b in self.net.params()]
        order_state = copy.deepcopy(self._order_rng.bit_generator.state)
        h, order = self.history.copy(), self._order.copy()
        return Snapshot(self.epoch, self.step_count, params, h, order_state, order, self._pos)

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

    def run(self, epochs: Sequence[int]) -> list[Snapshot]:
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
