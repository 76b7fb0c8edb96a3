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


def result_dtype(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """PyTorch's promotion of two arrays: floats beat integers (and integers bools); within
    one category a 0-d operand does not widen a dimensioned one (float32 (3,) + float64 ()
    is float32, int32 (3,) + int64 () is int32).

    >>> import numpy as np
    >>> result_dtype(np.zeros(3, np.float32), np.zeros((), np.float64))
    dtype('float32')
    """
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


# PyTorch's dtype names (exported as `al.float32`, `al.float`, `al.long`, ...): NumPy dtypes,
# so they are accepted wherever a dtype is taken. `al.float`/`al.int`/`al.bool` are bound in
# __init__, so that this module keeps Python's builtins of those names.
float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)
