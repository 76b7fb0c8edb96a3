"""Copies: `astype` (a copy in another dtype) and `clone` (a copy in the same dtype)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor, as_tensor


class AsType(Op):
    """x in another dtype;  d/dx = grad (cast back to x's dtype by the engine)"""

    __slots__ = ()
    name = "astype"

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def astype(x: Any, dtype: Any) -> Tensor:
    """A copy of `x` in `dtype`; gradients flow between floating dtypes.

    >>> import autograd_lite as al
    >>> al.tensor([1.5, 2.5]).astype("float64").dtype
    dtype('float64')
    """
    x = as_tensor(x)
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"astype expects a NumPy dtype, got {dtype!r}") from None
    if dtype.kind not in "biuf":
        raise TypeError(f"cannot cast a tensor to dtype {dtype}; expected a real number or bool dtype")
    if x._requires_grad and dtype.kind != "f":
        return Tensor._make(x._data.astype(dtype), None)
    return AsType.apply(x, dtype)


def cast(x: Tensor, dtype: np.dtype) -> Tensor:
    """`x` itself if it has `dtype`, else a differentiable copy in `dtype`."""
    return x if x._data.dtype == dtype else astype(x, dtype)


class Clone(Op):
    """a copy of x;  d/dx = grad"""

    __slots__ = ()
    name = "clone"

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(x: Any) -> Tensor:
    """A copy of `x` with its own memory, recorded in the graph (PyTorch's `clone`).

    >>> import autograd_lite as al
    >>> x = al.tensor([1.0, 2.0], requires_grad=True)
    >>> x.clone().grad_fn.name
    'clone'
    """
    return Clone.apply(as_tensor(x))


Tensor.astype = astype
Tensor.float = lambda self: astype(self, np.float32)
Tensor.double = lambda self: astype(self, np.float64)
Tensor.clone = clone
