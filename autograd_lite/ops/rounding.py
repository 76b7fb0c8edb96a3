"""Rounding to integers: floor, ceil, trunc (`fix`), round (half to even, with `decimals`)
and the fractional part `frac`. As PyTorch's, the rounding functions have a zero gradient
(they are flat between their jumps) and frac's is 1; integer tensors round to themselves."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, silent


class Flat(Op):
    """A step function of x;  d/dx = 0 (a zero gradient, as PyTorch's, not none)"""

    __slots__ = ()

    @staticmethod
    def backward(ctx, grad):
        # Zeros, not grad * 0: +0.0 also where the upstream gradient is negative, inf or
        # nan, as PyTorch's; a constant, so its own derivative is 0 too.
        return np.zeros(grad.shape, grad.dtype)


class Floor(Flat):
    """the largest integer <= x;  d/dx = 0"""

    __slots__ = ()
    name = "floor"
    forward = staticmethod(lambda ctx, x: np.floor(x))


class Ceil(Flat):
    """the smallest integer >= x;  d/dx = 0"""

    __slots__ = ()
    name = "ceil"
    forward = staticmethod(lambda ctx, x: np.ceil(x))


class Trunc(Flat):
    """x rounded toward zero;  d/dx = 0"""

    __slots__ = ()
    name = "trunc"
    forward = staticmethod(lambda ctx, x: np.trunc(x))


class Round(Flat):
    """x rounded to `decimals` places, halves to even;  d/dx = 0"""

    __slots__ = ()
    name = "round"

    @staticmethod
    def forward(ctx, x, decimals=0):
        if decimals == 0:
            return np.rint(x)
        # PyTorch's order of operations, in x's dtype: x * 10**d for d > 0, x / 10**-d
        # below, so that results agree to the last bit.
        with silent():  # beyond the dtype's range: inf or nan, as PyTorch's
            scale = np.asarray(10.0 ** abs(decimals), x.dtype)
            if decimals > 0:
                return np.rint(x * scale) / scale
            return np.rint(x / scale) * scale


def _rounded(op: type, x: Any, what: str, **options: Any) -> Tensor:
    x = as_tensor(x)
    kind = x._data.dtype.kind
    if kind == "f":
        return op.apply(x, **options)
    if kind == "b":
        raise NotImplementedError(
            f"{what} is not defined on bool tensors (as PyTorch); cast to a number dtype"
        )
    return Tensor._make(x._data.copy(), None)  # integers are already whole


def floor(x: Any) -> Tensor:
    """Elementwise largest integer not above x, in x's dtype; the gradient is 0.

    >>> import autograd_lite as al
    >>> al.floor(al.tensor([-1.5, 1.5]))
    tensor([-2.,  1.])
    """
    return _rounded(Floor, x, "floor")


def ceil(x: Any) -> Tensor:
    """Elementwise smallest integer not below x, in x's dtype; the gradient is 0."""
    return _rounded(Ceil, x, "ceil")


def trunc(x: Any) -> Tensor:
    """Elementwise x rounded toward zero, in x's dtype (`fix` is the same); the gradient is 0.

    >>> import autograd_lite as al
    >>> al.trunc(al.tensor([-1.5, 1.5]))
    tensor([-1.,  1.])
    """
    return _rounded(Trunc, x, "trunc")


fix = trunc


def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001 - PyTorch's name
    """Elementwise x rounded to `decimals` decimal places (negative: to tens, hundreds...),
    halves to the even neighbour, as PyTorch's and NumPy's; the gradient is 0.

    >>> import autograd_lite as al
    >>> al.round(al.tensor([0.5, 1.5, 2.5])), al.tensor([1.2345, 15.0]).round(decimals=-1)
    (tensor([0., 2., 2.]), tensor([ 0., 20.]))
    """
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        raise TypeError(f"round: decimals must be an int, got {decimals!r}")
    x = as_tensor(x)
    if decimals != 0 and x._data.dtype.kind != "f":
        raise NotImplementedError(
            f"round with decimals={decimals} is defined on float tensors only (as PyTorch), got {x._data.dtype}"
        )
    if decimals == 0:
        return _rounded(Round, x, "round")
    return Round.apply(x, decimals=int(decimals))


class Frac(Op):
    """x - trunc(x), with the sign of x;  d/dx = grad"""

    __slots__ = ()
    name = "frac"

    @staticmethod
    def forward(ctx, x):
        with silent():  # the frac of an infinity is nan, as PyTorch's
            return x - np.trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def frac(x: Any) -> Tensor:
    """Elementwise fractional part x - trunc(x) (negative for negative x); the gradient is 1.
    Float tensors only, as PyTorch's.

    >>> import autograd_lite as al
    >>> al.frac(al.tensor([-1.25, 2.5]))
    tensor([-0.25,  0.5 ])
    """
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f"frac is defined on float tensors only (as PyTorch), got {x._data.dtype}")
    return Frac.apply(x)


Tensor.floor = floor
Tensor.ceil = ceil
Tensor.trunc = trunc
Tensor.fix = fix
Tensor.round = round
Tensor.frac = frac
