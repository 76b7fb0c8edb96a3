"""Indexing `x[index]`: basic slices, integers, integer arrays (also lists, ranges and
integer Tensors) and boolean masks.

The derivative scatters the gradient back into zeros of the input's shape;
repeated integer indices accumulate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, cast


def _is_advanced(index: tuple) -> bool:
    return any(isinstance(i, np.ndarray) for i in index)


def scatter_add(grad: Any, index: tuple, shape: tuple) -> Any:
    """zeros(shape) with `grad` added at `index` (arrays, or Tensors under create_graph)."""
    if isinstance(grad, Tensor):
        return ScatterAdd.apply(grad, index, shape)
    out = np.zeros(shape, dtype=grad.dtype)
    if _is_advanced(index):
        np.add.at(out, index, grad)
    else:
        out[index] = grad  # basic indexing never selects an element twice
    return out


class Index(Op):
    """x[index];  d/dx = zeros with grad added at index (repeats accumulate)"""

    __slots__ = ("shape", "index")
    name = "index"

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return scatter_add(grad, ctx.index, ctx.shape), None


class ScatterAdd(Op):
    """zeros(shape) with grad added at index;  d/dgrad = grad_out[index]"""

    __slots__ = ("index",)
    name = "scatter_add"

    @staticmethod
    def forward(ctx, grad, index, shape):
        ctx.index = index
        return scatter_add(grad, index, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index], None, None


class IndexPut(Op):
    """x with x[index] = value;  d/dx = grad with zeros at index,  d/dvalue = grad[index]"""

    __slots__ = ("index",)
    name = "index_put"

    @staticmethod
    def forward(ctx, x, value, index):
        ctx.index = index
        out = x.copy()
        out[index] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return where_not_indexed(grad, ctx.index), grad[ctx.index], None


def where_not_indexed(grad: Any, index: tuple) -> Any:
    """`grad` with zeros at `index` (arrays, or Tensors under create_graph)."""
    if isinstance(grad, Tensor):
        mask = np.ones(grad.shape, dtype=bool)
        mask[index] = False
        return grad * mask
    kept = grad.copy()
    kept[index] = 0
    return kept


def index_put(x: Any, index: Any, value: Any) -> Tensor:
    """A copy of `x` with `x[index] = value` (broadcast), differentiable in both.

    >>> import autograd_lite as al
    >>> index_put(al.zeros(3), 1, 5.0)
    tensor([0., 5., 0.])
    """
    x = as_tensor(x)
    index = _normalize_index(index, x._data.shape)
    value = as_tensor(value)
    if value._data.dtype != x._data.dtype:
        value = cast(value, x._data.dtype)
    return IndexPut.apply(x, value, index)


def _normalize_index(index: Any, shape: tuple) -> tuple:
    """`index` as a tuple whose array parts are ndarrays (from Tensors, lists and ranges)."""
    if not isinstance(index, tuple):
        index = (index,)
    parts = []
    for part in index:
        if isinstance(part, Tensor):
            part = part._data
        if isinstance(part, np.ndarray):
            part = part.copy()  # the node keeps the index: later writes to it must not matter
        elif isinstance(part, (list, range)):
            part = np.asarray(part)
            if part.size == 0:
                part = part.astype(np.int64)
        if isinstance(part, np.ndarray):
            if part.dtype.kind not in "biu":
                raise IndexError(f"tensors used as indices must be integer or bool, got dtype {part.dtype}")
        elif not (part is None or part is Ellipsis or isinstance(part, (slice, int, np.integer))):
            raise IndexError(
                f"invalid index {part!r} of type {type(part).__name__}: use ints, slices, "
                "None, ..., integer arrays, lists, ranges or boolean masks"
            )
        parts.append(part)
    return tuple(parts)


def getitem(x: Any, index: Any) -> Tensor:
    """x[index] as NumPy, differentiable.

    >>> import autograd_lite as al
    >>> x = al.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> x[[0, 0, 2]].sum().backward(); x.grad
    tensor([2., 0., 1.])
    """
    x = as_tensor(x)
    index = _normalize_index(index, x._data.shape)
    try:
        return Index.apply(x, index)
    except IndexError as error:
        raise IndexError(f"{error} (indexing a tensor of shape {x.shape} with {index!r})") from None


Tensor.__getitem__ = getitem
