"""Questions about values (isnan, isinf, isfinite, isposinf, isneginf), the logical
operators, and `nan_to_num`, which replaces the values that are not finite."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor
from .arithmetic import compare


def _predicate(ufunc: Callable, x: Any, integral: bool) -> Tensor:
    """A bool Tensor (no gradient) of `ufunc` on float data; integer and bool data are
    never nan or infinite, so they give `integral` everywhere without looking."""
    data = as_tensor(x)._data
    if data.dtype.kind in "fc":
        return Tensor._make(np.asarray(ufunc(data)), None)
    return Tensor._make(np.full(data.shape, integral), None)


def isnan(x: Any) -> Tensor:
    """Elementwise `x != x` as a bool tensor (no gradient).

    >>> import autograd_lite as al
    >>> al.isnan(al.tensor([1.0, float("nan")]))
    tensor([False,  True])
    """
    return _predicate(np.isnan, x, False)


def isinf(x: Any) -> Tensor:
    """Elementwise whether x is +inf or -inf, as a bool tensor (no gradient)."""
    return _predicate(np.isinf, x, False)


def isposinf(x: Any) -> Tensor:
    """Elementwise whether x is +inf, as a bool tensor (no gradient)."""
    return _predicate(np.isposinf, x, False)


def isneginf(x: Any) -> Tensor:
    """Elementwise whether x is -inf, as a bool tensor (no gradient)."""
    return _predicate(np.isneginf, x, False)


def isfinite(x: Any) -> Tensor:
    """Elementwise whether x is neither nan nor infinite, as a bool tensor (no gradient).

    >>> import autograd_lite as al
    >>> al.tensor([1.0, float("inf"), float("nan")]).isfinite()
    tensor([ True, False, False])
    """
    return _predicate(np.isfinite, x, True)


class NanToNum(Op):
    """x with nan, +inf and -inf replaced by numbers;  d/dx = grad where x is finite, else 0 (as PyTorch)"""

    __slots__ = ()
    name = "nan_to_num"

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(np.isfinite(x))
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (finite,) = ctx.saved_tensors
        return grad * finite, None, None, None


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """x with nan replaced by `nan`, +inf by `posinf` and -inf by `neginf` (by default the
    dtype's largest and smallest finite values), as PyTorch's. The gradient passes where x
    is finite. Integer and bool tensors are returned as a copy.

    >>> import autograd_lite as al
    >>> al.nan_to_num(al.tensor([float("nan"), float("inf"), -1.0]), posinf=9.0)
    tensor([ 0.,  9., -1.])
    """
    for option, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, np.number))):
            raise TypeError(f"nan_to_num: {option} must be a real number or None, got {value!r}")
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        return Tensor._make(x._data.copy(), None)
    return NanToNum.apply(x, nan, posinf, neginf)


def logical_not(x: Any) -> Tensor:
    """Elementwise `not x` (zero is False, anything else True) as a bool tensor (no gradient).

    >>> import autograd_lite as al
    >>> al.logical_not(al.tensor([0.0, 2.0]))
    tensor([ True, False])
    """
    return Tensor._make(np.logical_not(as_tensor(x)._data), None)


def logical_and(a: Any, b: Any) -> Tensor:
    """Elementwise `a and b` of the values' truth (zero is False), broadcasting; bool, no gradient.

    >>> import autograd_lite as al
    >>> al.logical_and(al.tensor([0, 1, 2]), al.tensor([True, True, False]))
    tensor([False,  True, False])
    """
    return compare(np.logical_and, a, b)


def logical_or(a: Any, b: Any) -> Tensor:
    """Elementwise `a or b` of the values' truth (zero is False), broadcasting; bool, no gradient."""
    return compare(np.logical_or, a, b)


def logical_xor(a: Any, b: Any) -> Tensor:
    """Elementwise exclusive or of the values' truth (zero is False), broadcasting; bool, no gradient."""
    return compare(np.logical_xor, a, b)


Tensor.isnan = isnan
Tensor.isinf = isinf
Tensor.isposinf = isposinf
Tensor.isneginf = isneginf
Tensor.isfinite = isfinite
Tensor.nan_to_num = nan_to_num
Tensor.logical_not = logical_not
Tensor.logical_and = logical_and
Tensor.logical_or = logical_or
Tensor.logical_xor = logical_xor
