"""Convolution and pooling layers, and one training step of a small CNN, float32.

`conv`: forward+backward of Conv2d(16, 32, 3, padding=1) on (64, 16, 28, 28) and of
MaxPool2d(2) on its output (64, 32, 28, 28), each against the same computation written by
hand in NumPy (the floor) and against PyTorch. `cnn`: one Adam step of the examples' CNN
on 64 digits (8 x 8) against PyTorch.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import autograd_lite as al
import nn
import optim

from .timing import Row, measure

# -- the floors: forward and backward by hand ---------------------------------------------


class NumpyConv3x3:
    """A 3x3, stride-1, padding-1 convolution's forward and all three gradients: im2col
    channels-major (C*9, N*H*W), one matrix product for the output and one for the
    weight gradient; the input gradient's columns by batch chunks, each added into the
    nine shifted windows (the fastest of the layouts and orders tried)."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray) -> None:
        self.weight, self.bias = weight, bias

    def step(self, x: np.ndarray, g: np.ndarray) -> tuple:
        n, c, h, w = x.shape
        o = self.weight.shape[0]
        padded = np.zeros((c, n, h + 2, w + 2), dtype=x.dtype)
        padded[:, :, 1:-1, 1:-1] = x.transpose(1, 0, 2, 3)
        cols = sliding_window_view(padded, (3, 3), axis=(2, 3)).transpose(0, 4, 5, 1, 2, 3).reshape(c * 9, -1)
        y = (self.weight.reshape(o, -1) @ cols).reshape(o, n, h, w).transpose(1, 0, 2, 3)
        y = y + self.bias.reshape(1, o, 1, 1)
        grad = np.ascontiguousarray(g.transpose(1, 0, 2, 3)).reshape(o, -1)
        grad_w = (cols @ grad.T).T.reshape(self.weight.shape)  # faster than grad @ cols.T
        grad_b = grad.sum(axis=1)
        grad_padded = np.zeros_like(padded)
        # The columns' gradient in batch chunks of ~4 MB, added into the nine shifted
        # windows while it is still in cache.
        chunk = max(1, (4 << 20) // (c * 9 * h * w * x.itemsize))
        grad_by_image = grad.reshape(o, n, h * w)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            part = self.weight.reshape(o, -1).T @ grad_by_image[:, start:stop].reshape(o, -1)
            part = part.reshape(c, 3, 3, stop - start, h, w)
            for i in range(3):
                for j in range(3):
                    grad_padded[:, start:stop, i : i + h, j : j + w] += part[:, i, j]
        grad_x = np.ascontiguousarray(grad_padded[:, :, 1:-1, 1:-1].transpose(1, 0, 2, 3))
        return y, grad_x, grad_w, grad_b


def numpy_max_pool_2x2(x: np.ndarray, g: np.ndarray) -> tuple:
    """2x2 max pooling (even H, W, no NaN) and its input gradient: the first maximum of
    each window gets the gradient, as PyTorch's. The four taps are strided views; the
    picked tap is a running maximum of tap * (tap beat the running maximum)."""
    taps = [x[..., i::2, j::2] for i in range(2) for j in range(2)]
    best = taps[0].copy()
    picked = np.zeros(best.shape, dtype=np.int8)
    for tap in range(1, 4):
        beat = taps[tap] > best
        np.maximum(best, taps[tap], out=best)
        np.maximum(picked, beat * np.int8(tap), out=picked)
    grad_x = np.empty_like(x)
    for tap in range(4):
        i, j = divmod(tap, 2)
        np.multiply(g, picked == tap, out=grad_x[..., i::2, j::2])
    return best, grad_x


# -- the engine and PyTorch ----------------------------------------------------------------


def _engine_layer_step(layer: nn.Module, x: al.Tensor, g: al.Tensor):
    params = list(layer.parameters())

    def step():
        for p in params:
            p.grad = None
        x.grad = None
        layer(x).backward(g)
        return x.grad

    return step


def _torch_layer_step(layer, x: np.ndarray, g: np.ndarray):
    import torch

    tx = torch.from_numpy(x).requires_grad_(True)
    tg = torch.from_numpy(g)

    def step():
        layer.zero_grad(set_to_none=True)
        tx.grad = None
        layer(tx).backward(tg)

    return step


def _check_close(name: str, ours: np.ndarray, floor: np.ndarray) -> None:
    scale = float(np.abs(floor).max()) or 1.0
    if ours.dtype != np.float32 or np.abs(ours - floor).max() > 1e-5 * scale:
        raise AssertionError(
            f"{name}: the engine's result differs from the NumPy floor's (or is not float32)"
        )


def conv_rows(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    batch, channels, size, out_channels = (4, 4, 12, 8) if quick else (64, 16, 28, 28)
    out_channels = 8 if quick else 32
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, channels, size, size), dtype=np.float32)
    g = rng.standard_normal((batch, out_channels, size, size), dtype=np.float32)
    layer = nn.Conv2d(channels, out_channels, 3, padding=1)
    floor = NumpyConv3x3(layer.weight.numpy().copy(), layer.bias.numpy().copy())
    x_tensor, g_tensor = al.tensor(x, requires_grad=True), al.tensor(g)
    engine_step = _engine_layer_step(layer, x_tensor, g_tensor)
    _check_close("Conv2d input gradient", engine_step().numpy(), floor.step(x, g)[1])
    candidates = {"engine": engine_step, "floor": lambda: floor.step(x, g)}
    if torch_ok:
        import torch

        torch_layer = torch.nn.Conv2d(channels, out_channels, 3, padding=1)
        candidates["torch"] = _torch_layer_step(torch_layer, x, g)
    times = measure(candidates, repeats)
    name = f"Conv2d({channels}, {out_channels}, 3, padding=1) fwd+bwd, {x.shape}"
    conv = Row(name, times["engine"], times["floor"], times.get("torch"), unit="ms", target="<= 1.20x")
    conv.met = conv.ratio <= 1.2

    pooled_input = rng.standard_normal((batch, out_channels, size, size), dtype=np.float32)
    pooled_grad = rng.standard_normal((batch, out_channels, size // 2, size // 2), dtype=np.float32)
    pool = nn.MaxPool2d(2)
    p_tensor = al.tensor(pooled_input, requires_grad=True)
    pool_step = _engine_layer_step(pool, p_tensor, al.tensor(pooled_grad))
    _check_close(
        "MaxPool2d input gradient", pool_step().numpy(), numpy_max_pool_2x2(pooled_input, pooled_grad)[1]
    )
    candidates = {"engine": pool_step, "floor": lambda: numpy_max_pool_2x2(pooled_input, pooled_grad)}
    if torch_ok:
        import torch

        candidates["torch"] = _torch_layer_step(torch.nn.MaxPool2d(2), pooled_input, pooled_grad)
    times = measure(candidates, repeats)
    name = f"MaxPool2d(2) fwd+bwd, {pooled_input.shape}"
    pool = Row(name, times["engine"], times["floor"], times.get("torch"), unit="ms")
    return [_versus_torch(conv), _versus_torch(pool)]


# -- one training step of the examples' CNN ----------------------------------------------


def digits_cnn(module: object) -> object:
    """The examples' CNN on (N, 1, 8, 8) digits, built from `module` (nn or torch.nn)."""
    return module.Sequential(
        module.Conv2d(1, 16, 3, padding=1), module.BatchNorm2d(16), module.ReLU(), module.MaxPool2d(2),
        module.Conv2d(16, 32, 3, padding=1), module.BatchNorm2d(32), module.ReLU(), module.MaxPool2d(2),
        module.Flatten(), module.Linear(32 * 2 * 2, 10),
    )  # fmt: skip


def _engine_cnn_step(x: np.ndarray, labels: np.ndarray):
    al.manual_seed(0)
    model = digits_cnn(nn)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    x_tensor = al.tensor(x)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x_tensor), labels)
        loss.backward()
        optimizer.step()
        return loss

    return model, step


def _torch_cnn_step(state: dict, x: np.ndarray, labels: np.ndarray):
    import torch

    model = digits_cnn(torch.nn)
    model.load_state_dict({key: torch.from_numpy(np.array(value)) for key, value in state.items()})
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    tx, tlabels = torch.from_numpy(x), torch.from_numpy(labels)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(tx), tlabels)
        loss.backward()
        optimizer.step()
        return loss

    return step


def cnn_rows(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    batch = 8 if quick else 64
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (batch, 1, 8, 8)).astype(np.float32)
    labels = rng.integers(0, 10, batch)
    model, engine_step = _engine_cnn_step(x, labels)
    candidates = {"engine": engine_step}
    if torch_ok:
        torch_step = _torch_cnn_step(model.state_dict(), x, labels)
        first, reference = engine_step().item(), torch_step().item()
        if not np.isclose(first, reference, rtol=1e-4):
            raise AssertionError(f"CNN step: the engine's loss {first} differs from PyTorch's {reference}")
        candidates["torch"] = torch_step
    times = measure(candidates, repeats)
    row = Row(
        f"CNN Adam step (digits CNN), batch {batch}", times["engine"], None, times.get("torch"), unit="ms"
    )
    return [_versus_torch(row)]


def _versus_torch(row: Row) -> Row:
    if row.torch:
        row.note = f"{row.engine / row.torch:.2f}x PyTorch's time"
    return row
