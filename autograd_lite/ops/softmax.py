"""The softmax family: softmax and log_softmax along one axis, stable for large logits."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, cast, normalize_axis


class Softmax(Op):
    """exp(x) / sum(exp(x));  d/dx = out * (grad - sum(grad * out))"""

    __slots__ = ("axis",)
    name = "softmax"

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        # Subtracting the maximum keeps exp() finite for logits of any size.
        shifted = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))
        out = shifted / shifted.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.axis, keepdims=True)), None


class LogSoftmax(Op):
    """x - logsumexp(x);  d/dx = grad - exp(out) * sum(grad)"""

    __slots__ = ("axis",)
    name = "log_softmax"

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        # (x - max) - log(sum(exp(x - max))): subtracting the shift first keeps exp() finite
        # and log-probabilities near 0 exact (no cancellation against a large shift). A row
        # of -inf is shifted by 0, as in logsumexp.
        shift = np.max(x, axis=axis, keepdims=True, initial=-np.inf)  # initial: empty input
        shifted = x - np.where(np.isfinite(shift), shift, 0).astype(x.dtype, copy=False)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - np.exp(out) * grad.sum(axis=ctx.axis, keepdims=True), None


def _softmax_input(x: Any, dim: Any, axis: Any, dtype: Any) -> tuple[Tensor, int]:
    if dim is not None and axis is not None:
        raise TypeError("softmax takes dim= or its alias axis=, not both")
    axis = -1 if dim is None and axis is None else (dim if dim is not None else axis)
    x = as_tensor(x)
    if dtype is not None:
        x = cast(x, np.dtype(dtype))  # PyTorch's dtype=: the input is cast first
    elif x._data.dtype.kind != "f":
        x = cast(x, dtypes.get_default_dtype())
    if x._data.ndim == 0:
        normalize_axis(axis, 1, x._data.shape)  # as PyTorch: a 0-d tensor takes axis 0 or -1
        return x.reshape(1), 0
    return x, normalize_axis(axis, x._data.ndim, x._data.shape)


def softmax(x: Any, dim: int | None = None, dtype: Any = None, *, axis: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, exact for logits of magnitude 1e4.

    Args:
        x: the logits.
        dim: the dimension that sums to 1 (default -1; NumPy's `axis=` is an alias).
        dtype: cast `x` to this dtype first, as PyTorch's `dtype=`.

    >>> import autograd_lite as al
    >>> al.softmax(al.tensor([0.0, 0.0]), dim=0).tolist()
    [0.5, 0.5]
    """
    shape = as_tensor(x).shape
    x, axis = _softmax_input(x, dim, axis, dtype)
    out = Softmax.apply(x, axis)
    return out.reshape(shape) if out.shape != shape else out


def log_softmax(x: Any, dim: int | None = None, dtype: Any = None, *, axis: int | None = None) -> Tensor:
    """log(softmax(x)) along `dim` (default -1; `axis=` is an alias), computed as
    x - logsumexp(x) (no log of 0); `dtype` casts `x` first, as PyTorch's.

    >>> import autograd_lite as al
    >>> al.log_softmax(al.tensor([0.0, 0.0]), dim=0).tolist()
    [-0.6931471824645996, -0.6931471824645996]
    """
    shape = as_tensor(x).shape
    x, axis = _softmax_input(x, dim, axis, dtype)
    out = LogSoftmax.apply(x, axis)
    return out.reshape(shape) if out.shape != shape else out


Tensor.softmax = softmax
Tensor.log_softmax = log_softmax
