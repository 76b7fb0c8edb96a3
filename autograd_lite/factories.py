"""Tensor factories: tensor, zeros, ones, full, eye, arange, *_like, randn, rand."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .random import generator
from .tensor import Tensor


def _shape(shape: tuple) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
            raise ValueError(f"shape must be non-negative ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def _float_dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _finish(data: np.ndarray, requires_grad: bool) -> Tensor:
    tensor = Tensor._make(data, None)
    if requires_grad:
        tensor.requires_grad = True
    return tensor


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of `data` (PyTorch's dtype rule).

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).dtype, al.tensor([1.0]).dtype
    (dtype('int64'), dtype('float32'))
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros; `al.zeros(2, 3)` or `al.zeros((2, 3))`."""
    return _finish(np.zeros(_shape(shape), dtype=_float_dtype(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones; `al.ones(2, 3)` or `al.ones((2, 3))`."""
    return _finish(np.ones(_shape(shape), dtype=_float_dtype(dtype)), requires_grad)


def full(shape: Any, value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with `value` (its dtype by PyTorch's rule unless given)."""
    shape = _shape((shape,) if isinstance(shape, (int, np.integer)) else tuple(shape))
    if dtype is None:
        dtype = dtypes.infer_dtype(value) or np.asarray(value).dtype
    return _finish(np.full(shape, value, dtype=dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (m defaults to n)."""
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def arange(
    start: Any, stop: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Evenly spaced values in [start, stop); int64 for int arguments, else the default float."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        all_ints = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = np.int64 if all_ints else dtypes.get_default_dtype()
    return _finish(np.arange(start, stop, step, dtype=dtype), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and dtype) of `t`."""
    data = t._data if isinstance(t, Tensor) else np.asarray(t)
    return _finish(np.zeros_like(data, dtype=dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and dtype) of `t`."""
    data = t._data if isinstance(t, Tensor) else np.asarray(t)
    return _finish(np.ones_like(data, dtype=dtype), requires_grad)


def randn(*shape: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Standard normal samples from the library's seeded generator."""
    data = generator().standard_normal(_shape(shape)).astype(_float_dtype(dtype), copy=False)
    return _finish(data, requires_grad)


def rand(*shape: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Uniform samples in [0, 1) from the library's seeded generator."""
    data = generator().random(_shape(shape)).astype(_float_dtype(dtype), copy=False)
    return _finish(data, requires_grad)
