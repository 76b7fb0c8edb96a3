"""`Tensor`: an `np.ndarray` plus what autodiff needs (requires_grad, grad, grad_fn).

No calculus lives here. The modules that add it attach their methods to the class when
they are imported (`import autograd_lite` imports them all): the operators and math
methods come from `ops/`, `backward` from `engine.py`. So this module imports none of
them and they all import it.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable

import numpy as np

from . import dtypes, inplace

_handle_ids = itertools.count()

# What NumPy's ufuncs and array functions do on Tensors, filled in by ops/dispatch.py.
UFUNCS: dict = {}
ARRAY_FUNCTIONS: dict = {}


class RemovableHandle:
    """Returned by `register_hook` (and nn's `register_*hook`); `remove()` unregisters the
    hook. Also a context manager that removes the hook on exit.

    >>> import autograd_lite as al
    >>> x = al.ones(2, requires_grad=True)
    >>> with x.register_hook(lambda grad: grad * 2):
    ...     (x * 1).sum().backward()
    >>> x.grad
    tensor([2., 2.])
    """

    __slots__ = ("_hooks_ref", "id")

    def __init__(self, hooks: dict) -> None:
        # Weak: a handle kept after its tensor or module is gone must not keep their hooks.
        self._hooks_ref = weakref.ref(hooks)
        self.id = next(_handle_ids)

    def remove(self) -> None:
        hooks = self._hooks_ref()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


class Hooks(dict):
    """A tensor's hooks by handle id (a dict subclass, so a handle can refer to it weakly);
    on a graph node also `retained`, a weak reference to its output once `retain_grad()`."""

    __slots__ = ("__weakref__", "retained")

    def __init__(self) -> None:
        super().__init__()
        self.retained = None


class NonFloatingGradError(TypeError, RuntimeError):
    """requires_grad on a tensor that is not floating point: a TypeError, and a RuntimeError
    as PyTorch raises (so code written for either catches it)."""


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    Args:
        data: a Python number, a (nested) list, an `np.ndarray` or a Tensor; always copied.
        requires_grad: record operations on this tensor so `backward()` computes its
            gradient into `.grad` (floating dtypes only, else `TypeError`).
        dtype: a NumPy dtype (`np.float64`, "float32", ...); None applies PyTorch's rule: arrays
            keep theirs, Python floats get the default float dtype, ints `int64`, bools `bool`.
        name: an optional label, shown by `repr` and `draw_graph` (a settable attribute).

    Attributes besides the properties: `grad_fn`, the graph node that produced this
    tensor (its `.name` is the op's, e.g. "mul"), None on leaves; `name`, the label.

    >>> import autograd_lite as al
    >>> x = al.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    # _used: a non-leaf that an op has taken as an input (it cannot be changed in place
    # in grad mode any more: the op's node refers to it).
    __slots__ = (
        "_data",
        "_requires_grad",
        "grad_fn",
        "_grad",
        "_name",
        "_hooks",
        "_version",
        "_used",
        "__weakref__",
    )

    # Let NumPy hand mixed expressions (ndarray + Tensor) to Tensor's operators.
    __array_priority__ = 1000

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None
    ) -> None:
        self._data = _to_array(data, dtype)
        self.grad_fn = None
        self._grad = None
        self._requires_grad = False
        self._hooks = None
        self._version = 0
        self._used = False
        self.name = name
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _make(data: np.ndarray, grad_fn: Any) -> Tensor:
        """Wrap an op's result array without checks (the hot path)."""
        tensor = _new_tensor(Tensor)
        tensor._data = data
        tensor._requires_grad = grad_fn is not None
        tensor.grad_fn = grad_fn
        tensor._grad = None
        tensor._name = None
        tensor._hooks = None
        tensor._version = 0
        tensor._used = False
        return tensor

    # -- data and memory ---------------------------------------------------------

    @property
    def data(self) -> Tensor:
        """This tensor's values as a Tensor detached from the graph, sharing memory (PyTorch's).

        Writes through it are seen here (`p.data.fill_(0)`, `p.data -= lr * p.grad`);
        assigning `t.data = value` replaces the values (shape and dtype may change).
        """
        return self.detach()

    @data.setter
    def data(self, value: Any) -> None:
        array = value._data if isinstance(value, Tensor) else np.asarray(value)
        if array is self._data:
            return  # `p.data -= g` wrote in place already, then assigns the same memory back
        if array.dtype.kind not in "biuf":
            raise TypeError(f"cannot assign data of dtype {array.dtype}; expected real numbers or bools")
        if self._requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"cannot assign an array of dtype {array.dtype} to the data of a tensor that "
                "requires grad (only floating dtypes can require gradients)"
            )
        self._version += 1
        inplace.retire(self, "had its data replaced")  # graphs holding the old array
        self._data = array

    def numpy(self) -> np.ndarray:
        """The values as a plain `np.ndarray`, sharing memory (no graph); takes no arguments.

        While a pending backward needs the array, it is read-only (see `inplace`).

        >>> import autograd_lite as al
        >>> al.tensor([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        """
        self._hand_out()
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        self._hand_out()
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def detach(self) -> Tensor:
        """The same values, cut from the graph: a leaf that shares this tensor's memory and
        does not require grad (PyTorch's `detach`); takes no arguments.

        >>> import autograd_lite as al
        >>> y = al.tensor([1.0], requires_grad=True) * 2
        >>> y.detach().requires_grad, y.detach().is_leaf
        (False, True)
        """
        self._hand_out()
        return Tensor._make(self._data, None)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place (PyTorch's `detach_`): it becomes a leaf
        that does not require grad, keeping its memory; takes no arguments.

        >>> import autograd_lite as al
        >>> y = al.tensor([1.0], requires_grad=True) * 2
        >>> y.detach_() is y, y.is_leaf, y.requires_grad
        (True, True, False)
        """
        self._hand_out()  # the graph may still need these values: they stay protected
        self.grad_fn = None
        self._requires_grad = False
        return self

    def _hand_out(self) -> None:
        # User code is about to reach this array: protect what the graph still needs of it.
        if self.grad_fn is not None:
            inplace.guard_output(self)
        elif self._data.base is not None or not self._data.flags.writeable:
            inplace.sync_view(self._data)

    # -- autodiff attributes ----------------------------------------------------------

    @property
    def name(self) -> str | None:
        """An optional label, shown by `draw_graph` and `explain_backward`."""
        return self._name

    @name.setter
    def name(self, value: str | None) -> None:
        self._name = value
        if self.grad_fn is not None:
            # The graph keeps nodes, not Tensor objects: the node remembers its output's name.
            self.grad_fn.output_name = value

    @property
    def requires_grad(self) -> bool:
        """Whether gradients are computed for this tensor (and operations on it are recorded).

        Assignable on leaves only, as in PyTorch: `w.requires_grad = True` makes a floating
        leaf a variable to differentiate (a non-floating one raises `TypeError`); on a result
        of a recorded operation (a non-leaf) any assignment raises `RuntimeError` (use
        `.detach()` for a copy without a graph).

        >>> import autograd_lite as al
        >>> w = al.zeros(2)
        >>> w.requires_grad = True
        >>> (w * 2).requires_grad
        True
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        value = bool(value)
        if self.grad_fn is not None:
            # PyTorch's messages: turning it off names the way to get a tensor without a graph.
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables."
                if value
                else _NON_LEAF_REQUIRES_GRAD_OFF
            )
        if value and self._data.dtype.kind != "f":
            raise NonFloatingGradError(
                f"only Tensors of floating point dtype can require gradients, got dtype {self._data.dtype}"
            )
        self._requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self (PyTorch's method form).

        Args:
            requires_grad: the new flag. On a non-leaf, `True` changes nothing (it already
                requires grad) and `False` raises `RuntimeError`, as PyTorch.

        >>> import autograd_lite as al
        >>> al.zeros(2).requires_grad_()
        tensor([0., 0.], requires_grad=True)
        """
        if requires_grad and self.grad_fn is not None:
            return self
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by `backward()` (a Tensor of this tensor's shape) or None.

        Assignable: `t.grad = None` clears it; a Tensor or array of the same shape replaces it
        (another shape raises `ValueError`). A non-leaf keeps its gradient only after
        `retain_grad()`.

        >>> import autograd_lite as al
        >>> x = al.tensor([1.0, 2.0], requires_grad=True)
        >>> (3 * x).sum().backward(); x.grad
        tensor([3., 3.])
        """
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
        """True for tensors not produced by a recorded operation (`grad_fn is None`): tensors
        made by the user, and results computed from tensors that do not require grad.

        >>> import autograd_lite as al
        >>> x = al.tensor([1.0], requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` after backward; takes no arguments.

        On a leaf it changes nothing (leaves always keep theirs); on a tensor that does not
        require grad it raises `RuntimeError`.

        >>> import autograd_lite as al
        >>> x = al.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x * 2; y.retain_grad(); y.sum().backward(); y.grad
        tensor([1., 1.])
        """
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on a tensor that has requires_grad=False")
        node = self.grad_fn
        if node is not None and node.retained is None:
            if node._hooks is None:
                node._hooks = Hooks()
            node._hooks.retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        """Whether `retain_grad()` was called on this non-leaf tensor (False on leaves).

        >>> import autograd_lite as al
        >>> (al.tensor([1.0], requires_grad=True) * 2).retains_grad
        False
        """
        return self.grad_fn is not None and self.grad_fn.retained is not None

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; it may return a replacement.

        Args:
            hook: called with the gradient (a Tensor) each time a backward computes this
                tensor's gradient, before it is accumulated or passed on; returning a
                Tensor of the same shape replaces the gradient, returning None keeps it.

        Returns:
            A handle whose `remove()` unregisters the hook. Raises `RuntimeError` on a
            tensor that does not require grad.

        >>> import autograd_lite as al
        >>> x = al.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> (x * 1).sum().backward(); x.grad
        tensor([10., 10.])
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require grad")
        owner = self if self.grad_fn is None else self.grad_fn
        if owner._hooks is None:
            owner._hooks = Hooks()
        handle = RemovableHandle(owner._hooks)
        owner._hooks[handle.id] = hook
        return handle

    # -- shape and conversions ----------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dimension, a tuple of ints.

        >>> import autograd_lite as al
        >>> al.zeros(2, 3).shape
        (2, 3)
        """
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions (0 for a scalar tensor).

        >>> import autograd_lite as al
        >>> al.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    def dim(self) -> int:
        """Number of dimensions (PyTorch's spelling of `ndim`).

        >>> import autograd_lite as al
        >>> al.zeros(2, 3).dim()
        2
        """
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The element type, a NumPy dtype.

        >>> import autograd_lite as al
        >>> al.tensor([1, 2]).dtype
        dtype('int64')
        """
        return self._data.dtype

    def size(self, dim: int | None = None) -> Any:
        """The shape as a tuple, or with `dim` (negative counts from the end) that dimension's
        length, as PyTorch's `size`; `numel()` counts the elements.

        >>> import autograd_lite as al
        >>> x = al.zeros(2, 3)
        >>> x.size(), x.size(-1)
        ((2, 3), 3)
        """
        shape = self._data.shape
        if dim is None:
            return shape
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise TypeError(f"size() takes an int dimension, got {type(dim).__name__} {dim!r}")
        ndim = len(shape)
        if not -ndim <= dim < ndim:
            raise np.exceptions.AxisError(
                f"axis {dim} is out of range for a tensor of {ndim} dimensions (shape {shape})"
            )
        return shape[dim]

    def numel(self) -> int:
        """The number of elements (the product of the shape); takes no arguments.

        >>> import autograd_lite as al
        >>> al.zeros(2, 3).numel()
        6
        """
        return self._data.size

    def item(self) -> Any:
        """The value of a one-element tensor (any shape) as a Python number; takes no
        arguments. Other sizes raise `ValueError` naming the shape.

        >>> import autograd_lite as al
        >>> al.tensor([[2.5]]).item()
        2.5
        """
        if self._data.size != 1:
            raise ValueError(f"item() needs a tensor with exactly one element, got shape {self.shape}")
        return self._data.item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of Python numbers (a number for a 0-d tensor);
        takes no arguments.

        >>> import autograd_lite as al
        >>> al.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        return self._data.tolist()

    def __len__(self) -> int:
        """The size of the first dimension (`TypeError` for a 0-d tensor)."""
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        """The sub-tensors along the first dimension, `self[0]`, `self[1]`, ... (in the graph)."""
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self) -> bool:
        """The truth of a one-element tensor; `RuntimeError` for other sizes (ambiguous)."""
        if self._data.size != 1:
            raise RuntimeError(f"the truth value of a tensor with {self._data.size} elements is ambiguous")
        return bool(self._data)

    def __float__(self) -> float:
        """`float(t)` for a one-element tensor."""
        return float(self.item())

    def __int__(self) -> int:
        """`int(t)` for a one-element tensor (truncates toward zero)."""
        return int(self.item())

    def __index__(self) -> int:
        """A one-element integer tensor used as an index (`range(t)`, `seq[t]`)."""
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of one element can be used as an index")
        return int(self._data.item())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        """PyTorch's form: the values, then the dtype unless default, and `grad_fn=<name>` or
        `requires_grad=True`."""
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

    # -- NumPy interoperability --------------------------------------------------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # NumPy calls this for `np.exp(t)`, `ndarray * t`, ...: hand it to our ops so that
        # expressions written for arrays (derivative rules) work on Tensors too.
        implementation = UFUNCS.get(ufunc) if method == "__call__" and not kwargs else None
        if implementation is None:
            raise TypeError(
                f"numpy.{ufunc.__name__} ({method}) is not supported on autograd_lite Tensors; "
                "use the Tensor's methods or call .numpy() for a plain array"
            )
        return implementation(*inputs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        implementation = ARRAY_FUNCTIONS.get(func)
        if implementation is not None:
            return implementation(*args, **kwargs)
        if _requires_grad_in(args) or _requires_grad_in(kwargs.values()):
            # Computing on the arrays would silently cut the graph (and derivative rules
            # run under create_graph rely on this dispatch): say so instead.
            raise TypeError(
                f"numpy.{func.__name__} is not supported on autograd_lite Tensors that require "
                "grad; use the autograd_lite function of that name or call .detach().numpy()"
            )
        return func(*_plain(args), **dict(zip(kwargs, _plain(kwargs.values()))))


_new_tensor = object.__new__

_NON_LEAF_REQUIRES_GRAD_OFF = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)


def _requires_grad_in(values: Any) -> bool:
    """Whether a Tensor that requires grad is among `values` (lists and tuples looked into)."""
    for value in values:
        if isinstance(value, Tensor) and value._requires_grad:
            return True
        if isinstance(value, (list, tuple)) and _requires_grad_in(value):
            return True
    return False


def _plain(values: Any) -> list:
    """`values` with Tensors replaced by their arrays (lists and tuples looked into)."""
    return [
        value.numpy()
        if isinstance(value, Tensor)
        else type(value)(_plain(value))
        if isinstance(value, (list, tuple))
        else value
        for value in values
    ]


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
        raise TypeError(f"cannot make a tensor from {type(data).__name__} data: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"cannot make a tensor from data of dtype {array.dtype}; expected real numbers or bools"
        )
    return array


def as_tensor(value: Any) -> Tensor:
    """`value` as a Tensor without copying: Tensors as they are, arrays wrapped (sharing
    memory), Python data through PyTorch's dtype rule.

    >>> import numpy as np, autograd_lite as al
    >>> array = np.zeros(2)
    >>> al.as_tensor(array).numpy() is array
    True
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(
                f"cannot use an array of dtype {value.dtype} as an operand; expected real numbers or bools"
            )
        return Tensor._make(value, None)
    return Tensor(value)
