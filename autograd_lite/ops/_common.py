"""Helpers shared by the op families: PyTorch's type promotion of operands, axis checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..tensor import Tensor, as_tensor
from .cast import cast

_PYTHON_SCALARS = (float, int)


def binary_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """The operands of an elementwise binary op after PyTorch's type promotion.

    Tensors of one dtype, or a float Tensor with a Python number, pass straight through
    (nearly every call); everything else goes through `_promote`.
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
    """Python and NumPy scalars take part in promotion only by their kind (PyTorch's rule)."""
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
    if a._data.dtype == b._data.dtype:
        return a, b
    result = dtypes.result_dtype(a._data, b._data)
    return cast(a, result), cast(b, result)


def normalize_axis(axis: int, ndim: int, shape: tuple | None = None) -> int:
    """A non-negative axis; AxisError naming the axis and the number of dimensions."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"axis must be an int, got {type(axis).__name__} {axis!r}")
    if not -ndim <= axis < ndim:
        where = f" (shape {shape})" if shape is not None else ""
        raise np.exceptions.AxisError(f"axis {axis} is out of range for a tensor of {ndim} dimensions{where}")
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


def quiet() -> np.errstate:
    """NumPy's divide and invalid flags off, for results that are inf or nan by definition
    (x / 0, log(0), 0 * inf): PyTorch returns them without a warning, and so does the library.
    Entering and leaving it costs about 0.8 us with NumPy 2.4, as much as one look at the
    values (`x.min()` on 16 elements, 0.7 us) and, unlike a look, nothing more on large arrays."""
    return np.errstate(divide="ignore", invalid="ignore")


def silent() -> np.errstate:
    """`quiet()` and overflow off too, for functions whose values leave their domain or the
    dtype's range by definition (asin(2) = nan, atanh(1) = inf, sinh(1000) = inf), as
    PyTorch's do without a warning. With NumPy 2.4 entering it costs 0.8 us, less than
    looking for such values first (1.5 us for two reductions over 16 elements), so the ops
    that use it enter it on every call."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def has_zero(value: Any) -> bool:
    """Whether an array (or a Tensor's array, under create_graph) holds a zero."""
    data = value._data if isinstance(value, Tensor) else value
    return np.count_nonzero(data) != data.size


def kept_shape(shape: tuple, axes: tuple) -> tuple:
    """`shape` with the reduced `axes` kept as size 1."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))
