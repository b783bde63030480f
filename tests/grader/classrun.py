"""Submissions of exercise 4 written as students would, for the after-the-run tests.

``ana``, ``ben`` and ``cai`` solve it independently in three styles (matrix products, einsum,
a loop over examples); ``pat`` copied ``ana``'s code, renamed every variable and argument,
swapped the order of the definitions and moved the cells; ``dee`` and ``eve`` submit the
released notebook untouched; ``fay`` forgets sigma'(z) and ``gus`` forgets to divide by B
(honest wrong answers the grader recognises).
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "04-backprop-mlp"
SEED = 11

ANA = (
    """def forward(X, W1, b1, W2, b2):
    Z = X @ W1.T + b1
    H = sigmoid(Z)
    Y = H @ W2.T + b2
    return Z, H, Y


def squared_error(Y, T):
    return 0.5 * np.sum((Y - T) ** 2) / Y.shape[0]
""",
    """def backward(X, T, W1, b1, W2, b2):
    Z, Hid, Y = forward(X, W1, b1, W2, b2)
    Y_bar = (Y - T) / X.shape[0]
    W2_bar = Y_bar.T @ Hid
    b2_bar = Y_bar.sum(axis=0)
    H_bar = Y_bar @ W2
    Z_bar = H_bar * sigmoid_prime(Z)
    W1_bar = Z_bar.T @ X
    b1_bar = Z_bar.sum(axis=0)
    return W1_bar, b1_bar, W2_bar, b2_bar
""",
)
PAT = (
    """def squared_error(out, target):
    return 0.5 * np.sum((out - target) ** 2) / out.shape[0]


def forward(inputs, Wa, ba, Wb, bb):
    pre = inputs @ Wa.T + ba
    act = sigmoid(pre)
    out = act @ Wb.T + bb
    return pre, act, out
""",
    """def backward(inputs, target, Wa, ba, Wb, bb):
    pre, act, out = forward(inputs, Wa, ba, Wb, bb)
    d_out = (out - target) / inputs.shape[0]
    g_Wb = d_out.T @ act
    g_bb = d_out.sum(axis=0)
    d_act = d_out @ Wb
    d_pre = d_act * sigmoid_prime(pre)
    g_Wa = d_pre.T @ inputs
    g_ba = d_pre.sum(axis=0)
    return g_Wa, g_ba, g_Wb, g_bb
""",
)
BEN = (
    """def forward(X, W1, b1, W2, b2):
    z = np.dot(X, W1.T)
    z = z + b1[None, :]
    h = 1.0 / (1.0 + np.exp(-z))
    y = np.dot(h, W2.T) + b2[None, :]
    return z, h, y


def squared_error(Y, T):
    diff = Y - T
    per_example = 0.5 * (diff * diff).sum(axis=1)
    return float(per_example.mean())
""",
    """def backward(X, T, W1, b1, W2, b2):
    batch = len(X)
    z, h, y = forward(X, W1, b1, W2, b2)
    dy = (y - T) / batch
    grad_W2 = np.einsum("bk,bh->kh", dy, h)
    grad_b2 = np.sum(dy, axis=0)
    dh = np.einsum("bk,kh->bh", dy, W2)
    dz = dh * h * (1.0 - h)
    grad_W1 = np.einsum("bh,bn->hn", dz, X)
    grad_b1 = np.sum(dz, axis=0)
    return grad_W1, grad_b1, grad_W2, grad_b2
""",
)
CAI = (
    """def forward(X, W1, b1, W2, b2):
    Z = []
    Hs = []
    Ys = []
    for x in X:
        z = W1 @ x + b1
        h = sigmoid(z)
        Z.append(z); Hs.append(h); Ys.append(W2 @ h + b2)
    return np.array(Z), np.array(Hs), np.array(Ys)


def squared_error(Y, T):
    total = 0.0
    for y, t in zip(Y, T):
        total += 0.5 * np.linalg.norm(y - t) ** 2
    return total / len(Y)
""",
    """def backward(X, T, W1, b1, W2, b2):
    n = X.shape[0]
    gW1 = np.zeros_like(W1); gb1 = np.zeros_like(b1)
    gW2 = np.zeros_like(W2); gb2 = np.zeros_like(b2)
    for x, t in zip(X, T):
        z = W1 @ x + b1
        h = sigmoid(z)
        y = W2 @ h + b2
        ybar = (y - t) / n
        gW2 += np.outer(ybar, h)
        gb2 += ybar
        zbar = (W2.T @ ybar) * sigmoid_prime(z)
        gW1 += np.outer(zbar, x)
        gb1 += zbar
    return gW1, gb1, gW2, gb2
""",
)
FAY = (  # forgets sigma'(z)
    """def forward(X, W1, b1, W2, b2):
    pre_hidden = np.matmul(X, np.transpose(W1)) + b1
    hidden = sigmoid(pre_hidden)
    return pre_hidden, hidden, np.matmul(hidden, np.transpose(W2)) + b2


def squared_error(Y, T):
    return np.mean(np.sum(np.square(Y - T), axis=1)) / 2
""",
    """def backward(X, T, W1, b1, W2, b2):
    pre_hidden, hidden, out = forward(X, W1, b1, W2, b2)
    err = (out - T) / len(T)
    dW2 = np.matmul(np.transpose(err), hidden)
    db2 = err.sum(0)
    back = np.matmul(err, W2)
    dW1 = np.matmul(np.transpose(back), X)
    db1 = back.sum(0)
    return dW1, db1, dW2, db2
""",
)
GUS = (  # forgets the 1/B of the mean
    """def forward(X, W1, b1, W2, b2):
    first = (W1.dot(X.T)).T + b1
    second = sigmoid(first)
    third = (W2.dot(second.T)).T + b2
    return first, second, third


def squared_error(Y, T):
    r = (Y - T).ravel()
    return 0.5 * r.dot(r) / len(Y)
""",
    """def backward(X, T, W1, b1, W2, b2):
    first, second, third = forward(X, W1, b1, W2, b2)
    g3 = third - T
    gW2 = g3.T.dot(second)
    gb2 = g3.sum(axis=0)
    g1 = g3.dot(W2) * second * (1 - second)
    return g1.T.dot(X), g1.sum(axis=0), gW2, gb2
""",
)
HONEST = ("ana", "ben", "cai", "fay", "gus")  # written independently


def notebook(q1: str | None, q2: str | None, *, swap: bool = False) -> nbformat.NotebookNode:
    """The released notebook with the two solution cells filled in (``swap`` moves them)."""
    nb = copy.deepcopy(nbformat.read(EXERCISE / "student.ipynb", as_version=4))
    ids = [c.get("id") for c in nb.cells]
    for cid, src in (("q1-solution", q1), ("q2-solution", q2)):
        if src is not None:
            nb.cells[ids.index(cid)].source = src
    if swap:
        i, j = ids.index("q1-solution"), ids.index("q2-solution")
        nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]
    return nb


def write_submissions(folder: Path) -> Path:
    """Write the class's notebooks into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    nbs = {
        "ana": notebook(*ANA),
        "pat": notebook(*PAT, swap=True),
        "ben": notebook(*BEN),
        "cai": notebook(*CAI),
        "dee": notebook(None, None),
        "eve": notebook(None, None),
        "fay": notebook(*FAY),
        "gus": notebook(*GUS),
    }
    for name, nb in nbs.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def grade(submissions: Path, out: Path) -> Path:
    """Grade ``submissions`` with the real grader's command line; return the --out folder."""
    cmd = [sys.executable, "-m", "autograde", "grade", "04", str(submissions), "--out", str(out),
           "--seed", str(SEED), "--jobs", "2", "--quiet"]  # fmt: skip
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return out
