"""Arithmetic operators: + - * / ** and unary minus, dtype casts, comparisons."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import dtypes
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, binary_operands


class Add(Op):
    """a + b;  d/da = grad,  d/db = grad"""

    __slots__ = ()
    name = "add"

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


def add(a: Any, b: Any) -> Tensor:
    """Elementwise a + b with NumPy broadcasting.

    >>> import autograd_lite as al
    >>> al.add(al.tensor([1.0, 2.0]), 1.0)
    tensor([2., 3.])
    """
    a, b = binary_operands(a, b)
    return Add.apply(a, b)


class Sub(Op):
    """a - b;  d/da = grad,  d/db = -grad"""

    __slots__ = ()
    name = "sub"

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad


def sub(a: Any, b: Any) -> Tensor:
    """Elementwise a - b with NumPy broadcasting."""
    a, b = binary_operands(a, b)
    return Sub.apply(a, b)


class Mul(Op):
    """a * b;  d/da = grad * b,  d/db = grad * a"""

    __slots__ = ()
    name = "mul"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        needs_a, needs_b = ctx.inputs
        return (
            grad * b if needs_a is not None else None,
            grad * a if needs_b is not None else None,
        )


def mul(a: Any, b: Any) -> Tensor:
    """Elementwise a * b with NumPy broadcasting."""
    a, b = binary_operands(a, b)
    return Mul.apply(a, b)


class Div(Op):
    """a / b;  d/da = grad / b,  d/db = -grad * out / b"""

    __slots__ = ()
    name = "div"

    @staticmethod
    def forward(ctx, a, b):
        out = a / b
        ctx.save_for_backward(b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        b, out = ctx.saved_tensors
        grad_a = grad / b
        return grad_a, (-grad_a * out if ctx.inputs[1] is not None else None)


def div(a: Any, b: Any) -> Tensor:
    """Elementwise true division; integer operands give the default float dtype."""
    a, b = binary_operands(a, b)
    if _is_integral(a) and _is_integral(b):
        float_dtype = dtypes.get_default_dtype()
        a, b = as_tensor(a).astype(float_dtype), as_tensor(b).astype(float_dtype)
    return Div.apply(a, b)


def _is_integral(value: Any) -> bool:
    if isinstance(value, Tensor):
        return value._data.dtype.kind in "biu"
    return isinstance(value, int)


class Pow(Op):
    """a ** b;  d/da = grad * b * a**(b-1),  d/db = grad * out * log(a) (0 where a = 0, b >= 0)"""

    __slots__ = ()
    name = "pow"

    @staticmethod
    def forward(ctx, a, b):
        out = np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.inputs[0] is not None:
            grad_a = _pow_base_grad(grad, a, b)
        if ctx.inputs[1] is not None:
            grad_b = _pow_exponent_grad(grad, a, b, out)
        return grad_a, grad_b


def _pow_base_grad(grad, a, b):
    if isinstance(b, (int, float)):
        # A constant exponent: b * a**(b-1), and exactly 0 for b == 0 (not 0 * inf at a = 0).
        return grad * 0.0 if b == 0 else grad * (b * a ** (b - 1))
    both_zero = (_values(b) == 0) & (_values(a) == 0)
    if both_zero.any():
        # PyTorch's value there is 0, not 0 * 0**-1 = nan: where a == b == 0 the exponent
        # becomes 0 (a constant mask), so b * a**0 = 0. Elsewhere, b == 0 included, the
        # expression stays b * a**(b-1), whose derivative in b is a**(b-1) (1/a at b = 0).
        return grad * (b * a ** np.where(both_zero, 0.0, b - 1))
    return grad * (b * a ** (b - 1))


def _pow_exponent_grad(grad, a, b, out):
    # d/db a**b = out * log(a); PyTorch takes it as 0 where a == 0 and b >= 0,
    # which log(1) = 0 gives once those bases are replaced by 1 (a constant mask).
    zero = (_values(a) == 0) & (_values(b) >= 0)
    if zero.any():
        a = np.where(zero, 1.0, a)
    return grad * out * np.log(a)


def _values(value):
    return value._data if isinstance(value, Tensor) else np.asarray(value)


def pow(a: Any, b: Any) -> Tensor:  # noqa: A001 - NumPy/PyTorch's name
    """Elementwise a ** b.

    >>> import autograd_lite as al
    >>> al.tensor([2.0, 3.0]) ** 2
    tensor([4., 9.])
    """
    a, b = binary_operands(a, b)
    if _is_bool(a) and _is_bool(b):
        raise TypeError("pow of two bool operands is not supported (as PyTorch); cast one to a number dtype")
    return Pow.apply(a, b)


def _is_bool(value: Any) -> bool:
    return value._data.dtype.kind == "b" if isinstance(value, Tensor) else isinstance(value, (bool, np.bool_))


class Neg(Op):
    """-x;  d/dx = -grad"""

    __slots__ = ()
    name = "neg"

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


def neg(x: Any) -> Tensor:
    """Elementwise -x."""
    x = as_tensor(x)
    if x._data.dtype.kind == "b":
        raise TypeError("negation of a bool tensor is not supported; use ~ on the array or logical ops")
    return Neg.apply(x)


def _comparable(value: Any) -> Any:
    """A real scalar as is; anything else through the Tensor constructor's checks."""
    if isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)):
        return value
    return as_tensor(value)._data


def compare(ufunc: Callable, a: Any, b: Any) -> Tensor:
    """A comparison ufunc on tensors' data: a bool Tensor with no gradient."""
    a_data = a._data if isinstance(a, Tensor) else _comparable(a)
    b_data = b._data if isinstance(b, Tensor) else _comparable(b)
    try:
        result = ufunc(a_data, b_data)
    except ValueError as error:
        raise ValueError(
            f"cannot compare tensors of shapes {np.shape(a_data)} and {np.shape(b_data)}: {error}"
        ) from None
    return Tensor._make(np.asarray(result), None)


Tensor.__add__ = add
Tensor.__radd__ = lambda self, other: add(other, self)
Tensor.__sub__ = sub
Tensor.__rsub__ = lambda self, other: sub(other, self)
Tensor.__mul__ = mul
Tensor.__rmul__ = lambda self, other: mul(other, self)
Tensor.__truediv__ = div
Tensor.__rtruediv__ = lambda self, other: div(other, self)
Tensor.__pow__ = pow
Tensor.__rpow__ = lambda self, other: pow(other, self)
Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self
Tensor.__lt__ = lambda self, other: compare(np.less, self, other)
Tensor.__le__ = lambda self, other: compare(np.less_equal, self, other)
Tensor.__gt__ = lambda self, other: compare(np.greater, self, other)
Tensor.__ge__ = lambda self, other: compare(np.greater_equal, self, other)
Tensor.__eq__ = lambda self, other: compare(np.equal, self, other)
Tensor.__ne__ = lambda self, other: compare(np.not_equal, self, other)
