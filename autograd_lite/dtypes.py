"""The default float dtype and PyTorch's type-promotion rules on NumPy dtypes."""

from __future__ import annotations

from typing import Any

import numpy as np

_default_float = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The dtype Python floats become (float32 unless changed).

    >>> import autograd_lite as al
    >>> al.get_default_dtype()
    dtype('float32')
    """
    return _default_float


def set_default_dtype(dtype: Any) -> None:
    """Make Python floats (and new layers' parameters) use `dtype`: float32 or float64.

    >>> import numpy as np, autograd_lite as al
    >>> al.set_default_dtype(np.float64); al.get_default_dtype()
    dtype('float64')
    >>> al.set_default_dtype(np.float32)
    """
    global _default_float
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"default dtype must be a floating dtype such as float32 or float64, got {dtype}")
    _default_float = dtype


def infer_dtype(data: Any) -> np.dtype | None:
    """The dtype PyTorch gives Python data: bool, int64, or the default float; None for arrays."""
    if isinstance(data, np.generic):
        return None  # NumPy scalars keep their dtype (np.float64 is also a Python float)
    if isinstance(data, bool):
        return np.dtype(np.bool_)
    if isinstance(data, int):
        return np.dtype(np.int64)
    if isinstance(data, float):
        return _default_float
    if isinstance(data, (list, tuple)):
        kinds = set()
        _collect_kinds(data, kinds)
        if "f" in kinds or "c" in kinds:
            return _default_float
        if "i" in kinds:
            return np.dtype(np.int64)
        if "b" in kinds:
            return np.dtype(np.bool_)
        return _default_float  # empty list: PyTorch gives the default float dtype
    return None


def _collect_kinds(data: Any, kinds: set) -> None:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(item, (int, np.integer)):
            kinds.add("i")
        elif hasattr(item, "dtype"):  # arrays, NumPy scalars and Tensors inside a list
            kinds.add(np.dtype(item.dtype).kind)
        else:
            kinds.add("f")

