"""Backprop in mlp against PyTorch autograd, in float64, on random networks."""

import numpy as np
import pytest

from mlp.gradcheck import relative_error
from mlp.losses import LOSSES
from mlp.network import MLP

torch = pytest.importorskip("torch")

ACTS = ["sigmoid", "tanh", "relu", "identity"]
TORCH_ACTS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
}


def torch_grads(net, X, T, loss):
    params = [
        (torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
        for W, b in net.params()
    ]
    x = torch.tensor(X, requires_grad=True)
    h = x
    for (W, b), act in zip(params, net.activations, strict=True):
        h = TORCH_ACTS[act](h @ W.T + b)
    if loss == "cross_entropy":
        value = torch.nn.functional.cross_entropy(h, torch.tensor(T))
    else:
        value = 0.5 * ((h - torch.tensor(T)) ** 2).sum() / X.shape[0]
    value.backward()
    grads = [(W.grad.numpy(), b.grad.numpy()) for W, b in params]
    return float(value.detach()), grads, x.grad.numpy()


cases = [
    (depth, act, loss, seed)
    for seed, (depth, act, loss) in enumerate(
        (d, a, lo) for d in (1, 2, 3, 4) for a in ACTS for lo in ("squared_error", "cross_entropy")
    )
]


@pytest.mark.parametrize(("depth", "act", "loss", "seed"), cases)
def test_gradients_match_pytorch(depth, act, loss, seed):
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 9)) for _ in range(depth)] + [int(rng.integers(2, 6))]
    net = MLP(sizes, [act] * (depth - 1) + [rng.choice(["identity", act])], seed=seed)
    B = int(rng.integers(1, 8))
    X = rng.normal(size=(B, sizes[0]))
    K = sizes[-1]
    T = rng.integers(0, K, B) if loss == "cross_entropy" else rng.normal(size=(B, K))
    loss_fn, grad_fn = LOSSES[loss]
    y = net.forward(X)
    value = loss_fn(y, T)
    x_bar = net.backward(grad_fn(y, T))
    t_value, t_grads, t_xbar = torch_grads(net, X, T, loss)
    assert value == pytest.approx(t_value, rel=1e-12, abs=1e-14)
    for i, ((Wb, bb), (tW, tb)) in enumerate(zip(net.grads(), t_grads, strict=True), start=1):
        assert relative_error(Wb, tW, normwise=True) < 1e-10, f"W{i}"
        assert relative_error(bb, tb, normwise=True) < 1e-10, f"b{i}"
    assert relative_error(x_bar, t_xbar, normwise=True) < 1e-10
