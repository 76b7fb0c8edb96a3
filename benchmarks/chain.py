"""Per-op overhead: a chain of small elementwise ops, forward and backward.

One link of the chain is four ops, `y = tanh(y * w + b) * 0.5`, with `w` and `b`
shared leaves that require grad (so their gradients accumulate over the chain).
The floor runs the same forward and the derivative by hand.
"""

from __future__ import annotations

from functools import partial

import numpy as np

import autograd_lite as al

from .timing import Row, measure

OPS_PER_LINK = 4


def _leaves(shape: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    # np.asarray: for shape () NumPy returns scalars, and the leaves must be 0-d arrays.
    x = np.asarray(rng.standard_normal(shape), dtype=np.float32)
    w = np.asarray(1 + 0.01 * rng.standard_normal(shape), dtype=np.float32)
    b = np.asarray(0.01 * rng.standard_normal(shape), dtype=np.float32)
    return x, w, b


def engine_forward(x: al.Tensor, w: al.Tensor, b: al.Tensor, links: int) -> al.Tensor:
    y = x
    for _ in range(links):
        y = (y * w + b).tanh() * 0.5
    return y.sum()


def engine_step(x: al.Tensor, w: al.Tensor, b: al.Tensor, links: int) -> None:
    engine_forward(x, w, b, links).backward()
    x.grad = w.grad = b.grad = None


def numpy_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, links: int) -> tuple:
    inputs, outputs = [], []
    y = x
    for _ in range(links):
        inputs.append(y)
        y = np.tanh(y * w + b)
        outputs.append(y)
        y = y * 0.5
    return y.sum(), inputs, outputs


def numpy_step(x: np.ndarray, w: np.ndarray, b: np.ndarray, links: int) -> tuple:
    _, inputs, outputs = numpy_forward(x, w, b, links)
    grad = np.ones_like(x)
    grad_w, grad_b = np.zeros_like(w), np.zeros_like(b)
    for y, out in zip(reversed(inputs), reversed(outputs)):
        grad = grad * 0.5
        grad = grad * (1 - out * out)
        grad_b += grad
        grad_w += grad * y
        grad = grad * w
    return grad, grad_w, grad_b


def _torch_fns(x: np.ndarray, w: np.ndarray, b: np.ndarray, links: int):
    import torch

    tx, tw, tb = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))

    def forward():
        y = tx
        for _ in range(links):
            y = torch.tanh(y * tw + tb) * 0.5
        return y.sum()

    def step():
        forward().backward()
        tx.grad = tw.grad = tb.grad = None

    return forward, step


def run(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    n_ops = 40 if quick else 1000
    links = n_ops // OPS_PER_LINK
    rows = []
    for shape in ((), (16,), (1000,)):
        x, w, b = _leaves(shape)
        tx, tw, tb = (al.tensor(a, requires_grad=True) for a in (x, w, b))
        forward = {
            "engine": partial(engine_forward, tx, tw, tb, links),
            "floor": partial(numpy_forward, x, w, b, links),
        }
        step = {
            "engine": partial(engine_step, tx, tw, tb, links),
            "floor": partial(numpy_step, x, w, b, links),
        }
        if torch_ok:
            forward["torch"], step["torch"] = _torch_fns(x, w, b, links)
        forward_times = measure(forward, repeats)
        step_times = measure(step, repeats)
        per_op = {name: value / n_ops for name, value in step_times.items()}
        per_op_forward = {name: value / n_ops for name, value in forward_times.items()}
        label = f"elementwise chain {shape}, {n_ops} ops"
        rows.append(
            Row(f"{label}: forward, per op", per_op_forward["engine"], per_op_forward["floor"],
                per_op_forward.get("torch"), unit="us")
        )  # fmt: skip
        row = Row(
            f"{label}: forward+backward, per op",
            per_op["engine"],
            per_op["floor"],
            per_op.get("torch"),
            unit="us",
        )
        if shape == (16,):
            row.target = "<= 3 us/op"
            row.met = row.engine <= 3e-6
        rows.append(row)
    return rows
