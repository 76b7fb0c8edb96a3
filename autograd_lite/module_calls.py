"""Which module call produced which tensor, so that `draw_graph(..., collapse=module)` can
draw a module's internals as one node. An entry lives as long as its output tensor and
refers to the module and the inputs weakly: recording never keeps a graph alive."""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

from .tensor import Tensor

# id(output) -> (weak reference to the output, list of (module ref, input refs)); a
# list because nested modules (a Sequential and its last layer) return the same
# tensor. Keyed by id, not by the tensor: Tensor's == is elementwise.
_calls: dict = {}


class _OutputRef(weakref.ref):
    __slots__ = ("key",)


def _forget(ref: _OutputRef) -> None:
    # Called as the output tensor is freed, before its id can be reused.
    current = _calls.get(ref.key)
    if current is not None and current[0] is ref:
        del _calls[ref.key]


class ModuleCall(NamedTuple):
    """One recorded call: the module and the tensor inputs that required grad."""

    module: Any
    inputs: tuple


def record(module: Any, args: tuple, output: Any) -> None:
    """Note that `module(*args)` returned `output` (called by `nn.Module.__call__`).

    Only calls that recorded a graph are kept; the cost is one dict insertion.

    >>> import autograd_lite as al
    >>> class Double:
    ...     def __call__(self, x):
    ...         out = x * 2
    ...         record(self, (x,), out)
    ...         return out
    >>> layer, x = Double(), al.ones(3, requires_grad=True)
    >>> y = layer(x)
    >>> calls_of(y)[0].module is layer
    True
    """
    if isinstance(output, Tensor):
        if output.grad_fn is None:
            return
        outputs: tuple = (output,)
    elif isinstance(output, (tuple, list)):
        outputs = tuple(t for t in output if isinstance(t, Tensor) and t.grad_fn is not None)
        if not outputs:
            return
    else:
        return
    entry = (
        weakref.ref(module),
        tuple(weakref.ref(a) for a in args if isinstance(a, Tensor) and a._requires_grad),
    )
    for tensor in outputs:
        key = id(tensor)
        current = _calls.get(key)
        if current is not None and current[0]() is tensor:
            current[1].append(entry)
        else:
            ref = _OutputRef(tensor, _forget)
            ref.key = key
            _calls[key] = (ref, [entry])


def calls_of(tensor: Tensor) -> list[ModuleCall]:
    """The recorded module calls that returned `tensor`, innermost first.

    Calls whose module no longer exists are left out; inputs that no longer exist
    are left out of `inputs`.

    >>> import autograd_lite as al
    >>> calls_of(al.ones(2))
    []
    """
    current = _calls.get(id(tensor))
    if current is None or current[0]() is not tensor:
        return []
    result = []
    for module_ref, input_refs in current[1]:
        module = module_ref()
        if module is None:
            continue
        inputs = tuple(t for t in (ref() for ref in input_refs) if t is not None)
        result.append(ModuleCall(module, inputs))
    return result
