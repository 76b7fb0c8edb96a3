"""Reductions that skip or count: count_nonzero, nansum, nanmean, the pairs std_mean and
var_mean, and median (over everything, or along one dim with its indices)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, normalize_axes, normalize_axis
from .gather import masked_fill
from .reduce import (
    TakeAlong,
    ValuesIndices,
    _check_not_empty,
    _correction,
    _grad_to_input,
    _reduced_axes,
    mean,
    std,
    sum,
    take_along,
    var,
)


def count_nonzero(x: Any, dim: Any = None) -> Tensor:
    """The number of nonzero elements over `dim` (None: all; an int or a tuple), int64.

    >>> import autograd_lite as al
    >>> al.count_nonzero(al.tensor([[0, 1], [2, 3]]), dim=0)
    tensor([1, 2])
    """
    x = as_tensor(x)
    axes = normalize_axes(dim, x._data.ndim, x._data.shape)
    return Tensor._make(np.asarray(np.count_nonzero(x._data, axis=axes), dtype=np.int64), None)


def _without_nan(x: Tensor) -> tuple[Tensor, np.ndarray]:
    """`x` with NaN replaced by 0 (their gradient is 0, as PyTorch's) and the mask of the rest."""
    kept = ~np.isnan(x._data)
    return masked_fill(x, ~kept, 0.0), kept


def nansum(x: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Sum over `dim` treating NaN as 0; NaN elements get gradient 0.

    >>> import autograd_lite as al
    >>> al.nansum(al.tensor([1.0, float("nan"), 2.0]))
    tensor(3.)
    """
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        return sum(x, dim, keepdim)
    return sum(_without_nan(x)[0], dim, keepdim)


def nanmean(x: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Mean over `dim` of the elements that are not NaN (a slice of NaN only gives NaN).

    >>> import autograd_lite as al
    >>> al.nanmean(al.tensor([1.0, float("nan"), 2.0]))
    tensor(1.5)
    """
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        raise TypeError(f"nanmean expects a floating-point tensor, got dtype {x.dtype}")
    filled, kept = _without_nan(x)
    axes = _reduced_axes(dim, x)
    count = kept.sum(axis=axes, keepdims=bool(keepdim)).astype(x._data.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 is NaN, as PyTorch
        return sum(filled, axes, keepdim) / count


def var_mean(
    x: Any, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *, correction: Any = None
) -> tuple[Tensor, Tensor]:
    """`(var(x, dim), mean(x, dim))` with `var`'s arguments (`correction=1` by default).

    >>> import autograd_lite as al
    >>> al.var_mean(al.tensor([1.0, 3.0]))
    (tensor(2.), tensor(2.))
    """
    dim, correction = _correction("var_mean", dim, unbiased, correction, None)
    return var(x, dim, keepdim=keepdim, correction=correction), mean(x, dim, keepdim)


def std_mean(
    x: Any, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *, correction: Any = None
) -> tuple[Tensor, Tensor]:
    """`(std(x, dim), mean(x, dim))` with `std`'s arguments (`correction=1` by default).

    >>> import autograd_lite as al
    >>> al.std_mean(al.tensor([1.0, 3.0]), correction=0)
    (tensor(1.), tensor(2.))
    """
    dim, correction = _correction("std_mean", dim, unbiased, correction, None)
    return std(x, dim, keepdim=keepdim, correction=correction), mean(x, dim, keepdim)


class Median(Op):
    """the lower median of all elements;  tied elements equal to it share the gradient"""

    __slots__ = ("shape",)
    name = "median"

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        flat = x.reshape(-1)
        if np.isnan(flat).any():
            out = np.asarray(np.nan, dtype=x.dtype)
            hits = np.isnan(x)
        else:
            out = np.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2]
            hits = x == out
        ctx.save_for_backward(hits.astype(x.dtype) / hits.sum())
        return np.asarray(out)

    @staticmethod
    def backward(ctx, grad):
        (shares,) = ctx.saved_tensors
        return _grad_to_input(grad, ctx.shape, tuple(range(len(ctx.shape))), False) * shares


class MedianDim(TakeAlong):
    """x.median(dim).values;  d/dx = grad at the returned index only"""

    __slots__ = ()
    name = "median"


def median(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median (of two middle values, the smaller), as PyTorch.

    - `x.median()`: a 0-d tensor; NaN if there is a NaN; elements equal to it share the gradient.
    - `x.median(dim, keepdim=False)`: the named pair `(values, indices)`; the gradient goes
      to the returned index.

    >>> import autograd_lite as al
    >>> al.tensor([3.0, 1.0, 4.0, 2.0]).median()
    tensor(2.)
    """
    x = as_tensor(x)
    if dim is None:
        _check_not_empty("median", x, tuple(range(x._data.ndim)))
        if x._data.dtype.kind != "f":
            flat = np.sort(x._data.reshape(-1))
            return Tensor._make(np.asarray(flat[(flat.size - 1) // 2]), None)
        return Median.apply(x)
    axis = normalize_axis(dim, x._data.ndim or 1, x.shape)
    _check_not_empty("median", x, (axis,) if x._data.ndim else ())
    data = x._data if x._data.ndim else x._data.reshape(1)
    # A stable sort puts NaN last; a slice with NaN has NaN (its first one) as median.
    order = np.argsort(data, axis=axis, kind="stable")
    middle = np.take(order, [(data.shape[axis] - 1) // 2], axis=axis)
    nan = np.isnan(data) if data.dtype.kind == "f" else np.zeros(data.shape, bool)
    has_nan = nan.any(axis=axis, keepdims=True)
    index = np.where(has_nan, np.expand_dims(np.argmax(nan, axis=axis), axis), middle).astype(np.int64)
    if x._data.dtype.kind == "f":
        values = take_along(MedianDim, x, index, axis, bool(keepdim))
    else:
        values = np.take_along_axis(data, index, axis)
        if not x._data.ndim or not keepdim:
            values = values.reshape(x._data.shape[:axis] + x._data.shape[axis + 1 :])
        values = Tensor._make(values, None)
    return ValuesIndices(values, Tensor._make(index.reshape(values.shape), None))


Tensor.count_nonzero = count_nonzero
Tensor.nansum = nansum
Tensor.nanmean = nanmean
Tensor.median = median
