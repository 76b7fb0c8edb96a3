"""One SGD step of an MLP 784-256-128-10 (ReLU, softmax cross-entropy), float32.

The engine runs it with `nn` (Dense, ReLU, CrossEntropyLoss) and `optim.SGD`; the
floor is the same forward, backward and update written by hand in NumPy.
"""

from __future__ import annotations

from functools import partial

import numpy as np

import autograd_lite as al
import nn
import optim

from .timing import Row, measure

SIZES = (784, 256, 128, 10)
LEARNING_RATE = 0.01


def initial_weights(seed: int = 0) -> list[np.ndarray]:
    """(weight, bias) per layer, PyTorch's layout (out, in), float32."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        weights.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return weights


def batch(size: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((size, SIZES[0])).astype(np.float32)
    labels = rng.integers(0, SIZES[-1], size)
    return x, labels


# -- the floor: forward, backward and update by hand -----------------------------


class NumpyMLP:
    """The MLP with its gradients derived by hand: the least work NumPy can do."""

    def __init__(self, weights: list[np.ndarray]) -> None:
        self.params = [w.copy() for w in weights]

    def loss(self, x: np.ndarray, labels: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = self.params
        h1 = np.maximum(x @ w1.T + b1, 0)
        h2 = np.maximum(h1 @ w2.T + b2, 0)
        logits = h2 @ w3.T + b3
        return float(_cross_entropy(logits, labels)[0])

    def step(self, x: np.ndarray, labels: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = self.params
        z1 = x @ w1.T
        z1 += b1
        mask1 = z1 > 0
        h1 = np.maximum(z1, 0)
        z2 = h1 @ w2.T
        z2 += b2
        mask2 = z2 > 0
        h2 = np.maximum(z2, 0)
        logits = h2 @ w3.T
        logits += b3
        loss, probs = _cross_entropy(logits, labels)
        # d loss / d logits = (softmax - onehot) / N
        g3 = probs
        g3[np.arange(len(labels)), labels] -= 1
        g3 /= len(labels)
        gw3, gb3 = g3.T @ h2, g3.sum(axis=0)
        g2 = (g3 @ w3) * mask2
        gw2, gb2 = g2.T @ h1, g2.sum(axis=0)
        g1 = (g2 @ w2) * mask1
        gw1, gb1 = g1.T @ x, g1.sum(axis=0)
        for param, grad in zip(self.params, (gw1, gb1, gw2, gb2, gw3, gb3)):
            param -= LEARNING_RATE * grad
        return loss


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    log_probs = shifted - np.log(total)
    loss = -log_probs[np.arange(len(labels)), labels].mean()
    return loss, exp / total


# -- the engine ------------------------------------------------------------------


class EngineMLP:
    """The MLP on autograd_lite: nn.Sequential of Dense/ReLU, CrossEntropyLoss and SGD."""

    def __init__(self, weights: list[np.ndarray]) -> None:
        self.model = nn.Sequential(
            nn.Dense(SIZES[0], SIZES[1]), nn.ReLU(), nn.Dense(SIZES[1], SIZES[2]), nn.ReLU(),
            nn.Dense(SIZES[2], SIZES[3]),
        )  # fmt: skip
        params = list(self.model.parameters())
        for param, value in zip(params, weights):
            param.data = value.copy()
        self.criterion = nn.CrossEntropyLoss()
        self.optimizer = optim.SGD(params, lr=LEARNING_RATE)

    def _loss(self, x: al.Tensor, labels: np.ndarray) -> al.Tensor:
        return self.criterion(self.model(x), labels)

    def loss(self, x: np.ndarray, labels: np.ndarray) -> float:
        with al.no_grad():
            return self._loss(al.Tensor(x), labels).item()

    def step(self, x: al.Tensor, labels: np.ndarray) -> al.Tensor:
        self.optimizer.zero_grad()
        loss = self._loss(x, labels)
        loss.backward()
        self.optimizer.step()
        return loss


# -- PyTorch (optional column) ---------------------------------------------------


def _torch_step(weights: list[np.ndarray], x: np.ndarray, labels: np.ndarray):
    import torch

    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(), torch.nn.Linear(SIZES[1], SIZES[2]),
        torch.nn.ReLU(), torch.nn.Linear(SIZES[2], SIZES[3]),
    )  # fmt: skip
    with torch.no_grad():
        for param, value in zip(model.parameters(), weights):
            param.copy_(torch.from_numpy(value))
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    tx, tlabels = torch.from_numpy(x), torch.from_numpy(labels)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(tx), tlabels)
        loss.backward()
        optimizer.step()

    return step


def _check_float32(engine: EngineMLP, loss: al.Tensor) -> None:
    """float32 stays float32: the loss, every parameter and every gradient."""
    params = list(engine.model.parameters())
    dtypes = {loss.dtype} | {p.dtype for p in params} | {p.grad.dtype for p in params if p.grad is not None}
    if dtypes != {np.dtype(np.float32)}:
        raise AssertionError(f"MLP step in float32 produced dtypes {sorted(map(str, dtypes))}")


TARGETS = {32: 1.20, 128: 1.10, 1024: 1.05}


def run(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    batches = (8, 16) if quick else (32, 128, 1024)
    weights = initial_weights()
    rows = []
    for size in batches:
        x, labels = batch(size)
        engine, floor = EngineMLP(weights), NumpyMLP(weights)
        engine_loss, floor_loss = engine.loss(x, labels), floor.loss(x, labels)
        if not np.isclose(engine_loss, floor_loss, rtol=1e-5, atol=1e-6):
            raise AssertionError(
                f"MLP batch {size}: engine loss {engine_loss} differs from NumPy's {floor_loss}"
            )
        x_tensor = al.Tensor(x)
        _check_float32(engine, engine.step(x_tensor, labels))
        candidates = {
            "engine": partial(engine.step, x_tensor, labels),
            "floor": partial(floor.step, x, labels),
        }
        if torch_ok:
            candidates["torch"] = _torch_step(weights, x, labels)
        times = measure(candidates, repeats)
        target = TARGETS.get(size)
        row = Row(
            f"MLP SGD step, batch {size}",
            times["engine"],
            times["floor"],
            times.get("torch"),
            unit="ms",
            target=f"<= {target:.2f}x" if target else "",
        )
        if target:
            row.met = row.ratio <= target
        rows.append(row)
    return rows
