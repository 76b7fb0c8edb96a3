"""In-place methods: `+=`, `-=`, `*=`, `/=`, `%=`, `add_`, `sub_`, `mul_`, `div_`, `copy_`,
`fill_`, `zero_`, `clamp_`, `remainder_`, `fmod_`, `scatter_`, `scatter_add_`, `index_add_` and item assignment `t[index] = value`.

As PyTorch's, they keep the tensor object and its memory, so views, `.data`, `detach()` and
`.numpy()` see the change. A leaf that requires grad can be changed only with grad mode off
(an optimizer-style update). A non-leaf that requires grad gets the change recorded: its
`grad_fn` becomes the op's node. That is refused with a clear error, rather than recorded
wrongly, when the tensor is a view of another tensor's memory or an op already took it as
an input (that op's node refers to the tensor, whose gradient path would change under it).
Values a pending backward needs are protected as `inplace.py` describes.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import grad_mode, inplace
from ..function import input_tensors
from ..tensor import Tensor, as_tensor
from .arithmetic import add, div, fmod, mul, remainder, sub
from .cast import cast, clone
from .elementwise import clamp, where
from .indexing import index_put
from .scatter import index_add, scatter, scatter_add
from .shape import broadcast_to


def _operand(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value._data
    return value if isinstance(value, (bool, int, float, np.ndarray)) else np.asarray(value)


def _check_fits(tensor: Tensor, value: Any, what: str) -> None:
    """Raise before any change if `value` would change the tensor's dtype or shape."""
    target = tensor._data
    result_dtype = np.result_type(target.dtype, value)
    if not np.can_cast(result_dtype, target.dtype, casting="same_kind"):
        raise TypeError(
            f"in-place {what} would turn this tensor's dtype {target.dtype} into {result_dtype}; "
            "use an out-of-place operation"
        )
    _check_shape(tensor, value, what)


def _check_shape(tensor: Tensor, value: Any, what: str) -> None:
    target = tensor._data
    try:
        fits = np.broadcast_shapes(np.shape(value), target.shape) == target.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"in-place {what}: an operand of shape {np.shape(value)} does not broadcast to this "
            f"tensor's shape {target.shape}"
        )


def _recorded(tensor: Tensor) -> bool:
    """Whether a change of `tensor` must be recorded in the graph (after PyTorch's leaf rule)."""
    if not (tensor._requires_grad and grad_mode._state.enabled):
        return False
    if tensor.grad_fn is None:
        raise RuntimeError(
            "a leaf tensor that requires grad is being used in an in-place operation; update it "
            "inside `with al.no_grad():` (as an optimizer does)"
        )
    if tensor._data.base is not None:
        raise RuntimeError(
            f"in-place change of a view (shape {tuple(tensor.shape)}) of a tensor that requires "
            "grad, with grad mode on, is not supported: write it out of place, e.g. `y = y + 10` "
            "or `y = torch.cat(...)`-style, instead of changing a slice of it"
        )
    if tensor._used:
        raise RuntimeError(
            f"a tensor of shape {tuple(tensor.shape)} that an operation already took as an input "
            "cannot be changed in place with grad mode on (that operation's gradient would be "
            "wrong): write it out of place, e.g. `y = y + x`"
        )
    return True


def _record(tensor: Tensor, compute: Callable[[Tensor], Tensor], what: str) -> Tensor:
    """Change a non-leaf `tensor` to `compute(its old value)`, recorded in the graph."""
    old_array = tensor._data
    old = Tensor._make(old_array, tensor.grad_fn)  # the old value, as the new node's input
    result = compute(old)
    _check_fits(tensor, result._data, what)
    node = result.grad_fn
    if node is not None and any(value is old_array for value in node.saved):
        # The new node saved the old values (mul, div), which are about to be overwritten:
        # it is computed again from a recorded copy of them.
        result = compute(clone(old))
        node = result.grad_fn
    _protect_pending(tensor, f"was changed in place by {what}")
    np.copyto(old_array, result._data, casting="same_kind")
    tensor.grad_fn = node
    tensor._requires_grad = node is not None
    tensor._version += 1
    return tensor


def _protect_pending(tensor: Tensor, what: str) -> None:
    """Before `tensor`'s memory changes: the nodes of its graph that may have saved it (its
    producer, if it saved it or an op took the tensor as input; and so on up through the
    tensors it is a view of) will refuse to backward, saying the tensor `what`. Leaf memory
    is retired from its guards."""
    inplace.retire(tensor, what)
    stack = [tensor]
    while stack:
        current = stack.pop()
        node = current.grad_fn
        if node is None or node.saved is None or node.saved is inplace.RAN:
            continue
        # A tensor found through the views is a stand-in: whether an op used it is unknown.
        if current._used or current is not tensor or any(value is current._data for value in node.saved):
            inplace.retire_node(node, f"{inplace.describe(tensor)} {what}")
        if current._data.base is not None:
            stack.extend(t for t in input_tensors(node) if t is not None and _views(current._data, t._data))


def _views(array: np.ndarray, other: np.ndarray) -> bool:
    base = array.base
    while isinstance(base, np.ndarray):
        if base is other or base is other.base:
            return True
        base = base.base
    return False


def _update(tensor: Tensor, ufunc: np.ufunc, other: Any, out_of_place: Callable, what: str) -> Tensor:
    if _recorded(tensor):
        return _record(tensor, lambda old: out_of_place(old, other), what)
    value = _operand(other)
    _check_fits(tensor, value, what)
    tensor._version += 1
    _protect_pending(tensor, "was updated in place")
    ufunc(tensor._data, value, out=tensor._data, casting="same_kind")
    return tensor


def add_(self: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """self += alpha * other, in place (PyTorch's `add_`).

    >>> import autograd_lite as al
    >>> w = al.ones(2)
    >>> w.add_(al.tensor([1.0, 2.0]), alpha=0.5)
    tensor([1.5, 2. ])
    """
    other = other if alpha == 1 else mul(as_tensor(other), alpha)
    return _update(self, np.add, other, add, "add_")


def sub_(self: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """self -= alpha * other, in place."""
    other = other if alpha == 1 else mul(as_tensor(other), alpha)
    return _update(self, np.subtract, other, sub, "sub_")


def mul_(self: Tensor, other: Any) -> Tensor:
    """self *= other, in place."""
    return _update(self, np.multiply, other, mul, "mul_")


def div_(self: Tensor, other: Any) -> Tensor:
    """self /= other, in place (a float tensor)."""
    return _update(self, np.true_divide, other, div, "div_")


def copy_(self: Tensor, source: Any) -> Tensor:
    """Write `source` into this tensor, broadcasting it and casting it to this dtype.

    >>> import autograd_lite as al
    >>> al.zeros(2, 2).copy_(al.tensor([1.0, 2.0]))
    tensor([[1., 2.],
            [1., 2.]])
    """
    source = as_tensor(source)
    if _recorded(self):
        # `where` with a condition that is False everywhere: the values are the source's,
        # and the old values get a zero gradient (PyTorch's copy_).
        keep_none = np.zeros(self.shape, bool)
        return _record(
            self,
            lambda old: where(keep_none, old, broadcast_to(cast(source, self.dtype), self.shape)),
            "copy_",
        )
    _check_shape(self, source._data, "copy_")
    self._version += 1
    _protect_pending(self, "was overwritten by copy_")
    np.copyto(self._data, np.broadcast_to(source._data, self.shape), casting="unsafe")
    return self


def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to `value`."""
    if _recorded(self):
        return _record(self, lambda old: where(np.zeros(old.shape, bool), old, value), "fill_")
    _check_fits(self, _operand(value), "fill_")
    self._version += 1
    _protect_pending(self, "was filled in place")
    self._data[...] = _operand(value)
    return self


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """`t[index] = value`, broadcasting and casting `value` (basic indexing on a view writes
    through to the memory it views, so `t[i][j] = 1` changes `t`)."""
    if _recorded(self):
        _record(self, lambda old: index_put(old, index, value), "item assignment")
        return
    source = _operand(value)
    target = self._data[_plain_index(index)]  # raises IndexError before any change
    np.broadcast_shapes(np.shape(source), np.shape(target))
    self._version += 1
    _protect_pending(self, "had items assigned")
    self._data[_plain_index(index)] = source


def _plain_index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(part._data if isinstance(part, Tensor) else part for part in index)
    return index


def _update_computed(self: Tensor, op: Callable, other: Any, what: str) -> Tensor:
    """self = op(self, other) in place, computed out of place first: op's own checks (integer
    division by zero, bad bounds) raise before any change."""
    if _recorded(self):
        return _record(self, lambda old: op(old, other), what)
    with grad_mode.no_grad():
        result = op(Tensor._make(self._data, None), other)
    _check_fits(self, result._data, what)
    self._version += 1
    _protect_pending(self, f"was updated in place by {what}")
    np.copyto(self._data, result._data, casting="same_kind")
    return self


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002 - PyTorch's names
    """Clamp every element to [min, max] in place (see `clamp`).

    >>> import autograd_lite as al
    >>> al.tensor([-2.0, 0.5, 3.0]).clamp_(0.0, 1.0)
    tensor([0. , 0.5, 1. ])
    """
    return _update_computed(self, lambda x, bounds: clamp(x, *bounds), (min, max), "clamp_")


def remainder_(self: Tensor, other: Any) -> Tensor:
    """self %= other in place (see `remainder`).

    >>> import autograd_lite as al
    >>> al.tensor([5, -5]).remainder_(3)
    tensor([2, 1])
    """
    return _update_computed(self, remainder, other, "remainder_")


def fmod_(self: Tensor, other: Any) -> Tensor:
    """self = fmod(self, other) in place (see `fmod`)."""
    return _update_computed(self, fmod, other, "fmod_")


def scatter_(self: Tensor, dim: int, index: Any, src: Any = None, *, value: Any = None) -> Tensor:
    """`scatter` written into this tensor (see `scatter`).

    >>> import autograd_lite as al
    >>> al.zeros(3).scatter_(0, al.tensor([1]), 5.0)
    tensor([0., 5., 0.])
    """
    return _update_computed(
        self, lambda x, args: scatter(x, dim, index, args[0], value=args[1]), (src, value), "scatter_"
    )


def scatter_add_(self: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """`scatter_add` written into this tensor (see `scatter_add`)."""
    return _update_computed(self, lambda x, source: scatter_add(x, dim, index, source), src, "scatter_add_")


def index_add_(self: Tensor, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """`index_add` written into this tensor (see `index_add`)."""
    return _update_computed(
        self, lambda x, added: index_add(x, dim, index, added, alpha=alpha), source, "index_add_"
    )


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0."""
    return fill_(self, 0)


Tensor.__iadd__ = lambda self, other: _update(self, np.add, other, add, "+=")
Tensor.__isub__ = lambda self, other: _update(self, np.subtract, other, sub, "-=")
Tensor.__imul__ = lambda self, other: _update(self, np.multiply, other, mul, "*=")
Tensor.__itruediv__ = lambda self, other: _update(self, np.true_divide, other, div, "/=")
Tensor.__imod__ = lambda self, other: _update_computed(self, remainder, other, "%=")
Tensor.add_ = add_
Tensor.sub_ = sub_
Tensor.mul_ = mul_
Tensor.div_ = div_
Tensor.copy_ = copy_
Tensor.fill_ = fill_
Tensor.zero_ = zero_
Tensor.clamp_ = clamp_
Tensor.clip_ = clamp_
Tensor.remainder_ = remainder_
Tensor.fmod_ = fmod_
Tensor.scatter_ = scatter_
Tensor.scatter_add_ = scatter_add_
Tensor.index_add_ = index_add_
Tensor.__setitem__ = setitem
