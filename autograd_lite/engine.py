"""Reverse-mode differentiation: topological order, the backward pass, `grad`.

Gradients are accumulated at one site (a pending dict, popped as each node runs),
reduced to each input's shape in one place (`sum_to`), and each node's saved
arrays are released as soon as its rule has run unless `retain_graph`.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, Sequence

import numpy as np

from . import function, grad_mode
from .anomaly import check_backward
from .function import _FREED_MESSAGE, Function
from .inplace import NOTHING_SAVED
from .inplace import check as check_guards

Tensor: Any = None  # set by tensor.py

# Callables `observer(node, grad, input_grads)` called after each node's rule;
# used by the step-by-step backward trace. Empty means no cost.
backward_observers: list = []


def sum_to(grad: Any, shape: tuple) -> Any:
    """Sum `grad` over the dimensions NumPy broadcasting added or stretched to reach `shape`.

    Works on arrays and, with `create_graph=True`, on Tensors.

    >>> import numpy as np
    >>> sum_to(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    grad_shape = grad.shape
    if grad_shape == shape:
        return grad
    lead = len(grad_shape) - len(shape)
    if lead < 0:
        # A gradient of lower rank (e.g. a 0-d one for a (1, 1) input) only needs reshaping.
        return grad.reshape(shape) if _size(grad_shape) == _size(shape) else _broadcast(grad, shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad_shape[lead + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if lead:
        grad = grad.reshape(shape)
    elif grad.shape != shape:
        grad = _broadcast(grad, shape)
    return grad


def _size(shape: tuple) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


def _broadcast(grad: Any, shape: tuple) -> Any:
    # A rule may return a gradient that is constant along an input's axis (e.g. a
    # scalar 0); it still has to arrive with the input's full shape.
    return np.broadcast_to(grad, shape) if isinstance(grad, np.ndarray) else grad.broadcast_to(shape)


def _consumer_counts(roots: Iterable[Function]) -> dict:
    """How many edges lead into each node reachable from `roots` (iterative DFS)."""
    counts: dict = {}
    stack = list(roots)
    root_set = set(stack)
    while stack:
        node = stack.pop()
        # node.inputs, spelled out (see Function.__slots__): this runs once per node.
        arity = node._arity
        for tensor in (node._first, node._second) if arity == 2 else (node._first,) if arity == 1 else node._first:
            if tensor is None:
                continue
            fn = tensor.grad_fn
            if fn is None:
                continue
            if fn in counts:
                counts[fn] += 1
            else:
                # First edge into fn: visit it (roots are visited from the start).
                counts[fn] = 1
                if fn not in root_set:
                    stack.append(fn)
    return counts


def topological_order(roots: Iterable[Function]) -> list:
    """All nodes reachable from `roots`, each before the nodes it depends on (Kahn's algorithm)."""
    roots = list(roots)
    counts = _consumer_counts(roots)
    order = []
    ready = [fn for fn in roots if fn not in counts]
    while ready:
        node = ready.pop()
        order.append(node)
        for tensor in node.inputs:
            if tensor is None or tensor.grad_fn is None:
                continue
            fn = tensor.grad_fn
            counts[fn] -= 1
            if counts[fn] == 0:
                ready.append(fn)
    return order


def run_backward(
    roots: Sequence[Any],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Any] | None = None,
    allow_unused: bool = False,
) -> tuple | None:
    """Backpropagate `root_grads` from `roots` through the graph.

    Without `capture`, gradients accumulate into leaves' `.grad` (and retained
    non-leaves'). With `capture` (a sequence of tensors), nothing's `.grad` changes
    and the gradients reaching those tensors are returned, as `autograd.grad` does.
    """
    pending: dict = {}
    leaf_grads: dict = {}
    root_nodes = []
    for tensor, grad in zip(roots, root_grads):
        fn = tensor.grad_fn
        if fn is None:
            _add(leaf_grads, tensor, grad)
        else:
            if fn not in pending:
                root_nodes.append(fn)
            _add(pending, fn, grad)
    captured_nodes = {}
    if capture is not None:
        for index, tensor in enumerate(capture):
            if tensor.grad_fn is not None:
                captured_nodes.setdefault(tensor.grad_fn, []).append(index)
        captured: list = [None] * len(capture)

    counts = _consumer_counts(root_nodes)
    # Gradients for retain_grad() tensors, stored only once the whole pass has succeeded.
    retained: list | None = [] if capture is None else None
    ready = [fn for fn in root_nodes if fn not in counts]
    observers = backward_observers
    check_anomaly = function._anomaly_hook is not None
    # Keys whose pending gradient is a sum this backward allocated: further gradients are
    # added into it in place. (A first gradient may be shared or saved; it is never written.)
    owned = None if create_graph else set()
    # This loop runs once per node, so its cost is the per-node overhead of a backward:
    # what stays the same for the whole pass is decided here, once.
    plain = not create_graph and capture is None and not observers and not check_anomaly
    ready_pop = ready.pop
    pending_pop = pending.pop
    previous_mode = grad_mode._state.enabled
    grad_mode._state.enabled = create_graph
    try:
        while ready:
            node = ready_pop()
            grad = pending_pop(node)
            if node.hooks is not None or node.retained is not None:
                grad = _run_node_hooks(node, grad, create_graph, retained)
            if capture is not None and node in captured_nodes:
                for index in captured_nodes[node]:
                    captured[index] = grad
            saved = node.saved
            if saved is None:
                raise RuntimeError(_FREED_MESSAGE.format(name=node.name))
            if node.guard is not None:
                check_guards(node)
            if plain and node.takes_arrays:
                # A built-in op's rule, called directly: arrays in, arrays out.
                grads = node.backward(node, grad)
                if grads.__class__ is not tuple:
                    grads = (grads,)
            else:
                grads = node._run_backward(grad, create_graph)
            # node.inputs, spelled out (see Function.__slots__).
            arity = node._arity
            if arity == 2:
                inputs = (node._first, node._second)
            elif arity == 1:
                inputs = (node._first,)
            else:
                inputs = node._first
            if len(grads) != len(inputs):
                raise RuntimeError(
                    f"backward of '{node.name}' returned {len(grads)} gradients for "
                    f"{len(inputs)} inputs"
                )
            if not plain:
                if check_anomaly:
                    check_backward(node, grads)
                for observer in observers:
                    observer(node, grad, grads)
            if not retain_graph:
                # The node has run: its saved values go (NOTHING_SAVED marks a node that
                # saved nothing as run, so its output's array is no longer needed).
                if saved:
                    node.saved = None
                elif saved is not NOTHING_SAVED:
                    node.saved = NOTHING_SAVED
                if node.guard is not None:
                    node.guard = None  # the last node to let go of an array makes it writable
            del grad
            for tensor, g in zip(inputs, grads):
                if tensor is None or g is None:
                    continue
                data = tensor._data
                if create_graph and not isinstance(g, Tensor):
                    g = Tensor._make(np.asarray(g), None)
                if g.shape != data.shape:
                    g = _fit_shape(g, data.shape, node, tensor)
                dtype = g.dtype
                if dtype is not data.dtype and dtype != data.dtype:
                    g = g.astype(data.dtype)
                fn = tensor.grad_fn
                if fn is None:
                    if tensor in leaf_grads:
                        _add(leaf_grads, tensor, g, owned)
                    else:
                        leaf_grads[tensor] = g
                    continue
                if fn in pending:
                    _add(pending, fn, g, owned)
                else:
                    pending[fn] = g
                count = counts[fn] - 1
                counts[fn] = count
                if count == 0:
                    ready.append(fn)
        # The last rule's outputs are still bound here; drop them so that _accumulate can
        # tell a gradient nobody else holds (kept as is) from a shared one (copied).
        grads = g = saved = None
        if capture is not None:
            for index, tensor in enumerate(capture):
                if tensor.grad_fn is None and tensor in leaf_grads:
                    grad = leaf_grads[tensor]
                    if tensor._hooks:
                        grad = _run_tensor_hooks(tensor._hooks, grad, create_graph)
                    captured[index] = grad
            return _captured_result(captured, capture, create_graph, allow_unused)
        if not retained and not _any_hooks(leaf_grads):
            while leaf_grads:
                leaf, grad = leaf_grads.popitem()
                _accumulate(leaf, grad, create_graph)
            return None
        # Every hook runs before any .grad changes, so a failing hook or rule leaves them all.
        finished = []
        while leaf_grads:
            leaf, grad = leaf_grads.popitem()
            if leaf._hooks:
                grad = _run_tensor_hooks(leaf._hooks, grad, create_graph)
            finished.append((leaf, grad))
            del grad
        while retained:
            tensor, grad = retained.pop()
            _accumulate(tensor, grad, create_graph)
            del grad
        while finished:
            leaf, grad = finished.pop()
            _accumulate(leaf, grad, create_graph)
            del grad
        return None
    finally:
        grad_mode._state.enabled = previous_mode


def _any_hooks(leaves: Iterable[Any]) -> bool:
    for leaf in leaves:
        if leaf._hooks:
            return True
    return False


def _add(pending: dict, key: Any, grad: Any, owned: set | None = None) -> None:
    if key not in pending:
        pending[key] = grad
    elif owned is not None and key in owned:
        pending[key] += grad
    else:
        pending[key] = pending[key] + grad
        if owned is not None:
            owned.add(key)


def _fit_shape(grad: Any, shape: tuple, node: Function, tensor: Any) -> Any:
    try:
        return sum_to(grad, shape)
    except ValueError:
        raise RuntimeError(
            f"backward of '{node.name}' returned a gradient of shape {tuple(grad.shape)} "
            f"for an input of shape {shape}"
        ) from None


def _run_tensor_hooks(hooks: dict, grad: Any, create_graph: bool) -> Any:
    for hook in list(hooks.values()):
        wrapped = grad if isinstance(grad, Tensor) else Tensor._make(grad, None)
        result = hook(wrapped)
        if result is not None:
            result_data = result if create_graph else (result._data if isinstance(result, Tensor) else np.asarray(result))
            if tuple(result_data.shape) != tuple(grad.shape):
                raise RuntimeError(
                    f"hook returned a gradient of shape {tuple(result_data.shape)}, "
                    f"expected {tuple(grad.shape)}"
                )
            if result_data.dtype != grad.dtype:
                # A hook never changes a gradient's dtype (float32 stays float32).
                result_data = result_data.astype(grad.dtype)
            grad = result_data
    return grad


def _run_node_hooks(node: Function, grad: Any, create_graph: bool, retained: list | None) -> Any:
    if node.hooks:
        grad = _run_tensor_hooks(node.hooks, grad, create_graph)
    if node.retained is not None and retained is not None:
        tensor = node.retained()
        if tensor is not None:
            # A copy: the pass may still add into this array in place.
            retained.append((tensor, grad if isinstance(grad, Tensor) else np.array(grad)))
    return grad


_OWNED_REFCOUNT = 3


def _accumulate(tensor: Any, grad: Any, create_graph: bool, copy: bool = False) -> None:
    """Add `grad` into `tensor.grad`, in place when the existing gradient allows it."""
    if create_graph:
        if not isinstance(grad, Tensor):
            grad = Tensor._make(np.asarray(grad), None)
        tensor.grad = grad if tensor.grad is None else tensor.grad + grad
        return
    if isinstance(grad, Tensor):
        grad = grad._data
    if type(grad) is not np.ndarray:
        grad = np.asarray(grad)
    existing = tensor._grad
    if existing is None:
        # A leaf's .grad must never share memory with another's (in-place clipping
        # would hit both): keep the array only when the caller's variable, this
        # parameter and getrefcount's argument are its only references.
        if copy or grad.base is not None or not grad.flags.writeable or sys.getrefcount(grad) > _OWNED_REFCOUNT:
            grad = np.array(grad)
        # The gradient already has the tensor's shape: skip the checking `grad` setter.
        tensor._grad = Tensor._make(grad, None)
    else:
        data = existing._data
        if data.flags.writeable and data.shape == grad.shape and existing.grad_fn is None:
            data += grad
        else:
            existing._data = data + grad


def _captured_result(captured: list, capture: Sequence[Any], create_graph: bool, allow_unused: bool) -> tuple:
    results = []
    for index, (tensor, grad) in enumerate(zip(capture, captured)):
        if grad is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated tensors (input {index}, shape "
                    f"{tuple(tensor.shape)}) does not appear in the graph of the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            results.append(None)
            continue
        if isinstance(grad, Tensor):
            results.append(grad if create_graph else Tensor._make(grad._data, None))
        else:
            grad = np.asarray(grad)
            if not grad.flags.writeable or grad.base is not None:
                grad = np.array(grad)
            results.append(Tensor._make(grad, None))
    return tuple(results)
