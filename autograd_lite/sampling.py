"""Random draws shaped by their arguments, as PyTorch's: randperm, bernoulli, multinomial and
normal. All use the library's generator, so `al.manual_seed` makes them reproducible; the
samples carry no gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from .factories import _finish, _sample_dtype, _size
from .random import generator
from .tensor import Tensor, as_tensor


def randperm(n: int, *, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A random permutation of 0..n-1, int64 unless `dtype` says otherwise.

    >>> import autograd_lite as al
    >>> sorted(al.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"randperm: n must be a non-negative int, got {n!r}")
    data = generator().permutation(int(n)).astype(np.int64 if dtype is None else np.dtype(dtype))
    return _finish(data, requires_grad, device)


def _probabilities(p: Any, name: str) -> np.ndarray:
    data = as_tensor(p)._data
    if data.dtype.kind != "f":
        raise TypeError(f"{name} expects floating-point probabilities, got dtype {data.dtype}")
    if data.size and not (np.all(data >= 0) and np.all(data <= 1)):
        raise ValueError(
            f"{name}: probabilities must be in [0, 1], got values from {data.min()} to {data.max()}"
        )
    return data


def bernoulli(x: Any, p: Any = None) -> Tensor:
    """0/1 samples, 1 with probability `x` elementwise (or `p`, a number, for every element
    of `x`'s shape), in `x`'s floating dtype.

    >>> import autograd_lite as al
    >>> al.bernoulli(al.tensor([0.0, 1.0])).tolist()
    [0.0, 1.0]
    """
    x = as_tensor(x)
    if p is not None:
        if not isinstance(p, (int, float, np.floating, np.integer)) or isinstance(p, bool) or not 0 <= p <= 1:
            raise ValueError(f"bernoulli: p must be a number in [0, 1], got {p!r}")
        dtype = x._data.dtype if x._data.dtype.kind == "f" else np.dtype(np.float32)
        probabilities = np.full(x._data.shape, p, dtype=dtype)
    else:
        probabilities = _probabilities(x, "bernoulli")
    draws = generator().random(probabilities.shape) < probabilities
    return Tensor._make(draws.astype(probabilities.dtype), None)


def multinomial(probs: Any, num_samples: int, replacement: bool = False) -> Tensor:
    """`num_samples` category indices per row of `probs` (1-D, or 2-D: one row per draw),
    drawn with weights `probs` (non-negative, not all zero, need not sum to 1); without
    `replacement` each category is drawn at most once. int64.

    >>> import autograd_lite as al
    >>> al.multinomial(al.tensor([0.0, 1.0, 0.0]), 2, replacement=True).tolist()
    [1, 1]
    """
    weights = as_tensor(probs)._data
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial expects a 1-D or 2-D tensor of weights, got shape {weights.shape}")
    if not isinstance(num_samples, (int, np.integer)) or isinstance(num_samples, bool) or num_samples <= 0:
        raise ValueError(f"multinomial: num_samples must be a positive int, got {num_samples!r}")
    rows = np.atleast_2d(weights).astype(np.float64)
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise ValueError("multinomial: weights must be finite and non-negative")
    totals = rows.sum(axis=1)
    if np.any(totals <= 0):
        raise ValueError("multinomial: every row of weights must have a positive sum")
    if not replacement and num_samples > np.count_nonzero(rows, axis=1).min():
        raise ValueError(
            f"multinomial: cannot draw {num_samples} samples without replacement from "
            f"{np.count_nonzero(rows, axis=1).min()} categories of nonzero weight"
        )
    rng = generator()
    out = np.stack(
        [rng.choice(row.size, size=int(num_samples), replace=bool(replacement), p=row / total)
         for row, total in zip(rows, totals)]
    ).astype(np.int64)  # fmt: skip
    return Tensor._make(out if weights.ndim == 2 else out[0], None)


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Normal samples with `mean` and `std` (numbers or tensors, broadcast together); with
    two numbers, `size` gives the shape. Tensor arguments give their (floating) dtype.

    >>> import autograd_lite as al
    >>> al.normal(0.0, 1.0, size=(2, 3)).shape, al.normal(al.zeros(4), 2.0).shape
    ((2, 3), (4,))
    """
    tensors = [as_tensor(v)._data for v in (mean, std) if isinstance(v, (Tensor, np.ndarray, list))]
    if tensors:
        if size is not None:
            raise TypeError("normal: give size= only when mean and std are both numbers")
        shape = np.broadcast_shapes(*[np.shape(as_tensor(v)._data) for v in (mean, std)])
        floating = [t.dtype for t in tensors if t.dtype.kind == "f"]
        dtype = _sample_dtype(dtype if dtype is not None else (floating[0] if floating else None), "normal")
    else:
        if size is None:
            raise TypeError("normal(mean, std) with two numbers needs size=, e.g. al.normal(0.0, 1.0, (3,))")
        shape, dtype = _size((), size), _sample_dtype(dtype, "normal")
    mean_data, std_data = (as_tensor(v)._data.astype(dtype) for v in (mean, std))
    if np.any(std_data < 0):
        raise ValueError(f"normal: std must be non-negative, got {std_data.min()}")
    data = (mean_data + std_data * generator().standard_normal(shape)).astype(dtype, copy=False)
    return _finish(np.asarray(data), requires_grad, device)


Tensor.bernoulli = bernoulli
Tensor.multinomial = multinomial
