"""Tensor factories: tensor, from_numpy, zeros, ones, empty, full, eye, arange, linspace,
*_like, randn, rand, randint, and the `Tensor.new_*` methods. Each takes `dtype=`,
`requires_grad=` and (CPU only) `device=`, as PyTorch's."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .devices import check_cpu
from .random import generator
from .tensor import Tensor


def _shape(shape: tuple) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
            raise ValueError(f"shape must be non-negative ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def _size(shape: tuple, size: Any) -> tuple[int, ...]:
    """The shape given positionally (`zeros(2, 3)`, `zeros((2, 3))`) or as PyTorch's `size=`."""
    if size is not None:
        if shape:
            raise TypeError("give the shape either positionally or as size=, not both")
        shape = (size,)  # one int, or one tuple or list: `_shape` reads both
    return _shape(shape)


def _sample_dtype(dtype: Any, name: str) -> np.dtype:
    """The dtype of random samples: floating only (an integer dtype would round them away)."""
    dtype = _float_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(
            f"{name} draws floating-point samples; dtype {dtype} is not floating (use al.randint)"
        )
    return dtype


def _float_dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _finish(data: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    check_cpu(device, "creating a tensor")
    tensor = Tensor._make(data, None)
    if requires_grad:
        tensor.requires_grad = True
    return tensor


def _array_of(t: Any) -> np.ndarray:
    return t._data if isinstance(t, Tensor) else np.asarray(t)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None, device: Any = None) -> Tensor:
    """A new tensor holding a copy of `data` (PyTorch's dtype rule).

    Args:
        data: a Python number, a (nested) list, an `np.ndarray` or a Tensor; always copied.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        dtype: a NumPy dtype; None applies PyTorch's rule: arrays keep theirs, Python floats get
            the default float dtype, ints `int64`, bools `bool`.
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).dtype, al.tensor([1.0]).dtype
    (dtype('int64'), dtype('float32'))
    """
    check_cpu(device, "creating a tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing `array`'s memory and dtype: writes through either are seen by both.

    >>> import numpy as np, autograd_lite as al
    >>> array = np.zeros(2); t = al.from_numpy(array); array[0] = 5.0; t
    tensor([5., 0.], dtype=float64)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects an np.ndarray, got {type(array).__name__}")
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"from_numpy: arrays of dtype {array.dtype} are not supported; expected real numbers or bools"
        )
    return Tensor._make(array, None)


def zeros(
    *shape: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of zeros; `al.zeros(2, 3)`, `al.zeros((2, 3))` or `al.zeros(size=(2, 3))`.

    Args:
        shape: ints, or one tuple or list of ints (`size=` is the same; give one of the two).
        dtype: a NumPy dtype (`al.float64`, "int64", ...); None means the default float dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.zeros(2, dtype=al.int64)
    tensor([0, 0])
    """
    return _finish(np.zeros(_size(shape, size), dtype=_float_dtype(dtype)), requires_grad, device)


def ones(
    *shape: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of ones; `al.ones(2, 3)`, `al.ones((2, 3))` or `al.ones(size=(2, 3))`.

    Args:
        shape: ints, or one tuple or list of ints (`size=` is the same; give one of the two).
        dtype: a NumPy dtype (`al.float64`, "int64", ...); None means the default float dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.ones(2, requires_grad=True)
    tensor([1., 1.], requires_grad=True)
    """
    return _finish(np.ones(_size(shape, size), dtype=_float_dtype(dtype)), requires_grad, device)


def empty(
    *shape: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor whose values are unspecified (here zeros, so results never depend on memory).

    Args:
        shape: ints, or one tuple or list of ints (`size=` is the same; give one of the two).
        dtype: a NumPy dtype (`al.float64`, "int64", ...); None means the default float dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    return zeros(*shape, size=size, dtype=dtype, requires_grad=requires_grad, device=device)


def full(
    size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor filled with `fill_value` (its dtype by PyTorch's rule unless given).

    Args:
        size: the shape, an int or a tuple or list of ints.
        fill_value: a number, a bool or a one-element Tensor (its value is taken).
        dtype: a NumPy dtype; None takes `fill_value`'s by PyTorch's rule (bool, int64 or the
            default float dtype; NumPy scalars keep theirs).
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.full((2,), 3), al.full((2,), 0.5, dtype=al.float64, requires_grad=True).requires_grad
    (tensor([3, 3]), True)
    """
    shape = _shape((size,) if isinstance(size, (int, np.integer)) else tuple(size))
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = dtypes.infer_dtype(fill_value) or np.asarray(fill_value).dtype
    return _finish(np.full(shape, fill_value, dtype=dtype), requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """The n x m identity matrix (m defaults to n).

    Args:
        n: the number of rows, a non-negative int.
        m: the number of columns, a non-negative int; None means `n`.
        dtype: a NumPy dtype (`al.float64`, "int64", ...); None means the default float dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    for name, value in (("n", n), ("m", m)):
        if value is not None and (
            not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0
        ):
            raise ValueError(f"eye: {name} must be a non-negative int, got {value!r}")
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Evenly spaced values in [start, end) (PyTorch's `arange`; `arange(n)` is [0, n));
    int64 for int arguments, else the default float.

    Args:
        start: the first value; alone (`end` None) it is the end and the start is 0.
        end: the bound, excluded.
        step: the difference between neighbouring values (may be negative or a float).
        dtype: a NumPy dtype; None means int64 when `start`, `end` and `step` are all ints,
            else the default float dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.arange(3), al.arange(0, 1, 0.25)
    (tensor([0, 1, 2]), tensor([0.  , 0.25, 0.5 , 0.75]))
    """
    if end is None:
        start, end = 0, start
    if dtype is None:
        all_ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if all_ints else dtypes.get_default_dtype()
    return _finish(np.arange(start, end, step, dtype=dtype), requires_grad, device)


def linspace(
    start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """`steps` evenly spaced values from `start` to `end`, both included (PyTorch's `linspace`).

    Args:
        start: the first value, a number.
        end: the last value, a number (included).
        steps: the number of values, a non-negative int.
        dtype: a NumPy dtype (`al.float64`, "int64", ...); None means the default float dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.linspace(0, 1, steps=5)
    tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative int, got {steps!r}")
    values = np.linspace(float(start), float(end), int(steps))
    return _finish(values.astype(_float_dtype(dtype), copy=False), requires_grad, device)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Zeros with the shape (and dtype) of `t`.

    Args:
        t: a Tensor, array or Python data whose shape (and dtype) the result takes.
        dtype: the result's dtype; None means the dtype of `t`.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    return _finish(np.zeros_like(_array_of(t), dtype=dtype), requires_grad, device)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Ones with the shape (and dtype) of `t`.

    Args:
        t: a Tensor, array or Python data whose shape (and dtype) the result takes.
        dtype: the result's dtype; None means the dtype of `t`.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    return _finish(np.ones_like(_array_of(t), dtype=dtype), requires_grad, device)


def empty_like(t: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of `t`'s shape (and dtype) with unspecified values (here zeros).

    Args:
        t: a Tensor, array or Python data whose shape (and dtype) the result takes.
        dtype: the result's dtype; None means the dtype of `t`.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    return zeros_like(t, dtype=dtype, requires_grad=requires_grad, device=device)


def full_like(
    t: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """`fill_value` in the shape and dtype of `t` (PyTorch's `full_like`: the value is cast).

    Args:
        t: a Tensor, array or Python data whose shape (and dtype) the result takes.
        fill_value: a number, a bool or a one-element Tensor (its value is taken), cast to
            the result's dtype.
        dtype: the result's dtype; None means the dtype of `t`.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.full_like(al.tensor([1, 2]), 2.7)
    tensor([2, 2])
    """
    array = _array_of(t)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dtype = array.dtype if dtype is None else np.dtype(dtype)
    return _finish(np.full(array.shape, fill_value).astype(dtype), requires_grad, device)


def _random_like_dtype(t: Any, dtype: Any, what: str) -> tuple[tuple, np.dtype]:
    array = _array_of(t)
    dtype = array.dtype if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{what} draws floating-point values; got dtype {dtype} (pass dtype=al.float32)")
    return array.shape, dtype


def randn(
    *shape: Any, size: Any = None, requires_grad: bool = False, dtype: Any = None, device: Any = None
) -> Tensor:
    """Standard normal samples from the library's seeded generator.

    Args:
        shape: ints, or one tuple or list of ints (`size=` is the same; give one of the two).
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        dtype: a floating dtype for the samples; None means the default float dtype.
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    data = generator().standard_normal(_size(shape, size)).astype(_sample_dtype(dtype, "randn"), copy=False)
    return _finish(data, requires_grad, device)


def rand(
    *shape: Any, size: Any = None, requires_grad: bool = False, dtype: Any = None, device: Any = None
) -> Tensor:
    """Uniform samples in [0, 1) from the library's seeded generator.

    Args:
        shape: ints, or one tuple or list of ints (`size=` is the same; give one of the two).
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        dtype: a floating dtype for the samples; None means the default float dtype.
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    data = generator().random(_size(shape, size)).astype(_sample_dtype(dtype, "rand"), copy=False)
    return _finish(data, requires_grad, device)


def randn_like(t: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal samples in the shape and (floating) dtype of `t`.

    Args:
        t: a Tensor, array or Python data whose shape (and dtype) the result takes.
        dtype: a floating dtype; None means the dtype of `t`, which must then be floating
            (else `TypeError`).
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.randn_like(al.zeros(2, 3)).shape
    (2, 3)
    """
    shape, dtype = _random_like_dtype(t, dtype, "randn_like")
    return randn(shape, dtype=dtype, requires_grad=requires_grad, device=device)


def rand_like(t: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform samples in [0, 1) in the shape and (floating) dtype of `t`.

    Args:
        t: a Tensor, array or Python data whose shape (and dtype) the result takes.
        dtype: a floating dtype; None means the dtype of `t`, which must then be floating
            (else `TypeError`).
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    shape, dtype = _random_like_dtype(t, dtype, "rand_like")
    return rand(shape, dtype=dtype, requires_grad=requires_grad, device=device)


def randint(
    *args: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """Random integers in [low, high) (high exclusive), int64 unless `dtype` says otherwise:
    `randint(low, high, size)` or `randint(high, size)`, as PyTorch's.

    Args:
        low: the smallest value, an int (0 when only `high` is given).
        high: the bound, an int greater than `low`, excluded.
        size: the shape: a tuple or list of ints as the last positional argument, or
            `size=` (then an int is also accepted).
        dtype: the result's dtype; None means int64.
        requires_grad: make the result a leaf whose gradient `backward()` computes (only with
            a floating `dtype`, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.randint(0, 10, (3,)).dtype, al.randint(5, size=(2, 2)).shape
    (dtype('int64'), (2, 2))
    """
    if size is None and args and isinstance(args[-1], (tuple, list)):
        args, size = args[:-1], args[-1]
    if size is None or len(args) not in (1, 2):
        raise TypeError("randint expects (high, size) or (low, high, size), e.g. al.randint(0, 10, (3,))")
    low, high = (0, args[0]) if len(args) == 1 else args
    for name, value in (("low", low), ("high", high)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise TypeError(f"randint: {name} must be an int, got {value!r}")
    if high <= low:
        raise ValueError(f"randint: expected low < high, got low={low}, high={high}")
    shape = _shape((size,) if isinstance(size, (int, np.integer)) else tuple(size))
    data = generator().integers(low, high, shape, dtype=np.int64)
    return _finish(
        data.astype(np.int64 if dtype is None else np.dtype(dtype), copy=False), requires_grad, device
    )


def new_zeros(
    self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """Zeros of shape `size` in this tensor's dtype (unless `dtype` is given).

    Args:
        size: ints, or one tuple or list of ints.
        dtype: the result's dtype; None means this tensor's dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.

    >>> import autograd_lite as al
    >>> al.tensor([1, 2]).new_zeros(2, 3).dtype
    dtype('int64')
    """
    dtype = self._data.dtype if dtype is None else dtype
    return zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def new_ones(
    self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """Ones of shape `size` in this tensor's dtype (unless `dtype` is given).

    Args:
        size: ints, or one tuple or list of ints.
        dtype: the result's dtype; None means this tensor's dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    dtype = self._data.dtype if dtype is None else dtype
    return ones(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def new_empty(
    self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of shape `size` in this tensor's dtype with unspecified values (here zeros).

    Args:
        size: ints, or one tuple or list of ints.
        dtype: the result's dtype; None means this tensor's dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    return new_zeros(self, *size, dtype=dtype, requires_grad=requires_grad, device=device)


def new_full(
    self: Tensor,
    size: Any,
    fill_value: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """`fill_value` in shape `size` and this tensor's dtype (unless `dtype` is given).

    Args:
        size: the shape, an int or a tuple or list of ints.
        fill_value: a number, a bool or a one-element Tensor (its value is taken).
        dtype: the result's dtype; None means this tensor's dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    dtype = self._data.dtype if dtype is None else dtype
    return full(size, fill_value, dtype=dtype, requires_grad=requires_grad, device=device)


def new_tensor(
    self: Tensor, data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A copy of `data` in this tensor's dtype (unless `dtype` is given).

    Args:
        data: a Python number, a (nested) list, an `np.ndarray` or a Tensor; always copied.
        dtype: the result's dtype; None means this tensor's dtype.
        requires_grad: make the result a leaf whose gradient `backward()` computes (floating
            dtypes only, else `TypeError`).
        device: accepted for PyTorch code; only "cpu" (or None) is supported, else `RuntimeError`.
    """
    dtype = self._data.dtype if dtype is None else dtype
    return tensor(data, dtype=dtype, requires_grad=requires_grad, device=device)


Tensor.new_zeros = new_zeros
Tensor.new_ones = new_ones
Tensor.new_empty = new_empty
Tensor.new_full = new_full
Tensor.new_tensor = new_tensor
