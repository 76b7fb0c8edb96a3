"""Shape operations with PyTorch's names and meanings: reshape/view, transpose/permute/t,
flatten/unflatten, squeeze/unsqueeze, broadcast_to/expand, repeat, flip, cat/stack and
split/chunk/unbind. Each derivative puts the gradient back in the input's layout."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..engine import sum_to
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, cast, normalize_axes, normalize_axis


class Reshape(Op):
    """x.reshape(shape);  d/dx = grad.reshape(x.shape)"""

    __slots__ = ("shape",)
    name = "reshape"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


def _shape_argument(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"shape entries must be ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def reshape(x: Any, *shape: Any) -> Tensor:
    """The same data in a new shape (given as ints or one tuple; one -1 is inferred).

    >>> import autograd_lite as al
    >>> al.arange(6).reshape(2, -1).shape
    (2, 3)
    """
    x = as_tensor(x)
    shape = _shape_argument(shape)
    if shape.count(-1) > 1 or any(n < -1 for n in shape):
        raise ValueError(f"invalid shape {shape} for reshape: at most one -1 and no other negatives")
    known = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
    size = x._data.size
    if (-1 in shape and (known == 0 or size % known)) or (-1 not in shape and known != size):
        raise ValueError(f"cannot reshape a tensor of shape {x.shape} ({size} elements) into shape {shape}")
    return Reshape.apply(x, shape)


class Transpose(Op):
    """x.transpose(axes);  d/dx = grad.transpose(inverse of axes)"""

    __slots__ = ("axes",)
    name = "transpose"

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(tuple(np.argsort(ctx.axes))), None


def _dim(dim: Any, axis: Any, name: str) -> Any:
    """PyTorch's `dim=` with NumPy's `axis=` as a plain alias (giving both is a TypeError)."""
    if axis is None:
        return dim
    if dim is not None:
        raise TypeError(f"{name}() got both dim={dim!r} and its alias axis={axis!r}; give one")
    return axis


def _one_dim(dim: Any, ndim: int, shape: tuple) -> int:
    """A non-negative dimension; a 0-d tensor takes 0 or -1 as PyTorch (and gets 0)."""
    return normalize_axis(dim, ndim or 1, shape)


def _permutation(x: Tensor, axes: tuple, name: str) -> Tensor:
    ndim = x._data.ndim
    if len(axes) != ndim:
        raise ValueError(f"{name} of a tensor of shape {x.shape} needs {ndim} dimensions, got {axes}")
    axes = tuple(normalize_axis(a, ndim, x.shape) for a in axes)
    if sorted(axes) != list(range(ndim)):
        raise ValueError(f"{name}: dimensions {axes} are not a permutation of 0..{ndim - 1}")
    return Transpose.apply(x, axes)


def transpose(x: Any, *dims: Any, dim0: int | None = None, dim1: int | None = None) -> Tensor:
    """Swap dimensions `dim0` and `dim1` (PyTorch's meaning; negative dims count from the end).

    With no argument the dimensions are reversed (as `.T`); with one tuple or three or more
    ints, they are permuted as NumPy's `transpose(axes)` (see `permute`).

    >>> import autograd_lite as al
    >>> al.zeros(2, 3, 4).transpose(0, 2).shape
    (4, 3, 2)
    """
    x = as_tensor(x)
    if dim0 is not None or dim1 is not None:
        dims = dims + (dim0, dim1)
    ndim = x._data.ndim
    if not dims:
        return Transpose.apply(x, tuple(range(ndim - 1, -1, -1)))
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return _permutation(x, tuple(dims[0]), "transpose")
    if len(dims) != 2:
        return _permutation(x, dims, "transpose")
    first, second = _one_dim(dims[0], ndim, x.shape), _one_dim(dims[1], ndim, x.shape)
    axes = list(range(ndim))
    if ndim:
        axes[first], axes[second] = second, first
    return Transpose.apply(x, tuple(axes))


def permute(x: Any, *dims: Any) -> Tensor:
    """Reorder all dimensions: `dims` (ints or one tuple) says where each output dimension
    comes from.

    >>> import autograd_lite as al
    >>> al.zeros(2, 3, 4).permute(2, 0, 1).shape
    (4, 2, 3)
    """
    x = as_tensor(x)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return _permutation(x, dims, "permute")


def t(x: Any) -> Tensor:
    """The transpose of a 2-D tensor; 0-D and 1-D tensors come back as they are (PyTorch).

    >>> import autograd_lite as al
    >>> al.zeros(2, 3).t().shape
    (3, 2)
    """
    x = as_tensor(x)
    ndim = x._data.ndim
    if ndim > 2:
        raise ValueError(
            f"t() expects a tensor with <= 2 dimensions, got shape {x.shape}; use transpose(d0, d1)"
        )
    return Transpose.apply(x, tuple(range(ndim - 1, -1, -1)))


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dimensions `start_dim` to `end_dim` (inclusive) merged into one; a 0-d tensor gives
    shape (1,), as PyTorch.

    >>> import autograd_lite as al
    >>> al.zeros(2, 3, 4).flatten(1).shape
    (2, 12)
    """
    x = as_tensor(x)
    shape = x._data.shape
    ndim = len(shape)
    start, end = _one_dim(start_dim, ndim, shape), _one_dim(end_dim, ndim, shape)
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} (shape {shape})")
    if not ndim:
        return reshape(x, 1)
    merged = int(np.prod(shape[start : end + 1], dtype=np.int64))
    return reshape(x, shape[:start] + (merged,) + shape[end + 1 :])


def unflatten(x: Any, dim: int, sizes: Sequence[int]) -> Tensor:
    """Dimension `dim` split into `sizes` (one of them may be -1).

    >>> import autograd_lite as al
    >>> al.zeros(2, 6).unflatten(1, (2, -1)).shape
    (2, 2, 3)
    """
    x = as_tensor(x)
    shape = x._data.shape
    dim = normalize_axis(dim, len(shape), shape)
    sizes = _shape_argument((sizes,) if isinstance(sizes, (tuple, list)) else (sizes,))
    known = int(np.prod([n for n in sizes if n != -1], dtype=np.int64))
    n = shape[dim]
    if sizes.count(-1) > 1 or (-1 in sizes and (known == 0 or n % known)) or (-1 not in sizes and known != n):
        raise ValueError(
            f"unflatten: sizes {sizes} don't multiply up to the size of dimension {dim} ({n}) of shape {shape}"
        )
    if -1 in sizes:
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    return reshape(x, shape[:dim] + sizes + shape[dim + 1 :])


def squeeze(x: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """Remove dimensions of size 1: all of them, or those among `dim` (an int or a tuple);
    a named dimension whose size is not 1 is left as it is (PyTorch).

    >>> import autograd_lite as al
    >>> al.zeros(1, 3, 1).squeeze().shape, al.zeros(2, 3).squeeze(0).shape
    ((3,), (2, 3))
    """
    x = as_tensor(x)
    dim = _dim(dim, axis, "squeeze")
    shape = x._data.shape
    if dim is None:
        return reshape(x, tuple(n for n in shape if n != 1))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    wrapped = {_one_dim(d, len(shape), shape) for d in dims}
    if len(wrapped) != len(dims):
        raise ValueError(f"squeeze: repeated axis in {tuple(dims)}")
    dims = wrapped
    return reshape(x, tuple(n for i, n in enumerate(shape) if not (i in dims and n == 1)))


def unsqueeze(x: Any, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Insert a size-1 dimension at position `dim` (negative counts from the end of the result).

    >>> import autograd_lite as al
    >>> al.zeros(3).unsqueeze(-1).shape
    (3, 1)
    """
    x = as_tensor(x)
    dim = _dim(dim, axis, "unsqueeze")
    if dim is None:
        raise TypeError("unsqueeze() missing its dimension argument `dim`")
    dim = normalize_axis(dim, x._data.ndim + 1, x.shape)
    shape = x._data.shape
    return reshape(x, shape[:dim] + (1,) + shape[dim:])


class BroadcastTo(Op):
    """np.broadcast_to(x, shape);  d/dx = grad summed over the broadcast axes"""

    __slots__ = ("shape",)
    name = "broadcast_to"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return sum_to(grad, ctx.shape), None


def broadcast_to(x: Any, shape: Any) -> Tensor:
    """`x` repeated along new or size-1 axes to `shape` (a read-only view)."""
    x = as_tensor(x)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"broadcast_to expects a shape (an int or a tuple of ints), got {shape!r}")
    shape = _shape_argument((tuple(shape),))
    try:
        np.broadcast_shapes(x._data.shape, shape)
        if np.broadcast_shapes(x._data.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"cannot broadcast a tensor of shape {x.shape} to shape {shape}") from None
    return BroadcastTo.apply(x, shape)


class Concatenate(Op):
    """concatenate(xs, axis);  d/dx_i = the slice of grad that x_i filled"""

    __slots__ = ("axis", "bounds")
    name = "concatenate"

    @staticmethod
    def forward(ctx, *arrays, axis):
        sizes = [a.shape[axis] for a in arrays]
        ctx.axis, ctx.bounds = axis, np.cumsum([0] + sizes)
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        bounds = ctx.bounds
        return tuple(
            grad[lead + (slice(bounds[i], bounds[i + 1]),)] if needed is not None else None
            for i, needed in enumerate(ctx.inputs)
        )


def _tensor_sequence(tensors: Sequence[Any], name: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name} expects a list or tuple of tensors")
    if not tensors:
        raise ValueError(f"{name} needs at least one tensor")
    tensors = [as_tensor(t) for t in tensors]
    result = np.result_type(*[t._data for t in tensors])
    if any(t._data.dtype.kind == "f" for t in tensors):
        result = np.result_type(*[t._data.dtype for t in tensors if t._data.dtype.kind == "f"])
        tensors = [cast(t, result) for t in tensors]
    return tensors


def cat(tensors: Sequence[Any], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dimension `dim` (0 by default; `axis=` is an alias).
    `al.concatenate` is the same function under NumPy's name.

    >>> import autograd_lite as al
    >>> al.cat([al.ones(2), al.zeros(1)]).tolist()
    [1.0, 1.0, 0.0]
    """
    dim = _dim(dim, axis, "cat")
    tensors = _tensor_sequence(tensors, "cat")
    first = tensors[0]._data
    if first.ndim == 0:
        raise ValueError("zero-dimensional tensors cannot be concatenated; use stack")
    dim = normalize_axis(0 if dim is None else dim, first.ndim, first.shape)
    for t in tensors[1:]:
        shape = t._data.shape
        if len(shape) != first.ndim or any(
            n != m for i, (n, m) in enumerate(zip(shape, first.shape)) if i != dim
        ):
            raise ValueError(
                f"cat along dimension {dim}: all shapes must match except on that dimension, "
                f"got {[tuple(t.shape) for t in tensors]}"
            )
    return Concatenate.apply(*tensors, axis=dim)


concatenate = cat


class Stack(Op):
    """stack(xs, axis);  d/dx_i = grad taken at index i of the new axis"""

    __slots__ = ("axis",)
    name = "stack"

    @staticmethod
    def forward(ctx, *arrays, axis):
        ctx.axis = axis
        return np.stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        return tuple(grad[lead + (i,)] if needed is not None else None for i, needed in enumerate(ctx.inputs))


def stack(tensors: Sequence[Any], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors of one shape along a new dimension `dim` (0 by default; `axis=` is an alias).

    >>> import autograd_lite as al
    >>> al.stack([al.ones(2), al.zeros(2)], dim=1).shape
    (2, 2)
    """
    dim = _dim(dim, axis, "stack")
    tensors = _tensor_sequence(tensors, "stack")
    shape = tensors[0]._data.shape
    if any(t._data.shape != shape for t in tensors):
        raise ValueError(f"stack needs tensors of one shape, got {[tuple(t.shape) for t in tensors]}")
    dim = normalize_axis(0 if dim is None else dim, len(shape) + 1, shape)
    return Stack.apply(*tensors, axis=dim)


# -- PyTorch's views and copies: view, expand, repeat, flip, split -------------------------


def view(x: Any, *shape: Any) -> Tensor:
    """The same data in a new shape, as `reshape` (unlike PyTorch it never fails for layout).

    >>> import autograd_lite as al
    >>> al.zeros(2, 3).view(-1).shape
    (6,)
    """
    return reshape(x, *shape)


def view_as(x: Any, other: Any) -> Tensor:
    """`x` in the shape of `other`.

    >>> import autograd_lite as al
    >>> al.zeros(6).view_as(al.zeros(2, 3)).shape
    (2, 3)
    """
    return reshape(x, as_tensor(other)._data.shape)


def reshape_as(x: Any, other: Any) -> Tensor:
    """`x` in the shape of `other` (as `view_as`).

    >>> import autograd_lite as al
    >>> al.zeros(6).reshape_as(al.zeros(3, 2)).shape
    (3, 2)
    """
    return reshape(x, as_tensor(other)._data.shape)


def contiguous(x: Any, memory_format: Any = None) -> Tensor:
    """`x` itself: every tensor can be viewed in any shape here, so none needs a copy.

    >>> import autograd_lite as al
    >>> x = al.zeros(2, 3).t()
    >>> x.contiguous() is x
    True
    """
    return as_tensor(x)


class Expand(BroadcastTo):
    """x.expand(sizes);  d/dx = grad summed over the expanded dimensions"""

    __slots__ = ()
    name = "expand"


def expand(x: Any, *sizes: Any) -> Tensor:
    """A view of `x` repeated along size-1 and new leading dimensions to `sizes`; -1 keeps a
    dimension's size. The gradient sums over the repeats.

    >>> import autograd_lite as al
    >>> al.zeros(3, 1).expand(2, -1, 4).shape
    (2, 3, 4)
    """
    x = as_tensor(x)
    sizes = _shape_argument(sizes)
    shape = x._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise ValueError(
            f"expand: {len(sizes)} sizes {sizes} for a tensor of {len(shape)} dimensions {shape}"
        )
    target = list(sizes)
    for i, size in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        if size == -1 and old is not None:
            target[i] = old
        elif size < 0 or (old is not None and old != 1 and old != size):
            raise ValueError(f"cannot expand a tensor of shape {shape} to sizes {sizes} (dimension {i})")
    return Expand.apply(x, tuple(target))


def expand_as(x: Any, other: Any) -> Tensor:
    """`x` expanded to the shape of `other`.

    >>> import autograd_lite as al
    >>> al.zeros(3).expand_as(al.zeros(2, 3)).shape
    (2, 3)
    """
    return expand(x, as_tensor(other)._data.shape)


class Repeat(Op):
    """np.tile(x, reps);  d/dx = grad summed over the copies"""

    __slots__ = ("shape", "split", "copies")
    name = "repeat"

    @staticmethod
    def forward(ctx, x, reps):
        # grad.reshape(split) puts each dimension's copy index just before it.
        padded = (1,) * (len(reps) - x.ndim) + x.shape
        ctx.shape, ctx.split = x.shape, sum(zip(reps, padded), ())
        ctx.copies = tuple(range(0, 2 * len(reps), 2))
        return np.tile(x, reps)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.split).sum(axis=ctx.copies).reshape(ctx.shape), None


def repeat(x: Any, *sizes: Any) -> Tensor:
    """`x` tiled `sizes[i]` times along dimension i (NumPy's `tile`); extra leading sizes add
    dimensions. Differentiable.

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).repeat(2, 2).tolist()
    [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    x = as_tensor(x)
    sizes = _shape_argument(sizes)
    if len(sizes) < x._data.ndim:
        raise ValueError(
            f"repeat: {len(sizes)} sizes {sizes} for a tensor of {x._data.ndim} dimensions "
            f"{x.shape}; give at least one per dimension"
        )
    if any(n < 0 for n in sizes):
        raise ValueError(f"repeat: sizes must be non-negative, got {sizes}")
    return Repeat.apply(x, sizes)


class Flip(Op):
    """x reversed along some dimensions;  d/dx = grad reversed along the same ones"""

    __slots__ = ("index",)
    name = "flip"

    @staticmethod
    def forward(ctx, x, index):
        ctx.index = index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index], None


def flip(x: Any, *dims: Any) -> Tensor:
    """`x` with the order of elements reversed along `dims` (ints or one tuple/list).

    >>> import autograd_lite as al
    >>> al.tensor([[1, 2], [3, 4]]).flip(1).tolist()
    [[2, 1], [4, 3]]
    """
    x = as_tensor(x)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    if not dims:
        raise TypeError("flip() missing its dimensions `dims` (an int or a tuple of ints)")
    axes = normalize_axes(dims, x._data.ndim, x.shape)
    reverse, keep = slice(None, None, -1), slice(None)
    return Flip.apply(x, tuple(reverse if i in axes else keep for i in range(x._data.ndim)))


def _along(x: Tensor, dim: int, part: Any) -> Tensor:
    """`x[..., part, ...]` with `part` (a slice or an int) at dimension `dim`."""
    return x[(slice(None),) * dim + (part,)]


def split(x: Any, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of `x` along `dim`: an int is the size of each piece (the last may be
    smaller), a list gives the sizes (they must add up to the dimension's size).

    >>> import autograd_lite as al
    >>> [p.tolist() for p in al.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    x = as_tensor(x)
    shape = x._data.shape
    dim = normalize_axis(dim, len(shape), shape)
    n = shape[dim]
    if isinstance(split_size_or_sections, (tuple, list)):
        sizes = _shape_argument((split_size_or_sections,))
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise ValueError(
                f"split: sizes {list(sizes)} must be non-negative and add up to {n} "
                f"(the size of dimension {dim} of shape {shape})"
            )
    else:
        (size,) = _shape_argument((split_size_or_sections,))
        if size < 0 or (size == 0 and n):
            raise ValueError(f"split: split_size must be a positive int, got {size} for shape {shape}")
        if not n:
            sizes = (0,)
        else:
            sizes = (size,) * (n // size) + ((n % size,) if n % size else ())
    pieces = []
    start = 0
    for size in sizes:
        pieces.append(_along(x, dim, slice(start, start + size)))
        start += size
    return tuple(pieces)


def chunk(x: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """`x` split into at most `chunks` pieces of equal size (the last may be smaller), as PyTorch.

    >>> import autograd_lite as al
    >>> [p.tolist() for p in al.arange(5).chunk(2)]
    [[0, 1, 2], [3, 4]]
    """
    x = as_tensor(x)
    if not isinstance(chunks, (int, np.integer)) or isinstance(chunks, bool) or chunks < 1:
        raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
    shape = x._data.shape
    n = shape[normalize_axis(dim, len(shape), shape)]
    if n == 0:
        return split(x, [0] * int(chunks), dim)
    return split(x, -(-n // int(chunks)), dim)


def unbind(x: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices of `x` along `dim`, each without that dimension.

    >>> import autograd_lite as al
    >>> [p.tolist() for p in al.tensor([[1, 2], [3, 4]]).unbind(1)]
    [[1, 3], [2, 4]]
    """
    x = as_tensor(x)
    shape = x._data.shape
    dim = normalize_axis(dim, len(shape), shape)
    pieces = []
    for i in range(shape[dim]):
        pieces.append(_along(x, dim, i))
    return tuple(pieces)


Tensor.reshape = reshape
Tensor.view = view
Tensor.view_as = view_as
Tensor.reshape_as = reshape_as
Tensor.contiguous = contiguous
Tensor.transpose = transpose
Tensor.permute = permute
Tensor.t = t
Tensor.T = property(transpose, doc="All dimensions reversed, as NumPy's `.T`.")
Tensor.flatten = flatten
Tensor.unflatten = unflatten
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze
Tensor.broadcast_to = broadcast_to
Tensor.expand = expand
Tensor.expand_as = expand_as
Tensor.repeat = repeat
Tensor.flip = flip
Tensor.split = split
Tensor.chunk = chunk
Tensor.unbind = unbind
