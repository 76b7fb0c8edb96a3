"""Selection by index tensors and masks, as PyTorch: gather, index_select, masked_select,
masked_fill, nonzero, tril and triu.

gather, index_select and masked_select are indexing with a computed index, so their
derivative is `Index`'s (a scatter-add of the gradient).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, cast, normalize_axis
from .indexing import Index


def _index_array(index: Any, name: str) -> np.ndarray:
    """An integer index (Tensor, array, list or range) as a private int64 array."""
    array = index._data if isinstance(index, Tensor) else np.asarray(index)
    if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
        raise TypeError(f"{name}: the index must hold integers, got dtype {array.dtype}")
    return array.astype(np.int64)  # a copy: later writes to the caller's index must not matter


def _check_bounds(index: np.ndarray, size: int, dim: int, name: str) -> None:
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = index.min() if index.min() < 0 else index.max()
        raise IndexError(f"{name}: index {bad} is out of bounds for dimension {dim} with size {size}")


class Gather(Index):
    """x.gather(dim, index);  d/dx = zeros with grad added at the gathered places"""

    __slots__ = ()
    name = "gather"


def gather(x: Any, dim: int, index: Any) -> Tensor:
    """`out[i][j][k] = x[index[i][j][k]][j][k]` for `dim=0` (and likewise for other
    dimensions): `index` has `x`'s number of dimensions, no larger sizes apart from `dim`,
    and the output has its shape. Repeated indices accumulate gradient.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, al.tensor([[1], [0]])).tolist()
    [[2.0], [3.0]]
    """
    x = as_tensor(x)
    shape = x._data.shape
    index = _index_array(index, "gather")
    ndim = len(shape)
    dim = normalize_axis(dim, ndim or 1, shape)
    if index.ndim != ndim:
        raise ValueError(
            f"gather: the index must have as many dimensions as the input ({ndim}), "
            f"got index shape {index.shape} for input shape {shape}"
        )
    if not ndim:
        _check_bounds(index, 1, 0, "gather")
        return Gather.apply(x, ())
    for d in range(ndim):
        if d != dim and index.shape[d] > shape[d]:
            raise ValueError(
                f"gather: index shape {index.shape} is larger than input shape {shape} "
                f"at dimension {d} (only dimension {dim} may differ)"
            )
    _check_bounds(index, shape[dim], dim, "gather")
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[dim] = index
    return Gather.apply(x, tuple(grid))


class IndexSelect(Index):
    """x.index_select(dim, index);  d/dx = zeros with grad added at the selected slices"""

    __slots__ = ()
    name = "index_select"


def index_select(x: Any, dim: int, index: Any) -> Tensor:
    """The slices `index` (a 1-D integer tensor, list or range) of `x` along `dim`.

    >>> import autograd_lite as al
    >>> al.tensor([[1, 2, 3], [4, 5, 6]]).index_select(1, al.tensor([2, 0])).tolist()
    [[3, 1], [6, 4]]
    """
    x = as_tensor(x)
    shape = x._data.shape
    index = _index_array(index, "index_select")
    if index.ndim > 1:
        raise ValueError(f"index_select: the index must be 1-D, got shape {index.shape}")
    index = index.reshape(-1)
    if not shape:
        normalize_axis(dim, 1, shape)
        _check_bounds(index, 1, 0, "index_select")
        if index.size != 1:
            raise ValueError(f"index_select of a 0-d tensor takes one index, got {index.size}")
        return IndexSelect.apply(x, ())
    dim = normalize_axis(dim, len(shape), shape)
    _check_bounds(index, shape[dim], dim, "index_select")
    return IndexSelect.apply(x, (slice(None),) * dim + (index,))


def _bool_mask(mask: Any, name: str) -> np.ndarray:
    array = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype.kind != "b":
        raise TypeError(f"{name} needs a boolean mask, got dtype {array.dtype}")
    return array.copy()


def _broadcast_shape(x: Tensor, mask: np.ndarray, name: str) -> tuple:
    try:
        return np.broadcast_shapes(x._data.shape, mask.shape)
    except ValueError:
        raise ValueError(
            f"{name}: mask of shape {mask.shape} does not broadcast with the input's shape {x.shape}"
        ) from None


class MaskedSelect(Index):
    """x[mask];  d/dx = zeros with grad put at the selected places"""

    __slots__ = ()
    name = "masked_select"


def masked_select(x: Any, mask: Any) -> Tensor:
    """The elements of `x` where the boolean `mask` (broadcast with `x`) is True, as 1-D.

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 2.0, 3.0]).masked_select(al.tensor([True, False, True])).tolist()
    [1.0, 3.0]
    """
    x = as_tensor(x)
    mask = _bool_mask(mask, "masked_select")
    shape = _broadcast_shape(x, mask, "masked_select")
    if x._data.shape != shape:
        x = x.broadcast_to(shape)
    return MaskedSelect.apply(x, (np.broadcast_to(mask, shape),))


class MaskedFill(Op):
    """where(mask, value, x);  d/dx = grad where not mask,  d/dvalue = grad where mask"""

    __slots__ = ("mask",)
    name = "masked_fill"

    @staticmethod
    def forward(ctx, x, value, mask):
        ctx.mask = mask
        return np.where(mask, value, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        mask = ctx.mask
        x_grad = grad * ~mask if ctx.inputs[0] is not None else None
        return x_grad, grad * mask if ctx.inputs[1] is not None else None


def masked_fill(x: Any, mask: Any, value: Any) -> Tensor:
    """`x` with `value` (a number or a 0-d tensor, which then gets a gradient) wherever the
    boolean `mask` is True; the mask broadcasts with `x`.

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 2.0, 3.0]).masked_fill(al.tensor([True, False, True]), 0.0).tolist()
    [0.0, 2.0, 0.0]
    """
    x = as_tensor(x)
    mask = _bool_mask(mask, "masked_fill")
    _broadcast_shape(x, mask, "masked_fill")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise ValueError(f"masked_fill takes a number or a 0-d tensor as value, got shape {value.shape}")
        if value._data.dtype != x._data.dtype:
            value = cast(value, x._data.dtype) if x._data.dtype.kind == "f" else value.detach()
    elif not isinstance(value, (bool, int, float, np.number, np.bool_)):
        raise TypeError(f"masked_fill takes a number or a 0-d tensor as value, got {type(value).__name__}")
    return MaskedFill.apply(x, value, mask=mask)


def nonzero(x: Any, *, as_tuple: bool = False) -> Any:
    """The indices of the non-zero elements: an int64 tensor of shape (n, ndim), or with
    `as_tuple=True` one 1-D tensor per dimension (usable as an index). No gradient.

    >>> import autograd_lite as al
    >>> al.tensor([[0, 1], [2, 0]]).nonzero().tolist()
    [[0, 1], [1, 0]]
    """
    data = as_tensor(x)._data
    if as_tuple:
        found = np.nonzero(np.atleast_1d(data))
        return tuple(Tensor._make(i.astype(np.int64, copy=False), None) for i in found)
    return Tensor._make(np.argwhere(data).astype(np.int64, copy=False), None)


class Tril(Op):
    """tril(x, diagonal) / triu;  d/dx = grad with the same elements kept"""

    __slots__ = ("mask",)
    name = "tril"

    @staticmethod
    def forward(ctx, x, mask):
        ctx.mask = mask
        return np.where(mask, x, np.zeros((), x.dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.mask, None


class Triu(Tril):
    """triu(x, diagonal);  d/dx = grad with the same elements kept"""

    __slots__ = ()
    name = "triu"


def _triangle(x: Any, diagonal: int, lower: bool) -> Tensor:
    x = as_tensor(x)
    shape = x._data.shape
    name = "tril" if lower else "triu"
    if len(shape) < 2:
        raise ValueError(f"{name} needs a tensor of at least 2 dimensions, got shape {shape}")
    if not isinstance(diagonal, (int, np.integer)) or isinstance(diagonal, bool):
        raise TypeError(f"{name}: diagonal must be an int, got {diagonal!r}")
    rows, cols = shape[-2:]
    # tri(k) is True on and below diagonal k; its complement below k is the upper part.
    mask = (
        np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    )
    return (Tril if lower else Triu).apply(x, mask)


def tril(x: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (on and below `diagonal`), zeros above.

    >>> import autograd_lite as al
    >>> al.ones(2, 2).tril().tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return _triangle(x, diagonal, True)


def triu(x: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (on and above `diagonal`), zeros below.

    >>> import autograd_lite as al
    >>> al.ones(2, 2).triu().tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return _triangle(x, diagonal, False)


Tensor.gather = gather
Tensor.index_select = index_select
Tensor.masked_select = masked_select
Tensor.masked_fill = masked_fill
Tensor.nonzero = nonzero
Tensor.tril = tril
Tensor.triu = triu
