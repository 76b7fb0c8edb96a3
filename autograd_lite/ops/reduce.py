"""Reductions with NumPy's names: sum, mean, max, min, var, std, logsumexp, argmax, argmin."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, cast, kept_shape, normalize_axes


def _grad_to_input(grad: Any, shape: tuple, axes: tuple, keepdims: bool) -> Any:
    """Put the reduced axes back (size 1) and broadcast `grad` to the input's `shape`."""
    if not keepdims:
        grad = grad.reshape(kept_shape(shape, axes))
    return np.broadcast_to(grad, shape)


class Sum(Op):
    """x.sum(axis);  d/dx = grad broadcast back over the summed axes"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "sum"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims), None, None


def _reduction_input(x: Any, name: str) -> Tensor:
    x = as_tensor(x)
    if x._data.dtype.kind == "b":
        x = cast(x, np.dtype(np.int64))
    return x


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - NumPy's name
    """Sum over `axis` (None: all; an int or a tuple; negative axes count from the end).

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
    tensor([4., 6.])
    """
    x = _reduction_input(x, "sum")
    axes = normalize_axes(axis, x._data.ndim, x._data.shape)
    return Sum.apply(x, axes, bool(keepdims))


class Mean(Op):
    """x.mean(axis);  d/dx = grad / n broadcast back over the averaged axes"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "mean"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        return x.mean(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        count = _count(ctx.shape, ctx.axes)
        return _grad_to_input(grad / count, ctx.shape, ctx.axes, ctx.keepdims), None, None


def _count(shape: tuple, axes: tuple) -> int:
    count = 1
    for axis in axes:
        count *= shape[axis]
    return count


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over `axis`; integer data gives the default float dtype."""
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        x = cast(x, dtypes.get_default_dtype())
    axes = normalize_axes(axis, x._data.ndim, x._data.shape)
    return Mean.apply(x, axes, bool(keepdims))


class Max(Op):
    """x.max(axis);  the gradient is split equally between the tied maxima"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "max"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        out = x.max(axis=axes, keepdims=True)
        ctx.save_for_backward(_tie_shares(x, out, axes))
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])

    @staticmethod
    def backward(ctx, grad):
        (shares,) = ctx.saved_tensors
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims) * shares, None, None


class Min(Max):
    """x.min(axis);  the gradient is split equally between the tied minima"""

    __slots__ = ()
    name = "min"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        out = x.min(axis=axes, keepdims=True)
        ctx.save_for_backward(_tie_shares(x, out, axes))
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])


def _tie_shares(x: np.ndarray, extreme: np.ndarray, axes: tuple) -> np.ndarray:
    """1/k at each of the k elements equal to the extreme of their slice, else 0."""
    hits = x == extreme
    count = hits.sum(axis=axes, keepdims=True)
    shares = hits.astype(x.dtype)
    shares /= np.maximum(count, 1)
    return shares


def _extreme(op: type, x: Any, axis: Any, keepdims: bool) -> Tensor:
    x = as_tensor(x)
    axes = normalize_axes(axis, x._data.ndim, x._data.shape)
    if x._data.size == 0 and len(axes) == x._data.ndim:
        raise ValueError(f"{op.name}() of an empty tensor (shape {x.shape}) has no identity")
    if any(x._data.shape[a] == 0 for a in axes):
        raise ValueError(f"{op.name}() over a zero-size axis of a tensor of shape {x.shape} has no identity")
    if x._data.dtype.kind != "f":
        # Integer and bool data never need a gradient (and keep their dtype, as PyTorch).
        return Tensor._make(np.asarray(getattr(x._data, op.name)(axis=axes, keepdims=bool(keepdims))), None)
    return op.apply(x, axes, bool(keepdims))


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over `axis`; tied maxima share the gradient equally."""
    return _extreme(Max, x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over `axis`; tied minima share the gradient equally."""
    return _extreme(Min, x, axis, keepdims)


class Var(Op):
    """mean((x - mean(x))**2) * n / (n - ddof);  d/dx = grad * 2 (x - mean(x)) / (n - ddof)"""

    __slots__ = ("shape", "axes", "keepdims", "ddof")
    name = "var"

    @staticmethod
    def forward(ctx, x, axes, ddof, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims, ctx.ddof = x.shape, axes, keepdims, ddof
        ctx.save_for_backward(x)
        return x.var(axis=axes, ddof=ddof, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        centred = x - x.mean(axis=ctx.axes, keepdims=True)
        dof = _count(ctx.shape, ctx.axes) - ctx.ddof
        # No degrees of freedom left: 2 / 0 is inf as in PyTorch (not a ZeroDivisionError).
        scale = 2.0 / dof if dof else float("inf")
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims) * (centred * scale), None, None, None


def var(x: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Variance over `axis` with NumPy's `ddof` (0: population, 1: sample)."""
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        x = cast(x, dtypes.get_default_dtype())
    axes = normalize_axes(axis, x._data.ndim, x._data.shape)
    return Var.apply(x, axes, int(ddof), bool(keepdims))


class Std(Op):
    """sqrt(var(x));  d/dx = grad * (x - mean(x)) / ((n - ddof) * out)  (0 where out = 0)"""

    __slots__ = ("shape", "axes", "keepdims", "ddof")
    name = "std"

    @staticmethod
    def forward(ctx, x, axes, ddof, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims, ctx.ddof = x.shape, axes, keepdims, ddof
        out = x.std(axis=axes, ddof=ddof, keepdims=keepdims)
        # The returned array itself is saved: under create_graph it stands for this
        # node's output, so the rule's use of it is differentiated too.
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        centred = x - x.mean(axis=ctx.axes, keepdims=True)
        out = out.reshape(kept_shape(ctx.shape, ctx.axes))
        # As PyTorch: a slice with zero spread gets gradient 0 rather than 0/0.
        zero = (out._data if isinstance(out, Tensor) else out) == 0
        denominator = np.where(zero, 1.0, out * (_count(ctx.shape, ctx.axes) - ctx.ddof))
        slope = np.where(zero, 0.0, centred / denominator)
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims) * slope, None, None, None


def std(x: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation over `axis` with NumPy's `ddof`."""
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        x = cast(x, dtypes.get_default_dtype())
    axes = normalize_axes(axis, x._data.ndim, x._data.shape)
    return Std.apply(x, axes, int(ddof), bool(keepdims))


class LogSumExp(Op):
    """log(sum(exp(x)));  d/dx = grad * exp(x - out)  (softmax of x)"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "logsumexp"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        out = stable_logsumexp(x, axes)
        if not keepdims:
            out = out.reshape([n for i, n in enumerate(x.shape) if i not in axes])
        # Saving the returned array lets create_graph differentiate through `out`.
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        out = out.reshape(kept_shape(ctx.shape, ctx.axes))
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims) * np.exp(x - out), None, None


def stable_logsumexp(x: np.ndarray, axes: tuple) -> np.ndarray:
    """log(sum(exp(x))) over `axes`, kept as size 1; exact for |x| up to the dtype's range."""
    # Shifting by the maximum keeps exp() from overflowing; a slice of -inf (or
    # inf) is shifted by 0 so that it gives -inf (inf) rather than nan.
    # `initial` makes empty slices give log(0) = -inf instead of failing.
    shift = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0).astype(x.dtype, copy=False)
    total = np.exp(x - shift).sum(axis=axes, keepdims=True)
    return np.log(total) + shift


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """log(sum(exp(x))) over `axis`, stable for large |x|.

    >>> import autograd_lite as al
    >>> al.tensor([1e4, 1e4]).logsumexp().item() - 1e4
    0.693359375
    """
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        x = cast(x, dtypes.get_default_dtype())
    axes = normalize_axes(axis, x._data.ndim, x._data.shape)
    return LogSumExp.apply(x, axes, bool(keepdims))


def _arg_extreme(method: str, x: Any, axis: Any) -> Tensor:
    x = as_tensor(x)
    if axis is not None:
        (axis,) = normalize_axes(axis, x._data.ndim, x._data.shape) or (None,)
    if x._data.size == 0 and (axis is None or x._data.shape[axis] == 0):
        raise ValueError(f"{method}() of an empty tensor (shape {x.shape}) over a zero-size axis")
    return Tensor._make(np.asarray(getattr(x._data, method)(axis=axis), dtype=np.int64), None)


def argmax(x: Any, axis: Any = None) -> Tensor:
    """Index of the maximum (flat index when axis is None); no gradient."""
    return _arg_extreme("argmax", x, axis)


def argmin(x: Any, axis: Any = None) -> Tensor:
    """Index of the minimum (flat index when axis is None); no gradient."""
    return _arg_extreme("argmin", x, axis)


Tensor.sum = sum
Tensor.mean = mean
Tensor.max = max
Tensor.min = min
Tensor.var = var
Tensor.std = std
Tensor.logsumexp = logsumexp
Tensor.argmax = argmax
Tensor.argmin = argmin
