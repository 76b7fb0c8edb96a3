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

    Args:
        data: a Python number, a (nested) list, an `np.ndarray` or a Tensor.
        requires_grad: make the result a leaf that requires grad (floating dtypes only).
        dtype: a NumPy dtype; None keeps an array's dtype, gives Python floats the default
            float dtype, ints `int64` and bools `bool`.

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).dtype, al.tensor([1.0]).dtype
    (dtype('int64'), dtype('float32'))
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros; `al.zeros(2, 3)` or `al.zeros((2, 3))`.

    Args:
        shape: ints, or one tuple or list of ints.
        dtype: a NumPy dtype; None means the default float dtype (`al.get_default_dtype()`).
        requires_grad: make the result a leaf that requires grad (floating dtypes only).

    >>> import numpy as np, autograd_lite as al
    >>> al.zeros(2, dtype=np.float64)
    tensor([0., 0.], dtype=float64)
    """
    return _finish(np.zeros(_shape(shape), dtype=_float_dtype(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones; `al.ones(2, 3)` or `al.ones((2, 3))`.

    Args:
        shape: ints, or one tuple or list of ints.
        dtype: a NumPy dtype; None means the default float dtype (`al.get_default_dtype()`).
        requires_grad: make the result a leaf that requires grad (floating dtypes only).

    >>> import autograd_lite as al
    >>> al.ones(2, requires_grad=True)
    tensor([1., 1.], requires_grad=True)
    """
    return _finish(np.ones(_shape(shape), dtype=_float_dtype(dtype)), requires_grad)


def full(shape: Any, value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with `value`.

    Args:
        shape: an int or a tuple or list of ints.
        value: the fill value, a Python or NumPy number.
        dtype: a NumPy dtype; None means PyTorch's rule for `value` (a float gives the default float dtype, an int `int64`).
        requires_grad: make the result a leaf that requires grad (floating dtypes only).

    >>> import autograd_lite as al
    >>> al.full((2,), 7)
    tensor([7, 7])
    """
    shape = _shape((shape,) if isinstance(shape, (int, np.integer)) else tuple(shape))
    if dtype is None:
        dtype = dtypes.infer_dtype(value) or np.asarray(value).dtype
    return _finish(np.full(shape, value, dtype=dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix: ones on the diagonal, zeros elsewhere.

    Args:
        n: the number of rows.
        m: the number of columns; None means `n`.
        dtype: a NumPy dtype; None means the default float dtype (`al.get_default_dtype()`).
        requires_grad: make the result a leaf that requires grad (floating dtypes only).

    >>> import autograd_lite as al
    >>> al.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def arange(
    start: Any, stop: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Evenly spaced values in [start, stop): `arange(stop)` or `arange(start, stop, step)`.

    Args:
        start: the first value (the stop when it is the only argument, starting from 0).
        stop: the end, excluded.
        step: the spacing.
        dtype: a NumPy dtype; None means `int64` when start, stop and step are ints, else the default float dtype.
        requires_grad: make the result a leaf that requires grad (floating dtypes only).

    >>> import autograd_lite as al
    >>> al.arange(3), al.arange(0, 1, 0.5)
    (tensor([0, 1, 2]), tensor([0. , 0.5]))
    """
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        all_ints = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = np.int64 if all_ints else dtypes.get_default_dtype()
    return _finish(np.arange(start, stop, step, dtype=dtype), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and dtype) of `t`.

    Args:
        t: a Tensor or array-like whose shape (and dtype) the result takes.
        dtype: a NumPy dtype; None means `t`'s.
        requires_grad: make the result a leaf that requires grad (floating dtypes only).

    >>> import autograd_lite as al
    >>> al.zeros_like(al.eye(2)).shape
    (2, 2)
    """
    data = t._data if isinstance(t, Tensor) else np.asarray(t)
    return _finish(np.zeros_like(data, dtype=dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and dtype) of `t`.

    Args:
        t: a Tensor or array-like whose shape (and dtype) the result takes.
        dtype: a NumPy dtype; None means `t`'s.
        requires_grad: make the result a leaf that requires grad (floating dtypes only).

    >>> import autograd_lite as al
    >>> al.ones_like(al.eye(2)).shape
    (2, 2)
    """
    data = t._data if isinstance(t, Tensor) else np.asarray(t)
    return _finish(np.ones_like(data, dtype=dtype), requires_grad)


def randn(*shape: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Standard normal samples from the library's generator (`al.manual_seed` seeds it).

    Args:
        shape: ints, or one tuple or list of ints.
        requires_grad: make the result a leaf that requires grad.
        dtype: a floating NumPy dtype; None means the default float dtype.

    >>> import autograd_lite as al
    >>> al.randn(2, 3).shape
    (2, 3)
    """
    data = generator().standard_normal(_shape(shape)).astype(_float_dtype(dtype), copy=False)
    return _finish(data, requires_grad)


def rand(*shape: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Uniform samples in [0, 1) from the library's generator (`al.manual_seed` seeds it).

    Args:
        shape: ints, or one tuple or list of ints.
        requires_grad: make the result a leaf that requires grad.
        dtype: a floating NumPy dtype; None means the default float dtype.

    >>> import numpy as np, autograd_lite as al
    >>> al.rand(2, dtype=np.float64).dtype
    dtype('float64')
    """
    data = generator().random(_shape(shape)).astype(_float_dtype(dtype), copy=False)
    return _finish(data, requires_grad)
