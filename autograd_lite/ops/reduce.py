"""Reductions with PyTorch's spellings (`dim=`/`keepdim=`, NumPy's `axis=`/`keepdims=` as aliases):
sum, mean, max, min, amax, amin, var, std, logsumexp, argmax, argmin, prod, all, any, norm."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..function import Op
from ..tensor import Tensor
from ._common import as_tensor, cast, kept_shape, normalize_axes, normalize_axis, quiet
from .elementwise import maximum, minimum
from .indexing import scatter_add
from .shape import reshape


def _grad_to_input(grad: Any, shape: tuple, axes: tuple, keepdims: bool) -> Any:
    """Put the reduced axes back (size 1) and broadcast `grad` to the input's `shape`."""
    if not keepdims:
        grad = grad.reshape(kept_shape(shape, axes))
    return np.broadcast_to(grad, shape)


class Sum(Op):
    """x.sum(axis);  d/dx = grad broadcast back over the summed axes"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "sum"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims), None, None


def _reduction_input(x: Any, name: str) -> Tensor:
    x = as_tensor(x)
    if x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = cast(x, np.dtype(np.int64))  # as PyTorch: bool and integer sums are int64
    return x


def _aliases(name: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> tuple[Any, bool]:
    """`dim`/`keepdim` with NumPy's `axis`/`keepdims` as aliases (TypeError if both are given)."""
    if axis is not None:
        if dim is not None:
            raise TypeError(
                f"{name}() got both dim={dim!r} and axis={axis!r}; axis is an alias of dim, give one"
            )
        dim = axis
    if keepdims is not None:
        if keepdim is not None:
            raise TypeError(
                f"{name}() got both keepdim= and keepdims=; keepdims is an alias of keepdim, give one"
            )
        keepdim = keepdims
    return dim, bool(keepdim)


def _reduced_axes(dim: Any, x: Tensor) -> tuple[int, ...]:
    """The axes a reduction over `dim` removes: None and () mean every axis (PyTorch's rule)."""
    if dim.__class__ in (tuple, list) and not dim:
        dim = None
    return normalize_axes(dim, x._data.ndim, x._data.shape)


def sum(  # noqa: A001 - PyTorch's and NumPy's name
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Sum over `dim` (None or (): every dimension; an int or a tuple; negative counts from the end).

    `keepdim=True` keeps the reduced dimensions with size 1. `axis=`/`keepdims=` are aliases
    of `dim=`/`keepdim=`. Bool and integer tensors sum to int64, as PyTorch.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(dim=0)
    tensor([4., 6.])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("sum", dim, keepdim, axis, keepdims)
    x = _reduction_input(x, "sum")
    return Sum.apply(x, _reduced_axes(dim, x), bool(keepdim))


class Mean(Op):
    """x.mean(dim);  d/dx = grad / n broadcast back over the averaged axes"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "mean"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        if x.size == 0:
            with quiet():  # an empty slice: 0 / 0 = nan, as PyTorch (NumPy would warn)
                return x.sum(axis=axes, keepdims=keepdims) / x.dtype.type(_count(x.shape, axes))
        return x.mean(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        # An empty input's gradient is empty whatever the scale: 1 avoids dividing by 0.
        count = _count(ctx.shape, ctx.axes) or 1
        return _grad_to_input(grad / count, ctx.shape, ctx.axes, ctx.keepdims), None, None


def _count(shape: tuple, axes: tuple) -> int:
    count = 1
    for axis in axes:
        count *= shape[axis]
    return count


def _float_input(x: Any) -> Tensor:
    x = as_tensor(x)
    if x._data.dtype.kind != "f":
        x = cast(x, dtypes.get_default_dtype())
    return x


def mean(
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Mean over `dim` (None or (): every dimension); integer data gives the default float dtype.

    `axis=`/`keepdims=` are aliases of `dim=`/`keepdim=`.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(1)
    tensor([1.5, 3.5])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("mean", dim, keepdim, axis, keepdims)
    x = _float_input(x)
    return Mean.apply(x, _reduced_axes(dim, x), bool(keepdim))


# -- max / min: over everything or a tuple of dims (values, ties share), over one dim (pairs) --


class Max(Op):
    """x.amax(dim);  the gradient is split equally between the tied maxima"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "max"
    extreme = "max"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        out = x.max(axis=axes, keepdims=True)
        ctx.save_for_backward(_tie_shares(x, out, axes))
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])

    @staticmethod
    def backward(ctx, grad):
        (shares,) = ctx.saved_tensors
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims) * shares, None, None


class Min(Max):
    """x.amin(dim);  the gradient is split equally between the tied minima"""

    __slots__ = ()
    name = "min"
    extreme = "min"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        out = x.min(axis=axes, keepdims=True)
        ctx.save_for_backward(_tie_shares(x, out, axes))
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])


class AMax(Max):
    """x.amax(dim);  the gradient is split equally between the tied maxima"""

    __slots__ = ()
    name = "amax"


class AMin(Min):
    """x.amin(dim);  the gradient is split equally between the tied minima"""

    __slots__ = ()
    name = "amin"


def _tie_shares(x: np.ndarray, extreme: np.ndarray, axes: tuple) -> np.ndarray:
    """1/k at each of the k elements equal to the extreme of their slice, else 0."""
    hits = x == extreme
    count = hits.sum(axis=axes, keepdims=True)
    shares = hits.astype(x.dtype)
    shares /= np.maximum(count, 1)
    return shares


def _extreme(op: type, x: Tensor, dim: Any, keepdims: bool) -> Tensor:
    axes = _reduced_axes(dim, x)
    _check_not_empty(op.name, x, axes)
    if x._data.dtype.kind != "f":
        # Integer and bool data never need a gradient (and keep their dtype, as PyTorch).
        values = getattr(x._data, op.extreme)(axis=axes, keepdims=bool(keepdims))
        return Tensor._make(np.asarray(values), None)
    return op.apply(x, axes, bool(keepdims))


def _check_not_empty(name: str, x: Tensor, axes: tuple) -> None:
    if x._data.size == 0 and len(axes) == x._data.ndim:
        raise ValueError(f"{name}() of an empty tensor (shape {x.shape}) has no identity")
    for a in axes:
        if x._data.shape[a] == 0:
            raise ValueError(
                f"{name}() over the zero-size dim {a} of a tensor of shape {x.shape} has no identity"
            )


class ValuesIndices(tuple):
    """A named pair `(values, indices)` as PyTorch's `torch.return_types.max` (also from
    `min`, `topk`, `sort`): unpacks as a tuple, fields by name."""

    __slots__ = ()

    def __new__(cls, values: Tensor, indices: Tensor) -> ValuesIndices:
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        """The selected values (differentiable)."""
        return self[0]

    @property
    def indices(self) -> Tensor:
        """Their int64 positions along the dimension."""
        return self[1]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(values={self[0]!r}, indices={self[1]!r})"


class TakeAlong(Op):
    """x at `index` along `dim` (index: x's shape with k at dim);  d/dx = grad put back at those places"""

    __slots__ = ("shape", "kept", "where")
    name = "take_along_dim"

    @staticmethod
    def forward(ctx, x, index, dim, keepdim):
        where = np.indices(index.shape, sparse=True)
        where = where[:dim] + (index,) + where[dim + 1 :]
        ctx.shape, ctx.kept, ctx.where = x.shape, index.shape, where
        out = x[where]
        return out if keepdim else out.reshape(index.shape[:dim] + index.shape[dim + 1 :])

    @staticmethod
    def backward(ctx, grad):
        # Positions within a slice are distinct, so the scatter never accumulates.
        return scatter_add(grad.reshape(ctx.kept), ctx.where, ctx.shape)


class MaxDim(TakeAlong):
    """x.max(dim).values;  d/dx = grad at the returned index only"""

    __slots__ = ()
    name = "max"


class MinDim(TakeAlong):
    """x.min(dim).values;  d/dx = grad at the returned index only"""

    __slots__ = ()
    name = "min"


def take_along(op: type, x: Tensor, index: np.ndarray, dim: int, keepdim: bool) -> Tensor:
    """`x`'s values at `index` (int64, x's shape but k along `dim`) as a differentiable tensor."""
    if x._data.ndim == 0:  # 0-d: the value itself (index is 0-d or (1,))
        return reshape(op.apply(reshape(x, 1), index=index.reshape(1), dim=0, keepdim=True), ())
    return op.apply(x, index=index, dim=dim, keepdim=keepdim)


def _extreme_along(name: str, x: Tensor, dim: Any, keepdim: bool) -> ValuesIndices:
    """PyTorch's max(dim) / min(dim): the first extreme of each slice and its index."""
    axis = normalize_axis(dim, x._data.ndim or 1, x.shape)
    _check_not_empty(name, x, (axis,) if x._data.ndim else ())
    data = x._data if x._data.ndim else x._data.reshape(1)
    # NaN is the extreme of its slice, as in PyTorch.
    pick = np.argmax if name == "max" else np.argmin
    index = np.expand_dims(pick(data, axis=axis), axis).astype(np.int64, copy=False)
    if x._data.dtype.kind == "f":
        values = take_along(MaxDim if name == "max" else MinDim, x, index, axis, keepdim)
    else:
        values = np.take_along_axis(data, index, axis)
        values = Tensor._make(values if keepdim or not x._data.ndim else values.squeeze(axis), None)
        if not x._data.ndim:
            values = Tensor._make(values._data.reshape(()), None)
    indices = index if keepdim else index.squeeze(axis)
    return ValuesIndices(values, Tensor._make(indices.reshape(values.shape), None))


def _max_or_min(name: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Any:
    if isinstance(dim, (Tensor, np.ndarray)):  # al.max(a, b): elementwise, as torch.max(a, b)
        if keepdim is not None or axis is not None or keepdims is not None:
            raise TypeError(f"{name}(input, other) takes no dim or keepdim")
        return (maximum if name == "max" else minimum)(x, dim)
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases(name, dim, keepdim, axis, keepdims)
    x = as_tensor(x)
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return _extreme_along(name, x, dim, bool(keepdim))
    return _extreme(Max if name == "max" else Min, x, dim, bool(keepdim))


def max(  # noqa: A001 - PyTorch's name
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Any:
    """Maximum, with PyTorch's three forms.

    - `x.max()`: a tensor; tied maxima share the gradient equally.
    - `x.max(dim, keepdim=False)` with an int `dim`: the named pair `(values, indices)`;
      the gradient goes to the returned index only (the first maximum, as PyTorch on CPU).
    - `al.max(a, b)` with a tensor `b`: elementwise maximum (`al.maximum`).

    A tuple of dims gives the values only, as `amax`. `axis=`/`keepdims=` are aliases.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 5.0], [7.0, 2.0]]).max(1).indices
    tensor([1, 0])
    """
    return _max_or_min("max", x, dim, keepdim, axis, keepdims)


def min(  # noqa: A001 - PyTorch's name
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Any:
    """Minimum: `x.min()` a tensor (ties share), `x.min(dim)` the named pair `(values,
    indices)` (gradient to the returned, first, index), `al.min(a, b)` elementwise.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 5.0], [7.0, 2.0]]).min(dim=1).values
    tensor([1., 2.])
    """
    return _max_or_min("min", x, dim, keepdim, axis, keepdims)


def amax(
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Maximum over `dim` (None or (): every dimension; an int or a tuple): values only,
    tied maxima share the gradient equally (PyTorch's amax).

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 5.0], [7.0, 2.0]]).amax(dim=0)
    tensor([7., 5.])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("amax", dim, keepdim, axis, keepdims)
    return _extreme(AMax, as_tensor(x), dim, bool(keepdim))


def amin(
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Minimum over `dim` (None, an int or a tuple): values only, ties share the gradient.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 5.0], [7.0, 2.0]]).amin(1)
    tensor([1., 2.])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("amin", dim, keepdim, axis, keepdims)
    return _extreme(AMin, as_tensor(x), dim, bool(keepdim))


# -- variance and standard deviation -----------------------------------------------------------


class Var(Op):
    """sum((x - mean(x))**2) / (n - correction);  d/dx = grad * 2 (x - mean(x)) / (n - correction)"""

    __slots__ = ("shape", "axes", "keepdims", "ddof")
    name = "var"

    @staticmethod
    def forward(ctx, x, axes, ddof, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims, ctx.ddof = x.shape, axes, keepdims, ddof
        ctx.save_for_backward(x)
        if _count(x.shape, axes) - ddof > 0:
            return x.var(axis=axes, ddof=ddof, keepdims=keepdims)
        return _variance_without_dof(x, axes, keepdims)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        centred = x - x.mean(axis=ctx.axes, keepdims=True)
        dof = _count(ctx.shape, ctx.axes) - ctx.ddof
        upstream = _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims)
        if dof > 0:
            return upstream * (centred * (2.0 / dof)), None, None, None
        # No degrees of freedom left: 2 / 0 is inf as in PyTorch (0 * inf nan), and a
        # negative count gives 2 / (n - correction) as PyTorch's rule does.
        with quiet():
            return upstream * (centred * (2.0 / dof if dof else float("inf"))), None, None, None


def _variance_without_dof(x: np.ndarray, axes: tuple, keepdims: bool) -> np.ndarray:
    """The variance when n - correction <= 0: the sum of squares divided by 0 (inf, or nan
    for 0 / 0), as PyTorch, which divides by max(0, n - correction); NumPy would warn."""
    with quiet():
        centred = x - x.sum(axis=axes, keepdims=True) / x.dtype.type(_count(x.shape, axes))
        return (centred * centred).sum(axis=axes, keepdims=keepdims) / x.dtype.type(0)


def _correction(name: str, dim: Any, unbiased: Any, correction: Any, ddof: Any) -> tuple[Any, float]:
    """(dim, correction) from one of `unbiased` (also torch's `x.var(True)`, a bool in `dim`'s
    place), `correction` and NumPy's `ddof`; the default correction is 1."""
    if isinstance(dim, (bool, np.bool_)):  # torch's var(unbiased) form: x.var(False)
        dim, unbiased = None, (dim if unbiased is None else _both_unbiased(name))
    given = (unbiased is not None) + (correction is not None) + (ddof is not None)
    if given > 1:
        raise TypeError(
            f"{name}() takes one of correction=, unbiased= and ddof= (they say the same thing), got {given}"
        )
    if unbiased is not None:
        if not isinstance(unbiased, (bool, np.bool_)):
            raise TypeError(
                f"{name}(): unbiased must be a bool (True: correction=1, False: correction=0), got "
                f"{type(unbiased).__name__} {unbiased!r}; use correction= for another value"
            )
        return dim, 1.0 if unbiased else 0.0
    value = correction if correction is not None else ddof
    if value is None:
        return dim, 1.0
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        keyword = "correction" if correction is not None else "ddof"
        raise TypeError(f"{name}(): {keyword} must be a number, got {type(value).__name__} {value!r}")
    return dim, float(value)


def _both_unbiased(name: str) -> Any:
    raise TypeError(f"{name}() got unbiased twice (a bool as first argument and unbiased=)")


def var(
    x: Any,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool | None = None,
    *,
    correction: float | None = None,
    ddof: float | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Variance over `dim`: sum((x - mean)**2) / (n - correction), unbiased by default.

    `correction=1` (the default) is the sample variance, `correction=0` the population one;
    `unbiased=True/False` (PyTorch's older spelling, also `x.var(False)`) and NumPy's `ddof=`
    say the same: give at most one of the three (TypeError otherwise, as PyTorch).
    `dim` None or () reduces everything; `axis=`/`keepdims=` are aliases of `dim=`/`keepdim=`.

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 2.0, 3.0, 4.0]).var(), al.tensor([1.0, 2.0, 3.0, 4.0]).var(correction=0)
    (tensor(1.6666666), tensor(1.25))
    """
    dim, correction = _correction("var", dim, unbiased, correction, ddof)
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("var", dim, keepdim, axis, keepdims)
    x = _float_input(x)
    return Var.apply(x, _reduced_axes(dim, x), correction, bool(keepdim))


class Std(Op):
    """sqrt(var(x));  d/dx = grad * (x - mean(x)) / ((n - correction) * out)  (0 where out = 0)"""

    __slots__ = ("shape", "axes", "keepdims", "ddof")
    name = "std"

    @staticmethod
    def forward(ctx, x, axes, ddof, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims, ctx.ddof = x.shape, axes, keepdims, ddof
        if _count(x.shape, axes) - ddof > 0:
            out = x.std(axis=axes, ddof=ddof, keepdims=keepdims)
        else:
            out = np.sqrt(_variance_without_dof(x, axes, keepdims))
        # The returned array itself is saved: under create_graph it stands for this
        # node's output, so the rule's use of it is differentiated too.
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        centred = x - x.mean(axis=ctx.axes, keepdims=True)
        out = out.reshape(kept_shape(ctx.shape, ctx.axes))
        dof = _count(ctx.shape, ctx.axes) - ctx.ddof
        if dof > 0:
            slope = _std_slope(centred, out, dof)
        else:
            with quiet():  # no degrees of freedom: out is inf or nan, and so is the slope
                slope = _std_slope(centred, out, dof)
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims) * slope, None, None, None


def _std_slope(centred: Any, out: Any, dof: float) -> Any:
    """d std / dx = (x - mean) / (dof * std); as PyTorch, 0 rather than 0/0 where std is 0."""
    zero = (out._data if isinstance(out, Tensor) else out) == 0
    return np.where(zero, 0.0, centred / np.where(zero, 1.0, out * dof))


def std(
    x: Any,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool | None = None,
    *,
    correction: float | None = None,
    ddof: float | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Standard deviation over `dim`: sqrt(var), unbiased by default (`correction=1`).

    Same arguments as `var`: one of `correction=`, `unbiased=`, `ddof=`; `axis=`/`keepdims=`
    are aliases of `dim=`/`keepdim=`. A slice with no spread gets gradient 0 (PyTorch's).

    >>> import autograd_lite as al
    >>> al.tensor([1.0, 3.0]).std(unbiased=False)
    tensor(1.)
    """
    dim, correction = _correction("std", dim, unbiased, correction, ddof)
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("std", dim, keepdim, axis, keepdims)
    x = _float_input(x)
    return Std.apply(x, _reduced_axes(dim, x), correction, bool(keepdim))


class LogSumExp(Op):
    """log(sum(exp(x)));  d/dx = grad * exp(x - out)  (softmax of x)"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "logsumexp"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        out = stable_logsumexp(x, axes)
        if not keepdims:
            out = out.reshape([n for i, n in enumerate(x.shape) if i not in axes])
        # Saving the returned array lets create_graph differentiate through `out`.
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        out = out.reshape(kept_shape(ctx.shape, ctx.axes))
        upstream = _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims)
        with quiet():  # a slice of -inf: exp(-inf - -inf) is nan, as PyTorch
            return upstream * np.exp(x - out), None, None


def stable_logsumexp(x: np.ndarray, axes: tuple) -> np.ndarray:
    """log(sum(exp(x))) over `axes`, kept as size 1; exact for |x| up to the dtype's range."""
    # Shifting by the maximum keeps exp() from overflowing; a slice of -inf (or
    # inf) is shifted by 0 so that it gives -inf (inf) rather than nan.
    # `initial` makes empty slices give log(0) = -inf instead of failing.
    shift = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0).astype(x.dtype, copy=False)
    total = np.exp(x - shift).sum(axis=axes, keepdims=True)
    with quiet():  # a slice of -inf (or an empty one): log(0) = -inf, as PyTorch
        return np.log(total) + shift


def logsumexp(
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """log(sum(exp(x))) over `dim` (None or (): every dimension), stable for large |x|.

    >>> import autograd_lite as al
    >>> al.tensor([1e4, 1e4]).logsumexp(0).item() - 1e4
    0.693359375
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("logsumexp", dim, keepdim, axis, keepdims)
    x = _float_input(x)
    return LogSumExp.apply(x, _reduced_axes(dim, x), bool(keepdim))


def _arg_extreme(method: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases(method, dim, keepdim, axis, keepdims)
    x = as_tensor(x)
    if dim is not None:
        (dim,) = normalize_axes(dim, x._data.ndim, x._data.shape) or (None,)
    if x._data.size == 0 and (dim is None or x._data.shape[dim] == 0):
        raise ValueError(f"{method}() of an empty tensor (shape {x.shape}) over a zero-size dim")
    out = np.asarray(getattr(x._data, method)(axis=dim, keepdims=bool(keepdim)), dtype=np.int64)
    return Tensor._make(out, None)


def argmax(
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Index of the (first) maximum along `dim`, int64, no gradient; `dim=None`: the flat index.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 5.0], [7.0, 2.0]]).argmax(dim=1)
    tensor([1, 0])
    """
    return _arg_extreme("argmax", x, dim, keepdim, axis, keepdims)


def argmin(
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Index of the (first) minimum along `dim`, int64, no gradient; `dim=None`: the flat index.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 5.0], [7.0, 2.0]]).argmin(1)
    tensor([0, 1])
    """
    return _arg_extreme("argmin", x, dim, keepdim, axis, keepdims)


# -- product, all / any, norms ---------------------------------------------------------------


class Prod(Op):
    """prod(x);  d/dx_i = grad * (product of the others): out / x_i without zeros, the
    product of the nonzero values at a slice's only zero, 0 with two zeros or more"""

    __slots__ = ("shape", "axes", "keepdims")
    name = "prod"

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        out = x.prod(axis=axes, keepdims=keepdims)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        is_zero = (x._data if isinstance(x, Tensor) else x) == 0
        zeros = is_zero.sum(axis=ctx.axes, keepdims=True)
        safe = np.where(is_zero, 1.0, x)
        out = out.reshape(kept_shape(ctx.shape, ctx.axes))
        # Dividing out by x_i is exact without zeros; at a lone zero the product of the others
        # is the product of the nonzero values; elsewhere a zero remains among the others.
        others = np.where(
            zeros == 0,
            out / safe,
            np.where(is_zero & (zeros == 1), safe.prod(axis=ctx.axes, keepdims=True), 0.0),
        )
        return _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims) * others, None, None


def prod(
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Product over `dim` (None: every element; an int; a tuple too); bool and integer
    data give int64 (PyTorch's). The gradient is exact with zeros in the input.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(1)
    tensor([ 2., 12.])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("prod", dim, keepdim, axis, keepdims)
    x = _reduction_input(x, "prod")
    return Prod.apply(x, _reduced_axes(dim, x), bool(keepdim))


def _logical(name: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases(name, dim, keepdim, axis, keepdims)
    x = as_tensor(x)
    # PyTorch reduces nothing for dim=() here (unlike sum): each element tested alone.
    axes = normalize_axes(dim, x._data.ndim, x._data.shape)
    out = getattr(np, name)(x._data, axis=axes, keepdims=bool(keepdim))
    return Tensor._make(np.asarray(out), None)


def all(  # noqa: A001 - PyTorch's name
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Whether every element along `dim` (None: all) is nonzero: a bool tensor, no gradient.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 0.0], [2.0, 3.0]]).all(dim=1)
    tensor([False,  True])
    """
    return _logical("all", x, dim, keepdim, axis, keepdims)


def any(  # noqa: A001 - PyTorch's name
    x: Any, dim: Any = None, keepdim: bool | None = None, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """Whether some element along `dim` (None: all) is nonzero: a bool tensor, no gradient.

    >>> import autograd_lite as al
    >>> al.tensor([[1.0, 0.0], [0.0, 0.0]]).any(1)
    tensor([ True, False])
    """
    return _logical("any", x, dim, keepdim, axis, keepdims)


class Norm(Op):
    """(sum |x|**p)**(1/p);  d/dx = grad * sign(x) |x|**(p-1) / out**(p-1)  (0 where out = 0);
    p = inf / -inf: the tied extremes of |x| share grad * sign(x);  p = 0 (a count): 0"""

    __slots__ = ("shape", "axes", "keepdims", "p")
    name = "norm"

    @staticmethod
    def forward(ctx, x, axes, keepdims, p):
        ctx.shape, ctx.axes, ctx.keepdims, ctx.p = x.shape, axes, keepdims, p
        out = _vector_norm(x, p, axes, keepdims)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p = ctx.p
        grad = _grad_to_input(grad, ctx.shape, ctx.axes, ctx.keepdims)
        if p == 0:
            return grad * 0.0, None, None, None
        sign = np.sign(x)
        if p == 1:
            return grad * sign, None, None, None
        out = out.reshape(kept_shape(ctx.shape, ctx.axes))
        if np.isinf(p):
            return grad * (sign * _tie_shares(np.abs(_array(x)), _array(out), ctx.axes)), None, None, None
        # As PyTorch: where the norm is 0 the gradient is 0 (the 2-norm's subgradient).
        zero = _array(out) == 0
        denominator = np.where(zero, 1.0, out)
        if p == 2:
            return grad * np.where(zero, 0.0, x / denominator), None, None, None
        # |x|**(p-1) at x = 0 is 0 (or inf for p < 1): PyTorch's gradient there is 0.
        vanishing = zero | (_array(x) == 0)
        magnitude = np.where(vanishing, 1.0, np.abs(x))
        slope = sign * (magnitude / denominator) ** (p - 1)
        return grad * np.where(vanishing, 0.0, slope), None, None, None


def _array(value: Any) -> np.ndarray:
    return value._data if isinstance(value, Tensor) else value


def _vector_norm(x: np.ndarray, p: float, axes: tuple, keepdims: bool) -> np.ndarray:
    magnitude = np.abs(x)
    if p == 2:
        return np.sqrt((magnitude * magnitude).sum(axis=axes, keepdims=keepdims))
    if p == np.inf:
        return magnitude.max(axis=axes, keepdims=keepdims, initial=0)
    if p == -np.inf:
        return magnitude.min(axis=axes, keepdims=keepdims)
    if p == 0:
        return (magnitude != 0).sum(axis=axes, keepdims=keepdims).astype(x.dtype)
    return (magnitude**p).sum(axis=axes, keepdims=keepdims) ** (1.0 / p)


def norm(
    x: Any,
    p: Any = 2,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """The vector p-norm over `dim` (None or (): every element, as a flat vector).

    `p`: 2 (default), 1, `float('inf')` (largest |x|), `-inf` (smallest), 0 (count of
    nonzeros), any other float, or "fro" (the 2-norm). At a norm of 0 the gradient is 0,
    as PyTorch; the tied extremes of the inf-norms share the gradient.

    >>> import autograd_lite as al
    >>> al.tensor([[3.0, 4.0], [0.0, 1.0]]).norm(dim=1)
    tensor([5., 1.])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _aliases("norm", dim, keepdim, axis, keepdims)
    if p == "fro" or p is None:
        p = 2.0
    elif (
        isinstance(p, str) or isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating))
    ):
        raise ValueError(
            f"norm(): p must be a number or 'fro', got {p!r} (matrix norms such as 'nuc' are not supported)"
        )
    x = _float_input(x)
    axes = _reduced_axes(dim, x)
    if p == -np.inf:
        _check_not_empty("norm(p=-inf)", x, axes)
    return Norm.apply(x, axes, bool(keepdim), float(p))


Tensor.sum = sum
Tensor.mean = mean
Tensor.max = max
Tensor.min = min
Tensor.amax = amax
Tensor.amin = amin
Tensor.var = var
Tensor.std = std
Tensor.logsumexp = logsumexp
Tensor.argmax = argmax
Tensor.argmin = argmin
Tensor.prod = prod
Tensor.all = all
Tensor.any = any
Tensor.norm = norm
