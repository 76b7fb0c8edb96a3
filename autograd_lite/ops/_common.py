"""Helpers shared by the op families: operand promotion and axis normalisation."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..tensor import Tensor

_PYTHON_SCALARS = (float, int)


def as_tensor(value: Any) -> Tensor:
    """`value` as a Tensor (no copy for Tensors; PyTorch's dtype rule otherwise)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            # Complex or text arrays would be cast silently by promotion: refuse them here.
            raise TypeError(f"cannot use an array of dtype {value.dtype} as an operand; expected real numbers or bools")
        return Tensor._make(value, None)
    return Tensor(value)


def binary_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """The operands of an elementwise binary op after PyTorch's type promotion.

    Tensors of one dtype, or a float Tensor with a Python number, pass straight
    through; everything else goes through `_promote`.
    """
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype == b._data.dtype:
                return a, b
        elif type(b) in _PYTHON_SCALARS and a._data.dtype.kind == "f":
            return a, b
    elif isinstance(b, Tensor) and type(a) in _PYTHON_SCALARS and b._data.dtype.kind == "f":
        return a, b
    return _promote(a, b)


def _is_weak(value: Any) -> bool:
    return isinstance(value, (bool, int, float, np.generic)) and not isinstance(value, np.ndarray)


def _promote(a: Any, b: Any) -> tuple[Any, Any]:
    if _is_weak(a) and _is_weak(b):
        return as_tensor(a), b
    if _is_weak(a) or _is_weak(b):
        scalar, tensor, scalar_first = (a, as_tensor(b), True) if _is_weak(a) else (b, as_tensor(a), False)
        if isinstance(scalar, np.generic):
            scalar = scalar.item()
        kind = tensor._data.dtype.kind
        if isinstance(scalar, float) and kind != "f":
            tensor = cast(tensor, dtypes.get_default_dtype())
        elif isinstance(scalar, int) and not isinstance(scalar, bool) and kind == "b":
            tensor = cast(tensor, np.dtype(np.int64))
        return (scalar, tensor) if scalar_first else (tensor, scalar)
    a, b = as_tensor(a), as_tensor(b)
    da, db = a._data.dtype, b._data.dtype
    if da == db:
        return a, b
    result = _result_dtype(a._data, b._data)
    return cast(a, result), cast(b, result)


def _result_dtype(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """PyTorch's rule: floats beat integers (and integers bools); within one category a
    0-d operand does not widen a dimensioned one (float32 (3,) + float64 () is float32,
    int32 (3,) + int64 () is int32)."""
    da, db = a.dtype, b.dtype
    a_float, b_float = da.kind == "f", db.kind == "f"
    if a_float and not b_float:
        return da
    if b_float and not a_float:
        return db
    same_category = a_float == b_float and (da.kind == "b") == (db.kind == "b")
    if same_category and (a.ndim == 0) != (b.ndim == 0):
        return da if a.ndim else db
    return np.result_type(da, db)


def cast(tensor: Tensor, dtype: np.dtype) -> Tensor:
    if tensor._data.dtype == dtype:
        return tensor
    from .arithmetic import astype

    return astype(tensor, dtype)


def normalize_axis(axis: int, ndim: int, shape: tuple | None = None) -> int:
    """A non-negative axis; AxisError naming the axis and the number of dimensions."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"axis must be an int, got {type(axis).__name__} {axis!r}")
    if not -ndim <= axis < ndim:
        where = f" (shape {shape})" if shape is not None else ""
        raise np.exceptions.AxisError(
            f"axis {axis} is out of range for a tensor of {ndim} dimensions{where}"
        )
    return int(axis) % ndim if ndim else 0


def normalize_axes(axis: Any, ndim: int, shape: tuple | None = None) -> tuple[int, ...]:
    """`axis` (None, an int or a tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        axes = tuple(sorted(normalize_axis(a, ndim, shape) for a in axis))
        if len(set(axes)) != len(axes):
            raise ValueError(f"repeated axis in {tuple(axis)}")
        return axes
    if ndim == 0 and axis in (0, -1):
        return ()  # NumPy and PyTorch accept axis 0 / -1 on 0-d tensors
    return (normalize_axis(axis, ndim, shape),)


def kept_shape(shape: tuple, axes: tuple) -> tuple:
    """`shape` with the reduced `axes` kept as size 1."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))
