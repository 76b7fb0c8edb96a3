"""Arithmetic operators: + - * / // % ** and unary minus, `fmod`, comparisons, and the
bitwise `& | ^ ~` of bool and integer tensors; their PyTorch method names (`add`, `eq`, ...)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import dtypes
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, binary_operands, quiet


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


def add(a: Any, b: Any, alpha: Any = 1) -> Tensor:
    """Elementwise a + alpha * b with NumPy broadcasting (PyTorch's `add`).

    >>> import autograd_lite as al
    >>> al.add(al.tensor([1.0, 2.0]), 1.0, alpha=2)
    tensor([3., 4.])
    """
    if alpha != 1:
        b = _scaled(a, b, alpha)
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


def sub(a: Any, b: Any, alpha: Any = 1) -> Tensor:
    """Elementwise a - alpha * b with NumPy broadcasting (PyTorch's `sub`).

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 2.0]).sub(1.0, alpha=0.5)
    tensor([0.5, 1.5])
    """
    if alpha != 1:
        b = _scaled(a, b, alpha)
    a, b = binary_operands(a, b)
    return Sub.apply(a, b)


def _scaled(a: Any, b: Any, alpha: Any) -> Any:
    """alpha * b for add/sub; PyTorch refuses a float alpha with integer operands."""
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, (int, float, np.number)):
        raise TypeError(f"alpha must be a real number, got {alpha!r}")
    if isinstance(alpha, (float, np.floating)) and _is_integral(a) and _is_integral(b):
        raise TypeError(f"for integer or bool operands alpha must be an integer, got {alpha!r}")
    return mul(b, alpha) if isinstance(b, Tensor) else b * alpha


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


class RoundedDiv(Op):
    """a / b rounded toward zero ("trunc") or down ("floor");  d/da = d/db = 0 (PyTorch's)"""

    __slots__ = ()
    name = "div"

    @staticmethod
    def forward(ctx, a, b, rounding_mode):
        if rounding_mode == "floor":
            return np.floor_divide(a, b)
        if np.result_type(a, b).kind == "f":
            return np.trunc(a / b)
        quotient = np.floor_divide(a, b)
        # Integer floor division rounds negative quotients down: move them up when inexact.
        return quotient + ((quotient < 0) & (quotient * b != a))

    @staticmethod
    def backward(ctx, grad):
        zero = grad * 0
        return zero, zero, None


def div(a: Any, b: Any, rounding_mode: str | None = None) -> Tensor:
    """Elementwise a / b; `rounding_mode` None (true division; integer operands give the
    default float dtype), "trunc" or "floor" (which keep integer dtypes), as PyTorch's `div`.

    >>> import autograd_lite as al
    >>> al.tensor([5, -7]).div(2, rounding_mode="floor")
    tensor([ 2, -4])
    """
    if rounding_mode is not None:
        if rounding_mode not in ("trunc", "floor"):
            raise ValueError(
                f"div expected rounding_mode to be one of None, 'trunc', or 'floor', got {rounding_mode!r}"
            )
        a, b = binary_operands(a, b)
        if not isinstance(a, Tensor):
            a = as_tensor(a)
        if _is_integral(a) and _is_integral(b) and np.any(_values(b) == 0):
            raise RuntimeError("ZeroDivisionError: integer division by zero in div")
        return RoundedDiv.apply(a, b, rounding_mode)
    a, b = binary_operands(a, b)
    if _is_integral(a) and _is_integral(b):
        float_dtype = dtypes.get_default_dtype()
        a, b = as_tensor(a).astype(float_dtype), as_tensor(b).astype(float_dtype)
    return Div.apply(a, b)


class Remainder(Op):
    """a mod b with the sign of b (Python's %);  d/da = grad,  d/db = -grad * floor(a / b)"""

    __slots__ = ()
    name = "remainder"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with quiet():  # x % 0 and inf % x are nan, as PyTorch's, without NumPy's warning
            return np.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, (-grad * _quotient(a, b, "floor") if ctx.inputs[1] is not None else None)


class Fmod(Op):
    """a mod b with the sign of a (C's fmod);  d/da = grad,  d/db = -grad * trunc(a / b)"""

    __slots__ = ()
    name = "fmod"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with quiet():
            return np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, (-grad * _quotient(a, b, "trunc") if ctx.inputs[1] is not None else None)


def _quotient(a, b, rounding_mode):
    """The rounded quotient as a constant (its derivative is zero almost everywhere), also
    when a rule runs on Tensors under create_graph."""
    with quiet():  # x / 0 is inf or nan here, as in PyTorch's gradient
        return RoundedDiv.forward(None, _values(a), _values(b), rounding_mode)


def _modulo_operands(a: Any, b: Any, name: str) -> tuple[Any, Any]:
    a, b = binary_operands(a, b)
    if _is_bool(a) and _is_bool(b):
        raise NotImplementedError(
            f"{name} is not defined on two bool operands (as PyTorch); cast one to an integer dtype"
        )
    if _is_integral(a) and _is_integral(b) and np.any(_values(b) == 0):
        raise RuntimeError(f"ZeroDivisionError: integer division by zero in {name}")
    return a, b


def remainder(a: Any, b: Any) -> Tensor:
    """Elementwise a mod b with the sign of `b`, as Python's `%`, PyTorch's `remainder` and
    NumPy's `mod`; `x % 0` is nan for floats, a RuntimeError for integers.

    >>> import autograd_lite as al
    >>> al.tensor([5.0, -5.0]) % 3, al.remainder(al.tensor([5, -5]), -3)
    (tensor([2., 1.]), tensor([-1, -2]))
    """
    a, b = _modulo_operands(a, b, "remainder")
    return Remainder.apply(a, b)


def fmod(a: Any, b: Any) -> Tensor:
    """Elementwise a mod b with the sign of `a`, as C's `fmod`, PyTorch's and NumPy's.

    >>> import autograd_lite as al
    >>> al.fmod(al.tensor([5.0, -5.0]), 3)
    tensor([ 2., -2.])
    """
    a, b = _modulo_operands(a, b, "fmod")
    return Fmod.apply(a, b)


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
        out = _power(a, b)
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


def _power(a, b):
    """a ** b (arrays, or Tensors under create_graph). Where the result is inf or nan by
    definition (0 ** -1, (-8) ** 0.5) it is returned without NumPy's warning, as PyTorch does."""
    if b.__class__ is int and b >= 0:
        return np.power(a, b)  # x ** 2 and the like, the common case: no flag to silence
    with quiet():
        return np.power(a, b)


def _pow_base_grad(grad, a, b):
    if isinstance(b, (int, float)):
        # A constant exponent: b * a**(b-1), and exactly 0 for b == 0 (not 0 * inf at a = 0).
        return grad * 0.0 if b == 0 else grad * (b * _power(a, b - 1))
    both_zero = (_values(b) == 0) & (_values(a) == 0)
    if both_zero.any():
        # PyTorch's value there is 0, not 0 * 0**-1 = nan: where a == b == 0 the exponent
        # becomes 0 (a constant mask), so b * a**0 = 0. Elsewhere, b == 0 included, the
        # expression stays b * a**(b-1), whose derivative in b is a**(b-1) (1/a at b = 0).
        return grad * (b * _power(a, np.where(both_zero, 0.0, b - 1)))
    with quiet():  # 0 * inf and the like: nan, as PyTorch
        return grad * (b * _power(a, b - 1))


def _pow_exponent_grad(grad, a, b, out):
    # d/db a**b = out * log(a); PyTorch takes it as 0 where a == 0 and b >= 0,
    # which log(1) = 0 gives once those bases are replaced by 1 (a constant mask).
    zero = (_values(a) == 0) & (_values(b) >= 0)
    if zero.any():
        a = np.where(zero, 1.0, a)
    with quiet():  # log(0) = -inf for a negative exponent, log of a negative base nan: as PyTorch
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
    if _is_integral(a) and _is_integral(b) and np.any(_values(b) < 0):
        # Raised for every base, empty ones included (NumPy checks only when it computes).
        raise ValueError("Integers to negative integer powers are not allowed; use a float base")
    return Pow.apply(a, b)


def _is_bool(value: Any) -> bool:
    return value._data.dtype.kind == "b" if isinstance(value, Tensor) else isinstance(value, (bool, np.bool_))


def square(x: Any) -> Tensor:
    """Elementwise x ** 2 (integer dtypes stay integer).

    >>> import autograd_lite as al
    >>> al.square(al.tensor([-2.0, 3.0]))
    tensor([4., 9.])
    """
    return pow(x, 2)


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


def eq(a: Any, b: Any) -> Tensor:
    """Elementwise a == b as a bool tensor (no gradient).

    >>> import autograd_lite as al
    >>> al.eq(al.tensor([1, 2]), 2)
    tensor([False,  True])
    """
    return compare(np.equal, a, b)


def ne(a: Any, b: Any) -> Tensor:
    """Elementwise a != b as a bool tensor (no gradient)."""
    return compare(np.not_equal, a, b)


def lt(a: Any, b: Any) -> Tensor:
    """Elementwise a < b as a bool tensor (no gradient)."""
    return compare(np.less, a, b)


def le(a: Any, b: Any) -> Tensor:
    """Elementwise a <= b as a bool tensor (no gradient)."""
    return compare(np.less_equal, a, b)


def gt(a: Any, b: Any) -> Tensor:
    """Elementwise a > b as a bool tensor (no gradient)."""
    return compare(np.greater, a, b)


def ge(a: Any, b: Any) -> Tensor:
    """Elementwise a >= b as a bool tensor (no gradient)."""
    return compare(np.greater_equal, a, b)


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """Elementwise |a - b| <= atol + rtol * |b| as a bool tensor (PyTorch's `isclose`).

    >>> import autograd_lite as al
    >>> al.isclose(al.tensor([1.0, 2.0]), al.tensor([1.0, 2.1]))
    tensor([ True, False])
    """
    a_data = a._data if isinstance(a, Tensor) else _comparable(a)
    b_data = b._data if isinstance(b, Tensor) else _comparable(b)
    try:
        result = np.isclose(a_data, b_data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError as error:
        raise ValueError(
            f"isclose: shapes {np.shape(a_data)} and {np.shape(b_data)} do not broadcast: {error}"
        ) from None
    return Tensor._make(np.asarray(result), None)


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether every element of `a` is close to `b`'s (see `isclose`), as a Python bool.

    >>> import autograd_lite as al
    >>> al.allclose(al.tensor([1.0, 2.0]), al.tensor([1.0, 2.0 + 1e-9]))
    True
    """
    return bool(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)._data.all())


def equal(a: Any, b: Any) -> bool:
    """True if `a` and `b` have the same shape and the same values (PyTorch's `equal`).

    >>> import autograd_lite as al
    >>> al.equal(al.tensor([1, 2]), al.tensor([1.0, 2.0]))
    True
    """
    a_data, b_data = as_tensor(a)._data, as_tensor(b)._data
    return a_data.shape == b_data.shape and bool(np.array_equal(a_data, b_data))


def bitwise(ufunc: Callable, a: Any, b: Any) -> Tensor:
    """`& | ^` of bool or integer tensors (PyTorch's promotion; no gradient)."""
    a, b = binary_operands(a, b)
    for operand in (a, b):
        kind = operand._data.dtype.kind if isinstance(operand, Tensor) else np.asarray(operand).dtype.kind
        if kind not in "biu":
            dtype = operand._data.dtype if isinstance(operand, Tensor) else type(operand).__name__
            raise TypeError(f"{ufunc.__name__} is only defined on bool and integer tensors, got {dtype}")
    a_data = a._data if isinstance(a, Tensor) else a
    b_data = b._data if isinstance(b, Tensor) else b
    return Tensor._make(np.asarray(ufunc(a_data, b_data)), None)


def bitwise_not(x: Any) -> Tensor:
    """`~x`: logical not of a bool tensor, bitwise not of an integer tensor (no gradient).

    >>> import autograd_lite as al
    >>> ~al.tensor([True, False])
    tensor([False,  True])
    """
    x = as_tensor(x)
    if x._data.dtype.kind not in "biu":
        raise TypeError(f"~ is only defined on bool and integer tensors, got dtype {x._data.dtype}")
    return Tensor._make(np.invert(x._data), None)


Tensor.__add__ = add
Tensor.__radd__ = lambda self, other: add(other, self)
Tensor.__sub__ = sub
Tensor.__rsub__ = lambda self, other: sub(other, self)
Tensor.__mul__ = mul
Tensor.__rmul__ = lambda self, other: mul(other, self)
Tensor.__truediv__ = div
Tensor.__rtruediv__ = lambda self, other: div(other, self)
Tensor.__floordiv__ = lambda self, other: div(self, other, rounding_mode="floor")
Tensor.__rfloordiv__ = lambda self, other: div(other, self, rounding_mode="floor")
Tensor.__mod__ = remainder
Tensor.__rmod__ = lambda self, other: remainder(other, self)
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
Tensor.__and__ = lambda self, other: bitwise(np.bitwise_and, self, other)
Tensor.__rand__ = lambda self, other: bitwise(np.bitwise_and, other, self)
Tensor.__or__ = lambda self, other: bitwise(np.bitwise_or, self, other)
Tensor.__ror__ = lambda self, other: bitwise(np.bitwise_or, other, self)
Tensor.__xor__ = lambda self, other: bitwise(np.bitwise_xor, self, other)
Tensor.__rxor__ = lambda self, other: bitwise(np.bitwise_xor, other, self)
Tensor.__invert__ = bitwise_not
Tensor.add = add
Tensor.sub = sub
Tensor.mul = mul
Tensor.div = div
Tensor.pow = pow
Tensor.remainder = remainder
Tensor.fmod = fmod
Tensor.square = square
Tensor.neg = neg
Tensor.eq = eq
Tensor.ne = ne
Tensor.lt = lt
Tensor.le = le
Tensor.gt = gt
Tensor.ge = ge
Tensor.isclose = isclose
Tensor.allclose = allclose
Tensor.equal = equal
