"""Elementwise functions: exp, log, sqrt, abs, sin, cos, tanh and the activations,
clip, maximum, minimum, where. Conventions at kinks are stated in each docstring."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, binary_operands, cast, quiet
from .gather import nonzero
from .special import erf_float32, erf_of


def _unary_input(x: Any) -> Tensor:
    """`x` as a Tensor; integer and bool data become the default float dtype (as PyTorch)."""
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        x = cast(x, dtypes.get_default_dtype())
    return x


class Exp(Op):
    """exp(x);  d/dx = grad * out"""

    __slots__ = ()
    name = "exp"

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


def exp(x: Any) -> Tensor:
    """Elementwise e**x.

    >>> import autograd_lite as al
    >>> al.exp(al.tensor([0.0]))
    tensor([1.])
    """
    return Exp.apply(_unary_input(x))


class Log(Op):
    """log(x);  d/dx = grad / x  (log(0) = -inf, log(x < 0) = nan, as PyTorch)"""

    __slots__ = ()
    name = "log"

    # Under quiet(): log(0) = -inf, log(x < 0) = nan and log'(0) = inf without NumPy's warning.
    # Entering it costs 0.8 us, about what looking for such values (x.min()) costs on 16
    # elements, and nothing that grows with the array.
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with quiet():
            return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with quiet():
            return grad / x


def log(x: Any) -> Tensor:
    """Elementwise natural logarithm."""
    return Log.apply(_unary_input(x))


class Sqrt(Op):
    """sqrt(x);  d/dx = grad / (2 * out)  (inf at 0, as PyTorch)"""

    __slots__ = ()
    name = "sqrt"

    # Under quiet() (see Log): nan below 0 and sqrt'(0) = inf without NumPy's warning.
    @staticmethod
    def forward(ctx, x):
        with quiet():
            out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with quiet():
            return grad / (2 * out)


def sqrt(x: Any) -> Tensor:
    """Elementwise square root."""
    return Sqrt.apply(_unary_input(x))


class Abs(Op):
    """|x|;  d/dx = grad * sign(x)  (abs'(0) = 0)"""

    __slots__ = ()
    name = "abs"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return times_slope(grad, x, np.sign)


def abs(x: Any) -> Tensor:  # noqa: A001 - NumPy's name
    """Elementwise absolute value."""
    x = as_tensor(x)
    if x._data.dtype.kind == "b":
        raise TypeError("abs of a bool tensor is not supported (as PyTorch); cast it to a number dtype first")
    return Abs.apply(x)


class Sin(Op):
    """sin(x);  d/dx = grad * cos(x)"""

    __slots__ = ()
    name = "sin"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.cos(x)


def sin(x: Any) -> Tensor:
    """Elementwise sine."""
    return Sin.apply(_unary_input(x))


class Cos(Op):
    """cos(x);  d/dx = -grad * sin(x)"""

    __slots__ = ()
    name = "cos"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * np.sin(x)


def cos(x: Any) -> Tensor:
    """Elementwise cosine."""
    return Cos.apply(_unary_input(x))


class Tanh(Op):
    """tanh(x);  d/dx = grad * (1 - out**2)"""

    __slots__ = ()
    name = "tanh"

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


def tanh(x: Any) -> Tensor:
    """Elementwise hyperbolic tangent."""
    return Tanh.apply(_unary_input(x))


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: exp is only taken of -|x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class Sigmoid(Op):
    """1 / (1 + exp(-x));  d/dx = grad * out * (1 - out)"""

    __slots__ = ()
    name = "sigmoid"

    @staticmethod
    def forward(ctx, x):
        out = stable_sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out * (1 - out))


def sigmoid(x: Any) -> Tensor:
    """Elementwise logistic function, exact for |x| up to the dtype's range.

    >>> import autograd_lite as al
    >>> al.sigmoid(al.tensor([0.0, 1e4, -1e4]))
    tensor([0.5, 1. , 0. ])
    """
    return Sigmoid.apply(_unary_input(x))


def sigmoid_of(x: Any) -> Any:
    """sigmoid of an array or (in a create_graph backward) of a Tensor."""
    return sigmoid(x) if isinstance(x, Tensor) else stable_sigmoid(x)


class SlopeTimesGrad(Op):
    """grad * slope(x) for a piecewise-linear function of x;
    d/dgrad = slope(x),  d/dx = 0 (the slope is constant between kinks)"""

    __slots__ = ("slope", "shape")
    name = "slope_times_grad"

    @staticmethod
    def forward(ctx, grad, x, slope):
        ctx.slope, ctx.shape = slope(x), x.shape
        return grad * ctx.slope

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.slope, np.zeros(ctx.shape, grad.dtype), None


def times_slope(grad: Any, x: Any, slope: Any) -> Any:
    """`grad * slope(x)`: the rule of relu, abs and leaky_relu. Under create_graph (Tensors)
    it is one node that keeps the result a function of x, with a zero second derivative, as
    PyTorch's (so the gradient of a gradient through relu is 0, not an error)."""
    if isinstance(grad, Tensor):
        return SlopeTimesGrad.apply(grad, x, slope)
    return grad * slope(x)


def _positive(x: np.ndarray) -> np.ndarray:
    return x > 0


class ReLU(Op):
    """max(x, 0);  d/dx = grad * (x > 0)  (relu'(0) = 0)"""

    __slots__ = ()
    name = "relu"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return times_slope(grad, x, _positive)


def relu(x: Any) -> Tensor:
    """Elementwise max(x, 0)."""
    return ReLU.apply(_unary_input(x))


class LeakyReLU(Op):
    """x if x > 0 else slope * x;  d/dx = grad * (1 if x > 0 else slope)  (slope at 0)"""

    __slots__ = ("negative_slope",)
    name = "leaky_relu"

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.negative_slope = negative_slope
        ctx.save_for_backward(x)
        return np.where(x > 0, x, x * np.asarray(negative_slope, x.dtype))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return times_slope(grad, x, ctx.leaky_slope), None

    def leaky_slope(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, 1, self.negative_slope).astype(x.dtype)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    """Elementwise x if x > 0 else negative_slope * x."""
    return LeakyReLU.apply(_unary_input(x), float(negative_slope))


class ELU(Op):
    """x if x > 0 else alpha * (exp(x) - 1);  d/dx = grad if x > 0 else grad * alpha * exp(x)"""

    __slots__ = ()
    name = "elu"

    @staticmethod
    def forward(ctx, x, alpha):
        positive = x > 0
        ctx.save_for_backward(positive, x, alpha)
        return np.where(positive, x, alpha * np.expm1(np.minimum(x, 0)))

    @staticmethod
    def backward(ctx, grad):
        positive, x, alpha = ctx.saved_tensors
        # alpha * exp(x), not out + alpha (which cancels to 0 for very negative x); the
        # exponent is 0 where x > 0 so that exp never overflows in the unused branch.
        return np.where(positive, grad, grad * (alpha * np.exp(np.where(positive, 0.0, x)))), None


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """Elementwise exponential linear unit (PyTorch's ELU)."""
    return ELU.apply(_unary_input(x), float(alpha))


# PyTorch's softplus returns x itself above this threshold (beta = 1).
_SOFTPLUS_THRESHOLD = 20.0


class Softplus(Op):
    """log(1 + exp(x)) (x itself above 20, as PyTorch);  d/dx = grad * sigmoid(x)"""

    __slots__ = ()
    name = "softplus"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        linear = x > _SOFTPLUS_THRESHOLD
        return np.where(linear, x, np.log1p(np.exp(np.minimum(x, _SOFTPLUS_THRESHOLD))))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        linear = (x._data if isinstance(x, Tensor) else x) > _SOFTPLUS_THRESHOLD
        return np.where(linear, grad, grad * sigmoid_of(x))


def softplus(x: Any) -> Tensor:
    """Elementwise log(1 + exp(x)), stable for large |x|."""
    return Softplus.apply(_unary_input(x))


_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Op):
    """x Phi(x), Phi(x) = 0.5 (1 + erf(x / sqrt(2)));  d/dx = grad * (Phi(x) + x exp(-x**2 / 2) / sqrt(2 pi))

    float32 takes erf from `erf_float32` (within 4.2e-7; PyTorch's float32 GELU is within
    1.1e-6 of the exact value), and the backward reuses the forward's Phi: forward+backward
    on (128, 9, 256) 47.8 ms with Cody's erf recomputed, 7.5 ms with the fast erf, 4.0 ms
    with Phi kept (the tanh form: 4.9 ms).
    """

    __slots__ = ()
    name = "gelu"

    @staticmethod
    def forward(ctx, x):
        phi = erf_float32(x * np.asarray(_INV_SQRT_2, x.dtype))
        phi += 1
        phi *= 0.5
        ctx.save_for_backward(x, phi)
        return x * phi

    @staticmethod
    def backward(ctx, grad):
        x, phi = ctx.saved_tensors
        if isinstance(x, Tensor):
            # create_graph: Phi as a function of x, so that its derivative is taken too.
            phi = 0.5 * (1 + erf_of(x * _INV_SQRT_2))
        slope = phi + x * (_INV_SQRT_2PI * np.exp(-0.5 * (x * x)))
        return grad * slope


class GELUTanh(Op):
    """0.5 x (1 + tanh(k (x + c x**3)));
    d/dx = grad * (0.5 (1 + t) + 0.5 x (1 - t**2) k (1 + 3 c x**2)),  t = tanh(k (x + c x**3))"""

    __slots__ = ()
    name = "gelu"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        t = np.tanh(_GELU_K * (x + _GELU_C * x * x * x))
        return 0.5 * x * (1 + t)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        x_squared = x * x
        t = np.tanh(_GELU_K * (x + _GELU_C * x_squared * x))
        slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_GELU_K * (1 + 3 * _GELU_C * x_squared))
        return grad * slope


def gelu(x: Any, approximate: str = "none") -> Tensor:
    """Elementwise GELU as PyTorch's: the exact x * Phi(x) = 0.5 x (1 + erf(x / sqrt(2)))
    by default, the tanh approximation with `approximate="tanh"`.

    >>> import autograd_lite as al
    >>> al.gelu(al.tensor([1.0]), approximate="tanh")
    tensor([0.841192])
    """
    if approximate == "none":
        return GELU.apply(_unary_input(x))
    if approximate == "tanh":
        return GELUTanh.apply(_unary_input(x))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


class SiLU(Op):
    """x * sigmoid(x);  d/dx = grad * s (1 + x (1 - s)),  s = sigmoid(x)"""

    __slots__ = ()
    name = "silu"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * stable_sigmoid(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = sigmoid_of(x)
        return grad * (s * (1 + x * (1 - s)))


def silu(x: Any) -> Tensor:
    """Elementwise x * sigmoid(x) (the swish activation, PyTorch's SiLU).

    >>> import autograd_lite as al
    >>> al.silu(al.tensor([0.0, 1e4]))
    tensor([    0., 10000.])
    """
    return SiLU.apply(_unary_input(x))


class Sign(Op):
    """sign(x) in {-1, 0, 1};  d/dx = 0 (as PyTorch: a zero gradient, not none)"""

    __slots__ = ()
    name = "sign"

    @staticmethod
    def forward(ctx, x):
        return np.sign(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


def sign(x: Any) -> Tensor:
    """Elementwise sign: -1, 0 or 1 in x's dtype (bool stays bool); the gradient is 0.

    >>> import autograd_lite as al
    >>> al.sign(al.tensor([-2.0, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
    """
    x = as_tensor(x)
    if x._data.dtype.kind == "b":
        return Tensor._make(x._data.copy(), None)
    return Sign.apply(x)


class Clip(Op):
    """min(max(x, lo), hi);  d/dx = grad where lo <= x <= hi, else 0"""

    __slots__ = ()
    name = "clip"

    @staticmethod
    def forward(ctx, x, low, high):
        inside = np.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= x >= low
        if high is not None:
            inside &= x <= high
        ctx.save_for_backward(inside)
        return np.clip(x, low, high).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return grad * inside, None, None


class ClampTensor(Op):
    """min(max(x, lo), hi) with tensor bounds; the gradient goes to x where lo <= x <= hi, to lo
    where x < lo <= hi, to hi where max(x, lo) > hi (PyTorch's rule, also when lo > hi)"""

    __slots__ = ()
    name = "clamp"

    @staticmethod
    def forward(ctx, x, low, high):
        raised = x if low is None else np.maximum(x, low)
        out = raised if high is None else np.minimum(raised, high)
        to_x = np.ones(out.shape, dtype=bool) if low is None else np.broadcast_to(x >= low, out.shape)
        to_low = to_high = None
        if high is not None:
            to_high = raised > high
            to_x = to_x & (x <= high)
        if low is not None:
            to_low = x < low if high is None else (x < low) & (low <= high)
        ctx.save_for_backward(to_x, to_low, to_high)
        return out

    @staticmethod
    def backward(ctx, grad):
        to_x, to_low, to_high = ctx.saved_tensors
        return (
            grad * to_x if ctx.inputs[0] is not None else None,
            grad * to_low if ctx.inputs[1] is not None else None,
            grad * to_high if ctx.inputs[2] is not None else None,
        )


def _scalar_bound(name: str, bound: Any) -> Any:
    if bound is not None and (
        isinstance(bound, (bool, np.bool_)) or not isinstance(bound, (int, float, np.number))
    ):
        raise TypeError(f"clamp's {name} must be a real number, a tensor or None, got {bound!r}")
    return bound


def _clamp_tensor_bounds(x: Tensor, low: Any, high: Any) -> Tensor:
    """clamp with tensor (or array) bounds, promoted with x as PyTorch's binary ops."""
    if low is not None:
        x, low = binary_operands(x, as_tensor(low))
    if high is not None:
        x, high = binary_operands(x, as_tensor(high))
        if low is not None and low._data.dtype != x._data.dtype:
            low = cast(low, x._data.dtype)
    for name, bound in (("min", low), ("max", high)):
        if bound is not None:
            try:
                np.broadcast_shapes(bound.shape, x.shape)
            except ValueError:
                raise ValueError(
                    f"clamp: {name} of shape {bound.shape} does not broadcast with the input's shape {x.shape}"
                ) from None
    return ClampTensor.apply(x, low, high)


def clamp(x: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - PyTorch's names
    """Elementwise clamp to [min, max] (PyTorch's `clamp`; NumPy's name `clip` is the same).

    `min` and `max` are numbers, tensors (broadcast with `x`, and differentiable) or None;
    the gradient passes to x where min <= x <= max.

    >>> import autograd_lite as al
    >>> al.tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0)
    tensor([0. , 0.5, 1. ])
    """
    if min is None and max is None:
        raise ValueError("clamp needs at least one of min and max")
    x = as_tensor(x)
    if isinstance(min, (Tensor, np.ndarray, list)) or isinstance(max, (Tensor, np.ndarray, list)):
        return _clamp_tensor_bounds(x, min, max)
    low, high = _scalar_bound("min", min), _scalar_bound("max", max)
    if x._data.dtype.kind != "f" and any(isinstance(b, (float, np.floating)) for b in (low, high)):
        # PyTorch's promotion: an integer tensor clamped to float bounds gives the default float.
        x = cast(x, dtypes.get_default_dtype())
    return Clip.apply(x, low, high)


clip = clamp


def clamp_min(x: Any, min: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """`clamp(x, min=min)`: elementwise max(x, min), the gradient passing where x >= min.

    >>> import autograd_lite as al
    >>> al.tensor([-1.0, 2.0]).clamp_min(0.0)
    tensor([0., 2.])
    """
    return clamp(x, min=min)


def clamp_max(x: Any, max: Any) -> Tensor:  # noqa: A002 - PyTorch's name
    """`clamp(x, max=max)`: elementwise min(x, max), the gradient passing where x <= max."""
    return clamp(x, max=max)


class Maximum(Op):
    """max(a, b);  the gradient goes to the larger input, split equally on ties"""

    __slots__ = ()
    name = "maximum"

    @staticmethod
    def forward(ctx, a, b):
        out = np.maximum(a, b)
        if out.dtype.kind == "f":  # integer results never need a gradient
            ctx.save_for_backward(_share_of_a(a > b, a == b, out.dtype))
        return out

    @staticmethod
    def backward(ctx, grad):
        (share_a,) = ctx.saved_tensors
        return grad * share_a, grad * (1 - share_a)


class Minimum(Op):
    """min(a, b);  the gradient goes to the smaller input, split equally on ties"""

    __slots__ = ()
    name = "minimum"

    @staticmethod
    def forward(ctx, a, b):
        out = np.minimum(a, b)
        if out.dtype.kind == "f":  # integer results never need a gradient
            ctx.save_for_backward(_share_of_a(a < b, a == b, out.dtype))
        return out

    @staticmethod
    def backward(ctx, grad):
        (share_a,) = ctx.saved_tensors
        return grad * share_a, grad * (1 - share_a)


def _share_of_a(wins: np.ndarray, ties: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """1 where a wins, 0.5 on ties (PyTorch's rule), 0 where b wins."""
    # Integer results never need a gradient; their shares are still computed in a float dtype.
    share = wins.astype(dtype if dtype.kind == "f" else np.float64)
    share += 0.5 * ties
    return share


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum, broadcasting; ties split the gradient equally."""
    a, b = binary_operands(a, b)
    return Maximum.apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum, broadcasting; ties split the gradient equally."""
    a, b = binary_operands(a, b)
    return Minimum.apply(a, b)


class Where(Op):
    """cond ? a : b;  d/da = grad where cond,  d/db = grad where not cond"""

    __slots__ = ()
    name = "where"

    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        needs_a, needs_b = ctx.inputs[1], ctx.inputs[2]
        return (
            None,
            np.where(condition, grad, 0) if needs_a is not None else None,
            np.where(condition, 0, grad) if needs_b is not None else None,
        )


def where(condition: Any, a: Any = None, b: Any = None) -> Any:
    """Elementwise `a` where `condition` else `b`, broadcasting all three. With `condition`
    alone, the indices where it is nonzero: `nonzero(condition, as_tuple=True)`, as PyTorch's.

    >>> import autograd_lite as al
    >>> al.where(al.tensor([True, False]), 1.0, 0.0), al.where(al.tensor([0, 3, 4]))
    (tensor([1., 0.]), (tensor([1, 2]),))
    """
    if a is None and b is None:
        return nonzero(condition, as_tuple=True)
    if a is None or b is None:
        raise TypeError("where() takes a condition alone, or a condition and both values `a` and `b`")
    condition = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if condition.dtype != np.bool_:
        condition = condition.astype(bool)
    a, b = binary_operands(a, b)
    return Where.apply(condition, a, b)


Tensor.__abs__ = abs
Tensor.abs = abs
Tensor.exp = exp
Tensor.log = log
Tensor.sqrt = sqrt
Tensor.sin = sin
Tensor.cos = cos
Tensor.tanh = tanh
Tensor.sigmoid = sigmoid
Tensor.relu = relu
Tensor.leaky_relu = leaky_relu
Tensor.elu = elu
Tensor.softplus = softplus
Tensor.gelu = gelu
Tensor.silu = silu
Tensor.sign = sign
Tensor.clip = clamp
Tensor.clamp = clamp
Tensor.clamp_min = clamp_min
Tensor.clamp_max = clamp_max
Tensor.maximum = maximum
Tensor.minimum = minimum
