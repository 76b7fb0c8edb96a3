"""`pad`, as PyTorch's F.pad: constant padding (negative widths crop) is one op whose
derivative is itself with the widths negated; reflect, replicate and circular padding
pick input positions along each padded axis (index_select, whose derivative adds back)."""

# `input` is PyTorch's argument name; keeping it lets calls by keyword port unchanged.
# ruff: noqa: A001, A002

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import Tensor, as_tensor, index_select
from autograd_lite.function import Op

MODES = ("constant", "reflect", "replicate", "circular")


def _constant_pad(x: np.ndarray, widths: tuple, value: float) -> np.ndarray:
    """x padded by (before, after) per axis; negative widths cut instead."""
    crop = tuple(
        slice(max(-before, 0), size - max(-after, 0)) for (before, after), size in zip(widths, x.shape)
    )
    grow = [(max(before, 0), max(after, 0)) for before, after in widths]
    return np.pad(x[crop], grow, mode="constant", constant_values=value)


class ConstantPad(Op):
    """y = x with `value` around it (negative widths crop);  d/dx = grad cropped back (the same
    op with the widths negated)"""

    __slots__ = ("widths",)
    name = "pad"

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.widths = widths
        return _constant_pad(x, widths, value)

    @staticmethod
    def backward(ctx, grad):
        undo = tuple((-before, -after) for before, after in ctx.widths)
        if isinstance(grad, Tensor):
            return ConstantPad.apply(grad, widths=undo, value=0)
        return _constant_pad(grad, undo, 0)


def _source_positions(mode: str, size: int, before: int, after: int) -> np.ndarray:
    """For each output position along one axis, the input position it copies."""
    positions = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    if mode == "circular":
        return positions % size
    period = 2 * (size - 1)  # reflect: mirror about the first and the last element
    folded = np.abs(positions) % period if period else np.zeros_like(positions)
    return np.where(folded < size, folded, period - folded)


def _widths(pad: Any, ndim: int) -> tuple:
    """PyTorch's flat pad tuple (last dimension first) as (before, after) per axis."""
    if (
        not isinstance(pad, (tuple, list))
        or len(pad) % 2
        or any(isinstance(p, bool) or not isinstance(p, (int, np.integer)) for p in pad)
    ):
        raise ValueError(f"pad: pad must be a tuple of an even number of ints, got {pad!r}")
    if len(pad) // 2 > ndim:
        raise ValueError(f"pad: {len(pad)} pad values are more than 2 per dimension of an input with {ndim}")
    pairs = [(0, 0)] * (ndim - len(pad) // 2)
    pairs += [(int(pad[2 * k]), int(pad[2 * k + 1])) for k in reversed(range(len(pad) // 2))]
    return tuple(pairs)


def _check_mode(mode: str, shape: tuple, widths: tuple) -> None:
    for axis, ((before, after), size) in enumerate(zip(widths, shape)):
        if not (before or after):
            continue
        if before < 0 or after < 0:
            raise ValueError(f"pad: negative padding is only supported by mode='constant', got {widths}")
        limit = size - 1 if mode == "reflect" else size
        if (mode != "replicate" and max(before, after) > limit) or size == 0:
            raise ValueError(
                f"pad: {mode} padding of ({before}, {after}) on dimension {axis} needs it to be larger "
                f"than the padding, got input of shape {shape}"
            )


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad `input` as PyTorch's F.pad: `pad` lists (before, after) widths starting from the
    last dimension; mode "constant" (with `value`, default 0; negative widths crop),
    "reflect", "replicate" or "circular".

    >>> import autograd_lite as al, nn.functional as F
    >>> F.pad(al.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect").tolist()
    [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
    """
    input = as_tensor(input)
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {MODES}, got {mode!r}")
    widths = _widths(pad, input.ndim)
    if mode == "constant":
        for (before, after), size in zip(widths, input.shape):
            if size + before + after < 0:
                raise ValueError(f"pad: widths {tuple(pad)} crop more than the input {input.shape} has")
        return ConstantPad.apply(input, widths=widths, value=0 if value is None else value)
    if value:
        raise ValueError(f"pad: value={value!r} is only used by mode='constant', not {mode!r}")
    _check_mode(mode, input.shape, widths)
    out = input
    for axis, ((before, after), size) in enumerate(zip(widths, input.shape)):
        if before or after:
            out = index_select(out, axis, _source_positions(mode, size, before, after))
    return out
