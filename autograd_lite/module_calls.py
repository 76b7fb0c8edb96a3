"""Which module call produced which tensor, so that `draw_graph(..., collapse=module)` can
draw a module's internals as one node.

A call is noted on the graph node that produced its output (the node's `calls` slot,
None on nodes no module returned), so a note lives exactly as long as its node:
nothing to clean up when a graph is freed, and nothing at all for a call that built no
graph (under `no_grad`, or on inputs that need no gradient). An entry is a tuple of
weak references: (module, the output it was noted through, *inputs that require grad).
It never keeps a module or a tensor alive and never closes a reference cycle.
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

from .tensor import Tensor

_ref = weakref.ref


class ModuleCall(NamedTuple):
    """One recorded call: the module and the tensor inputs that required grad."""

    module: Any
    inputs: tuple


def note(module: Any, args: tuple, output: Tensor) -> None:
    """Note on `output.grad_fn` (which must exist) that `module(*args)` returned `output`.

    `nn.Module.__call__` does the same inline.

    >>> import autograd_lite as al
    >>> class Doubler: ...
    >>> doubler, x = Doubler(), al.ones(2, requires_grad=True)
    >>> out = x * 2
    >>> note(doubler, (x,), out)
    >>> calls_of(out)[0].module is doubler, calls_of(out)[0].inputs == (x,)
    (True, True)
    """
    add(output.grad_fn, (_ref(module), _ref(output), *input_refs(args)))


def add(node: Any, entry: tuple) -> None:
    """Add `entry` to the notes of `node`: the first is stored as it is, later ones
    (an enclosing module returning the same tensor, an `Identity`) make a list,
    innermost first.

    >>> import autograd_lite as al
    >>> class Doubler: ...
    >>> doubler, out = Doubler(), al.ones(2, requires_grad=True) * 2
    >>> add(out.grad_fn, (weakref.ref(doubler), weakref.ref(out)))
    >>> [call.module is doubler for call in calls_of(out)]
    [True]
    """
    previous = node.calls
    if previous is None:
        node.calls = entry
    elif previous.__class__ is list:
        previous.append(entry)
    else:
        node.calls = [previous, entry]


def input_refs(args: tuple) -> list:
    """Weak references to the arguments that are tensors requiring grad.

    >>> import autograd_lite as al
    >>> x = al.ones(2, requires_grad=True)
    >>> [ref() is x for ref in input_refs((x, al.ones(2), 3.0))]
    [True]
    """
    return [_ref(a) for a in args if isinstance(a, Tensor) and a._requires_grad]


def record(module: Any, args: tuple, output: Any) -> None:
    """Note that `module(*args)` returned `output`, whatever it is (`nn.Module.__call__`
    calls it for outputs other than a plain Tensor).

    Only calls that recorded a graph are kept: a Tensor output with a `grad_fn`, or
    the tensors with one in a returned tuple or list.

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
        if output.grad_fn is not None:
            note(module, args, output)
        return
    if not isinstance(output, (tuple, list)):
        return
    module_ref = None
    noted: list = []
    for tensor in output:
        node = tensor.grad_fn if isinstance(tensor, Tensor) else None
        if node is None or any(node is other for other in noted):
            continue  # a node returned twice is noted once
        if module_ref is None:
            module_ref, inputs = _ref(module), input_refs(args)
        noted.append(node)
        add(node, (module_ref, _ref(tensor), *inputs))


def calls_at(node: Any) -> list[ModuleCall]:
    """The recorded module calls whose output `node` produced, innermost first.

    Calls whose module no longer exists are left out; inputs that no longer exist
    are left out of `inputs`.

    >>> import autograd_lite as al
    >>> calls_at((al.ones(2, requires_grad=True) * 2).grad_fn)
    []
    """
    notes = node.calls
    if notes is None:
        return []
    result = []
    for entry in notes if notes.__class__ is list else (notes,):
        module = entry[0]()
        if module is None:
            continue
        inputs = tuple([t for t in (ref() for ref in entry[2:]) if t is not None])
        result.append(ModuleCall(module, inputs))
    return result


def calls_of(tensor: Tensor) -> list[ModuleCall]:
    """The recorded module calls that returned `tensor`, innermost first.

    Calls whose module no longer exists are left out; inputs that no longer exist
    are left out of `inputs`.

    >>> import autograd_lite as al
    >>> calls_of(al.ones(2))
    []
    """
    node = tensor.grad_fn
    return [] if node is None else calls_at(node)
