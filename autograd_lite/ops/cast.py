"""Copies: `astype` (a copy in another dtype), `clone` (a copy in the same dtype), and
PyTorch's conversions built on them: `to`, `type`, `type_as`, `float`, `double`, ..."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..devices import check_cpu
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
        with warnings.catch_warnings():
            # A deprecated NumPy alias (such as "a") is no dtype we take either: say so once.
            warnings.simplefilter("error", DeprecationWarning)
            dtype = np.dtype(dtype)
    except (TypeError, DeprecationWarning):
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


# PyTorch's legacy type names (`x.type()`), by NumPy dtype.
_TYPE_NAMES = {
    np.dtype(np.float32): "torch.FloatTensor",
    np.dtype(np.float64): "torch.DoubleTensor",
    np.dtype(np.float16): "torch.HalfTensor",
    np.dtype(np.int64): "torch.LongTensor",
    np.dtype(np.int32): "torch.IntTensor",
    np.dtype(np.int16): "torch.ShortTensor",
    np.dtype(np.int8): "torch.CharTensor",
    np.dtype(np.uint8): "torch.ByteTensor",
    np.dtype(np.bool_): "torch.BoolTensor",
}
_DTYPES_BY_TYPE_NAME = {name: dtype for dtype, name in _TYPE_NAMES.items()}


def _is_device(value: Any) -> bool:
    """A device given as a string ("cpu", "cuda:0") or an object with a `type` ("cpu")."""
    return isinstance(value, str) or isinstance(getattr(value, "type", None), str)


def _converted(x: Tensor, dtype: Any, copy: bool) -> Tensor:
    """`x` in `dtype`: `x` itself when nothing changes (PyTorch's rule), else a copy."""
    if dtype is not None and np.dtype(dtype) != x._data.dtype:
        return astype(x, dtype)
    return clone(x) if copy else x


def to(
    self: Tensor, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False, **kwargs: Any
) -> Tensor:
    """This tensor in another dtype (PyTorch's `to`); itself when nothing changes.

    Accepted as PyTorch's: `to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other)` (other's
    dtype), and the keywords `dtype=`, `device=`, `copy=`, `non_blocking=`. Devices other than
    the CPU raise RuntimeError.

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).to(al.float32)
    tensor([1., 2.])
    """
    unknown = set(kwargs) - {"non_blocking", "memory_format"}
    if unknown:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(unknown)}")
    if len(args) > 2:
        raise TypeError(f"to() takes at most 2 positional arguments, got {len(args)}")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg._data.dtype
        elif _is_device(arg):
            device = arg
        elif isinstance(arg, bool):
            continue  # PyTorch's positional non_blocking
        else:
            dtype = arg
    check_cpu(device, "Tensor.to()")
    if dtype is not None:
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"to() expects a dtype, a device or a tensor, got {dtype!r}") from None
    return _converted(self, dtype, copy)


def tensor_type(self: Tensor, dtype: Any = None, non_blocking: bool = False) -> Any:
    """With no argument, PyTorch's type name ("torch.FloatTensor"); with a dtype or such a
    name, this tensor in that dtype (itself if it already has it).

    >>> import autograd_lite as al
    >>> al.zeros(2).type(), al.zeros(2).type(al.float64).dtype
    ('torch.FloatTensor', dtype('float64'))
    """
    if dtype is None:
        return _TYPE_NAMES.get(self._data.dtype, f"numpy.{self._data.dtype}")
    if isinstance(dtype, str) and dtype in _DTYPES_BY_TYPE_NAME:
        dtype = _DTYPES_BY_TYPE_NAME[dtype]
    return _converted(self, np.dtype(dtype), False)


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """This tensor in `other`'s dtype (itself if it already has it).

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).type_as(al.zeros(1, dtype=al.float64)).dtype
    dtype('float64')
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"type_as expects a Tensor, got {type(other).__name__}")
    return _converted(self, other._data.dtype, False)


def to_float(self: Tensor) -> Tensor:
    """This tensor as float32 (itself if it already is; differentiable from other floats)."""
    return _converted(self, np.float32, False)


def to_double(self: Tensor) -> Tensor:
    """This tensor as float64 (itself if it already is; differentiable from other floats)."""
    return _converted(self, np.float64, False)


def to_half(self: Tensor) -> Tensor:
    """This tensor as float16 (itself if it already is)."""
    return _converted(self, np.float16, False)


def to_long(self: Tensor) -> Tensor:
    """This tensor as int64, rounding toward zero (no gradient)."""
    return _converted(self, np.int64, False)


def to_int(self: Tensor) -> Tensor:
    """This tensor as int32, rounding toward zero (no gradient)."""
    return _converted(self, np.int32, False)


def to_bool(self: Tensor) -> Tensor:
    """This tensor as bool: True where nonzero (no gradient)."""
    return _converted(self, np.bool_, False)


Tensor.astype = astype
Tensor.to = to
Tensor.type = tensor_type
Tensor.type_as = type_as
Tensor.float = to_float
Tensor.double = to_double
Tensor.half = to_half
Tensor.long = to_long
Tensor.int = to_int
Tensor.bool = to_bool
Tensor.clone = clone
