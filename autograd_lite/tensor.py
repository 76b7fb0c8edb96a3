"""`Tensor`: an `np.ndarray` plus what autodiff needs (requires_grad, grad, grad_fn).

No calculus lives here: operator methods delegate to the functions in `ops/`.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable

import numpy as np

from . import dtypes, engine, function, grad_mode, inplace

_handle_ids = itertools.count()


class _Hooks(dict):
    """A tensor's or node's hooks by handle id (a dict a handle can refer to weakly)."""

    __slots__ = ("__weakref__",)


class RemovableHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook."""

    __slots__ = ("_hooks_ref", "id")

    def __init__(self, hooks: dict) -> None:
        self._hooks_ref = weakref.ref(hooks)
        self.id = next(_handle_ids)

    def remove(self) -> None:
        hooks = self._hooks_ref()
        if hooks is not None:
            hooks.pop(self.id, None)


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    >>> import autograd_lite as al
    >>> x = al.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = ("_data", "_requires_grad", "grad_fn", "_grad", "name", "_hooks", "_version", "__weakref__")

    # Let NumPy hand mixed expressions (ndarray + Tensor) to Tensor's operators.
    __array_priority__ = 1000

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        self._data = _to_array(data, dtype)
        self.grad_fn = None
        self._grad = None
        self._requires_grad = False
        self._hooks = None
        self._version = 0
        self.name = name
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _make(data: np.ndarray, grad_fn: Any) -> Tensor:
        """Wrap an op's result without any checks (the hot path; a staticmethod, as binding
        a classmethod on every call costs time)."""
        tensor = _new_tensor(Tensor)
        tensor._data = data
        tensor._requires_grad = grad_fn is not None
        tensor.grad_fn = grad_fn
        tensor._grad = None
        tensor.name = None
        tensor._hooks = None
        tensor._version = 0
        return tensor

    # -- attributes --------------------------------------------------------------

    @property
    def data(self) -> np.ndarray:
        """The underlying array. Assigning replaces it (shape and dtype may change on leaves).

        While a graph holds the array for its backward, it is read-only (see `inplace`).
        """
        if self.grad_fn is not None:
            inplace.guard_output(self)
        data = self._data
        return data if data.flags.writeable else inplace.readable_data(self, data)

    @data.setter
    def data(self, value: Any) -> None:
        if isinstance(value, Tensor):
            value = value._data
        value = np.asarray(value)
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot assign data of dtype {value.dtype}; expected real numbers or bools")
        if self._requires_grad and value.dtype.kind != "f":
            raise TypeError(
                f"cannot assign an array of dtype {value.dtype} to the data of a tensor that "
                "requires grad (only floating dtypes can require gradients)"
            )
        old = self._data
        self._data = value
        self._version += 1
        if value is not old:
            inplace.replaced(self, old)

    def _bump_version(self) -> None:
        """Declare an in-place update of `data` (optimizers call it before writing).

        The array becomes writable even if a retained graph holds it, and a later backward
        through that graph raises instead of using the changed values.
        """
        self._version += 1
        inplace.force_writable(self)

    @property
    def requires_grad(self) -> bool:
        """Whether gradients are computed for this tensor."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        value = bool(value)
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; use .detach() to get a "
                "tensor without a graph"
            )
        if value and self._data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self._data.dtype}"
            )
        self._requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient (a Tensor) or None."""
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                value = Tensor(np.asarray(value))
            if value.shape != self.shape:
                raise ValueError(
                    f"assigned grad has shape {value.shape}, but the tensor has shape {self.shape}"
                )
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation."""
        return self.grad_fn is None

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def size(self) -> int:
        """Number of elements (NumPy's `size`; `numel()` is the PyTorch spelling)."""
        return self._data.size

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """All axes reversed, as NumPy's `.T`."""
        return shape_ops.transpose(self)

    # -- conversions -------------------------------------------------------------

    def numpy(self) -> np.ndarray:
        """The data as an `np.ndarray` (shares memory; no graph)."""
        if self.grad_fn is not None:
            inplace.guard_output(self)
        return self._data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item() needs a tensor with exactly one element, got shape {self.shape}"
            )
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numel(self) -> int:
        return self._data.size

    def astype(self, dtype: Any) -> Tensor:
        """A copy in `dtype`; differentiable between floating dtypes."""
        return arithmetic.astype(self, dtype)

    def float(self) -> Tensor:
        return self.astype(np.float32)

    def double(self) -> Tensor:
        return self.astype(np.float64)

    def detach(self) -> Tensor:
        """The same data, cut from the graph (shares memory)."""
        if self.grad_fn is not None:
            inplace.guard_output(self)
        return Tensor._make(self._data, None)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self.grad_fn is not None:
            inplace.guard_output(self)
        if dtype is not None:
            return self._data.astype(dtype, copy=False)
        return self._data

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of one element can be used as an index")
        return int(self._data.item())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(")
        extras = []
        dtype = self._data.dtype
        if dtype != dtypes.get_default_dtype() and dtype not in (np.int64, np.bool_):
            extras.append(f"dtype={dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self.name is not None:
            extras.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # -- autodiff ----------------------------------------------------------------

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`.

        >>> import autograd_lite as al
        >>> x = al.tensor(3.0, requires_grad=True)
        >>> (x ** 2).backward(); x.grad
        tensor(6.)
        """
        if not self._requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "backward() needs a tensor computed from tensors with requires_grad=True"
            )
        root_grad = _root_gradient(self, gradient, create_graph)
        if retain_graph is None:
            retain_graph = create_graph
        engine.run_backward((self,), (root_grad,), retain_graph, create_graph)

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on a tensor that has requires_grad=False")
        if self.grad_fn is not None and self.grad_fn.retained is None:
            self.grad_fn.retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self.grad_fn is not None and self.grad_fn.retained is not None

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; it may return a replacement.

        >>> import autograd_lite as al
        >>> x = al.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> (x * 1).sum().backward(); x.grad
        tensor([10., 10.])
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require grad")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = _Hooks()
            hooks = self._hooks
        else:
            if self.grad_fn.hooks is None:
                self.grad_fn.hooks = _Hooks()
            hooks = self.grad_fn.hooks
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def zero_(self) -> Tensor:
        """Fill with zeros in place (used on gradients)."""
        self._data[...] = 0
        return self

    # -- NumPy interoperability --------------------------------------------------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # NumPy calls this for `np.exp(t)`, `ndarray * t`, ...: hand it to our ops so
        # that expressions written for arrays (derivative rules) work on Tensors too.
        implementation = _UFUNCS.get(ufunc) if method == "__call__" and not kwargs else None
        if implementation is None:
            raise TypeError(
                f"numpy.{ufunc.__name__} ({method}) is not supported on autograd_lite Tensors; "
                "use the Tensor's methods or call .numpy() for a plain array"
            )
        return implementation(*inputs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        implementation = _ARRAY_FUNCTIONS.get(func)
        if implementation is None:
            raise TypeError(
                f"numpy.{func.__name__} is not supported on autograd_lite Tensors; "
                "use the autograd_lite function of that name or call .numpy()"
            )
        return implementation(*args, **kwargs)

    # -- arithmetic operators ----------------------------------------------------

    def __add__(self, other: Any) -> Tensor:
        return arithmetic.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return arithmetic.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return arithmetic.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return arithmetic.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return arithmetic.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return arithmetic.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return arithmetic.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return arithmetic.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return arithmetic.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return arithmetic.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return linalg.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return linalg.matmul(other, self)

    # -- in-place operators: `with al.no_grad(): w -= lr * w.grad` updates w itself ------

    def __iadd__(self, other: Any) -> Tensor:
        return self._update_in_place(np.add, other, arithmetic.add)

    def __isub__(self, other: Any) -> Tensor:
        return self._update_in_place(np.subtract, other, arithmetic.sub)

    def __imul__(self, other: Any) -> Tensor:
        return self._update_in_place(np.multiply, other, arithmetic.mul)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._update_in_place(np.true_divide, other, arithmetic.div)

    def _update_in_place(self, ufunc: np.ufunc, other: Any, out_of_place: Callable) -> Tensor:
        """Write `self <op> other` into this tensor's array, as PyTorch's in-place operators.

        A leaf that requires grad can only be updated in place with grad mode off (an
        optimizer-style update); graphs that saved its old values then refuse to backward.
        A non-leaf in grad mode gets the recorded out-of-place result instead.
        """
        if self._requires_grad and grad_mode._state.enabled:
            if self.grad_fn is None:
                raise RuntimeError(
                    "a leaf tensor that requires grad is being used in an in-place operation; "
                    "update it inside `with al.no_grad():` (as an optimizer does)"
                )
            return out_of_place(self, other)
        value = other._data if isinstance(other, Tensor) else other
        if not isinstance(value, (bool, int, float, np.ndarray)):
            value = np.asarray(value)
        target = self._data
        result_dtype = np.result_type(target.dtype, value)
        if not np.can_cast(result_dtype, target.dtype, casting="same_kind"):
            raise TypeError(
                f"in-place {ufunc.__name__} would turn this tensor's dtype {target.dtype} into "
                f"{result_dtype}; use an out-of-place operation"
            )
        try:
            fits = np.broadcast_shapes(np.shape(value), target.shape) == target.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"in-place {ufunc.__name__}: an operand of shape {np.shape(value)} does not "
                f"broadcast to this tensor's shape {target.shape}"
            )
        self._bump_version()
        ufunc(target, value, out=target, casting="same_kind")
        return self

    def __neg__(self) -> Tensor:
        return arithmetic.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return elementwise.abs(self)

    # -- comparisons (no gradient) -------------------------------------------------

    def __lt__(self, other: Any) -> Tensor:
        return arithmetic.compare(np.less, self, other)

    def __le__(self, other: Any) -> Tensor:
        return arithmetic.compare(np.less_equal, self, other)

    def __gt__(self, other: Any) -> Tensor:
        return arithmetic.compare(np.greater, self, other)

    def __ge__(self, other: Any) -> Tensor:
        return arithmetic.compare(np.greater_equal, self, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return arithmetic.compare(np.equal, self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return arithmetic.compare(np.not_equal, self, other)

    # -- elementwise functions ---------------------------------------------------

    def exp(self) -> Tensor:
        return elementwise.exp(self)

    def log(self) -> Tensor:
        return elementwise.log(self)

    def sqrt(self) -> Tensor:
        return elementwise.sqrt(self)

    def abs(self) -> Tensor:
        return elementwise.abs(self)

    def sin(self) -> Tensor:
        return elementwise.sin(self)

    def cos(self) -> Tensor:
        return elementwise.cos(self)

    def tanh(self) -> Tensor:
        return elementwise.tanh(self)

    def sigmoid(self) -> Tensor:
        return elementwise.sigmoid(self)

    def relu(self) -> Tensor:
        return elementwise.relu(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        return elementwise.leaky_relu(self, negative_slope)

    def elu(self, alpha: float = 1.0) -> Tensor:
        return elementwise.elu(self, alpha)

    def softplus(self) -> Tensor:
        return elementwise.softplus(self)

    def gelu(self) -> Tensor:
        return elementwise.gelu(self)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - NumPy's names
        return elementwise.clip(self, min, max)

    # -- reductions --------------------------------------------------------------

    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return reduce.sum(self, axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return reduce.mean(self, axis, keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return reduce.max(self, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return reduce.min(self, axis, keepdims)

    def var(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        return reduce.var(self, axis, ddof, keepdims)

    def std(self, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        return reduce.std(self, axis, ddof, keepdims)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return reduce.logsumexp(self, axis, keepdims)

    def argmax(self, axis: Any = None) -> Tensor:
        return reduce.argmax(self, axis)

    def argmin(self, axis: Any = None) -> Tensor:
        return reduce.argmin(self, axis)

    # -- shape -------------------------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        return shape_ops.reshape(self, *shape)

    def transpose(self, *axes: Any) -> Tensor:
        return shape_ops.transpose(self, *axes)

    def flatten(self) -> Tensor:
        return shape_ops.flatten(self)

    def squeeze(self, axis: Any = None) -> Tensor:
        return shape_ops.squeeze(self, axis)

    def unsqueeze(self, axis: int) -> Tensor:
        return shape_ops.unsqueeze(self, axis)

    def broadcast_to(self, shape: Any) -> Tensor:
        return shape_ops.broadcast_to(self, shape)

    def __getitem__(self, index: Any) -> Tensor:
        return indexing.getitem(self, index)

    # -- softmax family ------------------------------------------------------------

    def softmax(self, axis: int = -1) -> Tensor:
        return softmax_ops.softmax(self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        return softmax_ops.log_softmax(self, axis)


_new_tensor = object.__new__


def _to_array(data: Any, dtype: Any) -> np.ndarray:
    """Apply PyTorch's dtype rule to user data (always a new array)."""
    if isinstance(data, Tensor):
        data = data._data
    if dtype is None:
        dtype = dtypes.infer_dtype(data)
    if dtype is not None:
        dtype = np.dtype(dtype)
    try:
        array = np.array(data, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"cannot make a tensor from {type(data).__name__} data: {error}"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"cannot make a tensor from data of dtype {array.dtype}; expected real numbers or bools"
        )
    return array


def _root_gradient(tensor: Tensor, gradient: Any, create_graph: bool) -> Any:
    data = tensor._data
    if gradient is None:
        if data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs: backward() on a "
                f"tensor of shape {data.shape} needs a gradient argument of that shape"
            )
        grad = np.ones(data.shape, data.dtype)
        return Tensor._make(grad, None) if create_graph else grad
    if isinstance(gradient, Tensor):
        grad_tensor = gradient
    else:
        grad_tensor = Tensor._make(np.asarray(gradient, dtype=data.dtype), None)
    if grad_tensor.shape != data.shape:
        raise RuntimeError(
            f"gradient has shape {grad_tensor.shape}, but the output has shape {data.shape}; "
            "they must match"
        )
    if create_graph:
        return grad_tensor
    grad = grad_tensor._data
    return grad if grad.dtype == data.dtype else grad.astype(data.dtype)


function.Tensor = Tensor
function._make_tensor = Tensor._make
engine.Tensor = Tensor
inplace.Tensor = Tensor

# The op modules import Tensor from here, so they are imported after it exists.
from .ops import arithmetic, elementwise, indexing, linalg, reduce  # noqa: E402
from .ops import shape as shape_ops  # noqa: E402
from .ops import softmax as softmax_ops  # noqa: E402
from .ops.dispatch import ARRAY_FUNCTIONS as _ARRAY_FUNCTIONS  # noqa: E402
from .ops.dispatch import UFUNCS as _UFUNCS  # noqa: E402

__all__ = ["Tensor", "RemovableHandle", "grad_mode"]
