"""Ordering along one dimension: sort, argsort, topk (values with their indices) and the
running sum cumsum."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, cast, has_zero, normalize_axis
from .reduce import TakeAlong, ValuesIndices, take_along


class SortValues(TakeAlong):
    """x.sort(dim).values;  d/dx = grad put back at the sorted positions"""

    __slots__ = ()
    name = "sort"


class TopKValues(TakeAlong):
    """x.topk(k, dim).values;  d/dx = grad at the k chosen positions, 0 elsewhere"""

    __slots__ = ()
    name = "topk"


def _order(data: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable order along `axis` (ties keep their order, NaN counts as largest, as PyTorch)."""
    if not descending:
        return np.argsort(data, axis=axis, kind="stable")
    # Sorting the reversed data and reversing the order keeps ties in their first order.
    last = data.shape[axis] - 1
    return last - np.flip(np.argsort(np.flip(data, axis), axis=axis, kind="stable"), axis)


def _dim(name: str, x: Tensor, dim: Any, axis: Any) -> int:
    if axis is not None:
        if dim is not None:
            raise TypeError(
                f"{name}() got both dim={dim!r} and axis={axis!r}; axis is an alias of dim, give one"
            )
        dim = axis
    if dim is None:
        raise TypeError(f"{name}() missing the dimension: give dim=")
    return normalize_axis(dim, x._data.ndim or 1, x.shape)


def sort(
    x: Any, dim: Any = -1, descending: bool = False, *, stable: bool = False, axis: Any = None
) -> ValuesIndices:
    """Sort along `dim`: the named pair `(values, indices)`, as `torch.sort`.

    The order is always stable (ties keep their order, so `stable=` changes nothing); NaN
    sorts as the largest value. Values are differentiable, indices int64.

    >>> import autograd_lite as al
    >>> al.tensor([3.0, 1.0, 2.0]).sort(descending=True).indices
    tensor([0, 2, 1])
    """
    x = as_tensor(x)
    axis = _dim("sort", x, None if axis is not None else dim, axis)
    data = x._data if x._data.ndim else x._data.reshape(1)
    order = _order(data, axis, bool(descending))
    return _pair(SortValues, x, order, axis)


def _pair(op: type, x: Tensor, index: np.ndarray, axis: int) -> ValuesIndices:
    index = index.astype(np.int64, copy=False)
    if x._data.dtype.kind == "f":
        values = take_along(op, x, index, axis, True)
    else:
        data = x._data if x._data.ndim else x._data.reshape(1)
        values = np.take_along_axis(data, index, axis)
        values = Tensor._make(values if x._data.ndim else values.reshape(()), None)
    return ValuesIndices(values, Tensor._make(index.reshape(values.shape), None))


def argsort(
    x: Any, dim: Any = -1, descending: bool = False, *, stable: bool = False, axis: Any = None
) -> Tensor:
    """Indices that sort `x` along `dim` (int64, no gradient), as `torch.argsort`; stable.

    >>> import autograd_lite as al
    >>> al.tensor([[3.0, 1.0, 2.0]]).argsort(dim=1)
    tensor([[1, 2, 0]])
    """
    x = as_tensor(x)
    axis = _dim("argsort", x, None if axis is not None else dim, axis)
    data = x._data if x._data.ndim else x._data.reshape(1)
    order = _order(data, axis, bool(descending)).astype(np.int64, copy=False)
    return Tensor._make(order.reshape(x.shape), None)


def topk(
    x: Any,
    k: int,
    dim: Any = -1,
    largest: bool = True,
    sorted: bool = True,  # noqa: A002 - PyTorch's keyword
    *,
    axis: Any = None,
) -> ValuesIndices:
    """The `k` largest (`largest=False`: smallest) values along `dim` and their indices, as the
    named pair `(values, indices)` of `torch.topk`; always in sorted order.

    Ties are taken in their order along `dim` (PyTorch's choice among ties may differ).
    The gradient goes to the chosen positions.

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 5.0, 3.0]).topk(2)
    ValuesIndices(values=tensor([5., 3.]), indices=tensor([1, 2]))
    """
    x = as_tensor(x)
    axis = _dim("topk", x, None if axis is not None else dim, axis)
    size = x._data.shape[axis] if x._data.ndim else 1
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"topk(): k must be an int, got {type(k).__name__} {k!r}")
    if not 0 <= k <= size:
        raise ValueError(f"topk(): k={k} is out of range for dim {axis} of size {size} (shape {x.shape})")
    data = x._data if x._data.ndim else x._data.reshape(1)
    order = _order(data, axis, bool(largest))
    return _pair(TopKValues, x, np.take(order, np.arange(k), axis=axis), axis)


class CumSum(Op):
    """running sum along dim;  d/dx = reversed running sum of the reversed grad"""

    __slots__ = ("axis",)
    name = "cumsum"

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        # Indexing with a reversed slice and the cumsum method work on arrays and Tensors.
        reverse = (slice(None),) * ctx.axis + (slice(None, None, -1),)
        return grad[reverse].cumsum(axis=ctx.axis)[reverse]


def cumsum(x: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """Running sum along `dim` (required, as PyTorch); bool and integer data give int64.

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 2.0, 3.0]).cumsum(0)
    tensor([1., 3., 6.])
    """
    x = as_tensor(x)
    axis = _dim("cumsum", x, dim, axis)
    if x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = cast(x, np.dtype(np.int64))
    if not x._data.ndim:
        return CumSum.apply(x.reshape(1), axis=0).reshape(())
    return CumSum.apply(x, axis=axis)


Tensor.sort = sort
Tensor.argsort = argsort
Tensor.topk = topk
Tensor.cumsum = cumsum


class CumProd(Op):
    """running product along dim;  d/dx_i = sum over j >= i of grad_j * prod(x_k, k <= j, k != i)"""

    __slots__ = ("axis",)
    name = "cumprod"

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        out = np.cumprod(x, axis=axis)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axis = ctx.axis
        if not has_zero(x):
            # Without zeros, prod(x_k, k <= j, k != i) = out_j / x_i.
            reverse = (slice(None),) * axis + (slice(None, None, -1),)
            return (grad * out)[reverse].cumsum(axis=axis)[reverse] / x
        return _cumprod_grad_with_zeros(grad, x, axis)


def _cumprod_grad_with_zeros(grad: Any, x: Any, axis: int) -> Any:
    """The exact rule with a zero in the data: for each i, the running product of x with
    x_i replaced by 1 (an (..., n, n) table, so only taken when a zero is present)."""
    ndim = x.ndim
    last = tuple(d for d in range(ndim) if d != axis) + (axis,)
    x_last, grad_last = x.transpose(last), grad.transpose(last)
    n = x_last.shape[-1]
    eye = np.eye(n, dtype=bool)
    others = np.where(eye, 1.0, x_last[..., None, :]).cumprod(axis=-1)  # [..., i, j]
    later = np.triu(np.ones((n, n), dtype=bool))  # j >= i
    total = (grad_last[..., None, :] * others * later).sum(axis=-1)
    return total.transpose(tuple(np.argsort(last)))


def cumprod(x: Any, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running product along `dim` (required, as PyTorch); bool and integer data give int64.
    The gradient is exact with zeros in the input.

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 2.0, 3.0]).cumprod(0)
    tensor([1., 2., 6.])
    """
    x = as_tensor(x)
    axis = _dim("cumprod", x, dim, axis)
    if dtype is not None:
        x = cast(x, np.dtype(dtype))
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = cast(x, np.dtype(np.int64))
    if not x._data.ndim:
        return CumProd.apply(x.reshape(1), axis=0).reshape(())
    return CumProd.apply(x, axis=axis)


Tensor.cumprod = cumprod
