"""More of PyTorch's shape functions, built on the differentiable shape and indexing ops:
hstack/vstack/dstack, movedim, swapaxes, narrow, tensor_split, tile, roll,
repeat_interleave, diag and diff; also is_tensor and numel."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, normalize_axis
from .gather import _index_array, index_select
from .indexing import Index, ScatterAdd
from .shape import _along, _one_dim, _shape_argument, cat, permute, repeat, reshape, transpose


def is_tensor(obj: Any) -> bool:
    """Whether `obj` is a Tensor (PyTorch's `torch.is_tensor`).

    >>> import autograd_lite as al
    >>> al.is_tensor(al.zeros(2)), al.is_tensor([1.0])
    (True, False)
    """
    return isinstance(obj, Tensor)


def numel(x: Any) -> int:
    """The number of elements of `x`.

    >>> import autograd_lite as al
    >>> al.numel(al.zeros(2, 3))
    6
    """
    return int(as_tensor(x)._data.size)


def _at_least(x: Tensor, ndim: int) -> Tensor:
    """`x` with NumPy's atleast_1d/2d/3d layout: 1-D (n) is (1, n) or (1, n, 1), 2-D gains a last axis."""
    shape = x._data.shape
    if len(shape) >= ndim:
        return x
    if ndim == 1 or not shape:
        return reshape(x, (1,) * ndim)
    if ndim == 2 or len(shape) == 2:
        return reshape(x, (1,) + shape if ndim == 2 else shape + (1,))
    return reshape(x, (1,) + shape + (1,))


def _stack_along(tensors: Sequence[Any], ndim: int, dim: int, name: str) -> Tensor:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name} expects a list or tuple of tensors")
    if not tensors:
        raise ValueError(f"{name} needs at least one tensor")
    return cat([_at_least(as_tensor(t), ndim) for t in tensors], dim)


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Tensors joined column-wise: along dimension 0 for 1-D ones, else dimension 1.

    >>> import autograd_lite as al
    >>> al.hstack([al.zeros(2, 1), al.ones(2, 2)]).shape
    (2, 3)
    """
    first = as_tensor(tensors[0]) if isinstance(tensors, (list, tuple)) and tensors else None
    dim = 0 if first is not None and first._data.ndim <= 1 else 1
    return _stack_along(tensors, 1, dim, "hstack")


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Tensors joined row-wise (along dimension 0), 0-d and 1-D ones taken as rows.

    >>> import autograd_lite as al
    >>> al.vstack([al.zeros(3), al.ones(3)]).shape
    (2, 3)
    """
    return _stack_along(tensors, 2, 0, "vstack")


def dstack(tensors: Sequence[Any]) -> Tensor:
    """Tensors joined depth-wise (along dimension 2); (n) counts as (1, n, 1), (m, n) as (m, n, 1).

    >>> import autograd_lite as al
    >>> al.dstack([al.zeros(2, 3), al.ones(2, 3)]).shape
    (2, 3, 2)
    """
    return _stack_along(tensors, 3, 2, "dstack")


def movedim(x: Any, source: Any, destination: Any) -> Tensor:
    """Dimensions `source` (an int or a tuple) moved to positions `destination`, the others
    keeping their order (`moveaxis` is the same function).

    >>> import autograd_lite as al
    >>> al.zeros(2, 3, 4).movedim(0, -1).shape
    (3, 4, 2)
    """
    x = as_tensor(x)
    shape = x._data.shape
    ndim = len(shape)
    sources = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    destinations = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    if len(sources) != len(destinations):
        raise ValueError(
            f"movedim: source {sources} and destination {destinations} must name as many dimensions"
        )
    sources = tuple(_one_dim(d, ndim, shape) for d in sources)
    destinations = tuple(_one_dim(d, ndim, shape) for d in destinations)
    for name, dims in (("source", sources), ("destination", destinations)):
        if len(set(dims)) != len(dims):
            raise ValueError(f"movedim: repeated dimension in {name} {dims}")
    if not ndim:
        return x
    rest = iter(d for d in range(ndim) if d not in sources)
    placed = dict(zip(destinations, sources))
    return permute(x, tuple(placed[i] if i in placed else next(rest) for i in range(ndim)))


moveaxis = movedim


def swapaxes(x: Any, axis0: int, axis1: int) -> Tensor:
    """Dimensions `axis0` and `axis1` swapped (`transpose(x, axis0, axis1)`; `swapdims` too).

    >>> import autograd_lite as al
    >>> al.zeros(2, 3, 4).swapaxes(0, 2).shape
    (4, 3, 2)
    """
    return transpose(x, axis0, axis1)


swapdims = swapaxes


def _int(value: Any, what: str, name: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name}: {what} must be an int, got {type(value).__name__} {value!r}")
    return int(value)


def narrow(x: Any, dim: int, start: Any, length: int) -> Tensor:
    """Elements `start` to `start + length` (exclusive) of dimension `dim`; a negative start
    counts from the end (PyTorch's `narrow`).

    >>> import autograd_lite as al
    >>> al.arange(5).narrow(0, 1, 3).tolist()
    [1, 2, 3]
    """
    x = as_tensor(x)
    shape = x._data.shape
    if not shape:
        raise ValueError("narrow() cannot be applied to a 0-d tensor")
    dim = normalize_axis(dim, len(shape), shape)
    if isinstance(start, Tensor):
        start = start.item()
    start, length = _int(start, "start", "narrow"), _int(length, "length", "narrow")
    size = shape[dim]
    if not -size <= start <= size:
        raise IndexError(f"narrow: start {start} is out of range for dimension {dim} of size {size}")
    start %= size if size else 1
    if length < 0 or start + length > size:
        raise ValueError(
            f"narrow: start ({start}) + length ({length}) exceeds the size {size} of dimension {dim} (shape {shape})"
        )
    return _along(x, dim, slice(start, start + length))


def tensor_split(x: Any, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """`x` split along `dim` into `n` nearly equal pieces (an int: the first `size % n` get
    one element more) or at the given indices (a list or 1-D tensor), as PyTorch.

    >>> import autograd_lite as al
    >>> [p.tolist() for p in al.arange(7).tensor_split(3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    """
    x = as_tensor(x)
    shape = x._data.shape
    if not shape:
        raise ValueError("tensor_split expects at least a 1-dimensional tensor, got a 0-d one")
    dim = normalize_axis(dim, len(shape), shape)
    size = shape[dim]
    split = indices_or_sections
    if isinstance(split, Tensor) and split._data.ndim == 0:
        split = split.item()
    if isinstance(split, (int, np.integer)) and not isinstance(split, bool):
        if split < 1:
            raise ValueError(f"tensor_split: the number of sections must be at least 1, got {split}")
        small, extra = divmod(size, int(split))
        ends = np.cumsum([small + (i < extra) for i in range(int(split))])
        bounds = [0] + [int(e) for e in ends]
    else:
        points = _index_array(split, "tensor_split").reshape(-1)
        bounds = [0] + [int(p) for p in points] + [size]
    # As Python slices, out-of-range or decreasing split points give empty pieces.
    return tuple(_along(x, dim, slice(start, max(start, end))) for start, end in zip(bounds, bounds[1:]))


def tile(x: Any, *dims: Any) -> Tensor:
    """`x` repeated `dims[i]` times along dimension i; fewer dims than dimensions are padded
    with 1s in front (unlike `repeat`).

    >>> import autograd_lite as al
    >>> al.tensor([[1, 2]]).tile(2).tolist()
    [[1, 2, 1, 2]]
    """
    x = as_tensor(x)
    dims = _shape_argument(dims)
    return repeat(x, *((1,) * (x._data.ndim - len(dims)) + dims))


class Roll(Op):
    """np.roll(x, shifts, axes);  d/dx = grad rolled back by the same shifts"""

    __slots__ = ("shifts", "axes")
    name = "roll"

    @staticmethod
    def forward(ctx, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return np.roll(x, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        back = tuple(-s for s in ctx.shifts)
        if isinstance(grad, Tensor):
            return Roll.apply(grad, back, ctx.axes), None, None
        return np.roll(grad, back, ctx.axes), None, None


def roll(x: Any, shifts: Any, dims: Any = None) -> Tensor:
    """Elements shifted by `shifts` along `dims` (ints or tuples of one length), wrapping
    around; with no `dims` the flattened tensor is rolled and the shape restored.

    >>> import autograd_lite as al
    >>> al.tensor([1, 2, 3, 4]).roll(1).tolist()
    [4, 1, 2, 3]
    """
    x = as_tensor(x)
    shift_tuple = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    shift_tuple = tuple(_int(s, "shifts", "roll") for s in shift_tuple)
    if dims is None:
        if len(shift_tuple) != 1:
            raise ValueError(f"roll: without dims, shifts must be one int, got {shifts!r}")
        return reshape(Roll.apply(reshape(x, -1), shift_tuple, (0,)), x._data.shape)
    dim_tuple = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(dim_tuple) != len(shift_tuple):
        raise ValueError(f"roll: shifts {shift_tuple} and dims {dim_tuple} must have one length")
    shape = x._data.shape
    axes = tuple(_one_dim(d, len(shape), shape) for d in dim_tuple)
    return Roll.apply(x, shift_tuple, axes)


def repeat_interleave(
    x: Any, repeats: Any = None, dim: int | None = None, *, output_size: Any = None
) -> Tensor:
    """Each element (or slice along `dim`) repeated `repeats` times in place: an int, or a
    tensor of one count per slice. With no `dim` the input is flattened. Differentiable (the
    gradient sums over the copies). `al.repeat_interleave(counts)` alone gives
    `arange(len(counts))` repeated by the counts, as PyTorch.

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).repeat_interleave(2).tolist()
    [1, 1, 2, 2]
    """
    if repeats is None:
        counts = _index_array(x, "repeat_interleave")
        return repeat_interleave(np.arange(counts.size, dtype=np.int64), counts.reshape(-1))
    x = as_tensor(x)
    if dim is None:
        x, dim = reshape(x, -1), 0
    shape = x._data.shape
    dim = _one_dim(dim, len(shape), shape)
    size = shape[dim] if shape else 1
    counts = _index_array(repeats, "repeat_interleave")
    if counts.ndim > 1 or counts.size not in (1, size):
        raise ValueError(
            f"repeat_interleave: repeats must be an int or hold one count per slice ({size} along "
            f"dimension {dim}), got shape {counts.shape}"
        )
    if counts.size and counts.min() < 0:
        raise ValueError(f"repeat_interleave: repeats must be non-negative, got {counts.min()}")
    index = np.repeat(np.arange(size, dtype=np.int64), counts.reshape(-1))
    if output_size is not None and output_size != index.size:
        raise ValueError(f"repeat_interleave: output_size {output_size} but the repeats give {index.size}")
    return index_select(x, dim, index)


class DiagEmbed(ScatterAdd):
    """a vector on a diagonal of a square matrix;  d/dx = that diagonal of grad"""

    __slots__ = ()
    name = "diag"


class DiagTake(Index):
    """a diagonal of a matrix;  d/dx = zeros with grad on that diagonal"""

    __slots__ = ()
    name = "diag"


def diag(x: Any, diagonal: int = 0) -> Tensor:
    """A 1-D tensor as the `diagonal`-th diagonal of a square matrix (zeros elsewhere), or
    the `diagonal`-th diagonal of a 2-D tensor as 1-D (above the main one for diagonal > 0).

    >>> import autograd_lite as al
    >>> al.diag(al.tensor([1, 2])).tolist(), al.diag(al.tensor([[1, 2], [3, 4]]), 1).tolist()
    ([[1, 0], [0, 2]], [2])
    """
    x = as_tensor(x)
    diagonal = _int(diagonal, "diagonal", "diag")
    shape = x._data.shape
    row_shift, col_shift = max(-diagonal, 0), max(diagonal, 0)
    if len(shape) == 1:
        n = shape[0] + abs(diagonal)
        steps = np.arange(shape[0])
        return DiagEmbed.apply(x, (steps + row_shift, steps + col_shift), (n, n))
    if len(shape) == 2:
        length = max(min(shape[0] - row_shift, shape[1] - col_shift), 0)
        steps = np.arange(length)
        return DiagTake.apply(x, (steps + row_shift, steps + col_shift))
    raise ValueError(f"diag expects a 1-D or 2-D tensor, got shape {shape}")


def diff(x: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """The `n`-th forward difference `x[i + 1] - x[i]` along `dim`, after joining `prepend`
    and `append` to `x` along it; bool tensors give `!=` as PyTorch (no gradient).

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 4.0, 9.0]).diff().tolist()
    [3.0, 5.0]
    """
    x = as_tensor(x)
    n = _int(n, "n", "diff")
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    shape = x._data.shape
    if not shape:
        raise ValueError("diff expects a tensor of at least one dimension, got a 0-d one")
    dim = normalize_axis(dim, len(shape), shape)
    if prepend is not None or append is not None:
        parts = [as_tensor(p) for p in (prepend, x, append) if p is not None]
        x = cat([p if p._data.ndim else p.expand(shape[:dim] + (1,) + shape[dim + 1 :]) for p in parts], dim)
    for _ in range(n):
        later, earlier = _along(x, dim, slice(1, None)), _along(x, dim, slice(None, -1))
        if x._data.dtype.kind == "b":
            x = Tensor._make(later._data != earlier._data, None)
        else:
            x = later - earlier
    return x


Tensor.movedim = movedim
Tensor.moveaxis = moveaxis
Tensor.swapaxes = swapaxes
Tensor.swapdims = swapdims
Tensor.narrow = narrow
Tensor.tensor_split = tensor_split
Tensor.tile = tile
Tensor.roll = roll
Tensor.repeat_interleave = repeat_interleave
Tensor.diag = diag
Tensor.diff = diff
