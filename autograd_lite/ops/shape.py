"""Shape operations: reshape, transpose, flatten, squeeze, unsqueeze, broadcast_to,
concatenate, stack. Each derivative puts the gradient back in the input's layout."""

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


def transpose(x: Any, *axes: Any) -> Tensor:
    """Permute the axes (no arguments: reverse them, as `.T`)."""
    x = as_tensor(x)
    ndim = x._data.ndim
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if not axes:
        axes = tuple(range(ndim - 1, -1, -1))
    else:
        if len(axes) != ndim:
            raise ValueError(f"transpose of a tensor of shape {x.shape} needs {ndim} axes, got {axes}")
        axes = tuple(normalize_axis(a, ndim, x.shape) for a in axes)
        if sorted(axes) != list(range(ndim)):
            raise ValueError(f"axes {axes} are not a permutation of 0..{ndim - 1}")
    return Transpose.apply(x, axes)


def flatten(x: Any) -> Tensor:
    """All elements in one dimension (NumPy's flatten)."""
    x = as_tensor(x)
    return reshape(x, x._data.size)


def squeeze(x: Any, axis: Any = None) -> Tensor:
    """Remove size-1 axes (all of them, or the given int / tuple of axes)."""
    x = as_tensor(x)
    shape = x._data.shape
    if axis is None:
        new_shape = tuple(n for n in shape if n != 1)
    else:
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        if not shape:  # as NumPy: a 0-d tensor takes axis 0 or -1, and nothing is removed
            for a in axes:
                normalize_axes(a, 0, shape)
            return reshape(x, ())
        axes = {normalize_axis(a, x._data.ndim, shape) for a in axes}
        for a in axes:
            if shape[a] != 1:
                raise ValueError(
                    f"cannot squeeze axis {a} of a tensor of shape {shape}: its size is {shape[a]}, not 1"
                )
        new_shape = tuple(n for i, n in enumerate(shape) if i not in axes)
    return reshape(x, new_shape)


def unsqueeze(x: Any, axis: int) -> Tensor:
    """Insert a size-1 axis at position `axis` (negative counts from the end of the result)."""
    x = as_tensor(x)
    axis = normalize_axis(axis, x._data.ndim + 1, x.shape)
    shape = x._data.shape
    return reshape(x, shape[:axis] + (1,) + shape[axis:])


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


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.

    >>> import autograd_lite as al
    >>> al.concatenate([al.ones(2), al.zeros(1)]).tolist()
    [1.0, 1.0, 0.0]
    """
    tensors = _tensor_sequence(tensors, "concatenate")
    first = tensors[0]._data
    if first.ndim == 0:
        raise ValueError("zero-dimensional tensors cannot be concatenated; use stack")
    axis = normalize_axis(axis, first.ndim, first.shape)
    for t in tensors[1:]:
        shape = t._data.shape
        if len(shape) != first.ndim or any(
            n != m for i, (n, m) in enumerate(zip(shape, first.shape)) if i != axis
        ):
            raise ValueError(
                f"concatenate along axis {axis}: all shapes must match except on that axis, "
                f"got {[tuple(t.shape) for t in tensors]}"
            )
    return Concatenate.apply(*tensors, axis=axis)


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


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis."""
    tensors = _tensor_sequence(tensors, "stack")
    shape = tensors[0]._data.shape
    if any(t._data.shape != shape for t in tensors):
        raise ValueError(f"stack needs tensors of one shape, got {[tuple(t.shape) for t in tensors]}")
    axis = normalize_axis(axis, len(shape) + 1, shape)
    return Stack.apply(*tensors, axis=axis)


Tensor.reshape = reshape
Tensor.transpose = transpose
Tensor.T = property(transpose, doc="All axes reversed, as NumPy's `.T`.")
Tensor.flatten = flatten
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze
Tensor.broadcast_to = broadcast_to
