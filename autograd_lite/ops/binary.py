"""More elementwise functions of two tensors: atan2, hypot, logaddexp, logaddexp2, the
nan-ignoring fmax and fmin, and the linear interpolation `lerp` (three operands). All
broadcast; PyTorch's gradients, also where they are 0, inf or nan by definition."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, binary_operands, cast, has_zero, silent
from .elementwise import sigmoid_of

_LN2 = float(np.log(2.0))


def _data(value: Any) -> Any:
    return value._data if isinstance(value, Tensor) else value


def _is_float(value: Any) -> bool:
    return value._data.dtype.kind == "f" if isinstance(value, Tensor) else isinstance(value, float)


def _float_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """PyTorch's promotion of a and b, and the default float dtype when both are integers."""
    a, b = binary_operands(a, b)
    if not (_is_float(a) or _is_float(b)):
        dtype = dtypes.get_default_dtype()
        a, b = cast(as_tensor(a), dtype), cast(as_tensor(b), dtype)
    return a, b


class Atan2(Op):
    """the angle of the point (b, a), atan(a / b) in (-pi, pi];
    d/da = grad * b / (a**2 + b**2),  d/db = -grad * a / (a**2 + b**2)  (0 at the origin, as PyTorch)"""

    __slots__ = ()
    name = "atan2"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        with silent():  # the squares overflow to inf, inf / inf is nan: as PyTorch
            squared_radius = a * a + b * b
            if has_zero(squared_radius):
                # At the origin both numerators are 0: a constant 1 below them gives PyTorch's 0.
                squared_radius = np.where(_data(squared_radius) == 0, 1.0, squared_radius)
            return (
                grad * (b / squared_radius) if ctx.inputs[0] is not None else None,
                grad * (-a / squared_radius) if ctx.inputs[1] is not None else None,
            )


def atan2(a: Any, b: Any) -> Tensor:
    """Elementwise angle of the point (x=b, y=a) in (-pi, pi], broadcasting; integers give
    the default float dtype; `arctan2` is the same.

    >>> import autograd_lite as al
    >>> [round(angle, 6) for angle in al.atan2(al.tensor([1.0, 0.0]), al.tensor([0.0, -1.0])).tolist()]
    [1.570796, 3.141593]
    """
    a, b = _float_operands(a, b)
    return Atan2.apply(a, b)


arctan2 = atan2


class Hypot(Op):
    """sqrt(a**2 + b**2) without overflow;  d/da = grad * a / out,  d/db = grad * b / out  (nan at 0, as PyTorch)"""

    __slots__ = ()
    name = "hypot"

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        with silent():  # 0 / 0 at the origin: nan, as PyTorch
            return (
                grad * a / out if ctx.inputs[0] is not None else None,
                grad * b / out if ctx.inputs[1] is not None else None,
            )


def hypot(a: Any, b: Any) -> Tensor:
    """Elementwise sqrt(a**2 + b**2), exact where the squares would overflow; broadcasting.

    >>> import autograd_lite as al
    >>> al.hypot(al.tensor([3.0, 3e30]), al.tensor([4.0, 4e30]))
    tensor([5.e+00, 5.e+30])
    """
    a, b = _float_operands(a, b)
    return Hypot.apply(a, b)


class LogAddExp(Op):
    """log(exp(a) + exp(b)) without overflow;  d/da = grad * sigmoid(a - b),  d/db = grad * sigmoid(b - a)"""

    __slots__ = ()
    name = "logaddexp"

    @staticmethod
    def forward(ctx, a, b):
        with silent():  # nan in, nan out, as PyTorch
            out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        with silent():  # inf - inf where both are the same infinity
            difference = a - b
            return grad * sigmoid_of(difference), grad * sigmoid_of(-difference)


def logaddexp(a: Any, b: Any) -> Tensor:
    """Elementwise log(exp(a) + exp(b)), stable for large |a|, |b|; broadcasting.

    >>> import autograd_lite as al
    >>> x = al.tensor([1000.0, -1000.0], dtype=al.float64)
    >>> [round(value, 6) for value in (al.logaddexp(x, x) - x).tolist()]  # log(2 exp(x)) - x
    [0.693147, 0.693147]
    """
    a, b = _float_operands(a, b)
    return LogAddExp.apply(a, b)


class LogAddExp2(Op):
    """log2(2**a + 2**b) without overflow;
    d/da = grad * sigmoid((a - b) ln 2),  d/db = grad * sigmoid((b - a) ln 2)"""

    __slots__ = ()
    name = "logaddexp2"

    @staticmethod
    def forward(ctx, a, b):
        with silent():  # nan in, nan out, as PyTorch
            out = np.logaddexp2(a, b)
        ctx.save_for_backward(a, b)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        with silent():  # inf - inf where both are the same infinity
            difference = (a - b) * _LN2
            return grad * sigmoid_of(difference), grad * sigmoid_of(-difference)


def logaddexp2(a: Any, b: Any) -> Tensor:
    """Elementwise log2(2**a + 2**b), stable for large |a|, |b|; broadcasting."""
    a, b = _float_operands(a, b)
    return LogAddExp2.apply(a, b)


class Fmax(Op):
    """max(a, b), the number where the other is nan;
    the gradient goes to a where a >= b or b is nan, else to b (PyTorch's rule: ties to a)"""

    __slots__ = ()
    name = "fmax"

    @staticmethod
    def forward(ctx, a, b):
        to_a = (a >= b) | np.isnan(b)
        ctx.save_for_backward(to_a)
        # a on ties, as PyTorch: fmax(-0.0, 0.0) is -0.0 (NumPy's fmax gives 0.0).
        return np.where(to_a, a, b)

    @staticmethod
    def backward(ctx, grad):
        (to_a,) = ctx.saved_tensors
        return np.where(to_a, grad, 0), np.where(to_a, 0, grad)  # +0.0 elsewhere, as PyTorch


class Fmin(Op):
    """min(a, b), the number where the other is nan;
    the gradient goes to a where a <= b or b is nan, else to b (PyTorch's rule: ties to a)"""

    __slots__ = ()
    name = "fmin"

    @staticmethod
    def forward(ctx, a, b):
        to_a = (a <= b) | np.isnan(b)
        ctx.save_for_backward(to_a)
        return np.where(to_a, a, b)

    @staticmethod
    def backward(ctx, grad):
        (to_a,) = ctx.saved_tensors
        return np.where(to_a, grad, 0), np.where(to_a, 0, grad)  # +0.0 elsewhere, as PyTorch


def fmax(a: Any, b: Any) -> Tensor:
    """Elementwise maximum that ignores nan (nan only where both are), broadcasting.

    >>> import autograd_lite as al
    >>> al.fmax(al.tensor([1.0, float("nan")]), al.tensor([float("nan"), 2.0]))
    tensor([1., 2.])
    """
    a, b = binary_operands(a, b)
    return Fmax.apply(a, b)


def fmin(a: Any, b: Any) -> Tensor:
    """Elementwise minimum that ignores nan (nan only where both are), broadcasting."""
    a, b = binary_operands(a, b)
    return Fmin.apply(a, b)


class Lerp(Op):
    """start + weight * (end - start);  d/dstart = grad * (1 - weight),  d/dend = grad * weight,
    d/dweight = grad * (end - start)"""

    __slots__ = ()
    name = "lerp"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        with silent():  # inf - inf and 0 * inf: nan, as PyTorch
            difference = end - start
            # PyTorch's two forms: from start for small weights, from end for the others,
            # so that weight 1 gives end exactly.
            return np.where(
                np.abs(weight) < 0.5, start + weight * difference, end - difference * (1 - weight)
            )

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        with silent():  # inf - inf where both are the same infinity
            return (
                grad * (1 - weight) if ctx.inputs[0] is not None else None,
                grad * weight if ctx.inputs[1] is not None else None,
                grad * (end - start) if ctx.inputs[2] is not None else None,
            )


def _lerp_weight(weight: Any, dtype: np.dtype) -> Any:
    if isinstance(weight, (Tensor, np.ndarray, list)):
        weight = as_tensor(weight)
        if weight._data.dtype.kind != "f" or (weight._data.dtype != dtype and weight.ndim):
            raise RuntimeError(
                f"lerp: expected a weight of dtype {dtype} like the input, got {weight._data.dtype}"
            )
        return cast(weight, dtype)
    if isinstance(weight, (bool, np.bool_)) or not isinstance(weight, (int, float, np.number)):
        raise TypeError(f"lerp: weight must be a real number or a tensor, got {weight!r}")
    return float(weight)


def lerp(input: Any, end: Any, weight: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """Elementwise linear interpolation input + weight * (end - input), broadcasting all
    three; `weight` a number or a tensor (which gets a gradient too). `input` and `end` are
    float tensors of one dtype, as PyTorch's.

    >>> import autograd_lite as al
    >>> al.lerp(al.tensor([0.0, 10.0]), al.tensor([10.0, 20.0]), 0.25)
    tensor([ 2.5, 12.5])
    """
    start = as_tensor(input)
    dtype = start._data.dtype
    if dtype.kind != "f":
        raise RuntimeError(f"lerp is defined on float tensors only (as PyTorch), got {dtype}")
    end = end if isinstance(end, Tensor) else as_tensor(np.asarray(end, dtype=dtype))
    if end._data.dtype != dtype:
        raise RuntimeError(f"lerp: expected end of dtype {dtype} like the input, got {end._data.dtype}")
    weight = _lerp_weight(weight, dtype)
    try:
        np.broadcast_shapes(start.shape, end.shape, np.shape(_data(weight)))
    except ValueError:
        raise ValueError(
            f"lerp: the shapes of input {start.shape}, end {end.shape} and weight "
            f"{np.shape(_data(weight))} do not broadcast"
        ) from None
    return Lerp.apply(start, end, weight)


Tensor.atan2 = Tensor.arctan2 = atan2
Tensor.hypot = hypot
Tensor.logaddexp = logaddexp
Tensor.logaddexp2 = logaddexp2
Tensor.fmax = fmax
Tensor.fmin = fmin
Tensor.lerp = lerp
