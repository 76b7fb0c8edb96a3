"""Gradient utilities: clipping by global norm or by value, and per-parameter gradient norms."""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from autograd_lite import Tensor, declare_updates

from .module import Module

__all__ = ["clip_grad_norm_", "clip_grad_value_", "grad_norms"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [grad for p in parameters if (grad := p.grad) is not None]


def _raw_norm(array: np.ndarray, norm_type: float) -> float:
    flat = array.ravel()
    if norm_type == 2.0:
        return float(np.sqrt(np.dot(flat, flat)))
    return float(np.sum(np.abs(flat) ** norm_type) ** (1.0 / norm_type))


def _norm(array: np.ndarray, norm_type: float) -> float:
    if array.size == 0:
        return 0.0
    if norm_type == math.inf:
        return float(np.abs(array).max())
    with np.errstate(over="ignore"):
        value = _raw_norm(array, norm_type)
        if math.isinf(value) and np.isfinite(array).all():
            # The powers overflowed although every element is finite: scale first.
            scale = np.abs(array).max()
            value = float(scale) * _raw_norm(array / scale, norm_type)
    return value


def _combine(norms: list[float], norm_type: float) -> float:
    """The norm of the concatenation, from the norms of the parts (overflow-safe)."""
    if any(math.isnan(n) for n in norms):
        return math.nan
    largest = max(norms)
    if norm_type == math.inf or largest == 0.0 or math.isinf(largest):
        return largest
    return largest * math.fsum((n / largest) ** norm_type for n in norms) ** (1.0 / norm_type)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so that their joint norm is at most `max_norm`.

    The norm is taken over all gradients as if concatenated (`norm_type` 2 by default,
    `math.inf` for the max-abs norm). As PyTorch, gradients are multiplied by
    max_norm / (total_norm + 1e-6) when that is below 1. Returns the total norm before
    clipping as a 0-d Tensor. When the total norm is inf or nan the gradients are left
    as they are (scaling would turn finite entries into 0 or nan); pass
    `error_if_nonfinite=True` to get a RuntimeError instead.

    >>> import autograd_lite as al, nn
    >>> w = nn.Parameter([3.0, 4.0]); w.grad = al.tensor([3.0, 4.0])
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0).item()
    5.0
    >>> [round(v, 3) for v in w.grad.tolist()]
    [0.6, 0.8]
    """
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"norm_type must be positive, got {norm_type}")
    if not float(max_norm) >= 0:
        raise ValueError(f"max_norm must be non-negative, got {max_norm}")
    grads = _grads(parameters)
    if not grads:
        return Tensor(0.0)
    arrays = [g.numpy() for g in grads]
    total = _combine([_norm(array, norm_type) for array in arrays], norm_type)
    dtype = grads[0].dtype
    if not math.isfinite(total):
        if error_if_nonfinite:
            raise RuntimeError(
                f"the total norm of order {norm_type} of the gradients is {total}, so they cannot "
                "be clipped; set error_if_nonfinite=False to leave them unchanged"
            )
        return _total_tensor(total, dtype)
    coefficient = float(max_norm) / (total + 1e-6)
    if coefficient < 1.0:
        declare_updates(grads)
        for array in arrays:
            array *= coefficient
    return _total_tensor(total, dtype)


def _total_tensor(total: float, dtype: np.dtype) -> Tensor:
    # In the gradients' dtype, as PyTorch; a norm beyond float32's range reads inf.
    with np.errstate(over="ignore"):
        return Tensor(np.array(total, dtype=dtype))


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient element to [-clip_value, clip_value] in place.

    >>> import autograd_lite as al, nn
    >>> w = nn.Parameter([1.0, 1.0]); w.grad = al.tensor([-5.0, 0.5])
    >>> nn.utils.clip_grad_value_([w], 1.0); w.grad.tolist()
    [-1.0, 0.5]
    """
    clip_value = float(clip_value)
    if clip_value < 0:
        raise ValueError(f"clip_value must be non-negative, got {clip_value}")
    grads = _grads(parameters)
    arrays = [g.numpy() for g in grads]
    declare_updates(grads)
    for array in arrays:
        np.clip(array, -clip_value, clip_value, out=array)


def grad_norms(module: Module) -> dict[str, float | None]:
    """Name -> L2 norm of each parameter's gradient, in `named_parameters()` order.

    A parameter without a gradient (`.grad is None`, e.g. unused in the last forward
    or frozen) maps to None, so it still shows up. Norms near 0 in the first layers
    point to vanishing gradients; very large ones to exploding gradients.

    >>> import autograd_lite as al, nn
    >>> layer = nn.Linear(2, 1)
    >>> layer(al.ones((1, 2))).sum().backward()
    >>> sorted(nn.utils.grad_norms(layer))
    ['bias', 'weight']
    """
    return {
        name: None if param.grad is None else _norm(param.grad.numpy(), 2.0)
        for name, param in module.named_parameters()
    }
