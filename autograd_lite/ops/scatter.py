"""Writing by index tensors, as PyTorch: scatter, scatter_add and index_add, differentiable
in the input and in the source.

They are `IndexPut` and `ScatterAdd` at computed places, so the derivatives are theirs:
the input's gradient is the output's (with zeros where scatter overwrote), the source's
is the output's gradient gathered at the index."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._common import as_tensor, cast, normalize_axis
from .gather import _check_bounds, _index_array
from .indexing import IndexPut, ScatterAdd, getitem


def _scatter_places(x: Tensor, dim: int, index: Any, src_shape: tuple | None, name: str) -> tuple[int, tuple]:
    """The dimension and the places `index` names (NumPy index arrays), after PyTorch's checks."""
    shape = x._data.shape
    ndim = len(shape)
    dim = normalize_axis(dim, ndim or 1, shape)
    if index.ndim != ndim:
        raise ValueError(
            f"{name}: the index must have as many dimensions as the input ({ndim}), "
            f"got index shape {index.shape} for input shape {shape}"
        )
    for d in range(ndim):
        if d != dim and index.shape[d] > shape[d]:
            raise ValueError(
                f"{name}: index shape {index.shape} is larger than input shape {shape} at dimension {d}"
            )
        if src_shape is not None and index.shape[d] > src_shape[d]:
            raise ValueError(
                f"{name}: index shape {index.shape} is larger than src shape {src_shape} at dimension {d}"
            )
    _check_bounds(index, shape[dim] if ndim else 1, dim, name)
    if not ndim:
        return dim, ()
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[dim] = index
    return dim, tuple(grid)


def _same_dtype(x: Tensor, src: Any, name: str) -> Tensor:
    """`src` as a Tensor of `x`'s dtype: plain data is cast, a Tensor of another dtype is a
    RuntimeError (as PyTorch)."""
    if isinstance(src, Tensor):
        if src._data.dtype != x._data.dtype:
            raise RuntimeError(
                f"{name}: expected the source to have the input's dtype {x._data.dtype}, got {src._data.dtype}"
            )
        return src
    return cast(as_tensor(src), x._data.dtype)


def _source(x: Tensor, src: Any, index: np.ndarray, name: str) -> Tensor:
    """The part of `src` (a tensor of the input's number of dimensions) that `index` covers."""
    src = _same_dtype(x, src, name)
    if src._data.ndim != x._data.ndim:
        raise ValueError(
            f"{name}: src must have as many dimensions as the input ({x._data.ndim}), got shape {src.shape}"
        )
    if src._data.shape == index.shape:
        return src
    return getitem(src, tuple(slice(n) for n in index.shape))


def scatter(
    x: Any, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None
) -> Tensor:
    """A copy of `x` with `out[index[i][j]][j] = src[i][j]` for `dim=0` (and likewise for
    other dimensions): the reverse of `gather`. `src` may be a tensor (its first
    `index.shape` part is used) or a number (also `value=`). With repeated indices one of the
    written values wins, as PyTorch (which does not say which).

    >>> import autograd_lite as al
    >>> al.zeros(3).scatter(0, al.tensor([2, 0]), al.tensor([1.0, 2.0])).tolist()
    [2.0, 0.0, 1.0]
    """
    if reduce is not None:
        raise NotImplementedError("scatter(reduce=...) is not supported; use scatter_add for sums")
    if (src is None) == (value is None):
        raise TypeError("scatter takes one of src (a tensor or a number) and value=")
    x = as_tensor(x)
    index = _index_array(index, "scatter")
    src = value if src is None else src
    number = not isinstance(src, Tensor) and np.ndim(src) == 0
    dim, places = _scatter_places(x, dim, index, None if number else np.shape(src), "scatter")
    if number:
        values = Tensor._make(np.full(index.shape, src, dtype=x._data.dtype), None)
    else:
        values = _source(x, src, index, "scatter")
    return IndexPut.apply(x, values, places)


def scatter_add(x: Any, dim: int, index: Any, src: Any) -> Tensor:
    """A copy of `x` with `src[i][j]` added at `out[index[i][j]][j]` for `dim=0` (and likewise
    for other dimensions); repeated indices accumulate.

    >>> import autograd_lite as al
    >>> al.zeros(3).scatter_add(0, al.tensor([2, 2, 0]), al.tensor([1.0, 2.0, 5.0])).tolist()
    [5.0, 0.0, 3.0]
    """
    x = as_tensor(x)
    index = _index_array(index, "scatter_add")
    dim, places = _scatter_places(x, dim, index, np.shape(as_tensor(src)._data), "scatter_add")
    values = _source(x, src, index, "scatter_add")
    return x + ScatterAdd.apply(values, places, x._data.shape)


def index_add(x: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """A copy of `x` with `alpha * source` added at the slices `index` (1-D) along `dim`;
    `source` has `x`'s shape but `len(index)` along `dim`; repeated indices accumulate.

    >>> import autograd_lite as al
    >>> al.zeros(3, 2).index_add(0, al.tensor([0, 0]), al.ones(2, 2)).tolist()
    [[2.0, 2.0], [0.0, 0.0], [0.0, 0.0]]
    """
    x = as_tensor(x)
    source = _same_dtype(x, source, "index_add")
    index = _index_array(index, "index_add")
    shape = x._data.shape
    if index.ndim > 1:
        raise ValueError(f"index_add: the index must be 1-D, got shape {index.shape}")
    index = index.reshape(-1)
    if not shape:
        raise ValueError("index_add expects an input of at least one dimension, got a 0-d tensor")
    dim = normalize_axis(dim, len(shape), shape)
    expected = shape[:dim] + (index.size,) + shape[dim + 1 :]
    if source._data.shape != expected:
        raise ValueError(
            f"index_add: source shape {source.shape} must be the input's shape {shape} with "
            f"{index.size} (the index length) at dimension {dim}, i.e. {expected}"
        )
    _check_bounds(index, shape[dim], dim, "index_add")
    if alpha != 1:
        source = source * alpha
    return x + ScatterAdd.apply(source, (slice(None),) * dim + (index,), shape)


Tensor.scatter = scatter
Tensor.scatter_add = scatter_add
Tensor.index_add = index_add
